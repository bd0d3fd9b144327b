"""The circuit breaker state machine, driven by a fake clock."""

import pytest

from odoo.addons.integration_core.lib.circuit_breaker import CircuitBreaker, CircuitState
from odoo.addons.integration_core.lib.exceptions import CircuitOpen


class FakeClock:
    def __init__(self):
        self.now = 1_700_000_000.0

    def __call__(self):
        return self.now


@pytest.fixture()
def clock():
    return FakeClock()


def fail(breaker, times):
    for _i in range(times):
        breaker.before_call()
        breaker.record_failure()


def test_opens_at_the_threshold(clock):
    breaker = CircuitBreaker(failure_threshold=3, cool_down=60, clock=clock)
    fail(breaker, 2)
    assert breaker.state == CircuitState("closed", 2, None)
    fail(breaker, 1)
    assert breaker.state == CircuitState("open", 3, clock.now)


def test_refuses_calls_while_cooling_down(clock):
    breaker = CircuitBreaker(failure_threshold=1, cool_down=60, clock=clock)
    fail(breaker, 1)
    clock.now += 20
    with pytest.raises(CircuitOpen) as info:
        breaker.before_call()
    assert info.value.retry_after == pytest.approx(40)
    assert info.value.retryable
    assert breaker.remaining_cool_down() == pytest.approx(40)
    assert breaker.state.state == "open"


def test_half_open_probe_failure_reopens(clock):
    breaker = CircuitBreaker(failure_threshold=3, cool_down=60, clock=clock)
    fail(breaker, 3)
    clock.now += 60
    breaker.before_call()
    assert breaker.state.state == "half_open"
    breaker.record_failure()  # one failure is enough in half-open
    assert breaker.state.state == "open"
    assert breaker.state.opened_at == clock.now
    with pytest.raises(CircuitOpen):
        breaker.before_call()


def test_half_open_probe_success_closes(clock):
    breaker = CircuitBreaker(failure_threshold=2, cool_down=60, clock=clock)
    fail(breaker, 2)
    clock.now += 61
    breaker.before_call()
    breaker.record_success()
    assert breaker.state == CircuitState()
    breaker.before_call()  # no exception


def test_success_resets_the_count(clock):
    breaker = CircuitBreaker(failure_threshold=3, clock=clock)
    fail(breaker, 2)
    breaker.record_success()
    fail(breaker, 2)
    assert breaker.state.state == "closed"


def test_resumes_from_a_persisted_state(clock):
    state = CircuitState("open", 5, clock.now - 10)
    breaker = CircuitBreaker(state=state, cool_down=60, clock=clock)
    with pytest.raises(CircuitOpen) as info:
        breaker.before_call()
    assert info.value.retry_after == pytest.approx(50)


def test_open_without_a_date_goes_half_open(clock):
    breaker = CircuitBreaker(state=CircuitState("open", 5, None), clock=clock)
    breaker.before_call()
    assert breaker.state.state == "half_open"


def test_threshold_below_one_means_one(clock):
    breaker = CircuitBreaker(failure_threshold=0, clock=clock)
    fail(breaker, 1)
    assert breaker.state.state == "open"


def test_state_roundtrip_and_defaults():
    state = CircuitState("open", 5, 12.5)
    assert state.to_dict() == {"state": "open", "failures": 5, "opened_at": 12.5}
    assert CircuitState.from_dict(state.to_dict()) == state
    assert CircuitState.from_dict({}) == CircuitState()
    assert CircuitState.from_dict(None) == CircuitState()
    assert CircuitState.from_dict({"state": False, "failures": False}) == CircuitState()


def test_open_circuit_asks_for_whole_seconds_rounded_up():
    """Job ETAs are stored to the second: a retry due in 0.3 s came back
    before the cool-down ended, again and again, at the same second."""
    now = [1000.0]
    breaker = CircuitBreaker(failure_threshold=1, cool_down=60, clock=lambda: now[0])
    breaker.record_failure()
    now[0] += 59.7
    with pytest.raises(CircuitOpen) as info:
        breaker.before_call()
    assert info.value.retry_after == 1.0
