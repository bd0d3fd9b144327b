"""The sandbox Stripe account (tests/sandbox/stripe) over loopback, with
plain HTTP: auth and errors in Stripe's shape, list pagination and filters,
``?payout=`` lines that add up to the payout, FX and zero-decimal amounts,
disputes and reserves, failed and negative payouts, throttling and faults,
signed webhooks. No sleeping: the clock is a ManualClock."""

import json
import threading
from datetime import datetime, timezone
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from sandbox.peer import ManualClock
from sandbox.stripe import DEFAULT_API_KEY, StripeSandbox, verify

NOW = datetime(2026, 11, 3, 9, 0, tzinfo=timezone.utc)
OCT_1 = int(datetime(2026, 10, 1, tzinfo=timezone.utc).timestamp())
AUTH = {"Authorization": f"Bearer {DEFAULT_API_KEY}"}
DAY = 86400


@pytest.fixture
def clock():
    return ManualClock()


@pytest.fixture
def stripe(clock):
    sandbox = StripeSandbox(clock=clock, wait=clock.wait, now=NOW, seed=3, rate_limit=100_000)
    with sandbox:
        yield sandbox


@pytest.fixture
def month(stripe):
    return stripe.seed_month(orders=400, seed=5)


@pytest.fixture
def receiver():
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append({"headers": {k.lower(): v for k, v in self.headers.items()}, "body": body})
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", received
    server.shutdown()
    server.server_close()


def get(stripe, path, params=None, headers=AUTH):
    return requests.get(stripe.base_url + path, params=params, headers=headers, timeout=5)


def all_pages(stripe, path, params):
    items, cursor = [], None
    while True:
        page = get(
            stripe, path, dict(params, limit=100, **({"starting_after": cursor} if cursor else {}))
        ).json()
        items += page["data"]
        if not page["has_more"]:
            return items
        cursor = page["data"][-1]["id"]


# -- authentication and errors ---------------------------------------------------------------


def test_no_key_and_a_wrong_key_answer_401_in_stripes_shape(stripe):
    missing = get(stripe, "/v1/payouts", headers={})
    assert missing.status_code == 401
    assert missing.json()["error"]["type"] == "invalid_request_error"
    assert "did not provide an API key" in missing.json()["error"]["message"]
    wrong = get(stripe, "/v1/payouts", headers={"Authorization": "Bearer sk_test_wrongwrongwrong1234"})
    assert wrong.status_code == 401
    assert wrong.json()["error"]["message"].startswith("Invalid API Key provided: sk_test_")
    assert "wrongwrongwrong" not in wrong.json()["error"]["message"]


def test_basic_auth_with_the_key_and_the_version_header_are_accepted(stripe):
    answer = requests.get(
        stripe.base_url + "/v1/payouts",
        auth=(DEFAULT_API_KEY, ""),
        timeout=5,
        headers={"Stripe-Version": "2024-06-20"},
    )
    assert answer.status_code == 200
    assert answer.headers["Stripe-Version"] == "2024-06-20"
    assert answer.headers["Request-Id"].startswith("req_")
    assert get(stripe, "/v1/payouts", headers=dict(AUTH, **{"Stripe-Version": "latest"})).status_code == 400


def test_unknown_objects_urls_and_parameters(stripe):
    missing = get(stripe, "/v1/balance_transactions/txn_nope")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "resource_missing"
    assert get(stripe, "/v1/customers").status_code == 404
    unknown = get(stripe, "/v1/payouts", {"sort": "amount"})
    assert unknown.status_code == 400 and unknown.json()["error"]["code"] == "parameter_unknown"
    for limit in (0, 101):
        assert get(stripe, "/v1/payouts", {"limit": limit}).json()["error"]["param"] == "limit"
    both = get(stripe, "/v1/payouts", {"starting_after": "po_a", "ending_before": "po_b"})
    assert both.status_code == 400


# -- lists -------------------------------------------------------------------------------------


