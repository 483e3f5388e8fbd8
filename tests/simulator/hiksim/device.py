"""One simulated Hikvision device: state, ISAPI routes and device rules.

Written from docs/isapi.md (sections noted by the routes) and the real captures in profiles/. What
those notes mark as inferred is implemented as they describe and is configurable where they say so.
"""

import copy
import hashlib
import json
import os
import re
import signal
import threading
import time
from urllib.parse import parse_qs, urlsplit

from . import xmlio
from .auth import Authenticator, Outcome, md5_hex

STATUS_STRINGS = {1: 'OK', 2: 'Device Busy', 3: 'Device Error', 4: 'Invalid Operation',
                  5: 'Invalid XML Format', 6: 'Invalid XML Content', 7: 'Reboot Required'}
HTTP_FOR_STATUS = {1: 200, 2: 503, 3: 500, 4: 403, 5: 400, 6: 400, 7: 200}
ERROR_CODES = {'notSupport': 0x40000001, 'lowPrivilege': 0x40000002, 'methodNotAllowed': 0x40000004,
               'invalidOperation': 0x40000006, 'notActivated': 0x40000007, 'loginPasswordError': 0x4000000C,
               'userMaxNum': 0x40001047, 'deviceExist': 0x40001054, 'cannotSameAsOldPassword': 0x400010E8,
               'badParameters': 0x60000001, 'badXmlContent': 0x60000003, 'deviceBusy': 0x20000004,
               'deviceError': 0x30000001, 'badXmlFormat': 0x50000001}
LEVELS = {'administrator': 'Administrator', 'operator': 'Operator', 'viewer': 'Viewer'}
ONVIF_TYPES = ('administrator', 'operator', 'mediaUser')
VERIFICATION_CODE_RE = re.compile(r'^[A-Za-z0-9]{6,12}$')
DEFAULT_PASSWORD = 'Sim-Admin-123'
EZVIZ_SERVER = 'litedev.hik-connect.com'
DROP = object()


class Response(object):
    def __init__(self, status, body=b'', content_type='application/xml; charset="UTF-8"', headers=None):
        self.status = status
        self.body = body
        self.content_type = content_type
        self.headers = headers or []
        # Faults in the sending (server.py): seconds between the body's bytes; the body cut off (the connection
        # closed) after this many bytes.
        self.trickle = None
        self.cut_after = None


class Route(object):
    def __init__(self, pattern, handlers, auth=True):
        self.regex = re.compile('^' + pattern + '$')
        self.handlers = handlers
        self.auth = auth


def _content_fault(fault):
    return fault == 'empty' or isinstance(fault, dict)


def _valid_fault(fault):
    return fault in ('404', '403', 'notSupport', 'empty') or \
        (isinstance(fault, dict) and set(fault) == {'drop'} and isinstance(fault['drop'], list))


def _password_classes(password):
    return sum(1 for test in (str.isdigit, str.islower, str.isupper) if any(test(c) for c in password)) + \
        (1 if any(not c.isalnum() for c in password) else 0)


def _kind(device_type, model):
    dtype = (device_type or '').lower()
    if dtype in ('nvr', 'hybirdnvr'):
        return 'nvr'
    if dtype in ('dvr', 'dvs'):
        return 'dvr'
    match = re.match(r'^i?DS-[789]\d{3}([A-Z])', model or '')
    if match:
        return 'nvr' if match.group(1) == 'N' else 'dvr'
    return 'ipc'


