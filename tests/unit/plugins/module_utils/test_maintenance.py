"""Maintenance helpers: the encrypted secretkey parameter, waiting for a restart, activation status."""

import base64
import binascii
import hashlib

import pytest
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from ansible_collections.camops.hikvision.plugins.module_utils import system
from ansible_collections.camops.hikvision.plugins.module_utils.isapi.api import DeviceUnreachableError, parse_xml


def test_secret_key_params_round_trip():
    params = system.secret_key_params('K<ey&1', now_ms=1700000000000)
    assert params['security'] == '1'
    iv = binascii.unhexlify(params['iv'])
    assert iv == hashlib.md5(b'1700000000000').digest()
    sealed = binascii.unhexlify(params['secretkey'])
    assert len(params['secretkey']) % 32 == 0
    decryptor = Cipher(algorithms.AES(bytes.fromhex('bf8a6df8640f38f3812c19d2aaca7743')), modes.CBC(iv)).decryptor()
    unpadder = padding.PKCS7(128).unpadder()
    text = unpadder.update(decryptor.update(sealed) + decryptor.finalize()) + unpadder.finalize()
    assert base64.b64decode(text) == b'K&lt;ey&amp;1'


class FakeDevice(object):
    """Answers until ``down_at``, then not until ``up_at`` (seconds on a fake clock)."""

    def __init__(self, down_at, up_at):
        self.now = 0.0
        self.down_at, self.up_at = down_at, up_at

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds

    def client(self):
        device = self

        class Client(object):
            def request(self, method, path):
                if device.down_at <= device.now < device.up_at:
                    raise DeviceUnreachableError('down')

            def close(self):
                pass
        return Client()


def test_wait_for_restart_sees_down_then_up():
    dev = FakeDevice(1.0, 30.0)
    went_down, seconds = system.wait_for_restart(dev.client, 120, clock=dev.clock, sleep=dev.sleep)
    assert went_down and 30.0 <= seconds <= 31.5


def test_wait_for_restart_times_out():
    dev = FakeDevice(1.0, 1000.0)
    with pytest.raises(DeviceUnreachableError, match='within 20 s'):
        system.wait_for_restart(dev.client, 20, label='192.0.2.1', clock=dev.clock, sleep=dev.sleep)


def test_parse_activated():
    assert system.parse_activated(parse_xml(b'<ActivateStatus><Activated>false</Activated></ActivateStatus>')) is False
    assert system.parse_activated(None) is None
