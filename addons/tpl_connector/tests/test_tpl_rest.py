"""A ShipBob 3PL end to end against the sandbox warehouse: release once,
confirmations by webhook or by the polling catch-up, shorts, splits, late
cancellations, and a warehouse that is down."""

from odoo.tests import tagged

from .common import TplRestCase


@tagged("post_install", "-at_install")
class TestTplRest(TplRestCase):
    def trail(self):
        """What happened, for a failing assertion's message."""
        events = self.env["integration.event"].search([("backend_id", "=", self.tpl.id)], order="id")
        pickings = self.env["stock.picking"].search([("tpl_backend_id", "=", self.tpl.id)])
        return (
            [(p.id, p.name, p.state, p.message_ids.mapped("body")[:3]) for p in pickings]
            + [(e.topic, e.state, e.error_message, e.res_model, e.res_id) for e in events]
            + [(d["topic"], d.get("status"), d.get("dropped")) for d in self.sandbox.webhook_deliveries]
        )

    def test_release_creates_the_order_once(self):
        picking = self.release(self.delivery())
        self.assertEqual(picking.tpl_state, "released", self.events(self.tpl, "order.release").error_message)
        orders = [o for o in self.sandbox.warehouse.orders.values() if o["reference_id"] == picking.name]
        self.assertEqual(len(orders), 1)
        self.assertEqual(picking.tpl_external_id, str(orders[0]["id"]))
        self.assertEqual(self.events(self.tpl, "order.release").state, "done")

    def test_a_release_whose_commit_was_lost_is_not_sent_twice(self):
        """The worker died after ShipBob created the order, before Odoo
        committed: the job runs again, ShipBob answers 422 (duplicate
        reference_id), and that counts as released, with ShipBob's id."""
        picking = self.delivery()
        with self.tpl.env["tpl.rest"]._provider(self.tpl) as provider:
            order = self.env["tpl.outbound"]._fulfilment_order(self.tpl, picking, "original")
            first_id, created = provider.release(order)
        self.assertTrue(created)
        self.release(picking)
        self.assertEqual(picking.tpl_state, "released", self.events(self.tpl, "order.release").error_message)
        self.assertEqual(picking.tpl_external_id, first_id)
        same = [o for o in self.sandbox.warehouse.orders.values() if o["reference_id"] == picking.name]
        self.assertEqual(len(same), 1)

    def test_a_shipment_webhook_validates_the_delivery_and_tracking_flows_on(self):
        picking = self.release(self.delivery())
        answers = self.ship()
        self.assertTrue(answers and all(status == 200 for status, _message in answers), answers)
        picking.invalidate_recordset()
        self.assertEqual(picking.state, "done", self.trail())
        self.assertEqual(picking.tpl_state, "done")
        self.assertTrue(picking.carrier_tracking_ref)
        self.assertEqual(picking.move_ids.mapped("quantity"), [5.0, 3.0])

    def test_a_forged_webhook_is_refused_and_nothing_is_stored(self):
        self.release(self.delivery())
        self.sandbox.advance(70)
        _url, body, headers = self.hooks.posted[0]
        forged = dict(headers, **{"webhook-signature": "v1,AAAA"})
        status, _message = self.tpl._webhook_receive(forged, body)
        self.assertEqual(status, 401)
        self.assertFalse(self.events(self.tpl, "shipment.notified"))

    def test_the_same_webhook_twice_and_the_catch_up_apply_once(self):
        picking = self.release(self.delivery())
        self.sandbox.advance(70)
        posted = list(self.hooks.posted)
        for _url, body, headers in posted + posted:
            self.tpl._webhook_receive(headers, body)
        self.run_jobs()
        self.tpl._enqueue_topic("shipment.catch_up", {"since": ""})
        self.run_jobs()
        confirmed = self.events(self.tpl, "shipment.confirmed")
        self.assertEqual(len(confirmed), 1, confirmed.mapped("idempotency_key"))
        picking.invalidate_recordset()
        self.assertEqual(picking.state, "done")

    def test_a_dropped_webhook_is_caught_up_by_polling(self):
        picking = self.release(self.delivery())
        self.sandbox.configure_webhook_faults({"drop_next": 10})
        self.sandbox.advance(70)
        self.assertFalse(self.hooks.posted)
        self.tpl._enqueue_topic("shipment.catch_up", {"since": ""})
        self.run_jobs()
        picking.invalidate_recordset()
        self.assertEqual(picking.state, "done", self.trail())

    def test_a_short_shipment_keeps_a_backorder_still_released(self):
        picking = self.delivery()
        self.sandbox.warehouse.set_behaviour(
            picking.name, short={"sku": self.widget.default_code, "quantity": 2, "rest": "backorder"}
        )
        self.release(picking)
        self.ship()
        picking.invalidate_recordset()
        self.assertEqual(picking.state, "done", self.trail())
        widget_move = picking.move_ids.filtered(lambda m: m.product_id == self.widget)
        self.assertEqual(widget_move.quantity, 3)
        backorder = picking.backorder_ids
        self.assertTrue(backorder)
        self.assertTrue(
            (picking | backorder).activity_ids, "ShipBob's exception (the rest waits for stock) is shown"
        )
        self.assertEqual(backorder.tpl_state, "released", "the rest is still the 3PL's to ship")
        self.assertEqual(picking.tpl_state, "partial")
        # the rest ships later (a minute in this sandbox): a second confirmation for the same order
        self.ship(40)
        backorder.invalidate_recordset()
        self.assertEqual(backorder.state, "done", self.trail())
        self.assertEqual(backorder.move_ids.quantity, 2)

    def test_a_short_with_the_rest_cancelled_cancels_the_rest(self):
        picking = self.delivery()
        self.sandbox.warehouse.set_behaviour(
            picking.name, short={"sku": self.widget.default_code, "quantity": 2, "rest": "cancel"}
        )
        self.release(picking)
        self.ship()
        picking.invalidate_recordset()
        self.assertEqual(picking.state, "done", self.trail())
        self.assertFalse(picking.backorder_ids.filtered(lambda p: p.state != "cancel"))

    def test_a_split_gives_two_confirmations(self):
        picking = self.delivery()
        self.sandbox.warehouse.set_behaviour(picking.name, split=2)
        self.release(picking)
        self.ship()
        confirmed = self.events(self.tpl, "shipment.confirmed")
        self.assertEqual(len(confirmed), 2)
        self.assertEqual(set(confirmed.mapped("state")), {"done"}, confirmed.mapped("error_message"))
        picking.invalidate_recordset()
        everything = picking | picking.backorder_ids
        self.assertEqual(set(everything.mapped("state")), {"done"})

    def test_cancellation_accepted_before_the_pick(self):
        picking = self.release(self.delivery())
        picking.action_tpl_cancel()
        self.run_jobs()
        picking.invalidate_recordset()
        self.assertEqual(picking.tpl_state, "cancelled", self.events(self.tpl, "order.cancel").error_message)
        self.assertEqual(picking.state, "cancel")

    def test_a_late_cancellation_is_refused_and_the_delivery_stays_open(self):
        picking = self.release(self.delivery())
        self.sandbox.advance(45)  # picked: too late to cancel
        picking.action_tpl_cancel()
        self.run_jobs()
        picking.invalidate_recordset()
        self.assertEqual(
            picking.tpl_state, "cancel_refused", self.events(self.tpl, "order.cancel").error_message
        )
        self.assertEqual(picking.state, "assigned", "the delivery stays open: it ships")
        self.assertTrue(picking.activity_ids, "the user is told")
        self.ship()
        picking.invalidate_recordset()
        self.assertEqual(picking.state, "done")

    def test_the_warehouse_down_for_an_hour_retries_without_losing_the_release(self):
        picking = self.delivery()
        self.sandbox.faults.start_outage(3600)
        picking.action_tpl_release_now()
        event = self.events(self.tpl, "order.release")
        self.run_job(event.job_id)
        event.invalidate_recordset()
        self.assertEqual(event.state, "queued", event.error_message)
        self.assertEqual(event.error_category, "remote")
        self.assertEqual(picking.tpl_state, "pending")
        self.clock.advance(3601)  # the outage is over
        self.run_job(event.job_id)
        event.invalidate_recordset()
        picking.invalidate_recordset()
        self.assertEqual(picking.tpl_state, "released", event.error_message)
        self.assertEqual(event.state, "done")

    # -- receipts, returns, exceptions ----------------------------------------------------

    def purchase(self, quantity=10):
        vendor = self.env["res.partner"].create({"name": "Widget Maker"})
        purchase = self.env["purchase.order"].create(
            {
                "partner_id": vendor.id,
                "picking_type_id": self.tpl_warehouse.in_type_id.id,
                "order_line": [
                    (0, 0, {"product_id": self.widget.id, "product_qty": quantity, "price_unit": 2})
                ],
            }
        )
        purchase.button_confirm()
        return purchase.picking_ids

    def test_a_receiving_order_is_created_once_and_its_receipt_polled(self):
        receipt = self.purchase()
        self.env["tpl.outbound"]._notify_due(self.tpl)
        self.run_jobs()
        receipt.invalidate_recordset()
        self.assertEqual(receipt.tpl_state, "released", self.trail())
        self.assertTrue(receipt.tpl_external_id)
        self.sandbox.warehouse.set_behaviour(receipt.name, short={self.widget.default_code: 1})
        self.sandbox.advance(self.sandbox.warehouse.receive_delay + 10)
        self.tpl._enqueue_topic("receipt.catch_up", {"since": ""})
        self.run_jobs()
        receipt.invalidate_recordset()
        self.assertEqual(receipt.state, "done", self.trail())
        self.assertEqual(sum(receipt.move_line_ids.mapped("quantity")), 9)
        # ShipBob completed the WRO one short: nothing more comes against it, no backorder
        self.assertFalse(receipt.backorder_ids.filtered(lambda p: p.state != "cancel"))
        self.assertEqual(receipt.purchase_id.order_line.qty_received, 9)
        # polled again: applied once
        self.tpl._enqueue_topic("receipt.catch_up", {"since": ""}, key="again")
        self.run_jobs()
        self.assertEqual(len(self.events(self.tpl, "receipt.confirmed")), 1)

    def test_a_substitution_is_an_exception_and_nothing_is_written(self):
        picking = self.delivery()
        self.sandbox.warehouse.stock("TPL-WIDGET-ALT", 10, name="Widget (other colour)")
        self.sandbox.warehouse.set_behaviour(
            picking.name, substitute={"sku": self.widget.default_code, "with": "TPL-WIDGET-ALT"}
        )
        self.release(picking)
        self.ship()
        confirmed = self.events(self.tpl, "shipment.confirmed")
        self.assertEqual(set(confirmed.mapped("state")), {"failed"}, self.trail())
        self.assertTrue(any("TPL-WIDGET" in (e.error_message or "") for e in confirmed))
        picking.invalidate_recordset()
        self.assertEqual(picking.state, "assigned")
