"""The fault matrix: every device module against every fault in faults.yml, on HTTP and on HTTPS.

Each cell (module, fault, protocol) has a simulated device of its own in one hiksim fleet (real HTTP, real Digest,
real TLS with the fleet's self-signed certificates, on loopback); the fault is injected, the module runs in-process
as the action plugin runs it, and the cell's outcome (ok, failed, unreachable) must be the one faults.yml expects,
with the invariants every cell must hold (see faults.yml). docs/reliability.md is the table this run produced:

    python tests/faults/matrix.py [--docs docs/reliability.md [--check-docs]] [--only FAULT_ID ...]

--docs writes the table; with --check-docs the run fails when the committed page differs from it.
Needs ANSIBLE_COLLECTIONS_PATH naming a directory that holds ansible_collections/camops/hikvision (scripts/test.sh
sets it).
"""

import argparse
import concurrent.futures
import json
import os
import re
import shutil
import sys
import tempfile
import threading
import time

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'utils'))
from harness import one_sentence, use_simulator_and_collection  # noqa: E402  pylint: disable=wrong-import-position
use_simulator_and_collection()

from hiksim.server import Fleet  # noqa: E402  pylint: disable=wrong-import-position

PASSWORD = 'Sim-Admin-123'
SECRETS = (PASSWORD, 'Fault-Test-2024x', 'Fault-Cam-2024x', 'Fault-New-2024x', 'Wrong-Pass-2024x')
PORT = 18801
TIMEOUT = 2
CELL_SECONDS = 20
WORKERS = 16
CAMERA = 'DS-2CD2146G2-ISU'
RECORDER = 'DS-7608NXI-I2'
PROTOCOLS = ('http', 'https')


def load():
    with open(os.path.join(HERE, 'faults.yml'), encoding='utf-8') as handle:
        data = yaml.safe_load(handle)
    ids = [f['id'] for f in data['faults']]
    if len(set(ids)) != len(ids):
        sys.exit('faults.yml: duplicate fault ids')
    for fault in data['faults']:
        unknown = set(fault.get('modules') or []) - set(data['modules'])
        if unknown or fault['expect'] not in ('ok', 'failed', 'unreachable'):
            sys.exit('faults.yml: %s: unknown modules %s or expect %r' % (fault['id'], sorted(unknown), fault['expect']))
    return data


def cells(data, only=None):
    for fault in data['faults']:
        if only and fault['id'] not in only:
            continue
        for module in fault.get('modules') or data['modules']:
            for protocol in PROTOCOLS:
                yield fault, module, protocol


