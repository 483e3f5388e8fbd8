# -*- coding: utf-8 -*-
# Copyright (c) camops.hikvision contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""hik_decommission's task with credential_store (plugin_utils/decommission_action.py run_with_store): the new
secrets are on disk before the module is called, and the record says only what the device confirmed. The
module is a function here that reads the store at the moment it is called; the module itself is tested
against hiksim elsewhere (test_flow.py, the hik_decommission integration target)."""

import os

from ansible.parsing.dataloader import DataLoader

from ansible_collections.camops.hikvision.plugins.plugin_utils import credential_store as store
from ansible_collections.camops.hikvision.plugins.plugin_utils import decommission_action

LOGIN = 'Inventory-Pass-1'


def _args(tmp_path, **extra):
    args = dict(host='192.0.2.10', password=LOGIN, backup=False, cloud=False,
                credential_store=dict(dir=str(tmp_path), name='cam'))
    args.update(extra)
    return args


def _record(tmp_path):
    return store.read_record(DataLoader(), os.path.join(str(tmp_path), 'cam.yml'))


class Module(object):
    """Stands for the module: keeps the arguments and the store's record at the moment it was called."""

    def __init__(self, tmp_path, result):
        self.tmp_path, self.result, self.calls = tmp_path, result, []

    def __call__(self, module_args):
        self.calls.append(dict(args=module_args, record=_record(self.tmp_path)))
        return dict(self.result)


def test_the_new_password_is_on_disk_before_the_module_runs_and_verified_after(tmp_path):
    module = Module(tmp_path, dict(changed=True, password_in_use='new_password', steps={},
                                   device=dict(serial_number='DS-1')))
    result = decommission_action.run_with_store(DataLoader(), _args(tmp_path), {}, False, module)
    sent, stored = module.calls[0]['args'], module.calls[0]['record']
    assert stored['status'] == 'pending' and stored['password'] == sent['new_password']
    assert stored['previous_password'] == LOGIN and sent['password'] == LOGIN
    assert 'credential_store' not in sent and 'fallback_password' not in sent
    final = _record(tmp_path)
    assert final['status'] == 'verified' and final['password'] == sent['new_password']
    assert 'previous_password' not in final and final['serial_number'] == 'DS-1'
    assert result['credential'] == dict(path=os.path.join(str(tmp_path), 'cam.yml'), before='none', after='verified')
    assert not result.get('failed')


def test_a_rotation_the_device_did_not_confirm_stays_pending(tmp_path):
    module = Module(tmp_path, dict(changed=True, failed=True, msg='refused', failed_step='users',
                                   password_in_use='password', steps={}))
    result = decommission_action.run_with_store(DataLoader(), _args(tmp_path), {}, False, module)
    assert result['failed'] and result['credential']['after'] == 'pending'
    assert _record(tmp_path)['status'] == 'pending'
    # The next run logs in with the previous password, the pending one as the one fallback.
    again = Module(tmp_path, dict(changed=False, password_in_use='new_password', steps={}))
    decommission_action.run_with_store(DataLoader(), _args(tmp_path), {}, False, again)
    sent = again.calls[0]['args']
    assert sent['password'] == LOGIN and sent['fallback_password'] == sent['new_password']
    assert _record(tmp_path)['status'] == 'verified'


def test_check_mode_writes_no_record(tmp_path):
    module = Module(tmp_path, dict(changed=True, steps={}, password_in_use='password'))
    result = decommission_action.run_with_store(DataLoader(), _args(tmp_path), {}, True, module)
    assert module.calls[0]['record'] is None and _record(tmp_path) is None
    # What the record would become, as check mode reports every change it would make.
    assert result['changed'] and result['credential'] == dict(path=os.path.join(str(tmp_path), 'cam.yml'),
                                                              before='none', after='pending')


def test_a_device_an_earlier_run_reset_is_skipped_without_calling_the_module(tmp_path):
    store.update(DataLoader(), os.path.join(str(tmp_path), 'cam.yml'), 'cam',
                 dict(password='Reset-Before-1', status='factory_reset'))
    module = Module(tmp_path, {})
    result = decommission_action.run_with_store(DataLoader(), _args(tmp_path), {}, False, module)
    assert result['skipped'] and result['left_alone'] and not module.calls


def test_refusals_come_before_any_read_or_write(tmp_path):
    module = Module(tmp_path, {})
    both = decommission_action.run_with_store(DataLoader(), _args(tmp_path, verification_code='Given-Code-1'),
                                              {}, False, module)
    assert both['failed'] and 'Do not give verification_code' in both['msg']
    nologin = decommission_action.run_with_store(DataLoader(), _args(tmp_path, password=None), {}, False, module)
    assert nologin['failed'] and nologin['failed_step'] == 'credentials'
    assert nologin['msg'].startswith('No password to log in with')
    # The login from the environment (an AWX/AAP credential) when the task has none.
    env = decommission_action.run_with_store(DataLoader(), _args(tmp_path, password=None),
                                             {'HIKVISION_PASSWORD': LOGIN}, True, module)
    assert not env.get('failed') and module.calls[-1]['args']['password'] == LOGIN
    bad = decommission_action.run_with_store(DataLoader(), _args(tmp_path, shares='some'), {}, False, module)
    assert bad['failed'] and 'nothing was read or sent' in bad['msg']
    assert len(module.calls) == 1 and _record(tmp_path) is None
