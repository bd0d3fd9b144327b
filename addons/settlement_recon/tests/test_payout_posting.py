"""A payout is booked as one balanced entry that clears the clearing account."""

from odoo.tests import tagged

from .common import SettlementCase, line, payout


@tagged("post_install", "-at_install")
class TestPayoutPosting(SettlementCase):
    def test_refund_dispute_reserve_one_balanced_entry_clearing_back_to_zero(self):
        order = self.import_order("S1", [self.txn("ch_1", 148.0)])
        disputed = self.import_order("S2", [self.txn("ch_2", 60.0), self.txn("re_2", 20.0, kind="refund")])
        lines = [
            line("txn_1", "charge", "148.00", "4.59", txn="ch_1"),
            line("txn_2", "charge", "60.00", "2.04", txn="ch_2"),
            line("txn_3", "refund", "-20.00", "0", txn="re_2"),
            line("txn_4", "dispute", "-60.00", "15.00", txn="ch_2", provider_type="dispute"),
            line("txn_5", "reserve_hold", "-10.00", provider_type="risk_reserved_funds"),
        ]
        result = self.import_payout(payout("po_1", lines))
        self.assertEqual(result.state, "posted", result.exception_reason)
        move = result.move_id
        self.assertEqual(move.state, "posted")
        self.assertAlmostEqual(sum(move.line_ids.mapped("balance")), 0.0)
        # nets: 143.41 + 57.96 - 20 - 75 - 10 = 96.37
        self.assertAlmostEqual(result.amount, 96.37)
        self.assertAlmostEqual(result.transit_line_id.balance, 96.37)
        self.assertEqual(self.balance(self.accounts.clearing_account_id), 0.0)
        self.assertAlmostEqual(self.balance(self.accounts.fee_account_id), 21.63)
        self.assertAlmostEqual(self.balance(self.accounts.dispute_account_id), 60.0)
        self.assertAlmostEqual(self.balance(self.accounts.reserve_account_id), 10.0)
        charge = result.line_ids.filtered(lambda item: item.external_id == "txn_1")
        self.assertEqual(charge.match_state, "matched")
        self.assertEqual(charge.sale_order_id, order)
        self.assertTrue(charge.move_line_ids)
        self.assertTrue(
            all(
                item.reconciled
                for item in charge.move_line_ids
                if item.account_id == self.accounts.clearing_account_id
            )
        )
        dispute = result.line_ids.filtered(lambda item: item.external_id == "txn_4")
        self.assertEqual((dispute.match_state, dispute.sale_order_id), ("matched", disputed))
        reserve = result.line_ids.filtered(lambda item: item.external_id == "txn_5")
        self.assertEqual((reserve.match_state, reserve.match_rule), ("explained", "family"))

    def test_negative_payout_credits_in_transit(self):
        self.import_order("S3", [self.txn("ch_3", 30.0), self.txn("re_3", 80.0, kind="refund")])
        lines = [
            line("txn_31", "charge", "30.00", "1.17", txn="ch_3"),
            line("txn_32", "refund", "-80.00", txn="re_3"),
        ]
        result = self.import_payout(payout("po_neg", lines))
        self.assertEqual(result.direction, "debit")
        self.assertEqual(result.state, "posted", result.exception_reason)
        self.assertAlmostEqual(result.transit_line_id.balance, -51.17)

    def test_failed_payout_is_reversed(self):
        self.import_order("S4", [self.txn("ch_4", 100.0)])
        lines = [line("txn_41", "charge", "100.00", "3.20", txn="ch_4")]
        posted = self.import_payout(payout("po_fail", lines))
        self.assertEqual(posted.state, "posted")
        failed = self.import_payout(payout("po_fail", lines, status="failed", failure_code="account_closed"))
        self.assertEqual(failed, posted)
        self.assertEqual(failed.state, "reversed")
        self.assertTrue(failed.reversal_move_id)
        self.assertEqual(self.balance(self.accounts.transit_account_id), 0.0)

    def test_gate_failure_is_an_exception_naming_the_difference(self):
        lines = [line("txn_51", "charge", "100.00", "3.20", txn="ch_missing")]
        result = self.import_payout(payout("po_gate", lines, amount="99.00"))
        self.assertEqual(result.state, "exception")
        self.assertIn("2.20 unexplained", result.exception_reason)
        self.assertFalse(result.move_id)
        event = self.env["integration.event"].search(
            [("topic", "=", "payout.post")], order="id desc", limit=1
        )
        self.assertIn(event.state, ("failed", "exception", "dead"))

    def test_unknown_type_waits_for_a_mapping_then_books(self):
        lines = [
            line("txn_61", "unknown", "5.00", provider_type="climate_order_purchase"),
        ]
        result = self.import_payout(payout("po_unknown", lines))
        self.assertEqual(result.state, "exception")
        self.assertIn("climate_order_purchase", result.exception_reason)
        self.assertEqual(result.line_ids.reason_code, "unknown_type")
        self.env["settlement.type.map"].create(
            {"provider": "stripe", "provider_type": "climate_order_purchase", "family": "adjustment"}
        )
        self.assertEqual(result.line_ids.family, "adjustment")
        result.action_post()
        self.assertEqual(result.state, "posted", result.exception_reason)


