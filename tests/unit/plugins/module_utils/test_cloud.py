"""Cloud providers against hiksim's simulated cloud (real HTTP on loopback), and their pure parts."""

import os

import pytest

from ansible_collections.camops.hikvision.plugins.module_utils.cloud import base
from ansible_collections.camops.hikvision.plugins.module_utils.cloud.ezviz_open import EzvizOpen
from ansible_collections.camops.hikvision.plugins.module_utils.cloud.hik_connect_teams import HikConnectTeams
from ansible_collections.camops.hikvision.plugins.module_utils.cloud.hik_partner_pro import HikPartnerPro
from ansible_collections.camops.hikvision.plugins.module_utils.cloud.providers import (
    provider_from_params, serial_problem,
)
from ansible_collections.camops.hikvision.tests.unit.sim import Fleet


@pytest.fixture()
def cloud(profiles):
    """A fresh cloud per test (the tests change it): two accounts of each provider."""
    port = 24000 + (os.getpid() % 2000) * 2
    spec = dict(devices=[], cloud=dict(
        address='127.0.2.201', regional_address='127.0.2.202', port=port,
        accounts=[
            dict(name='inst', provider='hik_partner_pro', app_key='hk', app_secret='hs', sites=[
                dict(id='s1', name='Depot', share_to='maint@example.com'),
                dict(id='s2', name='Office')]),
            dict(name='other', provider='hik_partner_pro', app_key='ok', app_secret='os', company='Other Co',
                 sites=[dict(id='s9', name='Harbour', shared_with='inst')]),
            dict(name='ez', provider='ezviz_open', app_key='ek', app_secret='es',
                 ram_accounts=[dict(accountId='r1', accountName='guard', statements=[
                     dict(Permission='Get', Resource=['dev:EEE000001'])])],
                 trusts=[dict(serial='EEE000001', channel=1)]),
            dict(name='ez2', provider='ezviz_open', app_key='ek2', app_secret='es2', terminal_binding=True),
            dict(name='team', provider='hik_connect_teams', app_key='tk', app_secret='ts'),
            dict(name='team2', provider='hik_connect_teams', app_key='tk2', app_secret='ts2'),
        ],
        devices=[
            dict(serial='AAA000001', owner='inst', site='s1'),
            dict(serial='AAA000002', owner='inst', site='s2'),
            dict(serial='AAA000009', owner='other', site='s9'),
            dict(serial='EEE000001', owner='ez'),
            dict(serial='EEE000002', owner='ez2'),
            dict(serial='EEE000003'),
            dict(serial='TTT000001', owner='team', name='gate TTT000001X'),
            dict(serial='TTT0000011', owner='team'),  # a serial the fuzzy match also finds for TTT000001
            dict(serial='TTT000002', owner='team2'),
        ]))
    fleet = Fleet(spec, profiles=profiles).start()
    yield fleet.cloud
    fleet.stop()


def hpp(cloud, **kwargs):
    kwargs.setdefault('sleep', lambda seconds: None)
    return HikPartnerPro('hk', 'hs', api_url=cloud.url(), **kwargs)


def ezviz(cloud, key='ek', secret='es', **kwargs):
    kwargs.setdefault('sleep', lambda seconds: None)
    return EzvizOpen(key, secret, api_url=cloud.url(), **kwargs)


def teams(cloud, key='tk', secret='ts', **kwargs):
    kwargs.setdefault('sleep', lambda seconds: None)
    return HikConnectTeams(key, secret, api_url=cloud.url(), **kwargs)


def test_backoff_is_bounded_and_grows():
    assert base.backoff_delays(6) == [1.0, 2.0, 4.0, 8.0, 8.0, 8.0]
    assert base.backoff_delays(0) == []


@pytest.mark.parametrize('serial, ok', [('F74021782', True), ('abc123', True), ('F7402-1782', False),
                                        ('ABC12', False), ('A' * 21, False), (None, False)])
def test_serial_rules(serial, ok):
    assert (serial_problem(serial) is None) is ok


def test_provider_parameters_are_checked_before_any_request():
    params = dict(provider='hik_partner_pro', app_key='k', app_secret=None, region=None, api_url=None,
                  api_retries=4, timeout=10)
    with pytest.raises(ValueError, match='needs app_key and app_secret'):
        provider_from_params(params)
    with pytest.raises(ValueError, match='api_url must be an http'):
        provider_from_params(dict(params, app_secret='s', api_url='ftp://x'))
    with pytest.raises(ValueError, match='region must be one of global, ru'):
        provider_from_params(dict(params, app_secret='s', region='eu'))
    provider = provider_from_params(dict(params, app_secret='s', provider='ezviz_open', region='eu'))
    assert provider.token_url == 'https://ieuopen.ezvizlife.com'


