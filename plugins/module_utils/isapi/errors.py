# -*- coding: utf-8 -*-
# Copyright (c) camops.hikvision contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The ISAPI client's exceptions: every error it raises is an ISAPIError whose ``str()`` is one sentence."""


class ISAPIError(Exception):
    """Base of every error the client raises; ``str()`` is one sentence a user can act on."""

    def __init__(self, message, host=None, method=None, path=None, http_status=None,
                 status_code=None, sub_status_code=None, error_msg=None, error_code=None):
        super(ISAPIError, self).__init__(message)
        self.message = message
        self.host = host
        self.method = method
        self.path = path
        self.http_status = http_status
        self.status_code = status_code
        self.sub_status_code = sub_status_code
        self.error_msg = error_msg
        self.error_code = error_code

    def __str__(self):
        return self.message

    def to_dict(self):
        """The error as plain data for a module's result (no secrets are ever held here)."""
        return dict(
            type=type(self).__name__,
            host=self.host,
            method=self.method,
            path=self.path,
            http_status=self.http_status,
            status_code=self.status_code,
            sub_status_code=self.sub_status_code,
            error_msg=self.error_msg,
        )


class AuthenticationError(ISAPIError):
    """The device refused the credentials (HTTP 401, not locked)."""

    def __init__(self, message, retry_login_time=None, **kwargs):
        super(AuthenticationError, self).__init__(message, **kwargs)
        self.retry_login_time = retry_login_time


class LockedOutError(AuthenticationError):
    """The device has locked this client's address after too many failed logins."""

    def __init__(self, message, unlock_time=None, **kwargs):
        super(LockedOutError, self).__init__(message, **kwargs)
        self.unlock_time = unlock_time


class NotSupportedError(ISAPIError):
    """The device does not offer this resource (403/404 notSupport, or a plain 404)."""


class PermissionDeniedError(ISAPIError):
    """The account lacks the privilege for this request (lowPrivilege)."""


class DeviceBusyError(ISAPIError):
    """statusCode 2: the device is busy (upgrading, out of memory, reconnecting)."""


class DeviceError(ISAPIError):
    """statusCode 3 (or an HTTP 5xx): the device failed internally."""


class InvalidOperationError(ISAPIError):
    """statusCode 4 for anything but notSupport/lowPrivilege (for example loginPasswordError)."""


class BadRequestError(ISAPIError):
    """statusCode 5 or 6: the device rejected the request body or its values."""


class NotActivatedError(ISAPIError):
    """The device is not activated (after a full factory reset) and has no admin password."""


class DeviceUnreachableError(ISAPIError):
    """No HTTP answer: connection refused or reset, TLS failure, or timeout."""


class MalformedResponseError(ISAPIError):
    """The device answered with something that is not the XML or JSON it should be."""


def _short(exc):
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]
