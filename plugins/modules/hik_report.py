#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) camops.hikvision contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
---
module: hik_report
short_description: Write a run's report files on the controller in one step
version_added: 0.1.0
description:
  - Writes a set of text files (per-device JSON records, fleet summaries, retry files) under one directory,
    each atomically (a temporary file in the same directory, flushed, then renamed), creating directories as
    needed. A file whose content is already the same is left alone.
  - The roles write a whole fleet's reports with one call of this module instead of one file task per device.
  - It touches no device. Run it on the controller (C(delegate_to=localhost)); with a local connection it runs
    in the controller's worker process.
author:
  - camops.hikvision maintainers (@camops)
extends_documentation_fragment:
  - camops.hikvision.attributes
  - camops.hikvision.attributes.controller
attributes:
  idempotent:
    description: A second run with the same arguments changes nothing and reports C(changed=false).
    support: full
  check_mode:
    description: Reports which files would be written; writes nothing.
    support: full
  diff_mode:
    description: Lists the files that would change. The contents are not shown.
    support: full
options:
  dest:
    description: The directory the files go under. Created (mode C(0750)) when missing.
    type: path
    required: true
  files:
    description:
      - The files to write, a mapping of each file's path under O(dest) (relative, staying under it) to its text
        (written as UTF-8).
    type: dict
    required: true
  mode:
    description: The mode of the files written (directories get the same, with search permission added).
    type: raw
    default: '0640'
  links:
    description:
      - Symbolic links to make after the files are written, a mapping of each link's path under O(dest) to its
        target, relative to the link's directory and staying under O(dest) (a stable C(latest) name for the
        newest run's directory). An existing link is replaced atomically.
    type: dict
    default: {}
  remove:
    description: Paths under O(dest) to remove when present (a file of an earlier run that this run does not
      write, such as the retry file after a run in which no device failed).
    type: list
    elements: str
    default: []
notes:
  - Reports are run artefacts. The roles register this module's result with C(changed_when=false), so that
    writing reports never counts as a change of the fleet.
seealso:
  - module: camops.hikvision.hik_credential
'''

EXAMPLES = r'''
- name: Write the per-device records and the summary
  camops.hikvision.hik_report:
    dest: /srv/reports
    files:
      devices/cam-01.json: "{{ record | to_nice_json }}"
      summary.txt: "{{ lookup('ansible.builtin.template', 'summary.txt.j2') }}"
  delegate_to: localhost
  run_once: true
'''

RETURN = r'''
removed:
  description: The paths (under O(dest)) that were removed, or would be in check mode.
  returned: success
  type: list
  elements: str
  sample: ["retry-decommission.yml"]
linked:
  description: The links (under O(dest)) that were made or pointed elsewhere, or would be in check mode.
  returned: success
  type: list
  elements: str
  sample: ["decommission-latest"]
written:
  description: The paths (under O(dest)) that were written, or would be in check mode.
  returned: success
  type: list
  elements: str
  sample: ["devices/cam-01.json", "summary.txt"]
unchanged:
  description: How many files already had the content.
  returned: success
  type: int
  sample: 12
'''

import os

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_bytes

from ansible_collections.camops.hikvision.plugins.module_utils import specs
from ansible_collections.camops.hikvision.plugins.module_utils.files import write_atomic


def file_mode(value):
    """'0640', '640' or 0o640 -> 0o640; ValueError otherwise."""
    if isinstance(value, int):
        mode = value
    else:
        mode = int(str(value), 8)
    if not 0 <= mode <= 0o777:
        raise ValueError
    return mode


def outside(rel, name):
    """Whether ``name`` (given) or ``rel`` (its normalised form) leaves dest: absolute, dest itself, or above it."""
    return os.path.isabs(name) or rel == '.' or rel.startswith('..')


def run(module):
    dest = module.params['dest']
    result = dict(changed=False, written=[], unchanged=0)
    try:
        mode = file_mode(module.params['mode'])
    except ValueError:
        module.fail_json(msg='mode must be an octal file mode such as 0640, got %r.' % module.params['mode'], **result)
    plan = []
    for name, content in sorted(module.params['files'].items()):
        rel = os.path.normpath(name)
        if outside(rel, name):
            module.fail_json(msg='files path %r must be relative to dest and stay under it.' % name, **result)
        if not isinstance(content, str):
            module.fail_json(msg='files %r must be text, got %s.' % (name, type(content).__name__), **result)
        data = to_bytes(content)
        path = os.path.join(dest, rel)
        if os.path.isdir(path):
            module.fail_json(msg='%s is a directory.' % path, **result)
        try:
            with open(path, 'rb') as handle:
                same = handle.read() == data
        except (IOError, OSError):
            same = False
        if same:
            result['unchanged'] += 1
        else:
            plan.append((rel, path, data))
    result['written'] = [rel for rel, dummy, dummy2 in plan]
    links = []
    for name, target in sorted((module.params['links'] or {}).items()):
        rel = os.path.normpath(name)
        resolved = os.path.normpath(os.path.join(os.path.dirname(rel), str(target)))
        if outside(rel, name) or outside(resolved, str(target)):
            module.fail_json(msg='links %r -> %r must stay under dest.' % (name, target), **result)
        path = os.path.join(dest, rel)
        if os.path.islink(path) and os.readlink(path) == str(target):
            continue
        if os.path.exists(path) and not os.path.islink(path):
            module.fail_json(msg='%s exists and is not a link.' % path, **result)
        links.append((rel, path, str(target)))
    result['linked'] = [rel for rel, dummy, dummy2 in links]
    removals = []
    for name in module.params['remove'] or []:
        rel = os.path.normpath(name)
        if outside(rel, name):
            module.fail_json(msg='remove path %r must be relative to dest and stay under it.' % name, **result)
        path = os.path.join(dest, rel)
        if os.path.isfile(path) or os.path.islink(path):
            removals.append((rel, path))
    result['removed'] = [rel for rel, dummy in removals]
    result['changed'] = bool(plan or links or removals)
    if module._diff:
        result['diff'] = dict(before=dict(files=[]), after=dict(files=result['written']))
    if not module.check_mode:
        dir_mode = mode | ((mode & 0o444) >> 2)  # search permission wherever there is read permission
        for dummy, path, data in plan:
            try:
                write_atomic(path, data, mode=mode, dir_mode=dir_mode)
            except (IOError, OSError) as exc:
                module.fail_json(msg='Could not write %s: %s.' % (path, exc.strerror or exc), **result)
        for dummy, path in removals:
            try:
                os.unlink(path)
            except (IOError, OSError) as exc:
                module.fail_json(msg='Could not remove %s: %s.' % (path, exc.strerror or exc), **result)
        for dummy, path, target in links:
            temporary = '%s.%d.tmp' % (path, os.getpid())
            try:
                os.symlink(target, temporary)
                os.replace(temporary, path)
            except (IOError, OSError) as exc:
                module.fail_json(msg='Could not link %s: %s.' % (path, exc.strerror or exc), **result)
    module.exit_json(**result)


def main():
    run(AnsibleModule(**specs.module_args('hik_report')))


if __name__ == '__main__':
    main()
