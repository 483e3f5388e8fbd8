#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) camops.hikvision contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
---
module: hik_user
short_description: Manage the local and ONVIF user accounts of a Hikvision camera, NVR or DVR
version_added: 0.1.0
description:
  - Creates, updates and deletes the accounts of a device over ISAPI. On a Hikvision device the
    share list is its account list; every local (web/SDK) user and every ONVIF user is a way in.
  - The aggregate form (O(users) with O(purge=true)) leaves exactly the listed accounts plus the built-in
    administrator, in one module call.
  - Rotates the password of the account the module logs in with safely, see O(configured_password).
author:
  - camops.hikvision maintainers (@camops)
extends_documentation_fragment:
  - camops.hikvision.attributes
  - camops.hikvision.attributes.isapi
  - camops.hikvision.connection
attributes:
  idempotent:
    description: A second run with the same arguments changes nothing and reports C(changed=false).
    support: full
  check_mode:
    description: Reads the device and reports what would change; sends no write request.
    support: full
  diff_mode:
    description: Shows the account names and levels before and after, and which passwords would change.
      Never a password.
    support: full
options:
  name:
    description:
      - Name of the one account to manage (the single form). Mutually exclusive with O(users).
    type: str
  state:
    description:
      - Whether the account should exist.
      - In the aggregate form, the default for entries of O(users) that do not set it.
    type: str
    choices: [present, absent]
    default: present
  configured_password:
    description:
      - Password for the account O(name). Required to create an account.
      - Checked before any request is sent; the device's own length limit is checked after reading its
        capabilities and before any write. Rules - 8 to 16 characters (or the device's maximum), at
        least two kinds of characters (digits, lower-case, upper-case, symbols), not the user name.
      - "For the account the module logs in with (O(username)), this is a password rotation: the current
        password (O(password)) is sent as C(loginPassword), then the module logs in with the new password
        to verify it and, with O(verify_old_rejected), checks that the old one is refused."
      - "Recovery: when the device refuses O(password) but accepts O(configured_password), the rotation
        already happened (a re-run after an interrupted run). The module then reports no change for it
        and writes nothing. This costs one failed login; the module never makes more than that one extra
        attempt per run."
    type: str
  level:
    description:
      - Account level. For ONVIF accounts C(viewer) is ONVIF's C(mediaUser).
      - New accounts get C(viewer) when not set; existing accounts keep their level when not set.
      - The built-in administrator (id 1) always stays C(administrator).
    type: str
    choices: [administrator, operator, viewer]
  update_password:
    description:
      - C(on_create) sets the password only when the account is created. Devices never reveal passwords,
        so this is the idempotent choice.
      - C(always) writes the password on every run and therefore reports a change, like
        M(ansible.builtin.user); except where the device refuses the write because the password already is
        the current one (subStatusCode C(cannotSameAsOldPassword)), which is reported as no change.
      - Does not apply to the account the module logs in with, whose password is known and compared.
      - In the aggregate form, the default for entries of O(users) that do not set it.
    type: str
    choices: [always, on_create]
    default: on_create
  users:
    description:
      - The aggregate form; a list of accounts with the same keys as the single form.
      - With O(purge=true), every account not listed is deleted, except the built-in administrator (id 1)
        and the account the module logs in with.
    type: list
    elements: dict
    suboptions:
      name:
        description: Account name.
        type: str
        required: true
      state:
        description: As O(state); defaults to O(state).
        type: str
        choices: [present, absent]
      configured_password:
        description: As O(configured_password).
        type: str
        aliases: [password]
      level:
        description: As O(level).
        type: str
        choices: [administrator, operator, viewer]
      update_password:
        description: As O(update_password); defaults to O(update_password).
        type: str
        choices: [always, on_create]
  purge:
    description:
      - Delete every account not named in O(users) (or O(name)), except the built-in administrator (id 1)
        and the account the module logs in with.
    type: bool
    default: false
  account_type:
    description:
      - C(device) manages the local accounts (C(/ISAPI/Security/users)).
      - C(onvif) manages the ONVIF accounts (C(/ISAPI/Security/ONVIF/users)), a separate list. A device
        without ONVIF user management fails with a clear message.
    type: str
    choices: [device, onvif]
    default: device
  verify_old_rejected:
    description:
      - After rotating the password of the account the module logs in with, confirm that the device
        refuses the old password. This is one deliberate failed login.
    type: bool
    default: true
notes:
  - The device's account list cannot reveal passwords, so the diff and all results show names and levels
    only.
  - A device without ONVIF user management - its capabilities say C(isSupportONVIFUserManagement) false, or it
    answers the ONVIF path as not supported - already has what O(account_type=onvif) with only absent accounts
    (or O(purge) and none to keep) asks for - the result is ok, C(changed=false), RV(onvif_supported=false) and a
    line in RV(notes). Asking for an ONVIF account to be present fails in one sentence that says the device
    lacks it. The capabilities are read before the ONVIF path is requested.
seealso:
  - module: camops.hikvision.hik_device_info
  - module: camops.hikvision.hik_credential
'''

EXAMPLES = r'''
- name: Leave only admin and a viewer account on a camera, rotating the admin password
  camops.hikvision.hik_user:
    host: 192.0.2.10
    password: "{{ current_admin_password }}"
    users:
      - name: admin
        configured_password: "{{ new_admin_password }}"
      - name: monitor
        configured_password: "{{ monitor_password }}"
        level: viewer
    purge: true
  delegate_to: localhost
  no_log: false

- name: Remove every ONVIF account
  camops.hikvision.hik_user:
    host: 192.0.2.10
    password: "{{ admin_password }}"
    account_type: onvif
    users: []
    purge: true
  delegate_to: localhost

- name: Delete one account
  camops.hikvision.hik_user:
    host: 192.0.2.10
    password: "{{ admin_password }}"
    name: installer
    state: absent
  delegate_to: localhost

- name: Create an operator (its password is set only when it is created)
  camops.hikvision.hik_user:
    host: 192.0.2.20
    password: "{{ admin_password }}"
    name: nightshift
    configured_password: "{{ nightshift_password }}"
    level: operator
  delegate_to: localhost
'''

RETURN = r'''
onvif_supported:
  description: V(false) when O(account_type=onvif) and the device has no ONVIF user management.
  returned: when the device lacks ONVIF user management
  type: bool
notes:
  description: Why nothing was done, when the device lacks ONVIF user management.
  returned: when the device lacks ONVIF user management
  type: list
  elements: str
  sample: ["no ONVIF user management on this device (its capabilities say isSupportONVIFUserManagement false)"]
users:
  description: The accounts after the run (what they would be, in check mode). New accounts have id C(null)
    in check mode. After a rotation of the login account's password, the list the device returned to the
    login with the new password (see RV(verified)), so it is a fresh read, not a prediction.
  returned: success
  type: list
  elements: dict
  contains:
    id:
      description: Account id; C(1) is the built-in administrator of the local list.
      type: int
    name:
      description: Account name.
      type: str
    level:
      description: C(administrator), C(operator) or C(viewer).
      type: str
  sample: [{"id": 1, "name": "admin", "level": "administrator"}]
created:
  description: Names of the accounts created.
  returned: success
  type: list
  elements: str
  sample: [monitor]
deleted:
  description: Names of the accounts deleted.
  returned: success
  type: list
  elements: str
  sample: [installer]
updated:
  description: Names of the accounts whose level changed.
  returned: success
  type: list
  elements: str
  sample: []
password_changed:
  description: Names of the accounts whose password was written (or would be, in check mode).
  returned: success
  type: list
  elements: str
  sample: [admin]
password_recovered:
  description: The device refused the connection password but accepted O(configured_password) for the
    login account, so an earlier run had already rotated it.
  returned: success
  type: bool
  sample: false
verified:
  description: After a rotation, what the module checked with fresh logins.
  returned: when the login account's password was rotated (not in check mode)
  type: dict
  contains:
    new_password_accepted:
      description: A login with the new password succeeded; it read the account list returned in RV(users).
      type: bool
    old_password_rejected:
      description: A login with the old password was refused; C(null) when O(verify_old_rejected=false).
      type: bool
  sample: {"new_password_accepted": true, "old_password_rejected": true}
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.camops.hikvision.plugins.module_utils import specs
from ansible_collections.camops.hikvision.plugins.module_utils import system as system_mod
from ansible_collections.camops.hikvision.plugins.module_utils import users as users_mod
from ansible_collections.camops.hikvision.plugins.module_utils.isapi.api import AuthenticationError, NotSupportedError
from ansible_collections.camops.hikvision.plugins.module_utils.runner import Plan, Refusal, Runner


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


def run(module):
    # changed says whether a write of the run (the rotation's included) was applied or may have been.
    runner = Runner(module, dict(changed=False, created=[], deleted=[], updated=[], password_changed=[],
                                 password_recovered=False))
    user_run = UserRun(runner)
    runner.execute(user_run.plan, user_run.apply)


def main():
    run(AnsibleModule(**specs.module_args('hik_user')))


if __name__ == '__main__':
    main()
