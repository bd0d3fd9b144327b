"""Stripe's client and mapper against Stripe's published example objects
(fixtures/stripe-openapi/fixtures3.json, MIT) and a local fake of its API.

Lines beyond Stripe's examples (a refund, a dispute with its fee, a
reserve held and released, a currency conversion) are built from the
example balance transaction, changing only what Stripe's reference says
such a transaction carries (reporting_category, type, source, amounts).
"""

import copy
import hashlib
import hmac
import json
import logging
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from provider_fakes import FakeApi

from odoo.addons.integration_core.lib import canonical
from odoo.addons.integration_core.lib.exceptions import (
    MappingError,
    RateLimited,
    RemoteRejected,
    RemoteServerError,
    ValidationFailed,
)
from odoo.addons.settlement_recon.lib.providers import common, stripe
from odoo.addons.settlement_recon.lib.providers.stripe import StripeClient, WebhookSignatureError

FIXTURES = Path(__file__).parent / "fixtures" / "stripe-openapi" / "fixtures3.json"
KEY = "sk_test_secret_123"
PAYOUT_ID = "po_1Pgc79B7WZ01zgkWu1KToYf4"
CHARGE_ID = "ch_1PgafuB7WZ01zgkWXYmPNZs8"


@pytest.fixture(scope="module")
def examples():
    return json.loads(FIXTURES.read_text(encoding="utf-8"))["resources"]


def bt(examples, **changes):
    """A balance transaction in the shape of Stripe's example."""
    value = copy.deepcopy(examples["balance_transaction"])
    value.update(changes)
    return value


def whole_payout(examples):
    """Stripe's example payout with the lines it would list: a charge, a
    refund, a dispute with its 15.00 fee, a reserve held and released, and
    the payout's own balance transaction (which is not a line)."""
    payout = copy.deepcopy(examples["payout"])
    payout.update(amount=7080, status="paid", trace_id={"status": "supported", "value": "TRACE-42"})
    dispute = copy.deepcopy(examples["dispute"])
    refund = copy.deepcopy(examples["refund"])
    lines = [
        bt(examples, id="txn_charge", amount=10000, fee=320, net=9680, source=CHARGE_ID,
           fee_details=[{"amount": 320, "application": None, "currency": "usd",
                         "description": "Stripe processing fees", "type": "stripe_fee"}]),
        bt(examples, id="txn_refund", amount=-100, fee=0, net=-100, type="refund",
           reporting_category="refund", source=refund),
        bt(examples, id="txn_dispute", amount=-1000, fee=1500, net=-2500, type="adjustment",
           reporting_category="dispute", source=dispute,
           fee_details=[{"amount": 1500, "application": None, "currency": "usd",
                         "description": "Dispute fee", "type": "stripe_fee"}]),
        bt(examples, id="txn_hold", amount=-500, fee=0, net=-500, type="reserve_hold",
           reporting_category="risk_reserved_funds", source=None),
        bt(examples, id="txn_release", amount=500, fee=0, net=500, type="reserve_release",
           reporting_category="risk_reserved_funds", source=None),
        bt(examples, id="txn_payout", amount=-7080, fee=0, net=-7080, type="payout",
           reporting_category="payout", source=PAYOUT_ID),
    ]  # fmt: skip
    return payout, lines


# --- the family table and the contract ------------------------------------------------------


def test_family_tables_name_only_canonical_families():
    schema_enum = canonical.load_schema("payout")["$defs"]["line"]["properties"]["family"]["enum"]
    assert list(common.FAMILIES) == schema_enum
    assert set(stripe.FAMILY_BY_CATEGORY.values()) <= set(common.FAMILIES)


def test_stripe_example_balance_transaction_maps_to_a_valid_line(examples):
    line = stripe.map_balance_transaction(examples["balance_transaction"])
    assert canonical.iter_errors("settlement_line", line) == []
    assert line["external_id"] == "txn_1PgaxNB7WZ01zgkWEV3TLf40"
    assert (line["amount"], line["fee"], line["net"], line["currency"]) == ("1.00", "0.00", "1.00", "USD")
    assert (line["provider_type"], line["family"]) == ("charge", "charge")
    assert line["order_transaction_id"] == CHARGE_ID
    assert line["availability"] == "available"
    assert line["created_at"] == "2009-02-13T23:31:30Z" and line["available_on"] == "2009-02-13"


