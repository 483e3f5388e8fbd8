#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) camops.hikvision contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
---
module: hik_camera_channel
short_description: Remove or add IP cameras on the channel list of a Hikvision NVR or DVR
version_added: 0.1.0
description:
  - Manages the IP camera channels of a recorder (C(/ISAPI/ContentMgmt/InputProxy/channels)).
    Decommissioning a camera means removing it from the recorder that records it.
  - The aggregate form (O(channels)) handles several cameras in one module call.
  - Analogue inputs of a DVR cannot be removed; a selector that matches one fails before any write.
  - Run against an IP camera (which answers 403 on these paths), the module fails with a clear
    "not a recorder" message.
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
    description: Reads the channel list and reports what would change; sends no write request.
    support: full
  diff_mode:
    description: Shows the IP channels before and after (id, name, address, port, protocol, user). Never a
      password.
    support: full
options:
  alternate_password:
    description:
      - A second password for O(username), tried once when the device refuses O(password) (not when it reports a
        lock-out) - the new password of a rotation that an interrupted run may or may not have made.
      - RV(password_used) says which one worked.
    type: str
  state:
    description:
      - C(absent) removes every IP channel that matches the selectors (all the selectors that are given must
        match). No match is no change.
      - C(present) adds the camera, or updates the channel it is on so that the given fields match. Only
        the fields that differ are written.
      - In the aggregate form, the default for entries of O(channels) that do not set it.
    type: str
    choices: [present, absent]
    default: present
  channel_id:
    description:
      - Channel number on the recorder. With O(state=present), the channel to add the camera on (else the
        first free one) or to update.
    type: int
  ip_address:
    description:
      - Address of the camera. Required to add a camera.
    type: str
  camera_port:
    description:
      - Management (SDK) port of the camera. When selecting, only channels on this port match; when adding,
        defaults to C(8000).
      - Not O(port), which is the recorder's own port.
    type: int
  serial_number:
    description:
      - Serial number of the camera, as the recorder reports it (selector only).
    type: str
  expected_serial_number:
    description:
      - A guard for O(state=absent) with the other selectors (for instance O(ip_address)), not a selector. When
        a matching channel's camera reports another serial number, another camera is at that address now (a
        replacement), and the module fails before any change.
      - A channel whose camera reports no serial number (offline, never connected) cannot tell, and is removed.
      - The decommission role passes the camera's C(hik_serial).
    type: str
  name:
    description:
      - Channel name. A selector for O(state=absent); the name to set for O(state=present).
    type: str
  camera_protocol:
    description:
      - Protocol the recorder uses to reach the camera. Defaults to C(hikvision) when adding.
      - Not O(protocol), which is how this module reaches the recorder.
    type: str
    choices: [hikvision, onvif]
  camera_username:
    description:
      - Account on the camera that the recorder logs in with. Defaults to C(admin) when adding.
    type: str
  camera_password:
    description:
      - Password of O(camera_username) on the camera. Required to add a camera; never readable back from
        the recorder, see O(update_password).
    type: str
  update_password:
    description:
      - C(on_create) sends O(camera_password) only when the channel is added (idempotent).
      - C(always) sends it on every run and so always reports a change.
      - In the aggregate form, the default for entries that do not set it.
    type: str
    choices: [always, on_create]
    default: on_create
  channels:
    description:
      - The aggregate form; a list of entries with the keys of the single form. Mutually exclusive with the
        single-form options.
    type: list
    elements: dict
    suboptions:
      state:
        description: As O(state); defaults to O(state).
        type: str
        choices: [present, absent]
      channel_id:
        description: As O(channel_id).
        type: int
      ip_address:
        description: As O(ip_address).
        type: str
      camera_port:
        description: As O(camera_port).
        type: int
        aliases: [port]
      serial_number:
        description: As O(serial_number).
        type: str
      expected_serial_number:
        description: As O(expected_serial_number).
        type: str
      name:
        description: As O(name).
        type: str
      camera_protocol:
        description: As O(camera_protocol).
        type: str
        choices: [hikvision, onvif]
        aliases: [protocol]
      camera_username:
        description: As O(camera_username).
        type: str
      camera_password:
        description: As O(camera_password).
        type: str
      update_password:
        description: As O(update_password); defaults to O(update_password).
        type: str
        choices: [always, on_create]
