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
        self.deliver(sale)
        invoice = sale._create_invoices()
        invoice.action_post()
        self.run_jobs()
        sent = self.documents(backend, direction="out", set_type="810")
        self.assertTrue(
            sent, self.env["integration.event"].search([("state", "=", "failed")]).mapped("error_message")
        )
        ack = self.accepting_997(sent)
        self.receive_file(backend, ack)
        self.start_tour("/web", "channel_edi_order_to_invoice", login="admin", timeout=180)