def test_stripe_example_payout_maps_to_a_valid_payout(examples):
    payout = stripe.map_payout(examples["payout"], [examples["balance_transaction"]])
    assert canonical.iter_errors("payout", payout) == []
    assert (payout["external_id"], payout["status"], payout["direction"]) == (
        PAYOUT_ID,
        "in_transit",
        "credit",
    )
    assert (payout["amount"], payout["currency"]) == ("11.00", "USD")
    assert payout["bank_account"] == "ba_1Pgc79B7WZ01zgkWoU5vBiXt"
    assert payout["trace_reference"] is None  # the example's trace_id.value is null
    assert payout["lines_complete"] is True  # reconciliation_status completed
    assert payout["lines"][0]["payout_id"] == PAYOUT_ID


# --- a whole payout ---------------------------------------------------------------------------


def test_a_whole_payout_sums_to_its_amount_without_its_own_transaction(examples):
    payout_json, lines_json = whole_payout(examples)
    payout = stripe.map_payout(payout_json, lines_json)
    ids = [line["external_id"] for line in payout["lines"]]
    assert "txn_payout" not in ids and len(ids) == 5
    total = sum(Decimal(line["net"]) for line in payout["lines"])
    assert total == Decimal(payout["amount"]) == Decimal("70.80")
    for line in payout["lines"]:
        assert Decimal(line["amount"]) - Decimal(line["fee"]) == Decimal(line["net"])
    assert payout["status"] == "paid" and payout["trace_reference"] == "TRACE-42"


def test_a_dispute_carries_its_fee_and_the_disputed_charge(examples):
    payout_json, lines_json = whole_payout(examples)
    dispute = next(
        line for line in stripe.map_payout(payout_json, lines_json)["lines"] if line["family"] == "dispute"
    )
    assert (dispute["amount"], dispute["fee"], dispute["net"]) == ("-10.00", "15.00", "-25.00")
    assert dispute["fee_details"] == [{"type": "stripe_fee", "amount": "15.00", "description": "Dispute fee"}]
    assert dispute["dispute_id"] == "dp_1Pgc71B7WZ01zgkWMevJiAUx"
    assert dispute["order_transaction_id"] == CHARGE_ID  # the dispute's charge, not the dispute
    assert dispute["source_id"] == "dp_1Pgc71B7WZ01zgkWMevJiAUx"


def test_an_unexpanded_dispute_names_no_order_transaction(examples):
    line = stripe.map_balance_transaction(
        bt(examples, amount=-1000, fee=1500, net=-2500, reporting_category="dispute", source="dp_123")
    )
    assert line["dispute_id"] == "dp_123" and line["order_transaction_id"] is None


def test_a_refund_is_its_own_order_transaction(examples):
    payout_json, lines_json = whole_payout(examples)
    refund = next(
        line for line in stripe.map_payout(payout_json, lines_json)["lines"] if line["family"] == "refund"
    )
    assert refund["amount"] == "-1.00" and refund["order_transaction_id"] == "re_1Pgc72B7WZ01zgkWqPvrRrPE"


def test_reserves_are_held_and_released_by_sign(examples):
    payout_json, lines_json = whole_payout(examples)
    families = {
        line["external_id"]: line["family"] for line in stripe.map_payout(payout_json, lines_json)["lines"]
    }
    assert families["txn_hold"] == "reserve_hold"
    assert families["txn_release"] == "reserve_release"
    assert families["txn_charge"] == "charge"


def test_an_unknown_category_is_family_unknown_not_an_error(examples):
    line = stripe.map_balance_transaction(
        bt(examples, reporting_category="climate_order_purchase", amount=-50, net=-50)
    )
    assert line["family"] == "unknown" and line["provider_type"] == "climate_order_purchase"
    assert canonical.iter_errors("settlement_line", line) == []


def test_fee_details_and_partial_capture_reversal(examples):
    refund = dict(copy.deepcopy(examples["refund"]), charge=CHARGE_ID)
    line = stripe.map_balance_transaction(
        bt(
            examples,
            amount=-300,
            net=-300,
            type="refund",
            reporting_category="partial_capture_reversal",
            source=refund,
        )
    )
    assert line["family"] == "charge"  # it reduces the authorized charge, the order knows only the capture
    assert line["order_transaction_id"] == CHARGE_ID


# --- currencies and signs ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "currency,minor,expected",
    [
        ("usd", 1234, "12.34"),
        ("jpy", 5000, "5000"),
        ("krw", -120, "-120"),
        ("kwd", 5120, "5.120"),
        ("isk", 500, "5.00"),
    ],
)
def test_minor_units_follow_stripes_currency_exponents(currency, minor, expected):
    assert common.decimal_string(stripe.minor_to_decimal(minor, currency)) == expected


