# -*- coding: utf-8 -*-
# Copyright (c) camops.hikvision contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Recorder channels: IP channels (InputProxy) and analogue inputs. Parsing only."""

from ansible_collections.camops.hikvision.plugins.module_utils.isapi.api import (
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
            # plugplay: a camera on the recorder's own PoE ports (a capture of DS-7608NXI-I2); None when not said.
            conn_mode=xml_text(xml_get(src, 'connMode')) or None,
            online=None,
        ))
    return sorted(channels, key=lambda c: (c['id'] is None, c['id']))


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
            conn_mode=None,
            online=None if res is None else res.upper() != 'NO VIDEO',
            enabled=xml_bool(node.get('videoInputEnabled')),
        ))
    return sorted(channels, key=lambda c: (c['id'] is None, c['id']))


# ---------------------------------------------------------------------------------------------
# Desired state: selection, planning and request bodies (pure)
# ---------------------------------------------------------------------------------------------

SELECTORS = ('channel_id', 'ip_address', 'serial_number', 'name')
PROTOCOLS = {'hikvision': 'HIKVISION', 'onvif': 'ONVIF'}
DEFAULT_CAMERA_PORT = 8000


def describe(channel):
    """A short human name for a channel in messages: channel 3 ('garden', 192.0.2.5:8000)."""
    where = '%s:%s' % (channel['ip_address'], channel['port']) if channel.get('ip_address') else None
    parts = [repr(channel['name'])] if channel.get('name') else []
    if where:
        parts.append(where)
    return 'channel %s%s' % (channel['id'], ' (%s)' % ', '.join(parts) if parts else '')


def matches(channel, selector):
    """True when ``channel`` fits every selector key that is set (channel_id, ip_address with optional
    port, serial_number, name)."""
    used = False
    if selector.get('channel_id') is not None:
        used = True
        if channel['id'] != selector['channel_id']:
            return False
    if selector.get('ip_address'):
        used = True
        if (channel.get('ip_address') or '').lower() != selector['ip_address'].lower():
            return False
        if selector.get('port') is not None and channel.get('port') != selector['port']:
            return False
    if selector.get('serial_number'):
        used = True
        if (channel.get('serial_number') or '').lower() != selector['serial_number'].lower():
            return False
    if selector.get('name'):
        used = True
        if channel.get('name') != selector['name']:
            return False
    return used


def validate_entry(entry):
    """Raise ValueError for an entry that can never be right, before any request."""
    state = entry['state']
    if not any(entry.get(key) is not None for key in SELECTORS):
        raise ValueError('Each channel needs at least one of channel_id, ip_address, serial_number or name.')
    if entry.get('port') is not None and not 0 < entry['port'] < 65536:
        raise ValueError('port must be between 1 and 65535, got %s.' % entry['port'])
    if entry.get('channel_id') is not None and entry['channel_id'] < 1:
        raise ValueError('channel_id must be a positive number, got %s.' % entry['channel_id'])
    if state == 'present' and entry.get('expected_serial_number'):
        raise ValueError('expected_serial_number guards a removal (state=absent) only; %s.' % _selector_text(entry))
    if state == 'present' and not entry.get('ip_address') and entry.get('channel_id') is None:
        raise ValueError('A present channel needs ip_address (and optionally channel_id); %s.' % _selector_text(entry))


def _selector_text(entry):
    return ', '.join('%s=%s' % (key, entry[key]) for key in SELECTORS + ('port',) if entry.get(key) is not None)


def _check_identity(channel, expected):
    """A channel to remove whose camera reports another serial number than expected holds another camera
    now (a replacement at the same address): refuse, before any write. A channel that reports none (offline,
    never connected) cannot tell, and is removed."""
    reported = channel.get('serial_number')
    if expected and reported and reported.strip().lower() != expected.strip().lower():
        raise ValueError('%s reports serial number %s, not the expected %s: another camera is at that address '
                         'now, so nothing was changed.' % (describe(channel), reported, expected))


class ChannelPlan(object):
    def __init__(self):
        self.remove = []  # current channel dicts
        self.add = []     # wanted entries (port and protocol resolved)
        self.update = []  # (current channel, wanted entry, {field: new value}; 'password': True)

    @property
    def changed(self):
        return bool(self.remove or self.add or self.update)


