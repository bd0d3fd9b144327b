"""A retailer trading with us over EDI: its 850s become sale orders, each
file is acknowledged, and our 855, 856 and 810 go out (issue 10,
"Customers")."""

import json

from odoo.exceptions import AccessError
from odoo.tests import tagged

from ..lib import sscc
from .common import OURS, RETAILER, EdiCase, purchase_order_850, x12


@tagged("post_install", "-at_install")
class TestEdiCustomer(EdiCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.backend = cls.customer_backend

    def _order_file(self, **kwargs):
        control = kwargs.pop("control", "000000101")
        date = kwargs.pop("date", "20240501")
        return x12(RETAILER, OURS, [("850", purchase_order_850(**kwargs))], control=control, date=date)

    def test_850_becomes_a_sale_order_and_is_acknowledged(self):
        event, created = self.receive_file(self.backend, self._order_file())
        self.assertTrue(created)
        self.assertEqual(event.state, "done", event.error_message)
        child = event.child_ids.filtered(lambda e: e.topic == "order.received")
        self.assertEqual(child.state, "done", child.error_message)
        sale = child._record()
        self.assertEqual(sale._name, "sale.order")
        self.assertEqual(sale.client_order_ref, "PO-7788")
        self.assertEqual(sale.partner_id, self.retailer)
        self.assertEqual(sale.partner_shipping_id.gln, "0614141000012")
        self.assertEqual(sale.partner_shipping_id.parent_id, self.retailer)
        lines = {line.product_id: line for line in sale.order_line}
        self.assertEqual(lines[self.widget].product_uom_qty, 5)
        self.assertAlmostEqual(lines[self.widget].price_unit, 12.5)
        self.assertEqual(lines[self.gadget].product_uom_qty, 3)
        self.assertEqual(sale.state, "sale")
        received = self.documents(self.backend, direction="in")
        self.assertEqual(received.mapped("set_type"), ["850"])
        self.assertEqual(received.reference, "PO-7788")
        self.assertEqual(
            (received.interchange_control, received.group_control, received.set_control),
            ("000000101", "101", "0001"),
        )
        self.assertEqual(received._record(), sale)
        ack = self.documents(self.backend, direction="out", set_type="997")
        self.assertEqual(len(ack), 1, "one 997 for the one group received")
        acknowledged = json.loads(ack.document_json)
        self.assertEqual(acknowledged["groups"][0]["control_number"], "101")
        self.assertEqual(acknowledged["groups"][0]["status"], "A")
        self.assertEqual(ack.ack_state, "not_required", "an acknowledgement is never acknowledged")

    def test_the_same_bytes_twice_are_one_event(self):
        first, _created = self.receive_file(self.backend, self._order_file())
        second, created = self.receive_file(self.backend, self._order_file())
        self.assertFalse(created)
        self.assertEqual(first, second)

    def test_a_duplicate_interchange_is_refused(self):
        self.receive_file(self.backend, self._order_file())
        # the partner's resend: same ISA13 and ST02, written again at another time
        again, created = self.receive_file(self.backend, self._order_file(date="20240502"))
        self.assertTrue(created)
        self.assertEqual(again.state, "ignored")
        self.assertIn("Duplicate", again.ignore_reason or again.error_message or "")
        self.assertEqual(len(self.documents(self.backend, direction="in")), 1)
        self.assertEqual(self.env["sale.order"].search_count([("client_order_ref", "=", "PO-7788")]), 1)

    def test_an_invalid_850_names_the_segment_and_element(self):
        data = self._order_file(lines=[("1", "five", "12.50", "EN", "1234567890128")])
        event, _created = self.receive_file(self.backend, data)
        child = event.child_ids.filtered(lambda e: e.topic == "order.received")
        self.assertEqual(child.state, "failed")
        self.assertEqual(child.error_category, "validation")
        self.assertIn("PO102", child.error_message)
        self.assertFalse(self.env["sale.order"].search([("client_order_ref", "=", "PO-7788")]))
        ack = json.loads(self.documents(self.backend, direction="out", set_type="997").document_json)
        self.assertEqual(ack["groups"][0]["transactions"][0]["status"], "R")

    def test_a_file_of_another_sender_is_refused(self):
        data = x12("STRANGER", OURS, [("850", purchase_order_850())])
        event, _created = self.receive_file(self.backend, data)
        self.assertEqual(event.state, "failed")
        self.assertIn("STRANGER", event.error_message)
        self.assertFalse(event.child_ids)

    def test_855_splits_what_cannot_ship_now(self):
        self.env["stock.quant"]._update_available_quantity(self.widget, self.warehouse.lot_stock_id, 10)
        event, _created = self.receive_file(self.backend, self._order_file())
        self.assertEqual(event.state, "done")
        po_ack = self.documents(self.backend, direction="out", set_type="855")
        sent = self.env["integration.event"].search([("topic", "=", "po_ack.sent")])
        self.assertEqual(len(po_ack), 1, sent.mapped(lambda e: (e.state, e.error_message)))
        document = json.loads(po_ack.document_json)
        self.assertEqual(document["po_number"], "PO-7788")
        by_line = {line["line"]: line for line in document["lines"]}
        self.assertEqual([a["status"] for a in by_line["1"]["acks"]], ["IA"])
        self.assertEqual(
            [a["status"] for a in by_line["2"]["acks"]], ["IB"], "no gadget in stock: backordered"
        )
        self.assertEqual(po_ack.ack_state, "pending", "we asked the retailer for a 997")

    def _imported_sale(self):
        event, _created = self.receive_file(self.backend, self._order_file())
        return event.child_ids.filtered(lambda e: e.topic == "order.received")._record()

    def test_856_goes_out_when_the_delivery_is_done(self):
        sale = self._imported_sale()
        picking = self.deliver(sale)
        self.run_jobs()
        asn = self.documents(self.backend, direction="out", set_type="856")
        self.assertEqual(
            len(asn),
            1,
            self.env["integration.event"].search([("topic", "=", "asn.sent")]).mapped("error_message"),
        )
        self.assertEqual(asn._record(), picking)
        codes = self.env["trading.partner.sscc"].search([("picking_id", "=", picking.id)]).mapped("sscc")
        self.assertTrue(codes)
        for code in codes:
            self.assertEqual(len(code), 18)
            self.assertTrue(code.startswith("00614141"), code)
            sscc.validate_sscc(code)
        self.assertIn(codes[0], asn.document_json)

    def test_810_goes_out_when_the_invoice_is_posted_and_its_997_closes_it(self):
        sale = self._imported_sale()
        self.deliver(sale)
        invoice = sale._create_invoices()
        invoice.action_post()
        self.run_jobs()
        sent = self.documents(self.backend, direction="out", set_type="810")
        self.assertEqual(len(sent), 1)
        self.assertEqual(sent.ack_state, "pending")
        self.assertTrue(
            self.env["ir.attachment"].search([("res_model", "=", sent._name), ("res_id", "=", sent.id)])
        )
        ack = self.accepting_997(sent)
        event, _created = self.receive_file(self.backend, ack)
        self.assertEqual(event.state, "done", event.error_message)
        sent.invalidate_recordset()
        self.assertEqual(sent.ack_state, "accepted")
        self.assertTrue(sent.ack_latency_hours >= 0)
        self.assertFalse(
            self.documents(self.backend, direction="out", set_type="997").filtered(
                lambda d: d.reference == "000000202"
            ),
            "a 997 is never acknowledged",
        )

    def test_an_invalid_outbound_810_is_blocked_with_its_cause(self):
        # the retailer's guide wants a vendor number (REF*VR) on every invoice; we send none
        self.backend.edi_guide_overrides = json.dumps(
            [
                {
                    "partner": "RETAILCO",
                    "version": 2,
                    "base": "x12/004010/810",
                    "segments": {"REF": {"usage": "M"}},
                }
            ]
        )
        sale = self._imported_sale()
        self.deliver(sale)
        invoice = sale._create_invoices()
        invoice.action_post()
        self.run_jobs()
        event = self.env["integration.event"].search(
            [("topic", "=", "invoice.sent"), ("backend_id", "=", self.backend.id)]
        )
        self.assertEqual(event.state, "failed")
        self.assertIn("Blocked", event.error_message)
        self.assertIn("REF", event.error_message)
        self.assertFalse(self.documents(self.backend, direction="out", set_type="810"))

    def test_control_numbers_are_drawn_in_order_and_padded(self):
        first = self.backend._edi_next_control("interchange")
        second = self.backend._edi_next_control("interchange")
        self.assertEqual(len(first), 9)
        self.assertEqual(int(second), int(first) + 1)
        self.assertEqual(len(self.backend._edi_next_control("set")), 4)

    def test_portal_and_other_company_users_see_no_edi_document(self):
        self.receive_file(self.backend, self._order_file())
        documents = self.documents(self.backend)
        self.assertTrue(documents)
        portal = self.env["res.users"].create(
            {
                "name": "Portal",
                "login": "edi-portal",
                "groups_id": [(6, 0, [self.env.ref("base.group_portal").id])],
            }
        )
        with self.assertRaises(AccessError):
            documents.with_user(portal).read(["reference"])
        other = self.env["res.company"].create({"name": "Other Co"})
        stranger = self.env["res.users"].create(
            {
                "name": "Stranger",
                "login": "edi-stranger",
                "company_id": other.id,
                "company_ids": [(6, 0, [other.id])],
                "groups_id": [(6, 0, [self.env.ref("integration_core.group_integration_manager").id])],
            }
        )
        self.assertFalse(self.env["trading.partner.document"].with_user(stranger).search([]))
        with self.assertRaises(AccessError):
            documents.with_user(stranger).read(["reference"])

    def test_a_document_flow_turned_off_sends_and_takes_nothing(self):
        self.backend._flow("asn_sent").policy = "off"
        sale = self._imported_sale()
        self.deliver(sale)
        self.run_jobs()
        self.assertFalse(
            self.env["integration.event"].search(
                [("topic", "=", "asn.sent"), ("backend_id", "=", self.backend.id)]
            )
        )
        self.backend._flow("order_received").policy = "off"
        event, _created = self.receive_file(
            self.backend, self._order_file(po_number="PO-OFF", control="000000102")
        )
        child = event.child_ids.filtered(lambda e: e.topic == "order.received")
        self.assertEqual(child.state, "failed")
        self.assertIn("off", child.error_message)
        self.backend._flow("order_received").policy = "realtime"
        child.action_replay()
        self.run_jobs()
        self.assertEqual(child.state, "done", child.error_message)