def test_a_zero_decimal_payout(examples):
    payout_json = dict(copy.deepcopy(examples["payout"]), currency="jpy", amount=9680)
    line = bt(examples, currency="jpy", amount=10000, fee=320, net=9680,
              fee_details=[{"amount": 320, "currency": "jpy", "description": "Stripe processing fees",
                            "type": "stripe_fee", "application": None}])  # fmt: skip
    payout = stripe.map_payout(payout_json, [line])
    assert (payout["amount"], payout["currency"]) == ("9680", "JPY")
    assert payout["lines"][0]["fee_details"][0]["amount"] == "320"
    assert canonical.iter_errors("payout", payout) == []


def test_a_negative_payout_is_a_debit(examples):
    payout_json = dict(copy.deepcopy(examples["payout"]), amount=-2500, status="paid")
    line = bt(
        examples, id="txn_neg", amount=-2500, fee=0, net=-2500, reporting_category="refund", source="re_1"
    )
    payout = stripe.map_payout(payout_json, [line])
    assert (payout["direction"], payout["amount"]) == ("debit", "-25.00")
    assert payout["lines"][0]["net"] == "-25.00"


def test_a_failed_payout_keeps_its_failure_code(examples):
    payout_json = dict(copy.deepcopy(examples["payout"]), status="failed", failure_code="account_closed")
    payout = stripe.map_payout(payout_json, [])
    assert (payout["status"], payout["failure_code"]) == ("failed", "account_closed")


def test_pending_is_scheduled_and_in_progress_reconciliation_is_incomplete(examples):
    payout_json = dict(
        copy.deepcopy(examples["payout"]), status="pending", reconciliation_status="in_progress"
    )
    payout = stripe.map_payout(payout_json, [])
    assert payout["status"] == "scheduled" and payout["lines_complete"] is False


def test_presentment_currency_and_exchange_rate(examples):
    charge = dict(copy.deepcopy(examples["charge"]), currency="eur", amount=1000)
    line = stripe.map_balance_transaction(
        bt(examples, amount=1234, fee=66, net=1168, exchange_rate=1.234, source=charge)
    )
    assert (line["presentment_amount"], line["presentment_currency"]) == ("10.00", "EUR")
    assert line["exchange_rate"] == "1.234"
    long_rate = stripe.map_balance_transaction(bt(examples, exchange_rate=0.912345678))
    assert long_rate["exchange_rate"] == "0.912346"  # rounded to the six places the contract allows


def test_order_ref_from_the_charge_metadata(examples):
    charge = dict(copy.deepcopy(examples["charge"]), metadata={"order_id": "SO-1042"})
    assert stripe.map_balance_transaction(bt(examples, source=charge))["order_ref"] == "SO-1042"


def test_bad_input_is_a_mapping_error_naming_where(examples):
    with pytest.raises(MappingError, match=r"balance_transactions\[0\]\.amount"):
        stripe.map_payout(examples["payout"], [bt(examples, amount="1.00")])
    with pytest.raises(MappingError, match="payout.status"):
        stripe.map_payout(dict(examples["payout"], status="lost"), [])
    with pytest.raises(MappingError, match=r"balance_transaction\.net"):
        stripe.map_balance_transaction(bt(examples, net=None))


# --- the client against a fake Stripe -------------------------------------------------------------


@pytest.fixture(scope="module")
def server():
    fake = FakeApi()
    yield fake
    fake.close()


@pytest.fixture
def api(server):
    server.reset()
    return server


@pytest.fixture
def client(api):
    with StripeClient(api.url, api_key=KEY, rate_limiter=None) as value:
        yield value


def _page(items, has_more):
    return {"object": "list", "url": "/v1/x", "has_more": has_more, "data": items}


def test_defaults():
    client = StripeClient(api_key=KEY)
    assert client.base_url == "https://api.stripe.com/"
    assert client.timeout == (3.05, 30.0)
    assert client.rate_limiter is not None
    assert KEY in client.secrets
    client.close()
    with pytest.raises(ValueError, match="secret key"):
        StripeClient(api_key="")


