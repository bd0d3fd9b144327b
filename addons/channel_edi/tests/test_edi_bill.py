"""A supplier's 810 becomes a vendor bill passed or held by the 3-way match
(purchase order, receipt, invoice), with tolerances and holds a finance
user resolves (issue 10, "Suppliers")."""

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .supply_common import SupplyCase


@tagged("post_install", "-at_install")
class TestEdiBill(SupplyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.supplier_backend.write({"edi_qty_tolerance_pct": 0.0, "edi_price_tolerance_pct": 2.0})

    def invoice(self, purchase, lines, number="INV-1001", **extra):
        typed = {
            "invoice_number": number,
            "invoice_date": "2030-01-20",
            "po_number": purchase.name,
            "currency": "USD",
            "lines": lines,
            "total": "0",
            **extra,
        }
        return self.env["trading.partner.bill"]._apply(self.supplier_backend, typed)

    def test_a_bill_within_tolerance_is_posted(self):
        purchase = self.purchase([(self.widget, 10, 5.0), (self.gadget, 4, 20.0)])
        self.receive(purchase)
        # 5.08 is 1.6 % above 5.00: within the 2 % price tolerance
        bill = self.invoice(
            purchase,
            [
                {"line": "1", "quantity": "10", "unit_price": "5.08", "product_ids": {"VN": "INT-WIDGET"}},
                {"line": "2", "quantity": "4", "unit_price": "20", "product_ids": {"VN": "INT-GADGET"}},
            ],
        )
        self.assertEqual(bill.move_type, "in_invoice")
        self.assertEqual(bill.state, "posted")
        self.assertEqual(bill.edi_match_state, "matched")
        self.assertEqual(bill.ref, "INV-1001")
        self.assertEqual(bill.partner_id, self.supplier)
        self.assertFalse(bill.edi_hold_ids)
        lines = bill.invoice_line_ids.sorted("sequence")
        self.assertEqual(lines.purchase_line_id, purchase.order_line)
        self.assertEqual(lines.mapped("quantity"), [10, 4])
        self.assertEqual(lines.mapped("price_unit"), [5.08, 20.0])
        self.assertEqual(purchase.order_line.sorted("id").mapped("qty_invoiced"), [10, 4])
        self.assertIn(
            "invoice total is 0", "".join(bill.message_ids.mapped("body")), "a total that differs is said"
        )

    def test_a_bill_over_tolerance_is_held_with_its_reasons(self):
        purchase = self.purchase([(self.widget, 10, 5.0), (self.gadget, 4, 20.0)])
        self.receive(purchase, {self.widget: 8, self.gadget: 4})
        bill = self.invoice(
            purchase,
            [
                {"line": "1", "quantity": "10", "unit_price": "5", "product_ids": {"VN": "INT-WIDGET"}},
                {"line": "2", "quantity": "4", "unit_price": "20.50", "product_ids": {"VN": "INT-GADGET"}},
                {"line": "3", "quantity": "1", "unit_price": "9", "product_ids": {"VN": "MYSTERY"}},
            ],
        )
        self.assertEqual(bill.state, "draft")
        self.assertEqual(bill.edi_match_state, "held")
        holds = {hold.reason: hold for hold in bill.edi_hold_ids}
        self.assertEqual(set(holds), {"qty_over_received", "price_over_po", "unknown_line"})
        self.assertEqual((holds["qty_over_received"].expected, holds["qty_over_received"].invoiced), (8, 10))
        self.assertEqual(holds["qty_over_received"].product_id, self.widget)
        self.assertEqual((holds["price_over_po"].expected, holds["price_over_po"].invoiced), (20, 20.5))
        self.assertEqual(holds["unknown_line"].invoice_line_ref, "3")
        self.assertEqual(bill.edi_open_hold_count, 3)
        self.assertTrue(bill.activity_ids.filtered(lambda a: "3-way" in (a.summary or "")))
        # a held bill cannot be posted from its button
        with self.assertRaises(UserError):
            bill.action_post()
        # a billing user may not resolve it, even over RPC; an accounting manager may
        with self.assertRaises(AccessError):
            bill.edi_hold_ids[:1].with_user(self.accountant).action_resolve()
        with self.assertRaises(AccessError):
            bill.with_user(self.accountant).action_edi_approve_and_post()
        bill.edi_hold_ids.with_user(self.finance_manager).action_resolve()
        self.assertEqual(set(bill.edi_hold_ids.mapped("state")), {"resolved"})
        self.assertEqual(bill.edi_hold_ids.resolved_by_id, self.finance_manager)
        bill.action_post()
        self.assertEqual(bill.state, "posted")

    def test_approve_and_post(self):
        purchase = self.purchase([(self.widget, 10, 5.0)])
        self.receive(purchase, {self.widget: 5})
        bill = self.invoice(purchase, [{"line": "1", "quantity": "10", "unit_price": "5"}])
        self.assertEqual([h.reason for h in bill.edi_hold_ids], ["qty_over_received"])
        bill.with_user(self.finance_manager).action_edi_approve_and_post()
        self.assertEqual(bill.state, "posted")
        self.assertEqual(bill.edi_match_state, "approved")
        self.assertEqual(bill.edi_hold_ids.state, "resolved")

    def test_nothing_received_is_held(self):
        purchase = self.purchase([(self.widget, 10, 5.0)])
        bill = self.invoice(purchase, [{"line": "1", "quantity": "10", "unit_price": "5"}])
        self.assertEqual(bill.edi_hold_ids.reason, "not_received")
        self.assertEqual(bill.state, "draft")

    def test_the_quantity_tolerance(self):
        self.supplier_backend.edi_qty_tolerance_pct = 10.0
        purchase = self.purchase([(self.widget, 20, 5.0)])
        self.receive(purchase, {self.widget: 10})
        bill = self.invoice(purchase, [{"line": "1", "quantity": "11", "unit_price": "5"}])
        self.assertEqual(bill.edi_match_state, "matched", "11 of 10 received is within 10 %")
        # earlier bills count: 11 + 1 more is 12 of 10 received
        second = self.invoice(
            purchase, [{"line": "1", "quantity": "1", "unit_price": "5"}], number="INV-1002"
        )
        self.assertEqual(second.edi_match_state, "held")
        self.assertEqual(second.edi_hold_ids.reason, "qty_over_received")

    def test_the_same_invoice_twice_gives_one_bill(self):
        purchase = self.purchase([(self.widget, 10, 5.0)])
        self.receive(purchase)
        lines = [{"line": "1", "quantity": "10", "unit_price": "5"}]
        first = self.invoice(purchase, lines)
        second = self.invoice(purchase, lines)
        self.assertEqual(first, second)
        bills = self.env["account.move"].search(
            [("ref", "=", "INV-1001"), ("partner_id", "=", self.supplier.id)]
        )
        self.assertEqual(len(bills), 1)

    def test_a_credit_note_is_a_refund(self):
        purchase = self.purchase([(self.widget, 10, 5.0)])
        self.receive(purchase)
        self.invoice(purchase, [{"line": "1", "quantity": "10", "unit_price": "5"}])
        refund = self.invoice(
            purchase, [{"line": "1", "quantity": "2", "unit_price": "5"}], number="CR-7", is_credit=True
        )
        self.assertEqual(refund.move_type, "in_refund")
        self.assertEqual(refund.state, "posted")
        self.assertEqual(refund.invoice_line_ids.purchase_line_id, purchase.order_line)
        self.assertEqual(purchase.order_line.qty_invoiced, 8)

    def test_the_hold_list_groups_by_supplier_and_reason(self):
        purchase = self.purchase([(self.widget, 10, 5.0)])
        self.invoice(purchase, [{"line": "1", "quantity": "10", "unit_price": "6"}])
        groups = self.env["trading.partner.bill.hold"]._read_group(
            [("state", "=", "open")], ["partner_id", "reason"], ["__count"]
        )
        self.assertIn((self.supplier, "not_received", 1), groups)
        self.assertIn((self.supplier, "price_over_po", 1), groups)
