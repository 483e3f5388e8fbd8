"""The decommission flow: the pure planners (which password, which secrets are stored first, which steps and
accounts, what is recorded after) and the executor on one login session against hiksim (real HTTP, Digest)."""

import random

import pytest

from ansible_collections.camops.hikvision.plugins.module_utils import flow
from ansible_collections.camops.hikvision.plugins.module_utils import specs
from ansible_collections.camops.hikvision.plugins.module_utils import users as users_mod
from ansible_collections.camops.hikvision.plugins.module_utils.runner import Runner
from ansible_collections.camops.hikvision.tests.unit.sim import PASSWORD, Ended, StandIn

NEW = 'New-Pass-9x'


# ---- generated secrets ------------------------------------------------------------------------------------

@pytest.mark.parametrize('length', [8, 9, 16, 40])
def test_every_generated_password_has_every_character_class(length):
    rng = random.Random(length)
    for dummy in range(2000):
        password = flow.generate_password(length, rng)
        assert len(password) == length
        assert users_mod.password_classes(password) == 4
        assert users_mod.password_problem(password, 'admin', 8, 64) is None


@pytest.mark.parametrize('length', [0, 7, 65])
def test_a_password_length_out_of_range_is_refused(length):
    with pytest.raises(flow.FlowError, match='between 8 and 64'):
        flow.generate_password(length)


# ---- plan_secrets -----------------------------------------------------------------------------------------

SETTINGS = dict(username='admin', password='Inventory-1', new_password='', password_length=16, cloud=True,
                backup=True)


def test_a_new_device_logs_in_with_the_inventory_and_stores_new_secrets_first():
    plan = flow.plan_secrets({}, SETTINGS, environ={})
    assert plan['login_password'] == 'Inventory-1' and plan['fallback_password'] is None
    assert plan['new_password'] != 'Inventory-1' and users_mod.password_classes(plan['new_password']) == 4
    assert plan['store_pending'] == dict(username='admin', password=plan['new_password'],
                                         previous_password='Inventory-1', status='pending',
                                         verification_code=plan['verification_code'])
    assert plan['backup'] is True


def test_the_environment_gives_the_login_when_the_inventory_does_not():
    plan = flow.plan_secrets({}, dict(SETTINGS, password=None, username=None),
                             environ=dict(HIKVISION_PASSWORD='From-Awx-1', HIKVISION_USERNAME='ops'))
    assert plan['login_password'] == 'From-Awx-1' and plan['username'] == 'ops'
    assert plan['store_pending']['previous_password'] == 'From-Awx-1'


def test_the_inventory_password_wins_over_the_environment():
    plan = flow.plan_secrets({}, SETTINGS, environ=dict(HIKVISION_PASSWORD='From-Awx-1'))
    assert plan['login_password'] == 'Inventory-1'


def test_no_password_anywhere_is_one_sentence():
    with pytest.raises(flow.FlowError, match='no password to log in with'):
        flow.plan_secrets({}, dict(SETTINGS, password=None), environ={})


def test_a_pending_rotation_logs_in_with_the_previous_password_then_the_pending_one_and_stores_nothing():
    cred = dict(status='pending', password='Pending-1x', previous_password='Old-1x', verification_code='Code12345')
    plan = flow.plan_secrets(cred, SETTINGS, environ={})
    login = (plan['login_password'], plan['fallback_password'], plan['new_password'])
    assert login == ('Old-1x', 'Pending-1x', 'Pending-1x')
    assert plan['store_pending'] == {} and plan['verification_code'] == 'Code12345'


def test_a_pending_rotation_to_another_password_is_refused_so_that_none_is_lost():
    cred = dict(status='pending', password='Pending-1x', previous_password='Old-1x')
    with pytest.raises(flow.FlowError, match='unfinished'):
        flow.plan_secrets(cred, dict(SETTINGS, new_password='Another-1x'), environ={})


def test_a_verified_device_is_read_with_its_password_and_nothing_is_stored_or_backed_up():
    cred = dict(status='verified', password='Stored-1x', verification_code='Code12345')
    plan = flow.plan_secrets(cred, SETTINGS, environ={})
    assert (plan['login_password'], plan['new_password'], plan['store_pending'], plan['backup']) == (
        'Stored-1x', 'Stored-1x', {}, False)


