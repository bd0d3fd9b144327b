"""The outbound HTTP client every channel client builds on.

:class:`IntegrationHttpClient` is the one place where the suite talks HTTP
to remote systems. Per request it

1. asks the backend's circuit breaker whether calls are allowed, then takes
   a token from its rate limiter;
2. sends the request through one ``requests.Session``, *always* with a
   timeout;
3. turns every failure into the suite's error hierarchy:

   ========================================== =================== =========
   what happened                              error               retryable
   ========================================== =================== =========
   connect or read timeout                    RemoteTimeout       yes
   connection refused, reset, TLS failure     RemoteServerError   yes
   HTTP 429                                   RateLimited         yes
   HTTP 408, 5xx                              RemoteServerError   yes
   other HTTP 4xx                             RemoteRejected      no
   malformed request (bad URL, header)        PermanentError      no
   blocked by Odoo's test harness             PermanentError      no
   ========================================== =================== =========

   ``Retry-After`` (seconds or an HTTP date) becomes the error's
   ``retry_after``, capped at ``max_retry_after``. The request blocked by
   Odoo's test harness is permanent on purpose: a test that forgot to mock
   its client must fail loudly, not quietly take the retry path;
4. tells the circuit breaker how it went: timeouts, connection failures and
   5xx/408 count as failures; any other answer (2xx-4xx) proves the remote
   system is up and closes the circuit, except 429, which changes nothing;
5. logs one line per request (method, URL, status, elapsed ms; DEBUG on
   success, INFO on failure) and, at DEBUG, the headers and bodies, with
   credentials and personal data masked. The client's ``secrets`` are
   masked from log lines and error messages alike. (urllib3's own DEBUG
   log quotes each URL as sent: put credentials in headers, not in URLs.)

Subclass it per channel and keep the channel's API knowledge there::

    class AcmeClient(IntegrationHttpClient):
        def get_order(self, order_id):
            return self.request_json("GET", f"/orders/{order_id}")
"""

import json
import logging
import math
import time
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin

import requests

from .exceptions import (
    BODY_LIMIT,
    IntegrationError,
    PermanentError,
    RateLimited,
    RemoteRejected,
    RemoteServerError,
    RemoteTimeout,
)
from .masking import mask_headers, mask_payload, mask_text, mask_url

_logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = (3.05, 20.0)  # (connect, read) seconds
DEFAULT_MAX_RETRY_AFTER = 3600.0
LOG_BODY_LIMIT = 2000  # characters of a body written to the DEBUG log
MESSAGE_BODY_LIMIT = 300  # characters of a refused request's answer quoted in the error message

# Errors that say the remote system is down or unwell; they open the circuit.
BREAKER_FAILURES = (RemoteTimeout, RemoteServerError)

# requests' errors for a request that could never be sent as written.
_MALFORMED_REQUEST = (
    requests.exceptions.InvalidURL,
    requests.exceptions.InvalidSchema,
    requests.exceptions.MissingSchema,
    requests.exceptions.InvalidHeader,
    requests.exceptions.URLRequired,
)


# --- classification ----------------------------------------------------------------


def parse_retry_after(value, cap=DEFAULT_MAX_RETRY_AFTER, now=None):
    """Seconds to wait from a ``Retry-After`` header value.

    The value is either a number of seconds ("120") or an HTTP date ("Wed, 21
    Oct 2015 07:28:00 GMT"). Returns None when absent or unreadable, else a
    number between 0 and ``cap``. ``now`` (an aware datetime) is for tests.
    """
    if value is None or not str(value).strip():
        return None
    text = str(value).strip()
    try:
        seconds = float(text)
    except ValueError:
        seconds = _seconds_until(text, now)
    if seconds is None or math.isnan(seconds):
        return None
    return max(0.0, min(seconds, float(cap)))


def _seconds_until(http_date, now=None):
    """Seconds from ``now`` to an HTTP date, None if it is not one."""
    try:
        when = parsedate_to_datetime(http_date)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return (when - (now or datetime.now(timezone.utc))).total_seconds()


def is_blocked_by_test_harness(exc):
    """True for Odoo's ``BlockedRequest`` (a ``requests`` ConnectionError that
    Odoo 17's test cases raise for un-mocked requests to other hosts).

    Recognised by class name so that this module needs no ``odoo`` import.
    """
    return any(cls.__name__ == "BlockedRequest" for cls in type(exc).__mro__)


