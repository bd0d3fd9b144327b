"""Shopify Payments on a Shopify store backend: orders imported with their
transactions, the store's payouts fetched, explained and booked."""

from datetime import datetime, timedelta, timezone

from odoo.tests import tagged

from odoo.addons.channel_shopify.tests.common import ShopifyCase
from odoo.addons.integration_core.tests.common import sandbox_package


@tagged("post_install", "-at_install")
class TestShopifyPayments(ShopifyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        sandbox_package("shopify")
        from sandbox.shopify import payments

        cls.payments = payments
        cls.shopify.settlement_enabled = True
        currency = cls.env["res.currency"].search([("name", "=", cls.sandbox.currency)])
        currency.active = True
        cls.accounts = cls.env["settlement.provider.account"].create(
            {"backend_id": cls.shopify.id, "currency_id": currency.id}
        )
        cls.accounts.action_create_accounts()

    def setUp(self):
        super().setUp()
        start = datetime.now(timezone.utc) - timedelta(days=12)
        self.seeded = self.payments.seed_payouts(self.sandbox, start=start, days=5, name_prefix="SP")
        # orders are read page by page (their transactions with them) from before the first one
        self.shopify.shopify_orders_cursor = (start - timedelta(days=1)).replace(tzinfo=None)

    def test_a_stores_payouts_are_explained_and_booked(self):
        self.assertTrue(self.shopify.settlement_active)
        self.assertIn("payout.fetch", self.shopify._handled_topics())
        self.assertTrue(self.shopify._flow("payout_fetch"))
        self.run_topic("order.catch_up")
        transactions = self.env["integration.order.transaction"].search(
            [("backend_id", "=", self.shopify.id)]
        )
        self.assertTrue(transactions, "orders arrive with their payment transactions")
        self.run_topic("payout.fetch")
        payouts = self.env["settlement.payout"].search([("backend_id", "=", self.shopify.id)])
        # the shop's older payouts (2024) are beyond the first fetch's 30 days
        recent = {
            p["legacyResourceId"]: p["status"] for p in self.seeded["payouts"] if p["issuedAt"] >= "2026"
        }
        self.assertEqual(set(payouts.mapped("external_id")), set(recent))
        for payout in payouts:
            expected = "posted" if recent[payout.external_id] == "PAID" else "waiting"
            self.assertEqual(payout.state, expected, payout.exception_reason)
        payouts = payouts.filtered(lambda p: p.state == "posted")
        lines = payouts.line_ids
        families = set(lines.mapped("family"))
        self.assertTrue(
            {"charge", "refund", "dispute", "reserve_hold", "reserve_release"} <= families, families
        )
        order_lines = lines.filtered(lambda line: line.family in ("charge", "refund"))
        self.assertEqual(set(order_lines.mapped("match_state")), {"matched"}, order_lines.mapped("reason"))
        clearing = self.env["account.move.line"].search(
            [("account_id", "=", self.accounts.clearing_account_id.id), ("parent_state", "=", "posted")]
        )
        self.assertAlmostEqual(sum(clearing.mapped("amount_currency")), 0.0, places=2)
