# -*- coding: utf-8 -*-
# Copyright (c) camops.hikvision contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later


class ModuleDocFragment(object):

    # Every module: what check mode and diff mode mean here (each module gives its support and details).
    DOCUMENTATION = r'''
options: {}
attributes:
  check_mode:
    description: Can run in check mode; it then reports what would change and sends no write request.
  diff_mode:
    description: Returns before and after when run with C(--diff), with every secret removed.
  idempotent:
    description: A second run with the same arguments changes nothing and reports C(changed=false).
'''

    # The modules that talk to a device: one action group, and they run on the controller.
    ISAPI = r'''
options: {}
attributes:
  action_group:
    description: Use C(group/camops.hikvision.isapi) in C(module_defaults) to set the connection options once.
    support: full
    membership:
      - camops.hikvision.isapi
  platform:
    description: Runs on the Ansible controller (C(connection=local) or C(delegate_to=localhost)) and talks
      HTTP(S) to the device.
    support: full
    platforms: controller
'''

    # The modules that only touch the controller's files.
    CONTROLLER = r'''
options: {}
attributes:
  platform:
    description: Runs on the Ansible controller and writes only the controller's files.
    support: full
    platforms: controller
'''