def classify_exception(exc, secrets=()):
    """The suite's error (returned, not raised) for a ``requests`` exception.

    ``secrets`` are masked from the error message, which quotes ``exc``.
    """
    kind = type(exc).__name__
    cause = mask_text(str(exc), secrets)
    if is_blocked_by_test_harness(exc):
        return PermanentError(
            f"An outbound request was blocked by Odoo's test harness ({cause}). Mock the client or point "
            "it at a local sandbox; this is never retried."
        )
    if isinstance(exc, requests.Timeout):
        return RemoteTimeout(f"The remote system did not answer in time ({kind}: {cause})")
    if isinstance(exc, requests.ConnectionError):
        return RemoteServerError(f"Cannot reach the remote system ({kind}: {cause})")
    if isinstance(exc, _MALFORMED_REQUEST):
        return PermanentError(f"The request cannot be sent as written ({kind}: {cause})")
    return RemoteServerError(f"The HTTP exchange failed ({kind}: {cause})")


def classify_response(response, max_retry_after=DEFAULT_MAX_RETRY_AFTER, secrets=()):
    """Return ``response`` when its status is below 400; otherwise raise
    :class:`RateLimited`, :class:`RemoteServerError` or
    :class:`RemoteRejected` (see the module's table).

    ``secrets`` are masked from the message and from ``RemoteRejected.body``.
    """
    status = response.status_code
    if status < 400:
        return response
    retry_after = parse_retry_after(response.headers.get("Retry-After"), cap=max_retry_after)
    where = mask_text(_describe(response), secrets)
    if status == 429:
        raise RateLimited(f"Throttled by the remote system (HTTP 429) on {where}", retry_after=retry_after)
    if status >= 500 or status == 408:
        raise RemoteServerError(
            f"The remote system failed (HTTP {status}) on {where}", retry_after=retry_after
        )
    body = mask_text(response.text or "", secrets)[:BODY_LIMIT]  # masked before cut: no half secret
    # the status is part of the root cause; where and what the remote said are its values
    raise RemoteRejected(
        template=f"The remote system refused the request (HTTP {status}) on %(where)s: %(answer)s",
        params={"where": where, "answer": body[:MESSAGE_BODY_LIMIT]},
        code=f"http.rejected.{status}",
        status_code=status,
        body=body,
    )


def _describe(response):
    """'GET https://host/path' for messages, sensitive query values masked."""
    method = response.request.method if response.request is not None else ""
    return f"{method} {mask_url(response.url)}".strip()


# --- the client --------------------------------------------------------------------


