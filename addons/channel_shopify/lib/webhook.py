"""Shopify webhook deliveries: headers, HMAC signature, idempotency key.

Shopify signs every HTTPS delivery with ``X-Shopify-Hmac-Sha256``: the
base64-encoded HMAC-SHA256 of the *raw* request body, keyed with the app's
client secret (shopify.dev, "Verify webhook deliveries"). Verify on the
bytes as received, before any JSON parsing or re-encoding.

Shopify may deliver one event more than once (retries after a timeout or a
non-2xx answer, one delivery per subscription) and in any order, so the
receiver must be idempotent; :func:`idempotency_key` gives the key to
deduplicate on.

Only the body is signed: the topic, the event id and the shop domain come
from headers anyone can change. So a captured signed body could be sent
again under a new event id, as another topic, or to another shop's URL.
:func:`body_problems` checks that the body fits the topic it claims (a
cancellation has a ``cancelled_at``, a refund an ``order_id`` ...), and
:func:`content_key` identifies the content itself (the object and its
version), so that the same body under another event id or another order
topic is a duplicate.
"""

import base64
import binascii
import hashlib
import hmac
from dataclasses import dataclass

from odoo.addons.integration_core.lib import reader as read
from odoo.addons.integration_core.lib.exceptions import ValidationFailed
from odoo.addons.integration_core.lib.signature import header_value

HEADER_TOPIC = "X-Shopify-Topic"
HEADER_SHOP_DOMAIN = "X-Shopify-Shop-Domain"
HEADER_WEBHOOK_ID = "X-Shopify-Webhook-Id"
HEADER_EVENT_ID = "X-Shopify-Event-Id"
HEADER_TRIGGERED_AT = "X-Shopify-Triggered-At"
HEADER_API_VERSION = "X-Shopify-API-Version"
HEADER_HMAC = "X-Shopify-Hmac-Sha256"


@dataclass(frozen=True)
class WebhookHeaders:
    """The Shopify headers of one webhook delivery (``None`` when absent)."""

    topic: str | None = None
    shop_domain: str | None = None
    webhook_id: str | None = None
    event_id: str | None = None
    triggered_at: str | None = None
    api_version: str | None = None
    hmac: str | None = None


_lookup = header_value  # integration_core: case-insensitive, stripped


def parse_headers(headers) -> WebhookHeaders:
    """Read the Shopify headers from a case-insensitive (or plain) mapping."""
    return WebhookHeaders(
        topic=_lookup(headers, HEADER_TOPIC),
        shop_domain=_lookup(headers, HEADER_SHOP_DOMAIN),
        webhook_id=_lookup(headers, HEADER_WEBHOOK_ID),
        event_id=_lookup(headers, HEADER_EVENT_ID),
        triggered_at=_lookup(headers, HEADER_TRIGGERED_AT),
        api_version=_lookup(headers, HEADER_API_VERSION),
        hmac=_lookup(headers, HEADER_HMAC),
    )


def _as_bytes(value):
    if value is None:
        return b""
    if isinstance(value, str):
        return value.encode("utf-8")
    return bytes(value)


