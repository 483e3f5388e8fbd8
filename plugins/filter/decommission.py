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

import datetime
import getpass
import json
import os

import yaml

from ansible import release as ansible_release
from ansible.errors import AnsibleFilterError
from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.camops.hikvision.plugins.module_utils import flow
from ansible_collections.camops.hikvision.plugins.module_utils import hikcentral
from ansible_collections.camops.hikvision.plugins.module_utils import specs

LEFT_ALONE_ERROR = 'factory reset by an earlier run (credential store status factory_reset)'
RECORDER_NOT_IN_RUN = ('its recorder %s was not in this run (left out by --limit or decommission_recorders), so its '
                       'channel there, if any, was not removed; the retry command runs every recorder')
RECORDER_UNKNOWN = ('its recorder %s (hik_recorder) is not in the inventory, so its channel there, if any, was not '
                    'removed; correct hik_recorder, or set decommission_remove_from_recorder to false')
NOT_REACHABLE = ('not reachable from the controller (hik_reachable is false%s), so its own steps (backup, cloud, '
                 'accounts, password, reset) were not run; take it in hand where it is')
STEPS = ('backup', 'cloud', 'onvif_users', 'users', 'factory_reset', 'handover')
# A channel selector's keys (hik_recorder_channel), each as both removals take it: hik_decommission's
# remove_channels options (specs.CHANNEL_SELECT), and port, their camera_port's alias.
SELECTOR_KEYS = dict([(key, key) for key in specs.CHANNEL_SELECT] + [('port', 'camera_port')])


def _dict(value):
    return value if isinstance(value, dict) else {}


