"""Shared fixtures: an in-process hiksim fleet on loopback, real HTTP, real Digest."""

import os

import pytest

from ansible_collections.camops.hikvision.tests.unit.sim import CAPTURES, PASSWORD, Fleet, SimFleet, load_profiles


@pytest.fixture(scope='session')
def profiles():
    return load_profiles()


@pytest.fixture(scope='module')
def fleet(profiles, tmp_path_factory):
    """One device per capture profile plus generic ones, ports chosen per test module.

    The TLS device's certificate goes to a pytest temporary directory: ansible-test runs each test in a
    forked process that exits without this fixture's teardown, so a directory of hiksim's own was left behind
    in /tmp for every test that started a fleet."""
    base = 20000 + (os.getpid() % 2000) * 10
    devices = []
    for index, name in enumerate(CAPTURES):
        devices.append(dict(name=name, profile=name, address='127.0.2.%d' % (index + 1), port=base, keep_identity=True))
    devices.append(dict(name='basic-only', profile='DS-2CD2532F-IWS', address='127.0.2.100', port=base,
                        auth_mode='basic'))
    devices.append(dict(name='cam', profile='ipc', address='127.0.2.101', port=base,
                        ezviz=dict(enabled=True, verification_code='Abc123456', bind_status='bind')))
    devices.append(dict(name='lockme', profile='ipc', address='127.0.2.102', port=base,
                        lockout=dict(max_attempts=3, lock_seconds=600)))
    # Refuses a nonce's third use with 401 and no challenge, as DS-K1T342MWX FW V4.48.40 (docs/isapi.md 1.1).
    devices.append(dict(name='strict-nonce', profile='ipc', address='127.0.2.103', port=base, nonce_max_uses=2))
    # Overlay: capabilities that say isSupportEZVIZ false (none of the real captures does).
    devices.append(dict(name='noezviz', profile='ipc', address='127.0.2.105', port=base, ezviz_supported=False))
    # Still accepts the old password after a change: the rotation's check must catch it.
    devices.append(dict(name='keeps-old', profile='ipc', address='127.0.2.106', port=base, keeps_old_password=True))
    # HTTPS only, with a self-signed certificate, as devices ship (docs/isapi.md 8.2).
    devices.append(dict(name='tls-cam', profile='ipc', address='127.0.2.104', port=base, tls=True))
    sim = Fleet(dict(devices=devices, defaults=dict(password=PASSWORD), tls_dir=str(tmp_path_factory.mktemp('tls'))),
                profiles=profiles).start()
    yield SimFleet(sim)
    sim.stop()


@pytest.fixture()
def clean_fleet(fleet):
    """Every device of the module's fleet without faults, unlocked, its counters at zero (tests that count requests
    use it, through ``pytestmark = pytest.mark.usefixtures('clean_fleet')``)."""
    for device in fleet.fleet.devices.values():
        device.set_faults(None)
        device.seed(dict(unlock=True))
        device.reset_counters()
    return fleet
