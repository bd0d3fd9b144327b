"""The customer flow as a user sees it, in headless Chromium: a retailer's
850 arrives, becomes an order, and its 855, 856 and 810 go out, seen from
the trading partner's screen."""

from odoo.tests import HttpCase, tagged

from .common import OURS, RETAILER, EdiCase, purchase_order_850, x12


@tagged("post_install", "-at_install")
class TestEdiTour(HttpCase, EdiCase):
    def test_a_retailers_order_from_850_to_810(self):
        backend = self.customer_backend
        event, _created = self.receive_file(backend, x12(RETAILER, OURS, [("850", purchase_order_850())]))
        sale = event.child_ids.filtered(lambda e: e.topic == "order.received")._record()
        self.assertTrue(sale, event.child_ids.mapped("error_message"))
        picking = sale.picking_ids
        for product in sale.order_line.product_id:
            self.env["stock.quant"]._update_available_quantity(product, self.warehouse.lot_stock_id, 20)
        picking.action_assign()
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
        picking.move_ids.picked = True
        picking.button_validate()
        invoice = sale._create_invoices()
        invoice.action_post()
        self.run_jobs()
        sent = self.documents(backend, direction="out", set_type="810")
        self.assertTrue(
            sent, self.env["integration.event"].search([("state", "=", "failed")]).mapped("error_message")
        )
        ack = x12(
            RETAILER,
            OURS,
            [
                (
                    "997",
                    [f"AK1*IN*{sent.group_control}", f"AK2*810*{sent.set_control}", "AK5*A", "AK9*A*1*1*1"],
                )
            ],
            control="000000202",
            group="202",
            functional_id="FA",
        )
        self.receive_file(backend, ack)
        self.start_tour("/web", "channel_edi_order_to_invoice", login="admin", timeout=180)
