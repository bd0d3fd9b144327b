"""A supplier's 855 on our purchase order: splits, reductions, price changes
waiting for approval, a rejected order, and the escalation of a missing 855
(issue 10, "Suppliers")."""

from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .supply_common import SupplyCase


def day(line):
    return fields.Date.to_string(line.date_planned.date())


@tagged("post_install", "-at_install")
class TestEdiPoAck(SupplyCase):
    def test_a_partial_confirmation_splits_the_line_with_dates(self):
        purchase = self.purchase([(self.widget, 10, 5.0)])
        row = self.sent_850(purchase, hours_ago=6)
        self.apply_855(
            purchase,
            [
                {
                    "line": "1",
                    "quantity": "10",
                    "uom": "EA",
                    "unit_price": "5",
                    "status": "IA",
                    "acks": [
                        {"status": "IA", "quantity": "6", "dates": {"delivery_scheduled": "2030-01-10"}},
                        {"status": "IB", "quantity": "4", "dates": {"delivery_scheduled": "2030-02-01"}},
                    ],
                }
            ],
        )
        lines = purchase.order_line.sorted("id")
        self.assertEqual(len(lines), 2)
        self.assertEqual([line.product_qty for line in lines], [6, 4])
        self.assertEqual([day(line) for line in lines], ["2030-01-10", "2030-02-01"])
        self.assertEqual(lines.mapped("price_unit"), [5.0, 5.0])
        moves = purchase.picking_ids.move_ids.filtered(lambda m: m.state not in ("cancel", "done"))
        self.assertEqual(sum(moves.mapped("product_uom_qty")), 10, "the receipt still expects all ten")
        by_line = {move.purchase_line_id: move for move in moves}
        self.assertEqual(by_line[lines[1]].product_uom_qty, 4)
        self.assertEqual(fields.Date.to_string(by_line[lines[1]].date.date()), "2030-02-01")
        self.assertEqual(row.po_ack_state, "received")
        self.assertTrue(row.po_ack_at)
        self.assertAlmostEqual(row.po_ack_latency_hours, 6, delta=0.1)
        self.assertIn("split", purchase.message_ids[0].body)

    def test_a_rejected_quantity_reduces_the_line(self):
        purchase = self.purchase([(self.widget, 10, 5.0)])
        self.apply_855(
            purchase,
            [
                {
                    "line": "1",
                    "quantity": "10",
                    "unit_price": "5",
                    "acks": [
                        {"status": "IA", "quantity": "7", "dates": {"delivery_scheduled": "2030-01-12"}},
                        {"status": "IR", "quantity": "3"},
                    ],
                }
            ],
        )
        self.assertEqual(len(purchase.order_line), 1)
        self.assertEqual(purchase.order_line.product_qty, 7)
        self.assertEqual(day(purchase.order_line), "2030-01-12")
        moves = purchase.picking_ids.move_ids.filtered(lambda m: m.state not in ("cancel", "done"))
        self.assertEqual(sum(moves.mapped("product_uom_qty")), 7)

    def test_a_rejection_never_goes_below_what_was_received(self):
        purchase = self.purchase([(self.widget, 10, 5.0)])
        self.receive(purchase, {self.widget: 4})
        self.assertEqual(purchase.order_line.qty_received, 4)
        self.apply_855(
            purchase, [{"line": "1", "quantity": "10", "acks": [{"status": "IR", "quantity": "10"}]}]
        )
        self.assertEqual(purchase.order_line.product_qty, 4, "kept at the received quantity")
        self.assertIn("received already", purchase.message_ids[0].body)

    def test_a_price_change_waits_for_approval(self):
        purchase = self.purchase([(self.widget, 10, 5.0)])
        self.apply_855(
            purchase,
            [
                {
                    "line": "1",
                    "quantity": "10",
                    "unit_price": "5.50",
                    "status": "IP",
                    "acks": [{"status": "IP", "quantity": "10"}],
                }
            ],
        )
        line = purchase.order_line
        self.assertEqual(line.price_unit, 5.0, "a supplier's price is never applied by itself")
        change = self.env["trading.partner.price.change"].search([("purchase_line_id", "=", line.id)])
        self.assertEqual(len(change), 1)
        self.assertEqual((change.state, change.old_price, change.new_price), ("pending", 5.0, 5.5))
        self.assertAlmostEqual(change.difference_pct, 10.0)
        activity = purchase.activity_ids.filtered(lambda a: "price change" in (a.summary or ""))
        self.assertEqual(activity.user_id, self.buyer, "the buyer is asked")
        # the same 855 again does not ask twice
        self.apply_855(purchase, [{"line": "1", "quantity": "10", "unit_price": "5.50", "status": "IP"}])
        self.assertEqual(
            self.env["trading.partner.price.change"].search_count([("purchase_line_id", "=", line.id)]), 1
        )
        # a buyer (not a manager) cannot approve it, even over RPC
        with self.assertRaises(AccessError):
            change.with_user(self.buyer).action_approve()
        self.assertEqual(line.price_unit, 5.0)
        change.with_user(self.purchase_manager).action_approve()
        self.assertEqual(change.state, "approved")
        self.assertEqual(change.decided_by_id, self.purchase_manager)
        self.assertEqual(line.price_unit, 5.5)
        self.assertFalse(purchase.activity_ids.filtered(lambda a: "price change" in (a.summary or "")))
        with self.assertRaises(UserError):
            change.with_user(self.purchase_manager).action_refuse()

    def test_a_refused_price_change_keeps_our_price(self):
        purchase = self.purchase([(self.widget, 10, 5.0)])
        self.apply_855(
            purchase,
            [
                {
                    "line": "1",
                    "quantity": "10",
                    "unit_price": "6",
                    "acks": [
                        {"status": "IA", "quantity": "5", "dates": {"delivery_scheduled": "2030-01-10"}},
                        {"status": "IB", "quantity": "5", "dates": {"delivery_scheduled": "2030-03-01"}},
                    ],
                }
            ],
        )
        change = self.env["trading.partner.price.change"].search([("purchase_id", "=", purchase.id)])
        self.assertEqual(len(change.purchase_line_ids), 2, "the price concerns the split line too")
        change.with_user(self.purchase_manager).action_refuse()
        self.assertEqual(change.state, "refused")
        self.assertEqual(purchase.order_line.mapped("price_unit"), [5.0, 5.0])

    def test_an_approved_price_applies_to_the_split_lines(self):
        purchase = self.purchase([(self.widget, 10, 5.0)])
        self.apply_855(
            purchase,
            [
                {
                    "line": "1",
                    "unit_price": "6",
                    "acks": [
                        {"status": "IA", "quantity": "5", "dates": {"delivery_scheduled": "2030-01-10"}},
                        {"status": "IB", "quantity": "5", "dates": {"delivery_scheduled": "2030-03-01"}},
                    ],
                }
            ],
        )
        change = self.env["trading.partner.price.change"].search([("purchase_id", "=", purchase.id)])
        change.with_user(self.purchase_manager).action_approve()
        self.assertEqual(purchase.order_line.mapped("price_unit"), [6.0, 6.0])

    def test_a_rejected_order_is_said_clearly(self):
        purchase = self.purchase([(self.widget, 10, 5.0)])
        row = self.sent_850(purchase)
        self.apply_855(purchase, [{"line": "1", "quantity": "10", "status": "IR"}], ack_type="RJ")
        self.assertEqual(purchase.order_line.product_qty, 10, "the buyer decides what to do")
        self.assertIn("REJECTED", purchase.message_ids[0].body)
        activity = purchase.activity_ids.filtered(lambda a: "rejected" in (a.summary or ""))
        self.assertEqual(len(activity), 1)
        self.assertEqual(row.po_ack_state, "received")

    def test_an_unknown_line_is_a_mapping_error(self):
        purchase = self.purchase([(self.widget, 10, 5.0)])
        from odoo.addons.integration_core.lib.exceptions import MappingError

        with self.assertRaises(MappingError) as caught:
            self.apply_855(purchase, [{"line": "7", "product_ids": {"VN": "NOPE"}, "status": "IA"}])
        self.assertIn("Line 7", str(caught.exception))


