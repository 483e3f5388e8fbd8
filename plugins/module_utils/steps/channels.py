# -*- coding: utf-8 -*-
# Copyright (c) camops.hikvision contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The IP camera channels of a recorder: the plan and apply of hik_camera_channel, also a step of the
decommission flow (flow.py: a departing recorder removes its departing cameras in its own login session)."""

from ansible_collections.camops.hikvision.plugins.module_utils import channels as channels_mod
from ansible_collections.camops.hikvision.plugins.module_utils import specs
from ansible_collections.camops.hikvision.plugins.module_utils.isapi.api import NotSupportedError
from ansible_collections.camops.hikvision.plugins.module_utils.runner import Plan, Refusal

FIELDS = specs.CHANNEL_FIELDS


def _short(channel):
    return dict((key, channel.get(key)) for key in ('id', 'name', 'ip_address', 'port', 'serial_number'))


def _view(channels):
    return [dict((key, c.get(key)) for key in ('id', 'name', 'ip_address', 'port', 'protocol', 'username'))
            for c in channels]


def wanted_entries(params):
    if params['channels'] is not None:
        raw = params['channels']
    else:
        raw = [dict((key, params[key]) for key in FIELDS)]
    entries = []
    for item in raw:
        entry = dict(item)
        entry['port'] = entry.pop('camera_port', None)
        entry['protocol'] = entry.pop('camera_protocol', None)
        entry['state'] = entry.get('state') or params['state']
        entry['update_password'] = entry.get('update_password') or params['update_password']
        channels_mod.validate_entry(entry)
        entries.append(entry)
    return entries


def plan(runner):
    try:
        wanted = wanted_entries(runner.params)
    except ValueError as exc:
        raise Refusal(str(exc))
    with_analog = any(e.get('channel_id') is not None or e.get('name') for e in wanted)
    try:
        current, analog = runner.login(lambda client: channels_mod.read_channels(client, with_analog=with_analog),
                                       fallback=runner.params['alternate_password'])
    except NotSupportedError as exc:
        if all(entry['state'] == 'absent' for entry in wanted):
            # The contract for a feature a device lacks: a channel that is to be absent already is.
            runner.result.update(channels_supported=False, channels=[],
                                 notes=['no IP channel list on this device (%s answered HTTP %s)'
                                        % (exc.path, exc.http_status)])
            return Plan(changed=False)
        raise Refusal('%s: not a recorder: the device has no IP channel list (%s answered HTTP %s).'
                      % (runner.client.label, exc.path, exc.http_status), error=exc.to_dict())
    client = runner.client
    runner.result['password_used'] = 'alternate_password' if runner.used_fallback else 'password'
    try:
        planned = channels_mod.plan_channels(current, wanted, analog)
    except ValueError as exc:
        raise Refusal('%s: %s' % (client.label, exc))
    runner.result.update(removed=[_short(c) for c in planned.remove],
                         updated=[dict(id=c['id'], fields=sorted(changes)) for c, dummy, changes in planned.update])
    after = report_after(runner, current, planned, {})
    return Plan(changed=planned.changed, before=dict(channels=_view(current)), after=dict(channels=_view(after)),
                current=current, channels=planned)


def report_after(runner, current, planned, new_ids):
    """The channels after the plan (predicted, or with the ids the device gave): into the result."""
    after = channels_mod.after_channels(current, planned, new_ids)
    added = set(e['ip_address'] for e in planned.add)
    runner.result['added'] = [_short(c) for c in after if c['ip_address'] in added]
    runner.result['channels'] = after
    return after


def apply(runner, planned):
    new_ids = channels_mod.apply_channel_plan(runner.client, planned.data['channels'])
    planned.after = dict(channels=_view(report_after(runner, planned.data['current'], planned.data['channels'],
                                                     new_ids)))
