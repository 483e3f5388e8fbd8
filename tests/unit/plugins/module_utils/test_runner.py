"""The runner's login rule, the most lockout-sensitive one: a refused password is never sent again, at most
one deliberate extra login with a fallback, nothing more to a locked device. Real HTTP and Digest."""

import pytest

from ansible_collections.camops.hikvision.plugins.module_utils.isapi.api import AuthenticationError, LockedOutError
from ansible_collections.camops.hikvision.plugins.module_utils.runner import Plan, Refusal, Runner
from ansible_collections.camops.hikvision.tests.unit.sim import PASSWORD, Ended, StandIn


class Module(object):  # what the runner reads of an AnsibleModule
    def __init__(self, device, password):
        self.params = dict(host=device.address, port=device.port, protocol='http', username='admin', password=password,
                           validate_certs=True, ca_path=None, timeout=10, nonce_max_uses=None)
        self.warnings = []

    def fail_json(self, **kwargs):
        raise AssertionError(kwargs)

    def warn(self, warning):
        self.warnings.append(warning)


def read(client):
    return client.get('/ISAPI/System/deviceInfo').get('model')


@pytest.fixture(autouse=True)
def clean(fleet):
    for name in ('cam', 'lockme'):
        fleet.device(name).auth.unlock_all()
        fleet.device(name).reset_counters()


def test_the_connection_password_is_enough(fleet):
    runner = Runner(Module(fleet.device('cam'), PASSWORD))
    assert runner.login(read, fallback='Other-pass-1') and not runner.used_fallback
    assert runner.capabilities() is runner.capabilities()  # read once
    assert fleet.counters('cam')['by_request']['GET /ISAPI/System/capabilities'] == 1
    runner.close()
    assert fleet.counters('cam')['failed_logins'] == 0


def test_one_refused_login_then_the_fallback(fleet):
    runner = Runner(Module(fleet.device('cam'), 'Wrong-pass-1'))
    assert runner.login(read, fallback=PASSWORD) and runner.used_fallback
    assert sum(client.writes_sent for client in runner.clients) == 0
    runner.close()
    assert fleet.counters('cam')['failed_logins'] == 1


@pytest.mark.parametrize('fallback', [None, '', 'Wrong-pass-1'])
def test_no_fallback_or_the_same_password_is_not_tried_again(fleet, fallback):
    runner = Runner(Module(fleet.device('cam'), 'Wrong-pass-1'))
    with pytest.raises(AuthenticationError) as refused:
        runner.login(read, fallback=fallback)
    assert 'they were not retried' in str(refused.value) and not runner.used_fallback
    assert fleet.counters('cam')['failed_logins'] == 1


def test_both_refused_is_one_sentence_and_two_attempts(fleet):
    runner = Runner(Module(fleet.device('cam'), 'Wrong-pass-1'))
    with pytest.raises(AuthenticationError) as refused:
        runner.login(read, fallback='Wrong-pass-2', login_name='admin')
    assert str(refused.value).endswith("refused both the connection password and the fallback password for 'admin' "
                                       "(one login each); nothing was changed and no further login was attempted.")
    assert not runner.used_fallback and fleet.counters('cam')['failed_logins'] == 2


def test_a_locked_device_gets_no_fallback(fleet):
    device = fleet.device('lockme')  # locks after 3 failed logins
    for dummy in range(3):
        with pytest.raises(AuthenticationError):
            Runner(Module(device, 'Wrong-pass-1')).login(read)
    device.reset_counters()
    runner = Runner(Module(device, 'Wrong-pass-1'))
    with pytest.raises(LockedOutError):
        runner.login(read, fallback=PASSWORD)
    assert fleet.counters('lockme')['requests'] == 1  # the first request is answered 'locked': nothing more


class FakeClient(object):
    def __init__(self, acknowledged=0, unanswered=0, sent=0):
        self.writes_acknowledged, self.writes_unanswered, self.writes_sent = acknowledged, unanswered, sent

    def close(self):
        pass


class Failed(Exception):
    pass


