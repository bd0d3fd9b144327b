"""The provider clients end to end against the sandbox peers over loopback
(tests/sandbox/stripe and tests/sandbox/paypal, built from the vendors'
docs independently of the clients): a generated month fetched, mapped,
validated and checked as the integrity gate will check it; Stripe payout
webhooks verified and followed; PayPal's token expiry, 10,000-result limit
and three-hour lag met for real. No sleeping: the peers' clocks are
ManualClocks."""

import threading
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sandbox.paypal import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, PayPalSandbox
from sandbox.peer import ManualClock
from sandbox.stripe import DEFAULT_API_KEY, StripeSandbox

from odoo.addons.integration_core.lib import canonical
from odoo.addons.integration_core.lib.exceptions import RateLimited, RemoteRejected
from odoo.addons.settlement_recon.lib.providers import paypal as paypal_provider
from odoo.addons.settlement_recon.lib.providers import stripe as stripe_provider
from odoo.addons.settlement_recon.lib.providers.stripe import StripeClient

NOW = datetime(2026, 11, 3, 9, 0, tzinfo=timezone.utc)
DAY = 86400


@pytest.fixture
def clock():
    return ManualClock()


@pytest.fixture
def peer(clock):
    with StripeSandbox(clock=clock, wait=clock.wait, now=NOW, seed=3, rate_limit=100_000) as sandbox:
        yield sandbox


@pytest.fixture
def client(peer):
    with StripeClient(peer.base_url, api_key=DEFAULT_API_KEY, rate_limiter=None) as value:
        yield value


@pytest.fixture(scope="module")
def seeded():
    """One generated month, fetched once through the client: (month, payouts by id)."""
    clock = ManualClock()
    with StripeSandbox(clock=clock, wait=clock.wait, now=NOW, seed=3, rate_limit=100_000) as sandbox:
        month = sandbox.seed_month(orders=300, seed=5)
        with StripeClient(sandbox.base_url, api_key=DEFAULT_API_KEY, rate_limiter=None) as client:
            start = datetime.fromtimestamp(month["start"], tz=timezone.utc)
            end = datetime.fromtimestamp(month["end"] - 1, tz=timezone.utc)  # the month's end starts the next
            payouts = {p["external_id"]: p for p in stripe_provider.fetch_payouts(client, start, end)}
        yield month, payouts


def test_a_generated_month_maps_to_valid_payouts_that_add_up(seeded):
    month, payouts = seeded
    assert set(payouts) == set(month["payouts"])
    for payout in payouts.values():
        assert canonical.iter_errors("payout", payout) == []
        assert payout["lines_complete"] or payout["status"] == "failed"  # the peer leaves it in_progress
        assert all(
            line["family"] != "payout" or line["provider_type"] == "payout_reversal"
            for line in payout["lines"]
        )
        if payout["status"] != "failed":
            assert sum(Decimal(line["net"]) for line in payout["lines"]) == Decimal(payout["amount"])
        for line in payout["lines"]:
            assert Decimal(line["amount"]) - Decimal(line["fee"]) == Decimal(line["net"])
            assert line["currency"] == payout["currency"] and line["payout_id"] == payout["external_id"]


def test_failed_and_negative_payouts(seeded):
    month, payouts = seeded
    for payout_id in month["failed_payouts"]:
        assert payouts[payout_id]["status"] == "failed" and payouts[payout_id]["failure_code"]
    for payout_id in month["negative_payouts"]:
        assert payouts[payout_id]["direction"] == "debit" and Decimal(payouts[payout_id]["amount"]) < 0


