# -*- coding: utf-8 -*-
# Copyright (c) camops.hikvision contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The registry of cloud providers (their options are in specs.py, documented in the camops.hikvision.cloud
doc fragment). A new provider is one module next to this one and one line in PROVIDERS."""

import re

from ansible_collections.camops.hikvision.plugins.module_utils.cloud.ezviz_open import EzvizOpen
from ansible_collections.camops.hikvision.plugins.module_utils.cloud.hik_connect_teams import HikConnectTeams
from ansible_collections.camops.hikvision.plugins.module_utils.cloud.hik_partner_pro import HikPartnerPro

PROVIDERS = {
    'hik_partner_pro': HikPartnerPro,
    'ezviz_open': EzvizOpen,
    'hik_connect_teams': HikConnectTeams,
}

_SERIAL = re.compile(r'^[A-Za-z0-9]{6,20}$')


def serial_problem(serial):
    """Why a cloud serial is unacceptable, or None."""
    if not _SERIAL.match(serial or ''):
        return 'serial_number must be the device serial the cloud knows (6 to 20 letters and digits, as on ' \
               'the label, e.g. F74021782), got %r' % serial
    return None


def provider_from_params(params):
    """A provider for the module's parameters; ValueError with a one-sentence reason for bad ones."""
    if not params.get('app_key') or not params.get('app_secret'):
        raise ValueError('provider %s needs app_key and app_secret (or the HIK_CLOUD_APP_KEY and '
                         'HIK_CLOUD_APP_SECRET environment variables).' % params['provider'])
    if params['api_retries'] < 0:
        raise ValueError('api_retries must be 0 or more, got %s.' % params['api_retries'])
    api_url = params.get('api_url')
    if api_url and not re.match(r'^https?://[^/\s]+', api_url):
        raise ValueError('api_url must be an http(s) URL such as https://api.hik-partner.com, got %r.' % api_url)
    cls = PROVIDERS[params['provider']]
    return cls(params['app_key'], params['app_secret'], region=params.get('region'), api_url=api_url,
               timeout=params['timeout'], retries=params['api_retries'])
