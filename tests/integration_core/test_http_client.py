"""IntegrationHttpClient against a real HTTP server on 127.0.0.1."""

import json
import logging
import socket
import threading
import time
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from requests.structures import CaseInsensitiveDict

from odoo.addons.integration_core.lib.circuit_breaker import CircuitBreaker, CircuitState
from odoo.addons.integration_core.lib.exceptions import (
    CircuitOpen,
    PermanentError,
    RateLimited,
    RemoteRejected,
    RemoteServerError,
    RemoteTimeout,
)
from odoo.addons.integration_core.lib.http_client import (
    IntegrationHttpClient,
    classify_exception,
    classify_response,
    parse_retry_after,
)
from odoo.addons.integration_core.lib.rate_limit import TokenBucket

LOGGER = "odoo.addons.integration_core.lib.http_client"
SECRET = "shpat_SECRET123"
SLOW_SECONDS = 0.5


def http_date(seconds_from_now):
    return format_datetime(datetime.now(timezone.utc) + timedelta(seconds=seconds_from_now), usegmt=True)


class Handler(BaseHTTPRequestHandler):
    """A tiny remote API: each path answers one way."""

    ROUTES = {
        "/ok": (200, {}, {"hello": "world"}),
        "/empty": (204, {}, b""),
        "/throttled": (429, {"Retry-After": "4"}, {"errors": "Too many"}),
        "/throttled-bare": (429, {}, {}),
        "/throttled-long": (429, {"Retry-After": "99999"}, {}),
        "/down": (503, {"Retry-After": "7"}, {"errors": "down"}),
        "/error": (500, {}, b"Internal Server Error"),
        "/request-timeout": (408, {}, {}),
        "/missing": (404, {}, {"errors": "Not Found"}),
        "/bad-request": (400, {}, {"errors": {"email": ["is invalid"]}}),
        "/bad-json": (200, {}, b"<html>oops</html>"),
    }

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.answer()

    def do_POST(self):
        self.answer()

    def answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        self.server.seen.append((self.command, self.path, dict(self.headers), body))
        if parts.path == "/slow":
            time.sleep(SLOW_SECONDS)
            status, headers, payload = 200, {}, {}
        elif parts.path == "/throttled-date":
            status, headers, payload = 429, {"Retry-After": http_date(30)}, {}
        elif parts.path.startswith("/echo"):
            # echoes what it received, credentials included, as careless APIs do
            status = 422 if parts.path == "/echo-rejected" else 200
            headers = {"Set-Cookie": f"session={SECRET}"}
            payload = {
                "headers": dict(self.headers),
                "query": parse_qs(parts.query),
                "body": json.loads(body or b"null"),
                "customer": {"email": "jane@example.com", "phone": "+1 555 0142"},
            }
        else:
            status, headers, payload = self.ROUTES.get(parts.path, (404, {}, {}))
        data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # do not wait for the /slow handler on shutdown

    def handle_error(self, request, client_address):
        pass  # a client that timed out closed the connection: expected, not worth a traceback


@pytest.fixture(scope="module")
def http_server():
    httpd = QuietServer(("127.0.0.1", 0), Handler)
    httpd.seen = []
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture()
def server(http_server):
    """The shared server, its request log emptied, and its base URL."""
    http_server.seen.clear()
    return http_server, f"http://127.0.0.1:{http_server.server_address[1]}"


class FakeClock:
    def __init__(self):
        self.now = 1_700_000_000.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


class SpySession(requests.Session):
    """A real session that remembers the keyword arguments of each request."""

    def __init__(self):
        super().__init__()
        self.calls = []
        self.closed = False

    def request(self, *args, **kwargs):
        self.calls.append(kwargs)
        return super().request(*args, **kwargs)

    def close(self):
        self.closed = True
        super().close()


# --- success -----------------------------------------------------------------------


def test_success_returns_the_response_and_json(server):
    httpd, url = server
    client = IntegrationHttpClient(url, default_headers={"Accept": "application/json"})
    response = client.request("GET", "/ok", params={"page": 2}, headers={"X-Request-Id": "r1"})
    assert response.status_code == 200
    assert client.request_json("GET", "ok") == {"hello": "world"}
    method, path, headers, _body = httpd.seen[0]
    assert (method, path) == ("GET", "/ok?page=2")
    assert headers["Accept"] == "application/json" and headers["X-Request-Id"] == "r1"


