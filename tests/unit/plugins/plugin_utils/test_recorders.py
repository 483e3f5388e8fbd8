"""The recorders inventory's logic: the source checked before any request, a recorder read in one session (real
captures' channel lists over real HTTP and Digest), refused and locked recorders, and the hosts built (pure)."""

import threading

import pytest

from ansible_collections.camops.hikvision.plugins.plugin_utils import recorders as rec

from ansible_collections.camops.hikvision.tests.unit.sim import CAPTURES, PASSWORD

RECORDER_CAPTURES = [name for name in CAPTURES if name.startswith(('DS-7', 'iDS-7'))]


pytestmark = pytest.mark.usefixtures('clean_fleet')


def entry_for(fleet, name, **kwargs):
    device = fleet.device(name)
    raw = dict(host=device.address, port=device.port, name=name)
    raw.update(kwargs)
    return rec.recorder_entries([raw], dict(password=PASSWORD))[0]


# ---- the source ---------------------------------------------------------------------------------------------

def test_entries_are_made_plain_and_a_relative_ca_path_is_the_sources():
    entry = rec.recorder_entries([dict(host='192.0.2.1', site=7, validate_certs='false', ca_path='certs/nvr.pem')], {},
                                 base_dir='/srv/inventory')[0]
    assert entry['site'] == '7' and entry['validate_certs'] is False and entry['ca_path'] == '/srv/inventory/certs/nvr.pem'


def test_entries_take_the_sources_defaults_and_their_own_values():
    entries = rec.recorder_entries(['192.0.2.10', dict(host='192.0.2.11', name='nvr-b', port='8080', site='b')],
                                   dict(site='a', password='Pw-12345', camera_port=80, protocol=None))
    assert entries[0]['name'] == '192.0.2.10' and entries[0]['site'] == 'a' and entries[0]['protocol'] == 'http'
    assert entries[0]['username'] == 'admin' and entries[0]['camera_port'] == 80
    assert entries[1]['name'] == 'nvr-b' and entries[1]['site'] == 'b' and entries[1]['port'] == 8080
    assert 'password' not in rec.public(entries[1]) and entries[1]['password'] == 'Pw-12345'


@pytest.mark.parametrize('recorders, words', [
    ([], 'non-empty list'),
    ('192.0.2.1', 'non-empty list'),
    ([['192.0.2.1']], 'not a mapping'),
    ([dict(host='192.0.2.1', prot='https')], 'unknown key(s) prot'),
    ([dict(host='http://192.0.2.1/')], 'host must be an IP address or an ASCII host name'),
    ([dict(host='')], 'host must not be empty'),
    ([dict(host='192.0.2.1', protocol='ftp')], 'protocol must be http or https'),
    ([dict(host='192.0.2.1', port='eighty')], 'port must be a whole number'),
    ([dict(host='192.0.2.1', port=70000)], 'port must be between 1 and 65535'),
    ([dict(host='192.0.2.1', camera_port=0)], 'camera_port must be between 1 and 65535'),
    ([dict(host='192.0.2.1', password='Pässword-1')], 'password must be printable ASCII'),
    ([dict(host='192.0.2.1', timeout=0)], 'timeout must be a positive number'),
    ([dict(host='192.0.2.1', name='a'), dict(host='192.0.2.2', name='a')], "recorders 1 and 2 are both named 'a'"),
    ([dict(host='192.0.2.1', name='a'), dict(host='192.0.2.1', name='b', port=80)], 'recorders 1 and 2 are the same'),
    ([dict(host='192.0.2.1', validate_certs='maybe')], 'validate_certs must be true or false'),
])
def test_a_source_that_can_never_work_is_refused(recorders, words):
    with pytest.raises(rec.SourceError) as err:
        rec.recorder_entries(recorders, {})
    assert words in str(err.value)
    assert 'Pässword' not in str(err.value)


# ---- a recorder read ----------------------------------------------------------------------------------------