class IntegrationHttpClient:
    """Base of every channel's HTTP client (ShopifyClient, ...).

    :param base_url: the remote API root; relative paths given to
        :meth:`request` are appended to it (a leading "/" included).
    :param timeout: ``(connect, read)`` seconds, used by every request
        without its own ``timeout``.
    :param default_headers: sent with every request (authentication, Accept).
    :param rate_limiter: a :class:`~.rate_limit.TokenBucket`, or None.
    :param circuit_breaker: a :class:`~.circuit_breaker.CircuitBreaker`, or None.
    :param secrets: values (tokens, passwords) masked from logs and error
        messages; add the ones that authenticate this client.
    :param session: a ``requests.Session`` to use (default: a new one).
    :param logger: where to log (default: this module's logger).
    :param max_retry_after: cap, in seconds, on a remote ``Retry-After``.
    """

    def __init__(
        self,
        base_url,
        *,
        timeout=DEFAULT_TIMEOUT,
        default_headers=None,
        rate_limiter=None,
        circuit_breaker=None,
        secrets=(),
        session=None,
        logger=None,
        max_retry_after=DEFAULT_MAX_RETRY_AFTER,
    ):
        self.base_url = base_url.rstrip("/") + "/"
        self.timeout = timeout or DEFAULT_TIMEOUT
        self.rate_limiter = rate_limiter
        self.circuit_breaker = circuit_breaker
        self.secrets = [secret for secret in secrets if secret]
        self.session = session if session is not None else requests.Session()
        if default_headers:
            self.session.headers.update(default_headers)
        self.logger = logger or _logger
        self.max_retry_after = max_retry_after

    # --- public API -------------------------------------------------------------------

    def url(self, path_or_url):
        """The absolute URL for ``path_or_url`` (absolute URLs are kept)."""
        if path_or_url.startswith(("http://", "https://")):
            return path_or_url
        return urljoin(self.base_url, path_or_url.lstrip("/"))

    def request(
        self,
        method,
        path_or_url,
        *,
        params=None,
        json=None,
        data=None,
        headers=None,
        timeout=None,
        stream=False,
    ):
        """Send one request and return the ``requests.Response`` (status < 400).

        Raises the suite's errors as described in the module docstring;
        ``timeout`` overrides the client's for this request only (with
        ``stream``, the read timeout bounds each wait for the next bytes).
        ``stream=True`` leaves a successful answer's body unread (and out of
        the DEBUG log): the caller iterates it, classifies errors met on the
        way with :func:`classify_exception`, and closes the response.
        A header given as None in ``headers`` is not sent, even when it is a
        default header (e.g. the credentials, for a download from another host).
        """
        url = self.url(path_or_url)
        self._before_call()
        start = time.monotonic()
        try:
            response = self.session.request(
                method,
                url,
                params=params,
                json=json,
                data=data,
                headers=headers,
                timeout=timeout or self.timeout,
                stream=stream,
            )
        except requests.RequestException as exc:
            error = classify_exception(exc, self.secrets)
            self._after_call(error)
            self._log(method, url, start, error=error, headers=headers, body=json)
            # not chained: the original exception's text may hold the URL with credentials;
            # its class and (masked) text are in the message
            raise error from None
        try:
            classify_response(response, self.max_retry_after, self.secrets)
        except IntegrationError as error:
            self._after_call(error)
            self._log(method, url, start, response=response, error=error, headers=headers, body=json)
            raise
        self._after_call(None)
        self._log(method, url, start, response=response, headers=headers, body=json, response_body=not stream)
        return response

    def request_json(self, method, path_or_url, **kwargs):
        """:meth:`request`, then the parsed JSON answer (None for an empty body).

        An answer that is not JSON although the request succeeded is the
        remote system's fault, usually passing (a proxy's error page):
        :class:`RemoteServerError`, so it is retried.
        """
        response = self.request(method, path_or_url, **kwargs)
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            excerpt = self._mask(response.text)[:200]
            raise RemoteServerError(
                f"The remote system answered HTTP {response.status_code} with invalid JSON: {excerpt}"
            ) from None

    def close(self):
        """Close the session's connections."""
        self.session.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    # --- circuit breaker and rate limit ------------------------------------------------

    def _before_call(self):
        """Refuse early while the circuit is open (no token wasted), then wait
        for the rate limiter."""
        if self.circuit_breaker is not None:
            self.circuit_breaker.before_call()
        if self.rate_limiter is not None:
            self.rate_limiter.acquire()

    def _after_call(self, error):
        """Tell the breaker how the call went (see the module docstring)."""
        if self.circuit_breaker is None or isinstance(error, RateLimited):
            return
        if isinstance(error, BREAKER_FAILURES):
            self.circuit_breaker.record_failure()
        elif error is None or isinstance(error, RemoteRejected):
            self.circuit_breaker.record_success()
        # other permanent errors (blocked or malformed request): the remote system was not reached

    # --- masking and logging ---------------------------------------------------------

    def _mask(self, text):
        """``text`` with this client's secrets masked."""
        return mask_text(text, self.secrets)

    def _log(
        self, method, url, start, *, response=None, error=None, headers=None, body=None, response_body=True
    ):
        """One summary line, then (at DEBUG) the masked headers and bodies."""
        elapsed_ms = (time.monotonic() - start) * 1000
        status = response.status_code if response is not None else "-"
        line = self._mask(f"{method} {mask_url(url)} -> {status} in {elapsed_ms:.0f} ms")
        if error is not None:
            self.logger.info("%s: %s", line, error.message)  # already masked
        else:
            self.logger.debug("%s", line)
        if self.logger.isEnabledFor(logging.DEBUG):
            self._log_details(headers, body, response, response_body)

    def _log_details(self, headers, body, response, response_body=True):
        sent = dict(self.session.headers)
        sent.update(headers or {})
        sent = {key: value for key, value in sent.items() if value is not None}
        self.logger.debug("request headers: %s", self._mask(str(mask_headers(sent))))
        if body is not None:
            self.logger.debug("request body: %s", self._masked_json(body))
        if response is not None:
            self.logger.debug("response headers: %s", self._mask(str(mask_headers(response.headers))))
            if response_body:
                self.logger.debug("response body: %s", self._masked_response_body(response))

    def _masked_json(self, data):
        text = json.dumps(mask_payload(data), default=str)
        return self._mask(text)[:LOG_BODY_LIMIT]

    def _masked_response_body(self, response):
        """The answer for the DEBUG log: JSON with personal data masked, other
        text with secrets masked; truncated."""
        text = response.text or ""
        try:
            return self._masked_json(json.loads(text))
        except ValueError:
            return self._mask(text)[:LOG_BODY_LIMIT]