def test_post_json_and_empty_answer(server):
    httpd, url = server
    client = IntegrationHttpClient(url)
    assert client.request_json("POST", "/empty", json={"a": 1}) is None
    assert json.loads(httpd.seen[0][3]) == {"a": 1}


def test_every_request_has_a_timeout(server):
    _httpd, url = server
    session = SpySession()
    client = IntegrationHttpClient(url, session=session)
    client.request("GET", "/ok")
    client.request("GET", "/ok", timeout=(1, 2))
    assert [call["timeout"] for call in session.calls] == [(3.05, 20.0), (1, 2)]
    assert IntegrationHttpClient(url, timeout=None).timeout == (3.05, 20.0)


def test_url_joining():
    client = IntegrationHttpClient("https://shop.example/admin/api/2025-01/")
    assert client.url("/graphql.json") == "https://shop.example/admin/api/2025-01/graphql.json"
    assert client.url("orders/1.json") == "https://shop.example/admin/api/2025-01/orders/1.json"
    assert client.url("https://other.example/x") == "https://other.example/x"


def test_context_manager_closes_the_session(server):
    _httpd, url = server
    session = SpySession()
    with IntegrationHttpClient(url, session=session) as client:
        client.request("GET", "/ok")
    assert session.closed


# --- failures ----------------------------------------------------------------------


def test_429_with_retry_after_seconds(server):
    _httpd, url = server
    with pytest.raises(RateLimited) as info:
        IntegrationHttpClient(url).request("GET", "/throttled")
    assert info.value.retry_after == 4
    assert info.value.retryable and info.value.category == "remote"


def test_429_with_retry_after_http_date(server):
    _httpd, url = server
    with pytest.raises(RateLimited) as info:
        IntegrationHttpClient(url).request("GET", "/throttled-date")
    assert 25 <= info.value.retry_after <= 31


def test_429_without_retry_after_and_capped(server):
    _httpd, url = server
    with pytest.raises(RateLimited) as info:
        IntegrationHttpClient(url).request("GET", "/throttled-bare")
    assert info.value.retry_after is None  # the caller uses its backoff
    with pytest.raises(RateLimited) as info:
        IntegrationHttpClient(url, max_retry_after=600).request("GET", "/throttled-long")
    assert info.value.retry_after == 600


@pytest.mark.parametrize("path,retry_after", [("/down", 7), ("/error", None), ("/request-timeout", None)])
def test_5xx_and_408_are_retryable(server, path, retry_after):
    _httpd, url = server
    with pytest.raises(RemoteServerError) as info:
        IntegrationHttpClient(url).request("GET", path)
    assert info.value.retryable
    assert info.value.retry_after == retry_after


@pytest.mark.parametrize(
    "path,status,text", [("/missing", 404, "Not Found"), ("/bad-request", 400, "is invalid")]
)
def test_other_4xx_are_permanent(server, path, status, text):
    _httpd, url = server
    with pytest.raises(RemoteRejected) as info:
        IntegrationHttpClient(url).request("GET", path)
    assert not info.value.retryable
    assert info.value.status_code == status
    assert text in info.value.body and text in info.value.message
    assert f"GET {url}{path}" in info.value.message


def test_invalid_json_on_success_is_retryable(server):
    _httpd, url = server
    with pytest.raises(RemoteServerError, match="invalid JSON") as info:
        IntegrationHttpClient(url).request_json("GET", "/bad-json")
    assert info.value.__cause__ is None


def test_read_timeout(server):
    _httpd, url = server
    with pytest.raises(RemoteTimeout):
        IntegrationHttpClient(url, timeout=(1, 0.1)).request("GET", "/slow")
    with pytest.raises(RemoteTimeout, match="ReadTimeout"):
        IntegrationHttpClient(url).request("GET", "/slow", timeout=(1, 0.1))


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_connection_refused_is_retryable():
    client = IntegrationHttpClient(f"http://127.0.0.1:{free_port()}", timeout=(0.5, 0.5))
    with pytest.raises(RemoteServerError, match="Cannot reach") as info:
        client.request("GET", "/")
    assert info.value.retryable


