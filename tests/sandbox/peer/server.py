"""The peer itself: a threaded HTTP server on loopback, its fault plan and
its control API.

A peer subclasses :class:`Peer`, names itself, and implements
:meth:`Peer.route` (its system's API) and :meth:`Peer.state` (what tests
and scripts read back); it gets:

- :meth:`Peer.start` / :meth:`Peer.stop` (and ``with peer:``): a
  :class:`PeerServer` on ``host:port`` in a daemon thread, port 0 meaning
  a free one (read :attr:`Peer.port` / :attr:`Peer.base_url` after start);
- a :class:`FaultPlan` in :attr:`Peer.faults`, with :meth:`Peer.inject_faults`,
  :meth:`Peer.set_fault_rate`, :meth:`Peer.start_outage` and
  :meth:`Peer.clear_faults`; the peer calls :meth:`Peer.answer_fault` where
  its system would fail (usually first thing for every API call);
- the control API under ``/_sandbox/``: ``GET state``, ``POST faults``,
  ``POST reset``, plus the peer's own routes from :meth:`Peer.control_routes`.

Handlers run on the server's threads: guard shared state with
:attr:`Peer._lock` (re-entrant).
"""

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from .faults import FaultPlan

CONTROL_PREFIX = "/_sandbox/"


class PeerServer(ThreadingHTTPServer):
    """One thread per connection; threads die with the process."""

    daemon_threads = True
    allow_reuse_address = True


class PeerHandler(BaseHTTPRequestHandler):
    """Hands every request to its peer (``peer._handle(handler, method)``);
    the peer answers with :meth:`reply` (JSON), :meth:`reply_raw` or :meth:`drop`.

    :meth:`Peer.start` makes a subclass per server with ``peer`` set and a
    ``do_<METHOD>`` for each of :attr:`Peer.methods`; others get HTTP 501."""

    peer = None
    protocol_version = "HTTP/1.1"
    server_version = "SandboxPeer/1.0"
    # An answer is written as headers then body: with Nagle's algorithm the
    # body waits for the client's delayed ACK of the headers (~40 ms a call
    # on loopback), which made every call of a keep-alive client slow.
    disable_nagle_algorithm = True
    request_id_header = "X-Request-Id"  # a fresh uuid on every JSON answer; None: no such header

    def log_message(self, format, *args):  # noqa: A002 - quiet
        pass

    def reply_raw(self, status, data, content_type, headers=None):
        """Answer ``status`` with ``data`` (bytes) as they are."""
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (e.g. a timeout)

    def reply(self, status, body, headers=None):
        """Answer ``status`` with ``body`` as JSON."""
        data = json.dumps(body).encode("utf-8")
        extra = {self.request_id_header: str(uuid.uuid4())} if self.request_id_header else {}
        extra.update(headers or {})
        self.reply_raw(status, data, "application/json; charset=utf-8", extra)

    def drop(self):
        """Close the connection without an answer (the client sees it reset or
        closed before any status line)."""
        self.close_connection = True
        try:
            self.wfile.flush()
            self.connection.shutdown(2)  # socket.SHUT_RDWR
        except OSError:
            pass


