# -*- coding: utf-8 -*-
# Copyright (c) camops.hikvision contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Hik-Connect (EZVIZ) platform access on the device: parsing only."""

from ansible_collections.camops.hikvision.plugins.module_utils.isapi import xml_bool, xml_get, xml_text

EZVIZ_PATH = '/ISAPI/System/Network/EZVIZ'


def parse_ezviz(doc):
    """EZVIZ -> {enabled, registered, bind_status, server}. The verification code is never copied."""
    bind = xml_text(doc.get('bindStatus'))
    return dict(
        enabled=xml_bool(doc.get('enabled')),
        registered=xml_bool(doc.get('registerStatus')),
        bind_status=bind or None,
        server=xml_text(xml_get(doc.body, 'serverAddress', 'hostName')) or None,
    )