@pytest.mark.parametrize('name', RECORDER_CAPTURES)
def test_every_ip_channel_of_a_real_recorder_is_a_camera_host(fleet, name):
    read = rec.read_recorder(entry_for(fleet, name, site='s1'))
    assert read['ok'], read['error']
    device = fleet.device(name)
    built = rec.build([read])
    recorder = built['hosts'][name]
    # A serial only where the device reports one (iDS-7204HUHI-K1/4S's capture has none).
    assert recorder['hik_device_type'] in ('nvr', 'dvr')
    assert recorder.get('hik_serial') == (device.device_info.get('serialNumber') or None)
    assert name in built['groups']['recorders']
    channels = [c for c in read['channels'] if c['ip_address']]
    cameras = built['groups'].get('cameras', [])
    assert sorted(cameras) == sorted('%s-ch%02d' % (name, c['id']) for c in channels)
    for channel in channels:
        host = built['hosts']['%s-ch%02d' % (name, channel['id'])]
        assert host['ansible_host'] == channel['ip_address'] and host['hik_recorder'] == name
        assert host['hik_recorder_channel'] == dict(channel_id=channel['id'], ip_address=channel['ip_address'])
        assert host['hik_site'] == 's1' and host.get('hik_serial') == channel['serial_number']
        # Only what the recorder said: PoE where it says connMode plugplay (DS-7608NXI-I2), nowhere else.
        assert host['hik_poe'] is (channel['conn_mode'] == 'plugplay') and host['hik_reachable'] is not host['hik_poe']
    # No password anywhere in what is kept (the inventory cache) or built.
    assert PASSWORD not in repr(read) and PASSWORD not in repr(built)


def test_the_poe_cameras_of_a_real_nvr_are_marked(fleet):
    built = rec.build([rec.read_recorder(entry_for(fleet, 'DS-7608NXI-I2'))])
    poe = built['groups']['poe_cameras']
    assert len(poe) == 4 and all(built['hosts'][name]['hik_reachable'] is False for name in poe)


def test_one_login_session_per_recorder(fleet):
    rec.read_recorder(entry_for(fleet, 'DS-7732NI-M4'))
    counters = fleet.counters('DS-7732NI-M4')
    assert counters['challenges'] == 1 and counters['failed_logins'] == 0
    # The challenge, its identity, its channel list and the channels' state; nothing written.
    assert counters['requests'] == 4 and counters['writes'] == 0


def test_a_refused_password_is_remembered_and_not_sent_again(fleet, tmp_path):
    entry = entry_for(fleet, 'DS-7616NI-K2', password='Wrong-pass-1')
    first = rec.read_recorder(entry, str(tmp_path))
    assert not first['ok'] and 'refused the credentials' in first['error'] and not first['locked']
    assert fleet.counters('DS-7616NI-K2')['failed_logins'] == 1
    requests = fleet.counters('DS-7616NI-K2')['requests']
    again = rec.read_recorder(entry, str(tmp_path))
    assert 'not sent again until the password given changes' in again['error']
    assert fleet.counters('DS-7616NI-K2')['requests'] == requests
    assert 'Wrong-pass-1' not in repr(again) + ''.join(p.read_text() for p in tmp_path.iterdir())
    # The right password is sent as usual.
    assert rec.read_recorder(entry_for(fleet, 'DS-7616NI-K2'), str(tmp_path))['ok']


def test_a_locked_recorder_is_left_alone_with_its_unlock_time_from_then_on(fleet, tmp_path):
    entry = entry_for(fleet, 'lockme', password='Wrong-pass-1')
    reads = [rec.read_recorder(entry) for dummy in range(3)]
    assert reads[-1]['locked'] and 'unlock in' in reads[-1]['error'], reads[-1]
    # With a memory, the lockout is remembered with its end, and no later read sends anything until then.
    locked = rec.read_recorder(entry_for(fleet, 'lockme'), str(tmp_path))
    assert locked['locked'] and not locked['ok']
    requests = fleet.counters('lockme')['requests']
    later = rec.read_recorder(entry_for(fleet, 'lockme'), str(tmp_path))
    assert later['locked'] and 'locked this controller out until' in later['error'] and 'nothing was sent' in later['error']
    assert fleet.counters('lockme')['requests'] == requests


