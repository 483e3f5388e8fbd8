# -*- coding: utf-8 -*-
# Copyright (c) camops.hikvision contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The ISAPI client shared by every module of camops.hikvision, split by concern: errors (the exceptions,
each one sentence), xml (parsing without DTDs, lookups by local name, ResponseStatus), auth (Digest and
Basic with the device's lockout in mind) and client (the session, TLS, timeouts and retries).

This package has no Ansible module glue, so that it can be unit-tested on its own. Import from this module
(isapi.api): the package's __init__.py stays empty, as ansible-test's empty-init check wants on ansible-core 2.16.
"""

from ansible_collections.camops.hikvision.plugins.module_utils.isapi.errors import (  # noqa: F401
    AuthenticationError, BadRequestError, DeviceBusyError, DeviceError, DeviceUnreachableError, ISAPIError,
    InvalidOperationError, LockedOutError, MalformedResponseError, NotActivatedError, NotSupportedError,
    PermissionDeniedError,
)
from ansible_collections.camops.hikvision.plugins.module_utils.isapi.xml import (  # noqa: F401
    HAS_XMLTODICT, MAX_XML_BYTES, STATUS_STRINGS, XMLTODICT_IMPORT_ERROR, ISAPIResult, ResponseStatus, XmlDocument,
    as_list, build_xml, parse_xml, xml_bool, xml_get, xml_int, xml_text, xml_value, xml_value_int,
)
from ansible_collections.camops.hikvision.plugins.module_utils.isapi.auth import ISAPIAuth, offered_schemes  # noqa: F401
from ansible_collections.camops.hikvision.plugins.module_utils.isapi.client import (  # noqa: F401
    DEFAULT_BUSY_BACKOFF, DEFAULT_BUSY_RETRIES, DEFAULT_TIMEOUT, HAS_REQUESTS, REQUESTS_IMPORT_ERROR, ISAPIClient,
)

__all__ = (
    'AuthenticationError',
    'BadRequestError',
    'DeviceBusyError',
    'DeviceError',
    'DeviceUnreachableError',
    'ISAPIError',
    'InvalidOperationError',
    'LockedOutError',
    'MalformedResponseError',
    'NotActivatedError',
    'NotSupportedError',
    'PermissionDeniedError',
    'HAS_XMLTODICT',
    'MAX_XML_BYTES',
    'STATUS_STRINGS',
    'XMLTODICT_IMPORT_ERROR',
    'ISAPIResult',
    'ResponseStatus',
    'XmlDocument',
    'as_list',
    'build_xml',
    'parse_xml',
    'xml_bool',
    'xml_get',
    'xml_int',
    'xml_text',
    'xml_value',
    'xml_value_int',
    'ISAPIAuth',
    'offered_schemes',
    'DEFAULT_BUSY_BACKOFF',
    'DEFAULT_BUSY_RETRIES',
    'DEFAULT_TIMEOUT',
    'HAS_REQUESTS',
    'REQUESTS_IMPORT_ERROR',
    'ISAPIClient',
)
