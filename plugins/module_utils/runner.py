# -*- coding: utf-8 -*-
# Copyright (c) camops.hikvision contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What every device module does, written once (the way netbox.netbox's base module gives every module check
and diff mode): the connection options checked before any request, the clients' lifetime and the Digest
nonce limit they learn, the login with at most one fallback password, the capabilities read once, check mode,
a diff without secrets, and one sentence for every failure with an honest ``changed``.

A module is its options (specs.py), its documentation, and a plan/apply pair::

    def plan(runner):      # reads only; returns a Plan (changed, before/after for the diff)
    def apply(runner, plan):  # the writes; never called in check mode or when nothing is to change

    Runner(module, result=dict(...)).execute(plan, apply)

The lockout rule lives here: a password the device refused is never sent again, and a run makes at most one
deliberate extra login (with a fallback password, a rotation that an earlier run may already have done);
a device that says it is locked gets nothing more.
"""

import ipaddress
import re

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.camops.hikvision.plugins.module_utils import system as system_mod
from ansible_collections.camops.hikvision.plugins.module_utils import users as users_mod
from ansible_collections.camops.hikvision.plugins.module_utils.refused import RefusedPasswords
from ansible_collections.camops.hikvision.plugins.module_utils.isapi.api import (
    HAS_REQUESTS, HAS_XMLTODICT, REQUESTS_IMPORT_ERROR, XMLTODICT_IMPORT_ERROR,
    AuthenticationError, ISAPIClient, ISAPIError, LockedOutError,
)

_UNREAD = object()


class Refusal(Exception):
    """A module's one-sentence refusal (an input the device cannot take, a guard that holds): the module fails
    with the result so far; ``extra`` is added to it."""

    def __init__(self, msg, **extra):
        Exception.__init__(self, msg)
        self.extra = extra


class Plan(object):
    """What a module's plan found: whether anything is to change, the diff's ``before`` and ``after`` (no
    secrets; None for a module without a diff) and whatever the module's apply needs (``data``)."""

    def __init__(self, changed=False, before=None, after=None, **data):
        self.changed = bool(changed)
        self.before = before
        self.after = after
        self.data = data


def check_libraries(module):
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib('requests'), exception=str(REQUESTS_IMPORT_ERROR))
    if not HAS_XMLTODICT:
        module.fail_json(msg=missing_required_lib('xmltodict'), exception=str(XMLTODICT_IMPORT_ERROR))


_HOST_NAME = re.compile(r'^(?=.{1,253}$)[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?'
                        r'(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?)*\.?$')


def host_problem(host, what='device'):
    """Why ``host`` is not the address of a ``what`` (an IP address or an ASCII host name, nothing else), or None."""
    if host is None or not host.strip():
        return 'host must not be empty; give the %s\'s IP address or host name.' % what
    try:
        ipaddress.ip_address(host[1:-1] if host.startswith('[') and host.endswith(']') else host)
        return None
    except ValueError:
        pass
    if _HOST_NAME.match(host):
        return None
    return ('host must be an IP address or an ASCII host name, without a scheme, port, path or spaces (the port is '
            'the port option), got %r.' % host)


def connection_problem(params, what='device'):
    """Why the connection options cannot work, in one sentence, or None. ``params`` has host, port and timeout,
    and may have nonce_max_uses, username and password (a ``what`` other than a device: a HikCentral server)."""
    problem = host_problem(params['host'], what)
    if problem:
        return problem
    if params['timeout'] <= 0:
        return 'timeout must be a positive number of seconds, got %s.' % params['timeout']
    if params['port'] is not None and not 0 < params['port'] < 65536:
        return 'port must be between 1 and 65535, got %s.' % params['port']
    if params.get('nonce_max_uses') is not None and params['nonce_max_uses'] < 1:
        return 'nonce_max_uses must be at least 1, got %s.' % params['nonce_max_uses']
    for option in ('username', 'password'):
        problem = users_mod.ascii_problem(params.get(option), option)
        if problem:
            return '%s; nothing was sent.' % problem
    return None