def test_a_verified_device_given_a_new_password_stores_it_first():
    cred = dict(status='verified', password='Stored-1x', verification_code='Code12345')
    plan = flow.plan_secrets(cred, dict(SETTINGS, new_password='Given-1x'), environ={})
    assert plan['store_pending'] == dict(username='admin', password='Given-1x', previous_password='Stored-1x',
                                         status='pending')


def test_a_reset_device_is_left_alone():
    plan = flow.plan_secrets(dict(status='factory_reset'), SETTINGS, environ={})
    assert plan['left_alone'] and plan['login_password'] is None and plan['store_pending'] == {}


def test_a_weak_new_password_is_refused_before_anything():
    with pytest.raises(flow.FlowError, match='two kinds'):
        flow.plan_secrets({}, dict(SETTINGS, new_password='alllowercase'), environ={})


def test_the_new_owners_code_is_stored_until_it_is_recorded_as_set():
    settings = dict(SETTINGS, handover_code='Owner1234', new_password='Owner-Pass-1')
    plan = flow.plan_secrets({}, settings, environ={})
    assert plan['store_pending']['verification_code'] == 'Owner1234'
    assert plan['store_pending']['code_status'] == 'pending' and plan['code_update'] == 'always'
    assert plan['verification_code'] is None and plan['handover_code'] == 'Owner1234'
    done = dict(status='verified', password='Owner-Pass-1', verification_code='Owner1234', code_status='set')
    again = flow.plan_secrets(done, settings, environ={})
    assert again['store_pending'] == {} and again['code_update'] == 'on_change'


# ---- plan_steps and record_after --------------------------------------------------------------------------

PRE = dict(users=[dict(name='admin'), dict(name='installer'), dict(name='keeper')],
           onvif_users=[dict(name='vms'), dict(name='old')], cloud=dict(enabled=True))


def test_the_accounts_kept_and_deleted():
    plan = flow.plan_steps(PRE, dict(username='admin', keep_users=['keeper'], keep_onvif_users=['vms'], cloud=True),
                           'Old-1x', NEW)
    assert plan['users_keep'] == ['keeper'] and plan['users_delete'] == ['installer']
    assert plan['onvif_keep'] == ['vms'] and plan['onvif_delete'] == ['old']
    assert plan['rotate'] and plan['cloud_off'] and not plan['cloud_account'] and not plan['handover']


def test_the_login_account_is_never_deleted_even_when_not_listed_as_kept():
    plan = flow.plan_steps(PRE, dict(username='installer'), NEW, NEW)
    assert 'installer' not in plan['users_delete'] and not plan['rotate']


def test_a_hand_over_keeps_access_and_only_cleans_the_old_account():
    settings = dict(username='admin', cloud=True, provider='ezviz_open', handover_code='Owner1234')
    plan = flow.plan_steps(PRE, settings, NEW, NEW)
    assert plan['cloud_account'] and not plan['cloud_off'] and plan['handover']
    assert not flow.plan_steps(dict(PRE, cloud={}), settings, NEW, NEW)['handover']


def test_the_verified_record_only_after_a_login_with_the_new_password():
    secrets = dict(status='pending', username='admin', new_password=NEW, store_pending={'password': NEW})
    result = dict(password_in_use='new_password', device=dict(serial_number='DS1'), steps={})
    assert flow.record_after(secrets, result) == (
        dict(username='admin', password=NEW, status='verified', serial_number='DS1'), ['previous_password'])
    for in_use in ('password', 'fallback_password', None):
        assert flow.record_after(secrets, dict(result, password_in_use=in_use)) == ({}, [])
    assert flow.record_after(secrets, result, check_mode=True) == ({}, [])


def test_a_full_reset_is_recorded():
    secrets = dict(status='verified', username='admin', new_password=NEW, store_pending={})
    result = dict(password_in_use='new_password', steps=dict(factory_reset=dict(reset=True, mode='full')))
    assert flow.record_after(secrets, result) == (dict(status='factory_reset'), [])


