"""Webhook delivery as Shopify does it: the REST body, signed
``X-Shopify-Hmac-Sha256`` = base64(HMAC-SHA256(raw body, client secret)),
with Shopify's headers; retries re-send the very same request."""

import json
import uuid
from datetime import datetime, timezone

from ..peer import WebhookDeliverer, WebhookSigner

HMAC_HEADER = "X-Shopify-Hmac-Sha256"


class WebhooksMixin:
    """Signed deliveries to :attr:`webhook_url`, recorded in :attr:`webhook_deliveries`."""

    webhook_deliverer = WebhookDeliverer()

    @property
    def webhook_signer(self):
        """Signs with the current :attr:`client_secret` (tests may change it)."""
        return WebhookSigner(self.client_secret, header=HMAC_HEADER)

    def _webhook_headers(self, topic, body, *, event_id=None, webhook_id=None, triggered_at=None):
        return {
            "Content-Type": "application/json",
            "User-Agent": "Shopify-Captain-Hook",
            "X-Shopify-Topic": topic,
            HMAC_HEADER: self.webhook_signer.sign(body),
            "X-Shopify-Shop-Domain": self.shop_domain,
            "X-Shopify-API-Version": self.api_version,
            "X-Shopify-Webhook-Id": webhook_id or str(uuid.uuid4()),
            "X-Shopify-Event-Id": event_id or str(uuid.uuid4()),
            "X-Shopify-Triggered-At": triggered_at or datetime.now(timezone.utc).isoformat(),
        }

    def send_webhook(self, topic, payload, duplicate=False, *, url=None, event_id=None, timeout=5.0):
        """Deliver ``payload`` (REST shape) for ``topic`` to ``url`` (default
        :attr:`webhook_url`), signed with :attr:`client_secret`.

        ``duplicate=True`` delivers the very same request twice (same body,
        same webhook and event ids), as Shopify does when it retries.
        Returns one ``{"status", "error", "headers"}`` dict per delivery.
        """
        url = url or self.webhook_url
        if not url:
            raise RuntimeError("no webhook URL configured")
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode("utf-8")
        headers = self._webhook_headers(topic, body, event_id=event_id)
        results = self.webhook_deliverer.deliver(
            url, body, headers, times=2 if duplicate else 1, timeout=timeout
        )
        with self._lock:
            self.webhook_deliveries.extend(
                {
                    "topic": topic,
                    "url": url,
                    "event_id": headers["X-Shopify-Event-Id"],
                    "webhook_id": headers["X-Shopify-Webhook-Id"],
                    "attempt": attempt,
                    "status": result["status"],
                    "error": result["error"],
                }
                for attempt, result in enumerate(results, 1)
            )
        return results

    def deliver_out_of_order(self, deliveries, **kwargs):
        """Deliver ``[(topic, payload), ...]`` last first (Shopify does not
        guarantee order). Returns the results in delivery order."""
        results = []
        for topic, payload in reversed(list(deliveries)):
            results.extend(self.send_webhook(topic, payload, **kwargs))
        return results