class Peer:
    """Base of the sandbox peers (Shopify; EDI AS2/SFTP, 3PL, bank ones to come).

    ``host``/``port`` (0: a free port, known after :meth:`start`);
    ``clock``, the monotonic clock of the fault plan's outage window (default
    :func:`time.monotonic`), and ``wait(seconds)``, how a delay fault waits
    (default: on the peer's stop event, so :meth:`stop` cuts it short).
    A test passes a :class:`ManualClock` and its ``wait``: no real time passes.

    Class attributes a peer sets: :attr:`name` (thread names, logs),
    :attr:`server_version` (the ``Server`` header), :attr:`methods` (the HTTP
    methods it serves), :attr:`default_random_faults`,
    :attr:`default_retry_after`.
    """

    name = "peer"
    server_version = "SandboxPeer/1.0"
    methods = ("GET", "POST")
    handler_class = PeerHandler
    default_random_faults = None  # None: the fault plan's own default list
    default_retry_after = 2.0  # Retry-After of a 429 fault that names none

    def __init__(self, *, host="127.0.0.1", port=0, clock=None, wait=None):
        self.host = host
        self.port = port
        self._lock = threading.RLock()
        self._stopping = threading.Event()
        self._server = None
        self._thread = None
        options = {"clock": clock, "wait": wait or self._stopping.wait}
        if self.default_random_faults is not None:
            options["default_random"] = self.default_random_faults
        self.faults = FaultPlan(**options)

    # -- lifecycle -----------------------------------------------------------------

    def start(self):
        """Serve on ``host:port`` (a free port when 0); returns :attr:`base_url`.
        Starting a started peer does nothing."""
        if self._server:
            return self.base_url
        attributes = {"peer": self, "server_version": self.server_version}
        for method in self.methods:
            attributes[f"do_{method}"] = _dispatcher(method)
        handler = type(f"{type(self).__name__}Handler", (self.handler_class,), attributes)
        self._stopping.clear()
        self._server = PeerServer((self.host, self.port), handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"{self.name}-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self.base_url

    def stop(self):
        """Stop serving (delays in progress end at once); the port is free again."""
        self._stopping.set()
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    @property
    def running(self):
        return self._server is not None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    @property
    def base_url(self):
        return f"http://{self.host}:{self.port}"

    def reset(self):
        """Forget what the peer was told (faults here; a peer adds its state)."""
        self.faults.reset()

    def state(self):
        """What ``GET /_sandbox/state`` answers: a JSON-able dict."""
        return {
            "faults_pending": self.faults.pending,
            "fault_rate": self.faults.rate,
            "outage_remaining": round(self.faults.outage_remaining(), 1),
        }

    # -- faults --------------------------------------------------------------------

    def inject_faults(self, faults, count=None):
        """Disturb the next ``count`` API calls (default: one per fault),
        taking the faults in turn (see :mod:`sandbox.peer.faults` for what a
        fault is): ``{"status": 429, "retry_after": 2}``, ``{"status": 503}``,
        ``{"delay": 6}``, ``{"drop": true}``, ``{"body": "<oops"}``."""
        self.faults.inject(faults, count)

    def set_fault_rate(self, rate, faults=None, seed=None):
        """Disturb each API call with probability ``rate`` (0 stops it), with
        a fault drawn at random from ``faults`` (dicts as for
        :meth:`inject_faults`; default: 429, 500, 502, 503 and a 30 s delay,
        equally likely). The plan of :meth:`inject_faults` goes first."""
        self.faults.set_rate(rate, faults, seed)

    def start_outage(self, seconds, status=503):
        """The peer is down for ``seconds`` from now: every API call is
        answered ``status``; 0 ends an outage."""
        self.faults.start_outage(seconds, status)

    def outage_remaining(self):
        return self.faults.outage_remaining()

    def clear_faults(self):
        """Drop the fault plan, the random faults and an outage."""
        self.faults.clear()

    def configure_faults(self, data):
        """Fault keys of ``POST /_sandbox/faults`` peculiar to this peer
        (called after ``clear`` and ``faults``, before ``random`` and
        ``outage``); raise ValueError/TypeError on bad values."""

    def fault_body(self, status):
        """The JSON body of an injected error status, in the system's words."""
        return {"errors": "Internal Server Error" if status >= 500 else "Bad Request"}

    def answer_fault(self, handler, fault):
        """Apply ``fault`` (from ``self.faults.next()``) to the call being
        served: wait its delay, then drop the connection, or answer its status
        (with ``Retry-After`` when it names one or is a 429) or its raw body.
        Returns True when the call is answered (the peer stops there), False
        when it goes on normally (no fault, or a delay alone)."""
        if not fault:
            return False
        if fault.get("delay"):
            self.faults.wait(float(fault["delay"]))
        if fault.get("drop"):
            handler.drop()
            return True
        status = fault.get("status")
        headers = {}
        if status and (fault.get("retry_after") is not None or status == 429):
            headers["Retry-After"] = str(fault.get("retry_after", self.default_retry_after))
        if fault.get("body") is not None:
            body = fault["body"]
            data = body.encode("utf-8") if isinstance(body, str) else bytes(body)
            handler.reply_raw(status or 200, data, fault.get("content_type", "application/json"), headers)
            return True
        if status:
            handler.reply(status, self.fault_body(status), headers)
            return True
        return False

    # -- HTTP ------------------------------------------------------------------------

    def _handle(self, handler, method):
        """Every request: read the body, then the control API or :meth:`route`."""
        path = urlsplit(handler.path).path
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        if path.startswith(CONTROL_PREFIX):
            return self._handle_control(handler, method, path, raw)
        return self.route(handler, method, path, raw)

    def route(self, handler, method, path, raw):
        """The system's API: answer on ``handler`` (``path`` without the
        query string, ``raw`` the request body)."""
        return handler.reply(404, {"errors": "Not Found"})

    def control_routes(self):
        """``{(method, path): function(handler, data)}`` of the control API;
        a peer adds its own to ``super().control_routes()``."""
        return {
            ("GET", "/_sandbox/state"): lambda handler, data: handler.reply(200, self.state()),
            ("POST", "/_sandbox/faults"): self._control_faults,
            ("POST", "/_sandbox/reset"): self._control_reset,
        }

    def _handle_control(self, handler, method, path, raw):
        try:
            data = json.loads(raw) if raw else {}
        except ValueError:
            return handler.reply(400, {"error": "invalid JSON"})
        action = self.control_routes().get((method, path))
        if action is None:
            return handler.reply(404, {"error": "unknown sandbox endpoint"})
        return action(handler, data)

    def _control_faults(self, handler, data):
        try:
            if data.get("clear"):
                self.clear_faults()
            self.faults.configure(dict(data, clear=False), self.configure_faults)
        except (TypeError, ValueError) as exc:
            return handler.reply(422, {"error": str(exc)})
        answer = {"faults_pending": self.faults.pending}
        if data.get("random") is not None or data.get("outage") is not None or data.get("clear"):
            answer.update(
                fault_rate=self.faults.rate, outage_remaining=round(self.faults.outage_remaining(), 1)
            )
        return handler.reply(200, answer)

    def _control_reset(self, handler, data):
        self.reset()
        return handler.reply(200, {"ok": True})


def _dispatcher(method):
    def do(handler):
        handler.peer._handle(handler, method)

    do.__name__ = f"do_{method}"
    return do
