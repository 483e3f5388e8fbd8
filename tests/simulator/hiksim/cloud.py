"""The simulated cloud accounts: Hik-Partner Pro OpenAPI, EZVIZ Open Platform and Hik-Connect for Teams
(docs/cloud-apis.md 3, 4, 5, 9.3).

One state model for both providers, shared with the simulated devices: a device an account deletes reports
bindStatus ``unbind`` at its next read while it is online to the cloud (``Device.cloud_bound``).

Served on two loopback addresses: the "global" host issues tokens and answers with ``areaDomain`` pointing at
the "regional" host, where every other call must go (with ``strict_region`` the global host refuses them).
Accounts in region ``cn`` (EZVIZ Open) get no areaDomain and use the global host, as open.ys7.com does.

Fleet file section (all keys optional but ``accounts``)::

    cloud:
      address: 127.0.9.1            # global host
      regional_address: 127.0.9.2   # areaDomain
      port: 18600
      token_ttl: 604800             # seconds (real: 7 days)
      strict_region: true
      delete_cascades_shares: true  # Open: device/delete drops RAM statements and trusts of the serial [U]
      repeat_delete_code: '20018'   # Open: deleting a serial no account holds ('20002' is the other guess)
      accounts:
        - {name: inst, provider: hik_partner_pro, app_key: K, app_secret: S, company: Acme Installers,
           sites: [{id: site-1, name: Depot, share_to: partner@example.com,
                    customers: [{hcAccount: owner@example.com, status: '1'}]}]}
        - {name: team, provider: hik_connect_teams, app_key: K3, app_secret: S3}
        - {name: ez, provider: ezviz_open, app_key: K2, app_secret: S2, region: eu,
           ram_accounts: [{accountId: r1, accountName: guard, statements: [{Permission: Get,
                           Resource: ['dev:ABC123456']}]}],
           trusts: [{serial: DEF123456, channel: 1}]}
      devices:
        - {device: cam-01, owner: inst, site: site-1}     # a fleet device (its cloud_serial)
        - {serial: Q12345678, owner: ez, online: false}   # a device only the cloud knows
"""

import json
import threading
import time
import uuid
from urllib.parse import parse_qs

from .server_base import Handler, LoopbackServer

LOG_SIZE = 200

HPP_PREFIX = '/api/hpcgw/'
TEAMS_PREFIX = '/api/hccgw/'
# Hik-Connect for Teams allows an account 5 requests a second (docs/cloud-apis.md 5.1). What it answers beyond
# that is not documented; the simulator answers HTTP 429, which a client must back off from like any 429.
TEAMS_RATE = 5
# What Teams answers to a delete of an id it does not hold is unknown (docs/cloud-apis.md 5.2); this code is the
# simulator's own, so that no client can depend on it.
TEAMS_NO_SUCH_ID = 'SIM000404'
OPEN_PREFIX = '/api/lapp/'
OPEN_SEARCH = '/api/v3/device/searchDeviceInfo'


class CloudError(Exception):
    def __init__(self, code, message, http_status=200):
        Exception.__init__(self, message)
        self.code = code
        self.message = message
        self.http_status = http_status


