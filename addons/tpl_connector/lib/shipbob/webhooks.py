"""ShipBob webhook deliveries: signature, topic, idempotency key.

Subscriptions made on the dated API (``POST /2025-07/webhook``) are signed
the Standard Webhooks way (developer.shipbob.com/2025-07/webhooks, the
headers and the signature check it describes):

- headers ``webhook-id`` (the message id, the same on every retry),
  ``webhook-timestamp`` (Unix seconds) and ``webhook-signature``; the topic
  comes in ``x-webhook-topic`` (``order.shipped``);
- the signed content is ``{webhook-id}.{webhook-timestamp}.{raw body}``;
- the key is the subscription secret without its ``whsec_`` prefix,
  base64-decoded; the signature is the base64 of HMAC-SHA256;
- ``webhook-signature`` is a space-separated list of ``<version>,<signature>``
  entries (``v1,K5oZ...=``); the delivery is genuine when any ``v1`` entry
  matches (several appear while a secret is rotated).

The timestamp is part of the signed content, so a captured delivery cannot
be replayed later under a new timestamp; we refuse timestamps more than
:data:`TOLERANCE` seconds away from our clock (Standard Webhooks' 5 minutes)
so that it cannot be replayed as it is either.

Subscriptions of the deprecated 1.0/2.0 APIs use ``shipbob-topic`` with
underscore topics (``order_shipped``) and are not signed this way;
:func:`parse_headers` still reads their topic so that such a delivery is
refused for its missing signature, not for an unknown topic.
"""

import base64
import binascii
import hashlib
import hmac
import secrets as _secrets
import time
from dataclasses import dataclass

from odoo.addons.integration_core.lib.signature import header_value

HEADER_ID = "webhook-id"
HEADER_TIMESTAMP = "webhook-timestamp"
HEADER_SIGNATURE = "webhook-signature"
HEADER_TOPIC = "x-webhook-topic"
HEADER_LEGACY_TOPIC = "shipbob-topic"
SECRET_PREFIX = "whsec_"
SIGNATURE_VERSION = "v1"
TOLERANCE = 300  # seconds, either way

#: ShipBob's topics (2025-07 ``Webhooks.Topics`` and the legacy names) -> ours.
TOPICS = {
    "order.shipped": "shipment.confirmed",
    "order.shipment.delivered": "shipment.delivered",
    "order.shipment.exception": "shipment.exception",
    "order.shipment.on_hold": "shipment.on_hold",
    "order.shipment.cancelled": "shipment.cancelled",
    "return.created": "return.created",
    "return.updated": "return.updated",
    "return.completed": "return.received",
    # legacy subscriptions (1.0 / 2.0 APIs)
    "order_shipped": "shipment.confirmed",
    "shipment_delivered": "shipment.delivered",
    "shipment_exception": "shipment.exception",
    "shipment_onhold": "shipment.on_hold",
    "shipment_cancelled": "shipment.cancelled",
}

#: The ShipBob topics a 3PL backend subscribes to.
SUBSCRIBED_TOPICS = (
    "order.shipped",
    "order.shipment.cancelled",
    "order.shipment.exception",
    "return.completed",
)


@dataclass(frozen=True)
class WebhookHeaders:
    """The ShipBob headers of one delivery (None when absent)."""

    message_id: str | None = None
    timestamp: str | None = None
    signature: str | None = None
    topic: str | None = None


_lookup = header_value  # integration_core: case-insensitive, stripped


def parse_headers(headers) -> WebhookHeaders:
    """Read a delivery's headers (any mapping, case-insensitive)."""
    return WebhookHeaders(
        message_id=_lookup(headers, HEADER_ID),
        timestamp=_lookup(headers, HEADER_TIMESTAMP),
        signature=_lookup(headers, HEADER_SIGNATURE),
        topic=_lookup(headers, HEADER_TOPIC) or _lookup(headers, HEADER_LEGACY_TOPIC),
    )


