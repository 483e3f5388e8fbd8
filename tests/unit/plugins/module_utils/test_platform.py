"""hik_cloud_binding's pure logic: verification code rules and generation, capability limits."""

import pytest

from ansible_collections.camops.hikvision.plugins.module_utils import platform
from ansible_collections.camops.hikvision.plugins.module_utils.isapi.api import parse_xml

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


ON = dict(enabled=True, registered=True, bind_status='bind', server='litedev.hik-connect.com')
OFF = dict(enabled=False, registered=False, bind_status='unbind', server='litedev.hik-connect.com')


@pytest.mark.parametrize('state, before, code, rotate, always, writes, changed', [
    # Off on a device that is on: the new code first (while it is online to the cloud), then access off.
    ('absent', ON, 'Abc123456', False, False, [(True, True), (False, False)], True),
    ('absent', ON, None, True, False, [(True, True), (False, False)], True),
    ('absent', ON, None, False, False, [(False, False)], True),
    # Already off: nothing, unless the code is to be written always.
    ('absent', OFF, 'Abc123456', False, False, [], False),
    ('absent', OFF, 'Abc123456', False, True, [(False, True)], True),
    ('absent', {}, None, True, False, [], False),  # a device that reports nothing is not switched on or off
    # On with the new owner's code; already on: nothing unless always.
    ('present', OFF, 'Abc123456', False, False, [(True, True)], True),
    ('present', ON, 'Abc123456', False, False, [], False),
    ('present', ON, 'Abc123456', False, True, [(True, True)], True),
])
def test_plan_platform(state, before, code, rotate, always, writes, changed):
    kept = dict(before)
    plan = platform.plan_platform(state, before, code, rotate=rotate, always=always)
    assert before == kept  # the device's reported state is not modified
    assert plan['writes'] == writes
    assert (plan['change_access'] or plan['write_code']) is changed
    assert plan['generate'] is bool(rotate and plan['write_code'])
    assert plan['after']['enabled'] is (state == 'present')


def test_plan_platform_needs_a_code_to_switch_on():
    with pytest.raises(ValueError) as refused:
        platform.plan_platform('present', OFF)
    assert 'verification_code is required' in str(refused.value)
