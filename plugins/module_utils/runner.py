# -*- coding: utf-8 -*-
# Copyright (c) camops.hikvision contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What a module does once with a device, written once: the clients' lifetime, the login with at most one
fallback password, the capabilities read once, and the writes the run sent.

The lockout rule lives here: a password the device refused is never sent again, and a run makes at most one
deliberate extra login (with a fallback password, a rotation that an earlier run may already have done);
a device that says it is locked gets nothing more.
"""

from ansible_collections.camops.hikvision.plugins.module_utils import system as system_mod
from ansible_collections.camops.hikvision.plugins.module_utils.common import client_from_module
from ansible_collections.camops.hikvision.plugins.module_utils.isapi import AuthenticationError, LockedOutError

_UNREAD = object()


class Runner(object):
    """One module run against one device. ``client`` is the client of the password that worked."""

    def __init__(self, module):
        self.module = module
        self.client = None
        self.clients = []
        self.used_fallback = False
        self._capabilities = _UNREAD

    def connect(self, password=None, **overrides):
        """A new client for the module's device (the connection password unless ``password`` is given); the
        first one is the run's ``client``."""
        client = client_from_module(self.module, password=password, **overrides)
        self.clients.append(client)
        if self.client is None:
            self.client = client
        return client

    def login(self, read, fallback=None, login_name=None):
        """``read(client)`` with the connection password; when the device refuses that password (and does not
        say it is locked) and a different ``fallback`` is given, once more with the fallback. At most one
        refused login per run. Returns what ``read`` returned; ``used_fallback`` says which password worked."""
        self.client = self.connect()
        try:
            return read(self.client)
        except LockedOutError:
            raise
        except AuthenticationError as refused:
            if not fallback or fallback == self.module.params['password']:
                raise
            self.client.close()
            self.client = self.connect(password=fallback)
            self.used_fallback = True  # from here on the fallback is the password in use, unless refused too
            try:
                return read(self.client)
            except AuthenticationError as second:
                self.used_fallback = False
                if isinstance(second, LockedOutError):
                    raise
                raise AuthenticationError(
                    '%s: the device refused both the connection password and the fallback password for %r (one '
                    'login each); nothing was changed and no further login was attempted.'
                    % (refused.host, login_name or self.module.params['username']),
                    host=refused.host, method=second.method, path=second.path, http_status=401,
                    retry_login_time=second.retry_login_time)

    def capabilities(self):
        """The device's parsed capabilities, read once per run; {} when it offers none."""
        if self._capabilities is _UNREAD:
            self._capabilities = system_mod.read_capabilities(self.client) or {}
        return self._capabilities

    def write_state(self):
        """What the run's writes did to the device, as far as it is known: ``none`` (none was applied: none
        was sent, or the device refused each), ``confirmed`` (every one that may have been applied was
        acknowledged) or ``unconfirmed`` (the answer to at least one never came, so it may have been applied)."""
        if any(client.writes_unanswered for client in self.clients):
            return 'unconfirmed'
        if any(client.writes_acknowledged for client in self.clients):
            return 'confirmed'
        return 'none'

    def fail(self, error, changed_elsewhere=False, **result):
        """Fail the module with the error's one sentence. ``changed`` is true when a write was acknowledged or
        may have been applied (its answer lost), never for writes the device refused; ``write_state`` says
        which. ``changed_elsewhere``: a change the run made outside the device (a cloud account)."""
        state = self.write_state()
        result['changed'] = state != 'none' or bool(changed_elsewhere)
        result['write_state'] = state
        self.module.fail_json(msg=str(error), error=error.to_dict(), **result)

    def close(self):
        for client in self.clients:
            client.close()
