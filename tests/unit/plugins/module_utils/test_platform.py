"""hik_cloud_binding's pure logic: verification code rules and generation, capability limits."""

import pytest

from ansible_collections.camops.hikvision.plugins.module_utils import platform
from ansible_collections.camops.hikvision.plugins.module_utils.isapi import parse_xml

CAPS = b'''<?xml version="1.0" encoding="UTF-8"?>
<EZVIZ version="2.0" xmlns="http://www.isapi.org/ver20/XMLSchema">
  <enabled opt="true,false">false</enabled>
  <verificationCode min="8" max="10">null</verificationCode>
</EZVIZ>'''


@pytest.mark.parametrize('code, fragment', [
    ('abc12', 'must be 6-12 characters long (it has 5)'),
    ('Toolong123456', 'must be 6-12 characters long (it has 13)'),
    ('abc-123#x', 'only letters and digits'),
    (None, 'it has 0'),
])
def test_bad_codes(code, fragment):
    problem = platform.code_problem(code)
    assert fragment in problem
    if code:
        assert code not in problem


def test_good_code_and_capability_limits():
    assert platform.code_problem('Abc123') is None
    low, high = platform.code_limits(parse_xml(CAPS))
    assert (low, high) == (8, 10)
    assert 'must be 8-10' in platform.code_problem('Abc123', low, high)
    assert platform.code_limits(None) == (6, 12)


def test_generated_codes_are_strong_and_differ():
    codes = set(platform.generate_code(12) for dummy in range(20))
    assert len(codes) == 20
    for code in codes:
        assert platform.code_problem(code) is None and len(code) == 12
        assert any(c.isupper() for c in code) and any(c.islower() for c in code) and any(c.isdigit() for c in code)


def test_wait_registered_is_bounded():
    class Client(object):
        def get(self, path):
            return parse_xml(b'<EZVIZ><enabled>true</enabled><registerStatus>false</registerStatus></EZVIZ>')

    now = [0.0]

    def sleep(seconds):
        now[0] += seconds

    state, waited = platform.wait_registered(Client(), 5, interval=2, clock=lambda: now[0], sleep=sleep)
    assert state['registered'] is False and waited == 5
