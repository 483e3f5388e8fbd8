# -*- coding: utf-8 -*-
# Copyright (c) camops.hikvision contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Cloud-account providers: the small interface every provider implements, its transport (token life,
bounded back-off), normalised errors, and the provider-independent ``state=absent`` algorithm.

A provider subclass supplies its URL table, encoding and error map (``_send``, ``_fetch_token``,
``_classify``) and the five operations: ``lookup``, ``ownership``, ``list_shares``, ``remove_share``,
``unbind``, plus ``site_remaining`` when it has site-wide shares (hik_partner_pro.py, ezviz_open.py and
hik_connect_teams.py are the three).
"""

import time

try:
    from urllib.parse import urlsplit
except ImportError:  # pragma: no cover - Python 2 is not supported by this collection
    from urlparse import urlsplit  # type: ignore

try:
    import requests
    HAS_REQUESTS = True
except ImportError:  # pragma: no cover - checked by the module
    HAS_REQUESTS = False

# Owner of a serial, as far as the provider can tell.
OWNER_THIS = 'this_account'
OWNER_OTHER = 'other_account'
OWNER_NONE = 'no_account'
OWNER_UNKNOWN = 'unknown'
OWNER_NOT_EXIST = 'not_exist'


class CloudError(Exception):
    """A provider answered with an error (or could not be reached). ``code`` is the provider's own code."""

    def __init__(self, message, code=None, http_status=None, path=None):
        Exception.__init__(self, message)
        self.message = message
        self.code = code
        self.http_status = http_status
        self.path = path

    def to_dict(self):
        return dict(type=type(self).__name__, code=self.code, http_status=self.http_status, path=self.path)


class AuthFailed(CloudError):
    """The key and secret were refused."""


class AuthExpired(CloudError):
    """The access token expired or is unknown: fetch a new one (once)."""


class NotFound(CloudError):
    """The device does not exist (for this account)."""


class NotOwner(CloudError):
    """The account does not own the device."""


class Ambiguous(CloudError):
    """One code for 'does not exist' and 'no permission': the provider must re-probe."""


class Offline(CloudError):
    """The device is offline."""


class RateLimited(CloudError):
    """Too many calls: back off and retry (bounded)."""


class RepeatGuard(CloudError):
    """The provider refuses a rapid repeat ('do not operate again'): back off and re-probe."""


class AccountPolicy(CloudError):
    """An account setting forbids the operation (EZVIZ terminal binding)."""


class Unsupported(CloudError):
    """The provider has no documented call for this."""


class ServerError(CloudError):
    """HTTP 5xx, a timeout or a connection failure."""


class Share(object):
    """One grant of access to a device. ``scope`` is ``device`` (revoking it touches this device only) or
    ``site`` (revoking it touches every device of the site)."""

    def __init__(self, kind, principal, ref, scope='device', site=None, serial=None):
        self.kind = kind
        self.serial = serial
        self.principal = principal
        self.ref = ref
        self.scope = scope
        self.site = site

    def to_dict(self):
        out = dict(kind=self.kind, principal=self.principal, scope=self.scope)
        if self.site is not None:
            out['site'] = self.site
        return out


class DeviceRecord(object):
    """A device as the account lists it, normalised over providers."""

    def __init__(self, serial, cloud_id=None, name=None, model=None, online=None, owner=OWNER_THIS,
                 owner_name=None, site_id=None, site_name=None, raw=None):
        self.serial = serial
        self.cloud_id = cloud_id
        self.name = name
        self.model = model
        self.online = online
        self.owner = owner
        self.owner_name = owner_name
        self.site_id = site_id
        self.site_name = site_name
        self.raw = raw or {}

    def to_dict(self):
        return dict(serial_number=self.serial, name=self.name, model=self.model, online=self.online,
                    site=self.site_name or self.site_id)


def backoff_delays(retries, base=1.0, cap=8.0):
    """The waits between attempts: 1, 2, 4, 8, 8, ... seconds, ``retries`` of them."""
    return [min(cap, base * (2 ** n)) for n in range(max(0, retries))]