def test_payouts_list_newest_first_with_cursors_both_ways(stripe, month):
    first = get(stripe, "/v1/payouts", {"limit": 5}).json()
    assert first["object"] == "list" and first["url"] == "/v1/payouts" and first["has_more"]
    created = [p["created"] for p in first["data"]]
    assert created == sorted(created, reverse=True)
    everything = all_pages(stripe, "/v1/payouts", {"created[lt]": month["end"]})
    assert [p["id"] for p in everything] == list(reversed(month["payouts"]))  # later ones: November's
    second = get(stripe, "/v1/payouts", {"limit": 5, "starting_after": first["data"][-1]["id"]}).json()
    back = get(stripe, "/v1/payouts", {"limit": 5, "ending_before": second["data"][0]["id"]}).json()
    assert [p["id"] for p in back["data"]] == [p["id"] for p in first["data"]]
    assert back["has_more"] is False


def test_payout_filters_created_arrival_and_status(stripe, month):
    mid = OCT_1 + 15 * DAY
    late = all_pages(stripe, "/v1/payouts", {"created[gte]": mid})
    assert late and all(p["created"] >= mid for p in late)
    window = all_pages(stripe, "/v1/payouts", {"arrival_date[gte]": mid, "arrival_date[lte]": mid + 3 * DAY})
    assert window and all(mid <= p["arrival_date"] <= mid + 3 * DAY for p in window)
    failed = all_pages(stripe, "/v1/payouts", {"status": "failed"})
    assert [p["id"] for p in failed] == month["failed_payouts"]
    assert failed[0]["failure_code"] == "account_closed" and failed[0]["failure_balance_transaction"]
    assert get(stripe, "/v1/payouts", {"status": "lost"}).status_code == 400
    assert get(stripe, "/v1/payouts", {"created[gte]": "yesterday"}).json()["error"]["code"] == (
        "parameter_invalid_integer"
    )


def test_every_payouts_lines_add_up_and_carry_their_own_payout_line(stripe, month):
    for payout_id in month["payouts"]:
        payout = get(stripe, f"/v1/payouts/{payout_id}").json()
        lines = all_pages(stripe, "/v1/balance_transactions", {"payout": payout_id})
        own = [t for t in lines if t["type"] == "payout"]
        assert len(own) == 1 and own[0]["id"] == payout["balance_transaction"]
        assert own[0]["amount"] == -payout["amount"]
        rest = [t for t in lines if t["type"] != "payout"]
        assert sum(t["net"] for t in rest) == payout["amount"]
        for txn in rest:
            assert txn["net"] == txn["amount"] - txn["fee"]
            assert txn["fee"] == sum(f["amount"] for f in txn["fee_details"])
            assert txn["currency"] == payout["currency"]


def test_balance_transaction_filters(stripe, month):
    refunds = all_pages(stripe, "/v1/balance_transactions", {"type": "refund", "created[gte]": OCT_1})
    assert refunds and all(t["type"] == "refund" and t["amount"] < 0 for t in refunds)
    order = month["orders"][0]
    charge = get(stripe, f"/v1/charges/{order['charge']}").json()
    by_source = get(stripe, "/v1/balance_transactions", {"source": order["charge"]}).json()["data"]
    assert [t["id"] for t in by_source] == [charge["balance_transaction"]]
    eur = get(stripe, "/v1/balance_transactions", {"currency": "eur", "limit": 20}).json()["data"]
    assert eur and {t["currency"] for t in eur} == {"eur"}
    assert get(stripe, "/v1/balance_transactions", {"type": "sale"}).status_code == 400


def test_a_charges_metadata_names_its_order_through_expand(stripe, month):
    payout_id = next(p for p in month["payouts"][10:] if p not in month["failed_payouts"])
    page = get(
        stripe, "/v1/balance_transactions", {"payout": payout_id, "limit": 100, "expand[]": "data.source"}
    )
    charges = [t for t in page.json()["data"] if t["type"] == "charge"]
    assert charges
    orders = {o["charge"]: o["order_id"] for o in month["orders"]}
    for txn in charges:
        assert txn["source"]["object"] == "charge"
        assert txn["source"]["metadata"]["order_id"] == orders[txn["source"]["id"]]
    refund_txn = next(t for t in all_pages(stripe, "/v1/balance_transactions", {"type": "refund"}))
    refund = get(stripe, f"/v1/balance_transactions/{refund_txn['id']}", {"expand[]": "source.charge"}).json()
    assert refund["source"]["object"] == "refund" and refund["source"]["charge"]["object"] == "charge"
    assert get(stripe, "/v1/balance_transactions", {"expand[]": "source"}).status_code == 400


