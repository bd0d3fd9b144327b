import logging
from contextlib import contextmanager
from urllib.parse import urlsplit

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.integration_core.lib.exceptions import IntegrationError, ValidationFailed
from odoo.addons.integration_core.lib.topics import Topic, TopicTable

from ..lib import mapper
from ..lib import webhook as shopify_webhook
from ..lib.client import DEFAULT_API_VERSION, ShopifyClient

_logger = logging.getLogger(__name__)

# Everything a Shopify store does, in one table. Webhook topics keep
# Shopify's own names as ``remote`` (what X-Shopify-Topic says and what is
# registered with Shopify); our names follow <object>.<action>.
SHOPIFY_TOPICS = TopicTable(
    [
        Topic(
            "order.created",
            "in",
            "webhook",
            "_import_order",
            model="shopify.importer",
            kind="order",
            mapper=mapper.order_to_canonical,
            remote=("orders/create",),
            label="Orders created",
        ),
        Topic(
            "order.updated",
            "in",
            "webhook",
            "_import_order",
            model="shopify.importer",
            kind="order",
            mapper=mapper.order_to_canonical,
            remote=("orders/updated",),
            label="Orders updated",
        ),
        Topic(
            "order.cancelled",
            "in",
            "webhook",
            "_cancel_order",
            model="shopify.importer",
            remote=("orders/cancelled",),
            label="Orders cancelled",
        ),
        Topic(
            "refund.created",
            "in",
            "webhook",
            "_import_refund",
            model="shopify.importer",
            remote=("refunds/create",),
            label="Refunds",
        ),
        Topic(
            "order.catch_up",
            "in",
            "schedule",
            "_catch_up_orders",
            model="shopify.importer",
            label="Order catch-up (pull since the cursor)",
        ),
        Topic(
            "order.fetched",
            "in",
            "schedule",
            "_import_order",
            model="shopify.importer",
            kind="order",
            mapper=mapper.graphql_order_to_canonical,
            label="Orders pulled by the catch-up",
        ),
        Topic(
            "order.bulk_poll",
            "in",
            "schedule",
            "_poll_bulk_read",
            model="shopify.importer",
            label="Order bulk read (waits for Shopify's file)",
        ),
        Topic(
            "product.import",
            "in",
            "manual",
            "_import_products",
            model="shopify.importer",
            label="Products and variants in",
        ),
        Topic(
            "product.bulk_poll",
            "in",
            "manual",
            "_poll_bulk_read",
            model="shopify.importer",
            label="Product bulk read (waits for Shopify's file)",
        ),
        Topic(
            "stock.export",
            "out",
            "odoo_event",
            "_export_stock_event",
            model="shopify.exporter",
            odoo_event="stock_move.done",
            listener="_listen_stock_moves_done",
            label="Stock levels out",
        ),
        Topic(
            "price.export",
            "out",
            "odoo_event",
            "_export_prices_event",
            model="shopify.price.exporter",
            odoo_event="product.price_changed",
            listener="_listen_price_changes",
            label="Prices out (changed products; the scheduled full pass)",
        ),
        Topic(
            "pricelist.export",
            "out",
            "odoo_event",
            "_export_prices_event",
            model="shopify.price.exporter",
            odoo_event="pricelist.changed",
            listener="_listen_pricelist_changes",
            label="Prices out (a pricelist rule changed)",
        ),
        Topic(
            "company.sync",
            "out",
            "schedule",
            "_sync_companies_event",
            model="shopify.b2b.exporter",
            label="B2B companies kept in step (those that changed)",
        ),
        Topic(
            "company.export",
            "out",
            "manual",
            "_export_company_event",
            model="shopify.b2b.exporter",
            label="B2B company out (company, locations, contacts, terms, catalog)",
        ),
        Topic(
            "fulfillment.export",
            "out",
            "odoo_event",
            "_export_fulfillment",
            model="shopify.exporter",
            odoo_event="picking.done",
            listener="_listen_pickings_done",
            label="Fulfilments out",
        ),
    ]
)
# Registered with Shopify: the remote names of the topics fed by webhooks.
WEBHOOK_TOPICS = tuple(remote for topic in SHOPIFY_TOPICS.fed_by("webhook") for remote in topic.remote)

