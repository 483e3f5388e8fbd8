# -*- coding: utf-8 -*-
# Copyright (c) camops.hikvision contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The built-in credential store (plugin_utils/credential_store.py), with ansible-core's own DataLoader and vault."""

import os
import stat

import pytest

from ansible.parsing.dataloader import DataLoader
from ansible.parsing.vault import VaultSecret, is_encrypted

from ansible_collections.camops.hikvision.plugins.plugin_utils import credential_store as store


def _loader(secret=None):
    loader = DataLoader()
    if secret:
        loader.set_vault_secrets([('default', VaultSecret(secret))])
    return loader


def test_record_path_refuses_names_that_are_not_file_names(tmp_path):
    assert store.record_path(str(tmp_path), 'cam-01.site@a_b') == os.path.join(str(tmp_path), 'cam-01.site@a_b.yml')
    for name in ('../cam', 'a/b', '', '.hidden', None):
        with pytest.raises(store.StoreError):
            store.record_path(str(tmp_path), name)
    with pytest.raises(store.StoreError, match='must not be empty'):
        store.record_path('', 'cam')


def test_update_writes_privately_merges_and_is_idempotent(tmp_path):
    loader = _loader()
    path = store.record_path(str(tmp_path / 'new' / 'store'), 'cam')
    assert store.read_record(loader, path) is None
    assert store.view(None) == dict([(key, None) for key in store.FIELDS] + [('found', False)])
    changed, wanted, encrypted = store.update(loader, path, 'cam', {'password': 'New-Pass-1', 'previous_password':
                                                                    'Old-Pass-1', 'status': 'pending'})
    assert changed and encrypted is False and wanted['status'] == 'pending'
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(os.path.dirname(path)).st_mode) == 0o700
    changed, wanted, encrypted = store.update(loader, path, 'cam', {'status': 'verified', 'password': None},
                                              clear=['previous_password'])
    record = store.read_record(loader, path)
    assert changed and record['status'] == 'verified' and record['password'] == 'New-Pass-1'
    assert 'previous_password' not in record and record['device'] == 'cam' and record['updated']
    # The same again: nothing written (the file keeps its time stamp).
    before = os.stat(path).st_mtime_ns
    changed, wanted, encrypted = store.update(loader, path, 'cam', {'status': 'verified'})
    assert not changed and encrypted is None and os.stat(path).st_mtime_ns == before
    view = store.view(record)
    assert view['found'] is True and view['password'] == 'New-Pass-1' and view['previous_password'] is None


def test_check_mode_and_unknown_fields_write_nothing(tmp_path):
    loader = _loader()
    path = store.record_path(str(tmp_path), 'cam')
    changed, wanted, encrypted = store.update(loader, path, 'cam', {'password': 'New-Pass-1'}, check_mode=True)
    assert changed and encrypted is None and not os.path.exists(path)
    with pytest.raises(store.StoreError, match='unknown fields'):
        store.update(loader, path, 'cam', {}, clear=['secret'])
    assert not os.path.exists(path)


def test_vault_encrypts_with_the_runs_secret_and_refuses_without_it(tmp_path):
    path = store.record_path(str(tmp_path), 'cam')
    store.update(_loader(b'vault-pw'), path, 'cam', {'password': 'New-Pass-1', 'status': 'verified'})
    with open(path, 'rb') as handle:
        data = handle.read()
    assert is_encrypted(data) and b'New-Pass-1' not in data
    assert store.read_record(_loader(b'vault-pw'), path)['password'] == 'New-Pass-1'
    with pytest.raises(store.StoreError, match='vault-encrypted'):
        store.read_record(_loader(), path)
    with pytest.raises(store.StoreError, match='no vault secret'):
        store.update(_loader(), store.record_path(str(tmp_path), 'cam2'), 'cam2', {'status': 'pending'},
                     encrypt='always')


@pytest.mark.parametrize('content', [b'- a list\n', b'key: [unclosed\n', b'just text\n'])
def test_a_file_that_is_not_a_record_is_refused(tmp_path, content):
    path = store.record_path(str(tmp_path), 'cam')
    with open(path, 'wb') as handle:
        handle.write(content)
    with pytest.raises(store.StoreError, match='credential record'):
        store.read_record(_loader(), path)


def test_an_unreadable_record_is_refused_without_quoting_it(tmp_path):
    # PyYAML's own message quotes the offending line, which here holds a password.
    path = store.record_path(str(tmp_path), 'cam')
    with open(path, 'w') as handle:
        handle.write('status: verified\npassword: Secr3t:pa"ss word: x\n')
    with pytest.raises(store.StoreError) as refused:
        store.read_record(_loader(), path)
    assert 'Secr3t' not in str(refused.value) and 'line 2' in str(refused.value)


def test_a_hand_edited_record_with_a_date_can_still_be_updated(tmp_path):
    path = store.record_path(str(tmp_path), 'cam')
    with open(path, 'w') as handle:
        handle.write('device: cam\nstatus: pending\npassword: New-Pass-1\nupdated: 2024-05-01T10:00:00Z\n')
    changed, wanted, dummy = store.update(_loader(), path, 'cam', {'status': 'verified'})
    assert changed and store.read_record(_loader(), path)['status'] == 'verified'
