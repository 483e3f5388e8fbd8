# -*- coding: utf-8 -*-
# Copyright (c) camops.hikvision contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Device and ONVIF user lists: parsing only. Passwords are write-only on devices and never read here."""

from ansible_collections.camops.hikvision.plugins.module_utils.isapi import as_list, xml_int, xml_text

USERS_PATH = '/ISAPI/Security/users'
ONVIF_USERS_PATH = '/ISAPI/Security/ONVIF/users'

_LEVELS = {'administrator': 'administrator', 'admin': 'administrator', 'operator': 'operator',
           'viewer': 'viewer', 'user': 'viewer'}


def normalise_level(value):
    text = (value or '').strip().lower()
    return _LEVELS.get(text, text or None)


def parse_user_list(doc):
    """UserList (device accounts) -> [{id, name, level}], sorted by id. Nothing else is copied."""
    users = []
    for node in as_list(doc.get('User')):
        if not isinstance(node, dict):
            continue
        users.append(dict(
            id=xml_int(node.get('id')),
            name=xml_text(node.get('userName')),
            level=normalise_level(xml_text(node.get('userLevel'))),
        ))
    return sorted(users, key=lambda u: (u['id'] is None, u['id']))


def parse_onvif_user_list(doc):
    """UserList (ONVIF accounts) -> [{id, name, level}] where level is the ONVIF userType."""
    users = []
    for node in as_list(doc.get('User')):
        if not isinstance(node, dict):
            continue
        users.append(dict(
            id=xml_int(node.get('id')),
            name=xml_text(node.get('userName')),
            level=xml_text(node.get('userType')),
        ))
    return sorted(users, key=lambda u: (u['id'] is None, u['id']))
