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
      - With C(false) the module does not repeat urllib3's warning about unverified requests for every
        request; the choice is the user's.
    type: bool
    default: true
  ca_path:
    description:
      - PEM file with the CA certificate(s) to verify the device's certificate against.
      - For a device's own self-signed certificate, the certificate itself (exported from the device's
        web page); it must name the address in I(host).
    type: path
  timeout:
    description:
      - Seconds to wait for a connection and for each read of an answer from the device.
      - A whole answer must arrive within three times this (thirty times for a configuration download), so a
        device that sends its answer a byte at a time fails the task instead of holding it.
    type: int
    default: 10
  nonce_max_uses:
    description:
      - How many requests one HTTP Digest nonce may authenticate before the module asks the device for a
        new one (with a request without credentials, which does not count as a login attempt).
      - If not set, a nonce is used for as long as the device accepts it. Some firmware (seen on
        DS-K1T342MWX V4.48.40) refuses the third use of a nonce with HTTP 401 and no new challenge; the
        module then asks for a new nonce once, uses each nonce at most as often as the device accepted for
        the rest of its run, and warns with that limit. Whether such a device counts that refusal as a
        failed login is not known, so for those devices set C(2) here (C(hik_nonce_max_uses) in the
        inventory for the roles), and no request is refused.
      - M(camops.hikvision.hik_device_info) returns the limit it found as RV(camops.hikvision.hik_device_info#module:nonce_max_uses).
    type: int
  refused_password_dir:
    description:
      - A directory on the controller where the module remembers, as salted SHA-256 hashes, every password the
        device refused (HTTP 401 that is not a lockout), one file per device address (mode 0600, directory
        0700).
      - A password remembered there is not sent to that device again, so that no later run (an audit, a check
        run, a retry) spends one of the device's few login attempts on it; the module fails with one sentence
        instead, or logs in with the fallback password first where the module has one. A different password
        is sent as usual. Delete the device's file to forget its refusals.
      - If not set, the environment variable E(HIKVISION_REFUSED_PASSWORD_DIR) is used; if neither is set,
        nothing is remembered. The roles set it to C(<store directory>/refused).
    type: path
notes:
  - All modules of this collection are in the action group C(camops.hikvision.isapi), so a play can set
    the connection options once with C(module_defaults).
  - A device that reports it has locked the controller's address out is left alone; the error says
    how many seconds remain.
  - With a local connection (C(connection=local) or C(delegate_to=localhost)) the module runs in the
    controller's worker process instead of a new Python interpreter, with the same argument handling and
    results; set the variable C(hik_in_process=false) to run it the ordinary way. With become, async or a
    remote connection it always runs the ordinary way.
  - A write the device accepts with statusCode 7 (Reboot Required) counts as applied; the result then has
    C(reboot_required=true) and a warning that the change takes effect after a restart.
  - The user name and passwords must be printable ASCII; O(host) must be an IP address or a host name. Other
    values are refused before any request.
requirements:
  - requests
  - xmltodict
'''
