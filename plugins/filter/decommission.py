# -*- coding: utf-8 -*-
# Copyright (c) camops.hikvision contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filters of the decommission role.

decommission_record builds one device's report record from what the role registered;
decommission_host_record gathers that from a host's variables (the report builds every device's record in
one task from hostvars, instead of one task per device). The record was a Jinja template (record.j2);
compiling that template again in every task's worker process cost about a fifth of the benchmark's
controller CPU (docs/benchmarks.md), so it is plain Python now, with unit tests.
"""

LEFT_ALONE_ERROR = 'factory reset by an earlier run (credential store status factory_reset)'
RECORDER_NOT_IN_RUN = ('its recorder %s was not in this run (left out by --limit or decommission_recorders), so its '
                       'channel there, if any, was not removed; the retry command runs every recorder')
RECORDER_UNKNOWN = ('its recorder %s (hik_recorder) is not in the inventory, so its channel there, if any, was not '
                    'removed; correct hik_recorder, or set decommission_remove_from_recorder to false')
STEPS = ('backup', 'cloud', 'onvif_users', 'users', 'factory_reset', 'handover')


def _dict(value):
    return value if isinstance(value, dict) else {}


def _confirmed(step):
    """A step's result as the report may read it: a failed step says what the device confirmed and nothing
    more (its other fields may be the plan's prediction, or the write it was sending), so no success text is
    made of it. ``changed`` stays: true when a write was acknowledged or may have been applied."""
    if not step.get('failed'):
        return step
    kept = dict((key, step[key]) for key in ('changed', 'write_state', 'failed', 'msg') if key in step)
    account = _dict(step.get('cloud_account'))
    if account.get('confirmed'):
        kept['cloud_account'] = account  # the provider's second lookup proved the delete before the failure
    return kept


def _names(items):
    return [item.get('name') for item in items or []]


def decommission_record(facts):
    """One device's report record (a dict holding no secret) from ``facts``, a dict of:

    name, site, address, run (the report name), check_mode, cred_status (the credential store's status),
    failure ({} or {step, error}), pre (the preflight read), steps (a dict of the step results: backup,
    cloud, onvif_users, users, factory_reset, handover), recorder (the camera's recorder host, or none),
    recorder_in_run (that host removed cameras in this run), recorder_channels (its channel removal result),
    recorder_error (its failure, or none), channels (this recorder's own channel removal result),
    recorder_expected (the run removes departing cameras from their recorders: a camera whose recorder was
    not in the run, or is not in the inventory, failed that step), recorder_known (the recorder is a host of
    the inventory).
    """
    facts = _dict(facts)
    left_alone = facts.get('cred_status') == 'factory_reset'
    failure = _dict(facts.get('failure'))
    pre = _dict(facts.get('pre'))
    dev = _dict(pre.get('device'))
    steps = dict((step, _confirmed(_dict(_dict(facts.get('steps')).get(step)))) for step in STEPS)
    address = facts.get('address')
    recorder = facts.get('recorder')
    recorder_error = facts.get('recorder_error')
    channels = _dict(facts.get('channels'))
    removed = [channel for channel in _dict(facts.get('recorder_channels')).get('removed') or []
               if channel.get('ip_address') == address]
    check_mode = bool(facts.get('check_mode'))

    recorder_missed = bool(recorder and facts.get('recorder_expected') and not facts.get('recorder_in_run'))
    if failure:
        failed_step, error = failure.get('step', ''), failure.get('error', '')
    elif recorder_error is not None:
        failed_step, error = 'recorder %s' % recorder, recorder_error
    elif recorder_missed:
        failed_step = 'recorder %s' % recorder
        error = (RECORDER_NOT_IN_RUN if facts.get('recorder_known') else RECORDER_UNKNOWN) % recorder
    else:
        failed_step, error = '', ''
    status = 'failed' if failure or recorder_error is not None or recorder_missed else 'ok'
    if left_alone:
        # A device a previous run reset is not touched; the record says so.
        status, error = 'skipped', LEFT_ALONE_ERROR

    backup, cloud, users = steps['backup'], steps['cloud'], steps['users']
    onvif, reset = steps['onvif_users'], steps['factory_reset']
    record = {
        'name': facts.get('name'),
        'site': facts.get('site'),
        'address': address,
        'run': facts.get('run'),
        'status': status,
        'changed': (any(step.get('changed') for step in steps.values()) or bool(removed)
                    or bool(channels.get('changed', False))),
        'check_mode': check_mode,
        'failed_step': failed_step,
        'error': error,
        'device': dict((key, dev.get(key)) for key in
                       ('model', 'serial_number', 'device_type', 'firmware_version', 'mac_address')),
        'found': {'users': _names(pre.get('users')), 'onvif_users': _names(pre.get('onvif_users')),
                  'cloud': pre.get('cloud', {})},
        'recorder': {'name': recorder, 'in_run': bool(facts.get('recorder_in_run')),
                     'removed_channels': [channel.get('id') for channel in removed]},
        'backup': {'changed': backup.get('changed', False), 'path': backup.get('dest'),
                   'sha256': backup.get('sha256')},
        'cloud': {'changed': cloud.get('changed', False), 'before': cloud.get('cloud_before'),
                  'after': cloud.get('cloud_after'),
                  'verification_code_changed': cloud.get('verification_code_changed', False),
                  'account_binding': cloud.get('account_binding'), 'account': cloud.get('cloud_account')},
        'onvif_users': {'changed': onvif.get('changed', False), 'deleted': onvif.get('deleted', [])},
        'users': {'changed': users.get('changed', False), 'deleted': users.get('deleted', []),
                  'password_changed': users.get('password_changed', []),
                  'password_recovered': users.get('password_recovered', False),
                  'verified': users.get('verified')},
        'verified': not check_mode and not failure,
        'factory_reset': {'done': reset.get('reset', False), 'mode': reset.get('mode'),
                          'activated': reset.get('activated')},
        'handover': steps['handover'],
        'channels_removed': channels.get('removed', []),
    }
    record['changes'] = _changes(record)
    record['notes'] = _notes(pre, cloud, onvif)
    if backup.get('msg') and not backup.get('skipped'):
        # A backup that failed while optional (failed_when turned it into a result; a required one fails the
        # device); a taken backup's result carries no msg.
        record['notes'].append('configuration backup failed, went on without it: %s' % backup['msg'])
    return record


def _notes(pre, cloud, onvif):
    """What the device lacks, so that a step it did not need reads as such (never as a change)."""
    notes = []
    read = [str(note) for note in pre.get('notes') or []]
    if cloud.get('cloud_supported') is False or (pre.get('cloud') == {} and any(n.startswith('cloud:') for n in read)):
        notes.append('no Hik-Connect on this device')
    if onvif.get('onvif_supported') is False or any(n.startswith('onvif_users:') for n in read):
        notes.append('no ONVIF user management on this device')
    return notes


def _changes(record):
    """The record's changes, one short sentence each, in the order the job makes them."""
    changes = []
    if record['backup']['changed']:
        changes.append('configuration backed up')
    recorder = record['recorder']
    if recorder['removed_channels']:
        changes.append('removed from %s (channel %s)' % (recorder['name'],
                                                         ', '.join(str(i) for i in recorder['removed_channels'])))
    if record['channels_removed']:
        changes.append('cameras removed: %s' % ', '.join(str(c.get('ip_address')) for c in record['channels_removed']))
    account = record['cloud']['account'] or {}
    if account.get('shares_removed'):
        changes.append('%s shares revoked: %s' % (account.get('provider'),
                                                  ', '.join(str(s.get('principal')) for s in account['shares_removed'])))
    if account.get('deleted', False):
        changes.append('deleted from the %s account' % account.get('provider'))
    if (record['cloud']['before'] or {}).get('enabled', False) and not (record['cloud']['after'] or {}).get('enabled', False):
        changes.append('Hik-Connect off' + (', code rotated' if record['cloud']['verification_code_changed'] else ''))
    if record['onvif_users']['deleted']:
        changes.append('ONVIF users deleted: ' + ', '.join(record['onvif_users']['deleted']))
    if record['users']['deleted']:
        changes.append('users deleted: ' + ', '.join(record['users']['deleted']))
    if record['users']['password_changed']:
        changes.append('password changed: ' + ', '.join(record['users']['password_changed']))
    if record['users']['password_recovered']:
        changes.append('password rotation of an earlier run confirmed')
    if record['factory_reset']['done']:
        changes.append('factory reset (%s)' % record['factory_reset']['mode'])
    if record['handover'].get('changed', False):
        changes.append(record['handover'].get('summary', 'handed over'))
    return changes


def decommission_host_record(host, hostvars, run, check_mode, failure=None, handover=None, recorders=False):
    """One device's report record from ``host``, its variables (``hostvars[name]``): what the decommission
    role registered (decommission_pre, decommission_r_*), its facts (decommission_cred, decommission_failure,
    decommission_record) and inventory variables, the recorder's from ``hostvars``.

    A record the role kept as a fact (decommission_record: the transfer role's, after the hand-over) is
    returned as it is. ``failure`` and ``handover``, when given, are used instead of the host's facts (the
    transfer role passes them as task variables). ``recorders``: the run removes departing cameras from their
    recorders (the decommission playbook's recorders' play), so a camera whose recorder was not in it failed that step.
    """
    def get(key, default=None):
        return host[key] if key in host else default

    if failure is None and handover is None and 'decommission_record' in host:
        return host['decommission_record']
    name = get('inventory_hostname')
    recorder_name = get('hik_recorder')
    recorder_known = recorder_name is not None and recorder_name in hostvars
    recorder = hostvars[recorder_name] if recorder_known else {}
    return decommission_record({
        'name': name, 'site': get('hik_site', 'default'), 'address': get('ansible_host', name),
        'run': run, 'check_mode': check_mode,
        'cred_status': _dict(get('decommission_cred')).get('status') or '',
        'failure': get('decommission_failure', {}) if failure is None else failure,
        'pre': get('decommission_pre', {}),
        'steps': {'backup': get('decommission_r_backup'), 'cloud': get('decommission_r_cloud'),
                  'onvif_users': get('decommission_r_onvif'), 'users': get('decommission_r_users'),
                  'factory_reset': get('decommission_r_reset'),
                  'handover': get('decommission_r_handover') if handover is None else handover},
        'recorder': recorder_name,
        'recorder_expected': recorders,
        'recorder_known': recorder_known,
        'recorder_in_run': 'decommission_departing_by_recorder' in recorder,
        'recorder_channels': recorder['decommission_r_channels'] if 'decommission_r_channels' in recorder else {},
        'recorder_error': recorder['decommission_recorder_error'] if 'decommission_recorder_error' in recorder else None,
        'channels': get('decommission_r_channels', {}),
    })


class FilterModule(object):
    def filters(self):
        return {'decommission_record': decommission_record, 'decommission_host_record': decommission_host_record}