def test_the_final_check_names_every_account_left_and_access_still_on():
    plan = flow.plan_steps(PRE, dict(username='admin', keep_users=['keeper'], keep_onvif_users=['vms'], cloud=True),
                           'Old-1x', NEW)
    done = dict(users=[dict(name='admin'), dict(name='keeper')], onvif_users=[dict(name='vms')],
                cloud=dict(enabled=False))
    settings = dict(username='admin', cloud=True)
    assert flow.final_problems(done, plan, settings) == []
    left = dict(done, users=done['users'] + [dict(name='installer')], onvif_users=[], cloud=dict(enabled=True))
    assert flow.final_problems(left, plan, settings) == [
        'local accounts are admin, installer, keeper, not admin, keeper', 'ONVIF accounts are none, not vms',
        'Hik-Connect access is still on']
    # A hand-over switches access on: not a problem then.
    assert flow.final_problems(dict(done, cloud=dict(enabled=True)), plan, dict(settings, handover_code='Owner1234')) == []


# ---- the executor on hiksim -------------------------------------------------------------------------------

def flow_module(device, check_mode=False, **params):
    values = dict((key, spec.get('default'))
                  for key, spec in specs.module_args('hik_decommission')['argument_spec'].items())
    values.update(host=device.address, port=device.port, password=PASSWORD, new_password=NEW, backup=False,
                  verification_code='Code12345')
    values.update(params)
    return StandIn(check_mode=check_mode, **values)


def run_flow(module):
    runner = Runner(module, dict(changed=False, steps={}, failed_step=''))
    with pytest.raises(Ended) as ended:
        runner.execute(flow.Flow(runner, flow.settings_from_params(module.params)).run)
    return ended.value.args[0]


@pytest.fixture
def cam(fleet):
    device = fleet.device('cam')
    device.auth.unlock_all()
    device.seed(dict(password=PASSWORD, users=[dict(id=1, name='admin', password=PASSWORD),
                                               dict(name='installer', level='operator'), dict(name='keeper')]))
    device.onvif_users.clear()
    device.onvif_users.update({1: dict(id=1, name='vms', password='x', type='mediaUser'),
                               2: dict(id=2, name='old', password='x', type='mediaUser')})
    device.ezviz.update(enabled=True, verification_code='Abc123456')
    device.reset_counters()
    return device


def test_one_session_does_the_whole_job_and_a_rerun_only_reads(fleet, cam, tmp_path):
    result = run_flow(flow_module(cam, keep_users=['keeper'], keep_onvif_users=['vms'], backup=True,
                                  backup_dir=str(tmp_path), backup_name='cam'))
    assert not result.get('failed'), result
    steps = result['steps']
    assert {name: steps[name]['outcome'] for name in flow.STEPS} == dict(
        backup='done', channels='skipped', cloud='done', onvif_users='done', users='done', verify='done', handover='skipped',
        factory_reset='skipped')
    assert result['changed'] and result['password_in_use'] == 'new_password'
    assert steps['users']['deleted'] == ['installer'] and steps['onvif_users']['deleted'] == ['old']
    assert steps['users']['verified'] == dict(new_password_accepted=True, old_password_rejected=True)
    state = fleet.state('cam')
    assert sorted(u['name'] for u in state['users']) == ['admin', 'keeper']
    assert not state['ezviz']['enabled']
    counters = fleet.counters('cam')
    # Each document read once for the whole run: the steps use the preflight's (the account list again only
    # through the new password's login; Hik-Connect again only as the read-back after the write).
    assert counters['by_request']['GET /ISAPI/System/capabilities'] == 1
    assert counters['by_request']['GET /ISAPI/Security/users'] == 2
    assert counters['by_request']['GET /ISAPI/System/deviceInfo'] == 1  # the old password's probe is refused
    assert counters['by_request']['GET /ISAPI/System/Network/EZVIZ'] == 2
    assert counters['failed_logins'] == 1  # the proof that the old password is refused

    cam.reset_counters()
    again = run_flow(flow_module(cam, password=NEW, keep_users=['keeper'], keep_onvif_users=['vms']))
    assert not again['changed'] and not again.get('failed')
    assert all(step['outcome'] in ('skipped', 'done') for step in again['steps'].values())
    assert again['steps']['verify']['outcome'] == 'done' and again['steps']['verify']['read'] == []
    assert fleet.counters('cam')['writes'] == 0 and fleet.counters('cam')['failed_logins'] == 0


