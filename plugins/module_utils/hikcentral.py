# -*- coding: utf-8 -*-
# Copyright (c) camops.hikvision contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""HikCentral Professional's OpenAPI (docs/cloud-apis.md 7): read only. The Artemis gateway's request signing,
its envelope, paging and errors, and finding departing devices among what HikCentral holds (pure).

There is no public call that removes a device from HikCentral Professional, so this client has none: the
collection finds the devices there and says so; removing them is done in HikCentral."""

import base64
import hashlib
import hmac
import time
import uuid

try:
    import requests
    HAS_REQUESTS = True
except ImportError:  # pragma: no cover - checked by the module
    HAS_REQUESTS = False

PREFIX = '/artemis'
ACCEPT = 'application/json'
CONTENT_TYPE = 'application/json;charset=UTF-8'
MAX_PAGE = 500

DEVICES_PATH = '/api/resource/v1/encodeDevice/encodeDeviceList'
CAMERAS_PATH = '/api/resource/v1/cameras'
REGIONS_PATH = '/api/resource/v1/regions'
VERSION_PATH = '/api/common/v1/version'

# What the documented codes mean (docs/cloud-apis.md 7; one derived source for the small codes).
CODES = {
    '0x02401003': 'the signature was refused (check app_key and app_secret, and the controller\'s clock)',
    '0x02401007': 'the partner is not granted this API in HikCentral\'s Open Platform',
    '0x02401009': 'the call limit was reached',
    '0x00072203': 'the resource does not exist',
    '2': 'a parameter was refused',
    '6': 'HikCentral is busy',
    '8': 'HikCentral does not offer this API ("product version not supported")',
    '17': 'the partner has no OpenAPI permission',
    '128': 'the resource does not exist',
    '130': 'the user the call acts as has no permission',
}


class HikCentralError(Exception):
    """A call that failed; the message is one sentence, never holding the secret."""

    def __init__(self, message, code=None, http_status=None, path=None):
        Exception.__init__(self, message)
        self.code = code
        self.http_status = http_status
        self.path = path


def string_to_sign(method, path, headers, query=None):
    """The Artemis string to sign (docs/cloud-apis.md 7): the method; Accept, Content-MD5, Content-Type and Date,
    each only when sent; a ``name:value`` line per signed header (lower-case names, sorted); the path with its
    query sorted by key. Lines joined by a newline."""
    lowered = dict((name.lower(), value) for name, value in headers.items())
    lines = [method.upper()]
    for name in ('accept', 'content-md5', 'content-type', 'date'):
        if lowered.get(name) is not None:
            lines.append(lowered[name])
    for name in signed_header_names(headers):
        lines.append('%s:%s' % (name, lowered[name]))
    resource = path
    if query:
        resource += '?' + '&'.join(key if query[key] in (None, '') else '%s=%s' % (key, query[key])
                                   for key in sorted(query))
    lines.append(resource)
    return '\n'.join(lines)


def signed_header_names(headers):
    """Every x-ca-* header but the signature's own two, lower-case and sorted."""
    return sorted(name.lower() for name in headers if name.lower().startswith('x-ca-')
                  and name.lower() not in ('x-ca-signature', 'x-ca-signature-headers'))


def signature(secret, text):
    digest = hmac.new(secret.encode('utf-8'), text.encode('utf-8'), hashlib.sha256).digest()
    return base64.b64encode(digest).decode('ascii')


def signed_headers(app_key, app_secret, path, now=None, nonce=None):
    """The headers of a signed JSON POST to ``path`` (which starts with /artemis)."""
    headers = {'Accept': ACCEPT, 'Content-Type': CONTENT_TYPE, 'X-Ca-Key': app_key,
               'X-Ca-Timestamp': str(int((time.time() if now is None else now) * 1000)),
               'X-Ca-Nonce': nonce or str(uuid.uuid4())}
    headers['X-Ca-Signature-Headers'] = ','.join(signed_header_names(headers))
    headers['X-Ca-Signature'] = signature(app_secret, string_to_sign('POST', path, headers))
    return headers


