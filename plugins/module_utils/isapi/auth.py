# -*- coding: utf-8 -*-
# Copyright (c) camops.hikvision contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Authentication: Digest as the device offers it, Basic only when it is the only scheme offered; a 401 is
never retried with the same credentials, and a Digest nonce is used only as often as the device accepts."""

import functools
import re

try:
    import requests
    from requests.auth import HTTPDigestAuth, _basic_auth_str
    from requests.cookies import extract_cookies_to_jar
except ImportError:  # pragma: no cover - exercised by the sanity import test; the client reports it
    HTTPDigestAuth = object

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
        """A stale nonce refused without a challenge: ResponseStatus invalidOperation (docs/isapi.md 1.1)."""
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
