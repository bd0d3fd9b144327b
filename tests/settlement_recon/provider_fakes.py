"""A tiny local HTTP server scripted per test, for the provider clients'
tests (the approach of tests/tpl_connector/test_shipbob_client.py).

``api.route(method, path, handler)``: the handler gets the recorded request
and returns ``(status, headers, body)``; a body that is not bytes is sent
as JSON. Every request is recorded in ``api.requests``. Nothing sleeps.
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class Recorded:
    """One request as the server saw it; ``query`` maps a name to its list of values."""

    def __init__(self, method, path, query, headers, body):
        self.method, self.path, self.query, self.headers, self.body = method, path, query, headers, body

    def arg(self, name, default=None):
        values = self.query.get(name)
        return values[-1] if values else default

    def json(self):
        return json.loads(self.body) if self.body else None


class FakeApi:
    """Routes (method, path) to handlers; records every request."""

    def __init__(self):
        self.routes = {}
        self.requests = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output clean
                pass

            def _serve(self):
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                request = Recorded(
                    self.command,
                    parts.path,
                    parse_qs(parts.query, keep_blank_values=True),
                    dict(self.headers),
                    body,
                )
                fake.requests.append(request)
                handler = fake.routes.get((self.command, parts.path))
                if handler is None:
                    status, headers, answer = 404, {}, {"error": {"type": "invalid_request_error"}}
                else:
                    status, headers, answer = handler(request)
                data = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _serve

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def route(self, method, path, handler):
        self.routes[(method, path)] = handler if callable(handler) else (lambda request: handler)

    def on(self, path, method="GET"):
        """Decorator form of :meth:`route`."""

        def register(handler):
            self.route(method, path, handler)
            return handler

        return register

    def calls(self, path):
        return [request for request in self.requests if request.path == path]

    def reset(self):
        self.routes.clear()
        self.requests.clear()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class ManualClock:
    """Seconds since the epoch that only move when told (token expiry)."""

    def __init__(self, now=1_700_000_000.0):
        self.now = float(now)

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += seconds
