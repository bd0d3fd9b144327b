"""Who may do what with bank files, matches and rules, checked on the
server (every action here is callable over RPC), and one company's bank
records out of another company's reach."""

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .bank_common import BankCase, mt940


@tagged("post_install", "-at_install")
class TestBankAccess(BankCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_company = cls.env["res.company"].create({"name": "Other Co (bank access test)"})
        cls.billing = new_test_user(
            cls.env,
            login="bank_billing",
            groups="account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )
        cls.outsider = new_test_user(
            cls.env,
            login="bank_outsider",
            groups="account.group_account_invoice",
            company_id=cls.other_company.id,
            company_ids=[cls.other_company.id],
        )
        cls.portal = new_test_user(cls.env, login="bank_portal", groups="base.group_portal")

    def suggestion(self, opening="100.00"):
        self.posted_payout("pz", "33.00", trace_reference=None)
        self.import_file(
            mt940([("33.00", None, "TRANSFER", "ACME TREASURY")], opening=opening, statement_id="S-33")
        )
        match = self.env["settlement.match"].search([("state", "=", "suggested")])
        self.assertEqual(len(match), 1)
        return match

    def test_a_billing_user_imports_and_accepts_but_changes_nothing_by_hand(self):
        Files = self.Files.with_user(self.billing)
        record = Files._import_bytes(mt940([("5.00", None, "x", "ACME")]), "mine.sta")
        self.assertEqual(record.state, "imported")
        self.assertEqual(Files.search([("id", "=", record.id)]).line_count, 1)
        with self.assertRaises(AccessError):
            record.with_user(self.billing).write({"state": "draft"})
        with self.assertRaises(AccessError):
            record.line_ids.with_user(self.billing).write({"bank_entry_key": "forged"})
        match = self.suggestion(opening="105.00")  # after the billing user's statement
        with self.assertRaises(AccessError):
            match.with_user(self.billing).write({"state": "accepted"})
        match.with_user(self.billing).action_accept()
        self.assertEqual(match.state, "accepted")
        self.assertEqual(match.decided_by, self.billing)
        self.assertEqual(match.payout_ids.state, "reconciled")

    def test_only_accounting_managers_confirm_rules(self):
        rule = self.env["settlement.rule"].create(
            {
                "key": "date_lag:stripe:1",
                "company_id": self.company.id,
                "kind": "date_lag",
                "provider": "stripe",
            }
        )
        with self.assertRaises(AccessError):
            rule.with_user(self.billing).action_confirm()
        self.assertFalse(rule.confirmed)

    def test_a_portal_user_can_do_nothing(self):
        match = self.suggestion()
        with self.assertRaises(AccessError):
            self.Files.with_user(self.portal)._import_bytes(mt940([("5.00", None, "x", "ACME")]), "p.sta")
        with self.assertRaises(AccessError):
            self.Files.with_user(self.portal).search([])
        with self.assertRaises(AccessError):
            match.with_user(self.portal).action_accept()
        with self.assertRaises(AccessError):
            match.with_user(self.portal).action_reject()
        with self.assertRaises(AccessError):
            self.env["settlement.match"].with_user(self.portal).action_run_matching()
        self.assertEqual(match.state, "suggested")

    def test_another_companys_user_sees_and_decides_nothing_of_ours(self):
        match = self.suggestion()
        record = self.Files.search([], limit=1)
        self.assertFalse(self.Files.with_user(self.outsider).search([("id", "=", record.id)]))
        self.assertFalse(
            self.env["settlement.match"].with_user(self.outsider).search([("id", "=", match.id)])
        )
        with self.assertRaises(AccessError):
            match.with_user(self.outsider).action_accept()
        with self.assertRaises(AccessError):
            record.with_user(self.outsider).action_import()
        with self.assertRaises(AccessError):
            self.Files.with_user(self.outsider)._import_bytes(
                mt940([("5.00", None, "x", "ACME")]), "theirs.sta", company=self.company
            )
        self.assertEqual(match.state, "suggested")
        # their own matching run touches none of our payouts
        counts = self.env["settlement.match"].with_user(self.outsider).with_company(self.other_company)
        counts.action_run_matching()
        self.assertEqual(match.payout_ids.state, "posted")
