#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) camops.hikvision contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
---
module: hik_device_info
short_description: Gather facts about a Hikvision camera, NVR or DVR over ISAPI
version_added: 0.1.0
description:
  - Reads a device's identity, capabilities, local and ONVIF users, recorder channels, Hik-Connect
    platform access state and login lockout policy.
  - Read-only; never changes the device and always reports C(changed=false).
  - A part the device does not offer comes back empty with an entry in RV(notes), not an error.
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
    description: The module only reads, so it runs the same way in check mode.
    support: full
  diff_mode:
    description: Nothing changes, so there is no diff.
    support: none
options:
  gather_subset:
    description:
      - Which parts to read. C(all) reads everything.
      - A name prefixed with C(!) leaves that part out, for example C(['all', '!users']).
      - The device identity (RV(device)) is always read, since the other parts depend on the device type.
      - Parts - C(device), C(capabilities), C(users), C(onvif_users), C(channels), C(cloud), C(lockout_policy),
        C(password_status).
    type: list
    elements: str
    default: [all]
  alternate_password:
    description:
      - A second password for O(username), tried once when the device refuses O(password) (not when it reports a
        lock-out). For a password rotation that an interrupted run may or may not have made - the previous
        password first, the new one as the alternate - at the cost of at most one failed login.
      - RV(password_used) says which one worked.
    type: str
seealso:
  - module: camops.hikvision.hik_user
  - module: camops.hikvision.hik_camera_channel
  - module: camops.hikvision.hik_cloud_binding
  - module: camops.hikvision.hik_factory_reset
'''

EXAMPLES = r'''
- name: Read everything about a camera
  camops.hikvision.hik_device_info:
    host: 192.0.2.10
    username: admin
    password: "{{ vault_camera_password }}"
  delegate_to: localhost
  register: cam

- name: Set the connection once for a whole play, then read only identity and cloud state
  hosts: cameras
  gather_facts: false
  module_defaults:
    group/camops.hikvision.isapi:
      host: "{{ ansible_host }}"
      password: "{{ hik_password }}"
  tasks:
    - name: Identity and cloud state
      camops.hikvision.hik_device_info:
        gather_subset: [cloud]
      delegate_to: localhost
      register: info

    - name: Show the firmware
      ansible.builtin.debug:
        msg: "{{ info.device.model }} {{ info.device.firmware_version }} cloud={{ info.cloud.enabled }}"
'''

RETURN = r'''
password_used:
  description: C(password), or C(alternate_password) when O(password) was refused and the alternate worked.
  returned: always
  type: str
  sample: password
nonce_max_uses:
  description:
    - How many requests one HTTP Digest nonce authenticated on this device - O(nonce_max_uses), or the
      limit the device showed by refusing a nonce's next use during this run; null when neither.
    - Pass it as O(nonce_max_uses) to the modules that talk to the device next, so that none of their
      requests is refused (the decommission role does).
  returned: always
  type: int
  sample: 2
device:
  description: Identity of the device.
  returned: always
  type: dict
  contains:
    name:
      description: Device name as configured on the device.
      type: str
      sample: Front gate
    model:
      description: Model name.
      type: str
      sample: DS-2CD2386G2-IU
    serial_number:
      description: Full serial number; V(null) when the device does not report one.
      type: str
      sample: DS-2CD2386G2-IU00000000AAWRJ00000000
    sub_serial_number:
      description:
        - The 9-character serial the cloud (Hik-Connect, Hik-Partner Pro, EZVIZ) knows the device by, as the
          device reports it (C(subSerialNumber)); V(null) on firmware that does not report it.
      type: str
      sample: J00000000
    mac_address:
      description: MAC address, lower case.
      type: str
      sample: a6:63:9e:f8:01:09
    firmware_version:
      description: Firmware version.
      type: str
      sample: V5.7.18
    firmware_build:
      description: Firmware build as the device states it.
      type: str
      sample: build 240826
    device_type:
      description: Normalised kind of device, from deviceType and the model name.
      type: str
      choices: [ipc, nvr, dvr, other]
      sample: ipc
    device_type_raw:
      description: The deviceType string as the device reported it.
      type: str
      sample: IPCamera
    device_id:
      description: The device's deviceID (UUID-like) string.
      type: str
    manufacturer:
      description: Manufacturer string when the device reports one.
      type: str
    hardware_version:
      description: Hardware version string.
      type: str
    namespace:
      description: XML namespace the device's firmware uses (it varies by firmware family).
      type: str
      sample: http://www.hikvision.com/ver20/XMLSchema
    xml_version:
      description: The C(version) attribute of the device's XML documents.
      type: str
      sample: '2.0'
