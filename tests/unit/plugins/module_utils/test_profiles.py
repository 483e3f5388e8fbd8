"""hiksim serves a profile as its real device answered, and nothing more; variants break one path each.

The simulator is the yardstick of every other test, so what it serves is checked here over real HTTP and
Digest: a device shows only the features its capture shows."""

import os

import pytest

from ansible_collections.camops.hikvision.plugins.module_utils.isapi.api import (
    ISAPIClient, MalformedResponseError, NotSupportedError,
)
from ansible_collections.camops.hikvision.tests.unit.sim import PASSWORD, Fleet, SimFleet

PORT = 21000 + (os.getpid() % 2000) * 3


@pytest.fixture(scope='module')
def sim(profiles):
    devices = [
        # A capture with deviceInfo alone (MissiaL/hikvision-client's V5.5.0 camera).
        dict(name='bare', profile='DS-2CD2155FWD-I_V5.5.0', address='127.0.3.1', keep_identity=True),
        # Capabilities, no ONVIF flag, recorded 403 for the recorders' channel list.
        dict(name='old', profile='DS-2CD2532F-IWS', address='127.0.3.2', keep_identity=True),
        dict(name='nvr', profile='DS-7616NI-K2', address='127.0.3.3', keep_identity=True),
        dict(name='faults', profile='DS-2CD2386G2-IU', address='127.0.3.4', path_faults={
            'System/Network/EZVIZ': 404, 'Security/users': 'empty', 'Security/userCheck': 'notSupport',
            'Security/illegalLoginLock': '403',
            'System/deviceInfo': {'drop': ['serialNumber', 'macAddress']}}),
    ]
    fleet = Fleet(dict(devices=devices, defaults=dict(password=PASSWORD, port=PORT)), profiles=profiles).start()
    yield SimFleet(fleet)
    fleet.stop()


def client(sim, name):
    device = sim.device(name)
    return ISAPIClient(device.address, 'admin', PASSWORD, port=device.port, sleep=lambda _s: None)


def test_a_profile_with_device_info_alone_offers_the_core_only(sim):
    c = client(sim, 'bare')
    assert c.get('/ISAPI/System/deviceInfo').get('model') == 'DS-2CD2155FWD-I'
    assert c.get('/ISAPI/Security/users').get('User', 'userName') == 'admin'
    for path in ('/ISAPI/System/capabilities', '/ISAPI/System/Network/EZVIZ', '/ISAPI/Security/ONVIF/users',
                 '/ISAPI/Security/userCheck', '/ISAPI/Security/illegalLoginLock',
                 '/ISAPI/ContentMgmt/InputProxy/channels'):
        with pytest.raises(NotSupportedError) as refused:
            c.get(path)
        assert refused.value.http_status == 404 and refused.value.sub_status_code == 'notSupport', path
    assert len(c.download('/ISAPI/System/configurationData')) > 0


def test_recorded_refusals_and_flags_are_served_as_recorded(sim):
    c = client(sim, 'old')
    with pytest.raises(NotSupportedError) as refused:
        c.get('/ISAPI/ContentMgmt/InputProxy/channels')
    assert refused.value.http_status == 403
    with pytest.raises(NotSupportedError):  # no isSupportONVIFUserManagement in its capabilities
        c.get('/ISAPI/Security/ONVIF/users')
    assert c.get('/ISAPI/System/Network/EZVIZ').get('enabled') == 'false'  # isSupportEZVIZ true
    nvr = client(sim, 'nvr')
    assert nvr.get('/ISAPI/ContentMgmt/InputProxy/channels').get('@size') == '10'  # as recorded, not 16
    with pytest.raises(NotSupportedError) as refused:
        nvr.get('/ISAPI/System/Video/inputs/channels')
    assert refused.value.http_status == 403


