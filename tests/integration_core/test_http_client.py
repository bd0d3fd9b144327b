"""IntegrationHttpClient against a real HTTP server on 127.0.0.1."""

import json
import logging
import threading
import time
from email.utils import format_datetime
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from odoo.addons.integration_core.lib.circuit_breaker import CircuitBreaker
from odoo.addons.integration_core.lib.exceptions import (
    CircuitOpen,
    PermanentError,
    RateLimited,
    RemoteRejected,
    RemoteServerError,
    RemoteTimeout,
)
from odoo.addons.integration_core.lib.http_client import IntegrationHttpClient, parse_retry_after


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        self.server.seen.append((self.path, dict(self.headers)))
        routes = {
            "/ok": (200, {}, {"hello": "world"}),
            "/throttled": (429, {"Retry-After": "4"}, {"errors": "Too many"}),
            "/throttled-date": (
                429,
                {
                    "Retry-After": format_datetime(
                        datetime.now(timezone.utc) + timedelta(seconds=30), usegmt=True
                    )
                },
                {},
            ),
            "/down": (503, {}, {"errors": "down"}),
            "/missing": (404, {}, {"errors": "Not Found"}),
            "/bad-json": (200, {}, b"<html>oops</html>"),
        }
        path = self.path.split("?")[0]
        if path == "/slow":
            time.sleep(1.0)
            status, headers, body = 200, {}, {}
        else:
            status, headers, body = routes.get(path, (404, {}, {}))
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture()
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.seen = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_success_and_json(server):
    _httpd, url = server
    client = IntegrationHttpClient(url)
    assert client.request_json("GET", "/ok") == {"hello": "world"}


def test_429_retry_after_seconds_and_date(server):
    _httpd, url = server
    client = IntegrationHttpClient(url)
    with pytest.raises(RateLimited) as info:
        client.request("GET", "/throttled")
    assert info.value.retry_after == 4
    with pytest.raises(RateLimited) as info:
        client.request("GET", "/throttled-date")
    assert 25 <= info.value.retry_after <= 31


def test_5xx_and_4xx(server):
    _httpd, url = server
    client = IntegrationHttpClient(url)
    with pytest.raises(RemoteServerError):
        client.request("GET", "/down")
    with pytest.raises(RemoteRejected) as info:
        client.request("GET", "/missing")
    assert info.value.status_code == 404
    assert "Not Found" in info.value.body


def test_invalid_json_is_retryable(server):
    _httpd, url = server
    with pytest.raises(RemoteServerError, match="invalid JSON"):
        IntegrationHttpClient(url).request_json("GET", "/bad-json")


def test_timeout(server):
    _httpd, url = server
    with pytest.raises(RemoteTimeout):
        IntegrationHttpClient(url, timeout=(1, 0.2)).request("GET", "/slow")


def test_connection_refused():
    with pytest.raises(RemoteServerError):
        IntegrationHttpClient("http://127.0.0.1:9", timeout=(0.5, 0.5)).request("GET", "/")


def test_request_blocked_by_test_harness_is_permanent():
    class BlockedRequest(requests.exceptions.ConnectionError):
        pass

    class Session(requests.Session):
        def request(self, *args, **kwargs):
            raise BlockedRequest("External requests verboten")

    with pytest.raises(PermanentError, match="test harness"):
        IntegrationHttpClient("https://example.com", session=Session()).request("GET", "/")


def test_every_request_has_a_timeout(server):
    _httpd, url = server
    seen = {}

    class Session(requests.Session):
        def request(self, *args, **kwargs):
            seen.update(kwargs)
            return super().request(*args, **kwargs)

    IntegrationHttpClient(url, session=Session()).request("GET", "/ok")
    assert seen["timeout"] == (3.05, 20.0)


def test_breaker_opens_and_stops_calls(server):
    httpd, url = server
    client = IntegrationHttpClient(url, circuit_breaker=CircuitBreaker(failure_threshold=2, cool_down=60))
    for _i in range(2):
        with pytest.raises(RemoteServerError):
            client.request("GET", "/down")
    with pytest.raises(CircuitOpen):
        client.request("GET", "/ok")
    assert len(httpd.seen) == 2
    # 4xx does not count as the remote system failing
    client = IntegrationHttpClient(url, circuit_breaker=CircuitBreaker(failure_threshold=1))
    with pytest.raises(RemoteRejected):
        client.request("GET", "/missing")
    assert client.circuit_breaker.state.state == "closed"


def test_logs_never_contain_secrets(server, caplog):
    _httpd, url = server
    client = IntegrationHttpClient(
        url, default_headers={"X-Shopify-Access-Token": "shpat_SECRET123"}, secrets=["shpat_SECRET123"]
    )
    with caplog.at_level(logging.DEBUG, logger="odoo.addons.integration_core.lib.http_client"):
        client.request("GET", "/ok?token=shpat_SECRET123")
        with pytest.raises(RemoteRejected) as info:
            client.request("GET", "/missing?token=shpat_SECRET123")
    assert "shpat_SECRET123" not in str(info.value)
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert text
    assert "shpat_SECRET123" not in text


def test_parse_retry_after():
    assert parse_retry_after(None) is None
    assert parse_retry_after("garbage") is None
    assert parse_retry_after("99999") == 3600
    assert parse_retry_after("2.5") == 2.5
