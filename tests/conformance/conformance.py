"""Conformance of camops.hikvision with every real device profile, and with variants of each.

Every hiksim profile is what one real device answered (tests/simulator/hiksim/profiles, each with its
source). This suite serves each profile as it is, with no overlay, and checks:

1. base: hik_device_info returns what the capture says, field by field (read from the capture here, not
   from hand-written expectations); every device module in check mode (no write), for real, then again
   (changed=false, no write), with check mode predicting the real run's ``changed``; a real restart and a
   guarded factory reset; the audit playbook over all profiles; the decommission playbook (check, real,
   re-run with nothing changed) on a fleet made of every profile.
2. variants: for each profile, each optional path the device offers answers 404 (an HTML page), 403,
   notSupport, an empty body, or drops its optional elements. Every module ends successful or with one
   sentence, never a traceback; a device whose identity could be read is never reported as not read. The
   modules run on every variant (in-process, as the action plugin runs them); the audit and decommission
   playbooks run on one device per (path, fault), the profiles taken in turn.
3. with --both-paths: every module on three profiles both in-process and the ordinary way (AnsiballZ), in
   check mode, for real and again, with the same results, and no secret in either's -vvv output.

Any deprecation warning, template error or traceback in a playbook's output fails the suite.

    python tests/conformance/conformance.py [--stage base|variants|all] [--docs docs/devices.md [--check-docs]]

Runs with the ansible-playbook on PATH and ANSIBLE_COLLECTIONS_PATH naming a directory that holds
ansible_collections/camops/hikvision (scripts/test.sh sets both).
"""

import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'utils'))
from harness import BAD_OUTPUT, one_sentence, recap, use_simulator_and_collection  # noqa: E402  pylint: disable=wrong-import-position
use_simulator_and_collection()

from hiksim.server import Fleet, load_profiles, profile_paths  # noqa: E402  pylint: disable=wrong-import-position

PASSWORD = 'Sim-Admin-123'
PORT = 18701
KINDS = {'ipc': 'ipc', 'ptz': 'ipc', 'thermal': 'ipc', 'nvr': 'nvr', 'dvr': 'dvr', 'hybrid': 'dvr', 'other': 'other'}
FAULTS = ('404', '403', 'notSupport', 'empty', 'drop')
# The optional elements a variant drops from each path's answer (local names, anywhere in the document).
DROPS = {
    'System/deviceInfo': ['serialNumber', 'subSerialNumber', 'macAddress', 'firmwareVersion', 'firmwareReleasedDate',
                          'deviceType', 'deviceName', 'deviceID', 'hardwareVersion', 'manufacturer'],
    'System/capabilities': ['isSupportEZVIZ', 'isSupportONVIFUserManagement', 'isSupportUserCheck',
                            'issupIllegalLoginLock', 'supportUserNums', 'SecurityLimits', 'inputProxyNums',
                            'maxIllegalLoginTimes', 'maxIllegalLoginLockTime', 'isSupportConfigFileExport',
                            'WebCertificateCap'],
    'Security/users': ['userLevel', 'enabled'],
    'Security/ONVIF/users': ['userType'],
    'Security/userCheck': ['isDefaultPassword', 'isRiskPassword'],
    'Security/illegalLoginLock': ['maxIllegalLoginTimes', 'maxIllegalLoginLockTime'],
    'System/Network/EZVIZ': ['registerStatus', 'bindStatus', 'serverAddress', 'verificationCode'],
    'System/Network/EZVIZ/capabilities': ['verificationCode', 'bindStatus'],
    'ContentMgmt/InputProxy/channels': ['name', 'model', 'serialNumber', 'firmwareVersion', 'userName'],
    'ContentMgmt/InputProxy/channels/status': ['online', 'chanDetectResult'],
    'System/Video/inputs/channels': ['name', 'resDesc'],
    'System/configurationData': [],
}


class Failures(object):
    """Every check that did not hold, so one run reports all of them."""

    def __init__(self):
        self.items = []
        self.checks = 0

    def check(self, condition, what):
        self.checks += 1
        if not condition:
            self.items.append(what)
        return bool(condition)


# -- the capture, read independently of the collection ------------------------------------------------

def _text(value):
    if isinstance(value, dict):
        value = value.get('#text')
    return None if value is None else str(value).strip()


def _value(value):
    """A capability value: its text, else its def attribute."""
    found = _text(value)
    if found is None and isinstance(value, dict):
        found = value.get('@def')
    return found


def _bool(value):
    found = (_value(value) or '').lower()
    return True if found == 'true' else (False if found == 'false' else None)


def _list(value):
    return [] if value is None else (value if isinstance(value, list) else [value])


def _response(paths, path, root):
    return ((paths.get(path) or {}).get('response') or {}).get(root)