class CloudProvider(object):
    """Transport and token life for one account. Subclasses set ``name``, ``hosts`` (region -> URL),
    ``default_region``, ``known_domains`` and implement the hooks below."""

    name = None
    hosts = {}
    default_region = None
    known_domains = ()
    # The least time between two calls (seconds) for a provider that limits an account's request rate.
    min_interval = 0

    def __init__(self, app_key, app_secret, region=None, api_url=None, timeout=10, retries=4,
                 session=None, sleep=time.sleep):
        if api_url:
            self.token_url = api_url.rstrip('/')
        else:
            region = region or self.default_region
            if region not in self.hosts:
                raise ValueError('region must be one of %s for provider %s, got %r.'
                                 % (', '.join(sorted(self.hosts)), self.name, region))
            self.token_url = self.hosts[region]
        self.region = region
        self.custom_url = bool(api_url)
        self.app_key = app_key
        self.app_secret = app_secret
        self.timeout = timeout
        self.retries = retries
        self.sleep = sleep
        self.session = session or requests.Session()
        self.base_url = None
        self.token = None
        self.token_fetches = 0
        self.renewals = 0
        self.calls = 0
        self.writes = 0
        self.retried = 0
        self.codes = []
        self._last_call = None

    # -- hooks for subclasses ----------------------------------------------------------------

    def _fetch_token(self):
        """POST the token request; returns (token, area domain or None)."""
        raise NotImplementedError

    def _send(self, path, data, write):
        """One HTTP call with the provider's encoding; returns the envelope's data or raises CloudError."""
        raise NotImplementedError

    def lookup(self, serial):
        """The device as this account holds or sees it, or None."""
        raise NotImplementedError

    def ownership(self, serial):
        """(owner, owner name) for a serial the account does not list."""
        raise NotImplementedError

    def list_shares(self, record, serial):
        """Shares of the device (``record`` is None when the account does not hold it)."""
        raise NotImplementedError

    def remove_share(self, share):
        raise NotImplementedError

    def unbind(self, record):
        raise NotImplementedError

    def site_remaining(self, record):
        """How many devices of the record's site the account still holds (site-wide shares only)."""
        return 0

    # -- transport -----------------------------------------------------------------------------

    def _area(self, domain):
        """The host later calls go to: the token answer's areaDomain, when it is one of the provider's own
        HTTPS hosts (or anything the endpoint named by ``api_url`` says, for private endpoints and tests)."""
        if not domain:
            return self.token_url
        domain = domain if '://' in domain else 'https://' + domain
        parts = urlsplit(domain)
        host = (parts.hostname or '').lower()
        if self.custom_url or (parts.scheme == 'https' and any(
                host == d or host.endswith('.' + d) for d in self.known_domains)):
            return domain.rstrip('/')
        raise CloudError('the %s token answer named an unexpected areaDomain %s; refusing to send the token there.'
                         % (self.name, host))

    def ensure_token(self):
        if self.token is None:
            self.token_fetches += 1
            token, area = self._with_backoff(self._fetch_token)
            if not token:
                raise CloudError('The %s token answer held no accessToken.' % self.name)
            self.base_url = self._area(area)
            self.token = token
        return self.token

    def call(self, path, data=None, write=False):
        """A call with the token: renewed once on the expired-token code, backing off on rate limits
        and server errors (bounded)."""
        self.ensure_token()
        try:
            return self._with_backoff(lambda: self._send(path, data, write))
        except AuthExpired:
            if self.renewals:
                raise
            self.renewals += 1
            self._renew()
            return self._with_backoff(lambda: self._send(path, data, write))

    def _renew(self):
        self.token = None
        self.ensure_token()

    def _with_backoff(self, attempt):
        delays = backoff_delays(self.retries)
        while True:
            try:
                return attempt()
            except (RateLimited, ServerError, RepeatGuard):
                if not delays:
                    raise
                self.retried += 1
                self.sleep(delays.pop(0))

    def _http(self, path, write, **kwargs):
        """requests.post with counting; HTTP failures become ServerError (5xx, timeouts) or CloudError."""
        url = (self.base_url or self.token_url) + path
        if self.min_interval:
            # Spaced in real time whatever ``sleep`` is (tests replace it to skip back-off waits).
            if self._last_call is not None:
                wait = self._last_call + self.min_interval - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
            self._last_call = time.monotonic()
        self.calls += 1
        if write:
            self.writes += 1
        try:
            response = self.session.post(url, timeout=self.timeout, **kwargs)
        except requests.exceptions.Timeout:
            raise ServerError('%s did not answer within %s s.' % (self._where(path), self.timeout), path=path)
        except requests.exceptions.RequestException as exc:
            raise ServerError('%s could not be reached: %s.' % (self._where(path), type(exc).__name__), path=path)
        if response.status_code >= 500:
            raise ServerError('%s answered HTTP %s.' % (self._where(path), response.status_code),
                              http_status=response.status_code, path=path)
        if response.status_code == 429:
            raise RateLimited('%s answered HTTP 429 (too many requests).' % self._where(path), http_status=429,
                              path=path)
        if response.status_code == 401:
            raise AuthExpired('%s answered HTTP 401.' % self._where(path), http_status=401, path=path)
        try:
            return response.json()
        except ValueError:
            raise CloudError('%s answered HTTP %s with a body that is not JSON.'
                             % (self._where(path), response.status_code), http_status=response.status_code, path=path)

    def _where(self, path):
        return 'The %s API (%s)' % (self.name, path)

    def _raise(self, classes, code, message, path):
        """Raise the normalised error for the provider's ``code`` (``classes`` maps codes to error classes)."""
        cls = classes.get(code, CloudError)
        raise cls('%s answered %s: %s.' % (self._where(path), code, (message or 'no message').rstrip('.')),
                  code=code, path=path)

    def note(self, code):
        if code is not None:
            self.codes.append(str(code))

    def close(self):
        self.session.close()