capabilities:
  description:
    - What the device says it supports. A value of V(null) means the device did not say.
    - A value some firmware states only as attributes (C(<maxIllegalLoginTimes min="3" max="20" def="7"/>))
      is the default the device declares.
    - Empty when the device offers no capabilities document (older firmware); RV(notes) says so.
  returned: when C(capabilities) is gathered
  type: dict
  contains:
    cloud_platform:
      description: Hik-Connect (EZVIZ) platform access is supported.
      type: bool
    cloud_unbind:
      description: The device advertises a device-side EZVIZ unbind.
      type: bool
    verification_code_modify:
      description: The Hik-Connect verification code can be changed.
      type: bool
    ehome:
      description: EHome/ISUP platform access is supported.
      type: bool
    user_management:
      description: The device reports a local user limit (so it manages local users).
      type: bool
    onvif_users:
      description: ONVIF user management is supported.
      type: bool
    max_users:
      description: Maximum number of local users.
      type: int
    user_check:
      description: C(/ISAPI/Security/userCheck) is supported.
      type: bool
    lockout_policy:
      description: The illegal-login lock can be configured.
      type: bool
    max_failed_logins:
      description: Failed logins before lock, from the capabilities.
      type: int
    lockout_minutes:
      description: Lock duration from the capabilities (minutes on cameras).
      type: int
    password_min_length:
      description: Minimum password length the device accepts.
      type: int
    password_max_length:
      description: Maximum password length the device accepts.
      type: int
    config_export:
      description: Encrypted configuration export is supported.
      type: bool
    config_secret_key_min_length:
      description: Minimum length of the configuration export key.
      type: int
    config_secret_key_max_length:
      description: Maximum length of the configuration export key.
      type: int
    factory_reset:
      description: The device advertises factory reset.
      type: bool
    web_auth_mode:
      description: Current web authentication mode (C(digest) or C(digest/basic)).
      type: str
    https:
      description: HTTPS is supported.
      type: bool
    max_ip_channels:
      description: How many IP channels a recorder takes (C(RacmCap/inputProxyNums)).
      type: int
users:
  description: Local (web/SDK) accounts. Passwords are never returned; devices do not reveal them.
  returned: when C(users) is gathered
  type: list
  elements: dict
  contains:
    id:
      description: Account id; C(1) is the built-in admin.
      type: int
    name:
      description: User name.
      type: str
    level:
      description: Account level.
      type: str
      sample: administrator
  sample: [{id: 1, name: admin, level: administrator}]
onvif_users:
  description: ONVIF accounts (a separate list on the device).
  returned: when C(onvif_users) is gathered
  type: list
  elements: dict
  contains:
    id:
      description: ONVIF account id.
      type: int
    name:
      description: User name.
      type: str
    level:
      description: ONVIF user type (C(administrator), C(operator) or C(mediaUser)).
      type: str