def expected_kind(profile, info):
    """ipc, nvr, dvr or other: the profile's kind (a person read it off the model), else read here from the
    model name first (a DVR has reported deviceType IPC, an indoor station DVR), then deviceType."""
    if profile.get('kind'):
        return KINDS[profile['kind']]
    model = (_text(info.get('model')) or '').upper()
    match = re.match(r'^I?DS-([0-9K])(\d{3}([A-Z]))?', model)
    if match and match.group(1) == 'K':
        return 'other'
    if match and match.group(1) == '2':
        return 'ipc'
    if match and match.group(1) in '789' and match.group(3):
        return 'nvr' if match.group(3) == 'N' else 'dvr'
    raw = (_text(info.get('deviceType')) or '').lower()
    return {'nvr': 'nvr', 'hybirdnvr': 'nvr', 'dvr': 'dvr', 'dvs': 'dvr', 'ipcamera': 'ipc', 'ipdome': 'ipc',
            'ipc': 'ipc', 'ipzoom': 'ipc'}.get(raw, 'other')


def profile_facts(profile):
    """What the capture says of the device, in the terms hik_device_info uses."""
    paths = profile_paths(profile)
    info = paths['System/deviceInfo']['response']['DeviceInfo']
    caps = _response(paths, 'System/capabilities', 'DeviceCap')
    security = (caps or {}).get('SecurityCap') or {}
    network = ((caps or {}).get('SysCap') or {}).get('NetworkCap') or {}
    mac = _text(info.get('macAddress'))
    facts = dict(
        model=_text(info.get('model')), serial_number=_text(info.get('serialNumber')),
        sub_serial_number=_text(info.get('subSerialNumber')) or None,
        firmware_version=_text(info.get('firmwareVersion')), mac_address=mac.lower() if mac else None,
        device_type=expected_kind(profile, info), namespace=info.get('@xmlns'), xml_version=info.get('@version'),
        has_capabilities=caps is not None)
    ezviz = _response(paths, 'System/Network/EZVIZ', 'EZVIZ')
    facts['cloud_platform'] = _bool(network.get('isSupportEZVIZ')) if caps is not None else None
    facts['cloud_offered'] = facts['cloud_platform'] is True or ezviz is not None
    facts['cloud_enabled'] = _bool(ezviz.get('enabled')) is True if ezviz is not None else False
    facts['onvif_users'] = _bool(security.get('isSupportONVIFUserManagement')) if caps is not None else None
    facts['user_check'] = _bool(security.get('isSupportUserCheck')) if caps is not None else None
    facts['lockout_flag'] = _bool(security.get('issupIllegalLoginLock')) if caps is not None else None
    users = _value(security.get('supportUserNums'))
    facts['max_users'] = int(users) if users else None
    attempts = _value(security.get('maxIllegalLoginTimes'))
    facts['max_failed_logins'] = int(attempts) if attempts else None
    capacity = _value(((caps or {}).get('RacmCap') or {}).get('inputProxyNums'))
    facts['max_ip_channels'] = int(capacity) if capacity else None
    listing = _response(paths, 'ContentMgmt/InputProxy/channels', 'InputProxyChannelList')
    facts['channel_list'] = listing is not None
    facts['ip_channels'] = []
    for channel in _list((listing or {}).get('InputProxyChannel')):
        src = channel.get('sourceInputPortDescriptor') or {}
        facts['ip_channels'].append(dict(id=int(_text(channel['id'])), ip_address=_text(src.get('ipAddress')),
                                         port=int(_text(src.get('managePortNo')) or 0) or None,
                                         serial_number=_text(src.get('serialNumber')) or None))
    analog = _response(paths, 'System/Video/inputs/channels', 'VideoInputChannelList')
    facts['analog_channels'] = len(_list((analog or {}).get('VideoInputChannel'))) \
        if facts['device_type'] == 'dvr' else 0
    facts['source'] = profile.get('source', '')
    return facts


