# -*- coding: utf-8 -*-
# Copyright (c) camops.hikvision contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Every module's options, in one place: the AnsibleModule arguments of each module (argument spec and the
rules between options), built from the shared connection, wait and cloud options.

The modules (through AnsibleModule) and the in-process adapter (plugins/plugin_utils/in_process.py, through
ArgumentSpecValidator) read the same dicts, so validation, defaults, environment fallbacks and no_log are
the same on both execution paths. The options are documented in the modules and in the doc fragments
(connection, wait, cloud)."""

import copy

from ansible.module_utils.basic import env_fallback

from ansible_collections.camops.hikvision.plugins.module_utils import channels as channels_mod
from ansible_collections.camops.hikvision.plugins.module_utils import system as system_mod
from ansible_collections.camops.hikvision.plugins.module_utils import users as users_mod
from ansible_collections.camops.hikvision.plugins.module_utils.cloud.providers import PROVIDERS

# The camops.hikvision.connection doc fragment.
CONNECTION = dict(
    host=dict(type='str', required=True),
    port=dict(type='int'),
    protocol=dict(type='str', default='http', choices=['http', 'https']),
    username=dict(type='str', default='admin', fallback=(env_fallback, ['HIKVISION_USERNAME'])),
    password=dict(type='str', no_log=True, fallback=(env_fallback, ['HIKVISION_PASSWORD'])),
    validate_certs=dict(type='bool', default=True, fallback=(env_fallback, ['HIKVISION_VALIDATE_CERTS'])),
    ca_path=dict(type='path'),
    timeout=dict(type='int', default=10),
    nonce_max_uses=dict(type='int'),
    refused_password_dir=dict(type='path', no_log=False, fallback=(env_fallback, ['HIKVISION_REFUSED_PASSWORD_DIR'])),
)

# The camops.hikvision.wait doc fragment (modules that restart the device).
WAIT = dict(
    wait=dict(type='bool', default=True),
    wait_timeout=dict(type='int', default=300),
)

# The camops.hikvision.cloud doc fragment (the account side of hik_cloud_binding).
CLOUD = dict(
    provider=dict(type='str', choices=sorted(PROVIDERS)),
    app_key=dict(type='str', no_log=True, fallback=(env_fallback, ['HIK_CLOUD_APP_KEY'])),
    app_secret=dict(type='str', no_log=True, fallback=(env_fallback, ['HIK_CLOUD_APP_SECRET'])),
    region=dict(type='str'),
    api_url=dict(type='str', fallback=(env_fallback, ['HIK_CLOUD_API_URL'])),
    api_retries=dict(type='int', default=4),
)

# One IP channel of hik_camera_channel (the module's top level and each item of its channels list).
# How the built-in credential store writes a record (hik_decommission's credential_store, hik_credential).
STORE_ENCRYPT = ('auto', 'always', 'never')

CHANNEL_FIELDS = dict(
    state=dict(type='str', choices=['present', 'absent']),
    channel_id=dict(type='int'),
    ip_address=dict(type='str'),
    camera_port=dict(type='int'),
    serial_number=dict(type='str'),
    expected_serial_number=dict(type='str'),
    name=dict(type='str'),
    camera_protocol=dict(type='str', choices=list(channels_mod.PROTOCOLS)),
    camera_username=dict(type='str'),
    camera_password=dict(type='str', no_log=True),
    update_password=dict(type='str', choices=['always', 'on_create'], no_log=False),
)
# The channel fields that select or describe one channel (not given with channels).
CHANNEL_SINGLE = [key for key in CHANNEL_FIELDS if key not in ('state', 'update_password')]
# The fields that select a channel to remove (hik_decommission's remove_channels; camera_port narrows ip_address).
CHANNEL_SELECT = ('channel_id', 'ip_address', 'camera_port', 'serial_number', 'name', 'expected_serial_number')

# One account of hik_user's users list.
USER_ENTRY = dict(
    name=dict(type='str', required=True),
    state=dict(type='str', choices=['present', 'absent']),
    configured_password=dict(type='str', no_log=True, aliases=['password']),
    level=dict(type='str', choices=list(users_mod.LEVELS)),
    update_password=dict(type='str', choices=['always', 'on_create'], no_log=False),
)


def connection_argument_spec(**extra):
    """A fresh copy of the connection options with the module's own options added."""
    clash = sorted(set(extra) & set(CONNECTION))
    if clash:
        raise ValueError('module options %s would replace connection options' % ', '.join(clash))
    spec = copy.deepcopy(CONNECTION)
    spec.update(copy.deepcopy(extra))
    return spec


