# -*- coding: utf-8 -*-
# Copyright (c) camops.hikvision contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The factory reset: the plan and apply of hik_factory_reset, also a step of the decommission flow (flow.py)."""

from ansible_collections.camops.hikvision.plugins.module_utils import system as system_mod
from ansible_collections.camops.hikvision.plugins.module_utils.runner import Plan, Refusal


def plan(runner):
    confirm = (runner.params['confirm_serial'] or '').strip()
    if not confirm:
        raise Refusal('confirm_serial must be the serial number of the device to reset.')
    client = runner.connect()
    device = system_mod.parse_device_info(client.get(system_mod.DEVICE_INFO_PATH))
    serial = device['serial_number'] or ''
    runner.result['serial_number'] = serial
    if not serial.strip():
        # Nothing to match confirm_serial against (an empty confirm_serial would match it): never reset.
        raise Refusal('%s: refusing to reset: the device reports no serial number, so confirm_serial cannot be '
                      'checked; nothing was sent.' % client.label)
    if serial.strip().upper() != confirm.upper():
        raise Refusal('%s: refusing to reset: the device reports serial number %r but confirm_serial is %r; '
                      'nothing was sent.' % (client.label, serial, confirm))
    if runner.capabilities().get('factory_reset') is False:
        raise Refusal('%s: the device does not offer a factory reset (isSupportFactoryReset false).' % client.label)
    return Plan(changed=True)


def apply(runner, dummy_plan):
    client = runner.restart(system_mod.FACTORY_RESET_PATH, dict(reset=True), params=dict(mode=runner.params['mode']))
    if runner.params['wait']:
        runner.result['activated'] = system_mod.parse_activated(client.get_optional(system_mod.ACTIVATE_STATUS_PATH))
