"""Webhook headers, HMAC signature and idempotency key."""

import base64
import hashlib
import hmac

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
