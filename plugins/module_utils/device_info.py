# -*- coding: utf-8 -*-
# Copyright (c) camops.hikvision contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Read a device's facts with as few requests as the asked subsets need."""

from ansible_collections.camops.hikvision.plugins.module_utils import channels as channels_mod
from ansible_collections.camops.hikvision.plugins.module_utils import platform as platform_mod
from ansible_collections.camops.hikvision.plugins.module_utils import system as system_mod
from ansible_collections.camops.hikvision.plugins.module_utils import users as users_mod
from ansible_collections.camops.hikvision.plugins.module_utils.isapi.api import MalformedResponseError, NotSupportedError

SUBSETS = ('device', 'capabilities', 'users', 'onvif_users', 'channels', 'cloud', 'lockout_policy', 'password_status')
_NEEDS_CAPABILITIES = ('capabilities', 'onvif_users', 'cloud', 'lockout_policy')


def resolve_subsets(names):
    """['all', '!users'] -> the set of subsets to gather; ValueError on an unknown name."""
    wanted = set()
    excluded = set()
    for raw in names or ['all']:
        name = (raw or '').strip()
        negate = name.startswith('!')
        name = name[1:] if negate else name
        if name == 'all':
            target = set(SUBSETS)
        elif name in SUBSETS:
            target = {name}
        else:
            raise ValueError('Unknown gather_subset %r.' % raw)
        (excluded if negate else wanted).update(target)
    if not wanted:
        wanted = set(SUBSETS)
    wanted -= excluded
    wanted.add('device')
    return wanted


def _optional(client, path, notes, label):
    """An optional part: None with a note when the device does not offer it or its answer cannot be read
    (an empty or broken document), so that one unreadable part does not hide the rest of what was read."""
    try:
        return client.get(path)
    except NotSupportedError:
        notes.append('%s: not supported by this device (%s)' % (label, path))
    except MalformedResponseError as exc:
        notes.append('%s: the answer could not be read (%s)' % (label, exc))
    return None


def ip_channels(client, notes, strict=False):
    """A recorder's IP channels with their online state (two requests; one when it has none); [] with a note when
    it offers no channel list. ``strict``: a channel list that cannot be read raises (MalformedResponseError)
    instead of reading as an empty one."""
    if strict:
        try:
            doc = client.get(channels_mod.INPUT_PROXY_PATH)
        except NotSupportedError:
            notes.append('channels: not supported by this device (%s)' % channels_mod.INPUT_PROXY_PATH)
            doc = None
    else:
        doc = _optional(client, channels_mod.INPUT_PROXY_PATH, notes, 'channels')
    if doc is None:
        return []
    channels = channels_mod.parse_input_proxy_channels(doc)
    if channels:
        status = channels_mod.parse_channel_status(
            _optional(client, channels_mod.INPUT_PROXY_STATUS_PATH, notes, 'channel status'))
        for channel in channels:
            channel['online'] = status.get(channel['id'])
    return channels


def gather(client, subsets):
    """Return the facts dict of hik_device_info for ``subsets`` (a set of SUBSETS names)."""
    notes = []
    result = dict(notes=notes)
    device = system_mod.parse_device_info(client.get(system_mod.DEVICE_INFO_PATH))
    result['device'] = device
    kind = device['device_type']

    caps_doc = None
    caps = {}
    # A recorder's capacity is in its capabilities (RacmCap/inputProxyNums), not in its channel list.
    if subsets & set(_NEEDS_CAPABILITIES) or ('channels' in subsets and kind != 'ipc'):
        caps_doc = _optional(client, system_mod.CAPABILITIES_PATH, notes, 'capabilities')
        caps = system_mod.parse_capabilities(caps_doc) if caps_doc is not None else {}
        result['capabilities'] = caps

    if 'users' in subsets:
        doc = _optional(client, users_mod.USERS_PATH, notes, 'users')
        result['users'] = users_mod.parse_users(doc) if doc is not None else []

    if 'onvif_users' in subsets:
        result['onvif_users'] = []
        if caps.get('onvif_users') is False:
            notes.append('onvif_users: the device does not offer ONVIF user management')
        else:
            doc = _optional(client, users_mod.ONVIF_USERS_PATH, notes, 'onvif_users')
            if doc is not None:
                result['onvif_users'] = users_mod.parse_users(doc, 'onvif')

    if 'channels' in subsets:
        result['channels'] = []
        if kind == 'ipc':
            notes.append('channels: not a recorder (device type ipc)')
        else:
            result['channels'] = ip_channels(client, notes)
            result['max_ip_channels'] = caps.get('max_ip_channels')
            if kind == 'dvr':
                analog = _optional(client, channels_mod.VIDEO_INPUTS_PATH, notes, 'analog channels')
                if analog is not None:
                    result['channels'] = channels_mod.parse_video_inputs(analog) + result['channels']

    if 'cloud' in subsets:
        result['cloud'] = {}
        if caps.get('cloud_platform') is False:
            notes.append('cloud: no Hik-Connect on this device (its capabilities say isSupportEZVIZ false)')
        else:
            doc = _optional(client, platform_mod.EZVIZ_PATH, notes, 'cloud')
            if doc is not None:
                result['cloud'] = platform_mod.parse_ezviz(doc)

    if 'lockout_policy' in subsets:
        policy = None
        if caps.get('lockout_policy') is not False:
            # No note here: the capabilities' values stand in for a lock policy the device does not offer.
            doc = client.get_optional(system_mod.LOCKOUT_PATH)
            policy = system_mod.parse_lockout_policy(doc) if doc is not None else None
        if policy is None and caps_doc is not None:
            policy = system_mod.lockout_policy_from_capabilities(caps_doc)
        if policy is None:
            notes.append('lockout_policy: the device reports no illegal-login lock policy')
        result['lockout_policy'] = policy or {}

    if 'password_status' in subsets:
        doc = _optional(client, system_mod.USER_CHECK_PATH, notes, 'password_status')
        result['password_status'] = system_mod.parse_user_check(doc) if doc is not None else {}

    if 'capabilities' not in subsets:
        result.pop('capabilities', None)
    return result
