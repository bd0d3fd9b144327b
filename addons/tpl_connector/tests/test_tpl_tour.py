"""The 3PL as an inventory user sees it, in headless Chromium: a delivery
released by hand, the 3PL's confirmation of a short (part shipped with its
tracking, the rest kept as a backorder still at the 3PL), and the short
resolved by asking the 3PL to cancel the rest. The sandbox warehouse does
the work between the two tours (see static/tests/tours/tpl_tours.js)."""

from odoo.tests import HttpCase, tagged

from .common import TplRestCase


@tagged("post_install", "-at_install")
class TestTplTour(HttpCase, TplRestCase):
    def test_release_see_the_confirmation_and_resolve_a_short(self):
        picking = self.delivery()
        self.sandbox.warehouse.set_behaviour(
            picking.name, short={"sku": self.widget.default_code, "quantity": 2, "rest": "backorder"}
        )
        self.start_tour("/web", "tpl_connector_release", login="admin", timeout=180)
        self.run_jobs()
        picking.invalidate_recordset()
        self.assertEqual(picking.tpl_state, "released", self.events(self.tpl, "order.release").error_message)

        self.ship()
        picking.invalidate_recordset()
        self.assertEqual(picking.state, "done")
        self.assertEqual(picking.tpl_state, "partial")
        self.assertTrue(picking.carrier_tracking_ref)
        backorder = picking.backorder_ids
        self.assertEqual(backorder.tpl_state, "released")

        self.start_tour("/web", "tpl_connector_resolve_short", login="admin", timeout=180)
        self.run_jobs()
        backorder.invalidate_recordset()
        answer = self.events(self.tpl, "order.cancel")
        self.assertEqual(answer.state, "done", answer.error_message)
        self.assertEqual(backorder.tpl_state, "cancelled", backorder.tpl_cancel_answer)
        self.assertEqual(backorder.state, "cancel")
        # ShipBob then says the waiting shipment is cancelled: a late echo, ignored
        answers = self.ship(0)
        self.assertTrue(answers and all(status == 200 for status, _message in answers), answers)
        confirmations = self.events(self.tpl, "shipment.confirmed")
        self.assertNotIn("failed", confirmations.mapped("state"), confirmations.mapped("error_message"))
