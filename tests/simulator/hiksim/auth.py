"""HTTP Digest (MD5, qop=auth) and Basic, nonces and the per-address illegal-login lock."""

import base64
import hashlib
import os
import re
import threading
import time

_PARAM_RE = re.compile(r'(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))')


def md5_hex(text):
    return hashlib.md5(text.encode('utf-8')).hexdigest()  # nosec - Digest MD5 is what devices use


def parse_auth_header(header):
    """Return (scheme, params) of an Authorization header."""
    if not header:
        return None, {}
    scheme, dummy, rest = header.strip().partition(' ')
    params = {}
    for match in _PARAM_RE.finditer(rest):
        params[match.group(1).lower()] = match.group(2) if match.group(2) is not None else match.group(3)
    return scheme.lower(), params


class Outcome(object):
    """Result of checking a request's credentials."""

    OK = 'ok'
    CHALLENGE = 'challenge'      # no credentials: answer with a challenge, not counted
    STALE = 'stale'              # right form, old nonce: new challenge with stale=TRUE, not counted
    OVERUSED = 'overused'        # right password, a nonce used nonce_max_uses times already: 401 with no
    #                              new challenge (FW V4.48.40 terminals); counted when nonce_overuse_counts
    FAILED = 'failed'            # wrong user/password: counted toward the lock
    LOCKED = 'locked'            # the address is locked: refused whatever the credentials

    def __init__(self, kind, user=None, retry_left=None, unlock_in=None, triggered=False):
        self.kind = kind
        self.triggered = triggered
        self.user = user
        self.retry_left = retry_left
        self.unlock_in = unlock_in