class HikCentralClient(object):
    """One HikCentral Professional, one session; every call a signed JSON POST."""

    def __init__(self, host, app_key, app_secret, port=None, protocol='https', validate_certs=True, ca_path=None,
                 timeout=10, user_id=None):
        if protocol not in ('http', 'https'):
            raise ValueError('protocol must be http or https')
        self.host = host
        self.port = port or (443 if protocol == 'https' else 80)
        self.base = '%s://%s:%d' % (protocol, '[%s]' % host if ':' in host else host, self.port)
        self.label = host if self.port in (80, 443) else '%s:%s' % (host, self.port)
        self.app_key = app_key
        self.app_secret = app_secret
        self.timeout = timeout
        self.user_id = user_id
        self.session = requests.Session()
        self.session.verify = (ca_path or True) if validate_certs else False
        self.calls = 0

    def call(self, api_path, body=None):
        """POST ``body`` to ``api_path`` (e.g. /api/resource/v1/regions); the envelope's ``data``."""
        path = PREFIX + api_path
        headers = signed_headers(self.app_key, self.app_secret, path)
        if self.user_id:
            headers['userId'] = self.user_id  # not signed: the HikCentral user the call acts as
        self.calls += 1
        where = 'HikCentral Professional %s: POST %s' % (self.label, path)
        try:
            response = self.session.post(self.base + path, json=body or {}, headers=headers, timeout=self.timeout)
        except requests.exceptions.SSLError:
            raise HikCentralError('%s failed: the TLS handshake or certificate check failed; set ca_path to its '
                                  'certificate (or its CA), or validate_certs to false.' % where, path=api_path)
        except requests.exceptions.Timeout:
            raise HikCentralError('%s failed: no answer within %ss.' % (where, self.timeout), path=api_path)
        except requests.exceptions.RequestException:
            raise HikCentralError('%s failed: it could not be reached.' % where, path=api_path)
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            answer = {}
        code = str(answer['code']) if answer.get('code') is not None else None
        if response.status_code >= 300 or code != '0':
            detail = ''
            if code is not None:
                detail = ', code %s: %s' % (code, CODES.get(code) or answer.get('msg') or 'no message')
            elif response.status_code < 300:
                detail = ', an answer without a code (not the OpenAPI\'s envelope)'
            raise HikCentralError('%s failed: HTTP %s%s.' % (where, response.status_code, detail),
                                  code=code, http_status=response.status_code, path=api_path)
        return answer.get('data') or {}

    def pages(self, api_path, body=None):
        """Every item of a paged list (pageNo from 1, 500 a page)."""
        page = 1
        seen = 0
        while True:
            data = self.call(api_path, dict(body or {}, pageNo=page, pageSize=MAX_PAGE))
            items = data.get('list') or []
            yield from items
            seen += len(items)
            total = data.get('total')
            if not items or (seen >= int(total) if total is not None else len(items) < MAX_PAGE):
                return
            page += 1

    def read_all(self, cameras=True):
        """What the finder needs: the encoding devices, the cameras (when asked) and the areas."""
        return dict(devices=list(self.pages(DEVICES_PATH)), cameras=list(self.pages(CAMERAS_PATH)) if cameras else [],
                    regions=list(self.pages(REGIONS_PATH)))

    def close(self):
        self.session.close()


# ---- finding the departing devices (pure) ---------------------------------------------------------------------

def _device(item, regions):
    region = regions.get(str(item.get('regionIndexCode') or ''))
    status = str(item.get('status', ''))
    return dict(id=str(item.get('encodeDevIndexCode') or ''), name=item.get('encodeDevName'),
                address=item.get('encodeDevIp'), port=_int(item.get('encodeDevPort')),
                code=item.get('encodeDevCode'), area=region, online={'1': True, '2': False}.get(status))


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


SHORT_SERIAL = 9


def _short_serial(value):
    """The 9 characters on the label: the end of a long serial (model, date, then the 9), or the serial itself."""
    value = (value or '').strip().upper()
    return value[-SHORT_SERIAL:] if len(value) >= SHORT_SERIAL else None


