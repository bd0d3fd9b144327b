"""Webhook signatures."""

import pytest

from odoo.addons.integration_core.lib.signature import hmac_sha256_base64, hmac_sha256_hex, verify_signature

# RFC 4231, test case 2
KEY = "Jefe"
DATA = b"what do ya want for nothing?"
HEX = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
BASE64 = "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM="


def test_known_vectors_with_str_and_bytes_secrets():
    assert hmac_sha256_hex(KEY, DATA) == HEX
    assert hmac_sha256_hex(KEY.encode(), DATA) == HEX
    assert hmac_sha256_base64(KEY, DATA) == BASE64
    assert hmac_sha256_base64(KEY.encode(), DATA) == BASE64


def test_accepts_the_right_signature():
    assert verify_signature(BASE64, BASE64) is True
    assert verify_signature(f" {BASE64}\n", BASE64) is True
    assert verify_signature(BASE64.encode(), BASE64) is True
    assert verify_signature(HEX, hmac_sha256_hex(KEY, DATA)) is True


@pytest.mark.parametrize(
    "received",
    [
        None,
        "",
        "   ",
        "nope",
        BASE64[:-2] + "m=",  # one character off
        HEX,  # right digest, wrong encoding
        "é" * 44,
        "\x00\xff",
        b"\xff\xfe",
        12345,
        ["list"],
        {"dict": 1},
    ],
)
def test_refuses_missing_wrong_and_garbage_without_raising(received):
    assert verify_signature(received, BASE64) is False


def test_refuses_when_nothing_is_expected():
    assert verify_signature(BASE64, "") is False
    assert verify_signature(BASE64, None) is False
