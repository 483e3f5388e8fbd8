"""Benchmark (not a test) of the recorders inventory (camops.hikvision.recorders): ``ansible-inventory --list`` over
N simulated recorders with C channels each, read cold (no cache), with the default workers and others.

    bash tests/bench/run_inventory.sh [--recorders 200] [--channels 16] [--workers 8,16,32] [--rounds 3]

Prints a Markdown table (wall seconds, hosts, requests per recorder, failed logins); the
results and their history are kept by hand in docs/benchmarks.md ("The recorders inventory"). Loopback only:
hiksim serves the recorders on 127.0.150.x-127.0.151.x; the channels name addresses nobody is asked for.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import urllib.request

import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
PASSWORD = 'Sim-Admin-123'


def fleet(recorders, channels, port):
    devices = []
    for i in range(recorders):
        devices.append(dict(
            name='nvr-%03d' % i, profile='DS-7732NI-M4', address='127.0.%d.%d' % (150 + i // 200, i % 200 + 1),
            port=port, password=PASSWORD,
            channels=[dict(ip_address='10.%d.%d.%d' % (i // 250, i % 250, c + 1), port=8000,
                           model='DS-2CD2386G2-IU', serial_number='DS-2CD2386G2-IU%04d%02d' % (i, c),
                           firmware_version='V5.7.15 build 240201', name='cam %d' % (c + 1)) for c in range(channels)]))
    return dict(control=dict(address='127.0.0.1'), devices=devices)


def control(url, path, method='GET'):
    request = urllib.request.Request(url + path, data=None if method == 'GET' else b'', method=method)
    return json.load(urllib.request.urlopen(request))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--recorders', type=int, default=200)
    parser.add_argument('--channels', type=int, default=16)
    parser.add_argument('--workers', default='8,16,32')
    parser.add_argument('--rounds', type=int, default=3)
    parser.add_argument('--port', type=int, default=18300)
    opts = parser.parse_args()
    work = tempfile.mkdtemp(prefix='camops-inv-bench-')
    spec = os.path.join(work, 'fleet.yml')
    with open(spec, 'w') as handle:
        yaml.safe_dump(fleet(opts.recorders, opts.channels, opts.port), handle)
    ready = os.path.join(work, 'ready.json')
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, 'tests', 'simulator'))
    sim = subprocess.Popen([sys.executable, '-m', 'hiksim', '--fleet', spec, '--ready-file', ready], env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for dummy in range(300):
            if os.path.exists(ready) and os.path.getsize(ready):
                break
            time.sleep(0.1)
        url = json.load(open(ready))['control']
        rows = []
        expected = opts.recorders * (1 + opts.channels)
        for rnd in range(opts.rounds):
            for workers in [int(w) for w in opts.workers.split(',') if w]:
                source = os.path.join(work, 'w%d.hikvision.yml' % workers)
                with open(source, 'w') as handle:
                    yaml.safe_dump(dict(plugin='camops.hikvision.recorders', port=opts.port, workers=workers,
                                        refused_password_dir='',
                                        recorders=[dict(host=d['address'], name=d['name'], site='s%d' % (i // 10))
                                                   for i, d in enumerate(fleet(opts.recorders, 0, 0)['devices'])]),
                                   handle)
                control(url, '/counters/reset', 'POST')
                started = time.time()
                out = subprocess.run(['ansible-inventory', '-i', source, '--list'], capture_output=True, text=True,
                                     env=dict(os.environ, HIKVISION_PASSWORD=PASSWORD), check=True)
                wall = time.time() - started
                hosts = len(json.loads(out.stdout)['_meta']['hostvars'])
                counters = control(url, '/counters')
                requests = sum(c['requests'] for c in counters.values())
                failed = sum(c['failed_logins'] for c in counters.values())
                rows.append((rnd + 1, workers, wall, hosts, requests / float(opts.recorders), failed))
                assert hosts == expected, (hosts, expected)
        print('| round | workers | recorders | channels each | wall s | hosts | requests/recorder | failed logins |')
        print('|---|---|---|---|---|---|---|---|')
        for rnd, workers, wall, hosts, per, failed in rows:
            print('| %d | %d | %d | %d | %.1f | %d | %.1f | %d |'
                  % (rnd, workers, opts.recorders, opts.channels, wall, hosts, per, failed))
        child = resource.getrusage(resource.RUSAGE_CHILDREN)
        print('\nansible-inventory runs, CPU over all of them (user+system): %.1f s' % (child.ru_utime + child.ru_stime))
    finally:
        sim.terminate()
        sim.wait()
        subprocess.run(['rm', '-rf', work], check=False)


if __name__ == '__main__':
    main()
