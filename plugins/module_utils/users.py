# -*- coding: utf-8 -*-
# Copyright (c) camops.hikvision contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Device and ONVIF user lists: parsing only. Passwords are write-only on devices and never read here."""

from ansible_collections.camops.hikvision.plugins.module_utils.isapi.api import (
    InvalidOperationError, as_list, xml_int, xml_text,
)

USERS_PATH = '/ISAPI/Security/users'
ONVIF_USERS_PATH = '/ISAPI/Security/ONVIF/users'

_LEVELS = {'administrator': 'administrator', 'admin': 'administrator', 'operator': 'operator',
           'viewer': 'viewer', 'user': 'viewer'}


def normalise_level(value):
    text = (value or '').strip().lower()
    return _LEVELS.get(text, text or None)


def parse_users(doc, account_type='device'):
    """UserList -> [{id, name, level}], sorted by id; nothing else is copied. The level of a device account is
    its userLevel (normalised), of an ONVIF account its userType."""
    users = []
    for node in as_list(doc.get('User')):
        if not isinstance(node, dict):
            continue
        if account_type == 'onvif':
            level = xml_text(node.get('userType'))
        else:
            level = normalise_level(xml_text(node.get('userLevel')))
        users.append(dict(id=xml_int(node.get('id')), name=xml_text(node.get('userName')), level=level))
    return sorted(users, key=lambda u: (u['id'] is None, u['id']))


# ---------------------------------------------------------------------------------------------
# Desired state: validation and planning (pure)
# ---------------------------------------------------------------------------------------------

LEVELS = ('administrator', 'operator', 'viewer')
# ONVIF userType for each level (docs/isapi.md 4.6); viewer is ONVIF's mediaUser.
ONVIF_TYPES = {'administrator': 'administrator', 'operator': 'operator', 'viewer': 'mediaUser'}
ADMIN_ID = 1
DEFAULT_PASSWORD_MIN = 8
DEFAULT_PASSWORD_MAX = 16
NAME_MAX = 32


def onvif_level(user_type):
    """ONVIF userType -> administrator / operator / viewer."""
    text = (user_type or '').strip().lower()
    for level, onvif_type in ONVIF_TYPES.items():
        if text == onvif_type.lower():
            return level
    return text or None


def password_classes(password):
    """How many of digits, lower-case, upper-case and other characters the password mixes."""
    return sum((
        any(c.isdigit() for c in password),
        any(c.islower() for c in password),
        any(c.isupper() for c in password),
        any(not c.isalnum() for c in password),
    ))


def password_limits(capabilities):
    """(min, max) password length: never below 8; the device's own limits where it states them."""
    caps = capabilities or {}
    low = max(DEFAULT_PASSWORD_MIN, caps.get('password_min_length') or DEFAULT_PASSWORD_MIN)
    high = caps.get('password_max_length') or DEFAULT_PASSWORD_MAX
    return low, max(low, high)


def ascii_problem(value, what):
    """Why ``value`` cannot be sent as ``what`` (a user name, a password), or None. Only printable ASCII goes out:
    the devices' own rule names digits, lower- and upper-case letters and special characters, and Digest (RFC
    2617) does not say how other characters are encoded, so a device and this client could hash different
    bytes and count a refused login. The value itself never appears in the answer."""
    if value is None:
        return None
    bad = [c for c in value if not ' ' <= c <= '~']
    if bad:
        return '%s must be printable ASCII (letters, digits, symbols); it has %d other character(s)' % (what, len(bad))
    return None


def length_range(low, high):
    """'8 to 16', or 'at least 8' when there is no upper bound."""
    return '%d to %d' % (low, high) if high else 'at least %d' % low


