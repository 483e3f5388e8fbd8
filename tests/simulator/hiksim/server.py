"""The fleet: devices on loopback addresses, one accept loop, and the control endpoint."""

import glob
import hashlib
import json
import os
import re
import selectors
import shutil
import socket
import ssl
import sys
import tempfile
import threading
import time

from .central import Central
from .cloud import Cloud
from .device import DEFAULT_PASSWORD, DROP, Device
from .server_base import Handler, LoopbackServer

PROFILE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'profiles')
GENERIC_PROFILES = {'ipc': 'DS-2CD2386G2-IU', 'nvr': 'DS-7608NXI-I2', 'nvr-v1': 'DS-7616NI-K2',
                    'dvr': 'iDS-7204HUHI-M1', 'thermal': 'DS-2TD1228-2-QA'}


def profile_paths(data):
    """The recorded answers of a profile file: {"paths": ...} (hiksim's own format, with source and kind) or a
    diagnostics dump as recorded ({"data": {"ISAPI": ...}}), each entry normalised by normalise_entry."""
    paths = data.get('paths')
    if paths is None:
        paths = (data.get('data') or {}).get('ISAPI') or {}
    return dict((path, normalise_entry(entry)) for path, entry in paths.items())


def normalise_entry(entry):
    """{"response": ...} or {"status_code": N} as recorded; a recorded client error (such as an
    ISAPIForbiddenError of the tool that captured it) becomes the status it stands for."""
    if not isinstance(entry, dict) or 'response' in entry or 'status_code' in entry:
        return entry
    text = json.dumps(entry.get('error', entry))
    for words, status in (('Forbidden', 403), ('NotFound', 404), ('Not Found', 404), ('Unauthorized', 401),
                          ('BadRequest', 400), ('Bad Request', 400)):
        if words in text:
            return dict(status_code=status)
    return dict(status_code=500)


def load_profiles(directory=PROFILE_DIR):
    profiles = {}
    for path in sorted(glob.glob(os.path.join(directory, '*.json'))):
        name = os.path.splitext(os.path.basename(path))[0]
        with open(path, encoding='utf-8') as handle:
            profiles[name] = dict(name=name, paths=profile_paths(json.load(handle)))
    for alias, target in GENERIC_PROFILES.items():
        if target in profiles:
            profiles[alias] = dict(profiles[target], name=alias)
    return profiles


class DeviceHandler(Handler):
    def version_string(self):
        return 'DNVRS-Webs' if self.server.device.kind in ('nvr', 'dvr') else 'webserver'

    def _handle(self):
        body = self._read_body()
        response = self.server.device.handle(self.command, self.path, self.headers, body, self.client_address[0])
        if response is DROP:
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        if response.trickle is None and response.cut_after is None:
            self._send(response.status, response.body, response.content_type, response.headers)
            return
        self.send_response(response.status)
        self.send_header('Content-Type', response.content_type)
        self.send_header('Content-Length', str(len(response.body)))
        self.end_headers()
        self.wfile.flush()
        self.close_connection = True
        try:
            if response.cut_after is not None:
                self.wfile.write(response.body[:response.cut_after])
                self.wfile.flush()
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            for index in range(len(response.body)):
                self.wfile.write(response.body[index:index + 1])
                self.wfile.flush()
                time.sleep(response.trickle)
        except OSError:  # the client gave up
            pass

    do_GET = do_PUT = do_POST = do_DELETE = do_PATCH = _handle


class DeviceServer(LoopbackServer):
    block_on_close = False

    def __init__(self, device, verbose=False, tls_context=None):
        self.device = device
        self.verbose = verbose
        self.tls_context = tls_context
        LoopbackServer.__init__(self, (device.address, device.port), DeviceHandler)

    def get_request(self):
        sock, address = LoopbackServer.get_request(self)
        if self.tls_context is not None:  # the handshake runs in the request's thread, not the accept loop
            sock = self.tls_context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        return sock, address

    def handle_error(self, request, client_address):
        # A client that gave up mid-answer (the tests' slow and cut-off answers) is not the simulator's error.
        if isinstance(sys.exc_info()[1], OSError):
            return
        LoopbackServer.handle_error(self, request, client_address)

    def finish_request(self, request, client_address):
        if self.tls_context is not None:
            request.settimeout(10)
            try:
                request.do_handshake()
            except (ssl.SSLError, OSError):  # e.g. a client that does not trust the certificate
                return
            request.settimeout(None)
        LoopbackServer.finish_request(self, request, client_address)


