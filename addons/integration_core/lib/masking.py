"""Masking of secrets and personal data, for logs and for users who may not
see raw payloads.

Three helpers, all returning copies (the input is never changed):

- :func:`mask_payload` masks personal data and secrets in JSON-like data
  (dicts, lists, scalars), at any depth. The policy, keys compared
  case-insensitively:

  - a key of :data:`DEFAULT_KEYS` (``email``, ``phone``, names, street lines,
    ``zip``, ``city``, coordinates, ``vat``, IPs, tokens, secrets, Shopify's
    ``contact_email``, ``order_status_url``, ``cart_token``,
    ``checkout_token``...) or of the caller's ``extra_keys``;
  - a key ending in one of :data:`SENSITIVE_SUFFIXES` (``customer_email``,
    ``billing_phone``, ``storefront_token``...);
  - inside a *personal container* (:data:`PERSONAL_CONTAINERS`: ``customer``,
    ``billing_address``, ``shipping_address``, ``addresses``...), every value
    except the few that identify or classify (:data:`PERSONAL_KEEP`: ids,
    country and province codes, dates): a person's name, company and city
    are hidden there, while ``name`` elsewhere (products, shipping methods,
    taxes, the order's own "#1001") stays readable.

  An email keeps its first character and its domain (``j***@example.com``),
  a phone number its last two digits (``***42``); any other value becomes
  ``***``. Empty values (None, "", False) stay as they are; a sensitive key
  holding a dict or a list has every value inside masked.
- :func:`unmask_edits` merges a user's edit of a masked payload back into
  the original: values the user left masked keep their real value, values
  the user changed take the new one. So users who may not see personal data
  can still fix the field that failed and replay.
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
        "city",
        "latitude",
        "longitude",
        "vat",
        "ip",
        "browser_ip",
        "contact_email",
        "order_status_url",
        "landing_site",
        "referring_site",
        "cart_token",
        "checkout_token",
        # secrets
        "password",
        "token",
        "access_token",
        "secret",
        "client_secret",
        "api_key",
    }
)

# Any key ending like this is sensitive too (customer_email, storefront_token).
SENSITIVE_SUFFIXES = ("email", "phone", "token", "secret", "password", "_ip")

# Keys whose whole value describes a person: inside them only PERSONAL_KEEP
# stays readable (a name, a company or a city is personal there).
PERSONAL_CONTAINERS = frozenset(
    {
        "customer",
        "billing_address",
        "shipping_address",
        "default_address",
        "addresses",
        "address",
        "client_details",
        "destination",
        "buyer",
        "contact",
    }
)
PERSONAL_KEEP = frozenset(
    {
        "id",
        "external_id",
        "customer_id",
        "admin_graphql_api_id",
        "legacyresourceid",
        "country",
        "country_code",
        "country_name",
        "countrycodev2",
        "province",
        "province_code",
        "provincecode",
        "state_code",
        "currency",
        "default",
        "created_at",
        "updated_at",
        "state",
        "tax_exempt",
        "verified_email",
    }
)

SECRET_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-shopify-access-token", "x-api-key"}
)
SECRET_HEADER_WORDS = ("token", "secret", "signature", "hmac", "password")

MIN_SECRET_LENGTH = 4  # shorter "secrets" would mask ordinary words and digits


# --- payloads ----------------------------------------------------------------------


def mask_payload(obj, extra_keys=()):
    """A deep copy of ``obj`` with personal data and secrets masked.

    >>> mask_payload({"email": "jane@example.com", "items": [{"api_key": "abc"}]})
    {'email': 'j***@example.com', 'items': [{'api_key': '***'}]}
    >>> mask_payload({"customer": {"id": 7, "name": "Jane Doe", "city": "Paris", "country_code": "FR"}})
    {'customer': {'id': 7, 'name': '***', 'city': '***', 'country_code': 'FR'}}
    """
    keys = DEFAULT_KEYS | {str(key).lower() for key in extra_keys}
    return _walk(obj, keys, personal=False)


def is_sensitive_key(name, keys=DEFAULT_KEYS):
    """True when the value of the key ``name`` is masked wherever it stands."""
    name = name.lower() if isinstance(name, str) else None
    return bool(name) and (name in keys or name.endswith(SENSITIVE_SUFFIXES))


def key_policy(name, personal=False, extra_keys=()):
    """How :func:`mask_payload` treats a value found under the key ``name``,
    for formats that are not JSON (XML elements and attributes, CSV columns):

    - ``"mask"``: a sensitive key, its whole value is masked (by
      :func:`mask_scalar` with that name: emails and phones keep a hint);
    - ``"personal"``: a person's data (a personal container, or any key inside
      one): its text is masked, and keys under it are read with
      ``personal=True``;
    - ``"clear"``: shown as it is.
    """
    keys = DEFAULT_KEYS | {str(key).lower() for key in extra_keys}
    lower = name.lower() if isinstance(name, str) else ""
    if is_sensitive_key(lower, keys):
        return "mask"
    if lower in PERSONAL_CONTAINERS:
        return "personal"
    if personal and lower in PERSONAL_KEEP:
        return "clear"
    return "personal" if personal else "clear"


def mask_scalar(name, value):
    """One value masked as :func:`mask_payload` masks it under the key
    ``name`` ("" for a plain ``***``): an email keeps its first character and
    its domain, a phone number its last two digits; empty values stay empty.

    >>> mask_scalar("contact_email", "jane@example.com"), mask_scalar("", "Jane")
    ('j***@example.com', '***')
    """
    return _mask_value(_rule(name.lower()) if isinstance(name, str) and name else "", value)


def _walk(node, keys, personal):
    if isinstance(node, dict):
        return {key: _mask_item(key, value, keys, personal) for key, value in node.items()}
    if isinstance(node, list | tuple):
        return [_walk(item, keys, personal) for item in node]
    if personal:
        return _mask_value("", node)
    return node  # str, numbers, booleans, None: immutable, no copy needed


def _mask_item(key, value, keys, personal):
    """The value of ``key`` in a dict, masked when the key is sensitive or
    stands in a personal container."""
    name = key.lower() if isinstance(key, str) else ""
    if is_sensitive_key(name, keys):
        return _mask_all(value, _rule(name))
    if name in PERSONAL_CONTAINERS:
        return _walk(value, keys, personal=True)
    if personal and name in PERSONAL_KEEP:
        return _walk(value, keys, personal=False)
    return _walk(value, keys, personal)


def _rule(name):
    """Which masking rule a sensitive key's values follow."""
    if name.endswith("email"):
        return "email"
    if name.endswith("phone"):
        return "phone"
    return name


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


def unmask_edits(original, edited, extra_keys=()):
    """``edited`` (a user's edit of ``mask_payload(original)``) with every
    value the user left as it was shown masked replaced by the original's.

    >>> original = {"customer": {"name": "Jane", "email": "jane@example.com"}, "sku": "OLD"}
    >>> shown = mask_payload(original)
    >>> unmask_edits(original, dict(shown, sku="NEW"))
    {'customer': {'name': 'Jane', 'email': 'jane@example.com'}, 'sku': 'NEW'}

    Values the user typed over a mask are taken as typed; keys the user
    removed stay removed; structure the user added is kept.
    """
    return _merge(original, mask_payload(original, extra_keys), edited)


def _merge(original, shown, edited):
    if edited == shown:
        return original
    if isinstance(edited, dict) and isinstance(original, dict) and isinstance(shown, dict):
        return {
            key: _merge(original[key], shown[key], value) if key in original and key in shown else value
            for key, value in edited.items()
        }
    if isinstance(edited, list) and isinstance(original, list | tuple) and isinstance(shown, list):
        return [
            _merge(original[i], shown[i], value) if i < len(original) and i < len(shown) else value
            for i, value in enumerate(edited)
        ]
    return edited


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
