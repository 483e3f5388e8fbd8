"""decommission_record: the report record of one device, from what the decommission role registered."""

from ansible.errors import AnsibleFilterError

from ansible_collections.camops.hikvision.plugins.filter.decommission import (
    FilterModule, decommission_channels, decommission_host_record, decommission_record, decommission_run,
    decommission_secrets, decommission_store_after, hikcentral_findings, hikcentral_note, hikcentral_queries)

PRE = {'device': {'model': 'DS-2CD2146G2-ISU', 'serial_number': 'DS-1', 'device_type': 'IPCamera',
                  'firmware_version': 'V5.7.3', 'mac_address': 'aa:bb', 'extra': 'not copied'},
       'users': [{'name': 'admin'}, {'name': 'installer'}], 'onvif_users': [{'name': 'vms'}],
       'cloud': {'enabled': True, 'bind_status': 'bind'}}


def facts(**kwargs):
    base = dict(name='cam-1', site='site_a', address='127.0.0.5', run='run-1', check_mode=False,
                cred_status='', failure={}, pre=PRE, steps={}, recorder=None, recorder_in_run=False,
                recorder_channels={}, recorder_error=None, channels={})
    base.update(kwargs)
    return base


def test_the_filters_are_registered():
    assert FilterModule().filters() == {'decommission_record': decommission_record,
                                        'decommission_host_record': decommission_host_record,
                                        'decommission_channels': decommission_channels,
                                        'decommission_secrets': decommission_secrets,
                                        'decommission_store_after': decommission_store_after,
                                        'decommission_run': decommission_run, 'hikcentral_queries': hikcentral_queries,
                                        'hikcentral_note': hikcentral_note,
                                        'hikcentral_findings': hikcentral_findings}


def result(**steps):
    """hik_decommission's registered result."""
    base = {'backup': {'changed': True, 'dest': '/b/cam-1.bin', 'sha256': 'abc'},
            'users': {'changed': True, 'deleted': ['installer'], 'password_changed': ['admin']},
            'cloud': {'outcome': 'skipped'}, 'onvif_users': {'outcome': 'skipped'}}
    base.update(steps)
    return {'device': PRE['device'], 'found': dict((k, PRE[k]) for k in ('users', 'onvif_users', 'cloud')),
            'steps': base, 'failed_step': ''}


def host(**kwargs):
    """A host's variables, as hostvars[name] gives them (a mapping; missing keys are undefined)."""
    base = dict(inventory_hostname='cam-1', hik_site='site_a', ansible_host='127.0.0.5', hik_recorder='nvr-1',
                decommission_cred={'status': 'verified', 'password': 'not-in-the-record'},
                decommission_result=result())
    base.update(kwargs)
    return base


RECORDER = dict(inventory_hostname='nvr-1', decommission_channel_plan={'recorders': {'nvr-1': [{'ip_address': '127.0.0.5'}]}, 'own': {}},
                decommission_r_channels={'changed': True, 'removed': [{'id': 3, 'ip_address': '127.0.0.5'},
                                                                      {'id': 4, 'ip_address': '127.0.0.6'}]})


def test_a_host_record_is_the_record_of_what_the_host_registered():
    hostvars = {'cam-1': host(), 'nvr-1': RECORDER}
    record = decommission_host_record(hostvars['cam-1'], hostvars, 'decommission', False)
    expected = decommission_record(facts(
        run='decommission', cred_status='verified', recorder='nvr-1', recorder_in_run=True,
        recorder_channels=RECORDER['decommission_r_channels'],
        steps={'backup': {'changed': True, 'dest': '/b/cam-1.bin', 'sha256': 'abc'},
               'users': {'changed': True, 'deleted': ['installer'], 'password_changed': ['admin']},
               'cloud': {'outcome': 'skipped'}, 'onvif_users': {'outcome': 'skipped'}}))
    assert record == expected
    assert record['recorder'] == {'name': 'nvr-1', 'in_run': True, 'removed_channels': [3]}
    assert record['changes'] == ['configuration backed up', 'removed from nvr-1 (channel 3)',
                                 'users deleted: installer', 'password changed: admin']
    assert 'not-in-the-record' not in repr(record)


