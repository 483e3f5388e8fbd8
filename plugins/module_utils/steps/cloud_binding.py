# -*- coding: utf-8 -*-
# Copyright (c) camops.hikvision contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Hik-Connect on the device and the device in a cloud account: the plan and apply of hik_cloud_binding,
also a step of the decommission and transfer flows (flow.py)."""

from ansible_collections.camops.hikvision.plugins.module_utils import platform as platform_mod
from ansible_collections.camops.hikvision.plugins.module_utils import system as system_mod
from ansible_collections.camops.hikvision.plugins.module_utils.cloud import base as cloud_base
from ansible_collections.camops.hikvision.plugins.module_utils.cloud.providers import (
    provider_from_params, serial_problem,
)
from ansible_collections.camops.hikvision.plugins.module_utils.isapi.api import NotSupportedError, xml_text
from ansible_collections.camops.hikvision.plugins.module_utils.runner import Plan, Refusal

STILL_LISTED = ("The device still reports bind_status 'bind': the previous owner's Hik-Connect account lists it "
                "until it is deleted there (in the app or through a cloud provider); with platform access off and "
                "the code rotated, that account can no longer reach it.")


def account_binding(state, cloud_account=None):
    provider = cloud_account['provider'] if cloud_account and cloud_account.get('deleted') else None
    bind = state.get('bind_status')
    if bind == 'bind' and provider:
        return dict(status='bound', provider=provider,
                    message='Deleted from the %s account; the device still reports bind until it next syncs with '
                            'the cloud (it is offline to the cloud or access is off).' % provider)
    if bind == 'bind':
        return dict(status='bound', provider=None, message="The previous owner's account still lists the device.")
    if bind == 'unbind':
        return dict(status='unbound', provider=provider, message='No cloud account holds the device.')
    return dict(status='unknown', provider=provider, message='The device does not report its account binding.')


def check_params(params):
    """Everything that can be refused before any request; returns the cloud provider, if one is given."""
    state = params['state']
    code = params['verification_code']
    if code is not None:
        problem = platform_mod.code_problem(code)
        if problem:
            raise Refusal('Refusing to send a bad verification code: %s.' % problem)
    if params['rotate_verification_code'] and state != 'absent':
        raise Refusal('rotate_verification_code applies to state=absent; give verification_code for state=present.')
    if params['serial_number'] is not None:
        problem = serial_problem(params['serial_number'])
        if problem:
            raise Refusal('%s.' % problem)
        params['serial_number'] = params['serial_number'].upper()
    if not params['host']:
        if not (params['provider'] and params['serial_number']):
            raise Refusal('host is required, unless provider and serial_number are given for a cloud-only run.')
        device_only = [k for k in ('verification_code', 'rotate_verification_code', 'wait_registered') if params[k]]
        if device_only:
            raise Refusal('%s act on the device; give host as well.' % ', '.join(device_only))
    if not params['provider']:
        return None
    if state != 'absent':
        raise Refusal('provider supports state=absent only (adding a device to an account is not part of this '
                      'module).')
    try:
        return provider_from_params(params)
    except ValueError as exc:
        raise Refusal(str(exc))


def device_serial(runner):
    """The cloud serial: serial_number, checked against what the device reports, or read from it."""
    client = runner.client
    if 'device_info' in runner.prefetched:
        reported = runner.prefetched['device_info'].get('sub_serial_number')  # the flow's preflight read it
    else:
        reported = xml_text(client.get(system_mod.DEVICE_INFO_PATH).get('subSerialNumber'))
    given = runner.params['serial_number']
    if given and reported and given != reported.upper():
        raise Refusal('%s reports cloud serial %s, not serial_number %s; refusing to change the account.'
                      % (client.label, reported.upper(), given))
    if given or reported:
        return given or reported.upper()
    raise Refusal('%s does not report its cloud serial (subSerialNumber); give serial_number (the 9 characters on '
                  'the label).' % client.label)


def requests_summary(provider):
    return dict(calls=provider.calls, writes=provider.writes, token_fetches=provider.token_fetches,
                retries=provider.retried, codes=provider.codes)


def cloud_diff(account):
    held = account['owner'] == cloud_base.OWNER_THIS and account['found']
    before = dict(in_account=held, shares=sorted('%s:%s' % (s['kind'], s['principal']) for s in account['shares']))
    removed = set('%s:%s' % (s['kind'], s['principal']) for s in account['shares_removed'])
    after = dict(in_account=held and not account['deleted'],
                 shares=[s for s in before['shares'] if s not in removed])
    return before, after


def read_platform(runner, fresh=False):
    """(state, why): the device's platform access, or (None, the reason) when the device has none.

    The capabilities are read first: a device whose capabilities say isSupportEZVIZ false is not asked for the
    EZVIZ path at all. One whose capabilities are silent is asked, and a not-supported answer means the same."""
    if runner.capabilities().get('cloud_platform') is False:
        return None, 'its capabilities say isSupportEZVIZ false'
    if not fresh and runner.prefetched.get('cloud'):
        return runner.prefetched['cloud'], None  # the flow's preflight read it on this session
    try:
        return platform_mod.read_cloud(runner.client), None
    except NotSupportedError as exc:
        return None, '%s answered HTTP %s' % (exc.path, exc.http_status)


class BindingRun(object):
    """One run of hik_cloud_binding: the account side (the provider's own algorithm, docs/cloud-apis.md 9.2, whose
    lookups and deletes interleave, so it runs whole: in the plan in check mode, in the apply otherwise) and the
    device side (a plan of PUTs on the EZVIZ path, then its read-back)."""

    def __init__(self, runner, provider):
        self.runner = runner
        self.params = runner.params
        self.provider = provider
        self.serial = self.params['serial_number']
        self.account = None
        if provider is not None:
            runner.changed_elsewhere = lambda: bool(provider.writes)

    def cloud_step(self, check_mode):
        """The account side: returns True when it changed (or would)."""
        params = self.params
        provider = self.provider
        try:
            changed, account, warnings = cloud_base.absent(provider, self.serial,
                                                           remove_shares=params['shares'] == 'remove',
                                                           check_mode=check_mode,
                                                           fail_if_not_owner=params['fail_if_not_owner'])
        except cloud_base.CloudError as exc:
            raise Refusal(str(exc), error=exc.to_dict(), cloud_requests=requests_summary(provider))
        account['requests'] = requests_summary(provider)
        self.account = account
        self.runner.result['cloud_account'] = account
        for warning in warnings:
            self.runner.warn(warning)
        return changed

    def plan(self, runner):
        params = self.params
        if params['host']:
            runner.result['verification_code_changed'] = False
            runner.connect()
            if self.provider is not None:
                self.serial = device_serial(runner)
        if self.provider is not None and not runner.check_mode:
            # The account side goes first and the device is read after it (a device still online learns of
            # the delete at its next cloud sync), so apply does both and says whether anything changed.
            return Plan(changed=True, device=None)
        cloud_changed = self.cloud_step(check_mode=True) if self.provider is not None else False
        device = self.plan_device() if params['host'] else None
        planned = Plan(changed=cloud_changed or bool(device and (device['change_access'] or device['write_code'])),
                       device=device)
        # Apply runs only for a change outside check mode; otherwise this is the last word.
        self.finish(planned, final=runner.check_mode or not planned.changed)
        return planned

    def apply(self, runner, planned):
        changed = False
        device = planned.data['device']
        if self.provider is not None:
            changed = self.cloud_step(check_mode=False)
            if self.params['host']:
                device = planned.data['device'] = self.plan_device()
        if device is not None and device['writes']:
            self.apply_device(device)
        changed = changed or bool(device and (device['change_access'] or device['write_code']))
        planned.changed = bool(changed)
        self.finish(planned, final=True)

    def plan_device(self):
        """Platform access on the device: the plan, or None when the device has none (then what is asked
        already holds for state=absent)."""
        runner = self.runner
        result = runner.result
        params = self.params
        state = params['state']
        code = params['verification_code']
        client = runner.client
        # Read again after a cloud account's delete: the device learns of it only then.
        before, why = read_platform(runner, fresh=self.provider is not None)
        result['cloud_supported'] = before is not None
        if before is None:
            if state == 'present':
                raise Refusal('%s: the device does not offer Hik-Connect (EZVIZ) platform access (%s), so it cannot '
                              'be switched on.' % (client.label, why))
            result['notes'] = ['no Hik-Connect on this device (%s)' % why]
            result['cloud_before'] = result['cloud_after'] = {}
            return dict(before={}, after={}, change_access=False, write_code=False, writes=[], code=None)
        result['cloud_before'] = before
        try:
            device = platform_mod.plan_platform(state, before, code, rotate=params['rotate_verification_code'],
                                                always=params['update_verification_code'] == 'always')
        except ValueError as exc:
            raise Refusal('%s: %s.' % (client.label, exc))
        if device['write_code']:
            low, high = platform_mod.code_limits(client.get_optional(platform_mod.EZVIZ_CAPABILITIES_PATH))
            if device['generate']:
                code = platform_mod.generate_code(high)
            problem = platform_mod.code_problem(code, low, high)
            if problem:
                raise Refusal('%s: the device refuses this verification code: %s.' % (client.label, problem))
            if device['generate']:
                result['verification_code'] = code
        result['verification_code_changed'] = device['write_code']
        if runner.check_mode or not device['writes']:
            result['cloud_after'] = device['after']  # the prediction; outside check mode the read-back replaces it
        else:
            result.pop('cloud_after', None)  # a write that fails leaves no prediction behind to be taken as done
        device.update(before=before, code=code)
        if not device['writes'] and not runner.check_mode:
            self.read_back(device)  # nothing to write: the wait for registration, if asked, is all there is
        return device

    def apply_device(self, device):
        client = self.runner.client
        for enabled, with_code in device['writes']:
            platform_mod.set_enabled(client, enabled, device['code'] if with_code else None)
        self.read_back(device)

    def read_back(self, device):
        """The device's state after the writes, or, with wait_registered, once it has registered (reads only;
        waited for even when nothing was written)."""
        runner = self.runner
        client = runner.client
        params = self.params
        if params['state'] == 'present' and params['wait_registered']:
            # The wait's first poll is the read-back.
            after, waited = platform_mod.wait_registered(client, params['wait_timeout'])
            runner.result['waited'] = waited
            if not after.get('registered'):
                raise Refusal('%s: platform access is on but the device did not register with the cloud within '
                              '%s s.' % (client.label, params['wait_timeout']), cloud_after=after)
        elif device['writes']:
            after = platform_mod.read_cloud(client)
        else:
            return
        device['after'] = after
        runner.result['cloud_after'] = after

    def finish(self, planned, final):
        """The account binding, the warning for a device still listed (once: on the ``final`` call), and the
        diff's before and after."""
        result = self.runner.result
        account = self.account
        device = planned.data['device']
        before, after = dict(), dict()
        if device is not None:
            result['account_binding'] = account_binding(device['after'], account)
            if final and self.params['state'] == 'absent' and device['after'].get('bind_status') == 'bind' and \
                    not (account and account['deleted']):
                self.runner.warn(STILL_LISTED)
            keys = ('enabled', 'registered', 'bind_status')
            before = dict((k, device['before'].get(k)) for k in keys)
            after = dict((k, device['after'].get(k)) for k in keys)
        if account:
            before['cloud_account'], after['cloud_account'] = cloud_diff(account)
        elif device is None:
            return  # the account side has not run yet
        planned.before, planned.after = before, after


class Binding(object):
    """hik_cloud_binding as a plan/apply pair for a runner: the options' refusals come first, when the plan
    starts (before any request); ``close`` ends the cloud provider's session, if one was opened."""

    def __init__(self):
        self.run = None

    def plan(self, runner):
        self.run = BindingRun(runner, check_params(runner.params))
        return self.run.plan(runner)

    def apply(self, runner, planned):
        self.run.apply(runner, planned)

    def close(self):
        if self.run is not None and self.run.provider is not None:
            self.run.provider.close()