class Device(object):
    """A device built from a profile (a capture) and seeded with users, cloud and channel state."""

    def __init__(self, name, address, port, profile, settings=None, clock=time.time):
        settings = settings or {}
        self.name = name
        self.address = address
        self.port = port
        self.site = settings.get('site')
        self.profile_name = profile['name']
        self.paths = profile['paths']
        self.clock = clock
        self.lock = threading.RLock()
        info = copy.deepcopy(self.paths['System/deviceInfo']['response']['DeviceInfo'])
        self.namespace = info.get('@xmlns')
        self.version = info.get('@version', '2.0')
        self.model = settings.get('model') or info.get('model')
        info['model'] = self.model
        if settings.get('serial_number'):
            info['serialNumber'] = settings['serial_number']
        if settings.get('mac_address'):
            info['macAddress'] = settings['mac_address']
        if settings.get('device_name'):
            info['deviceName'] = settings['device_name']
        if settings.get('firmware_version'):
            info['firmwareVersion'] = settings['firmware_version']
        # The 9-character serial the cloud knows the device by: reported as subSerialNumber by the
        # firmware that has that element (cameras in the captures), so only there.
        captured_sub = xmlio.text(info.get('subSerialNumber'))
        if settings.get('keep_identity') and captured_sub:  # the capture's own, as for its serial and MAC
            self.cloud_serial = settings.get('cloud_serial') or captured_sub
        else:
            self.cloud_serial = settings.get('cloud_serial') or md5_hex(info.get('serialNumber') or name)[:9].upper()
        if 'subSerialNumber' in info:
            info['subSerialNumber'] = self.cloud_serial
        # Set by the simulated cloud (hiksim.cloud) for devices it holds: True (an account holds the
        # device) or False; bind_status follows it at the next read while the device is online.
        self.cloud_bound = None
        self.device_info = info
        self.original_device_name = info.get('deviceName')
        self.kind = _kind(info.get('deviceType'), self.model)
        # A profile says only what its device said: no capabilities document unless the capture has one.
        self.caps = (self.paths.get('System/capabilities', {}).get('response') or {}).get('DeviceCap') or {}
        sec = self.caps.get('SecurityCap') or {}
        net = (self.caps.get('SysCap') or {}).get('NetworkCap') or {}
        self.path_faults = dict((path, str(fault) if isinstance(fault, int) else fault)
                                for path, fault in (settings.get('path_faults') or {}).items())
        for path, fault in self.path_faults.items():
            if not _valid_fault(fault):
                raise ValueError('%s: path_faults[%r] = %r; give 404, 403, notSupport, empty or {drop: [names]}'
                                 % (name, path, fault))
        self.max_users = int(xmlio.text(sec.get('supportUserNums'), '32'))
        limit = (sec.get('SecurityLimits') or {}).get('LoginPasswordLenLimit') or {}
        rules = settings.get('password_rules') or {}
        self.password_min = int(rules.get('min_length', max(int(limit.get('@min', 8)), 8)))
        self.password_max = int(rules.get('max_length', limit.get('@max', 16)))
        self.password_classes = int(rules.get('min_classes', 2))
        self.password_not_username = bool(rules.get('not_username', True))
        self.reject_same_password = bool(rules.get('reject_same_password', True))
        self.require_login_password = bool(settings.get('require_login_password', True))
        # Reported by userCheck as isDefaultPassword until the admin password is changed.
        self.default_password = bool(settings.get('default_password', False))
        # Features the device shows: a capability flag that says true, or a recorded answer of the feature's
        # own path. Anything more is an explicit overlay in the fleet file (onvif_supported, ezviz_supported,
        # user_check_supported, lockout_policy_supported), never a default.
        captured_ezviz = (self.paths.get('System/Network/EZVIZ') or {}).get('response')
        self.onvif_supported = xmlio.as_bool(sec.get('isSupportONVIFUserManagement')) is True or \
            'response' in (self.paths.get('Security/ONVIF/users') or {})
        if 'onvif_supported' in settings:
            self.onvif_supported = bool(settings['onvif_supported'])
        self.ezviz_supported = xmlio.as_bool(net.get('isSupportEZVIZ')) is True or captured_ezviz is not None
        if 'ezviz_supported' in settings:
            self.ezviz_supported = bool(settings['ezviz_supported'])
        self.user_check_supported = xmlio.as_bool(sec.get('isSupportUserCheck')) is True or \
            'response' in (self.paths.get('Security/userCheck') or {})
        if 'user_check_supported' in settings:
            self.user_check_supported = bool(settings['user_check_supported'])
        self.lockout_policy_supported = xmlio.as_bool(sec.get('issupIllegalLoginLock')) is True or \
            'response' in (self.paths.get('Security/illegalLoginLock') or {})
        if 'lockout_policy_supported' in settings:
            self.lockout_policy_supported = bool(settings['lockout_policy_supported'])
        self.reports_bind_status = bool(settings.get('reports_bind_status', True))
        # A fault for the tests: after a password change the old password still logs in (a device that has not
        # applied the change to every login path). The rotation's check that the old one is refused must catch it.
        self.keeps_old_password = bool(settings.get('keeps_old_password', False))
        # A fault for the tests: a user's DELETE is answered OK and not applied (the account stays).
        self.ignores_deletes = bool(settings.get('ignores_deletes', False))
        self.kill_at = None  # the crash tests' hook (_kill_point)
        self.old_passwords = {}
        self._overlay_capabilities(settings)
        # Configuration export is core ISAPI on cameras and recorders alike (docs/isapi.md 7.3): offered unless the
        # capabilities say isSupportConfigFileExport false.
        self.config_export = xmlio.as_bool(sec.get('isSupportConfigFileExport')) is not False
        self.require_secret_key = bool(settings.get('require_secret_key', False))
        self.reboot_seconds = float(settings.get('reboot_seconds', 3))
        self.register_delay = float(settings.get('register_delay', 0.5))
        self.cloud_online = bool(settings.get('cloud_online', True))
        # HTTPS only, with a self-signed certificate (hiksim.tls); the fleet writes it to this file.
        self.tls = bool(settings.get('tls', False))
        self.certificate = None
        cert = (sec.get('WebCertificateCap') or {}).get('CertificateType')
        mode = settings.get('auth_mode') or xmlio.text(cert) or 'digest'
        realm = settings.get('realm') or md5_hex(self.serial_number)[:24]
        self.auth = Authenticator(realm, mode=mode, nonce_ttl=float(settings.get('nonce_ttl', 600)),
                                  nonce_max_uses=settings.get('nonce_max_uses'),
                                  nonce_overuse_counts=bool(settings.get('nonce_overuse_counts', True)), clock=clock)
        lockout = settings.get('lockout') or {}
        self.auth.max_failures = int(lockout.get('max_attempts', xmlio.value(sec.get('maxIllegalLoginTimes'), 5)))
        self.auth.lock_seconds = int(lockout.get('lock_seconds',
                                                 60 * int(xmlio.value(sec.get('maxIllegalLoginLockTime'), 30))))
        self.auth.lock_enabled = bool(lockout.get('enabled', True))
        self.admin_password = settings.get('password', DEFAULT_PASSWORD)
        self.faults = {}
        self.unreachable_until = 0.0
        self.unreachable_from = 0.0
        self.boots = 0
        self.factory_resets = []
        self.config_generation = 0
        self._init_state(settings)
        self.reset_counters()

    # The capability flag each feature overlay sets, so that an overlaid device stays coherent: its
    # capabilities say what it does. Where the capture has no capabilities document, none is made up.
    OVERLAY_FLAGS = (('ezviz_supported', ('SysCap', 'NetworkCap', 'isSupportEZVIZ')),
                     ('onvif_supported', ('SecurityCap', 'isSupportONVIFUserManagement')),
                     ('user_check_supported', ('SecurityCap', 'isSupportUserCheck')),
                     ('lockout_policy_supported', ('SecurityCap', 'issupIllegalLoginLock')))

    def _overlay_capabilities(self, settings):
        given = [(key, path) for key, path in self.OVERLAY_FLAGS if key in settings]
        if not given or 'response' not in self.paths.get('System/capabilities', {}):
            return
        self.paths = dict(self.paths)
        self.paths['System/capabilities'] = copy.deepcopy(self.paths['System/capabilities'])
        self.caps = self.paths['System/capabilities']['response']['DeviceCap']
        for key, path in given:
            node = self.caps
            for part in path[:-1]:
                node = node.setdefault(part, {})
            node[path[-1]] = 'true' if settings[key] else 'false'

    # -- state ---------------------------------------------------------------------------------

    @property
    def serial_number(self):
        return self.device_info.get('serialNumber') or self.name

    def _init_state(self, settings):
        self.activated = True
        self.users = {1: dict(id=1, name=settings.get('username', 'admin'), password=self.admin_password,
                              level='Administrator', enabled=True)}
        for user in settings.get('users') or []:
            self._seed_user(user)
        self.onvif_users = {}
        for user in settings.get('onvif_users') or []:
            self._seed_onvif_user(user)
        self.ezviz = dict(enabled=False, verification_code='', bind_status='unbind', registered_at=None,
                          server=EZVIZ_SERVER, extra={})
        captured = ((self.paths.get('System/Network/EZVIZ') or {}).get('response') or {}).get('EZVIZ')
        if captured is not None and self.ezviz_supported:
            self._seed_ezviz_from_capture(captured)
        if settings.get('ezviz'):
            if not self.ezviz_supported:
                raise ValueError('%s: the fleet gives Hik-Connect (ezviz) state, but profile %s does not offer it; '
                                 'add ezviz_supported: true as an explicit overlay' % (self.name, self.profile_name))
            self._seed_ezviz(settings['ezviz'])
        if settings.get('onvif_users') and not self.onvif_supported:
            raise ValueError('%s: the fleet gives ONVIF users, but profile %s does not offer ONVIF user management; '
                             'add onvif_supported: true as an explicit overlay' % (self.name, self.profile_name))
        self.analog_channels = []
        self.channels = {}
        self.channel_passwords = {}
        self.channel_online = {}
        self.max_ip_channels = 0
        self.list_size = None
        self.repeat_child_ns = False
        self._init_channels(settings)

    def _seed_user(self, user):
        uid = int(user.get('id') or self._free_id(self.users, 2, self.max_users))
        self.users[uid] = dict(id=uid, name=user['name'], password=user.get('password', DEFAULT_PASSWORD),
                               level=LEVELS.get(str(user.get('level', 'viewer')).lower(), 'Viewer'),
                               enabled=bool(user.get('enabled', True)))

    def _seed_onvif_user(self, user):
        uid = int(user.get('id') or self._free_id(self.onvif_users, 1, 32))
        self.onvif_users[uid] = dict(id=uid, name=user['name'], password=user.get('password', DEFAULT_PASSWORD),
                                     type=user.get('type', user.get('level', 'mediaUser')))

    def _seed_ezviz_from_capture(self, captured):
        """The recorded EZVIZ answer as the initial state; children the simulator does not model round-trip."""
        known = ('enabled', 'registerStatus', 'serverAddress', 'verificationCode', 'bindStatus')
        host = xmlio.text((captured.get('serverAddress') or {}).get('hostName')) \
            if isinstance(captured.get('serverAddress'), dict) else None
        self.ezviz.update(enabled=xmlio.as_bool(captured.get('enabled')) is True,
                          bind_status=xmlio.text(captured.get('bindStatus')) or 'unbind',
                          server=host or EZVIZ_SERVER,
                          extra=dict((k, v) for k, v in captured.items() if k not in known and not k.startswith('@')))
        self.reports_bind_status = 'bindStatus' in captured
        if self.ezviz['enabled']:
            self.ezviz['registered_at'] = self.clock() if xmlio.as_bool(captured.get('registerStatus')) else None

    def _seed_ezviz(self, data):
        for key in ('enabled', 'verification_code', 'bind_status', 'server'):
            if key in data:
                self.ezviz[key] = data[key]
        if 'cloud_online' in data:
            self.cloud_online = bool(data['cloud_online'])
        if self.ezviz['enabled']:
            self.ezviz['registered_at'] = self.clock() if data.get('registered', True) else \
                self.clock() + self.register_delay

    def _init_channels(self, settings):
        cap = self.paths.get('ContentMgmt/InputProxy/channels', {})
        listing = (cap.get('response') or {}).get('InputProxyChannelList')
        self.has_input_proxy = listing is not None
        analog = (self.paths.get('System/Video/inputs/channels', {}).get('response') or {}).get('VideoInputChannelList')
        if self.kind == 'dvr' and analog:
            self.analog_channels = xmlio.as_list(analog.get('VideoInputChannel'))
        if not self.has_input_proxy:
            return
        # The list's size attribute is served as recorded; it is not the capacity (docs/isapi.md 5.2), which is
        # the capabilities' RacmCap/inputProxyNums where the device gives it.
        self.list_size = listing.get('@size')
        capacity = xmlio.value((self.caps.get('RacmCap') or {}).get('inputProxyNums'))
        self.max_ip_channels = int(capacity) if capacity and capacity.isdigit() else int(self.list_size or 0)
        captured = xmlio.as_list(listing.get('InputProxyChannel'))
        self.repeat_child_ns = any('@xmlns' in c for c in captured)
        if 'channels' in settings:
            for channel in settings['channels'] or []:
                self.add_channel_from_settings(channel)
        else:
            for channel in captured:
                channel = copy.deepcopy(channel)
                channel.pop('@xmlns', None)
                channel.pop('@version', None)
                cid = int(channel['id'])
                self.channels[cid] = channel
                self.channel_online[cid] = bool(xmlio.text(channel.get('sourceInputPortDescriptor', {}).get('model')))
                self.channel_passwords[cid] = DEFAULT_PASSWORD
        self.max_ip_channels = max(self.max_ip_channels, len(self.channels))

    @property
    def ip_channel_base(self):
        return len(self.analog_channels)

    def add_channel_from_settings(self, channel):
        last = self.ip_channel_base + max(self.max_ip_channels, 64)
        cid = int(channel.get('id') or self._free_id(self.channels, self.ip_channel_base + 1, last))
        src = dict(proxyProtocol=channel.get('protocol', 'HIKVISION').upper(), addressingFormatType='ipaddress',
                   ipAddress=channel['ip_address'], managePortNo=str(channel.get('port', 8000)), srcInputPort='1',
                   userName=channel.get('username', 'admin'), streamType='auto',
                   model=channel.get('model'), serialNumber=channel.get('serial_number'),
                   firmwareVersion=channel.get('firmware_version'), deviceID=None)
        if channel.get('conn_mode'):  # plugplay: a camera on the recorder's PoE ports (DS-7608NXI-I2's capture)
            src['connMode'] = channel['conn_mode']
        self.channels[cid] = dict(id=str(cid), name=channel.get('name') or 'Camera %02d' % cid,
                                  sourceInputPortDescriptor=src, enableAnr='false', enableTiming='true')
        self.channel_passwords[cid] = channel.get('password', DEFAULT_PASSWORD)
        self.channel_online[cid] = bool(channel.get('online', True))
        self.max_ip_channels = max(self.max_ip_channels, len(self.channels))

    @staticmethod
    def _free_id(table, first, last):
        for candidate in range(first, max(last, first) + 1):
            if candidate not in table:
                return candidate
        return None

    def reset_counters(self):
        with self.lock:
            self.counters = dict(requests=0, challenges=0, stale_nonces=0, nonce_overuses=0, failed_logins=0,
                                 locked_rejections=0, authenticated=0, reads=0, writes=0, dropped=0, by_request={})

    def config_blob(self):
        seed = ('%s/%s/%d' % (self.serial_number, self.name, self.config_generation)).encode('utf-8')
        out = bytearray()
        block = hashlib.sha256(seed).digest()
        while len(out) < 48 * 1024:
            block = hashlib.sha256(block + seed).digest()
            out.extend(block)
        return bytes(out)

    def snapshot(self):
        """The whole state as JSON-able data, for the control endpoint (passwords included: it is a test tool)."""
        with self.lock:
            blob = self.config_blob()
            now = self.clock()
            ezviz = dict((k, v) for k, v in self.ezviz.items() if k not in ('registered_at', 'extra'))
            ezviz['registered'] = self._registered()
            ezviz['supported'] = self.ezviz_supported
            return dict(
                name=self.name, address=self.address, port=self.port, site=self.site, profile=self.profile_name,
                kind=self.kind, model=self.model, serial_number=self.serial_number, cloud_serial=self.cloud_serial,
                activated=self.activated, tls=self.tls, certificate=self.certificate,
                namespace=self.namespace, xml_version=self.version, auth_mode=self.auth.mode,
                users=[dict(u) for dummy, u in sorted(self.users.items())],
                onvif_supported=self.onvif_supported,
                onvif_users=[dict(u) for dummy, u in sorted(self.onvif_users.items())],
                ezviz=ezviz,
                channels=[self._channel_summary(cid) for cid in sorted(self.channels)],
                analog_channels=[dict(id=int(c['id']), name=xmlio.text(c.get('name'))) for c in self.analog_channels],
                max_ip_channels=self.max_ip_channels,
                lockout=dict(enabled=self.auth.lock_enabled, max_attempts=self.auth.max_failures,
                             lock_seconds=self.auth.lock_seconds, **self.auth.lock_state()),
                boots=self.boots, factory_resets=list(self.factory_resets),
                unreachable_for=max(0.0, round(self.unreachable_until - now, 2)) if now >= self.unreachable_from else 0.0,
                config=dict(size=len(blob), sha256=hashlib.sha256(blob).hexdigest()),
                faults=dict(self.faults),
            )

    def _channel_summary(self, cid):
        channel = self.channels[cid]
        src = channel.get('sourceInputPortDescriptor') or {}
        return dict(id=cid, name=xmlio.text(channel.get('name')), ip_address=xmlio.text(src.get('ipAddress')),
                    port=int(xmlio.text(src.get('managePortNo'), '0') or 0),
                    protocol=xmlio.text(src.get('proxyProtocol')), username=xmlio.text(src.get('userName')),
                    password=self.channel_passwords.get(cid), online=self.channel_online.get(cid),
                    model=xmlio.text(src.get('model')), serial_number=xmlio.text(src.get('serialNumber')))

    def seed(self, data):
        """Change state from the control endpoint (lists replace, dicts merge)."""
        with self.lock:
            if 'password' in data:
                self.users[1]['password'] = data['password']
            if 'users' in data:
                admin = self.users[1]
                self.users = {1: admin}
                for user in data['users']:
                    if int(user.get('id') or 0) == 1:
                        admin.update(dict((k, v) for k, v in user.items() if k in ('name', 'password')))
                    else:
                        self._seed_user(user)
            if 'onvif_users' in data:
                self.onvif_users = {}
                for user in data['onvif_users']:
                    self._seed_onvif_user(user)
            if 'ezviz' in data:
                self._seed_ezviz(data['ezviz'])
            if 'channels' in data:
                self.channels, self.channel_passwords, self.channel_online = {}, {}, {}
                for channel in data['channels']:
                    self.add_channel_from_settings(channel)
            if 'channel_online' in data:
                for cid, online in data['channel_online'].items():
                    self.channel_online[int(cid)] = bool(online)
            if 'lockout' in data:
                lockout = data['lockout']
                self.auth.max_failures = int(lockout.get('max_attempts', self.auth.max_failures))
                self.auth.lock_seconds = int(lockout.get('lock_seconds', self.auth.lock_seconds))
                self.auth.lock_enabled = bool(lockout.get('enabled', self.auth.lock_enabled))
            for key in ('activated', 'cloud_online', 'reboot_seconds', 'require_secret_key', 'reports_bind_status',
                        'require_login_password'):
                if key in data:
                    setattr(self, key, data[key])
            if data.get('unlock'):
                self.auth.unlock_all()

    def set_faults(self, faults):
        with self.lock:
            if faults is None:
                self.faults = {}
            else:
                self.faults.update(faults)
                if 'reboot_in_progress' in faults:
                    self.unreachable_from = self.clock()
                    self.unreachable_until = self.clock() + float(faults.pop('reboot_in_progress'))
                    self.faults.pop('reboot_in_progress', None)

    def _take_fault(self, name):
        count = self.faults.get(name)
        if not count:
            return False
        if count is not True:
            self.faults[name] = count - 1
            if self.faults[name] <= 0:
                del self.faults[name]
        return True

    def bind_status(self):
        """bindStatus, synced with the simulated cloud while the device is online to it."""
        if self.cloud_bound is not None and self._registered():
            self.ezviz['bind_status'] = 'bind' if self.cloud_bound else 'unbind'
        return self.ezviz['bind_status']

    def _registered(self):
        at = self.ezviz.get('registered_at')
        return bool(self.ezviz['enabled'] and self.cloud_online and at is not None and self.clock() >= at)

    # -- the request pipeline ------------------------------------------------------------------

    def unreachable(self):
        now = self.clock()
        return self.unreachable_from <= now < self.unreachable_until

    def handle(self, method, raw_path, headers, body, client_ip):
        """Answer one HTTP request; returns a Response, or DROP to close the connection unanswered.

        The faults of the answer's sending (each a count, or true for every request):
        ``slow_body`` (a read's body a byte a second), ``reset_mid_body`` (a read's body cut off halfway),
        ``huge_body`` (a read answered with 50 MB), ``external_entity`` (a read answered with an XML external
        entity), ``html_401`` (a 401 HTML page without a Digest challenge, before any login),
        ``write_cut`` (a write's connection closed before it is applied), ``write_lost`` (a write applied,
        its answer never sent), ``write_refused_4`` and ``write_refused_6`` (a write refused with statusCode 4
        or 6, not applied), ``reboot_required`` (a write applied and answered with statusCode 7)."""
        write = method not in ('GET', 'HEAD')
        kill = self._kill_point(method, raw_path)
        if kill is not None:
            if kill['when'] == 'after':
                response = self._answer(method, raw_path, headers, body, client_ip)
                if isinstance(response, Response) and response.status == 401:  # a challenge: applied later
                    with self.lock:
                        self.kill_at = kill
                    return response
            os.kill(kill['pid'], signal.SIGKILL)
            return DROP
        with self.lock:
            if self._take_fault('html_401'):
                return Response(401, b'<!DOCTYPE html><html><body><h1>401 Unauthorized</h1></body></html>',
                                'text/html')
            if write and self._take_fault('write_cut'):
                self.counters['dropped'] += 1
                return DROP
        response = self._answer(method, raw_path, headers, body, client_ip)
        if not isinstance(response, Response) or response.status == 401:
            return response
        with self.lock:
            if write:
                if self._take_fault('write_lost'):
                    self.counters['dropped'] += 1
                    return DROP
                if response.status == 200 and self._take_fault('reboot_required'):
                    return self._status(200, 7, 'rebootRequired', urlsplit(raw_path).path)
                return response
            if self._take_fault('huge_body'):
                return Response(200, b'<?xml version="1.0"?><DeviceInfo>' + b' ' * (50 * 1024 * 1024) + b'</DeviceInfo>')
            if self._take_fault('external_entity'):
                return Response(200, b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                                     b'<DeviceInfo><model>&e;</model></DeviceInfo>')
            if self._take_fault('slow_body'):
                response.trickle = 1.0
            elif self._take_fault('reset_mid_body'):
                response.cut_after = len(response.body) // 2
        return response

    def _kill_point(self, method, raw_path):
        """The crash tests' hook (tests/faults/crash.py): when ``kill_at`` names this request (``request``: METHOD and
        path; ``pid``), the controller's process is killed (SIGKILL) before the device applies it (``when``
        before) or after (after: the caller applies it first), and the request is never answered. Once."""
        with self.lock:
            kill = self.kill_at
            if not kill or kill['request'] != '%s %s' % (method, urlsplit(raw_path).path):
                return None
            self.kill_at = None
        return kill

    def _answer(self, method, raw_path, headers, body, client_ip):
        with self.lock:
            self.counters['requests'] += 1
            if self.unreachable():
                self.counters['dropped'] += 1
                return DROP
            latency = self.faults.get('latency_ms')
            if self._take_fault('drop'):
                self.counters['dropped'] += 1
                return DROP
        if latency:
            time.sleep(float(latency) / 1000.0)
        parts = urlsplit(raw_path)
        path = parts.path
        query = dict((k, v[-1]) for k, v in parse_qs(parts.query, keep_blank_values=True).items())
        route, match = self._route(path)
        if route is not None and not route.auth:
            with self.lock:
                return route.handlers[method](self, method, path, query, body, None, match) \
                    if method in route.handlers else self._status(400, 4, 'methodNotAllowed', path)
        with self.lock:
            if not self.activated and path.startswith('/ISAPI/'):
                return self._status(403, 4, 'notActivated', path)
            users = dict((u['name'], (u['password'],) + tuple(self.old_passwords.get(u['name'], ())))
                         for u in self.users.values() if u['enabled'])
            outcome = self.auth.check(method, raw_path, headers.get('Authorization'), client_ip, users)
            if outcome.kind != Outcome.OK:
                return self._auth_refusal(outcome, path)
            self.counters['authenticated'] += 1
            key = '%s %s' % (method, path)
            self.counters['by_request'][key] = self.counters['by_request'].get(key, 0) + 1
            if method == 'GET':
                self.counters['reads'] += 1
            else:
                self.counters['writes'] += 1
            if self._take_fault('http_500'):
                return self._status(500, 3, 'deviceError', path)
            if method != 'GET' and self._take_fault('write_refused_4'):
                return self._status(400, 4, 'invalidOperation', path)
            if method != 'GET' and self._take_fault('write_refused_6'):
                return self._status(400, 6, 'badXmlContent', path)
            if self._take_fault('busy'):
                return self._status(503, 2, 'deviceBusy', path)
            if method == 'GET' and self._take_fault('hostile_xml'):
                return Response(200, b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
                                     b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
                                     b']><DeviceInfo>&c;</DeviceInfo>')
            if method == 'GET' and self._take_fault('malformed_xml'):
                return Response(200, b'<?xml version="1.0" encoding="UTF-8"?>\n<DeviceInfo><model>DS-2')
            user = self.users_by_name().get(outcome.user)
            fault = self.path_faults.get(path[len('/ISAPI/'):]) if path.startswith('/ISAPI/') else None
            if fault is not None and (method == 'GET' or not _content_fault(fault)):
                return self._path_fault(fault, method, path, query, body, user, route, match)
            if route is None or self.recorded_status(path) is not None:
                return self._captured(method, path)
            handler = route.handlers.get(method)
            if handler is None:
                return self._status(400, 4, 'methodNotAllowed', path)
            if method != 'GET' and user['level'] != 'Administrator' and not path.startswith('/ISAPI/Security/userCheck'):
                return self._status(403, 4, 'lowPrivilege', path)
            try:
                return handler(self, method, path, query, body, user, match)
            except xmlio.BadXml:
                return self._status(400, 5 if body and body.strip() else 6,
                                    'badXmlFormat' if body and body.strip() else 'badXmlContent', path)

    def _path_fault(self, fault, method, path, query, body, user, route, match):
        """A variant's answer for one path (fleet setting path_faults): a refusal, or a changed document."""
        if fault == '404':
            return Response(404, b'<!DOCTYPE html><html><body>404 Not Found</body></html>', content_type='text/html')
        if fault == '403':
            return self._status(403, 4, 'invalidOperation', path)
        if fault == 'notSupport':
            return self._status(403, 4, 'notSupport', path)
        if route is None or self.recorded_status(path) is not None:
            response = self._captured(method, path)
        else:
            response = route.handlers[method](self, method, path, query, body, user, match) \
                if method in route.handlers else self._status(400, 4, 'methodNotAllowed', path)
        if response.status != 200 or not response.body.lstrip().startswith(b'<'):
            return response
        if fault == 'empty':
            return Response(200, b'', content_type=response.content_type)
        return Response(200, xmlio.drop_elements(response.body, fault['drop']), content_type=response.content_type)

    def users_by_name(self):
        return dict((u['name'], u) for u in self.users.values())

    def _route(self, path):
        for route in ROUTES:
            match = route.regex.match(path)
            if match:
                return route, match
        return None, None

    # -- responses -----------------------------------------------------------------------------

    def xml(self, root, content, status=200):
        return Response(status, xmlio.render(root, content, self.namespace, self.version))

    def _status(self, http, code, sub, path, extra=None, json_format=False):
        content = dict(requestURL=path, statusCode=str(code), statusString=STATUS_STRINGS.get(code, 'Error'),
                       subStatusCode=sub)
        if code not in (1, 7) and self.version == '2.0':
            content['errorCode'] = str(ERROR_CODES.get(sub, 0))
            content['errorMsg'] = sub
        if extra:
            content.update(extra)
        if json_format:
            data = dict(content)
            data['statusCode'] = code
            return Response(http, json.dumps(data).encode('utf-8'), content_type='application/json')
        return self.xml('ResponseStatus', content, status=http)

    def ok(self, path, extra=None, reboot=False):
        return self._status(200, 7 if reboot else 1, 'rebootRequired' if reboot else 'ok', path, extra)

    def _auth_refusal(self, outcome, path):
        if outcome.kind == Outcome.CHALLENGE:
            self.counters['challenges'] += 1
        elif outcome.kind == Outcome.STALE:
            self.counters['stale_nonces'] += 1
        elif outcome.kind == Outcome.FAILED:
            self.counters['failed_logins'] += 1
        elif outcome.kind == Outcome.OVERUSED:
            self.counters['nonce_overuses'] += 1
            if outcome.triggered:
                self.counters['failed_logins'] += 1  # the device counted the refused use
        elif outcome.kind == Outcome.LOCKED:
            if outcome.triggered:
                self.counters['failed_logins'] += 1  # the failed attempt that triggered the lock
            else:
                self.counters['locked_rejections'] += 1
        content = dict(statusValue='401', statusString='Unauthorized')
        if outcome.kind == Outcome.LOCKED:
            content.update(isActivated='true', lockStatus='lock', unlockTime=str(outcome.unlock_in), retryLoginTime='0')
        elif (outcome.kind == Outcome.FAILED or outcome.triggered) and self.version == '2.0':
            content.update(isActivated='true', lockStatus='unlock', unlockTime='0',
                           retryLoginTime=str(outcome.retry_left if outcome.retry_left is not None else 0))
        response = self.xml('userCheck', content, status=401)
        if outcome.kind == Outcome.OVERUSED:
            return response  # no WWW-Authenticate: the client has to ask for a new challenge
        headers = self.auth.challenge_headers(stale=outcome.kind == Outcome.STALE)
        response.headers = [('WWW-Authenticate', h) for h in headers]
        return response

    def unsupported(self, path):
        """How a device answers a path it does not offer (docs/isapi.md 8.6): 404 with a notSupport ResponseStatus."""
        return self._status(404, 4, 'notSupport', path)

    def recorded_status(self, path):
        """The capture's status-only entry for ``path`` (a refusal it recorded), else None."""
        entry = self.paths.get(path[len('/ISAPI/'):]) if path.startswith('/ISAPI/') else None
        return entry if entry is not None and 'status_code' in entry else None

    def _captured(self, method, path):
        entry = self.paths.get(path[len('/ISAPI/'):]) if path.startswith('/ISAPI/') else None
        if entry is None:
            return self.unsupported(path)
        if method != 'GET':
            return self._status(400, 4, 'methodNotAllowed', path)
        if 'status_code' in entry:
            code = int(entry['status_code'])
            if code == 404:
                return Response(404, b'404 Not Found', content_type='text/html')
            if code >= 500:
                return self._status(code, 3, 'deviceError', path)
            return self._status(code, 4, 'invalidOperation', path)
        return Response(200, xmlio.render_raw(entry['response'], self.version))

    # -- validation helpers ----------------------------------------------------------------------

    def password_problem(self, password, user_name):
        if password is None or password == '':
            return 'empty password'
        if not self.password_min <= len(password) <= self.password_max:
            return 'length %d outside %d-%d' % (len(password), self.password_min, self.password_max)
        if _password_classes(password) < self.password_classes:
            return 'fewer than %d character classes' % self.password_classes
        if self.password_not_username and user_name and password.lower() == user_name.lower():
            return 'same as user name'
        return None

    @staticmethod
    def parse_body(body, expected_root):
        root, content = xmlio.parse(body)
        if root != expected_root:
            raise xmlio.BadXml('root %s, expected %s' % (root, expected_root))
        return content


