# -*- coding: utf-8 -*-
# Copyright (c) camops.hikvision contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The decommission and transfer flows, written once.

Three pure parts, unit-tested without Ansible or a device:

- ``plan_secrets(cred, settings)``: from the stored credential record and the role's settings, before any
  request: the password to log in with and the one fallback, the new admin password and verification codes
  (generated with every character class), whether the configuration backup is due, and the record to store
  *before* anything is sent (the pending record), or none when no new secret is needed.
- ``plan_steps(pre, settings, session_password, new_password)``: from the preflight read, which steps run and
  the accounts kept and deleted.
- ``record_after(secrets, result)``: the record to store after the run, from what the device confirmed.

The executor (``Flow``) runs the steps on one login session (runner.run_step), in the order a careful
installer would: backup, a recorder's departing cameras off its channel list, cloud account and Hik-Connect,
ONVIF accounts, local accounts and the password rotation (verified with fresh logins), the verification read, the hand-over, the factory reset. A step that
fails stops the device; each step's outcome is one of done, already, not_supported, failed, skipped.
"""

import os
import random
import re
import string

from ansible_collections.camops.hikvision.plugins.module_utils import device_info
from ansible_collections.camops.hikvision.plugins.module_utils import platform as platform_mod
from ansible_collections.camops.hikvision.plugins.module_utils import specs
from ansible_collections.camops.hikvision.plugins.module_utils import users as users_mod
from ansible_collections.camops.hikvision.plugins.module_utils.isapi.api import DeviceUnreachableError, ISAPIError
from ansible_collections.camops.hikvision.plugins.module_utils.runner import Plan, Refusal, run_step
from ansible_collections.camops.hikvision.plugins.module_utils.steps import accounts as accounts_step
from ansible_collections.camops.hikvision.plugins.module_utils.steps import backup as backup_step
from ansible_collections.camops.hikvision.plugins.module_utils.steps import channels as channels_step
from ansible_collections.camops.hikvision.plugins.module_utils.steps import cloud_binding as cloud_step
from ansible_collections.camops.hikvision.plugins.module_utils.steps import reset as reset_step

STATUSES = ('none', 'pending', 'verified', 'factory_reset')
# Symbols every Hikvision firmware takes in a password and that need no quoting in XML, URLs or a shell word.
SYMBOLS = '-_.'
CLASSES = (string.ascii_lowercase, string.ascii_uppercase, string.digits, SYMBOLS)
PASSWORD_MIN = 8
PASSWORD_MAX = 64
CODE_LENGTH = platform_mod.CODE_MAX
STEPS = ('backup', 'channels', 'cloud', 'onvif_users', 'users', 'verify', 'handover', 'factory_reset')

_RANDOM = random.SystemRandom()


class FlowError(ValueError):
    """A setting or a stored record the flow cannot work with; the message is one sentence."""


def generate_password(length, rng=_RANDOM):
    """A random password of ``length`` characters with every character class (lower, upper, digit, symbol), so
    that it meets every device's rule (at least two classes; the strictest firmware asks for three)."""
    if not PASSWORD_MIN <= length <= PASSWORD_MAX:
        raise FlowError('the generated password length must be between %d and %d, got %s.'
                        % (PASSWORD_MIN, PASSWORD_MAX, length))
    chars = [rng.choice(kind) for kind in CLASSES]
    alphabet = ''.join(CLASSES)
    chars += [rng.choice(alphabet) for dummy in range(length - len(chars))]
    rng.shuffle(chars)
    return ''.join(chars)


def _text(value):
    return value if isinstance(value, str) and value else None