def device_spec(index, module, protocol):
    spec = dict(name='cell%03d' % index, address='127.0.%d.%d' % (70 + index // 200, 1 + index % 200),
                profile=RECORDER if module == 'hik_camera_channel' else CAMERA, tls=protocol == 'https')
    if module in ('hik_cloud_binding', 'hik_decommission'):
        spec['ezviz'] = dict(enabled=True, verification_code='Hik12345', bind_status='bind')
    if module == 'hik_decommission':
        spec['users'] = [dict(name='installer', password='Install-2024', level='operator')]
    return spec


def module_args(module, device, protocol, workdir, password):
    args = dict(host=device.address, port=PORT, protocol=protocol, username='admin', password=password,
                timeout=TIMEOUT)
    if protocol == 'https':
        args['ca_path'] = device.certificate
    extra = {
        'hik_device_info': dict(gather_subset=['all']),
        'hik_user': dict(name='faulttest', configured_password='Fault-Test-2024x', level='viewer'),
        'hik_camera_channel': dict(state='present', ip_address='127.0.99.1', camera_password='Fault-Cam-2024x'),
        'hik_cloud_binding': dict(state='absent'),
        'hik_config_backup': dict(dest=os.path.join(workdir, device.name + '.bin')),
        'hik_reboot': dict(wait=False),
        'hik_factory_reset': dict(mode='basic', confirm_serial=device.serial_number, wait=False),
        'hik_decommission': dict(new_password='Fault-New-2024x', backup_dir=workdir, backup_name=device.name),
    }[module]
    return dict(args, **extra)


def inject(device, fault):
    how = fault.get('inject')
    if how is None:
        return PASSWORD
    if how == 'wrong_password':
        return 'Wrong-Pass-2024x'
    if how == 'locked':
        device.auth.lock_for('127.0.0.1', 600)
        return PASSWORD
    device.set_faults(dict(how))
    return PASSWORD


def outcome(result):
    if result.get('unreachable'):
        return 'unreachable'
    return 'failed' if result.get('failed') else 'ok'


def shown(result):
    """The outcome as the table shows it: with what a failure may have written, and a warning of a success."""
    got = outcome(result)
    state = result.get('write_state')
    if got == 'failed' and state == 'unconfirmed':
        return 'failed, a write unconfirmed (changed)'
    if got == 'failed' and state == 'confirmed':
        return 'failed after a confirmed write (changed)'
    if got == 'ok' and result.get('reboot_required'):
        return 'ok, warns that a restart applies it'
    return got


def judge(fault, module, result, seconds, device):
    """What in one cell's result is not what faults.yml and the invariants say: a list of sentences."""
    found = []
    got = outcome(result)
    msg = result.get('msg')
    state = device.snapshot()
    counters = dict(device.counters)

    def check(condition, what):
        if not condition:
            found.append(what)

    want = (fault.get('except') or {}).get(module, fault['expect'])
    check(got == want, 'the outcome is %s, faults.yml expects %s' % (got, want))
    if got != 'ok':
        check(one_sentence(msg), 'the message is not one sentence')
        sentence = (fault.get('sentence_except') or {}).get(module, fault.get('sentence'))
        if sentence:
            check(re.search(sentence, msg or '') is not None, 'the message does not say %r' % sentence)
        may_be_applied = result.get('write_state') in ('confirmed', 'unconfirmed')
        check(bool(result.get('changed')) == may_be_applied,
              'changed=%s with write_state %r' % (result.get('changed'), result.get('write_state')))
    check('exception' not in result, 'a traceback')
    check(seconds <= CELL_SECONDS, 'it took %.1f s' % seconds)
    text = json.dumps(result)
    check(not any(secret in text for secret in SECRETS), 'a password in the result')
    refused = counters.get('failed_logins', 0)
    if fault.get('inject') == 'wrong_password':
        check(refused == 1, '%d refused logins (one, never retried)' % refused)
    else:
        # hik_decommission checks that the old password is refused once it has rotated it: that one refusal is its
        # verification.
        allowed = 1 if module == 'hik_decommission' else 0
        check(refused <= allowed, '%d refused logins' % refused)
    if fault['id'] in ('write refused (statusCode 4)', 'write refused (statusCode 6)') and got != 'ok':
        check(result.get('write_state') == 'none' and not result.get('changed'),
              'a write the device refused is reported as %r' % result.get('write_state'))
    if fault['id'] in ('write cut off', 'write answer lost') and got != 'ok':
        # Whether the device applied it cannot be known from the controller: it may have been.
        check(result.get('write_state') == 'unconfirmed' and result.get('changed'),
              'a write without an answer is reported as %r, changed=%s' % (result.get('write_state'), result.get('changed')))
    if fault['id'] == 'restart never ends' and got != 'ok':
        # The request was sent and acknowledged: the task says changed, and the result what was sent.
        check(result.get('changed') and result.get('write_state') == 'confirmed',
              'a restart that was sent is reported as changed=%s, %r' % (result.get('changed'), result.get('write_state')))
    if fault['id'] == 'reboot required (statusCode 7)':
        check(result.get('reboot_required') and any('reboot' in w.lower() for w in result.get('warnings') or []),
              'statusCode 7 gave no reboot warning (%r)' % result.get('warnings'))
    if got == 'unreachable':
        check(not state.get('factory_resets') and counters.get('writes', 0) == 0, 'an unreachable device was written to')
    return found


def run(data, only=None):
    from ansible_collections.camops.hikvision.plugins.plugin_utils.in_process import run_module

    plan = list(cells(data, only))
    specs = [dict(device_spec(i, module, protocol), **(fault.get('device') or {}))
             for i, (fault, module, protocol) in enumerate(plan)]
    workdir = tempfile.mkdtemp(prefix='hik-faults-')
    fleet = Fleet(dict(devices=specs, defaults=dict(password=PASSWORD, port=PORT),
                       tls_dir=os.path.join(workdir, 'tls')))
    fleet.start()
    problems, table, started, timings = [], {}, time.time(), {}
    os.environ.pop('HIKVISION_REFUSED_PASSWORD_DIR', None)
    lock = threading.Lock()

    def cell(job):
        spec, (fault, module, protocol) = job
        device = fleet.devices[spec['name']]
        where = '%s / %s / %s' % (fault['id'], module, protocol)
        password = inject(device, fault)
        began = time.time()
        args = dict(module_args(module, device, protocol, workdir, password), **(fault.get('args') or {}))
        result = run_module(module, args)
        seconds = time.time() - began
        found = judge(fault, module, result, seconds, device)
        with lock:
            table[(fault['id'], module, protocol)] = shown(result)
            problems.extend('%s: %s (msg: %s)' % (where, what, result.get('msg')) for what in found)
            timings[fault['id']] = timings.get(fault['id'], 0) + seconds
            timings[module] = timings.get(module, 0) + seconds

    try:
        # The cells wait more than they work (a device's backoff, a timeout, a trickle): several at a time, each
        # on its own device.
        with concurrent.futures.ThreadPoolExecutor(max_workers=WORKERS) as pool:
            list(pool.map(cell, zip(specs, plan)))
    finally:
        fleet.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    if os.environ.get('HIK_FAULTS_TIMINGS'):
        for key, value in sorted(timings.items(), key=lambda item: -item[1]):
            print('%-40s %6.1f s' % (key, value))
    return table, problems, time.time() - started, len(plan)


CLOUD_KEYS = {'hik_partner_pro': ('Hpp-Key-4711', 'Hpp-Secret-0815'), 'ezviz_open': ('Ez-Key-1234', 'Ez-Secret-5678'),
              'hik_connect_teams': ('Teams-Key-42', 'Teams-Secret-42')}


def run_cloud(data):
    """hik_cloud_binding against the simulated cloud, one provider and one cloud fault a cell, one at a time."""
    from ansible_collections.camops.hikvision.plugins.plugin_utils.in_process import run_module

    plan = [(fault, provider) for fault in data['cloud_faults'] for provider in data['cloud_providers']]
    devices, owned = [], []
    for index, (fault, provider) in enumerate(plan):
        name, serial = 'cloud%03d' % index, 'CLD%06d' % index
        devices.append(dict(name=name, address='127.0.76.%d' % (1 + index), profile=CAMERA, cloud_serial=serial,
                            ezviz=dict(enabled=True, verification_code='Hik12345', bind_status='bind')))
        owned.append(dict(device=name, owner=provider, **({'site': 'site-faults'} if provider == 'hik_partner_pro' else {})))
    accounts = [dict(name=provider, provider=provider, app_key=key, app_secret=secret,
                     **({'sites': [dict(id='site-faults', name='Faults')]} if provider == 'hik_partner_pro' else {}))
                for provider, (key, secret) in sorted(CLOUD_KEYS.items())]
    fleet = Fleet(dict(devices=devices, defaults=dict(password=PASSWORD, port=PORT + 1),
                       cloud=dict(address='127.0.76.201', regional_address='127.0.76.202', port=PORT + 2,
                                  accounts=accounts, devices=owned)))
    fleet.start()
    table, problems = {}, []
    try:
        for spec, (fault, provider) in zip(devices, plan):
            device = fleet.devices[spec['name']]
            fleet.cloud.set_faults(None)
            if fault.get('inject'):
                fleet.cloud.set_faults(dict(fault['inject']))
            key, secret = CLOUD_KEYS[provider]
            result = run_module('hik_cloud_binding', dict(
                host=device.address, port=PORT + 1, username='admin', password=PASSWORD, timeout=TIMEOUT,
                state='absent', provider=provider, app_key=key, app_secret=secret, api_retries=1,
                api_url='http://127.0.76.201:%d' % (PORT + 2)))
            fleet.cloud.set_faults(None)
            got = outcome(result)
            table[(fault['id'], provider)] = shown(result)
            msg = result.get('msg')
            found = []
            if got != fault['expect']:
                found.append('the outcome is %s, faults.yml expects %s' % (got, fault['expect']))
            if got != 'ok':
                if not one_sentence(msg):
                    found.append('the message is not one sentence')
                if fault.get('sentence') and re.search(fault['sentence'], msg or '', re.I) is None:
                    found.append('the message does not say %r' % fault['sentence'])
            still = spec['cloud_serial'] in fleet.cloud.snapshot()['devices'] and \
                fleet.cloud.snapshot()['devices'][spec['cloud_serial']].get('owner')
            if got == 'ok' and still:
                found.append('ok, but the device is still in the account')
            if got != 'ok' and still and result.get('write_state') == 'none' and result.get('changed'):
                found.append('changed, though neither the account nor the device changed')
            if 'exception' in result:
                found.append('a traceback')
            if any(secret in json.dumps(result) for secret in SECRETS + CLOUD_KEYS[provider]):
                found.append('a secret in the result')
            problems.extend('cloud %s / %s: %s (msg: %s)' % (fault['id'], provider, what, msg) for what in found)
    finally:
        fleet.stop()
    return table, problems, len(plan)


def render(data, table):
    lines = ['# Reliability: the fault matrix', '',
             'Generated by `python tests/faults/matrix.py --docs docs/reliability.md` (the `faults` stage of',
             '`scripts/test.sh` checks that this page is what the run produces). Every device module against every',
             'fault, each on a simulated device of its own over HTTP and over HTTPS (real Digest, real TLS, on',
             'loopback), with the modules\' timeout at %d s. A cell gives the outcome on both protocols (once' % TIMEOUT,
             'when they agree): **ok** (the module succeeded: the fault was retried or did not reach it),',
             '**failed** (one sentence saying what happened; nothing was written unless the cell says so: **a write',
             'unconfirmed** is one whose answer never came, so it may have been applied, and the task says',
             '`changed`), **unreachable** (Ansible\'s unreachable host; nothing was written); `-` where the',
             'fault does not apply (a write fault against a module that only reads).', '',
             'Every cell also holds: no traceback; `changed` true on a failure only when a write may have been',
             'applied (`write_state` `confirmed` or `unconfirmed`; never for a write the device refused); no refused',
             'login for a fault that is not about the login (hik_decommission\'s check that the old password is',
             'refused after the rotation aside), and one, never retried, for a wrong password; no password in the',
             'result; the module ends within %d s.' % CELL_SECONDS, '']
    modules = data['modules']
    lines.append('| Fault | What the device does | ' + ' | '.join('`%s`' % m for m in modules) + ' |')
    lines.append('|---|---|' + '---|' * len(modules))
    for fault in data['faults']:
        row = []
        for module in modules:
            got = [table.get((fault['id'], module, p)) for p in PROTOCOLS]
            if got[0] is None:
                row.append('-')
            elif got[0] == got[1]:
                row.append(got[0])
            else:
                row.append(' / '.join('%s: %s' % (p, g) for p, g in zip(PROTOCOLS, got)))
        lines.append('| %s | %s | %s |' % (fault['id'], fault['what'], ' | '.join(row)))
    cloud = table.get('cloud') or {}
    if cloud:
        providers = data['cloud_providers']
        lines.extend(['', '## The cloud accounts', '',
                      '`hik_cloud_binding state=absent` with each provider, the device in that provider\'s account on the',
                      'simulated cloud, the fault on the cloud (`api_retries` 1: one retry, after a second). An **ok** cell',
                      'left the device out of the account; a failed one says so in one sentence, and is not `changed`',
                      'while the device is still in the account and the device itself was not written.', '',
                      '| Fault | What the cloud does | ' + ' | '.join('`%s`' % p for p in providers) + ' |',
                      '|---|---|' + '---|' * len(providers)])
        for fault in data['cloud_faults']:
            lines.append('| %s | %s | %s |' % (fault['id'], fault['what'],
                                               ' | '.join(cloud.get((fault['id'], p), '-') for p in providers)))
    lines.append('')
    lines.append('What a failed cell says, by fault (the expected words, matched in the message):')
    lines.append('')
    for fault in data['faults'] + [dict(f, id='cloud: ' + f['id']) for f in data['cloud_faults']]:
        if fault.get('sentence'):
            lines.append('- %s: `%s`' % (fault['id'], fault['sentence']))
    lines.extend(['', '## Crashes', '',
                  'The same stage runs `tests/faults/crash.py`: the decommission and the transfer (hik_decommission with',
                  'the built-in credential store, as the roles run it) are killed with SIGKILL when each of their',
                  'writes reaches the device, once before the device applies it and once after, and run again. Every',
                  'resumed run must end with the stored password the device\'s, the record verified, the old password',
                  'gone, at most one refused login, and the device in the state the flow wants. A kill of the',
                  'playbook itself mid-fleet, and its resumption, is in the `playbook_decommission` integration target.',
                  '', '## The roles', '',
                  'And `tests/faults/roles.py`: the audit, decommission and transfer playbooks over a fleet with one',
                  'fault per device (transient ones, a device gone, malformed answers, a locked one, a wrong password, a',
                  'write lost or refused, statusCode 7). The devices expected to fail are exactly the failed hosts in',
                  'the recap (a device the flow finds unreachable is reported unreachable, and its host is failed after',
                  'the report), the others finish, each report record says the same with one sentence, and the',
                  'decommission run again without the faults finishes every device.'])
    lines.append('')
    return '\n'.join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', 1)[0])
    parser.add_argument('--docs')
    parser.add_argument('--check-docs', action='store_true')
    parser.add_argument('--only', nargs='*')
    args = parser.parse_args(argv)
    data = load()
    table, problems, seconds, count = run(data, args.only)
    if not args.only:
        began = time.time()
        cloud_table, cloud_problems, cloud_count = run_cloud(data)
        table['cloud'] = cloud_table
        problems += cloud_problems
        count += cloud_count
        seconds += time.time() - began
    if args.docs and not args.only:
        text = render(data, table)
        if args.check_docs:
            with open(args.docs, encoding='utf-8') as handle:
                if handle.read() != text:
                    problems.append('%s is not what this run produces; run python tests/faults/matrix.py --docs %s'
                                    % (args.docs, args.docs))
        else:
            with open(args.docs, 'w', encoding='utf-8') as handle:
                handle.write(text)
    for problem in sorted(problems):
        print('FAILED: ' + problem)
    print('faults: %d cells in %.0f s, %d problems' % (count, seconds, len(problems)))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
