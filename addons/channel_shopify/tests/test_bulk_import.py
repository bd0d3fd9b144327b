from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from ..lib import queries
from .common import ShopifyCase


@tagged("post_install", "-at_install")
class TestShopifyBulkImport(ShopifyCase):
    """product.import through a Shopify bulk query (the sandbox's
    bulkOperationRunQuery, polls and JSONL file)."""

    def bindings(self):
        return {
            binding.external_id: (binding.res_id, binding.data)
            for binding in self.env["integration.binding"].search(
                [("backend_id", "=", self.shopify.id), ("res_model", "=", "product.product")]
            )
        }

    def node_polls(self):
        return [call for call in self.sandbox.calls if call["operation"] == "node"]

    def test_bulk_binds_exactly_as_the_paged_import(self):
        self.shopify.shopify_use_bulk = False
        self.import_products()
        paged = self.bindings()
        self.assertEqual(len(paged), 5)
        self.assertFalse(self.sandbox.bulk_operations)
        self.env["integration.binding"].search([("backend_id", "=", self.shopify.id)]).unlink()
        self.sandbox.calls.clear()

        self.shopify.shopify_use_bulk = True
        start = self.run_topic("product.import")
        self.assertEqual(start.state, "done", start.error_message)
        self.assertIn("bulk operation gid://shopify/BulkOperation/", start.external_id)
        poll = self.bulk_poll_event(start)
        self.assertEqual(poll.state, "done", poll.error_message)
        self.assertIn("5 variants bound", poll.external_id)
        self.assertEqual(self.bindings(), paged)
        # the first poll saw RUNNING, the second COMPLETED; no page of products was read
        self.assertEqual(len(self.node_polls()), 2)
        self.assertFalse([call for call in self.sandbox.calls if call["operation"] == "products"])
        self.assertEqual(len(self.sandbox.bulk_downloads), 1)

    def test_a_product_the_mapper_refuses_does_not_fail_the_whole_import(self):
        """The mapper now refuses a product without variants (product.v1
        requires one); one such product in a bulk file must not fail the
        import of all the others."""
        self.sandbox.add_product("Empty shell", [])
        start = self.run_topic("product.import")
        poll = self.bulk_poll_event(start)
        self.assertEqual(poll.state, "done", poll.error_message)
        self.assertIn("5 variants bound", poll.external_id)
        self.assertIn("1 refused", poll.external_id)
        self.assertEqual(len(self.bindings()), 5)
        log = self.shopify.message_ids[:1].body
        self.assertIn("Refused", log)

    def test_waiting_spends_no_attempt(self):
        self.sandbox.bulk_running_polls = 4  # more polls than the backend's 3 attempts
        start = self.run_topic("product.import")
        poll = self.bulk_poll_event(start)
        self.assertEqual(poll.state, "done", poll.error_message)
        self.assertEqual(len(self.node_polls()), 5)
        self.assertEqual(poll.attempts, 1)
        self.assertFalse(poll.error_message)
        self.assertEqual(len(self.bindings()), 5)

    def test_still_running_requeues_the_poll(self):
        self.sandbox.bulk_running_polls = 2
        with self.shopify._shopify_client() as client:
            operation = client.run_bulk_query(queries.PRODUCTS_BULK_QUERY)
        poll = self.shopify._enqueue_topic(
            "product.bulk_poll",
            {"operation_id": operation["id"], "started_at": fields.Datetime.to_string(fields.Datetime.now())},
        )
        poll._process()
        self.assertEqual(poll.state, "queued")
        self.assertEqual(poll.attempts, 0)
        self.assertIn("is RUNNING", poll.error_message)
        self.assertTrue(poll.next_retry_at)
        self.run_jobs()
        poll.invalidate_recordset()
        self.assertEqual(poll.state, "done", poll.error_message)
        self.assertEqual(len(self.bindings()), 5)

    def test_failed_operation_fails_the_event_with_its_cause(self):
        self.sandbox.fail_next_bulk_operation("INTERNAL_SERVER_ERROR")
        start = self.run_topic("product.import")
        poll = self.bulk_poll_event(start)
        self.assertEqual(poll.state, "failed")
        self.assertEqual(poll.error_category, "remote")
        self.assertIn("failed (INTERNAL_SERVER_ERROR", poll.error_message)
        self.assertIn("Run the product import again", poll.error_message)
        self.assertFalse(self.bindings())

    def test_gives_up_after_the_deadline(self):
        self.sandbox.bulk_running_polls = 100
        with self.shopify._shopify_client() as client:
            operation = client.run_bulk_query(queries.PRODUCTS_BULK_QUERY)
        long_ago = fields.Datetime.now() - timedelta(hours=5)
        poll = self.shopify._enqueue_topic(
            "product.bulk_poll",
            {"operation_id": operation["id"], "started_at": fields.Datetime.to_string(long_ago)},
        )
        self.run_jobs()
        poll.invalidate_recordset()
        self.assertEqual(poll.state, "failed")
        self.assertIn("still RUNNING after 300 minutes", poll.error_message)
        # cancelled at Shopify, so the store's next bulk query is not blocked
        with self.shopify._shopify_client() as client:
            self.assertEqual(client.bulk_operation(operation["id"])["status"], "CANCELED")

    def test_import_follows_its_own_operation_already_running(self):
        """A retried import whose first try started the query (then rolled
        back) follows that operation instead of failing on Shopify's
        one-at-a-time rule."""
        with self.shopify._shopify_client() as client:
            operation = client.run_bulk_query(queries.PRODUCTS_BULK_QUERY)
        start = self.run_topic("product.import")
        self.assertEqual(start.state, "done", start.error_message)
        poll = self.bulk_poll_event(start)
        self.assertEqual(poll.state, "done", poll.error_message)
        self.assertEqual(poll.payload_raw.count(operation["id"]), 1)
        self.assertEqual(len(self.bindings()), 5)
        self.assertEqual(len(self.sandbox.bulk_operations), 1)

    def test_someone_elses_bulk_query_is_waited_for(self):
        with self.shopify._shopify_client() as client:
            client.run_bulk_query("{ products { edges { node { id title } } } }")
        event = self.shopify._enqueue_topic("product.import", {})
        event._process()
        self.assertEqual(event.state, "queued")
        self.assertEqual(event.attempts, 1)
        self.assertIn("Another bulk query", event.error_message)

    # -- orders: the first catch-up of a store --------------------------------------

    def pulled_orders(self):
        return self.env["integration.event"].search(
            [("backend_id", "=", self.shopify.id), ("topic", "=", "order.fetched")]
        )

    def test_first_catch_up_reads_orders_in_bulk_then_pages(self):
        self.import_products()
        self.sandbox.calls.clear()
        self.assertFalse(self.shopify.shopify_orders_cursor)
        start = self.run_topic("order.catch_up")
        self.assertEqual(start.state, "done", start.error_message)
        self.assertIn("bulk operation gid://shopify/BulkOperation/", start.external_id)
        poll = self.bulk_poll_event(start, topic="order.bulk_poll")
        self.assertEqual(poll.state, "done", poll.error_message)
        self.assertEqual(poll.external_id, "3 orders")
        pulled = self.pulled_orders()
        self.assertEqual(len(pulled), 3)
        self.assertEqual(set(pulled.mapped("state")), {"done"}, pulled.mapped("error_message"))
        self.assertEqual(set(pulled.mapped("trace_id")), {start.trace_id})
        for order_id, order in self.sandbox.orders.items():
            sale = self.sale_of(order_id)
            self.assertEqual(sale.state, "sale")
            self.assertAlmostEqual(sale.amount_total, float(order["total_price"]), places=2)
        self.assertFalse([call for call in self.sandbox.calls if call["operation"] == "orders"])
        newest = max(
            self.env["integration.order.importer"]._parse_datetime(o["updated_at"])
            for o in self.sandbox.orders.values()
        )
        self.assertEqual(self.shopify.shopify_orders_cursor, newest)

        # later catch-ups read pages since the cursor: no new bulk query, no duplicate
        operations = len(self.sandbox.bulk_operations)
        again = self.run_topic("order.catch_up")
        self.assertEqual(again.state, "done", again.error_message)
        self.assertEqual(len(self.sandbox.bulk_operations), operations)
        self.assertTrue([call for call in self.sandbox.calls if call["operation"] == "orders"])
        self.assertEqual(len(self.pulled_orders()), 3)

    def test_first_catch_up_of_an_empty_store_sets_the_cursor(self):
        self.sandbox.orders.clear()
        start = self.run_topic("order.catch_up")
        poll = self.bulk_poll_event(start, topic="order.bulk_poll")
        self.assertEqual(poll.state, "done", poll.error_message)
        self.assertEqual(poll.external_id, "0 orders")
        self.assertFalse(self.pulled_orders())
        # the cursor is when Shopify ran the query: the next catch-up is paged
        self.assertTrue(self.shopify.shopify_orders_cursor)

    def test_existing_flows_get_the_bulk_topics(self):
        """What the 17.0.1.1.0 migration does for stores created before bulk reads."""
        flow = self.shopify.flow_ids.filtered(lambda f: f.code == "order_catch_up")
        flow.topics = "order.catch_up,order.fetched,product.import"
        self.shopify._ensure_default_flows()
        self.assertEqual(flow.topics, "order.catch_up,order.fetched,product.import,order.bulk_poll")
        self.assertEqual(len(self.shopify.flow_ids.filtered(lambda f: f.code == "order_catch_up")), 1)
