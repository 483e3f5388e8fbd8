# -*- coding: utf-8 -*-
# Copyright (c) camops.hikvision contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""ISAPI XML and ResponseStatus: namespace-agnostic (matched by local name), DTDs and entities refused."""

import re

try:
    import xmltodict
    HAS_XMLTODICT = True
    XMLTODICT_IMPORT_ERROR = None
except ImportError as exc:  # pragma: no cover - exercised by the sanity import test
    HAS_XMLTODICT = False
    XMLTODICT_IMPORT_ERROR = exc

from ansible_collections.camops.hikvision.plugins.module_utils.isapi.errors import MalformedResponseError, _short

# A device answer larger than this is refused: no ISAPI XML document comes near it, and it keeps a
# hostile or broken device from filling the controller's memory. Binary downloads set their own cap.
MAX_XML_BYTES = 4 * 1024 * 1024

STATUS_STRINGS = {
    0: 'OK',
    1: 'OK',
    2: 'Device Busy',
    3: 'Device Error',
    4: 'Invalid Operation',
    5: 'Invalid XML Format',
    6: 'Invalid XML Content',
    7: 'Reboot Required',
    9: 'Additional Error',
}


_DOCTYPE_RE = re.compile(br'<!(DOCTYPE|ENTITY)', re.IGNORECASE)


def _strip_prefix(name):
    if ':' in name and not name.startswith('@xmlns'):
        return name.split(':', 1)[1]
    return name


def _postprocessor(path, key, value):
    if key.startswith('@xmlns'):
        return None
    if key.startswith('@'):
        return '@' + _strip_prefix(key[1:]), value
    return _strip_prefix(key), value


class XmlDocument(object):
    """A parsed ISAPI XML document.

    ``root`` is the root element's local name, ``body`` its content as a dict (namespace
    declarations removed, prefixes stripped, so lookups are by local name), ``namespace`` and
    ``version`` are what the device declared on the root, so that a request body can echo them.
    """

    def __init__(self, root, body, namespace=None, version=None):
        self.root = root
        self.body = body if isinstance(body, dict) else ({'#text': body} if body is not None else {})
        self.namespace = namespace
        self.version = version

    def get(self, *path, **kwargs):
        return xml_get(self.body, *path, **kwargs)

    def __repr__(self):
        return 'XmlDocument(%r, ns=%r, version=%r)' % (self.root, self.namespace, self.version)


def parse_xml(data, source='device'):
    """Parse an XML document from a device; refuse DTDs and entities, never expand them."""
    if not HAS_XMLTODICT:
        raise MalformedResponseError('xmltodict is required to parse ISAPI XML')
    if isinstance(data, str):
        data = data.encode('utf-8')
    if len(data) > MAX_XML_BYTES:
        raise MalformedResponseError('%s sent an XML document of %d bytes, more than the %d allowed'
                                     % (source, len(data), MAX_XML_BYTES))
    if _DOCTYPE_RE.search(data):
        raise MalformedResponseError('%s sent XML with a DTD or entity declaration, which is refused '
                                     '(no entity is ever expanded)' % source)
    try:
        raw = xmltodict.parse(data, disable_entities=True, process_namespaces=False)
    except Exception as exc:  # expat errors, ValueError for entities
        raise MalformedResponseError('%s sent malformed XML (%s)' % (source, _short(exc)))
    if not isinstance(raw, dict) or len(raw) != 1:
        raise MalformedResponseError('%s sent XML without a single root element' % source)
    (root_name, content), = raw.items()
    namespace = None
    version = None
    if isinstance(content, dict):
        for key, value in content.items():
            if key == '@xmlns' or key.startswith('@xmlns:'):
                namespace = namespace or value
        version = content.get('@version')
    body = _clean(content)
    return XmlDocument(_strip_prefix(root_name), body, namespace, version)