@tagged("post_install", "-at_install")
class TestEdiPoAckEscalation(SupplyCase):
    def _escalations(self, purchase):
        return purchase.activity_ids.filtered(lambda a: "has not acknowledged" in (a.summary or ""))

    def test_an_unacknowledged_purchase_order_escalates_twice_then_stops(self):
        Exporter = self.env["trading.partner.exporter"]
        self.supplier_backend.write({"edi_po_ack_due_hours": 48, "edi_po_ack_escalate_hours": 96})
        purchase = self.purchase([(self.widget, 10, 5.0)])
        row = self.sent_850(purchase, hours_ago=10)
        Exporter._escalate_unacknowledged_orders()
        self.assertFalse(self._escalations(purchase), "not due yet")
        # past the 855's due time: first escalation, once
        row.write(
            {
                "date": fields.Datetime.now() - timedelta(hours=50),
                "po_ack_due_at": fields.Datetime.now() - timedelta(hours=2),
            }
        )
        Exporter._escalate_unacknowledged_orders()
        self.assertEqual(row.escalation_level, 1)
        self.assertEqual(len(self._escalations(purchase)), 1)
        self.assertEqual(self._escalations(purchase).user_id, self.buyer)
        Exporter._escalate_unacknowledged_orders()
        self.assertEqual(len(self._escalations(purchase)), 1, "not twice")
        # past the second threshold: level 2, once
        row.date = fields.Datetime.now() - timedelta(hours=100)
        Exporter._escalate_unacknowledged_orders()
        self.assertEqual(row.escalation_level, 2)
        self.assertEqual(len(self._escalations(purchase)), 2)
        self.assertIn("Escalation 2", self._escalations(purchase).sorted("id")[-1].note)
        Exporter._escalate_unacknowledged_orders()
        self.assertEqual(len(self._escalations(purchase)), 2)
        # the 855 arrives: nothing more to escalate
        self.apply_855(purchase, [{"line": "1", "quantity": "10", "status": "IA"}])
        self.assertEqual(row.po_ack_state, "received")
        self.assertFalse(self._escalations(purchase), "the 855 answers the escalations")
        first_latency = row.po_ack_latency_hours
        self.assertAlmostEqual(first_latency, 100, delta=0.1)
        row.date = fields.Datetime.now() - timedelta(hours=500)
        Exporter._escalate_unacknowledged_orders()
        self.assertFalse(self._escalations(purchase))
        # a later 855 (the supplier changes its answer) keeps the first one's latency
        self.apply_855(purchase, [{"line": "1", "quantity": "10", "status": "IA"}])
        self.assertEqual(row.po_ack_latency_hours, first_latency)
