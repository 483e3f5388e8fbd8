# -*- coding: utf-8 -*-
# Copyright (c) camops.hikvision contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Local and ONVIF accounts: the plan and apply of hik_user, also a step of the decommission and transfer flows
(flow.py)."""

import copy

from ansible_collections.camops.hikvision.plugins.module_utils import system as system_mod
from ansible_collections.camops.hikvision.plugins.module_utils import users as users_mod
from ansible_collections.camops.hikvision.plugins.module_utils.isapi.api import AuthenticationError, NotSupportedError
from ansible_collections.camops.hikvision.plugins.module_utils.runner import Plan, Refusal


# What hik_user's result holds before its plan has found anything.
EMPTY_RESULT = dict(created=[], deleted=[], updated=[], password_changed=[], password_recovered=False)


class DeviceLacksFeature(Exception):
    """The device does not offer the accounts asked about; the message says how it showed that."""


def wanted_entries(params):
    defaults = dict(state=params['state'], update_password=params['update_password'])
    if params['users'] is not None:
        raw = params['users']
    else:
        raw = [dict(name=params['name'], state=params['state'], configured_password=params['configured_password'],
                    level=params['level'], update_password=params['update_password'])]
    entries = users_mod.normalise_wanted(raw, defaults)
    for entry in entries:
        entry['password'] = entry.pop('configured_password', None)
    return entries


def _names_and_levels(users):
    return [dict(name=u['name'], level=u['level']) for u in users]


class UserRun(object):
    """One run of hik_user against one device: the plan (reads, and the one recovery login) and its apply."""

    def __init__(self, runner):
        self.runner = runner
        self.params = runner.params
        self.account_type = self.params['account_type']
        self.login_name = self.params['username']
        self.login_password = self.params['password']

    def login_entry(self, wanted):
        if self.account_type != 'device':
            return None
        for entry in wanted:
            if entry['name'] == self.login_name and entry['state'] == 'present' and entry['password'] is not None:
                return entry
        return None

    def read_accounts(self, client):
        """The account list. ONVIF accounts: the capabilities first, so that a device whose capabilities say
        it has no ONVIF user management is not asked for the list; raises DeviceLacksFeature when it lacks it."""
        if self.account_type in self.runner.prefetched:
            return self.runner.prefetched[self.account_type]  # the flow's preflight read it on this session
        if self.account_type != 'onvif':
            return users_mod.read_users(client, self.account_type)
        if self.runner.capabilities().get('onvif_users') is False:
            raise DeviceLacksFeature('its capabilities say isSupportONVIFUserManagement false')
        try:
            return users_mod.read_users(client, self.account_type)
        except NotSupportedError as exc:
            raise DeviceLacksFeature('%s answered HTTP %s' % (exc.path, exc.http_status))

    def read_with_recovery(self, wanted):
        """Read the account list; on a refused connection password try the wanted new one, once (the
        runner's login rule: a rotation an earlier run may already have done)."""
        entry = self.login_entry(wanted)
        fallback = entry['password'] if entry is not None else None
        current = self.runner.login(self.read_accounts, fallback=fallback, login_name=self.login_name)
        if self.runner.used_fallback:
            self.login_password = fallback
            self.runner.result['password_recovered'] = True
            self.runner.warn('The device refused the connection password for %r but accepted the new one: '
                             'the rotation had already been done, nothing was written for it.' % self.login_name)
        return current

    def plan(self, runner):
        try:
            wanted = wanted_entries(self.params)
            # Rules that do not depend on the device: checked before any request.
            users_mod.validate_passwords(wanted)
        except ValueError as exc:
            raise Refusal(str(exc))
        try:
            current = self.read_with_recovery(wanted)
        except DeviceLacksFeature as lacks:
            # The contract for a feature a device lacks: accounts that are to be absent already are.
            if any(entry['state'] == 'present' for entry in wanted):
                raise Refusal('%s: the device does not offer ONVIF user management (%s), so ONVIF accounts cannot '
                              'be created.' % (runner.client.label, lacks))
            runner.result.update(onvif_supported=False, users=[],
                                 notes=['no ONVIF user management on this device (%s)' % lacks])
            return Plan(changed=False, before=dict(users=[]), after=dict(users=[]))
        caps = runner.capabilities()
        low, high = users_mod.password_limits(caps)
        max_users = caps.get('max_users') if self.account_type == 'device' else None
        try:
            users_mod.validate_passwords(wanted, low, high)
            accounts = users_mod.plan_users(current, wanted, purge=self.params['purge'],
                                            account_type=self.account_type, login_name=self.login_name,
                                            login_password=self.login_password, max_users=max_users)
        except ValueError as exc:
            raise Refusal('%s: %s' % (runner.client.label, exc))
        self.summarise(accounts)
        return self.with_after(Plan(changed=accounts.changed, before=dict(users=_names_and_levels(current)),
                                    current=current, accounts=accounts),
                               users_mod.after_users(current, accounts, {}))

    def with_after(self, planned, after):
        result = self.runner.result
        result['users'] = after
        planned.after = dict(users=_names_and_levels(after), password_changed=result['password_changed'])
        return planned

    def apply(self, runner, planned):
        accounts = planned.data['accounts']
        new_ids = users_mod.apply_plan(runner.client, self.account_type, accounts, self.login_password)
        accounts.update = [item for item in accounts.update if item[2]]
        read_back = self.rotate(accounts.rotate) if accounts.rotate else None
        self.summarise(accounts)
        planned.changed = accounts.changed  # a password the device said was already set is no change
        # After a rotation the verification login has just read the list: report that, not the prediction.
        self.with_after(planned, read_back if read_back is not None
                        else users_mod.after_users(planned.data['current'], accounts, new_ids))

    def summarise(self, accounts):
        result = self.runner.result
        result['created'] = [e['name'] for e in accounts.create]
        result['deleted'] = [u['name'] for u in accounts.delete]
        result['updated'] = [u['name'] for u, dummy, changes in accounts.update if 'level' in changes]
        result['password_changed'] = [u['name'] for u, dummy, changes in accounts.update if changes.get('password')]
        if accounts.rotate:
            result['password_changed'].append(accounts.rotate[0]['name'])

    def rotate(self, rotation):
        """Write the login account's new password, then prove it: a login with it (which reads the account
        list, returned) and, unless verify_old_rejected=false, a refused login with the old one."""
        runner = self.runner
        user, entry = rotation
        old = self.login_password
        users_mod.rotate_login_password(runner.client, user, entry['password'], old)
        runner.client.close()
        verified = dict(new_password_accepted=False, old_password_rejected=None)
        runner.result['verified'] = verified
        runner.client = runner.connect(password=entry['password'])
        try:
            read_back = users_mod.read_users(runner.client, 'device')
        except AuthenticationError as exc:
            raise Refusal('%s: the device accepted the new password for %r but then refused a login with it (%s); '
                          'the new password is the one to use, do not retry the old one.'
                          % (runner.client.label, user['name'], exc), error=exc.to_dict())
        verified['new_password_accepted'] = True
        if self.params['verify_old_rejected']:
            probe = runner.connect(password=old)
            try:
                probe.get(system_mod.DEVICE_INFO_PATH)
            except AuthenticationError:
                verified['old_password_rejected'] = True
            else:
                verified['old_password_rejected'] = False
                raise Refusal('%s: the device still accepts the old password of %r after the rotation.'
                              % (runner.client.label, user['name']))
            finally:
                probe.close()
        return read_back


class Accounts(object):
    """hik_user as a plan/apply pair for a runner made later (a flow's step): the plan starts the result with
    EMPTY_RESULT and the run."""

    def __init__(self):
        self.run = None

    def plan(self, runner):
        runner.result.update(copy.deepcopy(EMPTY_RESULT))
        self.run = UserRun(runner)
        return self.run.plan(runner)

    def apply(self, runner, planned):
        self.run.apply(runner, planned)