class ControlHandler(Handler):
    """JSON control API for tests: state, seeding, counters, faults. Loopback only."""

    def _json(self, status, data):
        self._send(status, json.dumps(data, indent=1, sort_keys=True).encode('utf-8'), 'application/json')

    def _handle(self):
        fleet = self.server.fleet
        body = self._read_body()
        try:
            data = json.loads(body.decode('utf-8')) if body.strip() else {}
        except ValueError:
            return self._json(400, dict(error='body is not JSON'))
        parts = [p for p in self.path.split('?')[0].split('/') if p]
        method = self.command
        if parts == ['health']:
            return self._json(200, dict(ok=True, devices=len(fleet.devices)))
        if parts == ['devices'] and method == 'GET':
            return self._json(200, [dict(name=d.name, address=d.address, port=d.port, kind=d.kind, site=d.site,
                                         profile=d.profile_name) for d in fleet.devices.values()])
        if parts == ['counters'] and method == 'GET':
            return self._json(200, dict((d.name, d.counters) for d in fleet.devices.values()))
        if parts == ['counters', 'reset'] and method == 'POST':
            for device in fleet.devices.values():
                device.reset_counters()
            return self._json(200, dict(ok=True))
        if parts == ['state'] and method == 'GET':
            return self._json(200, dict((d.name, d.snapshot()) for d in fleet.devices.values()))
        if parts[:1] == ['cloud']:
            return self._cloud(fleet.cloud, method, parts[1:], data)
        if parts == ['central'] and method == 'GET':
            if fleet.central is None:
                return self._json(404, dict(error='this fleet has no hikcentral section'))
            return self._json(200, fleet.central.snapshot())
        if parts == ['shutdown'] and method == 'POST':
            threading.Thread(target=fleet.stop, daemon=True).start()
            return self._json(200, dict(ok=True))
        if len(parts) >= 2 and parts[0] == 'devices':
            device = fleet.devices.get(parts[1]) or fleet.by_address.get(parts[1])
            if device is None:
                return self._json(404, dict(error='no device %s' % parts[1]))
            rest = parts[2:]
            if not rest and method == 'GET':
                return self._json(200, device.snapshot())
            if not rest and method in ('PATCH', 'PUT'):
                device.seed(data)
                return self._json(200, device.snapshot())
            if rest == ['counters'] and method == 'GET':
                return self._json(200, device.counters)
            if rest == ['counters', 'reset'] and method == 'POST':
                device.reset_counters()
                return self._json(200, dict(ok=True))
            if rest == ['faults'] and method in ('POST', 'PUT'):
                device.set_faults(data)
                return self._json(200, dict(faults=device.faults))
            if rest == ['faults'] and method == 'DELETE':
                device.set_faults(None)
                return self._json(200, dict(faults={}))
            if rest == ['unlock'] and method == 'POST':
                device.seed(dict(unlock=True))
                return self._json(200, dict(ok=True))
            if rest == ['config'] and method == 'GET':
                return self._json(200, device.snapshot()['config'])
        return self._json(404, dict(error='unknown control request %s %s' % (method, self.path)))

    def _cloud(self, cloud, method, rest, data):
        if cloud is None:
            return self._json(404, dict(error='this fleet has no cloud section'))
        if not rest and method == 'GET':
            return self._json(200, cloud.snapshot())
        if rest == ['faults'] and method in ('POST', 'PUT'):
            cloud.set_faults(data)
            return self._json(200, dict(faults=cloud.faults))
        if rest == ['faults'] and method == 'DELETE':
            cloud.set_faults(None)
            return self._json(200, dict(faults={}))
        if rest == ['counters'] and method == 'GET':
            return self._json(200, cloud.counters)
        if rest == ['counters', 'reset'] and method == 'POST':
            cloud.reset_counters()
            return self._json(200, dict(ok=True))
        if rest == ['devices'] and method in ('POST', 'PATCH', 'PUT'):
            return self._json(200, cloud.seed_device(data))
        return self._json(404, dict(error='unknown cloud control request %s' % '/'.join(rest)))

    do_GET = do_PUT = do_POST = do_DELETE = do_PATCH = _handle


