# -*- coding: utf-8 -*-
# Copyright (c) camops.hikvision contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What every module shares: the connection argument spec (documented once in the
camops.hikvision.connection doc fragment) and turning module parameters into an ISAPIClient."""

from ansible.module_utils.basic import env_fallback, missing_required_lib

from ansible_collections.camops.hikvision.plugins.module_utils import system as system_mod
from ansible_collections.camops.hikvision.plugins.module_utils.isapi import (
    HAS_REQUESTS, HAS_XMLTODICT, REQUESTS_IMPORT_ERROR, XMLTODICT_IMPORT_ERROR, ISAPIClient,
)


CONNECTION_ARGUMENT_SPEC = dict(
    host=dict(type='str', required=True),
    port=dict(type='int'),
    protocol=dict(type='str', default='http', choices=['http', 'https']),
    username=dict(type='str', default='admin', fallback=(env_fallback, ['HIKVISION_USERNAME'])),
    password=dict(type='str', no_log=True, fallback=(env_fallback, ['HIKVISION_PASSWORD'])),
    validate_certs=dict(type='bool', default=True, fallback=(env_fallback, ['HIKVISION_VALIDATE_CERTS'])),
    ca_path=dict(type='path'),
    timeout=dict(type='int', default=10),
    nonce_max_uses=dict(type='int'),
)


def connection_argument_spec(**extra):
    """A fresh copy of the connection options with the module's own options added."""
    clash = sorted(set(extra) & set(CONNECTION_ARGUMENT_SPEC))
    if clash:
        raise ValueError('module options %s would replace connection options' % ', '.join(clash))
    spec = dict((key, dict(value)) for key, value in CONNECTION_ARGUMENT_SPEC.items())
    spec.update(extra)
    return spec


def check_libraries(module):
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib('requests'), exception=str(REQUESTS_IMPORT_ERROR))
    if not HAS_XMLTODICT:
        module.fail_json(msg=missing_required_lib('xmltodict'), exception=str(XMLTODICT_IMPORT_ERROR))


def client_from_module(module, password=None, **overrides):
    """An ISAPIClient for the device named by the module's connection options (``overrides`` replace
    ISAPIClient arguments, e.g. a short timeout for liveness probes)."""
    check_libraries(module)
    params = module.params
    if params['timeout'] <= 0:
        module.fail_json(msg='timeout must be a positive number of seconds, got %s.' % params['timeout'])
    if params['port'] is not None and not 0 < params['port'] < 65536:
        module.fail_json(msg='port must be between 1 and 65535, got %s.' % params['port'])
    if params['nonce_max_uses'] is not None and params['nonce_max_uses'] < 1:
        module.fail_json(msg='nonce_max_uses must be at least 1, got %s.' % params['nonce_max_uses'])
    kwargs = dict(
        host=params['host'],
        port=params['port'],
        protocol=params['protocol'],
        username=params['username'],
        password=params['password'] if password is None else password,
        validate_certs=params['validate_certs'],
        ca_path=params['ca_path'],
        timeout=params['timeout'],
        nonce_max_uses=nonce_max_uses(module),
        on_nonce_limit=lambda client, limit: module.warn(nonce_limit_warning(client, limit)),
    )
    kwargs.update(overrides)
    client = ISAPIClient(**kwargs)
    module.__dict__.setdefault('_hik_clients', []).append(client)
    return client


def nonce_max_uses(module):
    """The Digest nonce limit for the module's next client: the configured one, or the lowest that a
    client of this run learned from the device (ISAPIAuth), so that one device refusal is enough."""
    limits = [client.nonce_max_uses for client in module.__dict__.get('_hik_clients', ())]
    limits.append(module.params['nonce_max_uses'])
    limits = [limit for limit in limits if limit]
    return min(limits) if limits else None


def nonce_limit_warning(client, limit):
    """What a module says when the device refused a Digest nonce's next use (ISAPIAuth learned the limit)."""
    return ('%s: the device accepts a Digest nonce for %d request(s) and refused the next one without a new challenge '
            '(a nonce limit, not a wrong password), so the client fetched a new nonce and sent the request again; '
            'set nonce_max_uses: %d for this device (hik_nonce_max_uses in the roles\' inventory) so that none of '
            'its requests is refused, since it may count a refusal as a failed login.' % (client.label, limit, limit))


def probe_client_factory(module):
    """Clients for liveness probes while a device restarts: short timeout, no retries."""
    timeout = min(module.params['timeout'], 3)
    return lambda: client_from_module(module, timeout=timeout, read_retries=0, busy_retries=0)


def fail_from_error(module, error, **result):
    """Fail the module with the client's one-sentence message and the error's details."""
    module.fail_json(msg=str(error), error=error.to_dict(), **result)


# The options of the camops.hikvision.wait doc fragment (modules that restart the device).
WAIT_ARGUMENT_SPEC = dict(
    wait=dict(type='bool', default=True),
    wait_timeout=dict(type='int', default=300),
)


def restart(module, client, path, result, sent, params=None):
    """PUT the restart request (reboot, factory reset), record ``sent`` in ``result`` (so that a failed
    wait still reports the request), and, with wait=true, wait until the device answers again, adding
    went_down and elapsed. Returns a fresh client: the old session died with the device."""
    client.request('PUT', path, params=params)
    result.update(sent)
    client.close()
    if module.params['wait']:
        went_down, elapsed = system_mod.wait_for_restart(probe_client_factory(module), module.params['wait_timeout'],
                                                         label=client.label)
        result.update(went_down=went_down, elapsed=elapsed)
    return client_from_module(module)
