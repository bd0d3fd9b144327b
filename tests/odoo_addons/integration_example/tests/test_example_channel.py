"""The example channel: selection_add, a topic table, a client class and a
mapper are all it has (no guarded override), and it works end to end
through the core: webhook in, order created, picking done, shipment out
through its listener with the order's trace, sent by its client."""

import json
from unittest.mock import patch

from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.integration_core.lib.exceptions import PermanentError
from odoo.addons.integration_core.models.odoo_events import DISPATCH_TOPIC
from odoo.addons.integration_core.tests.common import LocalHTTPServer

from .common import ExampleCase, example_order

LISTENER_LOG = "odoo.addons.integration_core.models.odoo_events"


@tagged("post_install", "-at_install")
class TestExampleChannel(ExampleCase):
    def test_webhook_in_creates_the_order_in_the_events_trace(self):
        event, sale = self.imported()
        self.assertEqual(sale._name, "sale.order")
        self.assertEqual(sale.state, "sale")
        self.assertEqual(sale.order_line.product_id, self.widget)
        self.assertEqual(sale.integration_trace_id, event.trace_id)
        self.assertEqual(set(sale.picking_ids.mapped("integration_trace_id")), {event.trace_id})
        # an unsigned delivery is refused, a repeated one counts once
        status, _message = self.webhook(example_order(42), key="order-42")
        self.assertEqual((status, _message), (200, "duplicate"))
        body = json.dumps(example_order(43)).encode()
        status, _message = self.example._webhook_receive(
            {"X-Integration-Topic": "order/new", "X-Integration-Idempotency-Key": "k"}, body
        )
        self.assertEqual(status, 401)

    def test_picking_done_emits_the_shipment_with_the_trace_and_the_client_sends_it(self):
        inbound, sale = self.imported()
        picking = self.ship(sale)
        self.assertEqual(picking.state, "done")
        shipment = self.events("shipment.export")
        self.assertEqual(len(shipment), 1)
        self.assertEqual(shipment.direction, "out")
        self.assertEqual(shipment.state, "queued")
        self.assertEqual((shipment.res_model, shipment.res_id), ("stock.picking", picking.id))
        self.assertEqual(shipment.trace_id, inbound.trace_id)
        with LocalHTTPServer([(201, {}, {"id": "SHP-1"}, 0)]) as server:
            self.example.api_url = server.url
            self.run_jobs()
        shipment.invalidate_recordset()
        self.assertEqual(shipment.state, "done", shipment.error_message)
        self.assertEqual(shipment.external_id, "SHP-1")
        [request] = server.requests
        self.assertEqual((request["method"], request["path"]), ("POST", "/shipments"))
        self.assertEqual(request["headers"]["Idempotency-Key"], shipment.idempotency_key)
        self.assertEqual(request["headers"]["Authorization"], "Bearer example-api-token")
        self.assertEqual(json.loads(request["body"])["order_id"], "42")
        # the whole chain shares one trace
        chain = self.env["integration.event"].search([("trace_id", "=", inbound.trace_id)])
        self.assertEqual(set(chain.mapped("topic")), {"order.created", "shipment.export"})

    def test_backorder_and_its_shipment_keep_the_trace(self):
        inbound, sale = self.imported(qty=3)
        picking = sale.picking_ids
        picking.action_assign()
        picking.move_ids.quantity = 1
        picking.move_ids.picked = True
        picking._action_done()  # the rest goes to a backorder
        backorder = sale.picking_ids - picking
        self.assertEqual(len(backorder), 1)
        self.assertEqual(backorder.integration_trace_id, inbound.trace_id)
        self.ship(sale)
        shipments = self.events("shipment.export")
        self.assertEqual(len(shipments), 2)
        self.assertEqual(set(shipments.mapped("trace_id")), {inbound.trace_id})

    def test_a_picking_of_an_order_the_backend_does_not_know_emits_nothing(self):
        sale = self.env["sale.order"].create(
            {
                "partner_id": self.env.ref("base.res_partner_2").id,
                "order_line": [(0, 0, {"product_id": self.widget.id, "product_uom_qty": 1})],
            }
        )
        sale.action_confirm()
        self.ship(sale)
        self.assertFalse(self.events("shipment.export"))

    def test_a_failing_listener_neither_blocks_the_picking_nor_half_writes_and_can_be_retried(self):
        inbound, sale = self.imported()
        exporter = type(self.env["example.exporter"])
        real_listener = exporter._listen_pickings_done

        def emits_then_breaks(model, backend, pickings):
            real_listener(model, backend, pickings)  # emits the shipment (and its job) ...
            raise ZeroDivisionError("a bug in the listener")  # ... then fails

        jobs_before = self.env["queue.job"].search_count([])
        with patch.object(exporter, "_listen_pickings_done", emits_then_breaks), mute_logger(LISTENER_LOG):
            picking = self.ship(sale)
        self.assertEqual(picking.state, "done", "the user's validation went through")
        self.assertFalse(self.events("shipment.export"), "what the listener wrote is rolled back")
        self.assertEqual(self.env["queue.job"].search_count([]), jobs_before)
        failed = self.events(DISPATCH_TOPIC)
        self.assertEqual(len(failed), 1)
        self.assertEqual(failed.state, "failed")
        self.assertEqual(failed.direction, "out")
        self.assertIn("ZeroDivisionError", failed.error_message)
        self.assertEqual((failed.res_model, failed.res_id), ("stock.picking", picking.id))
        self.assertEqual(failed.trace_id, inbound.trace_id)
        # the cause is fixed: the user retries, the listener runs again and emits
        failed.action_retry()
        with LocalHTTPServer([(201, {}, {"id": "SHP-9"}, 0)]) as server:
            self.example.api_url = server.url
            self.run_jobs()
        failed.invalidate_recordset()
        self.assertEqual(failed.state, "done", failed.error_message)
        shipment = self.events("shipment.export")
        self.assertEqual(shipment.state, "done", shipment.error_message)
        self.assertEqual(shipment.trace_id, inbound.trace_id)
        self.assertEqual(len(server.requests), 1)

    def test_listener_never_emits_for_a_backend_of_another_company(self):
        company_b = self.env["res.company"].create({"name": "Example B", "currency_id": self.usd.id})
        example_b = self.env["integration.backend"].create(
            {"name": "Example B", "backend_type": "example", "company_id": company_b.id}
        )
        _inbound, sale = self.imported()
        # the same external order bound on B too: still, B's listener never gets A's picking
        self.env["integration.binding"]._bind(example_b, sale, "42")
        picking = self.ship(sale)
        self.assertEqual(len(self.events("shipment.export")), 1)
        self.assertFalse(self.events("shipment.export", backend=example_b))
        self.assertFalse(self.events(DISPATCH_TOPIC, backend=example_b))
        # and _emit itself refuses a record of another company
        with self.assertRaises(PermanentError):
            example_b._emit("shipment.export", {}, "cross-company", record=picking)

    def test_an_archived_backend_listens_no_more(self):
        _inbound, sale = self.imported()
        self.example.active = False
        self.ship(sale)
        self.assertFalse(self.events("shipment.export"))


