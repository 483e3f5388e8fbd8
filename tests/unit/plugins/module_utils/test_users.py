"""hik_user's pure logic: password rules, planning, the diff's after-state, request bodies."""

import pytest

from ansible_collections.camops.hikvision.plugins.module_utils import users

CURRENT = [
    dict(id=1, name='admin', level='administrator'),
    dict(id=2, name='installer', level='operator'),
    dict(id=3, name='guest', level='viewer'),
]


def entry(name, state='present', password=None, level=None, update_password='on_create'):
    return dict(name=name, state=state, password=password, level=level, update_password=update_password)


@pytest.mark.parametrize('password, fragment', [
    ('', 'is empty'),
    ('Ab1', 'must be 8 to 16 characters long (it has 3)'),
    ('Abcdefgh12345678X', 'must be 8 to 16 characters long (it has 17)'),
    ('abcdefghij', 'two kinds of characters'),
    ('12345678', 'two kinds of characters'),
    ('Operator1', 'must not be the user name'),
])
def test_weak_passwords_name_the_rule(password, fragment):
    problem = users.password_problem(password, 'operator1', 8, 16)
    assert problem is not None and fragment in problem
    if password:
        assert password not in problem


def test_acceptable_passwords_and_unknown_upper_bound():
    assert users.password_problem('Good-pass1', 'admin', 8, 16) is None
    assert users.password_problem('a' * 20 + '1', 'admin', 8, None) is None


def test_password_limits_never_below_eight():
    assert users.password_limits({}) == (8, 16)
    assert users.password_limits(dict(password_min_length=1, password_max_length=16)) == (8, 16)
    assert users.password_limits(dict(password_min_length=8, password_max_length=32)) == (8, 32)


def test_purge_keeps_admin_login_and_listed():
    plan = users.plan_users(CURRENT + [dict(id=4, name='me', level='administrator')],
                            [entry('installer', level='viewer'), entry('monitor', password='Monitor-2024')],
                            purge=True, login_name='me', login_password='x')
    assert [u['name'] for u in plan.delete] == ['guest']
    assert [e['name'] for e in plan.create] == ['monitor'] and plan.create[0]['level'] == 'viewer'
    assert [(u['name'], c) for u, dummy, c in plan.update] == [('installer', {'level': 'viewer'})]
    assert plan.rotate is None and plan.changed


def test_onvif_purge_has_no_builtin_admin():
    current = [dict(id=1, name='admin', level='administrator'), dict(id=2, name='vms', level='viewer')]
    plan = users.plan_users(current, [], purge=True, account_type='onvif', login_name='admin')
    assert [u['name'] for u in plan.delete] == ['admin', 'vms']


def test_nothing_to_do_is_unchanged():
    plan = users.plan_users(CURRENT, [entry('admin'), entry('installer', level='operator', password='Whatever-1')],
                            purge=False, login_name='admin', login_password='Sim-Admin-123')
    assert not plan.changed


def test_update_password_always_writes_other_users():
    plan = users.plan_users(CURRENT, [entry('guest', password='Guest-pass1', update_password='always')],
                            login_name='admin', login_password='x')
    assert [(u['name'], c) for u, dummy, c in plan.update] == [('guest', {'password': True})]


def test_login_account_rotation_compares_with_connection_password():
    same = users.plan_users(CURRENT, [entry('admin', password='Current-1')], login_name='admin',
                            login_password='Current-1')
    assert not same.changed
    new = users.plan_users(CURRENT, [entry('admin', password='Newer-pass2')], login_name='admin',
                           login_password='Current-1')
    assert new.rotate[0]['id'] == 1 and not new.update


@pytest.mark.parametrize('wanted, message', [
    ([entry('admin', state='absent')], 'cannot be deleted'),
    ([entry('admin', level='viewer')], 'must keep the administrator level'),
    ([entry('newbie')], 'no password was given'),
])
def test_device_rules_refused_before_any_write(wanted, message):
    with pytest.raises(ValueError, match=message):
        users.plan_users(CURRENT, wanted, login_name='admin', login_password='x')


def test_refuses_deleting_the_login_account():
    with pytest.raises(ValueError, match='logs in with'):
        users.plan_users(CURRENT, [entry('installer', state='absent')], login_name='installer')


def test_max_users():
    with pytest.raises(ValueError, match='at most 3 users'):
        users.plan_users(CURRENT, [entry('x', password='Xx-pass-123')], login_name='admin', max_users=3)


def test_normalise_wanted_rejects_duplicates_and_fills_defaults():
    defaults = dict(state='present', update_password='on_create')
    out = users.normalise_wanted([dict(name='a', state=None, update_password=None)], defaults)
    assert out[0]['state'] == 'present' and out[0]['update_password'] == 'on_create'
    with pytest.raises(ValueError, match='more than once'):
        users.normalise_wanted([dict(name='a'), dict(name='a')], defaults)
    with pytest.raises(ValueError, match='1 to 32 characters'):
        users.normalise_wanted([dict(name='x' * 33)], defaults)


def test_after_users_applies_plan():
    plan = users.plan_users(CURRENT, [entry('installer', level='viewer'), entry('new', password='New-pass-1')],
                            purge=True, login_name='admin')
    after = users.after_users(CURRENT, plan, {'new': 5})
    assert after == [dict(id=1, name='admin', level='administrator'), dict(id=2, name='installer', level='viewer'),
                     dict(id=5, name='new', level='viewer')]


def test_bodies():
    assert users.user_body('device', 'admin', 'administrator', password='N', user_id=1, login_password='O') == dict(
        id='1', userName='admin', password='N', userLevel='Administrator', loginPassword='O')
    onvif = users.user_body('onvif', 'vms', 'viewer', password='P')
    assert onvif == dict(userName='vms', password='P', userType='mediaUser')
    assert users.onvif_level('mediaUser') == 'viewer' and users.onvif_level('Operator') == 'operator'


def test_a_level_the_device_did_not_report_is_not_sent():
    # A user list without userLevel (firmware that drops it) still lets the admin password be rotated.
    body = users.user_body('device', 'admin', None, password='New-Pass-2024', user_id=1, login_password='Old-Pass-1')
    assert 'userLevel' not in body and body['password'] == 'New-Pass-2024'
    assert 'userType' not in users.user_body('onvif', 'vms', None, password='Onvif-2024x', user_id=3)


@pytest.mark.parametrize('password', ['Pässwort-2025', 'Пароль-2025x', 'Tab\there-2025', 'Emoji-2025-\U0001F600'])
def test_a_password_that_is_not_printable_ascii_is_refused_without_showing_it(password):
    problem = users.password_problem(password, 'operator1', 8, 16)
    assert problem is not None and 'printable ASCII' in problem and password not in problem


def test_without_an_upper_bound_the_length_rule_says_at_least():
    assert 'must be at least 8 characters long (it has 3)' in users.password_problem('Ab1', 'op', 8, None)


def test_a_user_name_that_is_not_printable_ascii_is_refused():
    with pytest.raises(ValueError, match='printable ASCII'):
        users.normalise_wanted([dict(name='opérateur')], dict(state='present', update_password='on_create'))
