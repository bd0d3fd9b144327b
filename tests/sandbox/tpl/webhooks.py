"""ShipBob's webhooks: subscriptions and signed deliveries.

Subscriptions (``POST/GET /webhook``, ``DELETE /webhook/{id}``): ``topics``
(at least one of :data:`~.common.WEBHOOK_TOPICS`), ``url``, ``description``,
``secret`` (``whsec_`` + 32 base64 characters; ShipBob makes one when none
is given). The create answer carries the secret, the list does not (it says
``enabled``).

Deliveries, as ShipBob documents them for the dated versions (Standard
Webhooks): headers ``webhook-id`` (``msg_...``, the same on a retry),
``webhook-timestamp`` (Unix seconds), ``webhook-signature`` = ``v1,`` +
base64(HMAC-SHA256(key, "{webhook-id}.{webhook-timestamp}.{raw body}"))
where the key is the base64-decoded part of the secret after ``whsec_``,
and ``x-webhook-topic``. The body is the full resource of the GET endpoint:
the order for ``order.shipped`` / ``order.delivered``, the shipment for the
``order.shipment.*`` topics, the return for ``return.*``.

A delivery that fails (no 2xx, or no answer) is retried with the same
``webhook-id`` (a new timestamp and signature) with exponential backoff, as
ShipBob says, on the Standard Webhooks steps its headers follow (5 s, 5 min,
30 min, 2 h, 5 h, 10 h, 10 h after each failure), when
:meth:`flush_webhooks` runs at or after that time on the peer's clock.

ShipBob says webhooks are not guaranteed: :attr:`webhook_drop_rate` (or
``{"webhooks": {"drop_rate": 0.5, "seed": 1}}`` in ``POST /_sandbox/faults``,
or ``{"webhooks": {"drop_next": 2}}``) makes a share of deliveries never
leave; they are recorded with ``"dropped": true`` so a test can prove that
polling catches up.
"""

import base64
import json
import random
import secrets
import uuid

from ..peer import WebhookDeliverer, WebhookSigner, delivered
from .common import SECRET_RE, WEBHOOK_TOPICS
from .rest import ApiError

SIGNATURE_HEADER = "webhook-signature"


def new_secret():
    """A subscription secret in ShipBob's format."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def signer_for(secret):
    """The :class:`WebhookSigner` of ``secret``: the signed message is
    ``{id}.{timestamp}.{body}``; pass ``timestamp=f"{id}.{timestamp}"``."""
    key = base64.b64decode(secret[len("whsec_") :])
    return WebhookSigner(key, header=SIGNATURE_HEADER, prefix="v1,", message="{timestamp}.{body}")


def sign(secret, webhook_id, timestamp, body):
    """``webhook-signature``'s value for one delivery."""
    return signer_for(secret).sign(body, timestamp=f"{webhook_id}.{timestamp}")


def verify(secret, headers, body):
    """Check a delivery as a receiver must (any of the space-separated
    ``v1,`` signatures, constant time)."""
    expected = sign(secret, headers["webhook-id"], headers["webhook-timestamp"], body)
    import hmac

    return any(hmac.compare_digest(expected, candidate) for candidate in headers[SIGNATURE_HEADER].split())


RETRY_SCHEDULE = (5, 300, 1800, 7200, 18000, 36000, 36000)  # seconds after each failed attempt

TOPIC_OF_EVENT = {
    "order.shipped": "order.shipped",
    "shipment.delivered": "order.shipment.delivered",
    "shipment.exception": "order.shipment.exception",
    "shipment.cancelled": "order.shipment.cancelled",
    "order.cancelled": "order.shipment.cancelled",
    "return.created": "return.created",
    "return.completed": "return.completed",
}


