# -*- coding: utf-8 -*-
# Copyright (c) camops.hikvision contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Hik-Connect for Teams (HikCentral Connect) OpenAPI (docs/cloud-apis.md section 5): business accounts.

JSON bodies, a ``Token`` header (not Bearer) after ``platform/v1/token/get``, envelope
``{"errorCode": "0", "message": ..., "data": ...}``, calls on the token's ``areaDomain``. The device is looked up
by its 9-character serial and deleted by its platform id and category; the account allows 5 requests a second,
so this provider spaces its calls by 0.22 s (within one task). No share API is documented: there are no shares to list."""

from ansible_collections.camops.hikvision.plugins.module_utils.cloud import base

ERRORS = {
    'OPEN000001': base.AuthFailed,   # AK_NOT_FOUND
    'OPEN000002': base.AuthFailed,   # the secret does not match the key
    'OPEN300002': base.AuthFailed,
    'OPEN000010': base.AuthFailed,   # secretKey missing
    'OPEN000006': base.AuthExpired,  # token not found or expired
    'OPEN000007': base.AuthExpired,  # token missing or wrong
}
CATEGORY = 'encodingDevice'  # cameras, NVRs and DVRs


class HikConnectTeams(base.ErrorCodeProvider):
    name = 'hik_connect_teams'
    token_path = '/api/hccgw/platform/v1/token/get'
    errors = ERRORS
    hosts = {'eu': 'https://ieu.hikcentralconnect.com', 'us': 'https://ius.hikcentralconnect.com',
             'sa': 'https://isa.hikcentralconnect.com', 'sgp': 'https://isgp.hikcentralconnect.com',
             'ru': 'https://hikcentralconnectru.com'}
    default_region = None  # the team's region must be given: there is no global host
    known_domains = ('hikcentralconnect.com', 'hikcentralconnectru.com')
    min_interval = 0.22  # 5 requests a second, with a margin for the network's jitter
    page_size = 500

    def token_header(self):
        return {'Token': self.token}

    # -- the provider interface ------------------------------------------------------------------

    def lookup(self, serial):
        page = 1
        seen = 0
        while True:
            answer = self.call('/api/hccgw/resource/v1/devices/get',
                               dict(pageIndex=page, pageSize=self.page_size, deviceCategory=CATEGORY,
                                    filter=dict(matchKey=serial))) or {}
            rows = answer.get('device') or []
            for row in rows:
                # One source nests the fields under baseInfo.
                info = row.get('baseInfo') if isinstance(row.get('baseInfo'), dict) else row
                # matchKey is fuzzy (name, serial, version): only the exact serial is the device.
                if str(info.get('serialNo', '')).upper() != serial:
                    continue
                online = str(info.get('onlineStatus', ''))
                return base.DeviceRecord(serial, cloud_id=info.get('id'), name=info.get('name'),
                                         model=info.get('type'), online={'1': True, '0': False}.get(online),
                                         raw=dict(info, category=info.get('category') or CATEGORY))
            seen += len(rows)
            if not rows or seen >= int(answer.get('totalCount') or 0):
                return None
            page += 1

    def ownership(self, serial):
        # The OpenAPI has no documented probe for serials outside the team's account.
        return base.OWNER_UNKNOWN, None

    def list_shares(self, record, serial):
        # No share API in the Teams OpenAPI (docs/cloud-apis.md 5.2): the account's users are the team's own.
        return []

    def unbind(self, record):
        try:
            self.call('/api/hccgw/resource/v1/devices/delete',
                      dict(deviceID=[record.cloud_id], deviceCategory=record.raw.get('category') or CATEGORY,
                           deleteVehicle=0), write=True)
        except (base.AuthFailed, base.AuthExpired, base.RateLimited, base.ServerError):
            raise
        except base.CloudError:
            # What Teams answers for an id it no longer holds is unknown (a retried delete whose first answer was
            # lost): the lookup decides. Still listed, the refusal stands.
            if self.lookup(record.serial) is not None:
                raise
