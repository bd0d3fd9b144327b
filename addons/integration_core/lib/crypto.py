"""Encryption of stored credentials with Fernet (AES-128-CBC + HMAC-SHA256).

The key never lives in the database (a copied database stays useless
without it). It comes from the Odoo configuration file::

    [options]
    integration_encryption_key = <key>

or, when that option is absent, from the ``INTEGRATION_ENCRYPTION_KEY``
environment variable. Generate a key with::

    python3 -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"

Key rotation: configure ``<new key>,<old key>`` (comma-separated, newest
first). The first key encrypts, every key decrypts; re-encrypt the stored
values with :meth:`SecretBox.rotate`, then drop the old key.
"""

import base64
import binascii
import os
import re

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from .exceptions import DecryptionError, MissingKeyError

CONFIG_OPTION = "integration_encryption_key"
ENV_VARIABLE = "INTEGRATION_ENCRYPTION_KEY"
GENERATE_COMMAND = (
    'python3 -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
)

# A Fernet token is url-safe base64 of: version 0x80 (1 byte), timestamp (8),
# IV (16), ciphertext (a positive multiple of 16), HMAC (32).
_TOKEN_CHARS = re.compile(r"^[A-Za-z0-9_-]+={0,2}$")
_TOKEN_OVERHEAD = 1 + 8 + 16 + 32
_TOKEN_VERSION = 0x80


# Tokens a box remembers having opened (see SecretBox.decrypt).
MAX_OPENED = 256


class SecretBox:
    """Encrypts and decrypts short secrets (API tokens, passwords).

    ``SecretBox([new_key, old_key])``: the first key encrypts, all keys
    decrypt. Keys are the url-safe base64 strings of :meth:`generate_key`.
    Raises :class:`MissingKeyError` when no key is given or a key is not a
    Fernet key.
    """

    def __init__(self, keys, *, source=None):
        keys = [key.strip() for key in keys if key and key.strip()]
        if not keys:
            raise MissingKeyError(missing_key_message())
        self._fernet = MultiFernet([_fernet(key, position, source) for position, key in enumerate(keys, 1)])
        self._opened = {}  # token -> plaintext: a webhook's secret is opened once per box, not per delivery

    @classmethod
    def from_sources(cls, config=None, environ=None):
        """The box built from the Odoo configuration mapping (option
        ``integration_encryption_key``), else from ``environ`` (variable
        ``INTEGRATION_ENCRYPTION_KEY``; ``os.environ`` when None).

        Either value may hold several comma-separated keys, newest first.
        """
        environ = os.environ if environ is None else environ
        value = (config or {}).get(CONFIG_OPTION)
        source = f"the '{CONFIG_OPTION}' option of the Odoo configuration"
        if is_placeholder(value):
            value = None  # the example's "replace-with-..." never counts as a key
            value = environ.get(ENV_VARIABLE)
            source = f"the {ENV_VARIABLE} environment variable"
        return cls(str(value or "").split(","), source=source)

    @staticmethod
    def generate_key():
        """A new random key, as a str ready for the configuration file."""
        return Fernet.generate_key().decode("ascii")

    def encrypt(self, plaintext):
        """The token (str) of ``plaintext``, under the first key."""
        return self._fernet.encrypt(str(plaintext).encode("utf-8")).decode("ascii")

    def decrypt(self, token):
        """The plaintext of ``token``; :class:`DecryptionError` when no
        configured key opens it or it is not a token at all."""
        plaintext = self._opened.get(token)
        if plaintext is not None:
            return plaintext
        try:
            plaintext = self._fernet.decrypt(_token_bytes(token)).decode("utf-8")
        except (InvalidToken, UnicodeError, TypeError) as exc:
            raise DecryptionError(
                "A stored credential cannot be decrypted with the configured key(s). Was the key "
                "replaced without a rotation? Put the previous key after the new one "
                f"('{CONFIG_OPTION} = <new key>,<old key>') and rotate the credentials."
            ) from exc
        if isinstance(token, str):
            if len(self._opened) >= MAX_OPENED:
                self._opened.clear()
            self._opened[token] = plaintext
        return plaintext

    def rotate(self, token):
        """The same secret, re-encrypted under the first key."""
        try:
            return self._fernet.rotate(_token_bytes(token)).decode("ascii")
        except (InvalidToken, TypeError) as exc:
            raise DecryptionError(
                "A stored credential cannot be decrypted with the configured key(s), so it cannot be "
                "re-encrypted: configure the key it was encrypted with after the new one."
            ) from exc

    def is_encrypted(self, value):
        """True when ``value`` has the shape of a Fernet token.

        This does not need the key: a token encrypted under a key that is no
        longer configured is still recognised as encrypted (so it is never
        mistaken for a plaintext secret and encrypted twice); decrypting it
        then raises :class:`DecryptionError`.
        """
        if not isinstance(value, str) or not _TOKEN_CHARS.match(value):
            return False
        try:
            raw = base64.urlsafe_b64decode(value)
        except (binascii.Error, ValueError):
            return False
        body = len(raw) - _TOKEN_OVERHEAD
        return raw[:1] == bytes([_TOKEN_VERSION]) and body > 0 and body % 16 == 0


_PLACEHOLDER = re.compile(
    r"<[^>]*>|replace|change|example|your|generate|placeholder|^x+$|^\*+$", re.IGNORECASE
)


def is_placeholder(value):
    """True for an empty value or an example text standing where a key goes
    (``replace-with-a-generated-fernet-key``, ``<key>``, ``changeme``...):
    such a value is treated as absent, so the environment variable is used.
    A real key is 44 url-safe base64 characters and never matches."""
    if value is None or value is False:
        return True
    text = str(value).strip()
    if not text:
        return True
    if all(_is_fernet_key(part.strip()) for part in text.split(",") if part.strip()):
        return False
    return bool(_PLACEHOLDER.search(text))


def _is_fernet_key(text):
    try:
        Fernet(text.encode("ascii"))
    except (ValueError, TypeError):
        return False
    return True


def missing_key_message():
    """What the administrator must do when no key is configured."""
    return (
        "No encryption key is configured for integration credentials. Set the "
        f"'{CONFIG_OPTION}' option in the Odoo configuration file, or the {ENV_VARIABLE} "
        f"environment variable, to a key generated with: {GENERATE_COMMAND}"
    )


def _fernet(key, position, source):
    """A Fernet for ``key``; MissingKeyError naming where the bad key came from
    (never quoting the key itself)."""
    try:
        return Fernet(key.encode("ascii"))
    except (ValueError, TypeError):  # binascii.Error and UnicodeError are ValueErrors
        where = f" in {source}" if source else ""
        raise MissingKeyError(
            f"Encryption key #{position}{where} is not a valid Fernet key (32 url-safe base64-encoded "
            f"bytes). Generate one with: {GENERATE_COMMAND}"
        ) from None


def _token_bytes(token):
    if isinstance(token, bytes):
        return token
    if not isinstance(token, str):
        raise TypeError(f"a token is a str, not {type(token).__name__}")
    return token.encode("ascii", "replace")