def _channel_select():
    options = dict((key, copy.deepcopy(CHANNEL_FIELDS[key])) for key in CHANNEL_SELECT)
    options['camera_port']['aliases'] = ['port']
    return options


def _channel():
    spec = copy.deepcopy(CHANNEL_FIELDS)
    spec['state']['default'] = 'present'
    spec['update_password']['default'] = 'on_create'
    entry = copy.deepcopy(CHANNEL_FIELDS)
    entry['camera_port']['aliases'] = ['port']
    entry['camera_protocol']['aliases'] = ['protocol']
    spec['channels'] = dict(type='list', elements='dict', options=entry)
    spec['alternate_password'] = dict(type='str', no_log=True)
    return dict(argument_spec=connection_argument_spec(**spec),
                mutually_exclusive=[('channels', key) for key in CHANNEL_SINGLE])


def _cloud_binding():
    spec = connection_argument_spec(
        state=dict(type='str', required=True, choices=['present', 'absent']),
        verification_code=dict(type='str', no_log=True),
        rotate_verification_code=dict(type='bool', default=False),
        update_verification_code=dict(type='str', default='on_change', choices=['always', 'on_change']),
        wait_registered=dict(type='bool', default=False),
        wait_timeout=dict(type='int', default=120),
        serial_number=dict(type='str'),
        shares=dict(type='str', default='remove', choices=['keep', 'remove']),
        fail_if_not_owner=dict(type='bool', default=False),
        **CLOUD
    )
    spec['host'] = dict(spec['host'], required=False)
    return dict(argument_spec=spec, mutually_exclusive=[('verification_code', 'rotate_verification_code')])


def _config_backup():
    return dict(argument_spec=connection_argument_spec(
        dest=dict(type='path', required=True),
        force=dict(type='bool', default=False),
        secret_key=dict(type='str', no_log=True),
    ))


def _decommission():
    return dict(
        argument_spec=connection_argument_spec(
            fallback_password=dict(type='str', no_log=True),
            new_password=dict(type='str', no_log=True),
            credential_store=dict(type='dict', options=dict(
                dir=dict(type='path', required=True),
                name=dict(type='str', required=True),
                password_length=dict(type='int', default=16, no_log=False),
                encrypt=dict(type='str', default='auto', choices=list(STORE_ENCRYPT)),
            )),
            keep_users=dict(type='list', elements='str', default=[]),
            keep_onvif_users=dict(type='list', elements='str', default=[]),
            remove_channels=dict(type='list', elements='dict', default=[], options=_channel_select()),
            backup=dict(type='bool', default=True),
            backup_dir=dict(type='path'),
            backup_name=dict(type='str'),
            backup_required=dict(type='bool', default=True),
            cloud=dict(type='bool', default=True),
            verification_code=dict(type='str', no_log=True),
            cloud_serial=dict(type='str'),
            shares=dict(type='str', default='remove', choices=['keep', 'remove']),
            fail_if_not_owner=dict(type='bool', default=False),
            handover_verification_code=dict(type='str', no_log=True),
            handover_update_code=dict(type='str', default='on_change', choices=['always', 'on_change']),
            wait_registered=dict(type='bool', default=False),
            factory_reset=dict(type='bool', default=False),
            factory_reset_mode=dict(type='str', default='full', choices=list(system_mod.RESET_MODES)),
            confirm_serial=dict(type='str'),
            **dict(WAIT, **CLOUD)
        ),
        required_if=[('backup', True, ('backup_dir', 'backup_name')), ('factory_reset', True, ('confirm_serial',))],
    )


