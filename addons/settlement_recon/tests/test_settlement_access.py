"""Who may see and change payouts, lines and provider accounts, over RPC."""

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import SettlementCase, line, payout


@tagged("post_install", "-at_install")
class TestSettlementAccess(SettlementCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Users = cls.env["res.users"].with_context(no_reset_password=True)
        cls.other_company = cls.env["res.company"].create({"name": "Other Settlements Co"})
        cls.outsider = Users.create(
            {
                "name": "Other company's accountant",
                "login": "settle-outsider",
                "company_id": cls.other_company.id,
                "company_ids": [(6, 0, cls.other_company.ids)],
                "groups_id": [(6, 0, [cls.env.ref("account.group_account_manager").id])],
            }
        )
        cls.billing = Users.create(
            {
                "name": "Billing clerk",
                "login": "settle-billing",
                "company_id": cls.company.id,
                "company_ids": [(6, 0, cls.company.ids)],
                "groups_id": [(6, 0, [cls.env.ref("account.group_account_invoice").id])],
            }
        )
        cls.portal = Users.create(
            {
                "name": "Portal customer",
                "login": "settle-portal",
                "company_id": cls.company.id,
                "company_ids": [(6, 0, cls.company.ids)],
                "groups_id": [(6, 0, [cls.env.ref("base.group_portal").id])],
            }
        )

    def setUp(self):
        super().setUp()
        self.payout = self.import_payout(
            payout("po_acl", [line("txn_acl", "unknown", "5.00", provider_type="mystery")])
        )
        self.assertEqual(self.payout.state, "exception")

    def test_another_companys_accountant_sees_nothing(self):
        Payout = self.env["settlement.payout"].with_user(self.outsider)
        self.assertFalse(Payout.search([]))
        self.assertFalse(self.env["settlement.line"].with_user(self.outsider).search([]))
        self.assertFalse(self.env["settlement.provider.account"].with_user(self.outsider).search([]))
        with self.assertRaises(AccessError):
            self.payout.with_user(self.outsider).read(["amount"])
        with self.assertRaises(AccessError):
            self.payout.with_user(self.outsider).action_post()
        with self.assertRaises(AccessError):
            self.accounts.with_user(self.outsider).write({"clearing_account_id": False})

    def test_a_portal_user_reads_nothing(self):
        for model in (
            "settlement.payout",
            "settlement.line",
            "settlement.provider.account",
            "settlement.type.map",
        ):
            with self.assertRaises(AccessError, msg=model):
                self.env[model].with_user(self.portal).search([])

    def test_a_billing_user_books_but_cannot_rewrite_what_the_provider_said(self):
        payout = self.payout.with_user(self.billing)
        self.assertTrue(payout.read(["amount", "state"]))
        for values in ({"amount": 1000.0}, {"state": "reconciled"}, {"status": "paid"}):
            with self.assertRaises(AccessError, msg=values):
                payout.write(values)
        with self.assertRaises(AccessError):
            payout.line_ids.write({"family": "charge"})
        with self.assertRaises(AccessError):
            self.env["settlement.payout"].with_user(self.billing).create(
                {
                    "backend_id": self.stripe.id,
                    "provider": "stripe",
                    "external_id": "forged",
                    "status": "paid",
                    "direction": "credit",
                    "currency_id": self.usd.id,
                }
            )
        # what a billing user may do: map the type, then book
        self.env["settlement.type.map"].with_user(self.billing).create(
            {"provider": "stripe", "provider_type": "mystery", "family": "adjustment"}
        )
        payout.action_post()
        self.assertEqual(self.payout.state, "posted")

    def test_only_accounting_managers_create_the_accounts(self):
        with self.assertRaises(AccessError):
            self.accounts.with_user(self.billing).action_create_accounts()