def plan_secrets(cred, settings, environ=None, rng=_RANDOM):
    """What the run logs in with and which new secrets it stores before sending them. ``cred`` is the store's
    record (keys: status, password, previous_password, verification_code, code_status); ``settings``: username,
    password (the inventory's; else HIKVISION_PASSWORD from ``environ``), new_password (empty: keep the stored
    one, or generate one), password_length, cloud (the Hik-Connect step may rotate the code), handover_code
    (transfer: the new owner's code), backup, login_only (the login rule only). Generated secrets are new at
    every call. Raises FlowError."""
    cred = cred if isinstance(cred, dict) else {}
    settings = settings if isinstance(settings, dict) else {}
    environ = os.environ if environ is None else environ
    status = cred.get('status') or 'none'
    if status not in STATUSES:
        raise FlowError('the credential store holds an unknown status %r for this device.' % status)
    username = settings.get('username') or environ.get('HIKVISION_USERNAME') or 'admin'
    result = dict(status=status, username=username, left_alone=status == 'factory_reset', store_pending={},
                  login_password=None, fallback_password=None, new_password=None, verification_code=None,
                  handover_code=None, code_update='on_change', backup=False)
    if status == 'factory_reset':
        return result
    stored, previous = _text(cred.get('password')), _text(cred.get('previous_password'))
    if status == 'pending':
        login, fallback = previous, stored
    elif status == 'verified':
        login, fallback = stored, None
    else:
        login, fallback = _text(settings.get('password')) or _text(environ.get('HIKVISION_PASSWORD')), None
    if login is None:
        raise FlowError('no password to log in with: give hik_password in the inventory, or HIKVISION_PASSWORD in '
                        'the environment (an AWX/AAP credential), or a complete credential store record.')
    if settings.get('login_only'):
        # A read (the audit) or the recorders' channel removal: the login rule only, no new secret.
        result.update(login_password=login, fallback_password=fallback if fallback != login else None)
        return result
    requested = _text(settings.get('new_password'))
    if status == 'pending' and requested and requested != stored:
        raise FlowError('the credential store holds a password rotation that an earlier run left unfinished, to '
                        'another password than the one asked now; run once with that rotation (no new password, '
                        'or the same one) before asking another, so that no password is lost.')
    if requested:
        new = requested
    elif status in ('pending', 'verified'):
        new = stored
    else:
        new = generate_password(int(settings.get('password_length') or 16), rng)
    problem = users_mod.password_problem(new, username)
    if problem:
        raise FlowError('refusing the new admin password: %s.' % problem)

    pending = {}
    if new != login and not (status == 'pending' and stored == new):
        pending.update(username=username, password=new, previous_password=login, status='pending')
    code = _text(cred.get('verification_code'))
    handover = _text(settings.get('handover_code'))
    if handover:
        problem = platform_mod.code_problem(handover)
        if problem:
            raise FlowError('refusing the new owner\'s verification code: %s.' % problem)
        if code != handover or cred.get('code_status') != 'set':
            pending.update(verification_code=handover, code_status='pending')
            result['code_update'] = 'always'  # it cannot be read back: written when not known to be set
    elif settings.get('cloud'):
        if code is None:
            code = platform_mod.generate_code(CODE_LENGTH, rng)
            pending['verification_code'] = code
    result.update(login_password=login, fallback_password=fallback if fallback != login else None,
                  new_password=new, verification_code=None if handover else code, handover_code=handover,
                  store_pending=pending, backup=bool(settings.get('backup')) and status != 'verified')
    return result


def plan_steps(pre, settings, session_password, new_password):
    """Which steps run, from the preflight read ``pre`` (hik_device_info's facts: device, users, onvif_users,
    cloud, notes) and the settings (username, keep_users, keep_onvif_users, cloud, provider, handover_code,
    factory_reset). The login account is always kept."""
    pre = pre if isinstance(pre, dict) else {}
    login = settings.get('username') or 'admin'
    keep_users = set(settings.get('keep_users') or [])
    keep_onvif = set(settings.get('keep_onvif_users') or [])
    users = [user.get('name') for user in pre.get('users') or []]
    onvif = [user.get('name') for user in pre.get('onvif_users') or []]
    cloud_on = (pre.get('cloud') or {}).get('enabled') is True
    handover = bool(settings.get('handover_code'))
    return dict(
        users_keep=[name for name in users if name in keep_users and name != login],
        users_delete=[name for name in users if name != login and name not in keep_users],
        onvif_keep=[name for name in onvif if name in keep_onvif],
        onvif_delete=[name for name in onvif if name not in keep_onvif],
        rotate=new_password != session_password,
        # The old owner's side: the device off the provider's account, and (no hand-over) access off.
        cloud_account=bool(settings.get('provider')) and (bool(settings.get('cloud')) or handover),
        cloud_off=bool(settings.get('cloud')) and not handover and cloud_on,
        handover=handover and 'cloud' in pre and pre.get('cloud') != {},
        factory_reset=bool(settings.get('factory_reset')),
    )


def record_after(secrets, result, check_mode=False):
    """(record, clear): what to merge into the device's credential record after the run, from what the device
    confirmed (``result``: hik_decommission's), and the keys to remove; ({}, []) when nothing is to be written.
    The new password becomes the verified one only when a login with it succeeded and the rotation, if any, did
    not fail."""
    if check_mode or not isinstance(result, dict) or not isinstance(secrets, dict) or secrets.get('left_alone'):
        return {}, []
    record, clear = {}, []
    status = secrets.get('status')
    steps = result.get('steps') or {}
    if result.get('password_in_use') == 'new_password':
        serial = (result.get('device') or {}).get('serial_number')
        if status != 'verified' or secrets.get('store_pending', {}).get('password'):
            record.update(username=secrets.get('username'), password=secrets.get('new_password'), status='verified')
            if serial:
                record['serial_number'] = serial
            clear.append('previous_password')
    handover = steps.get('handover') or {}
    if secrets.get('handover_code') and handover.get('outcome') in ('done', 'already') \
            and secrets.get('store_pending', {}).get('code_status') == 'pending':
        record['code_status'] = 'set'
    reset = steps.get('factory_reset') or {}
    if reset.get('reset') and reset.get('mode') == 'full':
        record['status'] = 'factory_reset'
    return record, clear


