# -*- coding: utf-8 -*-
# Copyright (c) camops.hikvision contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filter of the audit role: what an auditor should look at on one device, decided in Python once.

It was a Jinja template (findings.j2) that read attributes of whatever the device returned; a device without
Hik-Connect (an empty ``cloud``) made it fail, and the audit then reported a device it had read as not read.
Every part of the read may be missing or empty here: a device shows only what its firmware offers.
"""


def _dict(value):
    return value if isinstance(value, dict) else {}


def _list(value):
    return value if isinstance(value, list) else []


def audit_findings(info, admin='admin', cred_status=None, store_checked=False, known_addresses=None):
    """The findings (short sentences) for one device from its hik_device_info result ``info``.

    ``admin`` is the account the collection logs in with (not a finding); ``store_checked`` says that a
    credential store was consulted and ``cred_status`` is that device's record status there; channels whose
    camera address is not in ``known_addresses`` (the inventory's) are reported.
    """
    info = _dict(info)
    out = []
    cloud = _dict(info.get('cloud'))
    if cloud.get('enabled') is True:
        out.append('Hik-Connect access on' + (' (bound to an account)' if cloud.get('bind_status') == 'bind' else ''))
    extra = [u.get('name') for u in _list(info.get('users')) if isinstance(u, dict) and u.get('name') != admin]
    if extra:
        out.append('extra users: ' + ', '.join(str(name) for name in extra))
    onvif = [u.get('name') for u in _list(info.get('onvif_users')) if isinstance(u, dict)]
    if onvif:
        out.append('ONVIF users: ' + ', '.join(str(name) for name in onvif))
    status = _dict(info.get('password_status'))
    if status.get('default_password') is True:
        out.append('default password')
    if status.get('risky_password') is True:
        out.append('weak password (device says so)')
    if store_checked and cred_status != 'verified':
        out.append('password never rotated (no verified record in the credential store)')
    known = set(known_addresses or [])
    for channel in _list(info.get('channels')):
        if not isinstance(channel, dict) or channel.get('type') != 'ip':
            continue
        address = channel.get('ip_address')
        if address and address not in known:
            out.append('channel %s points at a camera not in the inventory (%s)' % (channel.get('id'), address))
    return out


class FilterModule(object):
    def filters(self):
        return {'audit_findings': audit_findings}