class BlockedRequest(requests.exceptions.ConnectionError):
    """Same name and base as the exception Odoo 17's test cases raise."""


class StrictBlockedRequest(BlockedRequest):
    pass


@pytest.mark.parametrize("blocked", [BlockedRequest, StrictBlockedRequest])
def test_request_blocked_by_test_harness_is_permanent(blocked):
    class Session(requests.Session):
        def request(self, method, url, **kwargs):
            raise blocked(f"External requests verboten (was {method} {url})")

    breaker = CircuitBreaker(failure_threshold=1)
    client = IntegrationHttpClient("https://example.com", session=Session(), circuit_breaker=breaker)
    with pytest.raises(PermanentError, match="test harness") as info:
        client.request("GET", "/")
    assert not info.value.retryable
    assert breaker.state == CircuitState()  # the remote system was never asked


def test_malformed_request_is_permanent():
    with pytest.raises(PermanentError, match="InvalidURL") as info:
        IntegrationHttpClient("https://example.com").request("GET", "http://")
    assert not info.value.retryable


# --- circuit breaker and rate limit ------------------------------------------------


def test_breaker_opens_after_n_failures_and_refuses_the_next_call(server):
    httpd, url = server
    clock = FakeClock()
    breaker = CircuitBreaker(failure_threshold=2, cool_down=60, clock=clock)
    client = IntegrationHttpClient(url, circuit_breaker=breaker)
    for _i in range(2):
        with pytest.raises(RemoteServerError):
            client.request("GET", "/down")
    with pytest.raises(CircuitOpen) as info:
        client.request("GET", "/ok")
    assert info.value.retry_after == pytest.approx(60)
    assert len(httpd.seen) == 2  # the refused call never left
    clock.now += 60
    client.request("GET", "/ok")  # half-open probe succeeds
    assert breaker.state == CircuitState()


def test_timeouts_count_as_breaker_failures(server):
    _httpd, url = server
    breaker = CircuitBreaker(failure_threshold=1)
    with pytest.raises(RemoteTimeout):
        IntegrationHttpClient(url, circuit_breaker=breaker, timeout=(1, 0.1)).request("GET", "/slow")
    assert breaker.state.state == "open"


def test_4xx_proves_the_remote_is_up_and_429_changes_nothing(server):
    _httpd, url = server
    breaker = CircuitBreaker(CircuitState("closed", 2, None), failure_threshold=3)
    client = IntegrationHttpClient(url, circuit_breaker=breaker)
    with pytest.raises(RateLimited):
        client.request("GET", "/throttled")
    assert breaker.state == CircuitState("closed", 2, None)
    with pytest.raises(RemoteRejected):
        client.request("GET", "/missing")
    assert breaker.state == CircuitState()


def test_rate_limiter_is_applied_before_sending(server):
    httpd, url = server
    clock = FakeClock()
    bucket = TokenBucket(0.01, capacity=1, clock=clock, sleep=clock.sleep)
    client = IntegrationHttpClient(url, rate_limiter=bucket)
    client.request("GET", "/ok")
    with pytest.raises(RateLimited) as info:
        client.request("GET", "/ok")  # next token in 100 s, more than the 10 s we may wait
    assert info.value.retry_after == pytest.approx(100)
    assert len(httpd.seen) == 1


def test_open_circuit_takes_no_token(server):
    _httpd, url = server
    clock = FakeClock()
    bucket = TokenBucket(0.01, capacity=1, clock=clock, sleep=clock.sleep)
    breaker = CircuitBreaker(CircuitState("open", 5, time.time()), cool_down=60)
    with pytest.raises(CircuitOpen):
        IntegrationHttpClient(url, rate_limiter=bucket, circuit_breaker=breaker).request("GET", "/ok")
    assert bucket.acquire(max_wait=0) == 0  # the token is still there


# --- logging and masking -----------------------------------------------------------


