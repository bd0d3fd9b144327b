"""Who may see and decide supplier price changes and bill holds: portal
users and users of another company cannot, over RPC either."""

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .supply_common import SupplyCase


@tagged("post_install", "-at_install")
class TestEdiSupplyAccess(SupplyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_company = cls.env["res.company"].create({"name": "Other Co (EDI access test)"})
        cls.other_manager = cls._user(
            "edi_other_manager",
            [
                "purchase.group_purchase_manager",
                "account.group_account_manager",
                "integration_core.group_integration_manager",
            ],
            company=cls.other_company,
        )
        cls.portal = (
            cls.env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": "Portal Pat",
                    "login": "edi_portal",
                    "email": "edi_portal@example.com",
                    "groups_id": [Command.set([cls.env.ref("base.group_portal").id])],
                }
            )
        )
        cls.integration_user = cls._user("edi_integration_user", ["integration_core.group_integration_user"])

    def _records(self):
        purchase = self.purchase([(self.widget, 10, 5.0)])
        self.apply_855(purchase, [{"line": "1", "quantity": "10", "unit_price": "7", "status": "IP"}])
        change = self.env["trading.partner.price.change"].search([("purchase_id", "=", purchase.id)])
        self.env["trading.partner.bill"]._apply(
            self.supplier_backend,
            {
                "invoice_number": "INV-ACL",
                "po_number": purchase.name,
                "lines": [{"line": "1", "quantity": "10", "unit_price": "5"}],
            },
        )
        hold = self.env["trading.partner.bill.hold"].search([("invoice_ref", "=", "INV-ACL")])
        self.assertTrue(change and hold)
        return change, hold

    def test_portal_users_cannot_read_or_decide(self):
        change, hold = self._records()
        for record, action in (
            (change, "action_approve"),
            (change, "action_refuse"),
            (hold, "action_resolve"),
        ):
            as_portal = record.with_user(self.portal)
            with self.assertRaises(AccessError):
                as_portal.read(["state"])
            with self.assertRaises(AccessError):
                getattr(as_portal, action)()
        self.assertEqual((change.state, hold.state), ("pending", "open"))

    def test_users_of_another_company_cannot_read_or_decide(self):
        change, hold = self._records()
        env = self.env(user=self.other_manager, context={"allowed_company_ids": self.other_company.ids})
        self.assertFalse(env["trading.partner.price.change"].search([("id", "=", change.id)]))
        self.assertFalse(env["trading.partner.bill.hold"].search([("id", "=", hold.id)]))
        with self.assertRaises(AccessError):
            change.with_env(env).read(["state"])
        with self.assertRaises(AccessError):
            change.with_env(env).action_approve()
        with self.assertRaises(AccessError):
            hold.with_env(env).action_resolve()
        with self.assertRaises(AccessError):
            hold.move_id.with_env(env).action_edi_approve_and_post()
        self.assertEqual((change.state, hold.state), ("pending", "open"))

    def test_integration_users_read_but_do_not_decide(self):
        change, hold = self._records()
        self.assertEqual(change.with_user(self.integration_user).read(["state"])[0]["state"], "pending")
        self.assertEqual(hold.with_user(self.integration_user).read(["reason"])[0]["reason"], "not_received")
        with self.assertRaises(AccessError):
            change.with_user(self.integration_user).action_approve()
        with self.assertRaises(AccessError):
            hold.with_user(self.integration_user).action_resolve()