def test_area_domain_is_followed_only_to_the_providers_own_hosts():
    provider = EzvizOpen('k', 's', region='eu')
    assert provider._area('https://iusopen.ezvizlife.com') == 'https://iusopen.ezvizlife.com'
    assert provider._area(None) == 'https://ieuopen.ezvizlife.com'
    for bad in ('http://iusopen.ezvizlife.com', 'https://evil.example', 'https://ezvizlife.com.evil.example'):
        with pytest.raises(base.CloudError, match='unexpected areaDomain'):
            provider._area(bad)
    assert HikPartnerPro('k', 's', api_url='http://127.0.0.1:1')._area('http://127.0.0.2:1') == 'http://127.0.0.2:1'


def test_hpp_absent_removes_site_share_after_the_sites_last_device(cloud):
    provider = hpp(cloud)
    changed, account, warnings = base.absent(provider, 'AAA000001')
    assert changed and account['deleted'] and account['confirmed'] and not warnings
    assert [s['kind'] for s in account['shares_removed']] == ['site_share']
    assert cloud.accounts['inst']['sites']['s1']['share_to'] is None
    assert cloud.devices['AAA000001']['owner'] is None
    assert provider.token_fetches == 1
    # The token was asked of the global host, everything else went to the areaDomain.
    assert provider.base_url == cloud.url(regional=True)
    changed, account, dummy = base.absent(provider, 'AAA000001')
    assert not changed and not account['found'] and account['owner'] == base.OWNER_UNKNOWN


def test_shares_of_the_device_go_before_its_delete_and_the_sites_after(cloud):
    # The order is the safety property (docs/cloud-apis.md 9.2): a device-scoped share revoked after the delete
    # may no longer be revocable (the serial is gone from the account), a site share revoked before it would cut
    # off a device still being deleted. The simulator's call log says what was sent, in order.
    cloud.reset_counters()
    changed, account, dummy = base.absent(ezviz(cloud), 'EEE000001')
    order = cloud.counters['order']
    assert changed and sorted(s['kind'] for s in account['shares_removed']) == ['ram_statement', 'trust']
    deleted = order.index('/api/lapp/device/delete')
    assert order.index('/api/lapp/ram/statement/delete') < deleted and order.index('/api/lapp/trust/cancel') < deleted
    cloud.reset_counters()
    changed, account, dummy = base.absent(hpp(cloud), 'AAA000001')
    order = cloud.counters['order']
    revoked = [i for i, path in enumerate(order) if '/site/share/cancel/' in path]
    deleted = [i for i, path in enumerate(order) if path.endswith('/device/delete')]
    assert changed and len(revoked) == 1 and len(deleted) == 1 and deleted[0] < revoked[0], order


def test_hpp_keeps_site_shares_while_other_devices_remain(cloud):
    cloud.seed_device(dict(serial='AAA000003', owner='inst', site='s1'))
    changed, account, warnings = base.absent(hpp(cloud), 'AAA000001')
    assert changed and account['shares_removed'] == [] and len(account['shares_kept']) == 1
    assert 'still holds 1 other device' in warnings[0]
    assert cloud.accounts['inst']['sites']['s1']['share_to'] == 'maint@example.com'


def test_hpp_check_mode_predicts_and_writes_nothing(cloud):
    provider = hpp(cloud)
    changed, account, dummy = base.absent(provider, 'AAA000001', check_mode=True)
    assert changed and account['deleted'] and account['confirmed'] is None
    assert [s['kind'] for s in account['shares_removed']] == ['site_share']
    assert provider.writes == 0 and cloud.counters['writes'] == 0


def test_hpp_other_companys_device(cloud):
    provider = hpp(cloud)
    changed, account, dummy = base.absent(provider, 'AAA000009')
    assert not changed and account['owner'] == base.OWNER_OTHER and account['owner_name'] == 'Other Co'
    with pytest.raises(base.NotOwner, match=r'belongs to another account \(Other Co\)'):
        base.absent(provider, 'AAA000009', fail_if_not_owner=True)
    assert provider.writes == 0
    # Deleting it anyway is refused by the cloud.
    record = provider.lookup('AAA000009')
    with pytest.raises(base.NotOwner, match='LAP006013'):
        provider.unbind(record)


def test_hpp_repeated_delete_is_ambiguous_and_re_probed(cloud):
    provider = hpp(cloud)
    record = provider.lookup('AAA000002')
    provider.unbind(record)
    with pytest.raises(base.Ambiguous, match='LAP006009'):
        provider.unbind(record)
    assert provider.lookup('AAA000002') is None


