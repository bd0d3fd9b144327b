"""Token bucket limiting outbound requests per backend, within one process.

The bucket holds up to ``capacity`` tokens and gains ``rate`` tokens per
second. Each request takes one token; when none is left, the caller sleeps
until one is due. A caller that would have to wait longer than ``max_wait``
gets :class:`RateLimited` instead, so a job gives its worker back and is
retried later rather than sleeping for minutes.

Each Odoo worker process has its own buckets (:func:`get_bucket`), so the
effective limit is ``rate`` per process; remote APIs that throttle report it
(429 / throttle status), which the HTTP client turns into retries anyway.
"""

import threading
import time

from .exceptions import RateLimited


class TokenBucket:
    """``rate`` tokens per second, at most ``capacity`` saved up (default: one
    second's worth, at least 1). ``rate <= 0`` means no limit.

    ``clock`` and ``sleep`` can be replaced by fakes in tests. Thread-safe:
    concurrent callers reserve their tokens under a lock, then sleep outside
    it, each behind the previous one.
    """

    def __init__(self, rate, capacity=None, clock=time.monotonic, sleep=time.sleep):
        self.rate = float(rate or 0)
        self.capacity = float(capacity) if capacity else max(self.rate, 1.0)
        self._clock = clock
        self._sleep = sleep
        self._tokens = self.capacity  # may go negative: tokens promised to waiting callers
        self._updated = clock()
        self._lock = threading.Lock()

    @property
    def unlimited(self):
        return self.rate <= 0

    def acquire(self, tokens=1, max_wait=10.0):
        """Take ``tokens``, sleeping as long as needed; return the seconds slept.

        Raises :class:`RateLimited` (with ``retry_after`` = the wait) instead
        of sleeping when the wait would exceed ``max_wait`` seconds; nothing
        is taken then.
        """
        if self.unlimited:
            return 0.0
        with self._lock:
            self._refill()
            wait = max(0.0, (tokens - self._tokens) / self.rate)
            if wait > max_wait:
                raise RateLimited(f"Local rate limit: next call possible in {wait:.1f} s", retry_after=wait)
            self._tokens -= tokens  # reserved now, so later callers queue behind this one
        if wait:
            self._sleep(wait)
        return wait

    def _refill(self):
        """Add the tokens earned since the last call, up to the capacity."""
        now = self._clock()
        elapsed = max(0.0, now - self._updated)
        self._tokens = min(self.capacity, self._tokens + elapsed * self.rate)
        self._updated = now


_buckets = {}
_buckets_lock = threading.Lock()


def get_bucket(key, rate):
    """The process-wide bucket for ``key`` (e.g. "<db>:integration.backend:<id>").

    A new bucket replaces the old one when ``rate`` changed, so a new limit
    set on the backend applies at once.
    """
    rate = float(rate or 0)
    with _buckets_lock:
        bucket = _buckets.get(key)
        if bucket is None or bucket.rate != rate:
            bucket = _buckets[key] = TokenBucket(rate)
        return bucket