def test_a_host_without_inventory_extras_gets_the_defaults():
    hostvars = {'cam-1': dict(inventory_hostname='cam-1', decommission_result=result())}
    record = decommission_host_record(hostvars['cam-1'], hostvars, 'decommission', True)
    assert (record['site'], record['address'], record['status'], record['check_mode']) == ('default', 'cam-1', 'ok', True)
    assert record['recorder'] == {'name': None, 'in_run': False, 'removed_channels': []}


def test_a_failure_kept_as_a_fact_fails_the_record_and_a_recorder_not_in_the_run_is_said():
    failure = {'step': 'Back up the configuration', 'error': 'refused'}
    hostvars = {'cam-1': host(decommission_failure=failure, hik_recorder='nvr-9')}
    record = decommission_host_record(hostvars['cam-1'], hostvars, 'decommission', False)
    assert (record['status'], record['failed_step'], record['error']) == ('failed', 'Back up the configuration', 'refused')
    assert record['recorder'] == {'name': 'nvr-9', 'in_run': False, 'removed_channels': []}


def test_a_handover_given_by_the_caller_is_reported():
    hostvars = {'cam-1': host()}
    record = decommission_host_record(hostvars['cam-1'], hostvars, 'transfer', False, failure={},
                                      handover={'changed': True, 'summary': 'handed over'})
    assert record['status'] == 'ok' and record['run'] == 'transfer' and record['changes'][-1] == 'handed over'


def test_an_unreachable_device_and_one_without_a_result_are_not_ok_and_show_the_inventory():
    unreachable = {'cam-1': host(decommission_result={'unreachable': True, 'msg': 'connection refused'},
                                 hik_serial='DS-INV')}
    record = decommission_host_record(unreachable['cam-1'], unreachable, 'decommission', False)
    assert (record['status'], record['failed_step'], record['error']) == ('unreachable', 'preflight',
                                                                          'connection refused')
    assert record['device']['serial_number'] == 'DS-INV' and record['device']['model'] == ''
    assert None not in record['device'].values() and record['changed'] is False
    nothing = {'cam-1': dict(inventory_hostname='cam-1')}
    record = decommission_host_record(nothing['cam-1'], nothing, 'decommission', False)
    assert record['status'] == 'failed' and 'no result' in record['error']


def test_a_finished_device_lists_every_change_in_job_order():
    steps = {
        'backup': {'changed': True, 'dest': '/b/cam-1.bin', 'sha256': 'abc'},
        'cloud': {'changed': True, 'cloud_before': {'enabled': True}, 'cloud_after': {'enabled': False},
                  'verification_code_changed': True, 'account_binding': 'deleted',
                  'cloud_account': {'provider': 'hik_partner_pro', 'deleted': True,
                                    'shares_removed': [{'principal': 'owner@example.com'}]}},
        'onvif_users': {'changed': True, 'deleted': ['vms']},
        'users': {'changed': True, 'deleted': ['installer'], 'password_changed': ['admin'], 'verified': True},
    }
    record = decommission_record(facts(steps=steps))
    assert record['status'] == 'ok' and record['changed'] is True and record['verified'] is True
    assert record['failed_step'] == '' and record['error'] == ''
    assert record['device'] == {'model': 'DS-2CD2146G2-ISU', 'serial_number': 'DS-1', 'device_type': 'IPCamera',
                                'firmware_version': 'V5.7.3', 'mac_address': 'aa:bb'}
    assert record['found'] == {'users': ['admin', 'installer'], 'onvif_users': ['vms'],
                               'cloud': {'enabled': True, 'bind_status': 'bind'}}
    assert record['backup'] == {'changed': True, 'path': '/b/cam-1.bin', 'sha256': 'abc'}
    assert record['users']['password_changed'] == ['admin'] and record['users']['password_recovered'] is False
    assert record['changes'] == [
        'configuration backed up',
        'hik_partner_pro shares revoked: owner@example.com',
        'deleted from the hik_partner_pro account',
        'Hik-Connect off, code rotated',
        'ONVIF users deleted: vms',
        'users deleted: installer',
        'password changed: admin',
    ]


