"""A small local Shopify: GraphQL Admin API, webhooks, faults, over HTTP.

Modelled on Shopify's published documentation (shopify.dev), not on our
client, so that tests of the client meet the behaviour of the real peer:

- ``POST /admin/api/{version}/graphql.json`` with the
  ``X-Shopify-Access-Token`` header (401 without the right token). The
  schema is a subset of the real Admin schema (``shopify_schema.graphql``,
  version 2025-01); documents are parsed and validated by graphql-core, so a
  misspelt field fails here as it would at Shopify.
- Calculated query cost, approximating Shopify's method: scalars and enums 0,
  objects 1, connections 2 + ``first`` × the cost of one node, mutations 10;
  a single query may not request more than 1000 points
  (``MAX_COST_EXCEEDED``). A leaky bucket per shop (standard plan: 2000
  points, restoring 100 points/s; both configurable) is charged the
  requested cost, then refunded down to the actual cost. When the bucket
  cannot cover a query the answer is HTTP 200 with
  ``errors: [{message: "Throttled", extensions: {code: "THROTTLED"}}]``.
  Every answer carries ``extensions.cost`` with ``requestedQueryCost``,
  ``actualQueryCost`` and ``throttleStatus``.
- Cursor pagination (``first``/``after``/``last``/``before``, ``pageInfo``,
  ``nodes`` and ``edges``; at most 250 per page) and the ``query:`` search
  syntax for ``updated_at``/``created_at``/``id``/``sku``/``title`` with
  ``:``, ``:>``, ``:>=``, ``:<``, ``:<=``.
- Mutations ``inventorySetQuantities`` (max 250 quantities per call, as for
  every input array), ``fulfillmentCreate`` (fulfillment-order based input
  of 2024-10+) and ``webhookSubscriptionCreate``.
- Bulk queries (shopify.dev, "Perform bulk operations with the GraphQL Admin
  API", 2025-01): ``bulkOperationRunQuery(query:)`` checks the document
  (valid against the schema, at least one connection, a nested
  connection's parent selects ``id``) and answers a ``CREATED`` operation;
  one query operation at a time per shop (``OPERATION_IN_PROGRESS``
  userError). ``currentBulkOperation`` and ``node(id:)`` are the polls: each
  one advances the operation, ``CREATED`` -> ``RUNNING`` for
  :attr:`ShopifySandbox.bulk_running_polls` polls -> ``COMPLETED``, when the
  query runs over the shop's data with unbounded connections and the result
  is flattened to JSONL: one object per line, nested connection nodes on
  their own lines with ``__parentId``, each parent before its children (the
  grouped output of 2025-01). The file is served at
  ``GET /bulk/<operation id>.jsonl`` without the access token (Shopify's
  URL is a signed storage link); ``url`` is null when the query found
  nothing. :meth:`ShopifySandbox.fail_next_bulk_operation` makes the next
  operation end ``FAILED`` with an ``errorCode``.
- Webhooks in the REST resource shape, signed ``X-Shopify-Hmac-Sha256`` =
  base64(HMAC-SHA256(raw body, client secret)), with the ``X-Shopify-Topic``,
  ``-Shop-Domain``, ``-Webhook-Id``, ``-Event-Id``, ``-Triggered-At`` and
  ``-API-Version`` headers; ``duplicate=True`` re-sends the same delivery
  (same ids) as Shopify's retries do; :meth:`deliver_out_of_order`.
- A fault plan for the next N API calls (429 with Retry-After, 5xx, delays),
  a random share of faulty calls (:meth:`ShopifySandbox.set_fault_rate`) and
  an outage window during which every call fails
  (:meth:`ShopifySandbox.start_outage`).
- A control API for demos and the Odoo-side tests: ``POST /_sandbox/orders``
  (creates an order, fires ``orders/create``; ``"webhook": false`` does
  not), ``POST /_sandbox/faults`` (``{"faults": [...], "count": n}``;
  ``{"bulk_fail": "TIMEOUT"}`` fails the next bulk operation;
  ``{"random": {"rate": 0.2, "faults": [...], "seed": 1}}`` disturbs each
  call with that probability, rate 0 stops it; ``{"outage": {"seconds":
  30, "status": 503}}`` takes the shop down; ``{"clear": true}`` first
  drops every fault), ``POST /_sandbox/webhooks``, ``POST /_sandbox/reset``,
  ``GET /_sandbox/state``; the demo shop adds ``/_sandbox/demo``
  (``{"paused": true}`` stops its order a minute).

Every API call is recorded in :attr:`ShopifySandbox.calls`.

Standalone (``--secret``/``--token`` default to random values, printed)::

    python3 tests/sandbox/shopify.py --port 8071 --webhook-url URL [--secret S] [--token T]

Demo shop (what ``scripts/run`` starts, see :func:`serve_demo`): Odoo's demo
products, location 1, an order every minute delivered to the demo backend,
with the demo backend's own webhook token and secrets, which are random per
database: ``scripts/demo_secrets.py`` reads them from the database into the
``SHOPIFY_DEMO_*`` environment variables::

    eval "$(scripts/demo_secrets.py --database DB --format shell)"
    cd tests && python3 -m sandbox.shopify --demo --odoo-url http://127.0.0.1:8069 --database DB
"""

import argparse
import base64
import copy
import hashlib
import hmac
import itertools
import json
import os
import random
import re
import secrets
import signal
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from datetime import date, datetime, timezone
from decimal import ROUND_HALF_UP, Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from graphql import (
    GraphQLError,
    build_schema,
    execute,
    get_named_type,
    is_leaf_type,
    parse,
    validate,
)
from graphql.execution.values import get_argument_values, get_variable_values
from graphql.language import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
)

SCHEMA_PATH = Path(__file__).with_name("shopify_schema.graphql")
DEFAULT_API_VERSION = "2025-01"
DEFAULT_ACCESS_TOKEN = "shpat_sandbox_0123456789abcdef"
DEFAULT_CLIENT_SECRET = "sandbox-client-secret"
DEFAULT_SHOP_DOMAIN = "sandbox-outdoor.myshopify.com"
# what set_fault_rate draws from by default: throttling, server errors, a
# call that answers only after a client's timeout
DEFAULT_RANDOM_FAULTS = (
    {"status": 429, "retry_after": 2},
    {"status": 500},
    {"status": 502},
    {"status": 503},
    {"delay": 30},
)
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
_FINANCIAL = {
    "pending",
    "authorized",
    "partially_paid",
    "paid",
    "partially_refunded",
    "refunded",
    "voided",
    "expired",
}
_FULFILLMENT_DISPLAY = {
    None: "UNFULFILLED",
    "unfulfilled": "UNFULFILLED",
    "partial": "PARTIALLY_FULFILLED",
    "fulfilled": "FULFILLED",
    "restocked": "RESTOCKED",
}
_SEARCH_TERM = re.compile(r"""(-?)([A-Za-z_]+):(>=|<=|>|<)?("[^"]*"|'[^']*'|\S+)""")


# ----------------------------------------------------------------------------
# small helpers
# ----------------------------------------------------------------------------


def _dec(value):
    if value is None or value == "":
        return ZERO
    if isinstance(value, dict):
        value = value.get("amount")
    return Decimal(str(value))


def _cents(value):
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def _rest_amount_text(value):
    return str(_cents(value))


def _graphql_amount_text(value):
    """Shopify's Decimal scalar: ``"199.0"``, ``"11.94"``."""
    text = format(_cents(value).normalize(), "f")
    return text if "." in text else text + ".0"


def _rest_bag(value, currency):
    money = {"amount": _rest_amount_text(value), "currency_code": currency}
    return {"shop_money": money, "presentment_money": dict(money)}


def _rest_money(obj, field):
    """Shop money of a REST field: ``field_set.shop_money.amount`` or ``field``."""
    bag = obj.get(field + "_set") if isinstance(obj, dict) else None
    if isinstance(bag, dict) and isinstance(bag.get("shop_money"), dict):
        return _dec(bag["shop_money"].get("amount"))
    return _dec(obj.get(field) if isinstance(obj, dict) else None)


def _gid(kind, value):
    return f"{GID}{kind}/{value}"


def _legacy(gid_value, kind=None):
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


def _parse_time(value):
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


def _utc_text(value):
    moment = _parse_time(value)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def _split_tags(value):
    if not value:
        return []
    if isinstance(value, str):
        return [tag.strip() for tag in value.split(",") if tag.strip()]
    return [str(tag) for tag in value]


def _encode_cursor(key):
    return base64.urlsafe_b64encode(json.dumps(list(key)).encode()).decode()


def _decode_cursor(cursor):
    try:
        return tuple(json.loads(base64.urlsafe_b64decode(cursor.encode()).decode()))
    except (ValueError, UnicodeDecodeError) as exc:
        raise GraphQLError("Invalid cursor for current pagination sort.") from exc


def _is_connection(named_type):
    return named_type.name.endswith("Connection") and "pageInfo" in getattr(named_type, "fields", {})


class LeakyBucket:
    """Shopify's query-cost bucket: ``size`` points, refilled at ``restore_rate``/s."""

    def __init__(self, size=STANDARD_BUCKET_SIZE, restore_rate=STANDARD_RESTORE_RATE, clock=None):
        self.size = float(size)
        self.restore_rate = float(restore_rate)
        self._clock = clock or time.monotonic
        self._available = float(size)
        self._stamp = self._clock()

    def _restore(self):
        now = self._clock()
        self._available = min(self.size, self._available + (now - self._stamp) * self.restore_rate)
        self._stamp = now

    def take(self, cost):
        self._restore()
        if cost > self._available:
            return False
        self._available -= cost
        return True

    def refund(self, points):
        self._restore()
        self._available = min(self.size, self._available + max(points, 0))

    def drain(self, points=None):
        """Empty the bucket (or remove ``points``): lets tests provoke THROTTLED."""
        self._restore()
        self._available = max(0.0, self._available - (self.size if points is None else points))

    def status(self):
        self._restore()
        return {
            "maximumAvailable": self.size,
            "currentlyAvailable": int(self._available),
            "restoreRate": self.restore_rate,
        }


# ----------------------------------------------------------------------------
# the sandbox
# ----------------------------------------------------------------------------


