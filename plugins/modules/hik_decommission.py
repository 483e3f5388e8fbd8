#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) camops.hikvision contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
---
module: hik_decommission
short_description: Take one Hikvision device out of service, or hand it over, on one login session
version_added: 0.1.0
description:
  - Runs a device's whole decommission (or the device side of a transfer) in one task and one login session.
    The steps below run in this order, each only when it has something to do.
  - 1. A preflight read (device, capabilities, local and ONVIF accounts, Hik-Connect), logging in with
    O(password) and, once, with O(fallback_password) when the device refuses it.
  - 2. The configuration backup (O(backup)).
  - 3. On a recorder, the departing cameras of O(remove_channels) removed from its channel list, as
    M(camops.hikvision.hik_camera_channel) does with O(camops.hikvision.hik_camera_channel#module:state=absent).
  - 4. The cloud step (O(cloud)) - the device deleted from the cloud account with O(provider), and Hik-Connect
    access switched off with the verification code rotated to O(verification_code).
  - 5. Every ONVIF account not in O(keep_onvif_users) deleted.
  - 6. Every local account except the login account and O(keep_users) deleted, and the login account's password
    rotated to O(new_password), proved by a login with the new password and a refused login with the old one.
  - 7. A verification read with the new password of what the run changed and no login has read since, and a
    check that only the kept accounts are left and access is off.
  - 8. With O(handover_verification_code), Hik-Connect switched on with the new owner's code.
  - 9. With O(factory_reset=true), the factory reset, guarded by O(confirm_serial).
  - A step that fails stops the device; the result says each step's outcome (RV(steps)).
  - With O(credential_store), the task itself reads the device's record in the built-in credential store
    (M(camops.hikvision.hik_credential)'s files), plans the secrets from it (the login and its fallback, the new
    password, the verification code, whether the backup is due), writes the new ones to the record, flushed to
    disk, before anything is sent, and records what the device confirmed after the run. The
    C(camops.hikvision.decommission) and C(camops.hikvision.transfer) roles use it this way.
  - Without O(credential_store), a playbook must store O(new_password) and O(verification_code) before the
    task, since the module does not store them.
  - Each step is the same code as the module of its own (M(camops.hikvision.hik_config_backup),
    M(camops.hikvision.hik_camera_channel), M(camops.hikvision.hik_cloud_binding), M(camops.hikvision.hik_user),
    M(camops.hikvision.hik_factory_reset)).
author:
  - camops.hikvision maintainers (@camops)
extends_documentation_fragment:
  - camops.hikvision.attributes
  - camops.hikvision.attributes.isapi
  - camops.hikvision.connection
  - camops.hikvision.wait
  - camops.hikvision.cloud
attributes:
  idempotent:
    description: A second run finds every step done and only reads (unless O(factory_reset=true)).
    support: full
  check_mode:
    description: Reads the device and reports each step it would make, without any write.
    support: full
  diff_mode:
    description: Each step's result carries its own before and after; the module returns no separate diff.
    support: none
options:
  fallback_password:
    description:
      - The password to try, once, when the device refuses O(password) - the new password of a rotation that
        an earlier run may already have made.
    type: str
  new_password:
    description:
      - The login account's password after the run. Equal to the password that works, nothing is rotated.
      - Must meet the device's rule (8 or more characters up to the device's maximum, at least two kinds of
        characters, printable ASCII, not the user name); checked before any write.
      - Required without O(credential_store). With it, optional - empty keeps the password the record holds, or
        generates one for a device the store does not know yet; a password other than that of a rotation an
        earlier run left unfinished is refused, so that no password is lost.
    type: str
  credential_store:
    description:
      - The built-in credential store, read and written by this task on the controller (see the description).
      - O(password) is then the login for a device the store has no record of (a stored record's password
        comes first); O(fallback_password), O(verification_code) and O(handover_update_code) come from the
        record and must not be given; O(backup=true) takes the backup only while the record is not verified
        (the first run).
      - A record whose status is C(factory_reset) (an earlier run reset the device) is left alone - the task
        is skipped.
      - Not as an async job (the record is written when the task ends).
    type: dict
    suboptions:
      dir:
        description: Directory of the store on the controller.
        type: path
        required: true
      name:
        description: The device's record name, usually the inventory host name.
        type: str
        required: true
      password_length:
        description: Length of a generated admin password.
        type: int
        default: 16
      encrypt:
        description: As M(camops.hikvision.hik_credential)'s O(camops.hikvision.hik_credential#module:encrypt).
        type: str
        choices: [auto, always, never]
        default: auto
  keep_users:
    description: Local accounts to keep besides the login account.
    type: list
    elements: str
    default: []
  keep_onvif_users:
    description: ONVIF accounts to keep.
    type: list
    elements: str
    default: []
  remove_channels:
    description:
      - On a recorder that is itself leaving, the IP camera channels to remove in this task's login session (the
        C(camops.hikvision.decommission) role passes the recorder's departing cameras here, and removes those of
        a recorder that stays in a task of its own).
      - Each entry selects one channel, as an entry of M(camops.hikvision.hik_camera_channel)'s
        O(camops.hikvision.hik_camera_channel#module:channels) does; a channel that is gone already is not an
        error, and a channel whose camera reports another serial number than O(remove_channels[].expected_serial_number)
        fails the step before any write.
      - On a device with no IP channel list (a camera), the step's outcome is V(not_supported).
    type: list
    elements: dict
    default: []
    suboptions:
      channel_id:
        description: The channel's id on the recorder.
        type: int
      ip_address:
        description: The camera's address as the recorder has it.
        type: str
      camera_port:
        description: With O(remove_channels[].ip_address), the camera's port as the recorder has it.
        type: int
        aliases: [port]
      serial_number:
        description: The camera's serial number as the recorder reports it.
        type: str
      name:
        description: The channel's name.
        type: str
      expected_serial_number:
        description: Remove the selected channel only when its camera reports this serial number, or none.
        type: str
  backup:
    description: Download the configuration before any change, into O(backup_dir). An existing file is kept.
    type: bool
    default: true
  backup_dir:
    description: Directory of the backup file C(<backup_name>-<serial>.bin); required with O(backup=true).
    type: path
  backup_name:
    description: The first part of the backup file's name (the inventory host name); required with O(backup=true).
    type: str
  backup_required:
    description: A failed backup stops the device before any change; V(false) goes on with a warning.
    type: bool
    default: true
  cloud:
    description:
      - Take the device off Hik-Connect - off the cloud account with O(provider), and platform access switched
        off with the code rotated to O(verification_code). With O(handover_verification_code), only the account
        side runs (access is then switched on with the new owner's code).
    type: bool
    default: true
  verification_code:
    description: The new verification code set as access is switched off (store it first).
    type: str
  cloud_serial:
    description: The cloud serial (9 characters) for O(provider); default what the device reports.
    type: str
  shares:
    description: With O(provider), revoke (V(remove)) or keep the shares of the device.
    type: str
    default: remove
    choices: [keep, remove]
  fail_if_not_owner:
    description: With O(provider), fail when another account holds the device.
    type: bool
    default: false
  handover_verification_code:
    description: The new owner's verification code; Hik-Connect is switched on with it after the cleanup.
    type: str
  handover_update_code:
    description: V(always) writes O(handover_verification_code) even when access is on already (it cannot be
      read back, so the role writes it until the store records it as set).
    type: str
    default: on_change
    choices: [always, on_change]
  wait_registered:
    description: After the hand-over, wait up to O(wait_timeout) seconds until the device has registered.
    type: bool
    default: false
  factory_reset:
    description: Reset the device at the end (after everything else).
    type: bool
    default: false
  factory_reset_mode:
    description: The reset's mode, see M(camops.hikvision.hik_factory_reset).
    type: str
    default: full
    choices: [basic, full]
  confirm_serial:
    description: The serial number the device must report for the factory reset; required with O(factory_reset=true).
    type: str
notes:
  - The roles pass O(wait_timeout) to the factory reset and to the hand-over's registration wait alike.
seealso:
  - module: camops.hikvision.hik_device_info
  - module: camops.hikvision.hik_user
  - module: camops.hikvision.hik_camera_channel
  - module: camops.hikvision.hik_cloud_binding
  - module: camops.hikvision.hik_credential
'''

EXAMPLES = r'''
- name: Decommission a camera (store new_password and the code first, as the decommission role does)
  camops.hikvision.hik_decommission:
    host: 192.0.2.10
    password: "{{ current_password }}"
    new_password: "{{ stored_new_password }}"
    verification_code: "{{ stored_code }}"
    backup_dir: /srv/hik/backups
    backup_name: cam-lobby
    keep_onvif_users: [vms]
  delegate_to: localhost
  register: leaving

- name: Decommission a camera, its secrets planned from and kept in the credential store by the task itself
  camops.hikvision.hik_decommission:
    host: 192.0.2.10
    password: "{{ hik_password }}"
    credential_store:
      dir: /srv/hik/credentials
      name: "{{ inventory_hostname }}"
    backup_dir: /srv/hik/backups
    backup_name: "{{ inventory_hostname }}"
    factory_reset: true
    confirm_serial: DS-2CD2143G2-I20230101AAWRJ00000001
  delegate_to: localhost

- name: Decommission a recorder, and take two departing cameras off its channel list in the same session
  camops.hikvision.hik_decommission:
    host: 192.0.2.20
    password: "{{ hik_password }}"
    credential_store:
      dir: /srv/hik/credentials
      name: "{{ inventory_hostname }}"
    backup_dir: /srv/hik/backups
    backup_name: "{{ inventory_hostname }}"
    remove_channels:
      - ip_address: 192.168.254.3
        expected_serial_number: DS-2CD2146G2-ISU20230101AAWRJ00000002
      - channel_id: 5
  delegate_to: localhost
'''

RETURN = r'''
steps:
  description:
    - Each step's outcome and result, by name - C(backup), C(channels), C(cloud), C(onvif_users), C(users), C(verify),
      C(handover), C(factory_reset).
    - C(outcome) is V(done) (changed, or would change in check mode), V(already) (nothing to change),
      V(not_supported) (the device does not offer it), V(failed) (with C(msg) and C(write_state)) or V(skipped)
      (not asked, nothing to do, or an earlier step failed).
    - The other keys are those of the step's own module.
  returned: always
  type: dict
  sample: {"backup": {"outcome": "done", "changed": true, "dest": "/srv/hik/backups/cam-DS1.bin"},
           "users": {"outcome": "done", "changed": true, "deleted": ["installer"], "password_changed": ["admin"]}}
failed_step:
  description: The step that failed, C(preflight) when the device could not be read, empty when none did.
  returned: always
  type: str
  sample: ""
password_in_use:
  description: Which password the device takes after the run - V(password), V(fallback_password) or
    V(new_password) (proved by a login with it).
  returned: when the device was read
  type: str
  sample: new_password
device:
  description: The device as the preflight read it (see M(camops.hikvision.hik_device_info)).
  returned: when the device was read
  type: dict
found:
  description: The accounts and Hik-Connect state the preflight found (C(users), C(onvif_users), C(cloud), C(notes)).
  returned: when the device was read
  type: dict
plan:
  description: The accounts kept and deleted, and which steps the run found to do.
  returned: when the device was read
  type: dict
nonce_max_uses:
  description: The Digest nonce limit learned from the device, if it refused a nonce's reuse.
  returned: when the device was read
  type: int
write_state:
  description: On failure, C(none), C(confirmed) or C(unconfirmed) for the writes of the whole run.
  returned: on failure
  type: str
credential:
  description:
    - With O(credential_store), the record's file and its status before and after the task (C(none),
      C(pending), C(verified), C(factory_reset)); no secret. In check mode, after is the status the new secrets
      would be stored with before the device is changed (C(pending)), not the one a real run records after it.
  returned: with credential_store
  type: dict
  sample: {"path": "/srv/hik/credentials/cam-lobby.yml", "before": "none", "after": "verified"}
left_alone:
  description: With O(credential_store), the record says an earlier run reset the device; nothing was sent.
  returned: when true
  type: bool
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.camops.hikvision.plugins.module_utils import flow as flow_mod
from ansible_collections.camops.hikvision.plugins.module_utils import specs
from ansible_collections.camops.hikvision.plugins.module_utils.runner import Runner


def run(module):
    runner = Runner(module, dict(changed=False, steps={}, failed_step=''))
    runner.execute(flow_mod.Flow(runner, flow_mod.settings_from_params(module.params)).run)


def main():
    run(AnsibleModule(**specs.module_args('hik_decommission')))


if __name__ == '__main__':
    main()
