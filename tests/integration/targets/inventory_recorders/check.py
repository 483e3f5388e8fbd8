"""Checks of runme.sh on what ansible-inventory printed and what the simulated devices hold."""
import json
import os
import subprocess
import sys

import yaml


def plain(value):
    """ansible-core 2.19's ansible-inventory marks strings that came from the devices (not trusted as templates)
    as {"__ansible_unsafe": ...}; the plain value."""
    if isinstance(value, dict):
        if set(value) == {'__ansible_unsafe'}:
            return value['__ansible_unsafe']
        return dict((key, plain(item)) for key, item in value.items())
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def hostvars(listing):
    return listing['_meta']['hostvars']


def members(listing, group):
    return set(listing.get(group, {}).get('hosts', []))


def by_address(listing):
    return dict((v['ansible_host'], name) for name, v in hostvars(listing).items())


def check_list(path, err_path, state_path):
    listing = plain(json.load(open(path)))
    err = ' '.join(open(err_path).read().split())
    state = json.load(open(state_path))
    hv = hostvars(listing)
    at = by_address(listing)
    # The recorders, read or not.
    assert {'nvr-n', 'dvr-s', 'nvr-wrong', 'nvr-locked', 'nvr-gone'} <= set(hv), sorted(hv)
    assert members(listing, 'recorders') == {'nvr-n', 'dvr-s', 'nvr-wrong', 'nvr-locked', 'nvr-gone'}
    assert members(listing, 'unread_recorders') == {'nvr-wrong', 'nvr-locked', 'nvr-gone'}
    assert hv['nvr-n']['hik_device_type'] == 'nvr' and hv['dvr-s']['hik_device_type'] == 'dvr', hv['dvr-s']
    assert hv['nvr-n']['hik_serial'] == state['nvr-n']['serial_number']
    # dvr-s was read over HTTPS, its certificate verified; the roles get the same settings.
    assert hv['dvr-s']['hik_protocol'] == 'https' and hv['dvr-s']['hik_ca_path'] == state['dvr-s']['certificate']
    # Each unread recorder says why in one sentence, and a warning says its cameras are left out.
    assert 'refused' in hv['nvr-wrong']['hik_inventory_error'], hv['nvr-wrong']
    assert 'lock' in hv['nvr-locked']['hik_inventory_error'].lower(), hv['nvr-locked']
    assert any(ch.isdigit() for ch in hv['nvr-locked']['hik_inventory_error']), hv['nvr-locked']
    assert 'the connection was refused' in hv['nvr-gone']['hik_inventory_error'], hv['nvr-gone']
    for name in ('nvr-wrong', 'nvr-locked', 'nvr-gone'):
        assert '%s: its cameras are left out of the inventory' % name in err, (name, err)
    # nvr-wrong's camera is not guessed.
    assert '127.0.43.11' not in at, at
    # Every IP channel of the recorders read is a camera host, with what the recorder said of it.
    expected = {}
    for recorder in ('nvr-n', 'dvr-s'):
        for channel in state[recorder]['channels']:
            expected[channel['ip_address']] = (recorder, channel)
    cameras = members(listing, 'cameras')
    assert cameras == set(at[address] for address in expected), (cameras, expected)
    for address, (recorder, channel) in expected.items():
        name = at[address]
        v = hv[name]
        assert name == '%s-ch%02d' % (recorder, channel['id']), name
        assert v['hik_recorder'] == recorder, v
        assert v['hik_recorder_channel'] == {'channel_id': channel['id'], 'ip_address': address}, v
        assert v['hik_site'] == ('north' if recorder == 'nvr-n' else 'south'), v
        assert v['hik_port'] == 18110 and v['hik_channel_port'] == channel['port'], v
        assert v.get('hik_serial') == (channel['serial_number'] or None), v
        assert v['hik_online'] is channel['online'], v
        assert name in members(listing, 'recorder_%s' % recorder.replace('-', '_')), name
        assert name in members(listing, 'site_%s' % v['hik_site']) and name in members(listing, 'type_ipc'), name
    # A simulated camera's serial on its recorder is its own.
    assert hv[at['127.0.41.11']]['hik_serial'] == state['cam-n1']['serial_number']
    poe = at['127.0.41.99']
    assert hv[poe]['hik_poe'] is True and hv[poe]['hik_reachable'] is False, hv[poe]
    assert members(listing, 'poe_cameras') == {poe}
    assert all(hv[at[a]]['hik_reachable'] is True for a in expected if a != '127.0.41.99')
    assert members(listing, 'offline_cameras') == {at['127.0.42.98']}
    assert {'nvr-n'} | set(at[a] for a in expected if expected[a][0] == 'nvr-n') == members(listing, 'recorder_nvr_n')
    assert 'nvr-n' in members(listing, 'model_DS_7608NXI_I2_8P_S') and 'dvr-s' in members(listing, 'type_dvr')
    assert poe in members(listing, 'model_DS_2CD2386G2_IU')
    # The constructed features (compose, groups, keyed_groups), on the plugin's variables.
    north = set(at[a] for a in expected if expected[a][0] == 'nvr-n')
    assert members(listing, 'north_cameras') == north, members(listing, 'north_cameras')
    assert members(listing, 'proto_hikvision') == cameras, members(listing, 'proto_hikvision')
    assert hv[at['127.0.41.99']]['hik_label'] == 'camera poe-door on nvr-n', hv[at['127.0.41.99']]
    assert 'hik_label' not in hv['nvr-n']  # a variable it lacks: skipped, as strict is false
    # No password is a host variable.
    assert not any(key.endswith('password') for v in hv.values() for key in v), hv
    print('list: %d hosts, %d cameras (1 on PoE, 1 offline), 3 unread recorders' % (len(hv), len(cameras)))


