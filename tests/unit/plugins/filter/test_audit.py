"""The audit findings: every part of a device's read may be missing, empty or null."""

import pytest

from ansible_collections.camops.hikvision.plugins.filter.audit import audit_findings


def test_findings_of_a_device_with_everything_to_report():
    info = dict(cloud=dict(enabled=True, bind_status='bind'),
                users=[dict(id=1, name='admin'), dict(id=2, name='guest')],
                onvif_users=[dict(id=1, name='vms')],
                password_status=dict(default_password=True, risky_password=True),
                channels=[dict(id=1, type='ip', ip_address='192.0.2.9'), dict(id=2, type='ip', ip_address='192.0.2.10'),
                          dict(id=3, type='analog', ip_address=None)])
    assert audit_findings(info, 'admin', 'pending', True, ['192.0.2.10']) == [
        'Hik-Connect access on (bound to an account)', 'extra users: guest', 'ONVIF users: vms', 'default password',
        'weak password (device says so)', 'password never rotated (no verified record in the credential store)',
        'channel 1 points at a camera not in the inventory (192.0.2.9)']


@pytest.mark.parametrize('info', [
    {}, None,
    dict(cloud={}, users=[], onvif_users=[], channels=[], password_status={}, lockout_policy={}),
    dict(cloud=dict(enabled=None, bind_status=None), users=None, onvif_users=None, channels=None, password_status=None),
    dict(cloud=dict(enabled=False), users=[dict(id=1, name='admin')], password_status=dict(default_password=None)),
])
def test_a_device_that_lacks_a_feature_has_no_finding_and_no_error(info):
    assert audit_findings(info, 'admin', 'verified', True, []) == []
    assert audit_findings(info) == []