def test_manual_payouts_cannot_be_listed_by_payout(stripe):
    stripe.create_charge("10.00", "usd", order_id="SO1", created=OCT_1)
    manual = stripe.create_manual_payout("usd", "5.00", created=OCT_1 + 3600)
    answer = get(stripe, "/v1/balance_transactions", {"payout": manual["id"]})
    assert answer.status_code == 400
    assert "automatic transfers, not manual" in answer.json()["error"]["message"]


# -- money --------------------------------------------------------------------------------------


def test_fx_charge_settles_at_its_exchange_rate_and_partial_refunds_add_up(stripe):
    charge = stripe.create_charge("100.00", "gbp", order_id="SO7", created=OCT_1, exchange_rate="1.25")
    first = stripe.create_refund(charge["id"], "33.33", created=OCT_1 + 3600)
    second = stripe.create_refund(charge["id"], created=OCT_1 + 7200)
    with pytest.raises(ValueError):
        stripe.create_refund(charge["id"], "0.01", created=OCT_1 + 9000)
    txn = get(stripe, f"/v1/balance_transactions/{charge['balance_transaction']}").json()
    assert (charge["currency"], charge["amount"]) == ("gbp", 10000)
    assert (txn["currency"], txn["amount"], txn["exchange_rate"]) == ("usd", 12500, 1.25)
    assert txn["fee_details"][0]["type"] == "stripe_fee" and txn["net"] == txn["amount"] - txn["fee"]
    amounts = [
        get(stripe, f"/v1/balance_transactions/{r['balance_transaction']}").json()["amount"]
        for r in (first, second)
    ]
    assert amounts[0] == -4166 and sum(amounts) == -12500
    assert "refunds" not in get(stripe, f"/v1/charges/{charge['id']}").json()  # API 2022-11-15 on
    seen = get(stripe, f"/v1/charges/{charge['id']}", {"expand[]": "refunds"}).json()
    assert seen["refunded"] is True and seen["amount_refunded"] == 10000
    assert [r["id"] for r in seen["refunds"]["data"]] == [second["id"], first["id"]]
    with pytest.raises(ValueError):  # the account's history is written in time order
        stripe.create_charge("1.00", "usd", created=OCT_1 + 10_000)


def test_jpy_is_zero_decimal(clock):
    with StripeSandbox(clock=clock, wait=clock.wait, now=NOW, currencies=("jpy",)) as sandbox:
        charge = sandbox.create_charge(1500, "jpy", order_id="JP1", created=OCT_1)
        with pytest.raises(ValueError):
            sandbox.create_charge("10.50", "jpy", created=OCT_1 + 60)
        txn = get(sandbox, f"/v1/balance_transactions/{charge['balance_transaction']}").json()
        assert (charge["amount"], txn["amount"], txn["fee"]) == (1500, 1500, 54)  # 3.6 %


def test_dispute_with_its_fee_then_won(stripe):
    charge = stripe.create_charge("40.00", "usd", order_id="SO9", created=OCT_1)
    dispute = stripe.create_dispute(charge["id"], created=OCT_1 + 3 * DAY)
    stripe.close_dispute(dispute["id"], won=True, created=OCT_1 + 10 * DAY)
    seen = get(stripe, f"/v1/disputes/{dispute['id']}").json()
    withdrawal, reversal = seen["balance_transactions"]
    assert seen["status"] == "won" and seen["charge"] == charge["id"]
    assert (withdrawal["reporting_category"], withdrawal["amount"], withdrawal["fee"]) == (
        "dispute",
        -4000,
        1500,
    )
    assert withdrawal["fee_details"][0]["description"] == "Dispute fee" and withdrawal["net"] == -5500
    assert (reversal["reporting_category"], reversal["amount"], reversal["fee"], reversal["net"]) == (
        "dispute_reversal",
        4000,
        -1500,
        5500,
    )