def plan_channels(current, wanted, analog=None):
    """Compare a recorder's IP channels with the wanted entries. Raises ValueError (before any write)
    for analogue inputs, conflicts and adds without credentials."""
    analog = analog or []
    plan = ChannelPlan()
    removed_ids = set()
    taken = dict((((c.get('ip_address') or '').lower(), c.get('port')), c['id']) for c in current)
    for entry in wanted:
        selector = dict((key, entry.get(key)) for key in SELECTORS + ('port',))
        for channel in analog:
            by_id = selector.get('channel_id') == channel['id']
            by_name = bool(selector.get('name')) and selector['name'] == channel['name']
            if by_id or (by_name and entry['state'] == 'absent'):
                raise ValueError('%s is an analogue input of the DVR; analogue channels cannot be %s, only IP '
                                 'channels.' % (describe(channel), 'removed' if entry['state'] == 'absent'
                                                else 'managed'))
        if entry['state'] == 'absent':
            for channel in current:
                if channel['id'] not in removed_ids and matches(channel, selector):
                    _check_identity(channel, entry.get('expected_serial_number'))
                    removed_ids.add(channel['id'])
                    plan.remove.append(channel)
            continue
        port = entry.get('port') or DEFAULT_CAMERA_PORT
        if entry.get('channel_id') is not None:
            existing = [c for c in current if c['id'] == entry['channel_id']]
        else:
            existing = [c for c in current if matches(c, dict(ip_address=entry['ip_address'], port=port))]
        if len(existing) > 1:
            raise ValueError('%s matches %d channels (%s); give channel_id.' % (
                _selector_text(entry), len(existing), ', '.join(describe(c) for c in existing)))
        if existing and existing[0]['id'] in removed_ids:
            raise ValueError('%s is both removed and kept by this call.' % describe(existing[0]))
        if entry.get('ip_address'):
            other = taken.get((entry['ip_address'].lower(), port))
            if other is not None and (not existing or other != existing[0]['id']) and other not in removed_ids:
                raise ValueError('%s:%s is already channel %s of this recorder.' % (entry['ip_address'], port, other))
        if not existing:
            if not entry.get('ip_address'):
                raise ValueError('Channel %s does not exist; give ip_address to add it.' % entry['channel_id'])
            if entry.get('camera_password') is None:
                raise ValueError('%s:%s is not on the recorder and no camera_password was given to add it.'
                                 % (entry['ip_address'], port))
            added = dict(entry, port=port, protocol=entry.get('protocol') or 'hikvision',
                         camera_username=entry.get('camera_username') or 'admin')
            plan.add.append(added)
            continue
        channel = existing[0]
        changes = {}
        for field, value in (('ip_address', entry.get('ip_address')),
                             ('port', entry.get('port') if entry.get('channel_id') is not None else None),
                             ('protocol', entry.get('protocol')), ('name', entry.get('name')),
                             ('username', entry.get('camera_username'))):
            if value is not None and value != channel.get(field):
                changes[field] = value
        if entry.get('camera_password') is not None and entry.get('update_password') == 'always':
            changes['password'] = True
        if changes:
            plan.update.append((channel, entry, changes))
    return plan


def after_channels(current, plan, new_ids=None):
    """The IP channel list the plan leads to (for check mode, the diff and the result)."""
    removed = set(c['id'] for c in plan.remove)
    out = []
    for channel in current:
        if channel['id'] in removed:
            continue
        channel = dict(channel)
        for cur, dummy, changes in plan.update:
            if cur['id'] == channel['id']:
                channel.update((k, v) for k, v in changes.items() if k != 'password')
        out.append(channel)
    for entry in plan.add:
        out.append(dict(id=(new_ids or {}).get(entry['ip_address'], entry.get('channel_id')), type='ip',
                        name=entry.get('name'), ip_address=entry['ip_address'], port=entry['port'],
                        protocol=entry['protocol'], username=entry['camera_username'], model=None,
                        serial_number=None, firmware_version=None, conn_mode=None, online=None))
    return sorted(out, key=lambda c: (c['id'] is None, c['id'] or 0))


def channel_body(channel_id=None, name=None, ip_address=None, port=None, protocol=None, username=None,
                 password=None, new=False):
    """<InputProxyChannel> for an add (new=True: the full descriptor, docs/isapi.md 5.3) or an update
    (the camera's address to identify it plus only the fields that change)."""
    body = {}
    if channel_id is not None:
        body['id'] = str(channel_id)
    if name is not None:
        body['name'] = name
    src = {}
    if protocol is not None:
        src['proxyProtocol'] = PROTOCOLS[protocol]
    if ip_address is not None:
        src['addressingFormatType'] = 'ipaddress'
        src['ipAddress'] = ip_address
    if port is not None:
        src['managePortNo'] = str(port)
    if new:
        src['srcInputPort'] = '1'
    if username is not None:
        src['userName'] = username
    if password is not None:
        src['password'] = password
    if new:
        src['streamType'] = 'auto'
    body['sourceInputPortDescriptor'] = src
    return body


# ---------------------------------------------------------------------------------------------
# Talking to the recorder
# ---------------------------------------------------------------------------------------------

def read_channels(client, with_analog=False):
    """(IP channels, analogue inputs). NotSupportedError when the device is not a recorder."""
    ip_channels = parse_input_proxy_channels(client.get(INPUT_PROXY_PATH))
    analog = []
    if with_analog:
        doc = client.get_optional(VIDEO_INPUTS_PATH)
        analog = parse_video_inputs(doc) if doc is not None else []
    return ip_channels, analog


def apply_channel_plan(client, plan):
    """Removals first (they free ids and addresses), then updates, then additions. Returns {ip: new id}."""
    for channel in plan.remove:
        client.delete('%s/%s' % (INPUT_PROXY_PATH, channel['id']))
    for channel, entry, changes in plan.update:
        body = channel_body(channel['id'], name=changes.get('name'),
                            ip_address=changes.get('ip_address', channel['ip_address']),
                            port=changes.get('port', channel['port']), protocol=changes.get('protocol'),
                            username=changes.get('username'),
                            password=entry['camera_password'] if changes.get('password') else None)
        client.put('%s/%s' % (INPUT_PROXY_PATH, channel['id']), 'InputProxyChannel', body)
    new_ids = {}
    for entry in plan.add:
        body = channel_body(entry.get('channel_id'), name=entry.get('name'), ip_address=entry['ip_address'],
                            port=entry['port'], protocol=entry['protocol'], username=entry['camera_username'],
                            password=entry['camera_password'], new=True)
        result = client.post(INPUT_PROXY_PATH, 'InputProxyChannel', body)
        new_ids[entry['ip_address']] = xml_int(result.id) or entry.get('channel_id')
    return new_ids
