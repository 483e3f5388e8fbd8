# -*- coding: utf-8 -*-
# Copyright (c) camops.hikvision contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""hik_decommission's action: the collection's one action implementation (in_process.py) and, when the task
gives ``credential_store``, the built-in credential store read and written by the flow's own task.

With ``credential_store`` the task, on the controller: reads the device's record; plans the secrets
(module_utils/flow.py ``plan_secrets``: the login and its one fallback, the new password, the verification
code, whether the backup is due); writes the new secrets to the record as pending, flushed to disk, before
the module runs; runs the module with the planned secrets (in-process or the ordinary way, as any module of
the collection); and writes what the device confirmed (``record_after``: the new password verified, the code
set, a factory reset). A device whose record says an earlier run reset it is skipped. It is the same plan and
the same store as the roles' pluggable path (store task files, the ``decommission_secrets`` filter and
hik_credential) in one task result instead of four."""

import os

from ansible_collections.camops.hikvision.plugins.module_utils import flow
from ansible_collections.camops.hikvision.plugins.plugin_utils import credential_store as store
from ansible_collections.camops.hikvision.plugins.plugin_utils.in_process import InProcessModuleAction, validate

# Options the store gives: a task that reads its secrets from the store must not give them too.
FROM_THE_STORE = ('fallback_password', 'verification_code', 'handover_update_code')
LEFT_ALONE = 'factory reset by an earlier run (credential store status factory_reset); left alone'


def _sentence(text):
    return text[:1].upper() + text[1:]


def run_with_store(loader, args, environment, check_mode, run_module):
    """hik_decommission's task with ``credential_store``: ``args`` are the task's arguments, ``environment`` the
    controller's and the task's, ``run_module(module_args)`` runs the module with the planned secrets and returns
    its result. Reads the record, plans the secrets, writes the new ones before ``run_module`` is called (never in
    check mode), and records what the device confirmed after it. Returns the task's result."""
    result = dict(changed=False, steps={}, failed_step='')
    try:
        return _run_with_store(loader, args, environment, check_mode, run_module, result)
    except (store.StoreError, flow.FlowError) as exc:
        result.update(failed=True, failed_step=result['failed_step'] or 'credentials', msg=_sentence(str(exc)))
        return result


def _run_with_store(loader, args, environment, check_mode, run_module, result):
    dummy, dummy, validation = validate('hik_decommission', args, environment)
    if validation.error_messages:
        result.update(failed=True, msg='; '.join(validation.error_messages) + '; nothing was read or sent.')
        return result
    params = validation.validated_parameters
    options = params['credential_store']
    given = [key for key in FROM_THE_STORE if args.get(key) is not None]
    if given:
        raise store.StoreError('Do not give %s with credential_store, which plans them from the device\'s '
                               'record; nothing was sent.' % ', '.join(given))
    path = store.record_path(options['dir'], options['name'])
    cred = store.view(store.read_record(loader, path))
    before = cred['status'] or 'none'
    result['credential'] = dict(path=path, before=before, after=before)
    secrets = flow.plan_secrets(cred, dict(
        username=params['username'], password=params['password'], new_password=params['new_password'],
        password_length=options['password_length'], cloud=params['cloud'],
        handover_code=params['handover_verification_code'], backup=params['backup']), environ=environment)
    if secrets['left_alone']:
        result.update(skipped=True, left_alone=True, skip_reason=LEFT_ALONE, msg=_sentence(LEFT_ALONE))
        return result
    if secrets['store_pending']:
        # Written, and flushed to disk, before the module sends any of it (never in check mode).
        dummy, wanted, dummy = store.update(loader, path, options['name'], secrets['store_pending'],
                                            encrypt=options['encrypt'], check_mode=check_mode)
        result['credential']['after'] = wanted.get('status') or before

    module_args = dict(args, username=secrets['username'], password=secrets['login_password'],
                       new_password=secrets['new_password'], backup=secrets['backup'],
                       handover_update_code=secrets['code_update'])
    del module_args['credential_store']
    for key, value in (('fallback_password', secrets['fallback_password']),
                       ('verification_code', secrets['verification_code']),
                       ('handover_verification_code', secrets['handover_code'])):
        if value:
            module_args[key] = value
        else:
            module_args.pop(key, None)
    outcome = run_module(module_args)
    result.update(outcome)

    record, clear = flow.record_after(secrets, outcome, check_mode=check_mode)
    if record:
        try:
            dummy, wanted, dummy = store.update(loader, path, options['name'], record, clear,
                                                encrypt=options['encrypt'])
        except Exception as exc:  # pylint: disable=broad-except
            # Whatever stops the write (a full disk, a record changed or garbled meanwhile), the device's result
            # stays: the device was changed, and the report must say what it confirmed.
            result.update(failed=True, failed_step=result.get('failed_step') or 'credentials',
                          msg='The device confirmed the run, but its credential record could not be updated '
                              '(it still holds the new secrets as pending, which the next run resolves): %s' % exc)
            return result
        result['credential']['after'] = wanted.get('status')
    return result


class DecommissionAction(InProcessModuleAction):
    """hik_decommission's action plugin."""

    def run(self, tmp=None, task_vars=None):
        if not self._task.args.get('credential_store'):
            return super(DecommissionAction, self).run(tmp, task_vars)
        if self._task.async_val:
            # An async job returns before the device is done, so the record could never say what it confirmed.
            return dict(failed=True, changed=False, failed_step='credentials',
                        msg='credential_store cannot run as an async job (the store records what the device '
                            'confirmed when the task ends); run the task without async; nothing was sent.')

        def run_module(module_args):
            # The module runs as any of the collection's (in-process or the ordinary way) on a copy of the task
            # that carries the planned secrets instead of credential_store.
            task = self._task
            self._task = task.copy()
            self._task.args = module_args
            try:
                return super(DecommissionAction, self).run(tmp, task_vars)
            finally:
                self._task = task
        return run_with_store(self._loader, dict(self._task.args), dict(os.environ, **self._task_environment()),
                              bool(self._task.check_mode), run_module)
