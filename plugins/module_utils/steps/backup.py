# -*- coding: utf-8 -*-
# Copyright (c) camops.hikvision contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The configuration backup: the plan and apply of hik_config_backup, also a step of the decommission flow
(flow.py)."""

import hashlib
import os


from ansible_collections.camops.hikvision.plugins.module_utils import system as system_mod
from ansible_collections.camops.hikvision.plugins.module_utils import users as users_mod
from ansible_collections.camops.hikvision.plugins.module_utils.files import write_atomic
from ansible_collections.camops.hikvision.plugins.module_utils.isapi.api import ISAPIError
from ansible_collections.camops.hikvision.plugins.module_utils.runner import Plan, Refusal


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
