"""Onboarding and monitoring: the sample inspector, golden files,
scorecards, overdue acknowledgements and certificate expiry alerts."""

import base64
import json
from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from ..lib.transports import smime
from .common import OURS, RETAILER, EdiCase, purchase_order_850, x12


@tagged("post_install", "-at_install")
class TestEdiOnboarding(EdiCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.backend = cls.customer_backend
        cls.sample = x12(RETAILER, OURS, [("850", purchase_order_850())])

    def test_the_inspector_shows_envelopes_errors_and_documents(self):
        wizard = self.env["trading.partner.inspector"].create(
            {"backend_id": self.backend.id, "sample_text": self.sample.decode()}
        )
        wizard.action_inspect()
        self.assertEqual(wizard.state, "valid")
        report = json.loads(wizard.report_json)
        transaction = report["interchanges"][0]["groups"][0]["transactions"][0]
        self.assertEqual(transaction["document"]["po_number"], "PO-7788")
        self.assertTrue(transaction["segments"], "the segment tree is shown")
        bad = self.env["trading.partner.inspector"].create(
            {"sample_file": base64.b64encode(self.sample.replace(b"PO1*1*5*EA", b"PO1*1*five*EA"))}
        )
        bad.action_inspect()
        self.assertEqual(bad.state, "invalid")
        self.assertIn("PO102", bad.summary)
        garbage = self.env["trading.partner.inspector"].create({"sample_text": "hello"})
        garbage.action_inspect()
        self.assertEqual(garbage.state, "not_edi")

    def test_the_partners_rules_apply_in_the_inspector(self):
        self.backend.edi_guide_overrides = json.dumps(
            [
                {
                    "partner": "RETAILCO",
                    "version": 1,
                    "base": "x12/004010/850",
                    "segments": {"DTM": {"usage": "M"}},
                }
            ]
        )
        wizard = self.env["trading.partner.inspector"].create(
            {
                "backend_id": self.backend.id,
                "sample_text": self.sample.decode().replace("DTM*002*20240510~\n", ""),
            }
        )
        wizard.action_inspect()
        self.assertEqual(wizard.state, "invalid")
        self.assertIn("DTM", wizard.summary)

    def test_rules_naming_what_the_guide_lacks_are_refused(self):
        with self.assertRaises(Exception) as caught:
            self.backend.edi_guide_overrides = json.dumps(
                [{"base": "x12/004010/850", "segments": {"ZZZ": {"usage": "M"}}}]
            )
            self.backend.flush_recordset()
        self.assertIn("ZZZ", str(caught.exception))

    def test_a_golden_file_passes_until_the_reading_changes(self):
        golden = self.env["trading.partner.golden"].create(
            {"name": "PO sample", "backend_id": self.backend.id, "sample": base64.b64encode(self.sample)}
        )
        golden.action_record_expected()
        golden.action_run()
        self.assertEqual(golden.state, "pass")
        expected = json.loads(golden.expected)
        expected["documents"][0]["document"]["po_number"] = "PO-OTHER"
        golden.expected = json.dumps(expected)
        golden.action_run()
        self.assertEqual(golden.state, "fail")
        self.assertIn("PO-OTHER", golden.difference)
        user = self.env["res.users"].create(
            {
                "name": "EDI user",
                "login": "edi-user",
                "groups_id": [(6, 0, [self.env.ref("integration_core.group_integration_user").id])],
            }
        )
        with self.assertRaises(UserError):
            golden.with_user(user).action_record_expected()

    def test_the_scorecard_counts_what_happened(self):
        event, _created = self.receive_file(self.backend, self.sample)
        sale = event.child_ids.filtered(lambda e: e.topic == "order.received")._record()
        sent = self.documents(self.backend, direction="out", set_type="855")
        sent._apply_ack("accepted", "A", when=sent.date + timedelta(hours=2))
        self.env["trading.partner.chargeback"].create(
            {
                "name": "CB-1",
                "backend_id": self.backend.id,
                "reason": "late_asn",
                "amount": 150.0,
                "sale_id": sale.id,
            }
        )
        self.env.flush_all()
        rows = self.env["trading.partner.scorecard"].read_group(
            [("backend_id", "=", self.backend.id)],
            ["ack_latency_hours:avg", "fill_rate:avg", "chargeback_amount:sum"],
            ["backend_id"],
        )
        self.assertEqual(len(rows), 1)
        self.assertAlmostEqual(rows[0]["ack_latency_hours"], 2.0, places=3)
        self.assertEqual(rows[0]["fill_rate"], 0.0, "nothing delivered yet")
        self.assertEqual(rows[0]["chargeback_amount"], 150.0)

    def test_overdue_acknowledgements_raise_one_activity(self):
        self.receive_file(self.backend, self.sample)
        sent = self.documents(self.backend, direction="out", set_type="855")
        self.assertEqual(sent.ack_state, "pending")
        sent.ack_due_at = fields.Datetime.now() - timedelta(hours=1)
        self.assertIn(sent, self.env["trading.partner.document"].search([("ack_overdue", "=", True)]))
        Document = self.env["trading.partner.document"]
        Document._cron_check_overdue()
        Document._cron_check_overdue()
        activities = self.backend.activity_ids.filtered(lambda a: "overdue" in (a.summary or ""))
        self.assertEqual(len(activities), 1)

    def test_a_certificate_about_to_expire_raises_an_activity(self):
        cert, _key = smime.generate_self_signed("SOON", days=10)
        endpoint = self.env["trading.partner.endpoint"].create(
            {
                "backend_id": self.backend.id,
                "transport": "as2",
                "as2_url": "http://127.0.0.1:9/as2",
                "as2_partner_cert": cert.pem.decode(),
                "active": False,  # not used to send: only its certificate matters here
            }
        )
        self.assertTrue(endpoint.cert_expires_at)
        endpoint.active = True
        self.env["trading.partner.endpoint"]._cron_check_certificates()
        self.assertTrue(self.backend.activity_ids.filtered(lambda a: "expires" in (a.summary or "")))