class ControlServer(LoopbackServer):

    def __init__(self, fleet, address, port):
        self.fleet = fleet
        LoopbackServer.__init__(self, (address, port), ControlHandler)


def _check_loopback(address):
    if not re.match(r'^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$', address):
        raise ValueError('hiksim serves loopback addresses (127.0.0.0/8) only, not %s' % address)


class Fleet(object):
    def __init__(self, spec, profiles=None, verbose=False):
        self.profiles = profiles or load_profiles()
        self.spec = spec
        self.verbose = verbose
        self.devices = {}
        self.by_address = {}
        self.servers = []
        self.control = None
        self._stop = threading.Event()
        self._threads = []
        # Where the TLS devices' certificates go: the spec's tls_dir, else a temporary directory removed at stop.
        self._tls_dir = spec.get('tls_dir')
        self._tls_tmp = None
        defaults = spec.get('defaults') or {}
        entries = spec.get('devices') or []
        for entry in entries:
            settings = dict(defaults)
            settings.update(entry)
            self._add(settings)
        self.cloud = Cloud(spec['cloud'], self.devices) if spec.get('cloud') else None
        for entry in entries:  # channels may name other devices of the fleet
            if entry.get('cameras'):
                recorder = self.devices[entry['name']]
                recorder.seed(dict(channels=[self._camera_channel(cam) for cam in entry['cameras']]))
        # HikCentral Professional's OpenAPI (read only), after the channels: its cameras are the recorders'.
        self.central = Central(spec['hikcentral'], self.devices) if spec.get('hikcentral') else None

    def _add(self, settings):
        name = settings['name']
        profile_name = settings.get('profile', 'ipc')
        if profile_name not in self.profiles:
            raise ValueError('unknown profile %r for %s; known: %s' % (profile_name, name, ', '.join(sorted(self.profiles))))
        address = settings.get('address', '127.0.0.1')
        _check_loopback(address)
        port = int(settings.get('port', 8080))
        profile = self.profiles[profile_name]
        info = profile['paths']['System/deviceInfo']['response']['DeviceInfo']
        digest = hashlib.md5(name.encode('utf-8')).hexdigest().upper()  # nosec - an id, not security
        if not settings.get('keep_identity'):  # else the capture's own serial, MAC and name
            settings.setdefault('serial_number', '%sSIM%s' % (info.get('model', 'DS-SIM'), digest[:12]))
            settings.setdefault('mac_address', ':'.join(['c0', '56'] + [digest[i:i + 2].lower() for i in range(0, 8, 2)]))
            settings.setdefault('device_name', name)
        device = Device(name, address, port, profile, settings)
        if (address, port) in [(d.address, d.port) for d in self.devices.values()]:
            raise ValueError('two devices on %s:%d' % (address, port))
        self.devices[name] = device
        self.by_address['%s:%d' % (address, port)] = device
        self.by_address.setdefault(address, device)

    def _camera_channel(self, cam):
        if isinstance(cam, str):
            cam = dict(camera=cam)
        channel = dict(cam)
        target = self.devices.get(cam.get('camera')) if cam.get('camera') else None
        if target is not None:
            channel.setdefault('ip_address', target.address)
            channel.setdefault('port', target.port)
            channel.setdefault('model', target.model)
            channel.setdefault('serial_number', target.serial_number)
            channel.setdefault('name', target.name)
            channel.setdefault('password', target.users[1]['password'])
        channel.pop('camera', None)
        return channel

    # -- running -------------------------------------------------------------------------------

    def _tls_context(self, device):
        if not device.tls:
            return None
        from .tls import self_signed
        if self._tls_dir is None:
            self._tls_dir = self._tls_tmp = tempfile.mkdtemp(prefix='hiksim-tls-')
        context, device.certificate = self_signed(device.address, device.port, self._tls_dir)
        return context

    def start(self):
        for device in self.devices.values():
            try:
                self.servers.append(DeviceServer(device, verbose=self.verbose, tls_context=self._tls_context(device)))
            except OSError as exc:
                for server in self.servers:
                    server.server_close()
                raise SystemExit('hiksim: cannot listen on %s:%d for %s (%s); is another hiksim running?'
                                 % (device.address, device.port, device.name, exc.strerror))
        if self.cloud is not None:
            try:
                self.cloud.start()
            except OSError as exc:
                for server in self.servers:
                    server.server_close()
                raise SystemExit('hiksim: cannot listen on %s:%d for the cloud (%s); is another hiksim running?'
                                 % (self.cloud.address, self.cloud.port, exc.strerror))
        if self.central is not None:
            if self.central.tls and self._tls_dir is None:
                self._tls_dir = self._tls_tmp = tempfile.mkdtemp(prefix='hiksim-tls-')
            try:
                self.central.start(self._tls_dir)
            except OSError as exc:
                for server in self.servers:
                    server.server_close()
                raise SystemExit('hiksim: cannot listen on %s:%d for HikCentral (%s); is another hiksim running?'
                                 % (self.central.address, self.central.port, exc.strerror))
        control = self.spec.get('control') or {}
        self.control = ControlServer(self, control.get('address', '127.0.0.1'), int(control.get('port', 0)))
        selector = selectors.DefaultSelector()
        for server in self.servers:
            selector.register(server.socket, selectors.EVENT_READ, server)
        self._threads = [threading.Thread(target=self._accept_loop, args=(selector,), daemon=True),
                         threading.Thread(target=self.control.serve_forever, kwargs=dict(poll_interval=0.2),
                                          daemon=True)]
        for thread in self._threads:
            thread.start()
        return self

    @property
    def control_url(self):
        host, port = self.control.server_address[:2]
        return 'http://%s:%d' % (host, port)

    def _accept_loop(self, selector):
        while not self._stop.is_set():
            for key, dummy in selector.select(timeout=0.2):
                key.data._handle_request_noblock()  # pylint: disable=protected-access
        selector.close()

    def stop(self):
        self._stop.set()
        if self.control is not None:
            self.control.shutdown()
            self.control.server_close()
        for server in self.servers:
            server.server_close()
        if self.cloud is not None:
            self.cloud.stop()
        if self.central is not None:
            self.central.stop()
        if self._tls_tmp is not None:
            shutil.rmtree(self._tls_tmp, ignore_errors=True)

    def wait(self):
        self._stop.wait()

    # -- inventory -----------------------------------------------------------------------------

    def inventory(self):
        """An Ansible inventory (as data) for the fleet: groups per site, recorders and cameras."""
        hosts = {}
        groups = {'recorders': {}, 'cameras': {}}
        recorder_of = {}
        for device in self.devices.values():
            for channel in device.snapshot()['channels'] if device.kind in ('nvr', 'dvr') else []:
                for cam in self.devices.values():
                    if cam.address == channel['ip_address'] and cam.port == channel['port']:
                        recorder_of[cam.name] = device.name
        for device in self.devices.values():
            hostvars = dict(ansible_host=device.address, hik_port=device.port, hik_username=device.users[1]['name'],
                            hik_password=device.users[1]['password'], hik_model=device.model, hik_kind=device.kind,
                            hik_cloud_serial=device.cloud_serial)
            if device.device_info.get('serialNumber'):  # only a serial the device reports
                hostvars['hik_serial'] = device.device_info['serialNumber']
            if device.site:
                hostvars['hik_site'] = device.site
            if device.tls:
                hostvars.update(hik_protocol='https', hik_ca_path=device.certificate)
            if device.name in recorder_of:
                hostvars['hik_recorder'] = recorder_of[device.name]
            hosts[device.name] = hostvars
            groups['recorders' if device.kind in ('nvr', 'dvr') else 'cameras'][device.name] = {}
            if device.site:
                groups.setdefault(device.site, {})[device.name] = {}
        children = dict((group, dict(hosts=members)) for group, members in groups.items() if members)
        top = dict(hik_sim_control=self.control_url if self.control else None)
        if self.cloud is not None:
            top['hik_sim_cloud_url'] = self.cloud.url()
        if self.central is not None:
            top['hik_sim_central_url'] = self.central.url()
        return dict(all=dict(hosts=hosts, children=children, vars=top))