def test_check_mode_sends_no_write_and_says_what_it_would_do(fleet, cam):
    result = run_flow(flow_module(cam, check_mode=True))
    assert result['changed'] and not result.get('failed')
    assert result['steps']['users']['outcome'] == 'done' and result['steps']['verify']['outcome'] == 'skipped'
    assert result['password_in_use'] == 'password'
    assert fleet.counters('cam')['writes'] == 0


def test_an_earlier_rotation_is_found_with_the_fallback_and_not_repeated(fleet, cam):
    cam.seed(dict(password=NEW))
    result = run_flow(flow_module(cam, password='Old-Pass-1x', fallback_password=NEW))
    assert not result.get('failed'), result
    assert result['password_in_use'] == 'new_password'
    assert result['steps']['users']['password_changed'] == []
    assert fleet.counters('cam')['failed_logins'] == 1


def test_a_device_that_keeps_the_old_password_fails_the_users_step_and_stops(fleet):
    device = fleet.device('keeps-old')
    device.seed(dict(password=PASSWORD))
    result = run_flow(flow_module(device, cloud=False))
    assert result['failed'] and result['failed_step'] == 'users'
    assert result['steps']['users']['outcome'] == 'failed' and result['steps']['verify']['outcome'] == 'skipped'
    assert result['changed'] and result['write_state'] == 'confirmed'
    assert result['password_in_use'] != 'new_password'


def test_bad_options_are_refused_before_any_request(fleet, cam):
    for params, words in ((dict(new_password='short'), 'Refusing the new password'),
                          (dict(factory_reset=True), 'confirm_serial'),
                          (dict(backup=True), 'backup_dir')):
        result = run_flow(flow_module(cam, **params))
        assert result['failed'] and words in result['msg']
    assert fleet.counters('cam')['requests'] == 0


def test_an_unreachable_device_is_unreachable(fleet):
    module = flow_module(fleet.device('cam'), host='127.0.2.250', timeout=1)
    result = run_flow(module)
    assert result['unreachable'] and not result.get('failed') and result['failed_step'] == 'preflight'
    assert 'refused' in result['msg'] or 'timed out' in result['msg']


def test_a_factory_reset_says_its_mode_for_the_store(fleet, cam):
    serial = cam.snapshot()['device']['serial_number'] if 'device' in cam.snapshot() else None
    result = run_flow(flow_module(cam, cloud=False, factory_reset=True, factory_reset_mode='basic',
                                  confirm_serial='NOT-THIS-ONE', wait=False))
    assert result['failed'] and result['failed_step'] == 'factory_reset'
    reset = result['steps']['factory_reset']
    assert reset['outcome'] == 'failed' and reset['mode'] == 'basic' and reset['reset'] is False
    assert 'refusing to reset' in result['msg'] and serial != 'NOT-THIS-ONE'


def test_an_account_list_the_preflight_could_not_read_is_read_by_the_step_not_planned_from_nothing(fleet, cam):
    # The device answers the account list with 403 (a firmware that hides it from this account): the preflight
    # notes it, and the accounts step asks again and fails, instead of planning to create the login account.
    cam.path_faults['Security/users'] = '403'
    try:
        result = run_flow(flow_module(cam, cloud=False))
    finally:
        cam.path_faults.pop('Security/users')
    assert result['failed'] and result['failed_step'] == 'users', result
    written = [key for key in fleet.counters('cam')['by_request']
               if not key.startswith('GET ') and key.split(' ', 1)[1].startswith('/ISAPI/Security/users')]
    assert result['steps']['users'].get('created', []) == [] and written == [], written


