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