@pytest.mark.parametrize('clients, elsewhere, changed, state', [
    ([], False, False, 'none'),
    ([FakeClient(sent=2)], False, False, 'none'),  # both refused by the device: nothing applied
    ([FakeClient(acknowledged=1, sent=2)], False, True, 'confirmed'),
    ([FakeClient(sent=1), FakeClient(unanswered=1, sent=1)], False, True, 'unconfirmed'),  # answer lost
    ([FakeClient(sent=1)], True, True, 'none'),  # a cloud account changed, the device refused
])
def test_changed_on_failure_says_what_may_have_been_applied(clients, elsewhere, changed, state):
    class Module(object):
        params = {}

        def fail_json(self, **kwargs):
            raise Failed(kwargs)
    runner = Runner(Module())
    runner.clients = clients
    runner.changed_elsewhere = lambda: elsewhere
    with pytest.raises(Failed) as failed:
        runner.fail('x: refused.', created=[])
    result = failed.value.args[0]
    assert result['changed'] is changed and result['write_state'] == state and result['msg'] == 'x: refused.'


def _execute(module, plan, apply=None, **initial):
    applied = []

    def record(runner, planned):
        applied.append(planned)
        if apply:
            apply(runner, planned)
    with pytest.raises(Ended) as ended:
        Runner(module, dict(initial)).execute(plan, record)
    return ended.value.args[0], applied


def _plan(changed):
    return lambda runner: Plan(changed=changed, before=dict(x=1), after=dict(x=2 if changed else 1))


@pytest.mark.parametrize('check_mode, changed, applies', [
    (False, True, True), (True, True, False), (False, False, False), (True, False, False),
])
def test_apply_runs_only_outside_check_mode_and_only_for_a_change(check_mode, changed, applies):
    result, applied = _execute(StandIn(check_mode=check_mode), _plan(changed))
    assert result['changed'] is changed and bool(applied) is applies and 'failed' not in result


@pytest.mark.parametrize('diff', [True, False])
def test_the_diff_only_in_diff_mode(diff):
    result, dummy = _execute(StandIn(diff=diff), _plan(True))
    assert ('diff' in result) is diff
    if diff:
        assert result['diff'] == dict(before=dict(x=1), after=dict(x=2))


def test_apply_may_find_nothing_changed():
    def found_same(runner, planned):
        planned.changed = False
    result, applied = _execute(StandIn(), _plan(True), found_same)
    assert applied and result['changed'] is False


def test_a_refusal_is_one_sentence_with_the_result_so_far_and_nothing_changed():
    def refuse(runner):
        runner.result['seen'] = 1
        raise Refusal('no.', extra=2)
    result, applied = _execute(StandIn(), refuse, done=0)
    assert result['failed'] and result['msg'] == 'no.' and (result['seen'], result['extra'], result['done']) == (1, 2, 0)
    assert result['changed'] is False and result['write_state'] == 'none' and not applied


def test_bad_connection_options_are_refused_before_the_plan():
    module = StandIn()
    module.params['timeout'] = 0
    result, dummy = _execute(module, lambda runner: pytest.fail('planned'))
    assert result['failed'] and result['msg'] == 'timeout must be a positive number of seconds, got 0.'


def test_the_client_counts_acknowledged_refused_and_unanswered_writes(fleet):
    import socket
    import threading
    from ansible_collections.camops.hikvision.plugins.module_utils.isapi.api import (
        BadRequestError, DeviceUnreachableError, ISAPIClient,
    )
    device = fleet.device('cam')
    client = ISAPIClient(device.address, 'admin', PASSWORD, port=device.port, sleep=lambda _s: None)
    client.put('/ISAPI/System/Network/EZVIZ', 'EZVIZ', {'enabled': 'false'})
    with pytest.raises(BadRequestError):  # the device answers, refusing it: not applied
        client.put('/ISAPI/System/Network/EZVIZ', 'EZVIZ', {'enabled': 'maybe'})
    assert (client.writes_sent, client.writes_acknowledged, client.writes_unanswered) == (2, 1, 0)
    # A device that takes the request and closes the connection without an answer: it may have applied it.
    listener = socket.socket()
    listener.bind(('127.0.2.200', 0))
    listener.listen(1)

    def swallow():
        conn, dummy = listener.accept()
        conn.recv(65536)
        conn.close()
    thread = threading.Thread(target=swallow, daemon=True)
    thread.start()
    lost = ISAPIClient('127.0.2.200', 'admin', PASSWORD, port=listener.getsockname()[1], sleep=lambda _s: None)
    with pytest.raises(DeviceUnreachableError):
        lost.put('/ISAPI/System/reboot', data=b'')
    thread.join(5)
    listener.close()
    assert (lost.writes_sent, lost.writes_acknowledged, lost.writes_unanswered) == (1, 0, 1)
    refused = ISAPIClient('127.0.2.201', 'admin', PASSWORD, port=9, sleep=lambda _s: None, timeout=1)
    with pytest.raises(DeviceUnreachableError):  # nothing listens: the request never went out
        refused.put('/ISAPI/System/reboot', data=b'')
    assert refused.writes_unanswered == 0


