"""Shared set-up of tpl_connector's Odoo tests.

``TplCase`` (an integration_core ``IntegrationCase``): a warehouse run by
a 3PL ("Test 3PL", one step out and in: not the demo data's "Demo 3PL",
whose name and code a database with demo data holds already) with a REST
backend (ShipBob) and an X12 backend on the same warehouse's sister
("X12 3PL"), products with
internal references, a customer with an address, and helpers that make a
reserved delivery of the 3PL's warehouse.
"""

from odoo.addons.integration_core.tests.common import CapturedWebhooks, IntegrationCase, sandbox_package

OURS = "ODOOEDI"  # the sandbox warehouse's defaults (sandbox.tpl.x12face)
WAREHOUSE_ID = "SANDBOX3PL"


class TplCase(IntegrationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Warehouse = cls.env["stock.warehouse"]
        cls.tpl_warehouse = Warehouse.create(
            {
                "name": "Test 3PL",
                "code": "T3PL",
                "company_id": cls.company.id,
                "delivery_steps": "ship_only",
                "reception_steps": "one_step",
            }
        )
        cls.x12_warehouse = Warehouse.create(
            {
                "name": "X12 3PL",
                "code": "X3PL",
                "company_id": cls.company.id,
                "delivery_steps": "ship_only",
                "reception_steps": "one_step",
            }
        )
        Backend = cls.env["integration.backend"]
        cls.tpl = Backend.create(
            {
                "name": "Test 3PL (ShipBob)",
                "backend_type": "tpl",
                "tpl_transport": "rest",
                "tpl_provider": "shipbob",
                "company_id": cls.company.id,
                "warehouse_id": cls.tpl_warehouse.id,
                "tpl_warehouse_id": cls.tpl_warehouse.id,
                "tpl_facility_code": "1",
                "tpl_tz": "UTC",
                "max_attempts": 3,
            }
        )
        cls.tpl_x12 = Backend.create(
            {
                "name": "X12 3PL",
                "backend_type": "tpl",
                "tpl_transport": "x12",
                "company_id": cls.company.id,
                "warehouse_id": cls.x12_warehouse.id,
                "tpl_warehouse_id": cls.x12_warehouse.id,
                "tpl_tz": "UTC",
                "edi_dialect": "004010",
                "max_attempts": 3,
                "edi_identity_ids": [
                    (0, 0, {"side": "ours", "level": "interchange", "qualifier": "ZZ", "identifier": OURS}),
                    (
                        0,
                        0,
                        {
                            "side": "theirs",
                            "level": "interchange",
                            "qualifier": "ZZ",
                            "identifier": WAREHOUSE_ID,
                        },
                    ),
                ],
            }
        )
        Product = cls.env["product.product"]
        cls.widget = Product.create(
            {"name": "Widget", "default_code": "TPL-WIDGET", "type": "product", "barcode": "0012345678905"}
        )
        cls.gadget = Product.create({"name": "Gadget", "default_code": "TPL-GADGET", "type": "product"})
        cls.lotted = Product.create(
            {"name": "Serum", "default_code": "TPL-SERUM", "type": "product", "tracking": "lot"}
        )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Jane Buyer",
                "street": "1 Main Street",
                "city": "Springfield",
                "zip": "62701",
                "country_id": cls.env.ref("base.us").id,
                "state_id": cls.env.ref("base.state_us_13").id,
                "email": "jane@example.com",
            }
        )

    # ------------------------------------------------------------------------------

    def stock(self, product, quantity, warehouse=None, lot=None):
        warehouse = warehouse or self.tpl_warehouse
        self.env["stock.quant"]._update_available_quantity(
            product, warehouse.lot_stock_id, quantity, lot_id=lot
        )

    def delivery(self, lines=None, warehouse=None, reserve=True):
        """A confirmed sale order shipped from the 3PL's warehouse; its
        delivery (reserved when ``reserve``, stock added for it)."""
        warehouse = warehouse or self.tpl_warehouse
        lines = lines or [(self.widget, 5), (self.gadget, 3)]
        sale = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "warehouse_id": warehouse.id,
                "order_line": [
                    (0, 0, {"product_id": product.id, "product_uom_qty": quantity, "price_unit": 10})
                    for product, quantity in lines
                ],
            }
        )
        sale.action_confirm()
        picking = sale.picking_ids
        self.assertEqual(len(picking), 1)
        if reserve:
            for product, quantity in lines:
                if product.tracking == "none":
                    self.stock(product, quantity, warehouse)
            picking.action_assign()
        return picking

    def events(self, backend, topic):
        return self.env["integration.event"].search(
            [("backend_id", "=", backend.id), ("topic", "=", topic)], order="id"
        )


def sandbox_module():
    return sandbox_package("tpl")


class TplRestCase(TplCase):
    """TplCase with its REST backend bound to a sandbox ShipBob warehouse
    (loopback HTTP, a manual clock) that holds the test products. A fresh
    warehouse per test: picking names come back after each test's
    rollback, and the webhooks' timestamps must stay near real time."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sandbox_api = sandbox_module()
        cls.tpl.write(
            {
                "tpl_channel_id": str(cls.sandbox_api.DEFAULT_CHANNEL_ID),
                "tpl_facility_code": False,
                "rate_limit": 0,
            }
        )
        cls.tpl._set_secret("api_token", cls.sandbox_api.DEFAULT_TOKEN)

    def setUp(self):
        super().setUp()
        from sandbox.peer import ManualClock

        self.clock = ManualClock()
        self.sandbox = self.sandbox_api.TplSandbox(
            clock=self.clock, wait=self.clock.wait, pick_delay=30, ship_delay=30, backorder_delay=30
        )
        self.sandbox.start()
        self.addCleanup(self.sandbox.stop)
        self.hooks = CapturedWebhooks()
        self.sandbox.webhook_deliverer = self.hooks
        self.tpl.api_url = self.sandbox.base_url
        self.tpl.tpl_facility_code = str(self.sandbox.warehouse.location["id"])
        self.subscription = self.sandbox.subscribe(
            "http://odoo.test/integration/webhook/tpl/x", topics=list(self.sandbox_api.WEBHOOK_TOPICS)
        )
        self.tpl._set_secret("webhook_secret", self.subscription["secret"])
        for product in (self.widget, self.gadget):
            self.sandbox.warehouse.stock(product.default_code, 100, name=product.name)
        self.sandbox.warehouse.stock(self.lotted.default_code, 50, lot="LOT-A", expiry="2027-01-31")

    def release(self, picking):
        picking.action_tpl_release_now()
        self.run_jobs()
        picking.invalidate_recordset()
        return picking

    def ship(self, seconds=70):
        """Let the warehouse work, then hand its webhooks to Odoo. (The
        deliveries are stamped with the sandbox's clock: a test stays within
        ShipBob's 5 minutes of tolerance by moving it little.)"""
        self.sandbox.advance(seconds)
        answers = [self.tpl._webhook_receive(headers, body) for _url, body, headers in self.hooks.posted]
        self.hooks.posted.clear()
        self.run_jobs()
        return answers