def sign(client_secret: str, raw_body: bytes) -> str:
    """The ``X-Shopify-Hmac-Sha256`` value Shopify would send for ``raw_body``."""
    digest = hmac.new(_as_bytes(client_secret), _as_bytes(raw_body), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def verify_hmac(client_secret: str, raw_body: bytes, received_hmac: str | None) -> bool:
    """True only when ``received_hmac`` is the signature of ``raw_body``.

    Missing secret, missing header or a header that is not base64 of a
    32-byte digest give False (never an exception). The comparison runs in
    constant time (:func:`hmac.compare_digest`).
    """
    if not client_secret or not received_hmac:
        return False
    try:
        received = base64.b64decode(received_hmac.strip(), validate=True)
    except (binascii.Error, ValueError, AttributeError):
        return False
    if len(received) != hashlib.sha256().digest_size:
        return False
    expected = hmac.new(_as_bytes(client_secret), _as_bytes(raw_body), hashlib.sha256).digest()
    return hmac.compare_digest(expected, received)


def idempotency_key(headers, raw_body: bytes = b"") -> str:
    """A stable key identifying the *event* behind a delivery.

    - ``event:<topic>:<X-Shopify-Event-Id>`` when the event id is present:
      Shopify keeps it identical on every retry of one event and on the
      copies sent to several subscriptions of the same topic. The topic is
      part of the key so that two topics fired by one change never collide.
    - else ``webhook:<X-Shopify-Webhook-Id>`` (also stable across retries);
    - else ``body:<sha256 hex of the raw body>`` (identical bodies are
      treated as the same event: a last resort for hand-made deliveries).

    ``headers`` may be a header mapping or a :class:`WebhookHeaders`.
    """
    parsed = headers if isinstance(headers, WebhookHeaders) else parse_headers(headers)
    if parsed.event_id:
        return f"event:{parsed.topic or ''}:{parsed.event_id}"
    if parsed.webhook_id:
        return f"webhook:{parsed.webhook_id}"
    return "body:" + hashlib.sha256(_as_bytes(raw_body)).hexdigest()


# --- the body must fit the topic it claims -------------------------------------------

ORDER_TOPICS = ("orders/create", "orders/updated", "orders/cancelled")
REFUND_TOPICS = ("refunds/create",)


def _is_id(value):
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _is_timestamp(value):
    """An ISO 8601 date-time as Shopify writes them (``2024-05-14T10:21:39-07:00``),
    by the same rule the mappers read it with (:func:`reader.timestamp`)."""
    if not isinstance(value, str) or not 10 < len(value) <= 40 or "T" not in value:
        return False
    try:
        read.timestamp(value, "")
    except ValidationFailed:
        return False
    return True


def _check_timestamp(payload, field, problems, required=True):
    value = payload.get(field)
    if value in (None, ""):
        if required:
            problems.append(f"{field}: missing")
    elif not _is_timestamp(value):
        problems.append(f"{field}: {str(value)[:40]!r} is not an ISO 8601 date-time")


def _check_list(payload, field, problems, required=True):
    value = payload.get(field)
    if value is None and not required:
        return
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        problems.append(f"{field}: {'missing' if value is None else 'not a list of objects'}")


def body_problems(topic, payload):
    """What makes ``payload`` (a parsed webhook body) unfit for ``topic``;
    an empty list when it fits. Each problem names the field.

    - ``orders/create``, ``orders/updated``: an order: integer ``id``,
      ``line_items`` list, ``updated_at`` (and ``created_at``, ``cancelled_at``
      when present) date-times;
    - ``orders/cancelled``: an order whose ``cancelled_at`` is set;
    - ``refunds/create``: a refund: integer ``id`` and ``order_id``,
      ``refund_line_items`` list, ``created_at`` date-time, ``transactions``
      list when present.
    """
    problems = []
    if topic in ORDER_TOPICS:
        if not _is_id(payload.get("id")):
            problems.append("id: not a Shopify order id")
        _check_list(payload, "line_items", problems)
        _check_timestamp(payload, "updated_at", problems)
        _check_timestamp(payload, "created_at", problems, required=False)
        if topic == "orders/cancelled" and not payload.get("cancelled_at"):
            problems.append("cancelled_at: empty, so this is not a cancellation")
        else:
            _check_timestamp(payload, "cancelled_at", problems, required=False)
    elif topic in REFUND_TOPICS:
        if not _is_id(payload.get("id")):
            problems.append("id: not a Shopify refund id")
        if not _is_id(payload.get("order_id")):
            problems.append("order_id: missing, so this is not a refund")
        _check_list(payload, "refund_line_items", problems)
        _check_list(payload, "transactions", problems, required=False)
        _check_timestamp(payload, "created_at", problems)
    else:
        problems.append(f"topic {topic!r}: no body shape known")
    return problems


def content_key(topic, payload, raw_body: bytes):
    """The key of the content of a delivery (None for other topics):

    - orders: ``order:<id>:<updated_at>:<sha256 of the body, 16 hex>``. The
      same body sent again under another event id, or as another order
      topic, is the same content; two different bodies of one order with
      the same ``updated_at`` (Shopify's second resolution: "pending" then
      "paid" in one second) are not.
    - refunds: ``refund:<id>``: a refund never changes once created.
    """
    if topic in ORDER_TOPICS:
        digest = hashlib.sha256(_as_bytes(raw_body)).hexdigest()[:16]
        return f"order:{payload['id']}:{payload.get('updated_at')}:{digest}"
    if topic in REFUND_TOPICS:
        return f"refund:{payload['id']}"
    return None