def test_lines_name_their_orders_disputes_and_reserves(seeded):
    month, payouts = seeded
    lines = [line for payout in payouts.values() for line in payout["lines"]]
    orders = {order["charge"]: order["order_id"] for order in month["orders"]}
    charges = [line for line in lines if line["family"] == "charge" and line["provider_type"] == "charge"]
    assert charges
    for line in charges:
        assert line["order_transaction_id"] in orders
        assert line["order_ref"] == orders[line["order_transaction_id"]]
    disputes = [line for line in lines if line["family"] == "dispute"]
    if month["disputes"]:
        assert disputes
    for line in disputes:
        assert line["dispute_id"].startswith("dp_") and line["order_transaction_id"] in orders
    refunds = [line for line in lines if line["family"] == "refund"]
    assert refunds and all(line["order_transaction_id"].startswith("re_") for line in refunds)
    families = {line["family"] for line in lines}
    if month["reserves"]:
        assert "reserve_hold" in families
    assert "unknown" not in families, sorted(
        {line["provider_type"] for line in lines if line["family"] == "unknown"}
    )


def test_foreign_currency_charges_carry_presentment_and_rate(seeded):
    _month, payouts = seeded
    lines = [line for payout in payouts.values() for line in payout["lines"]]
    converted = [line for line in lines if line["presentment_currency"]]
    assert converted
    for line in converted:
        assert line["presentment_currency"] != line["currency"] and line["exchange_rate"]


def test_a_payout_webhook_is_verified_and_followed(peer, client):
    peer.seed_month(orders=40, seed=5)
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((self.headers.get("Stripe-Signature"), body, peer.unix_time()))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        endpoint = peer.add_webhook_endpoint(
            f"http://127.0.0.1:{server.server_address[1]}/hook", ["payout.*"]
        )
        peer.create_charge("40.00", "usd", order_id="SO-WEBHOOK")
        peer.advance(10 * DAY)
    finally:
        server.shutdown()
        server.server_close()
    assert received
    followed = 0
    for header, body, arrived in received:  # verified as they arrive, as the controller does
        event = stripe_provider.verify_signature(body, header, [endpoint["secret"]], now=arrived)
        payout_id = stripe_provider.payout_id_of_event(event)
        assert payout_id
        payout = stripe_provider.fetch_payout(client, payout_id)
        assert canonical.iter_errors("payout", payout) == []
        followed += 1
    assert followed == len(received)


def test_a_wrong_key_is_permanent_and_throttling_retryable(clock):
    with StripeSandbox(clock=clock, wait=clock.wait, now=NOW, seed=3, rate_limit=2) as sandbox:
        with StripeClient(
            sandbox.base_url, api_key="sk_test_wrongwrongwrong1234", rate_limiter=None
        ) as wrong:
            with pytest.raises(RemoteRejected) as caught:
                list(wrong.iter_payouts())
            assert caught.value.status_code == 401 and not caught.value.retryable
        with StripeClient(sandbox.base_url, api_key=DEFAULT_API_KEY, rate_limiter=None) as client:
            with pytest.raises(RateLimited):
                for _ in range(10):
                    list(client.iter_payouts())


# --- PayPal ----------------------------------------------------------------------------------------


def paypal_client(sandbox):
    return paypal_provider.PayPalClient(
        sandbox.base_url,
        client_id=DEFAULT_CLIENT_ID,
        client_secret=DEFAULT_CLIENT_SECRET,
        clock=sandbox.unix_time,
        token_cache=paypal_provider.TokenCache(),
        rate_limiter=None,
    )


def peer_now(sandbox):
    return datetime.fromtimestamp(sandbox.unix_time(), tz=timezone.utc)


def activity(sandbox, start, end):
    with paypal_client(sandbox) as client:
        return list(paypal_provider.fetch_activity(client, start, end, now=peer_now(sandbox)))


@pytest.fixture(scope="module")
def paypal_month():
    """One generated PayPal month read through the client: (sandbox, month, lines, payouts)."""
    clock = ManualClock()
    with PayPalSandbox(clock=clock, wait=clock.wait, now=NOW, seed=4, rate_burst=100_000) as sandbox:
        month = sandbox.seed_month(orders=300, seed=6)
        start = datetime.fromtimestamp(month["start"], tz=timezone.utc)
        got = activity(sandbox, start, peer_now(sandbox))
        lines = [payload for kind, payload in got if kind == "settlement_line"]
        payouts = [payload for kind, payload in got if kind == "payout"]
        yield sandbox, month, lines, payouts


