"""The safety logic's mutation check: every mutation in mutations.yml must be caught by its named tests.

The named unit tests must pass unmutated (one run of them all), then, for each mutation in a copy of the
collection, fail with the mutation placed (the text `find`, exactly once in `file`, replaced by `replace`).
A mutation they do not catch is a survivor, a safety property no test guards; the run fails and names it.

    python tests/mutation/run.py [--only ID ...]

Runs the unit tests with pytest directly (no ansible-test), with the python that runs this script; needs
the collection's test requirements (scripts/bootstrap.sh installs them).
"""

import argparse
import concurrent.futures
import os
import queue
import shutil
import subprocess
import sys
import tempfile

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
# The machine's two cores: two mutations at a time, each in its own copy of the collection.
WORKERS = 2


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
    total, caught_count = len(mutations), 0
    try:
        # Two copies of the collection, one for each core: the mutations are placed two at a time.
        copies = [(os.path.join(work, str(n)), copy_collection(os.path.join(work, str(n)))) for n in range(WORKERS)]
        for mutation in mutations:
            with open(os.path.join(copies[0][1], mutation['file'])) as handle:
                found = handle.read().count(mutation['find'])
            if found != 1:
                problems.append('%s: its text occurs %d times in %s (must be once); update mutations.yml'
                                % (mutation['id'], found, mutation['file']))
        mutations = [m for m in mutations if not any(p.startswith(m['id'] + ':') for p in problems)]
        # Every named test passes unmutated: one run of them all (each mutation's own run when that one fails,
        # to name the mutations whose tests do not pass).
        tests = sorted(set(t for m in mutations for t in m['tests']))
        passed, output = run_tests(copies[0][0], copies[0][1], tests) if tests else (True, '')
        if not passed:
            for mutation in mutations:
                passed, output = run_tests(copies[0][0], copies[0][1], mutation['tests'])
                if not passed:
                    problems.append('%s: its tests fail without the mutation:\n%s' % (mutation['id'], output[-3000:]))
            mutations = [m for m in mutations if not any(p.startswith(m['id'] + ':') for p in problems)]
        free = queue.Queue()
        for copy in copies:
            free.put(copy)

        def mutated(mutation):
            """Whether the mutation's tests fail with it placed, in a copy no other thread uses meanwhile."""
            copy_work, collection = free.get()
            path = os.path.join(collection, mutation['file'])
            with open(path) as handle:
                original = handle.read()
            try:
                with open(path, 'w') as handle:
                    handle.write(original.replace(mutation['find'], mutation['replace']))
                return not run_tests(copy_work, collection, mutation['tests'])[0]
            finally:
                with open(path, 'w') as handle:
                    handle.write(original)
                free.put((copy_work, collection))

        with concurrent.futures.ThreadPoolExecutor(max_workers=WORKERS) as pool:
            for mutation, caught in zip(mutations, pool.map(mutated, mutations)):
                print('%-40s %s  (%s)' % (mutation['id'], 'caught' if caught else 'SURVIVED', mutation['why']))
                caught_count += bool(caught)
                if not caught:
                    problems.append('%s survived: %s - no test named for it failed (%s)'
                                    % (mutation['id'], mutation['why'], ', '.join(mutation['tests'])))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print('%d mutations, %d caught' % (total, caught_count))
    if problems:
        print('\n'.join(problems), file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