class Authenticator(object):
    """One per device. ``mode`` is digest, digest/basic or basic (the device's WEB auth setting)."""

    def __init__(self, realm, mode='digest', nonce_ttl=600, nonce_max_uses=None, nonce_overuse_counts=True,
                 clock=time.time):
        self.realm = realm
        self.mode = mode
        self.nonce_ttl = nonce_ttl
        # A nonce's uses beyond nonce_max_uses are refused with 401 and no challenge, as by DS-K1T342MWX FW
        # V4.48.40 (docs/isapi.md 1.1). Whether such a device counts that refusal as a failed login is not known:
        # by default it does here (the worst case).
        self.nonce_max_uses = nonce_max_uses
        self.nonce_overuse_counts = nonce_overuse_counts
        self.clock = clock
        self.max_failures = 5
        self.lock_seconds = 1800
        self.lock_enabled = True
        self._nonces = {}
        self._failures = {}
        self._locked_until = {}
        self._lock = threading.Lock()

    # -- lockout -----------------------------------------------------------------------------

    def lock_remaining(self, address):
        with self._lock:
            until = self._locked_until.get(address)
            if until is None:
                return 0
            left = int(round(until - self.clock()))
            if left <= 0:
                del self._locked_until[address]
                self._failures.pop(address, None)
                return 0
            return left

    def lock_for(self, address, seconds):
        """Lock ``address`` out for ``seconds``, as after its failed logins (the tests' locked-out device)."""
        with self._lock:
            self._locked_until[address] = self.clock() + seconds

    def unlock_all(self):
        with self._lock:
            self._locked_until.clear()
            self._failures.clear()

    def lock_state(self):
        with self._lock:
            now = self.clock()
            return dict(
                failures=dict(self._failures),
                locked=dict((ip, int(round(until - now))) for ip, until in self._locked_until.items() if until > now),
            )

    def _record_failure(self, address):
        with self._lock:
            count = self._failures.get(address, 0) + 1
            self._failures[address] = count
            if self.lock_enabled and count >= self.max_failures:
                self._locked_until[address] = self.clock() + self.lock_seconds
                return Outcome(Outcome.LOCKED, retry_left=0, unlock_in=self.lock_seconds, triggered=True)
            left = max(self.max_failures - count, 0) if self.lock_enabled else None
            return Outcome(Outcome.FAILED, retry_left=left)

    def _record_success(self, address):
        with self._lock:
            self._failures.pop(address, None)

    # -- challenges ----------------------------------------------------------------------------

    def new_nonce(self):
        nonce = '%s:%d' % (os.urandom(16).hex(), int(self.clock() * 1000))
        with self._lock:
            self._nonces[nonce] = [self.clock(), 0]
            if len(self._nonces) > 4096:  # bounded memory: forget the oldest
                for key in sorted(self._nonces, key=lambda k: self._nonces[k][0])[:1024]:
                    del self._nonces[key]
        return nonce

    def challenge_headers(self, stale=False):
        headers = []
        if self.mode in ('digest', 'digest/basic'):
            headers.append('Digest realm="%s", domain="::", qop="auth", nonce="%s", opaque="", algorithm="MD5", '
                           'stale="%s"' % (self.realm, self.new_nonce(), 'TRUE' if stale else 'FALSE'))
        if self.mode in ('basic', 'digest/basic'):
            headers.append('Basic realm="%s"' % self.realm)
        return headers

    # -- verification --------------------------------------------------------------------------

    def check(self, method, uri, header, address, users):
        """Check one request. ``users`` maps user name -> password (enabled accounts only)."""
        remaining = self.lock_remaining(address)
        if remaining:
            return Outcome(Outcome.LOCKED, retry_left=0, unlock_in=remaining)
        scheme, params = parse_auth_header(header)
        if scheme == 'digest' and self.mode in ('digest', 'digest/basic'):
            return self._check_digest(method, uri, params, address, users)
        if scheme == 'basic' and self.mode in ('basic', 'digest/basic'):
            try:
                decoded = base64.b64decode(header.split(' ', 1)[1].strip()).decode('utf-8')
                name, dummy, password = decoded.partition(':')
            except Exception:  # any garbage counts as a failed login
                return self._record_failure(address)
            if name in users and password in _accepted(users[name]):
                self._record_success(address)
                return Outcome(Outcome.OK, user=name)
            return self._record_failure(address)
        return Outcome(Outcome.CHALLENGE)

    def _check_digest(self, method, uri, p, address, users):
        nonce = p.get('nonce')
        with self._lock:
            entry = self._nonces.get(nonce)
            fresh = entry is not None and self.clock() - entry[0] <= self.nonce_ttl
            overused = fresh and self.nonce_max_uses is not None and entry[1] >= self.nonce_max_uses
            if fresh and not overused:
                entry[1] += 1
        name = p.get('username')
        if p.get('uri') != uri or p.get('realm') != self.realm:
            return self._record_failure(address)
        password = users.get(name)
        if password is None:
            return self._record_failure(address) if fresh else Outcome(Outcome.STALE)
        ha2 = md5_hex('%s:%s' % (method, uri))
        matched = False
        for accepted in _accepted(password):  # a device that keeps an old password accepts either
            ha1 = md5_hex('%s:%s:%s' % (name, self.realm, accepted))
            if p.get('qop'):
                fields = (ha1, nonce, p.get('nc', ''), p.get('cnonce', ''), p['qop'], ha2)
                expected = md5_hex('%s:%s:%s:%s:%s:%s' % fields)
            else:
                expected = md5_hex('%s:%s:%s' % (ha1, nonce, ha2))
            matched = matched or expected == p.get('response')
        if not matched:
            # A wrong password is a failure whatever the nonce; a right one with an old nonce is stale.
            return self._record_failure(address)
        if not fresh:
            return Outcome(Outcome.STALE)
        if overused:
            if self.nonce_overuse_counts:
                outcome = self._record_failure(address)
                if outcome.kind == Outcome.LOCKED:
                    return outcome
                return Outcome(Outcome.OVERUSED, retry_left=outcome.retry_left, triggered=True)
            return Outcome(Outcome.OVERUSED)
        self._record_success(address)
        return Outcome(Outcome.OK, user=name)


def _accepted(password):
    """The passwords a user's entry accepts: one, or several (a device that keeps the old one after a change)."""
    return tuple(password) if isinstance(password, (list, tuple)) else (password,)
