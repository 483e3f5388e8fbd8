#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) camops.hikvision contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
---
module: hik_reboot
short_description: Reboot a Hikvision camera, NVR or DVR and wait until it answers again
version_added: 0.1.0
description:
  - Sends C(PUT /ISAPI/System/reboot) and, with O(wait=true), waits until the device has gone down and answers
    again, then checks that it accepts the credentials.
  - Not idempotent by nature - every run (outside check mode) reboots the device and reports a change.
author:
  - camops.hikvision maintainers (@camops)
extends_documentation_fragment:
  - camops.hikvision.attributes
  - camops.hikvision.attributes.isapi
  - camops.hikvision.connection
  - camops.hikvision.wait
attributes:
  idempotent:
    description: An action - every run that is not in check mode sends it again.
    support: none
  check_mode:
    description: Checks that the device answers with the credentials, then reports the reboot it would do
      without sending it.
    support: full
  diff_mode:
    description: Nothing to compare.
    support: none
seealso:
  - module: camops.hikvision.hik_factory_reset
  - module: camops.hikvision.hik_device_info
'''

EXAMPLES = r'''
- name: Reboot a recorder and wait for it
  camops.hikvision.hik_reboot:
    host: 192.0.2.1
    password: "{{ nvr_password }}"
    wait_timeout: 600
  delegate_to: localhost
  register: reboot

- name: Show how long it took
  ansible.builtin.debug:
    msg: "Back after {{ reboot.elapsed }} s"
'''

RETURN = r'''
rebooted:
  description: The reboot was requested (false in check mode).
  returned: always
  type: bool
  sample: true
elapsed:
  description: Seconds from the reboot request until the device answered again.
  returned: when O(wait=true) and not in check mode
  type: float
  sample: 74.5
went_down:
  description: The device was seen not answering during the wait (if false, it came back faster than it
    was polled, or never went down).
  returned: when O(wait=true) and not in check mode
  type: bool
  sample: true
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.camops.hikvision.plugins.module_utils import specs
from ansible_collections.camops.hikvision.plugins.module_utils import system as system_mod
from ansible_collections.camops.hikvision.plugins.module_utils.runner import Plan, Runner


def plan(runner):
    runner.connect().get(system_mod.DEVICE_INFO_PATH)  # credentials and reachability first
    return Plan(changed=True)


def apply(runner, dummy_plan):
    client = runner.restart(system_mod.REBOOT_PATH, dict(rebooted=True))
    if runner.params['wait']:
        client.get(system_mod.DEVICE_INFO_PATH)  # back, and the credentials still work


def run(module):
    # A restart request whose answer was lost may have been applied: changed and write_state say so.
    Runner(module, dict(changed=False, rebooted=False)).execute(plan, apply)


def main():
    run(AnsibleModule(**specs.module_args('hik_reboot')))


if __name__ == '__main__':
    main()
