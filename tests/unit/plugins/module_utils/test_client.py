"""The ISAPI client against hiksim over real HTTP with real Digest auth on loopback."""

import pytest

from ansible_collections.camops.hikvision.plugins.module_utils.device_info import gather, resolve_subsets
from ansible_collections.camops.hikvision.plugins.module_utils.isapi.api import (
    AuthenticationError, BadRequestError, DeviceBusyError, DeviceError, DeviceUnreachableError, InvalidOperationError,
    ISAPIClient, LockedOutError, MalformedResponseError, NotSupportedError,
)

from ansible_collections.camops.hikvision.tests.unit.sim import CAPTURES, PASSWORD


def client_for(fleet, name, password=PASSWORD, **kwargs):
    device = fleet.device(name)
    kwargs.setdefault('sleep', lambda _s: None)
    return ISAPIClient(device.address, 'admin', password, port=device.port, **kwargs)


pytestmark = pytest.mark.usefixtures('clean_fleet')


def test_digest_session_reuses_nonce_and_connection(fleet):
    client = client_for(fleet, 'cam')
    for dummy in range(5):
        client.get('/ISAPI/System/deviceInfo')
    counters = fleet.counters('cam')
    assert counters['challenges'] == 1  # one challenge, then pre-emptive Digest
    assert counters['authenticated'] == 5
    assert counters['failed_logins'] == 0
    assert client.auth.scheme == 'digest'


def test_basic_only_device_gets_basic(fleet):
    client = client_for(fleet, 'basic-only')
    assert client.get('/ISAPI/System/deviceInfo').root == 'DeviceInfo'
    assert client.auth.scheme == 'basic'
    assert fleet.counters('basic-only')['failed_logins'] == 0


def test_wrong_password_fails_once_and_is_never_retried(fleet):
    client = client_for(fleet, 'cam', password='Wrong-pass-1')
    with pytest.raises(AuthenticationError) as first:
        client.get('/ISAPI/System/deviceInfo')
    assert not isinstance(first.value, LockedOutError)
    # DS-2CD2386G2-IU's capabilities give maxIllegalLoginTimes def="7": six attempts left after this one.
    assert 'refused the credentials' in str(first.value) and first.value.retry_login_time == 6
    with pytest.raises(AuthenticationError):
        client.get('/ISAPI/System/deviceInfo')  # refused locally: nothing sent
    counters = fleet.counters('cam')
    assert counters['failed_logins'] == 1
    assert counters['requests'] == 2  # the challenge and the one attempt


def test_locked_device_fails_at_once_naming_the_lock_time(fleet):
    for dummy in range(3):
        with pytest.raises(AuthenticationError):
            client_for(fleet, 'lockme', password='Wrong-pass-1').get('/ISAPI/System/deviceInfo')
    fleet.control('POST', '/devices/lockme/counters/reset')
    client = client_for(fleet, 'lockme')  # the right password, but the address is locked
    with pytest.raises(LockedOutError) as err:
        client.get('/ISAPI/System/deviceInfo')
    assert 500 < err.value.unlock_time <= 600
    assert 'locked out' in str(err.value) and 'unlock in %d s' % err.value.unlock_time in str(err.value)
    with pytest.raises(LockedOutError):
        client.get('/ISAPI/Security/users')
    counters = fleet.counters('lockme')
    assert counters['requests'] == 1  # only the first request; no credentials were sent after the 401
    assert counters['failed_logins'] == 0


def test_stale_nonce_is_renewed_without_a_failed_login(fleet):
    client = client_for(fleet, 'cam')
    client.get('/ISAPI/System/deviceInfo')
    fleet.device('cam').auth._nonces.clear()  # the device forgets its nonces (as after nonce_ttl)
    client.get('/ISAPI/System/deviceInfo')
    counters = fleet.counters('cam')
    assert counters['stale_nonces'] == 1 and counters['failed_logins'] == 0


