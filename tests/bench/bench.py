"""Fleet benchmark of the decommission playbook against hiksim on loopback.

    bash tests/bench/run.sh                      # 50, 200, 500 devices; writes docs/benchmarks.md
    bash tests/bench/run.sh --sizes 50 --baseline-sizes 50 --output /tmp/bench.md
    bash tests/bench/run.sh --sizes 50,500 --baseline-sizes '' --pairs 2   # flatness, bracketed three times

For each fleet size: a fresh simulated fleet, the decommission playbook (wall time, controller CPU time,
peak memory of the whole ansible-playbook process tree, HTTP requests per device from the simulator's
counters), then an immediate re-run (which must be changed=0 and send no write). For the baseline sizes,
a fresh fleet again and the same job written with ansible.builtin.uri (tests/bench/baseline_uri.yml).
"""

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PAGE = os.sysconf('SC_PAGE_SIZE')
CAMERA_PROFILES = ['ipc', 'DS-2CD2146G2-ISU', 'DS-2CD2386G2-IU', 'thermal', 'DS-2CD2T46G2-ISU']
RECORDER_PROFILES = ['nvr', 'nvr-v1', 'DS-7608NXI-I2']


def fleet_spec(size, port):
    """Sites of ten: an NVR recording eight cameras, plus one camera on its own with Hik-Connect on.
    Every third camera has two extra users, every fourth an ONVIF user."""
    devices = []
    extra = [dict(name='installer', password='Install-2024', level='operator'),
             dict(name='guest', password='Guest-2024x', level='viewer')]
    i = 0
    site = 0
    while len(devices) < size:
        names = []
        for slot in range(10):
            if len(devices) >= size:
                break
            address = '127.0.%d.%d' % (100 + i // 200, i % 200 + 1)
            i += 1
            if slot == 0:
                recorder = dict(name='nvr-%03d' % site, profile=RECORDER_PROFILES[site % len(RECORDER_PROFILES)],
                                address=address, site='site%03d' % site, cameras=[])
                devices.append(recorder)
                continue
            cam = dict(name='cam-%03d-%d' % (site, slot), profile=CAMERA_PROFILES[(site + slot) % len(CAMERA_PROFILES)],
                       address=address, site='site%03d' % site)
            if slot % 3 == 0:
                cam['users'] = extra
            if slot % 4 == 0:
                cam['onvif_users'] = [dict(name='vms', password='Onvif-2024x', type='mediaUser')]
            if slot == 9:
                cam['ezviz'] = dict(enabled=True, verification_code='Hik12345', bind_status='bind')
            else:
                names.append(cam['name'])
            devices.append(cam)
        recorder['cameras'] = names
        site += 1
    return dict(control=dict(address='127.0.0.1'), defaults=dict(port=port, password='Sim-Admin-123'),
                devices=devices)


def device_kind(device):
    """What a device of fleet_spec has to change, in words: the rows of the per-kind request table."""
    if 'cameras' in device:
        return 'NVR recording %d cameras' % len(device['cameras'])
    extras = [label for key, label in (('users', 'two extra users'), ('onvif_users', 'an ONVIF user'),
                                       ('ezviz', 'Hik-Connect on')) if key in device]
    return 'camera, ' + (' and '.join(extras) if extras else 'nothing extra')


MARKER = '<!-- Written by hand from here on: tests/bench/bench.py keeps this part when it rewrites the page. -->'
COUNTERS = ('requests', 'challenges', 'reads', 'writes', 'failed_logins')


def request_floor(counted):
    """The fewest requests the job needs on this device, from what its counters show it had to do: one login
    session (one Digest challenge); each document read once (the distinct GET paths); the writes; and, where
    the password was rotated, the two verification logins (a challenge each, the new password's account list
    read, the old password's refused login) and where an account list or Hik-Connect was written, its read-back."""
    by = counted.get('by_request') or {}
    gets = [key for key in by if key.startswith('GET ')]
    rotated = counted['failed_logins'] > 0 and counted['writes'] > 0
    reads = len(gets)
    if rotated:
        reads += 1  # the new password's login reads the account list again (the verification read)
    for path in ('/ISAPI/Security/ONVIF/users', '/ISAPI/System/Network/EZVIZ'):
        if any(key.split(' ', 1)[1].startswith(path) for key in by if not key.startswith('GET ')):
            reads += 1  # written: read back
    challenges = 1 + (2 if rotated else 0)
    return challenges + reads + counted['writes'] + (1 if rotated else 0)


def requests_by_kind(spec, counters):
    """{kind: {devices, counter: (min, max)}} from the simulator's per-device counters."""
    kinds = {}
    for device in spec['devices']:
        entry = kinds.setdefault(device_kind(device), dict(devices=0, values=dict((c, []) for c in COUNTERS + ('floor',))))
        entry['devices'] += 1
        for name in COUNTERS:
            entry['values'][name].append(counters[device['name']][name])
        entry['values']['floor'].append(request_floor(counters[device['name']]))
    return dict((kind, dict(devices=e['devices'], **dict((c, (min(v), max(v))) for c, v in e['values'].items())))
                for kind, e in kinds.items())


class Simulator(object):
    def __init__(self, spec, workdir):
        self.workdir = workdir
        self.spec = spec
        fleet = os.path.join(workdir, 'fleet.json')
        with open(fleet, 'w') as handle:
            json.dump(spec, handle)
        self.inventory = os.path.join(workdir, 'inventory.yml')
        ready = os.path.join(workdir, 'ready.json')
        env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, 'tests', 'simulator'))
        self.proc = subprocess.Popen([sys.executable, '-m', 'hiksim', '--fleet', fleet, '--inventory', self.inventory,
                                      '--ready-file', ready], env=env, stdout=subprocess.DEVNULL,
                                     stderr=open(os.path.join(workdir, 'hiksim.log'), 'w'))
        for dummy in range(600):
            if os.path.exists(ready):
                break
            if self.proc.poll() is not None:
                raise SystemExit('hiksim did not start: see %s/hiksim.log' % workdir)
            time.sleep(0.1)
        with open(ready) as handle:
            self.control = json.load(handle)['control']

    def get(self, path):
        with urllib.request.urlopen(self.control + path) as answer:
            return json.load(answer)

    def reset(self):
        urllib.request.urlopen(urllib.request.Request(self.control + '/counters/reset', data=b'', method='POST'))

    def cpu_seconds(self):
        with open('/proc/%d/stat' % self.proc.pid) as handle:
            fields = handle.read().rsplit(')', 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / float(os.sysconf('SC_CLK_TCK'))

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


def tree_memory(sid, pss=False):
    """(RSS, PSS) summed over every process in session ``sid``, in bytes; PSS only when asked (else 0).

    The RSS sum counts a page shared by the forks (copy on write from the strategy process) once per process
    that maps it; the PSS sum (/proc/<pid>/smaps_rollup) counts each page once, split between the processes
    that share it: what the run takes from the machine, and what a container's memory limit sees. Reading
    smaps_rollup walks the page tables, so it is sampled less often (run_playbook)."""
    rss = proportional = 0
    for pid in os.listdir('/proc'):
        if not pid.isdigit():
            continue
        try:
            with open('/proc/%s/stat' % pid) as handle:
                fields = handle.read().rsplit(')', 1)[1].split()
            if int(fields[3]) != sid:
                continue
            with open('/proc/%s/statm' % pid) as handle:
                rss += int(handle.read().split()[1]) * PAGE
            if pss:
                with open('/proc/%s/smaps_rollup' % pid) as handle:
                    for line in handle:
                        if line.startswith('Pss:'):
                            proportional += int(line.split()[1]) * 1024
                            break
        except (IOError, OSError, ValueError, IndexError):
            continue
    return rss, proportional


def run_playbook(args, env, log):
    """Run ansible-playbook in its own session; returns wall s, CPU s (process tree), peak RSS sum bytes, rc,
    peak PSS sum bytes. RSS is sampled every 0.25 s, PSS every 2 s (tree_memory)."""
    peak = [0, 0]
    started = time.monotonic()
    with open(log, 'w') as out:
        proc = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        done = threading.Event()

        def sample():
            count = 0
            while not done.is_set():
                rss, pss = tree_memory(proc.pid, pss=count % 8 == 0)
                peak[0], peak[1] = max(peak[0], rss), max(peak[1], pss)
                count += 1
                done.wait(0.25)
        thread = threading.Thread(target=sample, daemon=True)
        thread.start()
        dummy, status, usage = os.wait4(proc.pid, 0)
        done.set()
        thread.join()
    wall = time.monotonic() - started
    return wall, usage.ru_utime + usage.ru_stime, peak[0], os.waitstatus_to_exitcode(status), peak[1]


def recap(log):
    hosts = {}
    with open(log) as handle:
        for line in handle:
            match = re.match(r'^(\S+)\s+: ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)', line)
            if match:
                hosts[match.group(1)] = dict(changed=int(match.group(3)), failed=int(match.group(5)))
    return hosts


AGAIN = ', again'
PAIRED = ', pair '


def measure(sim, size, args, env, log, label):
    sim.reset()
    sim_cpu = sim.cpu_seconds()
    env = dict(env, TASK_TIMING_FILE=log + '.timing.json')
    wall, cpu, peak, rc, peak_pss = run_playbook(args, env, log)
    with open(log + '.timing.json') as handle:
        timing = json.load(handle)
    results, timing = timing['results'], timing['tasks']
    counters = sim.get('/counters')
    hosts = recap(log)
    result = dict(label=label, size=size, wall=wall, cpu=cpu, peak_mb=peak / 1048576.0, pss_mb=peak_pss / 1048576.0, rc=rc,
                  sim_cpu=sim.cpu_seconds() - sim_cpu,
                  requests=sum(c['requests'] for c in counters.values()) / float(size),
                  writes=sum(c['writes'] for c in counters.values()),
                  failed_logins=sum(c['failed_logins'] for c in counters.values()),
                  changed_hosts=sum(1 for h in hosts.values() if h['changed']),
                  failed_hosts=sum(1 for h in hosts.values() if h['failed']),
                  results_per_device=results / float(size), ms_per_result=1000 * wall / max(results, 1),
                  by_kind=requests_by_kind(sim.spec, counters),
                  slowest=sorted(((v['seconds'], k) for k, v in timing.items()), reverse=True)[:8])
    values = (label, size, wall, cpu, result['peak_mb'], result['pss_mb'], result['requests'], result['writes'], rc,
              result['changed_hosts'])
    print('%-9s %4d devices: %7.1f s wall, %7.1f s CPU, %6.0f MB peak (RSS sum), %6.0f MB peak (PSS), '
          '%5.1f requests/device, %d writes, rc %d, %d hosts changed' % values, flush=True)
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--sizes', default='50,200,500')
    parser.add_argument('--baseline-sizes', default='50,200')
    parser.add_argument('--forks', type=int, default=50)
    parser.add_argument('--strategy', default='linear')
    parser.add_argument('--port', type=int, default=18200)
    parser.add_argument('--output', default=os.path.join(ROOT, 'docs', 'benchmarks.md'))
    parser.add_argument('--keep', action='store_true', help='keep the work directory')
    parser.add_argument('--no-control', dest='control', action='store_false',
                        help='skip the control playbook (ten set_fact tasks, no HTTP) at each size')
    parser.add_argument('--no-bracket', dest='bracket', action='store_false',
                        help='do not measure the smallest fleet again after the larger ones (the per-device '
                             'comparison then rests on one run of the smallest fleet)')
    parser.add_argument('--pairs', type=int, default=0,
                        help='after the other runs, run the largest and then the smallest fleet again this many '
                             'times (first runs only), so that every first run of the largest fleet lies between '
                             'two of the smallest: one per-device comparison per bracket, not per machine mood')
    opts = parser.parse_args()
    sizes = [int(s) for s in opts.sizes.split(',') if s]
    if opts.pairs and (not opts.bracket or len(set(sizes)) < 2):
        parser.error('--pairs brackets the largest fleet between runs of the smallest: it needs two sizes or more '
                     'and cannot go with --no-bracket')
    baseline_sizes = [int(s) for s in opts.baseline_sizes.split(',') if s]
    work = tempfile.mkdtemp(prefix='camops-bench-')
    env = dict(os.environ, ANSIBLE_FORKS=str(opts.forks), ANSIBLE_STRATEGY=opts.strategy, ANSIBLE_FORCE_COLOR='0',
               ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, 'build', 'collections'), ANSIBLE_HOST_KEY_CHECKING='0',
               ANSIBLE_PIPELINING='1', ANSIBLE_DEPRECATION_WARNINGS='0',
               ANSIBLE_CALLBACK_PLUGINS=os.path.join(HERE, 'callback_plugins'), ANSIBLE_CALLBACKS_ENABLED='task_timing')
    results = []
    # The machine's speed drifts by 10-20% within the hour: the smallest fleet is measured again after the
    # larger ones, and the per-device comparison uses the mean of its two runs (docs/benchmarks.md).
    runs = [(size, '') for size in sizes]
    if opts.bracket and len(sizes) > 1:
        runs.append((min(sizes), AGAIN))
        for pair in range(1, opts.pairs + 1):
            runs += [(max(sizes), PAIRED + str(pair)), (min(sizes), PAIRED + str(pair))]
    try:
        for size, suffix in runs:
            d = os.path.join(work, 'n%d%s' % (size, suffix.replace(', ', '-').replace(' ', '')))
            os.makedirs(d)
            sim = Simulator(fleet_spec(size, opts.port), d)
            try:
                pb = ['ansible-playbook', '-i', sim.inventory, 'camops.hikvision.decommission',
                      '-e', 'decommission_store_dir=%s/store' % d, '-e', 'decommission_report_dir=%s/reports' % d]
                results.append(measure(sim, size, pb, env, os.path.join(d, 'run1.log'), 'first' + suffix))
                if not suffix.startswith(PAIRED):
                    results.append(measure(sim, size, pb, env, os.path.join(d, 'run2.log'), 're-run' + suffix))
                if opts.control and not suffix:
                    # Nothing of this collection: what Ansible itself costs per task result at this size.
                    results.append(measure(sim, size, ['ansible-playbook', '-i', sim.inventory,
                                                       os.path.join(HERE, 'control.yml')],
                                           env, os.path.join(d, 'control.log'), 'control'))
            finally:
                sim.stop()
            if size in baseline_sizes and not suffix:
                d = os.path.join(work, 'b%d' % size)
                os.makedirs(os.path.join(d, 'backups'))
                sim = Simulator(fleet_spec(size, opts.port), d)
                try:
                    pb = ['ansible-playbook', '-i', sim.inventory, os.path.join(HERE, 'baseline_uri.yml'),
                          '-e', 'bench_backup_dir=%s/backups' % d]
                    results.append(measure(sim, size, pb, env, os.path.join(d, 'baseline.log'), 'uri'))
                finally:
                    sim.stop()
    finally:
        if opts.keep:
            print('work directory kept:', work)
        else:
            shutil.rmtree(work, ignore_errors=True)
    write_report(opts, results)


