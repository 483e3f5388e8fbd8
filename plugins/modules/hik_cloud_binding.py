#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) camops.hikvision contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
---
module: hik_cloud_binding
short_description: Take a Hikvision device off Hik-Connect and its cloud account, or hand it to a new owner
version_added: 0.1.0
description:
  - Controls a device's Hik-Connect (EZVIZ) platform access through C(/ISAPI/System/Network/EZVIZ).
  - O(state=absent) makes the device unusable through Hik-Connect by its previous owner. It first sets a new
    verification code while the device is still online to the cloud (so that nobody who knows the old code
    can add the device again), then switches platform access off.
  - O(state=present) switches platform access on with the new owner's verification code and can wait until
    the device has registered with the cloud.
  - There is no known ISAPI call that removes the device from the owner's cloud account. With O(provider),
    O(state=absent) first removes the device from the cloud account through a documented account API (see
    O(provider)) - it looks the device up, removes its shares (O(shares)), deletes it from the account and
    confirms it is gone - and then runs the device-side steps. Cloud first, because switching platform
    access off first would take the device offline to the cloud.
  - Without O(provider), a device that still reports C(bind_status=bind) after O(state=absent) stays listed
    in the previous owner's account until it is deleted there; the module warns when that is the case.
  - Cloud-only use - with O(provider) and O(serial_number) but no O(host), the device is not contacted at
    all (a device that is offline or already gone).
author:
  - camops.hikvision maintainers (@camops)
extends_documentation_fragment:
  - camops.hikvision.attributes
  - camops.hikvision.attributes.isapi
  - camops.hikvision.connection
  - camops.hikvision.cloud
attributes:
  idempotent:
    description: A second run with the same arguments changes nothing and reports C(changed=false).
    support: full
  check_mode:
    description: Reads the device and reports what would change; sends no write request.
    support: full
  diff_mode:
    description:
      - Shows C(enabled), C(registered) and C(bind_status) before and after, and with O(provider) whether the
        account holds the device and its shares. Never a verification code or a credential.
    support: full
