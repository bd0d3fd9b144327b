"""ShipBob webhook signatures (Standard Webhooks scheme) and topics.

The known vector: ShipBob's webhook documentation (2025-07, "Verifying
webhooks") uses the secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw as its
example, the Standard Webhooks specification's test vector; with message
id msg_p5jXN8AQM9LWM0D4loKWxJek, timestamp 1614265330 and body
'{"test": 2432232314}' the specification publishes the signature
v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=. The other vectors are
computed here from the documented algorithm with the standard library.
"""

import base64
import hashlib
import hmac
import re

import pytest

from odoo.addons.tpl_connector.lib.shipbob import webhooks

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
MESSAGE_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
TIMESTAMP = "1614265330"
BODY = b'{"test": 2432232314}'
SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
NOW = 1614265330


def headers(signature=SIGNATURE, timestamp=TIMESTAMP, message_id=MESSAGE_ID, topic="order.shipped"):
    values = {
        "webhook-id": message_id,
        "webhook-timestamp": timestamp,
        "webhook-signature": signature,
        "x-webhook-topic": topic,
    }
    return {key: value for key, value in values.items() if value is not None}


def test_the_published_vector_is_reproduced_and_verified():
    assert webhooks.sign(SECRET, MESSAGE_ID, TIMESTAMP, BODY) == SIGNATURE
    assert webhooks.verify(SECRET, headers(), BODY, now=NOW)


def test_signature_is_hmac_sha256_of_id_timestamp_body_with_the_decoded_secret():
    body = '{"id":11,"status":"Completed","reference_id":"WH3PL/OUT/00012","note":"café"}'.encode()
    key = base64.b64decode(SECRET[len("whsec_") :])
    expected = base64.b64encode(hmac.new(key, b"evt_1.1700000000." + body, hashlib.sha256).digest()).decode()
    assert webhooks.sign(SECRET, "evt_1", 1700000000, body) == f"v1,{expected}"
    assert webhooks.verify(SECRET, headers(f"v1,{expected}", "1700000000", "evt_1"), body, now=1700000100)


def test_any_v1_entry_of_a_rotated_secret_list_matches():
    other = webhooks.sign("whsec_" + base64.b64encode(b"x" * 24).decode(), MESSAGE_ID, TIMESTAMP, BODY)
    assert webhooks.verify(SECRET, headers(f"{other} {SIGNATURE}"), BODY, now=NOW)
    assert webhooks.verify(SECRET, headers(f"v2,abc {SIGNATURE}"), BODY, now=NOW)
    # a version we do not know, even with the right digest, does not count
    assert not webhooks.verify(SECRET, headers(SIGNATURE.replace("v1,", "v2,")), BODY, now=NOW)


@pytest.mark.parametrize(
    "secret, header_values, body, now, problem",
    [
        (SECRET, {}, BODY + b" ", NOW, "webhook-signature: no v1 signature matches"),
        (SECRET, {"message_id": "msg_other"}, BODY, NOW, "webhook-signature: no v1 signature matches"),
        (SECRET, {"timestamp": "1614265331"}, BODY, NOW, "webhook-signature: no v1 signature matches"),
        (SECRET, {}, BODY, NOW + 301, "webhook-timestamp: more than 300 s away from our clock"),
        (SECRET, {}, BODY, NOW - 301, "webhook-timestamp: more than 300 s away from our clock"),
        (SECRET, {"timestamp": "2021-02-25T15:02:10Z"}, BODY, NOW, "webhook-timestamp: not Unix seconds"),
        (SECRET, {"signature": None}, BODY, NOW, "webhook-signature: missing"),
        (SECRET, {"message_id": None}, BODY, NOW, "webhook-id: missing"),
        (SECRET, {"signature": "v1,not base64!"}, BODY, NOW, "webhook-signature: no v1 signature matches"),
        (
            SECRET,
            {"signature": "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="},
            BODY,
            NOW,
            "webhook-signature: no",
        ),
        ("", {}, BODY, NOW, "secret: empty webhook secret"),
        ("whsec_%%%", {}, BODY, NOW, "secret: the webhook secret is not base64"),
        ("whsec_" + base64.b64encode(b"y" * 24).decode(), {}, BODY, NOW, "webhook-signature: no v1"),
    ],
)
def test_refused_deliveries_say_why(secret, header_values, body, now, problem):
    delivered = headers(**header_values)
    assert not webhooks.verify(secret, delivered, body, now=now)
    (reason,) = webhooks.problems(secret, delivered, body, now=now)
    assert reason.startswith(problem)
    assert SECRET not in reason and "g0hM9" not in reason


def test_tolerance_edges_and_header_case():
    loud = {key.upper(): value for key, value in headers().items()}
    assert webhooks.verify(SECRET, loud, BODY, now=NOW + 300)
    assert webhooks.verify(SECRET, loud, BODY, now=NOW - 300)
    assert webhooks.verify(SECRET, list(loud.items()), BODY, now=NOW + 3000, tolerance=3600)


def test_topics_are_ours():
    assert webhooks.our_topic("order.shipped") == "shipment.confirmed"
    assert webhooks.our_topic("Order.Shipment.Cancelled") == "shipment.cancelled"
    assert webhooks.our_topic("return.completed") == "return.received"
    assert webhooks.our_topic("order_shipped") == "shipment.confirmed"  # legacy subscription
    assert webhooks.our_topic("billing.charge.created") is None
    assert webhooks.our_topic(None) is None
    parsed = webhooks.parse_headers({"Webhook-Id": "m1", "shipbob-topic": "shipment_onhold"})
    assert parsed.topic == "shipment_onhold" and webhooks.our_topic(parsed.topic) == "shipment.on_hold"
    assert set(webhooks.SUBSCRIBED_TOPICS) <= set(webhooks.TOPICS)


def test_idempotency_key_is_the_message_id():
    assert webhooks.idempotency_key(headers()) == f"shipbob:{MESSAGE_ID}"
    assert webhooks.idempotency_key({"x-webhook-topic": "order.shipped"}) is None


def test_new_secrets_have_the_form_shipbob_accepts():
    secret = webhooks.new_secret()
    assert re.fullmatch(r"whsec_[a-zA-Z0-9+/]{32}", secret)  # Webhooks.CreateWebhookSubscriptionModel.secret
    assert len(webhooks.secret_key(secret)) == 24
    assert secret != webhooks.new_secret()
    signature = webhooks.sign(secret, "m", 5, b"{}")
    assert webhooks.verify(secret, headers(signature, "5", "m"), b"{}", now=5)
