"""The settlement workbench in headless Chromium (static/tests/tours/
settlement_tours.js): a booked payout opened with its lines explained; a
bank line whose payout is ambiguous accepted from the suggestions, the
payout then reconciled; every Settlements menu opened by a billing user."""

from odoo.tests import HttpCase, new_test_user, tagged

from .bank_common import BankCase, mt940
from .common import line, payout

# the Settlements menus a billing user (account.group_account_invoice) has;
# the tour settlement_recon_menus opens each (BILLING_MENUS there: keep both)
BILLING_MENUS = {
    "settlement_recon.settlement_kpi_menu",
    "settlement_recon.settlement_payout_menu",
    "settlement_recon.settlement_line_menu",
    "settlement_recon.settlement_line_menu_unmatched",
    "settlement_recon.settlement_bank_file_menu",
    "settlement_recon.settlement_bank_line_menu",
    "settlement_recon.settlement_match_menu",
}


@tagged("post_install", "-at_install")
class TestSettlementTour(HttpCase, BankCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.billing = new_test_user(
            cls.env,
            login="settlement_billing",
            groups="base.group_user,account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
            name="Billing clerk",
        )

    def test_open_a_payout_and_see_its_lines_explained(self):
        self.import_order("T1", [self.txn("ch_t1", 148.0)])
        self.import_order("T2", [self.txn("ch_t2", 60.0), self.txn("re_t2", 20.0, kind="refund")])
        lines = [
            line("txn_t1", "charge", "148.00", "4.59", txn="ch_t1"),
            line("txn_t2", "charge", "60.00", "2.04", txn="ch_t2"),
            line("txn_t3", "refund", "-20.00", txn="re_t2"),
            line("txn_t4", "dispute", "-15.00", "15.00", txn="ch_t1", provider_type="dispute"),
            line("txn_t5", "charge", "35.00", "1.32", txn="ch_unknown"),
        ]
        booked = self.import_payout(payout("po_tour_1", lines))
        self.assertEqual(booked.state, "posted", booked.exception_reason)
        self.start_tour("/web", "settlement_recon_payout", login=self.billing.login, timeout=180)

    def test_every_settlement_menu_opens_for_a_billing_user(self):
        Menu = self.env["ir.ui.menu"].with_user(self.billing)
        root = self.env.ref("settlement_recon.settlement_menu_root")
        visible = Menu.browse(list(Menu._visible_menu_ids())) & Menu.search([("id", "child_of", root.id)])
        names = set((visible - root).get_external_id().values())
        self.assertEqual(names, BILLING_MENUS, "the tour opens every menu a billing user has")
        self.start_tour("/web", "settlement_recon_menus", login=self.billing.login, timeout=180)

    def test_accept_a_suggestion_and_see_the_payout_reconciled(self):
        # no trace reference on either: the amount alone cannot tell them apart
        first = self.posted_payout("po_tour_a", "50.00", trace_reference=None)
        second = self.posted_payout("po_tour_b", "50.00", trace_reference=None)
        record = self.import_file(mt940([("50.00", None, "PAYOUT", "STRIPE PAYMENTS EUROPE")]))
        bank_line = record.line_ids
        self.assertEqual(bank_line.settlement_reason, "suggested", "two payouts fit: never automatic")
        self.start_tour("/web", "settlement_recon_accept_suggestion", login=self.billing.login, timeout=180)
        payouts = first | second
        payouts.invalidate_recordset()
        chosen = payouts.filtered(lambda p: p.state == "reconciled")
        self.assertEqual(len(chosen), 1)
        self.assertEqual(chosen.bank_line_id, bank_line)
        self.assertTrue(bank_line.is_reconciled)
        self.assertEqual((payouts - chosen).state, "posted")
        match = self.env["settlement.match"].search([("bank_line_ids", "in", bank_line.ids)])
        self.assertEqual(match.state, "accepted")
        self.assertEqual(match.decided_by, self.billing)