# The flows of a Shopify backend, created with it (see _shopify_default_flows).
DEFAULT_FLOWS = [
    # code, name, direction, trigger, policy, interval (minutes), topics
    (
        "order_webhooks",
        "Orders in (webhooks)",
        "in",
        "webhook",
        "realtime",
        0,
        "order.created,order.updated,order.cancelled,refund.created",
    ),
    (
        "order_catch_up",
        "Orders catch-up (pull since the last cursor)",
        "in",
        "schedule",
        "batch",
        15,
        "order.catch_up,order.bulk_poll,order.fetched",
    ),
    (
        "stock_delta",
        "Stock out (on stock moves, changed items only)",
        "out",
        "odoo_event",
        "realtime",
        0,
        "stock.export",
    ),
    ("stock_full", "Stock out (full pass)", "out", "schedule", "batch", 360, "stock.export"),
    (
        "fulfillment_export",
        "Fulfilments out (on delivery done)",
        "out",
        "odoo_event",
        "realtime",
        0,
        "fulfillment.export",
    ),
    (
        "price_delta",
        "Prices out (on price and pricelist changes, changed items only)",
        "out",
        "odoo_event",
        "realtime",
        0,
        "price.export,pricelist.export",
    ),
    ("price_full", "Prices out (full pass)", "out", "schedule", "batch", 720, "price.export"),
    (
        "company_sync",
        "B2B companies out (kept in step)",
        "out",
        "schedule",
        "batch",
        60,
        "company.sync,company.export",
    ),
    (
        "product_import",
        "Products and variants in",
        "in",
        "manual",
        "realtime",
        0,
        "product.import,product.bulk_poll",
    ),
]
# The flow whose cursor says where the order catch-up resumes.
CATCH_UP_FLOW = "order_catch_up"
# What a due batch flow enqueues: flow code -> [(topic, payload)].
FLOW_RUNS = {
    "order_catch_up": [("order.catch_up", {})],
    "stock_full": [("stock.export", {"full": True})],
    "price_full": [("price.export", {"full": True})],
    "company_sync": [("company.sync", {})],
}


