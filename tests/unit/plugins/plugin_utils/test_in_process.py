"""The in-process module runner: the same argument handling and results as AnsibleModule, and hik_report
run through it."""

import json
import os
import stat

import pytest

from ansible_collections.camops.hikvision.plugins.module_utils import specs
from ansible_collections.camops.hikvision.plugins.plugin_utils.in_process import run_module
from ansible_collections.camops.hikvision.tests.unit.sim import PASSWORD


def test_validation_errors_fail_before_the_module_runs():
    result = run_module('hik_report', dict(files={}))
    assert result['failed'] and 'dest' in result['msg']
    result = run_module('hik_device_info', dict(host='127.0.0.1', gather_subset='all', nonsense=1))
    assert result['failed'] and 'nonsense' in result['msg']


def test_no_log_values_never_leave(monkeypatch):
    # An unreachable loopback port: the module fails, and neither the password nor the environment
    # fallback's value appears anywhere in the result.
    monkeypatch.setenv('HIKVISION_PASSWORD', 'Env-Secret-123')
    result = run_module('hik_device_info', dict(host='127.0.2.250', port=9, timeout=1))
    assert result['failed']
    assert 'Env-Secret-123' not in repr(result)
    assert result['invocation']['module_args']['password'] == 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'


def test_hik_report_writes_atomically_and_is_idempotent(tmp_path):
    files = {'devices/a.json': '{"a": 1}\n', 'summary.txt': 'ok\n'}
    planned = run_module('hik_report', dict(dest=str(tmp_path), files=files), check_mode=True, diff=True)
    assert planned['changed'] and sorted(planned['written']) == sorted(files)
    assert planned['diff']['after']['files'] == sorted(files)
    assert not os.listdir(str(tmp_path))
    done = run_module('hik_report', dict(dest=str(tmp_path), files=files))
    assert done['changed'] and (tmp_path / 'devices' / 'a.json').read_text() == '{"a": 1}\n'
    assert stat.S_IMODE(os.stat(str(tmp_path / 'summary.txt')).st_mode) == 0o640
    again = run_module('hik_report', dict(dest=str(tmp_path), files=files))
    assert not again['changed'] and again['unchanged'] == 2 and again['written'] == []


def test_hik_report_refuses_paths_outside_dest(tmp_path):
    for bad in ('../x', '/etc/x', '.', 'a/../../x'):
        result = run_module('hik_report', dict(dest=str(tmp_path), files={bad: 'x'}))
        assert result['failed'] and 'stay under it' in result['msg'], bad
    result = run_module('hik_report', dict(dest=str(tmp_path), files={'a': 'x'}, mode='999'))
    assert result['failed'] and 'octal file mode' in result['msg']


def test_importing_an_action_plugin_loads_its_module():
    # The strategy process imports action plugins before it forks the workers; the module and requests
    # must be loaded then, so that no worker imports them again.
    import importlib
    import sys
    from ansible_collections.camops.hikvision.plugins.plugin_utils.in_process import MODULES
    for name in MODULES:
        sys.modules.pop('ansible_collections.camops.hikvision.plugins.modules.' + name, None)
    sys.modules.pop('ansible_collections.camops.hikvision.plugins.action.hik_device_info', None)
    importlib.import_module('ansible_collections.camops.hikvision.plugins.action.hik_device_info')
    for name in MODULES:  # the one action plugin serves them all
        assert 'ansible_collections.camops.hikvision.plugins.modules.' + name in sys.modules
    assert 'requests' in sys.modules


def test_every_module_has_the_one_action_under_its_own_name():
    # No plugin_routing redirect: with one, ansible-lint's fqcn[canonical] tells every user to rename their
    # tasks after the action plugin. Each module's action file is the same two lines.
    import glob
    import os
    from ansible_collections.camops.hikvision.plugins.plugin_utils import in_process
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(in_process.__file__))))
    served = sorted(os.path.basename(p)[:-3] for p in glob.glob(os.path.join(root, 'plugins', 'modules', '*.py'))
                    if 'def run(module)' in open(p).read())
    assert sorted(in_process.MODULES) == served
    for name in served:
        text = open(os.path.join(root, 'plugins', 'action', name + '.py')).read()
        # hik_decommission's is a subclass (the built-in credential store in the flow's task).
        base = 'DecommissionAction' if name == 'hik_decommission' else 'InProcessModuleAction'
        assert 'class ActionModule(%s):\n    pass\n' % base in text and 'preload()' in text, name
    from ansible_collections.camops.hikvision.plugins.plugin_utils.decommission_action import DecommissionAction
    assert issubclass(DecommissionAction, in_process.InProcessModuleAction)


