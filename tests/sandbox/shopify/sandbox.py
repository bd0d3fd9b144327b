"""The Shopify peer, assembled: one class from the parts of this package
on the shared peer base (:class:`sandbox.peer.Peer`).

Where each part lives: HTTP routing and the control API in :mod:`.server`,
the store in :mod:`.store` (seeded by :mod:`.seed`), orders in
:mod:`.orders`, GraphQL execution and cost in :mod:`.graphql`, the query
resolvers in :mod:`.queries`, mutations in :mod:`.mutations`, bulk
operations in :mod:`.bulk`, prices, markets and price lists in
:mod:`.prices`, B2B companies in :mod:`.companies`, the GraphQL views of
stored records in :mod:`.views`, webhooks in :mod:`.webhooks`, Shopify
Payments (order transactions, balance transactions, payouts) in
:mod:`.payments`.
"""

import itertools
from collections import Counter
from decimal import Decimal
from zoneinfo import ZoneInfo

from graphql import build_schema

from ..peer import Peer, delivered, fault_label
from .bulk import BulkMixin
from .common import (
    DEFAULT_ACCESS_TOKEN,
    DEFAULT_API_VERSION,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_SHOP_DOMAIN,
    MAX_QUERY_COST,
    SCHEMA_PATH,
    STANDARD_BUCKET_SIZE,
    STANDARD_RESTORE_RATE,
    gid,
)
from .companies import CompaniesMixin
from .graphql import CostBucket, GraphQLMixin
from .mutations import MutationsMixin
from .orders import OrdersMixin
from .payments import PaymentsMixin
from .prices import PricesMixin
from .queries import QueriesMixin
from .seed import SeedMixin
from .server import ServerMixin
from .store import StoreMixin
from .views import ViewsMixin
from .webhooks import WebhooksMixin


class ShopifySandbox(
    PaymentsMixin,  # first: it extends orders, views, GraphQL and routing
    CompaniesMixin,  # B2B (companies.py) and prices (prices.py) extend the parts below
    PricesMixin,
    ServerMixin,
    WebhooksMixin,
    GraphQLMixin,
    QueriesMixin,
    MutationsMixin,
    BulkMixin,
    ViewsMixin,
    OrdersMixin,
    SeedMixin,
    StoreMixin,
    Peer,
):
    """A local Shopify shop. ``with ShopifySandbox() as shop: shop.base_url``.

    ``clock`` (default :func:`time.monotonic`) is what the cost bucket
    restores by and outages end by, ``wait(seconds)`` how a delay fault waits
    (default: really, cut short by :meth:`stop`); a test passes a
    :class:`sandbox.peer.ManualClock` and its ``wait`` to move time by hand
    (but a test of a client's timeout needs the real wait)."""

    name = "shopify-sandbox"
    server_version = "ShopifySandbox/1.0"

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
        clock=None,
        wait=None,
    ):
        super().__init__(host=host, port=port, clock=clock, wait=wait)
        self.access_token = access_token
        self.client_secret = client_secret
        self.shop_domain = shop_domain
        self.api_version = api_version
        self.webhook_url = webhook_url
        self.max_query_cost = max_query_cost
        self.currency = currency
        self.tz = ZoneInfo(timezone_name)
        self.timezone_name = timezone_name
        self.first_id = first_id
        self.first_order_number = first_order_number
        self.default_bulk_running_polls = bulk_running_polls
        self._bulk_unbounded = False
        self.bucket = CostBucket(bucket_size, restore_rate, clock)
        self.schema = build_schema(SCHEMA_PATH.read_text(encoding="utf-8"))
        self._install_resolvers()
        self._seed_on_reset = seed
        self.reset(seed=seed)

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
            super().reset()  # the fault plan
            self.bulk_operations = {}
            self.bulk_files = {}
            self.bulk_downloads = []
            self.bulk_running_polls = self.default_bulk_running_polls
            self._bulk_fail_next = None
            self.reset_prices()
            self.reset_companies()
            self.bucket.refund(self.bucket.size)
            if seed if seed is not None else self._seed_on_reset:
                self.seed_default()

    # -- faults (the plan is the base's; bulk failures are Shopify's) --------------

    def clear_faults(self):
        """Drop the fault plan, the random faults, an outage and a bulk failure."""
        with self._lock:
            super().clear_faults()
            self._bulk_fail_next = None

    def configure_faults(self, data):
        """``{"bulk_fail": "TIMEOUT"}`` in ``POST /_sandbox/faults`` fails the
        next bulk operation (see :meth:`fail_next_bulk_operation`)."""
        if data.get("bulk_fail"):
            self.fail_next_bulk_operation(data["bulk_fail"])

    # -- state -------------------------------------------------------------------------

    def state(self):
        with self._lock:
            operations = Counter(call.get("operation") or "?" for call in self.calls)
            return {
                "calls": len(self.calls),
                "operations": dict(operations),
                "throttled": sum(1 for call in self.calls if call.get("throttled")),
                "faults_pending": self.faults.pending,
                "faulted": dict(
                    Counter(fault_label(call["fault"]) for call in self.calls if call.get("fault"))
                ),
                "fault_rate": self.faults.rate,
                "outage_remaining": round(self.faults.outage_remaining(), 1),
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
                    gid("BulkOperation", op["id"]): op["status"] for op in self.bulk_operations.values()
                },
                "payments": self.payments_state(),
                "webhooks": {
                    "sent": len(self.webhook_deliveries),
                    "failed": sum(1 for delivery in self.webhook_deliveries if not delivered(delivery)),
                },
            }
