"""A customer's 860 changes the sale order its 850 became: lines added,
deleted, quantities, prices and dates; refused once picking has started
(issue 10, "Customers")."""

from odoo import fields
from odoo.tests import tagged

from odoo.addons.integration_core.lib.exceptions import BusinessRuleError

from .supply_common import SupplyCase


@tagged("post_install", "-at_install")
class TestEdiOrderChange(SupplyCase):
    def change(self, sale, lines, **extra):
        typed = {
            "change_purpose": "04",
            "po_number": sale.client_order_ref,
            "order_date": "2030-01-01",
            "lines": lines,
            **extra,
        }
        return self.env["trading.partner.order.change"]._apply(self.customer_backend, sale, typed, None)

    def test_changes_on_a_draft_order(self):
        sale = self.sale([(self.widget, 10, 12.5), (self.gadget, 2, 30.0)], confirm=False)
        widget_line, gadget_line = sale.order_line.sorted("id")
        self.change(
            sale,
            [
                {"line": "1", "change": "QI", "quantity": "15", "product_ids": {"EN": "1234567890128"}},
                {"line": "2", "change": "DI", "product_ids": {"VN": "INT-GADGET"}},
                {
                    "line": "3",
                    "change": "AI",
                    "quantity": "4",
                    "unit_price": "9.5",
                    "product_ids": {"VN": "INT-SYRUP"},
                },
            ],
            dates={"delivery_requested": "2030-02-15"},
        )
        self.assertEqual(widget_line.product_uom_qty, 15)
        self.assertEqual(widget_line.price_unit, 12.5, "a quantity change keeps the ordered price")
        self.assertFalse(gadget_line.exists())
        added = sale.order_line.filtered(lambda l: l.product_id == self.lotted)
        self.assertEqual(
            (added.product_uom_qty, added.price_unit, added.integration_external_id), (4, 9.5, "3")
        )
        self.assertEqual(fields.Date.to_string(sale.commitment_date.date()), "2030-02-15")
        self.assertIn("860", sale.message_ids[0].body)

    def test_changes_on_a_confirmed_order_update_the_delivery(self):
        sale = self.sale([(self.widget, 10, 12.5), (self.gadget, 2, 30.0)])
        self.change(
            sale,
            [
                {"line": "1", "change": "QD", "quantity": "6"},
                {"line": "2", "change": "PC", "unit_price": "28"},
            ],
        )
        widget_line, gadget_line = sale.order_line.sorted("id")
        self.assertEqual(widget_line.product_uom_qty, 6)
        self.assertEqual(gadget_line.price_unit, 28)
        self.assertEqual(gadget_line.product_uom_qty, 2)
        moves = sale.picking_ids.move_ids.filtered(
            lambda m: m.product_id == self.widget and m.state != "cancel"
        )
        self.assertEqual(sum(moves.mapped("product_uom_qty")), 6)
        self.change(sale, [{"line": "2", "change": "DI"}])
        self.assertEqual(gadget_line.product_uom_qty, 0)

    def test_a_change_after_picking_started_is_refused(self):
        self.stock(self.widget)
        sale = self.sale([(self.widget, 10, 12.5)])
        picking = sale.picking_ids
        picking.action_assign()
        picking.move_line_ids.picked = True
        with self.assertRaises(BusinessRuleError) as caught:
            self.change(sale, [{"line": "1", "change": "QD", "quantity": "6"}])
        self.assertIn("picking has started", str(caught.exception))
        self.assertIn(picking.name, str(caught.exception))
        self.assertEqual(sale.order_line.product_uom_qty, 10)

    def test_a_change_after_a_delivery_is_done_is_refused(self):
        self.stock(self.widget)
        sale = self.sale([(self.widget, 10, 12.5)])
        self.deliver_in_packages(sale, split=())
        with self.assertRaises(BusinessRuleError):
            self.change(sale, [{"line": "1", "change": "QI", "quantity": "12"}])

    def test_a_cancellation(self):
        sale = self.sale([(self.widget, 10, 12.5)])
        self.change(sale, [], change_purpose="01")
        self.assertEqual(sale.state, "cancel")
