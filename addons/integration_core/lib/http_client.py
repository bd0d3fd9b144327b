"""The outbound HTTP client every channel client builds on.

One ``requests.Session`` per client, a timeout on every request, the
backend's rate limit and circuit breaker, and one classification of
failures into the suite's error hierarchy:

- timeout                      -> RemoteTimeout      (retryable)
- connection refused/reset     -> RemoteServerError  (retryable)
- 429                          -> RateLimited        (retryable, Retry-After honoured)
- 408, 5xx                     -> RemoteServerError  (retryable, Retry-After honoured)
- other 4xx                    -> RemoteRejected     (permanent)
- a request blocked by Odoo's test harness -> PermanentError, so that a
  test that forgot its sandbox fails loudly instead of retrying.

Requests and answers are logged with credentials and personal data masked.
"""

import email.utils
import json
import logging
import time
from datetime import datetime, timezone
from urllib.parse import urljoin

import requests

from .exceptions import (
    IntegrationError,
    PermanentError,
    RateLimited,
    RemoteRejected,
    RemoteServerError,
    RemoteTimeout,
    RetryableError,
)
from .masking import mask_headers, mask_payload, mask_text

_logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = (3.05, 20.0)  # (connect, read) seconds


def parse_retry_after(value, cap=3600.0, now=None):
    """Seconds to wait from a Retry-After header (seconds or HTTP-date)."""
    if value in (None, ""):
        return None
    value = str(value).strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when is None:
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        now = now or datetime.now(timezone.utc)
        seconds = (when - now).total_seconds()
    return max(0.0, min(seconds, cap))


def classify_exception(exc):
    """The suite's error for a ``requests`` exception."""
    if type(exc).__name__ == "BlockedRequest":
        return PermanentError(
            "An external request was blocked by Odoo's test harness: point the test at a local sandbox "
            f"({exc})"
        )
    if isinstance(exc, requests.Timeout):
        return RemoteTimeout(f"The remote system timed out: {exc}")
    if isinstance(exc, requests.ConnectionError):
        return RemoteServerError(f"Cannot reach the remote system: {exc}")
    return RemoteServerError(f"HTTP request failed: {exc}")


def classify_response(response, max_retry_after=3600.0):
    """Return the response when it is a success, raise the suite's error
    otherwise."""
    status = response.status_code
    if status < 400:
        return response
    retry_after = parse_retry_after(response.headers.get("Retry-After"), cap=max_retry_after)
    text = (response.text or "")[:2000]
    where = f"{response.request.method if response.request else ''} {response.url}".strip()
    if status == 429:
        raise RateLimited(f"Throttled by the remote system (429) on {where}", retry_after=retry_after)
    if status >= 500 or status == 408:
        raise RemoteServerError(f"The remote system failed ({status}) on {where}", retry_after=retry_after)
    raise RemoteRejected(
        f"The remote system refused the request ({status}) on {where}: {text[:300]}",
        status_code=status,
        body=text,
    )


class IntegrationHttpClient:
    """Base of every channel's client (ShopifyClient, ...)."""

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
        max_retry_after=3600.0,
    ):
        self.base_url = base_url.rstrip("/") + "/"
        self.timeout = timeout
        self.rate_limiter = rate_limiter
        self.circuit_breaker = circuit_breaker
        self.secrets = [s for s in secrets if s]
        self.session = session or requests.Session()
        if default_headers:
            self.session.headers.update(default_headers)
        self.logger = logger or _logger
        self.max_retry_after = max_retry_after

    def url(self, path_or_url):
        if path_or_url.startswith(("http://", "https://")):
            return path_or_url
        return urljoin(self.base_url, path_or_url.lstrip("/"))

    def request(self, method, path_or_url, *, params=None, json=None, data=None, headers=None, timeout=None):
        url = self.url(path_or_url)
        if self.rate_limiter is not None:
            self.rate_limiter.acquire()
        if self.circuit_breaker is not None:
            self.circuit_breaker.before_call()
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
            )
        except requests.RequestException as exc:
            error = self._masked(classify_exception(exc))
            self._log(method, url, None, start, error=error, headers=headers, body=json)
            if isinstance(error, RetryableError):
                self._record_failure()
            raise error from exc
        try:
            classify_response(response, self.max_retry_after)
        except IntegrationError as error:
            self._masked(error)
            if not isinstance(error, RetryableError):
                self._log(method, url, response, start, error=error, headers=headers, body=json)
                self._record_success()  # the remote system is up: it answered
                raise

            self._log(method, url, response, start, error=error, headers=headers, body=json)
            self._record_failure()
            raise
        self._log(method, url, response, start, headers=headers, body=json)
        self._record_success()
        return response

    def request_json(self, method, path_or_url, **kwargs):
        """``request`` and parse the JSON answer. An unreadable answer to a
        successful request is the remote system's failure: retryable."""
        response = self.request(method, path_or_url, **kwargs)
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError as exc:
            raise RemoteServerError(
                f"The remote system answered {response.status_code} with invalid JSON: {response.text[:200]}"
            ) from exc

    def _masked(self, error):
        """The error with this client's secrets masked out of its message."""
        error.message = mask_text(error.message, self.secrets)
        error.args = (error.message,)
        return error

    def _record_failure(self):
        if self.circuit_breaker is not None:
            self.circuit_breaker.record_failure()

    def _record_success(self):
        if self.circuit_breaker is not None:
            self.circuit_breaker.record_success()

    def _log(self, method, url, response, start, error=None, headers=None, body=None):
        elapsed_ms = (time.monotonic() - start) * 1000
        status = response.status_code if response is not None else "-"
        line = mask_text(f"{method} {url} -> {status} in {elapsed_ms:.0f} ms", self.secrets)
        if error is not None:
            self.logger.info("%s: %s", line, mask_text(str(error), self.secrets))
        else:
            self.logger.debug("%s", line)
        if self.logger.isEnabledFor(logging.DEBUG):
            sent = dict(self.session.headers)
            sent.update(headers or {})
            self.logger.debug("request headers %s", mask_text(str(mask_headers(sent)), self.secrets))
            if body is not None:
                self.logger.debug(
                    "request body %s", mask_text(json.dumps(mask_payload(body))[:2000], self.secrets)
                )
            if response is not None:
                self.logger.debug("response body %s", mask_text((response.text or "")[:2000], self.secrets))

    def close(self):
        self.session.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()