def password_problem(password, user_name, min_length=DEFAULT_PASSWORD_MIN, max_length=None):
    """Why ``password`` is not acceptable for ``user_name``, as a sentence fragment; None when it is.

    ``max_length=None`` skips the upper bound (used before the device's limit is known). The
    password itself never appears in the answer.
    """
    who = 'the password of user %r' % user_name
    if not password:
        return '%s is empty' % who
    problem = ascii_problem(password, who)
    if problem:
        return problem
    if len(password) < min_length or (max_length is not None and len(password) > max_length):
        return '%s must be %s characters long (it has %d)' % (who, length_range(min_length, max_length), len(password))
    if password_classes(password) < 2:
        return '%s must mix at least two kinds of characters (digits, lower-case, upper-case, symbols)' % who
    if user_name and password.lower() == user_name.lower():
        return '%s must not be the user name' % who
    return None


def normalise_wanted(entries, defaults):
    """Fill every entry of the ``users`` option from the top-level defaults; ValueError on bad input."""
    out = []
    seen = set()
    for raw in entries:
        entry = dict(raw)
        for key in ('state', 'update_password'):
            if entry.get(key) is None:
                entry[key] = defaults[key]
        name = entry.get('name')
        if not name or len(name) > NAME_MAX:
            raise ValueError('Every user needs a name of 1 to %d characters, got %r.' % (NAME_MAX, name))
        problem = ascii_problem(name, 'user name %r' % name)
        if problem:
            raise ValueError('%s.' % problem)
        if name in seen:
            raise ValueError('User %r is listed more than once.' % name)
        seen.add(name)
        out.append(entry)
    return out


def validate_passwords(wanted, min_length=DEFAULT_PASSWORD_MIN, max_length=None):
    """Raise ValueError naming the rule for the first unacceptable password in ``wanted``."""
    for entry in wanted:
        if entry['state'] == 'present' and entry.get('password') is not None:
            problem = password_problem(entry['password'], entry['name'], min_length, max_length)
            if problem:
                raise ValueError('Refusing to send a weak password: %s.' % problem)


class UserPlan(object):
    """What must change on one account list to reach the wanted state."""

    def __init__(self):
        self.delete = []   # current user dicts
        self.create = []   # wanted entries (with level resolved)
        self.update = []   # (current, wanted, {'level': new} and/or {'password': True})
        self.rotate = None  # (current, wanted): the login account's new password

    @property
    def changed(self):
        return bool(self.delete or self.create or self.update or self.rotate)


def plan_users(current, wanted, purge=False, account_type='device', login_name=None, login_password=None,
               max_users=None):
    """Compare the device's accounts with the wanted ones. Raises ValueError before any write when the
    wanted state breaks a device rule (deleting the built-in admin, demoting it, creating without a password,
    too many users)."""
    plan = UserPlan()
    by_name = dict((u['name'], u) for u in current)
    listed = set(entry['name'] for entry in wanted)
    device = account_type == 'device'

    def builtin(user):
        return device and user is not None and user['id'] == ADMIN_ID

    for entry in wanted:
        user = by_name.get(entry['name'])
        if entry['state'] == 'absent':
            if builtin(user):
                raise ValueError('The built-in administrator %r (id 1) cannot be deleted.' % user['name'])
            if device and entry['name'] == login_name:
                raise ValueError('Refusing to delete %r, the account this module logs in with.' % login_name)
            if user is not None:
                plan.delete.append(user)
            continue
        level = entry.get('level')
        if builtin(user) and level not in (None, 'administrator'):
            raise ValueError('The built-in administrator %r (id 1) must keep the administrator level.'
                             % user['name'])
        if user is None:
            if entry.get('password') is None:
                raise ValueError('User %r does not exist and no password was given to create it.' % entry['name'])
            created = dict(entry)
            created['level'] = level or 'viewer'
            plan.create.append(created)
            continue
        changes = {}
        if level is not None and level != user['level']:
            changes['level'] = level
        if entry.get('password') is not None:
            if device and entry['name'] == login_name:
                if entry['password'] != login_password:
                    plan.rotate = (user, entry)
            elif entry['update_password'] == 'always':
                changes['password'] = True
        if changes:
            plan.update.append((user, entry, changes))

    if purge:
        for user in current:
            if user['name'] in listed or builtin(user) or (device and user['name'] == login_name):
                continue
            plan.delete.append(user)

    if max_users:
        total = len(current) - len(plan.delete) + len(plan.create)
        if total > max_users:
            raise ValueError('The device holds at most %d users; the wanted state needs %d.' % (max_users, total))
    return plan


