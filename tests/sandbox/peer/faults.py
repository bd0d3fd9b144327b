"""Faults on demand: what a peer does instead of answering normally.

A fault is a plain dict, so that tests, the control API
(``POST /_sandbox/faults``) and scripts such as ``scripts/chaos`` speak the
same language:

- ``{"status": 503}``: answer with that HTTP status (and the peer's error
  body for it, see :meth:`Peer.fault_body`);
- ``{"status": 429, "retry_after": 2}``: the same with a ``Retry-After``
  header (a 429 always carries one, by default the peer's
  :attr:`Peer.default_retry_after`);
- ``{"delay": 6}``: wait that many seconds first (on the plan's ``wait``,
  which a test replaces with :meth:`ManualClock.wait`), then answer normally
  unless a status is also given;
- ``{"drop": true}``: close the connection without answering (after a
  delay, if one is given);
- ``{"body": "<not json"}``: answer ``status`` (default 200) with exactly
  these bytes, a malformed or truncated body (``"content_type"``, default
  ``application/json``, says what it claims to be).

Three sources, consulted in this order for every call the peer counts:

1. an outage window (:meth:`FaultPlan.start_outage`): every call answers the
   outage status until it ends; the fault is ``{"status": s, "outage": True}``;
2. the plan (:meth:`FaultPlan.inject`): the next N calls, one fault each;
3. a random share (:meth:`FaultPlan.set_rate`): each call is disturbed with a
   probability, the fault drawn from a list; the fault carries ``"random": True``.
"""

import itertools
import random
import threading
import time

# what set_rate draws from by default: throttling, server errors, a call
# that answers only after a client's timeout
DEFAULT_RANDOM_FAULTS = (
    {"status": 429, "retry_after": 2},
    {"status": 500},
    {"status": 502},
    {"status": 503},
    {"delay": 30},
)


def fault_label(fault):
    """'outage', '429', '503', 'delay', 'drop' ... for a peer's fault counts."""
    if fault.get("outage"):
        return "outage"
    if fault.get("status"):
        return str(fault["status"])
    if fault.get("delay"):
        return "delay"
    return "drop" if fault.get("drop") else "other"


class FaultPlan:
    """The faults a peer injects into the calls it serves. Thread-safe.

    ``clock`` (default :func:`time.monotonic`) times the outage window;
    ``wait(seconds)`` is how a delay fault waits (default: a real sleep that
    :meth:`interrupt` cuts short; a peer passes its stop event's ``wait``, a
    test :meth:`ManualClock.wait`). ``default_random`` is what
    :meth:`set_rate` draws from when given no faults.
    """

    def __init__(self, *, clock=None, wait=None, default_random=DEFAULT_RANDOM_FAULTS):
        self.clock = clock or time.monotonic
        self._interrupt = threading.Event()
        self.wait = wait or self._interrupt.wait
        self.default_random = tuple(dict(fault) for fault in default_random)
        self._lock = threading.Lock()
        self.reset()

    def reset(self):
        """No plan, no random faults, no outage."""
        with self._lock:
            self._planned = []
            self.rate = 0.0
            self._rate_faults = []
            self._rng = random.Random()
            self._outage_until = 0.0
            self._outage_status = 503

    # -- configuring -----------------------------------------------------------

    def inject(self, faults, count=None):
        """Disturb the next ``count`` calls (default: one per fault), taking
        ``faults`` in turn (``[{"status": 502}]`` with ``count=3``: three 502s)."""
        faults = [dict(fault) for fault in faults]
        if not faults:
            return
        count = len(faults) if count is None else int(count)
        with self._lock:
            self._planned.extend(itertools.islice(itertools.cycle(faults), count))

    def set_rate(self, rate, faults=None, seed=None):
        """Disturb each call with probability ``rate`` (0 stops it), with a
        fault drawn at random from ``faults`` (default: :attr:`default_random`,
        equally likely); ``seed`` makes the draw repeatable. The plan of
        :meth:`inject` goes first."""
        rate = float(rate or 0)
        if not 0 <= rate <= 1:
            raise ValueError("the fault rate is a fraction between 0 and 1")
        faults = [dict(fault) for fault in (faults or self.default_random)]
        with self._lock:
            self.rate = rate
            self._rate_faults = faults
            self._rng = random.Random(seed)

    def start_outage(self, seconds, status=503):
        """Every call answers ``status`` for ``seconds`` from now; 0 ends an outage."""
        with self._lock:
            self._outage_until = self.clock() + max(float(seconds), 0.0)
            self._outage_status = int(status)

    def clear(self):
        """Drop the plan, the random faults and an outage (the random
        generator and the default list stay)."""
        with self._lock:
            self._planned.clear()
            self.rate = 0.0
            self._outage_until = 0.0

    def configure(self, data, extra=None):
        """Apply a control request (the body of ``POST /_sandbox/faults``), in
        this order: ``{"clear": true}``, ``{"faults": [...], "count": n}``,
        then ``extra(data)`` (what is peculiar to one peer, e.g. Shopify's
        ``bulk_fail``), ``{"random": {"rate": 0.2, "faults": [...], "seed":
        1}}`` and ``{"outage": {"seconds": 30, "status": 503}}``. Raises
        TypeError/ValueError on bad values (what came before stays applied)."""
        if data.get("clear"):
            self.clear()
        self.inject(data.get("faults") or [], data.get("count"))
        if extra:
            extra(data)
        if data.get("random") is not None:
            rand = data["random"] or {}
            self.set_rate(rand.get("rate", 0), rand.get("faults"), rand.get("seed"))
        if data.get("outage") is not None:
            outage = data["outage"] or {}
            self.start_outage(outage.get("seconds", 0), outage.get("status", 503))

    # -- reading -----------------------------------------------------------------

    @property
    def pending(self):
        """How many planned faults are left."""
        return len(self._planned)

    def outage_remaining(self):
        """Seconds left of the outage (0.0 when there is none)."""
        with self._lock:
            return max(self._outage_until - self.clock(), 0.0)

    def outage_status(self):
        """The status every call answers now, or None when there is no outage."""
        with self._lock:
            return self._outage_status if self._outage_until > self.clock() else None

    def next(self):
        """The fault for the call being served, or None: it is consumed."""
        with self._lock:
            if self._outage_until > self.clock():
                return {"status": self._outage_status, "outage": True}
            if self._planned:
                return self._planned.pop(0)
            if self.rate and self._rng.random() < self.rate:
                return dict(self._rng.choice(self._rate_faults), random=True)
            return None

    def interrupt(self):
        """Cut short the delays waiting on the default ``wait`` (a peer stopping)."""
        self._interrupt.set()