@tagged("post_install", "-at_install")
class TestEmit(ExampleCase):
    def test_emit_refuses_topics_outside_the_table_and_inbound_topics(self):
        with self.assertRaises(PermanentError):
            self.example._emit("stock.export", {}, "k1")
        with self.assertRaises(PermanentError):
            self.example._emit("order.created", {}, "k2")
        with self.assertRaises(PermanentError):
            self.backend._emit("order.import", {}, "k3")  # the generic table takes orders in

    def test_same_key_twice_gives_the_same_event_and_one_job(self):
        first = self.example._emit("shipment.export", {"n": 1}, "ship-1")
        again = self.example._emit("shipment.export", {"n": 2}, "ship-1")
        self.assertEqual(first, again)
        self.assertEqual(first.state, "queued")
        self.assertEqual(self.env["queue.job"].search_count([("uuid", "=", first.job_id.uuid)]), 1)
        self.assertEqual(len(self.events("shipment.export")), 1)

    def test_trace_comes_from_the_record_then_the_parent_else_a_new_one(self):
        fresh = self.example._emit("shipment.export", {}, "t-1")
        other = self.example._emit("shipment.export", {}, "t-2")
        self.assertTrue(fresh.trace_id)
        self.assertNotEqual(fresh.trace_id, other.trace_id, "no trace anywhere: a new one each")
        child = self.example._emit("shipment.export", {}, "t-3", parent=fresh)
        self.assertEqual(child.parent_id, fresh)
        self.assertEqual(child.trace_id, fresh.trace_id)
        self.assertIn(child, fresh.child_ids)
        sale = self.env["sale.order"].create(
            {
                "partner_id": self.env.ref("base.res_partner_2").id,
                "order_line": [(0, 0, {"product_id": self.widget.id, "product_uom_qty": 1})],
            }
        )
        sale._integration_set_trace("trace-of-the-order")
        sale.action_confirm()
        picking = sale.picking_ids
        self.assertEqual(picking.integration_trace_id, "trace-of-the-order")
        emitted = self.example._emit("shipment.export", {}, "t-4", record=picking, parent=fresh)
        self.assertEqual(emitted.trace_id, "trace-of-the-order", "the record's trace comes first")
        explicit = self.example._emit("shipment.export", {}, "t-5", record=picking, trace="given")
        self.assertEqual(explicit.trace_id, "given")

    def test_dispatch_costs_no_query_when_nobody_listens(self):
        Dispatch = self.env["integration.odoo.event"]
        # the example backend alone (other channels' demo backends listen to stock moves)
        self.env["integration.backend"].search([("id", "!=", self.example.id)]).active = False
        moves = self.env["stock.move"].search([], limit=5)
        self.assertTrue(moves)
        Dispatch._listeners()  # warm
        self.env.flush_all()
        with self.assertQueryCount(0):
            Dispatch._dispatch("stock_move.done", moves)  # the example listens to pickings only
            Dispatch._dispatch("invoice.posted", self.env["account.move"])
        self.assertIn("picking.done", Dispatch._listeners())
        self.assertNotIn("stock_move.done", Dispatch._listeners())
