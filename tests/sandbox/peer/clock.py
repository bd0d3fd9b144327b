"""Clocks a peer reads time from: the real monotonic one, or a manual one
that tests move by hand, so that nothing in a test sleeps."""

import threading


class ManualClock:
    """A monotonic clock that only moves when told.

    Call it for the time (as :func:`time.monotonic`); :meth:`advance` moves
    it; :meth:`wait` is what a peer calls instead of sleeping (a fault's
    delay): it advances the clock by the delay and returns at once, so a
    test of a 30 s delay takes no time. Thread-safe::

        clock = ManualClock()
        plan = FaultPlan(clock=clock, wait=clock.wait)
        bucket = LeakyBucket(size=40, restore_rate=2, clock=clock)
    """

    def __init__(self, start=1000.0):
        self._now = float(start)
        self._lock = threading.Lock()
        self.waits = []  # every delay waited, in order

    def __call__(self):
        with self._lock:
            return self._now

    def advance(self, seconds):
        """Move the clock ``seconds`` forward; returns the new time."""
        if seconds < 0:
            raise ValueError("a monotonic clock does not go back")
        with self._lock:
            self._now += float(seconds)
            return self._now

    def wait(self, seconds):
        """Wait ``seconds`` without sleeping (the clock jumps); returns False
        like :meth:`threading.Event.wait` when nothing interrupted it."""
        self.waits.append(float(seconds))
        self.advance(max(float(seconds), 0.0))
        return False
