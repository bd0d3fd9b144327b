"""HMAC signatures of webhook bodies, compared in constant time."""

import base64
import hashlib
import hmac


def _key(secret):
    return secret if isinstance(secret, bytes) else str(secret).encode("utf-8")


def hmac_sha256_base64(secret, body):
    """base64(HMAC-SHA256(body, secret)), as Shopify signs webhooks."""
    digest = hmac.new(_key(secret), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def hmac_sha256_hex(secret, body):
    """hex(HMAC-SHA256(body, secret))."""
    return hmac.new(_key(secret), body, hashlib.sha256).hexdigest()


def verify_signature(received, expected):
    """True when ``received`` equals ``expected``, compared in constant time.
    False for a missing, empty or non-ASCII ``received``: never raises."""
    if not received or not expected:
        return False
    try:
        return hmac.compare_digest(str(received).strip().encode("ascii"), str(expected).encode("ascii"))
    except (UnicodeEncodeError, TypeError):
        return False