def bracketed_growth(results, small, large):
    """Per-device cost of each first run of the large fleet against the mean of the small fleet's first runs
    just before and just after it, in percent (the machine's drift cancels out as far as it is linear)."""
    firsts = [r for r in results if r['label'].startswith('first') and r['size'] in (small, large)]
    growth = []
    for index, run in enumerate(firsts):
        if run['size'] != large or small == large:
            continue
        before = [r for r in firsts[:index] if r['size'] == small]
        after = [r for r in firsts[index + 1:] if r['size'] == small]
        if before and after:
            mean = (before[-1]['wall'] / small + after[0]['wall'] / small) / 2.0
            growth.append(100 * (run['wall'] / large / mean - 1))
    return growth


def write_report(opts, results):
    ansible = subprocess.run(['ansible', '--version'], capture_output=True, text=True, check=True).stdout.splitlines()[0]
    by = dict(((r['label'], r['size']), r) for r in results)
    lines = [
        '# Benchmarks',
        '',
        'Measured by `bash tests/bench/run.sh` (tests/bench/bench.py) on %s, %s, %d CPUs, Python %s, %s; '
        'forks %d, strategy %s, pipelining on. The simulator (hiksim) runs on the same machine and competes '
        'for its two cores; its CPU time is listed separately. Re-generate this page with the same command.'
        % (datetime.date.today().isoformat(), platform.platform(), os.cpu_count(), platform.python_version(),
           ansible, opts.forks, opts.strategy),
        '',
        'Fleets are sites of ten devices: an NVR recording eight cameras and one camera with Hik-Connect on; '
        'every third camera has two extra users, every fourth an ONVIF user. "first" is the decommission '
        'playbook on a fresh fleet, "re-run" the same playbook right after (it must change nothing), "uri" the '
        'same job written with `ansible.builtin.uri` (tests/bench/baseline_uri.yml) on a fresh copy of the fleet.',
        '',
        '"control" is tests/bench/control.yml on the same inventory: ten `set_fact` tasks and no HTTP, nothing '
        'of this collection; it shows what Ansible itself costs per task result at each fleet size. "first, again" '
        'and "re-run, again" are the smallest fleet once more, on a fresh copy, after the larger ones: this '
        'machine\'s speed drifts by 10-20% within the hour, so the per-device comparison uses the mean of the '
        'smallest fleet\'s two first runs. "first, pair N" (`--pairs`) are first runs of the largest and then the '
        'smallest fleet once more, each on a fresh copy, so that every first run of the largest fleet lies between two '
        'of the smallest. Peak memory is the whole ansible-playbook process tree\'s: the RSS sum counts a page the '
        'forks share with the strategy process once per fork; the PSS sum counts it once (what the run takes from '
        'the machine, and what a container\'s memory limit sees), sampled every 2 s.',
        '',
        '| run | devices | wall s | per device s | task results/device | ms per task result | controller CPU s '
        '| peak memory MB (RSS sum) | peak memory MB (PSS) | requests/device | writes | failed logins | hosts changed '
        '| simulator CPU s | rc |',
        '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ]
    for r in results:
        lines.append('| %s | %d | %.1f | %.3f | %.1f | %.1f | %.1f | %.0f | %.0f | %.1f | %d | %d | %d | %.1f | %d |' % (
            r['label'], r['size'], r['wall'], r['wall'] / r['size'], r['results_per_device'],
            r['ms_per_result'], r['cpu'], r['peak_mb'], r.get('pss_mb', 0), r['requests'],
            r['writes'], r['failed_logins'], r['changed_hosts'], r['sim_cpu'], r['rc']))
    lines += ['', '## Against the targets', '']
    sizes = sorted(set(r['size'] for r in results))
    for size in sizes:
        for suffix in ('', AGAIN):
            first, again = by.get(('first' + suffix, size)), by.get(('re-run' + suffix, size))
            uri = by.get(('uri', size)) if not suffix else None
            if first and uri:
                lines.append('- %d devices: decommission %.1f s vs uri baseline %.1f s: %.1f times faster (target: at '
                             'least 10 times).' % (size, first['wall'], uri['wall'], uri['wall'] / first['wall']))
            if first and again:
                values = (size, suffix, again['wall'], again['wall'] / size, again['writes'], again['changed_hosts'])
                lines.append('- %d devices%s: re-run %.1f s, %.3f s per device (target at 500 devices: at most '
                             '0.15 s per device); %d writes, %d hosts changed.' % values)
    firsts = [by[('first', s)] for s in sizes if ('first', s) in by]
    if firsts:
        per = ['%d: %.3f s' % (r['size'], r['wall'] / r['size']) for r in firsts]
        lines.append('- Per-device time by fleet size: %s (target: flat within 20%% from 50 to 1,000).' % ', '.join(per))
        lines.append('- Peak memory of the first runs, RSS sum / PSS: %s (target: at most 500 MB).' % ', '.join(
            '%d: %.0f / %.0f MB' % (r['size'], r['peak_mb'], r.get('pss_mb', 0)) for r in firsts))
        small, large = firsts[0], firsts[-1]
        # The first bracket is the smallest fleet's first run, the largest's, and the smallest's again.
        growth = bracketed_growth(results, small['size'], large['size'])
        repeat = by.get(('first' + AGAIN, small['size']))
        if repeat and growth:
            lines.append('- The smallest fleet again after the larger ones: %.3f s per device (before them %.3f s); '
                         'against their mean, %.3f s, %d devices cost %+.0f%% per device.' % (
                             repeat['wall'] / repeat['size'], small['wall'] / small['size'],
                             (small['wall'] + repeat['wall']) / 2.0 / small['size'], large['size'], growth[0]))
        if len(growth) > 1:
            lines.append('- Every first run of the %d-device fleet against the mean of the smallest fleet\'s first '
                         'runs just before and just after it, in the order they ran: %s per device (median %+.0f%%).'
                         % (firsts[-1]['size'], ', '.join('%+.0f%%' % g for g in growth),
                            statistics.median(growth)))
        controls = [by[('control', s)] for s in sizes if ('control', s) in by]
        if controls:
            lines.append('- The control playbook (Ansible alone, no HTTP) per task result: %s.' % ', '.join(
                '%d: %.1f ms' % (r['size'], r['ms_per_result']) for r in controls))
        big = by.get(('first', 1000))
        if big:
            lines.append('- 1,000 devices in %.1f s (target: at most 300 s).' % big['wall'])
    smallest = min(sizes)
    lines += ['', '## Requests per device, by what the device has to change', '',
              'From the simulator\'s per-device counters at %d devices ("a-b": the range over the devices of that '
              'kind; profiles differ). "challenges" are Digest 401 challenges (one per login session); "failed '
              'logins" counts refused passwords. "floor" is the fewest requests the job needs on that device '
              '(bench.py request_floor: one login session, each document read once, the writes, the rotation\'s '
              'two verification logins and the read-back of what was written).' % smallest, '',
              '| device | devices | run | requests | floor | challenges | reads | writes | failed logins |',
              '|---|---|---|---|---|---|---|---|---|']
    for kind in sorted(by[('first', smallest)]['by_kind']) if ('first', smallest) in by else []:
        for label in ('first', 're-run', 'uri'):
            row = by.get((label, smallest), {}).get('by_kind', {}).get(kind)
            if row:
                lines.append('| %s | %d | %s | %s |' % (kind, row['devices'], label, ' | '.join(
                    ('%d' % row[c][0]) if row[c][0] == row[c][1] else ('%d-%d' % row[c])
                    for c in ('requests', 'floor') + COUNTERS[1:] if c in row)))
    lines += ['', '## Where the time goes', '',
              'The slowest tasks of each run (wall seconds from the task start to its last result, summed over '
              'the task\'s runs), from tests/bench/callback_plugins/task_timing.py:', '']
    for r in results:
        lines.append('- %s, %d devices: %s' % (r['label'], r['size'], '; '.join(
            '%s %.1f s' % (name, seconds) for seconds, name in r['slowest'])))
    # The hand-written part of the page (analysis, history) follows MARKER and is kept as it is.
    tail = [MARKER]
    if os.path.exists(opts.output):
        with open(opts.output) as handle:
            text = handle.read()
        if MARKER in text:
            tail = [MARKER + text.split(MARKER, 1)[1].rstrip('\n')]
    lines += [''] + tail
    os.makedirs(os.path.dirname(opts.output), exist_ok=True)
    with open(opts.output, 'w') as handle:
        handle.write('\n'.join(lines) + '\n')
    print('wrote', opts.output)


if __name__ == '__main__':
    main()
