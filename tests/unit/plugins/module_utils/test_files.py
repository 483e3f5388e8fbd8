"""write_atomic: private, atomic writes on the controller, from many workers at once."""

import os
import stat

from ansible_collections.camops.hikvision.plugins.module_utils import files


def test_a_record_is_written_privately_into_a_new_private_directory(tmp_path):
    target = tmp_path / 'store' / 'site_a' / 'cam-1.yml'
    files.write_atomic(str(target), b'password: x\n')
    assert target.read_bytes() == b'password: x\n'
    assert stat.S_IMODE(os.stat(str(target)).st_mode) == 0o600
    # Every directory it made is private, not only the last one (os.makedirs gives its mode to that alone).
    for directory in (target.parent, target.parent.parent):
        assert stat.S_IMODE(os.stat(str(directory)).st_mode) == 0o700
    assert os.listdir(str(target.parent)) == ['cam-1.yml']


def test_a_directory_another_worker_creates_at_the_same_moment_is_not_an_error(tmp_path, monkeypatch):
    # The race of a fleet's first writes: another worker creates the directory just before this one does.
    target = tmp_path / 'store' / 'cam-1.yml'
    real_mkdir = os.mkdir
    raced = []

    def mkdir_after_another_worker(name, *args, **kwargs):
        if name == str(target.parent) and not raced:
            raced.append(name)
            real_mkdir(name, 0o700)
        return real_mkdir(name, *args, **kwargs)

    monkeypatch.setattr(os, 'mkdir', mkdir_after_another_worker)
    files.write_atomic(str(target), b'x')
    assert raced == [str(target.parent)]
    assert target.read_bytes() == b'x'
