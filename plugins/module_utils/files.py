# -*- coding: utf-8 -*-
# Copyright (c) camops.hikvision contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Files on the controller: backups and credential records are written atomically and privately."""

import os
import tempfile


def make_private_dirs(directory, dir_mode=0o700):
    """Create ``directory`` and every missing parent with ``dir_mode`` (os.makedirs gives its mode only to
    the last one, so a new reports/backups/site tree would be readable by everyone under a usual umask).
    Directories that exist are left as they are."""
    missing = []
    current = os.path.abspath(directory)
    while not os.path.isdir(current):
        missing.append(current)
        parent = os.path.dirname(current)
        if parent == current:
            break
        current = parent
    for path in reversed(missing):
        try:
            os.mkdir(path, dir_mode)
        except FileExistsError:
            if not os.path.isdir(path):
                raise
            continue  # another worker made it meanwhile
        os.chmod(path, dir_mode)  # the umask does not narrow it


def write_atomic(path, data, mode=0o600, dir_mode=0o700):
    """Write ``data`` (bytes) to ``path`` through a temporary file in the same directory (created with
    ``dir_mode`` when missing), with ``mode``, flushed to disk before it replaces ``path``.

    Many workers write into one new directory at once (a fleet's first credential records and backups):
    a directory another worker created meanwhile is not an error (exist_ok; a check-then-create failed one
    device in 500 of a benchmark run with "File exists")."""
    directory = os.path.dirname(os.path.abspath(path))
    make_private_dirs(directory, dir_mode)
    fd, tmp = tempfile.mkstemp(prefix='.' + os.path.basename(path) + '.', dir=directory)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, 'wb') as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
        dir_fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except Exception:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