def test_a_paypal_month_maps_to_valid_wallet_lines_and_payouts(paypal_month):
    _sandbox, month, lines, payouts = paypal_month
    for line in lines:
        assert canonical.iter_errors("settlement_line", line) == []
        assert Decimal(line["amount"]) - Decimal(line["fee"]) == Decimal(line["net"])
    for payout in payouts:
        assert canonical.iter_errors("payout", payout) == []
        assert payout["lines"] == [] and payout["trace_reference"]
    assert {payout["external_id"] for payout in payouts} == set(month["withdrawals"])
    unknown = sorted({line["provider_type"] for line in lines if line["family"] == "unknown"})
    assert unknown == []


def test_paypal_lines_name_their_orders(paypal_month):
    _sandbox, month, lines, _payouts = paypal_month
    by_id = {line["external_id"]: line for line in lines}
    for order in month["orders"]:
        line = by_id[order["transaction_id"]]
        assert line["family"] == "charge" and line["order_transaction_id"] == order["transaction_id"]
        assert line["order_ref"] == order["order_id"]
        for refund_id in order["refunds"]:
            assert by_id[refund_id]["family"] == "refund"
    families = {line["family"] for line in lines}
    assert {"charge", "refund", "fee"} <= families
    if month["conversions"]:
        assert "currency_conversion" in families
    if month["reserves"]:
        assert families & {"reserve_hold", "reserve_release"}


def test_paypal_wallet_lines_less_withdrawals_are_the_balance(paypal_month):
    sandbox, month, lines, payouts = paypal_month
    for currency in month["currencies"]:
        wallet = sum(Decimal(line["net"]) for line in lines if line["currency"] == currency)
        withdrawn = sum(Decimal(payout["amount"]) for payout in payouts if payout["currency"] == currency)
        assert wallet - withdrawn == sandbox.store.balance(currency, at=sandbox.unix_time() - 3 * 3600)


def test_paypal_resultset_too_large_is_halved_against_the_peer(clock):
    with PayPalSandbox(
        clock=clock, wait=clock.wait, now=NOW, seed=4, rate_burst=100_000, max_results=60
    ) as sandbox:
        month = sandbox.seed_month(orders=150, seed=6)
        start = datetime.fromtimestamp(month["start"], tz=timezone.utc)
        got = activity(sandbox, start, peer_now(sandbox))
        ids = [payload["external_id"] for kind, payload in got if kind == "settlement_line"]
        assert len(ids) == len(set(ids))
        searches = [call for call in sandbox.calls if call["path"].startswith("/v1/reporting/transactions")]
        assert [call["status"] for call in searches].count(400) >= 1  # RESULTSET_TOO_LARGE met...
        assert searches[-1]["status"] == 200  # ...and got round by halving
        assert {order["transaction_id"] for order in month["orders"]} <= set(ids)
        assert len(ids) == month["count"] - len(month["withdrawals"])


def test_paypal_lag_and_token_expiry_against_the_peer(clock):
    with PayPalSandbox(clock=clock, wait=clock.wait, now=NOW, seed=4, rate_burst=100_000) as sandbox:
        with paypal_client(sandbox) as client:
            start = peer_now(sandbox) - timedelta(days=1)
            payment = sandbox.create_payment("25.00", "USD", invoice_id="SO77")
            payment_id = payment["transaction_info"]["transaction_id"]
            seen = [
                k
                for k, p in paypal_provider.fetch_activity(
                    client, start, peer_now(sandbox), now=peer_now(sandbox)
                )
            ]
            assert seen == []  # inside PayPal's three hours: not asked for yet
            clock.advance(3 * 3600 + 1)
            sandbox.expire_tokens()  # the cached token is refused: renewed once
            got = list(
                paypal_provider.fetch_activity(client, start, peer_now(sandbox), now=peer_now(sandbox))
            )
            assert [p["external_id"] for _k, p in got] == [payment_id]
            assert got[0][1]["order_ref"] == "SO77"
            assert client.token_requests == 2
