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

import hashlib
import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.camops.hikvision.plugins.module_utils import specs
from ansible_collections.camops.hikvision.plugins.module_utils import system as system_mod
from ansible_collections.camops.hikvision.plugins.module_utils import users as users_mod
from ansible_collections.camops.hikvision.plugins.module_utils.files import write_atomic
from ansible_collections.camops.hikvision.plugins.module_utils.isapi.api import ISAPIError
from ansible_collections.camops.hikvision.plugins.module_utils.runner import Plan, Refusal, Runner


def file_facts(path):
    digest = hashlib.sha256()
    size = 0
    with open(path, 'rb') as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b''):
            digest.update(block)
            size += len(block)
    return dict(size=size, sha256=digest.hexdigest())


def plan(runner):
    """A backup is taken when dest is missing or force is true; the device is not asked otherwise."""
    dest = runner.params['dest']
    secret_key = runner.params['secret_key']
    if os.path.isdir(dest):
        raise Refusal('dest %s is a directory; give a file name.' % dest)
    exists = os.path.exists(dest)
    if exists:
        runner.result.update(file_facts(dest))
    if exists and not runner.params['force']:
        return Plan(changed=False)
    if secret_key is not None and not secret_key:
        raise Refusal('secret_key must not be empty.')
    return Plan(changed=True, exists=exists)


def apply(runner, planned):
    dest = runner.params['dest']
    secret_key = runner.params['secret_key']
    client = runner.connect()
    params = None
    if secret_key is not None:
        caps = runner.capabilities()
        low = caps.get('config_secret_key_min_length') or 1
        high = caps.get('config_secret_key_max_length')
        if len(secret_key) < low or (high and len(secret_key) > high):
            raise Refusal('%s: the device takes a secret_key of %s characters (it has %d).'
                          % (client.label, users_mod.length_range(low, high), len(secret_key)))
        params = system_mod.secret_key_params(secret_key)
    try:
        content, dummy = client.download(system_mod.CONFIG_PATH, params=params)
    except ISAPIError as exc:
        hint = '' if secret_key else ' If the device exports only encrypted files, give secret_key.'
        raise Refusal(str(exc) + hint, error=exc.to_dict())
    new_digest = hashlib.sha256(content).hexdigest()
    if planned.data['exists'] and file_facts(dest)['sha256'] == new_digest:
        planned.changed = False
        return
    try:
        write_atomic(dest, content)
    except (IOError, OSError) as exc:
        raise Refusal('Could not write %s: %s.' % (dest, exc))
    runner.result.update(size=len(content), sha256=new_digest)


def run(module):
    Runner(module, dict(changed=False, dest=module.params['dest'])).execute(plan, apply)


def main():
    run(AnsibleModule(**specs.module_args('hik_config_backup')))


if __name__ == '__main__':
    main()