def test_a_rerun_changes_nothing_and_says_nothing():
    skipped = {'changed': False, 'skipped': True}
    record = decommission_record(facts(steps={'backup': skipped, 'users': skipped}))
    assert record['status'] == 'ok' and record['changed'] is False and record['changes'] == []
    assert record['users'] == {'changed': False, 'deleted': [], 'password_changed': [], 'password_recovered': False,
                               'verified': None}
    assert record['factory_reset'] == {'done': False, 'mode': None, 'activated': None}


def test_a_failed_step_is_named_and_the_device_is_not_verified():
    record = decommission_record(facts(failure={'step': 'Back up the configuration', 'error': 'HTTP 500'}))
    assert record['status'] == 'failed' and record['verified'] is False
    assert (record['failed_step'], record['error']) == ('Back up the configuration', 'HTTP 500')


def test_a_device_reset_by_an_earlier_run_is_left_alone():
    record = decommission_record(facts(cred_status='factory_reset', pre={'changed': False, 'skipped': True}))
    assert record['status'] == 'skipped' and record['changed'] is False
    assert record['error'] == 'factory reset by an earlier run (credential store status factory_reset)'
    assert record['device']['serial_number'] == '' and record['found']['users'] == []


def test_a_camera_removed_from_its_recorder_and_the_recorders_own_view():
    removal = {'changed': True, 'removed': [{'id': 3, 'ip_address': '127.0.0.5'}, {'id': 4, 'ip_address': '127.0.0.6'}]}
    camera = decommission_record(facts(recorder='nvr-1', recorder_in_run=True, recorder_channels=removal))
    assert camera['changed'] is True and camera['recorder'] == {'name': 'nvr-1', 'in_run': True, 'removed_channels': [3]}
    assert camera['changes'] == ['removed from nvr-1 (channel 3)']
    recorder = decommission_record(facts(name='nvr-1', address='127.0.0.1', channels=removal))
    assert recorder['changed'] is True and recorder['channels_removed'] == removal['removed']
    assert recorder['changes'] == ['cameras removed: 127.0.0.5, 127.0.0.6']


def test_a_recorder_failure_fails_its_cameras_records():
    record = decommission_record(facts(recorder='nvr-1', recorder_in_run=True, recorder_error='Log in: refused'))
    assert record['status'] == 'failed'
    assert (record['failed_step'], record['error']) == ('recorder nvr-1', 'Log in: refused')


def test_check_mode_is_never_verified_and_a_handover_is_reported():
    record = decommission_record(facts(check_mode=True, steps={'handover': {'changed': True, 'summary': 'handed to B'},
                                                               'factory_reset': {'reset': True, 'mode': 'basic'}}))
    assert record['check_mode'] is True and record['verified'] is False
    assert record['changes'] == ['factory reset (basic)', 'handed to B']
    assert record['handover'] == {'changed': True, 'summary': 'handed to B'}


def test_missing_or_odd_inputs_are_empty():
    record = decommission_record({'name': 'x', 'pre': None, 'steps': None, 'failure': None})
    assert record['status'] == 'ok' and record['changes'] == [] and record['found']['users'] == []


