# -*- coding: utf-8 -*-
# Copyright (c) camops.hikvision contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The ISAPI client shared by every module of camops.hikvision.

One ``ISAPIClient`` per module run: one ``requests.Session`` (connection reuse), HTTP Digest
(MD5, qop=auth) or Basic as the device's challenge offers, a timeout on every request, XML in
and out matched by local name, and the device's ResponseStatus turned into exceptions.

Lockout discipline: a 401 is never retried with the same credentials, and a device that says it
is locked gets no further request from this client.

This file has no Ansible module glue, so that it can be unit-tested on its own.
"""

import functools
import json
import re
import ssl
import time
import warnings

try:
    import requests
    from requests.auth import HTTPDigestAuth, _basic_auth_str
    from requests.cookies import extract_cookies_to_jar
    from urllib3.exceptions import InsecureRequestWarning
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError as exc:  # pragma: no cover - exercised by the sanity import test
    HTTPDigestAuth = object
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = exc

try:
    import xmltodict
    HAS_XMLTODICT = True
    XMLTODICT_IMPORT_ERROR = None
except ImportError as exc:  # pragma: no cover - exercised by the sanity import test
    HAS_XMLTODICT = False
    XMLTODICT_IMPORT_ERROR = exc


DEFAULT_TIMEOUT = 10
# A device answer larger than this is refused: no ISAPI XML document comes near it, and it keeps a
# hostile or broken device from filling the controller's memory. Binary downloads set their own cap.
MAX_XML_BYTES = 4 * 1024 * 1024
DEFAULT_BUSY_RETRIES = 3
DEFAULT_BUSY_BACKOFF = 1.0

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


# ---------------------------------------------------------------------------------------------
# Exceptions
# ---------------------------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------------------------
# XML helpers: namespace-agnostic, entity-free
# ---------------------------------------------------------------------------------------------

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


def _short(exc):
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]


def _tls_problem(exc):
    """What a failed TLS handshake means for the user, from the ssl error that requests and urllib3 wrap."""
    seen = set()
    stack = [exc]
    while stack:
        err = stack.pop()
        if id(err) in seen:
            continue
        seen.add(id(err))
        if isinstance(err, ssl.SSLCertVerificationError):
            return ("the device's TLS certificate is not trusted (%s); set ca_path to the device's certificate or "
                    "to the CA that signed it, or validate_certs to false" % (err.verify_message or 'verify failed'))
        if isinstance(err, ssl.SSLError) and err.reason:
            return ('the TLS handshake failed (%s); check that the device serves HTTPS on this port'
                    % err.reason.lower().replace('_', ' '))
        linked = list(getattr(err, 'args', ())) + [getattr(err, 'reason', None), err.__cause__, err.__context__]
        stack.extend(item for item in linked if isinstance(item, BaseException))
    return 'TLS error (%s); check validate_certs and ca_path' % _short(exc)


# ---------------------------------------------------------------------------------------------
# ResponseStatus
# ---------------------------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------------------------
# Authentication: Digest as offered, Basic only when it is the only scheme offered
# ---------------------------------------------------------------------------------------------

_SCHEME_RE = re.compile(r'(?:^|,)\s*(digest|basic)\b', re.IGNORECASE)


def offered_schemes(header):
    """The auth schemes named by a WWW-Authenticate header, lower case."""
    return set(m.group(1).lower() for m in _SCHEME_RE.finditer(header or ''))


def _locked_body(response):
    body = response.content or b''
    return b'<lockStatus>lock' in body or b'"lockStatus": "lock' in body or b'"lockStatus":"lock' in body


class ISAPIAuth(HTTPDigestAuth):
    """requests auth handler with the device's lockout in mind.

    * The first request goes without credentials; the device's challenge picks the scheme:
      Digest whenever offered, Basic only when it is the only scheme offered.
    * A challenge that already says the address is locked is not answered with credentials.
    * With a cached Digest nonce, requests carry credentials pre-emptively, at most ``nonce_max_uses``
      times per nonce when that is set; the next request goes without credentials to fetch a new
      challenge (an unauthenticated request, which no device counts as a failed login).
    * A 401 to a pre-emptive request is retried once, with a new nonce, only when it is a nonce renewal,
      not a second password attempt: a challenge with ``stale=true``, or a 401 with no challenge at all,
      which is how some firmware (DS-K1T342MWX V4.48.40) refuses the third use of a nonce whose first
      uses it accepted moments before. After a refusal of that kind the client uses each nonce only as
      many times as the device accepted (``nonce_max_uses``), and calls ``on_nonce_limit`` with it.
      Any other 401 is final.
    """

    def __init__(self, username, password, nonce_max_uses=None, on_nonce_limit=None):
        super(ISAPIAuth, self).__init__(username, password)
        self.scheme = None
        self.nonce_max_uses = nonce_max_uses
        self.nonce_refusals = 0
        self.on_nonce_limit = on_nonce_limit

    def __call__(self, r):
        self.init_per_thread_state()
        preemptive = False
        if self.scheme == 'basic':
            r.headers['Authorization'] = _basic_auth_str(self.username, self.password)
            return r
        if self.scheme == 'digest' and self._thread_local.last_nonce and not self._nonce_spent():
            r.headers['Authorization'] = self.build_digest_header(r.method, r.url)
            preemptive = True
        try:
            self._thread_local.pos = r.body.tell()
        except AttributeError:
            self._thread_local.pos = None
        r.register_hook('response', functools.partial(self._on_response, preemptive=preemptive))
        return r

    def _nonce_spent(self):
        return self.nonce_max_uses is not None and self._thread_local.nonce_count >= self.nonce_max_uses

    def _resend(self, r, header, **kwargs):
        """Send r's request again with the Authorization ``header`` (none: without credentials)."""
        if self._thread_local.pos is not None:
            r.request.body.seek(self._thread_local.pos)
        r.content  # pylint: disable=pointless-statement
        r.close()
        prep = r.request.copy()
        extract_cookies_to_jar(prep._cookies, r.request, r.raw)
        prep.prepare_cookies(prep._cookies)
        if header is None:
            prep.headers.pop('Authorization', None)
        else:
            prep.headers['Authorization'] = header
        new = r.connection.send(prep, **kwargs)
        new.history = list(r.history) + [r]
        new.request = prep
        return new

    @staticmethod
    def _nonce_expired_body(r):
        """A stale nonce refused without a challenge: ResponseStatus invalidOperation (isapi.md 1.1)."""
        body = r.content or b''
        return b'ResponseStatus' in body[:512] and b'invalidOperation' in body

    def _on_response(self, r, preemptive=False, **kwargs):
        if r.status_code != 401:
            return r
        challenge = r.headers.get('www-authenticate', '')
        schemes = offered_schemes(challenge)
        if _locked_body(r):
            return r
        if preemptive:
            if 'digest' in schemes and re.search(r'stale\s*=\s*"?true', challenge, re.IGNORECASE):
                self._thread_local.chal = requests.utils.parse_dict_header(
                    re.sub(r'^\s*digest\s*', '', challenge, flags=re.IGNORECASE))
                self._thread_local.nonce_count = 0
                return self._resend(r, self.build_digest_header(r.request.method, r.request.url), **kwargs)
            if not challenge.strip():
                # The nonce was accepted moments ago with this password: a refusal with no challenge is the
                # device's limit on a nonce's uses (or its age), not a verdict on the password.
                self.nonce_refusals += 1
                if not self._nonce_expired_body(r):
                    used = self._thread_local.nonce_count - 1
                    self.nonce_max_uses = max(1, min(used, self.nonce_max_uses or used))
                    if self.on_nonce_limit is not None:
                        self.on_nonce_limit(self.nonce_max_uses)
                fresh = self._resend(r, None, **kwargs)
                if fresh.status_code != 401 or 'digest' not in offered_schemes(fresh.headers.get('www-authenticate')):
                    return fresh
                return self._on_response(fresh, preemptive=False, **kwargs)
            return r
        if 'digest' in schemes:
            self.scheme = 'digest'
            digest_part = challenge[challenge.lower().index('digest') + len('digest'):]
            digest_part = re.split(r',\s*basic\b', digest_part, flags=re.IGNORECASE)[0]
            self._thread_local.chal = requests.utils.parse_dict_header(digest_part)
            return self._resend(r, self.build_digest_header(r.request.method, r.request.url), **kwargs)
        if 'basic' in schemes:
            self.scheme = 'basic'
            return self._resend(r, _basic_auth_str(self.username, self.password), **kwargs)
        return r


