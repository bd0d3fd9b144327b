"""The leaky bucket most APIs throttle with.

Shopify's GraphQL Admin API charges a query's cost in points (2000 points,
100 restored per second); its REST API, and most REST APIs of warehouses
and banks, charge one per request (e.g. 40 requests, 2 restored per
second). One class serves both: ``cost`` is whatever the peer counts.
"""

import threading
import time


class LeakyBucket:
    """``size`` units, refilled at ``restore_rate`` units per second of ``clock``.

    ``clock`` is a monotonic clock (default :func:`time.monotonic`); a test
    passes a :class:`ManualClock` and moves it, instead of sleeping. Thread-safe.
    """

    def __init__(self, size, restore_rate, clock=None):
        self.size = float(size)
        self.restore_rate = float(restore_rate)
        self._clock = clock or time.monotonic
        self._lock = threading.Lock()
        self._available = float(size)
        self._stamp = self._clock()

    def _restore(self):
        now = self._clock()
        self._available = min(self.size, self._available + (now - self._stamp) * self.restore_rate)
        self._stamp = now

    def take(self, cost):
        """Charge ``cost`` if the bucket holds it (True); otherwise charge
        nothing (False): the peer answers throttled."""
        with self._lock:
            self._restore()
            if cost > self._available:
                return False
            self._available -= cost
            return True

    def refund(self, units):
        """Give back ``units`` (e.g. the requested cost above the actual one),
        never above :attr:`size`."""
        with self._lock:
            self._restore()
            self._available = min(self.size, self._available + max(units, 0))

    def drain(self, units=None):
        """Empty the bucket (or remove ``units``): lets tests provoke throttling."""
        with self._lock:
            self._restore()
            self._available = max(0.0, self._available - (self.size if units is None else units))

    def available(self):
        """Units available now."""
        with self._lock:
            self._restore()
            return self._available

    def seconds_until(self, cost):
        """Seconds until ``cost`` units are available (0.0 when they are now):
        what a peer puts in a ``Retry-After`` header."""
        missing = cost - self.available()
        if missing <= 0:
            return 0.0
        return missing / self.restore_rate if self.restore_rate else float("inf")

    def status(self):
        """``{"size", "available", "restore_rate"}``; a peer presents it in its
        system's own words (Shopify: ``throttleStatus``)."""
        return {"size": self.size, "available": self.available(), "restore_rate": self.restore_rate}