def compare_facts(name, got, want, failures):
    """hik_device_info's result against the capture, field by field."""
    device = got.get('device') or {}
    for key in ('model', 'serial_number', 'sub_serial_number', 'firmware_version', 'mac_address', 'device_type',
                'namespace', 'xml_version'):
        failures.check(device.get(key) == want[key], '%s: device.%s is %r, the capture says %r'
                       % (name, key, device.get(key), want[key]))
    caps = got.get('capabilities') or {}
    if want['has_capabilities']:
        for key in ('cloud_platform', 'onvif_users', 'user_check', 'max_users', 'max_failed_logins'):
            failures.check(caps.get(key) == want[key], '%s: capabilities.%s is %r, the capture says %r'
                           % (name, key, caps.get(key), want[key]))
    else:
        failures.check(any(n.startswith('capabilities:') for n in got.get('notes') or []),
                       '%s: no note says that the device offers no capabilities' % name)
    cloud = got.get('cloud') or {}
    if want['cloud_offered']:
        failures.check(cloud.get('enabled') is want['cloud_enabled'], '%s: cloud.enabled is %r, the capture says %r'
                       % (name, cloud.get('enabled'), want['cloud_enabled']))
    else:
        failures.check(cloud == {} and any(n.startswith('cloud:') for n in got.get('notes') or []),
                       '%s: a device without Hik-Connect reads as %r, notes %r' % (name, cloud, got.get('notes')))
    lockout = got.get('lockout_policy') or {}
    if want['max_failed_logins'] is not None:
        failures.check(lockout.get('max_attempts') == want['max_failed_logins'],
                       '%s: lockout_policy.max_attempts is %r, the capture says %r'
                       % (name, lockout.get('max_attempts'), want['max_failed_logins']))
    failures.check([u.get('name') for u in got.get('users') or []] == ['admin'],
                   '%s: users are %r, not the admin alone' % (name, got.get('users')))
    if want['device_type'] in ('nvr', 'dvr'):
        failures.check(got.get('max_ip_channels') == want['max_ip_channels'],
                       '%s: max_ip_channels is %r, the capabilities say %r'
                       % (name, got.get('max_ip_channels'), want['max_ip_channels']))
    ip_channels = [dict((k, c.get(k)) for k in ('id', 'ip_address', 'port', 'serial_number'))
                   for c in got.get('channels') or [] if c.get('type') == 'ip']
    failures.check(ip_channels == want['ip_channels'], '%s: IP channels are %r, the capture lists %r'
                   % (name, ip_channels, want['ip_channels']))
    analog = [c for c in got.get('channels') or [] if c.get('type') == 'analog']
    failures.check(len(analog) == want['analog_channels'], '%s: %d analogue channels, the capture lists %d'
                   % (name, len(analog), want['analog_channels']))


# -- running things -------------------------------------------------------------------------------------

STARTED = time.time()


def say(text):
    """A progress line, with the seconds since the suite started (where the stage's time goes)."""
    print('conformance: [%4.0f s] %s' % (time.time() - STARTED, text), flush=True)


def profile_names():
    return sorted(os.path.splitext(os.path.basename(p))[0]
                  for p in glob.glob(os.path.join(ROOT, 'tests', 'simulator', 'hiksim', 'profiles', '*.json')))


def start_fleet(devices, workdir):
    os.makedirs(workdir, exist_ok=True)
    fleet = Fleet(dict(devices=devices, defaults=dict(password=PASSWORD, port=PORT),
                       tls_dir=os.path.join(workdir, 'tls')), profiles=PROFILES).start()
    inventory = fleet.inventory()
    for device in devices:
        host = inventory['all']['hosts'][device['name']]
        host.update(device.get('hostvars') or {})
    path = os.path.join(workdir, 'inventory.yml')
    with open(path, 'w', encoding='utf-8') as handle:
        yaml.safe_dump(inventory, handle, default_flow_style=False)
    return fleet, path


def playbook(inventory, play, workdir, label, failures, args=(), expect_rc=(0,)):
    """Run ansible-playbook; its output goes to a log. Returns (rc, output)."""
    log = os.path.join(workdir, 'logs', label + '.log')
    os.makedirs(os.path.dirname(log), exist_ok=True)
    env = dict(os.environ, ANSIBLE_FORCE_COLOR='0', ANSIBLE_NOCOLOR='1', ANSIBLE_FORKS='10',
               ANSIBLE_HOST_KEY_CHECKING='False', ANSIBLE_RETRY_FILES_ENABLED='False',
               ANSIBLE_DEPRECATION_WARNINGS='True')
    started = time.time()
    proc = subprocess.run(['ansible-playbook', '-i', inventory, play] + list(args), env=env, cwd=workdir,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False)
    output = proc.stdout.decode('utf-8', 'replace')
    with open(log, 'w', encoding='utf-8') as handle:
        handle.write(output)
    print('  %-34s rc=%d in %.1f s' % (label, proc.returncode, time.time() - started))
    if not failures.check(proc.returncode in expect_rc, '%s: ansible-playbook ended with rc %d (log %s):\n%s'
                          % (label, proc.returncode, log, '\n'.join(output.splitlines()[-25:]))):
        pass
    for line in output.splitlines():
        if BAD_OUTPUT.search(line):
            failures.check(False, '%s: %s' % (label, line.strip()[:300]))
    return proc.returncode, output


def load_results(directory):
    out = {}
    for path in glob.glob(os.path.join(directory, '*.json')):
        with open(path, encoding='utf-8') as handle:
            out[os.path.splitext(os.path.basename(path))[0]] = json.load(handle)
    return out


def writes(fleet):
    return dict((name, device.counters['writes']) for name, device in fleet.devices.items())


def reset_counters(fleet):
    for device in fleet.devices.values():
        device.reset_counters()


# -- stage 1: every profile as it is ---------------------------------------------------------------------

def base_devices(names):
    devices = []
    for index, name in enumerate(names):
        facts = FACTS[name]
        devices.append(dict(name=name, profile=name, address='127.0.80.%d' % (index + 1), keep_identity=True,
                            hostvars=dict(conf_has_channels=facts['channel_list'],
                                          conf_recorder=facts['device_type'] in ('nvr', 'dvr'))))
    return devices


