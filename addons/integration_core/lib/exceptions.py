"""The one error hierarchy of the suite.

Every failure an integration meets is either *retryable* (try again later:
the remote system is slow, throttling, down, or a lock is held) or
*permanent* (trying again changes nothing until someone fixes the data, the
mapping or the configuration). The ORM layer writes the ``category`` on the
event; a retryable error may say how long to wait (``retry_after``, e.g. from
a Retry-After header).
"""

import random

CATEGORIES = ("validation", "mapping", "remote", "business", "internal")


class IntegrationError(Exception):
    """Base class. ``category`` is one of CATEGORIES."""

    category = "internal"
    retryable = False

    def __init__(self, message, *, details=None):
        super().__init__(message)
        self.message = str(message)
        self.details = details

    def __str__(self):
        return self.message


# --- retryable ---------------------------------------------------------------------


class RetryableError(IntegrationError):
    """Try again later; ``retry_after`` seconds if the remote said so."""

    category = "remote"
    retryable = True

    def __init__(self, message, *, retry_after=None, details=None):
        super().__init__(message, details=details)
        self.retry_after = float(retry_after) if retry_after is not None else None


class RemoteTimeout(RetryableError):
    """The remote system did not answer in time."""


class RateLimited(RetryableError):
    """HTTP 429, or a throttled API (Shopify's THROTTLED)."""


class RemoteServerError(RetryableError):
    """HTTP 5xx, a refused or broken connection, an unreadable answer."""


class LockContention(RetryableError):
    """Another worker holds the lock on the same object."""

    category = "internal"


class CircuitOpen(RetryableError):
    """Calls to this backend are paused after repeated failures."""


# --- permanent ---------------------------------------------------------------------


class PermanentError(IntegrationError):
    """Retrying changes nothing: someone must fix something first."""


class RemoteRejected(PermanentError):
    """The remote system refused the request (HTTP 4xx but 408 and 429)."""

    category = "remote"

    def __init__(self, message, *, status_code=None, body=None, details=None):
        super().__init__(message, details=details)
        self.status_code = status_code
        self.body = (body or "")[:2000]


class ValidationFailed(PermanentError):
    """The payload does not satisfy its schema or basic shape."""

    category = "validation"

    def __init__(self, message=None, *, errors=None, details=None):
        errors = list(errors or [])
        if message is None:
            shown = "; ".join(errors[:5])
            more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
            message = f"Invalid payload: {shown}{more}" if errors else "Invalid payload"
        super().__init__(message, details=details)
        self.errors = errors


class MappingError(PermanentError):
    """Something in the payload has no counterpart in Odoo (SKU, tax, country)."""

    category = "mapping"


class BusinessRuleError(PermanentError):
    """The data is valid but a business rule refuses it (totals, states)."""

    category = "business"


class MissingKeyError(PermanentError):
    """The credentials encryption key is not configured."""


class DecryptionError(PermanentError):
    """A stored secret cannot be decrypted with the configured key(s)."""


def backoff_delay(attempt, base=30, factor=2, cap=3600, jitter=0.1, rng=random.random):
    """Seconds to wait before attempt ``attempt + 1`` (attempt counts from 1):
    base * factor**(attempt - 1), capped, with +/- ``jitter`` spread."""
    attempt = max(int(attempt), 1)
    delay = min(base * factor ** (attempt - 1), cap)
    spread = delay * jitter * (2 * rng() - 1)
    return max(0.0, min(delay + spread, cap))