# ---- the executor: one device, one login session ----------------------------------------------------------

PREFLIGHT = frozenset(('device', 'capabilities', 'users', 'onvif_users', 'cloud'))
_SAFE_NAME = re.compile(r'[^A-Za-z0-9._-]')


def backup_path(directory, name, serial):
    """The backup file of a device: <directory>/<name>-<serial>.bin, the serial reduced to safe characters."""
    return os.path.join(directory, '%s-%s.bin' % (_SAFE_NAME.sub('_', name), _SAFE_NAME.sub('_', serial or 'unknown')))


def final_problems(final, plan, settings):
    """Why the device does not show the state the run wanted (only the kept accounts, access off), or []."""
    problems = []
    login = settings.get('username') or 'admin'
    users = sorted(user.get('name') for user in final.get('users') or [])
    wanted = sorted([login] + plan['users_keep'])
    if users != wanted:
        problems.append('local accounts are %s, not %s' % (', '.join(users) or 'none', ', '.join(wanted)))
    onvif = sorted(user.get('name') for user in final.get('onvif_users') or [])
    if onvif != sorted(plan['onvif_keep']):
        kept = ', '.join(sorted(plan['onvif_keep'])) or 'none'
        problems.append('ONVIF accounts are %s, not %s' % (', '.join(onvif) or 'none', kept))
    if settings.get('cloud') and not settings.get('handover_code') and (final.get('cloud') or {}).get('enabled'):
        problems.append('Hik-Connect access is still on')
    return problems


def settings_from_params(params):
    """The planner's settings from hik_decommission's options."""
    return dict(username=params['username'], keep_users=params['keep_users'],
                keep_onvif_users=params['keep_onvif_users'], cloud=params['cloud'], provider=params['provider'],
                handover_code=params['handover_verification_code'], factory_reset=params['factory_reset'])


def channel_entries(params):
    """hik_decommission's remove_channels as hik_camera_channel's entries (state absent), checked as that module
    checks them (steps/channels.wanted_entries); ValueError, in one sentence, for an entry that selects nothing."""
    entries = []
    for item in params.get('remove_channels') or []:
        entry = dict((key, None) for key in specs.CHANNEL_FIELDS)
        entry.update((key, value) for key, value in item.items() if key in specs.CHANNEL_SELECT)
        entry['state'] = 'absent'
        entries.append(entry)
    channels_step.wanted_entries(dict(channels=entries, state='absent', update_password=None))
    return entries


def params_problem(params):
    """Why hik_decommission's options cannot work, in one sentence, or None (checked before any request)."""
    if params.get('credential_store'):
        # The action plugin reads and writes the store on the controller and never passes the option on.
        return ('credential_store reached the module, so its action plugin (which reads and writes the store on the '
                'controller) did not run; nothing was sent.')
    if not params['new_password']:
        return 'new_password is required without credential_store; nothing was sent.'
    problem = users_mod.password_problem(params['new_password'], params['username'])
    if problem:
        return 'Refusing the new password: %s; nothing was sent.' % problem
    for option in ('verification_code', 'handover_verification_code'):
        if params[option] is not None:
            problem = platform_mod.code_problem(params[option])
            if problem:
                return 'Refusing %s: %s; nothing was sent.' % (option, problem)
    if params['factory_reset'] and not (params['confirm_serial'] or '').strip():
        return 'factory_reset needs confirm_serial (the serial number the device must report); nothing was sent.'
    if params['backup'] and not (params['backup_dir'] and params['backup_name']):
        return 'backup needs backup_dir and backup_name; nothing was sent.'
    try:
        channel_entries(params)
    except ValueError as exc:
        return 'Refusing remove_channels: %s Nothing was sent.' % str(exc)
    return None


