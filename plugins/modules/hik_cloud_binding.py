#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) camops.hikvision contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
---
module: hik_cloud_binding
short_description: Take a Hikvision device off Hik-Connect, or hand it to a new owner (device side)
version_added: 0.1.0
description:
  - Controls a device's Hik-Connect (EZVIZ) platform access through C(/ISAPI/System/Network/EZVIZ).
  - O(state=absent) makes the device unusable through Hik-Connect by its previous owner. It first sets a new
    verification code while the device is still online to the cloud (so that nobody who knows the old code
    can add the device again), then switches platform access off.
  - O(state=present) switches platform access on with the new owner's verification code and can wait until
    the device has registered with the cloud.
  - There is no known ISAPI call that removes the device from the owner's cloud account. After
    O(state=absent), a device that still reports C(bind_status=bind) stays listed in the previous owner's
    account until it is deleted there (in the Hik-Connect app, or through a cloud provider of this
    module, a later capability). The module warns when that is the case.
author:
  - camops.hikvision maintainers (@camops)
extends_documentation_fragment:
  - camops.hikvision.connection
attributes:
  check_mode:
    description: Reads the device and reports what would change; sends no write request.
    support: full
  diff_mode:
    description: Shows C(enabled), C(registered) and C(bind_status) before and after. Never a verification code.
    support: full
options:
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
  - Order of a decommission - anything that needs the device online to the cloud (a cloud-account unbind,
    the code rotation) happens before access is switched off.
seealso:
  - module: camops.hikvision.hik_device_info
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
cloud_before:
  description: Platform access as the device reported it before the run.
  returned: success
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
  returned: success
  type: dict
  sample: {"enabled": false, "registered": false, "bind_status": "bind", "server": "litedev.hik-connect.com"}
account_binding:
  description: What is known about the cloud-account side.
  returned: success
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
verification_code_changed:
  description: A new verification code was written (or would be, in check mode).
  returned: success
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

from ansible_collections.camops.hikvision.plugins.module_utils import platform as platform_mod
from ansible_collections.camops.hikvision.plugins.module_utils import system as system_mod
from ansible_collections.camops.hikvision.plugins.module_utils.common import (
    client_from_module, connection_argument_spec, fail_from_error,
)
from ansible_collections.camops.hikvision.plugins.module_utils.isapi import ISAPIError, NotSupportedError

STILL_LISTED = ("The device still reports bind_status 'bind': the previous owner's Hik-Connect account lists it "
                "until it is deleted there (in the app or through a cloud provider); with platform access off and "
                "the code rotated, that account can no longer reach it.")


def account_binding(state):
    bind = state.get('bind_status')
    if bind == 'bind':
        return dict(status='bound', provider=None, message="The previous owner's account still lists the device.")
    if bind == 'unbind':
        return dict(status='unbound', provider=None, message='No cloud account holds the device.')
    return dict(status='unknown', provider=None, message='The device does not report its account binding.')


def main():
    module = AnsibleModule(
        argument_spec=connection_argument_spec(
            state=dict(type='str', required=True, choices=['present', 'absent']),
            verification_code=dict(type='str', no_log=True),
            rotate_verification_code=dict(type='bool', default=False),
            update_verification_code=dict(type='str', default='on_change', choices=['always', 'on_change']),
            wait_registered=dict(type='bool', default=False),
            wait_timeout=dict(type='int', default=120),
        ),
        mutually_exclusive=[('verification_code', 'rotate_verification_code')],
        supports_check_mode=True,
    )
    params = module.params
    state = params['state']
    code = params['verification_code']
    result = dict(changed=False, verification_code_changed=False)
    if code is not None:
        problem = platform_mod.code_problem(code)
        if problem:
            module.fail_json(msg='Refusing to send a bad verification code: %s.' % problem, **result)
    if params['rotate_verification_code'] and state != 'absent':
        module.fail_json(msg='rotate_verification_code applies to state=absent; give verification_code for '
                             'state=present.', **result)
    if params['wait_timeout'] <= 0:
        module.fail_json(msg='wait_timeout must be a positive number of seconds.', **result)

    client = client_from_module(module)
    try:
        try:
            before = platform_mod.read_cloud(client)
        except NotSupportedError as exc:
            caps = client.get_optional(system_mod.CAPABILITIES_PATH)
            hint = ' (its capabilities say isSupportEZVIZ false)' if caps is not None and \
                system_mod.parse_capabilities(caps).get('cloud_platform') is False else ''
            module.fail_json(msg='%s: the device does not offer Hik-Connect (EZVIZ) platform access%s; %s answered '
                                 'HTTP %s.' % (client.label, hint, exc.path, exc.http_status),
                             error=exc.to_dict(), **result)
        result['cloud_before'] = before
        enabled = bool(before.get('enabled'))
        always = params['update_verification_code'] == 'always'

        if state == 'absent':
            change_access = enabled
            want_code = code is not None or params['rotate_verification_code']
            write_code = want_code and (change_access or always)
        else:
            change_access = not enabled
            if change_access and code is None:
                module.fail_json(msg='%s: platform access is off; verification_code is required to switch it on.'
                                 % client.label, **result)
            write_code = code is not None and (change_access or always)

        if write_code:
            low, high = platform_mod.code_limits(client.get_optional(platform_mod.EZVIZ_CAPABILITIES_PATH))
            if code is None:
                code = platform_mod.generate_code(high)
                result['verification_code'] = code
            problem = platform_mod.code_problem(code, low, high)
            if problem:
                module.fail_json(msg='%s: the device refuses this verification code: %s.' % (client.label, problem),
                                 **dict((k, v) for k, v in result.items() if k != 'verification_code'))

        result['changed'] = bool(change_access or write_code)
        result['verification_code_changed'] = bool(write_code)
        after = dict(before, enabled=(state == 'present'))  # the prediction, for check mode
        if state == 'absent':
            after['registered'] = False
        waiting = state == 'present' and params['wait_registered'] and not module.check_mode
        if result['changed'] and not module.check_mode:
            if state == 'absent' and enabled:
                if write_code:
                    # Rotate while the device is still online to the cloud, then switch access off.
                    platform_mod.set_enabled(client, True, code)
                platform_mod.set_enabled(client, False)
            elif state == 'absent':
                platform_mod.set_enabled(client, False, code)
            else:
                platform_mod.set_enabled(client, True, code if write_code else None)
            if not waiting:
                after = platform_mod.read_cloud(client)
        if waiting:
            # The wait's first poll is the read-back.
            after, waited = platform_mod.wait_registered(client, params['wait_timeout'])
            result['waited'] = waited
            if not after.get('registered'):
                module.fail_json(msg='%s: platform access is on but the device did not register with the cloud '
                                     'within %s s.' % (client.label, params['wait_timeout']),
                                 cloud_after=after, **result)
        result['cloud_after'] = after
        result['account_binding'] = account_binding(after)
        if state == 'absent' and after.get('bind_status') == 'bind':
            module.warn(STILL_LISTED)
        if module._diff:
            keys = ('enabled', 'registered', 'bind_status')
            result['diff'] = dict(before=dict((k, before.get(k)) for k in keys),
                                  after=dict((k, after.get(k)) for k in keys))
    except ISAPIError as exc:
        # A generated code stays in the result: it may already be set on the device.
        result['changed'] = bool(client.writes_sent)
        fail_from_error(module, exc, **result)
    finally:
        client.close()
    module.exit_json(**result)


if __name__ == '__main__':
    main()
