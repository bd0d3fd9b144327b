from unittest.mock import patch

from odoo.tests import HttpCase, tagged
from odoo.tools import config

from odoo.addons.integration_core.tests.common import TEST_KEY, run_pending_jobs

from .common import sandbox_class

SANDBOX_PORT = 18071  # the tour types this URL: http://127.0.0.1:18071


@tagged("post_install", "-at_install")
class TestShopifyTours(HttpCase):
    """Configure a backend against the sandbox, import its orders, see one in
    Sales, as a user would in headless Chromium."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.startClassPatcher(patch.dict(config.options, {"integration_encryption_key": TEST_KEY}))
        cls.env.ref("base.EUR").active = True
        Tax = cls.env["account.tax"]
        Tax.create({"name": "VAT 19% (tour)", "amount": 19, "type_tax_use": "sale"})
        Tax.create(
            {"name": "VAT 19% incl (tour)", "amount": 19, "type_tax_use": "sale", "price_include": True}
        )
        cls.sandbox = sandbox_class()(port=SANDBOX_PORT)
        cls.sandbox.start()
        cls.addClassCleanup(cls.sandbox.stop)
        for product in cls.sandbox.products.values():
            for variant in product["variants"]:
                cls.env["product.product"].create(
                    {"name": product["title"], "default_code": variant["sku"], "type": "product"}
                )

    def run_jobs(self):
        run_pending_jobs(self.env)

    def test_configure_import_and_see_in_sales(self):
        self.start_tour("/web", "channel_shopify_configure", login="admin", timeout=180)
        backend = self.env["integration.backend"].search([("name", "=", "Tour store")])
        self.assertEqual(backend.backend_type, "shopify")
        self.assertEqual(backend.shopify_shop_url, f"http://127.0.0.1:{SANDBOX_PORT}")
        self.assertEqual(backend._get_secret("access_token"), self.sandbox.access_token)
        self.run_jobs()
        pulled = self.env["integration.event"].search(
            [("backend_id", "=", backend.id), ("topic", "=", "order.fetched")]
        )
        self.assertEqual(len(pulled), 3)
        self.assertEqual(set(pulled.mapped("state")), {"done"}, pulled.mapped("error_message"))
        self.start_tour("/web", "channel_shopify_order_in_sales", login="admin", timeout=180)


PRICE_SANDBOX_PORT = 18072


@tagged("post_install", "-at_install")
class TestShopifyPriceTour(HttpCase):
    """Change a price in Odoo, as a user would, and see it in the sandbox store."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.startClassPatcher(patch.dict(config.options, {"integration_encryption_key": TEST_KEY}))
        cls.sandbox = sandbox_class()(
            port=PRICE_SANDBOX_PORT, seed=False, currency=cls.env.company.currency_id.name
        )
        cls.sandbox.start()
        cls.addClassCleanup(cls.sandbox.stop)
        shopify_product = cls.sandbox.add_product("Price tour bottle", [{"sku": "PTB-1", "price": "24.50"}])
        cls.variant_id = shopify_product["variants"][0]["id"]
        cls.product = cls.env["product.product"].create(
            {"name": "Price tour bottle", "default_code": "PTB-1", "list_price": 24.5, "priority": "1"}
        )
        backend = cls.env["integration.backend"].create(
            {
                "name": "Price tour store",
                "backend_type": "shopify",
                "shopify_shop_url": cls.sandbox.base_url,
                "shopify_shop_domain": cls.sandbox.shop_domain,
                "rate_limit": 0,
            }
        )
        backend._set_secret("access_token", cls.sandbox.access_token)
        backend._set_secret("client_secret", cls.sandbox.client_secret)
        cls.env["integration.binding"]._bind(backend, cls.product, str(cls.variant_id))
        cls.backend = backend

    def test_change_a_price_and_see_it_in_the_store(self):
        self.start_tour("/web", "channel_shopify_price_out", login="admin", timeout=180)
        export = self.env["integration.event"].search(
            [("backend_id", "=", self.backend.id), ("topic", "=", "price.export")]
        )
        self.assertEqual(len(export), 1)
        run_pending_jobs(self.env)
        export.invalidate_recordset()
        self.assertEqual(export.state, "done", export.error_message)
        self.assertEqual(self.sandbox.variant_price(self.variant_id)[0], "27.50")