def after_users(current, plan, next_ids=None):
    """The account list the plan leads to (for check mode and the diff); new users get id None."""
    deleted = set(u['name'] for u in plan.delete)
    out = []
    for user in current:
        if user['name'] in deleted:
            continue
        user = dict(user)
        for cur, dummy, changes in plan.update:
            if cur['name'] == user['name'] and 'level' in changes:
                user['level'] = changes['level']
        out.append(user)
    for entry in plan.create:
        out.append(dict(id=(next_ids or {}).get(entry['name']), name=entry['name'], level=entry['level']))
    return sorted(out, key=lambda u: (u['id'] is None, u['id'] or 0, u['name']))


def user_body(account_type, name, level, password=None, user_id=None, login_password=None):
    """The <User> body for a create (no id) or an update, in the element order devices send."""
    body = {}
    if user_id is not None:
        body['id'] = str(user_id)
    body['userName'] = name
    if password is not None:
        body['password'] = password
    # A level the device did not report (a list without userLevel) is not sent: a partial PUT keeps it.
    if account_type == 'onvif':
        if level is not None:
            body['userType'] = ONVIF_TYPES[level]
    else:
        if level is not None:
            body['userLevel'] = level.capitalize()
        if login_password is not None:
            body['loginPassword'] = login_password
    return body


# ---------------------------------------------------------------------------------------------
# Talking to the device
# ---------------------------------------------------------------------------------------------

def users_path(account_type):
    return ONVIF_USERS_PATH if account_type == 'onvif' else USERS_PATH


def read_users(client, account_type):
    """The account list as [{id, name, level}], levels as administrator/operator/viewer."""
    users = parse_users(client.get(users_path(account_type)), account_type)
    if account_type == 'onvif':
        for user in users:
            user['level'] = onvif_level(user['level'])
    return users


def apply_plan(client, account_type, plan, login_password):
    """Send the plan's writes: deletes first (they free slots), then creates, then updates. The login
    account's rotation is not sent here (see rotate_login_password). Returns {name: new id}.

    A password update the device refuses as the current password is dropped from the plan (it was
    already set), so that the caller reports only what changed."""
    path = users_path(account_type)
    for user in plan.delete:
        client.delete('%s/%s' % (path, user['id']))
    new_ids = {}
    for entry in plan.create:
        result = client.post(path, 'User', user_body(account_type, entry['name'], entry['level'],
                                                     password=entry['password']))
        new_ids[entry['name']] = xml_int(result.id)
    for user, entry, changes in plan.update:
        password = entry['password'] if changes.get('password') else None
        level = changes.get('level', user['level'])
        item = '%s/%s' % (path, user['id'])
        try:
            client.put(item, 'User', user_body(account_type, user['name'], level, password=password, user_id=user['id'],
                                               login_password=login_password if password is not None else None))
        except InvalidOperationError as exc:
            # The device says the password already is this one: nothing to change for it.
            if password is None or exc.sub_status_code != 'cannotSameAsOldPassword':
                raise
            changes.pop('password')
            if 'level' in changes:
                client.put(item, 'User', user_body(account_type, user['name'], level, user_id=user['id']))
    return new_ids


def rotate_login_password(client, user, new_password, login_password):
    """Change the password of the account ``client`` is logged in with (docs/isapi.md 4.3): the current
    password goes in loginPassword. The client's credentials are stale afterwards."""
    client.put('%s/%s' % (USERS_PATH, user['id']), 'User', user_body(
        'device', user['name'], user['level'], password=new_password, user_id=user['id'],
        login_password=login_password))
