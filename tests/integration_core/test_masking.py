"""Masking of personal data and secrets."""

import copy

import pytest

from odoo.addons.integration_core.lib.masking import (
    DEFAULT_KEYS,
    mask_headers,
    mask_payload,
    mask_text,
    mask_url,
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
    assert masked["customer"] == {"first_name": "***", "Last_Name": "***", "phone": "***42", "tags": "vip"}
    assert masked["addresses"][0] == {
        "address1": "***",
        "city": "Springfield",
        "zip": "***",
        "latitude": "***",
    }
    assert masked["addresses"][1] == {"address1": None, "city": "Shelbyville", "zip": ""}
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