def stage_base(names, workdir, failures, table):
    say('%d profiles as captured' % len(names))
    fleet, inventory = start_fleet(base_devices(names), os.path.join(workdir, 'modules'))
    results_dir = os.path.join(workdir, 'modules', 'results')
    extra = ['-e', 'conf_results=%s' % results_dir]
    play = os.path.join(HERE, 'modules.yml')
    for phase in ('check', 'real', 'again', 'actions', 'backups'):
        os.makedirs(os.path.join(results_dir, phase), exist_ok=True)
    phases = {}
    try:
        for phase, args in (('check', ['--check', '--diff']), ('real', ['--diff']), ('again', [])):
            reset_counters(fleet)
            playbook(inventory, play, workdir, 'modules-' + phase, failures, extra + ['-e', 'conf_phase=' + phase] + args)
            phases[phase] = load_results(os.path.join(results_dir, phase))
            phases[phase + '_writes'] = writes(fleet)
        reset_counters(fleet)
        playbook(inventory, os.path.join(HERE, 'actions.yml'), workdir, 'actions-real', failures,
                 extra + ['-e', 'conf_phase=actions'])
        phases['actions'] = load_results(os.path.join(results_dir, 'actions'))
        states = dict((name, fleet.devices[name].snapshot()) for name in names)
    finally:
        fleet.stop()

    for name in names:
        row = table.setdefault(name, {})
        want = FACTS[name]
        check, real, again = (phases[p].get(name) for p in ('check', 'real', 'again'))
        if not failures.check(check and real and again, '%s: a phase kept no results' % name):
            continue
        compare_facts(name, check['hik_device_info'], want, failures)
        row['facts'] = check['hik_device_info']
        failures.check(phases['check_writes'][name] == 0, '%s: check mode sent %d writes'
                       % (name, phases['check_writes'][name]))
        failures.check(phases['again_writes'][name] == 0, '%s: the second real run sent %d writes'
                       % (name, phases['again_writes'][name]))
        for module, result in sorted(check.items()):
            if result.get('skipped'):
                continue
            if module == 'hik_factory_reset' and not want['serial_number']:
                failures.check(result.get('failed') and one_sentence(result.get('msg')),
                               '%s: a factory reset of a device that reports no serial was not refused: %r'
                               % (name, result.get('msg')))
                continue
            failures.check(not result.get('failed'), '%s: %s failed in check mode: %s' % (name, module, result.get('msg')))
            if module in ('hik_reboot', 'hik_factory_reset'):
                continue
            done, repeat = real.get(module) or {}, again.get(module) or {}
            failures.check(not done.get('failed'), '%s: %s failed: %s' % (name, module, done.get('msg')))
            failures.check(not repeat.get('failed'), '%s: %s failed the second time: %s'
                           % (name, module, repeat.get('msg')))
            failures.check(bool(result.get('changed')) == bool(done.get('changed')),
                           '%s: %s predicted changed=%s in check mode, the real run said %s'
                           % (name, module, result.get('changed'), done.get('changed')))
            failures.check(not repeat.get('changed'), '%s: %s changed again on the second run' % (name, module))
        absent = real.get('hik_camera_channel absent') or {}
        if want['device_type'] in ('nvr', 'dvr'):
            failures.check(not absent.get('failed') and not absent.get('changed') and
                           (want['channel_list'] or absent.get('channels_supported') is False),
                           '%s: hik_camera_channel state=absent gave %r' % (name, absent))
        cloud = real.get('hik_cloud_binding') or {}
        if not want['cloud_offered']:
            failures.check(cloud.get('cloud_supported') is False and not cloud.get('changed')
                           and any('no Hik-Connect on this device' in n for n in cloud.get('notes') or []),
                           '%s: hik_cloud_binding state=absent on a device without Hik-Connect gave %r' % (name, cloud))
        actions = phases['actions'].get(name) or {}
        reboot, reset = actions.get('hik_reboot') or {}, actions.get('hik_factory_reset') or {}
        failures.check(reboot.get('changed') and not reboot.get('failed'), '%s: the restart gave %r' % (name, reboot))
        if want['serial_number']:
            failures.check(reset.get('changed') and not reset.get('failed') and
                           states[name]['factory_resets'] == ['basic'], '%s: the factory reset gave %r'
                           % (name, reset.get('msg')))
        else:
            failures.check(reset.get('failed') and one_sentence(reset.get('msg')) and not states[name]['factory_resets'],
                           '%s: a device that reports no serial was reset or refused unclearly: %r'
                           % (name, reset.get('msg')))
        row['modules'] = dict((m, 'failed' if r.get('failed') else ('skipped' if r.get('skipped') else 'ok'))
                              for m, r in sorted(real.items()))
        row['cloud_note'] = (cloud.get('notes') or [''])[0]

    stage_roles(names, workdir, failures, table)