def test_lists_are_paged_with_starting_after(api, client, examples):
    items = [bt(examples, id=f"txn_{n}") for n in range(5)]

    def answer(request):
        after = request.arg("starting_after")
        start = 0 if after is None else int(after.split("_")[1]) + 1
        limit = int(request.arg("limit"))
        chunk = items[start : start + limit]
        return 200, {}, _page(chunk, start + limit < len(items))

    api.route("GET", "/v1/balance_transactions", answer)
    got = list(client.iter_balance_transactions(payout=PAYOUT_ID, limit=2))
    assert [item["id"] for item in got] == [f"txn_{n}" for n in range(5)]
    calls = api.calls("/v1/balance_transactions")
    assert [call.arg("starting_after") for call in calls] == [None, "txn_1", "txn_3"]
    first = calls[0]
    assert first.arg("payout") == PAYOUT_ID and first.query["expand[]"] == ["data.source"]
    assert first.headers["Authorization"] == f"Bearer {KEY}"
    assert first.headers["Stripe-Version"] == stripe.API_VERSION
    with pytest.raises(ValueError, match="1 to 100"):
        list(client.iter_balance_transactions(limit=101))


def test_pagination_that_does_not_advance_is_an_error(api, client, examples):
    api.route("GET", "/v1/payouts", (200, {}, _page([examples["payout"]], True)))
    with pytest.raises(RemoteServerError, match="does not advance"):
        list(client.iter_payouts())


def test_payouts_are_asked_by_creation_range(api, client, examples):
    api.route("GET", "/v1/payouts", (200, {}, _page([examples["payout"]], False)))
    since = datetime(2024, 5, 1, tzinfo=timezone.utc)
    list(client.iter_payouts(created_gte=since, created_lte=1717200000))
    (call,) = api.requests
    assert (
        call.arg("created[gte]") == str(int(since.timestamp())) and call.arg("created[lte]") == "1717200000"
    )


def test_fetch_payouts_maps_each_payout_with_its_lines(api, client, examples):
    payout_json, lines_json = whole_payout(examples)
    api.route("GET", "/v1/payouts", (200, {}, _page([payout_json], False)))
    api.route("GET", "/v1/balance_transactions", (200, {}, _page(lines_json, False)))
    (payout,) = stripe.fetch_payouts(client, datetime(2024, 5, 1), datetime(2024, 6, 1))
    assert payout["amount"] == "70.80" and len(payout["lines"]) == 5
    assert api.calls("/v1/balance_transactions")[0].arg("payout") == PAYOUT_ID


def test_a_manual_payout_is_not_asked_for_lines(api, client, examples):
    manual = dict(copy.deepcopy(examples["payout"]), automatic=False, reconciliation_status="not_applicable")
    api.route("GET", f"/v1/payouts/{PAYOUT_ID}", (200, {}, manual))
    payout = stripe.fetch_payout(client, PAYOUT_ID)
    assert payout["lines"] == [] and payout["lines_complete"] is True
    assert api.calls("/v1/balance_transactions") == []
    with pytest.raises(ValueError, match="po_"):
        client.get_payout("../charges")


def test_fetch_balance_lines_leaves_payouts_out(api, client, examples):
    payout_json, lines_json = whole_payout(examples)
    api.route("GET", "/v1/balance_transactions", (200, {}, _page(lines_json, False)))
    lines = list(stripe.fetch_balance_lines(client, 1714521600, 1717200000))
    assert len(lines) == 5 and all(line["payout_id"] is None for line in lines)


ERROR_IDEMPOTENCY = {
    "error": {
        "type": "idempotency_error",
        "message": "Keys for idempotent requests can only be used with the same parameters they were first used with.",
    }
}


def test_errors_are_classified(api, client):
    path = f"/v1/payouts/{PAYOUT_ID}"
    api.route("GET", path, (429, {}, {"error": {"type": "invalid_request_error", "code": "rate_limit"}}))
    with pytest.raises(RateLimited):
        client.get_payout(PAYOUT_ID)
    api.route("GET", path, (500, {}, {"error": {"type": "api_error", "message": "boom"}}))
    with pytest.raises(RemoteServerError):
        client.get_payout(PAYOUT_ID)
    api.route("GET", path, (400, {"Request-Id": "req_123"}, ERROR_IDEMPOTENCY))
    with pytest.raises(RemoteRejected) as caught:
        client.get_payout(PAYOUT_ID)
    assert not caught.value.retryable and caught.value.code == "stripe.idempotency_error"
    assert "idempotency_error" in caught.value.message and "req_123" in caught.value.message
    api.route(
        "GET",
        path,
        (
            404,
            {},
            {
                "error": {
                    "type": "invalid_request_error",
                    "code": "resource_missing",
                    "message": "No such payout",
                }
            },
        ),
    )
    with pytest.raises(RemoteRejected) as caught:
        client.get_payout(PAYOUT_ID)
    assert (
        caught.value.code == "stripe.invalid_request_error.resource_missing"
        and caught.value.status_code == 404
    )


