"""What the device, control and cloud HTTP servers share."""

import socketserver
from http.server import BaseHTTPRequestHandler, HTTPServer


def quiet_bind(server):
    # HTTPServer.server_bind does a reverse DNS lookup that hangs for seconds per loopback address.
    socketserver.TCPServer.server_bind(server)
    host, port = server.server_address[:2]
    server.server_name = host
    server.server_port = port


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    sys_version = ''
    # Headers and body leave in one segment: unbuffered writes plus Nagle and delayed ACK
    # otherwise cost about 40 ms per keep-alive request.
    disable_nagle_algorithm = True
    wbufsize = -1

    def log_message(self, fmt, *args):  # quiet by default; --verbose turns it on
        if getattr(self.server, 'verbose', False):
            BaseHTTPRequestHandler.log_message(self, fmt, *args)

    def _read_body(self):
        length = int(self.headers.get('Content-Length') or 0)
        return self.rfile.read(length) if length else b''

    def _send(self, status, body, content_type, headers=()):
        self.send_response(status)
        self.send_header('Content-Type', content_type)
        self.send_header('Content-Length', str(len(body)))
        for key, value in headers:
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)


class LoopbackServer(socketserver.ThreadingMixIn, HTTPServer):
    """A threaded HTTP server on one loopback address (devices, control endpoint, cloud)."""
    daemon_threads = True
    allow_reuse_address = True

    def server_bind(self):
        quiet_bind(self)
