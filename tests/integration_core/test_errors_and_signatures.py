import pytest

from odoo.addons.integration_core.lib import exceptions as exc
from odoo.addons.integration_core.lib.signature import hmac_sha256_base64, hmac_sha256_hex, verify_signature


def test_hierarchy_and_categories():
    assert exc.RateLimited("x", retry_after=3).retryable
    assert exc.RateLimited("x", retry_after=3).retry_after == 3.0
    assert exc.RemoteTimeout("x").category == "remote"
    assert exc.LockContention("x").category == "internal"
    assert not exc.RemoteRejected("x", status_code=404).retryable
    assert exc.ValidationFailed(errors=["a: b"]).category == "validation"
    assert exc.MappingError("x").category == "mapping"
    assert exc.BusinessRuleError("x").category == "business"
    assert isinstance(exc.CircuitOpen("x"), exc.RetryableError)
    assert isinstance(exc.DecryptionError("x"), exc.PermanentError)


def test_validation_message_summarises_errors():
    error = exc.ValidationFailed(errors=[f"field{i}: bad" for i in range(7)])
    assert "field0: bad" in error.message
    assert "and 2 more" in error.message
    assert len(error.errors) == 7


def test_remote_rejected_truncates_body():
    assert len(exc.RemoteRejected("x", body="y" * 5000).body) == 2000


@pytest.mark.parametrize("attempt,low,high", [(1, 27, 33), (2, 54, 66), (3, 108, 132), (30, 3240, 3600)])
def test_backoff_grows_and_is_capped(attempt, low, high):
    for rng in (lambda: 0.0, lambda: 0.5, lambda: 1.0):
        assert low <= exc.backoff_delay(attempt, rng=rng) <= high


def test_hmac_helpers_match_known_vectors():
    # RFC 4231 test case 2
    assert (
        hmac_sha256_hex("Jefe", b"what do ya want for nothing?")
        == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    )
    assert hmac_sha256_base64(b"Jefe", b"what do ya want for nothing?") == (
        "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM="
    )


@pytest.mark.parametrize("received", [None, "", "nope", "é", "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEm="])
def test_verify_refuses_missing_and_wrong(received):
    expected = hmac_sha256_base64("Jefe", b"what do ya want for nothing?")
    assert verify_signature(received, expected) is False


def test_verify_accepts_the_right_signature():
    expected = hmac_sha256_base64("Jefe", b"body")
    assert verify_signature(expected, expected)
    assert verify_signature(f" {expected} ", expected)
