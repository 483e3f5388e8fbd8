"""Command line: ``python -m hiksim`` (with tests/simulator on PYTHONPATH).

    python -m hiksim --fleet demo-site --inventory inv.yml --ready-file ready.json
    python -m hiksim --fleet my-fleet.yml --control-port 18480
    python -m hiksim --profile DS-7608NXI-I2 --address 127.0.0.1 --port 8080
    python -m hiksim --list-profiles
"""

import argparse
import json
import os
import signal
import sys

from .server import Fleet, builtin_fleet, load_profiles


def _load_fleet_file(path):
    with open(path, encoding='utf-8') as handle:
        text = handle.read()
    if path.endswith(('.yml', '.yaml')):
        import yaml  # PyYAML comes with ansible-core; only needed for YAML fleet files
        return yaml.safe_load(text)
    return json.loads(text)


def _write(path, text):
    tmp = path + '.tmp'
    with open(tmp, 'w', encoding='utf-8') as handle:
        handle.write(text)
    os.replace(tmp, path)


def main(argv=None):
    parser = argparse.ArgumentParser(prog='hiksim', description='Hikvision ISAPI device and fleet simulator')
    parser.add_argument('--fleet', help='fleet file (YAML or JSON) or a built-in fleet name (demo-site)')
    parser.add_argument('--profile', help='serve one device with this profile')
    parser.add_argument('--name', default='device', help='name of the single device (with --profile)')
    parser.add_argument('--address', default='127.0.0.1', help='address of the single device (loopback only)')
    parser.add_argument('--port', type=int, default=8080, help='port of the devices')
    parser.add_argument('--password', help='admin password of the single device')
    parser.add_argument('--control-address', default='127.0.0.1')
    parser.add_argument('--control-port', type=int, default=0, help='control endpoint port (0: any free port)')
    parser.add_argument('--inventory', help='write an Ansible YAML inventory of the fleet here')
    parser.add_argument('--ready-file', help='write {"control": URL, "pid": N} here once listening')
    parser.add_argument('--list-profiles', action='store_true')
    parser.add_argument('--verbose', action='store_true', help='log every request to stderr')
    args = parser.parse_args(argv)

    profiles = load_profiles()
    if args.list_profiles:
        for name in sorted(profiles):
            print(name)
        return 0
    if args.fleet and os.path.exists(args.fleet):
        spec = _load_fleet_file(args.fleet)
    elif args.fleet:
        spec = builtin_fleet(args.fleet, port=args.port)
    elif args.profile:
        device = dict(name=args.name, profile=args.profile, address=args.address, port=args.port)
        if args.password:
            device['password'] = args.password
        spec = dict(devices=[device])
    else:
        parser.error('give --fleet or --profile')
    spec.setdefault('control', {})
    spec['control'].setdefault('address', args.control_address)
    if args.control_port:
        spec['control']['port'] = args.control_port
    fleet = Fleet(spec, profiles=profiles, verbose=args.verbose).start()
    if args.inventory:
        import yaml
        _write(args.inventory, '# Written by hiksim: a simulated fleet, not real devices.\n' +
               yaml.safe_dump(fleet.inventory(), default_flow_style=False, sort_keys=True))
    if args.ready_file:
        _write(args.ready_file, json.dumps(dict(control=fleet.control_url, pid=os.getpid(), devices=len(fleet.devices),
                                                cloud=fleet.cloud.url() if fleet.cloud else None)))
    print('hiksim: %d device(s), control endpoint %s' % (len(fleet.devices), fleet.control_url), flush=True)

    def _stop(*_args):
        fleet.stop()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    fleet.wait()
    return 0


if __name__ == '__main__':
    sys.exit(main())
