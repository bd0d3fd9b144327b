"""Payouts fetched from the sandbox providers over loopback HTTP, booked,
and the same fetched again (the overlap) without a second booking."""

import time

from odoo.tests import tagged

from odoo.addons.integration_core.tests.common import CapturedWebhooks, sandbox_package

from .common import SettlementCase

DAY = 86400


@tagged("post_install", "-at_install")
class TestStripeSandbox(SettlementCase):
    """A Stripe account whose clock ends near real time, so that its signed
    webhooks are fresh when Odoo checks them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stripe_api = sandbox_package("stripe")
        cls.peer_api = sandbox_package("peer")
        cls.stripe.rate_limit = 0
        cls.stripe._set_secret("secret_key", cls.stripe_api.DEFAULT_API_KEY)

    def setUp(self):
        super().setUp()
        self.clock = self.peer_api.ManualClock()
        self.sandbox = self.stripe_api.StripeSandbox(
            clock=self.clock,
            wait=self.clock.wait,
            now=time.time() - 8 * DAY,  # weeks of business end before our now (fetches read up to it)
            currencies=("usd",),
            automatic_payouts=False,
        )
        self.sandbox.start()
        self.addCleanup(self.sandbox.stop)
        self.hooks = CapturedWebhooks()
        self.sandbox.webhook_deliverer = self.hooks
        endpoint = self.sandbox.add_webhook_endpoint(
            "http://odoo.test/integration/webhook/stripe/x", ["payout.*"]
        )
        self.stripe._set_secret("webhook_secret", endpoint["secret"])
        self.stripe.api_url = self.sandbox.base_url

    def sell(self, name, amount, refund=None):
        """A charge in the sandbox and the Odoo order it paid (its transaction named by the charge id)."""
        charge = self.sandbox.create_charge(str(amount), "usd", order_id=name)
        transactions = [self.txn(charge["id"], float(amount))]
        if refund:
            refunded = self.sandbox.create_refund(charge["id"], str(refund))
            transactions.append(self.txn(refunded["id"], float(refund), kind="refund"))
        return self.import_order(name, transactions)

    def payout_now(self):
        """Pay out what is available, and let it arrive (about now, real time)."""
        self.sandbox.advance(2 * DAY)
        payout = self.sandbox.create_payout("usd")
        self.sandbox.arrive(payout["id"])
        return payout

    def fetch(self):
        self.stripe._enqueue_topic("payout.fetch", {})
        self.run_jobs()

    def deliver_webhooks(self, event_type):
        """Hand the sandbox's ``event_type`` deliveries to Odoo, signed now
        (the account's clock runs ahead of ours), and run what they queue."""
        secret = self.stripe._get_secret("webhook_secret")
        for _url, body, headers in self.hooks.take():
            if f'"{event_type}"'.encode() in body:
                signed = dict(
                    headers, **{"Stripe-Signature": self.stripe_api.sign(secret, body, time.time())}
                )
                status, message = self.stripe._webhook_receive(signed, body)
                self.assertEqual(status, 200, message)
        self.run_jobs()

    def test_a_paid_payout_is_fetched_booked_and_clears_the_clearing_account(self):
        self.sell("ST1", "120.00")
        self.sell("ST2", "80.00", refund="30.00")
        stripe_payout = self.payout_now()
        self.fetch()
        payout = self.env["settlement.payout"].search([("external_id", "=", stripe_payout["id"])])
        self.assertEqual(payout.state, "posted", payout.exception_reason)
        self.assertEqual(payout.status, "paid")
        self.assertEqual(len(payout.line_ids), 3)
        self.assertEqual(set(payout.line_ids.mapped("match_state")), {"matched"})
        self.assertAlmostEqual(payout.amount, float(stripe_payout["amount"]) / 100)
        self.assertEqual(self.balance(self.accounts.clearing_account_id), 0.0)
        self.assertTrue(all(line.raw for line in payout.line_ids), "each line keeps Stripe's record")
        # the overlap reads the same payout again: nothing new is queued or booked
        events = self.env["integration.event"].search_count([("topic", "=", "payout.import")])
        self.fetch()
        self.assertEqual(
            self.env["integration.event"].search_count([("topic", "=", "payout.import")]), events
        )
        self.assertEqual(len(payout.move_id), 1)

    def test_a_payout_webhook_fetches_that_payout_and_a_forged_one_is_refused(self):
        self.sell("ST3", "50.00")
        self.hooks.take()
        stripe_payout = self.payout_now()
        deliveries = [d for d in self.hooks.take() if b'"payout.paid"' in d[1]]
        self.assertEqual(len(deliveries), 1)
        _url, body, headers = deliveries[0]
        # the account's clock may end a weekend away from ours: Stripe resends the event now
        secret = self.stripe._get_secret("webhook_secret")
        headers = dict(headers, **{"Stripe-Signature": self.stripe_api.sign(secret, body, time.time())})
        forged = dict(headers, **{"Stripe-Signature": "t=1,v1=00"})
        status, _message = self.stripe._webhook_receive(forged, body)
        self.assertEqual(status, 401)
        status, _message = self.stripe._webhook_receive(headers, body)
        self.assertEqual(status, 200)
        self.stripe._webhook_receive(headers, body)  # Stripe sends an event again: one fetch
        self.run_jobs()
        payout = self.env["settlement.payout"].search([("external_id", "=", stripe_payout["id"])])
        self.assertEqual(payout.state, "posted", payout.exception_reason)
        self.assertEqual(self.env["integration.event"].search_count([("topic", "=", "payout.notify")]), 1)

    def test_a_payout_that_fails_after_booking_is_reversed(self):
        self.sell("ST4", "70.00")
        stripe_payout = self.payout_now()
        self.fetch()
        payout = self.env["settlement.payout"].search([("external_id", "=", stripe_payout["id"])])
        self.assertEqual(payout.state, "posted")
        # days later, beyond the fetch's overlap: Stripe's payout.failed webhook fetches it again
        self.hooks.take()
        self.sandbox.fail_payout(stripe_payout["id"])
        self.sandbox.flush_webhooks()
        self.deliver_webhooks("payout.failed")
        self.assertEqual(payout.state, "reversed")
        self.assertEqual(self.balance(self.accounts.transit_account_id), 0.0)
        # the money is back in the balance and goes out with the next payout: its lines are booked again
        self.sell("ST6", "30.00")
        self.sandbox.advance(2 * DAY)
        retry = self.sandbox.create_payout("usd")
        self.sandbox.arrive(retry["id"])
        self.fetch()
        again = self.env["settlement.payout"].search([("external_id", "=", retry["id"])])
        self.assertEqual(again.state, "posted", again.exception_reason)
        returned = again.line_ids.filtered(lambda line: line.family == "payout")
        self.assertEqual(returned.source_id, stripe_payout["id"])
        self.assertAlmostEqual(
            again.amount, (stripe_payout["amount"] + retry["amount"] - stripe_payout["amount"]) / 100
        )
        self.assertEqual(self.balance(self.accounts.clearing_account_id), 0.0)
        self.assertAlmostEqual(self.balance(self.accounts.transit_account_id), again.amount)

    def test_stripe_down_is_retried_not_lost(self):
        self.sell("ST5", "40.00")
        self.payout_now()
        self.sandbox.faults.start_outage(3600)  # Stripe down for an hour
        self.stripe._enqueue_topic("payout.fetch", {})
        self.run_jobs(limit=1)
        fetch = self.env["integration.event"].search([("topic", "=", "payout.fetch")], limit=1)
        self.assertIn(fetch.state, ("retry", "pending", "queued"))
        self.assertFalse(self.env["settlement.payout"].search([("backend_id", "=", self.stripe.id)]))


@tagged("post_install", "-at_install")
class TestPayPalSandbox(SettlementCase):
    """PayPal without automatic settlement: the wallet model."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.paypal_api = sandbox_package("paypal")
        cls.peer_api = sandbox_package("peer")
        cls.paypal = cls.env["integration.backend"].create(
            {
                "name": "Test PayPal",
                "backend_type": "paypal",
                "settlement_mode": "wallet",
                "company_id": cls.company.id,
                "rate_limit": 0,
                "max_attempts": 3,
            }
        )
        cls.paypal._set_secret("client_id", cls.paypal_api.DEFAULT_CLIENT_ID)
        cls.paypal._set_secret("client_secret", cls.paypal_api.DEFAULT_CLIENT_SECRET)
        cls.wallet = cls.env["settlement.provider.account"].create(
            {"backend_id": cls.paypal.id, "currency_id": cls.usd.id}
        )
        cls.wallet.action_create_accounts()

    def setUp(self):
        super().setUp()
        self.clock = self.peer_api.ManualClock()
        self.sandbox = self.paypal_api.PayPalSandbox(
            clock=self.clock, wait=self.clock.wait, now=time.time() - 2 * DAY, currencies=("USD",)
        )
        self.sandbox.start()
        self.addCleanup(self.sandbox.stop)
        self.paypal.api_url = self.sandbox.base_url

    def transaction_id(self, record):
        return record["transaction_info"]["transaction_id"]

    def test_lines_are_booked_in_the_wallet_and_a_withdrawal_moves_to_in_transit(self):
        sale = self.sandbox.create_payment("90.00", "USD", invoice_id="PP1")
        refund = self.sandbox.create_refund(self.transaction_id(sale), "10.00")
        self.import_order(
            "PP1",
            [
                self.txn(self.transaction_id(sale), 90.0, gateway="paypal"),
                self.txn(self.transaction_id(refund), 10.0, kind="refund", gateway="paypal"),
            ],
        )
        withdrawal = self.sandbox.withdraw("USD")
        self.sandbox.advance(4 * 3600)  # PayPal's search lags about 3 hours
        self.paypal._enqueue_topic("payout.fetch", {})
        self.run_jobs()
        lines = self.env["settlement.line"].search([("backend_id", "=", self.paypal.id)])
        self.assertEqual(set(lines.mapped("family")), {"charge", "refund"})
        self.assertEqual(set(lines.mapped("match_state")), {"matched"})
        self.assertTrue(all(lines.mapped("wallet_move_id")))
        payout = self.env["settlement.payout"].search([("backend_id", "=", self.paypal.id)])
        self.assertEqual(payout.external_id, self.transaction_id(withdrawal))
        self.assertEqual(payout.state, "posted", payout.exception_reason)
        self.assertEqual(payout.trace_reference, withdrawal["transaction_info"]["bank_reference_id"])
        self.assertEqual(self.balance(self.wallet.clearing_account_id), 0.0)
        self.assertEqual(self.balance(self.wallet.wallet_account_id), 0.0)  # all withdrawn
        self.assertAlmostEqual(self.balance(self.wallet.transit_account_id), payout.amount)
        # the flow's cursor never passes PayPal's 3-hour lag
        cursor = self.paypal._flow_cursor("payout_fetch")
        self.assertTrue(cursor)