def test_a_camera_whose_recorder_was_not_in_the_run_failed_that_step_when_the_run_removes_from_recorders():
    """The playbook's --limit can leave a camera's recorder out of the run: its channel stays, and the record
    must say so (before, status ok and nothing in the changes). The transfer role removes nothing from
    recorders (recorders=False), and a device reset by an earlier run stays skipped."""
    limited_out = dict(inventory_hostname='nvr-1')  # in the inventory, not in the recorders' play
    hostvars = {'cam-1': host(), 'nvr-1': limited_out}
    record = decommission_host_record(hostvars['cam-1'], hostvars, 'decommission', True, recorders=True)
    assert (record['status'], record['failed_step']) == ('failed', 'recorder nvr-1')
    assert record['error'] == ('its recorder nvr-1 was not in this run (left out by --limit or decommission_recorders), '
                               'so its channel there, if any, was not removed; the retry command runs every recorder')
    unknown = {'cam-1': host(hik_recorder='nvr-9')}
    record = decommission_host_record(unknown['cam-1'], unknown, 'decommission', False, recorders=True)
    assert (record['status'], record['failed_step']) == ('failed', 'recorder nvr-9')
    assert record['error'].startswith('its recorder nvr-9 (hik_recorder) is not in the inventory')
    in_run = {'cam-1': host(), 'nvr-1': RECORDER}
    assert decommission_host_record(in_run['cam-1'], in_run, 'decommission', False, recorders=True)['status'] == 'ok'
    assert decommission_host_record(hostvars['cam-1'], hostvars, 'transfer', False)['status'] == 'ok'
    no_recorder = {'cam-1': host(hik_recorder=None)}
    assert decommission_host_record(no_recorder['cam-1'], no_recorder, 'decommission', False,
                                    recorders=True)['status'] == 'ok'
    # A camera an earlier run reset is skipped, unless its channel is still to remove and was not: then it fails
    # with its recorder's reason, so that the retry file takes it with its recorder.
    reset = {'cam-1': host(decommission_cred={'status': 'factory_reset'}), 'nvr-1': RECORDER}
    assert decommission_host_record(reset['cam-1'], reset, 'decommission', False, recorders=True)['status'] == 'skipped'
    reset['nvr-1'] = limited_out
    record = decommission_host_record(reset['cam-1'], reset, 'decommission', False, recorders=True)
    assert (record['status'], record['failed_step']) == ('failed', 'recorder nvr-1')
    reset['nvr-1'] = dict(RECORDER, decommission_recorder_error='Log in: refused')
    record = decommission_host_record(reset['cam-1'], reset, 'decommission', False, recorders=True)
    assert (record['status'], record['error']) == ('failed', 'Log in: refused')
    # The camera's own failure comes first.
    failed = {'cam-1': host(decommission_failure={'step': 'Preflight', 'error': 'refused'}), 'nvr-1': limited_out}
    record = decommission_host_record(failed['cam-1'], failed, 'decommission', False, recorders=True)
    assert (record['failed_step'], record['error']) == ('Preflight', 'refused')


