"""HMAC-SHA256 signatures of webhook bodies, compared in constant time.

A webhook is accepted only when the signature the sender put in a header
equals the one we compute over the *raw* request body with the shared
secret::

    expected = hmac_sha256_base64(secret, request_body)
    if not verify_signature(headers.get("X-Shopify-Hmac-Sha256"), expected):
        ...  # refuse with 401
"""

import base64
import hashlib
import hmac

from werkzeug.datastructures import Headers


def header_value(headers, name):
    """A request header's value, looked up case-insensitively on any mapping
    (or a list of pairs), stripped; None when absent or empty."""
    if headers is None:
        return None
    if isinstance(headers, Headers):  # a request's headers: case-insensitive already, no scan
        value = headers.get(name)
        return (value.strip() or None) if value is not None else None
    items = headers.items() if hasattr(headers, "items") else headers
    wanted = name.lower()
    for key, value in items:
        if str(key).lower() == wanted:
            if isinstance(value, bytes):
                value = value.decode("latin-1")
            return str(value).strip() or None
    return None


def _as_bytes(secret):
    """The secret as bytes (str secrets are UTF-8 encoded)."""
    return secret if isinstance(secret, bytes) else str(secret).encode("utf-8")


def hmac_sha256_base64(secret, body):
    """``base64(HMAC-SHA256(body, secret))``, the way Shopify signs webhooks.

    ``secret`` is a str or bytes; ``body`` is the raw bytes of the request.
    """
    digest = hmac.new(_as_bytes(secret), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def hmac_sha256_hex(secret, body):
    """``hex(HMAC-SHA256(body, secret))``, lower case."""
    return hmac.new(_as_bytes(secret), body, hashlib.sha256).hexdigest()


def verify_signature(received, expected):
    """True when the ``received`` signature equals ``expected``.

    The comparison takes constant time (``hmac.compare_digest``) so that an
    attacker cannot guess the signature byte by byte. Surrounding whitespace
    of ``received`` is ignored. Never raises: a missing, empty, non-text or
    non-ASCII signature is simply refused (False).
    """
    if not received or not expected or not isinstance(received, str | bytes):
        return False
    try:
        if isinstance(received, bytes):
            received = received.decode("ascii")
        return hmac.compare_digest(received.strip().encode("ascii"), str(expected).encode("ascii"))
    except (UnicodeError, TypeError):
        return False
