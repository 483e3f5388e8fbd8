# -*- coding: utf-8 -*-
# Copyright (c) camops.hikvision contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Device identity, capabilities and lockout policy (parsing), and the maintenance calls: reboot,
factory reset, configuration export and waiting for a restart."""

import base64
import binascii
import hashlib
import re
import time
from xml.sax.saxutils import escape as xml_escape

try:
    from cryptography.hazmat.primitives import padding
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    HAS_CRYPTOGRAPHY = True
except ImportError:  # pragma: no cover - cryptography comes with ansible-core
    HAS_CRYPTOGRAPHY = False

from ansible_collections.camops.hikvision.plugins.module_utils.isapi.api import (
    DeviceUnreachableError, ISAPIError, xml_bool, xml_get, xml_int, xml_text, xml_value, xml_value_int,
)

DEVICE_INFO_PATH = '/ISAPI/System/deviceInfo'
USER_CHECK_PATH = '/ISAPI/Security/userCheck'
CAPABILITIES_PATH = '/ISAPI/System/capabilities'
LOCKOUT_PATH = '/ISAPI/Security/illegalLoginLock'

_IPC_TYPES = ('ipcamera', 'ipdome', 'ipzoom', 'ipc', 'thermal')
_NVR_TYPES = ('nvr', 'hybirdnvr', 'hybridnvr', 'cvr')
_DVR_TYPES = ('dvr', 'dvs')
# Hikvision model names: DS-2xxx are cameras; DS-7xxx/8xxx/9xxx are recorders, N after the digits
# for network (NVR), H for hybrid/analogue (DVR). The i prefix marks AcuSense variants.
_RECORDER_MODEL_RE = re.compile(r'^i?DS-[789]\d{3}([A-Z])', re.IGNORECASE)
_CAMERA_MODEL_RE = re.compile(r'^i?DS-2[A-Z0-9]', re.IGNORECASE)
# DS-K...: access control and video intercom (terminals, door and indoor stations). An indoor station has been
# seen reporting deviceType "DVR" (DS-KH6320-WTE1, V2.1.34): such a device is neither a camera nor a recorder.
_OTHER_MODEL_RE = re.compile(r'^DS-K', re.IGNORECASE)


def model_kind(model):
    """ipc / nvr / dvr from a Hikvision model name, or None when the name says nothing."""
    model = (model or '').strip()
    match = _RECORDER_MODEL_RE.match(model)
    if match:
        letter = match.group(1).upper()
        if letter == 'N':
            return 'nvr'
        if letter in ('H', 'G', 'Q'):
            return 'dvr'
        return None
    if _CAMERA_MODEL_RE.match(model):
        return 'ipc'
    return None


def normalise_device_type(device_type, model=None):
    """Map deviceType (plus the model, because a DVR has been seen reporting "IPC") to ipc/nvr/dvr/other."""
    raw = (device_type or '').strip().lower()
    by_model = model_kind(model)
    if _OTHER_MODEL_RE.match((model or '').strip()):
        return 'other'
    if raw in _NVR_TYPES:
        return 'nvr'
    if raw in _DVR_TYPES:
        return 'dvr'
    if raw in _IPC_TYPES:
        # deviceType "IPC" has been seen on a DVR (DS-7204HUHI-K1): the model name wins then.
        return by_model if by_model in ('nvr', 'dvr') else 'ipc'
    return by_model or 'other'


def parse_device_info(doc):
    """DeviceInfo -> the ``device`` dict that hik_device_info returns."""
    get = doc.get
    model = xml_text(get('model'))
    device_type_raw = xml_text(get('deviceType'))
    return dict(
        name=xml_text(get('deviceName')),
        model=model,
        serial_number=xml_text(get('serialNumber')),
        sub_serial_number=xml_text(get('subSerialNumber')) or None,
        mac_address=(xml_text(get('macAddress')) or '').lower() or None,
        firmware_version=xml_text(get('firmwareVersion')),
        firmware_build=xml_text(get('firmwareReleasedDate')),
        device_id=xml_text(get('deviceID')),
        device_type=normalise_device_type(device_type_raw, model),
        device_type_raw=device_type_raw,
        manufacturer=xml_text(get('manufacturer')),
        hardware_version=xml_text(get('hardwareVersion')),
        namespace=doc.namespace,
        xml_version=doc.version,
    )


def _limit(node):
    if not isinstance(node, dict):
        return None, None
    return xml_int(node.get('@min')), xml_int(node.get('@max'))


def parse_capabilities(doc):
    """DeviceCap -> the capability flags the collection decides on.

    Absent flags are None ("the device did not say"), never guessed True or False.
    """
    network = doc.get('SysCap', 'NetworkCap', default={})
    security = doc.get('SecurityCap', default={})
    pw_min, pw_max = _limit(xml_get(security, 'SecurityLimits', 'LoginPasswordLenLimit'))
    key_min, key_max = _limit(xml_get(security, 'cfgFileSecretKeyLenLimit'))
    auth_modes = xml_get(security, 'WebCertificateCap', 'CertificateType')
    verification = xml_get(network, 'VerificationCodeModification')
    max_users = xml_value_int(xml_get(security, 'supportUserNums'))
    return dict(
        cloud_platform=xml_bool(xml_value(xml_get(network, 'isSupportEZVIZ'))),
        cloud_unbind=xml_bool(xml_value(xml_get(network, 'isSupportEZVIZUnbind'))),
        verification_code_modify=xml_bool(xml_value(xml_get(verification, 'verificationCodeModify')))
        if isinstance(verification, dict) else None,
        ehome=xml_bool(xml_value(xml_get(network, 'isSupportEhome')), xml_bool(xml_value(doc.get('isSupportEhome')))),
        user_management=max_users is not None or None,
        onvif_users=xml_bool(xml_value(xml_get(security, 'isSupportONVIFUserManagement'))),
        max_users=max_users,
        user_check=xml_bool(xml_value(xml_get(security, 'isSupportUserCheck'))),
        lockout_policy=xml_bool(xml_value(xml_get(security, 'issupIllegalLoginLock'))),
        max_failed_logins=xml_value_int(xml_get(security, 'maxIllegalLoginTimes')),
        lockout_minutes=xml_value_int(xml_get(security, 'maxIllegalLoginLockTime')),
        password_min_length=pw_min,
        password_max_length=pw_max,
        config_export=xml_bool(xml_value(xml_get(security, 'isSupportConfigFileExport'))),
        config_secret_key_min_length=key_min,
        config_secret_key_max_length=key_max,
        factory_reset=xml_bool(xml_value(doc.get('isSupportFactoryReset'))),
        web_auth_mode=xml_text(auth_modes),
        https=xml_bool(xml_value(xml_get(network, 'isSupportHttps'))),
        max_ip_channels=xml_value_int(doc.get('RacmCap', 'inputProxyNums')),
    )


def read_capabilities(client):
    """The device's parsed capabilities, or None when it offers no capabilities document."""
    doc = client.get_optional(CAPABILITIES_PATH)
    return parse_capabilities(doc) if doc is not None else None


