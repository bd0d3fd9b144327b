"""The token bucket, driven by a fake clock."""

import threading

import pytest

from odoo.addons.integration_core.lib.exceptions import RateLimited
from odoo.addons.integration_core.lib.rate_limit import TokenBucket, get_bucket


class FakeClock:
    """A clock that only moves when told to, or when someone sleeps."""

    def __init__(self, advance_on_sleep=True):
        self.now = 1000.0
        self.slept = []
        self.advance_on_sleep = advance_on_sleep

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)
        if self.advance_on_sleep:
            self.now += seconds


def test_burst_then_waits_for_tokens():
    clock = FakeClock()
    bucket = TokenBucket(2, clock=clock, sleep=clock.sleep)
    assert bucket.acquire() == 0 and bucket.acquire() == 0  # a burst of `capacity`
    assert bucket.acquire() == pytest.approx(0.5)
    assert clock.slept == [pytest.approx(0.5)]


def test_refills_up_to_capacity_only():
    clock = FakeClock()
    bucket = TokenBucket(2, capacity=3, clock=clock, sleep=clock.sleep)
    for _i in range(3):
        assert bucket.acquire() == 0
    clock.now += 60
    for _i in range(3):
        assert bucket.acquire() == 0
    assert bucket.acquire() == pytest.approx(0.5)


def test_several_tokens_at_once():
    clock = FakeClock()
    bucket = TokenBucket(1, capacity=5, clock=clock, sleep=clock.sleep)
    assert bucket.acquire(tokens=5) == 0
    assert bucket.acquire(tokens=2) == pytest.approx(2)


def test_refuses_long_waits_without_taking_tokens():
    clock = FakeClock()
    bucket = TokenBucket(0.1, clock=clock, sleep=clock.sleep)
    bucket.acquire()
    with pytest.raises(RateLimited) as info:
        bucket.acquire(max_wait=1)
    assert info.value.retry_after == pytest.approx(10)
    assert info.value.retryable
    assert clock.slept == []
    clock.now += 10
    assert bucket.acquire(max_wait=1) == 0  # the refused call took nothing


@pytest.mark.parametrize("rate", [0, -1, None])
def test_zero_or_negative_rate_is_unlimited(rate):
    bucket = TokenBucket(rate)
    assert all(bucket.acquire(tokens=1000) == 0 for _i in range(10))


def test_concurrent_callers_queue_behind_each_other():
    clock = FakeClock(advance_on_sleep=False)  # time stands still: every wait is a reservation
    bucket = TokenBucket(10, capacity=1, clock=clock, sleep=clock.sleep)
    waits, lock = [], threading.Lock()

    def worker():
        wait = bucket.acquire(max_wait=100)
        with lock:
            waits.append(wait)

    threads = [threading.Thread(target=worker) for _i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(waits) == pytest.approx([i / 10 for i in range(20)])


def test_registry_shares_and_recreates_on_rate_change():
    first = get_bucket("test:backend:1", 5)
    assert get_bucket("test:backend:1", 5) is first
    assert get_bucket("test:backend:1", 5.0) is first
    assert get_bucket("test:backend:2", 5) is not first
    changed = get_bucket("test:backend:1", 6)
    assert changed is not first and changed.rate == 6
    assert get_bucket("test:backend:3", None).acquire(tokens=99) == 0