def _module_args_case(name):
    """Arguments for ``name`` that set every no_log option (nested ones too) to a recognisable secret."""
    spec = specs.module_args(name)

    def fill(options, prefix):
        args = {}
        for option, opts in options.items():
            if opts.get('no_log'):
                args[option] = 'Secret-%s-%s' % (prefix, option)
            elif opts.get('required') and opts.get('type', 'str') in ('str', 'path') and prefix != name:
                args[option] = '%s-%s' % (option, prefix)  # a required suboption (a user's name)
            elif opts.get('options') and opts.get('type') == 'list':
                args[option] = [fill(opts['options'], prefix + '1'), fill(opts['options'], prefix + '2')]
            elif opts.get('options'):
                args[option] = fill(opts['options'], prefix + 'd')
        return args
    return spec, fill(spec['argument_spec'], name)


@pytest.mark.parametrize('name', specs.MODULES)
def test_no_log_values_are_those_ansiblemodule_finds(name, monkeypatch):
    # The in-process adapter computes the values to hide from the collection's own argument specs; they must
    # be exactly the ones AnsibleModule finds for the same arguments (its public no_log_values).
    from ansible.module_utils.basic import AnsibleModule
    from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
    try:
        from ansible.module_utils.testing import patch_module_args
    except ImportError:
        # ansible-core before 2.19 has no patch_module_args: its unit tests hand AnsibleModule the arguments
        # through basic._ANSIBLE_ARGS, the same way (the pattern of ansible-core's own tests/units/modules/utils).
        import contextlib
        import json
        from ansible.module_utils import basic

        @contextlib.contextmanager
        def patch_module_args(module_args):
            monkeypatch.setattr(basic, '_ANSIBLE_ARGS', json.dumps({'ANSIBLE_MODULE_ARGS': module_args}).encode())
            yield
    from ansible_collections.camops.hikvision.plugins.plugin_utils.in_process import no_log_values
    spec, args = _module_args_case(name)
    args = dict(args, host='192.0.2.1', dest='/tmp/x', files={}, mode='basic', confirm_serial='X', state='absent',
                ip_address='192.0.2.2')
    args = dict((k, v) for k, v in args.items() if k in spec['argument_spec'])
    validated = ArgumentSpecValidator(spec['argument_spec']).validate(args).validated_parameters
    with patch_module_args(args):
        module = AnsibleModule(argument_spec=spec['argument_spec'], supports_check_mode=True)
    ours = no_log_values(spec['argument_spec'], validated)
    assert ours == set(module.no_log_values)
    assert any(value.startswith('Secret-') for value in ours) or name in ('hik_report', 'hik_reboot')


def test_the_task_environment_feeds_the_fallbacks_and_the_process_environment_is_untouched(monkeypatch):
    import os
    monkeypatch.delenv('HIKVISION_PASSWORD', raising=False)
    before = dict(os.environ)
    result = run_module('hik_device_info', dict(host='127.0.2.250', port=9, timeout=1),
                        environment={'HIKVISION_PASSWORD': 'Task-Env-Secret-1', 'HIKVISION_USERNAME': 'ops'})
    assert result['failed'] and result['invocation']['module_args']['username'] == 'ops'
    assert result['invocation']['module_args']['password'] == 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'
    assert 'Task-Env-Secret-1' not in repr(result)
    assert dict(os.environ) == before


def _freeze_in_child(pipe):
    from ansible_collections.camops.hikvision.plugins.plugin_utils.in_process import freeze_inherited_heap
    import gc
    pipe.send((freeze_inherited_heap(), gc.get_freeze_count()))
    pipe.close()