def test_logs_never_contain_secrets_or_personal_data(server, caplog):
    _httpd, url = server
    client = IntegrationHttpClient(url, default_headers={"X-Shopify-Access-Token": SECRET}, secrets=[SECRET])
    body = {"customer": {"email": "jane@example.com"}, "note": f"token {SECRET}"}
    with caplog.at_level(logging.DEBUG, logger=LOGGER):
        client.request("POST", f"/echo?token={SECRET}&api_key=k123", json=body)
        with pytest.raises(RemoteRejected) as info:
            client.request("POST", f"/echo-rejected?token={SECRET}", json=body)
    # (urllib3's own DEBUG lines quote URLs as sent: keep credentials in headers, not in URLs)
    text = "\n".join(record.getMessage() for record in caplog.records if record.name == LOGGER)
    assert "-> 200 in" in text and "-> 422 in" in text
    assert "request headers" in text and "response body" in text
    assert SECRET not in text
    assert "jane@example.com" not in text and "j***@example.com" in text
    assert "k123" not in text
    assert SECRET not in info.value.message and SECRET not in info.value.body


def test_failures_are_logged_at_info_success_at_debug(server, caplog):
    _httpd, url = server
    client = IntegrationHttpClient(url)
    with caplog.at_level(logging.INFO, logger=LOGGER):
        client.request("GET", "/ok")
        with pytest.raises(RemoteServerError):
            client.request("GET", "/down")
    records = [record for record in caplog.records if record.name == LOGGER]
    assert [record.levelno for record in records] == [logging.INFO]
    assert "GET " in records[0].getMessage() and "-> 503" in records[0].getMessage()


def test_a_given_logger_is_used(server, caplog):
    _httpd, url = server
    client = IntegrationHttpClient(url, logger=logging.getLogger("tests.custom_client"))
    with caplog.at_level(logging.DEBUG, logger="tests.custom_client"):
        client.request("GET", "/ok")
    names = {record.name for record in caplog.records}
    assert "tests.custom_client" in names and LOGGER not in names


def test_secrets_are_masked_from_connection_errors():
    client = IntegrationHttpClient(f"http://127.0.0.1:{free_port()}", timeout=(0.5, 0.5), secrets=[SECRET])
    with pytest.raises(RemoteServerError) as info:
        client.request("GET", f"/?token={SECRET}")
    assert SECRET not in info.value.message
    assert info.value.__cause__ is None and info.value.__suppress_context__


# --- classification without a server -----------------------------------------------


def make_response(status, body=b"", headers=None, url="https://api.example/x?access_token=abc"):
    response = requests.Response()
    response.status_code = status
    response._content = body
    response.headers = CaseInsensitiveDict(headers or {})
    response.url = url
    response.request = None
    return response


def test_classify_response():
    ok = make_response(302)
    assert classify_response(ok) is ok
    with pytest.raises(RateLimited):
        classify_response(make_response(429, headers={"Retry-After": "1"}))
    with pytest.raises(RemoteServerError):
        classify_response(make_response(502))
    with pytest.raises(RemoteRejected) as info:
        classify_response(make_response(403, b"denied for SECRETVALUE"), secrets=["SECRETVALUE"])
    assert "access_token=***" in info.value.message and "abc" not in info.value.message
    assert info.value.body == "denied for ***"


def test_classify_exception():
    assert isinstance(classify_exception(requests.ConnectTimeout("x")), RemoteTimeout)
    assert isinstance(classify_exception(requests.ReadTimeout("x")), RemoteTimeout)
    assert isinstance(classify_exception(requests.ConnectionError("x")), RemoteServerError)
    assert isinstance(classify_exception(requests.exceptions.ChunkedEncodingError("x")), RemoteServerError)
    assert type(classify_exception(requests.exceptions.MissingSchema("x"))) is PermanentError
    assert type(classify_exception(BlockedRequest("x"))) is PermanentError
    assert "***" in classify_exception(requests.ConnectionError("k=topsecret"), ["topsecret"]).message


def test_parse_retry_after():
    now = datetime(2015, 10, 21, 7, 28, tzinfo=timezone.utc)
    assert parse_retry_after(None) is None
    assert parse_retry_after("") is None
    assert parse_retry_after("garbage") is None
    assert parse_retry_after("nan") is None
    assert parse_retry_after("2.5") == 2.5
    assert parse_retry_after(" 120 ") == 120
    assert parse_retry_after("-5") == 0
    assert parse_retry_after("99999") == 3600
    assert parse_retry_after("99999", cap=60) == 60
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now=now) == 30
    assert parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now=now) == 0