class IntegrationBackend(models.Model):
    _inherit = "integration.backend"

    backend_type = fields.Selection(selection_add=[("shopify", "Shopify")], ondelete={"shopify": "cascade"})
    shopify_shop_url = fields.Char(
        string="Shop URL", help="https://your-store.myshopify.com (or a local sandbox URL)."
    )
    shopify_shop_domain = fields.Char(
        string="Shop domain",
        compute="_compute_shopify_shop_domain",
        store=True,
        readonly=False,
        copy=False,
        help="The store's myshopify.com domain (taken from the shop URL when it is one). Webhook "
        "deliveries whose X-Shopify-Shop-Domain header names another shop are refused.",
    )
    shopify_api_version = fields.Char(
        string="API version", default=DEFAULT_API_VERSION, help="Shopify Admin API version, e.g. 2025-01."
    )
    shopify_orders_cursor = fields.Datetime(
        string="Orders pulled up to",
        compute="_compute_shopify_orders_cursor",
        inverse="_inverse_shopify_orders_cursor",
        help="The catch-up pulls orders updated since this time (kept as the order catch-up "
        "flow's cursor).",
    )
    shopify_webhook_topics = fields.Char(string="Registered webhooks", readonly=True, copy=False)
    shopify_use_bulk = fields.Boolean(
        string="Bulk reads",
        default=True,
        help="Read the catalogue (product import) and, on the first order catch-up, every order "
        "with a Shopify bulk query: Shopify reads them in the background and hands over one file, "
        "which a follow-up event downloads when it is ready (no paging, no query-cost throttling). "
        "Untick to read page by page at once; Shopify runs one bulk query per store at a time.",
    )
    shopify_gateway_map_ids = fields.One2many("shopify.gateway.map", "backend_id", string="Payment gateways")
    shopify_price_pricelist_id = fields.Many2one(
        "product.pricelist",
        string="Store prices from",
        check_company=True,
        help="The pricelist whose prices the store's variants show; empty: the products' sales price.",
    )
    shopify_compare_at = fields.Selection(
        [("none", "None"), ("list_price", "Sales price"), ("pricelist", "A pricelist")],
        string="Compare-at prices",
        default="none",
        required=True,
        help="What Shopify shows struck through next to a lower price: the sales price (the store's "
        "prices then come from a discount pricelist) or a second pricelist's price.",
    )
    shopify_compare_pricelist_id = fields.Many2one(
        "product.pricelist", string="Compare-at pricelist", check_company=True
    )
    shopify_price_list_map_ids = fields.One2many(
        "shopify.price.list.map", "backend_id", string="Price lists", context={"active_test": False}
    )
    shopify_b2b_partner_ids = fields.Many2many(
        "res.partner",
        "integration_backend_shopify_b2b_partner_rel",
        "backend_id",
        "partner_id",
        string="B2B companies",
        domain=[("is_company", "=", True)],
        help="Company partners sold to wholesale: each becomes a Shopify company with its delivery "
        "addresses as locations, its contacts, its payment terms (net N days) and a catalog at its "
        "pricelist's prices, kept in step by the B2B flow.",
    )

    @api.depends("flow_ids.cursor")
    def _compute_shopify_orders_cursor(self):
        for backend in self:
            cursor = backend._flow_cursor(CATCH_UP_FLOW) if backend.id else None
            backend.shopify_orders_cursor = fields.Datetime.to_datetime(cursor) if cursor else False

    def _inverse_shopify_orders_cursor(self):
        for backend in self:
            value = backend.shopify_orders_cursor
            backend._set_flow_cursor(CATCH_UP_FLOW, fields.Datetime.to_string(value) if value else False)

    @api.depends("shopify_shop_url")
    def _compute_shopify_shop_domain(self):
        """The host of a ``*.myshopify.com`` shop URL; another URL (a local
        sandbox) leaves the domain as it was set by hand."""
        for backend in self:
            url = (backend.shopify_shop_url or "").strip()
            host = urlsplit(url if "://" in url else f"https://{url}").hostname or ""
            if host.endswith(".myshopify.com"):
                backend.shopify_shop_domain = host

    # ------------------------------------------------------------------------------
    # the client: the one place that builds it
    # ------------------------------------------------------------------------------

    @contextmanager
    def _shopify_client(self):
        """A ShopifyClient built by the core's client factory
        (``_http_client``: this backend's timeouts, rate limit and circuit
        breaker, saved after use; secrets masked)."""
        self.ensure_one()
        if not self.shopify_shop_url:
            raise IntegrationError(_("Backend %s has no shop URL.", self.name))
        with self._http_client(
            self.shopify_shop_url,
            client_class=ShopifyClient,
            secrets=[self._get_secret("client_secret", required=False)],
            access_token=self._get_secret("access_token"),
            api_version=self.shopify_api_version or DEFAULT_API_VERSION,
        ) as client:
            yield client

    # ------------------------------------------------------------------------------
    # integration_core hooks
    # ------------------------------------------------------------------------------

    def _shopify_topics(self):
        return SHOPIFY_TOPICS

    def _shopify_job_channel(self):
        return "root.integration.shopify"

    def _shopify_webhook_fields(self):
        """Read with the backend by every delivery (see the core's _webhook_backend)."""
        return ["shopify_shop_domain"]

    def _shopify_webhook_verify(self, headers, body):
        secret = self._get_secret("client_secret", required=False)
        return shopify_webhook.verify_hmac(secret, body, headers.get("X-Shopify-Hmac-Sha256"))

    def _shopify_webhook_parse(self, headers, body):
        """Only the body is signed: the headers (topic, event id, shop) are
        checked against it and against this backend before anything is
        trusted (see lib/webhook.py). X-Shopify-Topic is Shopify's name of
        the topic: the table gives ours."""
        info = shopify_webhook.parse_headers(headers)
        if not info.topic:
            raise ValidationFailed(_("The X-Shopify-Topic header is missing."))
        topic = self._topics().by_remote(info.topic)
        if topic is None or topic.feed != "webhook":
            raise ValidationFailed(
                _(
                    "Topic %(topic)s is not one this backend takes by webhook (%(topics)s).",
                    topic=info.topic[:64],
                    topics=", ".join(WEBHOOK_TOPICS),
                )
            )
        self._shopify_check_shop_domain(info.shop_domain)
        payload = self._parse_json_body(body)
        problems = shopify_webhook.body_problems(info.topic, payload)
        if problems:
            raise ValidationFailed(
                _(
                    "The body does not fit the topic %(topic)s: %(problems)s.",
                    topic=info.topic,
                    problems="; ".join(problems),
                ),
                errors=problems,
            )
        updated_at = payload.get("updated_at") or payload.get("created_at")
        try:
            source_updated_at = self.env["integration.order.importer"]._parse_datetime(updated_at)
        except (AttributeError, TypeError, ValueError) as exc:
            raise ValidationFailed(_("updated_at: %r is not a date-time.", str(updated_at)[:40])) from exc
        return {
            "topic": topic.name,
            "idempotency_key": shopify_webhook.idempotency_key(headers, body),
            "content_key": shopify_webhook.content_key(info.topic, payload, body),
            "external_id": str(payload.get("order_id") or payload["id"]),
            "payload": payload,
            "source_updated_at": source_updated_at,
        }

    def _shopify_check_shop_domain(self, domain):
        """A delivery must come from this backend's shop: the client secret
        signing it belongs to the app, which other shops may have installed."""
        expected = (self.shopify_shop_domain or "").strip().lower()
        if not expected:
            raise ValidationFailed(
                _(
                    "Backend %s has no shop domain to check deliveries against: set it "
                    "(the store's myshopify.com domain).",
                    self.name,
                )
            )
        if not domain:
            raise ValidationFailed(_("The X-Shopify-Shop-Domain header is missing."))
        if domain.strip().lower() != expected:
            raise ValidationFailed(
                _(
                    "The delivery comes from the shop %(domain)s, not from this backend's shop %(expected)s.",
                    domain=domain[:255],
                    expected=expected,
                )
            )

    def _shopify_webhook_topic_hint(self, headers):
        topic = self._topics().by_remote(headers.get("X-Shopify-Topic") or "")
        return topic.name if topic else None

    def _shopify_run_flow(self, flow):
        return FLOW_RUNS.get(flow.code, [])

    def _shopify_test_connection(self):
        with self._shopify_client() as client:
            shop = client.shop()
        if not self.shopify_shop_domain and shop.get("myshopifyDomain"):
            # the shop URL is not a myshopify.com one (a sandbox): learn the domain webhooks come from
            self.shopify_shop_domain = shop["myshopifyDomain"]
        plan = (shop.get("plan") or {}).get("displayName") or ""
        return _(
            "Connected to %(name)s (%(domain)s), currency %(currency)s %(plan)s",
            name=shop.get("name"),
            domain=shop.get("myshopifyDomain"),
            currency=shop.get("currencyCode"),
            plan=f"- {plan}" if plan else "",
        )

    # ------------------------------------------------------------------------------
    # Shopify actions (buttons, flows)
    # ------------------------------------------------------------------------------

    def _shopify_default_flows(self):
        """The catalog's default flows (integration.flow values), created
        with a store; see _ensure_default_flows."""
        flows = []
        for code, name, direction, trigger, policy, minutes, topics in DEFAULT_FLOWS:
            values = {
                "code": code,
                "name": name,
                "direction": direction,
                "trigger": trigger,
                "policy": policy,
                "topics": topics,
            }
            if minutes:
                values.update(interval_number=minutes, interval_type="minutes")
            flows.append(values)
        return flows

    def _shopify_import_locations(self):
        """Create a location mapping for each Shopify location not mapped yet
        (to the default warehouse; adjust them afterwards); returns what to
        tell the user (see action_import_locations)."""
        warehouse = self.warehouse_id or self.env["stock.warehouse"].search(
            [("company_id", "=", self.company_id.id)], limit=1
        )
        with self._shopify_client() as client:
            locations = list(client.iter_locations())
        known = set(self.location_map_ids.mapped("location_code"))
        created = 0
        for location in locations:
            code = str(location.get("legacyResourceId") or location["id"]).rsplit("/", 1)[-1]
            if code in known:
                continue
            self.env["integration.location.map"].create(
                {
                    "backend_id": self.id,
                    "location_code": code,
                    "location_name": location.get("name"),
                    "warehouse_id": warehouse.id,
                }
            )
            created += 1
        return _("%s Shopify location(s) added: check their warehouses.", created)

    def _shopify_register_webhooks(self):
        """Subscribe the store's webhooks to this backend's URL (idempotent);
        Shopify's own topic names are registered (the table's remote names)."""
        if not self.webhook_url:
            raise UserError(_("Save the backend first."))
        with self._shopify_client() as client:
            client.ensure_webhook_subscriptions(WEBHOOK_TOPICS, self.sudo().webhook_url)
            registered = sorted({s.get("topic") for s in client.webhook_subscriptions() if s.get("topic")})
        self.shopify_webhook_topics = ", ".join(registered)
        self._message_log(body=_("Webhooks registered: %s", self.shopify_webhook_topics))
        return _("Webhooks registered: %s", self.shopify_webhook_topics)

    # ------------------------------------------------------------------------------
    # prices, Markets and B2B
    # ------------------------------------------------------------------------------

    def action_shopify_export_prices(self):
        """Queue a full price export (every bound variant, every target)."""
        self.ensure_one()
        self._check_manager()
        self._enqueue_topic("price.export", {"full": True})
        return self._notify(_("Price export queued."))

    def action_shopify_import_markets(self):
        """Map each Shopify market with a price list not mapped yet (its
        Odoo pricelist is then chosen by hand: one of that currency)."""
        self.ensure_one()
        self._check_manager()
        with self._shopify_client() as client:
            markets = client.markets()
        known = set(self.with_context(active_test=False).shopify_price_list_map_ids.mapped("price_list_gid"))
        Pricelist = self.env["product.pricelist"]
        added = 0
        for market in markets:
            price_list = market.get("priceList")
            if not price_list or price_list["id"] in known:
                continue
            pricelist = Pricelist.search(
                [
                    ("currency_id.name", "=", price_list["currency"]),
                    ("company_id", "in", [False, self.company_id.id]),
                ],
                limit=1,
            )
            self.env["shopify.price.list.map"].create(
                {
                    "backend_id": self.id,
                    "name": market["name"],
                    "kind": "market",
                    "price_list_gid": price_list["id"],
                    "price_list_currency": price_list["currency"],
                    "pricelist_id": pricelist.id,
                }
            )
            added += 1
        return self._notify(_("%s market price list(s) mapped: check their pricelists.", added))

    def action_shopify_sync_companies(self):
        """Queue the B2B companies' push (all of them)."""
        self.ensure_one()
        self._check_manager()
        self._enqueue_topic("company.sync", {"full": True})
        return self._notify(_("B2B companies queued."))

    # ------------------------------------------------------------------------------
    # stock
    # ------------------------------------------------------------------------------

    def _shopify_export_stock(self, full=False):
        """Push available quantities of bound variants to mapped locations;
        returns {calls, changed, seconds} (see shopify.exporter)."""
        self.ensure_one()
        return self.env["shopify.exporter"]._export_stock(self, full=full)

    @api.model
    def _demo_shopify_credentials(self, backend_xmlid):
        """Demo data: a random access token and client secret for the demo
        store, new for every database and every call (Odoo loads demo data
        unless told not to, so fixed values would let anyone who reads the
        repository sign orders into such a database). Encrypted like any
        other credential; skipped when no encryption key is configured. The
        local sandbox learns them from the database (scripts/demo_secrets.py)."""
        import secrets

        backend = self.env.ref(backend_xmlid, raise_if_not_found=False)
        if not backend:
            return
        try:
            backend._set_secret("access_token", f"shpat_{secrets.token_hex(16)}")
            backend._set_secret("client_secret", secrets.token_urlsafe(32))
        except UserError as exc:
            _logger.warning("Demo Shopify credentials not set: %s", exc)