notes:
  - The recorder has no batch call; the aggregate form sends one request per channel, removals first.
  - An update sends the camera's address (to identify it) and the fields that change.
  - A device without an IP channel list (a camera, or a recorder whose firmware does not offer
    C(/ISAPI/ContentMgmt/InputProxy/channels)) already has what O(state=absent) asks for - the result is ok,
    C(changed=false), RV(channels_supported=false) and a line in RV(notes). A channel to be present fails in
    one sentence that says the device has no IP channel list.
seealso:
  - module: camops.hikvision.hik_device_info
  - module: camops.hikvision.hik_user
'''

EXAMPLES = r'''
- name: Remove a departing camera from its NVR, by address
  camops.hikvision.hik_camera_channel:
    host: 192.0.2.1
    password: "{{ nvr_password }}"
    ip_address: 192.0.2.21
    state: absent
  delegate_to: localhost

- name: The same, unless another camera (a replacement) is at that address now
  camops.hikvision.hik_camera_channel:
    host: 192.0.2.1
    password: "{{ nvr_password }}"
    ip_address: 192.0.2.21
    expected_serial_number: DS-2CD2146G2-ISU20210101AAWRF12345678
    state: absent
  delegate_to: localhost

- name: Remove several cameras in one call (by serial number and by channel)
  camops.hikvision.hik_camera_channel:
    host: 192.0.2.1
    password: "{{ nvr_password }}"
    state: absent
    channels:
      - serial_number: DS-2CD2146G2-ISU20210101AAWRF12345678
      - channel_id: 4
  delegate_to: localhost

- name: Add a camera on channel 5 (or update it if it is there)
  camops.hikvision.hik_camera_channel:
    host: 192.0.2.1
    password: "{{ nvr_password }}"
    channel_id: 5
    ip_address: 192.0.2.25
    name: Loading bay
    camera_password: "{{ camera_password }}"
  delegate_to: localhost
'''

RETURN = r'''
password_used:
  description: C(password), or C(alternate_password) when O(password) was refused and the alternate worked.
  returned: when the device's channel list was read
  type: str
  sample: password
channels_supported:
  description: V(false) when the device has no IP channel list (then only O(state=absent) succeeds).
  returned: when the device has no IP channel list
  type: bool
notes:
  description: Why nothing was done, when the device has no IP channel list.
  returned: when the device has no IP channel list
  type: list
  elements: str
  sample: ["no IP channel list on this device (/ISAPI/ContentMgmt/InputProxy/channels answered HTTP 404)"]
channels:
  description: The recorder's IP channels after the run (what they would be, in check mode). A channel
    added in check mode without O(channel_id) has id C(null).
  returned: success
  type: list
  elements: dict
  contains:
    id:
      description: Channel number.
      type: int
    name:
      description: Channel name.
      type: str
    ip_address:
      description: Camera address.
      type: str
    port:
      description: Camera management port.
      type: int
    protocol:
      description: C(hikvision) or C(onvif).
      type: str
    username:
      description: Account the recorder uses on the camera.
      type: str
    model:
      description: Camera model as the recorder reports it.
      type: str
    serial_number:
      description: Camera serial number as the recorder reports it.
      type: str
  sample: [{"id": 1, "name": "garden", "ip_address": "192.0.2.21", "port": 8000, "protocol": "hikvision"}]
removed:
  description: The channels removed (id, name, ip_address, port, serial_number).
  returned: success
  type: list
  elements: dict
  sample: [{"id": 2, "name": "gate", "ip_address": "192.0.2.22", "port": 8000, "serial_number": null}]
added:
  description: The channels added (id, name, ip_address, port).
  returned: success
  type: list
  elements: dict
  sample: []
updated:
  description: The channels updated, with the names of the fields that changed.
  returned: success
  type: list
  elements: dict
  sample: [{"id": 5, "fields": ["name"]}]
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.camops.hikvision.plugins.module_utils import specs
from ansible_collections.camops.hikvision.plugins.module_utils.runner import Runner
from ansible_collections.camops.hikvision.plugins.module_utils.steps import channels as channels_step


def run(module):
    runner = Runner(module, dict(changed=False, removed=[], added=[], updated=[]))
    runner.execute(channels_step.plan, channels_step.apply)


def main():
    run(AnsibleModule(**specs.module_args('hik_camera_channel')))


if __name__ == '__main__':
    main()
