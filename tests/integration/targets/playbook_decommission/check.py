"""Check the simulator's state after a decommission, not the playbook's word.

usage: check.py CONTROL_URL STORE_DIR TARGET_SITE OTHER_SITE [VAULT_PASSWORD_FILE]
"""

import json
import os
import subprocess
import sys
import urllib.request

import requests
import yaml
from requests.auth import HTTPDigestAuth

INITIAL = 'Sim-Admin-123'
KEEP = {'cam-a1': ['admin', 'keeper']}


def state(control):
    with urllib.request.urlopen(control + '/state') as answer:
        return json.load(answer)


def record(store, name, vault_file):
    path = os.path.join(store, name + '.yml')
    with open(path, 'rb') as handle:
        data = handle.read()
    if data.startswith(b'$ANSIBLE_VAULT'):
        assert vault_file, '%s is vault-encrypted but no vault password file was given' % path
        data = subprocess.check_output(['ansible-vault', 'view', '--vault-password-file', vault_file, path])
    elif vault_file:
        raise AssertionError('%s is not vault-encrypted although a vault secret was configured' % path)
    assert oct(os.stat(path).st_mode & 0o777) == '0o600', path
    return yaml.safe_load(data)


def login(device, password):
    url = '%s://%s:%s/ISAPI/System/deviceInfo' % ('https' if device['tls'] else 'http', device['address'], device['port'])
    return requests.get(url, auth=HTTPDigestAuth('admin', password), timeout=5,
                        verify=device['certificate'] or True).status_code


def main():
    control, store, site, other = sys.argv[1:5]
    vault_file = sys.argv[5] if len(sys.argv) > 5 else None
    devices = state(control)
    targets = dict((n, d) for n, d in devices.items() if d['site'] == site)
    assert targets, 'no device on site %s' % site
    departing_ips = set(d['address'] for d in targets.values())
    for name, dev in sorted(devices.items()):
        if dev['site'] == other:
            assert dev['users'][0]['password'] == INITIAL, '%s (other site) was changed' % name
            continue
        if dev['site'] != site:
            continue
        rec = record(store, name, vault_file)
        assert rec['status'] == 'verified', '%s: store status %s' % (name, rec['status'])
        assert 'previous_password' not in rec, name
        new = dev['users'][0]['password']
        assert new != INITIAL and rec['password'] == new, '%s: stored password does not match the device' % name
        assert login(dev, new) == 200, '%s: the new password does not work' % name
        assert login(dev, INITIAL) == 401, '%s: the old password still works' % name
        names = sorted(u['name'] for u in dev['users'])
        assert names == sorted(KEEP.get(name, ['admin'])), '%s: users left %s' % (name, names)
        assert dev['onvif_users'] == [], '%s: ONVIF users left' % name
        assert not dev['ezviz']['enabled'], '%s: platform access still on' % name
        if dev['kind'] in ('nvr', 'dvr'):
            left = [c['ip_address'] for c in dev['channels'] if c['ip_address'] in departing_ips]
            assert not left, '%s: departing cameras still on channels %s' % (name, left)
        if name == 'cam-a1':
            assert rec['verification_code'] == dev['ezviz']['verification_code'] != 'Hik12345', name
    print('simulator state matches a decommissioned %s (%d devices) and an untouched %s'
          % (site, len(targets), other))


if __name__ == '__main__':
    main()
