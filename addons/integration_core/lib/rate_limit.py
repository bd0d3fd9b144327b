"""Token bucket limiting outbound requests per backend, in this process."""

import threading
import time

from .exceptions import RateLimited


class TokenBucket:
    """``rate`` tokens per second, up to ``capacity`` (default: one second's
    worth, at least 1). ``rate <= 0`` means no limit."""

    def __init__(self, rate, capacity=None, clock=time.monotonic, sleep=time.sleep):
        self.rate = float(rate)
        self.capacity = float(capacity) if capacity else max(self.rate, 1.0)
        self._clock = clock
        self._sleep = sleep
        self._tokens = self.capacity
        self._updated = clock()
        self._lock = threading.Lock()

    def _refill(self, now):
        elapsed = max(0.0, now - self._updated)
        self._tokens = min(self.capacity, self._tokens + elapsed * self.rate)
        self._updated = now

    def acquire(self, tokens=1, max_wait=10.0):
        """Take ``tokens``, sleeping as needed; if that would take longer than
        ``max_wait`` seconds, raise RateLimited(retry_after=the wait)."""
        if self.rate <= 0:
            return 0.0
        with self._lock:
            now = self._clock()
            self._refill(now)
            missing = tokens - self._tokens
            wait = max(0.0, missing / self.rate)
            if wait > max_wait:
                raise RateLimited(f"Local rate limit: next call possible in {wait:.1f} s", retry_after=wait)
            # reserve now, so concurrent callers queue behind us
            self._tokens -= tokens
        if wait:
            self._sleep(wait)
        return wait


_buckets = {}
_buckets_lock = threading.Lock()


def get_bucket(key, rate):
    """The process-wide bucket of ``key``, recreated when its rate changes."""
    with _buckets_lock:
        bucket = _buckets.get(key)
        if bucket is None or bucket.rate != float(rate):
            bucket = _buckets[key] = TokenBucket(rate)
        return bucket