def test_nonce_limit_is_found_once_and_kept(fleet):
    """A device that refuses a nonce's third use without a challenge: one refusal, then never again."""
    client = client_for(fleet, 'strict-nonce')
    for dummy in range(5):
        assert client.get('/ISAPI/System/deviceInfo').root == 'DeviceInfo'
    counters = fleet.counters('strict-nonce')
    assert counters['nonce_overuses'] == 1  # the third request; the fifth asked for a new nonce first
    assert counters['challenges'] == 3 and counters['authenticated'] == 5
    assert client.nonce_max_uses == 2 and client.auth.nonce_refusals == 1
    assert client.requests_sent == counters['requests'] == 9
    # The simulator counts the refusal as a failed login (the worst case); the next login reset it.
    assert counters['failed_logins'] == 1
    assert fleet.device('strict-nonce').auth.lock_state()['failures'] == {}


def test_nonce_limit_given_means_no_refusal(fleet):
    client = client_for(fleet, 'strict-nonce', nonce_max_uses=2)
    for dummy in range(5):
        client.get('/ISAPI/System/deviceInfo')
    counters = fleet.counters('strict-nonce')
    assert counters['nonce_overuses'] == 0 and counters['failed_logins'] == 0
    assert counters['challenges'] == 3 and counters['requests'] == client.requests_sent == 8


def test_write_refused_for_its_nonce_is_sent_again(fleet):
    client = client_for(fleet, 'strict-nonce')
    client.get('/ISAPI/System/deviceInfo')
    doc = client.get('/ISAPI/Security/illegalLoginLock')
    client.put('/ISAPI/Security/illegalLoginLock', root='IllegalLoginLock', like=doc,
               body=dict(enabled='true', maxIllegalLoginTimes='7'))
    counters = fleet.counters('strict-nonce')
    assert counters['nonce_overuses'] == 1 and counters['writes'] == 1
    assert fleet.device('strict-nonce').auth.max_failures == 7
    fleet.device('strict-nonce').auth.max_failures = 5


def test_password_changed_during_a_session_is_refused_once(fleet):
    """A 401 that comes with a new challenge is a verdict on the password: final, never retried."""
    client = client_for(fleet, 'cam')
    client.get('/ISAPI/System/deviceInfo')
    fleet.device('cam').seed(dict(password='Changed-Elsewhere-1'))
    with pytest.raises(AuthenticationError):
        client.get('/ISAPI/System/deviceInfo')
    counters = fleet.counters('cam')
    assert counters['failed_logins'] == 1 and counters['requests'] == 3
    fleet.device('cam').seed(dict(password=PASSWORD))


def test_not_supported_paths(fleet):
    client = client_for(fleet, 'DS-2CD2386G2-IU')
    with pytest.raises(NotSupportedError, match='HTTP 403'):
        client.get('/ISAPI/ContentMgmt/InputProxy/channels')
    with pytest.raises(NotSupportedError):
        client.get('/ISAPI/System/Holidays')  # a plain-text 404 on this camera
    assert client.get_optional('/ISAPI/Nothing/here') is None


def test_busy_device_is_retried_with_backoff_then_gives_up(fleet):
    slept = []
    client = client_for(fleet, 'cam', sleep=slept.append)
    fleet.control('POST', '/devices/cam/faults', dict(busy=2))
    assert client.get('/ISAPI/System/deviceInfo').root == 'DeviceInfo'
    assert slept == [1.0, 2.0]
    fleet.control('POST', '/devices/cam/faults', dict(busy=10))
    with pytest.raises(DeviceBusyError, match='statusCode 2'):
        client.get('/ISAPI/System/deviceInfo')
    fleet.control('DELETE', '/devices/cam/faults')


def test_device_error_and_its_sentence(fleet):
    client = client_for(fleet, 'cam')
    fleet.control('POST', '/devices/cam/faults', dict(http_500=1))
    with pytest.raises(DeviceError) as err:
        client.get('/ISAPI/System/deviceInfo')
    text = str(err.value)
    assert text.startswith(fleet.device('cam').address) and 'GET /ISAPI/System/deviceInfo failed' in text
    assert 'statusCode 3 (Device Error), subStatusCode deviceError' in text and text.endswith('.')


def test_hostile_and_malformed_answers(fleet):
    client = client_for(fleet, 'cam')
    fleet.control('POST', '/devices/cam/faults', dict(hostile_xml=1, malformed_xml=1))
    with pytest.raises(MalformedResponseError, match='DTD or entity'):
        client.get('/ISAPI/System/deviceInfo')
    with pytest.raises(MalformedResponseError, match='malformed XML'):
        client.get('/ISAPI/System/deviceInfo')
    assert client.get('/ISAPI/System/deviceInfo').root == 'DeviceInfo'


