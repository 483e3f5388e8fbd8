# -*- coding: utf-8 -*-
# Copyright (c) camops.hikvision contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Hik-Partner Pro OpenAPI (docs/cloud-apis.md section 4): installer accounts.

JSON bodies, ``Authorization: Bearer`` after ``token/get``, envelope ``{"errorCode": "0", "data": ...}``.
The device is deleted by its HPP ``id`` (looked up by serial). Shares are per site: the company share
(``site/share/cancel/{siteId}``) and the end-user handover shares (``site/customer/cancle``)."""

from ansible_collections.camops.hikvision.plugins.module_utils.cloud import base

# Sites shared TO this account by another company (maintenance, installation): not ours to delete from.
SHARED_TO_US = (2, 4)
# Sites of ours shared with another company.
SHARED_BY_US = (1, 3)
# Handover customers that hold (or are about to hold) access: approved, pending.
ACTIVE_CUSTOMER = ('1', '2')

ERRORS = {
    'LAP300001': base.AuthFailed, 'LAP300002': base.AuthFailed, 'LAP300003': base.AuthFailed,
    'LAP001005': base.AuthFailed,
    'LAP500004': base.AuthExpired,
    'LAP500007': base.RateLimited, 'EVZ10029': base.RateLimited, 'EVZ10007': base.RateLimited,
    'LAP006018': base.RepeatGuard,
    'LAP000002': base.NotFound, 'LAP000003': base.NotFound, 'LAP006002': base.NotFound,
    'EVZ20002': base.NotFound,
    'LAP006009': base.Ambiguous,
    'LAP006013': base.NotOwner, 'LAP034000': base.NotOwner, 'LAP034001': base.NotOwner, 'LAP006016': base.NotOwner,
    'EVZ20018': base.NotOwner,
    'EVZ20007': base.Offline,
}
SITE_NOT_SHARED = 'LAP008087'


class HikPartnerPro(base.ErrorCodeProvider):
    name = 'hik_partner_pro'
    token_path = '/api/hpcgw/v1/token/get'
    errors = ERRORS
    hosts = {'global': 'https://api.hik-partner.com', 'ru': 'https://api.hik-partnerru.com'}
    default_region = 'global'
    known_domains = ('hik-partner.com', 'hik-partnerru.com')
    page_size = 50

    def token_header(self):
        return {'Authorization': 'Bearer %s' % self.token}

    def _pages(self, path, data):
        page = 1
        while True:
            answer = self.call(path, dict(data, page=page, pageSize=self.page_size)) or {}
            yield from answer.get('rows') or []
            if page >= int(answer.get('totalPage') or 0):
                return
            page += 1

    # -- the provider interface ------------------------------------------------------------------

    def _site(self, site_id, site_name):
        for row in self._pages('/api/hpcgw/v1/site/search', dict(search=site_name or '')):
            if str(row.get('id')) == str(site_id):
                return row
        return None

    def lookup(self, serial):
        for row in self._pages('/api/hpcgw/v1/device/list', dict(deviceSerial=serial)):
            if str(row.get('deviceSerial', '')).upper() != serial:
                continue
            record = base.DeviceRecord(serial, cloud_id=row.get('id'), name=row.get('deviceName'),
                                       model=row.get('deviceType'), online={1: True, 0: False}.get(
                                           row.get('deviceOnlineStatus')),
                                       site_id=row.get('siteID'), site_name=row.get('siteName'), raw=row)
            site = self._site(record.site_id, record.site_name) if record.site_id else None
            record.raw['site'] = site
            shared = (site or {}).get('sharedInfo') or {}
            if _int(shared.get('shareType')) in SHARED_TO_US:
                record.owner = base.OWNER_OTHER
                record.owner_name = shared.get('shareFromCompany')
            return record
        return None

    def ownership(self, serial):
        # The OpenAPI has no documented probe for serials outside the account.
        return base.OWNER_UNKNOWN, None

    def list_shares(self, record, serial):
        if record is None or record.owner != base.OWNER_THIS or not record.site_id:
            return []
        shares = []
        shared = (record.raw.get('site') or {}).get('sharedInfo') or {}
        if _int(shared.get('shareType')) in SHARED_BY_US:
            shares.append(base.Share('site_share', shared.get('shareToCompany'), record.site_id, scope='site',
                                     site=record.site_name or record.site_id))
        answer = self.call('/api/hpcgw/v2/site/customer/list', dict(siteId=record.site_id)) or {}
        for customer in answer.get('customers') or []:
            if str(customer.get('status')) in ACTIVE_CUSTOMER:
                shares.append(base.Share('customer_share', customer.get('hcAccount'), record.site_id, scope='site',
                                         site=record.site_name or record.site_id))
        return shares

    def remove_share(self, share):
        if share.kind == 'site_share':
            try:
                self.call('/api/hpcgw/v1/site/share/cancel/%s' % share.ref, write=True)
            except base.CloudError as exc:
                if exc.code != SITE_NOT_SHARED:  # already cancelled
                    raise
        else:
            self.call('/api/hpcgw/v1/site/customer/cancle', dict(siteId=share.ref, hcAccounts=[share.principal]),
                      write=True)

    def unbind(self, record):
        self.call('/api/hpcgw/v1/device/delete', dict(id=record.cloud_id), write=True)

    def site_remaining(self, record):
        answer = self.call('/api/hpcgw/v1/device/list', dict(siteId=record.site_id, page=1, pageSize=1)) or {}
        return int(answer.get('total') or 0)


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