def _same_name(one, other):
    return (one or '').strip().casefold() == (other or '').strip().casefold()


def _one(candidates, found, how):
    """Take the only candidate; several are ambiguous (never one picked silently)."""
    if len(candidates) == 1:
        found.update(found=True, matched_by=how, device=candidates[0])
    elif candidates:
        found.update(found=None, matched_by='ambiguous', candidates=[c['name'] for c in candidates])


def find(read, queries):
    """For each query (``name``, and any of ``address``, ``serial_number``, ``recorder_address``,
    ``recorder_serial_number``, ``channel_name``), what HikCentral holds of that device: ``{name: {found,
    matched_by, device, camera, candidates}}``. ``found`` is None when more than one device could be it.

    By serial first: ``encodeDevCode`` holds the model, a date and the serial, so the last 9 characters of each
    (the serial on the label) are compared, whichever of the long or short serial is given. By address only
    when no serial matched, and never a device whose code names another serial (a replacement camera at the old
    address). A camera recorded by an NVR has no address of its own in HikCentral: it is found through its
    recorder (by serial, else address, the same way) and its channel's name among that recorder's cameras
    (without case or surrounding spaces). More than one candidate at any step is reported as ambiguous."""
    regions = dict((str(r.get('indexCode')), r.get('name')) for r in read.get('regions') or [])
    devices = [_device(item, regions) for item in read.get('devices') or []]
    cameras = read.get('cameras') or []
    results = {}
    for query in queries:
        found = dict(found=False, matched_by=None, device=None, camera=None, candidates=[])
        _locate(devices, query.get('serial_number'), query.get('address'), found)
        if not found['matched_by'] and query.get('channel_name') and (query.get('recorder_address')
                                                                      or query.get('recorder_serial_number')):
            recorder = dict(found=False, matched_by=None, device=None, candidates=[])
            _locate(devices, query.get('recorder_serial_number'), query.get('recorder_address'), recorder)
            if recorder['found'] is None:
                found.update(found=None, matched_by='ambiguous', candidates=recorder['candidates'])
            elif recorder['found']:
                named = [c for c in cameras if str(c.get('encodeDevIndexCode')) == recorder['device']['id']
                         and _same_name(c.get('cameraName'), query['channel_name'])]
                if len(named) == 1:
                    camera = named[0]
                    found.update(found=True, matched_by='recorder_channel', device=recorder['device'],
                                 camera=dict(id=str(camera.get('cameraIndexCode') or ''), name=camera.get('cameraName'),
                                             area=regions.get(str(camera.get('regionIndexCode') or '')),
                                             online={'1': True, '0': False}.get(str(camera.get('status', '')))))
                elif named:
                    found.update(found=None, matched_by='ambiguous', device=recorder['device'],
                                 candidates=[c.get('cameraName') for c in named])
        results[query['name']] = found
    return results


def _locate(devices, serial, address, found):
    short = _short_serial(serial)
    if short:
        by_serial = [d for d in devices if _short_serial(d['code']) == short]
        if by_serial:
            return _one(by_serial, found, 'serial')
    if address:
        # A device whose code names another serial is another device now at that address.
        by_address = [d for d in devices if (d['address'] or '').lower() == address.lower()
                      and not (short and _short_serial(d['code']) and _short_serial(d['code']) != short)]
        if by_address:
            return _one(by_address, found, 'address')
    return None


def sentence(found):
    """The report's words for a device HikCentral still holds (or may hold), or None."""
    if found and found.get('matched_by') == 'ambiguous':
        return ('HikCentral Professional holds more than one device that could be this one (%s): check there'
                % ', '.join("'%s'" % name for name in found.get('candidates') or []))
    if not found or not found.get('found'):
        return None
    if found.get('camera'):
        camera, recorder = found['camera'], found['device']
        return ("still in HikCentral Professional as camera '%s' of '%s' in area '%s': remove it there"
                % (camera['name'], recorder['name'], camera.get('area') or recorder.get('area') or '-'))
    device = found['device']
    return ("still in HikCentral Professional as '%s' in area '%s': remove it there"
            % (device['name'], device.get('area') or '-'))