def stage_roles(names, workdir, failures, table):
    """The audit over all profiles, then the decommission of all of them: check, real, re-run."""
    work = os.path.join(workdir, 'roles')
    fleet, inventory = start_fleet([dict(d, hostvars={}) for d in base_devices(names)], work)
    reports, store = os.path.join(work, 'reports'), os.path.join(work, 'store')
    try:
        playbook(inventory, 'camops.hikvision.audit', workdir, 'audit', failures, ['-e', 'audit_report_dir=' + reports])
        with open(os.path.join(reports, 'audit.json'), encoding='utf-8') as handle:
            audit = dict((r['name'], r) for r in json.load(handle)['devices'])
        for name in names:
            record = audit.get(name) or {}
            failures.check(record.get('status') == 'ok', '%s: the audit did not read it: %r' % (name, record.get('error')))
            failures.check((record.get('device') or {}).get('model') == FACTS[name]['model'],
                           '%s: the audit reports model %r' % (name, (record.get('device') or {}).get('model')))
            table.setdefault(name, {})['audit'] = record.get('findings', [])
        args = ['-e', 'decommission_store_dir=' + store, '-e', 'decommission_report_dir=' + reports]
        reset_counters(fleet)
        playbook(inventory, 'camops.hikvision.decommission', workdir, 'decommission-check', failures,
                 args + ['--check', '--diff'])
        failures.check(sum(writes(fleet).values()) == 0, 'decommission --check sent writes: %r' % writes(fleet))
        playbook(inventory, 'camops.hikvision.decommission', workdir, 'decommission-real', failures, args)
        records = {}
        for name in names:
            path = os.path.join(reports, 'devices', name + '.json')
            if failures.check(os.path.exists(path), '%s: the decommission wrote no record' % name):
                with open(path, encoding='utf-8') as handle:
                    records[name] = json.load(handle)
        reset_counters(fleet)
        dummy, output = playbook(inventory, 'camops.hikvision.decommission', workdir, 'decommission-again',
                                 failures, args)
        failures.check(sum(writes(fleet).values()) == 0, 'the decommission re-run sent writes: %r' % writes(fleet))
        hosts = recap(output)
        for name in names:
            counts = hosts.get(name) or {}
            failures.check(counts.get('changed') == 0 and counts.get('failed') == 0 and counts.get('rescued') == 0,
                           '%s: the decommission re-run gave %r' % (name, counts))
            record = records.get(name) or {}
            failures.check(record.get('status') == 'ok', '%s: decommission record %r: %s'
                           % (name, record.get('status'), record.get('error')))
            state = fleet.devices[name].snapshot()
            failures.check([u['name'] for u in state['users']] == ['admin'] and state['users'][0]['password'] != PASSWORD,
                           '%s: after the decommission the device has users %r, admin password rotated: %s'
                           % (name, [u['name'] for u in state['users']], state['users'][0]['password'] != PASSWORD))
            failures.check(not state['ezviz']['enabled'], '%s: Hik-Connect still on' % name)
            table.setdefault(name, {})['decommission'] = (record.get('changes') or []) + (record.get('notes') or [])
    finally:
        fleet.stop()


# -- both execution paths ---------------------------------------------------------------------------------

PATHS_PROFILES = ('DS-2CD2146G2-ISU', 'DS-2CD2532F-IWS', 'DS-7608NXI-I2')
SECRETS = (PASSWORD, 'Conf-Test-2024x', 'Conf-Cam-2024x')
VOLATILE = ('invocation', 'dest', 'elapsed', 'went_down', 'waited', 'exception', 'deprecations')


def _comparable(result):
    return dict((k, v) for k, v in (result or {}).items() if k not in VOLATILE and not k.startswith('_ansible'))


def stage_paths(names, workdir, failures):
    """Every module through both execution paths, in-process (the action plugin) and the ordinary one
    (AnsiballZ in a new Python, hik_in_process=false), with the same scenario on the same devices: the same
    result in every phase, and no secret anywhere in the -vvv output of either."""
    names = [name for name in PATHS_PROFILES if name in names]
    results = {}
    for in_process in ('true', 'false'):
        way = 'in-process' if in_process == 'true' else 'the ordinary way (AnsiballZ)'
        say('every module %s on %d profiles' % (way, len(names)))
        work = os.path.join(workdir, 'paths-' + in_process)
        fleet, inventory = start_fleet(base_devices(names), work)
        results_dir = os.path.join(work, 'results')
        try:
            for phase, args in (('check', ['--check', '--diff']), ('real', ['--diff']), ('again', [])):
                os.makedirs(os.path.join(results_dir, phase), exist_ok=True)
                dummy, output = playbook(inventory, os.path.join(HERE, 'modules.yml'), workdir,
                                         'paths-%s-%s' % (in_process, phase), failures,
                                         ['-vvv', '-e', 'conf_results=' + results_dir, '-e', 'conf_phase=' + phase,
                                          '-e', 'hik_in_process=' + in_process] + args)
                shipped = 'AnsiballZ_hik_' in output
                failures.check(shipped == (in_process == 'false'), 'hik_in_process=%s, %s: AnsiballZ %s'
                               % (in_process, phase, 'used' if shipped else 'not used'))
                for secret in SECRETS:
                    failures.check(secret not in output, 'hik_in_process=%s, %s: a secret is in the -vvv output'
                                   % (in_process, phase))
                results[(in_process, phase)] = load_results(os.path.join(results_dir, phase))
        finally:
            fleet.stop()
    for phase in ('check', 'real', 'again'):
        for name in names:
            here, there = (results[(p, phase)].get(name) or {} for p in ('true', 'false'))
            failures.check(bool(here), '%s: no %s results' % (name, phase))
            for module in sorted(set(here) | set(there)):
                a, b = _comparable(here.get(module)), _comparable(there.get(module))
                failures.check(a == b, '%s: %s in %s gives another result in-process than the ordinary way: %s'
                               % (name, module, phase, sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))))


