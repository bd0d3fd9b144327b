"""Payouts against bank lines in Odoo: automatic matches reconciled at once,
ambiguous ones suggested until a user accepts them, differences booked to
the rounding account, open items with their reason."""

from odoo.tests import tagged

from .bank_common import BankCase, camt053, camt_batch_entry, mt940


@tagged("post_install", "-at_install")
class TestBankMatching(BankCase):
    def assert_reconciled(self, payout, bank_line):
        self.assertEqual(payout.state, "reconciled")
        self.assertEqual(payout.bank_line_id, bank_line)
        self.assertTrue(payout.transit_line_id.reconciled)
        self.assertTrue(bank_line.is_reconciled)

    def test_a_bank_line_with_the_trace_reference_is_reconciled_at_once(self):
        payout = self.posted_payout("po_1", "96.37")
        record = self.import_file(mt940([("96.37", "TRACE-po_1", "STRIPE PAYOUT", "STRIPE PAYMENTS EUROPE")]))
        line = record.line_ids
        self.assert_reconciled(payout, line)
        self.assertEqual(self.balance(self.accounts.transit_account_id), 0.0)
        match = self.env["settlement.match"].search([("payout_ids", "in", payout.ids)])
        self.assertEqual((match.state, match.rule), ("automatic", "reference"))
        self.assertEqual(match.bank_line_ids, line)
        self.assertFalse(line.settlement_reason)

    def test_one_batch_bank_line_pays_three_payouts(self):
        payouts = [
            self.posted_payout(name, amount)
            for name, amount in (("pa", "10.00"), ("pb", "20.00"), ("pc", "30.50"))
        ]
        record = self.import_file(
            mt940([("60.50", None, "STRIPE TRACE-pa TRACE-pb TRACE-pc", "STRIPE PAYMENTS EUROPE")])
        )
        line = record.line_ids
        for payout in payouts:
            self.assert_reconciled(payout, line)
        transit = line.move_id.line_ids.filtered(
            lambda item: item.account_id == self.accounts.transit_account_id
        )
        self.assertEqual(sorted(transit.mapped("credit")), [10.0, 20.0, 30.5])
        self.assertEqual(self.balance(self.accounts.transit_account_id), 0.0)
        match = self.env["settlement.match"].search([("bank_line_ids", "in", line.ids)])
        self.assertEqual(match.rule, "subset_n1")
        self.assertEqual(len(match.payout_ids), 3)

    def test_two_equal_payouts_for_one_line_stay_a_suggestion_until_accepted(self):
        first = self.posted_payout("pe1", "50.00", trace_reference=None)
        second = self.posted_payout("pe2", "50.00", trace_reference=None)
        record = self.import_file(mt940([("50.00", None, "PAYOUT", "STRIPE PAYMENTS EUROPE")]))
        line = record.line_ids
        self.assertFalse(line.is_reconciled)
        self.assertEqual((first.state, second.state), ("posted", "posted"))
        suggestions = self.env["settlement.match"].search([("state", "=", "suggested")])
        self.assertTrue(suggestions)
        self.assertEqual(suggestions.bank_line_ids, line)
        self.assertEqual(line.settlement_reason, "suggested")
        best = suggestions[0]
        self.assertTrue(best.alternative_count or len(suggestions) > 1)
        best.action_accept()
        chosen = best.payout_ids
        self.assert_reconciled(chosen, line)
        self.assertEqual(best.state, "accepted")
        other = (first | second) - chosen
        self.assertEqual(other.state, "posted")
        self.assertFalse(self.env["settlement.match"].search([("state", "=", "suggested")]))

    def test_a_rounding_difference_is_booked_to_the_rounding_account(self):
        payout = self.posted_payout("pr", "96.37")
        record = self.import_file(mt940([("96.38", "TRACE-pr", "STRIPE PAYOUT", "STRIPE PAYMENTS EUROPE")]))
        self.assert_reconciled(payout, record.line_ids)
        self.assertAlmostEqual(self.balance(self.accounts.rounding_account_id), -0.01)
        self.assertEqual(self.balance(self.accounts.transit_account_id), 0.0)
        match = self.env["settlement.match"].search([("payout_ids", "in", payout.ids)])
        self.assertEqual((match.rule, match.difference_kind), ("tolerance", "rounding"))

    def test_what_stays_open_says_why_and_a_rejected_pair_is_not_offered_again(self):
        lonely = self.posted_payout("pl", "77.00")
        record = self.import_file(
            mt940([("12.34", None, "RENT", "LANDLORD"), ("40.00", None, "TRANSFER", "ACME TREASURY")])
        )
        rent = record.line_ids.filtered(lambda line: line.amount == 12.34)
        self.assertEqual(rent.settlement_reason, "no_payout_found")
        self.assertEqual(lonely.bank_reason, "no_bank_line")
        candidate = self.posted_payout("pm", "40.00", trace_reference=None)
        Match = self.env["settlement.match"]
        Match._run_bank_matching(self.company)
        suggestion = Match.search([("state", "=", "suggested"), ("payout_ids", "in", candidate.ids)])
        self.assertEqual(len(suggestion), 1)
        suggestion.action_reject()
        self.assertEqual(candidate.bank_reason, "no_bank_line")
        Match._run_bank_matching(self.company)
        self.assertFalse(Match.search([("state", "=", "suggested"), ("payout_ids", "in", candidate.ids)]))

    def test_accepted_matches_teach_a_rule_that_a_manager_confirms(self):
        for index in (1, 2):
            self.posted_payout(f"pq{index}", f"{index}5.00", trace_reference=None)
        self.import_file(
            mt940(
                [
                    ("15.00", None, "PAYOUT ACME", "ACME TREASURY", "R-1"),
                    ("25.00", None, "PAYOUT ACME", "ACME TREASURY", "R-2"),
                ]
            )
        )
        Match = self.env["settlement.match"]
        suggestions = Match.search([("state", "=", "suggested")])
        self.assertEqual(len(suggestions), 2, suggestions.mapped("rule"))
        suggestions.action_accept()
        rule = self.env["settlement.rule"].search([("kind", "=", "counterparty")])
        self.assertEqual(len(rule), 1)
        self.assertFalse(rule.confirmed)
        self.assertEqual(rule.support, 2)
        rule.action_confirm()
        self.assertTrue(rule.confirmed)

    def test_one_payout_booked_as_two_bank_lines(self):
        payout = self.posted_payout("ps", "100.00")
        record = self.import_file(
            mt940(
                [
                    ("60.00", None, "STRIPE TRACE-ps PART 1", "STRIPE PAYMENTS EUROPE"),
                    ("40.00", None, "STRIPE TRACE-ps PART 2", "STRIPE PAYMENTS EUROPE"),
                ]
            )
        )
        self.assertEqual(payout.state, "reconciled")
        self.assertTrue(all(record.line_ids.mapped("is_reconciled")))
        self.assertTrue(payout.transit_line_id.reconciled)
        self.assertEqual(self.balance(self.accounts.transit_account_id), 0.0)
        match = self.env["settlement.match"].search([("payout_ids", "in", payout.ids)])
        self.assertEqual((match.rule, len(match.bank_line_ids)), ("subset_1n", 2))

    def test_a_camt_batch_entry_is_split_and_each_transaction_pays_its_payout(self):
        payouts = [
            self.posted_payout(name, amount)
            for name, amount in (("ba", "10.00"), ("bb", "20.00"), ("bc", "30.50"))
        ]
        batch = camt_batch_entry(
            [
                ("10.00", "TRACE-ba", "payout a"),
                ("20.00", "TRACE-bb", "payout b"),
                ("30.50", "TRACE-bc", "payout c"),
            ]
        )
        record = self.import_file(camt053([], closing="160.50", extra=batch), "batch.xml")
        self.assertEqual(record.line_count, 3)
        self.assertTrue(record.statement_ids.is_complete)
        for payout in payouts:
            line = record.line_ids.filtered(lambda item, p=payout: item.end_to_end_id == p.trace_reference)
            self.assert_reconciled(payout, line)

    def test_a_payout_in_another_currency_clears_through_an_exchange_difference(self):
        eur = self.env.ref("base.EUR")
        eur.active = True
        self.env["res.currency.rate"].create(
            [
                {"name": "2024-05-02", "rate": 0.8, "currency_id": eur.id, "company_id": self.company.id},
                {"name": "2024-05-03", "rate": 0.9, "currency_id": eur.id, "company_id": self.company.id},
            ]
        )
        accounts = self.env["settlement.provider.account"].create(
            {"backend_id": self.stripe.id, "currency_id": eur.id}
        )
        accounts.action_create_accounts()
        self.env["account.journal"].create(
            {
                "name": "EUR bank (settlement tests)",
                "type": "bank",
                "code": "BEUR",
                "currency_id": eur.id,
                "bank_acc_number": "DE89370400440532013000",
                "company_id": self.company.id,
            }
        )
        payout = self.posted_payout("pf", "80.00", currency="EUR", arrival_date="2024-05-02")
        self.assertAlmostEqual(payout.transit_line_id.balance, 100.0)  # 80 EUR at 0.8
        record = self.import_file(
            mt940(
                [("80.00", "TRACE-pf", "STRIPE PAYOUT", "STRIPE PAYMENTS EUROPE")],
                account="DE89370400440532013000",
                currency="EUR",
                day="240503",
            ),
            "eur.sta",
        )
        self.assert_reconciled(payout, record.line_ids)
        transit = self.env["account.move.line"].search([("account_id", "=", accounts.transit_account_id.id)])
        self.assertAlmostEqual(sum(transit.mapped("amount_currency")), 0.0)
        self.assertAlmostEqual(sum(transit.mapped("balance")), 0.0)  # the exchange difference closes it
