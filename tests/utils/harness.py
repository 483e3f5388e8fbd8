"""What the test scripts that run outside ansible-test share (tests/conformance, tests/faults): the import paths of
the simulator and of the collection, a playbook's recap, and what counts as a message of one sentence."""

import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BAD_OUTPUT = re.compile(r'\[DEPRECATION WARNING\]|Traceback \(most recent call last\)|MODULE FAILURE|'
                        r'AnsibleUndefinedVariable|has no attribute|must have a boolean result|template error|'
                        r'Unexpected templating type error|An unhandled exception occurred')


def use_simulator_and_collection():
    """hiksim (tests/simulator), and the collection from ANSIBLE_COLLECTIONS_PATH, importable."""
    sys.path.insert(0, os.path.join(ROOT, 'tests', 'simulator'))
    for path in reversed(os.environ.get('ANSIBLE_COLLECTIONS_PATH', '').split(os.pathsep)):
        if path:
            sys.path.insert(0, path)


def recap(output):
    """{host: {ok, changed, failed, ...}} from an ansible-playbook output's PLAY RECAP."""
    hosts = {}
    for line in output.split('PLAY RECAP', 1)[-1].splitlines():
        match = re.match(r'^(\S+)\s+:\s+(.*)$', line.strip())
        if match:
            hosts[match.group(1)] = dict((k, int(v)) for k, v in re.findall(r'(\w+)=(\d+)', match.group(2)))
    return hosts


def one_sentence(msg):
    """A failure message a person can act on: one line, one sentence, no traceback or library dump."""
    return isinstance(msg, str) and bool(msg.strip()) and '\n' not in msg.strip() and msg.rstrip().endswith('.') \
        and not BAD_OUTPUT.search(msg) and 'HTTPConnectionPool' not in msg and 'object at 0x' not in msg
