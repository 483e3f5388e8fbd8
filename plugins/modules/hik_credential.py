#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) camops.hikvision contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
---
module: hik_credential
short_description: Read and write the per-device credential store of camops.hikvision
version_added: 0.1.0
description:
  - The credential store keeps, per device, the admin password the device has (or is being given), so that a
    password is written to the store B(before) it is sent to a device and no run can leave a device whose
    password nobody knows.
  - One file per device, C(<store_dir>/<name>.yml), mode C(0600) in a C(0700) directory, written atomically.
    When a vault secret is configured (C(--vault-password-file), C(--ask-vault-pass)), the file is
    encrypted with ansible-vault.
  - Runs on the controller only (an action plugin); it never contacts a device.
  - "Record fields: C(device), C(username), C(password) (the password the device has, or is being given while
    C(status=pending)), C(previous_password) (while pending: the password it had before), C(verification_code)
    (the Hik-Connect code set by a decommission or transfer), C(code_status), C(status) (C(pending), C(verified) or C(factory_reset)),
    C(serial_number), C(updated)."
author:
  - camops.hikvision maintainers (@camops)
extends_documentation_fragment:
  - camops.hikvision.attributes
  - camops.hikvision.attributes.controller
attributes:
  idempotent:
    description: A second run with the same arguments changes nothing and reports C(changed=false).
    support: full
  check_mode:
    description: C(state=present) reports whether the record would change and writes nothing.
    support: full
  diff_mode:
    description: Records hold secrets; no diff is shown.
    support: none
options:
  store_dir:
    description: Directory of the store on the controller.
    type: path
    required: true
  name:
    description: Record name, usually the inventory host name (letters, digits, C(.), C(_), C(@), C(-)).
    type: str
    required: true
  state:
    description:
      - C(query) returns the record (the task's output is hidden, as it holds secrets; the registered result
        has the fields).
      - C(present) merges O(record) into the stored record and writes it when it changed.
    type: str
    choices: [query, present]
    default: query
  record:
    description: Fields to set with O(state=present); fields left out keep their stored value.
    type: dict
    default: {}
    suboptions:
      username:
        description: Admin account name.
        type: str
      password:
        description: The device's (new) admin password.
        type: str
      previous_password:
        description: The password the device had before a rotation in progress.
        type: str
      verification_code:
        description: The Hik-Connect verification code set (or being set) on the device.
        type: str
      code_status:
        description: C(pending) while O(record.verification_code) is being set, C(set) once the device took it.
        type: str
        choices: [pending, set]
      status:
        description: Where the rotation stands.
        type: str
        choices: [pending, verified, factory_reset]
      serial_number:
        description: The device's serial number.
        type: str
  clear:
    description: Fields to remove from the record with O(state=present), for example C(previous_password) once
      the rotation is verified.
    type: list
    elements: str
    default: []
  encrypt:
    description:
      - C(auto) encrypts with ansible-vault when a vault secret is configured; C(always) fails without one;
        C(never) writes plain YAML (still mode C(0600)).
    type: str
    choices: [auto, always, never]
    default: auto
notes:
  - To keep credentials elsewhere (HashiCorp Vault, CyberArk, a password manager), the decommission and
    transfer roles take their own task files for reading and writing records; see the roles' documentation.
seealso:
  - module: camops.hikvision.hik_user
  - module: camops.hikvision.hik_report
'''

EXAMPLES = r'''
- name: Store the new password before it is sent
  camops.hikvision.hik_credential:
    store_dir: "{{ playbook_dir }}/credentials"
    name: "{{ inventory_hostname }}"
    state: present
    record:
      password: "{{ new_password }}"
      previous_password: "{{ old_password }}"
      status: pending
  delegate_to: localhost

- name: Read it back
  camops.hikvision.hik_credential:
    store_dir: "{{ playbook_dir }}/credentials"
    name: "{{ inventory_hostname }}"
  delegate_to: localhost
  register: cred
'''

RETURN = r'''
found:
  description: A record exists (O(state=query)).
  returned: state=query
  type: bool
path:
  description: Path of the record file.
  returned: always
  type: str
  sample: credentials/cam-01.yml
password:
  description: Stored password (O(state=query)).
  returned: state=query
  type: str
previous_password:
  description: Stored previous password (O(state=query)).
  returned: state=query
  type: str
verification_code:
  description: Stored verification code (O(state=query)).
  returned: state=query
  type: str
status:
  description: Stored status.
  returned: always
  type: str
  sample: verified
code_status:
  description: Stored verification code status (O(state=query)).
  returned: state=query
  type: str
username:
  description: Stored admin account name (O(state=query)).
  returned: state=query
  type: str
serial_number:
  description: Stored serial number (O(state=query)).
  returned: state=query
  type: str
encrypted:
  description: The record was written vault-encrypted.
  returned: when written
  type: bool
'''