def _confirmed(step):
    """A step's result as the report may read it: a failed step says what the device confirmed and nothing
    more (its other fields may be the plan's prediction, or the write it was sending), so no success text is
    made of it. ``changed`` stays: true when a write was acknowledged or may have been applied."""
    if not (step.get('failed') or step.get('outcome') == 'failed'):
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
    unreachable = bool(facts.get('unreachable'))
    if unreachable:
        failed_step, error = failure.get('step', 'preflight'), failure.get('error', '')
    elif failure:
        failed_step, error = failure.get('step', ''), failure.get('error', '')
    elif recorder_error is not None:
        failed_step, error = 'recorder %s' % recorder, recorder_error
    elif recorder_missed:
        failed_step = 'recorder %s' % recorder
        error = (RECORDER_NOT_IN_RUN if facts.get('recorder_known') else RECORDER_UNKNOWN) % recorder
    else:
        failed_step, error = '', ''
    status = 'failed' if failure or recorder_error is not None or recorder_missed else 'ok'
    if unreachable:
        status = 'unreachable'
    if left_alone and recorder_error is None and not recorder_missed:
        # A device a previous run reset is not touched; the record says so. Its channel on its recorder is still
        # this run's to remove: a recorder that failed at it fails the record, so that the retry takes both.
        status, error = 'skipped', LEFT_ALONE_ERROR
    not_reachable = facts.get('not_reachable')
    if not_reachable is not None and status == 'ok':
        # A camera the controller cannot reach (on its recorder's PoE ports): its channel is removed on the
        # recorder; the device's own steps are not run, and the record says so.
        status = 'skipped'
        error = NOT_REACHABLE % (": a camera on %s's PoE network" % not_reachable if not_reachable else '')

    backup, cloud, users = steps['backup'], steps['cloud'], steps['users']
    onvif, reset = steps['onvif_users'], steps['factory_reset']
    record = {
        'name': facts.get('name'),
        'site': facts.get('site'),
        'address': address,
        'run': facts.get('run'),
        'status': status,
        # A device that failed after some changes is failed, not also changed (the counts add up); the steps'
        # own records still say what changed.
        'changed': _changed(status, steps, removed, channels, not_reachable),
        'partial_changes': status != 'ok' and (any(step.get('changed') for step in steps.values())
                                               or bool(channels.get('changed', False))),
        'check_mode': check_mode,
        'failed_step': failed_step,
        'error': error,
        # What the device said, else what the inventory knows of it (a device that failed before it was read).
        'device': dict((key, dev.get(key) or _dict(facts.get('known')).get(key) or '') for key in
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
        'verified': not check_mode and not failure and not_reachable is None,
        'factory_reset': {'done': reset.get('reset', False), 'mode': reset.get('mode'),
                          'activated': reset.get('activated')},
        'handover': steps['handover'],
        'channels_removed': channels.get('removed', []),
    }
    record['changes'] = _changes(record)
    record['notes'] = _notes(pre, cloud, onvif)
    if not_reachable is not None:
        record['notes'].append(NOT_REACHABLE % (": a camera on %s's PoE network" % not_reachable if not_reachable else ''))
        if recorder and facts.get('recorder_in_run') and not removed:
            record['notes'].append('%s held no channel of it in this run (removed before, or its channels changed)'
                                   % recorder)
    if backup.get('msg') and not backup.get('skipped'):
        # A backup that failed while optional (failed_when turned it into a result; a required one fails the
        # device); a taken backup's result carries no msg.
        record['notes'].append('configuration backup failed, went on without it: %s' % backup['msg'])
    return record


def _changed(status, steps, removed, channels, not_reachable):
    """A device that failed after some changes is failed, not also changed (the counts add up); a camera the
    controller cannot reach changed when its channel was removed."""
    if status == 'skipped':
        return not_reachable is not None and bool(removed)
    return status == 'ok' and (any(step.get('changed') for step in steps.values()) or bool(removed)
                               or bool(channels.get('changed', False)))


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


def decommission_host_record(host, hostvars, run, check_mode, failure=None, handover=None, recorders=False,
                             central=None):
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

    name = get('inventory_hostname')
    result = _dict(get('decommission_result'))
    failure = get('decommission_failure', {}) if failure is None else failure
    unreachable = bool(result.get('unreachable'))
    # The record's status before the run: the store task files' read, else the flow task's own (credential_store).
    cred_status = _dict(get('decommission_cred')).get('status') or _dict(result.get('credential')).get('before') or ''
    reachable = boolean(get('hik_reachable', True), strict=False)
    if unreachable:
        failure = {'step': 'preflight', 'error': result.get('msg', '')}
    elif not failure and reachable and not result and _dict(get('decommission_secrets')).get('left_alone') is not True \
            and cred_status != 'factory_reset':
        failure = {'step': 'preflight', 'error': 'no result: the run ended before this device was done'}
    steps = _dict(result.get('steps'))
    pre = dict(_dict(result.get('found')), device=_dict(result.get('device')))
    recorder_name = get('hik_recorder')
    recorder_known = recorder_name is not None and recorder_name in hostvars
    recorder = hostvars[recorder_name] if recorder_known else {}
    plan = _dict(recorder['decommission_channel_plan'] if 'decommission_channel_plan' in recorder else None)
    if recorder_name in _dict(plan.get('own')):
        # The recorder leaves in this run too: its own flow task removed its departing cameras.
        recorder_channels, recorder_error, recorder_note = _own_channels(recorder_name, recorder)
    else:
        recorder_channels = recorder['decommission_r_channels'] if 'decommission_r_channels' in recorder else {}
        recorder_error = recorder['decommission_recorder_error'] if 'decommission_recorder_error' in recorder else None
        recorder_note = None
    record = decommission_record({
        'name': name, 'site': get('hik_site', 'default'), 'address': get('ansible_host', name),
        'run': run, 'check_mode': check_mode,
        'cred_status': cred_status,
        'failure': failure,
        'unreachable': unreachable,
        'known': {'serial_number': get('hik_serial'), 'model': get('hik_model')},
        'pre': pre,
        'steps': {'backup': steps.get('backup'), 'cloud': steps.get('cloud'),
                  'onvif_users': steps.get('onvif_users'), 'users': steps.get('users'),
                  'factory_reset': steps.get('factory_reset'),
                  'handover': steps.get('handover') if handover is None else handover},
        'recorder': recorder_name,
        'recorder_expected': recorders,
        'recorder_known': recorder_known,
        'recorder_in_run': 'decommission_channel_plan' in recorder,
        'recorder_channels': recorder_channels,
        'recorder_error': recorder_error,
        # This recorder's own removal: the recorders' play's task, or its flow task's step when it leaves too (the
        # play's task is then skipped, and its registered result says so).
        'channels': _own_removal(_dict(get('decommission_r_channels')), _dict(steps.get('channels'))),
        # A PoE camera (hik_poe) names its recorder in the note.
        'not_reachable': None if reachable else (recorder_name if boolean(get('hik_poe', False), strict=False) else ''),
    })
    if recorder_note:
        record['notes'].append(recorder_note)
    if central is not None:
        record['hikcentral'] = hikcentral_record(central, name)
        record['notes'].extend(_hikcentral_note(record['hikcentral']))
    return record


def _own_removal(play_task, flow_step):
    """A recorder's own channel removal: the recorders' play's task when it ran, else its flow's step."""
    if play_task and not play_task.get('skipped'):
        return play_task
    return _confirmed(flow_step)


def _own_channels(name, recorder):
    """(channel removal result, error or None, note or None) of a recorder that removed its departing cameras'
    channels in its own flow task (hik_decommission's channels step), from its variables ``recorder``."""
    result = _dict(recorder['decommission_result'] if 'decommission_result' in recorder else None)
    step = _dict(_dict(result.get('steps')).get('channels'))
    outcome = step.get('outcome')
    if outcome in ('done', 'already', 'not_supported'):
        return step, None, None
    if outcome == 'failed':
        return {}, step.get('msg') or 'removing the channels failed', None
    cred = recorder['decommission_cred'] if 'decommission_cred' in recorder else None
    if result.get('left_alone') is True or _dict(cred).get('status') == 'factory_reset':
        return {}, None, ('its recorder %s was factory reset by an earlier run and is left alone, so its channel '
                          'list was not read' % name)
    failure = _dict(recorder['decommission_failure'] if 'decommission_failure' in recorder else None)
    reason = failure.get('error') or result.get('msg')
    if reason:
        return {}, ('its recorder\'s own run stopped at %s before the channels were removed: %s'
                    % (failure.get('step') or result.get('failed_step') or 'preflight', reason)), None
    return {}, ('its recorder\'s decommission did not report a channel removal (it did not run, or ran before the '
                'recorders\' tasks sorted the departing cameras)'), None


def decommission_channels(departing, remove=True):
    """Which recorder removes which departing cameras' channels, from the variables of every departing host
    (``departing``: hostvars of each): ``recorders`` {recorder: [channel selector]} for the recorders that stay
    (the recorders' play removes them in a task of their own), ``own`` the same for the recorders that leave in
    this run too (their own flow task removes them, in its login session: hik_decommission's remove_channels).
    A camera's selector is its hik_recorder_channel, else its address, guarded by its hik_serial when the
    inventory has it (a replacement camera at the same address is not removed). ``remove`` false: both empty."""
    by_recorder = {}
    names = set()
    for host in departing or []:
        def get(key, default=None, host=host):
            return host[key] if key in host else default
        name = get('inventory_hostname')
        names.add(name)
        recorder = get('hik_recorder')
        if not remove or recorder is None:
            continue
        channel = get('hik_recorder_channel')
        if channel is None:
            selector = {'ip_address': get('ansible_host', name)}
        elif isinstance(channel, dict) or hasattr(channel, 'keys'):
            # The keys that select a channel, the same for both removals (hik_camera_channel's channels entry and
            # hik_decommission's remove_channels); the others (state, protocol, credentials) select nothing.
            selector = dict((SELECTOR_KEYS[key], channel[key]) for key in channel.keys() if key in SELECTOR_KEYS)
        else:
            raise AnsibleFilterError('hik_recorder_channel of %s must be a mapping (channel_id, ip_address, '
                                     'serial_number or name), got %r.' % (name, channel))
        serial = get('hik_serial')
        if serial:
            selector['expected_serial_number'] = serial
        by_recorder.setdefault(str(recorder), []).append(_plain(selector))
    return {'recorders': dict((key, value) for key, value in by_recorder.items() if key not in names),
            'own': dict((key, value) for key, value in by_recorder.items() if key in names)}


def hikcentral_queries(hosts, hostvars):
    """What camops.hikvision.hik_central_info looks for, one item per host of ``hosts`` (each a host's
    variables): its address, its serial (what the device said in this run, else the inventory's hik_serial or
    hik_cloud_serial) and, for a camera whose recorder is in the inventory, the recorder's address and the
    camera's channel name (hik_channel_name, as the camops.hikvision.recorders inventory sets it)."""
    queries = []
    for host in hosts or []:
        def get(key, default=None, host=host):
            return host[key] if key in host else default
        name = get('inventory_hostname')
        query = {'name': name}
        if not boolean(get('hik_poe', False), strict=False):
            # A PoE camera's address is on its recorder's own network: every recorder's has the same addresses.
            query['address'] = get('ansible_host', name)
        serial = _read_serial(host) or get('hik_serial') or get('hik_cloud_serial')
        if serial:
            query['serial_number'] = serial
        recorder = get('hik_recorder')
        channel = get('hik_channel_name')
        if recorder is not None and recorder in hostvars and channel:
            recorder_vars = hostvars[recorder]
            query['recorder_address'] = recorder_vars['ansible_host'] if 'ansible_host' in recorder_vars else recorder
            recorder_serial = _read_serial(recorder_vars) or (recorder_vars['hik_serial'] if 'hik_serial' in recorder_vars
                                                              else None)
            if recorder_serial:
                query['recorder_serial_number'] = recorder_serial
            query['channel_name'] = channel
        queries.append(_plain(query))
    return queries


def _read_serial(host):
    """The serial the device said in this run (the decommission's or the audit's read), or None."""
    for key in ('decommission_result', 'audit_info'):
        if key in host:
            serial = _dict(_dict(host[key]).get('device')).get('serial_number')
            if serial:
                return serial
    return None


def hikcentral_record(central, name):
    """What a device's record says of HikCentral Professional: what it holds of the device, or that it was not
    asked (its error), from the run's camops.hikvision.hik_central_info result ``central``."""
    central = _dict(central)
    if 'devices' in central:
        return dict(_dict(_dict(central['devices']).get(name)), checked=True)
    return {'checked': False, 'found': None, 'error': central.get('msg') or 'HikCentral Professional was not asked'}


def hikcentral_note(central, name):
    """The report's note for a device HikCentral Professional still holds (or could not be asked about): a list
    of at most one sentence."""
    return _hikcentral_note(hikcentral_record(central, name))


def _hikcentral_note(record):
    if not record['checked']:
        return ['not checked in HikCentral Professional: %s' % record['error']]
    sentence = hikcentral.sentence(record)
    return [sentence] if sentence else []


def hikcentral_findings(records, central):
    """The audit's ``records`` with each device's HikCentral Professional note added to its findings (``central``:
    the run's camops.hikvision.hik_central_info result, or None when HikCentral was not asked)."""
    if central is None:
        return records
    return [dict(record, findings=list(record.get('findings') or []) + hikcentral_note(central, record.get('name')))
            for record in records or []]


def decommission_run(options, started, check_mode, records, secret_options=(), targets_option='decommission_targets',
                     retry_command=''):
    """The run's metadata (run.json), its retry variables and its counts, from the role's ``options`` (a dict of
    the run's non-secret options), ``started`` (ISO time), ``check_mode`` and the device ``records``.

    The retry variables carry every option of the run, so that a retry does what the first run did (keeps the
    same accounts, uses the same provider); ``secret_options`` names the secret options that were set, which
    the retry file lists without their values (give them again, from a vault)."""
    records = records or []
    options = _plain(options or {})
    counts = {'devices': len(records)}
    for status in ('ok', 'failed', 'unreachable', 'skipped'):
        counts[status] = len([r for r in records if r.get('status') == status])
    counts['changed'] = len([r for r in records if r.get('status') == 'ok' and r.get('changed')])
    counts['already_done'] = counts['ok'] - counts['changed']
    counts['still_in_hikcentral'] = len([r for r in records if _dict(r.get('hikcentral')).get('found')])
    # Asked and not answered (or not asked at all: no record has a hikcentral part) is not "none found".
    counts['hikcentral_not_checked'] = len([r for r in records if _dict(r.get('hikcentral')).get('checked') is False])
    retry_hosts = sorted(_plain(str(r.get('name'))) for r in records if r.get('status') in ('failed', 'unreachable'))
    started = started or datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')
    run_id = started.replace('-', '').replace(':', '')
    metadata = {
        'run_id': run_id,
        'started': started,
        'ended': datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ'),
        'user': _user(),
        'ansible_core': ansible_release.__version__,
        'collection': _collection_version(),
        'check_mode': bool(check_mode),
        'options': options,
        'secret_options_given': sorted(_plain(list(secret_options or []))),
        'counts': counts,
    }
    retry = dict(options)
    retry[_plain(str(targets_option))] = _plain(','.join(retry_hosts))
    header = ['# Retry only the devices that failed in run %s, with every option it was given:' % run_id,
              '#   %s' % _plain(' '.join(str(retry_command).split()))]
    if metadata['secret_options_given']:
        header.append('# Secret options of the run, not written here (give them again, from a vault): %s'
                      % ', '.join(metadata['secret_options_given']))
    retry_text = '\n'.join(header + ['']) + yaml.safe_dump(retry, default_flow_style=False, sort_keys=True)
    return {'run_id': run_id, 'metadata': metadata, 'metadata_json': json.dumps(metadata, indent=4, sort_keys=True) + '\n',
            'counts': counts, 'retry_hosts': retry_hosts, 'retry': retry, 'retry_text': retry_text}


def _plain(value):
    """``value`` as plain Python types (ansible-core's tagged strings and lazy containers are subclasses that the
    YAML dumper refuses)."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return str.__str__(value)  # an exact str (ansible-core 2.16's unsafe text keeps its class through encode)
    if isinstance(value, dict):
        return dict((_plain(str(key)), _plain(item)) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return str(value)


def _user():
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for the process's uid (a container's)
        return str(os.getuid())


def _collection_version():
    """The installed collection's version (MANIFEST.json), else galaxy.yml's (a source tree), else ''."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    try:
        with open(os.path.join(root, 'MANIFEST.json')) as handle:
            return json.load(handle)['collection_info']['version']
    except (IOError, OSError, ValueError, KeyError):
        pass
    try:
        with open(os.path.join(root, 'galaxy.yml')) as handle:
            for line in handle:
                if line.startswith('version:'):
                    return line.split(':', 1)[1].strip().strip('"\'')
    except (IOError, OSError):
        pass
    return ''


def decommission_secrets(cred, settings):
    """The flow's secrets plan (module_utils/flow.py plan_secrets): the login, the new secrets, the record to
    store before anything is sent. A generated secret is new at every call: set it as a fact, once."""
    try:
        return flow.plan_secrets(cred, settings)
    except flow.FlowError as exc:
        raise AnsibleFilterError(str(exc))


def decommission_store_after(secrets, result, check_mode=False):
    """{record, clear}: what to store after the run, from what the device confirmed (flow.record_after)."""
    record, clear = flow.record_after(secrets, result, check_mode=check_mode)
    return {'record': record, 'remove': clear}


class FilterModule(object):
    def filters(self):
        return {'decommission_record': decommission_record, 'decommission_host_record': decommission_host_record,
                'decommission_channels': decommission_channels,
                'decommission_secrets': decommission_secrets, 'decommission_store_after': decommission_store_after,
                'decommission_run': decommission_run, 'hikcentral_queries': hikcentral_queries,
                'hikcentral_note': hikcentral_note, 'hikcentral_findings': hikcentral_findings}