def check_graph(path):
    text = open(path).read()
    for line in ('@recorder_nvr_n:', '@poe_cameras:', '@unread_recorders:', '@site_north:', '@type_dvr:'):
        assert line in text, (line, text)
    print('graph: the groups are there')


def check_decommissioned(state_path, store, reports):
    state = json.load(open(state_path))
    assert state['nvr-n']['channels'] == [], state['nvr-n']['channels']
    for camera in ('cam-n1', 'cam-n2'):
        # The store is vault-encrypted (the run has a vault password, ANSIBLE_VAULT_PASSWORD_FILE).
        record = yaml.safe_load(subprocess.check_output(
            ['ansible-vault', 'view', os.path.join(store, 'nvr-n-ch%02d.yml' % (1 if camera == 'cam-n1' else 2))]))
        assert record['status'] == 'verified', record['status']
        admin = [u for u in state[camera]['users'] if u['name'] == 'admin'][0]
        assert admin['password'] == record['password'] != 'Sim-Admin-123', camera
        assert [u['name'] for u in state[camera]['users']] == ['admin'], state[camera]['users']
    # nvr-n itself is not decommissioned, and dvr-s's site is untouched.
    assert [u['password'] for u in state['nvr-n']['users'] if u['name'] == 'admin'] == ['Sim-Admin-123']
    assert not os.path.exists(os.path.join(store, 'nvr-n.yml'))
    assert len(state['dvr-s']['channels']) == 2, state['dvr-s']['channels']
    assert [u['password'] for u in state['cam-s1']['users'] if u['name'] == 'admin'] == ['Sim-Admin-123']
    poe = json.load(open(os.path.join(reports, 'devices', 'nvr-n-ch03.json')))
    assert poe['status'] == 'skipped' and poe['recorder']['removed_channels'] == [3], poe
    assert "a camera on nvr-n's PoE network" in ' '.join(poe['notes']), poe['notes']
    assert poe['verified'] is False and not os.path.exists(os.path.join(store, 'nvr-n-ch03.yml'))
    summary = open(os.path.join(reports, 'summary-decommission.txt')).read()
    print(summary)
    assert '2 changed' in summary and '1 skipped' in summary and '0 failed' in summary, summary
    print('decommissioned: the two cameras behind nvr-n, its PoE camera removed from it and reported as not reachable')


def check_graph_after(path):
    text = open(path).read()
    block = text.split('@recorder_nvr_n:')[1].split('@')[0]
    assert '--nvr-n' in block and '-ch0' not in block, block
    print('read afresh: nvr-n records no camera')


if __name__ == '__main__':
    {'list': check_list, 'graph': check_graph, 'decommissioned': check_decommissioned,
     'graph-after': check_graph_after}[sys.argv[1]](*sys.argv[2:])
