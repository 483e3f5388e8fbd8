# -*- coding: utf-8 -*-
# Copyright (c) camops.hikvision contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The recorders inventory's logic (camops.hikvision.recorders), without Ansible: the source's recorder entries
checked before any request, one recorder read in one login session (its identity and its channel list), many
read in parallel, and the hosts and groups built from what they said (pure, unit-tested).

What a read holds is plain data with no secret (it is what the inventory cache keeps): the recorder's entry
without its credentials, ``ok``, ``error`` (one sentence), ``locked``, ``device`` and ``channels``.
"""

import concurrent.futures
import os

from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.camops.hikvision.plugins.module_utils import device_info
from ansible_collections.camops.hikvision.plugins.module_utils import system as system_mod
from ansible_collections.camops.hikvision.plugins.module_utils.isapi.api import ISAPIClient, ISAPIError, LockedOutError
from ansible_collections.camops.hikvision.plugins.module_utils.refused import RefusedPasswords
from ansible_collections.camops.hikvision.plugins.module_utils.runner import connection_problem

# What a recorder entry (and the source, as defaults for every entry) may say.
CONNECTION_KEYS = ('port', 'protocol', 'username', 'password', 'validate_certs', 'ca_path', 'timeout',
                   'nonce_max_uses')
ENTRY_KEYS = ('host', 'name', 'site', 'camera_port', 'camera_protocol') + CONNECTION_KEYS
SECRET_KEYS = ('password',)
CAMERA_NAMES = ('channel', 'address')
RECORDER_TYPES = ('nvr', 'dvr')
POE_CONN_MODE = 'plugplay'


class SourceError(Exception):
    """A source that cannot be used as written; the message is one sentence."""


def recorder_entries(recorders, defaults, base_dir=None):
    """The source's ``recorders`` list, each entry completed with the source's ``defaults`` (a dict of
    ENTRY_KEYS but host and name) and checked before any request. A relative ``ca_path`` is relative to
    ``base_dir`` (the source file's directory). Raises SourceError."""
    if not isinstance(recorders, list) or not recorders:
        raise SourceError('recorders must be a non-empty list of recorders, each with at least its host.')
    entries = []
    names = {}
    logins = {}
    for index, raw in enumerate(recorders, 1):
        if isinstance(raw, str):
            raw = dict(host=raw)
        if not isinstance(raw, dict):
            raise SourceError('recorder %d of recorders is not a mapping (host, name, port, ...).' % index)
        unknown = sorted(set(raw) - set(ENTRY_KEYS))
        if unknown:
            raise SourceError('recorder %d (%s) has unknown key(s) %s; known: %s.'
                              % (index, raw.get('host'), ', '.join(unknown), ', '.join(ENTRY_KEYS)))
        entry = dict((key, value) for key, value in defaults.items() if value is not None)
        entry.update((key, value) for key, value in raw.items() if value is not None)
        entry.setdefault('protocol', 'http')
        entry.setdefault('username', 'admin')
        entry.setdefault('validate_certs', True)
        entry.setdefault('timeout', 10)
        entry['host'] = str(entry.get('host') or '').strip()
        entry['name'] = str(entry.get('name') or entry['host'])
        for key in ('site', 'username'):
            if entry.get(key) is not None:
                entry[key] = str(entry[key])
        try:
            entry['validate_certs'] = boolean(entry['validate_certs'], strict=True)
        except TypeError:
            raise SourceError('recorder %d (%s): validate_certs must be true or false, got %r.'
                              % (index, entry['name'], entry['validate_certs']))
        for key in ('port', 'timeout', 'nonce_max_uses', 'camera_port'):
            if entry.get(key) is not None:
                try:
                    entry[key] = int(entry[key])
                except (TypeError, ValueError):
                    raise SourceError('recorder %d (%s): %s must be a whole number, got %r.'
                                      % (index, entry['name'], key, entry[key]))
        for key in ('protocol', 'camera_protocol'):
            if entry.get(key) is not None and entry[key] not in ('http', 'https'):
                raise SourceError('recorder %d (%s): %s must be http or https, got %r.'
                                  % (index, entry['name'], key, entry[key]))
        if entry.get('camera_port') is not None and not 0 < entry['camera_port'] < 65536:
            raise SourceError('recorder %d (%s): camera_port must be between 1 and 65535, got %s.'
                              % (index, entry['name'], entry['camera_port']))
        if entry.get('ca_path'):
            entry['ca_path'] = os.path.abspath(os.path.join(base_dir or '', os.path.expanduser(str(entry['ca_path']))))
        params = dict((key, entry.get(key)) for key in CONNECTION_KEYS + ('host',))
        problem = connection_problem(params)
        if problem:
            raise SourceError('recorder %d (%s): %s' % (index, entry['name'], problem))
        if entry['name'] in names:
            raise SourceError('recorders %d and %d are both named %r; give each its own name.'
                              % (names[entry['name']], index, entry['name']))
        names[entry['name']] = index
        # One recorder listed twice would be sent a wrong password twice in one read.
        login = (entry['host'].lower(), entry.get('port') or (443 if entry['protocol'] == 'https' else 80),
                 entry['username'])
        if login in logins:
            raise SourceError('recorders %d and %d are the same recorder (%s, port %s, user %s); list it once.'
                              % (logins[login], index, login[0], login[1], login[2]))
        logins[login] = index
        entries.append(entry)
    return entries


def public(entry):
    """The entry without its secrets (what a read and the cache keep)."""
    return dict((key, value) for key, value in entry.items() if key not in SECRET_KEYS)


def read_recorder(entry, refused_dir=None):
    """Read one recorder in one login session: its identity and its IP channels with their online state. A
    password the recorder refused before (``refused_dir``) is not sent again, nor anything while a lockout it
    reported lasts; a refused password and a lockout are remembered there. Never raises: the read's ``ok`` is
    false and ``error`` says why in one sentence."""
    read = dict(recorder=public(entry), ok=False, error='', locked=False, device={}, channels=[], notes=[])
    label = entry['host'] if entry.get('port') in (None, 80, 443) else '%s:%s' % (entry['host'], entry['port'])
    password = entry.get('password')
    if not password:
        read['error'] = ('%s: no password to read it with (give password in the source, on the recorder, or '
                         'HIKVISION_PASSWORD); nothing was sent.' % label)
        return read
    refusals = None
    try:
        if refused_dir:
            refusals = RefusedPasswords(refused_dir, entry['host'], entry.get('port'), entry['username'])
            when = refusals.when_refused(password)
            until = refusals.locked_until()
        else:
            when = until = None
    except (IOError, OSError) as exc:
        read['error'] = ('%s: the memory of refused passwords in %s cannot be used (%s); nothing was sent.'
                         % (label, refused_dir, exc.strerror or exc))
        return read
    if when:
        read['error'] = ('%s: the recorder refused this password for %r at %s (remembered as a salted hash in %s); it '
                         'is not sent again until the password given changes, so nothing was sent.'
                         % (label, entry['username'], when, refused_dir))
        return read
    if until:
        read.update(locked=True, error='%s: the recorder locked this controller out until %s (remembered in %s); '
                                       'nothing was sent.' % (label, until, refused_dir))
        return read
    client = ISAPIClient(host=entry['host'], port=entry.get('port'), protocol=entry['protocol'],
                         username=entry['username'], password=password, validate_certs=entry['validate_certs'],
                         ca_path=entry.get('ca_path'), timeout=entry['timeout'],
                         nonce_max_uses=entry.get('nonce_max_uses'))
    try:
        # Its identity, then (a recorder) its IP channels and their state: three requests after the challenge. A
        # channel list that cannot be read makes the recorder unread: its cameras are never guessed.
        device = system_mod.parse_device_info(client.get(system_mod.DEVICE_INFO_PATH))
        notes = []
        channels = device_info.ip_channels(client, notes, strict=True) if device['device_type'] in RECORDER_TYPES \
            else []
        read.update(ok=True, device=device, notes=notes, channels=channels)
    except LockedOutError as exc:
        read.update(error=str(exc), locked=True)
        _remember(refusals, read, 'remember_lock', exc.unlock_time)
    except ISAPIError as exc:
        read['error'] = str(exc)
    except Exception as exc:  # pylint: disable=broad-except
        # One recorder must not end the others' reads.
        read['error'] = '%s: the read failed unexpectedly (%s: %s).' % (label, type(exc).__name__, exc)
    finally:
        client.close()
    if client.refused_login:
        _remember(refusals, read, 'remember', password)
    return read


def _remember(refusals, read, what, value):
    if refusals is None:
        return
    try:
        getattr(refusals, what)(value)
    except (IOError, OSError) as exc:
        read['error'] += ' It could not be remembered in %s (%s).' % (refusals.directory, exc.strerror or exc)


def read_recorders(entries, refused_dir=None, workers=8, read=read_recorder):
    """Every entry read, at most ``workers`` at a time; the reads in the entries' order."""
    if not entries:
        return []
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, min(workers, len(entries)))) as pool:
        return list(pool.map(lambda entry: read(entry, refused_dir), entries))


