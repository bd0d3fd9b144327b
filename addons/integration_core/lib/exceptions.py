"""The one error hierarchy of the suite.

Every failure an integration meets is either

- *retryable* (:class:`RetryableError`): trying again later may work, because
  the remote system is slow, throttling or down, or a lock is held. The error
  may say how long to wait (``retry_after``, e.g. from a Retry-After header);
  otherwise the caller waits :func:`backoff_delay`;
- *permanent* (:class:`PermanentError`): trying again changes nothing until
  someone fixes the data, the mapping or the configuration.

Each error also has a ``category`` (one of :data:`CATEGORIES`) that the ORM
layer writes on the failed event, so users can filter the exception queue.

::

    IntegrationError                     category   retryable
    ├── RetryableError                   remote     yes
    │   ├── RemoteTimeout                remote
    │   ├── RateLimited                  remote     (HTTP 429, throttled API)
    │   ├── RemoteServerError            remote     (HTTP 5xx, connection errors)
    │   ├── LockContention               internal   (spends no attempt, up to a bound)
    │   ├── DatabaseBusy                 internal   (statement_timeout)
    │   ├── CircuitOpen                  remote     (spends no attempt)
    │   └── StillRunning                 remote     (a remote batch not finished yet; no attempt)
    └── PermanentError                   internal   no
        ├── RemoteRejected               remote     (other HTTP 4xx)
        ├── ValidationFailed             validation
        ├── MappingError                 mapping
        ├── BusinessRuleError            business
        ├── MissingKeyError              internal   (encryption key not configured)
        └── DecryptionError              internal   (stored secret unreadable)
"""

import random

CATEGORIES = ("validation", "mapping", "remote", "business", "internal")

BODY_LIMIT = 2000  # characters of a remote answer kept on RemoteRejected
SHOWN_ERRORS = 5  # validation errors quoted in ValidationFailed's message


class IntegrationError(Exception):
    """Base class of every error the suite raises on purpose.

    ``message`` is meant for users (it ends up on the failed event);
    ``details`` is optional extra text for technicians (a traceback, a
    remote answer).

    The root cause of a failure (see :mod:`.fingerprint`) is found best
    when the error says how its message was made: ``template`` is the
    message with ``%s``/``%(name)s`` placeholders, ``params`` their values
    (a tuple or a dict, which may hold more keys than the template uses:
    what a fix needs), and ``code`` an optional stable name of the cause
    (``"tax.unmapped"``) that does not change with the user's language.
    Without a message, it is the template filled with the params.
    """

    category = "internal"
    retryable = False

    def __init__(self, message=None, *, details=None, template=None, params=None, code=None):
        if message is None and template is not None:
            message = fill_template(template, params)
        super().__init__(message)
        self.message = str(message)
        self.details = details
        self.template = str(template) if template is not None else None
        self.params = params
        self.code = code


def fill_template(template, params):
    """``template % params`` (a dict or a sequence); the template alone when
    the params do not fit it, so a bad call site never hides the error."""
    values = params if isinstance(params, dict) else tuple(params or ())
    try:
        return str(template) % values
    except (TypeError, ValueError, KeyError):
        return str(template)

    def __str__(self):
        return self.message


# --- retryable ---------------------------------------------------------------------


class StaleUpdate(IntegrationError):
    """Nothing to do: the event carries an older version than Odoo already
    has, or what it asks for is done or no longer relevant. The event is
    marked ignored with this reason (not failed, not retried)."""


class RetryableError(IntegrationError):
    """Try again later.

    ``retry_after`` is the number of seconds to wait when the cause says so
    (Retry-After header, throttle status, breaker cool-down), or None to let
    the caller use :func:`backoff_delay`.
    """

    category = "remote"
    retryable = True
    #: False when waiting is the normal course of things (a remote batch
    #: still running): the retry does not spend one of the event's attempts.
    counts_attempt = True

    def __init__(self, message=None, *, retry_after=None, details=None, **cause):
        super().__init__(message, details=details, **cause)
        self.retry_after = float(retry_after) if retry_after is not None else None


class RemoteTimeout(RetryableError):
    """The remote system did not answer in time."""