class Cloud(object):
    def __init__(self, spec, devices, clock=time.time):
        self.spec = spec
        self.clock = clock
        self.lock = threading.RLock()
        self.address = spec.get('address', '127.0.9.1')
        self.regional_address = spec.get('regional_address', '127.0.9.2')
        self.port = int(spec.get('port', 18600))
        self.token_ttl = float(spec.get('token_ttl', 7 * 86400))
        self.strict_region = bool(spec.get('strict_region', True))
        self.delete_cascades = bool(spec.get('delete_cascades_shares', True))
        self.repeat_delete_code = str(spec.get('repeat_delete_code', '20018'))
        self.fleet_devices = devices
        self.accounts = {}
        self.tokens = {}
        self.events = []
        self.faults = {}
        self.servers = []
        self.reset_counters()
        for account in spec.get('accounts') or []:
            self._add_account(account)
        self.devices = {}
        for entry in spec.get('devices') or []:
            self.seed_device(entry)

    # -- state -----------------------------------------------------------------------------

    def _add_account(self, data):
        account = dict(name=data['name'], provider=data['provider'], app_key=data['app_key'],
                       app_secret=data['app_secret'], region=data.get('region', 'eu'),
                       company=data.get('company', data['name']), terminal_binding=bool(data.get('terminal_binding')),
                       sites={}, ram_accounts=[], trusts=[])
        for site in data.get('sites') or []:
            account['sites'][site['id']] = dict(
                id=site['id'], siteName=site.get('name', site['id']), owner=data['name'],
                share_to=site.get('share_to'), share_state=int(site.get('share_state', 2)),
                share_type=int(site.get('share_type', 1 if site.get('share_to') else 0)),
                shared_with=site.get('shared_with'),  # another account of the cloud (maintenance share)
                customers=[dict(hcAccount=c['hcAccount'], type=int(c.get('type', 0)), status=str(c.get('status', '1')))
                           for c in site.get('customers') or []])
        for ram in data.get('ram_accounts') or []:
            account['ram_accounts'].append(dict(accountId=ram['accountId'], accountName=ram['accountName'],
                                                accountStatus=1, statements=list(ram.get('statements') or [])))
        for trust in data.get('trusts') or []:
            account['trusts'].append(dict(serial=trust['serial'].upper(), channelNo=int(trust.get('channel', 1)),
                                          deviceTrustId=trust.get('id') or uuid.uuid4().hex[:16]))
        self.accounts[data['name']] = account

    def seed_device(self, entry):
        with self.lock:
            fleet_device = self.fleet_devices.get(entry['device']) if entry.get('device') else None
            serial = (entry.get('serial') or fleet_device.cloud_serial).upper()
            record = self.devices.get(serial) or dict(serial=serial, cloud_id=uuid.uuid4().hex, latest_unbind=None)
            record.update(device=entry.get('device'), owner=entry.get('owner', record.get('owner')),
                          site=entry.get('site', record.get('site')),
                          name=entry.get('name') or (fleet_device.name if fleet_device else serial),
                          model=entry.get('model') or (fleet_device.model if fleet_device else 'DS-SIM'),
                          online=entry.get('online', record.get('online', True)))
            self.devices[serial] = record
            self._sync(record)
            return record

    def _sync(self, record):
        device = self.fleet_devices.get(record['device']) if record.get('device') else None
        if device is not None:
            device.cloud_bound = record['owner'] is not None

    def _online(self, record):
        device = self.fleet_devices.get(record['device']) if record.get('device') else None
        if device is not None:
            return device._registered()  # pylint: disable=protected-access
        return bool(record.get('online'))

    def reset_counters(self):
        # order: the paths called, in order (the last LOG_SIZE), so that tests can check the order of writes.
        self.counters = dict(calls=0, writes=0, tokens=0, by_path={}, codes={}, order=[])

    def snapshot(self):
        with self.lock:
            devices = {}
            for serial, rec in self.devices.items():
                devices[serial] = dict(rec, online=self._online(rec))
            accounts = {}
            for name, acc in self.accounts.items():
                accounts[name] = dict(
                    provider=acc['provider'], region=acc['region'],
                    sites=dict((sid, dict(share_to=s['share_to'], share_type=s['share_type'],
                                          customers=[c['hcAccount'] for c in s['customers']],
                                          devices=sorted(d['serial'] for d in self.devices.values()
                                                         if d['site'] == sid and d['owner']))) for sid, s in acc['sites'].items()),
                    ram_accounts=dict((r['accountName'], r['statements']) for r in acc['ram_accounts']),
                    trusts=['%s:%s' % (t['serial'], t['channelNo']) for t in acc['trusts']])
            return dict(devices=devices, accounts=accounts, events=list(self.events), faults=dict(self.faults),
                        counters=self.counters, tokens=sorted(self.tokens))

    def set_faults(self, faults):
        with self.lock:
            if faults is None:
                self.faults = {}
                return
            self.faults.update(faults)
            if self.faults.pop('expire_tokens', False):
                self._expire_all()

    def _expire_all(self):
        for token in self.tokens.values():
            token['expires'] = 0

    def _take(self, name):
        count = self.faults.get(name)
        if not count:
            return False
        self.faults[name] = count - 1
        if self.faults[name] <= 0:
            del self.faults[name]
        return True

    # -- HTTP --------------------------------------------------------------------------------

    def url(self, regional=False):
        return 'http://%s:%d' % (self.regional_address if regional else self.address, self.port)

    def start(self):
        for address in (self.address, self.regional_address):
            server = CloudServer(self, address, self.port)
            self.servers.append(server)
            threading.Thread(target=server.serve_forever, kwargs=dict(poll_interval=0.2), daemon=True).start()

    def stop(self):
        for server in self.servers:
            server.shutdown()
            server.server_close()

    def handle(self, method, raw_path, headers, body, host):
        """-> (http status, JSON-able body, extra headers)."""
        path = raw_path.split('?')[0]
        if path.startswith(HPP_PREFIX):
            provider, envelope = 'hik_partner_pro', self._hpp_envelope
        elif path.startswith(TEAMS_PREFIX):
            provider, envelope = 'hik_connect_teams', self._hpp_envelope
        elif path.startswith(OPEN_PREFIX) or path == OPEN_SEARCH:
            provider, envelope = 'ezviz_open', self._open_envelope(path)
        else:
            return 404, dict(error='no such cloud API %s' % path), ()
        regional = host == self.regional_address
        with self.lock:
            self.counters['calls'] += 1
            self.counters['by_path'][path] = self.counters['by_path'].get(path, 0) + 1
            self.counters['order'] = (self.counters['order'] + [path])[-LOG_SIZE:]
            try:
                if self._take('server_errors'):
                    raise CloudError('500', 'simulated server error', http_status=503)
                if provider == 'hik_partner_pro':
                    data = self._hpp(method, path, headers, body, regional)
                elif provider == 'hik_connect_teams':
                    data = self._teams(method, path, headers, body, regional)
                else:
                    data = self._open(method, raw_path, path, headers, body, regional)
                code = '200' if provider == 'ezviz_open' else '0'
                status = 200
                message = 'success'
            except CloudError as exc:
                code, message, status, data = exc.code, exc.message, exc.http_status, None
            self.counters['codes'][code] = self.counters['codes'].get(code, 0) + 1
            return status, envelope(code, message, data), ()

    # -- shared rules ------------------------------------------------------------------------

    def _issue_token(self, account, prefix):
        value = '%s.%s' % (prefix, uuid.uuid4().hex)
        expires = self.clock() + self.token_ttl
        self.tokens[value] = dict(account=account['name'], prefix=prefix, expires=expires)
        self.counters['tokens'] += 1
        return value, int(expires * 1000)

    def _api_call(self, rate_code):
        """Faults and region rules that apply to every call but token/get."""
        if self._take('rate_limit'):
            raise CloudError(rate_code, 'call frequency exceeds the limit')
        if self.faults.get('expire_after_calls') is not None:
            self.faults['expire_after_calls'] -= 1
            if self.faults['expire_after_calls'] <= 0:
                del self.faults['expire_after_calls']
                self._expire_all()

    def _account_for(self, token, expired_code, prefixes, regional):
        entry = self.tokens.get(token or '')
        if entry is None or entry['prefix'] not in prefixes or entry['expires'] <= self.clock():
            raise CloudError(expired_code, 'accessToken expired or invalid')
        account = self.accounts[entry['account']]
        uses_region = not (account['provider'] == 'ezviz_open' and account['region'] == 'cn')
        if self.strict_region and uses_region and not regional:
            raise CloudError(expired_code, 'call the areaDomain host')
        return account

    def _find_account(self, provider, key, secret, bad_key, bad_pair):
        for account in self.accounts.values():
            if account['provider'] == provider and account['app_key'] == key:
                if account['app_secret'] != secret:
                    raise CloudError(bad_pair, 'appKey and secret do not match')
                return account
        raise CloudError(bad_key, 'appKey does not exist')

    def _delete(self, record, account):
        record['owner'] = None
        record['site'] = None
        record['latest_unbind'] = int(self.clock() * 1000)
        self.counters['writes'] += 1
        self._sync(record)
        if account['provider'] == 'hik_partner_pro':
            self.events.append(dict(eventType='devicedeleted', deviceSerial=record['serial'], account=account['name'],
                                    dateTime=time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(self.clock()))))
        elif account['provider'] == 'ezviz_open' and self.delete_cascades:
            for acc in self.accounts.values():
                for ram in acc['ram_accounts']:
                    ram['statements'] = _drop_serial(ram['statements'], record['serial'])
                acc['trusts'] = [t for t in acc['trusts'] if t['serial'] != record['serial']]

    # -- EZVIZ Open Platform (docs/cloud-apis.md 3) --------------------------------------------

    def _open_envelope(self, path):
        if path == OPEN_SEARCH:
            def search(code, message, data):
                return dict(result=dict(code=code, msg=message, data=data))
            return search

        def lapp(code, message, data):
            out = dict(code=code, msg=message)
            if isinstance(data, tuple):  # (rows, page)
                out['data'], out['page'] = data
            elif data is not None:
                out['data'] = data
            return out
        return lapp

    def _open(self, method, raw_path, path, headers, body, regional):
        if method != 'POST' and path != OPEN_SEARCH:
            raise CloudError('10001', 'POST only', http_status=405)
        if 'json' in (headers.get('Content-Type') or ''):
            raise CloudError('10001', 'form-encoded parameters expected')
        form = dict((k, v[0]) for k, v in parse_qs(body.decode('utf-8')).items())
        if path == OPEN_SEARCH and '?' in raw_path:
            form.update((k, v[0]) for k, v in parse_qs(raw_path.split('?', 1)[1]).items())
        name = path[len(OPEN_PREFIX):] if path.startswith(OPEN_PREFIX) else 'search'
        if name == 'token/get':
            account = self._find_account('ezviz_open', form.get('appKey'), form.get('appSecret'), '10017', '10030')
            token, expires = self._issue_token(account, 'at')
            data = dict(accessToken=token, expireTime=expires)
            if account['region'] != 'cn':
                data['areaDomain'] = self.url(regional=True)
            return data
        if name == 'trust/device/v2/token/get':
            account = self._find_account('ezviz_open', form.get('appKey'), form.get('appSecret'), '10017', '10030')
            token, expires = self._issue_token(account, 'da')
            return dict(accessToken=token, expireTime=expires)
        self._api_call('10029')
        if name.startswith('trust/'):
            account = self._account_for(form.get('accessToken'), '10002', ('da',), regional=True)
        else:
            account = self._account_for(form.get('accessToken'), '10002', ('at',), regional)
        handler = getattr(self, '_open_' + name.replace('/', '_'), None)
        if handler is None:
            raise CloudError('10001', 'unknown API %s' % path, http_status=404)
        return handler(account, form)

    def _open_serial(self, form):
        serial = (form.get('deviceSerial') or '').strip()
        if not serial:
            raise CloudError('10001', 'deviceSerial is required')
        if not serial.isalnum() or len(serial) > 20:
            raise CloudError('20014', 'invalid deviceSerial')
        return serial.upper()

    def _open_device_info(self, account, form):
        serial = self._open_serial(form)
        record = self.devices.get(serial)
        if record is None:
            raise CloudError('20002', 'device does not exist')
        if record['owner'] != account['name']:
            raise CloudError('20018', 'the user does not own the device')
        return dict(deviceSerial=serial, deviceName=record['name'], model=record['model'],
                    status=1 if self._online(record) else 0, defence=0, isEncrypt=0, category='COMMON')

    def _open_device_list(self, account, form):
        start, size = int(form.get('pageStart', 0)), min(int(form.get('pageSize', 10)), 50)
        own = [r for r in sorted(self.devices.values(), key=lambda r: r['serial']) if r['owner'] == account['name']]
        rows = [dict(id=r['cloud_id'], deviceSerial=r['serial'], deviceName=r['name'], deviceType=r['model'],
                     status=1 if self._online(r) else 0) for r in own[start * size:(start + 1) * size]]
        return rows, dict(total=len(own), page=start, size=size)

    def _open_device_delete(self, account, form):
        serial = self._open_serial(form)
        if account['terminal_binding']:
            raise CloudError('20031', 'terminal binding is enabled on the account')
        record = self.devices.get(serial)
        if record is None:
            raise CloudError('20002', 'device does not exist')
        if record['owner'] is None:
            raise CloudError(self.repeat_delete_code, 'the user does not own the device')
        if record['owner'] != account['name']:
            raise CloudError('20018', 'the user does not own the device')
        self._delete(record, account)
        return None

    def _open_search(self, account, form):
        serial = self._open_serial(form)
        record = self.devices.get(serial)
        if record is None:
            raise CloudError('20002', 'device does not exist')
        online = self._online(record)
        if record['owner'] is None:
            if online:
                return dict(deviceSerial=serial, model=record['model'])
            raise CloudError('20023', 'device offline, not added')
        if record['owner'] == account['name']:
            raise CloudError('20020' if online else '20029', 'added by yourself')
        raise CloudError('20013', 'added by someone else')

    def _open_ram_account_list(self, account, form):
        start, size = int(form.get('pageStart', 0)), min(int(form.get('pageSize', 10)), 50)
        rams = account['ram_accounts']
        rows = [dict(accountId=r['accountId'], accountName=r['accountName'], appKey=account['app_key'],
                     accountStatus=r['accountStatus'], policy=dict(Statement=r['statements']))
                for r in rams[start * size:(start + 1) * size]]
        return rows, dict(total=len(rams), page=start, size=size)

    def _open_ram_statement_delete(self, account, form):
        serial = self._open_serial(form)
        for ram in account['ram_accounts']:
            if ram['accountId'] == form.get('accountId'):
                ram['statements'] = _drop_serial(ram['statements'], serial)
                self.counters['writes'] += 1
                return None
        raise CloudError('10032', 'sub-account does not exist')

    def _open_trust_device_list(self, account, form):
        start, size = int(form.get('pageStart', 0)), min(int(form.get('pageSize', 10)), 50)
        trusts = account['trusts']
        rows = []
        for trust in trusts[start * size:(start + 1) * size]:
            record = self.devices.get(trust['serial']) or {}
            rows.append(dict(deviceSerial=trust['serial'], deviceName=record.get('name', trust['serial']),
                             channelNo=trust['channelNo'], deviceTrustId=trust['deviceTrustId'],
                             status=1 if record and self._online(record) else 0, isAdd=0))
        return rows, dict(total=len(trusts), page=start, size=size)

    def _open_trust_cancel(self, account, form):
        items = [s for s in (form.get('deviceSerials') or '').split(',') if s]
        if not items or len(items) > 5:
            raise CloudError('10001', 'deviceSerials must hold 1 to 5 SERIAL:CHANNEL items')
        for item in items:
            serial, dummy, channel = item.partition(':')
            account['trusts'] = [t for t in account['trusts']
                                 if not (t['serial'] == serial.upper() and str(t['channelNo']) == channel)]
        self.counters['writes'] += 1
        return None

    # -- Hik-Partner Pro OpenAPI (docs/cloud-apis.md 4) -----------------------------------------

    @staticmethod
    def _hpp_envelope(code, message, data):
        out = dict(errorCode=code)
        if code != '0':
            out['message'] = message
        if data is not None:
            out['data'] = data
        return out

    def _hpp(self, method, path, headers, body, regional):
        if method != 'POST':
            raise CloudError('LAP000001', 'POST only', http_status=405)
        if 'json' not in (headers.get('Content-Type') or ''):
            raise CloudError('LAP000001', 'a JSON body is expected')
        try:
            data = json.loads(body.decode('utf-8')) if body.strip() else {}
        except ValueError:
            raise CloudError('LAP000001', 'the body is not JSON')
        name = path[len(HPP_PREFIX):]
        if name == 'v1/token/get':
            account = self._find_account('hik_partner_pro', data.get('appKey'), data.get('secretKey'),
                                         'LAP300001', 'LAP300002')
            token, expires = self._issue_token(account, 'hpc')
            return dict(accessToken=token, expireTime=expires, areaDomain=self.url(regional=True))
        self._api_call('LAP500007')
        auth = headers.get('Authorization') or ''
        if not auth.startswith('Bearer '):
            raise CloudError('LAP500002', 'token empty')
        account = self._account_for(auth[len('Bearer '):], 'LAP500004', ('hpc',), regional)
        if name.startswith('v1/site/share/cancel/'):
            return self._hpp_share_cancel(account, name.rsplit('/', 1)[1])
        handler = {'v1/device/list': self._hpp_device_list, 'v1/device/delete': self._hpp_device_delete,
                   'v1/site/search': self._hpp_site_search, 'v2/site/customer/list': self._hpp_customer_list,
                   'v1/site/customer/cancle': self._hpp_customer_cancel}.get(name)
        if handler is None:
            raise CloudError('LAP000001', 'unknown API %s' % path, http_status=404)
        return handler(account, data)

    def _hpp_sites(self, account):
        """Sites the account sees: its own and those other companies shared with it (``shared_with``)."""
        sites = dict(account['sites'])
        for other in self.accounts.values():
            for site in other['sites'].values():
                if other is not account and site.get('shared_with') == account['name']:
                    sites[site['id']] = site
        return sites

    def _site_row(self, account, site):
        if site['owner'] == account['name']:
            shared = dict(shareType=site['share_type'], shareState=site['share_state'])
            if site['share_to']:
                shared['shareToCompany'] = site['share_to']
        else:
            shared = dict(shareType=2, shareState=2, shareFromCompany=self.accounts[site['owner']]['company'])
        return dict(id=site['id'], siteName=site['siteName'], siteDeliveryStatus=0, cloudEnable=True, sharedInfo=shared)

    @staticmethod
    def _page(rows, data):
        page, size = max(int(data.get('page', 1)), 1), min(max(int(data.get('pageSize', 20)), 1), 100)
        chunk = rows[(page - 1) * size:page * size]
        return dict(page=page, pageSize=size, rows=chunk, total=len(rows), totalPage=(len(rows) + size - 1) // size)

    def _hpp_device_list(self, account, data):
        sites = self._hpp_sites(account)
        rows = []
        for rec in sorted(self.devices.values(), key=lambda r: r['serial']):
            site = sites.get(rec['site'])
            if rec['owner'] is None or (rec['owner'] != account['name'] and site is None):
                continue
            if data.get('siteId') and rec['site'] != data['siteId']:
                continue
            if data.get('deviceSerial') and rec['serial'] != str(data['deviceSerial']).upper():
                continue
            rows.append(dict(id=rec['cloud_id'], deviceName=rec['name'], deviceSerial=rec['serial'],
                             deviceOnlineStatus=1 if self._online(rec) else 0, deviceType=rec['model'],
                             deviceCategory=1, siteID=rec['site'], siteName=site['siteName'] if site else '',
                             deviceShareFlag=bool(site and (site['share_to'] or site['customers']
                                                            or site['owner'] != account['name']))))
        return self._page(rows, data)

    def _hpp_device_delete(self, account, data):
        device_id = str(data.get('id') or '')
        if not device_id or len(device_id) > 48:
            raise CloudError('LAP000001', 'id is required (at most 48 characters)')
        for rec in self.devices.values():
            if rec['cloud_id'] == device_id and rec['owner'] is not None:
                if rec['owner'] != account['name']:
                    sites = self._hpp_sites(account)
                    if rec['site'] in sites:
                        raise CloudError('LAP006013', 'the operator is not the site owner')
                    break
                self._delete(rec, account)
                return None
        raise CloudError('LAP006009', 'the device does not exist or no permission')

    def _hpp_site_search(self, account, data):
        text = (data.get('search') or '').lower()
        rows = [self._site_row(account, s) for s in sorted(self._hpp_sites(account).values(), key=lambda s: s['id'])
                if text in s['siteName'].lower()]
        return self._page(rows, data)

    def _own_site(self, account, site_id):
        site = account['sites'].get(site_id)
        if site is None:
            if site_id in self._hpp_sites(account):
                raise CloudError('LAP006013', 'the operator is not the site owner')
            raise CloudError('LAP006012', 'the site does not exist')
        return site

    def _hpp_share_cancel(self, account, site_id):
        site = self._own_site(account, site_id)
        if not site['share_to']:
            raise CloudError('LAP008087', 'the site is currently not shared')
        site.update(share_to=None, share_type=0)
        self.counters['writes'] += 1
        return None

    def _hpp_customer_list(self, account, data):
        site = self._own_site(account, data.get('siteId'))
        return dict(customers=[dict(c) for c in site['customers']])

    def _hpp_customer_cancel(self, account, data):
        site = self._own_site(account, data.get('siteId'))
        names = set(data.get('hcAccounts') or [])
        if not names:
            raise CloudError('LAP000001', 'hcAccounts is required')
        site['customers'] = [c for c in site['customers'] if c['hcAccount'] not in names]
        self.counters['writes'] += 1
        return None

    # -- Hik-Connect for Teams (docs/cloud-apis.md 5) --------------------------------------------

    def _teams(self, method, path, headers, body, regional):
        if method != 'POST':
            raise CloudError('OPEN000003', 'POST only', http_status=405)
        try:
            data = json.loads(body.decode('utf-8')) if body.strip() else {}
        except ValueError:
            raise CloudError('OPEN000003', 'the body is not JSON')
        name = path[len(TEAMS_PREFIX):]
        if name == 'platform/v1/token/get':
            if not data.get('secretKey'):
                raise CloudError('OPEN000010', 'secretKey is missing')
            account = self._find_account('hik_connect_teams', data.get('appKey'), data.get('secretKey'),
                                         'OPEN000001', 'OPEN000002')
            self._teams_rate(account)
            token, expires = self._issue_token(account, 'hcc')
            # expireTime in epoch seconds, as most clients read it.
            return dict(accessToken=token, expireTime=expires // 1000, userId=account['name'],
                        areaDomain=self.url(regional=True))
        token = headers.get('Token') or ''
        if not token:
            raise CloudError('OPEN000007', 'token is missing')
        account = self._account_for(token, 'OPEN000006', ('hcc',), regional)
        self._teams_rate(account)
        if self._take('rate_limit'):
            raise CloudError('429', 'simulated rate limit', http_status=429)
        self._api_call('429')
        handler = {'resource/v1/devices/get': self._teams_devices,
                   'resource/v1/devices/delete': self._teams_delete}.get(name)
        if handler is None:
            raise CloudError('OPEN000003', 'unknown API %s' % path, http_status=404)
        return handler(account, data)

    def _teams_rate(self, account):
        now = self.clock()
        recent = [t for t in account.setdefault('recent_calls', []) if t > now - 1.0]
        if len(recent) >= TEAMS_RATE:
            account['recent_calls'] = recent
            self.counters['rate_limited'] = self.counters.get('rate_limited', 0) + 1
            raise CloudError('429', 'more than %d requests in a second' % TEAMS_RATE, http_status=429)
        account['recent_calls'] = recent + [now]

    def _teams_row(self, rec):
        return dict(id=rec['cloud_id'], name=rec['name'], category='encodingDevice', type=rec['model'],
                    serialNo=rec['serial'], version='V5.7.15', onlineStatus=1 if self._online(rec) else 0,
                    addTime='2024-01-01T00:00:00Z')

    def _teams_devices(self, account, data):
        key = str((data.get('filter') or {}).get('matchKey') or '').upper()
        rows = [self._teams_row(rec) for rec in sorted(self.devices.values(), key=lambda r: r['serial'])
                if rec['owner'] == account['name'] and (not key or key in rec['serial'] or key in rec['name'].upper())]
        page, size = max(int(data.get('pageIndex', 1)), 1), min(max(int(data.get('pageSize', 20)), 1), 500)
        return dict(totalCount=len(rows), pageIndex=page, pageSize=size, device=rows[(page - 1) * size:page * size])

    def _teams_delete(self, account, data):
        ids = data.get('deviceID')
        if not isinstance(ids, list) or not ids or data.get('deviceCategory') != 'encodingDevice':
            raise CloudError('OPEN000003', 'deviceID (a list) and deviceCategory are required')
        for device_id in ids:
            for rec in self.devices.values():
                if rec['cloud_id'] == device_id and rec['owner'] == account['name']:
                    self._delete(rec, account)
                    break
            else:
                raise CloudError(TEAMS_NO_SUCH_ID, 'no such device in the account')
        return None


def _drop_serial(statements, serial):
    """RAM statements without any resource of ``serial`` (statements left empty are dropped)."""
    out = []
    for statement in statements:
        resources = [r for r in statement.get('Resource') or []
                     if r != 'dev:%s' % serial and not r.startswith('cam:%s:' % serial)]
        if resources:
            out.append(dict(statement, Resource=resources))
    return out


class CloudHandler(Handler):
    def _handle(self):
        body = self._read_body()
        cloud = self.server.cloud
        status, data, headers = cloud.handle(self.command, self.path, self.headers, body, self.server.server_address[0])
        self._send(status, json.dumps(data).encode('utf-8'), 'application/json;charset=UTF-8', headers)

    do_GET = do_PUT = do_POST = do_DELETE = _handle


class CloudServer(LoopbackServer):
    def __init__(self, cloud, address, port):
        self.cloud = cloud
        LoopbackServer.__init__(self, (address, port), CloudHandler)