def our_topic(shipbob_topic):
    """``"order.shipped"`` -> ``"shipment.confirmed"``; None when unknown."""
    if not shipbob_topic:
        return None
    return TOPICS.get(str(shipbob_topic).strip().lower())


def _as_bytes(value):
    if value is None:
        return b""
    if isinstance(value, str):
        return value.encode("utf-8")
    return bytes(value)


def secret_key(secret):
    """The HMAC key of a ``whsec_...`` secret: the base64-decoded rest.

    Raises ValueError for a secret that is not ``whsec_`` + base64.
    """
    text = (secret or "").strip()
    if text.startswith(SECRET_PREFIX):
        text = text[len(SECRET_PREFIX) :]
    if not text:
        raise ValueError("empty webhook secret")
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("the webhook secret is not base64 after its whsec_ prefix") from None


def new_secret():
    """A fresh secret in the form ShipBob accepts (``^whsec_[a-zA-Z0-9+/]{32}$``:
    24 random bytes, base64 without padding)."""
    return SECRET_PREFIX + base64.b64encode(_secrets.token_bytes(24)).decode("ascii")


def sign(secret, message_id, timestamp, raw_body):
    """The ``webhook-signature`` value ShipBob sends: ``v1,<base64 HMAC>``."""
    content = _as_bytes(f"{message_id}.{timestamp}.") + _as_bytes(raw_body)
    digest = hmac.new(secret_key(secret), content, hashlib.sha256).digest()
    return f"{SIGNATURE_VERSION},{base64.b64encode(digest).decode('ascii')}"


def _candidates(signature_header):
    """The base64 signatures of the ``v1`` entries of the header."""
    for entry in (signature_header or "").split():
        version, _, value = entry.partition(",")
        if version == SIGNATURE_VERSION and value:
            yield value


def verify(secret, headers, raw_body, *, now=None, tolerance=TOLERANCE):
    """True only for a delivery ShipBob signed with ``secret``, sent within
    ``tolerance`` seconds of ``now`` (Unix seconds; default: the clock).

    Missing secret or headers, an unreadable timestamp or signature give
    False, never an exception. Signatures are compared with
    :func:`hmac.compare_digest`.
    """
    return not problems(secret, headers, raw_body, now=now, tolerance=tolerance)


def problems(secret, headers, raw_body, *, now=None, tolerance=TOLERANCE):
    """Why a delivery is refused (an empty list when it is genuine); the
    reasons name a header but never quote a secret or a signature."""
    parsed = headers if isinstance(headers, WebhookHeaders) else parse_headers(headers)
    try:
        key = secret_key(secret)
    except ValueError as exc:
        return [f"secret: {exc}"]
    missing = [
        name
        for name, value in (
            (HEADER_ID, parsed.message_id),
            (HEADER_TIMESTAMP, parsed.timestamp),
            (HEADER_SIGNATURE, parsed.signature),
        )
        if not value
    ]
    if missing:
        return [f"{name}: missing" for name in missing]
    if not parsed.timestamp.isdigit():
        return [f"{HEADER_TIMESTAMP}: not Unix seconds"]
    current = time.time() if now is None else float(now)
    if abs(current - int(parsed.timestamp)) > tolerance:
        return [f"{HEADER_TIMESTAMP}: more than {tolerance} s away from our clock"]
    content = _as_bytes(f"{parsed.message_id}.{parsed.timestamp}.") + _as_bytes(raw_body)
    expected = hmac.new(key, content, hashlib.sha256).digest()
    for candidate in _candidates(parsed.signature):
        try:
            received = base64.b64decode(candidate, validate=True)
        except (binascii.Error, ValueError):
            continue
        if hmac.compare_digest(expected, received):
            return []
    return [f"{HEADER_SIGNATURE}: no v1 signature matches"]


def idempotency_key(headers):
    """``shipbob:<webhook-id>``: the message id is the same on every retry
    of one delivery; None without it (such a delivery fails :func:`verify`)."""
    parsed = headers if isinstance(headers, WebhookHeaders) else parse_headers(headers)
    return f"shipbob:{parsed.message_id}" if parsed.message_id else None
