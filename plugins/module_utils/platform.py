# -*- coding: utf-8 -*-
# Copyright (c) camops.hikvision contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Hik-Connect (EZVIZ) platform access on the device: parsing only."""

import random
import string
import time

from ansible_collections.camops.hikvision.plugins.module_utils.isapi.api import xml_bool, xml_get, xml_int, xml_text

EZVIZ_PATH = '/ISAPI/System/Network/EZVIZ'


def parse_ezviz(doc):
    """EZVIZ -> {enabled, registered, bind_status, server}. The verification code is never copied."""
    bind = xml_text(doc.get('bindStatus'))
    return dict(
        enabled=xml_bool(doc.get('enabled')),
        registered=xml_bool(doc.get('registerStatus')),
        bind_status=bind or None,
        server=xml_text(xml_get(doc.body, 'serverAddress', 'hostName')) or None,
    )


EZVIZ_CAPABILITIES_PATH = '/ISAPI/System/Network/EZVIZ/capabilities'
CODE_MIN = 6
CODE_MAX = 12
_CODE_ALPHABET = string.ascii_letters + string.digits


def code_limits(caps_doc):
    """(min, max) verification code length from EZVIZ/capabilities, within the documented 6-12."""
    low, high = CODE_MIN, CODE_MAX
    if caps_doc is not None:
        node = caps_doc.get('verificationCode')
        if isinstance(node, dict):
            low = max(low, xml_int(node.get('@min'), low))
            high = min(high, xml_int(node.get('@max'), high))
    return low, max(low, high)


def code_problem(code, low=CODE_MIN, high=CODE_MAX):
    """Why a verification code is unacceptable (never quoting it), or None."""
    if code is None or not low <= len(code) <= high:
        return 'the verification code must be %d-%d characters long (it has %d)' % (low, high, len(code or ''))
    if any(c not in _CODE_ALPHABET for c in code):
        return 'the verification code may hold only letters and digits'
    return None


def generate_code(length=CODE_MAX, rng=None):
    """A random verification code with upper- and lower-case letters and digits (``rng``: anything with
    ``choice``; default the system's random source)."""
    rng = rng or random.SystemRandom()
    while True:
        code = ''.join(rng.choice(_CODE_ALPHABET) for dummy in range(length))
        if any(c.isupper() for c in code) and any(c.islower() for c in code) and any(c.isdigit() for c in code):
            return code


def plan_platform(state, before, code=None, rotate=False, always=False):
    """What the device's Hik-Connect step does (pure): from the desired ``state``, the device's ``before``
    (parse_ezviz), a given ``code``, ``rotate`` (generate a new code) and ``always`` (write the code even when
    access does not change). Returns {change_access, write_code, generate, writes, after}: ``writes`` are the
    PUTs in order as (enabled, with_code) - a code is rotated while access is still on, then access goes off -
    and ``after`` the predicted state. ValueError when access is to be switched on without a code."""
    enabled = bool(before.get('enabled'))
    if state == 'absent':
        change_access = enabled
        write_code = (code is not None or rotate) and (change_access or always)
    else:
        change_access = not enabled
        if change_access and code is None:
            raise ValueError('platform access is off; verification_code is required to switch it on')
        write_code = code is not None and (change_access or always)
    if not (change_access or write_code):
        writes = []
    elif state == 'absent' and enabled:
        writes = ([(True, True)] if write_code else []) + [(False, False)]
    elif state == 'absent':
        writes = [(False, True)]
    else:
        writes = [(True, bool(write_code))]
    after = dict(before, enabled=(state == 'present'))
    if state == 'absent':
        after['registered'] = False
    return dict(change_access=bool(change_access), write_code=bool(write_code),
                generate=bool(write_code and code is None), writes=writes, after=after)


def read_cloud(client):
    return parse_ezviz(client.get(EZVIZ_PATH))


def set_enabled(client, enabled, code=None):
    """PUT EZVIZ with enabled (and a new verification code): the bodies of docs/isapi.md 6.1. A code is
    rotated while access stays on with ``set_enabled(client, True, code)``."""
    body = {'enabled': 'true' if enabled else 'false'}
    if code is not None:
        body['verificationCode'] = code
    return client.put(EZVIZ_PATH, 'EZVIZ', body)


def wait_registered(client, timeout, interval=2.0, clock=time.monotonic, sleep=time.sleep):
    """Poll EZVIZ until registerStatus is true or ``timeout`` seconds pass; returns (state, seconds)."""
    started = clock()
    while True:
        state = read_cloud(client)
        elapsed = clock() - started
        if state.get('registered') or elapsed >= timeout:
            return state, round(elapsed, 1)
        sleep(min(interval, max(0.1, timeout - elapsed)))