def _put(vars_, key, value):
    if value is not None and value != '':
        vars_[key] = value


def build(reads, camera_names='channel'):
    """The inventory from the reads: ``{'hosts': {name: vars}, 'groups': {group: [host, ...]}, 'warnings': [...]}``.

    Group names are plain words (the plugin makes them safe): recorders, cameras, not_recorders, poe_cameras,
    offline_cameras, unread_recorders, and the keyed ones as (key, value) pairs: ('site', s), ('recorder', r),
    ('type', t), ('model', m), ('firmware', f)."""
    if camera_names not in CAMERA_NAMES:
        raise SourceError('camera_names must be one of %s, got %r.' % (', '.join(CAMERA_NAMES), camera_names))
    hosts = {}
    groups = {}
    warnings = []
    cameras_at = {}  # (address, port) -> the camera hosts at that address so far

    def join(group, host):
        members = groups.setdefault(group, [])
        if host not in members:
            members.append(host)

    for read in reads:
        entry = read['recorder']
        name = entry['name']
        device = read.get('device') or {}
        vars_ = dict(ansible_host=entry['host'])
        for key, var in (('port', 'hik_port'), ('protocol', 'hik_protocol'), ('ca_path', 'hik_ca_path'),
                         ('nonce_max_uses', 'hik_nonce_max_uses'), ('site', 'hik_site')):
            _put(vars_, var, entry.get(key))
        if entry.get('validate_certs') is False:
            vars_['hik_validate_certs'] = False
        kind = device.get('device_type')
        for key, var in (('device_type', 'hik_device_type'), ('model', 'hik_model'), ('serial_number', 'hik_serial'),
                         ('firmware_version', 'hik_firmware_version'), ('name', 'hik_device_name')):
            _put(vars_, var, device.get(key))
        hosts[name] = vars_
        if not read.get('ok'):
            vars_['hik_inventory_error'] = read.get('error') or 'not read'
            join('recorders', name)
            join('unread_recorders', name)
            warnings.append('%s: its cameras are left out of the inventory: %s' % (name, vars_['hik_inventory_error']))
        else:
            # A device listed as a recorder that is not one (a mistyped address) is kept out of "cameras", so that a
            # run on the cameras behind a recorder never takes it.
            join('recorders' if kind in RECORDER_TYPES else 'not_recorders', name)
            if kind not in RECORDER_TYPES:
                warnings.append('%s is not a recorder (device type %s): a host in not_recorders, without cameras.'
                                % (name, kind or 'unknown'))
        if entry.get('site'):
            join(('site', entry['site']), name)
        join(('recorder', name), name)
        for key, group in (('device_type', 'type'), ('model', 'model'), ('firmware_version', 'firmware')):
            if device.get(key):
                join((group, device[key]), name)
        for channel in read.get('channels') or []:
            _camera(entry, channel, camera_names, hosts, cameras_at, join, warnings)
    return dict(hosts=hosts, groups=groups, warnings=warnings)


