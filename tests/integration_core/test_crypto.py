"""Encryption of stored credentials."""

import pytest
from cryptography.fernet import Fernet

from odoo.addons.integration_core.lib.crypto import GENERATE_COMMAND, SecretBox, is_placeholder
from odoo.addons.integration_core.lib.exceptions import DecryptionError, MissingKeyError

KEY = SecretBox.generate_key()
OTHER_KEY = SecretBox.generate_key()


def test_generated_keys_are_fernet_keys():
    assert isinstance(KEY, str)
    Fernet(KEY.encode())
    assert KEY != OTHER_KEY


@pytest.mark.parametrize("secret", ["s3cret", "", "ünïcødé ✓", "x" * 5000])
def test_roundtrip(secret):
    box = SecretBox([KEY])
    token = box.encrypt(secret)
    assert isinstance(token, str) and secret not in token or not secret
    assert box.decrypt(token) == secret


def test_wrong_key_and_garbage_raise_decryption_error():
    token = SecretBox([KEY]).encrypt("value")
    box = SecretBox([OTHER_KEY])
    for bad in (token, "garbage", "", "é", token[:-4]):
        with pytest.raises(DecryptionError, match="cannot be decrypted"):
            box.decrypt(bad)
    with pytest.raises(DecryptionError):
        box.decrypt(None)


def test_rotation_with_two_keys():
    token = SecretBox([KEY]).encrypt("value")
    both = SecretBox([OTHER_KEY, KEY])  # new key first
    assert both.decrypt(token) == "value"  # old tokens still readable
    rotated = both.rotate(token)
    assert SecretBox([OTHER_KEY]).decrypt(rotated) == "value"
    with pytest.raises(DecryptionError):
        SecretBox([KEY]).decrypt(rotated)
    assert SecretBox([OTHER_KEY, KEY]).decrypt(both.encrypt("new")) == "new"
    with pytest.raises(DecryptionError):
        SecretBox([OTHER_KEY]).rotate(SecretBox([SecretBox.generate_key()]).encrypt("lost"))


def test_is_encrypted_recognises_tokens_without_needing_their_key():
    box = SecretBox([KEY])
    assert box.is_encrypted(box.encrypt("value"))
    assert box.is_encrypted(SecretBox([OTHER_KEY]).encrypt("value"))
    for value in ("plain", "", None, 42, "gAAAAA", "shpat_0123456789abcdef0123456789abcdef", KEY):
        assert not box.is_encrypted(value), value


def test_from_sources_prefers_the_config_file():
    token = SecretBox([KEY]).encrypt("a")
    assert SecretBox.from_sources({"integration_encryption_key": KEY}, {}).decrypt(token) == "a"
    box = SecretBox.from_sources(
        {"integration_encryption_key": KEY}, {"INTEGRATION_ENCRYPTION_KEY": OTHER_KEY}
    )
    assert box.decrypt(token) == "a"


def test_from_sources_falls_back_to_the_environment():
    token = SecretBox([KEY]).encrypt("a")
    for config in (None, {}, {"integration_encryption_key": False}):
        box = SecretBox.from_sources(config, {"INTEGRATION_ENCRYPTION_KEY": KEY})
        assert box.decrypt(token) == "a"


def test_from_sources_reads_several_keys_for_rotation():
    token = SecretBox([KEY]).encrypt("a")
    box = SecretBox.from_sources({"integration_encryption_key": f" {OTHER_KEY} , {KEY} ,"}, {})
    assert box.decrypt(token) == "a"
    assert SecretBox([OTHER_KEY]).decrypt(box.encrypt("b")) == "b"  # the first key encrypts


@pytest.mark.parametrize(
    "config", [None, {}, {"integration_encryption_key": ""}, {"integration_encryption_key": " , "}]
)
def test_missing_key_tells_the_admin_what_to_do(config):
    with pytest.raises(MissingKeyError) as info:
        SecretBox.from_sources(config, {})
    message = info.value.message
    assert "integration_encryption_key" in message
    assert "INTEGRATION_ENCRYPTION_KEY" in message
    assert GENERATE_COMMAND in message
    assert "Fernet.generate_key()" in message


def test_invalid_key_is_reported_without_quoting_it():
    with pytest.raises(MissingKeyError) as info:
        SecretBox.from_sources({}, {"INTEGRATION_ENCRYPTION_KEY": f"{KEY},not-a-key-at-all"})
    message = info.value.message
    assert "#2" in message and "INTEGRATION_ENCRYPTION_KEY" in message and "not a valid Fernet key" in message
    assert "not-a-key-at-all" not in message
    assert info.value.__cause__ is None


@pytest.mark.parametrize(
    "placeholder",
    ["replace-with-a-generated-fernet-key", "<key>", "CHANGE_ME", "your-key-here", "xxxxxxxx", "  "],
)
def test_config_placeholder_never_overrides_the_environment(placeholder):
    """docker-compose sets INTEGRATION_ENCRYPTION_KEY while the config copied
    from odoo.conf.example still holds its placeholder: the variable wins."""
    token = Fernet(KEY.encode()).encrypt(b"secret").decode()
    box = SecretBox.from_sources(
        {"integration_encryption_key": placeholder}, {"INTEGRATION_ENCRYPTION_KEY": KEY}
    )
    assert box.decrypt(token) == "secret"


def test_config_placeholder_alone_is_a_missing_key():
    with pytest.raises(MissingKeyError) as info:
        SecretBox.from_sources({"integration_encryption_key": "replace-with-a-generated-fernet-key"}, {})
    assert "No encryption key is configured" in info.value.message


def test_a_real_key_is_never_a_placeholder():
    for _i in range(50):
        assert not is_placeholder(SecretBox.generate_key())
    assert not is_placeholder(f"{KEY},{OTHER_KEY}")
