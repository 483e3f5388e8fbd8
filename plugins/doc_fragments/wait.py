# -*- coding: utf-8 -*-
# Copyright (c) camops.hikvision contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later


class ModuleDocFragment(object):

    DOCUMENTATION = r'''
options:
  wait:
    description:
      - Wait until the device has gone down and answers again.
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds to wait for the device to come back; the module fails after that.
    type: int
    default: 300
notes:
  - While waiting, the module polls the unauthenticated C(/SDK/activateStatus), so a restarting device does
    not count failed logins.
'''