# -- route handlers (docs/isapi.md section in brackets) ------------------------------------------

def h_activate_status(dev, method, path, query, body, user, match):  # [7.4]
    return Response(200, ('<?xml version="1.0" encoding="UTF-8"?>\n<ActivateStatus><Activated>%s</Activated>'
                          '</ActivateStatus>' % ('true' if dev.activated else 'false')).encode('utf-8'))


def h_device_info(dev, method, path, query, body, user, match):  # [3.1]
    return Response(200, xmlio.render('DeviceInfo', dev.device_info, dev.namespace, dev.version))


def h_capabilities(dev, method, path, query, body, user, match):  # [3.2]
    return dev._captured(method, path)  # as recorded; a device whose capture has none does not offer it


def h_user_check(dev, method, path, query, body, user, match):  # [1.2]
    if not dev.user_check_supported:
        return dev.unsupported(path)
    risky = user is not None and user.get('password') and _password_classes(user['password']) < 3
    return dev.xml('userCheck', dict(statusValue='200', statusString='OK',
                                     isDefaultPassword='true' if dev.default_password and user['id'] == 1 else 'false',
                                     isRiskPassword='true' if risky else 'false', isActivated='true'))


def h_lockout(dev, method, path, query, body, user, match):  # [1.4]
    if not dev.lockout_policy_supported:
        return dev.unsupported(path)
    if method == 'GET':
        return dev.xml('IllegalLoginLock', dict(enabled='true' if dev.auth.lock_enabled else 'false',
                                                maxIllegalLoginTimes=str(dev.auth.max_failures),
                                                maxIllegalLoginLockTime=str(dev.auth.lock_seconds // 60)))
    content = dev.parse_body(body, 'IllegalLoginLock')
    enabled = xmlio.as_bool(content.get('enabled'))
    times = xmlio.text(content.get('maxIllegalLoginTimes'))
    minutes = xmlio.text(content.get('maxIllegalLoginLockTime'))
    if enabled is None or (times and not (times.isdigit() and 3 <= int(times) <= 20)) or \
            (minutes and not (minutes.isdigit() and 1 <= int(minutes) <= 120)):
        return dev._status(400, 6, 'badParameters', path)
    dev.auth.lock_enabled = enabled
    if times:
        dev.auth.max_failures = int(times)
    if minutes:
        dev.auth.lock_seconds = int(minutes) * 60
    return dev.ok(path)


def _user_xml(u):
    return dict(id=str(u['id']), userName=u['name'], userLevel=u['level'])


def h_users(dev, method, path, query, body, user, match):  # [4.1-4.3]
    if method == 'GET':
        return dev.xml('UserList', dict(User=[_user_xml(u) for dummy, u in sorted(dev.users.items())]))
    content = dev.parse_body(body, 'User')
    name = xmlio.text(content.get('userName'))
    password = xmlio.text(content.get('password'))
    level = LEVELS.get((xmlio.text(content.get('userLevel')) or 'viewer').lower())
    if not name or level is None or len(name) > 32:
        return dev._status(400, 6, 'badParameters', path)
    if name in dev.users_by_name():
        return dev._status(400, 6, 'badParameters', path, extra=dict(errorMsg='userName exists'))
    if len(dev.users) >= dev.max_users:
        return dev._status(403, 4, 'userMaxNum', path)
    if dev.password_problem(password, name):
        return dev._status(400, 6, 'badParameters', path)
    wanted = xmlio.text(content.get('id'))
    uid = int(wanted) if wanted and wanted.isdigit() and int(wanted) not in dev.users and int(wanted) > 1 \
        else dev._free_id(dev.users, 2, dev.max_users)
    dev.users[uid] = dict(id=uid, name=name, password=password, level=level, enabled=True)
    return dev.ok(path, extra=dict(id=str(uid)))


def h_user(dev, method, path, query, body, user, match):
    uid = int(match.group(1))
    target = dev.users.get(uid)
    if target is None:
        return dev._status(404, 4, 'invalidID', path)
    if method == 'GET':
        return dev.xml('User', _user_xml(target))
    if method == 'DELETE':
        if uid == 1:
            return dev._status(403, 4, 'invalidOperation', path)
        if not dev.ignores_deletes:
            del dev.users[uid]
        return dev.ok(path)
    content = dev.parse_body(body, 'User')
    name = xmlio.text(content.get('userName'))
    level_text = xmlio.text(content.get('userLevel'))
    level = LEVELS.get(level_text.lower()) if level_text else target['level']
    password = xmlio.text(content.get('password'))
    if level is None or (name and name != target['name'] and (uid == 1 or name in dev.users_by_name())):
        return dev._status(400, 6, 'badParameters', path)
    if uid == 1 and level != 'Administrator':
        return dev._status(400, 6, 'badParameters', path)
    if password is not None:
        login_password = xmlio.text(content.get('loginPassword'))
        if dev.require_login_password and login_password != user['password']:
            return dev._status(403, 4, 'loginPasswordError', path)
        if dev.password_problem(password, name or target['name']):
            return dev._status(400, 6, 'badParameters', path)
        if dev.reject_same_password and password == target['password']:
            return dev._status(403, 4, 'cannotSameAsOldPassword', path)
        if dev.keeps_old_password:
            dev.old_passwords.setdefault(target['name'], []).append(target['password'])
        target['password'] = password
        if uid == 1:
            dev.default_password = False
    if name:
        target['name'] = name
    target['level'] = level
    enabled = xmlio.as_bool(content.get('enabled'))
    if enabled is not None and uid != 1:
        target['enabled'] = enabled
    return dev.ok(path)


def _onvif_guard(dev, path):
    if not dev.onvif_supported:
        return dev.unsupported(path)
    return None


def h_onvif_users(dev, method, path, query, body, user, match):  # [4.6]
    refusal = _onvif_guard(dev, path)
    if refusal:
        return refusal
    if method == 'GET':
        return dev.xml('UserList', dict(User=[dict(id=str(u['id']), userName=u['name'], userType=u['type'])
                                              for dummy, u in sorted(dev.onvif_users.items())]))
    content = dev.parse_body(body, 'User')
    name = xmlio.text(content.get('userName'))
    password = xmlio.text(content.get('password'))
    utype = xmlio.text(content.get('userType')) or 'mediaUser'
    if not name or utype not in ONVIF_TYPES or name in [u['name'] for u in dev.onvif_users.values()]:
        return dev._status(400, 6, 'badParameters', path)
    if len(dev.onvif_users) >= 32:
        return dev._status(403, 4, 'userMaxNum', path)
    if dev.password_problem(password, name):
        return dev._status(400, 6, 'badParameters', path)
    uid = dev._free_id(dev.onvif_users, 1, 32)
    dev.onvif_users[uid] = dict(id=uid, name=name, password=password, type=utype)
    return dev.ok(path, extra=dict(id=str(uid)))


def h_onvif_user(dev, method, path, query, body, user, match):
    refusal = _onvif_guard(dev, path)
    if refusal:
        return refusal
    uid = int(match.group(1))
    target = dev.onvif_users.get(uid)
    if target is None:
        return dev._status(404, 4, 'invalidID', path)
    if method == 'GET':
        return dev.xml('User', dict(id=str(uid), userName=target['name'], userType=target['type']))
    if method == 'DELETE':
        del dev.onvif_users[uid]
        return dev.ok(path)
    content = dev.parse_body(body, 'User')
    utype = xmlio.text(content.get('userType')) or target['type']
    password = xmlio.text(content.get('password'))
    if utype not in ONVIF_TYPES or (password is not None and dev.password_problem(password, target['name'])):
        return dev._status(400, 6, 'badParameters', path)
    target['type'] = utype
    if password is not None:
        target['password'] = password
    return dev.ok(path)


def h_onvif_caps(dev, method, path, query, body, user, match):
    refusal = _onvif_guard(dev, path)
    if refusal:
        return refusal
    return dev.xml('UserList', dict(User=dict(id={'@min': '1', '@max': '32'}, userName={'@min': '1', '@max': '32'},
                                              password={'@min': str(dev.password_min), '@max': str(dev.password_max)},
                                              userType={'@opt': ','.join(ONVIF_TYPES)})))


def _channel_xml(dev, cid):
    channel = copy.deepcopy(dev.channels[cid])
    if dev.repeat_child_ns:
        out = {'@version': dev.version, '@xmlns': dev.namespace}
        out.update(channel)
        return out
    return channel


def _recorder_guard(dev, path):
    if not dev.has_input_proxy:
        recorded = dev.recorded_status('/ISAPI/ContentMgmt/InputProxy/channels')
        if recorded is not None:  # a camera refuses every InputProxy path as it refused the list
            return dev._captured('GET', '/ISAPI/ContentMgmt/InputProxy/channels')
        return dev.unsupported(path)
    return None


def h_channels(dev, method, path, query, body, user, match):  # [5.1-5.3]
    refusal = _recorder_guard(dev, path)
    if refusal:
        return refusal
    if method == 'GET':
        content = {'@size': dev.list_size if dev.list_size is not None else str(dev.max_ip_channels)}
        if dev.channels:
            content['InputProxyChannel'] = [_channel_xml(dev, cid) for cid in sorted(dev.channels)]
        return dev.xml('InputProxyChannelList', content)
    content = dev.parse_body(body, 'InputProxyChannel')
    src = content.get('sourceInputPortDescriptor') or {}
    problem = _channel_problem(dev, src, None)
    if problem:
        return problem(path)
    if len(dev.channels) >= dev.max_ip_channels:
        return dev._status(400, 6, 'achieveMaxChannelLimit', path)
    wanted = xmlio.text(content.get('id'))
    first, last = dev.ip_channel_base + 1, dev.ip_channel_base + dev.max_ip_channels
    if wanted:
        if not wanted.isdigit() or not first <= int(wanted) <= last or int(wanted) in dev.channels:
            return dev._status(400, 6, 'invalidChannel', path)
        cid = int(wanted)
    else:
        cid = dev._free_id(dev.channels, first, last)
    _store_channel(dev, cid, content, src, new=True)
    return dev.ok(path, extra=dict(id=str(cid)))


def _channel_problem(dev, src, existing_id):
    ip = xmlio.text(src.get('ipAddress')) or xmlio.text(src.get('hostName'))
    port = xmlio.text(src.get('managePortNo')) or '8000'
    protocol = (xmlio.text(src.get('proxyProtocol')) or 'HIKVISION').upper()
    if not ip or not port.isdigit() or not 0 < int(port) < 65536 or protocol not in ('HIKVISION', 'ONVIF'):
        return lambda path: dev._status(400, 6, 'badParameters', path)
    if not re.match(r'^\d{1,3}(\.\d{1,3}){3}$', ip) and (xmlio.text(src.get('addressingFormatType')) or
                                                         'ipaddress') == 'ipaddress':
        return lambda path: dev._status(400, 6, 'badIPv4Address', path)
    for cid, channel in dev.channels.items():
        other = channel.get('sourceInputPortDescriptor') or {}
        if cid != existing_id and xmlio.text(other.get('ipAddress')) == ip and \
                (xmlio.text(other.get('managePortNo')) or '8000') == port:
            return lambda path: dev._status(403, 4, 'deviceExist', path)
    return None


def _store_channel(dev, cid, content, src, new):
    channel = dev.channels.get(cid) or dict(id=str(cid), name='Camera %02d' % cid,
                                            sourceInputPortDescriptor=dict(addressingFormatType='ipaddress',
                                                                           srcInputPort='1', streamType='auto'),
                                            enableAnr='false', enableTiming='true')
    if xmlio.text(content.get('name')):
        channel['name'] = xmlio.text(content.get('name'))
    stored = channel['sourceInputPortDescriptor']
    for key in ('proxyProtocol', 'addressingFormatType', 'ipAddress', 'hostName', 'managePortNo', 'srcInputPort',
                'userName', 'streamType'):
        if xmlio.text(src.get(key)) is not None:
            stored[key] = xmlio.text(src.get(key))
    stored.setdefault('proxyProtocol', 'HIKVISION')
    stored.setdefault('managePortNo', '8000')
    stored['proxyProtocol'] = stored['proxyProtocol'].upper()
    if xmlio.text(src.get('password')) is not None:
        dev.channel_passwords[cid] = xmlio.text(src.get('password'))
    elif new:
        dev.channel_passwords[cid] = ''
    if new:
        stored.update(model=None, serialNumber=None, firmwareVersion=None, deviceID=None)
        dev.channel_online[cid] = bool(dev.channel_passwords[cid])
    dev.channels[cid] = channel


def h_channel(dev, method, path, query, body, user, match):
    refusal = _recorder_guard(dev, path)
    if refusal:
        return refusal
    cid = int(match.group(1))
    if cid <= dev.ip_channel_base and cid not in dev.channels:
        return dev._status(403, 4, 'invalidOperation', path)  # an analogue input is not an InputProxy channel
    if cid not in dev.channels:
        return dev._status(404, 4, 'invalidID', path)
    if method == 'GET':
        return dev.xml('InputProxyChannel', dev.channels[cid])
    if method == 'DELETE':
        del dev.channels[cid]
        dev.channel_passwords.pop(cid, None)
        dev.channel_online.pop(cid, None)
        return dev.ok(path)
    content = dev.parse_body(body, 'InputProxyChannel')
    src = dict(dev.channels[cid].get('sourceInputPortDescriptor') or {})
    src.update(content.get('sourceInputPortDescriptor') or {})
    problem = _channel_problem(dev, src, cid)
    if problem:
        return problem(path)
    _store_channel(dev, cid, content, content.get('sourceInputPortDescriptor') or {}, new=False)
    return dev.ok(path)


def h_channel_status(dev, method, path, query, body, user, match):  # [5.4]
    refusal = _recorder_guard(dev, path)
    if refusal:
        return refusal
    items = []
    for cid in sorted(dev.channels):
        online = dev.channel_online.get(cid, False)
        src = dev.channels[cid].get('sourceInputPortDescriptor') or {}
        items.append(dict(id=str(cid), online='true' if online else 'false',
                          sourceInputPortDescriptor=dict(ipAddress=xmlio.text(src.get('ipAddress'))),
                          chanDetectResult='connect' if online else 'offline'))
    return dev.xml('InputProxyChannelStatusList', dict(InputProxyChannelStatus=items) if items else {})


def h_video_inputs(dev, method, path, query, body, user, match):  # [5.5]
    return dev._captured('GET', path)


def _ezviz_guard(dev, path):
    if not dev.ezviz_supported:
        return dev.unsupported(path)
    return None


def h_ezviz(dev, method, path, query, body, user, match):  # [6.1]
    refusal = _ezviz_guard(dev, path)
    if refusal:
        return refusal
    ez = dev.ezviz
    if method == 'GET':
        content = dict(enabled='true' if ez['enabled'] else 'false',
                       registerStatus='true' if dev._registered() else 'false',
                       serverAddress=dict(addressingFormatType='hostname', hostName=ez['server']),
                       verificationCode='')
        if dev.reports_bind_status:
            content['bindStatus'] = dev.bind_status()
        content.update(ez.get('extra') or {})
        return dev.xml('EZVIZ', content)
    content = dev.parse_body(body, 'EZVIZ')
    enabled = xmlio.as_bool(content.get('enabled'))
    code = xmlio.text(content.get('verificationCode'))
    if content.get('enabled') is not None and enabled is None:
        return dev._status(400, 6, 'badParameters', path)
    if code is not None and code != '' and not VERIFICATION_CODE_RE.match(code):
        return dev._status(400, 6, 'badverificationCode', path)
    new_enabled = ez['enabled'] if enabled is None else enabled
    if new_enabled and not (code or ez['verification_code']):
        return dev._status(400, 6, 'lackVerificationCode', path)
    if code:
        ez['verification_code'] = code
    if new_enabled and not ez['enabled']:
        ez['registered_at'] = dev.clock() + dev.register_delay
    if not new_enabled:
        ez['registered_at'] = None
    ez['enabled'] = new_enabled
    host = xmlio.text((content.get('serverAddress') or {}).get('hostName')) if isinstance(
        content.get('serverAddress'), dict) else None
    if host:
        ez['server'] = host
    return dev.ok(path)


def h_ezviz_caps(dev, method, path, query, body, user, match):
    refusal = _ezviz_guard(dev, path)
    if refusal:
        return refusal
    content = dict(enabled={'@opt': 'true,false', '#text': 'true' if dev.ezviz['enabled'] else 'false'},
                   registerStatus={'@opt': 'true,false', '#text': 'true' if dev._registered() else 'false'},
                   serverAddress=dict(addressingFormatType={'@opt': 'hostName', '#text': 'hostName'},
                                      hostName={'@min': '1', '@max': '64', '#text': dev.ezviz['server']}),
                   verificationCode={'@min': '6', '@max': '12', '#text': 'null'})
    if dev.reports_bind_status:
        content['bindStatus'] = {'@opt': 'bind,unbind', '#text': dev.bind_status()}
    return dev.xml('EZVIZ', content)


def _start_reboot(dev):
    dev.boots += 1
    dev.unreachable_from = dev.clock() + 0.2
    dev.unreachable_until = dev.unreachable_from + dev.reboot_seconds
    dev.ezviz['registered_at'] = dev.unreachable_until + dev.register_delay if dev.ezviz['enabled'] else None


def h_reboot(dev, method, path, query, body, user, match):  # [7.1]
    _start_reboot(dev)
    return dev.ok(path)


def h_factory_reset(dev, method, path, query, body, user, match):  # [7.2]
    mode = query.get('mode')
    if mode not in ('basic', 'full'):
        return dev._status(400, 6, 'badParameters', path)
    dev.factory_resets.append(mode)
    dev.ezviz.update(enabled=False, verification_code='', registered_at=None)
    dev.device_info['deviceName'] = dev.original_device_name
    dev.config_generation += 1
    if mode == 'full':
        dev.activated = False
        dev.users = {1: dict(id=1, name='admin', password=None, level='Administrator', enabled=False)}
        dev.onvif_users = {}
        dev.channels, dev.channel_passwords, dev.channel_online = {}, {}, {}
        dev.auth.unlock_all()
    _start_reboot(dev)
    return dev.ok(path)


def h_config(dev, method, path, query, body, user, match):  # [7.3]
    if not dev.config_export:
        return dev.unsupported(path)
    if dev.require_secret_key or 'secretkey' in query:
        key = query.get('secretkey') or ''
        if not re.match(r'^[0-9a-fA-F]{32,}$', key) or len(key) % 32:
            return dev._status(403, 4, 'invalidOperation', path)
    return Response(200, dev.config_blob(), content_type='application/octet-stream')


ROUTES = [
    Route(r'/SDK/activateStatus', {'GET': h_activate_status}, auth=False),
    Route(r'/ISAPI/System/deviceInfo', {'GET': h_device_info}),
    Route(r'/ISAPI/System/capabilities', {'GET': h_capabilities}),
    Route(r'/ISAPI/Security/userCheck', {'GET': h_user_check}),
    Route(r'/ISAPI/Security/illegalLoginLock', {'GET': h_lockout, 'PUT': h_lockout}),
    Route(r'/ISAPI/Security/users', {'GET': h_users, 'POST': h_users}),
    Route(r'/ISAPI/Security/users/(\d+)', {'GET': h_user, 'PUT': h_user, 'DELETE': h_user}),
    Route(r'/ISAPI/Security/ONVIF/users/capabilities', {'GET': h_onvif_caps}),
    Route(r'/ISAPI/Security/ONVIF/users', {'GET': h_onvif_users, 'POST': h_onvif_users}),
    Route(r'/ISAPI/Security/ONVIF/users/(\d+)', {'GET': h_onvif_user, 'PUT': h_onvif_user, 'DELETE': h_onvif_user}),
    Route(r'/ISAPI/ContentMgmt/InputProxy/channels/status', {'GET': h_channel_status}),
    Route(r'/ISAPI/ContentMgmt/InputProxy/channels', {'GET': h_channels, 'POST': h_channels}),
    Route(r'/ISAPI/ContentMgmt/InputProxy/channels/(\d+)', {'GET': h_channel, 'PUT': h_channel, 'DELETE': h_channel}),
    Route(r'/ISAPI/System/Network/EZVIZ', {'GET': h_ezviz, 'PUT': h_ezviz}),
    Route(r'/ISAPI/System/Network/EZVIZ/capabilities', {'GET': h_ezviz_caps}),
    Route(r'/ISAPI/System/reboot', {'PUT': h_reboot}),
    Route(r'/ISAPI/System/factoryReset', {'PUT': h_factory_reset}),
    Route(r'/ISAPI/System/configurationData', {'GET': h_config}),
]
