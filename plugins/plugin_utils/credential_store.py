# -*- coding: utf-8 -*-
# Copyright (c) camops.hikvision contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The built-in credential store: one file per device on the controller, ``<store_dir>/<name>.yml``, mode 0600
in a 0700 directory, written atomically and flushed to disk, ansible-vault encrypted when a vault secret is
configured. Used by the hik_credential action (the store's own module, and the roles' pluggable store task
files) and by hik_decommission's action when it is given ``credential_store`` (the store read and written by
the flow's own task). Runs on the controller only."""

import datetime
import json
import os
import re

import yaml

from ansible.module_utils.common.text.converters import to_bytes, to_text
from ansible.parsing.vault import is_encrypted

from ansible_collections.camops.hikvision.plugins.module_utils import specs
from ansible_collections.camops.hikvision.plugins.module_utils.files import write_atomic

FIELDS = ('username', 'password', 'previous_password', 'verification_code', 'code_status', 'status', 'serial_number')
STATUSES = ('pending', 'verified', 'factory_reset')
ENCRYPT = specs.STORE_ENCRYPT
_NAME_RE = re.compile(r'^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$')


class StoreError(Exception):
    """A record that cannot be read or written; the message is one sentence."""


def record_path(store_dir, name):
    """The file of record ``name`` in ``store_dir``; raises StoreError for an empty directory or a name that is
    not usable as a file name."""
    if not store_dir:
        raise StoreError('store_dir (the credential store directory on the controller) must not be empty.')
    if not isinstance(name, str) or not _NAME_RE.match(name):
        raise StoreError('name %r is not usable as a file name (letters, digits, . _ @ -).' % (name,))
    return os.path.join(store_dir, name + '.yml')


def _vault(loader):
    # The vault of the run's DataLoader (the secrets given with --vault-password-file or --ask-vault-pass).
    # ansible-core has no public accessor for the configured vault secrets; this is the one place that reads it.
    return loader._vault  # pylint: disable=protected-access


def read_record(loader, path):
    """The record at ``path`` (a dict), or None when there is none; decrypted with the run's vault secret."""
    if not os.path.exists(path):
        return None
    try:
        with open(path, 'rb') as handle:
            data = handle.read()
    except (IOError, OSError) as exc:
        raise StoreError('%s cannot be read: %s.' % (path, exc))
    if is_encrypted(data):
        vault = _vault(loader)
        if not vault.secrets:
            raise StoreError('%s is vault-encrypted; give the vault secret (--vault-password-file) to read it.' % path)
        data = vault.decrypt(data)
    try:
        record = yaml.safe_load(to_text(data))
    except yaml.YAMLError as exc:
        # Not str(exc): PyYAML quotes the offending line, which may hold a password.
        mark = getattr(exc, 'problem_mark', None)
        where = ' at line %d, column %d' % (mark.line + 1, mark.column + 1) if mark is not None else ''
        raise StoreError('%s is not a readable credential record (%s%s).'
                         % (path, getattr(exc, 'problem', None) or 'invalid YAML', where))
    if not isinstance(record, dict):
        raise StoreError('%s is not a credential record (expected a mapping).' % path)
    return record


def view(record):
    """What a read returns: ``found`` and every field (None where the record has none)."""
    record = record or {}
    result = dict((key, record.get(key)) for key in FIELDS)
    result['found'] = bool(record)
    return result


def merge(current, name, record, clear=()):
    """(wanted, same): ``record``'s non-empty fields merged into ``current`` (None: no record yet), the
    fields in ``clear`` removed; ``same`` when nothing but the time stamp would change."""
    unknown = [key for key in clear if key not in FIELDS]
    if unknown:
        raise StoreError('clear names unknown fields %s; known: %s.' % (', '.join(unknown), ', '.join(FIELDS)))
    wanted = dict(current or {})
    for key, value in (record or {}).items():
        if value is not None:
            wanted[key] = value
    for key in clear:
        wanted.pop(key, None)
    wanted['device'] = name
    # Plain types only (ansible-core passes tagged strings), so that the record dumps as plain YAML; a value YAML
    # read as a date or time (a hand-edited record) becomes its text.
    wanted = json.loads(json.dumps(wanted, default=str))

    def bare(value):
        return dict((k, v) for k, v in (value or {}).items() if k != 'updated')
    return wanted, current is not None and bare(current) == bare(wanted)


def write_record(loader, path, wanted, encrypt='auto'):
    """Write ``wanted`` to ``path`` durably (atomically, flushed to disk); returns whether it was encrypted."""
    vault = _vault(loader)
    encrypted = encrypt == 'always' or (encrypt == 'auto' and bool(vault.secrets))
    if encrypted and not vault.secrets:
        raise StoreError('encrypt=always but no vault secret is configured (give --vault-password-file or '
                         '--ask-vault-pass).')
    wanted = dict(wanted, updated=datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat())
    text = '# camops.hikvision credential store record\n' + yaml.safe_dump(
        dict((k, wanted[k]) for k in ('device',) + FIELDS + ('updated',) if k in wanted),
        default_flow_style=False, sort_keys=False)
    data = vault.encrypt(text) if encrypted else to_bytes(text)
    try:
        write_atomic(path, data)
    except (IOError, OSError) as exc:
        raise StoreError('%s cannot be written: %s.' % (path, exc))
    return encrypted


def update(loader, path, name, record, clear=(), encrypt='auto', check_mode=False):
    """Merge ``record`` into the stored one and write it when it changed (never in check mode). Returns
    (changed, wanted, encrypted or None when nothing was written)."""
    current = read_record(loader, path)
    wanted, same = merge(current, name, record, clear)
    if same or check_mode:
        return not same, wanted, None
    return True, wanted, write_record(loader, path, wanted, encrypt)