def test_path_faults_break_one_path_each(sim):
    c = client(sim, 'faults')
    info = c.get('/ISAPI/System/deviceInfo')
    assert info.get('model') == 'DS-2CD2386G2-IU' and info.get('serialNumber') is None and info.get('macAddress') is None
    with pytest.raises(NotSupportedError) as html:
        c.get('/ISAPI/System/Network/EZVIZ')
    assert html.value.http_status == 404
    with pytest.raises(MalformedResponseError):
        c.get('/ISAPI/Security/users')
    with pytest.raises(NotSupportedError) as refused:
        c.get('/ISAPI/Security/userCheck')
    assert refused.value.http_status == 403 and refused.value.sub_status_code == 'notSupport'
    with pytest.raises(NotSupportedError) as refused:
        c.get('/ISAPI/Security/illegalLoginLock')
    assert refused.value.sub_status_code == 'invalidOperation'


@pytest.mark.parametrize('settings, words', [
    (dict(ezviz=dict(enabled=True, verification_code='Abc123456')), 'ezviz_supported: true'),
    (dict(onvif_users=[dict(name='vms', password='Onvif-2024x')]), 'onvif_supported: true'),
    (dict(path_faults={'System/deviceInfo': 'sometimes'}), 'path_faults'),
])
def test_state_a_device_cannot_have_is_refused(profiles, settings, words):
    device = dict(name='x', profile='DS-2CD2155FWD-I_V5.5.0', address='127.0.3.9', port=PORT, **settings)
    with pytest.raises(ValueError) as refused:
        Fleet(dict(devices=[device]), profiles=profiles)
    assert words in str(refused.value)


def test_an_overlay_keeps_the_device_coherent(profiles):
    fleet = Fleet(dict(devices=[dict(name='x', profile='DS-2CD2386G2-IU', address='127.0.3.9', port=PORT,
                                     ezviz_supported=False, onvif_supported=False)]), profiles=profiles)
    caps = fleet.devices['x'].caps
    assert caps['SysCap']['NetworkCap']['isSupportEZVIZ'] == 'false'
    assert caps['SecurityCap']['isSupportONVIFUserManagement'] == 'false'
    assert profiles['DS-2CD2386G2-IU']['paths']['System/capabilities']['response']['DeviceCap']['SysCap'][
        'NetworkCap']['isSupportEZVIZ'] == 'true'  # the profile itself is untouched


def test_an_error_page_is_never_a_configuration_file(profiles):
    fleet = Fleet(dict(devices=[dict(name='x', profile='DS-2CD2386G2-IU', address='127.0.3.10', port=PORT,
                                     path_faults={'System/configurationData': '404'})],
                       defaults=dict(password=PASSWORD)), profiles=profiles).start()
    try:
        device = fleet.devices['x']
        c = ISAPIClient(device.address, 'admin', PASSWORD, port=device.port, sleep=lambda _s: None)
        with pytest.raises(NotSupportedError) as refused:
            c.download('/ISAPI/System/configurationData')
        assert refused.value.http_status == 404
    finally:
        fleet.stop()


def test_a_diagnostics_dump_loads_as_a_profile(tmp_path):
    # The shape diagnostics tools record ({"data": {"ISAPI": ...}}), a refusal kept as the tool's exception.
    from ansible_collections.camops.hikvision.tests.unit.sim import load_profiles
    dump = {'data': {'ISAPI': {
        'System/deviceInfo': {'response': {'DeviceInfo': {'@version': '2.0', 'model': 'DS-2TD0000-X'}}},
        'ContentMgmt/InputProxy/channels': {'error': {'__type': "<class 'x.ISAPIForbiddenError'>",
                                                      'repr': "ISAPIForbiddenError('http://1.2.3.4/ISAPI/...')"}},
        'System/Holidays': {'status_code': 404}}}}
    (tmp_path / 'dump.json').write_text(__import__('json').dumps(dump))
    paths = load_profiles(str(tmp_path))['dump']['paths']
    assert paths['ContentMgmt/InputProxy/channels'] == {'status_code': 403}
    assert paths['System/Holidays'] == {'status_code': 404}
    assert paths['System/deviceInfo']['response']['DeviceInfo']['model'] == 'DS-2TD0000-X'