options:
  host:
    description:
      - Address or DNS name of the device to talk ISAPI to.
      - Required, except for cloud-only use (O(provider) and O(serial_number) given), where the device is
        not contacted.
    required: false
  serial_number:
    description:
      - The serial the cloud knows the device by (the 9 characters on the label and in the app, e.g.
        C(F74021782)); letters are upper-cased.
      - If not set, it is read from the device (C(subSerialNumber) of C(/ISAPI/System/deviceInfo)); firmware
        that does not report it needs this option.
      - When both are known and differ, the module fails before any change, so that it never deletes
        another device from the account.
    type: str
  shares:
    description:
      - With O(provider) and O(state=absent), C(remove) revokes the device's shares before it leaves the
        account; C(keep) leaves them (they are still listed in RV(cloud_account)).
      - C(ezviz_open) - RAM sub-account statements that name the device (C(ram/statement/delete)) and trust
        records of the device (C(trust/cancel)).
      - C(hik_partner_pro) - the site's share with another company (C(site/share/cancel)) and its end-user
        handover shares (C(site/customer/cancle)). These are granted per site, so they are revoked once the
        site holds no other device of the account (after the delete of the site's last device); until then
        they are kept, with a warning, because revoking them would cut the site's other devices off too.
      - C(hik_connect_teams) - none, as the Teams OpenAPI documents no shares (the team's users are its own).
    type: str
    choices: [keep, remove]
    default: remove
  fail_if_not_owner:
    description:
      - With O(provider), fail (before any change) when the device belongs to another account. By default
        that is reported in RV(cloud_account) and as a warning, and the device side still runs.
    type: bool
    default: false
  state:
    description:
      - C(absent) switches platform access off (rotating the verification code first when asked).
      - C(present) switches it on with O(verification_code).
    type: str
    choices: [present, absent]
    required: true
  verification_code:
    description:
      - The verification code to set, 6 to 12 letters and digits (narrower where the device's capabilities
        say so). Checked before any request.
      - Required for O(state=present) when access is off.
      - Devices never reveal their code, so it cannot be compared. It is written when platform access
        changes state, or on every run with O(update_verification_code=always).
    type: str
  rotate_verification_code:
    description:
      - With O(state=absent), generate a strong random code (letters and digits, as long as the device allows)
        and set it before switching access off. The code is returned in RV(verification_code); register the
        result of such a task with C(no_log=true), or better, generate the code yourself, store it, and pass it
        as O(verification_code).
    type: bool
    default: false
  update_verification_code:
    description:
      - C(on_change) writes the code only when platform access changes state (idempotent).
      - C(always) writes it on every run (and so always reports a change).
    type: str
    choices: [always, on_change]
    default: on_change
  wait_registered:
    description:
      - With O(state=present), wait until the device reports that it has registered with the cloud.
    type: bool
    default: false
  wait_timeout:
    description:
      - Seconds to wait with O(wait_registered). The module fails if the device has not registered by then.
    type: int
    default: 120
notes:
  - The code cannot be read back, so idempotency compares platform access (enabled or not) only.
  - A device without Hik-Connect - its capabilities say C(isSupportEZVIZ) false, or it answers the EZVIZ path
    as not supported - already has what O(state=absent) asks for - the result is ok, C(changed=false),
    RV(cloud_supported=false) and a line in RV(notes) that names the reason. With O(state=present) the module
    fails in one sentence that says the device lacks it. The capabilities are read before the EZVIZ path is
    requested.
  - O(provider) supports O(state=absent) only; adding a device to an account is not part of this module.
  - Order of a decommission - anything that needs the device online to the cloud (a cloud-account unbind,
    the code rotation) happens before access is switched off.
seealso:
  - module: camops.hikvision.hik_device_info
  - name: Hik-Partner Pro OpenAPI
    description: The installer portal's API (developer guide from the Hik-Partner Pro portal).
    link: https://www.hik-partner.com/
  - name: EZVIZ Open Platform
    description: The EZVIZ developer API (device/delete, RAM sub-accounts, device trust).
    link: https://open.ezvizlife.com/
  - module: camops.hikvision.hik_credential
'''

EXAMPLES = r'''
- name: Take a camera off Hik-Connect with a stored new code
  camops.hikvision.hik_cloud_binding:
    host: 192.0.2.10
    password: "{{ admin_password }}"
    state: absent
    verification_code: "{{ lookup('ansible.builtin.password', 'creds/cam-10.code chars=ascii_letters,digits length=12') }}"
  delegate_to: localhost

- name: Take a camera off Hik-Connect with a generated code (the result holds it, so hide it)
  camops.hikvision.hik_cloud_binding:
    host: 192.0.2.10
    password: "{{ admin_password }}"
    state: absent
    rotate_verification_code: true
  delegate_to: localhost
  register: cloud
  no_log: true

- name: Delete a camera from the installer's Hik-Partner Pro account (shares first), then switch it off
  camops.hikvision.hik_cloud_binding:
    host: 192.0.2.10
    password: "{{ admin_password }}"
    state: absent
    verification_code: "{{ new_code }}"
    provider: hik_partner_pro
    region: global
    app_key: "{{ hpp_app_key }}"
    app_secret: "{{ hpp_app_secret }}"
  delegate_to: localhost

- name: Delete a device that is already gone from an EZVIZ Open account, by serial alone
  camops.hikvision.hik_cloud_binding:
    state: absent
    provider: ezviz_open
    region: eu
    serial_number: F74021782
    fail_if_not_owner: true
  environment:
    HIK_CLOUD_APP_KEY: "{{ ezviz_app_key }}"
    HIK_CLOUD_APP_SECRET: "{{ ezviz_app_secret }}"
  delegate_to: localhost

- name: Hand the device to a new owner and wait until it is online to Hik-Connect
  camops.hikvision.hik_cloud_binding:
    host: 192.0.2.10
    password: "{{ admin_password }}"
    state: present
    verification_code: "{{ new_owner_code }}"
    wait_registered: true
  delegate_to: localhost
'''

RETURN = r'''
cloud_account:
  description: What the provider's account held and what was done there (predicted in check mode).
  returned: with O(provider)
  type: dict
  contains:
    provider:
      description: The provider.
      type: str
    serial_number:
      description: The serial the account was asked about.
      type: str
    found:
      description: The account lists (or sees) the device.
      type: bool
    owner:
      description:
        - C(this_account), C(other_account), C(no_account) (nobody holds it), C(not_exist) (the cloud does not
          know the serial), or C(unknown) (the provider does not tell).
      type: str
    owner_name:
      description: Who owns it, where the provider says (e.g. the company that shared the site).
      type: str
    shares:
      description: The shares found (C(kind), C(principal), C(scope) C(device) or C(site), C(site)).
      type: list
      elements: dict
    shares_removed:
      description: The shares revoked (would be, in check mode).
      type: list
      elements: dict
    shares_kept:
      description: The shares left in place, and why is in the warnings.
      type: list
      elements: dict
    deleted:
      description: The device was deleted from the account (would be, in check mode).
      type: bool
    confirmed:
      description: A lookup after the delete no longer finds it; C(null) when nothing was deleted.
      type: bool
    message:
      description: One sentence on the outcome.
      type: str
    device:
      description: The device as the account listed it (serial, name, model, online, site).
      type: dict
    requests:
      description: Calls sent to the provider, writes among them, token fetches, retries and the answer codes.
      type: dict
  sample:
    provider: hik_partner_pro
    serial_number: F74021782
    found: true
    owner: this_account
    owner_name: null
    shares: [{"kind": "customer_share", "principal": "owner@example.com", "scope": "site", "site": "Depot"}]
    shares_removed: [{"kind": "customer_share", "principal": "owner@example.com", "scope": "site", "site": "Depot"}]
    shares_kept: []
    deleted: true
    confirmed: true
cloud_before:
  description: Platform access as the device reported it before the run.
  returned: when the device was contacted
  type: dict
  contains:
    enabled:
      description: Platform access is switched on.
      type: bool
    registered:
      description: The device is registered with (online to) the cloud.
      type: bool
    bind_status:
      description: C(bind) or C(unbind), where the firmware reports it; C(null) otherwise.
      type: str
    server:
      description: The cloud server the device registers with.
      type: str
  sample: {"enabled": true, "registered": true, "bind_status": "bind", "server": "litedev.hik-connect.com"}
cloud_after:
  description: Platform access after the run, read back from the device (predicted in check mode).
  returned: when the device was contacted
  type: dict
  sample: {"enabled": false, "registered": false, "bind_status": "bind", "server": "litedev.hik-connect.com"}
account_binding:
  description: What is known about the cloud-account side.
  returned: when the device was contacted
  type: dict
  contains:
    status:
      description: C(bound) (the device says an account holds it), C(unbound), or C(unknown) (not reported).
      type: str
    provider:
      description: The cloud provider that acted on the account; C(null) when only the device was changed.
      type: str
    message:
      description: What it means for the previous owner.
      type: str
  sample: {"status": "bound", "provider": null, "message": "The previous owner's account still lists the device."}
cloud_supported:
  description: The device offers Hik-Connect (EZVIZ) platform access; V(false) when it lacks it.
  returned: when the device was contacted
  type: bool
notes:
  description: Why nothing was done on the device, when it lacks the feature.
  returned: when the device has no Hik-Connect
  type: list
  elements: str
  sample: ["no Hik-Connect on this device (its capabilities say isSupportEZVIZ false)"]
verification_code_changed:
  description: A new verification code was written (or would be, in check mode).
  returned: when the device was contacted
  type: bool
verification_code:
  description: The generated code, with O(rotate_verification_code=true) when one was set. Treat as a secret.
  returned: when a code was generated and set
  type: str
waited:
  description: Seconds spent waiting for registration with O(wait_registered=true).
  returned: when waited
  type: float
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.camops.hikvision.plugins.module_utils import specs
from ansible_collections.camops.hikvision.plugins.module_utils.runner import Runner
from ansible_collections.camops.hikvision.plugins.module_utils.steps import cloud_binding as step


def run(module):
    runner = Runner(module, dict(changed=False))
    binding = step.Binding()
    try:
        # A generated code stays in a failed result: it may already be set on the device.
        runner.execute(binding.plan, binding.apply, needs_device=bool(module.params['host']))
    finally:
        binding.close()


def main():
    run(AnsibleModule(**specs.module_args('hik_cloud_binding')))


if __name__ == '__main__':
    main()