def _clean(value):
    """Apply the namespace-stripping postprocessor recursively (xmltodict's hook is per item)."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            processed = _postprocessor(None, key, item)
            if processed is None:
                continue
            new_key, new_value = processed
            out[new_key] = _clean(new_value)
        return out
    if isinstance(value, list):
        return [_clean(item) for item in value]
    return value


def xml_get(node, *path, **kwargs):
    """Walk ``path`` (local names) through a parsed document; return ``default`` when absent.

    A list met on the way is walked through its first element.
    """
    default = kwargs.get('default')
    current = node
    for key in path:
        if isinstance(current, list):
            current = current[0] if current else None
        if not isinstance(current, dict) or key not in current:
            return default
        current = current[key]
    return default if current is None else current


def xml_text(value, default=None):
    """The text of an element: plain strings as they are, ``{'#text': ...}`` unwrapped."""
    if isinstance(value, dict):
        value = value.get('#text')
    if value is None:
        return default
    return str(value).strip()


def xml_bool(value, default=None):
    """ISAPI booleans: ``true``/``false`` in lower case; anything else is ``default``."""
    text = xml_text(value)
    if text is None:
        return default
    text = text.lower()
    if text in ('true', '1', 'yes'):
        return True
    if text in ('false', 'flase', '0', 'no'):
        return False
    return default


def xml_int(value, default=None):
    text = xml_text(value)
    try:
        return int(text)
    except (TypeError, ValueError):
        return default


def xml_value(value, default=None):
    """A capability's value: its text, else its ``def`` attribute.

    Some firmware states a capability only as attributes (``<maxIllegalLoginTimes min="3" max="20" def="7"/>``):
    the value in force is then the default the device declares.
    """
    text = xml_text(value)
    if text is None and isinstance(value, dict):
        text = xml_text(value.get('@def'))
    return default if text in (None, '') else text


def xml_value_int(value, default=None):
    try:
        return int(xml_value(value))
    except (TypeError, ValueError):
        return default


def as_list(value):
    """A repeated element is a list, a single one a dict, a missing one None: always a list."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]


def build_xml(root, body, namespace=None, version=None):
    """Serialise ``body`` (ordered dict of local names) under ``root``, echoing namespace/version."""
    content = {}
    if version:
        content['@version'] = version
    if namespace:
        content['@xmlns'] = namespace
    content.update(body or {})
    return xmltodict.unparse({root: content}, encoding='UTF-8', full_document=True).encode('utf-8')


class ResponseStatus(object):
    """The device's verdict on a request, from the XML or JSON ResponseStatus form."""

    def __init__(self, status_code, status_string=None, sub_status_code=None, error_msg=None,
                 error_code=None, request_url=None, new_id=None):
        self.status_code = status_code
        self.status_string = status_string
        self.sub_status_code = sub_status_code
        self.error_msg = error_msg
        self.error_code = error_code
        self.request_url = request_url
        self.id = new_id

    @property
    def ok(self):
        return self.status_code in (0, 1, 7)

    @property
    def reboot_required(self):
        return self.status_code == 7

    @classmethod
    def from_xml(cls, doc):
        if doc.root != 'ResponseStatus':
            return None
        return cls(
            status_code=xml_int(doc.get('statusCode')),
            status_string=xml_text(doc.get('statusString')),
            sub_status_code=xml_text(doc.get('subStatusCode')),
            error_msg=xml_text(doc.get('errorMsg')),
            error_code=xml_text(doc.get('errorCode')),
            request_url=xml_text(doc.get('requestURL')),
            new_id=xml_text(doc.get('id')) or xml_text(doc.get('ID')),
        )

    @classmethod
    def from_json(cls, data):
        if not isinstance(data, dict):
            return None
        node = data.get('ResponseStatus', data)
        if not isinstance(node, dict) or 'statusCode' not in node:
            return None
        try:
            code = int(node.get('statusCode'))
        except (TypeError, ValueError):
            code = None
        return cls(
            status_code=code,
            status_string=node.get('statusString'),
            sub_status_code=node.get('subStatusCode'),
            error_msg=node.get('errorMsg'),
            error_code=node.get('errorCode'),
            request_url=node.get('requestURL'),
            new_id=node.get('id') or node.get('ID'),
        )


class ISAPIResult(object):
    """What a successful write returned: the ResponseStatus fields that matter to a module."""

    def __init__(self, status=None, document=None, http_status=None):
        self.status = status
        self.document = document
        self.http_status = http_status

    @property
    def reboot_required(self):
        return bool(self.status and self.status.reboot_required)

    @property
    def id(self):
        return self.status.id if self.status else None