def test_departing_cameras_are_sorted_by_recorder_and_a_departing_recorder_removes_its_own():
    """A recorder that leaves in the same run removes its cameras itself (one login session); the others in
    the recorders' play. The selector is hik_recorder_channel, else the address, guarded by hik_serial."""
    departing = [
        dict(inventory_hostname='cam-1', ansible_host='10.0.0.1', hik_recorder='nvr-a', hik_serial='S1'),
        dict(inventory_hostname='cam-2', hik_recorder='nvr-a', hik_recorder_channel={'channel_id': 4,
                                                                                     'ip_address': '192.168.254.4'}),
        dict(inventory_hostname='cam-3', ansible_host='10.0.0.3', hik_recorder='nvr-b'),
        dict(inventory_hostname='cam-4', ansible_host='10.0.0.4'),                    # no recorder
        dict(inventory_hostname='cam-5', ansible_host='10.0.0.5', hik_recorder=None),  # none either
        dict(inventory_hostname='nvr-a', ansible_host='10.0.1.1'),
    ]
    assert decommission_channels(departing) == {
        'recorders': {'nvr-b': [{'ip_address': '10.0.0.3'}]},
        'own': {'nvr-a': [{'ip_address': '10.0.0.1', 'expected_serial_number': 'S1'},
                          {'channel_id': 4, 'ip_address': '192.168.254.4'}]}}
    assert decommission_channels(departing[:3]) == {
        'recorders': {'nvr-a': [{'ip_address': '10.0.0.1', 'expected_serial_number': 'S1'},
                                {'channel_id': 4, 'ip_address': '192.168.254.4'}],
                      'nvr-b': [{'ip_address': '10.0.0.3'}]}, 'own': {}}
    assert decommission_channels(departing, False) == {'recorders': {}, 'own': {}}
    assert decommission_channels([]) == {'recorders': {}, 'own': {}}
    # Only the keys that select a channel, as both removals take them (port is camera_port); an empty hik_serial
    # is no serial and leaves the selector's own guard in place.
    odd = [dict(inventory_hostname='cam-6', hik_recorder='nvr-b', hik_serial='',
                hik_recorder_channel={'ip_address': '10.0.0.6', 'port': 8001, 'protocol': 'HIKVISION',
                                      'state': 'present', 'expected_serial_number': 'S6'})]
    assert decommission_channels(odd)['recorders'] == {
        'nvr-b': [{'ip_address': '10.0.0.6', 'camera_port': 8001, 'expected_serial_number': 'S6'}]}
    # The inventory's mapping is not changed by the serial guard.
    assert departing[1]['hik_recorder_channel'] == {'channel_id': 4, 'ip_address': '192.168.254.4'}
    try:
        decommission_channels([dict(inventory_hostname='cam-9', hik_recorder='nvr-a', hik_recorder_channel='3')])
    except AnsibleFilterError as exc:
        assert str(exc).startswith('hik_recorder_channel of cam-9 must be a mapping')
    else:
        raise AssertionError('a channel selector that is not a mapping was taken')


OWN_PLAN = {'recorders': {}, 'own': {'nvr-1': [{'ip_address': '127.0.0.5'}]}}


def own_recorder(**kwargs):
    """A recorder that left in the same run: its flow task's result (its channels step) is the record's source."""
    removal = {'outcome': 'done', 'changed': True, 'removed': [{'id': 3, 'ip_address': '127.0.0.5'}]}
    base = dict(inventory_hostname='nvr-1', ansible_host='127.0.0.1', decommission_channel_plan=OWN_PLAN,
                decommission_result=result(channels=removal),
                # The recorders' play's task was skipped for it, and registered so.
                decommission_r_channels={'skipped': True, 'changed': False, 'skip_reason': 'Conditional result was False'})
    base.update(kwargs)
    return base


def test_a_departing_recorder_removes_its_cameras_in_its_own_flow_and_the_records_say_so():
    hostvars = {'cam-1': host(), 'nvr-1': own_recorder()}
    camera = decommission_host_record(hostvars['cam-1'], hostvars, 'decommission', False, recorders=True)
    assert camera['status'] == 'ok' and camera['recorder'] == {'name': 'nvr-1', 'in_run': True,
                                                               'removed_channels': [3]}
    assert 'removed from nvr-1 (channel 3)' in camera['changes']
    recorder = decommission_host_record(hostvars['nvr-1'], hostvars, 'decommission', False, recorders=True)
    assert recorder['status'] == 'ok' and recorder['changes'][:2] == ['configuration backed up',
                                                                      'cameras removed: 127.0.0.5']
    # Already gone: nothing removed, nothing failed.
    gone = {'outcome': 'already', 'changed': False, 'removed': []}
    hostvars['nvr-1'] = own_recorder(decommission_result=result(channels=gone))
    camera = decommission_host_record(hostvars['cam-1'], hostvars, 'decommission', False, recorders=True)
    assert camera['status'] == 'ok' and camera['recorder']['removed_channels'] == []