def test_a_memory_that_cannot_be_written_is_said_and_ends_no_read(fleet, tmp_path):
    blocker = tmp_path / 'file'
    blocker.write_text('not a directory')
    memory = str(blocker / 'refused')
    assert rec.read_recorder(entry_for(fleet, 'DS-7732NI-M4'), memory)['ok']
    read = rec.read_recorder(entry_for(fleet, 'DS-7616NI-K2', password='Wrong-pass-1'), memory)
    assert 'refused the credentials' in read['error'] and 'It could not be remembered in' in read['error']


def test_a_channel_list_that_cannot_be_read_leaves_the_recorder_unread(fleet):
    device = fleet.device('DS-7732NI-M4')
    device.path_faults['ContentMgmt/InputProxy/channels'] = 'empty'
    try:
        read = rec.read_recorder(entry_for(fleet, 'DS-7732NI-M4'))
    finally:
        del device.path_faults['ContentMgmt/InputProxy/channels']
    assert not read['ok'] and 'InputProxy/channels' in read['error'] and read['channels'] == []
    built = rec.build([read])
    assert built['groups']['unread_recorders'] == ['DS-7732NI-M4'] and 'cameras' not in built['groups']


def test_no_password_sends_nothing(fleet):
    device = fleet.device('DS-7732NI-M4')
    entry = rec.recorder_entries([dict(host=device.address, port=device.port)], {})[0]
    read = rec.read_recorder(entry)
    assert 'no password to read it with' in read['error'] and fleet.counters('DS-7732NI-M4')['requests'] == 0


def test_a_camera_in_the_recorders_list_is_a_host_without_cameras_and_not_in_cameras(fleet):
    built = rec.build([rec.read_recorder(entry_for(fleet, 'cam'))])
    assert built['groups']['not_recorders'] == ['cam'] and 'recorders' not in built['groups']
    assert 'cameras' not in built['groups'] and 'is not a recorder (device type ipc)' in built['warnings'][0]


def test_recorders_are_read_in_parallel_and_kept_in_order():
    seen = set()
    barrier = threading.Barrier(3, timeout=5)

    def read(entry, refused_dir):
        seen.add(threading.get_ident())
        barrier.wait()  # three reads at once, or this times out
        return dict(recorder=entry['name'])

    entries = [dict(name='r%d' % i) for i in range(3)]
    assert [r['recorder'] for r in rec.read_recorders(entries, workers=3, read=read)] == ['r0', 'r1', 'r2']
    assert len(seen) == 3


# ---- hosts and groups (pure) --------------------------------------------------------------------------------

def recorder_read(name, channels, ok=True, site='north', kind='nvr', **entry):
    entry = dict(dict(host='192.0.2.%d' % (len(name) + 1), name=name, site=site), **entry)
    return dict(recorder=entry, ok=ok, error='' if ok else 'refused', locked=False,
                device=dict(device_type=kind, model='DS-7608NXI-I2/8P', serial_number='SER-%s' % name,
                            firmware_version='V4.62.210') if ok else {},
                channels=channels)


def channel(cid, address, **kwargs):
    base = dict(id=cid, type='ip', name='cam %s' % cid, ip_address=address, port=8000, protocol='hikvision',
                model='DS-2CD2386G2-IU', serial_number='CAM%s' % cid, firmware_version='V5.7.15', conn_mode=None,
                online=True)
    base.update(kwargs)
    return base


