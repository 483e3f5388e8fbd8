"""The roles under faults: the audit, decommission and transfer playbooks, each over a fleet with one device per
fault (ansible-playbook, real HTTP and Digest on loopback), and the decommission again with the faults gone.

Each device's expected outcome per playbook is written down in EXPECT below. Every run must hold: the recap's
failed hosts are exactly the devices expected to fail or be unreachable (no device stops another, a failed device
is a failed host to Ansible and AWX: the role fails an unreachable one after the report); each device's report
record has that status (unreachable where expected), a failed one
an error of one sentence; no traceback, template error or deprecation in the output. The decommission is then run
again with every fault cleared: every device ends decommissioned (a failed run is resumable).

    python tests/faults/roles.py

Runs with the ansible-playbook on PATH and ANSIBLE_COLLECTIONS_PATH naming a directory that holds
ansible_collections/camops/hikvision (scripts/test.sh sets both).
"""

import json
import os
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

from hiksim.server import Fleet  # noqa: E402  pylint: disable=wrong-import-position

PASSWORD = 'Sim-Admin-123'
PORT = 18821
# device: (fault, audit, decommission, transfer). Faults as in faults.yml; 'locked' and 'wrong_password' as there.
EXPECT = {
    'clean': (None, 'ok', 'ok', 'ok'),
    'busy-once': ({'busy': 1}, 'ok', 'ok', 'ok'),
    'dropped-once': ({'drop': 1}, 'ok', 'ok', 'ok'),
    'reset-once': ({'reset_mid_body': 1}, 'ok', 'ok', 'ok'),
    'gone': ({'drop': True}, 'failed', 'unreachable', 'unreachable'),
    'malformed': ({'malformed_xml': True}, 'failed', 'failed', 'failed'),
    'locked': ('locked', 'failed', 'failed', 'failed'),
    'wrong-password': ('wrong_password', 'failed', 'failed', 'failed'),
    'write-lost': ({'write_lost': 1}, 'ok', 'failed', 'failed'),
    'write-refused': ({'write_refused_4': 1}, 'ok', 'failed', 'failed'),
    'reboot-required': ({'reboot_required': 1}, 'ok', 'ok', 'ok'),
}
PLAYS = ('audit', 'decommission', 'transfer')


def start(work, net):
    devices = []
    for index, name in enumerate(sorted(EXPECT)):
        devices.append(dict(name=name, address='127.0.%d.%d' % (net, 1 + index), profile='DS-2CD2146G2-ISU',
                            site='faults', ezviz=dict(enabled=True, verification_code='Hik12345', bind_status='bind'),
                            users=[dict(name='installer', password='Install-2024', level='operator')]))
    fleet = Fleet(dict(devices=devices, defaults=dict(password=PASSWORD, port=PORT))).start()
    inventory = fleet.inventory()
    hosts = inventory['all']['hosts']
    for name in hosts:
        hosts[name]['hik_timeout'] = 2
    hosts['wrong-password']['hik_password'] = 'Wrong-Pass-2024x'
    path = os.path.join(work, 'inventory-%d.yml' % net)
    with open(path, 'w', encoding='utf-8') as handle:
        yaml.safe_dump(inventory, handle, default_flow_style=False)
    return fleet, path


def inject(fleet, clear=False):
    for name, (fault, _a, _d, _t) in EXPECT.items():
        device = fleet.devices[name]
        device.set_faults(None)
        device.auth.unlock_all()
        if clear or fault in (None, 'wrong_password'):
            continue
        if fault == 'locked':
            device.auth.lock_for('127.0.0.1', 600)
        else:
            device.set_faults(dict(fault))


def playbook(work, inventory, play, label, args, problems):
    env = dict(os.environ, ANSIBLE_FORCE_COLOR='0', ANSIBLE_NOCOLOR='1', ANSIBLE_FORKS='13',
               ANSIBLE_RETRY_FILES_ENABLED='False', ANSIBLE_DEPRECATION_WARNINGS='True',
               ANSIBLE_HOST_PATTERN_MISMATCH='warning')
    env.pop('HIKVISION_REFUSED_PASSWORD_DIR', None)
    started = time.time()
    proc = subprocess.run(['ansible-playbook', '-i', inventory, 'camops.hikvision.' + play] + args, env=env, cwd=work,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False)
    output = proc.stdout.decode('utf-8', 'replace')
    with open(os.path.join(work, label + '.log'), 'w', encoding='utf-8') as handle:
        handle.write(output)
    print('roles: %-28s rc=%d in %.1f s' % (label, proc.returncode, time.time() - started), flush=True)
    for line in output.splitlines():
        if BAD_OUTPUT.search(line):
            problems.append('%s: %s' % (label, line.strip()[:300]))
    return proc.returncode, output