class ErrorCodeProvider(CloudProvider):
    """The Hik-Partner Pro and Hik-Connect for Teams style: JSON bodies, a token from ``token_path`` with
    ``appKey``/``secretKey``, the token in a header of every later call (``token_header``), and the envelope
    ``{"errorCode": "0", "message": ..., "data": ...}`` whose codes ``errors`` maps to the normalised errors."""

    token_path = None
    errors = {}

    def token_header(self):
        raise NotImplementedError

    def _fetch_token(self):
        data = self._decode(self.token_path, self._http(self.token_path, False, json={
            'appKey': self.app_key, 'secretKey': self.app_secret})) or {}
        return data.get('accessToken'), data.get('areaDomain')

    def _send(self, path, data, write):
        return self._decode(path, self._http(path, write, json=data if data is not None else {},
                                             headers=self.token_header()))

    def _decode(self, path, body):
        if not isinstance(body, dict) or 'errorCode' not in body:
            raise CloudError('%s answered without an errorCode.' % self._where(path), path=path)
        code = str(body['errorCode'])
        self.note(code)
        if code != '0':
            self._raise(self.errors, code, body.get('message'), path)
        return body.get('data')


def absent(provider, serial, remove_shares=True, check_mode=False, fail_if_not_owner=False):
    """Take ``serial`` out of the provider's account: the idempotent algorithm of docs/cloud-apis.md 9.2.

    Returns (changed, cloud_account, warnings); another account's device is a warning (an error with
    ``fail_if_not_owner``, before any change). Device-scoped shares go before the delete; site-wide
    shares go after it, only once the site holds no other device of the account (revoking them earlier would
    cut the other devices off); the delete is confirmed by a second lookup."""
    warnings = []
    account = dict(provider=provider.name, serial_number=serial, found=False, owner=None, owner_name=None,
                   shares=[], shares_removed=[], shares_kept=[], deleted=False, confirmed=None, message=None)
    record = provider.lookup(serial)
    if record is None:
        account['owner'], account['owner_name'] = provider.ownership(serial)
    else:
        account.update(found=True, owner=record.owner, owner_name=record.owner_name, device=record.to_dict())
    if account['owner'] == OWNER_OTHER:
        other = '%s belongs to another account%s, not to this %s account' % (
            serial, ' (%s)' % account['owner_name'] if account['owner_name'] else '', provider.name)
        if fail_if_not_owner:
            raise NotOwner('%s; nothing was changed.' % other)
        warnings.append("%s, which cannot delete it; its owner has to delete it (or the device is reclaimed in the "
                        "app with Unbind on the device's LAN)." % other)
    shares = provider.list_shares(record, serial)
    account['shares'] = [s.to_dict() for s in shares]
    if record is None or record.owner != OWNER_THIS:
        account['message'] = MESSAGES.get(account['owner'], '%s is not in this account.') % serial
        # Not this account's device: nothing to delete. Only grants this account holds itself (EZVIZ trust)
        # can be released.
        own_grants = [s for s in shares if s.scope == 'device']
        changed = _remove(provider, own_grants if remove_shares else [], account, check_mode)
        account['shares_kept'] = [s.to_dict() for s in shares if not remove_shares or s not in own_grants]
        return changed, account, warnings

    device_shares = [s for s in shares if s.scope == 'device']
    site_shares = [s for s in shares if s.scope == 'site']
    if remove_shares:
        _remove(provider, device_shares, account, check_mode)
    else:
        account['shares_kept'].extend(s.to_dict() for s in device_shares)

    if not check_mode:
        try:
            provider.unbind(record)
        except (NotFound, NotOwner, Ambiguous):
            # A delete that already happened (a retried request) or a serial gone meanwhile: the
            # re-probe below decides.
            pass
        if provider.lookup(serial) is not None:
            raise CloudError('the %s account still lists %s after it was deleted.' % (provider.name, serial))
        account['confirmed'] = True
    account['deleted'] = True

    if site_shares:
        remaining = provider.site_remaining(record) - (1 if check_mode else 0)
        if remove_shares and remaining <= 0:
            _remove(provider, site_shares, account, check_mode)
        else:
            account['shares_kept'].extend(s.to_dict() for s in site_shares)
            if remove_shares:
                site = record.site_name or record.site_id
                warnings.append('%s: kept %d share(s) of site %s, which still holds %d other device(s) of the '
                                'account; revoking them would cut those devices off too. They end with the '
                                "site's last device." % (serial, len(site_shares), site, remaining))
    account['message'] = '%s %s from the account.' % (serial, 'would be deleted' if check_mode else 'was deleted')
    return True, account, warnings


MESSAGES = {
    OWNER_OTHER: '%s belongs to another account; this account cannot delete it.',
    OWNER_NONE: '%s is not in any account.',
    OWNER_NOT_EXIST: 'The cloud does not know %s.',
    OWNER_UNKNOWN: '%s is not in this account; the provider does not say whether another account holds it.',
}


def _remove(provider, shares, account, check_mode):
    for share in shares:
        if not check_mode:
            provider.remove_share(share)
        account['shares_removed'].append(share.to_dict())
    return bool(shares)