def test_reserve_hold_and_release(stripe):
    stripe.create_charge("500.00", "usd", created=OCT_1)
    held = stripe.hold_reserve("usd", "100", created=OCT_1 + DAY)
    released = stripe.release_reserve("usd", "100", created=OCT_1 + 5 * DAY)
    for txn, amount in ((held, -10000), (released, 10000)):
        seen = get(stripe, f"/v1/balance_transactions/{txn['id']}").json()
        assert (seen["type"], seen["reporting_category"], seen["amount"]) == (
            "reserve_transaction",
            "risk_reserved_funds",
            amount,
        )


def test_negative_and_failed_payouts(stripe, month):
    negative = get(stripe, f"/v1/payouts/{month['negative_payouts'][0]}").json()
    assert negative["amount"] < 0
    failed = get(stripe, f"/v1/payouts/{month['failed_payouts'][0]}").json()
    back = get(stripe, f"/v1/balance_transactions/{failed['failure_balance_transaction']}").json()
    assert (back["type"], back["reporting_category"], back["amount"]) == (
        "payout_failure",
        "payout_reversal",
        failed["amount"],
    )
    later = [
        p
        for p in month["payouts"]
        if stripe.store.objects[p]["created"] >= back["created"]
        and stripe.store.objects[p]["currency"] == failed["currency"]
    ]
    assert back["id"] in stripe.store.payout_txns[later[0]]  # the money comes back in the next payout


def test_pending_until_available_then_paid_on_arrival(stripe, clock):
    charge = stripe.create_charge("20.00", "usd")  # now: 2026-11-03 09:00, a Tuesday
    txn = get(stripe, f"/v1/balance_transactions/{charge['balance_transaction']}").json()
    assert txn["status"] == "pending" and txn["available_on"] == int(NOW.timestamp()) // DAY * DAY + 2 * DAY
    stripe.advance(2 * DAY)
    payout = get(stripe, "/v1/payouts", {"limit": 1}).json()["data"][0]
    assert (payout["amount"], payout["status"], payout["automatic"]) == (2000 - 88, "in_transit", True)
    assert get(stripe, f"/v1/balance_transactions/{txn['id']}").json()["status"] == "available"
    stripe.advance(payout["arrival_date"] - stripe.store.now())  # Thursday -> Monday: a weekend between
    paid = get(stripe, f"/v1/payouts/{payout['id']}").json()
    assert paid["status"] == "paid" and paid["reconciliation_status"] == "completed"
    assert paid["trace_id"]["status"] == "supported" and paid["trace_id"]["value"]


# -- throttling and faults -------------------------------------------------------------------------


def test_rate_limit_is_stripes_429_and_recovers_with_time(clock):
    stripe = StripeSandbox(clock=clock, wait=clock.wait, now=NOW)
    stripe.start()
    statuses = [get(stripe, "/v1/payouts").status_code for _ in range(26)]
    assert statuses[:25] == [200] * 25 and statuses[25] == 429
    limited = get(stripe, "/v1/payouts")
    assert limited.json()["error"]["code"] == "rate_limit" and "Retry-After" not in limited.headers
    clock.advance(1)
    assert get(stripe, "/v1/payouts").status_code == 200
    stripe.stop()


def test_faults_500_timeout_and_429(stripe, clock):
    stripe.inject_faults([{"status": 500}, {"status": 429, "retry_after": 3}, {"delay": 30}])
    error = get(stripe, "/v1/payouts")
    assert error.status_code == 500 and error.json()["error"]["type"] == "api_error"
    throttled = get(stripe, "/v1/payouts")
    assert throttled.status_code == 429 and throttled.headers["Retry-After"] == "3"
    assert get(stripe, "/v1/payouts").status_code == 200 and clock.waits == [30.0]
    assert requests.post(stripe.base_url + "/_sandbox/faults", json={"faults": [{"status": 503}]}).ok
    assert get(stripe, "/v1/payouts").status_code == 503
    assert stripe.state()["faulted"] == {"500": 1, "429": 1, "delay": 1, "503": 1}


# -- webhooks ------------------------------------------------------------------------------------------


