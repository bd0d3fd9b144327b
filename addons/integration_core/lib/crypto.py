"""Encryption of stored credentials with Fernet (AES-128-CBC + HMAC-SHA256).

The key never lives in the database: it comes from the Odoo configuration
file (``integration_encryption_key``) or the environment
(``INTEGRATION_ENCRYPTION_KEY``). Several comma-separated keys may be given
during a rotation: the first encrypts, all decrypt.
"""

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from .exceptions import DecryptionError, MissingKeyError

CONFIG_OPTION = "integration_encryption_key"
ENV_VARIABLE = "INTEGRATION_ENCRYPTION_KEY"
GENERATE_HINT = 'python3 -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'


class SecretBox:
    def __init__(self, keys):
        keys = [k.strip() for k in keys if k and k.strip()]
        if not keys:
            raise MissingKeyError(self._missing_message())
        try:
            self._fernet = MultiFernet([Fernet(k.encode("ascii")) for k in keys])
        except (ValueError, TypeError) as exc:
            raise MissingKeyError(
                f"The credentials encryption key is not a valid Fernet key ({exc}). Generate one with: {GENERATE_HINT}"
            ) from exc

    @classmethod
    def from_sources(cls, config=None, environ=None):
        """Keys from the Odoo config mapping, else from the environment."""
        value = (config or {}).get(CONFIG_OPTION) or (environ or {}).get(ENV_VARIABLE) or ""
        return cls(str(value).split(","))

    @staticmethod
    def generate_key():
        return Fernet.generate_key().decode("ascii")

    @staticmethod
    def _missing_message():
        return (
            f"No encryption key for integration credentials: set '{CONFIG_OPTION}' in the Odoo configuration "
            f"file or the {ENV_VARIABLE} environment variable. Generate a key with: {GENERATE_HINT}"
        )

    def encrypt(self, plaintext):
        return self._fernet.encrypt(str(plaintext).encode("utf-8")).decode("ascii")

    def decrypt(self, token):
        try:
            return self._fernet.decrypt(str(token).encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeError, ValueError) as exc:
            raise DecryptionError(
                "A stored credential cannot be decrypted with the configured key(s): was the key changed "
                "without a rotation? Configure the old key after the new one and rotate."
            ) from exc

    def rotate(self, token):
        """The same secret, re-encrypted under the first key."""
        try:
            return self._fernet.rotate(str(token).encode("ascii")).decode("ascii")
        except (InvalidToken, ValueError) as exc:
            raise DecryptionError("A stored credential cannot be decrypted for rotation.") from exc

    def is_encrypted(self, value):
        try:
            self._fernet.decrypt(str(value).encode("ascii"))
        except (InvalidToken, UnicodeError, ValueError):
            return False
        return True
