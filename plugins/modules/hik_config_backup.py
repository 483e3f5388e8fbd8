#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) camops.hikvision contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
---
module: hik_config_backup
short_description: Download the configuration of a Hikvision camera, NVR or DVR to the controller
version_added: 0.1.0
description:
  - Downloads the device's configuration file (C(GET /ISAPI/System/configurationData)) to O(dest) on the
    controller, where the module runs.
  - The file is written atomically with mode C(0600); missing parent directories are created (mode C(0700)).
  - A ResponseStatus or an empty answer in place of the file is an error; it is never saved as a backup.
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
    description: Reports whether the file would be written; downloads and writes nothing.
    support: full
  diff_mode:
    description: The file is binary; no diff is shown.
    support: none
options:
  dest:
    description:
      - Path of the backup file on the controller.
    type: path
    required: true
  force:
    description:
      - C(false) keeps an existing O(dest) and reports no change, without contacting the device.
      - C(true) downloads the configuration and replaces O(dest) when the content differs.
    type: bool
    default: false
  secret_key:
    description:
      - Key for devices that export an encrypted configuration (C(SecurityCap/isSupportConfigFileExport)).
        Sent as the C(secretkey) parameter, encrypted the way the device's web client does (AES-128-CBC; this
        encoding comes from one public source and is not verified on hardware).
      - The same key is needed to import the file again.
    type: str
notes:
  - The file format is the vendor's own and opaque; keep it with the device's serial number.
seealso:
  - module: camops.hikvision.hik_factory_reset
  - module: camops.hikvision.hik_device_info
'''

EXAMPLES = r'''
- name: Back up every device before decommissioning
  camops.hikvision.hik_config_backup:
    host: "{{ ansible_host }}"
    password: "{{ hik_password }}"
    dest: "backups/{{ inventory_hostname }}.bin"
  delegate_to: localhost
'''

RETURN = r'''
dest:
  description: Path of the backup file.
  returned: always
  type: str
  sample: backups/cam-01.bin
size:
  description: Size of the file in bytes.
  returned: when the file exists (not in check mode before the first backup)
  type: int
  sample: 65536
sha256:
  description: SHA-256 of the file.
  returned: when the file exists (not in check mode before the first backup)
  type: str
  sample: 0f1e2d...
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.camops.hikvision.plugins.module_utils import specs
from ansible_collections.camops.hikvision.plugins.module_utils.runner import Runner
from ansible_collections.camops.hikvision.plugins.module_utils.steps import backup as step


def run(module):
    Runner(module, dict(changed=False, dest=module.params['dest'])).execute(step.plan, step.apply)


def main():
    run(AnsibleModule(**specs.module_args('hik_config_backup')))


if __name__ == '__main__':
    main()