def _device_info():
    return dict(argument_spec=connection_argument_spec(
        gather_subset=dict(type='list', elements='str', default=['all']),
        alternate_password=dict(type='str', no_log=True),
    ))


def _factory_reset():
    return dict(argument_spec=connection_argument_spec(
        mode=dict(type='str', required=True, choices=list(system_mod.RESET_MODES)),
        confirm_serial=dict(type='str', required=True),
        **WAIT
    ))


def _reboot():
    return dict(argument_spec=connection_argument_spec(**WAIT))


# A HikCentral Professional OpenAPI (hik_central_info and the roles' HikCentral check).
CENTRAL = dict(
    host=dict(type='str', required=True, fallback=(env_fallback, ['HIKCENTRAL_HOST'])),
    port=dict(type='int'),
    protocol=dict(type='str', default='https', choices=['http', 'https']),
    app_key=dict(type='str', required=True, no_log=True, fallback=(env_fallback, ['HIKCENTRAL_APP_KEY'])),
    app_secret=dict(type='str', required=True, no_log=True, fallback=(env_fallback, ['HIKCENTRAL_APP_SECRET'])),
    validate_certs=dict(type='bool', default=True),
    ca_path=dict(type='path'),
    timeout=dict(type='int', default=10),
    user_id=dict(type='str'),
)
CENTRAL_DEVICE = dict(
    name=dict(type='str', required=True),
    address=dict(type='str'),
    serial_number=dict(type='str'),
    recorder_address=dict(type='str'),
    recorder_serial_number=dict(type='str'),
    channel_name=dict(type='str'),
)


def _central_info():
    spec = copy.deepcopy(CENTRAL)
    spec['devices'] = dict(type='list', elements='dict', required=True, options=copy.deepcopy(CENTRAL_DEVICE))
    return dict(argument_spec=spec)


def _report():
    return dict(argument_spec=dict(
        dest=dict(type='path', required=True),
        files=dict(type='dict', required=True),
        mode=dict(type='raw', default='0640'),
        links=dict(type='dict', default={}),
        remove=dict(type='list', elements='str', default=[]),
    ))


def _user():
    return dict(
        argument_spec=connection_argument_spec(
            name=dict(type='str'),
            state=dict(type='str', default='present', choices=['present', 'absent']),
            configured_password=dict(type='str', no_log=True),
            level=dict(type='str', choices=list(users_mod.LEVELS)),
            update_password=dict(type='str', default='on_create', choices=['always', 'on_create'], no_log=False),
            users=dict(type='list', elements='dict', options=USER_ENTRY),
            purge=dict(type='bool', default=False),
            account_type=dict(type='str', default='device', choices=['device', 'onvif']),
            verify_old_rejected=dict(type='bool', default=True),
        ),
        mutually_exclusive=[('name', 'users')],
        required_one_of=[('name', 'users')],
    )


_BUILDERS = {
    'hik_camera_channel': _channel,
    'hik_central_info': _central_info,
    'hik_cloud_binding': _cloud_binding,
    'hik_config_backup': _config_backup,
    'hik_decommission': _decommission,
    'hik_device_info': _device_info,
    'hik_factory_reset': _factory_reset,
    'hik_reboot': _reboot,
    'hik_report': _report,
    'hik_user': _user,
}
MODULES = tuple(sorted(_BUILDERS))


def module_args(name):
    """The AnsibleModule keyword arguments of module ``name`` (a fresh copy): argument_spec, the rules between
    options, and supports_check_mode (every module supports it)."""
    args = _BUILDERS[name]()
    args['supports_check_mode'] = True
    return args
