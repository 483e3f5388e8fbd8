# -*- coding: utf-8 -*-
# Copyright (c) camops.hikvision contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""hik_central_info runs in the controller's worker process when its connection is local, the ordinary way otherwise:
the collection's one action implementation (plugin_utils/in_process.py), under this module's own name."""

from ansible_collections.camops.hikvision.plugins.plugin_utils.in_process import InProcessModuleAction, preload

preload()


class ActionModule(InProcessModuleAction):
    pass
