"""Circuit breaker: after repeated failures, stop calling a remote system for
a cool-down, then let calls through again on probation (half-open).

::

    closed --(failure_threshold failures in a row)--> open
    open   --(cool_down seconds elapsed, next before_call)--> half_open
    half_open --(a success)--> closed
    half_open --(a failure)--> open (cool-down starts again)
    any state --(a success)--> closed, failures reset to 0

A pure state machine: it neither stores nor shares anything. The ORM layer
loads a :class:`CircuitState` from the backend record, wraps it in a
:class:`CircuitBreaker` for one job, and writes the state back, so every
worker and the user see the same state. Half-open therefore does not limit
probes to exactly one call: workers that read "open" past its cool-down may
each send one.
"""

import math
import time
from dataclasses import asdict, dataclass

from .exceptions import CircuitOpen

STATES = ("closed", "open", "half_open")


@dataclass
class CircuitState:
    """What is persisted: ``state`` (one of :data:`STATES`), consecutive
    ``failures``, and ``opened_at`` (epoch seconds of the last opening, or
    None)."""

    state: str = "closed"
    failures: int = 0
    opened_at: float | None = None

    def to_dict(self):
        return asdict(self)

    @classmethod
    def from_dict(cls, data):
        """The state stored by :meth:`to_dict`; missing keys take their defaults."""
        data = data or {}
        return cls(
            state=data.get("state") or "closed",
            failures=int(data.get("failures") or 0),
            opened_at=data.get("opened_at"),
        )


class CircuitBreaker:
    """Wraps calls to one remote system::

        breaker.before_call()        # raises CircuitOpen while open
        try:
            call()
        except RemoteServerError:
            breaker.record_failure()
            raise
        breaker.record_success()

    ``clock`` returns epoch seconds; tests pass a fake one.
    """

    def __init__(self, state=None, failure_threshold=5, cool_down=60.0, clock=None):
        self._state = state or CircuitState()
        self.failure_threshold = max(int(failure_threshold or 1), 1)
        self.cool_down = float(cool_down or 0)
        # time.time looked up at each call (not bound once as a default
        # argument), so that a patched clock (freezegun) is the one used
        self._clock = clock or (lambda: time.time())

    @property
    def state(self):
        """The current :class:`CircuitState` (to persist)."""
        return self._state

    def remaining_cool_down(self):
        """Seconds until an open circuit lets calls through again (0 if not open)."""
        if self._state.state != "open":
            return 0.0
        elapsed = self._clock() - (self._state.opened_at or 0.0)
        return max(0.0, self.cool_down - elapsed)

    def before_call(self):
        """Raise :class:`CircuitOpen` while open and cooling down; once the
        cool-down has elapsed, move to half-open and let the call through."""
        if self._state.state != "open":
            return
        remaining = self.remaining_cool_down()
        if remaining > 0:
            # whole seconds, rounded up: job ETAs are stored to the second, and
            # a retry due "in 0.3 s" would come back before the cool-down ends
            wait = float(math.ceil(remaining))
            raise CircuitOpen(
                f"Calls to the remote system are paused after {self._state.failures} failures in a row; "
                f"next try in {wait:.0f} s",
                retry_after=wait,
            )
        self._state.state = "half_open"

    def record_success(self):
        """The remote system answered: close the circuit."""
        self._state = CircuitState()

    def record_failure(self):
        """One more failure; open the circuit when the probe of a half-open
        circuit failed or the threshold is reached."""
        self._state.failures += 1
        if self._state.state == "half_open" or self._state.failures >= self.failure_threshold:
            self._state.state = "open"
            self._state.opened_at = self._clock()
