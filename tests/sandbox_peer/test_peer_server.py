"""The peer base: start/stop on an ephemeral port, the control API, and
faults answered over HTTP (delays on an injected clock, no sleeping)."""

import socket

import pytest
import requests
from sandbox.peer import ManualClock, Peer


class EchoPeer(Peer):
    """The smallest peer: counts its API calls, each may be faulted."""

    name = "echo-peer"
    server_version = "EchoPeer/1.0"
    methods = ("GET", "POST", "PUT")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.calls = []

    def route(self, handler, method, path, raw):
        self.calls.append((method, path, raw))
        if self.answer_fault(handler, self.faults.next()):
            return None
        if path != "/api/echo":
            return super().route(handler, method, path, raw)
        return handler.reply(200, {"method": method, "body": raw.decode()})

    def reset(self):
        super().reset()
        self.calls = []

    def state(self):
        return {**super().state(), "calls": len(self.calls)}


@pytest.fixture
def clock():
    return ManualClock()


@pytest.fixture
def peer(clock):
    with EchoPeer(clock=clock, wait=clock.wait) as running:
        yield running


def test_start_takes_a_free_port_and_stop_gives_it_back():
    peer = EchoPeer()
    assert peer.port == 0 and not peer.running
    url = peer.start()
    try:
        assert peer.running and peer.port > 0
        assert url == peer.base_url == f"http://127.0.0.1:{peer.port}"
        assert peer.start() == url  # starting twice serves once
        answer = requests.put(f"{url}/api/echo", data=b"hi", timeout=5)
        assert answer.json() == {"method": "PUT", "body": "hi"}
        assert answer.headers["Server"].startswith("EchoPeer/1.0")
        assert answer.headers["X-Request-Id"]
    finally:
        peer.stop()
    assert not peer.running
    with socket.socket() as sock:  # the port is free again
        sock.bind(("127.0.0.1", peer.port))
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{url}/api/echo", timeout=5)
    peer.stop()  # stopping twice is harmless


def test_a_fixed_port_and_the_context_manager():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with EchoPeer(port=port) as peer:
        assert peer.base_url == f"http://127.0.0.1:{port}"
        assert requests.get(f"{peer.base_url}/api/echo", timeout=5).status_code == 200
    assert not peer.running


def test_methods_not_served_are_501_and_unknown_paths_404(peer):
    assert requests.delete(f"{peer.base_url}/api/echo", timeout=5).status_code == 501
    assert requests.get(f"{peer.base_url}/api/nothing", timeout=5).status_code == 404


def test_control_api_state_faults_reset(peer):
    base = f"{peer.base_url}/_sandbox"
    requests.post(f"{peer.base_url}/api/echo", data=b"x", timeout=5)
    assert requests.get(f"{base}/state", timeout=5).json() == {
        "faults_pending": 0,
        "fault_rate": 0.0,
        "outage_remaining": 0.0,
        "calls": 1,
    }
    answer = requests.post(f"{base}/faults", json={"faults": [{"status": 502}], "count": 2}, timeout=5)
    assert answer.json() == {"faults_pending": 2}
    answer = requests.post(f"{base}/faults", json={"random": {"rate": 0.5, "seed": 1}}, timeout=5)
    assert answer.json() == {"faults_pending": 2, "fault_rate": 0.5, "outage_remaining": 0.0}
    bad = requests.post(f"{base}/faults", json={"random": {"rate": 3}}, timeout=5)
    assert bad.status_code == 422 and "between 0 and 1" in bad.json()["error"]
    assert requests.post(f"{base}/faults", data=b"{oops", timeout=5).status_code == 400
    assert requests.post(f"{base}/nothing", json={}, timeout=5).status_code == 404
    assert requests.post(f"{base}/reset", timeout=5).json() == {"ok": True}
    assert requests.get(f"{base}/state", timeout=5).json()["calls"] == 0
    assert peer.faults.pending == 0 and peer.faults.rate == 0.0


def test_status_faults_with_retry_after(peer):
    peer.inject_faults([{"status": 429}, {"status": 503, "retry_after": 7}, {"status": 400}])
    throttled = requests.get(f"{peer.base_url}/api/echo", timeout=5)
    assert (throttled.status_code, throttled.headers["Retry-After"]) == (429, "2.0")
    down = requests.get(f"{peer.base_url}/api/echo", timeout=5)
    assert (down.status_code, down.headers["Retry-After"]) == (503, "7")
    assert down.json() == {"errors": "Internal Server Error"}
    refused = requests.get(f"{peer.base_url}/api/echo", timeout=5)
    assert refused.status_code == 400 and "Retry-After" not in refused.headers
    assert requests.get(f"{peer.base_url}/api/echo", timeout=5).status_code == 200


def test_a_delay_waits_on_the_injected_clock(peer, clock):
    before = clock()
    peer.inject_faults([{"delay": 30}, {"delay": 6, "status": 504}])
    assert requests.get(f"{peer.base_url}/api/echo", timeout=5).status_code == 200  # late, but answered
    assert requests.get(f"{peer.base_url}/api/echo", timeout=5).status_code == 504
    assert clock.waits == [30.0, 6.0]
    assert clock() == before + 36


def test_an_outage_ends_when_the_clock_says(peer, clock):
    peer.start_outage(60, status=502)
    assert requests.get(f"{peer.base_url}/api/echo", timeout=5).status_code == 502
    assert peer.outage_remaining() == 60
    clock.advance(60)
    assert requests.get(f"{peer.base_url}/api/echo", timeout=5).status_code == 200


def test_a_dropped_connection_and_a_malformed_body(peer):
    peer.inject_faults(
        [{"drop": True}, {"body": '{"orders": [', "status": 200}, {"body": b"\x00", "status": 502}]
    )
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{peer.base_url}/api/echo", timeout=5)
    truncated = requests.get(f"{peer.base_url}/api/echo", timeout=5)
    assert truncated.status_code == 200 and truncated.text == '{"orders": ['
    with pytest.raises(ValueError):
        truncated.json()
    garbage = requests.get(f"{peer.base_url}/api/echo", timeout=5)
    assert (garbage.status_code, garbage.content) == (502, b"\x00")
    assert requests.get(f"{peer.base_url}/api/echo", timeout=5).status_code == 200  # the peer still serves


def test_stop_cuts_a_real_delay_short():
    """Without an injected wait, a delay waits on the stop event."""
    peer = EchoPeer()
    peer.faults.inject([{"delay": 3600}])
    peer._stopping.set()  # what stop() does first
    assert peer.faults.wait(3600) is True
