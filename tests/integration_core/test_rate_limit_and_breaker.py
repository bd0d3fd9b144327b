import pytest

from odoo.addons.integration_core.lib.circuit_breaker import CircuitBreaker, CircuitState
from odoo.addons.integration_core.lib.exceptions import CircuitOpen, RateLimited
from odoo.addons.integration_core.lib.rate_limit import TokenBucket, get_bucket


class FakeClock:
    def __init__(self):
        self.now = 1000.0
        self.slept = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds


def test_token_bucket_waits_for_tokens():
    clock = FakeClock()
    bucket = TokenBucket(2, clock=clock, sleep=clock.sleep)
    assert bucket.acquire() == 0 and bucket.acquire() == 0  # burst of 2
    assert bucket.acquire() == pytest.approx(0.5)
    clock.now += 10  # refills up to capacity only
    assert bucket.acquire() == 0 and bucket.acquire() == 0
    assert bucket.acquire() == pytest.approx(0.5)


def test_token_bucket_refuses_long_waits():
    clock = FakeClock()
    bucket = TokenBucket(0.1, clock=clock, sleep=clock.sleep)
    bucket.acquire()
    with pytest.raises(RateLimited) as info:
        bucket.acquire(max_wait=1)
    assert info.value.retry_after == pytest.approx(10)


def test_unlimited_and_registry():
    assert TokenBucket(0).acquire(tokens=1000) == 0
    first = get_bucket("k", 5)
    assert get_bucket("k", 5) is first
    assert get_bucket("k", 6) is not first


def test_circuit_breaker_transitions():
    clock = FakeClock()
    breaker = CircuitBreaker(failure_threshold=3, cool_down=60, clock=clock)
    for _i in range(2):
        breaker.before_call()
        breaker.record_failure()
    assert breaker.state.state == "closed"
    breaker.record_failure()
    assert breaker.state.state == "open"
    with pytest.raises(CircuitOpen) as info:
        breaker.before_call()
    assert info.value.retry_after == pytest.approx(60)
    clock.now += 61
    breaker.before_call()
    assert breaker.state.state == "half_open"
    breaker.record_failure()  # the probe failed: open again
    assert breaker.state.state == "open"
    clock.now += 61
    breaker.before_call()
    breaker.record_success()
    assert breaker.state == CircuitState()


def test_circuit_state_roundtrip():
    state = CircuitState("open", 5, 12.5)
    assert CircuitState.from_dict(state.to_dict()) == state