class WebhooksMixin:
    """Subscriptions in :attr:`subscriptions`, deliveries in :attr:`webhook_deliveries`."""

    webhook_deliverer = WebhookDeliverer()

    def reset_webhooks(self):
        self.subscriptions = {}
        self.webhook_deliveries = []
        self._webhook_outbox = []
        self._webhook_retries = []  # [due, sub, topic, payload, webhook_id, attempt]
        self.webhook_drop_rate = 0.0
        self._drop_next = 0
        self._drop_rng = random.Random()

    # -- REST: /webhook -----------------------------------------------------------------------

    def _webhooks(self, method, rest, query, body, headers):
        if not rest and method == "POST":
            return self._create_subscription(body)
        if not rest and method == "GET":
            items = [
                {key: sub[key] for key in ("id", "created_at", "description", "topics", "url")}
                | {"enabled": True}
                for sub in self.subscriptions.values()
            ]
            return 200, {"items": items, "next": None, "prev": None}, None
        if len(rest) == 1 and method == "DELETE":
            if self.subscriptions.pop(rest[0], None) is None:
                raise ApiError(404, None)
            return 204, None, None
        raise ApiError(404, {"message": "Not Found"})

    def _create_subscription(self, body):
        if not isinstance(body, dict):
            raise ApiError(422, {"status_code": 422, "value": {"": ["A request body is required."]}})
        errors = {}
        topics = body.get("topics")
        if not isinstance(topics, list) or not topics:
            errors["topics"] = ["At least one topic is required."]
        else:
            unknown = [t for t in topics if t not in WEBHOOK_TOPICS]
            if unknown:
                errors["topics"] = [f"Unknown topic {t!r}" for t in unknown]
        if not isinstance(body.get("url"), str) or not body["url"].startswith(("http://", "https://")):
            errors["url"] = ["The url field is required and must be a URL."]
        secret = body.get("secret")
        if secret is not None and not (isinstance(secret, str) and SECRET_RE.match(secret)):
            errors["secret"] = ["The secret must match ^whsec_[a-zA-Z0-9+/]{32}$."]
        if errors:
            raise ApiError(422, {"status_code": 422, "value": errors})
        sub = {
            "id": str(self.warehouse._next_id()),
            "created_at": self.warehouse.stamp(),
            "description": body.get("description"),
            "topics": list(topics),
            "url": body["url"],
            "secret": secret or new_secret(),
        }
        self.subscriptions[sub["id"]] = sub
        return 200, dict(sub), None

    # -- deliveries -------------------------------------------------------------------------------

    def subscribe(self, url, topics=WEBHOOK_TOPICS, secret=None):
        """Subscribe without the API (demo, tests): returns the subscription."""
        with self._lock:
            _status, sub, _ = self._create_subscription(
                {"url": url, "topics": list(topics), "secret": secret}
            )
            return sub

    def on_warehouse_event(self, event):
        """The warehouse's listener: queue the webhooks of one event (sent by
        :meth:`flush_webhooks`, outside any lock)."""
        topic = TOPIC_OF_EVENT.get(event["kind"])
        if topic is None:
            return
        warehouse = self.warehouse
        if event.get("order_id"):
            order = warehouse.orders[event["order_id"]]
            if order["source"] != "rest":
                return
            if topic.startswith("order.shipment."):
                shipment = next(s for s in order["shipments"] if s["id"] == event["shipment_id"])
                payload = self.shipment_view(order, shipment)
            else:
                payload = self.order_view(order)
        else:
            payload = self.return_view(warehouse.returns[event["return_id"]])
        with self._lock:
            for sub in self.subscriptions.values():
                if topic in sub["topics"]:
                    self._webhook_outbox.append((sub, topic, payload))

    def flush_webhooks(self):
        """Deliver the queued webhooks (a share dropped on purpose); returns
        their delivery records."""
        with self._lock:
            outbox, self._webhook_outbox = self._webhook_outbox, []
            now = self.clock()
            due = [r for r in self._webhook_retries if r[0] <= now]
            self._webhook_retries = [r for r in self._webhook_retries if r[0] > now]
        records = [self.send_webhook(sub, topic, payload) for sub, topic, payload in outbox]
        for _due, sub, topic, payload, webhook_id, attempt in due:
            records.append(self.send_webhook(sub, topic, payload, webhook_id=webhook_id, attempt=attempt))
        return records

    def send_webhook(self, sub, topic, payload, *, webhook_id=None, timestamp=None, attempt=1):
        body = json.dumps(payload).encode("utf-8")
        webhook_id = webhook_id or f"msg_{uuid.uuid4().hex}"
        timestamp = str(int(timestamp if timestamp is not None else self.unix_time()))
        headers = {
            "Content-Type": "application/json",
            "webhook-id": webhook_id,
            "webhook-timestamp": timestamp,
            SIGNATURE_HEADER: sign(sub["secret"], webhook_id, timestamp, body),
            "x-webhook-topic": topic,
        }
        record = {
            "topic": topic,
            "url": sub["url"],
            "subscription_id": sub["id"],
            "webhook_id": webhook_id,
            "attempt": attempt,
        }
        with self._lock:  # a dropped delivery is never sent, nor retried
            drop = attempt == 1 and (
                self._drop_next > 0
                or (self.webhook_drop_rate and self._drop_rng.random() < self.webhook_drop_rate)
            )
            if drop and self._drop_next > 0:
                self._drop_next -= 1
        if drop:
            record.update(dropped=True, status=None, error="dropped by the sandbox")
        else:
            result = self.webhook_deliverer.post(sub["url"], body, headers)
            record.update(dropped=False, status=result["status"], error=result["error"])
            if not delivered(result) and attempt <= len(RETRY_SCHEDULE):
                with self._lock:
                    due = self.clock() + RETRY_SCHEDULE[attempt - 1]
                    self._webhook_retries.append([due, sub, topic, payload, webhook_id, attempt + 1])
        record["body"], record["headers"] = body, headers
        with self._lock:
            self.webhook_deliveries.append(record)
        return record

    def configure_webhook_faults(self, data):
        """``{"drop_rate": 0.5, "seed": 1}`` or ``{"drop_next": 2}``."""
        rate = data.get("drop_rate")
        if rate is not None:
            rate = float(rate)
            if not 0 <= rate <= 1:
                raise ValueError("drop_rate is a share between 0 and 1")
            self.webhook_drop_rate = rate
            self._drop_rng = random.Random(data.get("seed"))
        if data.get("drop_next") is not None:
            self._drop_next = int(data["drop_next"])
