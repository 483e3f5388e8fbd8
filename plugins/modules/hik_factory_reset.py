#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) camops.hikvision contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
---
module: hik_factory_reset
short_description: Factory reset a Hikvision camera, NVR or DVR, guarded by its serial number
version_added: 0.1.0
description:
  - Sends C(PUT /ISAPI/System/factoryReset?mode=basic|full). This cannot be undone.
  - The device's serial number must equal O(confirm_serial); this is checked before any write, and a mismatch
    fails naming both.
  - With O(wait=true), waits until the device answers again and reports whether it is activated. A C(full)
    reset leaves it inactive, with no admin password; it then needs activation (SADP, the web page or
    iVMS-4200) before any account can log in.
  - Not idempotent by nature - every run (outside check mode) resets the device and reports a change.
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
    description: Reads the serial number and checks the guard, then reports the reset it would do without
      sending it.
    support: full
  diff_mode:
    description: Nothing to compare.
    support: none
options:
  mode:
    description:
      - C(basic) restores the parameters but keeps network and user settings.
      - C(full) restores everything; the device becomes inactive with no admin password.
    type: str
    choices: [basic, full]
    required: true
  confirm_serial:
    description:
      - The serial number of the device to reset, exactly as the device reports it (RV(serial_number) of
        M(camops.hikvision.hik_device_info)). Letter case and surrounding spaces are ignored.
    type: str
    required: true
seealso:
  - module: camops.hikvision.hik_config_backup
  - module: camops.hikvision.hik_reboot
  - module: camops.hikvision.hik_device_info
'''

EXAMPLES = r'''
- name: Read the serial number
  camops.hikvision.hik_device_info:
    host: 192.0.2.10
    password: "{{ admin_password }}"
    gather_subset: [device]
  delegate_to: localhost
  register: info

- name: Full factory reset of exactly that device
  camops.hikvision.hik_factory_reset:
    host: 192.0.2.10
    password: "{{ admin_password }}"
    mode: full
    confirm_serial: "{{ info.device.serial_number }}"
  delegate_to: localhost
'''

RETURN = r'''
serial_number:
  description: The device's serial number.
  returned: when it was read
  type: str
  sample: DS-2CD2146G2-ISU20210101AAWRF12345678
mode:
  description: The reset mode.
  returned: always
  type: str
  sample: full
reset:
  description: The reset was requested (false in check mode).
  returned: always
  type: bool
  sample: true
activated:
  description: Whether the device reports itself activated after coming back; C(null) when not known.
  returned: when O(wait=true) and not in check mode
  type: bool
  sample: false
elapsed:
  description: Seconds from the reset request until the device answered again.
  returned: when O(wait=true) and not in check mode
  type: float
  sample: 95.0
went_down:
  description: The device was seen not answering during the wait.
  returned: when O(wait=true) and not in check mode
  type: bool
  sample: true
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.camops.hikvision.plugins.module_utils import specs
from ansible_collections.camops.hikvision.plugins.module_utils.runner import Runner
from ansible_collections.camops.hikvision.plugins.module_utils.steps import reset as step


def run(module):
    # A restart request whose answer was lost may have been applied: changed and write_state say so.
    Runner(module, dict(changed=False, mode=module.params['mode'], reset=False)).execute(step.plan, step.apply)


def main():
    run(AnsibleModule(**specs.module_args('hik_factory_reset')))


if __name__ == '__main__':
    main()
