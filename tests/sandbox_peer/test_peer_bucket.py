"""The leaky bucket of the sandbox peers, on an injected clock."""

import pytest
from sandbox.peer import LeakyBucket, ManualClock


@pytest.fixture
def clock():
    return ManualClock()


def test_take_until_empty_then_refuse_without_charging(clock):
    bucket = LeakyBucket(size=40, restore_rate=2, clock=clock)
    assert all(bucket.take(1) for _ in range(40))
    assert not bucket.take(1)
    assert bucket.available() == 0.0


def test_restores_at_the_rate_and_never_above_the_size(clock):
    bucket = LeakyBucket(size=100, restore_rate=10, clock=clock)
    assert bucket.take(100)
    clock.advance(2.5)
    assert bucket.available() == pytest.approx(25)
    assert not bucket.take(26)
    assert bucket.available() == pytest.approx(25)  # a refused take costs nothing
    clock.advance(3600)
    assert bucket.available() == 100


def test_refund_and_drain(clock):
    bucket = LeakyBucket(size=2000, restore_rate=100, clock=clock)
    assert bucket.take(1000)
    bucket.refund(700)  # requested 1000, actually cost 300
    assert bucket.available() == 1700
    bucket.refund(10_000)
    assert bucket.available() == 2000
    bucket.refund(-50)  # a negative refund is nothing
    assert bucket.available() == 2000
    bucket.drain(500)
    assert bucket.available() == 1500
    bucket.drain()
    assert bucket.available() == 0.0


def test_seconds_until_is_a_retry_after(clock):
    bucket = LeakyBucket(size=40, restore_rate=2, clock=clock)
    assert bucket.seconds_until(1) == 0.0
    bucket.drain()
    assert bucket.seconds_until(1) == pytest.approx(0.5)
    assert bucket.seconds_until(10) == pytest.approx(5.0)
    clock.advance(5)
    assert bucket.take(10)
    assert LeakyBucket(size=1, restore_rate=0, clock=clock).seconds_until(2) == float("inf")


def test_status(clock):
    bucket = LeakyBucket(size=10, restore_rate=1, clock=clock)
    bucket.take(4)
    assert bucket.status() == {"size": 10.0, "available": 6.0, "restore_rate": 1.0}
