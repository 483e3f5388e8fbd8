"""A simulated HikCentral Professional OpenAPI (the Artemis gateway; docs/cloud-apis.md 7): read only.

Every call is a JSON POST under /artemis whose signature is checked exactly (the string to sign rebuilt from the
headers X-Ca-Signature-Headers names, HMAC-SHA256 with the partner's secret, base64), with a timestamp within 15
minutes and a nonce not seen within 15 minutes. Lists page (pageNo from 1, pageSize 1..500, data.total). An
unknown path answers code "8" ("product version not supported"), as HikCentral does for a mistyped path. The
read calls served: version, encoding devices (list, one by index code, search by name), cameras (list, one,
search by name), regions. No call adds or removes anything: none is public.

This is an independent implementation from docs/cloud-apis.md; it does not import the collection.

Fleet file section::

    hikcentral:
      address: 127.0.9.50
      port: 18450
      tls: false                      # HTTPS with a self-signed certificate of its own when true
      partners: [{app_key: K, app_secret: S}]
      regions: [{index_code: '2', name: North, parent: '1'}]
      devices:
        - {device: nvr-a, region: '2'}                      # a fleet device: its address (or ip), port, serial, channels
        - {name: Lobby, ip: 10.0.0.5, port: 8000, code: DS-2CD2386G2-IU20240101AAWRF74021782, region: '2'}
"""

import base64
import hashlib
import hmac
import json
import threading
import time

from .server_base import Handler, LoopbackServer

WINDOW_MS = 15 * 60 * 1000
MAX_PAGE = 500