def test_a_camera_two_recorders_record_is_one_host_only_with_the_same_serial():
    built = rec.build([recorder_read('nvr-a', [channel(1, '192.0.2.50', serial_number='CAMX')]),
                       recorder_read('nvr-b', [channel(4, '192.0.2.50', serial_number='camx'), channel(5, '192.0.2.51')])])
    assert built['hosts']['nvr-a-ch01']['hik_also_recorded_by'] == [dict(recorder='nvr-b', channel_id=4)]
    assert 'nvr-b-ch04' not in built['hosts'] and 'nvr-b-ch05' in built['hosts']
    assert 'a decommission removes it from nvr-a only' in built['warnings'][0]
    # Another serial, or none, at the same address: two cameras, two hosts, and a warning.
    built = rec.build([recorder_read('nvr-a', [channel(1, '192.1.1.64', serial_number='CAM1')]),
                       recorder_read('nvr-b', [channel(1, '192.1.1.64', serial_number=None)])])
    assert {'nvr-a-ch01', 'nvr-b-ch01'} <= set(built['hosts']) and 'not as the same camera' in built['warnings'][0]
    # PoE cameras of two recorders have the same addresses and are never one: no warning either.
    poe = dict(conn_mode='plugplay', serial_number='SAME')
    built = rec.build([recorder_read('nvr-a', [channel(1, '192.168.254.2', **poe)]),
                       recorder_read('nvr-b', [channel(1, '192.168.254.2', **poe)])])
    assert built['groups']['poe_cameras'] == ['nvr-a-ch01', 'nvr-b-ch01'] and built['warnings'] == []
    # Named by address, the second takes its channel name.
    built = rec.build([recorder_read('nvr-a', [channel(1, '192.1.1.64', serial_number='CAM1')]),
                       recorder_read('nvr-b', [channel(1, '192.1.1.64', serial_number='CAM2')])], camera_names='address')
    assert {'192.1.1.64', 'nvr-b-ch01'} <= set(built['hosts'])


def test_cameras_named_by_address():
    built = rec.build([recorder_read('nvr-a', [channel(1, '192.0.2.50')])], camera_names='address')
    assert built['hosts']['192.0.2.50']['hik_recorder'] == 'nvr-a'
    with pytest.raises(rec.SourceError):
        rec.build([], camera_names='serial')


def test_an_unread_recorder_stays_a_host_and_its_cameras_are_not_guessed():
    built = rec.build([recorder_read('nvr-a', [], ok=False)])
    assert built['hosts']['nvr-a']['hik_inventory_error'] == 'refused'
    assert built['groups']['unread_recorders'] == ['nvr-a'] and 'cameras' not in built['groups']
    assert built['warnings'] == ['nvr-a: its cameras are left out of the inventory: refused']


def test_groups_and_what_the_recorder_knows():
    built = rec.build([recorder_read('nvr-a', [channel(1, '192.0.2.50', conn_mode='plugplay'),
                                               channel(2, '192.0.2.51', online=False, serial_number=None),
                                               channel(3, None), channel(None, '192.0.2.52')],
                                     camera_port=80, camera_protocol='https')])
    groups = built['groups']
    assert groups['poe_cameras'] == ['nvr-a-ch01'] and groups['offline_cameras'] == ['nvr-a-ch02']
    assert groups[('recorder', 'nvr-a')] == ['nvr-a', 'nvr-a-ch01', 'nvr-a-ch02']
    assert groups[('site', 'north')] == ['nvr-a', 'nvr-a-ch01', 'nvr-a-ch02']
    assert groups[('type', 'nvr')] == ['nvr-a'] and groups[('type', 'ipc')] == ['nvr-a-ch01', 'nvr-a-ch02']
    assert groups[('model', 'DS-2CD2386G2-IU')] == ['nvr-a-ch01', 'nvr-a-ch02']
    second = built['hosts']['nvr-a-ch02']
    assert 'hik_serial' not in second and second['hik_online'] is False and second['hik_port'] == 80
    assert second['hik_protocol'] == 'https' and second['hik_channel_port'] == 8000
    assert 'channel 3 names no camera address' in built['warnings'][0]
    assert 'channel None names no id' in built['warnings'][1]


def test_every_thread_gets_the_same_salt(tmp_path):
    """The recorders are read in threads; one that finds the salt file must never read it half written (it would
    hash with another salt, and the next run would send a refused password again)."""
    import threading
    from ansible_collections.camops.hikvision.plugins.module_utils.refused import RefusedPasswords
    salts = []
    start = threading.Barrier(16, timeout=5)

    def work():
        start.wait()
        salts.append(RefusedPasswords(str(tmp_path), '192.0.2.1', 80, 'admin')._salt())  # pylint: disable=protected-access

    threads = [threading.Thread(target=work) for dummy in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(salts) == 16 and len(set(salts)) == 1 and len(salts[0]) == 64
    assert sorted(p.name for p in tmp_path.iterdir()) == ['.salt']