class ShopifySandbox:
    """A local Shopify shop. ``with ShopifySandbox() as shop: shop.base_url``."""

    def __init__(
        self,
        *,
        access_token=DEFAULT_ACCESS_TOKEN,
        client_secret=DEFAULT_CLIENT_SECRET,
        shop_domain=DEFAULT_SHOP_DOMAIN,
        api_version=DEFAULT_API_VERSION,
        webhook_url=None,
        bucket_size=STANDARD_BUCKET_SIZE,
        restore_rate=STANDARD_RESTORE_RATE,
        max_query_cost=MAX_QUERY_COST,
        currency="EUR",
        timezone_name="Europe/Berlin",
        seed=True,
        host="127.0.0.1",
        port=0,
        first_id=5_100_000_001,
        first_order_number=1001,
        bulk_running_polls=1,
    ):
        self.access_token = access_token
        self.client_secret = client_secret
        self.shop_domain = shop_domain
        self.api_version = api_version
        self.webhook_url = webhook_url
        self.max_query_cost = max_query_cost
        self.currency = currency
        self.tz = ZoneInfo(timezone_name)
        self.timezone_name = timezone_name
        self.host = host
        self.port = port
        self.first_id = first_id
        self.first_order_number = first_order_number
        self.default_bulk_running_polls = bulk_running_polls
        self._bulk_unbounded = False
        self.bucket = LeakyBucket(bucket_size, restore_rate)
        self.schema = build_schema(SCHEMA_PATH.read_text(encoding="utf-8"))
        self._install_resolvers()
        self._lock = threading.RLock()
        self._stopping = threading.Event()
        self._server = None
        self._thread = None
        self._seed_on_reset = seed
        self.reset(seed=seed)

    # -- lifecycle -----------------------------------------------------------

    def reset(self, seed=None):
        """Forget everything (store, calls, faults, deliveries) and reseed."""
        with self._lock:
            self._ids = itertools.count(self.first_id)
            self._order_numbers = itertools.count(self.first_order_number)
            self.shop = {
                "id": 60_000_001,
                "name": "Sandbox Outdoor Shop",
                "email": "owner@sandbox-outdoor.example",
                "myshopify_domain": self.shop_domain,
                "currency": self.currency,
                "iana_timezone": self.timezone_name,
                "plan_display_name": "Basic",
            }
            self.default_tax_rate = Decimal("0.19")
            self.default_tax_title = "VAT"
            self.locations = {}
            self.products = {}
            self.variants = {}
            self.inventory_items = {}
            self.levels = {}
            self.customers = {}
            self.orders = {}
            self.fulfillment_orders = {}
            self.fulfillments = {}
            self.webhook_subscriptions = {}
            self.adjustment_groups = []
            self.calls = []
            self.webhook_deliveries = []
            self._faults = []
            self._fault_rate = 0.0
            self._rate_faults = []
            self._fault_rng = random.Random()
            self._outage_until = 0.0
            self._outage_status = 503
            self.bulk_operations = {}
            self.bulk_files = {}
            self.bulk_downloads = []
            self.bulk_running_polls = self.default_bulk_running_polls
            self._bulk_fail_next = None
            self.bucket.refund(self.bucket.size)
            if seed if seed is not None else self._seed_on_reset:
                self.seed_default()

    def start(self):
        """Serve on ``host:port`` (a free port when 0); returns the base URL."""
        if self._server:
            return self.base_url
        sandbox = self

        class Handler(_Handler):
            pass

        Handler.sandbox = sandbox
        self._stopping.clear()
        self._server = _Server((self.host, self.port), Handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"shopify-sandbox-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self.base_url

    def stop(self):
        self._stopping.set()
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    @property
    def base_url(self):
        return f"http://{self.host}:{self.port}"

    @property
    def graphql_url(self):
        return f"{self.base_url}/admin/api/{self.api_version}/graphql.json"

    def now(self):
        return datetime.now(timezone.utc).replace(microsecond=0)

    def _rest_time(self, value):
        moment = _parse_time(value)
        return moment.astimezone(self.tz).isoformat(timespec="seconds") if moment else None

    def _next_id(self):
        return next(self._ids)

    # -- seed data -------------------------------------------------------------

    def add_location(
        self, name, *, country_code="DE", city=None, address1=None, zip_code=None, location_id=None
    ):
        with self._lock:
            location_id = location_id or self._next_id()
            now = self._rest_time(self.now())
            self.locations[location_id] = {
                "id": location_id,
                "name": name,
                "address1": address1,
                "address2": None,
                "city": city,
                "zip": zip_code,
                "province": None,
                "province_code": None,
                "country": country_code,
                "country_code": country_code,
                "phone": None,
                "active": True,
                "created_at": now,
                "updated_at": now,
                "admin_graphql_api_id": _gid("Location", location_id),
            }
            return copy.deepcopy(self.locations[location_id])

    def add_product(
        self, title, variants, *, vendor="Sandbox Outdoor", product_type="", product_id=None, updated_at=None
    ):
        """``variants``: dicts with title, sku, barcode, price and optional
        ``stock`` (an int for every location, or ``{location_id: qty}``) and
        ``id`` / ``inventory_item_id``."""
        with self._lock:
            product_id = product_id or self._next_id()
            stamp = self._rest_time(updated_at or self.now())
            handle = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
            product = {
                "id": product_id,
                "title": title,
                "handle": handle,
                "status": "active",
                "vendor": vendor,
                "product_type": product_type,
                "tags": "",
                "created_at": stamp,
                "updated_at": stamp,
                "admin_graphql_api_id": _gid("Product", product_id),
                "options": [{"name": "Title"}],
                "images": [],
                "variants": [],
            }
            self.products[product_id] = product
            for spec in variants:
                self._add_variant(product, spec)
            return copy.deepcopy(product)

    def _add_variant(self, product, spec):
        variant_id = spec.get("id") or self._next_id()
        item_id = spec.get("inventory_item_id") or self._next_id()
        title = spec.get("title") or "Default Title"
        variant = {
            "id": variant_id,
            "product_id": product["id"],
            "title": title,
            "sku": spec.get("sku") or "",
            "barcode": spec.get("barcode"),
            "price": _rest_amount_text(_dec(spec.get("price"))),
            "position": len(product["variants"]) + 1,
            "inventory_item_id": item_id,
            "inventory_management": "shopify",
            "inventory_policy": "deny",
            "taxable": True,
            "requires_shipping": True,
            "grams": spec.get("grams", 0),
            "option1": title,
            "created_at": product["created_at"],
            "updated_at": product["updated_at"],
            "admin_graphql_api_id": _gid("ProductVariant", variant_id),
        }
        product["variants"].append(variant)
        self.variants[variant_id] = variant
        self.inventory_items[item_id] = {
            "id": item_id,
            "sku": variant["sku"],
            "tracked": True,
            "variant_id": variant_id,
        }
        stock = spec.get("stock", 0)
        per_location = stock if isinstance(stock, dict) else dict.fromkeys(self.locations, stock)
        for location_id, quantity in per_location.items():
            if "stock" in spec or (item_id, int(location_id)) not in self.levels:
                self._set_level(item_id, int(location_id), int(quantity))
        return variant

    def _set_level(self, item_id, location_id, available, on_hand=None):
        self.levels[(item_id, location_id)] = {
            "available": available,
            "on_hand": available if on_hand is None else on_hand,
            "updated_at": _utc_text(self.now()),
        }

    def seed_default(self):
        """Two locations, three products (five variants with SKUs and EAN
        barcodes) stocked at both, and three orders spread over 2024."""
        main = self.add_location("Main Warehouse", city="Berlin", address1="Lagerstraße 1", zip_code="10115")
        store = self.add_location("Store Munich", city="München", address1="Marienplatz 2", zip_code="80331")
        self.add_product(
            "Trail Runner Shoe",
            [
                {"title": "42", "sku": "TRS-42", "barcode": "4006381333931", "price": "89.90", "stock": 25},
                {"title": "43", "sku": "TRS-43", "barcode": "4006381333948", "price": "89.90", "stock": 12},
            ],
            product_type="Shoes",
        )
        self.add_product(
            "Merino T-Shirt",
            [
                {"title": "S", "sku": "MTS-S", "barcode": "4006381333955", "price": "39.00", "stock": 40},
                {"title": "M", "sku": "MTS-M", "barcode": "4006381333962", "price": "39.00", "stock": 35},
            ],
            product_type="Apparel",
        )
        self.add_product(
            "Steel Water Bottle",
            [{"sku": "SWB-750", "barcode": "4006381333979", "price": "24.50", "stock": {main["id"]: 100}}],
            product_type="Accessories",
        )
        self.create_order(
            {
                "created_at": "2024-01-05T09:30:00Z",
                "lines": [{"sku": "TRS-42", "quantity": 1}, {"sku": "SWB-750", "quantity": 2}],
                "shipping": {"title": "Standard", "price": "4.90"},
                "financial_status": "paid",
            }
        )
        self.create_order(
            {
                "created_at": "2024-02-10T15:00:00Z",
                "customer": {"first_name": "Max", "last_name": "Mustermann", "email": "max@example.com"},
                "lines": [{"sku": "MTS-M", "quantity": 3}],
                "discount_code": {"code": "WINTER10", "percentage": 10},
                "shipping": {"title": "Express", "price": "9.90"},
                "financial_status": "paid",
                "tags": "vip, newsletter",
            }
        )
        self.create_order(
            {
                "created_at": "2024-03-15T11:45:00Z",
                "customer": {"first_name": "Erika", "last_name": "Musterfrau", "email": "erika@example.com"},
                "lines": [{"sku": "TRS-43", "quantity": 1}],
                "taxes_included": True,
                "location_id": store["id"],
                "gateway": "shopify_payments",
                "financial_status": "paid",
            }
        )

    def seed_from_fixtures(self, directory):
        """Load Shopify's REST sample resources (locations, products,
        inventory levels, orders) from ``directory``.

        The samples are old demo data: products that orders reference are
        missing from ``products.json``, and variants have no
        ``inventory_item_id``. Referenced products are added from the order
        lines, and a variant's inventory item reuses the variant id.
        """
        directory = Path(directory)

        def load(name):
            path = directory / name
            return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None

        with self._lock:
            for location in (load("locations.json") or {}).get("locations", []):
                self.add_location(
                    location["name"],
                    country_code=location.get("country_code") or "US",
                    location_id=location["id"],
                )
            products = load("products.json") or []
            for product in products.get("products", []) if isinstance(products, dict) else products:
                self.add_product(
                    product["title"],
                    [
                        {
                            "id": variant["id"],
                            "inventory_item_id": variant.get("inventory_item_id") or variant["id"],
                            "title": variant.get("title"),
                            "sku": variant.get("sku"),
                            "barcode": variant.get("barcode"),
                            "price": variant.get("price"),
                        }
                        for variant in product.get("variants", [])
                    ],
                    vendor=product.get("vendor") or "",
                    product_id=product["id"],
                )
            orders = []
            single = load("order.json")
            if single:
                orders.append(single["order"])
            listing = load("orders.json")
            if listing:
                orders.extend(
                    order for order in listing["orders"] if order["id"] not in {o["id"] for o in orders}
                )
            for order in orders:
                self.add_rest_order(order)
            for level in (load("inventory_levels.json") or {}).get("inventory_levels", []):
                self._set_level(level["inventory_item_id"], level["location_id"], level.get("available") or 0)

    def add_rest_order(self, order):
        """Store a REST-shaped order as given (e.g. one of Shopify's samples)."""
        with self._lock:
            order = copy.deepcopy(order)
            for line in order.get("line_items") or []:
                variant_id = line.get("variant_id")
                if not variant_id or variant_id in self.variants:
                    continue
                spec = {
                    "id": variant_id,
                    "inventory_item_id": variant_id,
                    "title": line.get("variant_title"),
                    "sku": line.get("sku"),
                    "price": line.get("price"),
                }
                product = self.products.get(line.get("product_id"))
                if product:
                    self._add_variant(product, spec)
                else:
                    self.add_product(
                        line.get("title") or line.get("name") or "Product",
                        [spec],
                        product_id=line.get("product_id"),
                        vendor=line.get("vendor") or "",
                    )
            self.orders[order["id"]] = order
            self._open_fulfillment_orders(order, {})
            return copy.deepcopy(order)

    # -- orders ------------------------------------------------------------------

    def _variant_by_sku(self, sku):
        for variant in self.variants.values():
            if variant.get("sku") == sku:
                return variant, self.products[variant["product_id"]]
        return None, None

    def _customer(self, spec):
        email = spec.get("email") or "jane.doe@example.com"
        customer = self.customers.get(email)
        if not customer:
            customer_id = self._next_id()
            customer = {
                "id": customer_id,
                "email": email,
                "first_name": spec.get("first_name", "Jane"),
                "last_name": spec.get("last_name", "Doe"),
                "phone": spec.get("phone"),
                "admin_graphql_api_id": _gid("Customer", customer_id),
            }
            self.customers[email] = customer
        return customer

    def _address(self, customer, spec):
        spec = spec or {}
        first = spec.get("first_name", customer["first_name"])
        last = spec.get("last_name", customer["last_name"])
        return {
            "first_name": first,
            "last_name": last,
            "name": " ".join(p for p in (first, last) if p),
            "company": spec.get("company"),
            "address1": spec.get("address1", "Hauptstraße 1"),
            "address2": spec.get("address2", ""),
            "city": spec.get("city", "Berlin"),
            "zip": spec.get("zip", "10115"),
            "province": spec.get("province"),
            "province_code": spec.get("province_code"),
            "country": spec.get("country", "Germany"),
            "country_code": spec.get("country_code", "DE"),
            "phone": spec.get("phone", customer.get("phone")),
        }

    def _tax(self, net, rate, included):
        if not rate:
            return ZERO
        if included:
            return _cents(net - net / (1 + rate))
        return _cents(net * rate)

    def create_order(self, spec=None, *, notify=False):
        """Create an order the way Shopify would present it (REST shape of a
        recent API version, money bags, discount allocations, line taxes),
        with its fulfillment orders. ``notify`` fires ``orders/create``.

        ``spec`` keys (all optional): ``lines`` [{sku, quantity, price,
        discount, tax_rate}], ``customer`` {first_name, last_name, email,
        phone}, ``billing_address``/``shipping_address``, ``shipping``
        {title, price, code, tax_rate}, ``discount_code`` {code, amount |
        percentage}, ``taxes_included``, ``tax_rate``, ``currency``,
        ``created_at``/``updated_at``, ``location_id`` (POS order),
        ``fulfillment_locations`` {sku: location_id}, ``financial_status``,
        ``gateway``, ``tags``, ``note``, ``id``, ``email``.
        """
        spec = dict(spec or {})
        with self._lock:
            order = self._build_order(spec)
            self.orders[order["id"]] = order
            self._open_fulfillment_orders(order, spec.get("fulfillment_locations") or {})
            result = copy.deepcopy(order)
        if notify:
            self.send_webhook("orders/create", result)
        return result

    def _build_order(self, spec):
        currency = spec.get("currency") or self.currency
        included = bool(spec.get("taxes_included", False))
        default_rate = Decimal(str(spec.get("tax_rate", self.default_tax_rate)))
        created = _parse_time(spec.get("created_at")) or self.now()
        updated = _parse_time(spec.get("updated_at")) or created
        order_id = spec.get("id") or self._next_id()
        number = next(self._order_numbers)
        customer = self._customer(spec.get("customer") or {})
        lines_spec = spec.get("lines") or [{"sku": next(iter(self.variants.values()))["sku"], "quantity": 1}]

        lines = []
        applications = []
        for line_spec in lines_spec:
            variant, product = self._variant_by_sku(line_spec.get("sku"))
            if variant is None and line_spec.get("price") is None:
                raise ValueError(f"unknown SKU {line_spec.get('sku')!r} and no price given")
            quantity = int(line_spec.get("quantity", 1))
            price = _dec(line_spec.get("price", variant and variant["price"]))
            rate = Decimal(str(line_spec.get("tax_rate", default_rate)))
            title = product["title"] if product else line_spec.get("title", "Custom item")
            variant_title = variant["title"] if variant else None
            line_id = self._next_id()
            line = {
                "id": line_id,
                "admin_graphql_api_id": _gid("LineItem", line_id),
                "product_id": product["id"] if product else None,
                "variant_id": variant["id"] if variant else None,
                "sku": (variant or {}).get("sku") or line_spec.get("sku") or "",
                "title": title,
                "variant_title": variant_title if variant_title != "Default Title" else None,
                "name": title if variant_title in (None, "Default Title") else f"{title} - {variant_title}",
                "vendor": product.get("vendor") if product else None,
                "quantity": quantity,
                "current_quantity": quantity,
                "fulfillable_quantity": quantity,
                "fulfillment_status": None,
                "fulfillment_service": "manual",
                "requires_shipping": True,
                "taxable": bool(rate),
                "gift_card": False,
                "grams": 0,
                "price": _rest_amount_text(price),
                "price_set": _rest_bag(price, currency),
                "total_discount": "0.00",
                "total_discount_set": _rest_bag(ZERO, currency),
                "discount_allocations": [],
                "tax_lines": [],
                "properties": [],
                "product_exists": product is not None,
                "_rate": rate,
            }
            if line_spec.get("discount"):
                amount = _cents(_dec(line_spec["discount"]))
                applications.append(
                    {
                        "type": "manual",
                        "title": "Line discount",
                        "description": "Line discount",
                        "value": _rest_amount_text(amount),
                        "value_type": "fixed_amount",
                        "allocation_method": "one",
                        "target_selection": "explicit",
                        "target_type": "line_item",
                    }
                )
                line["discount_allocations"].append(
                    {
                        "amount": _rest_amount_text(amount),
                        "amount_set": _rest_bag(amount, currency),
                        "discount_application_index": len(applications) - 1,
                    }
                )
            lines.append(line)

        def net(line):
            gross = _dec(line["price"]) * line["quantity"]
            return gross - sum((_dec(a["amount"]) for a in line["discount_allocations"]), ZERO)

        discount_codes = []
        code = spec.get("discount_code")
        if code:
            base = sum((net(line) for line in lines), ZERO)
            if code.get("percentage") is not None:
                amount = _cents(base * Decimal(str(code["percentage"])) / 100)
                value, value_type = str(code["percentage"]), "percentage"
            else:
                amount = _cents(_dec(code.get("amount")))
                value, value_type = _rest_amount_text(amount), "fixed_amount"
            amount = min(amount, base)
            applications.append(
                {
                    "type": "discount_code",
                    "code": code["code"],
                    "value": value,
                    "value_type": value_type,
                    "allocation_method": "across",
                    "target_selection": "all",
                    "target_type": "line_item",
                }
            )
            index = len(applications) - 1
            remaining = amount
            for position, line in enumerate(lines):
                share = (
                    remaining
                    if position == len(lines) - 1
                    else _cents(amount * net(line) / base)
                    if base
                    else ZERO
                )
                remaining -= share
                line["discount_allocations"].append(
                    {
                        "amount": _rest_amount_text(share),
                        "amount_set": _rest_bag(share, currency),
                        "discount_application_index": index,
                    }
                )
            discount_codes.append(
                {"code": code["code"], "amount": _rest_amount_text(amount), "type": value_type}
            )

        subtotal = total_tax = total_discounts = line_items_price = ZERO
        tax_summary = {}
        for line in lines:
            rate = line.pop("_rate")
            line_net = net(line)
            tax = self._tax(line_net, rate, included)
            if rate:
                line["tax_lines"] = [
                    {
                        "title": self.default_tax_title,
                        "rate": float(rate),
                        "price": _rest_amount_text(tax),
                        "price_set": _rest_bag(tax, currency),
                        "channel_liable": False,
                    }
                ]
                tax_summary[(self.default_tax_title, float(rate))] = (
                    tax_summary.get((self.default_tax_title, float(rate)), ZERO) + tax
                )
            subtotal += line_net
            total_tax += tax
            total_discounts += _dec(line["price"]) * line["quantity"] - line_net
            line_items_price += _dec(line["price"]) * line["quantity"]

        shipping_lines = []
        shipping_total = ZERO
        ship = spec.get("shipping")
        if ship:
            price = _cents(_dec(ship.get("price")))
            rate = Decimal(str(ship.get("tax_rate", default_rate)))
            tax = self._tax(price, rate, included)
            shipping_lines.append(
                {
                    "id": self._next_id(),
                    "title": ship.get("title", "Standard"),
                    "code": ship.get("code", ship.get("title", "Standard")),
                    "source": "shopify",
                    "price": _rest_amount_text(price),
                    "price_set": _rest_bag(price, currency),
                    "discounted_price": _rest_amount_text(price),
                    "discounted_price_set": _rest_bag(price, currency),
                    "discount_allocations": [],
                    "tax_lines": [
                        {
                            "title": self.default_tax_title,
                            "rate": float(rate),
                            "price": _rest_amount_text(tax),
                            "price_set": _rest_bag(tax, currency),
                            "channel_liable": False,
                        }
                    ]
                    if rate
                    else [],
                }
            )
            if rate:
                tax_summary[(self.default_tax_title, float(rate))] = (
                    tax_summary.get((self.default_tax_title, float(rate)), ZERO) + tax
                )
            shipping_total += price
            total_tax += tax
        total = subtotal + shipping_total + (ZERO if included else total_tax)
        gateway = spec.get("gateway", "manual")
        billing = self._address(customer, spec.get("billing_address"))
        shipping_address = self._address(
            customer, spec.get("shipping_address") or spec.get("billing_address")
        )
        rest_created = self._rest_time(created)
        order = {
            "id": order_id,
            "admin_graphql_api_id": _gid("Order", order_id),
            "name": spec.get("name") or f"#{number}",
            "number": number - 1000,
            "order_number": number,
            "email": spec.get("email", customer["email"]),
            "contact_email": spec.get("email", customer["email"]),
            "phone": None,
            "created_at": rest_created,
            "processed_at": rest_created,
            "updated_at": self._rest_time(updated),
            "cancelled_at": None,
            "cancel_reason": None,
            "closed_at": None,
            "currency": currency,
            "presentment_currency": currency,
            "taxes_included": included,
            "test": False,
            "confirmed": True,
            "financial_status": spec.get("financial_status", "paid"),
            "fulfillment_status": None,
            "gateway": gateway,
            "payment_gateway_names": [gateway] if gateway else [],
            "source_name": "pos" if spec.get("location_id") else "web",
            "location_id": spec.get("location_id"),
            "note": spec.get("note"),
            "tags": spec.get("tags", ""),
            "discount_codes": discount_codes,
            "discount_applications": applications,
            "subtotal_price": _rest_amount_text(subtotal),
            "subtotal_price_set": _rest_bag(subtotal, currency),
            "total_line_items_price": _rest_amount_text(line_items_price),
            "total_line_items_price_set": _rest_bag(line_items_price, currency),
            "total_discounts": _rest_amount_text(total_discounts),
            "total_discounts_set": _rest_bag(total_discounts, currency),
            "total_shipping_price_set": _rest_bag(shipping_total, currency),
            "total_tax": _rest_amount_text(total_tax),
            "total_tax_set": _rest_bag(total_tax, currency),
            "total_price": _rest_amount_text(total),
            "total_price_set": _rest_bag(total, currency),
            "current_subtotal_price": _rest_amount_text(subtotal),
            "current_total_discounts": _rest_amount_text(total_discounts),
            "current_total_tax": _rest_amount_text(total_tax),
            "current_total_price": _rest_amount_text(total),
            "current_total_price_set": _rest_bag(total, currency),
            "tax_lines": [
                {
                    "title": title,
                    "rate": rate,
                    "price": _rest_amount_text(amount),
                    "price_set": _rest_bag(amount, currency),
                    "channel_liable": False,
                }
                for (title, rate), amount in tax_summary.items()
            ],
            "customer": {
                **customer,
                "created_at": rest_created,
                "updated_at": rest_created,
                "state": "enabled",
                "tags": "",
                "currency": currency,
            },
            "billing_address": billing,
            "shipping_address": shipping_address,
            "line_items": lines,
            "shipping_lines": shipping_lines,
            "fulfillments": [],
            "refunds": [],
        }
        return order

    def _open_fulfillment_orders(self, order, locations_by_sku):
        default_location = next(iter(self.locations), None)
        groups = {}
        for line in order.get("line_items") or []:
            if not line.get("requires_shipping", True) or not line.get("quantity"):
                continue
            location = int(
                locations_by_sku.get(line.get("sku"), order.get("location_id") or default_location or 0)
            )
            groups.setdefault(location, []).append(line)
        stamp = _utc_text(self.now())
        for location_id, lines in groups.items():
            fo_id = self._next_id()
            self.fulfillment_orders[fo_id] = {
                "id": fo_id,
                "order_id": order["id"],
                "status": "OPEN",
                "request_status": "UNSUBMITTED",
                "location_id": location_id,
                "created_at": stamp,
                "updated_at": stamp,
                "line_items": [
                    {
                        "id": self._next_id(),
                        "line_item_id": line["id"],
                        "sku": line.get("sku"),
                        "total_quantity": line["quantity"],
                        "remaining_quantity": line["quantity"],
                    }
                    for line in lines
                ],
            }

    def update_order(self, order_id, *, updated_at=None, notify=False, **changes):
        """Change REST fields of an order and bump ``updated_at``."""
        with self._lock:
            order = self.orders[int(order_id)]
            order.update(changes)
            order["updated_at"] = self._rest_time(updated_at or self.now())
            result = copy.deepcopy(order)
        if notify:
            self.send_webhook("orders/updated", result)
        return result

    def rest_order(self, order_id):
        """The order as a webhook body would carry it."""
        with self._lock:
            return copy.deepcopy(self.orders[int(order_id)])

    def rest_product(self, product_id):
        with self._lock:
            return copy.deepcopy(self.products[int(product_id)])

    def inventory_quantity(self, inventory_item_id, location_id, name="available"):
        with self._lock:
            level = self.levels.get((int(inventory_item_id), int(location_id)))
            return level[name] if level else None

    # -- faults --------------------------------------------------------------------

    def inject_faults(self, faults, count=None):
        """Disturb the next ``count`` API calls (default: one per fault),
        taking the faults in turn. A fault is a dict:
        ``{"status": 429, "retry_after": 2}`` (answer with that status and a
        ``Retry-After`` header), ``{"status": 503}``, ``{"delay": 6}`` (wait
        that many seconds first, then answer normally unless a status is
        also given)."""
        faults = [dict(fault) for fault in faults]
        if not faults:
            return
        count = len(faults) if count is None else int(count)
        with self._lock:
            self._faults.extend(itertools.islice(itertools.cycle(faults), count))

    def set_fault_rate(self, rate, faults=None, seed=None):
        """Disturb each API call with probability ``rate`` (0 stops it), with
        a fault drawn at random from ``faults`` (dicts as for
        :meth:`inject_faults`; default: 429, 500, 502, 503 and a 30 s delay,
        equally likely). The plan of :meth:`inject_faults` goes first."""
        rate = float(rate or 0)
        if not 0 <= rate <= 1:
            raise ValueError("the fault rate is a fraction between 0 and 1")
        faults = [dict(fault) for fault in (faults or DEFAULT_RANDOM_FAULTS)]
        with self._lock:
            self._fault_rate = rate
            self._rate_faults = faults
            self._fault_rng = random.Random(seed)

    def start_outage(self, seconds, status=503):
        """The shop is down for ``seconds`` from now: every API call (and
        bulk file download) is answered ``status``; 0 ends an outage."""
        with self._lock:
            self._outage_until = time.monotonic() + max(float(seconds), 0.0)
            self._outage_status = int(status)

    def outage_remaining(self):
        with self._lock:
            return max(self._outage_until - time.monotonic(), 0.0)

    def clear_faults(self):
        """Drop the fault plan, the random faults, an outage and a bulk failure."""
        with self._lock:
            self._faults.clear()
            self._bulk_fail_next = None
            self._fault_rate = 0.0
            self._outage_until = 0.0

    def _next_fault(self):
        """The fault for the call being handled (under the lock), or None."""
        if self._outage_until > time.monotonic():
            return {"status": self._outage_status, "outage": True}
        if self._faults:
            return self._faults.pop(0)
        if self._fault_rate and self._fault_rng.random() < self._fault_rate:
            return dict(self._fault_rng.choice(self._rate_faults), random=True)
        return None

    def fail_next_bulk_operation(self, error_code="INTERNAL_SERVER_ERROR"):
        """The next bulk operation started ends ``FAILED`` with ``error_code``
        (``ACCESS_DENIED``, ``INTERNAL_SERVER_ERROR`` or ``TIMEOUT``) where it
        would have completed, without a partial file."""
        if error_code not in BULK_ERROR_CODES:
            raise ValueError(f"not a BulkOperationErrorCode: {error_code}")
        with self._lock:
            self._bulk_fail_next = error_code

    # -- webhooks ----------------------------------------------------------------

    def _webhook_headers(self, topic, body, *, event_id=None, webhook_id=None, triggered_at=None):
        digest = hmac.new(self.client_secret.encode(), body, hashlib.sha256).digest()
        return {
            "Content-Type": "application/json",
            "User-Agent": "Shopify-Captain-Hook",
            "X-Shopify-Topic": topic,
            "X-Shopify-Hmac-Sha256": base64.b64encode(digest).decode(),
            "X-Shopify-Shop-Domain": self.shop_domain,
            "X-Shopify-API-Version": self.api_version,
            "X-Shopify-Webhook-Id": webhook_id or str(uuid.uuid4()),
            "X-Shopify-Event-Id": event_id or str(uuid.uuid4()),
            "X-Shopify-Triggered-At": triggered_at or datetime.now(timezone.utc).isoformat(),
        }

    def _post(self, url, body, headers, timeout):
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            with opener.open(request, timeout=timeout) as response:
                return {"status": response.status, "error": None}
        except urllib.error.HTTPError as exc:
            return {"status": exc.code, "error": str(exc.reason)}
        except (urllib.error.URLError, OSError) as exc:
            return {"status": None, "error": str(getattr(exc, "reason", exc))}

    def send_webhook(self, topic, payload, duplicate=False, *, url=None, event_id=None, timeout=5.0):
        """Deliver ``payload`` (REST shape) for ``topic`` to ``url`` (default
        :attr:`webhook_url`), signed with :attr:`client_secret`.

        ``duplicate=True`` delivers the very same request twice (same body,
        same webhook and event ids), as Shopify does when it retries.
        Returns one ``{"status", "error", "headers"}`` dict per delivery.
        """
        url = url or self.webhook_url
        if not url:
            raise RuntimeError("no webhook URL configured")
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode("utf-8")
        headers = self._webhook_headers(topic, body, event_id=event_id)
        results = []
        for attempt in range(2 if duplicate else 1):
            result = self._post(url, body, headers, timeout)
            result["headers"] = dict(headers)
            results.append(result)
            with self._lock:
                self.webhook_deliveries.append(
                    {
                        "topic": topic,
                        "url": url,
                        "event_id": headers["X-Shopify-Event-Id"],
                        "webhook_id": headers["X-Shopify-Webhook-Id"],
                        "attempt": attempt + 1,
                        "status": result["status"],
                        "error": result["error"],
                    }
                )
        return results

    def deliver_out_of_order(self, deliveries, **kwargs):
        """Deliver ``[(topic, payload), ...]`` last first (Shopify does not
        guarantee order). Returns the results in delivery order."""
        results = []
        for topic, payload in reversed(list(deliveries)):
            results.extend(self.send_webhook(topic, payload, **kwargs))
        return results

    # -- state ---------------------------------------------------------------------

    def state(self):
        with self._lock:
            operations = Counter(call.get("operation") or "?" for call in self.calls)
            return {
                "calls": len(self.calls),
                "operations": dict(operations),
                "throttled": sum(1 for call in self.calls if call.get("throttled")),
                "faults_pending": len(self._faults),
                "faulted": dict(
                    Counter(_fault_label(call["fault"]) for call in self.calls if call.get("fault"))
                ),
                "fault_rate": self._fault_rate,
                "outage_remaining": round(max(self._outage_until - time.monotonic(), 0.0), 1),
                "bucket": self.bucket.status(),
                "orders": len(self.orders),
                "products": len(self.products),
                "inventory": {
                    f"{item_id}@{location_id}": level["available"]
                    for (item_id, location_id), level in sorted(self.levels.items())
                },
                "inventory_calls": operations.get("inventorySetQuantities", 0),
                "fulfillments": [
                    {
                        "id": fulfillment["id"],
                        "order_id": fulfillment["order_id"],
                        "name": fulfillment["name"],
                        "tracking_number": fulfillment.get("tracking_number"),
                        "line_items": [
                            {"line_item_id": line["id"], "sku": line.get("sku"), "quantity": line["quantity"]}
                            for line in fulfillment["line_items"]
                        ],
                    }
                    for fulfillment in self.fulfillments.values()
                ],
                "webhook_subscriptions": len(self.webhook_subscriptions),
                "bulk_operations": {
                    _gid("BulkOperation", op["id"]): op["status"] for op in self.bulk_operations.values()
                },
                "webhooks": {
                    "sent": len(self.webhook_deliveries),
                    "failed": sum(
                        1
                        for delivery in self.webhook_deliveries
                        if not delivery["status"] or not 200 <= delivery["status"] < 300
                    ),
                },
            }

    # -- HTTP entry points (called from the handler thread) ----------------------

    def _handle(self, handler, method):
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        if parts.path.startswith("/_sandbox/"):
            return self._handle_control(handler, method, parts.path, raw)
        bulk = BULK_PATH_RE.match(parts.path)
        if bulk and method == "GET":
            return self._handle_bulk_download(handler, int(bulk.group(1)))
        match = GRAPHQL_PATH_RE.match(parts.path)
        if not match or method != "POST":
            return handler.reply(404, {"errors": "Not Found"})
        return self._handle_graphql(handler, match.group(1), raw)

    def _handle_graphql(self, handler, version, raw):
        call = {
            "n": None,
            "time": time.time(),
            "path": handler.path,
            "api_version": version,
            "operation": None,
            "status": None,
            "requested_cost": None,
            "actual_cost": None,
            "throttled": False,
            "fault": None,
        }
        with self._lock:
            self.calls.append(call)
            call["n"] = len(self.calls)
            fault = self._next_fault()
        call["fault"] = fault
        try:
            payload = json.loads(raw or b"{}")
        except ValueError:
            payload = {}
        call["operation"] = _operation_label(payload.get("query") if isinstance(payload, dict) else None)
        if fault:
            if fault.get("delay"):
                self._stopping.wait(float(fault["delay"]))
            status = fault.get("status")
            if status:
                call["status"] = status
                headers = {}
                if fault.get("retry_after") is not None or status == 429:
                    headers["Retry-After"] = str(fault.get("retry_after", 2.0))
                body = (
                    {
                        "errors": "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service."
                    }
                    if status == 429
                    else {"errors": "Internal Server Error" if status >= 500 else "Bad Request"}
                )
                return handler.reply(status, body, headers)
        if not API_VERSION_RE.match(version):
            call["status"] = 404
            return handler.reply(404, {"errors": "Not Found"})
        if handler.headers.get("X-Shopify-Access-Token") != self.access_token:
            call["status"] = 401
            return handler.reply(
                401,
                {"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"},
            )
        if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
            call["status"] = 400
            return handler.reply(400, {"errors": {"query": "Required parameter missing or invalid"}})
        with self._lock:
            body = self.execute(payload["query"], payload.get("variables"), payload.get("operationName"))
        cost = (body.get("extensions") or {}).get("cost") or {}
        call["status"] = 200
        call["requested_cost"] = cost.get("requestedQueryCost")
        call["actual_cost"] = cost.get("actualQueryCost")
        call["throttled"] = any(
            (error.get("extensions") or {}).get("code") == "THROTTLED" for error in body.get("errors") or []
        )
        return handler.reply(200, body, {"X-Shopify-API-Version": version})

    def _handle_bulk_download(self, handler, operation_id):
        """The JSONL result of a completed bulk operation (no token needed:
        at Shopify this is a signed storage URL)."""
        with self._lock:
            self.bulk_downloads.append({"id": operation_id, "headers": dict(handler.headers)})
            data = self.bulk_files.get(operation_id)
            down = self._outage_status if self._outage_until > time.monotonic() else None
        if down:
            return handler.reply(down, {"errors": "Service Unavailable"})
        if data is None:
            return handler.reply(404, {"errors": "Not Found"})
        return handler.reply_raw(200, data, "application/jsonl")

    def _handle_control(self, handler, method, path, raw):
        try:
            data = json.loads(raw) if raw else {}
        except ValueError:
            return handler.reply(400, {"error": "invalid JSON"})
        if path == "/_sandbox/state" and method == "GET":
            return handler.reply(200, self.state())
        if path == "/_sandbox/orders" and method == "POST":
            notify = bool(data.pop("webhook", True)) and bool(self.webhook_url)
            try:
                order = self.create_order(data, notify=False)
            except (ValueError, KeyError) as exc:
                return handler.reply(422, {"error": str(exc)})
            deliveries = self.send_webhook("orders/create", order) if notify else []
            return handler.reply(201, {"order": order, "webhooks": _strip_headers(deliveries)})
        if path == "/_sandbox/faults" and method == "POST":
            try:
                if data.get("clear"):
                    self.clear_faults()
                self.inject_faults(data.get("faults") or [], data.get("count"))
                if data.get("bulk_fail"):
                    self.fail_next_bulk_operation(data["bulk_fail"])
                if data.get("random") is not None:
                    rand = data["random"] or {}
                    self.set_fault_rate(rand.get("rate", 0), rand.get("faults"), rand.get("seed"))
                if data.get("outage") is not None:
                    outage = data["outage"] or {}
                    self.start_outage(outage.get("seconds", 0), outage.get("status", 503))
            except (TypeError, ValueError) as exc:
                return handler.reply(422, {"error": str(exc)})
            answer = {"faults_pending": len(self._faults)}
            if data.get("random") is not None or data.get("outage") is not None or data.get("clear"):
                answer.update(fault_rate=self._fault_rate, outage_remaining=round(self.outage_remaining(), 1))
            return handler.reply(200, answer)
        if path == "/_sandbox/webhooks" and method == "POST":
            payload = data.get("payload")
            if payload is None and data.get("order_id"):
                payload = self.rest_order(data["order_id"])
            if payload is None or not data.get("topic"):
                return handler.reply(422, {"error": "topic and payload (or order_id) are required"})
            results = self.send_webhook(
                data["topic"], payload, bool(data.get("duplicate")), url=data.get("url")
            )
            return handler.reply(200, {"webhooks": _strip_headers(results)})
        if path == "/_sandbox/reset" and method == "POST":
            self.reset()
            return handler.reply(200, {"ok": True})
        return handler.reply(404, {"error": "unknown sandbox endpoint"})

    # -- GraphQL execution ---------------------------------------------------------

    def execute(self, query, variables=None, operation_name=None):
        """Run one GraphQL request as Shopify would; returns the JSON body."""
        try:
            document = parse(query)
        except GraphQLError as exc:
            return {"errors": [exc.formatted]}
        errors = validate(self.schema, document)
        if errors:
            return {"errors": [error.formatted for error in errors]}
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        if operation_name:
            operations = [o for o in operations if o.name and o.name.value == operation_name]
        if len(operations) != 1:
            return {"errors": [{"message": "An operation name is required when several operations are sent"}]}
        operation = operations[0]
        fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        coerced = get_variable_values(self.schema, operation.variable_definitions or [], variables or {})
        if isinstance(coerced, list):
            return {"errors": [error.formatted for error in coerced]}
        is_mutation = operation.operation.value == "mutation"
        root = self.schema.mutation_type if is_mutation else self.schema.query_type
        if is_mutation:
            requested = MUTATION_COST * len(self._collect(root, operation.selection_set, fragments))
        else:
            requested = self._requested_cost(root, operation.selection_set, fragments, coerced)
        if requested > self.max_query_cost:
            return {
                "errors": [
                    {
                        "message": (
                            f"Query cost is {requested}, which exceeds the single query max cost "
                            f"limit ({self.max_query_cost})."
                        ),
                        "extensions": {
                            "code": "MAX_COST_EXCEEDED",
                            "cost": requested,
                            "maxCost": self.max_query_cost,
                        },
                    }
                ],
                "extensions": {"cost": self._cost_extension(requested, None)},
            }
        if not self.bucket.take(requested):
            return {
                "errors": [
                    {
                        "message": "Throttled",
                        "extensions": {
                            "code": "THROTTLED",
                            "documentation": "https://shopify.dev/api/usage/rate-limits",
                        },
                    }
                ],
                "extensions": {"cost": self._cost_extension(requested, None)},
            }
        result = execute(
            self.schema, document, variable_values=variables or {}, operation_name=operation_name
        )
        if is_mutation:
            actual = requested
        else:
            actual = min(requested, self._actual_cost(root, operation.selection_set, fragments, result.data))
        self.bucket.refund(requested - actual)
        body = {"data": result.data}
        if result.errors:
            body["errors"] = [error.formatted for error in result.errors]
        body["extensions"] = {"cost": self._cost_extension(requested, actual)}
        return body

    def _cost_extension(self, requested, actual):
        return {
            "requestedQueryCost": requested,
            "actualQueryCost": actual,
            "throttleStatus": self.bucket.status(),
        }

    def _collect(self, parent_type, selection_set, fragments, out=None):
        out = [] if out is None else out
        if selection_set is None:
            return out
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                out.append((selection, parent_type))
            elif isinstance(selection, InlineFragmentNode):
                owner = (
                    self.schema.get_type(selection.type_condition.name.value)
                    if selection.type_condition
                    else parent_type
                )
                self._collect(owner, selection.selection_set, fragments, out)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = fragments[selection.name.value]
                owner = self.schema.get_type(fragment.type_condition.name.value)
                self._collect(owner, fragment.selection_set, fragments, out)
        return out

    def _field(self, node, owner):
        name = node.name.value
        if name.startswith("__"):
            return None, None
        field = getattr(owner, "fields", {}).get(name)
        if field is None:
            return None, None
        return field, get_named_type(field.type)

    def _node_selections(self, connection_type, selection_set, fragments):
        """Selection sets applied to each node of a connection (``nodes`` or ``edges.node``)."""
        node_type = get_named_type(connection_type.fields["nodes"].type)
        selections = []
        for node, owner in self._collect(connection_type, selection_set, fragments):
            if node.name.value == "nodes":
                selections.append(("nodes", node.selection_set))
            elif node.name.value == "edges":
                edge_type = get_named_type(owner.fields["edges"].type)
                for sub, _owner in self._collect(edge_type, node.selection_set, fragments):
                    if sub.name.value == "node":
                        selections.append(("edges", sub.selection_set))
        return node_type, selections

    def _requested_cost(self, parent_type, selection_set, fragments, variables):
        total = 0
        for node, owner in self._collect(parent_type, selection_set, fragments):
            field, named = self._field(node, owner)
            if field is None or is_leaf_type(named):
                continue
            if _is_connection(named):
                args = get_argument_values(field, node, variables)
                size = args.get("first") if args.get("first") is not None else args.get("last") or 0
                node_type, selections = self._node_selections(named, node.selection_set, fragments)
                per_node = max(
                    (1 + self._requested_cost(node_type, sel, fragments, variables) for _, sel in selections),
                    default=0,
                )
                total += 2 + size * per_node
            else:
                total += 1 + self._requested_cost(named, node.selection_set, fragments, variables)
        return total

    def _actual_cost(self, parent_type, selection_set, fragments, data):
        if not isinstance(data, dict):
            return 0
        total = 0
        for node, owner in self._collect(parent_type, selection_set, fragments):
            field, named = self._field(node, owner)
            key = node.alias.value if node.alias else node.name.value
            if field is None or is_leaf_type(named) or key not in data:
                continue
            value = data[key]
            if _is_connection(named):
                total += 2
                if not isinstance(value, dict):
                    continue
                node_type, selections = self._node_selections(named, node.selection_set, fragments)
                if not selections:
                    continue
                kind, sel = selections[0]
                items = (
                    value.get("nodes") or []
                    if kind == "nodes"
                    else [edge.get("node") for edge in value.get("edges") or []]
                )
                total += sum(1 + self._actual_cost(node_type, sel, fragments, item) for item in items)
            elif isinstance(value, list):
                total += 1 + max(
                    (self._actual_cost(named, node.selection_set, fragments, item) for item in value),
                    default=0,
                )
            else:
                total += 1 + self._actual_cost(named, node.selection_set, fragments, value)
        return total

    # -- resolvers -----------------------------------------------------------------

    def _install_resolvers(self):
        query = self.schema.query_type.fields
        query["shop"].resolve = lambda root, info: self._v_shop()
        query["order"].resolve = lambda root, info, id: self._v_order_by_gid(id)
        query["orders"].resolve = self._resolve_orders
        query["product"].resolve = lambda root, info, id: self._v_product_by_id(_legacy(id, "Product"))
        query["products"].resolve = self._resolve_products
        query["location"].resolve = lambda root, info, id=None: self._v_location_by_id(
            _legacy(id, "Location") if id else next(iter(self.locations), None)
        )
        query["locations"].resolve = self._resolve_locations
        query["inventoryItem"].resolve = lambda root, info, id: self._v_inventory_item_by_id(
            _legacy(id, "InventoryItem")
        )
        query["fulfillmentOrder"].resolve = lambda root, info, id: self._v_fulfillment_order_by_id(
            _legacy(id, "FulfillmentOrder")
        )
        query["fulfillment"].resolve = lambda root, info, id: self._v_fulfillment_by_id(
            _legacy(id, "Fulfillment")
        )
        query["webhookSubscriptions"].resolve = self._resolve_webhook_subscriptions
        query["currentBulkOperation"].resolve = self._resolve_current_bulk_operation
        query["node"].resolve = lambda root, info, id: self._resolve_node(id)
        query["nodes"].resolve = self._resolve_nodes
        mutation = self.schema.mutation_type.fields
        mutation["inventorySetQuantities"].resolve = self._mutate_inventory_set_quantities
        mutation["fulfillmentCreate"].resolve = self._mutate_fulfillment_create
        mutation["webhookSubscriptionCreate"].resolve = self._mutate_webhook_subscription_create
        mutation["webhookSubscriptionDelete"].resolve = self._mutate_webhook_subscription_delete
        mutation["bulkOperationRunQuery"].resolve = self._mutate_bulk_operation_run_query
        mutation["bulkOperationCancel"].resolve = self._mutate_bulk_operation_cancel

    def _connection(self, entries, args, view):
        """Cursor pagination over ``[(sort_key_tuple, raw)]``."""
        first, last = args.get("first"), args.get("last")
        if first is None and last is None and self._bulk_unbounded:
            first = len(entries)  # a bulk query reads whole connections
        elif first is None and last is None:
            raise GraphQLError("you must provide one of first or last")
        for size in (first, last):
            if size is not None and not 0 <= size <= MAX_PAGE_SIZE and not self._bulk_unbounded:
                raise GraphQLError(f"The value of first/last must be between 0 and {MAX_PAGE_SIZE}.")
        reverse = bool(args.get("reverse"))
        seq = sorted(entries, key=lambda entry: entry[0], reverse=reverse)
        if args.get("after"):
            mark = _decode_cursor(args["after"])
            seq = [e for e in seq if (e[0] < mark if reverse else e[0] > mark)]
        if args.get("before"):
            mark = _decode_cursor(args["before"])
            seq = [e for e in seq if (e[0] > mark if reverse else e[0] < mark)]
        has_next = has_previous = False
        if first is not None:
            has_next = len(seq) > first
            seq = seq[:first]
        if last is not None:
            has_previous = len(seq) > last
            seq = seq[len(seq) - last :] if last else []
        has_previous = has_previous or bool(args.get("after"))
        has_next = has_next or bool(args.get("before"))
        edges = [{"cursor": _encode_cursor(key), "node": view(raw)} for key, raw in seq]
        return {
            "edges": edges,
            "nodes": [edge["node"] for edge in edges],
            "pageInfo": {
                "hasNextPage": has_next,
                "hasPreviousPage": has_previous,
                "startCursor": edges[0]["cursor"] if edges else None,
                "endCursor": edges[-1]["cursor"] if edges else None,
            },
        }

    def _list_connection(self, items, args, view):
        """A connection over a list kept in natural order."""
        return self._connection([((index,), item) for index, item in enumerate(items)], args, view)

    @staticmethod
    def _search(query, getters):
        """Filter predicate for Shopify's search syntax (the subset in ``getters``)."""
        tests = []
        for negate, field, op, raw in _SEARCH_TERM.findall(query or ""):
            getter = getters.get(field.lower())
            if getter is None:
                continue  # Shopify ignores unknown filters (with a search warning)
            value = raw.strip("'\"")
            tests.append((bool(negate), getter, op or "=", value))

        def matches(obj):
            for negate, getter, op, value in tests:
                actual = getter(obj)
                if isinstance(actual, datetime):
                    try:
                        expected = _parse_time(value)
                    except ValueError:
                        return False
                elif isinstance(actual, int):
                    try:
                        expected = int(value)
                    except ValueError:
                        return False
                else:
                    actual, expected = str(actual or "").lower(), value.lower()
                if actual is None:
                    result = False
                else:
                    result = {
                        "=": actual == expected,
                        ">": actual > expected,
                        ">=": actual >= expected,
                        "<": actual < expected,
                        "<=": actual <= expected,
                    }[op]
                if result == negate:
                    return False
            return True

        return matches

    def _resolve_orders(self, root, info, sortKey="PROCESSED_AT", query=None, **args):
        matches = self._search(
            query,
            {
                "updated_at": lambda o: _parse_time(o.get("updated_at")),
                "created_at": lambda o: _parse_time(o.get("created_at")),
                "processed_at": lambda o: _parse_time(o.get("processed_at") or o.get("created_at")),
                "id": lambda o: o["id"],
                "name": lambda o: o.get("name"),
                "financial_status": lambda o: o.get("financial_status"),
                "email": lambda o: o.get("email"),
            },
        )

        def key(order):
            if sortKey == "UPDATED_AT":
                return (_utc_text(order.get("updated_at")) or "", order["id"])
            if sortKey in ("CREATED_AT", "PROCESSED_AT"):
                return (_utc_text(order.get("processed_at") or order.get("created_at")) or "", order["id"])
            if sortKey == "ORDER_NUMBER":
                return (order.get("order_number") or 0, order["id"])
            return (order["id"],)

        entries = [(key(o), o) for o in self.orders.values() if matches(o)]
        return self._connection(entries, args, self._v_order)

    def _resolve_products(self, root, info, sortKey="ID", query=None, **args):
        matches = self._search(
            query,
            {
                "updated_at": lambda p: _parse_time(p.get("updated_at")),
                "created_at": lambda p: _parse_time(p.get("created_at")),
                "id": lambda p: p["id"],
                "title": lambda p: p.get("title"),
                "sku": lambda p: " ".join(v.get("sku") or "" for v in p["variants"]),
                "vendor": lambda p: p.get("vendor"),
            },
        )

        def key(product):
            if sortKey == "UPDATED_AT":
                return (_utc_text(product.get("updated_at")) or "", product["id"])
            if sortKey == "TITLE":
                return (product.get("title") or "", product["id"])
            return (product["id"],)

        entries = [(key(p), p) for p in self.products.values() if matches(p)]
        return self._connection(entries, args, self._v_product)

    def _resolve_locations(self, root, info, sortKey="NAME", query=None, **args):
        args.pop("includeLegacy", None)
        args.pop("includeInactive", None)
        entries = [
            ((loc["name"], loc["id"]) if sortKey == "NAME" else (loc["id"],), loc)
            for loc in self.locations.values()
        ]
        return self._connection(entries, args, self._v_location)

    def _resolve_webhook_subscriptions(self, root, info, topics=None, format=None, callbackUrl=None, **args):
        entries = [
            ((sub["id"],), sub)
            for sub in self.webhook_subscriptions.values()
            if (not topics or sub["topic"] in topics)
            and (not format or sub["format"] == format)
            and (not callbackUrl or sub["callback_url"] == callbackUrl)
        ]
        return self._connection(entries, args, self._v_webhook_subscription)

    # -- mutations -------------------------------------------------------------

    def _mutate_inventory_set_quantities(self, root, info, input):
        quantities = input.get("quantities") or []
        if len(quantities) > MAX_INPUT_ARRAY:
            raise GraphQLError(
                f"The input array size of {len(quantities)} is greater than the maximum allowed of {MAX_INPUT_ARRAY}.",
                extensions={"code": "MAX_INPUT_SIZE_EXCEEDED"},
            )
        errors = []
        name, reason = input.get("name"), input.get("reason")
        if name not in INVENTORY_NAMES:
            errors.append(
                {
                    "code": "INVALID_NAME",
                    "field": ["input", "name"],
                    "message": "The quantity name must be either 'available' or 'on_hand'.",
                }
            )
        if reason not in INVENTORY_REASONS:
            errors.append(
                {
                    "code": "INVALID_REASON",
                    "field": ["input", "reason"],
                    "message": "The specified reason is invalid.",
                }
            )
        resolved = []
        for index, quantity in enumerate(quantities):
            field = ["input", "quantities", str(index)]
            item_id = _legacy(quantity["inventoryItemId"], "InventoryItem")
            location_id = _legacy(quantity["locationId"], "Location")
            if item_id not in self.inventory_items:
                errors.append(
                    {
                        "code": "INVALID_INVENTORY_ITEM",
                        "field": field + ["inventoryItemId"],
                        "message": "The specified inventory item could not be found.",
                    }
                )
                continue
            if location_id not in self.locations:
                errors.append(
                    {
                        "code": "INVALID_LOCATION",
                        "field": field + ["locationId"],
                        "message": "The specified location could not be found.",
                    }
                )
                continue
            if quantity["quantity"] < 0 and name == "on_hand":
                errors.append(
                    {
                        "code": "INVALID_QUANTITY_NEGATIVE",
                        "field": field + ["quantity"],
                        "message": "The quantity can't be negative.",
                    }
                )
                continue
            if quantity["quantity"] > 1_000_000_000:
                errors.append(
                    {
                        "code": "INVALID_QUANTITY_TOO_HIGH",
                        "field": field + ["quantity"],
                        "message": "The quantity can't be higher than 1,000,000,000.",
                    }
                )
                continue
            level = self.levels.get((item_id, location_id))
            if level is None:
                errors.append(
                    {
                        "code": "ITEM_NOT_STOCKED_AT_LOCATION",
                        "field": field + ["locationId"],
                        "message": "The inventory item is not stocked at the location.",
                    }
                )
                continue
            if not input.get("ignoreCompareQuantity"):
                if quantity.get("compareQuantity") is None:
                    errors.append(
                        {
                            "code": "COMPARE_QUANTITY_REQUIRED",
                            "field": field + ["compareQuantity"],
                            "message": "The compareQuantity argument must be given to each quantity or ignored using ignoreCompareQuantity.",
                        }
                    )
                    continue
                if quantity["compareQuantity"] != level.get(name, 0):
                    errors.append(
                        {
                            "code": "COMPARE_QUANTITY_STALE",
                            "field": field + ["compareQuantity"],
                            "message": "The compareQuantity value does not match persisted value.",
                        }
                    )
                    continue
            resolved.append((item_id, location_id, quantity["quantity"], level))
        if errors:
            return {"inventoryAdjustmentGroup": None, "userErrors": errors}
        changes = []
        stamp = _utc_text(self.now())
        for item_id, location_id, value, level in resolved:
            delta = value - level.get(name, 0)
            level[name] = value
            if name == "available":
                level["on_hand"] = level.get("on_hand", 0) + delta
            level["updated_at"] = stamp
            changes.append(
                {
                    "name": name,
                    "delta": delta,
                    "quantityAfterChange": value,
                    "item_id": item_id,
                    "location_id": location_id,
                }
            )
        group_id = self._next_id()
        group = {
            "id": group_id,
            "created_at": stamp,
            "reason": reason,
            "reference_document_uri": input.get("referenceDocumentUri"),
            "changes": changes,
        }
        self.adjustment_groups.append(group)
        return {"inventoryAdjustmentGroup": self._v_adjustment_group(group), "userErrors": []}

    def _mutate_fulfillment_create(self, root, info, fulfillment, message=None):
        requested = fulfillment.get("lineItemsByFulfillmentOrder") or []
        if not requested:
            return {
                "fulfillment": None,
                "userErrors": [
                    {
                        "field": ["fulfillment", "lineItemsByFulfillmentOrder"],
                        "message": "Line items by fulfillment order can't be blank.",
                    }
                ],
            }
        orders, locations, plan = set(), set(), []
        for index, entry in enumerate(requested):
            field = ["fulfillment", "lineItemsByFulfillmentOrder", str(index)]
            fo = self.fulfillment_orders.get(_legacy(entry["fulfillmentOrderId"], "FulfillmentOrder"))
            if fo is None:
                return {
                    "fulfillment": None,
                    "userErrors": [
                        {
                            "field": field + ["fulfillmentOrderId"],
                            "message": "Fulfillment order does not exist.",
                        }
                    ],
                }
            if fo["status"] not in ("OPEN", "IN_PROGRESS"):
                return {
                    "fulfillment": None,
                    "userErrors": [
                        {
                            "field": field,
                            "message": f"Fulfillment order {fo['id']} has an unfulfillable status= {fo['status'].lower()}.",
                        }
                    ],
                }
            orders.add(fo["order_id"])
            locations.add(fo["location_id"])
            wanted = entry.get("fulfillmentOrderLineItems")
            if not wanted:
                plan.extend(
                    (fo, line, line["remaining_quantity"])
                    for line in fo["line_items"]
                    if line["remaining_quantity"]
                )
                continue
            for sub_index, item in enumerate(wanted):
                line = next(
                    (
                        l
                        for l in fo["line_items"]
                        if l["id"] == _legacy(item["id"], "FulfillmentOrderLineItem")
                    ),
                    None,
                )
                if line is None:
                    return {
                        "fulfillment": None,
                        "userErrors": [
                            {
                                "field": field + ["fulfillmentOrderLineItems", str(sub_index), "id"],
                                "message": "Fulfillment order line item does not exist.",
                            }
                        ],
                    }
                if item["quantity"] <= 0 or item["quantity"] > line["remaining_quantity"]:
                    return {
                        "fulfillment": None,
                        "userErrors": [
                            {
                                "field": field + ["fulfillmentOrderLineItems", str(sub_index), "quantity"],
                                "message": f"Invalid quantity {item['quantity']}: {line['remaining_quantity']} remaining to fulfill.",
                            }
                        ],
                    }
                plan.append((fo, line, item["quantity"]))
        if len(orders) > 1:
            return {
                "fulfillment": None,
                "userErrors": [
                    {
                        "field": ["fulfillment"],
                        "message": "All fulfillment orders must belong to the same order.",
                    }
                ],
            }
        if len(locations) > 1:
            return {
                "fulfillment": None,
                "userErrors": [
                    {
                        "field": ["fulfillment"],
                        "message": "All fulfillment orders must be assigned to the same location.",
                    }
                ],
            }
        if not plan:
            return {
                "fulfillment": None,
                "userErrors": [{"field": ["fulfillment"], "message": "Nothing left to fulfill."}],
            }
        order = self.orders[orders.pop()]
        tracking = fulfillment.get("trackingInfo") or {}
        numbers = tracking.get("numbers") or ([tracking["number"]] if tracking.get("number") else [])
        urls = tracking.get("urls") or ([tracking["url"]] if tracking.get("url") else [])
        fulfillment_id = self._next_id()
        order_lines = {line["id"]: line for line in order.get("line_items") or []}
        fulfilled_lines = []
        for _fo, line, quantity in plan:
            line["remaining_quantity"] -= quantity
            order_line = order_lines.get(line["line_item_id"], {})
            order_line["fulfillable_quantity"] = max(
                0, order_line.get("fulfillable_quantity", quantity) - quantity
            )
            order_line["fulfillment_status"] = (
                "fulfilled" if not order_line["fulfillable_quantity"] else "partial"
            )
            fulfilled_lines.append({**copy.deepcopy(order_line), "quantity": quantity})
        for fo in {id(fo): fo for fo, _line, _qty in plan}.values():
            fo["status"] = (
                "CLOSED" if not any(l["remaining_quantity"] for l in fo["line_items"]) else "IN_PROGRESS"
            )
            fo["updated_at"] = _utc_text(self.now())
        stamp = self._rest_time(self.now())
        record = {
            "id": fulfillment_id,
            "admin_graphql_api_id": _gid("Fulfillment", fulfillment_id),
            "order_id": order["id"],
            "name": f"{order['name']}.{len(order.get('fulfillments') or []) + 1}",
            "status": "success",
            "service": "manual",
            "location_id": locations.pop(),
            "tracking_company": tracking.get("company"),
            "tracking_number": numbers[0] if numbers else None,
            "tracking_numbers": numbers,
            "tracking_url": urls[0] if urls else None,
            "tracking_urls": urls,
            "notify_customer": bool(fulfillment.get("notifyCustomer")),
            "message": message,
            "created_at": stamp,
            "updated_at": stamp,
            "line_items": fulfilled_lines,
        }
        self.fulfillments[fulfillment_id] = record
        order.setdefault("fulfillments", []).append(record)
        open_quantity = sum(line.get("fulfillable_quantity", 0) for line in order.get("line_items") or [])
        order["fulfillment_status"] = "fulfilled" if not open_quantity else "partial"
        order["updated_at"] = stamp
        return {"fulfillment": self._v_fulfillment(record), "userErrors": []}

    def _mutate_webhook_subscription_create(self, root, info, topic, webhookSubscription):
        url = webhookSubscription.get("callbackUrl")
        if not url:
            return {
                "webhookSubscription": None,
                "userErrors": [
                    {"field": ["webhookSubscription", "callbackUrl"], "message": "Address can't be blank"}
                ],
            }
        if not re.match(r"^https?://", url):
            return {
                "webhookSubscription": None,
                "userErrors": [
                    {
                        "field": ["webhookSubscription", "callbackUrl"],
                        "message": "Address protocol http:// is not supported",
                    }
                ],
            }
        for sub in self.webhook_subscriptions.values():
            if sub["topic"] == topic and sub["callback_url"] == url:
                return {
                    "webhookSubscription": None,
                    "userErrors": [
                        {
                            "field": ["webhookSubscription", "callbackUrl"],
                            "message": "Address for this topic has already been taken",
                        }
                    ],
                }
        sub_id = self._next_id()
        stamp = _utc_text(self.now())
        sub = {
            "id": sub_id,
            "topic": topic,
            "format": webhookSubscription.get("format") or "JSON",
            "callback_url": url,
            "include_fields": webhookSubscription.get("includeFields") or [],
            "created_at": stamp,
            "updated_at": stamp,
        }
        self.webhook_subscriptions[sub_id] = sub
        return {"webhookSubscription": self._v_webhook_subscription(sub), "userErrors": []}

    def _mutate_webhook_subscription_delete(self, root, info, id):
        sub_id = _legacy(id, "WebhookSubscription")
        if self.webhook_subscriptions.pop(sub_id, None) is None:
            return {
                "deletedWebhookSubscriptionId": None,
                "userErrors": [{"field": ["id"], "message": "Webhook subscription does not exist"}],
            }
        return {"deletedWebhookSubscriptionId": id, "userErrors": []}

    # -- bulk operations -------------------------------------------------------

    def _mutate_bulk_operation_run_query(self, root, info, query):
        def refused(message, code="INVALID", field=("query",)):
            return {
                "bulkOperation": None,
                "userErrors": [{"code": code, "field": list(field) if field else None, "message": message}],
            }

        running = [op for op in self.bulk_operations.values() if op["status"] in BULK_ACTIVE]
        if running:
            return refused(
                "A bulk query operation for this app and shop is already in progress: "
                f"{_gid('BulkOperation', running[-1]['id'])}.",
                code="OPERATION_IN_PROGRESS",
                field=None,
            )
        try:
            document = parse(query)
        except GraphQLError as exc:
            return refused(f"Invalid bulk query: {exc.message}")
        errors = validate(self.schema, document)
        if errors:
            return refused(f"Invalid bulk query: {errors[0].message}")
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        if len(operations) != 1 or operations[0].operation.value != "query":
            return refused("Bulk queries must consist of exactly one query operation.")
        fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        without_id = []
        connections = self._bulk_inspect(
            self.schema.query_type, operations[0].selection_set, fragments, without_id
        )
        if not connections:
            return refused("Bulk queries must contain at least one connection.")
        if without_id:
            return refused(
                "The parent 'node' field for a nested connection must select the 'id' field without an "
                f"alias and must be of 'ID' return type. Connection fields without 'id': {', '.join(without_id)}."
            )
        operation_id = self._next_id()
        op = {
            "id": operation_id,
            "status": "CREATED",
            "query": query,
            "created_at": _utc_text(self.now()),
            "completed_at": None,
            "error_code": None,
            "object_count": 0,
            "root_object_count": 0,
            "file_size": None,
            "url": None,
            "polls": 0,
            "running_polls": self.bulk_running_polls,
            "fail": self._bulk_fail_next,
        }
        self._bulk_fail_next = None
        self.bulk_operations[operation_id] = op
        return {"bulkOperation": self._v_bulk_operation(op), "userErrors": []}

    def _mutate_bulk_operation_cancel(self, root, info, id):  # noqa: A002 - Shopify's name
        """``bulkOperationCancel``: a running operation goes CANCELING, and
        CANCELED at the next poll; a finished one cannot be canceled."""
        op = self.bulk_operations.get(_legacy(id, "BulkOperation"))
        if op is None:
            return {
                "bulkOperation": None,
                "userErrors": [{"field": ["id"], "message": "Bulk operation does not exist"}],
            }
        if op["status"] not in ("CREATED", "RUNNING"):
            return {
                "bulkOperation": self._v_bulk_operation(op),
                "userErrors": [
                    {
                        "field": None,
                        "message": f"A bulk operation cannot be canceled when it is {op['status'].lower()}",
                    }
                ],
            }
        op["status"] = "CANCELING"
        return {"bulkOperation": self._v_bulk_operation(op), "userErrors": []}

    def _bulk_inspect(self, parent_type, selection_set, fragments, without_id, in_node=False):
        """Number of connections in a bulk query; the nested ones whose parent
        node does not select ``id`` are added to ``without_id``."""
        count = 0
        fields = self._collect(parent_type, selection_set, fragments)
        selects_id = any(node.name.value == "id" and node.alias is None for node, _owner in fields)
        for node, owner in fields:
            field, named = self._field(node, owner)
            if field is None or is_leaf_type(named):
                continue
            if _is_connection(named):
                count += 1
                if in_node and not selects_id:
                    without_id.append(node.name.value)
                node_type, selections = self._node_selections(named, node.selection_set, fragments)
                for _kind, sel in selections[:1]:
                    count += self._bulk_inspect(node_type, sel, fragments, without_id, in_node=True)
            else:
                count += self._bulk_inspect(named, node.selection_set, fragments, without_id, in_node)
        return count

    def _resolve_current_bulk_operation(self, root, info, type="QUERY"):  # noqa: A002 - Shopify's name
        if type != "QUERY" or not self.bulk_operations:
            return None
        op = self.bulk_operations[max(self.bulk_operations)]
        self._bulk_advance(op)
        return self._v_bulk_operation(op)

    def _resolve_node(self, gid_value):
        """``node(id:)``: bulk operations and product variants (other types
        answer null here, as an unknown id does on Shopify)."""
        variant_id = _legacy(gid_value, "ProductVariant")
        if variant_id is not None and str(gid_value).startswith(GID):
            variant = self._v_variant_by_id(variant_id)
            return dict(variant, __typename="ProductVariant") if variant else None
        op = self.bulk_operations.get(_legacy(gid_value, "BulkOperation"))
        if op is None:
            return None
        self._bulk_advance(op)
        return self._v_bulk_operation(op)

    def _resolve_nodes(self, root, info, ids):
        """``nodes(ids:)``: one answer per id, in order, null for an unknown
        one; Shopify takes at most 250 ids a call."""
        if len(ids) > 250:
            raise GraphQLError("The ids argument accepts at most 250 ids.")
        return [self._resolve_node(gid_value) for gid_value in ids]

    def _bulk_advance(self, op):
        """One poll: CREATED -> RUNNING for ``running_polls`` polls -> COMPLETED
        (or FAILED); CANCELING -> CANCELED."""
        if op["status"] == "CANCELING":
            op.update(status="CANCELED", completed_at=_utc_text(self.now()))
            return
        if op["status"] not in ("CREATED", "RUNNING"):
            return
        op["polls"] += 1
        if op["polls"] <= op["running_polls"]:
            op["status"] = "RUNNING"
            return
        if op["fail"]:
            op.update(status="FAILED", error_code=op["fail"])
            return
        lines = self._bulk_lines(op["query"])
        data = b"".join(json.dumps(line, separators=(",", ":")).encode() + b"\n" for line in lines)
        op.update(
            status="COMPLETED",
            completed_at=_utc_text(self.now()),
            object_count=len(lines),
            root_object_count=sum(1 for line in lines if "__parentId" not in line),
        )
        if lines:  # Shopify gives no file (url null) when the query found nothing
            self.bulk_files[op["id"]] = data
            op.update(file_size=len(data), url=f"{self.base_url}/bulk/{op['id']}.jsonl")

    def _bulk_lines(self, query):
        """Run a bulk query over the shop's data; its JSONL objects, flattened."""
        document = parse(query)
        fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
        self._bulk_unbounded = True
        try:
            result = execute(self.schema, document)
        finally:
            self._bulk_unbounded = False
        if result.errors:
            raise GraphQLError(f"bulk query failed: {result.errors[0].message}")
        lines = []
        self._bulk_flatten(
            self.schema.query_type, operation.selection_set, fragments, result.data, None, lines
        )
        return lines

    def _bulk_flatten(self, parent_type, selection_set, fragments, value, parent_id, out, line=None):
        """Walk ``value`` along the selection: each connection node becomes a
        line (with ``__parentId`` when nested), written before its children."""
        children = []
        for node, owner in self._collect(parent_type, selection_set, fragments):
            field, named = self._field(node, owner)
            key = node.alias.value if node.alias else node.name.value
            if not isinstance(value, dict) or key not in value:
                continue
            if field is not None and _is_connection(named):
                children.append((named, node, value[key]))
            elif line is not None:
                line[key] = value[key]
        if line is not None and parent_id:
            line["__parentId"] = parent_id
        owner_id = line.get("id") if line is not None else parent_id
        for named, node, connection in children:
            node_type, selections = self._node_selections(named, node.selection_set, fragments)
            if not selections or not isinstance(connection, dict):
                continue
            kind, sel = selections[0]
            items = (
                connection.get("nodes") or []
                if kind == "nodes"
                else [edge.get("node") for edge in connection.get("edges") or []]
            )
            for item in items:
                child = {}
                out.append(child)
                self._bulk_flatten(node_type, sel, fragments, item, owner_id, out, child)

    def _v_bulk_operation(self, op):
        return {
            "__typename": "BulkOperation",
            "id": _gid("BulkOperation", op["id"]),
            "status": op["status"],
            "type": "QUERY",
            "errorCode": op["error_code"],
            "createdAt": op["created_at"],
            "completedAt": op["completed_at"],
            "objectCount": str(op["object_count"]),
            "rootObjectCount": str(op["root_object_count"]),
            "fileSize": str(op["file_size"]) if op["file_size"] is not None else None,
            "url": op["url"],
            "partialDataUrl": None,
            "query": op["query"],
        }

    # -- GraphQL views of the REST-shaped store ------------------------------------

    def _v_money(self, amount, currency=None):
        money = {"amount": _graphql_amount_text(amount), "currencyCode": currency or self.currency}
        return {"shopMoney": money, "presentmentMoney": dict(money)}

    def _v_shop(self):
        shop = self.shop
        return {
            "id": _gid("Shop", shop["id"]),
            "name": shop["name"],
            "email": shop["email"],
            "myshopifyDomain": shop["myshopify_domain"],
            "currencyCode": shop["currency"],
            "ianaTimezone": shop["iana_timezone"],
            "plan": {
                "displayName": shop["plan_display_name"],
                "partnerDevelopment": False,
                "shopifyPlus": False,
            },
        }

    def _v_location_by_id(self, location_id):
        location = self.locations.get(location_id)
        return self._v_location(location) if location else None

    def _v_location(self, location):
        return {
            "id": _gid("Location", location["id"]),
            "legacyResourceId": str(location["id"]),
            "name": location["name"],
            "isActive": location.get("active", True),
            "fulfillsOnlineOrders": True,
            "address": {
                "address1": location.get("address1"),
                "address2": location.get("address2"),
                "city": location.get("city"),
                "zip": location.get("zip"),
                "province": location.get("province"),
                "provinceCode": location.get("province_code"),
                "country": location.get("country"),
                "countryCode": location.get("country_code"),
                "phone": location.get("phone"),
            },
        }

    def _v_product_by_id(self, product_id):
        product = self.products.get(product_id)
        return self._v_product(product) if product else None

    def _v_product(self, product):
        return {
            "id": _gid("Product", product["id"]),
            "legacyResourceId": str(product["id"]),
            "title": product["title"],
            "handle": product.get("handle") or "",
            "status": (product.get("status") or "active").upper(),
            "vendor": product.get("vendor") or "",
            "productType": product.get("product_type") or "",
            "tags": _split_tags(product.get("tags")),
            "createdAt": _utc_text(product.get("created_at")),
            "updatedAt": _utc_text(product.get("updated_at")),
            "variants": lambda info, **args: self._list_connection(
                product["variants"], args, lambda v: self._v_variant(v, product)
            ),
        }

    def _v_variant_by_id(self, variant_id):
        variant = self.variants.get(variant_id)
        if not variant:
            return None
        return self._v_variant(variant, self.products[variant["product_id"]])

    def _v_variant(self, variant, product):
        title = variant.get("title") or "Default Title"
        return {
            "id": _gid("ProductVariant", variant["id"]),
            "legacyResourceId": str(variant["id"]),
            "title": title,
            "displayName": f"{product['title']} - {title}",
            "sku": variant.get("sku") or None,
            "barcode": variant.get("barcode") or None,
            "price": _graphql_amount_text(_dec(variant.get("price"))),
            "inventoryItem": lambda info, **_: self._v_inventory_item_by_id(variant["inventory_item_id"]),
            "product": lambda info, **_: self._v_product(product),
        }

    def _v_inventory_item_by_id(self, item_id):
        item = self.inventory_items.get(item_id)
        if not item:
            return None

        def levels():  # only when asked for: scanning every level per item is slow on big shops
            return sorted((loc, level) for (iid, loc), level in self.levels.items() if iid == item_id)

        return {
            "id": _gid("InventoryItem", item_id),
            "legacyResourceId": str(item_id),
            "sku": item.get("sku") or None,
            "tracked": item.get("tracked", True),
            "inventoryLevel": lambda info, locationId: self._v_level(
                item_id,
                _legacy(locationId, "Location"),
                self.levels.get((item_id, _legacy(locationId, "Location"))),
            ),
            "inventoryLevels": lambda info, **args: self._list_connection(
                levels(), args, lambda pair: self._v_level(item_id, pair[0], pair[1])
            ),
        }

    def _v_level(self, item_id, location_id, level):
        if level is None:
            return None
        return {
            "id": f"{GID}InventoryLevel/{location_id}?inventory_item_id={item_id}",
            "item": lambda info, **_: self._v_inventory_item_by_id(item_id),
            "location": lambda info, **_: self._v_location_by_id(location_id),
            "quantities": lambda info, names: [
                {
                    "id": f"{GID}InventoryQuantity/{location_id}?inventory_item_id={item_id}&name={name}",
                    "name": name,
                    "quantity": level.get(name, 0),
                    "updatedAt": level.get("updated_at"),
                }
                for name in names
            ],
            "updatedAt": level.get("updated_at"),
        }

    def _v_adjustment_group(self, group):
        return {
            "id": _gid("InventoryAdjustmentGroup", group["id"]),
            "createdAt": group["created_at"],
            "reason": group["reason"],
            "referenceDocumentUri": group["reference_document_uri"],
            "changes": lambda info, **_: [
                {
                    "name": change["name"],
                    "delta": change["delta"],
                    "quantityAfterChange": change["quantityAfterChange"],
                    "item": self._v_inventory_item_by_id(change["item_id"]),
                    "location": self._v_location_by_id(change["location_id"]),
                }
                for change in group["changes"]
            ],
        }

    def _v_order_by_gid(self, gid_value):
        order = self.orders.get(_legacy(gid_value, "Order"))
        return self._v_order(order) if order else None

    def _v_tax(self, tax, currency):
        return {
            "title": tax.get("title") or "Tax",
            "rate": tax.get("rate"),
            "ratePercentage": round(float(tax["rate"]) * 100, 4) if tax.get("rate") is not None else None,
            "priceSet": self._v_money(_rest_money(tax, "price"), currency),
            "channelLiable": tax.get("channel_liable"),
        }

    def _v_address(self, address):
        if not address:
            return None
        country = address.get("country_code")
        valid = self.schema.get_type("CountryCode").values
        digest = hashlib.sha1(json.dumps(address, sort_keys=True, default=str).encode()).hexdigest()[:10]
        return {
            "id": f"{GID}MailingAddress/{int(digest, 16)}",
            "name": address.get("name"),
            "firstName": address.get("first_name"),
            "lastName": address.get("last_name"),
            "company": address.get("company"),
            "address1": address.get("address1"),
            "address2": address.get("address2"),
            "city": address.get("city"),
            "province": address.get("province"),
            "provinceCode": address.get("province_code"),
            "country": address.get("country"),
            "countryCodeV2": country if country in valid else None,
            "zip": address.get("zip"),
            "phone": address.get("phone"),
        }

    def _v_customer(self, customer):
        if not customer:
            return None
        name = " ".join(p for p in (customer.get("first_name"), customer.get("last_name")) if p)
        return {
            "id": _gid("Customer", customer["id"]),
            "legacyResourceId": str(customer["id"]),
            "firstName": customer.get("first_name"),
            "lastName": customer.get("last_name"),
            "displayName": name or customer.get("email") or "Customer",
            "email": customer.get("email"),
            "phone": customer.get("phone"),
        }

    def _v_line_item(self, line, currency):
        quantity = line.get("quantity") or 0
        price = _rest_money(line, "price")
        allocations = [_rest_money(alloc, "amount") for alloc in line.get("discount_allocations") or []]
        discounted = price - (sum(allocations, ZERO) / quantity if quantity else ZERO)
        return {
            "id": _gid("LineItem", line["id"]),
            "name": line.get("name") or line.get("title") or "",
            "title": line.get("title") or line.get("name") or "",
            "variantTitle": line.get("variant_title"),
            "vendor": line.get("vendor"),
            "sku": line.get("sku") or None,
            "quantity": quantity,
            "currentQuantity": line.get("current_quantity", quantity),
            "taxable": line.get("taxable", True),
            "requiresShipping": line.get("requires_shipping", True),
            "product": lambda info, **_: self._v_product_by_id(line.get("product_id")),
            "variant": lambda info, **_: self._v_variant_by_id(line.get("variant_id")),
            "originalUnitPriceSet": self._v_money(price, currency),
            "discountedUnitPriceSet": self._v_money(discounted, currency),
            "totalDiscountSet": self._v_money(
                sum(allocations, ZERO) if allocations else _rest_money(line, "total_discount"), currency
            ),
            "discountAllocations": [
                {"allocatedAmountSet": self._v_money(amount, currency)} for amount in allocations
            ],
            "taxLines": lambda info, first=None: [
                self._v_tax(tax, currency) for tax in (line.get("tax_lines") or [])[: first or None]
            ],
        }

    def _v_shipping_line(self, ship, currency):
        allocations = [_rest_money(alloc, "amount") for alloc in ship.get("discount_allocations") or []]
        price = _rest_money(ship, "price")
        return {
            "id": _gid("ShippingLine", ship["id"]) if ship.get("id") else None,
            "code": ship.get("code"),
            "title": ship.get("title") or ship.get("code") or "Shipping",
            "source": ship.get("source"),
            "carrierIdentifier": ship.get("carrier_identifier"),
            "originalPriceSet": self._v_money(price, currency),
            "discountedPriceSet": self._v_money(price - sum(allocations, ZERO), currency),
            "discountAllocations": [
                {"allocatedAmountSet": self._v_money(amount, currency)} for amount in allocations
            ],
            "taxLines": [self._v_tax(tax, currency) for tax in ship.get("tax_lines") or []],
        }

    def _v_order(self, order):
        currency = order.get("currency") or self.currency
        status = order.get("financial_status")
        gateways = order.get("payment_gateway_names") or ([order["gateway"]] if order.get("gateway") else [])
        lines = order.get("line_items") or []
        shipping = order.get("shipping_lines") or []
        shipping_total = sum((_rest_money(s, "price") for s in shipping), ZERO)
        return {
            "id": _gid("Order", order["id"]),
            "legacyResourceId": str(order["id"]),
            "name": order.get("name") or f"#{order.get('order_number')}",
            "createdAt": _utc_text(order.get("created_at")),
            "updatedAt": _utc_text(order.get("updated_at") or order.get("created_at")),
            "processedAt": _utc_text(order.get("processed_at") or order.get("created_at")),
            "cancelledAt": _utc_text(order.get("cancelled_at")),
            "closedAt": _utc_text(order.get("closed_at")),
            "currencyCode": currency,
            "presentmentCurrencyCode": order.get("presentment_currency") or currency,
            "taxesIncluded": bool(order.get("taxes_included")),
            "email": order.get("email"),
            "phone": order.get("phone"),
            "note": order.get("note"),
            "tags": _split_tags(order.get("tags")),
            "test": bool(order.get("test")),
            "paymentGatewayNames": gateways,
            "discountCodes": [
                code.get("code") for code in order.get("discount_codes") or [] if code.get("code")
            ],
            "displayFinancialStatus": status.upper() if status in _FINANCIAL else None,
            "displayFulfillmentStatus": _FULFILLMENT_DISPLAY.get(
                order.get("fulfillment_status"), "UNFULFILLED"
            ),
            "retailLocation": lambda info, **_: self._v_location_by_id(order.get("location_id")),
            "customer": self._v_customer(order.get("customer")),
            "billingAddress": self._v_address(order.get("billing_address")),
            "shippingAddress": self._v_address(order.get("shipping_address")),
            "subtotalPriceSet": self._v_money(_rest_money(order, "subtotal_price"), currency),
            "totalTaxSet": self._v_money(_rest_money(order, "total_tax"), currency),
            "totalDiscountsSet": self._v_money(_rest_money(order, "total_discounts"), currency),
            "totalPriceSet": self._v_money(_rest_money(order, "total_price"), currency),
            "totalShippingPriceSet": self._v_money(shipping_total, currency),
            "currentTotalPriceSet": self._v_money(
                _rest_money(order, "current_total_price")
                if order.get("current_total_price")
                else _rest_money(order, "total_price"),
                currency,
            ),
            "taxLines": [self._v_tax(tax, currency) for tax in order.get("tax_lines") or []],
            "lineItems": lambda info, **args: self._list_connection(
                lines, args, lambda line: self._v_line_item(line, currency)
            ),
            "shippingLines": lambda info, includeRemovals=False, **args: self._list_connection(
                shipping, args, lambda ship: self._v_shipping_line(ship, currency)
            ),
            "fulfillments": lambda info, first=None: [
                self._v_fulfillment(f) for f in (order.get("fulfillments") or [])[: first or None]
            ],
            "fulfillmentOrders": lambda info, displayable=False, query=None, **args: self._list_connection(
                [fo for fo in self.fulfillment_orders.values() if fo["order_id"] == order["id"]],
                args,
                self._v_fulfillment_order,
            ),
        }

    def _v_fulfillment_order_by_id(self, fo_id):
        fo = self.fulfillment_orders.get(fo_id)
        return self._v_fulfillment_order(fo) if fo else None

    def _v_fulfillment_order(self, fo):
        order = self.orders.get(fo["order_id"], {})
        currency = order.get("currency") or self.currency
        lines = {line["id"]: line for line in order.get("line_items") or []}
        location = self.locations.get(fo["location_id"]) or {}
        actions = (
            [
                {"action": "CREATE_FULFILLMENT", "externalUrl": None},
                {"action": "MOVE", "externalUrl": None},
                {"action": "HOLD", "externalUrl": None},
            ]
            if fo["status"] in ("OPEN", "IN_PROGRESS")
            else []
        )
        return {
            "id": _gid("FulfillmentOrder", fo["id"]),
            "orderId": _gid("Order", fo["order_id"]),
            "status": fo["status"],
            "requestStatus": fo["request_status"],
            "createdAt": fo["created_at"],
            "updatedAt": fo["updated_at"],
            "assignedLocation": {
                "name": location.get("name") or "Unknown location",
                "address1": location.get("address1"),
                "city": location.get("city"),
                "countryCode": location.get("country_code") or "DE",
                "location": self._v_location_by_id(fo["location_id"]),
            },
            "supportedActions": actions,
            "lineItems": lambda info, **args: self._list_connection(
                fo["line_items"],
                args,
                lambda line: {
                    "id": _gid("FulfillmentOrderLineItem", line["id"]),
                    "sku": line.get("sku"),
                    "totalQuantity": line["total_quantity"],
                    "remainingQuantity": line["remaining_quantity"],
                    "lineItem": self._v_line_item(
                        lines.get(line["line_item_id"], {"id": line["line_item_id"]}), currency
                    ),
                },
            ),
        }

    def _v_fulfillment_by_id(self, fulfillment_id):
        record = self.fulfillments.get(fulfillment_id)
        return self._v_fulfillment(record) if record else None

    def _v_fulfillment(self, record):
        order = self.orders.get(record["order_id"], {})
        currency = order.get("currency") or self.currency
        numbers = record.get("tracking_numbers") or []
        urls = record.get("tracking_urls") or []
        tracking = [
            {
                "company": record.get("tracking_company"),
                "number": number,
                "url": urls[index] if index < len(urls) else None,
            }
            for index, number in enumerate(numbers)
        ]
        return {
            "id": _gid("Fulfillment", record["id"]),
            "legacyResourceId": str(record["id"]),
            "name": record.get("name") or str(record["id"]),
            "status": (record.get("status") or "success").upper(),
            "createdAt": _utc_text(record.get("created_at")),
            "updatedAt": _utc_text(record.get("updated_at") or record.get("created_at")),
            "location": lambda info, **_: self._v_location_by_id(record.get("location_id")),
            "order": lambda info, **_: self._v_order(order),
            "trackingInfo": lambda info, first=None: tracking[: first or None],
            "fulfillmentLineItems": lambda info, **args: self._list_connection(
                record.get("line_items") or [],
                args,
                lambda line: {
                    "id": _gid("FulfillmentLineItem", f"{record['id']}{line['id']}"),
                    "quantity": line.get("quantity"),
                    "lineItem": self._v_line_item(line, currency),
                },
            ),
        }

    def _v_webhook_subscription(self, sub):
        return {
            "id": _gid("WebhookSubscription", sub["id"]),
            "legacyResourceId": str(sub["id"]),
            "topic": sub["topic"],
            "format": sub["format"],
            "includeFields": sub["include_fields"],
            "createdAt": sub["created_at"],
            "updatedAt": sub["updated_at"],
            "endpoint": {"__typename": "WebhookHttpEndpoint", "callbackUrl": sub["callback_url"]},
            "callbackUrl": sub["callback_url"],
        }


def _operation_label(query):
    """The first root field of a document (e.g. ``orders``), for call stats."""
    if not isinstance(query, str):
        return None
    try:
        document = parse(query)
    except GraphQLError:
        return None
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            for selection in definition.selection_set.selections:
                if isinstance(selection, FieldNode):
                    return selection.name.value
    return None


def _fault_label(fault):
    """'outage', '429', '503', 'delay' ... for the state's fault counts."""
    if fault.get("outage"):
        return "outage"
    if fault.get("status"):
        return str(fault["status"])
    return "delay" if fault.get("delay") else "other"


def _strip_headers(results):
    return [{key: value for key, value in result.items() if key != "headers"} for result in results]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class _Handler(BaseHTTPRequestHandler):
    sandbox = None
    protocol_version = "HTTP/1.1"
    server_version = "ShopifySandbox/1.0"

    def log_message(self, format, *args):  # noqa: A002 - quiet
        pass

    def do_GET(self):
        self.sandbox._handle(self, "GET")

    def do_POST(self):
        self.sandbox._handle(self, "POST")

    def reply_raw(self, status, data, content_type):
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def reply(self, status, body, headers=None):
        data = json.dumps(body).encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("X-Request-Id", str(uuid.uuid4()))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (e.g. a timeout)


# ----------------------------------------------------------------------------
# the demo shop that scripts/run starts next to the demo database
# ----------------------------------------------------------------------------

DEMO_PORT = 8071
# The demo backend's webhook token and secrets are random per database (demo
# data never publishes them): scripts/run reads them from the database
# (scripts/demo_secrets.py) into these environment variables for --demo.
DEMO_ENV_WEBHOOK_TOKEN = "SHOPIFY_DEMO_WEBHOOK_TOKEN"
DEMO_ENV_ACCESS_TOKEN = "SHOPIFY_DEMO_ACCESS_TOKEN"
DEMO_ENV_CLIENT_SECRET = "SHOPIFY_DEMO_CLIENT_SECRET"
DEMO_SHOP_DOMAIN = "demo-office-furniture.myshopify.com"
DEMO_LOCATION_ID = 1  # mapped to Odoo's main warehouse in the demo data
DEMO_TAX_RATE = Decimal("0.15")  # the sales tax of Odoo's generic chart of accounts
# Odoo 17 demo products (product/data/product_demo.xml) by internal reference,
# with their sales price: the shop sells what the demo database stocks.
DEMO_PRODUCTS = (
    ("FURN_7800", "Desk Combination", "450.00", 1),
    ("FURN_0269", "Office Chair Black", "120.50", 4),
    ("FURN_8888", "Office Lamp", "40.00", 3),
    ("E-COM06", "Corner Desk Right Sit", "147.00", 2),
    ("E-COM07", "Large Cabinet", "320.00", 1),
)  # (sku, title, price, most units one customer orders)
DEMO_CUSTOMERS = (
    ("Olivia", "Bennett", "olivia.bennett@example.com", "2140 Mission St", "San Francisco", "CA", "94110"),
    ("Liam", "Carter", "liam.carter@example.com", "88 Pine St", "Seattle", "WA", "98101"),
    ("Emma", "Nguyen", "emma.nguyen@example.com", "415 Congress Ave", "Austin", "TX", "78701"),
    ("Noah", "Patel", "noah.patel@example.com", "1200 N Halsted St", "Chicago", "IL", "60642"),
    ("Ava", "Rossi", "ava.rossi@example.com", "77 Water St", "New York", "NY", "10005"),
    ("Lucas", "Kim", "lucas.kim@example.com", "500 SW Broadway", "Portland", "OR", "97205"),
    ("Mia", "Schmidt", "mia.schmidt@example.com", "1600 Glenarm Pl", "Denver", "CO", "80202"),
    ("Ethan", "Brooks", "ethan.brooks@example.com", "250 Peachtree St NW", "Atlanta", "GA", "30303"),
    ("Sophia", "Garcia", "sophia.garcia@example.com", "3000 Biscayne Blvd", "Miami", "FL", "33137"),
    ("James", "Walker", "james.walker@example.com", "19 Boylston St", "Boston", "MA", "02116"),
)
DEMO_NOTES = ("Please deliver after 2 pm.", "Gift: no prices on the packing slip.", "Call before delivery.")
_DEMO_EPOCH = datetime(2025, 1, 1, tzinfo=timezone.utc).timestamp()


class DemoShop(ShopifySandbox):
    """The demo store: Odoo's demo furniture as variants at location 1, in
    USD with a 15 % sales tax, so that its orders import into the demo
    database as they are.

    Ids and order numbers continue from the clock: a demo shop restarted
    next to the same database never reuses an order id (Odoo would take the
    new order for an update of the old one) or an order name.

    The access token and client secret are those of the demo backend
    (``access_token=``, ``client_secret=``); without them, random ones.
    :attr:`paused` (``POST /_sandbox/demo {"paused": true}``) tells
    :func:`serve_demo` to stop creating orders, e.g. while a script measures.
    """

    def __init__(self, **kwargs):
        now = time.time()
        kwargs.setdefault("access_token", f"shpat_{secrets.token_hex(16)}")
        kwargs.setdefault("client_secret", secrets.token_urlsafe(32))
        kwargs.setdefault("shop_domain", DEMO_SHOP_DOMAIN)
        kwargs.setdefault("currency", "USD")
        kwargs.setdefault("timezone_name", "America/Los_Angeles")
        kwargs.setdefault("first_id", int(now * 1000) * 100)
        kwargs.setdefault("first_order_number", 1001 + int(now - _DEMO_EPOCH) // 10)
        self.paused = threading.Event()
        super().__init__(**kwargs)

    def _handle_control(self, handler, method, path, raw):
        if path != "/_sandbox/demo":
            return super()._handle_control(handler, method, path, raw)
        if method == "POST":
            try:
                data = json.loads(raw) if raw else {}
            except ValueError:
                return handler.reply(400, {"error": "invalid JSON"})
            if "paused" in data:
                (self.paused.set if data["paused"] else self.paused.clear)()
                _log("demo orders paused" if data["paused"] else "demo orders resumed")
        return handler.reply(200, {"paused": self.paused.is_set()})

    def seed_default(self):
        """Location 1 and the five demo products, 50 of each in stock."""
        self.default_tax_rate = DEMO_TAX_RATE
        self.default_tax_title = "Sales Tax"
        self.shop.update(
            name="Demo Office Furniture",
            email="shop@demo-office-furniture.example.com",
            iana_timezone=self.timezone_name,
        )
        self.add_location(
            "Main Warehouse",
            country_code="US",
            city="San Francisco",
            address1="250 Executive Park Blvd",
            zip_code="94134",
            location_id=DEMO_LOCATION_ID,
        )
        for sku, title, price, _most in DEMO_PRODUCTS:
            self.add_product(
                title, [{"sku": sku, "price": price, "stock": 50}], vendor="Demo Office Furniture"
            )

    def random_order_spec(self, rng, *, email=None, financial_status=None, name=None):
        """A plausible web order (see :meth:`create_order` for the keys): one
        to three products, free shipping from $500, mostly paid by card, now
        and then a bank transfer still pending, a discount code or a note.
        ``email`` makes the customer unique (benchmarks), ``rng`` is a
        :class:`random.Random`."""
        first, last, known_email, street, city, state, zip_code = rng.choice(DEMO_CUSTOMERS)
        address = {
            "first_name": first,
            "last_name": last,
            "address1": street,
            "city": city,
            "province_code": state,
            "zip": zip_code,
            "country": "United States",
            "country_code": "US",
            "phone": f"+1 555 01{rng.randrange(10, 100)}",
        }
        lines = [
            {"sku": sku, "quantity": rng.randint(1, most)}
            for sku, _title, _price, most in rng.sample(DEMO_PRODUCTS, rng.choice((1, 1, 2, 2, 3)))
        ]
        prices = {sku: Decimal(price) for sku, _title, price, _most in DEMO_PRODUCTS}
        subtotal = sum(prices[line["sku"]] * line["quantity"] for line in lines)
        status = financial_status or ("pending" if rng.random() < 0.1 else "paid")
        spec = {
            "customer": {"first_name": first, "last_name": last, "email": email or known_email},
            "billing_address": address,
            "lines": lines,
            "shipping": {"title": "Free shipping", "price": "0.00"}
            if subtotal >= 500
            else rng.choice(
                ({"title": "Standard", "price": "15.00"}, {"title": "Express", "price": "30.00"})
            ),
            "financial_status": status,
            "gateway": "shopify_payments" if status == "paid" else "Bank transfer",
        }
        if name:
            spec["name"] = name
        if rng.random() < 0.15:
            spec["discount_code"] = {"code": "WELCOME10", "percentage": 10}
        if rng.random() < 0.2:
            spec["note"] = rng.choice(DEMO_NOTES)
        if rng.random() < 0.2:
            spec["tags"] = rng.choice(("returning customer", "office, bulk"))
        return spec


def _log(message):
    print(f"[{datetime.now().strftime('%H:%M:%S')}] shopify demo: {message}", flush=True)


def _odoo_answers(url, timeout=5.0):
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(f"{url}/web/login", timeout=timeout) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _describe(order):
    lines = ", ".join(f"{line['quantity']} x {line['sku']}" for line in order["line_items"])
    return (
        f"order {order['name']} (id {order['id']}, {order['email']}): {lines}; "
        f"{order['total_price']} {order['currency']}, {order['financial_status']}"
    )


def serve_demo(argv=None, environ=None):
    """The demo shop for ``scripts/run``: serves the Admin API on port 8071,
    waits until Odoo answers, then creates an order every ``--interval``
    seconds and delivers its signed ``orders/create`` webhook to the demo
    backend. A delivery that fails is retried on the next rounds (up to 5
    attempts, with the same event id, as Shopify retries); Odoo's order
    catch-up also pulls what it missed. Stops cleanly on SIGTERM/SIGINT.

    The demo backend's webhook token, access token and client secret come
    from the environment (``SHOPIFY_DEMO_WEBHOOK_TOKEN``,
    ``SHOPIFY_DEMO_ACCESS_TOKEN``, ``SHOPIFY_DEMO_CLIENT_SECRET``), which
    scripts/run fills from the database; there are no default values."""
    parser = argparse.ArgumentParser(description="Run the demo Shopify shop next to the demo database.")
    parser.add_argument("--demo", action="store_true", help="demo mode (this one)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=DEMO_PORT)
    parser.add_argument("--odoo-url", default="http://127.0.0.1:8069")
    parser.add_argument("--database", help="the demo database (for the log; Odoo serves only that one)")
    parser.add_argument("--interval", type=float, default=60.0, help="seconds between two new orders")
    parser.add_argument("--wait", type=float, default=300.0, help="seconds to wait for Odoo to answer")
    parser.add_argument("--seed", type=int, help="random seed of the orders (default: random)")
    args = parser.parse_args(argv)
    environ = os.environ if environ is None else environ
    names = (DEMO_ENV_WEBHOOK_TOKEN, DEMO_ENV_ACCESS_TOKEN, DEMO_ENV_CLIENT_SECRET)
    missing = [name for name in names if not environ.get(name)]
    if missing:
        _log(
            f"{', '.join(missing)} not set: the demo shop needs the demo backend's webhook token and "
            "secrets, which are random per database; scripts/run sets them from the database "
            '(eval "$(scripts/demo_secrets.py --database DB --format shell)")'
        )
        return 2
    odoo_url = args.odoo_url.rstrip("/")
    webhook_url = f"{odoo_url}/integration/webhook/shopify/{environ[DEMO_ENV_WEBHOOK_TOKEN]}"
    rng = random.Random(args.seed)
    stop = threading.Event()
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda number, frame: stop.set())
    shop = DemoShop(
        host=args.host,
        port=args.port,
        webhook_url=webhook_url,
        access_token=environ[DEMO_ENV_ACCESS_TOKEN],
        client_secret=environ[DEMO_ENV_CLIENT_SECRET],
    )
    try:
        url = shop.start()
    except OSError as exc:
        _log(f"cannot listen on {args.host}:{args.port}: {exc}")
        return 1
    _log(f"serving {url} (Admin API {shop.graphql_url}, the demo backend's access token)")
    _log(f"products: {', '.join(sku for sku, *_rest in DEMO_PRODUCTS)} at location {DEMO_LOCATION_ID}")
    _log(
        f"webhooks to {odoo_url}/integration/webhook/shopify/<the demo backend's token>, signed with its client secret"
    )
    try:
        _log(f"waiting for Odoo on {odoo_url} (database {args.database or '?'}, up to {args.wait:.0f} s)")
        deadline = time.monotonic() + args.wait
        while not stop.is_set() and not _odoo_answers(odoo_url):
            if time.monotonic() >= deadline:
                _log("Odoo does not answer yet: creating orders anyway, deliveries are retried")
                break
            stop.wait(2.0)
        else:
            if not stop.is_set():
                _log(f"Odoo answers: a new order every {args.interval:g} s")
        retries = []  # [(order, event_id, attempts)]
        while not stop.is_set():
            if shop.paused.is_set():
                stop.wait(1.0)
                continue
            pending, retries = retries, []
            for order, event_id, attempts in pending:
                retries.extend(_demo_deliver(shop, order, event_id, attempts + 1))
            order = shop.create_order(shop.random_order_spec(rng))
            _log(f"created {_describe(order)}")
            retries.extend(_demo_deliver(shop, order, str(uuid.uuid4()), 1))
            stop.wait(args.interval)
    finally:
        shop.stop()
        _log("stopped")
    return 0


def _demo_deliver(shop, order, event_id, attempt, max_attempts=5):
    """Deliver orders/create for ``order``; returns what to retry."""
    result = shop.send_webhook("orders/create", order, event_id=event_id)[0]
    label = f"orders/create {order['name']} (attempt {attempt})"
    if result["status"] and 200 <= result["status"] < 300:
        _log(f"{label} delivered: HTTP {result['status']}")
        return []
    _log(f"{label} failed: {result['status'] or result['error']}")
    if attempt >= max_attempts:
        _log(f"giving up on {order['name']}: Odoo's order catch-up will pull it from the shop")
        return []
    return [(order, event_id, attempt)]


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Run the Shopify sandbox peer.",
        epilog="--demo [--odoo-url URL] [--database DB] [--interval S] runs the demo shop instead (serve_demo).",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8071)
    parser.add_argument("--webhook-url", help="where to deliver webhooks (e.g. the Odoo webhook endpoint)")
    parser.add_argument(
        "--secret", help="client secret used to sign webhooks (default: a random one, printed)"
    )
    parser.add_argument("--token", help="accepted X-Shopify-Access-Token (default: a random one, printed)")
    parser.add_argument("--api-version", default=DEFAULT_API_VERSION)
    parser.add_argument("--bucket-size", type=float, default=STANDARD_BUCKET_SIZE)
    parser.add_argument("--restore-rate", type=float, default=STANDARD_RESTORE_RATE)
    parser.add_argument("--fixtures", help="also load Shopify's REST sample resources from this folder")
    args = parser.parse_args(argv)
    sandbox = ShopifySandbox(
        access_token=args.token or f"shpat_{secrets.token_hex(16)}",
        client_secret=args.secret or secrets.token_urlsafe(32),
        api_version=args.api_version,
        webhook_url=args.webhook_url,
        bucket_size=args.bucket_size,
        restore_rate=args.restore_rate,
        host=args.host,
        port=args.port,
    )
    if args.fixtures:
        sandbox.seed_from_fixtures(args.fixtures)
    url = sandbox.start()
    print(f"Shopify sandbox on {url}", flush=True)
    print(f"  GraphQL:  POST {sandbox.graphql_url}  (X-Shopify-Access-Token: {sandbox.access_token})")
    print(
        f"  Webhooks: {sandbox.webhook_url or '(none: pass --webhook-url)'}  signed with the client secret "
        f"{sandbox.client_secret if not args.secret else '(--secret)'}"
    )
    print(
        f"  Control:  POST {url}/_sandbox/orders | /_sandbox/faults | /_sandbox/webhooks; GET {url}/_sandbox/state"
    )
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        sandbox.stop()
    return 0


if __name__ == "__main__":
    sys.exit(serve_demo() if "--demo" in sys.argv[1:] else main())
