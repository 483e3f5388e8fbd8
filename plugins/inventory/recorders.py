# -*- coding: utf-8 -*-
# Copyright (c) camops.hikvision contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
name: recorders
short_description: Hikvision recorders and every camera they record, as Ansible hosts
version_added: 0.1.0
description:
  - Reads each NVR and DVR listed in the source over ISAPI (its identity, its IP channel list and the channels'
    online state) and yields the recorders and, for each IP channel, a camera host, with the variables the
    collection's roles use (C(ansible_host), C(hik_recorder), C(hik_recorder_channel), C(hik_site), C(hik_serial)).
  - One login session per recorder, recorders read in parallel (O(workers) at a time). A password a recorder
    refused is remembered (a salted hash in O(refused_password_dir)) and not sent again until the password given
    changes; a recorder that has locked the controller out is left alone, with the time it said remains.
  - A recorder that cannot be read is a warning, and its cameras are left out (never guessed); with
    O(strict=true) it fails the inventory instead. The recorder itself stays a host, in the group
    C(unread_recorders), with the sentence in C(hik_inventory_error).
  - "Camera hosts: C(ansible_host) is the address the recorder uses for the camera; C(hik_recorder) the
    recorder's host name; C(hik_recorder_channel) the channel (C(channel_id) and C(ip_address), so that a
    decommission removes exactly that channel); C(hik_site); and what the recorder knows: C(hik_channel_name),
    C(hik_model), C(hik_serial), C(hik_firmware_version), C(hik_online), C(hik_channel_protocol),
    C(hik_channel_port) (the recorder's management port toward the camera, C(8000) for the Hikvision protocol,
    not the camera's web port)."
  - Every value that came from a device is marked unsafe (never templated), on every ansible-core.
  - Cameras on a recorder's own PoE ports (the recorder says C(connMode=plugplay)) sit on a network of the
    recorder's that the controller usually cannot reach. They get C(hik_poe=true) and C(hik_reachable=false) and
    are in the group C(poe_cameras); the decommission role removes their channel on the recorder and reports the
    device's own steps as not reachable, and the audit role reports them as not read. Where the controller does
    reach them, set C(hik_reachable) with O(compose).
  - "Groups: C(recorders), C(cameras), C(poe_cameras), C(offline_cameras), C(unread_recorders), C(not_recorders)
    (a listed device that is not a recorder), and
    C(site_<site>), C(recorder_<recorder>) (the recorder and the cameras it records), C(type_<nvr|dvr|ipc>),
    C(model_<model>), C(firmware_<firmware>), with characters that are not allowed in group names replaced by
    C(_)."
  - No password is a host variable; give the devices' logins to the roles as usual (C(hik_password) in group
    variables, E(HIKVISION_PASSWORD), or the credential store).
  - The source file's name must end in C(.hikvision.yml) or C(.hikvision.yaml).
author:
  - camops.hikvision maintainers (@camops)
extends_documentation_fragment:
  - constructed
  - inventory_cache
