# -*- coding: utf-8 -*-
# Copyright (c) camops.hikvision contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The credential store of camops.hikvision: one file per device on the controller, ansible-vault
encrypted when a vault secret is configured. Runs entirely on the controller."""

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

from ansible_collections.camops.hikvision.plugins.plugin_utils import credential_store as store
from ansible_collections.camops.hikvision.plugins.plugin_utils.credential_store import ENCRYPT, STATUSES

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
    encrypt=dict(type='str', default='auto', choices=list(ENCRYPT)),
)


class ActionModule(ActionBase):

    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        validation, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        try:
            path = store.record_path(args['store_dir'], args['name'])
            if args['state'] == 'query':
                result.update(store.view(store.read_record(self._loader, path)))
                result.update(changed=False, path=path, _ansible_no_log=True)
                return result
            changed, wanted, encrypted = store.update(self._loader, path, args['name'], args['record'],
                                                      args['clear'], args['encrypt'], bool(self._task.check_mode))
        except store.StoreError as exc:
            raise AnsibleActionFail(str(exc))
        result.update(changed=changed, path=path, status=wanted.get('status'))
        if encrypted is not None:
            result['encrypted'] = encrypted
        return result