class Flow(object):
    """One device's decommission (or transfer) on one login session. ``run(runner)`` is the plan function
    that runner.execute calls: every step does its own check mode (runner.run_step)."""

    def __init__(self, runner, settings):
        self.runner = runner
        self.params = runner.params
        self.settings = settings
        self.result = runner.result
        self.session_password = None

    def step_params(self, module, **values):
        params = dict((key, spec.get('default')) for key, spec in specs.module_args(module)['argument_spec'].items())
        for key in specs.CONNECTION:
            params[key] = self.params[key]
        params['password'] = self.session_password
        params['nonce_max_uses'] = self.runner.nonce_max_uses()
        params.update(values)
        return params

    def step(self, name, module, plan, apply=None, **values):
        outcome, result = run_step(self.runner, self.step_params(module, **values), plan, apply)
        unsupported = any(result.get(key) is False for key in ('onvif_supported', 'cloud_supported', 'channels_supported'))
        if outcome != 'failed' and unsupported and not result.get('changed'):
            outcome = 'not_supported'
        result['outcome'] = outcome
        self.result['steps'][name] = result
        return outcome, result

    def stop(self, name, result):
        self.result['failed_step'] = name
        raise Refusal(result.get('msg') or '%s failed.' % name)

    def run(self, runner):
        params = self.params
        settings = self.settings
        self.result['steps'] = dict((name, dict(outcome='skipped')) for name in STEPS)
        self.result['failed_step'] = ''
        problem = params_problem(params)
        if problem:
            raise Refusal(problem)
        try:
            pre = runner.login(lambda client: device_info.gather(client, PREFLIGHT),
                               fallback=params['fallback_password'])
        except ISAPIError as exc:
            self.result['failed_step'] = 'preflight'
            # Nothing was sent but reads: a device that cannot be reached is unreachable to Ansible and AWX.
            raise Refusal(str(exc), error=exc.to_dict(), unreachable=isinstance(exc, DeviceUnreachableError))
        fallback = runner.used_fallback
        self.session_password = params['fallback_password'] if fallback else params['password']
        self.result['password_in_use'] = ('new_password' if self.session_password == params['new_password']
                                          else 'fallback_password' if fallback else 'password')
        self.result['nonce_max_uses'] = runner.nonce_max_uses()
        self.result['device'] = pre.get('device') or {}
        self.result['found'] = dict((key, pre[key]) for key in ('users', 'onvif_users', 'cloud', 'notes') if key in pre)
        runner.seed_capabilities(pre.get('capabilities'))
        # A list the preflight could not read (a note says why) is not handed on as empty: the step reads it
        # itself, and fails where the device does not answer, instead of planning from nothing.
        unreadable = set(str(note).split(':', 1)[0] for note in pre.get('notes') or [])
        if pre.get('users') and 'users' not in unreadable:
            runner.prefetched['device'] = pre['users']
        if 'onvif_users' in pre and 'onvif_users' not in unreadable:
            runner.prefetched['onvif'] = pre['onvif_users']
        if pre.get('cloud') and 'cloud' not in unreadable:
            runner.prefetched['cloud'] = pre['cloud']
        runner.prefetched['device_info'] = self.result['device']
        plan = plan_steps(pre, settings, self.session_password, params['new_password'])
        self.result['plan'] = dict((key, value) for key, value in plan.items() if key != 'rotate')
        final = dict(users=pre.get('users'), onvif_users=pre.get('onvif_users'), cloud=pre.get('cloud'))
        unread = set()

        if params['backup']:
            dest = backup_path(params['backup_dir'], params['backup_name'], self.result['device'].get('serial_number'))
            outcome, result = self.step('backup', 'hik_config_backup', backup_step.plan, backup_step.apply, dest=dest)
            result.setdefault('dest', dest)
            if outcome == 'failed':
                if params['backup_required']:
                    self.stop('backup', result)
                runner.warn('%s: the configuration backup failed and backup_required is false, so the run goes on '
                            'without it: %s' % (runner.client.label, result.get('msg')))

        channels = channel_entries(params)
        if channels:
            # A departing recorder's departing cameras, in its own session (the recorders' play does the others).
            outcome, result = self.step('channels', 'hik_camera_channel', channels_step.plan, channels_step.apply,
                                        state='absent', channels=channels)
            if outcome == 'failed':
                self.stop('channels', result)

        if plan['cloud_account'] or plan['cloud_off']:
            outcome, result = self.cloud_absent(pre, plan)
            if outcome == 'failed':
                self.stop('cloud', result)
            if result.get('cloud_after') is not None:
                final['cloud'] = result['cloud_after']

        if plan['onvif_delete']:
            accounts = accounts_step.Accounts()
            outcome, result = self.step('onvif_users', 'hik_user', accounts.plan, accounts.apply, account_type='onvif',
                                        purge=True,
                                        users=[_entry(name) for name in plan['onvif_keep']])
            if outcome == 'failed':
                self.stop('onvif_users', result)
            unread.add('onvif_users')

        if plan['rotate'] or plan['users_delete']:
            login = settings.get('username') or 'admin'
            accounts = accounts_step.Accounts()
            outcome, result = self.step('users', 'hik_user', accounts.plan, accounts.apply, purge=True,
                                        verify_old_rejected=True,
                                        users=[_entry(login, params['new_password'])]
                                        + [_entry(name) for name in plan['users_keep']])
            if outcome == 'failed':
                self.stop('users', result)
            if plan['rotate'] and not runner.check_mode:
                self.session_password = params['new_password']
                self.result['password_in_use'] = 'new_password'
                final['users'] = result.get('users')  # the new password's own login read them
            else:
                unread.add('users')

        if not runner.check_mode:
            self.verify(final, unread, plan)

        if plan['handover'] or settings.get('handover_code'):
            self.handover(plan)

        if plan['factory_reset']:
            outcome, result = self.step('factory_reset', 'hik_factory_reset', reset_step.plan, reset_step.apply,
                                        mode=params['factory_reset_mode'], confirm_serial=params['confirm_serial'],
                                        wait=params['wait'], wait_timeout=params['wait_timeout'])
            result.setdefault('reset', False)
            result.setdefault('mode', params['factory_reset_mode'])
            if outcome == 'failed':
                self.stop('factory_reset', result)
        return Plan(changed=any(step.get('changed') for step in self.result['steps'].values()))

    def cloud_absent(self, pre, plan):
        params = self.params
        cloud_on = (pre.get('cloud') or {}).get('enabled') is True
        values = dict(state='absent', shares=params['shares'], fail_if_not_owner=params['fail_if_not_owner'],
                      serial_number=params['cloud_serial'],
                      verification_code=params['verification_code'] if cloud_on and plan['cloud_off'] else None)
        for key in specs.CLOUD:
            values[key] = params[key]
        if not plan['cloud_off']:
            # The hand-over switches access on with the new owner's code: only the old owner's account is left.
            values.update(host=None, serial_number=params['cloud_serial']
                          or (pre.get('device') or {}).get('sub_serial_number'))
        binding = cloud_step.Binding()
        try:
            return self.step('cloud', 'hik_cloud_binding', binding.plan, binding.apply, **values)
        finally:
            binding.close()

    def verify(self, final, unread, plan):
        """Read back with the session's (new) password what the run changed and no login has read since, then
        check that only the kept accounts are left and access is off."""
        runner = self.runner
        result = dict(changed=False, read=sorted(unread))
        try:
            if 'users' in unread:
                final['users'] = users_mod.read_users(runner.client, 'device')
            if 'onvif_users' in unread:
                final['onvif_users'] = users_mod.read_users(runner.client, 'onvif')
        except ISAPIError as exc:
            result.update(outcome='failed', msg=str(exc), error=exc.to_dict())
            self.result['steps']['verify'] = result
            self.stop('verify', result)
        problems = final_problems(final, plan, self.settings)
        # An account the device answered OK to deleting and still has was not deleted: the step's record says
        # what the device shows, not what it answered.
        for step, key in (('users', 'users'), ('onvif_users', 'onvif_users')):
            record = self.result['steps'].get(step)
            present = set(user.get('name') for user in final.get(key) or [])
            still = [name for name in (record or {}).get('deleted') or [] if name in present]
            if still:
                record['deleted'] = [name for name in record['deleted'] if name not in present]
                record['still_present'] = still
        result['outcome'] = 'failed' if problems else 'done'
        if problems:
            result['msg'] = ('%s: the device does not show the decommissioned state after the run: %s.'
                             % (runner.client.label, '; '.join(problems)))
        self.result['steps']['verify'] = result
        if problems:
            self.stop('verify', result)

    def handover(self, plan):
        params = self.params
        if not plan['handover']:
            self.result['steps']['handover'] = dict(
                outcome='not_supported', changed=False,
                notes=['no Hik-Connect on this device, so the new owner\'s code was not set'])
            return
        binding = cloud_step.Binding()
        outcome, result = self.step('handover', 'hik_cloud_binding', binding.plan, binding.apply, state='present',
                                    verification_code=params['handover_verification_code'],
                                    update_verification_code=params['handover_update_code'],
                                    wait_registered=params['wait_registered'], wait_timeout=params['wait_timeout'])
        result['summary'] = "Hik-Connect on with the new owner's code"
        if outcome == 'failed':
            self.stop('handover', result)


def _entry(name, password=None):
    return dict(name=name, state=None, configured_password=password, level=None, update_password=None)
