"""Parsing every real capture: identity, capabilities, channels, device type."""

import json
import os

import pytest
import xmltodict

from ansible_collections.camops.hikvision.plugins.module_utils import channels, platform, system, users
from ansible_collections.camops.hikvision.plugins.module_utils.isapi.api import parse_xml

from ansible_collections.camops.hikvision.tests.unit.sim import CAPTURES, PROFILE_DIR, profile_paths


def _capture(name):
    with open(os.path.join(PROFILE_DIR, name + '.json'), encoding='utf-8') as handle:
        return profile_paths(json.load(handle))


def _doc(dump):
    """Turn a capture's xmltodict dump back into the XML the device sent, then parse it as the client does."""
    return parse_xml(xmltodict.unparse(dump).encode('utf-8'))


def _kind(name):
    """The device class a person read off the model and wrote into the profile (ipc, ptz and thermal are
    cameras)."""
    with open(os.path.join(PROFILE_DIR, name + '.json'), encoding='utf-8') as handle:
        kind = json.load(handle).get('kind')
    return {'ptz': 'ipc', 'thermal': 'ipc', 'hybrid': 'dvr'}.get(kind, kind)


@pytest.mark.parametrize('name', CAPTURES)
def test_device_info_of_every_capture(name):
    raw = _capture(name)['System/deviceInfo']['response']
    info = raw['DeviceInfo']
    device = system.parse_device_info(_doc(raw))
    # A capture holds what its device sent: elements a firmware (or the person pasting it) left out are None.
    assert device['model'] == info['model']
    assert device['serial_number'] == info.get('serialNumber')
    assert device['firmware_version'] == info.get('firmwareVersion')
    assert device['firmware_build'] == info.get('firmwareReleasedDate')
    assert device['mac_address'] == (info['macAddress'].lower() if info.get('macAddress') else None)
    if _kind(name):  # a profile without a kind is checked by the conformance suite's own reading
        assert device['device_type'] == _kind(name)
    assert device['namespace'] == info.get('@xmlns')
    assert device['sub_serial_number'] == info.get('subSerialNumber')


@pytest.mark.parametrize('name', [n for n in CAPTURES if 'response' in _capture(n).get('System/capabilities', {})])
def test_capabilities_of_every_capture(name):
    raw = _capture(name)['System/capabilities']['response']
    caps = system.parse_capabilities(_doc(raw))
    security = raw['DeviceCap'].get('SecurityCap', {})
    ezviz = (raw['DeviceCap'].get('SysCap') or {}).get('NetworkCap', {}).get('isSupportEZVIZ')
    assert caps['cloud_platform'] == (None if ezviz is None else ezviz == 'true')
    assert caps['max_users'] == int(security.get('supportUserNums', 0)) or caps['max_users'] is None
    onvif = security.get('isSupportONVIFUserManagement')
    assert caps['onvif_users'] == (None if onvif is None else onvif == 'true')


@pytest.mark.parametrize('name', [n for n in CAPTURES
                                  if 'response' in _capture(n).get('ContentMgmt/InputProxy/channels', {})])
def test_channel_list_of_every_recorder_capture(name):
    raw = _capture(name)['ContentMgmt/InputProxy/channels']['response']
    listed = raw['InputProxyChannelList'].get('InputProxyChannel') or []
    listed = listed if isinstance(listed, list) else [listed]
    doc = _doc(raw)
    parsed = channels.parse_input_proxy_channels(doc)
    assert [c['id'] for c in parsed] == sorted(int(c['id']) for c in listed)
    by_id = dict((int(c['id']), c) for c in listed)
    for channel in parsed:
        src = by_id[channel['id']]['sourceInputPortDescriptor']
        assert channel['ip_address'] == src['ipAddress']
        assert channel['port'] == int(src['managePortNo'])
        assert channel['protocol'] == src['proxyProtocol'].lower()
        assert channel['serial_number'] == src.get('serialNumber')
        assert 'password' not in channel


