# -*- coding: utf-8 -*-
# Copyright (c) camops.hikvision contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The ISAPI client: one ``requests.Session`` per module run (connection reuse), a timeout on every request,
XML in and out matched by local name, and the device's ResponseStatus turned into exceptions.

Lockout discipline: a 401 is never retried with the same credentials, and a device that says it is locked
gets no further request from this client."""

import functools
import itertools
import json
import ssl
import time
import warnings

try:
    import requests
    from urllib3.exceptions import InsecureRequestWarning, ProtocolError, ReadTimeoutError
    from urllib3.exceptions import SSLError as Urllib3SSLError
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError as exc:  # pragma: no cover - exercised by the sanity import test
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = exc

from ansible_collections.camops.hikvision.plugins.module_utils.isapi.auth import ISAPIAuth
from ansible_collections.camops.hikvision.plugins.module_utils.isapi.errors import (
    AuthenticationError, BadRequestError, DeviceBusyError, DeviceError, DeviceUnreachableError, ISAPIError,
    InvalidOperationError, LockedOutError, MalformedResponseError, NotActivatedError, NotSupportedError,
    PermissionDeniedError, _short,
)
from ansible_collections.camops.hikvision.plugins.module_utils.isapi.xml import (
    MAX_XML_BYTES, STATUS_STRINGS, ISAPIResult, ResponseStatus, XmlDocument, build_xml, parse_xml, xml_int, xml_text,
)

DEFAULT_TIMEOUT = 10
# A whole answer must arrive within this many times the timeout (the timeout bounds each read; a device that sends
# a byte at a time would otherwise hold a task for as long as its answer lasts); a configuration download, which
# may be megabytes on a slow link, within DOWNLOAD_DEADLINE_FACTOR times.
ANSWER_DEADLINE_FACTOR = 3
DOWNLOAD_DEADLINE_FACTOR = 30
DEFAULT_BUSY_RETRIES = 3
DEFAULT_BUSY_BACKOFF = 1.0


def _reached(exc):
    """Whether a request that failed this way may have reached the device: not when the connection was never
    made (refused, or it timed out while connecting)."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return False
    text = repr(exc)
    return 'NewConnectionError' not in text and 'Connection refused' not in text


_CONNECTION_PROBLEMS = (
    ('Connection refused', 'the connection was refused (nothing listens on that port)'),
    ('Name or service not known', 'the host name does not resolve'),
    ('nodename nor servname', 'the host name does not resolve'),
    ('Temporary failure in name resolution', 'the host name does not resolve'),
    ('No address associated', 'the host name does not resolve'),
    ('No route to host', 'there is no route to the address'),
    ('Network is unreachable', 'the network of the address is unreachable'),
    ('Connection reset', 'the device reset the connection'),
    ('RemoteDisconnected', 'the device closed the connection without an answer'),
    ('IncompleteRead', 'the connection closed before the answer was complete'),
    ('InvalidChunkLength', 'the connection closed before the answer was complete'),
)


