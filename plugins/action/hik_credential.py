# -*- coding: utf-8 -*-
# Copyright (c) camops.hikvision contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The credential store of camops.hikvision: one file per device on the controller, ansible-vault
encrypted when a vault secret is configured. Runs entirely on the controller."""

import datetime
import json
import os
import re

import yaml

from ansible.errors import AnsibleActionFail
from ansible.module_utils.common.text.converters import to_bytes, to_text
from ansible.parsing.vault import is_encrypted
from ansible.plugins.action import ActionBase

from ansible_collections.camops.hikvision.plugins.module_utils.files import write_atomic

FIELDS = ('username', 'password', 'previous_password', 'verification_code', 'code_status', 'status', 'serial_number')
SECRETS = ('password', 'previous_password', 'verification_code')
STATUSES = ('pending', 'verified', 'factory_reset')
_NAME_RE = re.compile(r'^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$')

ARGUMENT_SPEC = dict(
    store_dir=dict(type='path', required=True),
    name=dict(type='str', required=True),
    state=dict(type='str', default='query', choices=['query', 'present']),
    record=dict(type='dict', default={}, options=dict(
        username=dict(type='str'),
        password=dict(type='str', no_log=True),
        previous_password=dict(type='str', no_log=True),
        verification_code=dict(type='str', no_log=True),
        code_status=dict(type='str', choices=['pending', 'set']),
        status=dict(type='str', choices=list(STATUSES)),
        serial_number=dict(type='str'),
    )),
    clear=dict(type='list', elements='str', default=[], no_log=False),
    encrypt=dict(type='str', default='auto', choices=['auto', 'always', 'never']),
)


class ActionModule(ActionBase):

    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        validation, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        name = args['name']
        if not args['store_dir']:
            raise AnsibleActionFail('store_dir (the credential store directory on the controller) must not be empty.')
        if not _NAME_RE.match(name):
            raise AnsibleActionFail('name %r is not usable as a file name (letters, digits, . _ @ -).' % name)
        unknown = [key for key in args['clear'] if key not in FIELDS]
        if unknown:
            raise AnsibleActionFail('clear names unknown fields %s; known: %s.' % (', '.join(unknown), ', '.join(FIELDS)))
        path = os.path.join(args['store_dir'], name + '.yml')
        current = self._read(path)
        if args['state'] == 'query':
            result.update(changed=False, found=current is not None, path=path, _ansible_no_log=True)
            result.update((key, (current or {}).get(key)) for key in FIELDS)
            return result

        wanted = dict(current or {})
        for key, value in args['record'].items():
            if value is not None:
                wanted[key] = value
        for key in args['clear']:
            wanted.pop(key, None)
        wanted['device'] = name
        # Plain types only (ansible-core passes tagged strings), so that the record dumps as plain YAML.
        wanted = json.loads(json.dumps(wanted))
        same = current is not None and dict((k, v) for k, v in current.items() if k != 'updated') == \
            dict((k, v) for k, v in wanted.items() if k != 'updated')
        result.update(changed=not same, path=path, status=wanted.get('status'))
        if same or self._task.check_mode:
            return result
        wanted['updated'] = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat()
        encrypt = args['encrypt'] == 'always' or (args['encrypt'] == 'auto' and bool(self._loader._vault.secrets))
        if encrypt and not self._loader._vault.secrets:
            raise AnsibleActionFail('encrypt=always but no vault secret is configured (give --vault-password-file '
                                    'or --ask-vault-pass).')
        text = '# camops.hikvision credential store record\n' + yaml.safe_dump(
            dict((k, wanted[k]) for k in ('device',) + FIELDS + ('updated',) if k in wanted),
            default_flow_style=False, sort_keys=False)
        data = self._loader._vault.encrypt(text) if encrypt else to_bytes(text)
        write_atomic(path, data)
        result['encrypted'] = encrypt
        return result

    def _read(self, path):
        if not os.path.exists(path):
            return None
        with open(path, 'rb') as handle:
            data = handle.read()
        if is_encrypted(data):
            if not self._loader._vault.secrets:
                raise AnsibleActionFail('%s is vault-encrypted; give the vault secret (--vault-password-file) to read '
                                        'it.' % path)
            data = self._loader._vault.decrypt(data)
        try:
            record = yaml.safe_load(to_text(data))
        except yaml.YAMLError as exc:
            raise AnsibleActionFail('%s is not a readable credential record: %s' % (path, exc))
        if not isinstance(record, dict):
            raise AnsibleActionFail('%s is not a credential record (expected a mapping).' % path)
        return record