def test_signed_payout_webhooks(stripe, receiver):
    url, received = receiver
    endpoint = stripe.add_webhook_endpoint(url, ["payout.*"])
    stripe.create_charge("30.00", "usd", order_id="SO3")
    stripe.advance(2 * DAY)
    stripe.advance(5 * DAY)
    types = [json.loads(r["body"])["type"] for r in received]
    assert types == ["payout.created", "payout.updated", "payout.paid", "payout.reconciliation_completed"]
    for delivery in received:
        header = delivery["headers"]["stripe-signature"]
        assert header.startswith("t=") and ",v1=" in header
        sent_at = int(header.split(",")[0][2:])
        assert verify(endpoint["secret"], header, delivery["body"], now=sent_at + 60)
        assert not verify(endpoint["secret"], header, delivery["body"], now=sent_at + 3600)  # too old
        assert not verify("whsec_other", header, delivery["body"], now=sent_at)
    event = json.loads(received[2]["body"])
    assert event["object"] == "event" and event["data"]["object"]["status"] == "paid"
    assert event["data"]["object"]["id"].startswith("po_")


def test_a_failed_delivery_is_retried_on_the_clock(stripe, receiver):
    url, received = receiver
    stripe.add_webhook_endpoint("http://127.0.0.1:9/hook", ["payout.created"])  # nobody listens there
    stripe.add_webhook_endpoint(url, ["payout.failed"])
    stripe.create_charge("30.00", "usd")
    stripe.fail_payout(currency="usd")
    stripe.advance(2 * DAY)
    first = [d for d in stripe.webhook_deliveries if d["type"] == "payout.created"]
    assert len(first) == 1 and first[0]["status"] is None
    stripe.advance(3600)
    assert [d["attempt"] for d in stripe.webhook_deliveries if d["type"] == "payout.created"] == [1, 2]
    stripe.advance(5 * DAY)
    assert [json.loads(r["body"])["type"] for r in received] == ["payout.failed"]


def test_a_payout_of_a_tests_own_lines_at_once(stripe):
    """What an Odoo test does: a few lines, one payout of them, its arrival."""
    charge = stripe.create_charge("100.00", "usd", order_id="SO100", created=OCT_1)
    stripe.create_refund(charge["id"], "10.00", created=OCT_1 + 60)
    other = stripe.create_charge("50.00", "usd", order_id="SO101", created=OCT_1 + 120)
    stripe.create_dispute(other["id"], created=OCT_1 + 180)
    stripe.hold_reserve("usd", "20", created=OCT_1 + 240)
    payout = stripe.create_payout("usd", include_pending=True, created=OCT_1 + 300)
    assert stripe.create_payout("usd", created=OCT_1 + 400) is None  # nothing left
    lines = [
        t
        for t in all_pages(stripe, "/v1/balance_transactions", {"payout": payout["id"]})
        if t["type"] != "payout"
    ]
    assert sorted(t["reporting_category"] for t in lines) == [
        "charge",
        "charge",
        "dispute",
        "refund",
        "risk_reserved_funds",
    ]
    assert (
        sum(t["net"] for t in lines)
        == payout["amount"]
        == 10000 - 320 - 1000 + 5000 - 175 - 5000 - 1500 - 2000
    )
    stripe.arrive(payout["id"])
    assert get(stripe, f"/v1/payouts/{payout['id']}").json()["status"] == "paid"


def test_a_share_of_charges_without_an_order_reference(clock):
    with StripeSandbox(clock=clock, wait=clock.wait, now=NOW, rate_limit=100_000) as sandbox:
        month = sandbox.seed_month(orders=200, seed=9, missing_order_share=0.1)
        anonymous = [o for o in month["orders"] if not o["reference"]]
        assert 5 < len(anonymous) < 40
        charge = get(sandbox, f"/v1/charges/{anonymous[0]['charge']}").json()
        assert "order_id" not in charge["metadata"]


def test_bank_movements_for_a_bank_file(stripe, month):
    movements = stripe.bank_movements("usd")
    assert movements and all(m["currency"] == "USD" for m in movements)
    failed = [m for m in movements if m["status"] == "failed"]
    assert [m["payout_id"] for m in failed] == month["failed_payouts"]
    paid = next(m for m in movements if m["status"] == "paid")
    payout = stripe.store.objects[paid["payout_id"]]
    assert (
        Decimal(paid["amount"]) * 100 == payout["amount"] and paid["trace_id"] == payout["trace_id"]["value"]
    )