# -- stage 2: variants -----------------------------------------------------------------------------------

def optional_paths(name):
    """The paths a variant may break on this profile: those the device offers (a feature it lacks already
    answers as not supported)."""
    facts = FACTS[name]
    paths = ['System/deviceInfo', 'Security/users', 'System/configurationData']
    if facts['has_capabilities']:
        paths.append('System/capabilities')
    if facts['cloud_offered']:
        paths += ['System/Network/EZVIZ', 'System/Network/EZVIZ/capabilities']
    if facts['onvif_users']:
        paths.append('Security/ONVIF/users')
    if facts['user_check']:
        paths.append('Security/userCheck')
    if facts['lockout_flag']:
        paths.append('Security/illegalLoginLock')
    if facts['channel_list']:
        paths += ['ContentMgmt/InputProxy/channels', 'ContentMgmt/InputProxy/channels/status']
    if facts['analog_channels']:
        paths.append('System/Video/inputs/channels')
    return paths


def variant_devices(names):
    devices = []
    for name in names:
        for path in optional_paths(name):
            for fault in FAULTS:
                if fault == 'drop' and not DROPS[path]:
                    continue
                setting = dict(drop=DROPS[path]) if fault == 'drop' else fault
                devices.append(dict(name='%s@%s@%s' % (name, path.replace('/', '.'), fault), profile=name,
                                    keep_identity=True, path_faults={path: setting},
                                    meta=dict(profile=name, path=path, fault=fault)))
    for index, device in enumerate(devices):
        device['address'] = '127.0.%d.%d' % (90 + index // 250, index % 250 + 1)
    return devices


def identity_readable(meta):
    return meta['path'] != 'System/deviceInfo' or meta['fault'] == 'drop'


def stage_variants(names, workdir, failures, table):
    from ansible_collections.camops.hikvision.plugins.plugin_utils.in_process import run_module

    devices = variant_devices(names)
    say('%d variants of %d profiles (modules in-process)' % (len(devices), len(names)))
    fleet = Fleet(dict(devices=[dict((k, v) for k, v in d.items() if k != 'meta') for d in devices],
                       defaults=dict(password=PASSWORD, port=PORT)), profiles=PROFILES).start()
    outcomes = {}
    try:
        for device in devices:
            meta = device['meta']
            conn = dict(host=device['address'], port=PORT, username='admin', password=PASSWORD)
            calls = [
                ('hik_device_info', '', dict(conn), False),
                ('hik_cloud_binding', 'absent', dict(conn, state='absent'), True),
                ('hik_user', 'present', dict(conn, name='conformance', configured_password='Conf-Test-2024x',
                                             level='viewer'), True),
                ('hik_user', 'onvif purge', dict(conn, account_type='onvif', users=[], purge=True), True),
                ('hik_config_backup', '', dict(conn, dest=os.path.join(workdir, 'variants', device['name'] + '.bin')),
                 True),
            ]
            if FACTS[meta['profile']]['channel_list']:
                calls.append(('hik_camera_channel', 'present', dict(conn, state='present', ip_address='127.0.99.1',
                                                                    camera_password='Conf-Cam-2024x'), True))
            if FACTS[meta['profile']]['device_type'] in ('nvr', 'dvr'):
                calls.append(('hik_camera_channel', 'absent', dict(conn, state='absent', ip_address='127.0.99.2'),
                              True))
            before = fleet.devices[device['name']].counters['writes']
            for module, label, params, check_mode in calls:
                try:
                    result = run_module(module, params, check_mode=check_mode)
                except Exception as exc:  # pylint: disable=broad-except
                    result = dict(failed=True, msg='exception %r' % exc)
                cell = (meta['profile'], meta['path'], meta['fault'], ('%s %s' % (module, label)).strip())
                ok = not result.get('failed')
                failures.check(ok or one_sentence(result.get('msg')), '%s: %s failed without one sentence: %r'
                               % (device['name'], module, result.get('msg')))
                if module == 'hik_device_info' and identity_readable(meta):
                    failures.check(ok, '%s: the device was read, but hik_device_info failed: %s'
                                   % (device['name'], result.get('msg')))
                outcomes.setdefault(cell, set()).add('ok' if ok else 'one sentence')
            failures.check(fleet.devices[device['name']].counters['writes'] == before,
                           '%s: a check-mode module sent a write' % device['name'])
    finally:
        fleet.stop()
    table['__variants__'] = dict(counts=dict((name, sum(1 for d in devices if d['meta']['profile'] == name))
                                             for name in names), outcomes=outcomes)
    stage_variant_roles(names, devices, workdir, failures)


def stage_variant_roles(names, devices, workdir, failures):
    """The audit and the decommission on one device per (path, fault), the profiles taken in turn."""
    chosen, seen, turn = [], set(), 0
    cells = sorted(set((d['meta']['path'], d['meta']['fault']) for d in devices))
    for cell in cells:
        candidates = [d for d in devices if (d['meta']['path'], d['meta']['fault']) == cell]
        pick = candidates[turn % len(candidates)]
        turn += 1
        if pick['name'] not in seen:
            seen.add(pick['name'])
            chosen.append(dict(pick, hostvars=dict(conf_meta=pick['meta'])))
    say('audit and decommission on %d variants' % len(chosen))
    work = os.path.join(workdir, 'variant-roles')
    fleet, inventory = start_fleet([dict((k, v) for k, v in d.items() if k != 'meta') for d in chosen], work)
    reports, store = os.path.join(work, 'reports'), os.path.join(work, 'store')
    try:
        playbook(inventory, 'camops.hikvision.audit', workdir, 'variants-audit', failures,
                 ['-e', 'audit_report_dir=' + reports], expect_rc=(0, 2))
        with open(os.path.join(reports, 'audit.json'), encoding='utf-8') as handle:
            audit = dict((r['name'], r) for r in json.load(handle)['devices'])
        for device in chosen:
            record = audit.get(device['name']) or {}
            if identity_readable(device['meta']):
                failures.check(record.get('status') == 'ok', '%s: read, but the audit says: %s'
                               % (device['name'], record.get('error')))
            else:
                failures.check(record.get('status') == 'failed' and one_sentence(record.get('error')),
                               '%s: the audit record is %r' % (device['name'], record))
        args = ['-e', 'decommission_store_dir=' + store, '-e', 'decommission_report_dir=' + reports]
        playbook(inventory, 'camops.hikvision.decommission', workdir, 'variants-decommission', failures, args,
                 expect_rc=(0, 2))
        for device in chosen:
            path = os.path.join(reports, 'devices', device['name'] + '.json')
            if not failures.check(os.path.exists(path), '%s: no decommission record' % device['name']):
                continue
            with open(path, encoding='utf-8') as handle:
                record = json.load(handle)
            failures.check(record.get('status') == 'ok' or one_sentence(record.get('error')),
                           '%s: the decommission record says %r: %r' % (device['name'], record.get('status'),
                                                                        record.get('error')))
    finally:
        fleet.stop()


# -- the device table ------------------------------------------------------------------------------------

def _yes(value):
    return {True: 'yes', False: 'no', None: 'not said'}[value]


def render_docs(names, table):
    lines = [
        '# Devices tested',
        '',
        'Generated by `tests/conformance/conformance.py` (the `conformance` stage of `scripts/test.sh`) from the',
        'device profiles in `tests/simulator/hiksim/profiles/`: each is what one real device answered, as recorded',
        'in the public source named below. The suite serves each profile as it is, with no feature added, and',
        'checks what the collection does with it. Edit a profile or the collection, then run',
        '`python tests/conformance/conformance.py --docs docs/devices.md` to refresh this page.',
        '',
        '"Not said" means the recorded answers do not say; the collection then asks the device, and treats a',
        'not-supported answer as the feature being absent.',
        '',
        '| Profile | Model | Kind | Firmware | XML namespace (version) | Capabilities | Hik-Connect | ONVIF users '
        '| Lock policy | Channels (capacity) |',
        '|---|---|---|---|---|---|---|---|---|---|',
    ]
    for name in names:
        f = FACTS[name]
        kind = FILES[name].get('kind') or f['device_type']
        cloud = 'yes' if f['cloud_offered'] else _yes(f['cloud_platform'])
        channels = '-'
        if f['device_type'] in ('nvr', 'dvr'):
            listed = '%d IP' % len(f['ip_channels']) if f['channel_list'] else 'no list recorded'
            if f['analog_channels']:
                listed += ', %d analogue' % f['analog_channels']
            channels = '%s (%s)' % (listed, f['max_ip_channels'] if f['max_ip_channels'] is not None else 'not said')
        lines.append('| %s | %s | %s | %s | %s (%s) | %s | %s | %s | %s | %s |' % (
            name, f['model'], kind, f['firmware_version'] or 'not reported',
            (f['namespace'] or 'none').replace('http://www.', '').replace('/XMLSchema', ''), f['xml_version'] or '-',
            'recorded' if f['has_capabilities'] else 'none', cloud, _yes(f['onvif_users']),
            _yes(f['lockout_flag']), channels))
    lines += ['', '## What the collection does with each', '',
              '| Profile | Facts, modules, restart and reset | Audit findings | Decommission (first run) |',
              '|---|---|---|---|']
    for name in names:
        row = table.get(name, {})
        modules = row.get('modules') or {}
        done = ', '.join('%s %s' % (m, s) for m, s in sorted(modules.items()) if s != 'ok' and s != 'skipped')
        summary = 'all as the capture says' + ('; ' + done if done else '')
        if row.get('cloud_note'):
            summary += '; ' + row['cloud_note']
        if not FACTS[name]['serial_number']:
            summary += '; factory reset refused (the device reports no serial)'
        findings = [f for f in row.get('audit') or [] if 'points at a camera not in the inventory' not in f]
        strangers = len(row.get('audit') or []) - len(findings)
        if strangers:  # the captured recorders' cameras are not simulated devices
            findings.append('%d channel(s) point at cameras not in the inventory' % strangers)
        decommission = '; '.join(row.get('decommission') or []) or 'nothing to change'
        lines.append('| %s | %s | %s | %s |' % (name, summary, '; '.join(findings) or 'none', decommission))
    lines += ['', '## Sources', '']
    for name in names:
        lines.append('- **%s**: %s' % (name, FACTS[name]['source']))
    variants = table.get('__variants__')
    if variants:
        merged = {}
        for (profile, path, fault, module), seen in variants['outcomes'].items():
            if profile in names:
                merged.setdefault((path, fault, module), set()).update(seen)
        lines += ['', '## Variants', '',
                  'Each optional path a profile offers answered, in turn, 404 (an HTML page), 403 (invalidOperation), '
                  '403 notSupport, an empty body, or its document without optional elements: %d variant devices. '
                  'Every module ended successful or failed in one sentence; the outcomes seen per path and fault:'
                  % sum(variants['counts'].get(name, 0) for name in names), '',
                  '| Path | Fault | Module | Outcomes |', '|---|---|---|---|']
        for (path, fault, module), seen in sorted(merged.items()):
            lines.append('| %s | %s | %s | %s |' % (path, fault, module, ', '.join(sorted(seen))))
    return '\n'.join(lines) + '\n'


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', 1)[0])
    parser.add_argument('--stage', choices=('base', 'variants', 'all'), default='all')
    parser.add_argument('--both-paths', action='store_true',
                        help='also run every module the ordinary way (AnsiballZ) and compare with in-process')
    parser.add_argument('--docs', help='write the device table here (docs/devices.md)')
    parser.add_argument('--check-docs', action='store_true', help='fail when --docs differs from this run')
    parser.add_argument('--keep', action='store_true', help='keep the work directory (logs, reports)')
    args = parser.parse_args(argv)
    names = profile_names()
    workdir = tempfile.mkdtemp(prefix='hik-conformance-')
    failures, table = Failures(), {}
    started = time.time()
    try:
        if args.stage in ('base', 'all'):
            stage_base(names, workdir, failures, table)
        if args.both_paths:
            stage_paths(names, workdir, failures)
        if args.stage in ('variants', 'all'):
            stage_variants(names, workdir, failures, table)
        if args.docs and args.stage == 'all':
            text = render_docs(names, table)
            if args.check_docs:
                # The page must say what this run found of the profiles it documents. A profile it does not
                # document yet (one just added to try a device) is tested all the same, and named here.
                with open(args.docs, encoding='utf-8') as handle:
                    committed = handle.read()
                documented = [n for n in names if '\n| %s | ' % n in committed]
                missing = sorted(set(names) - set(documented))
                if missing:
                    print('conformance: not in %s yet (tested all the same): %s; run %s --docs %s to add them'
                          % (args.docs, ', '.join(missing), os.path.relpath(__file__, ROOT), args.docs))
                failures.check(committed == render_docs(documented, table),
                               '%s is not what this run generates; run %s --docs %s'
                               % (args.docs, os.path.relpath(__file__, ROOT), args.docs))
            else:
                with open(args.docs, 'w', encoding='utf-8') as handle:
                    handle.write(text)
    finally:
        if args.keep or failures.items:
            print('conformance: work directory kept: %s' % workdir)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    for item in failures.items:
        print('FAILED: ' + item)
    print('conformance: %d checks in %.0f s' % (failures.checks, time.time() - started))
    print('%d passed, %d failed' % (failures.checks - len(failures.items), len(failures.items)))
    return 1 if failures.items else 0


PROFILES = load_profiles()


def _profile_file(name):
    with open(os.path.join(ROOT, 'tests', 'simulator', 'hiksim', 'profiles', name + '.json'), encoding='utf-8') as handle:
        return json.load(handle)


FILES = dict((name, _profile_file(name)) for name in profile_names())
FACTS = dict((name, profile_facts(data)) for name, data in FILES.items())

if __name__ == '__main__':
    sys.exit(main())