def judge(label, output, records, column, problems):
    hosts = recap(output)
    for name, expected in EXPECT.items():
        want = expected[column]
        counts = hosts.get(name) or {}
        got = 'unreachable' if counts.get('unreachable') else ('failed' if counts.get('failed') else 'ok')
        # A device the flow found unreachable is reported so; the role then fails its host after the report, so
        # the recap counts it failed (AWX relaunches it with the failed hosts).
        if got != want and not (want == 'unreachable' and got == 'failed'):
            problems.append('%s: %s is %s in the recap, expected %s' % (label, name, got, want))
        record = records.get(name) or {}
        status = record.get('status')
        if (status == 'ok') != (want == 'ok') or (want == 'unreachable') != (status == 'unreachable'):
            problems.append('%s: %s\'s report record is %r (%s), expected %s'
                            % (label, name, status, record.get('error'), want))
        if want != 'ok' and not one_sentence(record.get('error')):
            problems.append('%s: %s\'s report error is not one sentence: %r' % (label, name, record.get('error')))


def device_records(directory):
    records = {}
    for name in EXPECT:
        path = os.path.join(directory, 'devices', name + '.json')
        if os.path.exists(path):
            with open(path, encoding='utf-8') as handle:
                records[name] = json.load(handle)
    return records


def main():
    work = tempfile.mkdtemp(prefix='hik-roles-faults-')
    problems, started = [], time.time()
    fleet, inventory = start(work, 90)
    try:
        inject(fleet)
        reports = os.path.join(work, 'audit')
        dummy, output = playbook(work, inventory, 'audit', 'audit', ['-e', 'audit_report_dir=' + reports], problems)
        with open(os.path.join(reports, 'audit.json'), encoding='utf-8') as handle:
            audit = dict((r['name'], r) for r in json.load(handle)['devices'])
        judge('audit', output, audit, 1, problems)

        inject(fleet)
        store, reports = os.path.join(work, 'store'), os.path.join(work, 'decommission')
        args = ['-e', 'decommission_store_dir=' + store, '-e', 'decommission_report_dir=' + reports]
        dummy, output = playbook(work, inventory, 'decommission', 'decommission', args, problems)
        judge('decommission', output, device_records(reports), 2, problems)

        # Again without the faults (the wrong password stays wrong: that device fails again, once).
        inject(fleet, clear=True)
        dummy, output = playbook(work, inventory, 'decommission', 'decommission again', args, problems)
        again = device_records(reports)
        for name in EXPECT:
            want = 'failed' if name == 'wrong-password' else 'ok'
            if (again.get(name) or {}).get('status', 'missing') != want:
                problems.append('decommission again: %s is %r, expected %s' % (name, again.get(name), want))
            state = fleet.devices[name].snapshot()
            if want == 'ok' and ([u['name'] for u in state['users']] != ['admin'] or state['ezviz']['enabled']):
                problems.append('decommission again: %s is not decommissioned (%s, Hik-Connect %s)'
                                % (name, [u['name'] for u in state['users']], state['ezviz']['enabled']))
    finally:
        fleet.stop()

    fleet, inventory = start(work, 91)
    try:
        inject(fleet)
        reports = os.path.join(work, 'transfer')
        owner = os.path.join(work, 'owner.yml')
        with open(owner, 'w', encoding='utf-8') as handle:
            yaml.safe_dump(dict(transfer_new_admin_password='New-Owner-2024x', transfer_verification_code='Owner1234'),
                           handle)
        args = ['-e', 'transfer_store_dir=' + os.path.join(work, 'transfer-store'), '-e', 'transfer_report_dir=' + reports,
                '-e', '@' + owner]
        dummy, output = playbook(work, inventory, 'transfer', 'transfer', args, problems)
        judge('transfer', output, device_records(reports), 3, problems)
    finally:
        fleet.stop()
    if problems:
        print('roles: logs kept in %s' % work)
    else:
        shutil.rmtree(work, ignore_errors=True)
    for problem in problems:
        print('FAILED: ' + problem)
    print('roles: audit, decommission (twice) and transfer over %d devices, one fault each, in %.0f s, %d problems'
          % (len(EXPECT), time.time() - started, len(problems)))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
