"""Circuit breaker: after repeated failures, stop calling a remote system for
a cool-down, then let one call through (half-open) to test it.

A pure state machine; the ORM layer persists CircuitState on the backend so
every worker and the user see the same state.
"""

import time
from dataclasses import asdict, dataclass

from .exceptions import CircuitOpen


@dataclass
class CircuitState:
    state: str = "closed"  # closed | open | half_open
    failures: int = 0
    opened_at: float = None  # epoch seconds

    def to_dict(self):
        return asdict(self)

    @classmethod
    def from_dict(cls, data):
        return cls(**{k: data[k] for k in ("state", "failures", "opened_at") if k in data})


class CircuitBreaker:
    def __init__(self, state=None, failure_threshold=5, cool_down=60.0, clock=time.time):
        self._state = state or CircuitState()
        self.failure_threshold = max(int(failure_threshold or 1), 1)
        self.cool_down = float(cool_down)
        self._clock = clock

    @property
    def state(self):
        return self._state

    def before_call(self):
        """Raise CircuitOpen while open; after the cool-down, go half-open."""
        if self._state.state != "open":
            return
        elapsed = self._clock() - (self._state.opened_at or 0.0)
        if elapsed < self.cool_down:
            remaining = self.cool_down - elapsed
            raise CircuitOpen(
                f"Calls paused after {self._state.failures} failures; next try in {remaining:.0f} s",
                retry_after=remaining,
            )
        self._state.state = "half_open"

    def record_success(self):
        self._state = CircuitState()

    def record_failure(self):
        self._state.failures += 1
        if self._state.state == "half_open" or self._state.failures >= self.failure_threshold:
            self._state.state = "open"
            self._state.opened_at = self._clock()
