"""The safety logic's mutation check: every mutation in mutations.yml must be caught by its named tests.

For each mutation, in a copy of the collection: the named unit tests must pass unmutated, then fail with the
mutation placed (the text `find`, exactly once in `file`, replaced by `replace`). A mutation they do not
catch is a survivor, a safety property no test guards; the run fails and names it.

    python tests/mutation/run.py [--only ID ...]

Runs the unit tests with pytest directly (no ansible-test), with the python that runs this script; needs
the collection's test requirements (scripts/bootstrap.sh installs them).
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def copy_collection(work):
    """The collection's tracked and not-ignored files (uncommitted changes included; every file when ROOT is not
    a git checkout, as in scripts/test.sh's copy) in ``work``/ansible_collections/camops/hikvision; returns that
    directory."""
    dest = os.path.join(work, 'ansible_collections', 'camops', 'hikvision')
    if not os.path.exists(os.path.join(ROOT, '.git')):
        shutil.copytree(ROOT, dest, ignore=shutil.ignore_patterns('output', '__pycache__'))
        return dest
    files = subprocess.run(['git', 'ls-files', '-co', '--exclude-standard', '-z'], cwd=ROOT, check=True,
                           stdout=subprocess.PIPE).stdout.decode().split('\0')
    for name in files:
        if name and os.path.isfile(os.path.join(ROOT, name)):
            os.makedirs(os.path.dirname(os.path.join(dest, name)), exist_ok=True)
            shutil.copy2(os.path.join(ROOT, name), os.path.join(dest, name))
    return dest


def run_tests(work, collection, tests):
    """(passed, output) of pytest over ``tests`` in the copy."""
    env = dict(os.environ, PYTHONPATH=work + os.pathsep + os.environ.get('PYTHONPATH', ''),
               PYTHONDONTWRITEBYTECODE='1')
    proc = subprocess.run([sys.executable, '-m', 'pytest', '-q', '-x', '-p', 'no:cacheprovider'] + tests,
                          cwd=collection, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False)
    return proc.returncode == 0, proc.stdout.decode('utf-8', 'replace')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('--only', nargs='*', default=None, help='run only these mutation ids')
    opts = parser.parse_args()
    with open(os.path.join(HERE, 'mutations.yml')) as handle:
        mutations = yaml.safe_load(handle)
    ids = [m['id'] for m in mutations]
    if len(set(ids)) != len(ids):
        sys.exit('mutations.yml: duplicate ids')
    if opts.only:
        unknown = set(opts.only) - set(ids)
        if unknown:
            sys.exit('unknown mutation ids: %s' % ', '.join(sorted(unknown)))
        mutations = [m for m in mutations if m['id'] in opts.only]
    work = tempfile.mkdtemp(prefix='camops-mutation-')
    problems = []
    try:
        collection = copy_collection(work)
        for mutation in mutations:
            path = os.path.join(collection, mutation['file'])
            with open(path) as handle:
                original = handle.read()
            found = original.count(mutation['find'])
            if found != 1:
                problems.append('%s: its text occurs %d times in %s (must be once); update mutations.yml'
                                % (mutation['id'], found, mutation['file']))
                continue
            passed, output = run_tests(work, collection, mutation['tests'])
            if not passed:
                problems.append('%s: its tests fail without the mutation:\n%s' % (mutation['id'], output[-3000:]))
                continue
            with open(path, 'w') as handle:
                handle.write(original.replace(mutation['find'], mutation['replace']))
            try:
                caught, output = run_tests(work, collection, mutation['tests'])
                caught = not caught
            finally:
                with open(path, 'w') as handle:
                    handle.write(original)
            print('%-40s %s  (%s)' % (mutation['id'], 'caught' if caught else 'SURVIVED', mutation['why']))
            if not caught:
                problems.append('%s survived: %s - no test named for it failed (%s)'
                                % (mutation['id'], mutation['why'], ', '.join(mutation['tests'])))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print('%d mutations, %d caught' % (len(mutations), len(mutations) - len(problems)))
    if problems:
        print('\n'.join(problems), file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
