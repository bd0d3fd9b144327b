"""The supply flows end to end: X12 files as partners write them, received
like the mailbox pickup stores them, split, validated, read and applied
(855, 856 and 810 of a supplier; 860 of a retailer)."""

from odoo import fields
from odoo.tests import tagged

from .common import OURS, RETAILER, SUPPLIER, purchase_order_850, x12
from .supply_common import SupplyCase, sscc_of


@tagged("post_install", "-at_install")
class TestEdiSupplierFiles(SupplyCase):
    def supplier_file(self, set_type, functional_id, body, control="000000201"):
        return x12(
            SUPPLIER,
            OURS,
            [(set_type, body)],
            control=control,
            group=control[-3:],
            functional_id=functional_id,
        )

    def child(self, event, topic):
        child = event.child_ids.filtered(lambda e: e.topic == topic)
        self.assertEqual(len(child), 1, event.error_message)
        self.assertEqual(child.state, "done", child.error_message)
        return child

    def test_an_855_file_splits_the_purchase_line(self):
        purchase = self.purchase([(self.widget, 10, 5.0)])
        row = self.sent_850(purchase, hours_ago=3)
        body = [
            f"BAK*00*AC*{purchase.name}*20300101",
            "PO1*1*10*EA*5**VN*INT-WIDGET",
            "ACK*IA*6*EA*017*20300110",
            "ACK*IB*4*EA*017*20300201",
            "CTT*1",
        ]
        event, _created = self.receive_file(self.supplier_backend, self.supplier_file("855", "PR", body))
        self.child(event, "po_ack.received")
        lines = purchase.order_line.sorted("id")
        self.assertEqual(lines.mapped("product_qty"), [6, 4])
        self.assertEqual(
            [fields.Date.to_string(line.date_planned.date()) for line in lines], ["2030-01-10", "2030-02-01"]
        )
        row.invalidate_recordset()  # written by the event's job
        self.assertEqual(row.po_ack_state, "received")
        received = self.documents(self.supplier_backend, direction="in", set_type="855")
        self.assertEqual(received._record(), purchase)

    def test_an_856_file_prepares_the_receipt(self):
        purchase = self.purchase([(self.widget, 10, 5.0)])
        first, second = sscc_of(7, "0088888"), sscc_of(8, "0088888")
        body = [
            "BSN*00*SHP-9*20300105*1030*0001",
            "HL*1**S*1",
            "TD1*CTN25*2",
            "HL*2*1*O*1",
            f"PRF*{purchase.name}",
            "HL*3*2*P*1",
            f"MAN*GM*00{first}",
            "HL*4*3*I*0",
            "LIN*1*VN*INT-WIDGET",
            "SN1*1*6*EA",
            "HL*5*2*P*1",
            f"MAN*GM*00{second}",
            "HL*6*5*I*0",
            "LIN*1*VN*INT-WIDGET",
            "SN1*1*4*EA",
            "CTT*6",
        ]
        event, _created = self.receive_file(self.supplier_backend, self.supplier_file("856", "SH", body))
        self.child(event, "asn.received")
        receipt = purchase.picking_ids
        self.assertEqual(receipt.edi_asn_reference, "SHP-9")
        self.assertEqual(
            sorted(receipt.move_line_ids.mapped(lambda l: (l.result_package_id.name, l.quantity))),
            sorted([(first, 6.0), (second, 4.0)]),
        )

    def test_an_810_file_becomes_a_matched_bill_once(self):
        purchase = self.purchase([(self.widget, 10, 5.0)])
        self.receive(purchase)
        body = [
            f"BIG*20300120*INV-9*20300101*{purchase.name}",
            "IT1*1*10*EA*5**VN*INT-WIDGET",
            "TDS*5000",
            "CTT*1",
        ]
        event, _created = self.receive_file(self.supplier_backend, self.supplier_file("810", "IN", body))
        bill = self.child(event, "invoice.received")._record()
        self.assertEqual(bill._name, "account.move")
        self.assertEqual((bill.ref, bill.state, bill.edi_match_state), ("INV-9", "posted", "matched"))
        # the supplier sends the same invoice again in a new interchange
        again, _created = self.receive_file(
            self.supplier_backend, self.supplier_file("810", "IN", body, control="000000202")
        )
        self.child(again, "invoice.received")
        self.assertEqual(self.env["account.move"].search_count([("ref", "=", "INV-9")]), 1)

    def test_an_860_file_changes_the_order_until_picking_starts(self):
        order = x12(RETAILER, OURS, [("850", purchase_order_850())], control="000000301")
        self.receive_file(self.customer_backend, order)
        sale = self.env["sale.order"].search([("client_order_ref", "=", "PO-7788")])
        self.assertEqual(sale.state, "sale")
        change = [
            "BCH*04*SA*PO-7788**1*20240501",
            "POC*1*QD*3*3*EA*12.50**EN*1234567890128",
            "CTT*1",
        ]
        event, _created = self.receive_file(
            self.customer_backend,
            x12(RETAILER, OURS, [("860", change)], control="000000302", group="302", functional_id="PC"),
        )
        self.child(event, "order_change.received")
        widget_line = sale.order_line.filtered(lambda l: l.product_id == self.widget)
        self.assertEqual(widget_line.product_uom_qty, 3)
        self.assertEqual(widget_line.price_unit, 12.5)
        # picking starts: the next change is refused, with its reason on the event
        self.stock(self.widget)
        self.stock(self.gadget)
        sale.picking_ids.action_assign()
        sale.picking_ids.move_line_ids.picked = True
        change[1] = "POC*1*QI*4*4*EA*12.50**EN*1234567890128"
        refused, _created = self.receive_file(
            self.customer_backend,
            x12(RETAILER, OURS, [("860", change)], control="000000303", group="303", functional_id="PC"),
        )
        child = refused.child_ids.filtered(lambda e: e.topic == "order_change.received")
        self.assertEqual(child.state, "failed")
        self.assertEqual(child.error_category, "business")
        self.assertIn("picking has started", child.error_message)
        self.assertEqual(widget_line.product_uom_qty, 3)

    def test_an_860_that_overtakes_its_850_waits_for_it(self):
        change = [
            "BCH*04*SA*PO-LATE**1*20240501",
            "POC*1*QD*3*3*EA*12.50**EN*1234567890128",
            "CTT*1",
        ]
        data = x12(RETAILER, OURS, [("860", change)], control="000000401", group="401", functional_id="PC")
        event, _created = self.env["trading.partner.transport"]._receive_file(
            self.customer_backend, data, "test"
        )
        self.run_jobs(limit=2)  # the file, then one try of the change
        child = event.child_ids.filtered(lambda e: e.topic == "order_change.received")
        self.assertEqual(child.state, "queued", child.error_message)
        self.assertTrue(child.next_retry_at)
        self.assertIn("PO-LATE", child.error_message)
        # the 850 comes; the change's next try applies it
        order = x12(RETAILER, OURS, [("850", purchase_order_850(po_number="PO-LATE"))], control="000000402")
        arrived, _created = self.env["trading.partner.transport"]._receive_file(
            self.customer_backend, order, "test"
        )
        self.run_job(arrived.job_id)
        self.run_job(arrived.child_ids.filtered(lambda e: e.topic == "order.received").job_id)
        self.run_job(child.job_id)  # the change's retry, once its order is there
        child.invalidate_recordset()
        self.assertEqual(child.state, "done", child.error_message)
        sale = self.env["sale.order"].search([("client_order_ref", "=", "PO-LATE")])
        self.assertEqual(sale.order_line.filtered(lambda l: l.product_id == self.widget).product_uom_qty, 3)