def test_a_departing_recorder_that_did_not_remove_its_cameras_fails_them_with_its_reason():
    refused = {'outcome': 'failed', 'changed': False, 'msg': 'nvr-1: channel 3 reports serial number X, not S1.',
               'removed': [{'id': 3, 'ip_address': '127.0.0.5'}]}
    cases = [
        (own_recorder(decommission_result=dict(result(channels=refused), failed_step='channels'),
                      decommission_failure={'step': 'channels', 'error': refused['msg']}),
         refused['msg']),
        (own_recorder(decommission_result={'failed': True, 'failed_step': 'backup', 'msg': 'disk full',
                                           'steps': {'channels': {'outcome': 'skipped'}}},
                      decommission_failure={'step': 'backup', 'error': 'disk full'}),
         "its recorder's own run stopped at backup before the channels were removed: disk full"),
        (own_recorder(decommission_result={'unreachable': True, 'msg': 'timed out'}),
         "its recorder's own run stopped at preflight before the channels were removed: timed out"),
        (own_recorder(decommission_result={}),
         "its recorder's decommission did not report a channel removal (it did not run, or ran before the "
         "recorders' tasks sorted the departing cameras)"),
    ]
    for recorder, error in cases:
        hostvars = {'cam-1': host(), 'nvr-1': recorder}
        camera = decommission_host_record(hostvars['cam-1'], hostvars, 'decommission', False, recorders=True)
        assert (camera['status'], camera['failed_step'], camera['error']) == ('failed', 'recorder nvr-1', error)
        assert camera['recorder']['removed_channels'] == []  # a failed step's prediction is not a removal
    # A recorder an earlier run reset is left alone: its cameras are not failed for it, the note says why.
    hostvars = {'cam-1': host(), 'nvr-1': own_recorder(decommission_result={'left_alone': True, 'skipped': True})}
    camera = decommission_host_record(hostvars['cam-1'], hostvars, 'decommission', False, recorders=True)
    assert camera['status'] == 'ok'
    assert camera['notes'][-1] == ('its recorder nvr-1 was factory reset by an earlier run and is left alone, so '
                                   'its channel list was not read')


def test_a_failed_step_claims_nothing_it_did_not_confirm():
    # A cut-off PUT of the EZVIZ path: the module's result still holds the plan's prediction (access off, code
    # rotated); the record keeps only what the device or the cloud confirmed.
    steps = {
        'backup': {'changed': True, 'dest': '/b/cam-1.bin', 'sha256': 'abc'},
        'cloud': {'failed': True, 'changed': True, 'write_state': 'unconfirmed', 'msg': 'cut off',
                  'cloud_before': {'enabled': True}, 'cloud_after': {'enabled': False},
                  'verification_code_changed': True,
                  'cloud_account': {'provider': 'hik_partner_pro', 'deleted': True, 'confirmed': True,
                                    'shares_removed': []}},
        'users': {'failed': True, 'changed': False, 'write_state': 'none', 'deleted': ['installer'],
                  'password_changed': ['admin']},
    }
    record = decommission_record(facts(steps=steps, failure={'step': 'Hik-Connect', 'error': 'cut off'}))
    # Failed is failed, not also changed (the counts add up); what it changed before is in partial_changes.
    assert record['status'] == 'failed' and record['changed'] is False and record['partial_changes'] is True
    assert record['changes'] == ['configuration backed up', 'deleted from the hik_partner_pro account']
    assert record['users']['deleted'] == [] and record['users']['password_changed'] == []
    steps['cloud']['cloud_account']['confirmed'] = None  # not proved: not claimed
    record = decommission_record(facts(steps=steps, failure={'step': 'Hik-Connect', 'error': 'cut off'}))
    assert record['changes'] == ['configuration backed up']