def _camera(entry, channel, camera_names, hosts, cameras_at, join, warnings):
    recorder = entry['name']
    address = channel.get('ip_address')
    if channel.get('id') is None or not address:
        warnings.append('%s: channel %s names no %s; left out.' % (recorder, channel.get('id'),
                                                                   'id' if address else 'camera address'))
        return
    where = (address.lower(), entry.get('camera_port'))
    serial = (channel.get('serial_number') or '').upper()
    for held in cameras_at.get(where, []):
        # The same camera on two recorders only when both say the same serial, and never a camera on a recorder's
        # own PoE network (each recorder's PoE cameras have the same addresses, 192.168.254.x).
        on_poe = hosts[held]['hik_poe'] or channel.get('conn_mode') == POE_CONN_MODE
        if serial and serial == (hosts[held].get('hik_serial') or '').upper() and not on_poe:
            first = hosts[held]['hik_recorder']
            hosts[held].setdefault('hik_also_recorded_by', []).append(dict(recorder=recorder, channel_id=channel['id']))
            warnings.append('%s channel %s records %s (serial %s), which %s already holds (hik_recorder %s): one host, '
                            'and a decommission removes it from %s only.'
                            % (recorder, channel['id'], address, serial, held, first, first))
            return
    if cameras_at.get(where) and channel.get('conn_mode') != POE_CONN_MODE:
        warnings.append('%s channel %s records %s, as %s does, but not as the same camera (no serial, or another): two '
                        'hosts; check which camera that address reaches.'
                        % (recorder, channel['id'], address, ', '.join(cameras_at[where])))
    name = '%s-ch%02d' % (recorder, channel['id']) if camera_names == 'channel' else address
    if name in hosts:
        fallback = '%s-ch%02d' % (recorder, channel['id'])
        if fallback in hosts:
            warnings.append('%s channel %s: the host names %s and %s are taken by other hosts; left out.'
                            % (recorder, channel['id'], name, fallback))
            return
        warnings.append('%s channel %s: the host name %s is taken; named %s.' % (recorder, channel['id'], name, fallback))
        name = fallback
    poe = channel.get('conn_mode') == POE_CONN_MODE
    vars_ = dict(ansible_host=address, hik_recorder=recorder,
                 hik_recorder_channel=dict(channel_id=channel['id'], ip_address=address),
                 hik_device_type='ipc', hik_poe=poe, hik_reachable=not poe)
    for key, var in (('camera_port', 'hik_port'), ('camera_protocol', 'hik_protocol'), ('site', 'hik_site')):
        _put(vars_, var, entry.get(key))
    for key, var in (('name', 'hik_channel_name'), ('model', 'hik_model'), ('serial_number', 'hik_serial'),
                     ('firmware_version', 'hik_firmware_version'), ('protocol', 'hik_channel_protocol'),
                     ('port', 'hik_channel_port'), ('online', 'hik_online')):
        _put(vars_, var, channel.get(key))
    hosts[name] = vars_
    cameras_at.setdefault(where, []).append(name)
    join('cameras', name)
    if poe:
        join('poe_cameras', name)
    if channel.get('online') is False:
        join('offline_cameras', name)
    if entry.get('site'):
        join(('site', entry['site']), name)
    join(('recorder', recorder), name)
    join(('type', 'ipc'), name)
    for key, group in (('model', 'model'), ('firmware_version', 'firmware')):
        if channel.get(key):
            join((group, channel[key]), name)
