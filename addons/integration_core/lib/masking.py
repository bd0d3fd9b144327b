"""Masking of secrets and personal data, for logs and for users who may not
see raw payloads.

Keys masked in payloads (case-insensitive), see DEFAULT_KEYS: personal data
(email, phone, names, street lines, zip, coordinates, VAT, IP addresses) and
secrets (password, token, access_token, secret, client_secret, api_key).
Emails keep their first character and domain (``j***@example.com``), phone
numbers their last two digits; everything else becomes ``***``.
"""

import copy
import re

MASK = "***"

DEFAULT_KEYS = frozenset(
    {
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
        "password",
        "token",
        "access_token",
        "secret",
        "client_secret",
        "api_key",
        "vat",
        "ip",
        "browser_ip",
    }
)

SECRET_HEADER_NAMES = frozenset(
    {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-shopify-access-token", "x-api-key"}
)
SECRET_HEADER_WORDS = ("token", "secret", "signature", "hmac", "password")


def _mask_email(value):
    local, _sep, domain = value.partition("@")
    if not domain:
        return MASK
    return f"{local[:1]}{MASK}@{domain}"


def _mask_phone(value):
    digits = re.sub(r"\D", "", value)
    return f"{MASK}{digits[-2:]}" if len(digits) > 2 else MASK


def _mask_value(key, value):
    if value in (None, "", False):
        return value
    if key == "email" and isinstance(value, str):
        return _mask_email(value)
    if key == "phone" and isinstance(value, str):
        return _mask_phone(value)
    return MASK


def mask_payload(obj, extra_keys=()):
    """A deep copy of ``obj`` (dicts, lists, scalars) with the values of
    sensitive keys masked."""
    keys = DEFAULT_KEYS | {k.lower() for k in extra_keys}

    def walk(node):
        if isinstance(node, dict):
            return {
                k: (
                    _mask_value(k.lower(), v)
                    if isinstance(k, str) and k.lower() in keys and not isinstance(v, (dict, list))
                    else walk(v)
                )
                for k, v in node.items()
            }
        if isinstance(node, list):
            return [walk(item) for item in node]
        return copy.copy(node)

    return walk(obj)


def mask_headers(headers):
    """A dict copy of HTTP headers with credentials and signatures masked."""
    masked = {}
    for name, value in dict(headers or {}).items():
        lower = name.lower()
        if lower in SECRET_HEADER_NAMES or any(word in lower for word in SECRET_HEADER_WORDS):
            masked[name] = MASK
        else:
            masked[name] = value
    return masked


def mask_text(text, secrets):
    """``text`` with every known secret value replaced by ***."""
    if not text:
        return text
    result = str(text)
    for secret in sorted({s for s in secrets or () if s and len(s) >= 4}, key=len, reverse=True):
        result = result.replace(secret, MASK)
    return result
