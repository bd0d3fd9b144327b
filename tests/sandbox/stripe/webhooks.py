"""Stripe's webhooks: endpoints, signed event deliveries, retries.

An endpoint (:meth:`WebhooksMixin.add_webhook_endpoint`) has a URL,
``enabled_events`` (event types, ``payout.*`` or ``*``) and a signing secret
``whsec_...``. Each event (an ``event`` object: ``id``, ``type``, ``created``,
``data.object``, ``api_version``) is POSTed as JSON with the header::

    Stripe-Signature: t=<unix time>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>

(the secret string itself is the HMAC key, as Stripe's libraries use it). A
receiver checks the ``v1`` signature in constant time and the timestamp's
age (Stripe's libraries: 300 s). A delivery that fails (no 2xx, or no answer)
is retried with the same event and a fresh signature, on the peer's clock,
as a sandbox account retries ("three times over a few hours":
:data:`~.common.WEBHOOK_RETRY_SCHEDULE`).

Faults (``POST /_sandbox/faults``): ``{"webhooks": {"drop_next": 1}}``
(deliveries never sent, recorded ``dropped``), ``{"webhooks":
{"duplicate_next": 1}}`` (sent twice, as Stripe may).
"""

import hashlib
import hmac
import json
import secrets
import time

from ..peer import WebhookDeliverer, WebhookSigner, delivered
from .common import SIGNATURE_HEADER, WEBHOOK_EVENTS, WEBHOOK_RETRY_SCHEDULE


def new_secret():
    return "whsec_" + secrets.token_urlsafe(24).replace("-", "a").replace("_", "b")


def signer_for(secret):
    return WebhookSigner(secret, header=SIGNATURE_HEADER, encoding="hex", message="{timestamp}.{body}")


def sign(secret, body, timestamp):
    """The ``Stripe-Signature`` header value for ``body`` sent at ``timestamp``."""
    return f"t={int(timestamp)},v1={signer_for(secret).sign(body, timestamp=int(timestamp))}"


def verify(secret, header, body, *, tolerance=300, now=None):
    """Check a ``Stripe-Signature`` as a receiver must: some ``v1`` matches
    and ``t`` is within ``tolerance`` seconds of ``now``."""
    items = [part.split("=", 1) for part in (header or "").split(",") if "=" in part]
    stamps = [v for k, v in items if k == "t"]
    if not stamps or not stamps[0].isdigit():
        return False
    timestamp = int(stamps[0])
    body = body.encode("utf-8") if isinstance(body, str) else body
    expected = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    if not any(hmac.compare_digest(expected, v) for k, v in items if k == "v1"):
        return False
    now = time.time() if now is None else now
    return abs(now - timestamp) <= tolerance


class WebhooksMixin:
    """Endpoints in :attr:`webhook_endpoints`, deliveries in :attr:`webhook_deliveries`."""

    webhook_deliverer = WebhookDeliverer()

    def reset_webhooks(self):
        self.webhook_endpoints = {}
        self.webhook_deliveries = []
        self._webhook_outbox = []  # (endpoint, event)
        self._webhook_retries = []  # [due, endpoint, event, attempt]
        self._drop_next = 0
        self._duplicate_next = 0

    def add_webhook_endpoint(self, url, enabled_events=("*",), secret=None):
        """Register ``url`` for ``enabled_events``; returns the endpoint with its ``secret``."""
        events = list(enabled_events)
        unknown = [e for e in events if e != "*" and not e.endswith(".*") and e not in WEBHOOK_EVENTS]
        if unknown:
            raise ValueError(f"unknown event types: {', '.join(unknown)}")
        with self._lock:
            endpoint = {
                "id": self.store.new_id("we"),
                "object": "webhook_endpoint",
                "api_version": None,
                "created": self.store.now(),
                "enabled_events": events,
                "livemode": False,
                "secret": secret or new_secret(),
                "status": "enabled",
                "url": url,
            }
            self.webhook_endpoints[endpoint["id"]] = endpoint
            return dict(endpoint)

    def on_event(self, event):
        """The store's listener: queue ``event`` for the endpoints that want it."""
        with self._lock:
            for endpoint in self.webhook_endpoints.values():
                if any(_wants(pattern, event["type"]) for pattern in endpoint["enabled_events"]):
                    event["pending_webhooks"] += 1
                    self._webhook_outbox.append((endpoint, event))

    def flush_webhooks(self):
        """Deliver what is queued and the retries due; returns the delivery records."""
        with self._lock:
            outbox, self._webhook_outbox = self._webhook_outbox, []
            now = self.store.now()
            due = [r for r in self._webhook_retries if r[0] <= now]
            self._webhook_retries = [r for r in self._webhook_retries if r[0] > now]
        records = [self.send_webhook(endpoint, event) for endpoint, event in outbox]
        records += [
            self.send_webhook(endpoint, event, attempt=attempt) for _due, endpoint, event, attempt in due
        ]
        return records

    def send_webhook(self, endpoint, event, *, attempt=1, timestamp=None):
        body = json.dumps(event).encode("utf-8")
        timestamp = int(self.store.now() if timestamp is None else timestamp)
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
            SIGNATURE_HEADER: sign(endpoint["secret"], body, timestamp),
        }
        record = {
            "event_id": event["id"],
            "type": event["type"],
            "url": endpoint["url"],
            "endpoint_id": endpoint["id"],
            "attempt": attempt,
            "body": body,
            "headers": headers,
        }
        with self._lock:
            drop = attempt == 1 and self._drop_next > 0
            if drop:
                self._drop_next -= 1
            times = 1
            if not drop and attempt == 1 and self._duplicate_next > 0:
                self._duplicate_next -= 1
                times = 2
        if drop:
            record.update(dropped=True, status=None, error="dropped by the sandbox")
        else:
            results = self.webhook_deliverer.deliver(endpoint["url"], body, headers, times=times)
            result = results[0]
            record.update(dropped=False, status=result["status"], error=result["error"], times=times)
            if delivered(result):
                with self._lock:
                    event["pending_webhooks"] = max(0, event["pending_webhooks"] - 1)
            elif attempt <= len(WEBHOOK_RETRY_SCHEDULE):
                with self._lock:
                    due = self.store.now() + WEBHOOK_RETRY_SCHEDULE[attempt - 1]
                    self._webhook_retries.append([due, endpoint, event, attempt + 1])
        with self._lock:
            self.webhook_deliveries.append(record)
        return record

    def configure_webhook_faults(self, data):
        if data.get("drop_next") is not None:
            self._drop_next = int(data["drop_next"])
        if data.get("duplicate_next") is not None:
            self._duplicate_next = int(data["duplicate_next"])


def _wants(pattern, event_type):
    if pattern == "*":
        return True
    if pattern.endswith(".*"):
        return event_type.startswith(pattern[:-1])
    return pattern == event_type