def nonce_limit_warning(client, limit):
    """What a module says when the device refused a Digest nonce's next use (ISAPIAuth learned the limit)."""
    return ('%s: the device accepts a Digest nonce for %d request(s) and refused the next one without a new challenge '
            '(a nonce limit, not a wrong password), so the client fetched a new nonce and sent the request again; '
            'set nonce_max_uses: %d for this device (hik_nonce_max_uses in the roles\' inventory) so that none of '
            'its requests is refused, since it may count a refusal as a failed login.' % (client.label, limit, limit))


class Runner(object):
    """One module run against one device. ``client`` is the client of the password that worked; ``result`` is
    the module's result, kept by the runner so that a failure reports what was done before it."""

    def __init__(self, module, result=None):
        self.module = module
        self.params = module.params
        self.check_mode = bool(getattr(module, 'check_mode', False))
        # AnsibleModule sets _diff from the task's diff mode (the in-process stand-in does the same).
        self.diff_mode = bool(getattr(module, '_diff', False))
        self.result = dict(changed=False) if result is None else result
        self.result.setdefault('changed', False)
        self.client = None
        self.clients = []
        self.used_fallback = False
        self.changed_elsewhere = lambda: False  # a change the run made outside the device (a cloud account)
        self._capabilities = _UNREAD
        self._passwords = {}  # id(client) -> the password it sends
        # What this run has read already (a flow's preflight): {'users': [...], 'onvif_users': [...]}; a step
        # takes its read from here instead of asking the device again.
        self.prefetched = {}
        directory = self.params.get('refused_password_dir')
        self.refusals = RefusedPasswords(directory, self.params.get('host'), self.params.get('port'),
                                         self.params.get('username')) if directory else None

    # ---- the run -------------------------------------------------------------------------------------------
    def execute(self, plan, apply=None, needs_device=True):
        """Run the module: ``plan(runner)`` (reads only) returns a Plan; ``apply(runner, plan)`` makes it so,
        except in check mode. ``changed`` is the plan's (apply may set ``plan.changed`` to what it found); a
        failure is one sentence with ``changed`` true only when a write was acknowledged or may have been
        applied. Ends the module (exit_json or fail_json)."""
        check_libraries(self.module)
        if self.params.get('wait_timeout') is not None and self.params['wait_timeout'] <= 0:
            self.module.fail_json(msg='wait_timeout must be a positive number of seconds.', **self.result)
        if needs_device:
            problem = connection_problem(self.params)
            if problem:
                self.module.fail_json(msg=problem, **self.result)
        try:
            planned = self.plan_and_apply(plan, apply)
            if self.diff_mode and planned.before is not None:
                self.result['diff'] = dict(before=planned.before, after=planned.after)
            self.report_reboot_required()
        except Refusal as refusal:
            self.fail(str(refusal), **refusal.extra)
        except ISAPIError as exc:
            self.fail(str(exc), error=exc.to_dict())
        finally:
            self.close()
        self.module.exit_json(**self.result)

    def plan_and_apply(self, plan, apply):
        """``plan(self)``, then ``apply(self, planned)`` when it found a change and the run is not in check mode;
        ``changed`` is the plan's, or what apply set it to. Returns the plan."""
        planned = plan(self)
        self.result['changed'] = planned.changed
        if planned.changed and apply is not None and not self.check_mode:
            apply(self, planned)
            self.result['changed'] = planned.changed
        return planned

    def fail(self, msg, **extra):
        """Fail the module with one sentence. ``changed`` is true when a write was acknowledged or may have
        been applied (its answer lost), never for writes the device refused; ``write_state`` says which."""
        state = self.write_state()
        result = dict(self.result, **extra)
        result['changed'] = state != 'none' or bool(self.changed_elsewhere())
        result['write_state'] = state
        self.close()
        if result.get('unreachable') and not result['changed']:
            # Not a failed task but an unreachable host, as Ansible, AWX and the retry files count them.
            self.module.exit_json(msg=msg, **result)
        result.pop('unreachable', None)
        self.module.fail_json(msg=msg, **result)

    def warn(self, warning):
        self.module.warn(warning)

    def report_reboot_required(self):
        """Writes the device accepted with statusCode 7 (Reboot Required): ``reboot_required`` and a warning."""
        pending = [write for client in self.clients for write in client.reboot_required]
        if pending:
            self.result['reboot_required'] = True
            self.warn('%s: the device applied %s with statusCode 7 (Reboot Required): the change takes effect after '
                      'the device restarts (camops.hikvision.hik_reboot).' % (self.clients[0].label, ', '.join(pending)))

    # ---- clients -------------------------------------------------------------------------------------------
    def new_client(self, password=None, **overrides):
        """A client for the module's device that the run does not keep (a liveness probe)."""
        params = self.params
        kwargs = dict(
            host=params['host'], port=params['port'], protocol=params['protocol'], username=params['username'],
            password=params['password'] if password is None else password,
            validate_certs=params['validate_certs'], ca_path=params['ca_path'], timeout=params['timeout'],
            nonce_max_uses=self.nonce_max_uses(),
            on_nonce_limit=lambda client, limit: self.warn(nonce_limit_warning(client, limit)),
        )
        kwargs.update(overrides)
        return ISAPIClient(**kwargs)

    def connect(self, password=None, **overrides):
        """A new client of the run (the connection password unless ``password`` is given); the first one is
        the run's ``client``. Each starts with the lowest nonce limit an earlier client of the run learned.
        A password the device refused before (refused_password_dir) is not sent: AuthenticationError."""
        client = self.new_client(password=password, **overrides)
        sent = self.params['password'] if password is None else password
        when = self.refusals.when_refused(sent) if self.refusals is not None else None
        if when:
            raise AuthenticationError(
                '%s: the device refused this password for %r at %s (remembered as a salted hash in %s); it is not '
                'sent again until the password given changes, so nothing was sent.'
                % (client.label, self.params['username'], when, self.refusals.directory), host=client.label)
        self._passwords[id(client)] = sent
        self.clients.append(client)
        if self.client is None:
            self.client = client
        return client

    def nonce_max_uses(self):
        """The Digest nonce limit for the run's next client: the configured one, or the lowest that a client
        of this run learned from the device, so that one device refusal is enough."""
        limits = [client.nonce_max_uses for client in self.clients] + [self.params['nonce_max_uses']]
        limits = [limit for limit in limits if limit]
        return min(limits) if limits else None

    def login(self, read, fallback=None, login_name=None):
        """``read(client)`` with the connection password; when the device refuses that password (and does not
        say it is locked) and a different ``fallback`` is given, once more with the fallback. At most one
        refused login per run. Returns what ``read`` returned; ``used_fallback`` says which password worked.
        A connection password the device refused in an earlier run (refused_password_dir) is not sent: the
        fallback goes first."""
        primary = self.params['password']
        if fallback and fallback != primary and self.refusals is not None and self.refusals.when_refused(primary) \
                and not self.refusals.when_refused(fallback):
            self.client = self.connect(password=fallback)
            self.used_fallback = True
            try:
                return read(self.client)
            except AuthenticationError:
                self.used_fallback = False
                raise
        self.client = self.connect()
        try:
            return read(self.client)
        except LockedOutError:
            raise
        except AuthenticationError as refused:
            if not fallback or fallback == self.params['password']:
                raise
            self.client.close()
            self.client = self.connect(password=fallback)
            self.used_fallback = True  # from here on the fallback is the password in use, unless refused too
            try:
                return read(self.client)
            except AuthenticationError as second:
                self.used_fallback = False
                if isinstance(second, LockedOutError):
                    raise
                raise AuthenticationError(
                    '%s: the device refused both the connection password and the fallback password for %r (one '
                    'login each); nothing was changed and no further login was attempted.'
                    % (refused.host, login_name or self.params['username']),
                    host=refused.host, method=second.method, path=second.path, http_status=401,
                    retry_login_time=second.retry_login_time)

    def seed_capabilities(self, capabilities):
        """Capabilities this run has read already (a flow's preflight), so that no step reads them again."""
        self._capabilities = capabilities or {}

    def capabilities(self):
        """The device's parsed capabilities, read once per run; {} when it offers none."""
        if self._capabilities is _UNREAD:
            self._capabilities = system_mod.read_capabilities(self.client or self.connect()) or {}
        return self._capabilities

    def restart(self, path, sent, params=None):
        """PUT the restart request (reboot, factory reset), record ``sent`` in the result (so that a failed
        wait still reports the request) and, with wait=true, wait until the device answers again
        (``went_down`` and ``elapsed`` go into the result). The run's client becomes a fresh one: the old
        session died with the device."""
        self.client.request('PUT', path, params=params)
        self.result.update(sent)
        self.client.close()
        if self.params['wait']:
            timeout = min(self.params['timeout'], 3)
            went_down, elapsed = system_mod.wait_for_restart(
                lambda: self.new_client(timeout=timeout, read_retries=0, busy_retries=0),
                self.params['wait_timeout'], label=self.client.label)
            self.result.update(went_down=went_down, elapsed=elapsed)
        # A new session: the old one died with the device (a flow's step would otherwise be handed the old client).
        self.client = self.connect(password=self.params['password'])
        return self.client

    def writes(self):
        """(acknowledged, unanswered): the run's writes so far, over all its clients."""
        return (sum(client.writes_acknowledged for client in self.clients),
                sum(client.writes_unanswered for client in self.clients))

    def write_state(self, since=(0, 0)):
        """What the run's writes (those after ``since``, a ``writes()`` of earlier) did to the device, as far as
        it is known: ``none`` (none was applied: none was sent, or the device refused each), ``confirmed`` (every
        one that may have been applied was acknowledged) or ``unconfirmed`` (the answer to at least one never
        came, so it may have been applied)."""
        acknowledged, unanswered = self.writes()
        if unanswered > since[1]:
            return 'unconfirmed'
        if acknowledged > since[0]:
            return 'confirmed'
        return 'none'

    def close(self):
        for client in self.clients:
            client.close()
            if self.refusals is not None and client.refused_login:
                # Remembered so that no later run sends it again (close runs on every exit of the run).
                self.refusals.remember(self._passwords.get(id(client)))


