#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) camops.hikvision contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
---
module: hik_central_info
short_description: Find devices in HikCentral Professional (read only)
version_added: 0.1.0
description:
  - Asks a HikCentral Professional server, through its OpenAPI (the Artemis gateway, every call signed with the
    partner's AppKey and AppSecret), which of the given devices it still holds, and returns for each its name,
    id, area and online state there.
  - A device is found by its serial number first (HikCentral keeps the model, a date and the serial in
    C(encodeDevCode); their last 9 characters, the serial on the label, are compared), else by its address, but
    never a device at that address whose code names another serial (a replacement camera). A camera recorded by an
    NVR has no address of its own in HikCentral; it is found through its recorder (by O(devices[].recorder_serial_number)
    or O(devices[].recorder_address)) and its channel's name (O(devices[].channel_name), without case) among the
    recorder's cameras. When more than one device could be the one asked for, none is picked; the result says
    C(matched_by=ambiguous) and names the candidates.
  - B(It removes nothing.) HikCentral Professional's OpenAPI has no public call that removes a device or a
    camera, so the collection does not guess one; a device found here is removed in HikCentral itself. The
    decommission and audit roles use this module to say so in their reports.
  - The module reads the whole device, camera and area lists (500 a page), once per call, and matches on the
    controller; ask for every device of a run in one call.
author:
  - camops.hikvision maintainers (@camops)
extends_documentation_fragment:
  - camops.hikvision.attributes
attributes:
  check_mode:
    description: Reads only; runs the same in check mode.
    support: full
  diff_mode:
    description: Nothing changes, so there is no diff.
    support: none
  idempotent:
    description: Reads only.
    support: full
  platform:
    description: Runs on the Ansible controller and talks HTTPS to HikCentral Professional.
    support: full
    platforms: controller
options:
  host:
    description:
      - Address or DNS name of the HikCentral Professional server.
      - If not set, the value of the E(HIKCENTRAL_HOST) environment variable is used.
    type: str
    required: true
  port:
    description: Its HTTPS port (the OpenAPI's); C(443) for C(https) and C(80) for C(http) when not set.
    type: int
  protocol:
    description: HTTPS (the default, as HikCentral serves its OpenAPI) or plain HTTP.
    type: str
    choices: [http, https]
    default: https
  app_key:
    description:
      - The partner's AppKey, from HikCentral's Open Platform (Partner Management).
      - If not set, the value of the E(HIKCENTRAL_APP_KEY) environment variable is used.
    type: str
    required: true
  app_secret:
    description:
      - The partner's AppSecret; it signs every call and is never sent.
      - If not set, the value of the E(HIKCENTRAL_APP_SECRET) environment variable is used.
    type: str
    required: true
  validate_certs:
    description:
      - Verify HikCentral's TLS certificate. Servers usually have a self-signed one; give it (or its CA) as
        O(ca_path) rather than turning this off.
    type: bool
    default: true
  ca_path:
    description: PEM file with the certificate, or the CA, to verify HikCentral's certificate against.
    type: path
  timeout:
    description: Seconds to wait for each answer.
    type: int
    default: 10
  user_id:
    description:
      - The HikCentral user the calls act as (the C(userId) header); the answers hold what that user may see.
        HikCentral's default is its admin.
    type: str
  devices:
    description: The devices to look for, each with a name of its own (the key of RV(devices)).
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: The device's name in the result (its inventory host name, for example).
        type: str
        required: true
      address:
        description: The device's address, as HikCentral would have added it.
        type: str
      serial_number:
        description:
          - Its serial number, the long one or the 9 characters on the label (at least 9 characters); the last 9
            characters are compared with the end of HikCentral's C(encodeDevCode).
        type: str
      recorder_address:
        description: For a camera recorded by an NVR or DVR, the recorder's address.
        type: str
      recorder_serial_number:
        description: For a camera recorded by an NVR or DVR, the recorder's serial number (found by it first).
        type: str
      channel_name:
        description: With O(devices[].recorder_address), the name of the camera's channel on the recorder.
        type: str
notes:
  - Every call is an HTTP POST under C(/artemis) with the headers C(X-Ca-Key), C(X-Ca-Timestamp), C(X-Ca-Nonce),
    C(X-Ca-Signature-Headers) and C(X-Ca-Signature) (HMAC-SHA256 of the method, C(Accept), C(Content-Type), the
    signed headers and the path). The timestamp is signed, so keep the controller's clock right.
  - The calls used are C(api/common/v1/version), C(api/resource/v1/encodeDevice/encodeDeviceList),
    C(api/resource/v1/cameras) and C(api/resource/v1/regions). A server that does not offer one answers code 8
    ("product version not supported"), which the module reports as such. The version is read when the partner
    may read it (RV(hikcentral) is empty otherwise); the cameras only when a device is looked for through its
    recorder.
requirements:
  - requests
seealso:
  - module: camops.hikvision.hik_device_info
'''

EXAMPLES = r'''
- name: Which departing devices are still in HikCentral Professional?
  camops.hikvision.hik_central_info:
    host: hcp.example.com
    ca_path: /etc/pki/hcp.pem
    app_key: "{{ vault_hcp_app_key }}"
    app_secret: "{{ vault_hcp_app_secret }}"
    devices:
      - {name: nvr-north-01, address: 10.10.1.20}
      - {name: cam-lobby, serial_number: F74021782}
      - {name: nvr-north-01-ch03, recorder_address: 10.10.1.20, channel_name: Loading bay}
  delegate_to: localhost
  run_once: true
  register: hcp

- name: Say so
  ansible.builtin.debug:
    msg: "{{ hcp.messages }}"
  delegate_to: localhost
  run_once: true
'''

RETURN = r'''
hikcentral:
  description: The server's product and version (C(api/common/v1/version)).
  returned: success
  type: dict
  sample: {product: HikCentral Professional, version: V2.5.1}
devices:
  description: For each name of O(devices), what HikCentral holds.
  returned: success
  type: dict
  sample:
    nvr-north-01:
      found: true
      matched_by: address
      device: {id: "1", name: NVR North, address: 10.10.1.20, port: 8000, area: North, online: true,
               code: DS-7608NXI-I2/8P20240101CCWRF74021783}
      camera: null
      message: "still in HikCentral Professional as 'NVR North' in area 'North': remove it there"
  contains:
    found:
      description: Whether HikCentral holds the device; V(null) when more than one device could be it.
      type: bool
    matched_by:
      description: C(serial), C(address), C(recorder_channel) or C(ambiguous); V(null) when not found.
      type: str
    candidates:
      description: With C(ambiguous), the names of the devices (or cameras) that could be it.
      type: list
      elements: str
    device:
      description: The encoding device (for a camera behind a recorder, the recorder) as HikCentral lists it.
      type: dict
    camera:
      description: For C(recorder_channel), the camera channel of the recorder (its id, name, area, online).
      type: dict
    message:
      description: The report's sentence for a device still there, or V(null).
      type: str
still_in_hikcentral:
  description: The names of the devices HikCentral still holds.
  returned: success
  type: list
  elements: str
  sample: [nvr-north-01]
messages:
  description: One sentence per device still in HikCentral, with its name.
  returned: success
  type: list
  elements: str
requests:
  description: How many calls were made.
  returned: success
  type: int
'''

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.camops.hikvision.plugins.module_utils import hikcentral
from ansible_collections.camops.hikvision.plugins.module_utils import specs
from ansible_collections.camops.hikvision.plugins.module_utils.runner import connection_problem


def run(module):
    params = module.params
    if not hikcentral.HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib('requests'))
    problem = connection_problem(params, what='HikCentral server')
    if problem:
        module.fail_json(msg=problem)
    names = [d['name'] for d in params['devices']]
    if len(set(names)) != len(names):
        module.fail_json(msg='each of devices needs a name of its own; %s is given twice.'
                         % sorted(n for n in names if names.count(n) > 1)[0])
    for device in params['devices']:
        if device.get('serial_number') and len(device['serial_number'].strip()) < hikcentral.SHORT_SERIAL:
            module.fail_json(msg='devices item %s: serial_number must have at least 9 characters (the serial on the '
                                 'label), got %r.' % (device['name'], device['serial_number']))
        if not (device.get('address') or device.get('serial_number')
                or ((device.get('recorder_address') or device.get('recorder_serial_number'))
                    and device.get('channel_name'))):
            module.fail_json(msg='devices item %s needs address, serial_number, or recorder_address (or '
                                 'recorder_serial_number) with channel_name.' % device['name'])
    client = hikcentral.HikCentralClient(params['host'], params['app_key'], params['app_secret'], port=params['port'],
                                         protocol=params['protocol'], validate_certs=params['validate_certs'],
                                         ca_path=params['ca_path'], timeout=params['timeout'],
                                         user_id=params['user_id'])
    try:
        try:
            version = client.call(hikcentral.VERSION_PATH)
        except hikcentral.HikCentralError as exc:
            if exc.code not in ('0x02401007', '8'):
                raise
            version = {}  # a partner not granted this one call (or a server without it) still reads the lists
        cameras = any(d.get('channel_name') for d in params['devices'])
        found = hikcentral.find(client.read_all(cameras=cameras), params['devices'])
    except hikcentral.HikCentralError as exc:
        module.fail_json(msg=str(exc), code=exc.code, http_status=exc.http_status, requests=client.calls)
    finally:
        client.close()
    messages = []
    for name in names:
        found[name]['message'] = hikcentral.sentence(found[name])
        if found[name]['message']:
            messages.append('%s: %s' % (name, found[name]['message']))
    module.exit_json(changed=False, devices=found, messages=messages, requests=client.calls,
                     still_in_hikcentral=[name for name in names if found[name]['found']],
                     hikcentral=dict(product=version.get('produceName'), version=version.get('softVersion')))


def main():
    run(AnsibleModule(**specs.module_args('hik_central_info')))


if __name__ == '__main__':
    main()
