"""HikCentral Professional's OpenAPI: the Artemis signature, the client against hiksim's HikCentral (which checks
every signature itself, over real HTTP on loopback), paging and errors, and the finder (pure)."""

import base64
import hashlib
import hmac
import os

import pytest

from ansible_collections.camops.hikvision.plugins.module_utils import hikcentral as hcp

from ansible_collections.camops.hikvision.tests.unit.sim import Fleet

KEY, SECRET = 'Hcp-Key-1', 'Hcp-Secret-1'


def test_the_string_to_sign_holds_only_the_headers_sent_and_the_sorted_query():
    headers = {'Accept': 'application/json', 'Content-Type': 'application/json;charset=UTF-8', 'X-Ca-Key': 'k',
               'X-Ca-Nonce': 'n', 'X-Ca-Timestamp': '1', 'X-Ca-Signature': 'ignored',
               'X-Ca-Signature-Headers': 'ignored', 'userId': 'not signed'}
    text = hcp.string_to_sign('post', '/artemis/api/x', headers, query={'b': '2', 'a': '1', 'flag': None})
    assert text == ('POST\napplication/json\napplication/json;charset=UTF-8\nx-ca-key:k\nx-ca-nonce:n\n'
                    'x-ca-timestamp:1\n/artemis/api/x?a=1&b=2&flag')
    # No Content-MD5 and no Date: no line for them, not an empty one.
    assert '\n\n' not in text


def test_the_signature_is_base64_hmac_sha256_of_that_string():
    headers = hcp.signed_headers('k', 's', '/artemis/api/x', now=1.5, nonce='n1')
    assert headers['X-Ca-Timestamp'] == '1500' and headers['X-Ca-Signature-Headers'] == 'x-ca-key,x-ca-nonce,x-ca-timestamp'
    text = 'POST\napplication/json\napplication/json;charset=UTF-8\nx-ca-key:k\nx-ca-nonce:n1\nx-ca-timestamp:1500\n/artemis/api/x'
    expected = base64.b64encode(hmac.new(b's', text.encode(), hashlib.sha256).digest()).decode()
    assert headers['X-Ca-Signature'] == expected and 's' not in headers.values()


@pytest.fixture(scope='module')
def central(profiles):
    port = 26000 + (os.getpid() % 2000) * 2
    devices = [dict(name='nvr-h', profile='DS-7608NXI-I2', address='127.0.2.211', port=port,
                    cameras=[dict(ip_address='192.0.2.31', name='Loading bay'), dict(ip_address='192.0.2.32', name='Gate'),
                             dict(ip_address='192.0.2.33', name='Gate')]),
               dict(name='cam-h', profile='ipc', address='127.0.2.212', port=port)]
    extra = [dict(name='Filler %d' % i, ip='198.51.100.%d' % (i % 250), code='DS-FILL%05d' % i, region='3')
             for i in range(1, 1101)]
    spec = dict(devices=devices, defaults=dict(password='Sim-Admin-123'), hikcentral=dict(
        address='127.0.2.210', port=port + 1, partners=[dict(app_key=KEY, app_secret=SECRET)],
        regions=[dict(index_code='1', name='Root'), dict(index_code='2', name='North', parent='1'),
                 dict(index_code='3', name='Filler', parent='1')],
        devices=[dict(device='nvr-h', region='2', name='NVR North'), dict(device='cam-h', region='2', status=2),
                 dict(name='Lobby', ip='192.0.2.50', code='DS-2CD2386G2-IU20240101AAWRF74021782', region='2')]
        + extra))
    fleet = Fleet(spec, profiles=profiles).start()
    yield fleet
    fleet.stop()


def client(fleet, key=KEY, secret=SECRET):
    return hcp.HikCentralClient('127.0.2.210', key, secret, port=fleet.central.port, protocol='http')


def test_every_page_is_read_and_the_finder_finds_by_address_serial_and_recorder_channel(central):
    c = client(central)
    read = c.read_all()
    assert len(read["devices"]) == 1103 and c.calls == 3 + 3 + 1  # three pages of 500 devices, of cameras, regions
    nvr, cam = central.devices['nvr-h'], central.devices['cam-h']
    found = hcp.find(read, [
        dict(name='nvr', address=nvr.address),
        dict(name='cam', serial_number=cam.serial_number),
        dict(name='lobby', serial_number='f74021782'),
        dict(name='bay', recorder_address=nvr.address, channel_name='Loading bay'),
        dict(name='gate', recorder_address=nvr.address, channel_name='Gate'),  # two channels of that name
        dict(name='gone', address='192.0.2.99', serial_number='ZZZ999999'),
        dict(name='short', serial_number='F7402'),  # too short to be a serial: never a part match
    ])
    assert found['nvr']['matched_by'] == 'address' and found['nvr']['device']['name'] == 'NVR North'
    assert found['nvr']['device']['area'] == 'North' and found['nvr']['device']['online'] is True
    assert found['cam']['matched_by'] == 'serial' and found['cam']['device']['online'] is False
    assert found['lobby']['device']['name'] == 'Lobby'
    assert found['bay']['matched_by'] == 'recorder_channel' and found['bay']['camera']['name'] == 'Loading bay'
    assert not found['gate']['found'] and not found['gone']['found'] and not found['short']['found']
    assert hcp.sentence(found['nvr']) == "still in HikCentral Professional as 'NVR North' in area 'North': remove it there"
    assert hcp.sentence(found['bay']) == ("still in HikCentral Professional as camera 'Loading bay' of 'NVR North' in "
                                          "area 'North': remove it there")
    assert hcp.sentence(found['gone']) is None


def test_a_wrong_secret_is_refused_by_the_signature_check_and_never_sent(central):
    with pytest.raises(hcp.HikCentralError) as err:
        client(central, secret='Not-The-Secret').call(hcp.VERSION_PATH)
    assert err.value.code == '0x02401003' and 'the signature was refused' in str(err.value)
    assert 'Not-The-Secret' not in str(err.value)
    with pytest.raises(hcp.HikCentralError, match='0x02401003'):
        client(central, key='nobody').call(hcp.VERSION_PATH)


def test_an_unknown_path_is_code_8_and_a_bad_page_code_2(central):
    c = client(central)
    with pytest.raises(hcp.HikCentralError, match='code 8: HikCentral does not offer this API'):
        c.call('/api/resource/v1/encodeDevice/delete', {'encodeDevIndexCode': '1'})
    with pytest.raises(hcp.HikCentralError, match='code 2: a parameter was refused'):
        c.call(hcp.DEVICES_PATH, {'pageNo': 1, 'pageSize': 501})
    assert c.call(hcp.VERSION_PATH)['produceName'] == 'HikCentral Professional'


def test_a_replayed_nonce_is_refused(central):
    path = '/artemis' + hcp.VERSION_PATH
    headers = hcp.signed_headers(KEY, SECRET, path)
    c = client(central)
    first = c.session.post(c.base + path, json={}, headers=headers)
    again = c.session.post(c.base + path, json={}, headers=headers)
    assert first.json()['code'] == '0' and again.status_code == 401


def test_no_answer_is_one_sentence():
    c = hcp.HikCentralClient('127.0.2.219', KEY, SECRET, port=9, protocol='http', timeout=2)
    with pytest.raises(hcp.HikCentralError, match=r'^HikCentral Professional 127.0.2.219:9: POST /artemis/api/common'
                                                  r'/v1/version failed: it could not be reached\.$'):
        c.call(hcp.VERSION_PATH)
