"""Shopify tests run against the sandbox peer (tests/sandbox/shopify/ of
the repository) over real HTTP on 127.0.0.1."""

from odoo.tests import tagged  # noqa: F401  (re-exported for the test modules)

from odoo.addons.integration_core.tests.common import IntegrationCase, sandbox_package


def sandbox_class():
    """ShopifySandbox from the repository's tests/sandbox (see sandbox_package)."""
    return sandbox_package("shopify").ShopifySandbox


class ShopifyCase(IntegrationCase):
    """A Shopify backend bound to a fresh sandbox shop (2 locations, 5
    variants with SKUs, 3 orders), its main location mapped to the main
    warehouse, the shop's 19 % VAT as sales taxes, EUR active."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sandbox = sandbox_class()(bucket_size=2000, restore_rate=1000)
        cls.sandbox.start()
        cls.addClassCleanup(cls.sandbox.stop)
        cls.env.ref("base.EUR").active = True
        Tax = cls.env["account.tax"]
        cls.vat_19 = Tax.create({"name": "VAT 19% (test)", "amount": 19, "type_tax_use": "sale"})
        cls.vat_19_incl = Tax.create(
            {"name": "VAT 19% incl (test)", "amount": 19, "type_tax_use": "sale", "price_include": True}
        )
        locations = sorted(cls.sandbox.locations.values(), key=lambda loc: loc["id"])
        cls.main_location, cls.store_location = locations[0], locations[1]
        cls.shopify = cls.env["integration.backend"].create(
            {
                "name": "Sandbox store",
                "backend_type": "shopify",
                "shopify_shop_url": cls.sandbox.base_url,
                "shopify_shop_domain": cls.sandbox.shop_domain,
                "shopify_api_version": cls.sandbox.api_version,
                "warehouse_id": cls.warehouse.id,
                "order_confirm_policy": "paid",
                "rate_limit": 0,
                "max_attempts": 3,
                "location_map_ids": [
                    (0, 0, {"location_code": str(cls.main_location["id"]), "warehouse_id": cls.warehouse.id}),
                ],
            }
        )
        cls.shopify._set_secret("access_token", cls.sandbox.access_token)
        cls.shopify._set_secret("client_secret", cls.sandbox.client_secret)
        Product = cls.env["product.product"]
        cls.products = {}
        for product in cls.sandbox.products.values():
            for variant in product["variants"]:
                cls.products[variant["sku"]] = Product.create(
                    {
                        "name": f"{product['title']} {variant.get('title') or ''}".strip(),
                        "default_code": variant["sku"],
                        "type": "product",
                        "list_price": float(variant["price"]),
                    }
                )

    def setUp(self):
        super().setUp()
        self.sandbox.reset()

    def run_topic(self, topic, payload=None):
        """Enqueue an event of ``topic`` on the Shopify backend and run all jobs."""
        event = self.shopify._enqueue_topic(topic, payload or {})
        self.run_jobs()
        event.invalidate_recordset()
        return event

    def import_products(self):
        """Run a product import to its end; returns the event with the
        summary (the bulk poll event when the backend imports in bulk)."""
        event = self.run_topic("product.import")
        self.assertEqual(event.state, "done", event.error_message)
        if self.shopify.shopify_use_bulk:
            event = self.bulk_poll_event(event)
            self.assertEqual(event.state, "done", event.error_message)
        return event

    def bulk_poll_event(self, import_event, topic="product.bulk_poll"):
        """The ``topic`` poll event a bulk read (product.import, or the
        first order.catch_up) started."""
        return self.env["integration.event"].search(
            [
                ("backend_id", "=", self.shopify.id),
                ("topic", "=", topic),
                ("trace_id", "=", import_event.trace_id),
            ],
            order="id desc",
            limit=1,
        )

    def order_event(self, rest_order, topic="order.created", key=None):
        external_id = str(rest_order["id"])
        event, _created = self.env["integration.event"]._receive(
            self.shopify,
            topic=topic,
            payload=rest_order,
            idempotency_key=key or f"{topic}:{external_id}",
            external_id=external_id,
        )
        return event

    def sale_of(self, shopify_order_id):
        return self.env["integration.binding"]._get_record(self.shopify, "sale.order", str(shopify_order_id))
