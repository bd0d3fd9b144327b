"""The error hierarchy and the retry delay."""

import pickle

import pytest

from odoo.addons.integration_core.lib import exceptions as exc


@pytest.mark.parametrize(
    "cls,base,category,retryable",
    [
        (exc.RetryableError, exc.IntegrationError, "remote", True),
        (exc.RemoteTimeout, exc.RetryableError, "remote", True),
        (exc.RateLimited, exc.RetryableError, "remote", True),
        (exc.RemoteServerError, exc.RetryableError, "remote", True),
        (exc.LockContention, exc.RetryableError, "internal", True),
        (exc.CircuitOpen, exc.RetryableError, "remote", True),
        (exc.PermanentError, exc.IntegrationError, "internal", False),
        (exc.RemoteRejected, exc.PermanentError, "remote", False),
        (exc.ValidationFailed, exc.PermanentError, "validation", False),
        (exc.MappingError, exc.PermanentError, "mapping", False),
        (exc.BusinessRuleError, exc.PermanentError, "business", False),
        (exc.MissingKeyError, exc.PermanentError, "internal", False),
        (exc.DecryptionError, exc.PermanentError, "internal", False),
    ],
)
def test_hierarchy(cls, base, category, retryable):
    error = cls("something went wrong")
    assert isinstance(error, base)
    assert error.category == category
    assert error.category in exc.CATEGORIES
    assert error.retryable is retryable
    assert error.message == str(error) == "something went wrong"


def test_base_error_defaults():
    error = exc.IntegrationError("boom", details="traceback here")
    assert (error.category, error.retryable, error.details) == ("internal", False, "traceback here")


def test_retry_after_is_seconds_or_none():
    assert exc.RateLimited("x", retry_after=3).retry_after == 3.0
    assert isinstance(exc.RateLimited("x", retry_after=3).retry_after, float)
    assert exc.RemoteServerError("x").retry_after is None
    assert exc.CircuitOpen("x", retry_after=12.5).retry_after == 12.5


def test_remote_rejected_keeps_status_and_truncated_body():
    error = exc.RemoteRejected("refused", status_code=422, body="y" * 5000)
    assert error.status_code == 422
    assert len(error.body) == 2000
    assert exc.RemoteRejected("refused").body == ""


def test_validation_failed_summarises_errors():
    error = exc.ValidationFailed(errors=[f"field{i}: bad" for i in range(7)])
    assert error.message.startswith("Invalid payload: field0: bad; field1: bad")
    assert "field5" not in error.message
    assert error.message.endswith("(and 2 more)")
    assert len(error.errors) == 7
    assert exc.ValidationFailed(errors=["a: b"]).message == "Invalid payload: a: b"
    assert exc.ValidationFailed().message == "Invalid payload"
    assert exc.ValidationFailed("Custom", errors=["a: b"]).message == "Custom"


def test_errors_survive_pickling():
    """queue_job and multiprocessing may pickle exceptions."""
    error = pickle.loads(pickle.dumps(exc.RateLimited("slow down", retry_after=5)))
    assert (type(error), error.message, error.retry_after) == (exc.RateLimited, "slow down", 5.0)


@pytest.mark.parametrize("attempt,low,high", [(1, 27, 33), (2, 54, 66), (3, 108, 132), (30, 12960, 14400)])
def test_backoff_grows_within_jitter_and_is_capped(attempt, low, high):
    for rng in (lambda: 0.0, lambda: 0.5, lambda: 0.999999):
        assert low <= exc.backoff_delay(attempt, rng=rng) <= high


def test_backoff_without_jitter_is_exact():
    assert [exc.backoff_delay(n, jitter=0) for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert exc.backoff_delay(2, base=10, factor=3, jitter=0) == 30


@pytest.mark.parametrize("attempt", [0, -3, 10_000])
def test_backoff_odd_attempts(attempt):
    delay = exc.backoff_delay(attempt, jitter=0)
    assert delay == (30 if attempt < 1 else 14400)


def test_remote_outage_backoff_grows_to_hours():
    """An outage of ~16 minutes used to kill every event (6 attempts, 30 to
    480 s). The backoff now grows to a 4-hour cap: ten attempts span 8.5 h."""
    delays = [exc.backoff_delay(n, jitter=0) for n in range(1, 11)]
    assert delays[-1] == 14400
    assert sum(delays[:9]) > 2 * 3600


def test_waiting_on_an_open_circuit_spends_no_attempt():
    assert exc.CircuitOpen("paused", retry_after=30).counts_attempt is False
    assert exc.StillRunning("busy", retry_after=5).counts_attempt is False
    assert exc.RemoteServerError("503").counts_attempt is True
    assert exc.LockContention("busy").counts_attempt is False


def test_backoff_is_never_negative():
    assert exc.backoff_delay(1, jitter=2.0, rng=lambda: 0.0) == 0.0
