# -*- coding: utf-8 -*-
# Copyright (c) camops.hikvision contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Recorder channels: IP channels (InputProxy) and analogue inputs. Parsing only."""

from ansible_collections.camops.hikvision.plugins.module_utils.isapi import (
    as_list, xml_bool, xml_get, xml_int, xml_text,
)

INPUT_PROXY_PATH = '/ISAPI/ContentMgmt/InputProxy/channels'
INPUT_PROXY_STATUS_PATH = '/ISAPI/ContentMgmt/InputProxy/channels/status'
VIDEO_INPUTS_PATH = '/ISAPI/System/Video/inputs/channels'


def parse_channel_status(doc):
    """InputProxyChannelStatusList -> {channel id: online (bool or None)}."""
    status = {}
    if doc is None:
        return status
    for node in as_list(doc.get('InputProxyChannelStatus')):
        if isinstance(node, dict):
            status[xml_int(node.get('id'))] = xml_bool(node.get('online'))
    return status


def parse_input_proxy_channels(doc):
    """InputProxyChannelList -> [{id, name, ip_address, port, protocol, ...}]. No password, ever.

    ``online`` is None here; channel status comes from a separate document (parse_channel_status).
    """
    channels = []
    for node in as_list(doc.get('InputProxyChannel')):
        if not isinstance(node, dict):
            continue
        src = xml_get(node, 'sourceInputPortDescriptor', default={})
        channel_id = xml_int(node.get('id'))
        protocol = xml_text(xml_get(src, 'proxyProtocol'))
        channels.append(dict(
            id=channel_id,
            type='ip',
            name=xml_text(node.get('name')),
            ip_address=xml_text(xml_get(src, 'ipAddress')) or xml_text(xml_get(src, 'hostName')) or None,
            port=xml_int(xml_get(src, 'managePortNo')),
            protocol=protocol.lower() if protocol else None,
            username=xml_text(xml_get(src, 'userName')),
            model=xml_text(xml_get(src, 'model')) or None,
            serial_number=xml_text(xml_get(src, 'serialNumber')) or None,
            firmware_version=xml_text(xml_get(src, 'firmwareVersion')) or None,
            online=None,
        ))
    return sorted(channels, key=lambda c: (c['id'] is None, c['id']))


def max_ip_channels(doc):
    """The ``size`` attribute of InputProxyChannelList: how many IP channels the recorder takes."""
    return xml_int(doc.get('@size'))


def parse_video_inputs(doc):
    """VideoInputChannelList (analogue inputs of a DVR) -> [{id, type: analog, name, ...}]."""
    channels = []
    for node in as_list(doc.get('VideoInputChannel')):
        if not isinstance(node, dict):
            continue
        res = xml_text(node.get('resDesc'))
        channels.append(dict(
            id=xml_int(node.get('id')),
            type='analog',
            name=xml_text(node.get('name')),
            ip_address=None,
            port=None,
            protocol=None,
            username=None,
            model=None,
            serial_number=None,
            firmware_version=None,
            online=None if res is None else res.upper() != 'NO VIDEO',
            enabled=xml_bool(node.get('videoInputEnabled')),
        ))
    return sorted(channels, key=lambda c: (c['id'] is None, c['id']))
