"""Trace hand-on (issue 9, capability 3): a record an event made carries
the event's trace; records derived from it inherit it (the deliveries and
invoice of an order, a backorder, a credit note, a purchase receipt)."""

from odoo.tests import tagged

from .common import IntegrationCase, canonical_order


@tagged("post_install", "-at_install")
class TestTraceHandOn(IntegrationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner = cls.env["res.partner"].create({"name": "Trace customer"})
        cls.env["stock.quant"]._update_available_quantity(cls.widget, cls.warehouse.lot_stock_id, 50)

    def test_imported_order_and_its_deliveries_carry_the_events_trace(self):
        event, _created = self.receive(canonical_order("T-1"))
        self.process(event)
        self.assertEqual(event.state, "done", event.error_message)
        sale = event._record()
        self.assertEqual(sale.state, "sale")
        self.assertEqual(sale.integration_trace_id, event.trace_id)
        self.assertTrue(sale.picking_ids)
        self.assertEqual(set(sale.picking_ids.mapped("integration_trace_id")), {event.trace_id})
        # a second event touching the order does not take the trace over
        update = canonical_order("T-1", updated_at="2024-05-02T10:00:00+00:00")
        again, _created = self.receive(update, key="key-T-1-update")
        self.process(again)
        self.assertEqual(again.state, "done", again.error_message)
        self.assertNotEqual(again.trace_id, event.trace_id)
        self.assertEqual(sale.integration_trace_id, event.trace_id)

    def _traced_sale(self, trace="trace-T2", qty=3):
        sale = self.env["sale.order"].create(
            {
                "partner_id": self.partner.id,
                "order_line": [(0, 0, {"product_id": self.widget.id, "product_uom_qty": qty})],
            }
        )
        sale._integration_set_trace(trace)
        sale.action_confirm()
        return sale

    def test_backorder_invoice_and_credit_note_derive_the_trace(self):
        sale = self._traced_sale()
        picking = sale.picking_ids
        self.assertEqual(picking.integration_trace_id, "trace-T2")
        picking.action_assign()
        picking.move_ids.quantity = 1
        picking.move_ids.picked = True
        picking._action_done()
        backorder = sale.picking_ids - picking
        self.assertEqual(backorder.backorder_id, picking)
        self.assertEqual(backorder.integration_trace_id, "trace-T2")
        invoice = sale._create_invoices()
        self.assertEqual(invoice.integration_trace_id, "trace-T2")
        invoice.action_post()
        credit_note = invoice._reverse_moves()
        self.assertEqual(credit_note.reversed_entry_id, invoice)
        self.assertEqual(credit_note.integration_trace_id, "trace-T2")

    def test_copies_do_not_carry_the_trace(self):
        sale = self._traced_sale()
        self.assertFalse(sale.copy().integration_trace_id)

    def test_a_record_without_a_traced_origin_has_no_trace(self):
        sale = self.env["sale.order"].create(
            {
                "partner_id": self.partner.id,
                "order_line": [(0, 0, {"product_id": self.widget.id, "product_uom_qty": 1})],
            }
        )
        sale.action_confirm()
        self.assertFalse(sale.integration_trace_id)
        self.assertFalse(sale.picking_ids.integration_trace_id)
        self.assertFalse(sale.picking_ids._integration_trace())

    def test_purchase_receipts_derive_the_trace_of_their_order(self):
        purchase = self.env["purchase.order"].create(
            {
                "partner_id": self.partner.id,
                "order_line": [(0, 0, {"product_id": self.widget.id, "product_qty": 4, "price_unit": 10})],
            }
        )
        purchase._integration_set_trace("trace-PO")
        purchase.button_confirm()
        self.assertEqual(purchase.state, "purchase")
        self.assertTrue(purchase.picking_ids)
        self.assertEqual(set(purchase.picking_ids.mapped("integration_trace_id")), {"trace-PO"})
        self.assertEqual(purchase.picking_ids._integration_trace(), "trace-PO")