class StepRunner(Runner):
    """One step of a flow (hik_decommission): a module's plan/apply on the flow's login session. It shares the
    flow's clients, capabilities and refused-password memory, has the step's own options (``params``) and
    result, and does not log in again: the session's client is the one every step uses."""

    def __init__(self, flow, params):
        self.flow = flow
        self.module = flow.module
        self.params = params
        self.check_mode = flow.check_mode
        self.diff_mode = flow.diff_mode
        self.result = dict(changed=False)
        self.client = flow.client
        self.clients = flow.clients
        self.used_fallback = False
        self.changed_elsewhere = lambda: False
        self._capabilities = flow._capabilities
        self._passwords = flow._passwords
        self.prefetched = flow.prefetched
        self.refusals = flow.refusals

    def connect(self, password=None, **overrides):
        if password is None and not overrides and self.client is not None:
            return self.client
        return Runner.connect(self, password=password, **overrides)

    def login(self, read, fallback=None, login_name=None):
        return read(self.client)


def run_step(flow, params, plan, apply=None):
    """Run one module's ``plan``/``apply`` as a step of ``flow`` (a Runner whose session is logged in) with the
    step's ``params``. Returns (outcome, result): outcome is ``done`` (changed, or would in check mode),
    ``already`` (nothing to change) or ``failed``; a failed step's result has ``msg`` (one sentence), ``changed``
    (a write of this step was acknowledged or may have been applied) and ``write_state``. The flow's client
    becomes the step's (a rotation or a restart replaces it)."""
    step = StepRunner(flow, params)
    before = step.writes()
    try:
        planned = step.plan_and_apply(plan, apply)
        outcome = 'done' if planned.changed else 'already'
    except (Refusal, ISAPIError) as exc:
        state = step.write_state(since=before)
        step.result.update(getattr(exc, 'extra', None) or {})
        if isinstance(exc, ISAPIError):
            step.result['error'] = exc.to_dict()
        step.result.update(msg=str(exc), write_state=state,
                           changed=state != 'none' or bool(step.changed_elsewhere()))
        outcome = 'failed'
    finally:
        flow.client = step.client
        flow._capabilities = step._capabilities
    return outcome, step.result