options:
  plugin:
    description: The name of this plugin; the source is this plugin's only when it says so.
    type: str
    required: true
    choices: [camops.hikvision.recorders]
  recorders:
    description:
      - The recorders to read. Each is a host address (a string) or a mapping with C(host) and, optionally,
        C(name) (its inventory host name; default the address), C(site), C(port), C(protocol), C(username),
        C(password) (vault it), C(validate_certs), C(ca_path) (relative to the source file's directory),
        C(timeout), C(nonce_max_uses), C(camera_port) and C(camera_protocol); a key not given takes the source's
        option of the same name.
      - An entry that can never work (an unknown key, an address that is not one, two recorders of one name, one
        recorder listed twice, two names that make the same group name) fails the inventory before any
        request.
    type: list
    elements: raw
    required: true
  site:
    description: The site of every recorder that names none (C(hik_site), and the group C(site_<site>)).
    type: str
  port:
    description: The recorders' web port; default C(80) for C(http) and C(443) for C(https).
    type: int
  protocol:
    description: HTTP or HTTPS toward the recorders.
    type: str
    choices: [http, https]
    default: http
  username:
    description: The account the recorders are read with.
    type: str
    default: admin
    env:
      - name: HIKVISION_USERNAME
  password:
    description:
      - The password of O(username) on the recorders (vault it in the source, or give it in the environment).
      - It is used to read the recorders only; it never becomes a host variable.
    type: str
    env:
      - name: HIKVISION_PASSWORD
  validate_certs:
    description: Verify the recorders' TLS certificates with C(https).
    type: bool
    default: true
    env:
      - name: HIKVISION_VALIDATE_CERTS
  ca_path:
    description: PEM file with the CA certificate(s), or a recorder's own certificate, to verify against.
    type: path
  timeout:
    description: Seconds to wait for each answer from a recorder.
    type: int
    default: 10
  nonce_max_uses:
    description: How many requests one Digest nonce may authenticate (as the modules' option of that name).
    type: int
  camera_port:
    description:
      - The cameras' web port (C(hik_port) of every camera host); the channel list does not hold it.
      - If not set, the cameras get no C(hik_port) (the modules' default, C(80) or C(443)).
    type: int
  camera_protocol:
    description: C(hik_protocol) of every camera host; if not set, none (the modules' default, C(http)).
    type: str
    choices: [http, https]
  camera_names:
    description:
      - How camera hosts are named. C(channel) is C(<recorder>-ch<NN>) (stable while the camera keeps its channel,
        and unique), C(address) is the address the recorder uses.
      - A camera that two recorders record (the same address and the same serial) is one host, named after the
        first, with C(hik_recorder) that first recorder and the others in C(hik_also_recorded_by); a warning says
        so. The same address with another serial, or none, is two hosts, with a warning; cameras on the recorders'
        PoE networks are never merged (each recorder's have the same addresses).
    type: str
    choices: [channel, address]
    default: channel
  workers:
    description: How many recorders are read at a time.
    type: int
    default: 8
  refused_password_dir:
    description:
      - Where the passwords the recorders refused are remembered, as salted SHA-256 hashes (a directory of mode
        0700, a file per recorder of mode 0600), so that no later run (every C(ansible-playbook) reads the
        inventory) spends another of a recorder's few login attempts on the same wrong password.
      - A lockout a recorder reported is remembered there too, with its end, and nothing is sent to that recorder
        until then.
      - An empty value remembers nothing. The roles' modules use C(<store directory>/refused); give that
        directory here to share one memory.
    type: str
    default: ~/.ansible/camops_hikvision/refused
    env:
      - name: HIKVISION_REFUSED_PASSWORD_DIR
  strict:
    description:
      - Besides its meaning for O(compose), O(groups) and O(keyed_groups), C(true) fails the inventory when a
        recorder cannot be read, instead of a warning.
notes:
  - With O(cache), the reads are cached only when every recorder was read; the cache holds no password.
requirements:
  - requests
  - xmltodict
'''

EXAMPLES = r'''
# fleet.hikvision.yml: two sites' recorders; the password comes from HIKVISION_PASSWORD.
plugin: camops.hikvision.recorders
camera_port: 80
recorders:
  - {host: 10.10.1.20, name: nvr-north-01, site: north}
  - {host: 10.10.2.20, name: nvr-south-01, site: south, protocol: https, ca_path: certs/nvr-south-01.pem}
keyed_groups:
  - key: hik_online | ternary('online', 'offline')
    prefix: state

# Decommission every camera behind nvr-north-01, and only those (the recorder's group holds the recorder
# and its cameras; the recorder only has their channels removed):
#   ansible-playbook -i fleet.hikvision.yml camops.hikvision.decommission \
#     --limit recorder_nvr_north_01 -e decommission_targets=cameras -e decommission_store_dir=/secure/hik

# Another source: a vaulted password in the source, and a cache of the reads for an hour.
# plugin: camops.hikvision.recorders
# password: !vault |
#   $ANSIBLE_VAULT;1.1;AES256
#   6231...
# recorders: [10.20.0.10, 10.20.0.11]
# cache: true
# cache_plugin: ansible.builtin.jsonfile
# cache_connection: ~/.cache/hikvision-inventory
# cache_timeout: 3600
'''

import os

from ansible.errors import AnsibleParserError
from ansible.inventory.group import to_safe_group_name
from ansible.module_utils.common.text.converters import to_text
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable
from ansible.utils.unsafe_proxy import wrap_var

from ansible_collections.camops.hikvision.plugins.plugin_utils import recorders as recorders_mod

_DEFAULT_KEYS = ('site', 'port', 'protocol', 'username', 'password', 'validate_certs', 'ca_path', 'timeout',
                 'nonce_max_uses', 'camera_port', 'camera_protocol')


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):

    NAME = 'camops.hikvision.recorders'

    def verify_file(self, path):
        return super(InventoryModule, self).verify_file(path) and path.endswith(('.hikvision.yml', '.hikvision.yaml'))

    def parse(self, inventory, loader, path, cache=True):
        super(InventoryModule, self).parse(inventory, loader, path, cache=cache)
        self._read_config_data(path)
        try:
            entries = recorders_mod.recorder_entries(self._entries(), self._defaults(),
                                                     base_dir=os.path.dirname(os.path.abspath(path)))
        except recorders_mod.SourceError as exc:
            raise AnsibleParserError('%s: %s' % (path, exc))
        strict = self.get_option('strict')

        cache_key = self.get_cache_key(path)
        use_cache = self.get_option('cache') and cache
        reads = None
        if use_cache:
            try:
                reads = self._cache[cache_key]
            except KeyError:
                reads = None
            if reads is not None and [r['recorder'] for r in reads] != [recorders_mod.public(e) for e in entries]:
                reads = None  # the source changed since the cache was written
        if reads is None:
            refused_dir = self.get_option('refused_password_dir')
            refused_dir = os.path.abspath(os.path.expanduser(refused_dir)) if refused_dir else None
            reads = recorders_mod.read_recorders(entries, refused_dir, workers=max(1, self.get_option('workers')))
            if self.get_option('cache') and all(read['ok'] for read in reads):
                self._cache[cache_key] = reads

        unread = [read for read in reads if not read['ok']]
        if unread and strict:
            raise AnsibleParserError('%s: %d recorder(s) could not be read (strict): %s'
                                     % (path, len(unread), ' '.join(read['error'] for read in unread)))
        try:
            built = recorders_mod.build(reads, self.get_option('camera_names'))
        except recorders_mod.SourceError as exc:
            raise AnsibleParserError('%s: %s' % (path, exc))
        for warning in built['warnings']:
            self.display.warning(warning)
        self._populate(built, strict, path)

    def _defaults(self):
        """The source-wide options, a vaulted password decrypted (for the reads only)."""
        defaults = dict((key, self.get_option(key)) for key in _DEFAULT_KEYS)
        if defaults.get('password') is not None:
            defaults['password'] = to_text(defaults['password'])
        return defaults

    def _entries(self):
        """The recorder entries, vaulted passwords decrypted in copies (the plugin's options keep what the source
        said)."""
        entries = []
        for entry in self.get_option('recorders') or []:
            if isinstance(entry, dict):
                entry = dict(entry)
                if entry.get('password') is not None:
                    entry['password'] = to_text(entry['password'])
            entries.append(entry)
        return entries

    def _populate(self, built, strict, path):
        group_names = {}
        made_by = {}
        for group in built['groups']:
            raw = '_'.join(str(part) for part in group) if isinstance(group, tuple) else group
            name = to_safe_group_name(raw, force=True, silent=True)
            if isinstance(group, tuple) and group[0] in ('recorder', 'site') and made_by.get(name, raw) != raw:
                # Two recorders (or sites) in one group would put one's cameras in a run meant for the other's.
                raise AnsibleParserError('%s: %s %r and %r both make the group name %s; rename one.'
                                         % (path, group[0], made_by[name].split('_', 1)[1], str(group[1]), name))
            made_by.setdefault(name, raw)
            group_names[group] = name
        for name in sorted(set(group_names.values())):
            self.inventory.add_group(name)
        # What a device said is never a template (ansible-core 2.19 untrusts it by itself, 2.16 does not).
        hosts = dict((host, dict((key, wrap_var(value)) for key, value in host_vars.items()))
                     for host, host_vars in built['hosts'].items())
        for host, host_vars in hosts.items():
            self.inventory.add_host(host)
            for key, value in host_vars.items():
                self.inventory.set_variable(host, key, value)
        for group, members in built['groups'].items():
            for host in members:
                self.inventory.add_child(group_names[group], host)
        for host, host_vars in hosts.items():
            # Constructed features, as every inventory plugin offers them (the documented Constructable methods).
            self._set_composite_vars(self.get_option('compose'), host_vars, host, strict=strict)
            self._add_host_to_composed_groups(self.get_option('groups'), host_vars, host, strict=strict)
            self._add_host_to_keyed_groups(self.get_option('keyed_groups'), host_vars, host, strict=strict)