@pytest.mark.parametrize('host', ['192.0.2.10', 'nvr-north-01', 'cam01.site.example.', '::1', '[fe80::1]',
                                  'cam_07.lan'])
def test_device_addresses_that_are_taken(host):
    from ansible_collections.camops.hikvision.plugins.module_utils.runner import host_problem
    assert host_problem(host) is None


@pytest.mark.parametrize('host, words', [
    ('', 'must not be empty'), ('  ', 'must not be empty'), (None, 'must not be empty'),
    ('http://192.0.2.10', 'without a scheme'), ('192.0.2.10/ISAPI', 'path'), ('192.0.2.10:8080', 'port'),
    ('caméra.example', 'ASCII'), ('cam 01', 'spaces'), ('-cam', 'host name'),
])
def test_what_is_not_a_device_address_is_refused_before_any_request(host, words):
    module = StandIn()
    module.params['host'] = host
    result, dummy = _execute(module, lambda runner: pytest.fail('planned'))
    assert result['failed'] and words in result['msg'] and result['msg'].count('.') >= 1


def _remembering(device, password, directory):
    module = Module(device, password)
    module.params['refused_password_dir'] = str(directory)
    return Runner(module)


def test_a_refused_password_is_remembered_and_never_sent_again(fleet, tmp_path):
    import hashlib
    device = fleet.device('cam')
    store = tmp_path / 'refused'
    runner = _remembering(device, 'Wrong-pass-1', store)
    with pytest.raises(AuthenticationError, match='they were not retried'):
        runner.login(read)
    runner.close()
    assert fleet.counters('cam')['failed_logins'] == 1
    sent = fleet.counters('cam')['requests']
    # A later run: nothing goes out, and the sentence says why.
    again = _remembering(device, 'Wrong-pass-1', store)
    with pytest.raises(AuthenticationError) as known:
        again.login(read)
    again.close()
    assert 'refused this password' in str(known.value) and 'nothing was sent' in str(known.value)
    assert fleet.counters('cam')['failed_logins'] == 1 and fleet.counters('cam')['requests'] == sent
    # Only salted hashes are kept, privately.
    text = ''.join(p.read_text() for p in store.iterdir())
    assert 'Wrong-pass-1' not in text and hashlib.sha256(b'Wrong-pass-1').hexdigest() not in text
    assert oct(store.stat().st_mode & 0o777) == '0o700'
    # A different password (the inventory's value changed) is sent as usual.
    fixed = _remembering(device, PASSWORD, store)
    assert fixed.login(read)
    fixed.close()


def test_a_remembered_refusal_lets_the_fallback_go_first(fleet, tmp_path):
    device = fleet.device('cam')
    store = tmp_path / 'refused'
    first = _remembering(device, 'Wrong-pass-1', store)
    assert first.login(read, fallback=PASSWORD) and first.used_fallback
    first.close()
    assert fleet.counters('cam')['failed_logins'] == 1
    later = _remembering(device, 'Wrong-pass-1', store)
    assert later.login(read, fallback=PASSWORD) and later.used_fallback
    later.close()
    assert fleet.counters('cam')['failed_logins'] == 1  # the remembered password was not sent again


def test_a_lockout_is_not_remembered_as_a_wrong_password(fleet, tmp_path):
    device = fleet.device('lockme')  # locks after 3 failed logins
    for dummy in range(3):
        with pytest.raises(AuthenticationError):
            Runner(Module(device, 'Wrong-pass-1')).login(read)
    store = tmp_path / 'refused'
    runner = _remembering(device, PASSWORD, store)
    with pytest.raises(LockedOutError):
        runner.login(read)
    runner.close()
    assert not store.exists() or not [p for p in store.iterdir() if p.name.endswith('.json')]
