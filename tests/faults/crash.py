"""Crash tests: the decommission and the transfer killed at every step boundary and in the middle of every write,
then resumed.

The flows are the roles' own task: hik_decommission with the built-in credential store (run_with_store, as the
action plugin runs it), the decommission with a generated password, the transfer with the new owner's password
and Hik-Connect code. For each flow a clean run on a fresh device lists the requests it makes; then, for every
write among them, a fresh device kills the controller (SIGKILL of the process that runs the flow, a child of
this one) when that request arrives, before the device applies it and, on another fresh device, after it applied
it and before it answers. The run is then started again, as a user would, and must finish with:

- the device's admin password the one the store holds, the store's record verified (no password lost);
- the inventory's old password no longer the device's (the rotation happened once, not undone);
- at most one refused login in the resumed run;
- the device in the state the flow wants (only the admin account; Hik-Connect off, or on with the new owner's
  code for the transfer).

    python tests/faults/crash.py

Needs ANSIBLE_COLLECTIONS_PATH naming a directory that holds ansible_collections/camops/hikvision.
"""

import json
import os
import subprocess
import shutil
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'utils'))
from harness import use_simulator_and_collection  # noqa: E402  pylint: disable=wrong-import-position
use_simulator_and_collection()

from hiksim.server import Fleet  # noqa: E402  pylint: disable=wrong-import-position

PASSWORD = 'Sim-Admin-123'
PORT = 18811
OWNER_PASSWORD = 'New-Owner-2024x'
OWNER_CODE = 'Owner1234'
FLOWS = {
    'decommission': dict(),
    'transfer': dict(new_password=OWNER_PASSWORD, handover_verification_code=OWNER_CODE),
}
CHILD = r'''
import json, sys
from ansible.parsing.dataloader import DataLoader
from ansible_collections.camops.hikvision.plugins.plugin_utils.decommission_action import run_with_store
from ansible_collections.camops.hikvision.plugins.plugin_utils.in_process import run_module
args = json.loads(sys.argv[1])
result = run_with_store(DataLoader(), args, {}, False, lambda module_args: run_module('hik_decommission', module_args))
print(json.dumps(dict(failed=bool(result.get('failed')), msg=result.get('msg'))))
'''


def device_spec(index):
    return dict(name='crash%03d' % index, address='127.0.80.%d' % (1 + index), profile='DS-2CD2146G2-ISU',
                ezviz=dict(enabled=True, verification_code='Hik12345', bind_status='bind'),
                users=[dict(name='installer', password='Install-2024', level='operator'),
                       dict(name='guest', password='Guest-2024x', level='viewer')],
                onvif_users=[dict(name='vms', password='Onvif-2024x', type='mediaUser')])


def flow_args(flow, device, store):
    args = dict(host=device.address, port=PORT, username='admin', password=PASSWORD, timeout=5,
                backup_dir=os.path.join(store, 'backups'), backup_name=device.name,
                credential_store=dict(dir=store, name=device.name))
    args.update(FLOWS[flow])
    return args


def run_child(args, env):
    """The flow, started in a process of its own (finish waits for it)."""
    proc = subprocess.Popen([sys.executable, '-c', CHILD, json.dumps(args)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    return proc


def finish(proc, timeout=60):
    out, err = proc.communicate(timeout=timeout)
    result = None
    if proc.returncode == 0 and out.strip():
        result = json.loads(out.decode('utf-8').strip().splitlines()[-1])
    return proc.returncode, result, err.decode('utf-8', 'replace')


def stored(store, name):
    from ansible.parsing.dataloader import DataLoader
    from ansible_collections.camops.hikvision.plugins.plugin_utils import credential_store
    return credential_store.read_record(DataLoader(), os.path.join(store, name + '.yml')) or {}


def check_device(flow, device, store, refused, problems, where):
    state = device.snapshot()
    record = stored(store, device.name)
    admin = [u for u in state['users'] if u['name'] == 'admin'][0]

    def check(condition, what):
        if not condition:
            problems.append('%s: %s' % (where, what))

    check(record.get('status') == 'verified', 'the stored record is %r, not verified' % record.get('status'))
    check(record.get('password') == admin['password'], 'the stored password is not the device\'s (one lost)')
    check(admin['password'] != PASSWORD, 'the old password is still the device\'s')
    if flow == 'transfer':
        check(admin['password'] == OWNER_PASSWORD, 'the admin password is not the new owner\'s')
        check(state['ezviz']['enabled'] and state['ezviz'].get('verification_code') == OWNER_CODE,
              'Hik-Connect is not on with the new owner\'s code')
    else:
        check(not state['ezviz']['enabled'], 'Hik-Connect is still on')
    check([u['name'] for u in state['users']] == ['admin'], 'accounts left: %s' % [u['name'] for u in state['users']])
    check(not state.get('onvif_users'), 'ONVIF accounts left: %s' % state.get('onvif_users'))
    check(refused <= 1, '%d refused logins in the resumed run' % refused)


def main():
    env = dict(os.environ)
    env.pop('HIKVISION_REFUSED_PASSWORD_DIR', None)
    env['PYTHONPATH'] = os.pathsep.join([p for p in sys.path if p] + [env.get('PYTHONPATH', '')])
    work = tempfile.mkdtemp(prefix='hik-crash-')
    problems, cells, started = [], 0, time.time()
    # Enough devices for the reference runs and two kills per write of each flow.
    fleet = Fleet(dict(devices=[device_spec(i) for i in range(120)], defaults=dict(password=PASSWORD, port=PORT)))
    fleet.start()
    free = iter(sorted(fleet.devices))
    try:
        for flow in FLOWS:
            # The reference: the requests a clean run makes, in order.
            device = fleet.devices[next(free)]
            store = os.path.join(work, device.name)
            code, result, err = finish(run_child(flow_args(flow, device, store), env))
            if code != 0 or not result or result['failed']:
                problems.append('%s: the clean run failed (%s, %s): %s' % (flow, code, result, err[-2000:]))
                continue
            check_device(flow, device, store, 0, problems, '%s clean run' % flow)
            writes = [request for request in device.counters['by_request'] if not request.startswith('GET ')]
            print('crash: %s writes %s' % (flow, ', '.join(writes)), flush=True)
            for request in writes:
                for when in ('before', 'after'):
                    cells += 1
                    device = fleet.devices[next(free)]
                    store = os.path.join(work, device.name)
                    where = '%s killed %s the device applied %s' % (flow, when, request)
                    proc = run_child(flow_args(flow, device, store), env)
                    device.kill_at = dict(request=request, when=when, pid=proc.pid)
                    code, result, err = finish(proc)
                    if code != -9:
                        problems.append('%s: the run was not killed there (exit %s, %s)' % (where, code, result))
                        continue
                    device.reset_counters()
                    code, result, err = finish(run_child(flow_args(flow, device, store), env))
                    if code != 0 or not result or result['failed']:
                        problems.append('%s: the resumed run failed (%s): %s %s' % (where, code, result, err[-1500:]))
                    check_device(flow, device, store, device.counters['failed_logins'], problems, where)
    finally:
        fleet.stop()
        shutil.rmtree(work, ignore_errors=True)
    for problem in problems:
        print('FAILED: ' + problem)
    print('crash: %d kill points of the decommission and the transfer in %.0f s, %d problems'
          % (cells, time.time() - started, len(problems)))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