def test_a_worker_freezes_its_inherited_heap_and_the_parent_does_not():
    # Ansible's workers are forks of the strategy process: there the inherited objects are frozen, so the
    # worker's collections do not walk them; the strategy process itself (or a test) is left alone.
    import gc
    import multiprocessing
    from ansible_collections.camops.hikvision.plugins.plugin_utils.in_process import freeze_inherited_heap
    before = gc.get_freeze_count()
    assert freeze_inherited_heap() is False
    assert gc.get_freeze_count() == before
    context = multiprocessing.get_context('fork')
    parent_end, child_end = context.Pipe()
    child = context.Process(target=_freeze_in_child, args=(child_end,))
    child.start()
    froze, frozen = parent_end.recv()
    child.join()
    assert froze is True
    assert frozen > 1000


FORK_SCRIPT = '''
import gc, multiprocessing
from ansible_collections.camops.hikvision.plugins.plugin_utils import in_process


def child(pipe):
    # What a task's worker finds before it runs anything: its inherited heap frozen by the hook.
    pipe.send((gc.get_freeze_count(), in_process.freeze_at_fork()))
    pipe.close()


if __name__ == '__main__':
    assert in_process.freeze_at_fork() is True
    assert gc.get_freeze_count() == 0, 'the strategy process itself must not be frozen'
    context = multiprocessing.get_context('fork')
    parent_end, child_end = context.Pipe()
    worker = context.Process(target=child, args=(child_end,))
    worker.start()
    print('%d %s' % parent_end.recv())
    worker.join()
'''


def test_every_worker_forked_after_the_hook_starts_with_its_inherited_heap_frozen(tmp_path):
    # preload() registers the hook in the strategy process, so a worker's templating, which runs before any
    # action plugin, does not walk the strategy process's heap either. A fresh interpreter: the hook is
    # process-wide and stays registered.
    import os
    import subprocess
    import sys
    script = tmp_path / 'fork_hook.py'
    script.write_text(FORK_SCRIPT)
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=False,
                          env=dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p)))
    assert done.returncode == 0, done.stderr
    frozen, registered_in_child = done.stdout.split()
    assert int(frozen) > 1000
    assert registered_in_child == 'False'


def test_hik_device_info_returns_the_limit_it_found(fleet):
    """The module (run in-process, real argument handling) reports the limit the role passes on, and warns
    once, naming the setting that avoids the refusal, only when the device refused a request for it."""
    device = fleet.device('strict-nonce')
    args = dict(host=device.address, port=device.port, password=PASSWORD, gather_subset='all')
    found = run_module('hik_device_info', args)
    assert not found.get('failed') and found['nonce_max_uses'] == 2, found.get('msg')
    assert fleet.counters('strict-nonce')['nonce_overuses'] == 1
    assert found.get('warnings') == [
        '%s:%s: the device accepts a Digest nonce for 2 request(s) and refused the next one without a new '
        'challenge (a nonce limit, not a wrong password), so the client fetched a new nonce and sent the request '
        'again; set nonce_max_uses: 2 for this device (hik_nonce_max_uses in the roles\' inventory) so that none '
        'of its requests is refused, since it may count a refusal as a failed login.' % (device.address, device.port)]
    fleet.device('strict-nonce').reset_counters()
    given = run_module('hik_device_info', dict(args, nonce_max_uses=2))
    assert given['nonce_max_uses'] == 2 and fleet.counters('strict-nonce')['nonce_overuses'] == 0
    assert not given.get('warnings')
    cam = fleet.device('cam')
    unlimited = run_module('hik_device_info', dict(args, host=cam.address, port=cam.port))
    assert not unlimited.get('failed') and unlimited['nonce_max_uses'] is None
    assert not unlimited.get('warnings')
    refused = run_module('hik_device_info', dict(args, nonce_max_uses=0))
    assert refused['failed'] and refused['msg'] == 'nonce_max_uses must be at least 1, got 0.'


def test_a_device_without_hik_connect_already_has_it_absent_and_is_not_asked(fleet):
    from ansible_collections.camops.hikvision.tests.unit.sim import PASSWORD as password
    host = fleet.device('noezviz')
    conn = dict(host=host.address, port=host.port, password=password)
    absent = run_module('hik_cloud_binding', dict(conn, state='absent', rotate_verification_code=True), diff=True)
    assert not absent.get('failed') and not absent['changed'] and absent['cloud_supported'] is False
    assert absent['notes'] == ['no Hik-Connect on this device (its capabilities say isSupportEZVIZ false)']
    present = run_module('hik_cloud_binding', dict(conn, state='present', verification_code='Abc123456'))
    assert present['failed'] and present['msg'].endswith('so it cannot be switched on.')
    requested = fleet.counters('noezviz')['by_request']
    assert 'GET /ISAPI/System/capabilities' in requested
    assert not [key for key in requested if 'EZVIZ' in key], requested  # capabilities first: never asked
    assert fleet.counters('noezviz')['writes'] == 0