def test_stripe_should_retry_makes_a_4xx_retryable(api, client):
    body = {"error": {"type": "invalid_request_error", "code": "lock_timeout", "message": "locked"}}
    api.route("GET", f"/v1/payouts/{PAYOUT_ID}", (409, {"Stripe-Should-Retry": "true"}, body))
    with pytest.raises(RemoteServerError) as caught:
        client.get_payout(PAYOUT_ID)
    assert caught.value.retryable


def test_the_key_never_reaches_the_log(api, client, caplog):
    body = {"error": {"type": "invalid_request_error", "message": f"Invalid API Key provided: {KEY}"}}
    api.route("GET", f"/v1/payouts/{PAYOUT_ID}", (401, {}, body))
    with caplog.at_level(logging.DEBUG), pytest.raises(RemoteRejected) as caught:
        client.get_payout(PAYOUT_ID)
    assert KEY not in caplog.text and KEY not in caught.value.message


# --- webhooks -------------------------------------------------------------------------------------

SECRET = "whsec_test_secret"
NOW = 1_700_000_000


def sign(payload, secret=SECRET, timestamp=NOW):
    signed = f"{timestamp}.".encode() + payload
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def event_body(kind="payout.paid", payout_id=PAYOUT_ID):
    return json.dumps(
        {"id": "evt_1", "object": "event", "type": kind, "data": {"object": {"id": payout_id}}}
    ).encode()


def test_a_signed_event_is_accepted():
    body = event_body()
    event = stripe.verify_signature(body, f"t={NOW},v1={sign(body)}", [SECRET], now=NOW + 10)
    assert event["type"] == "payout.paid"
    assert stripe.payout_id_of_event(event) == PAYOUT_ID


def test_any_v1_and_any_secret_may_match():
    body = event_body("payout.reconciliation_completed")
    header = f"t={NOW},v1={'0' * 64},v1={sign(body, 'whsec_new')},v0={'1' * 64}"
    event = stripe.verify_signature(body, header, ["whsec_old", "whsec_new"], now=NOW)
    assert stripe.payout_id_of_event(event) == PAYOUT_ID


@pytest.mark.parametrize(
    "header,code",
    [
        (None, "stripe.signature.missing"),
        ("", "stripe.signature.missing"),
        ("v1=abc", "stripe.signature.malformed"),
        (f"t={NOW}", "stripe.signature.malformed"),
        (f"t=yesterday,v1={'a' * 64}", "stripe.signature.malformed"),
        (f"t={NOW},v1={'a' * 64}", "stripe.signature.mismatch"),
    ],
)
def test_unsigned_malformed_and_wrong_signatures_are_refused(header, code):
    with pytest.raises(WebhookSignatureError) as caught:
        stripe.verify_signature(event_body(), header, [SECRET], now=NOW)
    assert caught.value.code == code and not caught.value.retryable


def test_a_tampered_body_is_refused():
    body = event_body()
    with pytest.raises(WebhookSignatureError, match="does not match"):
        stripe.verify_signature(body.replace(b"paid", b"fail"), f"t={NOW},v1={sign(body)}", [SECRET], now=NOW)


def test_an_old_signature_is_refused():
    body = event_body()
    header = f"t={NOW},v1={sign(body)}"
    assert stripe.verify_signature(body, header, [SECRET], now=NOW + 300)
    with pytest.raises(WebhookSignatureError) as caught:
        stripe.verify_signature(body, header, [SECRET], now=NOW + 301)
    assert caught.value.code == "stripe.signature.expired"


def test_no_secret_and_a_body_that_is_no_event():
    with pytest.raises(WebhookSignatureError, match="No Stripe webhook signing secret"):
        stripe.verify_signature(event_body(), f"t={NOW},v1={'a' * 64}", [], now=NOW)
    body = b"not json"
    with pytest.raises(ValidationFailed):
        stripe.verify_signature(body, f"t={NOW},v1={sign(body)}", [SECRET], now=NOW)


def test_only_payout_events_name_a_payout():
    assert stripe.payout_id_of_event({"type": "charge.succeeded", "data": {"object": {"id": "ch_1"}}}) is None
    assert stripe.payout_id_of_event({"type": "payout.failed", "data": {"object": {"id": "po_9"}}}) == "po_9"
