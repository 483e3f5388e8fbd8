# -*- coding: utf-8 -*-
# Copyright (c) camops.hikvision contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""EZVIZ Open Platform (docs/cloud-apis.md section 3): developer accounts on open.ys7.com / open.ezvizlife.com.

Form-encoded POSTs with ``accessToken`` in the body; envelope ``{"code": "200", "msg": ..., "data": ...}``
with HTTP 200 on errors (``searchDeviceInfo``: ``{"result": {...}}``). Acts only on devices of the
developer's own account, or trusted (delegated) to it. Shares are RAM sub-account statements
(``ram/statement/delete``) and device trust records (``trust/cancel``)."""

from ansible_collections.camops.hikvision.plugins.module_utils.cloud import base

ERRORS = {
    '10017': base.AuthFailed, '10030': base.AuthFailed, '10005': base.AuthFailed, '10018': base.AuthFailed,
    '10002': base.AuthExpired,
    '10007': base.RateLimited, '10029': base.RateLimited,
    '20002': base.NotFound,
    '20018': base.NotOwner, '20013': base.NotOwner,
    '20007': base.Offline,
    '20031': base.AccountPolicy,
    '49999': base.ServerError, '50000': base.ServerError,
}
# searchDeviceInfo answers (doc 660): code -> owner.
SEARCH_STATES = {'200': base.OWNER_NONE, '20023': base.OWNER_NONE, '20020': base.OWNER_THIS, '20029': base.OWNER_THIS,
                 '20013': base.OWNER_OTHER, '20002': base.OWNER_NOT_EXIST}
SEARCH_PATH = '/api/v3/device/searchDeviceInfo'


class EzvizOpen(base.CloudProvider):
    name = 'ezviz_open'
    hosts = {
        'cn': 'https://open.ys7.com',
        'global': 'https://open.ezvizlife.com',
        'eu': 'https://ieuopen.ezvizlife.com',
        'us': 'https://iusopen.ezvizlife.com',
        'sa': 'https://isaopen.ezvizlife.com',
        'sg': 'https://isgpopen.ezvizlife.com',
        'in': 'https://iindiaopen.ezvizlife.com',
        'ru': 'https://irusopen.ezvizlife.com',
    }
    default_region = 'global'
    known_domains = ('ezvizlife.com', 'ys7.com')
    page_size = 50

    def __init__(self, *args, **kwargs):
        base.CloudProvider.__init__(self, *args, **kwargs)
        self.trust_token = None
        self.trust_rows = None
        self.info_code = None

    def _app_token(self, path):
        """The token answer of ``path``, asked with the application's key and secret."""
        return self._decode(path, self._http(path, False, data={'appKey': self.app_key,
                                                                'appSecret': self.app_secret})) or {}

    def _fetch_token(self):
        data = self._app_token('/api/lapp/token/get')
        return data.get('accessToken'), data.get('areaDomain')

    def _send(self, path, data, write):
        form = dict(data or {})
        if path.startswith('/api/lapp/trust/'):
            form['accessToken'] = self._trust_token()
        else:
            form['accessToken'] = self.token
        body = self._http(path, write, data=form)
        if path == SEARCH_PATH:
            code, body = self._decode(path, body, full=True)
            if code not in SEARCH_STATES:
                self._raise(ERRORS, code, body.get('msg'), path)
            return code
        return self._decode(path, body)

    def _renew(self):
        self.trust_token = None
        base.CloudProvider._renew(self)

    def _trust_token(self):
        """The ``da.`` token covering every device trusted to the application (doc 822)."""
        if self.trust_token is None:
            self.trust_token = self._app_token('/api/lapp/trust/device/v2/token/get').get('accessToken')
            if not self.trust_token:
                raise base.CloudError('The %s trust token answer held no accessToken.' % self.name)
        return self.trust_token

    def _decode(self, path, body, full=False):
        if isinstance(body, dict) and isinstance(body.get('result'), dict):
            body = body['result']
        if not isinstance(body, dict) or 'code' not in body:
            raise base.CloudError('%s answered without a code.' % self._where(path), path=path)
        code = str(body['code'])
        self.note(code)
        if full:
            return code, body
        if code != '200':
            self._raise(ERRORS, code, body.get('msg'), path)
        if 'page' in body:
            return body.get('data') or [], body['page']
        return body.get('data')

    def _pages(self, path):
        start = 0
        while True:
            rows, page = self.call(path, dict(pageStart=start, pageSize=self.page_size))
            yield from rows or []
            total = int((page or {}).get('total') or 0)
            start += 1
            if start * self.page_size >= total or not rows:
                return

    # -- the provider interface ------------------------------------------------------------------

    def lookup(self, serial):
        try:
            info = self.call('/api/lapp/device/info', dict(deviceSerial=serial)) or {}
        except (base.NotOwner, base.NotFound) as exc:
            self.info_code = exc.code
            return None
        return base.DeviceRecord(serial, name=info.get('deviceName'), model=info.get('model'),
                                 online={1: True, 0: False}.get(info.get('status')), raw=info)

    def ownership(self, serial):
        if self._trusts(serial):
            return base.OWNER_OTHER, 'an EZVIZ user who trusted the device to this application'
        if self.region == 'cn':
            # searchDeviceInfo is served in region cn only (ezviz-openapi-utils refuses it elsewhere).
            return SEARCH_STATES[self.call(SEARCH_PATH, dict(deviceSerial=serial))], None
        if self.info_code == '20002':
            return base.OWNER_NOT_EXIST, None
        # device/info said 20018: this account does not own it; outside region cn the platform does not say
        # whether another account does.
        return base.OWNER_UNKNOWN, None

    def _trusts(self, serial):
        """The trust records of ``serial`` (the list is read once per run)."""
        if self.trust_rows is None:
            self.trust_rows = list(self._pages('/api/lapp/trust/device/list'))
        return [row for row in self.trust_rows if str(row.get('deviceSerial', '')).upper() == serial]

    def list_shares(self, record, serial):
        shares = []
        if record is not None:
            for ram in self._pages('/api/lapp/ram/account/list'):
                statements = ((ram.get('policy') or {}).get('Statement')) or []
                if any(_names(resource, serial) for statement in statements
                       for resource in statement.get('Resource') or []):
                    shares.append(base.Share('ram_statement', ram.get('accountName'), ram.get('accountId'),
                                             serial=serial))
        for row in self._trusts(serial):
            shares.append(base.Share('trust', 'channel %s' % row.get('channelNo'),
                                     '%s:%s' % (serial, row.get('channelNo'))))
        return shares

    def remove_share(self, share):
        if share.kind == 'ram_statement':
            self.call('/api/lapp/ram/statement/delete', dict(accountId=share.ref, deviceSerial=share.serial),
                      write=True)
        else:
            self.call('/api/lapp/trust/cancel', dict(deviceSerials=share.ref), write=True)

    def unbind(self, record):
        self.call('/api/lapp/device/delete', dict(deviceSerial=record.serial), write=True)


def _names(resource, serial):
    """A RAM resource (``dev:SERIAL`` or ``cam:SERIAL:CHANNEL``) names the serial."""
    return resource == 'dev:%s' % serial or resource.startswith('cam:%s:' % serial)
