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

import copy

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.camops.hikvision.plugins.module_utils import specs
from ansible_collections.camops.hikvision.plugins.module_utils.runner import Runner
from ansible_collections.camops.hikvision.plugins.module_utils.steps import accounts as step


def run(module):
    # changed says whether a write of the run (the rotation's included) was applied or may have been.
    runner = Runner(module, dict(copy.deepcopy(step.EMPTY_RESULT), changed=False))
    user_run = step.UserRun(runner)
    runner.execute(user_run.plan, user_run.apply)


def main():
    run(AnsibleModule(**specs.module_args('hik_user')))


if __name__ == '__main__':
    main()
