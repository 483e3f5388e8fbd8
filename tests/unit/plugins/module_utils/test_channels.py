"""hik_camera_channel's pure logic: selectors, planning, bodies."""

import pytest

from ansible_collections.camops.hikvision.plugins.module_utils import channels as ch


def chan(cid, ip, name, port=8000, serial=None, protocol='hikvision', username='admin'):
    return dict(id=cid, type='ip', name=name, ip_address=ip, port=port, protocol=protocol, username=username,
                serial_number=serial, model=None, firmware_version=None, online=None)


CURRENT = [chan(1, '192.0.2.1', 'garden', serial='SER1'), chan(2, '192.0.2.2', 'gate', serial='SER2'),
           chan(3, '192.0.2.2', 'gate-b', port=8001, serial='SER2')]
ANALOG = [dict(id=1, name='Entrada'), dict(id=2, name='Camera 02')]


def entry(**kwargs):
    base = dict(state='present', channel_id=None, ip_address=None, port=None, serial_number=None, name=None,
                protocol=None, camera_username=None, camera_password=None, update_password='on_create')
    base.update(kwargs)
    return base


@pytest.mark.parametrize('selector, ids', [
    (dict(ip_address='192.0.2.2'), [2, 3]),
    (dict(ip_address='192.0.2.2', port=8001), [3]),
    (dict(serial_number='ser2'), [2, 3]),
    (dict(name='garden'), [1]),
    (dict(channel_id=2), [2]),
    (dict(channel_id=2, name='garden'), []),
    (dict(), []),
])
def test_matches(selector, ids):
    assert [c['id'] for c in CURRENT if ch.matches(c, selector)] == ids


def test_absent_removes_every_match_once():
    plan = ch.plan_channels(CURRENT, [entry(state='absent', serial_number='SER2'),
                                      entry(state='absent', ip_address='192.0.2.2')])
    assert [c['id'] for c in plan.remove] == [2, 3]


@pytest.mark.parametrize('selector', [dict(ip_address='192.0.2.1'), dict(name='garden'), dict(channel_id=1),
                                      dict(serial_number='SER1')])
def test_the_serial_guard_holds_whichever_selector_finds_the_channel(selector):
    # A replacement camera found by name, channel id, serial or address: the guard runs for every removal.
    with pytest.raises(ValueError, match='reports serial number SER1, not the expected SER9'):
        ch.plan_channels(CURRENT, [entry(state='absent', expected_serial_number='SER9', **selector)])
    plan = ch.plan_channels(CURRENT, [entry(state='absent', expected_serial_number='SER1', **selector)])
    assert [c['id'] for c in plan.remove] == [1]


def test_a_removal_guarded_by_the_expected_serial_number():
    """Another camera at the departing camera's address (a replacement) is refused before any write; a
    channel that reports no serial number (offline) cannot tell and is removed; the case of serials does
    not matter, as for the selector."""
    with pytest.raises(ValueError) as refused:
        ch.plan_channels(CURRENT, [entry(state='absent', ip_address='192.0.2.1', expected_serial_number='SER9')])
    assert str(refused.value) == ("channel 1 ('garden', 192.0.2.1:8000) reports serial number SER1, not the "
                                  "expected SER9: another camera is at that address now, so nothing was changed.")
    plan = ch.plan_channels(CURRENT, [entry(state='absent', ip_address='192.0.2.1', expected_serial_number='ser1')])
    assert [c['id'] for c in plan.remove] == [1]
    offline = [chan(1, '192.0.2.1', 'garden')]
    plan = ch.plan_channels(offline, [entry(state='absent', ip_address='192.0.2.1', expected_serial_number='SER9')])
    assert [c['id'] for c in plan.remove] == [1]
    with pytest.raises(ValueError, match='guards a removal'):
        ch.validate_entry(entry(ip_address='192.0.2.1', camera_password='x', expected_serial_number='SER1'))


def test_absent_without_match_is_no_change():
    assert not ch.plan_channels(CURRENT, [entry(state='absent', ip_address='198.51.100.9')]).changed


@pytest.mark.parametrize('wanted', [
    entry(state='absent', channel_id=2),
    entry(state='absent', name='Entrada'),
    entry(channel_id=1, ip_address='192.0.2.9', camera_password='Pw-123456'),
])
def test_analogue_channels_are_refused(wanted):
    with pytest.raises(ValueError, match='analogue input'):
        ch.plan_channels([], [wanted], ANALOG)


def test_add_requires_password_and_fills_defaults():
    with pytest.raises(ValueError, match='no camera_password'):
        ch.plan_channels(CURRENT, [entry(ip_address='192.0.2.9')])
    plan = ch.plan_channels(CURRENT, [entry(ip_address='192.0.2.9', camera_password='Pw-123456')])
    added = plan.add[0]
    assert (added['port'], added['protocol'], added['camera_username']) == (8000, 'hikvision', 'admin')


def test_update_only_what_differs():
    plan = ch.plan_channels(CURRENT, [entry(ip_address='192.0.2.1', name='garden', camera_password='x')])
    assert not plan.changed
    plan = ch.plan_channels(CURRENT, [entry(ip_address='192.0.2.1', name='lawn', protocol='onvif')])
    assert [(c['id'], changes) for c, dummy, changes in plan.update] == [(1, dict(name='lawn', protocol='onvif'))]
    plan = ch.plan_channels(CURRENT, [entry(ip_address='192.0.2.1', camera_password='x', update_password='always')])
    assert plan.update[0][2] == dict(password=True)


def test_conflicts():
    with pytest.raises(ValueError, match='already channel 1'):
        ch.plan_channels(CURRENT, [entry(channel_id=2, ip_address='192.0.2.1')])
    with pytest.raises(ValueError, match='does not exist'):
        ch.plan_channels(CURRENT, [entry(channel_id=9)])


def test_validate_entry():
    with pytest.raises(ValueError, match='at least one of'):
        ch.validate_entry(entry(state='absent'))
    with pytest.raises(ValueError, match='needs ip_address'):
        ch.validate_entry(entry(name='x'))
    with pytest.raises(ValueError, match='between 1 and 65535'):
        ch.validate_entry(entry(ip_address='192.0.2.1', port=70000))


def test_after_and_bodies():
    wanted = [entry(state='absent', channel_id=3), entry(ip_address='192.0.2.9', camera_password='Pw-1')]
    plan = ch.plan_channels(CURRENT, wanted)
    after = ch.after_channels(CURRENT, plan, {'192.0.2.9': 4})
    assert [c['id'] for c in after] == [1, 2, 4]
    body = ch.channel_body(None, ip_address='192.0.2.9', port=8000, protocol='onvif', username='admin',
                           password='Pw-1', new=True)
    assert body['sourceInputPortDescriptor']['proxyProtocol'] == 'ONVIF'
    assert list(body['sourceInputPortDescriptor'])[:3] == ['proxyProtocol', 'addressingFormatType', 'ipAddress']
    assert ch.channel_body(2, name='x')['sourceInputPortDescriptor'] == {}