def test_dropped_connection_read_is_retried_once_and_write_is_not(fleet):
    client = client_for(fleet, 'cam')
    fleet.control('POST', '/devices/cam/faults', dict(drop=1))
    assert client.get('/ISAPI/System/deviceInfo').root == 'DeviceInfo'
    fleet.control('POST', '/devices/cam/faults', dict(drop=2))
    with pytest.raises(DeviceUnreachableError, match='the device (closed|reset) the connection'):
        client.get('/ISAPI/System/deviceInfo')
    fleet.control('DELETE', '/devices/cam/faults')


def test_an_answer_sent_a_byte_a_second_ends_at_the_deadline(fleet):
    """Each read comes within the timeout, the whole answer never would: the request ends at three times the
    timeout, is not retried, and says why."""
    import threading
    import time
    # A byte a second, each read well within the timeout of 2 s (a timeout of 1 s would race the trickle).
    client = client_for(fleet, 'cam', timeout=2)
    fleet.control('POST', '/devices/cam/faults', dict(slow_body=1))
    outcome = {}

    def request():
        started = time.monotonic()
        try:
            client.get('/ISAPI/System/deviceInfo')
        except DeviceUnreachableError as exc:
            outcome['error'] = str(exc)
        outcome['seconds'] = time.monotonic() - started

    # In a thread of its own, so that a client without the deadline fails the test instead of holding it for
    # as long as the trickle lasts (minutes).
    worker = threading.Thread(target=request, daemon=True)
    worker.start()
    worker.join(12)
    assert not worker.is_alive(), 'still reading the answer after 12 s'
    assert 'no whole answer within 6s (the device sent it too slowly)' in outcome.get('error', ''), outcome
    assert 6 <= outcome['seconds'] < 10
    assert client.get('/ISAPI/System/deviceInfo').root == 'DeviceInfo'
    # A cut-off answer (the connection reset halfway) to a read is read again.
    fleet.control('POST', '/devices/cam/faults', dict(reset_mid_body=1))
    assert client.get('/ISAPI/System/deviceInfo').root == 'DeviceInfo'


def test_unreachable_device(fleet):
    client = ISAPIClient('127.0.2.250', 'admin', PASSWORD, port=9, timeout=2, sleep=lambda _s: None)
    with pytest.raises(DeviceUnreachableError) as refused:
        client.get('/ISAPI/System/deviceInfo')
    # One sentence of our own, whole: no library text (pool names, "Max retries", object addresses).
    assert str(refused.value) == ('127.0.2.250:9: GET /ISAPI/System/deviceInfo failed: the connection was refused '
                                  '(nothing listens on that port).')


def test_https_device_with_a_self_signed_certificate(fleet):
    """Refused before any request (no credentials sent) until the user trusts the device's certificate,
    either as ca_path or with validate_certs off; then Digest over TLS as over HTTP, with no warning per
    request for the checks the user turned off."""
    import warnings
    device = fleet.device('tls-cam')
    with pytest.raises(DeviceUnreachableError) as refused:
        client_for(fleet, 'tls-cam', protocol='https').get('/ISAPI/System/deviceInfo')
    assert str(refused.value) == (
        "127.0.2.104:%d: GET /ISAPI/System/deviceInfo failed: the device's TLS certificate is not trusted "
        "(self-signed certificate); set ca_path to the device's certificate or to the CA that signed it, or "
        "validate_certs to false." % device.port)
    assert fleet.counters('tls-cam')['requests'] == 0
    trusted = client_for(fleet, 'tls-cam', protocol='https', ca_path=device.certificate)
    assert trusted.get('/ISAPI/System/deviceInfo').root == 'DeviceInfo'
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter('always')
        unchecked = client_for(fleet, 'tls-cam', protocol='https', validate_certs=False)
        for dummy in range(2):
            assert unchecked.get('/ISAPI/System/deviceInfo').root == 'DeviceInfo'
    assert [str(w.message) for w in seen] == []
    counters = fleet.counters('tls-cam')
    assert counters['challenges'] == 2 and counters['authenticated'] == 3 and counters['failed_logins'] == 0