@pytest.mark.parametrize('name', [n for n in CAPTURES if 'response' in _capture(n).get('System/capabilities', {})])
def test_capacity_and_attribute_only_values_of_every_capture(name):
    raw = _capture(name)['System/capabilities']['response']
    caps = system.parse_capabilities(_doc(raw))
    racm = raw['DeviceCap'].get('RacmCap') or {}
    # The recorder's capacity is RacmCap/inputProxyNums, never the channel list's size attribute.
    assert caps['max_ip_channels'] == (int(racm['inputProxyNums']) if 'inputProxyNums' in racm else None)
    security = raw['DeviceCap'].get('SecurityCap') or {}
    times = security.get('maxIllegalLoginTimes')
    if isinstance(times, dict):  # <maxIllegalLoginTimes min="3" max="20" def="7"/>: the default is in force
        assert caps['max_failed_logins'] == int(times.get('#text') or times['@def'])


def test_dvr_analog_inputs():
    raw = _capture('iDS-7204HUHI-M1')['System/Video/inputs/channels']['response']
    parsed = channels.parse_video_inputs(_doc(raw))
    assert [c['id'] for c in parsed] == [1, 2, 3, 4]
    assert parsed[0]['name'] == 'Entrada' and parsed[0]['type'] == 'analog'
    assert parsed[1]['online'] is False  # resDesc NO VIDEO


@pytest.mark.parametrize('device_type,model,expected', [
    ('IPCamera', 'DS-2CD2386G2-IU', 'ipc'),
    ('IPC', 'DS-7204HUHI-K1', 'dvr'),  # a DVR seen reporting deviceType IPC (pyHik#57)
    ('NVR', 'DS-7608NXI-I2/8P/S', 'nvr'),
    ('DVR', 'iDS-7204HUHI-M1/E', 'dvr'),
    ('HybirdNVR', 'DS-9664NI-I8', 'nvr'),
    ('', 'DS-7616NI-K2', 'nvr'),
    ('', 'DS-K1T342MWX', 'other'),
    ('DVR', 'DS-KH6320-WTE1', 'other'),  # an indoor station that says DVR (tomasbedrich/hikconnect's capture)
    ('IPDome', 'DS-2DE4425IW-DE', 'ipc'),
])
def test_device_type_normalisation(device_type, model, expected):
    assert system.normalise_device_type(device_type, model) == expected


def test_user_lists_never_carry_passwords():
    doc = parse_xml(b'<UserList version="2.0" xmlns="http://www.isapi.org/ver20/XMLSchema">'
                    b'<User><id>2</id><userName>op</userName><userLevel>Operator</userLevel><password>leak</password></User>'
                    b'<User><id>1</id><userName>admin</userName><userLevel>Administrator</userLevel></User></UserList>')
    parsed = users.parse_users(doc)
    assert parsed == [dict(id=1, name='admin', level='administrator'), dict(id=2, name='op', level='operator')]
    onvif = users.parse_users(parse_xml(
        b'<UserList><User><id>1</id><userName>vms</userName><userType>mediaUser</userType></User></UserList>'), 'onvif')
    assert onvif == [dict(id=1, name='vms', level='mediaUser')]


def test_ezviz_parsing_never_copies_the_code():
    doc = parse_xml(b'<EZVIZ version="2.0" xmlns="http://www.isapi.org/ver20/XMLSchema"><enabled>true</enabled>'
                    b'<registerStatus>false</registerStatus><serverAddress><addressingFormatType>hostname'
                    b'</addressingFormatType><hostName>litedev.hik-connect.com</hostName></serverAddress>'
                    b'<verificationCode>SECRET12</verificationCode><bindStatus>bind</bindStatus></EZVIZ>')
    parsed = platform.parse_ezviz(doc)
    assert parsed == dict(enabled=True, registered=False, bind_status='bind', server='litedev.hik-connect.com')
    assert 'SECRET12' not in json.dumps(parsed)
