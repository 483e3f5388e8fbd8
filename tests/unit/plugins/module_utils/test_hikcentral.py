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
        dict(name='gate', recorder_address=nvr.address, channel_name='gate '),  # two channels of that name
        dict(name='gone', address='192.0.2.99', serial_number='ZZZ999999'),
        dict(name='short', serial_number='F7402'),  # too short to be a serial: never a part match
    ])
    assert found['nvr']['matched_by'] == 'address' and found['nvr']['device']['name'] == 'NVR North'
    assert found['nvr']['device']['area'] == 'North' and found['nvr']['device']['online'] is True
    assert found['cam']['matched_by'] == 'serial' and found['cam']['device']['online'] is False
    assert found['lobby']['device']['name'] == 'Lobby'
    assert found['bay']['matched_by'] == 'recorder_channel' and found['bay']['camera']['name'] == 'Loading bay'
    assert found['gate']['found'] is None and found['gate']['matched_by'] == 'ambiguous'
    assert found['gate']['candidates'] == ['Gate', 'Gate'] and 'more than one device' in hcp.sentence(found['gate'])
    assert not found['gone']['found'] and not found['short']['found']
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
    # The searches by name are served too (the finder does not use them: they search by name only).
    found = c.call('/api/resource/v1/encodeDevice/advance/encodeDeviceList',
                   {'pageNo': 1, 'pageSize': 10, 'encodeDevName': 'NVR North'})
    assert found['total'] == 1 and found['list'][0]['encodeDevName'] == 'NVR North'


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


def hcp_device(index, name, ip, code):
    return dict(encodeDevIndexCode=str(index), encodeDevName=name, encodeDevIp=ip, encodeDevPort='8000',
                encodeDevCode=code, status='1', regionIndexCode='2')


def test_a_serial_is_the_label_s_9_characters_at_the_end_of_the_code_and_beats_the_address():
    read = dict(regions=[dict(indexCode='2', name='North')], cameras=[], devices=[
        hcp_device(1, 'NEW lobby cam', '10.0.0.5', 'DS-2CD2386G2-IU20250101AAWRG11111111'),
        hcp_device(2, 'old lobby cam', '10.9.9.9', 'DS-2CD2386G2-IU20210101AAWRF74021782'),
        hcp_device(3, 'ColorVu yard', '10.0.0.7', 'DS-2CD2T47G2-L20240101AAWRJ55555555'),
        hcp_device(4, 'Remote NVR A', '203.0.113.9', 'DS-7608NXI-I2/8P20230101CCWRK11111111'),
        hcp_device(5, 'Remote NVR B', '203.0.113.9', 'DS-7608NXI-I2/8P20230101CCWRK22222222'),
    ])
    found = hcp.find(read, [
        # The departing camera's address now belongs to its replacement (another serial): not the replacement.
        dict(name='departing', address='10.0.0.5', serial_number='DS-2CD2386G2-IU20210101AAWRF74021782'),
        dict(name='short', serial_number='f74021782'),
        # A model that ends in -L followed by a date is not a serial.
        dict(name='model-part', serial_number='L20240101'),
        dict(name='nvr-b', address='203.0.113.9', serial_number='K22222222'),
        dict(name='nat', address='203.0.113.9'),
        dict(name='address-only', address='10.0.0.7'),
    ])
    assert found['departing']['matched_by'] == 'serial' and found['departing']['device']['name'] == 'old lobby cam'
    assert found['short']['device']['name'] == 'old lobby cam'
    assert not found['model-part']['found']
    assert found['nvr-b']['device']['name'] == 'Remote NVR B'
    assert found['nat']['found'] is None and found['nat']['candidates'] == ['Remote NVR A', 'Remote NVR B']
    assert found['address-only']['matched_by'] == 'address'
    replaced = hcp.find(read, [dict(name='x', address='10.0.0.5', serial_number='ZZZ000001')])['x']
    assert not replaced['found']  # another serial at that address is another device


def test_a_list_without_a_total_is_read_while_pages_are_full():
    class Paged(hcp.HikCentralClient):
        def call(self, api_path, body=None):
            self.calls += 1
            size = {1: 500, 2: 500, 3: 12}.get(body['pageNo'], 0)
            return dict(list=[dict(n=i) for i in range(size)])
    client = Paged('127.0.0.1', 'k', 's', protocol='http')
    assert len(list(client.pages(hcp.DEVICES_PATH))) == 1012 and client.calls == 3
