# -*- coding: utf-8 -*-
# Copyright (c) camops.hikvision contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later


class ModuleDocFragment(object):

    DOCUMENTATION = r'''
options:
  host:
    description:
      - Address or DNS name of the device (camera, NVR or DVR) to talk ISAPI to.
      - The module runs on the controller (C(connection=local) or C(delegate_to=localhost)) and
        reaches the device over HTTP(S).
    type: str
    required: true
  port:
    description:
      - TCP port of the device's web service.
      - Defaults to C(80) for I(protocol=http) and C(443) for I(protocol=https).
    type: int
  protocol:
    description:
      - Whether to use plain HTTP or HTTPS.
      - Hikvision devices ship a self-signed certificate; with C(https) either give I(ca_path) or
        set I(validate_certs=false) knowingly.
    type: str
    choices: [http, https]
    default: http
  username:
    description:
      - Account to log in with. Authentication uses HTTP Digest (MD5, qop=auth) whenever the device
        offers it, and Basic only when that is the only scheme the device offers.
      - If not set, the value of the E(HIKVISION_USERNAME) environment variable is used.
    type: str
    default: admin
  password:
    description:
      - Password of I(username).
      - If not set, the value of the E(HIKVISION_PASSWORD) environment variable is used.
      - A refused password is never retried, so that the device's login lockout is not triggered
        by this collection.
    type: str
  validate_certs:
    description:
      - Verify the device's TLS certificate with I(protocol=https).
      - If not set, the value of the E(HIKVISION_VALIDATE_CERTS) environment variable is used.
    type: bool
    default: true
  ca_path:
    description:
      - PEM file with the CA certificate(s) to verify the device's certificate against.
    type: path
  timeout:
    description:
      - Seconds to wait for each answer from the device.
    type: int
    default: 10
notes:
  - All modules of this collection are in the action group C(camops.hikvision.isapi), so a play can set
    the connection options once with C(module_defaults).
  - A device that reports it has locked the controller's address out is left alone; the error says
    how many seconds remain.
  - With a local connection (C(connection=local) or C(delegate_to=localhost)) the module runs in the
    controller's worker process instead of a new Python interpreter, with the same argument handling and
    results; set the variable C(hik_in_process=false) to run it the ordinary way. With become, async or a
    remote connection it always runs the ordinary way.
requirements:
  - requests
  - xmltodict
'''
