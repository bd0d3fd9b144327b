"""Shopify global ids (``gid://shopify/Order/450789469``) and legacy ids.

GraphQL identifies every node by a GID; REST payloads and webhooks carry the
numeric "legacy resource id" that is the last path segment of the GID. We
store the numeric form as our external id, so both shapes agree.
"""

GID_PREFIX = "gid://shopify/"


def to_gid(kind: str, value) -> str:
    """``to_gid("Order", 450789469)`` -> ``"gid://shopify/Order/450789469"``.

    A value that already is a GID is returned unchanged.
    """
    text = str(value).strip()
    if text.startswith(GID_PREFIX):
        return text
    if not text:
        raise ValueError("empty Shopify id")
    return f"{GID_PREFIX}{kind}/{text}"


def from_gid(gid) -> str | None:
    """The legacy (numeric) id of a GID; plain ids pass through as strings.

    ``from_gid("gid://shopify/LineItem/466157049")`` -> ``"466157049"``;
    ``from_gid(466157049)`` -> ``"466157049"``; ``from_gid(None)`` -> None.
    A query string (``?inventory_item_id=…``) on the GID is dropped.
    """
    if gid is None:
        return None
    text = str(gid).strip()
    if not text:
        return None
    if text.startswith(GID_PREFIX):
        text = text[len(GID_PREFIX) :].split("?", 1)[0]
        text = text.rsplit("/", 1)[-1]
    return text or None


def gid_kind(gid: str) -> str | None:
    """``"Order"`` for ``gid://shopify/Order/1``; None for a non-GID."""
    text = str(gid or "")
    if not text.startswith(GID_PREFIX):
        return None
    parts = text[len(GID_PREFIX) :].split("/")
    return parts[0] if len(parts) >= 2 else None
