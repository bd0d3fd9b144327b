import pytest
from cryptography.fernet import Fernet

from odoo.addons.integration_core.lib.crypto import SecretBox
from odoo.addons.integration_core.lib.exceptions import DecryptionError, MissingKeyError
from odoo.addons.integration_core.lib.masking import mask_headers, mask_payload, mask_text


def test_mask_payload_nested():
    payload = {
        "id": 1,
        "email": "jane@example.com",
        "customer": {"first_name": "Jane", "phone": "+1 555 0142", "tags": "vip"},
        "addresses": [{"address1": "1 Main St", "city": "Springfield", "zip": "12345"}],
        "access_token": "shpat_123",
        "note": None,
    }
    masked = mask_payload(payload)
    assert masked["id"] == 1
    assert masked["email"] == "j***@example.com"
    assert masked["customer"] == {"first_name": "***", "phone": "***42", "tags": "vip"}
    assert masked["addresses"][0] == {"address1": "***", "city": "Springfield", "zip": "***"}
    assert masked["access_token"] == "***"
    assert masked["note"] is None
    assert payload["email"] == "jane@example.com"  # the original is untouched


def test_mask_headers():
    headers = {
        "Authorization": "Bearer x",
        "X-Shopify-Access-Token": "shpat",
        "X-Shopify-Hmac-Sha256": "abc",
        "X-Custom-Secret-Thing": "s",
        "Content-Type": "application/json",
    }
    masked = mask_headers(headers)
    assert masked["Content-Type"] == "application/json"
    assert {masked[k] for k in headers if k != "Content-Type"} == {"***"}


def test_mask_text():
    assert mask_text("token shpat_abcdef in url", ["shpat_abcdef", "", None]) == "token *** in url"


def test_secret_box_roundtrip_and_wrong_key():
    key = SecretBox.generate_key()
    box = SecretBox([key])
    token = box.encrypt("s3cret")
    assert token != "s3cret"
    assert box.decrypt(token) == "s3cret"
    assert box.is_encrypted(token)
    assert not box.is_encrypted("plain")
    with pytest.raises(DecryptionError):
        SecretBox([SecretBox.generate_key()]).decrypt(token)


def test_rotation_with_two_keys():
    old, new = SecretBox.generate_key(), SecretBox.generate_key()
    token = SecretBox([old]).encrypt("value")
    both = SecretBox([new, old])
    rotated = both.rotate(token)
    assert SecretBox([new]).decrypt(rotated) == "value"
    with pytest.raises(DecryptionError):
        SecretBox([old]).decrypt(rotated)


def test_from_sources():
    key = Fernet.generate_key().decode()
    assert (
        SecretBox.from_sources({"integration_encryption_key": key}, {}).decrypt(SecretBox([key]).encrypt("a"))
        == "a"
    )
    assert SecretBox.from_sources({}, {"INTEGRATION_ENCRYPTION_KEY": key})
    with pytest.raises(MissingKeyError, match="integration_encryption_key"):
        SecretBox.from_sources({}, {})
    with pytest.raises(MissingKeyError, match="not a valid Fernet key"):
        SecretBox.from_sources({"integration_encryption_key": "short"}, {})
