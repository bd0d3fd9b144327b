"""Masking of personal data and secrets."""

import copy

import pytest

from odoo.addons.integration_core.lib.masking import (
    DEFAULT_KEYS,
    mask_headers,
    mask_payload,
    mask_text,
    mask_url,
    unmask_edits,
)

ORDER = {
    "id": 450789469,
    "email": "jane@example.com",
    "customer": {"first_name": "Jane", "Last_Name": "Doe", "phone": "+1 555 0142", "tags": "vip"},
    "addresses": [
        {"address1": "1 Main St", "city": "Springfield", "zip": "12345", "latitude": 0.0},
        {"address1": None, "city": "Shelbyville", "zip": ""},
    ],
    "access_token": "shpat_123",
    "browser_ip": "203.0.113.7",
    "note": None,
    "line_items": [{"name": "IPod Nano", "sku": "IPOD", "price": "199.00"}],
}


def test_nested_dicts_and_lists():
    masked = mask_payload(ORDER)
    assert masked["id"] == 450789469
    assert masked["email"] == "j***@example.com"
    # a customer is a personal container: everything in it but ids and codes is hidden
    assert masked["customer"] == {"first_name": "***", "Last_Name": "***", "phone": "***42", "tags": "***"}
    assert masked["addresses"][0] == {
        "address1": "***",
        "city": "***",
        "zip": "***",
        "latitude": "***",
    }
    assert masked["addresses"][1] == {"address1": None, "city": "***", "zip": ""}
    assert masked["access_token"] == "***"
    assert masked["browser_ip"] == "***"
    assert masked["note"] is None
    assert masked["line_items"] == ORDER["line_items"]  # names of products stay readable


def test_the_original_is_untouched():
    original = copy.deepcopy(ORDER)
    masked = mask_payload(ORDER)
    assert ORDER == original
    assert masked["line_items"] is not ORDER["line_items"]


def test_sensitive_key_holding_a_container_is_masked_inside():
    masked = mask_payload({"token": {"value": "abc", "expires": 3600}, "email": ["a@x.org", "bob@y.org"]})
    assert masked == {"token": {"value": "***", "expires": "***"}, "email": ["a***@x.org", "b***@y.org"]}


def test_extra_keys_and_scalars():
    assert mask_payload({"IBAN": "DE89 3704", "other": 1}, extra_keys=["iban"]) == {"IBAN": "***", "other": 1}
    assert mask_payload("plain text") == "plain text"
    assert mask_payload([1, (2, {"vat": "BE0123"})]) == [1, [2, {"vat": "***"}]]


@pytest.mark.parametrize(
    "value,expected",
    [("jane@example.com", "j***@example.com"), ("not-an-email", "***"), ("@example.com", "***")],
)
def test_email_masking(value, expected):
    assert mask_payload({"email": value})["email"] == expected


@pytest.mark.parametrize("value,expected", [("+32 (0)2 555 01 42", "***42"), ("12", "***"), (5550142, "***")])
def test_phone_masking(value, expected):
    assert mask_payload({"phone": value})["phone"] == expected


def test_default_keys_are_documented_lowercase():
    assert all(key == key.lower() for key in DEFAULT_KEYS)
    assert {"email", "phone", "password", "api_key", "browser_ip"} <= DEFAULT_KEYS
    assert "name" not in DEFAULT_KEYS


def test_mask_headers():
    headers = {
        "Authorization": "Bearer x",
        "cookie": "session=1",
        "Set-Cookie": "session=2",
        "X-Shopify-Access-Token": "shpat",
        "X-API-KEY": "k",
        "X-Shopify-Hmac-Sha256": "abc",
        "X-Custom-Secret-Thing": "s",
        "X-Webhook-Signature": "sig",
        "X-Refresh-Token": "t",
        "X-Db-Password": "p",
        "Content-Type": "application/json",
        "X-Request-Id": "42",
    }
    masked = mask_headers(headers)
    assert masked.pop("Content-Type") == "application/json"
    assert masked.pop("X-Request-Id") == "42"
    assert set(masked.values()) == {"***"}
    assert headers["Authorization"] == "Bearer x"
    assert mask_headers(None) == {}