class Central(object):
    def __init__(self, spec, fleet_devices, clock=time.time):
        self.clock = clock
        self.lock = threading.Lock()
        self.address = spec.get('address', '127.0.9.50')
        self.port = int(spec.get('port', 18450))
        self.tls = bool(spec.get('tls', False))
        self.certificate = None
        self.partners = dict((p['app_key'], p['app_secret']) for p in spec.get('partners') or [])
        self.regions = [dict(indexCode=str(r['index_code']), name=r['name'], parentIndexCode=str(r.get('parent', '-1')))
                        for r in spec.get('regions') or []]
        self.devices = []
        self.cameras = []
        for number, entry in enumerate(spec.get('devices') or [], 1):
            self._add(str(number), entry, fleet_devices)
        self.nonces = {}
        self.counters = dict(calls=0, refused=0, by_path={})
        self.server = None

    def _add(self, index, entry, fleet_devices):
        device = fleet_devices.get(entry['device']) if entry.get('device') else None
        region = str(entry.get('region', '1'))
        if device is not None:
            name = entry.get('name', device.name)
            row = dict(encodeDevIndexCode=index, encodeDevName=name, encodeDevIp=entry.get('ip', device.address),
                       encodeDevPort=str(device.port), encodeDevCode=device.serial_number,
                       treatyType='hiksdk_net', status=str(entry.get('status', 1)), regionIndexCode=region)
            snapshot = device.snapshot()
            channels = [c['name'] for c in snapshot['channels']] if device.kind in ('nvr', 'dvr') else [name]
        else:
            row = dict(encodeDevIndexCode=index, encodeDevName=entry['name'], encodeDevIp=entry.get('ip', ''),
                       encodeDevPort=str(entry.get('port', 8000)), encodeDevCode=entry.get('code', ''),
                       treatyType='hiksdk_net', status=str(entry.get('status', 1)), regionIndexCode=region)
            channels = entry.get('cameras') or [entry['name']]
        self.devices.append(row)
        for number, camera in enumerate(channels, 1):
            self.cameras.append(dict(cameraIndexCode='%s%02d' % (index, number), cameraName=camera,
                                     encodeDevIndexCode=index, regionIndexCode=region, status='1'))

    # -- HTTP ------------------------------------------------------------------------------------

    def url(self):
        return '%s://%s:%d' % ('https' if self.tls else 'http', self.address, self.port)

    def start(self, tls_dir=None):
        context = None
        if self.tls:
            from .tls import self_signed
            context, self.certificate = self_signed(self.address, self.port, tls_dir)
        self.server = CentralServer(self, self.address, self.port)
        if context is not None:
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        threading.Thread(target=self.server.serve_forever, kwargs=dict(poll_interval=0.2), daemon=True).start()

    def stop(self):
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def snapshot(self):
        with self.lock:
            return dict(url=self.url(), certificate=self.certificate, counters=json.loads(json.dumps(self.counters)),
                        devices=len(self.devices), cameras=len(self.cameras))

    def handle(self, method, path, headers, body):
        """-> (HTTP status, JSON-able body)."""
        with self.lock:
            self.counters['calls'] += 1
            self.counters['by_path'][path] = self.counters['by_path'].get(path, 0) + 1
            refusal = self._check_signature(method, path, headers)
            if refusal is not None:
                self.counters['refused'] += 1
                return refusal
            if method != 'POST' or not path.startswith('/artemis/'):
                return 200, dict(code='8', msg='product version not supported')
            try:
                data = json.loads(body.decode('utf-8')) if body.strip() else {}
            except ValueError:
                return 200, dict(code='2', msg='the body is not JSON')
            handler = {
                '/artemis/api/common/v1/version': self._version,
                '/artemis/api/resource/v1/encodeDevice/encodeDeviceList': lambda d: self._page(self.devices, d),
                '/artemis/api/resource/v1/encodeDevice/indexCode/encodeDeviceInfo':
                    lambda d: self._one(self.devices, 'encodeDevIndexCode', d.get('encodeDevIndexCode')),
                '/artemis/api/resource/v1/cameras': lambda d: self._page(self.cameras, d),
                '/artemis/api/resource/v1/cameras/indexCode':
                    lambda d: self._one(self.cameras, 'cameraIndexCode', d.get('cameraIndexCode')),
                '/artemis/api/resource/v1/regions': lambda d: self._page(self.regions, d),
                # Searches by name only (docs/cloud-apis.md 7): an exact name, as no source says how they match.
                '/artemis/api/resource/v1/encodeDevice/advance/encodeDeviceList':
                    lambda d: self._page([r for r in self.devices if r['encodeDevName'] == d.get('encodeDevName')], d),
                '/artemis/api/resource/v1/camera/advance/cameraList':
                    lambda d: self._page([r for r in self.cameras if r['cameraName'] == d.get('cameraName')], d),
            }.get(path.split('?')[0])
            if handler is None:
                return 200, dict(code='8', msg='product version not supported')
            code, payload = handler(data)
            out = dict(code=code, msg='Success' if code == '0' else 'failed')
            if payload is not None:
                out['data'] = payload
            return 200, out

    def _check_signature(self, method, path, headers):
        key = headers.get('X-Ca-Key')
        secret = self.partners.get(key)
        names = [n.strip().lower() for n in (headers.get('X-Ca-Signature-Headers') or '').split(',') if n.strip()]
        given = headers.get('X-Ca-Signature') or ''
        if secret is None or not given or 'x-ca-key' not in names:
            return 401, dict(code='0x02401003', msg='invalid signature')
        lines = [method.upper()]
        for name in ('Accept', 'Content-MD5', 'Content-Type', 'Date'):
            if headers.get(name) is not None:
                lines.append(headers.get(name))
        for name in sorted(names):
            value = headers.get(name)
            if value is None:
                return 401, dict(code='0x02401003', msg='invalid signature')
            lines.append('%s:%s' % (name, value))
        base, dummy, query = path.partition('?')
        if query:
            pairs = sorted(part.split('=', 1) for part in query.split('&'))
            base += '?' + '&'.join('='.join(pair) for pair in pairs)
        lines.append(base)
        expected = base64.b64encode(hmac.new(secret.encode('utf-8'), '\n'.join(lines).encode('utf-8'),
                                             hashlib.sha256).digest()).decode('ascii')
        if not hmac.compare_digest(expected, given):
            return 401, dict(code='0x02401003', msg='invalid signature')
        now = int(self.clock() * 1000)
        try:
            stamp = int(headers.get('X-Ca-Timestamp') or '')
        except ValueError:
            return 401, dict(code='0x02401003', msg='invalid timestamp')
        if abs(now - stamp) > WINDOW_MS:
            return 401, dict(code='0x02401003', msg='timestamp out of range')
        nonce = headers.get('X-Ca-Nonce') or ''
        self.nonces = dict((n, t) for n, t in self.nonces.items() if t > now - WINDOW_MS)
        if not nonce or nonce in self.nonces:
            return 401, dict(code='0x02401003', msg='nonce used')
        self.nonces[nonce] = now
        return None

    def _version(self, data):
        return '0', dict(produceName='HikCentral Professional', softVersion='V2.5.1')

    @staticmethod
    def _page(rows, data):
        try:
            page, size = int(data.get('pageNo')), int(data.get('pageSize'))
        except (TypeError, ValueError):
            return '2', None
        if page < 1 or not 1 <= size <= MAX_PAGE:
            return '2', None
        return '0', dict(total=len(rows), pageNo=page, pageSize=size, list=rows[(page - 1) * size:page * size])

    @staticmethod
    def _one(rows, key, value):
        for row in rows:
            if row[key] == str(value):
                return '0', dict(row)
        return '128', None


class CentralHandler(Handler):
    def _handle(self):
        body = self._read_body()
        status, data = self.server.central.handle(self.command, self.path, self.headers, body)
        self._send(status, json.dumps(data).encode('utf-8'), 'application/json;charset=UTF-8')

    do_GET = do_PUT = do_POST = do_DELETE = _handle


class CentralServer(LoopbackServer):
    def __init__(self, central, address, port):
        self.central = central
        LoopbackServer.__init__(self, (address, port), CentralHandler)
