"""What the client takes as a downloaded file (a configuration export): decided by the HTTP status and the
Content-Type; a body is read as an ISAPI answer only when the device labels it XML or JSON, or when it is a
ResponseStatus. Real HTTP on loopback, one canned answer per case."""

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from ansible_collections.camops.hikvision.plugins.module_utils.isapi.api import (
    DeviceError, InvalidOperationError, ISAPIClient, MalformedResponseError,
)
from ansible_collections.camops.hikvision.tests.unit.sim import Ended, StandIn

PATH = '/ISAPI/System/configurationData'
BINARY_BRACE = b'{\x8f\x02\x00\xff binary export that happens to start with a brace \x00\x01'
BINARY_ANGLE = b'<\x00\x93\x11 binary export that happens to start with an angle bracket \xfe'
STATUS_JSON = b'{"statusCode": 4, "statusString": "Invalid Operation", "subStatusCode": "invalidOperation"}'
STATUS_XML = (b'<?xml version="1.0" encoding="UTF-8"?><ResponseStatus version="2.0" '
              b'xmlns="http://www.hikvision.com/ver20/XMLSchema"><statusCode>4</statusCode><statusString>Invalid '
              b'Operation</statusString><subStatusCode>invalidOperation</subStatusCode></ResponseStatus>')
HTML = b'<!DOCTYPE html><html><body>Internal error</body></html>'


class Canned(BaseHTTPRequestHandler):
    answer = (200, 'application/octet-stream', b'')

    def do_PUT(self):  # noqa: N802
        self.rfile.read(int(self.headers.get('Content-Length') or 0))
        self.do_GET()

    def do_GET(self):  # noqa: N802 (the name http.server calls)
        status, ctype, body = self.server.answer
        self.send_response(status)
        if ctype:
            self.send_header('Content-Type', ctype)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope='module')
def server():
    httpd = HTTPServer(('127.0.2.210', 0), Canned)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def _download(server, status, ctype, body):
    server.answer = (status, ctype, body)
    client = ISAPIClient('127.0.2.210', 'admin', 'Secret-pass-1', port=server.server_address[1],
                         sleep=lambda _s: None, read_retries=0, busy_retries=0)
    try:
        return client.download(PATH)[0]
    finally:
        client.close()


@pytest.mark.parametrize('ctype, body', [
    ('application/octet-stream', BINARY_BRACE),
    ('application/octet-stream', BINARY_ANGLE),
    (None, BINARY_BRACE),  # no Content-Type at all
    ('application/octet-stream', b'{"some": "json-looking export without a statusCode"}'),
])
def test_a_binary_export_is_the_file_whatever_its_first_byte(server, ctype, body):
    assert _download(server, 200, ctype, body) == body


@pytest.mark.parametrize('ctype, body', [
    ('application/octet-stream', STATUS_JSON),  # a ResponseStatus, even mislabelled
    ('application/json', STATUS_JSON),
    ('application/xml', STATUS_XML),
    (None, STATUS_XML),
])
def test_a_response_status_in_place_of_the_file_is_the_devices_error(server, ctype, body):
    with pytest.raises(InvalidOperationError):
        _download(server, 200, ctype, body)


@pytest.mark.parametrize('status, ctype, body, error, words', [
    (200, 'application/json', b'{"a": 1}', MalformedResponseError,
     'expected a file but the device answered with a application/json document'),
    (200, 'text/html', HTML, MalformedResponseError, 'an HTML page'),
    (200, None, HTML, MalformedResponseError, 'an HTML page'),
    (200, 'application/octet-stream', b'', MalformedResponseError, 'empty body'),
    (500, 'text/html', HTML, DeviceError, 'HTTP 500'),
    (500, 'application/octet-stream', BINARY_BRACE, DeviceError, 'HTTP 500'),  # an error status is never the file
])
def test_what_is_not_a_configuration_is_refused(server, status, ctype, body, error, words):
    with pytest.raises(error) as refused:
        _download(server, status, ctype, body)
    assert words in str(refused.value)


REBOOT_REQUIRED = (b'<?xml version="1.0" encoding="UTF-8"?><ResponseStatus version="2.0" '
                   b'xmlns="http://www.hikvision.com/ver20/XMLSchema"><requestURL>/ISAPI/System/Network/EZVIZ'
                   b'</requestURL><statusCode>7</statusCode><statusString>Reboot Required</statusString>'
                   b'<subStatusCode>rebootRequired</subStatusCode></ResponseStatus>')


def test_a_write_that_needs_a_reboot_is_applied_and_said(server):
    """statusCode 7: accepted, counted as acknowledged, and the module says a restart is needed."""
    from ansible_collections.camops.hikvision.plugins.module_utils.runner import Plan, Runner

    server.answer = (200, 'application/xml', REBOOT_REQUIRED)
    module = StandIn(host='127.0.2.210', port=server.server_address[1], password='Secret-pass-1', timeout=5)

    def plan(runner):
        return Plan(changed=True)

    def apply(runner, planned):
        runner.connect().put('/ISAPI/System/Network/EZVIZ', 'EZVIZ', {'enabled': 'false'})
    with pytest.raises(Ended) as ended:
        Runner(module).execute(plan, apply)
    result = ended.value.args[0]
    assert result['changed'] is True and result['reboot_required'] is True
    assert module.warnings == ['127.0.2.210:%d: the device applied PUT /ISAPI/System/Network/EZVIZ with statusCode 7 '
                               '(Reboot Required): the change takes effect after the device restarts '
                               '(camops.hikvision.hik_reboot).' % server.server_address[1]]