def parse_user_check(doc):
    """userCheck -> {default_password, risky_password} as the device flags the logged-in account's password."""
    return dict(default_password=xml_bool(doc.get('isDefaultPassword')),
                risky_password=xml_bool(doc.get('isRiskPassword')))


def parse_lockout_policy(doc):
    """IllegalLoginLock -> enabled, max_attempts, lock_time (as the device states it)."""
    return dict(
        enabled=xml_bool(doc.get('enabled')),
        max_attempts=xml_int(doc.get('maxIllegalLoginTimes')),
        lock_time=xml_int(doc.get('maxIllegalLoginLockTime')),
        source='illegalLoginLock',
    )


def lockout_policy_from_capabilities(doc):
    """Fallback when /ISAPI/Security/illegalLoginLock is not offered: SecurityCap's values."""
    security = doc.get('SecurityCap', default={})
    supported = xml_bool(xml_value(xml_get(security, 'issupIllegalLoginLock')))
    if supported is None:
        return None
    return dict(
        enabled=None,
        max_attempts=xml_value_int(xml_get(security, 'maxIllegalLoginTimes')),
        lock_time=xml_value_int(xml_get(security, 'maxIllegalLoginLockTime')),
        source='capabilities',
    )


# ---------------------------------------------------------------------------------------------
# Maintenance: reboot, factory reset, configuration export (docs/isapi.md section 7)
# ---------------------------------------------------------------------------------------------

REBOOT_PATH = '/ISAPI/System/reboot'
FACTORY_RESET_PATH = '/ISAPI/System/factoryReset'
CONFIG_PATH = '/ISAPI/System/configurationData'
ACTIVATE_STATUS_PATH = '/SDK/activateStatus'
RESET_MODES = ('basic', 'full')
# The WebSDK's fixed key for the secretkey parameter (docs/isapi.md 7.3, one source, not verified on hardware).
_SECRET_KEY_AES = bytes.fromhex('bf8a6df8640f38f3812c19d2aaca7743')


def parse_activated(doc):
    """ActivateStatus -> True / False / None."""
    return xml_bool(doc.get('Activated')) if doc is not None else None


def secret_key_params(secret_key, now_ms=None):
    """Query parameters for an encrypted configuration export: secretkey, security=1 and iv (docs/isapi.md 7.3:
    AES-128-CBC of base64(XML-escaped key) with the WebSDK key, IV = MD5 of a millisecond timestamp)."""
    if not HAS_CRYPTOGRAPHY:
        raise RuntimeError('the Python library cryptography (a dependency of ansible-core) is required for '
                           'secret_key')
    stamp = str(int(time.time() * 1000) if now_ms is None else now_ms).encode('ascii')
    iv = hashlib.md5(stamp).digest()  # nosec - an IV derivation the device expects, not a password hash
    text = base64.b64encode(xml_escape(secret_key).encode('utf-8'))
    padder = padding.PKCS7(128).padder()
    data = padder.update(text) + padder.finalize()
    encryptor = Cipher(algorithms.AES(_SECRET_KEY_AES), modes.CBC(iv)).encryptor()
    sealed = encryptor.update(data) + encryptor.finalize()
    return dict(secretkey=binascii.hexlify(sealed).decode('ascii'), security='1',
                iv=binascii.hexlify(iv).decode('ascii'))


def probe(client):
    """True when the device answers HTTP at all (any status), False when it does not answer."""
    try:
        client.request('GET', ACTIVATE_STATUS_PATH)
    except DeviceUnreachableError:
        return False
    except ISAPIError:
        return True
    return True


def wait_for_restart(make_probe_client, timeout, label='device', down_window=60.0, clock=time.monotonic,
                     sleep=time.sleep):
    """After a reboot or reset request: wait until the device stops answering (at most ``down_window``
    seconds), then until it answers again. Returns (went_down, seconds); raises DeviceUnreachableError
    when it is not back within ``timeout`` seconds."""
    started = clock()

    def check():
        client = make_probe_client()
        try:
            return probe(client)
        finally:
            client.close()

    went_down = False
    while clock() - started < min(down_window, timeout):
        if not check():
            went_down = True
            break
        sleep(0.5)
    while clock() - started < timeout:
        if check():
            return went_down, round(clock() - started, 1)
        sleep(1.0)
    raise DeviceUnreachableError('%s: the device did not answer again within %s s after the restart request.'
                                 % (label, timeout), host=label)
