"""A proxy in front of a live service that can slow down or cut the interpreter's responses
alone, as a slow or broken mobile network would, while the film's come at full speed.

The browser opens pages through ``proxy.url``; every request is passed on to the service,
and those ``throttled(path)`` picks out (the interpreter's ladder and file) are sent at
``rate`` bytes per second, shared by all of them at once, or fail (the connection is closed
with no answer) while ``outage`` is set.
"""

from __future__ import annotations

import http.client
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

CHUNK = 4096
# Hop-by-hop headers are the proxy's own business.
_NOT_PASSED_ON = {"connection", "keep-alive", "transfer-encoding", "proxy-connection", "upgrade"}


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a browser dropping a connection it no longer needs is no error here


class SignerNetwork:
    def __init__(self, upstream: str, throttled: Callable[[str], bool]) -> None:
        self.upstream = urlsplit(upstream)
        self.throttled = throttled
        self.rate: float | None = None  # bytes per second; None: full speed
        self.outage = False
        self.failed = 0  # requests answered with a broken connection
        self._lock = threading.Lock()
        self._next_free = 0.0  # when the shared link can send its next chunk
        network = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                network.forward(self)

            def do_HEAD(self) -> None:
                network.forward(self)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def _wait_for_link(self, size: int) -> None:
        """Blocks until ``size`` more bytes fit into the shared rate."""
        rate = self.rate
        if rate is None:
            return
        with self._lock:
            now = time.monotonic()
            until = max(now, self._next_free) + size / rate
            self._next_free = until
        time.sleep(max(0.0, until - now))

    def forward(self, handler: BaseHTTPRequestHandler) -> None:
        slowed = self.throttled(urlsplit(handler.path).path)
        if slowed and self.outage:
            self.failed += 1
            handler.close_connection = True
            return
        upstream = http.client.HTTPConnection(self.upstream.hostname, self.upstream.port, timeout=60)
        try:
            headers = {k: v for k, v in handler.headers.items() if k.lower() not in _NOT_PASSED_ON}
            upstream.request(handler.command, handler.path, headers=headers)
            response = upstream.getresponse()
            handler.send_response(response.status)
            length = response.getheader("Content-Length")
            for name, value in response.getheaders():
                if name.lower() not in _NOT_PASSED_ON:
                    handler.send_header(name, value)
            if length is None:
                handler.close_connection = True
                handler.send_header("Connection", "close")
            handler.end_headers()
            if handler.command == "HEAD":
                return
            while chunk := response.read(CHUNK):
                if slowed:
                    if self.outage:  # the network goes while an answer is under way
                        self.failed += 1
                        handler.close_connection = True
                        return
                    self._wait_for_link(len(chunk))
                handler.wfile.write(chunk)
        except (BrokenPipeError, ConnectionResetError):
            handler.close_connection = True
        finally:
            upstream.close()