def test_mask_url():
    url = "https://h.example/a?access_token=abc&apiKey=k&page=2&email=j%40x.org"
    masked = mask_url(url)
    assert "abc" not in masked and "apiKey=***" in masked and "page=2" in masked and "j%40x.org" not in masked
    assert mask_url("https://h.example/a?page=2&q=x y") == "https://h.example/a?page=2&q=x y"


def test_mask_text():
    assert mask_text("token shpat_abcdef in url", ["shpat_abcdef", "", None]) == "token *** in url"
    assert mask_text("key=b'bytes-secret'", [b"bytes-secret"]) == "key=b'***'"
    assert mask_text("pin 123 in 1234", ["123"]) == "pin 123 in 1234"  # too short to mask safely
    # the longest secret goes first, so no tail of it survives
    assert mask_text("abcd-efgh", ["abcd", "abcd-efgh"]) == "***"
    assert mask_text(None, ["secret"]) is None
    assert mask_text("", ["secret"]) == ""


def test_shopify_order_leaks_found_in_the_attack_are_masked():
    """The 'masked' raw payload used to show contact_email, the order status
    URL (it holds a token), cart and checkout tokens, names and cities."""
    order = {
        "id": 1,
        "name": "#1001",
        "contact_email": "jane@example.com",
        "order_status_url": "https://shop.example/1/orders/abc/authenticate?key=secret",
        "cart_token": "68778783ad298f1c80c3bafcddeea02f",
        "checkout_token": "bd5a8aa1ecd019dd3520ff791ee3a24c",
        "customer_email": "jane@example.com",
        "billing_address": {"name": "Jane Doe", "company": "Doe Inc", "city": "Ottawa", "country_code": "CA"},
        "shipping_address": {"first_name": "Jane", "city": "Ottawa", "province_code": "ON"},
        "customer": {"id": 207119551, "first_name": "Jane", "default_address": {"city": "Ottawa", "id": 3}},
        "line_items": [{"name": "IPod Nano - 8gb", "sku": "IPOD2008PINK"}],
        "shipping_lines": [{"title": "Generic Shipping", "code": "Standard"}],
    }
    masked = mask_payload(order)
    text = repr(masked)
    for leak in ("Jane", "Doe", "Ottawa", "secret", "68778783", "bd5a8aa1", "jane@"):
        assert leak not in text, leak
    assert masked["contact_email"] == "j***@example.com"
    assert masked["billing_address"]["country_code"] == "CA"
    assert masked["shipping_address"]["province_code"] == "ON"
    assert masked["customer"]["id"] == 207119551
    assert masked["customer"]["default_address"] == {"city": "***", "id": 3}
    assert masked["name"] == "#1001"
    assert masked["line_items"] == order["line_items"]


def test_unmask_edits_keeps_hidden_values_and_takes_fixes():
    original = {
        "customer": {"name": "Jane Doe", "email": "jane@example.com", "external_id": "C1"},
        "billing_address": {"street": "1 Main St", "country_code": "XX"},
        "lines": [{"sku": "OLD", "quantity": 1}],
    }
    shown = mask_payload(original)
    assert shown["customer"]["name"] == "***"
    edited = copy.deepcopy(shown)
    edited["billing_address"]["country_code"] = "US"  # the field that failed
    edited["lines"][0]["sku"] = "NEW"
    edited["customer"]["email"] = "jane.doe@example.org"  # typed over a mask: taken as typed
    merged = unmask_edits(original, edited)
    assert merged == {
        "customer": {"name": "Jane Doe", "email": "jane.doe@example.org", "external_id": "C1"},
        "billing_address": {"street": "1 Main St", "country_code": "US"},
        "lines": [{"sku": "NEW", "quantity": 1}],
    }
    assert unmask_edits(original, shown) == original


def test_unmask_edits_with_added_and_removed_structure():
    original = {"lines": [{"sku": "A"}], "note": "x", "customer": {"name": "Jane"}}
    edited = mask_payload(original)
    edited["lines"].append({"sku": "B"})
    del edited["note"]
    merged = unmask_edits(original, edited)
    assert merged == {"lines": [{"sku": "A"}, {"sku": "B"}], "customer": {"name": "Jane"}}