channels:
  description: Channels of a recorder; empty on a camera.
  returned: when C(channels) is gathered
  type: list
  elements: dict
  contains:
    id:
      description: Channel id.
      type: int
    type:
      description: C(ip) for an IP camera channel, C(analog) for a DVR's analogue input.
      type: str
    name:
      description: Channel name.
      type: str
    ip_address:
      description: Address of the IP camera the channel records.
      type: str
    port:
      description: Management port used toward the camera.
      type: int
    protocol:
      description: Protocol used toward the camera (for example C(hikvision) or C(onvif)).
      type: str
    username:
      description: Account the recorder uses on the camera (the password is never returned).
      type: str
    model:
      description: Camera model as the recorder reports it.
      type: str
    serial_number:
      description: Camera serial number as the recorder reports it.
      type: str
    firmware_version:
      description: Camera firmware as the recorder reports it.
      type: str
    conn_mode:
      description:
        - How the camera is connected (C(connMode)); C(plugplay) is a camera on the recorder's own PoE ports,
          on a network of the recorder's that the controller usually cannot reach. V(null) when the recorder
          does not say (older firmware).
      type: str
    online:
      description: Whether the recorder reaches the camera; V(null) when not reported.
      type: bool
max_ip_channels:
  description:
    - How many IP channels the recorder takes, from its capabilities (C(RacmCap/inputProxyNums)); V(null) when
      the device does not say. The channel list's C(size) attribute is not the capacity and is not used.
  returned: when C(channels) is gathered on a device that is not a camera
  type: int
cloud:
  description: Hik-Connect (EZVIZ) platform access state; empty when not supported.
  returned: when C(cloud) is gathered
  type: dict
  contains:
    enabled:
      description: Platform access is switched on.
      type: bool
    registered:
      description: The device is registered with the cloud platform now.
      type: bool
    bind_status:
      description: C(bind) or C(unbind) where the firmware reports it, else V(null).
      type: str
    server:
      description: Cloud server host name.
      type: str
lockout_policy:
  description: The device's illegal-login lock policy; empty when not reported.
  returned: when C(lockout_policy) is gathered
  type: dict
  contains:
    enabled:
      description: The lock is on (V(null) when only the capabilities were available).
      type: bool
    max_attempts:
      description: Failed logins before the lock.
      type: int
    lock_time:
      description: Lock duration as the device states it.
      type: int
    source:
      description: Where the values came from, C(illegalLoginLock) or C(capabilities).
      type: str
password_status:
  description: How the device judges the password of the account the module logged in with
    (C(/ISAPI/Security/userCheck)); empty when not offered.
  returned: when C(password_status) is gathered
  type: dict
  contains:
    default_password:
      description: The device says it is still the default (factory or activation) password.
      type: bool
    risky_password:
      description: The device says the password is weak.
      type: bool
  sample: {"default_password": false, "risky_password": false}
notes:
  description:
    - One line for each part that the device does not offer, that does not apply to it, or whose answer could
      not be read (an empty or broken document). Such a part is empty in the result; the rest of the device is
      read all the same, so one missing feature never makes a device unreadable.
  returned: always
  type: list
  elements: str
  sample: ["channels: not a recorder (device type ipc)"]
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.camops.hikvision.plugins.module_utils import specs
from ansible_collections.camops.hikvision.plugins.module_utils.device_info import SUBSETS, gather, resolve_subsets
from ansible_collections.camops.hikvision.plugins.module_utils.runner import Plan, Refusal, Runner


def plan(runner):
    """Read only: the facts, with the connection password or (once) the alternate one."""
    try:
        subsets = resolve_subsets(runner.params['gather_subset'])
    except ValueError as exc:
        raise Refusal('%s Valid names: all, %s.' % (exc, ', '.join(SUBSETS)))
    try:
        facts = runner.login(lambda client: gather(client, subsets), fallback=runner.params['alternate_password'])
    finally:
        # Which password worked and the nonce limit learned are reported on failure too.
        runner.result.update(password_used='alternate_password' if runner.used_fallback else 'password',
                             nonce_max_uses=runner.nonce_max_uses())
    runner.result.update(facts)
    return Plan(changed=False)


def run(module):
    Runner(module).execute(plan)


def main():
    run(AnsibleModule(**specs.module_args('hik_device_info')))


if __name__ == '__main__':
    main()
