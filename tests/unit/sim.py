"""Helpers for tests that run hiksim in-process: real HTTP and real Digest on loopback."""

import json
import os
import sys
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SIMULATOR = os.path.normpath(os.path.join(HERE, '..', 'simulator'))
if SIMULATOR not in sys.path:
    sys.path.insert(0, SIMULATOR)

from hiksim.server import Fleet, load_profiles, profile_paths  # noqa: E402  pylint: disable=wrong-import-position,unused-import

PROFILE_DIR = os.path.join(SIMULATOR, 'hiksim', 'profiles')
CAPTURES = sorted(os.path.splitext(name)[0] for name in os.listdir(PROFILE_DIR) if name.endswith('.json'))
PASSWORD = 'Sim-Admin-123'


class SimFleet(object):
    """A started Fleet plus helpers to read and change it through the control endpoint."""

    def __init__(self, fleet):
        self.fleet = fleet

    def control(self, method, path, data=None):
        body = json.dumps(data).encode('utf-8') if data is not None else None
        request = urllib.request.Request(self.fleet.control_url + path, data=body, method=method)
        with urllib.request.urlopen(request, timeout=10) as response:  # nosec - loopback control endpoint
            return json.loads(response.read().decode('utf-8'))

    def counters(self, name):
        return self.control('GET', '/devices/%s/counters' % name)

    def state(self, name):
        return self.control('GET', '/devices/%s' % name)

    def device(self, name):
        return self.fleet.devices[name]


class Ended(Exception):
    pass


class StandIn(object):
    """What execute reads of a module; exit_json and fail_json end the run like AnsibleModule's."""

    def __init__(self, check_mode=False, diff=False, **params):
        self.params = dict(host='127.0.0.1', port=None, protocol='http', username='admin', password='x',
                           validate_certs=True, ca_path=None, timeout=10, nonce_max_uses=None)
        self.params.update(params)
        self.check_mode = check_mode
        self._diff = diff
        self.warnings = []

    def warn(self, warning):
        self.warnings.append(warning)

    def exit_json(self, **result):
        raise Ended(result)

    def fail_json(self, **result):
        result['failed'] = True
        raise Ended(result)