def _connection_problem(exc, timeout):
    """A failed connection in words of our own: requests' and urllib3's text (pool names, object addresses,
    "Max retries exceeded") is not for users."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return 'no connection within %ss' % timeout
    if isinstance(exc, requests.exceptions.Timeout):
        return 'no answer within %ss' % timeout
    text = repr(exc)
    for marker, words in _CONNECTION_PROBLEMS:
        if marker in text:
            return words
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return 'the connection closed before the answer was complete'
    return 'no answer (the connection failed)'


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


class _Deadline(Exception):
    """The answer did not arrive whole within the request's deadline (the connection is closed)."""

    def __init__(self, seconds):
        Exception.__init__(self, seconds)
        self.seconds = seconds


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
        # Of the writes sent: those the device answered with success, and those whose answer never came (the
        # connection broke or timed out after the request went out), which the device may have applied.
        self.writes_acknowledged = 0
        # The writes the device applied with statusCode 7 (Reboot Required): they take effect after a reboot.
        self.reboot_required = []
        self.writes_unanswered = 0
        self._fatal = None

    # -- public API ----------------------------------------------------------------------------

    @property
    def nonce_max_uses(self):
        """How many requests one Digest nonce may authenticate: as configured, or as this session found
        out from the device's refusal; None when the device has not limited it."""
        return self.auth.nonce_max_uses

    @property
    def refused_login(self):
        """Whether the device refused this client's credentials (a 401 that is not a lockout)."""
        return isinstance(self._fatal, AuthenticationError) and not isinstance(self._fatal, LockedOutError)

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
        response = self._send('GET', path, params=params, data=None, max_bytes=max_bytes,
                              deadline=self.timeout * DOWNLOAD_DEADLINE_FACTOR)
        content = response.content_bytes
        ctype = response.headers.get('content-type', '').lower()
        head = content[:256].lstrip()
        if response.status_code >= 400:  # an error page is never the file, whatever its body
            status = self._status_of(response, content, path, 'GET') if content.strip() else None
            if status is not None and not status.ok:
                self._raise_for_status(status, response, 'GET', path)
            self._raise_for_http(response, 'GET', path)
        labelled = 'xml' in ctype or 'json' in ctype
        if labelled or head.startswith(b'<') or head.startswith(b'{'):
            # An ISAPI answer in place of the file: a ResponseStatus the device sent (whatever it labels it), or a
            # body the device labels XML or JSON. A binary export may begin with '<' or '{' (about one in 256
            # does with '{'): unlabelled and not a ResponseStatus, it is the file.
            status = self._status_of(response, content, path, 'GET')
            if status is not None:
                self._raise_for_status(status, response, 'GET', path)
            if labelled:
                raise MalformedResponseError(self._sentence(
                    'GET', path, 'expected a file but the device answered with a %s document' % ctype.split(';')[0]),
                    host=self.label, method='GET', path=path, http_status=response.status_code)
        if 'text/html' in ctype or head[:9].lower() in (b'<!doctype', b'<html>') or head[:5].lower() == b'<html':
            raise MalformedResponseError(self._sentence('GET', path, 'expected a file but the device answered with '
                                                                     'an HTML page'),
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
        if method != 'GET':
            self.writes_acknowledged += 1
            if status is not None and status.reboot_required:
                self.reboot_required.append('%s %s' % (method, path))
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

    def _send(self, method, path, params=None, data=None, max_bytes=MAX_XML_BYTES, deadline=None):
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
                response.content_bytes = self._read_capped(response, max_bytes, method, path,
                                                           deadline or self.timeout * ANSWER_DEADLINE_FACTOR)
            except _Deadline as exc:
                # Not retried: a device this slow would hold the task as long again. A write it was sent may have
                # been applied.
                if method != 'GET':
                    self.writes_unanswered += 1
                raise DeviceUnreachableError(self._sentence(method, path, 'no whole answer within %ss (the device sent '
                                                            'it too slowly)' % exc.seconds),
                                             host=self.label, method=method, path=path)
            except requests.exceptions.SSLError as exc:
                raise DeviceUnreachableError(self._sentence(method, path, _tls_problem(exc)),
                                             host=self.label, method=method, path=path)
            except (requests.exceptions.ConnectionError, requests.exceptions.Timeout,
                    requests.exceptions.ChunkedEncodingError) as exc:
                if method == 'GET' and attempt <= self.read_retries:
                    self._sleep(min(self.busy_backoff, 1.0))
                    continue
                kind = _connection_problem(exc, self.timeout)
                if method != 'GET' and _reached(exc):
                    self.writes_unanswered += 1
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

    def _read_capped(self, response, max_bytes, method, path, deadline):
        """The answer's body, refused beyond ``max_bytes`` and given up after ``deadline`` seconds in all. With
        urllib3 2 each read returns what has arrived (read1), so a trickle is caught between reads; urllib3 1 has
        no read1, and there each read of up to 64 KiB is bounded by the timeout only."""
        chunks = []
        total = 0
        started = time.monotonic()
        raw_read1 = getattr(response.raw, 'read1', None)
        if raw_read1 is not None:
            def read1():
                # urllib3's own errors, as requests' iter_content would have raised them.
                try:
                    return raw_read1(65536, decode_content=True)
                except ReadTimeoutError as exc:
                    raise requests.exceptions.ReadTimeout(exc)
                except Urllib3SSLError as exc:
                    raise requests.exceptions.SSLError(exc)
                except ProtocolError as exc:
                    raise requests.exceptions.ChunkedEncodingError(exc)
            first = read1()
            if not first:
                # Nothing left to read: an empty body, or one the login already read (a 401's lock status);
                # requests keeps that one as the response's content.
                return response.content or b''
            pieces = itertools.chain([first], iter(read1, b''))
        else:
            pieces = response.iter_content(chunk_size=65536)
        for chunk in pieces:
            total += len(chunk)
            if total > max_bytes:
                response.close()
                raise MalformedResponseError(self._sentence(method, path, 'the answer was larger than %d bytes, so it '
                                                            'was refused' % max_bytes),
                                             host=self.label, method=method, path=path)
            chunks.append(chunk)
            if time.monotonic() - started > deadline:
                response.close()
                raise _Deadline(deadline)
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
        exchanges = list(getattr(response, 'history', None) or []) + [response]
        if not any(getattr(r, 'request', None) is not None and r.request.headers.get('Authorization')
                   for r in exchanges):
            # No credentials went out: the device (or whatever answers there) gave no Digest challenge.
            return DeviceError(
                '%s: %s %s failed: the device answered HTTP 401 without a Digest challenge, so no credentials were '
                'sent; check that the address is the device\'s web service (host, port, protocol).'
                % (self.label, method, path), **common)
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