def test_an_optional_backup_that_failed_is_noted_and_not_claimed():
    steps = {'backup': {'changed': False, 'failed': False, 'dest': '/b/cam-1.bin',
                        'msg': '127.0.0.5: GET /ISAPI/System/configurationData failed: device error (HTTP 500).'}}
    record = decommission_record(facts(steps=steps))
    assert record['changes'] == [] and record['backup']['changed'] is False
    assert record['notes'] == ['configuration backup failed, went on without it: 127.0.0.5: GET '
                               '/ISAPI/System/configurationData failed: device error (HTTP 500).']


def test_the_run_counts_add_up_and_the_retry_carries_every_option_but_no_secret():
    records = [{'name': 'a', 'status': 'ok', 'changed': True}, {'name': 'b', 'status': 'ok', 'changed': False},
               {'name': 'c', 'status': 'failed', 'changed': False}, {'name': 'd', 'status': 'unreachable'},
               {'name': 'e', 'status': 'skipped'}]
    options = {'decommission_keep_users': ['keeper'], 'decommission_cloud_provider': 'ezviz_open'}
    run = decommission_run(options, '2026-12-03T10:00:00Z', False, records, ['decommission_new_password'],
                           retry_command='ansible-playbook -i inv camops.hikvision.decommission -e @r.yml')
    assert run['counts'] == {'devices': 5, 'ok': 2, 'failed': 1, 'unreachable': 1, 'skipped': 1, 'changed': 1,
                             'already_done': 1, 'still_in_hikcentral': 0, 'hikcentral_not_checked': 0}
    assert run['retry_hosts'] == ['c', 'd'] and run['run_id'] == '20261203T100000Z'
    assert run['retry'] == dict(options, decommission_targets='c,d')
    assert 'give them again' in run['retry_text'] and 'decommission_new_password' in run['retry_text']
    assert run['metadata']['started'] == '2026-12-03T10:00:00Z' and run['metadata']['ansible_core']
    transfer = decommission_run({}, '', True, records[2:3], targets_option='transfer_targets')
    assert transfer['retry'] == {'transfer_targets': 'c'} and transfer['metadata']['check_mode'] is True


def test_the_role_option_lists_hold_every_option_of_the_argument_spec():
    import os
    import yaml
    root = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', 'roles')
    for role, targets in (('decommission', 'decommission_targets'), ('transfer', 'transfer_targets')):
        with open(os.path.join(root, role, 'meta', 'argument_specs.yml')) as handle:
            spec = set(yaml.safe_load(handle)['argument_specs']['main']['options'])
        with open(os.path.join(root, role, 'vars', 'main.yml')) as handle:
            lists = yaml.safe_load(handle)
        run, secret = set(lists['%s_run_options' % role]), set(lists['%s_secret_options' % role])
        assert not run & secret and run | secret | {targets} == spec, (role, sorted(spec ^ (run | secret | {targets})))


def test_a_camera_the_controller_cannot_reach_is_skipped_with_its_channel_removed_and_a_note():
    """hik_reachable false (a PoE camera, as camops.hikvision.recorders marks it): no device result, no failure;
    the record says the device's own steps were not run, and what its recorder did."""
    poe = dict(inventory_hostname='cam-1', ansible_host='127.0.0.5', hik_recorder='nvr-1', hik_reachable=False,
               hik_poe=True)
    hostvars = {'cam-1': poe, 'nvr-1': RECORDER}
    record = decommission_host_record(hostvars['cam-1'], hostvars, 'decommission', False, recorders=True)
    assert (record['status'], record['failed_step'], record['verified']) == ('skipped', '', False)
    assert record['changes'] == ['removed from nvr-1 (channel 3)']
    assert record['notes'] == ["not reachable from the controller (hik_reachable is false: a camera on nvr-1's PoE "
                               "network), so its own steps (backup, cloud, accounts, password, reset) were not run; "
                               "take it in hand where it is"]
    # From an inventory file, a string; without hik_poe, no recorder is named.
    plain = {'cam-1': dict(poe, hik_reachable='false', hik_poe=False), 'nvr-1': RECORDER}
    record = decommission_host_record(plain['cam-1'], plain, 'decommission', False, recorders=True)
    assert record['status'] == 'skipped' and record['notes'][0].startswith(
        'not reachable from the controller (hik_reachable is false), so')
    # Its recorder's failure, or a recorder left out of the run, still fails it.
    missed = {'cam-1': poe, 'nvr-1': dict(inventory_hostname='nvr-1')}
    assert decommission_host_record(missed['cam-1'], missed, 'decommission', False, recorders=True)['status'] == 'failed'
    broken = {'cam-1': poe, 'nvr-1': dict(RECORDER, decommission_recorder_error='refused')}
    assert decommission_host_record(broken['cam-1'], broken, 'decommission', False, recorders=True)['status'] == 'failed'