def test_wrong_secret_is_an_auth_failure_without_the_secret_in_the_message(cloud):
    provider = HikPartnerPro('hk', 'not-the-secret', api_url=cloud.url(), sleep=lambda s: None)
    with pytest.raises(base.AuthFailed, match='LAP300002') as info:
        provider.lookup('AAA000001')
    assert 'not-the-secret' not in str(info.value)
    with pytest.raises(base.AuthFailed, match='10030'):
        ezviz(cloud, secret='wrong').lookup('EEE000001')


def test_token_renewed_once_then_expiry_fails(cloud):
    provider = hpp(cloud)
    provider.lookup('AAA000001')
    cloud.set_faults(dict(expire_tokens=True))
    assert provider.lookup('AAA000001') is not None
    assert provider.token_fetches == 2 and provider.renewals == 1
    cloud.set_faults(dict(expire_tokens=True))
    with pytest.raises(base.AuthExpired, match='LAP500004'):
        provider.lookup('AAA000001')


def test_rate_limit_and_server_errors_retry_bounded(cloud):
    slept = []
    provider = hpp(cloud, retries=2, sleep=slept.append)
    cloud.set_faults(dict(rate_limit=2))
    assert provider.lookup('AAA000001') is not None
    assert slept == [1.0, 2.0]
    cloud.set_faults(dict(rate_limit=3))
    with pytest.raises(base.RateLimited, match='LAP500007'):
        hpp(cloud, retries=2).lookup('AAA000001')
    cloud.set_faults(None)
    cloud.set_faults(dict(server_errors=3))
    with pytest.raises(base.ServerError, match='HTTP 503'):
        hpp(cloud, retries=2).lookup('AAA000001')


def test_ezviz_owned_deleted_and_re_probed(cloud):
    provider = ezviz(cloud)
    changed, account, dummy = base.absent(provider, 'EEE000001')
    assert changed and account['confirmed']
    assert cloud.devices['EEE000001']['owner'] is None
    # A second delete of a serial nobody holds answers 20018 (the simulator's default guess).
    with pytest.raises(base.NotOwner, match='20018'):
        provider.unbind(base.DeviceRecord('EEE000001'))


@pytest.mark.parametrize('serial, owner', [('EEE000003', base.OWNER_UNKNOWN), ('NOSUCH001', base.OWNER_NOT_EXIST)])
def test_ezviz_owner_outside_cn(cloud, serial, owner):
    changed, account, dummy = base.absent(ezviz(cloud), serial)
    assert not changed and account['owner'] == owner


def test_ezviz_cn_search_tells_owner_states(cloud):
    cloud.accounts['ez']['region'] = 'cn'
    provider = EzvizOpen('ek', 'es', api_url=cloud.url(), region='cn', sleep=lambda s: None)
    assert provider.ownership('EEE000003') == (base.OWNER_NONE, None)
    assert provider.ownership('EEE000002') == (base.OWNER_OTHER, None)
    assert provider.ownership('NOSUCH001') == (base.OWNER_NOT_EXIST, None)
    # No areaDomain in region cn: everything stays on the host the token came from.
    assert provider.base_url == cloud.url()


def test_ezviz_terminal_binding_is_an_account_policy_error(cloud):
    provider = ezviz(cloud, key='ek2', secret='es2')
    with pytest.raises(base.AccountPolicy, match='20031'):
        base.absent(provider, 'EEE000002')
    assert cloud.devices['EEE000002']['owner'] == 'ez2'


def test_hpp_decode_maps_codes():
    provider = HikPartnerPro('k', 's', api_url='http://127.0.0.1:1')
    assert provider._decode('/x', {'errorCode': '0', 'data': {'a': 1}}) == {'a': 1}
    for code, cls in (('LAP500004', base.AuthExpired), ('LAP006009', base.Ambiguous), ('EVZ10029', base.RateLimited),
                      ('LAP034000', base.NotOwner), ('LAP999999', base.CloudError)):
        with pytest.raises(cls, match=code):
            provider._decode('/x', {'errorCode': code, 'message': 'm'})
    with pytest.raises(base.CloudError, match='without an errorCode'):
        provider._decode('/x', {'code': '200'})


def test_ezviz_decode_maps_codes_and_envelopes():
    provider = EzvizOpen('k', 's', api_url='http://127.0.0.1:1')
    assert provider._decode('/x', {'code': '200', 'data': [1], 'page': {'total': 1}}) == ([1], {'total': 1})
    assert provider._decode('/x', {'result': {'code': '200', 'data': {'a': 1}}}) == {'a': 1}
    for code, cls in (('10002', base.AuthExpired), ('10029', base.RateLimited), ('20018', base.NotOwner),
                      ('20002', base.NotFound), ('20031', base.AccountPolicy), ('49999', base.ServerError)):
        with pytest.raises(cls, match=code):
            provider._decode('/x', {'code': code, 'msg': 'm'})