# The demo fleet's simulated Hik-Partner Pro account (not a real credential).
DEMO_CLOUD_KEY = 'demo-app-key'
DEMO_CLOUD_SECRET = 'demo-app-secret'


def builtin_fleet(name, port=8080):
    """The fleets that ship with hiksim.

    ``demo-site``: one site, one NVR recording three of four cameras, and a DVR (127.0.1.x).
    ``demo``: two sites, two NVRs, a DVR and ten cameras, some with extra users, ONVIF users and
    Hik-Connect on (127.0.11.x and 127.0.12.x); the cameras on Hik-Connect are in an installer's simulated
    Hik-Partner Pro account (127.0.13.1, regional host 127.0.13.2), site_a handed over to its owner.
    """
    if name == 'demo-site':
        devices = [
            dict(name='nvr-01', profile='DS-7608NXI-I2', address='127.0.1.1', site='site_a',
                 cameras=['cam-01', 'cam-02', 'cam-03']),
            dict(name='cam-01', profile='DS-2CD2386G2-IU', address='127.0.1.11', site='site_a',
                 ezviz=dict(enabled=True, verification_code='Hik12345', bind_status='bind')),
            dict(name='cam-02', profile='DS-2CD2146G2-ISU', address='127.0.1.12', site='site_a',
                 users=[dict(name='installer', password='Install-2024', level='operator')],
                 onvif_users=[dict(name='vms', password='Onvif-2024x', type='mediaUser')]),
            dict(name='cam-03', profile='DS-2CD2T46G2-ISU', address='127.0.1.13', site='site_a'),
            dict(name='cam-04', profile='DS-2TD1228-2-QA', address='127.0.1.14', site='site_a',
                 ezviz=dict(enabled=True, verification_code='Therm4321', bind_status='bind')),
            dict(name='dvr-01', profile='iDS-7204HUHI-M1', address='127.0.1.2', site='site_a'),
        ]
        return dict(defaults=dict(port=port, password=DEFAULT_PASSWORD), devices=devices)
    if name == 'demo':
        extra = [dict(name='installer', password='Install-2024', level='operator'),
                 dict(name='guest', password='Guest-2024x', level='viewer')]
        onvif = [dict(name='vms', password='Onvif-2024x', type='mediaUser')]
        cloud = dict(enabled=True, verification_code='Hik12345', bind_status='bind')
        profiles = ['DS-2CD2386G2-IU', 'DS-2CD2146G2-ISU', 'DS-2CD2T46G2-ISU', 'DS-2CD2346G2-ISU', 'DS-2TD1228-2-QA']
        devices = []
        for site, net, nvr_profile in (('site_a', 11, 'DS-7608NXI-I2'), ('site_b', 12, 'DS-7616NI-K2')):
            letter = site[-1]
            cams = ['cam-%s%d' % (letter, i) for i in range(1, 6)]
            devices.append(dict(name='nvr-%s1' % letter, profile=nvr_profile, address='127.0.%d.1' % net, site=site,
                                cameras=cams[:4], users=extra[:1]))
            for i, cam in enumerate(cams):
                entry = dict(name=cam, profile=profiles[i], address='127.0.%d.%d' % (net, 11 + i), site=site)
                if i % 2 == 0:
                    entry['ezviz'] = dict(cloud)
                if i in (1, 3):
                    entry['users'] = extra
                if i in (1, 2):
                    entry['onvif_users'] = onvif
                devices.append(entry)
        devices.append(dict(name='dvr-a1', profile='iDS-7204HUHI-M1', address='127.0.11.2', site='site_a',
                            users=extra[1:]))
        # The installer's Hik-Partner Pro account holds the cameras that are on Hik-Connect, one site per
        # site; site_a is handed over to its owner by sharing.
        cloud = dict(address='127.0.13.1', regional_address='127.0.13.2', port=port, accounts=[dict(
            name='installer', provider='hik_partner_pro', app_key=DEMO_CLOUD_KEY, app_secret=DEMO_CLOUD_SECRET,
            company='Demo Installers', sites=[
                dict(id='site_a', name='Site A', customers=[dict(hcAccount='owner-a@example.com', status='1')]),
                dict(id='site_b', name='Site B')])],
            devices=[dict(device=d['name'], owner='installer', site=d['site']) for d in devices if d.get('ezviz')])
        return dict(defaults=dict(port=port, password=DEFAULT_PASSWORD), devices=devices, cloud=cloud)
    raise ValueError('unknown built-in fleet %r (known: demo-site, demo)' % name)