class RateLimited(RetryableError):
    """HTTP 429, a throttled API (Shopify's THROTTLED) or our own rate limit."""


class RemoteServerError(RetryableError):
    """HTTP 5xx or 408, a refused or broken connection, an unreadable answer."""


class LockContention(RetryableError):
    """Another worker holds the lock on the same object. Nobody's fault: the
    retry spends no attempt (the event processor still bounds how many such
    retries in a row are free)."""

    category = "internal"
    counts_attempt = False


class DatabaseBusy(RetryableError):
    """Our own database was too slow (a statement timed out): try again;
    it spends an attempt, since it may also be the event's own doing."""

    category = "internal"


class CircuitOpen(RetryableError):
    """Calls to this backend are paused after repeated failures;
    ``retry_after`` is the remaining cool-down. Waiting for the remote
    system to come back is not the event's fault: it spends no attempt
    (the failures that opened the circuit did)."""

    counts_attempt = False


class StillRunning(RetryableError):
    """A long remote operation (a Shopify bulk query, say) is not finished:
    look again after ``retry_after`` seconds. Waiting is not a failure, so
    it spends no attempt; the caller bounds the total wait itself."""

    counts_attempt = False


# --- permanent ---------------------------------------------------------------------


class PermanentError(IntegrationError):
    """Retrying changes nothing: someone must fix something first."""


class RemoteRejected(PermanentError):
    """The remote system refused the request (HTTP 4xx except 408 and 429).

    ``status_code`` is the HTTP status, ``body`` the start of the answer
    (at most :data:`BODY_LIMIT` characters).
    """

    category = "remote"

    def __init__(self, message=None, *, status_code=None, body=None, details=None, **cause):
        super().__init__(message, details=details, **cause)
        self.status_code = status_code
        self.body = (body or "")[:BODY_LIMIT]


class ValidationFailed(PermanentError):
    """The payload does not satisfy its schema or basic shape.

    ``errors`` lists every problem as a ``"path: message"`` string; without an
    explicit message, the message quotes the first few of them.
    """

    category = "validation"

    def __init__(self, message=None, *, errors=None, details=None, **cause):
        errors = list(errors or [])
        if message is None and cause.get("template") is None:
            message = _summarise(errors)
        super().__init__(message, details=details, **cause)
        self.errors = errors


def _summarise(errors):
    """'Invalid payload: a: x; b: y (and 3 more)'."""
    if not errors:
        return "Invalid payload"
    shown = "; ".join(errors[:SHOWN_ERRORS])
    hidden = len(errors) - SHOWN_ERRORS
    more = f" (and {hidden} more)" if hidden > 0 else ""
    return f"Invalid payload: {shown}{more}"


class MappingError(PermanentError):
    """Something in the payload has no counterpart in Odoo (SKU, tax, country)."""

    category = "mapping"


class BusinessRuleError(PermanentError):
    """The data is valid but a business rule refuses it (totals, states)."""

    category = "business"


class MissingKeyError(PermanentError):
    """The credentials encryption key is not configured (or is not a key)."""


class DecryptionError(PermanentError):
    """A stored secret cannot be decrypted with the configured key(s)."""


# --- retry delays ------------------------------------------------------------------


def backoff_delay(attempt, base=30, factor=2, cap=14400, jitter=0.1, rng=random.random):
    """Seconds to wait after failed attempt number ``attempt`` (counted from 1).

    ``base * factor ** (attempt - 1)``, capped at ``cap``, then spread by up
    to +/- ``jitter`` (a fraction) so that many jobs failing together do not
    all come back at the same second. Never negative, never above ``cap``.

    >>> backoff_delay(1, jitter=0)
    30.0
    >>> backoff_delay(3, jitter=0)
    120.0
    """
    attempt = max(int(attempt), 1)
    try:
        delay = min(float(base) * factor ** (attempt - 1), cap)
    except OverflowError:  # attempt in the thousands: long past the cap anyway
        delay = cap
    spread = delay * jitter * (2 * rng() - 1)  # rng() in [0, 1) -> spread in [-jitter, +jitter)
    return max(0.0, min(delay + spread, float(cap)))