@pytest.mark.parametrize('confirm', ['', ' ', 'iDS-7204HUHI-K1_4S'])
def test_a_device_that_reports_no_serial_is_never_reset(profiles, confirm):
    # iDS-7204HUHI-K1/4S's recorded deviceInfo has no serialNumber: whatever confirm_serial says, no reset.
    from ansible_collections.camops.hikvision.tests.unit.sim import Fleet
    port = 23000 + (os.getpid() % 2000)
    fleet = Fleet(dict(devices=[dict(name='noserial', profile='iDS-7204HUHI-K1_4S', address='127.0.3.11', port=port,
                                     keep_identity=True)], defaults=dict(password=PASSWORD)), profiles=profiles).start()
    try:
        device = fleet.devices['noserial']
        result = run_module('hik_factory_reset', dict(host=device.address, port=device.port, password=PASSWORD,
                                                      mode='basic', confirm_serial=confirm, wait=False))
        assert result['failed'] and not result['changed']
        # An empty confirm_serial is refused before any request; any other, because there is nothing to match.
        assert ('reports no serial number' if confirm.strip() else 'confirm_serial must be') in result['msg']
        assert device.factory_resets == [] and device.counters['writes'] == 0
    finally:
        fleet.stop()


def test_hik_cloud_binding_refuses_an_account_change_for_a_serial_the_device_does_not_report(fleet):
    # The guard that keeps a wrong serial_number from deleting another device from the account: the device is
    # read first, and a mismatch ends the run before any cloud request (api_url points where nothing
    # listens, so a request would fail differently).
    device = fleet.device('cam')
    device.reset_counters()
    reported = device.cloud_serial
    assert reported and reported != 'WRONG0001'
    result = run_module('hik_cloud_binding', dict(
        host=device.address, port=device.port, password=PASSWORD, state='absent', provider='hik_partner_pro',
        app_key='key-1', app_secret='secret-1', api_url='http://127.0.2.250:9', serial_number='WRONG0001'))
    assert result['failed'] and result['changed'] is False
    assert result['msg'] == ('%s:%d reports cloud serial %s, not serial_number WRONG0001; refusing to change the '
                             'account.' % (device.address, device.port, reported.upper()))
    assert fleet.counters('cam')['writes'] == 0


@pytest.mark.parametrize('confirm', ['', 'ANY-SERIAL', ' '])
def test_hik_factory_reset_never_resets_a_device_that_reports_no_serial(fleet, confirm):
    # iDS-7204HUHI-K1/4S as its owner posted it: a deviceInfo without serialNumber. Nothing can match
    # confirm_serial, so nothing is sent, whatever confirm_serial says.
    name = 'iDS-7204HUHI-K1_4S'
    device = fleet.device(name)
    device.reset_counters()
    result = run_module('hik_factory_reset', dict(host=device.address, port=device.port, password=PASSWORD,
                                                  mode='basic', confirm_serial=confirm))
    assert result['failed'] and result['changed'] is False and result['reset'] is False
    if confirm.strip():
        assert 'refusing to reset: the device reports no serial number' in result['msg']
    else:
        assert result['msg'] == 'confirm_serial must be the serial number of the device to reset.'
    assert fleet.counters(name)['writes'] == 0


def test_hik_user_fails_a_rotation_the_device_did_not_apply_to_the_old_password(fleet):
    # A device that still accepts the old admin password after the change: the rotation is not verified, the
    # module fails (so the roles record the device as failed, never as verified) and says the write was applied.
    device = fleet.device('keeps-old')
    result = run_module('hik_user', dict(host=device.address, port=device.port, password=PASSWORD, name='admin',
                                         configured_password='Rotated-2026x', update_password='always'))
    assert result['failed'] and 'still accepts the old password' in result['msg'], result.get('msg')
    assert result['verified'] == dict(new_password_accepted=True, old_password_rejected=False)
    assert result['changed'] is True and result['write_state'] == 'confirmed'
    assert 'Rotated-2026x' not in json.dumps(result)