@pytest.fixture
def nvr(fleet):
    """A recorder of a real capture (DS-7608NXI-I2) with two IP cameras on its channel list (an overlay)."""
    device = fleet.device('DS-7608NXI-I2')
    device.auth.unlock_all()
    device.seed(dict(password=PASSWORD, users=[dict(id=1, name='admin', password=PASSWORD)],
                     channels=[dict(id=1, ip_address='192.168.254.2', serial_number='CAM-ONE'),
                               dict(id=2, ip_address='192.168.254.3', serial_number='CAM-TWO')]))
    device.reset_counters()
    return device


def channel_addresses(fleet, name):
    return sorted(c.get('ip_address') for c in fleet.state(name).get('channels') or [])


def test_a_departing_recorder_removes_its_departing_cameras_in_the_same_login_session(fleet, nvr):
    leaving = [dict(ip_address='192.168.254.2', expected_serial_number='CAM-ONE')]
    result = run_flow(flow_module(nvr, cloud=False, remove_channels=leaving))
    assert not result.get('failed'), result
    step = result['steps']['channels']
    assert step['outcome'] == 'done' and step['changed'] is True
    assert [c['id'] for c in step['removed']] == [1]
    counters = fleet.counters('DS-7608NXI-I2')
    # One login session: the preflight's challenge and the rotation's two proofs, no other.
    assert counters['challenges'] == 3, counters
    assert counters['by_request']['GET /ISAPI/ContentMgmt/InputProxy/channels'] == 1
    assert counters['by_request']['DELETE /ISAPI/ContentMgmt/InputProxy/channels/1'] == 1
    assert channel_addresses(fleet, 'DS-7608NXI-I2') == ['192.168.254.3']

    nvr.reset_counters()
    again = run_flow(flow_module(nvr, password=NEW, cloud=False, remove_channels=leaving))
    assert not again.get('failed') and not again['changed']
    assert again['steps']['channels']['outcome'] == 'already'
    assert fleet.counters('DS-7608NXI-I2')['writes'] == 0


def test_a_channel_that_holds_another_camera_now_stops_the_recorder_before_any_other_write(fleet, nvr):
    replaced = [dict(ip_address='192.168.254.2', expected_serial_number='REPLACED')]
    result = run_flow(flow_module(nvr, cloud=False, remove_channels=replaced))
    assert result['failed'] and result['failed_step'] == 'channels'
    assert result['steps']['channels']['outcome'] == 'failed' and 'REPLACED' in result['msg']
    assert result['steps']['users']['outcome'] == 'skipped'
    assert fleet.counters('DS-7608NXI-I2')['writes'] == 0
    assert channel_addresses(fleet, 'DS-7608NXI-I2') == ['192.168.254.2', '192.168.254.3']


def test_a_port_narrows_the_channel_to_remove(fleet, nvr):
    result = run_flow(flow_module(nvr, cloud=False, remove_channels=[dict(ip_address='192.168.254.3',
                                                                          camera_port=8001)]))
    assert not result.get('failed'), result
    assert result['steps']['channels']['outcome'] == 'already'
    assert channel_addresses(fleet, 'DS-7608NXI-I2') == ['192.168.254.2', '192.168.254.3']


def test_check_mode_names_the_channels_it_would_remove_and_writes_nothing(fleet, nvr):
    result = run_flow(flow_module(nvr, check_mode=True, cloud=False,
                                  remove_channels=[dict(ip_address='192.168.254.3')]))
    assert result['steps']['channels']['outcome'] == 'done' and result['changed']
    assert [c['id'] for c in result['steps']['channels']['removed']] == [2]
    assert fleet.counters('DS-7608NXI-I2')['writes'] == 0


def test_a_camera_has_no_channels_to_remove_and_a_selector_of_nothing_is_refused_first(fleet, cam):
    result = run_flow(flow_module(cam, cloud=False, remove_channels=[dict(ip_address='192.168.254.2')]))
    assert not result.get('failed'), result
    assert result['steps']['channels']['outcome'] == 'not_supported'
    cam.reset_counters()
    refused = run_flow(flow_module(cam, cloud=False, remove_channels=[dict(channel_id=None)]))
    assert refused['failed'] and refused['msg'].startswith('Refusing remove_channels: Each channel needs')
    assert refused['msg'].endswith('Nothing was sent.')
    assert fleet.counters('cam')['requests'] == 0