# ---------------------------------------------------------------------------------------------
# The client
# ---------------------------------------------------------------------------------------------

class ISAPIClient(object):
    """One device, one session. Not thread-safe; a module run uses one client at a time."""

    def __init__(self, host, username='admin', password=None, port=None, protocol='http',
                 validate_certs=True, ca_path=None, timeout=DEFAULT_TIMEOUT,
                 busy_retries=DEFAULT_BUSY_RETRIES, busy_backoff=DEFAULT_BUSY_BACKOFF,
                 read_retries=1, sleep=time.sleep, nonce_max_uses=None, on_nonce_limit=None):
        if not HAS_REQUESTS:
            raise ISAPIError('the Python library requests is required')
        if protocol not in ('http', 'https'):
            raise ValueError('protocol must be http or https')
        if not host:
            raise ValueError('host is required')
        self.host = host
        self.username = username
        self.protocol = protocol
        self.port = port or (443 if protocol == 'https' else 80)
        self.timeout = timeout
        self.busy_retries = busy_retries
        self.busy_backoff = busy_backoff
        self.read_retries = read_retries
        self._sleep = sleep
        host_part = '[%s]' % host if ':' in host and not host.startswith('[') else host
        default_port = 443 if protocol == 'https' else 80
        self.base_url = '%s://%s%s' % (protocol, host_part, '' if self.port == default_port else ':%d' % self.port)
        self.session = requests.Session()
        self.session.trust_env = False
        if validate_certs and ca_path:
            self.session.verify = ca_path
        else:
            self.session.verify = bool(validate_certs)
        self.session.headers['Accept'] = 'application/xml, application/json;q=0.9, */*;q=0.5'
        if nonce_max_uses is not None and nonce_max_uses < 1:
            raise ValueError('nonce_max_uses must be at least 1')
        self.auth = ISAPIAuth(username, password or '', nonce_max_uses=nonce_max_uses,
                              on_nonce_limit=on_nonce_limit and functools.partial(on_nonce_limit, self))
        self.session.auth = self.auth
        self.namespace = None
        self.version = None
        self.requests_sent = 0
        self.writes_sent = 0
        self._fatal = None

    # -- public API ----------------------------------------------------------------------------

    @property
    def nonce_max_uses(self):
        """How many requests one Digest nonce may authenticate: as configured, or as this session found
        out from the device's refusal; None when the device has not limited it."""
        return self.auth.nonce_max_uses

    @property
    def label(self):
        return self.host if self.port in (80, 443) else '%s:%s' % (self.host, self.port)

    def get(self, path, params=None):
        """GET an XML (or JSON) resource; returns an XmlDocument (or the decoded JSON).

        An answer without the resource (an empty body, or a bare ResponseStatus) is a MalformedResponseError:
        nothing is read from a document the device did not send."""
        document = self.request('GET', path, params=params).document
        if document is None or (isinstance(document, XmlDocument) and document.root == 'ResponseStatus'):
            what = 'an empty answer' if document is None else 'a ResponseStatus instead of the document'
            raise MalformedResponseError(self._sentence('GET', path, 'the device sent %s' % what),
                                         host=self.label, method='GET', path=path)
        return document

    def get_optional(self, path, params=None):
        """GET a resource the device may not offer; None when it answers not supported, or with an answer that
        cannot be read (empty, malformed): an optional document nobody can read is one the device did not give."""
        try:
            return self.get(path, params=params)
        except (NotSupportedError, MalformedResponseError):
            return None

    def put(self, path, root=None, body=None, params=None, like=None, data=None):
        return self.request('PUT', path, params=params, data=self._body(root, body, like, data))

    def post(self, path, root=None, body=None, params=None, like=None, data=None):
        return self.request('POST', path, params=params, data=self._body(root, body, like, data))

    def delete(self, path, params=None):
        return self.request('DELETE', path, params=params)

    def download(self, path, params=None, max_bytes=256 * 1024 * 1024):
        """GET a binary resource. A ResponseStatus in its place is an error, never data."""
        response = self._send('GET', path, params=params, data=None, max_bytes=max_bytes)
        content = response.content_bytes
        ctype = response.headers.get('content-type', '').lower()
        head = content[:256].lstrip()
        if response.status_code >= 400:  # an error page is never the file, whatever its body
            status = self._status_of(response, content, path, 'GET') if content.strip() else None
            if status is not None and not status.ok:
                self._raise_for_status(status, response, 'GET', path)
            self._raise_for_http(response, 'GET', path)
        if 'xml' in ctype or 'json' in ctype or head.startswith(b'<?xml') or head.startswith(b'<ResponseStatus') \
                or head.startswith(b'{'):
            status = self._status_of(response, content, path, 'GET')
            if status is not None:
                self._raise_for_status(status, response, 'GET', path)
            raise MalformedResponseError(self._sentence(
                'GET', path, 'expected a file but the device answered with a %s document' % (ctype or 'text')),
                host=self.label, method='GET', path=path, http_status=response.status_code)
        if not content:
            raise MalformedResponseError(self._sentence('GET', path, 'the device answered with an empty body'),
                                         host=self.label, method='GET', path=path,
                                         http_status=response.status_code)
        return content, response.headers.get('content-type')

    def request(self, method, path, params=None, data=None):
        """Send one ISAPI request and return an ISAPIResult, raising ISAPIError on any failure."""
        response = self._send(method, path, params=params, data=data)
        content = response.content_bytes
        document = None
        status = None
        if content.strip():
            document, status = self._decode(response, content, method, path)
        if status is not None and not status.ok:
            self._raise_for_status(status, response, method, path)
        if response.status_code >= 400:
            self._raise_for_http(response, method, path)
        if isinstance(document, XmlDocument) and self.namespace is None and document.namespace:
            self.namespace = document.namespace
            self.version = document.version
        return ISAPIResult(status=status, document=document, http_status=response.status_code)

    def check_credentials(self):
        """GET /ISAPI/Security/userCheck; raises AuthenticationError/LockedOutError on refusal."""
        return self.get('/ISAPI/Security/userCheck')

    def close(self):
        self.session.close()

    # -- internals -----------------------------------------------------------------------------

    def _body(self, root, body, like, data):
        if data is not None:
            return data
        namespace = like.namespace if like is not None and like.namespace else self.namespace
        version = like.version if like is not None and like.version else self.version
        return build_xml(root, body, namespace=namespace, version=version)

    def _sentence(self, method, path, what):
        return '%s: %s %s failed: %s.' % (self.label, method, path, what)

    def _send(self, method, path, params=None, data=None, max_bytes=MAX_XML_BYTES):
        if self._fatal is not None:
            raise self._fatal
        if not path.startswith('/'):
            path = '/' + path
        url = self.base_url + path
        headers = {}
        if data is not None:
            headers['Content-Type'] = 'application/xml; charset="UTF-8"'
        attempt = 0
        busy_attempt = 0
        while True:
            attempt += 1
            self.requests_sent += 1
            if method != 'GET':
                self.writes_sent += 1
            try:
                response = self._request(method, url, params=params, data=data, headers=headers)
                response.content_bytes = self._read_capped(response, max_bytes, method, path)
            except requests.exceptions.SSLError as exc:
                raise DeviceUnreachableError(self._sentence(method, path, _tls_problem(exc)),
                                             host=self.label, method=method, path=path)
            except (requests.exceptions.ConnectionError, requests.exceptions.Timeout,
                    requests.exceptions.ChunkedEncodingError) as exc:
                if method == 'GET' and attempt <= self.read_retries:
                    self._sleep(min(self.busy_backoff, 1.0))
                    continue
                kind = 'timed out after %ss' % self.timeout if isinstance(exc, requests.exceptions.Timeout) \
                    else 'no answer (%s)' % _short(exc)
                raise DeviceUnreachableError(self._sentence(method, path, kind),
                                             host=self.label, method=method, path=path)
            # requests counts the challenge round trip as part of one call; count what went out.
            self.requests_sent += len(response.history)
            if response.status_code == 401:
                self._fatal = self._auth_error(response, method, path)
                raise self._fatal
            if self._is_busy(response) and busy_attempt < self.busy_retries:
                busy_attempt += 1
                self._sleep(self.busy_backoff * (2 ** (busy_attempt - 1)))
                continue
            return response

    def _request(self, method, url, **kwargs):
        kwargs.update(timeout=self.timeout, stream=True, allow_redirects=False)
        if self.session.verify is not False:
            return self.session.request(method, url, **kwargs)
        with warnings.catch_warnings():  # the user turned certificate checks off: no warning per request
            warnings.simplefilter('ignore', InsecureRequestWarning)
            return self.session.request(method, url, **kwargs)

    @staticmethod
    def _read_capped(response, max_bytes, method, path):
        chunks = []
        total = 0
        for chunk in response.iter_content(chunk_size=65536):
            total += len(chunk)
            if total > max_bytes:
                response.close()
                raise MalformedResponseError('%s %s: the device sent more than %d bytes, refused'
                                             % (method, path, max_bytes), method=method, path=path)
            chunks.append(chunk)
        return b''.join(chunks)

    def _is_busy(self, response):
        if response.status_code == 503:
            return True
        content = response.content_bytes
        if b'statusCode' not in content:
            return False
        try:
            _doc, status = self._decode(response, content, None, None)
        except MalformedResponseError:
            return False
        return status is not None and status.status_code == 2

    def _decode(self, response, content, method, path):
        ctype = response.headers.get('content-type', '').lower()
        head = content.lstrip()[:1]
        if 'json' in ctype or head in (b'{', b'['):
            try:
                data = json.loads(content.decode('utf-8'))
            except (ValueError, UnicodeDecodeError) as exc:
                raise MalformedResponseError(self._sentence(method, path, 'malformed JSON (%s)' % _short(exc)),
                                             host=self.label, method=method, path=path,
                                             http_status=response.status_code)
            return data, ResponseStatus.from_json(data)
        if head == b'<':
            try:
                doc = parse_xml(content, source=self.label)
            except MalformedResponseError as exc:
                if content.lstrip()[:9].lower() in (b'<!doctype', b'<html>') or b'<html' in content[:200].lower():
                    if response.status_code >= 400:
                        return None, None  # an HTML error page; judged on the HTTP status
                raise MalformedResponseError(self._sentence(method, path, str(exc)), host=self.label,
                                             method=method, path=path, http_status=response.status_code)
            return doc, ResponseStatus.from_xml(doc)
        if response.status_code >= 400:
            return None, None
        raise MalformedResponseError(self._sentence(method, path, 'the device answered with neither XML nor JSON'),
                                     host=self.label, method=method, path=path,
                                     http_status=response.status_code)

    def _status_of(self, response, content, path, method):
        try:
            _doc, status = self._decode(response, content, method, path)
        except MalformedResponseError:
            return None
        return status

    def _auth_error(self, response, method, path):
        content = response.content_bytes
        lock_status = None
        unlock_time = None
        retry = None
        status = None
        try:
            doc, status = self._decode(response, content, method, path) if content.strip() else (None, None)
        except MalformedResponseError:
            doc = None
        if isinstance(doc, XmlDocument):
            lock_status = xml_text(doc.get('lockStatus'))
            unlock_time = xml_int(doc.get('unlockTime'))
            if unlock_time is None:
                unlock_time = xml_int(doc.get('resLockTime'))
            retry = xml_int(doc.get('retryLoginTime'))
            if retry is None:
                retry = xml_int(doc.get('retryTimes'))
        elif isinstance(doc, dict):
            lock_status = doc.get('lockStatus')
            unlock_time = doc.get('unlockTime', doc.get('resLockTime'))
            retry = doc.get('retryLoginTime', doc.get('retryTimes'))
        common = dict(host=self.label, method=method, path=path, http_status=401,
                      status_code=status.status_code if status else None,
                      sub_status_code=status.sub_status_code if status else None)
        if lock_status in ('lock', 'locked'):
            when = 'unlock in %s s' % unlock_time if unlock_time is not None else 'unlock time not reported'
            return LockedOutError(
                '%s: locked out after too many failed logins, %s; no further request was sent to it.'
                % (self.label, when), unlock_time=unlock_time, **common)
        attempts = '' if retry is None else ' (%d attempts left before the device locks this address)' % retry
        return AuthenticationError(
            '%s: %s %s failed: the device refused the credentials for user %r (HTTP 401)%s; '
            'they were not retried.' % (self.label, method, path, self.username, attempts),
            retry_login_time=retry, **common)

    def _raise_for_status(self, status, response, method, path):
        code = status.status_code
        sub = status.sub_status_code or ''
        detail = 'HTTP %s, statusCode %s (%s), subStatusCode %s' % (
            response.status_code, code, status.status_string or STATUS_STRINGS.get(code, 'unknown'), sub or '-')
        if status.error_msg and status.error_msg != sub:
            detail += ', errorMsg %s' % status.error_msg
        kwargs = dict(host=self.label, method=method, path=path, http_status=response.status_code,
                      status_code=code, sub_status_code=status.sub_status_code, error_msg=status.error_msg,
                      error_code=status.error_code)
        if code == 2:
            cls = DeviceBusyError
        elif code in (3, 9):
            cls = DeviceError
        elif code == 4:
            if sub == 'notSupport' or response.status_code == 404 or \
                    (sub == 'invalidOperation' and response.status_code == 403 and method == 'GET'):
                cls = NotSupportedError
            elif sub == 'lowPrivilege':
                cls = PermissionDeniedError
            elif sub == 'notActivated':
                cls = NotActivatedError
            elif sub == 'badAuthorization':
                cls = AuthenticationError
            else:
                cls = InvalidOperationError
        elif code in (5, 6):
            cls = BadRequestError
        else:
            cls = ISAPIError
        raise cls(self._sentence(method, path, 'the device answered ' + detail), **kwargs)

    def _raise_for_http(self, response, method, path):
        code = response.status_code
        kwargs = dict(host=self.label, method=method, path=path, http_status=code)
        if code in (403, 404, 405, 501):
            raise NotSupportedError(self._sentence(method, path, 'the device does not support it (HTTP %d)' % code),
                                    **kwargs)
        if code == 503:
            raise DeviceBusyError(self._sentence(method, path, 'the device stayed busy (HTTP 503)'), **kwargs)
        if code >= 500:
            raise DeviceError(self._sentence(method, path, 'device error (HTTP %d)' % code), **kwargs)
        raise ISAPIError(self._sentence(method, path, 'unexpected HTTP %d' % code), **kwargs)
