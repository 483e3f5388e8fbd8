"""Offline stand-in for the get-pip script that ansible-test downloads to bootstrap pip in its venvs.

ansible-test runs this as __main__ with pip's arguments. It installs pip from the interpreter's own
ensurepip wheel, then runs `pip install` with the same arguments (less the get-pip-only switches), so package
installs still come from the configured package index.
"""

import subprocess
import sys

DROP = ('--no-setuptools', '--no-wheel', '--no-pip')


def main():
    subprocess.check_call([sys.executable, '-m', 'ensurepip', '--default-pip'],
                          stdout=subprocess.DEVNULL)
    args = [arg for arg in sys.argv[1:] if arg not in DROP]
    if args:
        subprocess.check_call([sys.executable, '-m', 'pip', 'install'] + args)


if __name__ == '__main__':
    main()
