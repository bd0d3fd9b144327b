import json

from odoo import fields
from odoo.tests import tagged

from .common import ShopifyCase


@tagged("post_install", "-at_install")
class TestShopifyOrders(ShopifyCase):
    def test_test_connection(self):
        action = self.shopify.action_test_connection()
        self.assertIn("Sandbox Outdoor Shop", action["params"]["message"])

    def test_shop_domain_from_a_myshopify_url_or_learnt_by_test_connection(self):
        other = self.shopify.copy(
            {"name": "Real store", "shopify_shop_url": "https://acme.myshopify.com/admin"}
        )
        self.assertEqual(other.shopify_shop_domain, "acme.myshopify.com")
        # a sandbox URL says nothing about the shop: the test connection asks it
        self.shopify.shopify_shop_domain = False
        self.shopify.action_test_connection()
        self.assertEqual(self.shopify.shopify_shop_domain, self.sandbox.shop_domain)

    def test_flows_created_with_the_backend(self):
        codes = set(self.shopify.flow_ids.mapped("code"))
        self.assertEqual(
            codes,
            {
                "order_webhooks",
                "order_catch_up",
                "stock_delta",
                "stock_full",
                "price_delta",
                "price_full",
                "company_sync",
                "fulfillment_export",
                "product_import",
            },
        )

    def test_product_import_binds_by_sku(self):
        event = self.import_products()
        Binding = self.env["integration.binding"]
        bindings = Binding.search(
            [("backend_id", "=", self.shopify.id), ("res_model", "=", "product.product")]
        )
        self.assertEqual(len(bindings), 5)
        self.assertTrue(all(b.data.get("inventory_item_id") for b in bindings))
        self.assertIn("5 variants bound", event.external_id)
        # again: nothing new
        self.import_products()
        self.assertEqual(
            Binding.search_count(
                [("backend_id", "=", self.shopify.id), ("res_model", "=", "product.product")]
            ),
            5,
        )

    def test_order_from_webhook_payload(self):
        self.import_products()
        order = self.sandbox.create_order(
            {
                "lines": [{"sku": "TRS-42", "quantity": 2}],
                "shipping": {"title": "Standard", "price": "4.90"},
                "financial_status": "paid",
                "customer": {"first_name": "Jo", "last_name": "Doe", "email": "jo@example.com"},
            }
        )
        event = self.order_event(order)
        self.process(event)
        self.assertEqual(event.state, "done", event.error_message)
        sale = self.sale_of(order["id"])
        self.assertEqual(sale.state, "sale")
        self.assertEqual(sale.currency_id.name, "EUR")
        self.assertAlmostEqual(sale.amount_total, float(order["total_price"]), places=2)
        self.assertEqual(sale.partner_id.email, "jo@example.com")
        line = sale.order_line.filtered(lambda l: l.product_id == self.products["TRS-42"])
        self.assertEqual(line.integration_external_id, str(order["line_items"][0]["id"]))
        self.assertEqual(line.tax_id, self.vat_19)

    def test_tax_included_order(self):
        order = self.sandbox.create_order(
            {"lines": [{"sku": "MTS-S", "quantity": 1}], "taxes_included": True, "financial_status": "paid"}
        )
        event = self.order_event(order)
        self.process(event)
        self.assertEqual(event.state, "done", event.error_message)
        sale = self.sale_of(order["id"])
        self.assertEqual(
            sale.order_line.filtered(lambda l: l.product_id == self.products["MTS-S"]).tax_id,
            self.vat_19_incl,
        )
        self.assertAlmostEqual(sale.amount_total, float(order["total_price"]), places=2)

    def test_unknown_sku_becomes_a_fixable_exception(self):
        order = self.sandbox.create_order(
            {"lines": [{"sku": "TRS-42", "quantity": 1}], "financial_status": "paid"}
        )
        order["line_items"][0]["sku"] = "NOT-IN-ODOO"
        order["line_items"][0]["variant_id"] = 999
        event = self.order_event(order)
        self.process(event)
        self.assertEqual(event.state, "failed")
        self.assertEqual(event.error_category, "mapping")
        self.assertIn("NOT-IN-ODOO", event.error_message)
        # fix the canonical payload, replay
        data = json.loads(event.payload_canonical)
        data["lines"][0]["sku"] = "TRS-42"
        event.payload_canonical = json.dumps(data)
        event.action_replay()
        self.run_jobs()
        event.invalidate_recordset()
        self.assertEqual(event.state, "done", event.error_message)
        self.assertTrue(self.sale_of(order["id"]))

    def test_out_of_order_updates_newest_wins(self):
        order = self.sandbox.create_order(
            {"lines": [{"sku": "SWB-750", "quantity": 1}], "financial_status": "pending"}
        )
        newer = dict(order, note="newest", updated_at="2030-01-02T10:00:00+01:00", financial_status="paid")
        older = dict(order, note="older", updated_at="2030-01-01T10:00:00+01:00")
        first = self.order_event(newer, topic="order.updated", key="u2")
        self.process(first)
        second = self.order_event(older, topic="order.updated", key="u1")
        self.process(second)
        self.assertEqual(first.state, "done")
        self.assertEqual(second.state, "ignored")
        sale = self.sale_of(order["id"])
        self.assertIn("newest", str(sale.note))
        self.assertEqual(sale.state, "sale")

    def test_catch_up_pulls_missed_orders_once(self):
        self.import_products()
        event = self.run_topic("order.catch_up")
        self.assertEqual(event.state, "done", event.error_message)
        pulled = self.env["integration.event"].search(
            [("backend_id", "=", self.shopify.id), ("topic", "=", "order.fetched")]
        )
        self.assertEqual(len(pulled), 3)
        self.assertEqual(set(pulled.mapped("state")), {"done"}, pulled.mapped("error_message"))
        self.assertTrue(self.shopify.shopify_orders_cursor)
        for order_id, order in self.sandbox.orders.items():
            sale = self.sale_of(order_id)
            self.assertAlmostEqual(sale.amount_total, float(order["total_price"]), places=2)
        # again: the cursor is inclusive, the keys dedupe: no new order
        self.run_topic("order.catch_up")
        self.assertEqual(
            self.env["integration.event"].search_count(
                [("backend_id", "=", self.shopify.id), ("topic", "=", "order.fetched")]
            ),
            3,
        )

    def test_interrupted_catch_up_keeps_its_pages_and_continues(self):
        """A catch-up reads page after page in one job; a fault on page 2
        threw page 1 away and spent an attempt, so under a steady fault rate
        a long catch-up almost never got through (chaos run: dead catch-ups,
        orders never pulled). Now the pages read stay, the cursor stands at
        the newest order read, and a new event continues from there."""
        self.import_products()
        self.shopify.shopify_orders_cursor = "2000-01-01 00:00:00"
        for _i in range(4):
            self.sandbox.create_order(
                {"lines": [{"sku": "TRS-43", "quantity": 1}], "financial_status": "paid"}
            )
        total = len(self.sandbox.orders)
        self.assertGreater(total, 5, "more than one page (5 orders a page)")
        self.sandbox.inject_faults([{"delay": 0}, {"status": 503}])  # page 1 answers, page 2 fails
        event = self.shopify._enqueue_topic("order.catch_up", {})
        self.run_job(event.job_id)
        event.invalidate_recordset()
        self.assertEqual(event.state, "done", event.error_message)
        self.assertIn("continued by event", event.external_id)
        Event = self.env["integration.event"]
        pulled = Event.search([("backend_id", "=", self.shopify.id), ("topic", "=", "order.fetched")])
        self.assertEqual(len(pulled), 5, "page 1 is kept")
        self.assertGreater(self.shopify.shopify_orders_cursor, fields.Datetime.to_datetime("2000-01-01"))
        follow = Event.search(
            [
                ("backend_id", "=", self.shopify.id),
                ("idempotency_key", "=", f"order.catch_up:continues:{event.id}"),
            ]
        )
        self.assertEqual(follow.state, "queued")
        self.run_job(follow.job_id)
        follow.invalidate_recordset()
        self.assertEqual(follow.state, "done", follow.error_message)
        pulled = Event.search([("backend_id", "=", self.shopify.id), ("topic", "=", "order.fetched")])
        self.assertEqual(len(set(pulled.mapped("external_id"))), total, "every order pulled, none twice")

    def test_throttled_api_is_retried_later(self):
        self.sandbox.inject_faults([{"status": 429, "retry_after": 9}])
        event = self.shopify._enqueue_topic("order.catch_up", {})
        self.run_jobs(limit=1)
        event.invalidate_recordset()
        self.assertEqual(event.state, "queued")
        self.assertEqual(event.error_category, "remote")
        self.assertEqual(event.job_id.state, "pending")

    def test_cancellation(self):
        order = self.sandbox.create_order(
            {"lines": [{"sku": "TRS-43", "quantity": 1}], "financial_status": "paid"}
        )
        self.process(self.order_event(order))
        sale = self.sale_of(order["id"])
        self.assertEqual(sale.state, "sale")
        cancel = self.order_event(dict(order, cancelled_at="2030-01-01T00:00:00Z"), topic="order.cancelled")
        self.process(cancel)
        self.assertEqual(cancel.state, "done", cancel.error_message)
        self.assertEqual(sale.state, "cancel")

    def test_cancellation_after_shipping_is_an_exception(self):
        self.env["stock.quant"]._update_available_quantity(
            self.products["TRS-43"], self.warehouse.lot_stock_id, 5
        )
        order = self.sandbox.create_order(
            {"lines": [{"sku": "TRS-43", "quantity": 1}], "financial_status": "paid"}
        )
        self.process(self.order_event(order))
        sale = self.sale_of(order["id"])
        picking = sale.picking_ids
        picking.action_assign()
        picking.move_ids.quantity = 1
        picking.move_ids.picked = True
        picking._action_done()
        cancel = self.order_event(dict(order, cancelled_at="2030-01-01T00:00:00Z"), topic="order.cancelled")
        self.process(cancel)
        self.assertEqual(cancel.state, "failed")
        self.assertEqual(cancel.error_category, "business")
        self.assertIn("already shipped", cancel.error_message)
        self.assertEqual(sale.state, "sale")

    def test_cancellation_before_the_order_waits(self):
        order = self.sandbox.create_order({"lines": [{"sku": "TRS-43", "quantity": 1}]})
        cancel = self.order_event(dict(order, cancelled_at="2030-01-01T00:00:00Z"), topic="order.cancelled")
        self.process(cancel)
        self.assertEqual(cancel.state, "queued")
        self.assertIn("not imported yet", cancel.error_message)

    def test_cancellation_older_than_the_imported_order_is_ignored_as_stale(self):
        order = self.sandbox.create_order(
            {"lines": [{"sku": "TRS-43", "quantity": 1}], "financial_status": "paid"}
        )
        self.process(self.order_event(dict(order, updated_at="2030-01-02T10:00:00Z")))
        sale = self.sale_of(order["id"])
        old = dict(order, cancelled_at="2030-01-01T09:00:00Z", updated_at="2030-01-01T09:00:00Z")
        cancel = self.order_event(old, topic="order.cancelled")
        self.process(cancel)
        self.assertEqual(cancel.state, "ignored")
        self.assertIn("older than the one imported", cancel.ignore_reason)
        self.assertEqual(sale.state, "sale")

    def test_cancellation_moves_the_imported_version_forward(self):
        order = self.sandbox.create_order(
            {"lines": [{"sku": "TRS-43", "quantity": 1}], "financial_status": "paid"}
        )
        self.process(self.order_event(order))
        cancelled = dict(order, cancelled_at="2030-01-03T10:00:00Z", updated_at="2030-01-03T10:00:00Z")
        self.process(self.order_event(cancelled, topic="order.cancelled"))
        # an update from before the cancellation (after the import), delivered late: stale
        before = dict(order, note="late", updated_at="2030-01-02T10:00:00Z")
        late = self.order_event(before, topic="order.updated", key="late")
        self.process(late)
        self.assertEqual(late.state, "ignored")
        self.assertEqual(self.sale_of(order["id"]).state, "cancel")

    def test_body_without_cancelled_at_does_not_cancel_even_when_retried(self):
        order = self.sandbox.create_order(
            {"lines": [{"sku": "TRS-43", "quantity": 1}], "financial_status": "paid"}
        )
        self.process(self.order_event(order))
        captured = self.order_event(
            order, topic="order.cancelled"
        )  # e.g. a refused webhook, retried by a user
        self.process(captured)
        self.assertEqual(captured.state, "failed")
        self.assertEqual(captured.error_category, "validation")
        self.assertIn("cancelled_at", captured.error_message)
        self.assertEqual(self.sale_of(order["id"]).state, "sale")
