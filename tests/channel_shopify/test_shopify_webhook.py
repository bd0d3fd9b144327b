"""Webhook headers, HMAC signature, idempotency and content keys, body shapes."""

import base64
import hashlib
import hmac
import json

import pytest

from odoo.addons.channel_shopify.lib import webhook

SECRET = "hush-client-secret"
BODY = b'{"id":820982911946154508,"email":"jon@example.com","total_price":"403.00"}'


def shopify_signature(secret, body):
    # Shopify's documented recipe, written out independently of webhook.sign
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def test_sign_matches_shopify_recipe():
    assert webhook.sign(SECRET, BODY) == shopify_signature(SECRET, BODY)


def test_verify_good_signature():
    assert webhook.verify_hmac(SECRET, BODY, shopify_signature(SECRET, BODY))


@pytest.mark.parametrize(
    "received",
    [
        None,
        "",
        "not base64 at all!",
        base64.b64encode(b"short").decode(),
        shopify_signature("another-secret", BODY),
        shopify_signature(SECRET, BODY + b" "),
    ],
    ids=["missing", "empty", "garbage", "wrong-length", "wrong-secret", "tampered-body"],
)
def test_verify_rejects_bad_signatures(received):
    assert webhook.verify_hmac(SECRET, BODY, received) is False


def test_verify_without_secret_is_false():
    assert webhook.verify_hmac("", BODY, shopify_signature("", BODY)) is False


def test_verify_uses_raw_bytes_not_reencoded_json():
    # the same JSON with other spacing is another body: the signature is on bytes
    assert not webhook.verify_hmac(SECRET, BODY.replace(b",", b", "), shopify_signature(SECRET, BODY))


def test_parse_headers_is_case_insensitive():
    headers = {
        "x-shopify-topic": "orders/create",
        "X-SHOPIFY-SHOP-DOMAIN": "example.myshopify.com",
        "X-Shopify-Webhook-Id": "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
        "X-Shopify-Event-Id": "98880550-7158-44d4-b7cd-2c97c8a091b5",
        "X-Shopify-Triggered-At": "2024-05-14T17:21:39.123Z",
        "X-Shopify-API-Version": "2025-01",
        "X-Shopify-Hmac-SHA256": "abc=",
    }
    parsed = webhook.parse_headers(headers)
    assert parsed == webhook.WebhookHeaders(
        topic="orders/create",
        shop_domain="example.myshopify.com",
        webhook_id="b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
        event_id="98880550-7158-44d4-b7cd-2c97c8a091b5",
        triggered_at="2024-05-14T17:21:39.123Z",
        api_version="2025-01",
        hmac="abc=",
    )
    assert webhook.parse_headers([("X-Shopify-Topic", "refunds/create")]).topic == "refunds/create"
    assert webhook.parse_headers({}).topic is None


def test_idempotency_key_prefers_event_id():
    retry_1 = {"X-Shopify-Topic": "orders/create", "X-Shopify-Event-Id": "e-1", "X-Shopify-Webhook-Id": "w-1"}
    retry_2 = {"X-Shopify-Topic": "orders/create", "X-Shopify-Event-Id": "e-1", "X-Shopify-Webhook-Id": "w-2"}
    assert webhook.idempotency_key(retry_1) == webhook.idempotency_key(retry_2) == "event:orders/create:e-1"
    other_topic = {**retry_1, "X-Shopify-Topic": "orders/paid"}
    assert webhook.idempotency_key(other_topic) != webhook.idempotency_key(retry_1)


def test_idempotency_key_falls_back_to_webhook_id_then_body():
    assert webhook.idempotency_key({"X-Shopify-Webhook-Id": "w-9"}, BODY) == "webhook:w-9"
    key = webhook.idempotency_key({}, BODY)
    assert key == "body:" + hashlib.sha256(BODY).hexdigest()
    assert webhook.idempotency_key({}, BODY) == key
    assert webhook.idempotency_key({}, BODY + b"x") != key
    assert webhook.idempotency_key(webhook.parse_headers({"X-Shopify-Webhook-Id": "w-9"})) == "webhook:w-9"


# --- the signed body must fit the unsigned topic ---------------------------------------


def test_order_body_fits_order_topics_only(payload):
    order = payload("order_webhook_modern.json")
    assert webhook.body_problems("orders/create", order) == []
    assert webhook.body_problems("orders/updated", order) == []
    # a captured order body re-sent as a cancellation or a refund
    assert webhook.body_problems("orders/cancelled", order) == [
        "cancelled_at: empty, so this is not a cancellation"
    ]
    assert "order_id: missing, so this is not a refund" in webhook.body_problems("refunds/create", order)
    cancelled = dict(order, cancelled_at="2024-05-14T11:00:00-07:00")
    assert webhook.body_problems("orders/cancelled", cancelled) == []


def test_refund_body_fits_the_refund_topic_only(payload):
    refund = payload("refund_modern.json")
    assert webhook.body_problems("refunds/create", refund) == []
    problems = webhook.body_problems("orders/cancelled", refund)
    assert "line_items: missing" in problems
    assert "cancelled_at: empty, so this is not a cancellation" in problems


@pytest.mark.parametrize(
    "change, problem",
    [
        ({"id": "1"}, "id: not a Shopify order id"),
        ({"id": True}, "id: not a Shopify order id"),
        ({"line_items": {"id": 1}}, "line_items: not a list of objects"),
        ({"updated_at": "yesterday"}, "updated_at: 'yesterday' is not an ISO 8601 date-time"),
        ({"updated_at": 1715707299}, "updated_at: '1715707299' is not an ISO 8601 date-time"),
        ({"updated_at": None}, "updated_at: missing"),
        (
            {"created_at": "2024-13-01T00:00:00Z"},
            "created_at: '2024-13-01T00:00:00Z' is not an ISO 8601 date-time",
        ),
    ],
)
def test_malformed_order_fields_are_named(payload, change, problem):
    order = dict(payload("order_webhook_modern.json"), **change)
    assert problem in webhook.body_problems("orders/updated", order)


def test_unknown_topic_has_no_shape():
    assert webhook.body_problems("fulfillment.export", {"id": 1}) == [
        "topic 'fulfillment.export': no body shape known"
    ]


def test_content_key_identifies_the_order_version_and_body(payload):
    order = payload("order_webhook_modern.json")
    body = json.dumps(order).encode()
    key = webhook.content_key("orders/create", order, body)
    assert key.startswith(f"order:{order['id']}:{order['updated_at']}:")
    # the same body under another order topic: the same content
    assert webhook.content_key("orders/updated", order, body) == key
    # another body with the same updated_at (pending, then paid, in one second): another content
    pending = dict(order, financial_status="pending")
    assert webhook.content_key("orders/updated", pending, json.dumps(pending).encode()) != key
    refund = payload("refund_modern.json")
    assert webhook.content_key("refunds/create", refund, b"whatever") == f"refund:{refund['id']}"
    assert webhook.content_key("app/uninstalled", {"id": 1}, b"{}") is None
