"""Constants of Shopify's protocol subset and the small helpers every part
of the peer uses: money (Decimal, REST and GraphQL texts), GIDs, times,
tags and pagination cursors."""

import base64
import json
import re
from datetime import date, datetime, timezone
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from graphql import GraphQLError

SCHEMA_PATH = Path(__file__).with_name("schema.graphql")
DEFAULT_API_VERSION = "2025-01"
DEFAULT_ACCESS_TOKEN = "shpat_sandbox_0123456789abcdef"
DEFAULT_CLIENT_SECRET = "sandbox-client-secret"
DEFAULT_SHOP_DOMAIN = "sandbox-outdoor.myshopify.com"
STANDARD_BUCKET_SIZE = 2000
STANDARD_RESTORE_RATE = 100
MAX_QUERY_COST = 1000
MAX_PAGE_SIZE = 250
MAX_INPUT_ARRAY = 250
MUTATION_COST = 10
GID = "gid://shopify/"
ZERO = Decimal("0")
CENT = Decimal("0.01")
API_VERSION_RE = re.compile(r"^(\d{4}-(01|04|07|10)|unstable)$")
GRAPHQL_PATH_RE = re.compile(r"^/admin/api/([^/]+)/graphql\.json$")
BULK_PATH_RE = re.compile(r"^/bulk/(\d+)\.jsonl$")
BULK_ACTIVE = ("CREATED", "RUNNING", "CANCELING")
BULK_ERROR_CODES = ("ACCESS_DENIED", "INTERNAL_SERVER_ERROR", "TIMEOUT")
INVENTORY_NAMES = {"available", "on_hand"}
INVENTORY_REASONS = {
    "correction",
    "cycle_count_available",
    "damaged",
    "movement_created",
    "movement_updated",
    "movement_received",
    "movement_canceled",
    "other",
    "promotion",
    "quality_control",
    "received",
    "reservation_created",
    "reservation_deleted",
    "reservation_updated",
    "restock",
    "safety_stock",
    "shrinkage",
}
FINANCIAL = {
    "pending",
    "authorized",
    "partially_paid",
    "paid",
    "partially_refunded",
    "refunded",
    "voided",
    "expired",
}
FULFILLMENT_DISPLAY = {
    None: "UNFULFILLED",
    "unfulfilled": "UNFULFILLED",
    "partial": "PARTIALLY_FULFILLED",
    "fulfilled": "FULFILLED",
    "restocked": "RESTOCKED",
}
SEARCH_TERM = re.compile(r"""(-?)([A-Za-z_]+):(>=|<=|>|<)?("[^"]*"|'[^']*'|\S+)""")


# ----------------------------------------------------------------------------
# small helpers
# ----------------------------------------------------------------------------


def dec(value):
    if value is None or value == "":
        return ZERO
    if isinstance(value, dict):
        value = value.get("amount")
    return Decimal(str(value))


def cents(value):
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def rest_amount_text(value):
    return str(cents(value))


def graphql_amount_text(value):
    """Shopify's Decimal scalar: ``"199.0"``, ``"11.94"``."""
    text = format(cents(value).normalize(), "f")
    return text if "." in text else text + ".0"


def rest_bag(value, currency):
    money = {"amount": rest_amount_text(value), "currency_code": currency}
    return {"shop_money": money, "presentment_money": dict(money)}


def rest_money(obj, field):
    """Shop money of a REST field: ``field_set.shop_money.amount`` or ``field``."""
    bag = obj.get(field + "_set") if isinstance(obj, dict) else None
    if isinstance(bag, dict) and isinstance(bag.get("shop_money"), dict):
        return dec(bag["shop_money"].get("amount"))
    return dec(obj.get(field) if isinstance(obj, dict) else None)


def gid(kind, value):
    return f"{GID}{kind}/{value}"


def legacy(gid_value, kind=None):
    """Numeric id of a GID (or of a plain id) as int; None when unusable."""
    text = str(gid_value or "")
    if text.startswith(GID):
        parts = text[len(GID) :].split("?", 1)[0].split("/")
        if len(parts) != 2 or (kind and parts[0] != kind):
            return None
        text = parts[1]
    try:
        return int(text)
    except ValueError:
        return None


def parse_time(value):
    if value is None:
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    else:
        text = str(value).strip().strip("'\"")
        if len(text) == 10:
            text += "T00:00:00"
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment


def utc_text(value):
    moment = parse_time(value)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def split_tags(value):
    if not value:
        return []
    if isinstance(value, str):
        return [tag.strip() for tag in value.split(",") if tag.strip()]
    return [str(tag) for tag in value]


def encode_cursor(key):
    return base64.urlsafe_b64encode(json.dumps(list(key)).encode()).decode()


def decode_cursor(cursor):
    try:
        return tuple(json.loads(base64.urlsafe_b64decode(cursor.encode()).decode()))
    except (ValueError, UnicodeDecodeError) as exc:
        raise GraphQLError("Invalid cursor for current pagination sort.") from exc


def is_connection(named_type):
    return named_type.name.endswith("Connection") and "pageInfo" in getattr(named_type, "fields", {})
