# -*- coding: utf-8 -*-
# Copyright (c) camops.hikvision contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""hik_decommission runs in the controller's worker process when its connection is local, the ordinary way otherwise:
the collection's one action implementation (plugins/plugin_utils/in_process.py), and with credential_store the
built-in credential store read and written by the task itself (plugins/plugin_utils/decommission_action.py)."""

from ansible_collections.camops.hikvision.plugins.plugin_utils.decommission_action import DecommissionAction
from ansible_collections.camops.hikvision.plugins.plugin_utils.in_process import preload

preload()


class ActionModule(DecommissionAction):
    pass