def test_hikcentral_queries_and_notes():
    """What the roles ask HikCentral Professional for each host, and what a record says of its answer."""
    hostvars = {'cam-1': host(hik_channel_name='Gate', decommission_result=dict(result(), device={'serial_number': 'DS-X1'})),
                'cam-2': dict(inventory_hostname='cam-2', hik_cloud_serial='F74021782'),
                'cam-3': dict(inventory_hostname='cam-3', ansible_host='192.168.254.2', hik_poe=True,
                              audit_info={'device': {'serial_number': 'DS-POE1'}}),
                'nvr-1': dict(RECORDER, ansible_host='10.0.0.1', hik_serial='DS-NVR1')}
    queries = hikcentral_queries([hostvars['cam-1'], hostvars['cam-2'], hostvars['cam-3']], hostvars)
    assert queries == [dict(name='cam-1', address='127.0.0.5', serial_number='DS-X1', recorder_address='10.0.0.1',
                            recorder_serial_number='DS-NVR1', channel_name='Gate'),
                       dict(name='cam-2', address='cam-2', serial_number='F74021782'),
                       # A PoE camera is looked for by its serial only (the audit's read), never its address.
                       dict(name='cam-3', serial_number='DS-POE1')]
    central = {'devices': {'cam-1': {'found': True, 'matched_by': 'recorder_channel',
                                     'device': {'name': 'NVR 1', 'area': 'North'},
                                     'camera': {'name': 'Gate', 'area': None}},
                           'cam-2': {'found': False}}}
    assert hikcentral_note(central, 'cam-1') == [
        "still in HikCentral Professional as camera 'Gate' of 'NVR 1' in area 'North': remove it there"]
    assert hikcentral_note(central, 'cam-2') == []
    assert hikcentral_note({'failed': True, 'msg': 'no answer'}, 'cam-1') == [
        'not checked in HikCentral Professional: no answer']
    record = decommission_host_record(hostvars['cam-1'], hostvars, 'decommission', False, central=central)
    assert record['hikcentral']['found'] and record['notes'][-1].startswith('still in HikCentral Professional')
    run = decommission_run({}, '', False, [record])
    assert run['counts']['still_in_hikcentral'] == 1 and run['counts']['hikcentral_not_checked'] == 0
    unasked = decommission_host_record(hostvars['cam-1'], hostvars, 'decommission', False, central={'msg': 'no answer'})
    counts = decommission_run({}, '', False, [unasked])['counts']
    assert counts['still_in_hikcentral'] == 0 and counts['hikcentral_not_checked'] == 1
    records = [dict(name='cam-1', findings=['extra users']), dict(name='cam-2', findings=[])]
    assert hikcentral_findings(records, None) == records
    assert [r['findings'] for r in hikcentral_findings(records, central)] == [
        ['extra users', "still in HikCentral Professional as camera 'Gate' of 'NVR 1' in area 'North': remove it there"],
        []]