def test_https_to_a_plain_http_port(fleet):
    with pytest.raises(DeviceUnreachableError) as refused:
        client_for(fleet, 'cam', protocol='https').get('/ISAPI/System/deviceInfo')
    assert str(refused.value).endswith(
        'failed: the TLS handshake failed (wrong version number); check that the device serves HTTPS on this port.')
    assert fleet.counters('cam')['requests'] == 0


def test_write_errors_map_to_status_codes(fleet):
    client = client_for(fleet, 'cam')
    with pytest.raises(InvalidOperationError, match='invalidOperation'):
        client.delete('/ISAPI/Security/users/1')
    with pytest.raises(BadRequestError, match='statusCode 6'):
        client.post('/ISAPI/Security/users', 'User', dict(userName='x', password='short', userLevel='Viewer'))
    with pytest.raises(BadRequestError, match='statusCode 5'):
        client.put('/ISAPI/System/Network/EZVIZ', data=b'<EZVIZ><enabled>')
    result = client.post('/ISAPI/Security/users', 'User',
                         dict(userName='viewer1', password='Viewer-2024', userLevel='Viewer'))
    assert result.id == '2' and not result.reboot_required
    assert client.delete('/ISAPI/Security/users/2').status.status_code == 1


def test_request_bodies_echo_the_device_namespace(fleet):
    name = 'DS-7608NXI-I2'  # isapi.org firmware
    client = client_for(fleet, name)
    doc = client.get('/ISAPI/System/Network/EZVIZ')
    assert doc.namespace == 'http://www.isapi.org/ver20/XMLSchema'
    client.put('/ISAPI/System/Network/EZVIZ', 'EZVIZ', dict(enabled='false'), like=doc)


@pytest.mark.parametrize('name', CAPTURES)
def test_gather_everything_from_every_profile(fleet, name):
    client = client_for(fleet, name)
    facts = gather(client, resolve_subsets(['all']))
    device = fleet.device(name)
    assert facts['device']['model'] == device.model
    assert facts['device']['serial_number'] == device.device_info.get('serialNumber')  # None where not reported
    assert facts['users'] == [dict(id=1, name='admin', level='administrator')]
    assert [c['id'] for c in facts['channels'] if c['type'] == 'ip'] == sorted(device.channels)
    assert fleet.counters(name)['writes'] == 0
    assert fleet.counters(name)['failed_logins'] == 0


def test_resolve_subsets():
    assert resolve_subsets(['all', '!users']) == {'device', 'capabilities', 'onvif_users', 'channels', 'cloud',
                                                  'lockout_policy', 'password_status'}
    assert resolve_subsets(['cloud']) == {'device', 'cloud'}
    with pytest.raises(ValueError):
        resolve_subsets(['bogus'])


def test_password_status_subset(fleet):
    name = 'cam'
    facts = gather(client_for(fleet, name), {"device", "password_status"})
    assert facts['password_status'] == dict(default_password=False, risky_password=False)


def test_a_modules_later_clients_start_with_the_limit_an_earlier_one_found(fleet):
    from ansible_collections.camops.hikvision.plugins.module_utils.runner import Runner

    class Module(object):  # what the runner reads of an AnsibleModule
        def __init__(self, params):
            self.params = params
            self.warnings = []

        def fail_json(self, **kwargs):
            raise AssertionError(kwargs)

        def warn(self, warning):
            self.warnings.append(warning)

    device = fleet.device('strict-nonce')
    module = Module(dict(host=device.address, port=device.port, protocol='http', username='admin',
                         password=PASSWORD, validate_certs=True, ca_path=None, timeout=10, nonce_max_uses=None))
    runner = Runner(module)
    first = runner.connect()
    for dummy in range(3):
        first.get('/ISAPI/System/deviceInfo')
    second = runner.connect()
    assert second.nonce_max_uses == 2
    for dummy in range(3):
        second.get('/ISAPI/System/deviceInfo')
    assert fleet.counters('strict-nonce')['nonce_overuses'] == 1
    assert len(module.warnings) == 1 and 'set nonce_max_uses: 2 for this device' in module.warnings[0]
