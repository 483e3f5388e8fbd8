# -*- coding: utf-8 -*-
# Copyright (c) camops.hikvision contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Passwords a device refused, remembered on the controller so that no later run spends one of the device's
few login attempts on the same wrong password (an audit, a plan, a run, a retry and a re-run each would).

Only salted hashes are kept: a directory (mode 0700) with one file per device address (mode 0600) and a random
salt of its own. A password is sent again once the value given changes: a different password is a different
hash. Deleting a device's file forgets its refusals."""

import datetime
import hashlib
import json
import os
import re

from ansible_collections.camops.hikvision.plugins.module_utils.files import make_private_dirs, write_atomic

SALT_FILE = '.salt'


class RefusedPasswords(object):
    """The refusals of one device (``host``, ``port``) for one user name, kept in ``directory``."""

    def __init__(self, directory, host, port, username):
        self.directory = directory
        self.username = username or ''
        name = re.sub(r'[^A-Za-z0-9._-]', '_', '%s_%s' % (host, port or 'default'))
        self.path = os.path.join(directory, name + '.json')
        self._salt_value = None

    def _salt(self):
        if self._salt_value is None:
            self._salt_value = self._read_salt()
        return self._salt_value

    def _read_salt(self):
        path = os.path.join(self.directory, SALT_FILE)
        if not os.path.exists(path):
            make_private_dirs(self.directory)
            # Written whole under another name, then linked into place: a worker (or thread) that finds the salt
            # file never reads it half written, and the first link wins.
            tmp = '%s.%s.tmp' % (path, os.urandom(6).hex())
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, 'w') as handle:
                handle.write(os.urandom(32).hex())
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass  # another worker made it first
            finally:
                os.unlink(tmp)
        with open(path) as handle:
            return handle.read().strip()

    def _digest(self, password):
        text = '%s\0%s\0%s' % (self._salt(), self.username, password)
        return hashlib.sha256(text.encode('utf-8', 'surrogateescape')).hexdigest()

    def _entries(self):
        try:
            with open(self.path) as handle:
                data = json.load(handle)
        except (IOError, OSError, ValueError):
            return []
        return data if isinstance(data, list) else []

    def when_refused(self, password):
        """When the device refused ``password`` for this user (an ISO time), or None."""
        if not password or not os.path.exists(self.path):
            return None
        digest = self._digest(password)
        for entry in self._entries():
            if isinstance(entry, dict) and entry.get('sha256') == digest:
                return entry.get('refused_at') or 'an earlier run'
        return None

    def locked_until(self):
        """When the lockout the device reported in an earlier read ends (an ISO time), or None when none is
        remembered or it has ended."""
        try:
            with open(self.path[:-len('.json')] + '.lock.json') as handle:
                until = json.load(handle).get('until')
        except (IOError, OSError, ValueError, AttributeError):
            return None
        now = datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')
        return until if isinstance(until, str) and until > now else None

    def remember_lock(self, seconds):
        """Remember that the device has locked this controller out for ``seconds`` from now."""
        if not seconds or seconds <= 0:
            return
        make_private_dirs(self.directory)
        until = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=int(seconds))
        write_atomic(self.path[:-len('.json')] + '.lock.json',
                     json.dumps(dict(until=until.strftime('%Y-%m-%dT%H:%M:%SZ'))).encode('utf-8'))

    def remember(self, password):
        if not password or self.when_refused(password):
            return
        entries = self._entries()
        entries.append(dict(sha256=self._digest(password),
                            refused_at=datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')))
        write_atomic(self.path, json.dumps(entries[-20:], indent=1).encode('utf-8'))
