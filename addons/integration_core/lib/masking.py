"""Masking of secrets and personal data, for logs and for users who may not
see raw payloads.

Three helpers, all returning copies (the input is never changed):

- :func:`mask_payload` masks the values of sensitive keys in JSON-like data
  (dicts, lists, scalars), at any depth. The keys, compared case-insensitively,
  are :data:`DEFAULT_KEYS` plus the caller's ``extra_keys``:

  - personal data: ``email``, ``phone``, ``first_name``, ``last_name``,
    ``address1``, ``address2``, ``street``, ``street2``, ``zip``,
    ``latitude``, ``longitude``, ``vat``, ``ip``, ``browser_ip``;
  - secrets: ``password``, ``token``, ``access_token``, ``secret``,
    ``client_secret``, ``api_key``.

  An email keeps its first character and its domain (``j***@example.com``),
  a phone number its last two digits (``***42``); any other value becomes
  ``***``. Empty values (None, "", False) stay as they are; a sensitive key
  holding a dict or a list has every value inside masked. ``name`` is
  deliberately *not* masked: it also names products, shipping methods and
  taxes, and masking it would make payloads unreadable.
- :func:`mask_headers` masks credentials and signatures in HTTP headers.
- :func:`mask_url` masks sensitive query parameters of a URL.
- :func:`mask_text` replaces known secret values in free text (URLs, error
  messages, response bodies).
"""

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

MASK = "***"

DEFAULT_KEYS = frozenset(
    {
        # personal data
        "email",
        "phone",
        "first_name",
        "last_name",
        "address1",
        "address2",
        "street",
        "street2",
        "zip",
        "latitude",
        "longitude",
        "vat",
        "ip",
        "browser_ip",
        # secrets
        "password",
        "token",
        "access_token",
        "secret",
        "client_secret",
        "api_key",
    }
)

SECRET_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-shopify-access-token", "x-api-key"}
)
SECRET_HEADER_WORDS = ("token", "secret", "signature", "hmac", "password")

MIN_SECRET_LENGTH = 4  # shorter "secrets" would mask ordinary words and digits


# --- payloads ----------------------------------------------------------------------


def mask_payload(obj, extra_keys=()):
    """A deep copy of ``obj`` with the values of sensitive keys masked.

    >>> mask_payload({"email": "jane@example.com", "items": [{"api_key": "abc"}]})
    {'email': 'j***@example.com', 'items': [{'api_key': '***'}]}
    """
    keys = DEFAULT_KEYS | {str(key).lower() for key in extra_keys}
    return _walk(obj, keys)


def _walk(node, keys):
    if isinstance(node, dict):
        return {key: _mask_item(key, value, keys) for key, value in node.items()}
    if isinstance(node, list | tuple):
        return [_walk(item, keys) for item in node]
    return node  # str, numbers, booleans, None: immutable, no copy needed


def _mask_item(key, value, keys):
    """The value of ``key`` in a dict, masked when the key is sensitive."""
    name = key.lower() if isinstance(key, str) else None
    if name in keys:
        return _mask_all(value, name)
    return _walk(value, keys)


def _mask_all(node, name):
    """Mask ``node`` by the rule of the sensitive key ``name``; inside a
    container under such a key, every value is masked by that rule."""
    if isinstance(node, dict):
        return {key: _mask_all(value, name) for key, value in node.items()}
    if isinstance(node, list | tuple):
        return [_mask_all(item, name) for item in node]
    return _mask_value(name, node)


def _mask_value(name, value):
    if value is None or value is False or value == "":
        return value  # nothing to hide; keeps "no email" visible as such
    if name == "email" and isinstance(value, str):
        return _mask_email(value)
    if name == "phone" and isinstance(value, str):
        return _mask_phone(value)
    return MASK


def _mask_email(value):
    """'jane@example.com' -> 'j***@example.com'; not an email -> '***'."""
    local, _at, domain = value.partition("@")
    if not local or not domain:
        return MASK
    return f"{local[0]}{MASK}@{domain}"


def _mask_phone(value):
    """'+1 555 0142' -> '***42'; fewer than 3 digits -> '***'."""
    digits = re.sub(r"\D", "", value)
    return f"{MASK}{digits[-2:]}" if len(digits) > 2 else MASK


# --- headers -----------------------------------------------------------------------


def mask_headers(headers):
    """A plain dict copy of HTTP ``headers`` (any mapping) with credentials
    and signatures replaced by ``***``.

    Masked, case-insensitively: the names in :data:`SECRET_HEADERS` and any
    name containing one of :data:`SECRET_HEADER_WORDS` (so
    ``X-Shopify-Hmac-Sha256`` and ``X-Custom-Token`` are masked too).
    """
    return {name: MASK if _is_secret_header(name) else value for name, value in dict(headers or {}).items()}


def _is_secret_header(name):
    lower = str(name).lower()
    return lower in SECRET_HEADERS or any(word in lower for word in SECRET_HEADER_WORDS)


# --- URLs --------------------------------------------------------------------------


def mask_url(url):
    """``url`` with the values of sensitive query parameters replaced by
    ``***``: parameters named like a :data:`DEFAULT_KEYS` key or containing
    one of :data:`SECRET_HEADER_WORDS` or "key" (``?access_token=``,
    ``?apiKey=``, ``?signature=``). Other URLs are returned unchanged.
    """
    try:
        parts = urlsplit(str(url))
        pairs = parse_qsl(parts.query, keep_blank_values=True)
    except ValueError:
        return url
    if not any(_is_secret_parameter(name) for name, _value in pairs):
        return url
    masked = [(name, MASK if _is_secret_parameter(name) else value) for name, value in pairs]
    return urlunsplit(parts._replace(query=urlencode(masked, safe="*")))


def _is_secret_parameter(name):
    lower = name.lower()
    return lower in DEFAULT_KEYS or any(word in lower for word in (*SECRET_HEADER_WORDS, "key"))


# --- free text ---------------------------------------------------------------------


def mask_text(text, secrets):
    """``text`` with every occurrence of each known secret replaced by ``***``.

    ``secrets`` may hold str or bytes values; empty ones and ones shorter than
    :data:`MIN_SECRET_LENGTH` characters are ignored (masking every "1" or
    "ab" would garble the text without protecting anything real). Longer
    secrets are replaced first, so a secret containing another is fully
    masked. Empty or None ``text`` is returned unchanged.
    """
    if not text:
        return text
    result = str(text)
    for secret in _usable_secrets(secrets):
        result = result.replace(secret, MASK)
    return result


def _usable_secrets(secrets):
    """The secrets as str, long enough to mask, longest first."""
    values = set()
    for secret in secrets or ():
        if isinstance(secret, bytes):
            secret = secret.decode("utf-8", "replace")
        if secret and len(str(secret)) >= MIN_SECRET_LENGTH:
            values.add(str(secret))
    return sorted(values, key=len, reverse=True)