# ---- Hik-Connect for Teams (docs/cloud-apis.md 5) ---------------------------------------------------------------

def test_teams_absent_looks_up_by_serial_deletes_by_id_and_confirms(cloud):
    cloud.reset_counters()
    provider = teams(cloud)
    changed, account, warnings = base.absent(provider, 'TTT000001')
    assert changed and account['deleted'] and account['confirmed'] and not warnings
    assert account['device']['name'] == 'gate TTT000001X'  # the exact serial, not TTT0000011
    assert cloud.devices['TTT000001']['owner'] is None and cloud.devices['TTT0000011']['owner'] == 'team'
    order = cloud.counters['order']
    assert order == ['/api/hccgw/platform/v1/token/get', '/api/hccgw/resource/v1/devices/get',
                     '/api/hccgw/resource/v1/devices/delete', '/api/hccgw/resource/v1/devices/get'], order
    assert provider.base_url == cloud.url(regional=True) and provider.writes == 1
    # Again: not in the account, nothing changes.
    changed, account, dummy = base.absent(teams(cloud), 'TTT000001')
    assert not changed and not account['found'] and account['owner'] == base.OWNER_UNKNOWN
    # Another team's device is not found in this one.
    changed, account, dummy = base.absent(teams(cloud), 'TTT000002')
    assert not changed and cloud.devices['TTT000002']['owner'] == 'team2'


def test_teams_check_mode_writes_nothing(cloud):
    provider = teams(cloud)
    changed, account, dummy = base.absent(provider, 'TTT000001', check_mode=True)
    assert changed and account['confirmed'] is None and provider.writes == 0
    assert cloud.devices['TTT000001']['owner'] == 'team'


def test_teams_calls_stay_within_five_a_second(cloud):
    """The account allows 5 requests a second; the simulator refuses a sixth within a second with HTTP 429. Ten
    lookups in a row are spaced and none is refused (and none was retried)."""
    cloud.reset_counters()
    provider = teams(cloud, retries=0)
    for dummy in range(10):
        assert provider.lookup('TTT000001') is not None
    assert cloud.counters.get('rate_limited', 0) == 0 and provider.retried == 0 and provider.calls == 11


def test_teams_errors(cloud):
    with pytest.raises(base.AuthFailed, match='OPEN000002') as info:
        teams(cloud, secret='not-the-secret').lookup('TTT000001')
    assert 'not-the-secret' not in str(info.value)
    with pytest.raises(base.AuthFailed, match='OPEN000001'):
        teams(cloud, key='nobody').lookup('TTT000001')
    provider = teams(cloud)
    provider.lookup('TTT000001')
    cloud.set_faults(dict(expire_tokens=True))
    assert provider.lookup('TTT000001') is not None and provider.renewals == 1 and provider.token_fetches == 2
    slept = []
    cloud.set_faults(dict(rate_limit=1))
    assert teams(cloud, sleep=slept.append).lookup('TTT000001') is not None and slept == [1.0]
    with pytest.raises(ValueError, match='region must be one of eu, ru, sa, sgp, us'):
        HikConnectTeams('k', 's')
    assert HikConnectTeams('k', 's', region='sgp').token_url == 'https://isgp.hikcentralconnect.com'


def test_teams_reads_fields_nested_under_base_info():
    class Canned(HikConnectTeams):
        def call(self, path, data=None, write=False):
            return {'totalCount': 1, 'device': [{'baseInfo': {'id': 'x1', 'name': 'door', 'category': 'encodingDevice',
                                                              'serialNo': 'f74021782', 'onlineStatus': '0'}}]}
    record = Canned('k', 's', region='eu').lookup('F74021782')
    assert (record.cloud_id, record.name, record.online) == ('x1', 'door', False)
    assert record.raw['category'] == 'encodingDevice'


def test_teams_a_delete_whose_answer_was_lost_is_judged_by_the_lookup(cloud):
    """The first delete's answer is lost (a timeout) and the retry is answered with an unknown code (the id is
    gone): the device is gone, and the second lookup says so; the task does not fail."""
    class LostAnswer(HikConnectTeams):
        lost = False

        def _send(self, path, data, write):
            answer = HikConnectTeams._send(self, path, data, write)
            if path.endswith('/devices/delete') and not self.lost:
                self.lost = True
                raise base.ServerError('no answer within 10 s', path=path)
            return answer
    provider = LostAnswer('tk', 'ts', api_url=cloud.url(), sleep=lambda s: None)
    changed, account, dummy = base.absent(provider, 'TTT000001')
    assert changed and account['confirmed'] and cloud.devices['TTT000001']['owner'] is None