@tagged("post_install", "-at_install")
class TestPayoutInAnotherCurrency(SettlementCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.eur = cls.env.ref("base.EUR")
        cls.eur.active = True
        cls.env["res.currency.rate"].create(
            {"name": "2024-05-01", "rate": 0.8, "currency_id": cls.eur.id, "company_id": cls.company.id}
        )
        cls.eur_accounts = cls.env["settlement.provider.account"].create(
            {"backend_id": cls.stripe.id, "currency_id": cls.eur.id}
        )
        cls.eur_accounts.action_create_accounts()
        cls.pricelist_eur = cls.env["product.pricelist"].create(
            {"name": "EUR (test)", "currency_id": cls.eur.id, "company_id": cls.company.id}
        )

    def test_a_eur_payout_books_in_eur_with_company_currency_balances(self):
        self.backend.pricelist_id = self.pricelist_eur
        self.import_order("E1", [self.txn("ch_eur", 148.0, currency="EUR")], currency="EUR")
        lines = [line("txn_e1", "charge", "148.00", "4.00", txn="ch_eur", currency="EUR")]
        result = self.import_payout(payout("po_eur", lines, currency="EUR"))
        self.assertEqual(result.state, "posted", result.exception_reason)
        self.assertEqual(result.provider_account_id, self.eur_accounts)
        self.assertEqual(result.move_id.journal_id, self.eur_accounts.journal_id)
        self.assertEqual(set(result.move_id.line_ids.mapped("currency_id")), {self.eur})
        self.assertAlmostEqual(sum(result.move_id.line_ids.mapped("balance")), 0.0)
        # 144 EUR at 0.8 EUR per USD
        self.assertAlmostEqual(result.transit_line_id.amount_currency, 144.0)
        self.assertAlmostEqual(result.transit_line_id.balance, 180.0)
        self.assertEqual(self.balance(self.eur_accounts.clearing_account_id), 0.0)

    def test_a_currency_without_accounts_waits_with_its_cause(self):
        lines = [line("txn_g1", "adjustment", "10.00", currency="GBP")]
        self.env.ref("base.GBP").active = True
        result = self.import_payout(payout("po_gbp", lines, currency="GBP"))
        self.assertEqual(result.state, "exception")
        self.assertIn("GBP", result.exception_reason)


@tagged("post_install", "-at_install")
class TestSettlementKpis(SettlementCase):
    def test_rates_residual_and_the_clearing_alert(self):
        self.import_order("K1", [self.txn("ch_k1", 100.0)])
        lines = [
            line("txn_k1", "charge", "100.00", "3.00", txn="ch_k1"),
            line("txn_k2", "charge", "300.00", "9.00", txn="ch_unknown"),
        ]
        result = self.import_payout(payout("po_kpi", lines))
        self.assertEqual(result.state, "posted", result.exception_reason)
        accounts = self.accounts
        accounts.invalidate_recordset()
        self.assertAlmostEqual(accounts.auto_match_rate, 50.0)
        self.assertAlmostEqual(accounts.auto_match_value_rate, 25.0)
        self.assertEqual(accounts.unmatched_count, 1)
        # the unmatched charge was credited to clearing without a capture: -300 stays open
        self.assertAlmostEqual(accounts.clearing_residual, -300.0)
        self.assertGreater(accounts.clearing_open_days, 30)  # booked in 2024
        self.assertTrue(accounts.clearing_alert)
        self.stripe._cron_check_alerts()
        activity = self.stripe.activity_ids.filtered(lambda a: "Integration alert" in (a.summary or ""))
        self.assertIn("clearing item", activity.note)


@tagged("post_install", "-at_install")
class TestPayoutEvents(SettlementCase):
    def test_the_same_payout_twice_books_once_and_an_older_status_is_ignored(self):
        self.import_order("D1", [self.txn("ch_d1", 50.0)])
        lines = [line("txn_d1", "charge", "50.00", "1.75", txn="ch_d1")]
        booked = self.import_payout(payout("po_twice", lines))
        self.assertEqual(booked.state, "posted")
        move = booked.move_id
        # the same content again (an overlap, a retry): the same event, nothing queued
        self.stripe._enqueue_topic("payout.import", payout("po_twice", lines), key="test:po_twice:paid")
        self.run_jobs()
        self.assertEqual(booked.move_id, move)
        # a late, older version (in transit) does not take the status back
        event = self.stripe._enqueue_topic("payout.import", payout("po_twice", lines, status="in_transit"))
        self.run_jobs()
        self.assertEqual(event.state, "ignored")
        self.assertEqual(booked.status, "paid")
        self.assertEqual(booked.state, "posted")
        self.assertEqual(
            self.env["account.move"].search_count([("ref", "=", booked.name), ("state", "=", "posted")]), 1
        )


@tagged("post_install", "-at_install")
class TestSplitAtMonthEnd(SettlementCase):
    def test_a_payout_across_month_end_books_each_month_on_its_last_day(self):
        self.accounts.split_at_month_end = True
        self.import_order("M1", [self.txn("ch_m1", 100.0)])
        self.import_order("M2", [self.txn("ch_m2", 60.0)])
        lines = [
            line("txn_m1", "charge", "100.00", "3.00", txn="ch_m1", created_at="2024-04-30T22:00:00Z"),
            line("txn_m2", "charge", "60.00", "2.00", txn="ch_m2", created_at="2024-05-01T09:00:00Z"),
        ]
        result = self.import_payout(payout("po_split", lines))  # arrives 2024-05-03
        self.assertEqual(result.state, "posted", result.exception_reason)
        moves = result.transit_line_ids.move_id
        self.assertEqual(sorted(str(d) for d in moves.mapped("date")), ["2024-04-30", "2024-05-03"])
        self.assertEqual(sorted(result.transit_line_ids.mapped("balance")), [58.0, 97.0])
        self.assertEqual(self.balance(self.accounts.clearing_account_id), 0.0)
        april = moves.filtered(lambda m: str(m.date) == "2024-04-30")
        fee = april.line_ids.filtered(lambda item: item.account_id == self.accounts.fee_account_id)
        self.assertAlmostEqual(fee.balance, 3.0)


@tagged("post_install", "-at_install")
class TestCaptureOnInvoice(SettlementCase):
    def setUp(self):
        super().setUp()
        # the company's only Stripe account (demo data may hold another)
        others = self.env["integration.backend"].search(
            [("backend_type", "=", "stripe"), ("id", "!=", self.stripe.id)]
        )
        others.active = False

    def invoice(self, sale):
        if sale.state != "sale":
            sale.action_confirm()
        invoice = sale._create_invoices()
        invoice.action_post()
        return invoice

    def test_with_two_stripe_accounts_the_payout_that_pays_it_captures_it(self):
        second = self.env["integration.backend"].create(
            {"name": "Second Stripe", "backend_type": "stripe", "company_id": self.company.id}
        )
        sale = self.import_order("C2", [self.txn("ch_c2", 148.0)])
        invoice = self.invoice(sale)
        self.assertFalse(sale.integration_transaction_ids.capture_move_id, "which account took it is unknown")
        self.assertNotEqual(invoice.payment_state, "paid")
        result = self.import_payout(
            payout("po_c2", [line("txn_c2", "charge", "148.00", "4.59", txn="ch_c2")])
        )
        self.assertEqual(result.state, "posted", result.exception_reason)
        self.assertTrue(sale.integration_transaction_ids.capture_move_id)
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(self.balance(self.accounts.clearing_account_id), 0.0)
        self.assertTrue(second)

    def test_posting_the_invoice_of_a_paid_order_captures_its_payment(self):
        sale = self.import_order("C1", [self.txn("ch_c1", 148.0)])
        invoice = self.invoice(sale)
        transaction = sale.integration_transaction_ids
        self.assertTrue(transaction.capture_move_id, "the capture is booked with the invoice")
        self.assertEqual(invoice.payment_state, "paid")
        self.assertAlmostEqual(self.balance(self.accounts.clearing_account_id), 148.0)
        # the payout then clears it, reconciled with the capture
        lines = [line("txn_c1", "charge", "148.00", "4.59", txn="ch_c1")]
        result = self.import_payout(payout("po_c1", lines))
        self.assertEqual(result.state, "posted", result.exception_reason)
        self.assertEqual(self.balance(self.accounts.clearing_account_id), 0.0)
        self.assertTrue(transaction.capture_line_id.reconciled)
