"""The sandbox PayPal account (tests/sandbox/paypal) over loopback, with
plain HTTP: OAuth client credentials and expired tokens, Transaction Search
windows (31 days, RFC 3339), pages and links, filters, fields, the
10,000-result limit, the three-hour lag, T-codes of payments, refunds,
claims, chargebacks, reserves, conversions and withdrawals that add up to
the balances. No sleeping: the clock is a ManualClock."""

from datetime import datetime, timezone
from decimal import Decimal

import pytest
import requests
from sandbox.paypal import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, PayPalSandbox, format_date
from sandbox.peer import ManualClock

NOW = datetime(2026, 11, 3, 9, 0, tzinfo=timezone.utc)
OCT_1 = int(datetime(2026, 10, 1, tzinfo=timezone.utc).timestamp())
DAY = 86400
SEARCH = "/v1/reporting/transactions"


@pytest.fixture
def clock():
    return ManualClock()


@pytest.fixture
def paypal(clock):
    sandbox = PayPalSandbox(clock=clock, wait=clock.wait, now=NOW, seed=4, rate_burst=100_000)
    with sandbox:
        yield sandbox


@pytest.fixture
def month(paypal):
    return paypal.seed_month(orders=300, seed=6)


def token(paypal, client=(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)):
    answer = requests.post(
        paypal.base_url + "/v1/oauth2/token",
        auth=client,
        data={"grant_type": "client_credentials"},
        timeout=5,
    )
    return answer


def bearer(paypal):
    return {"Authorization": "Bearer " + token(paypal).json()["access_token"]}


def search(paypal, headers, **params):
    return requests.get(paypal.base_url + SEARCH, params=params, headers=headers, timeout=5)


def window(start, days):
    return {"start_date": format_date(start), "end_date": format_date(start + days * DAY - 1)}


def everything(paypal, headers, **params):
    details, page = [], 1
    while True:
        answer = search(paypal, headers, page=page, page_size=500, **params).json()
        details += answer["transaction_details"]
        if page >= answer["total_pages"]:
            return details
        page += 1


# -- OAuth --------------------------------------------------------------------------------------


def test_client_credentials_give_a_bearer_token(paypal):
    answer = token(paypal)
    assert answer.status_code == 200
    body = answer.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 32400
    assert "reporting/search/read" in body["scope"] and body["access_token"].startswith("A21AA")
    wrong = token(paypal, (DEFAULT_CLIENT_ID, "nope"))
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"
    no_grant = requests.post(
        paypal.base_url + "/v1/oauth2/token", auth=(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET), timeout=5
    )
    assert no_grant.status_code == 400 and no_grant.json()["error"] == "unsupported_grant_type"


def test_missing_unknown_and_expired_tokens_are_401(paypal, clock):
    params = window(OCT_1, 5)
    missing = search(paypal, {}, **params)
    assert missing.status_code == 401 and missing.json()["name"] == "AUTHENTICATION_FAILURE"
    assert (
        search(paypal, {"Authorization": "Bearer A21AAforged"}, **params).json()["error"] == "invalid_token"
    )
    headers = bearer(paypal)
    assert search(paypal, headers, **params).status_code == 200
    clock.advance(32400)
    expired = search(paypal, headers, **params)
    assert (
        expired.status_code == 401
        and expired.json()["error_description"] == "The token passed in was expired"
    )
    assert search(paypal, bearer(paypal), **params).status_code == 200
    paypal.expire_tokens()
    assert search(paypal, headers, **params).status_code == 401


# -- the window ------------------------------------------------------------------------------------


def test_more_than_31_days_is_invalid_request_with_details(paypal):
    answer = search(
        paypal, bearer(paypal), start_date="2026-09-01T00:00:00Z", end_date="2026-10-02T00:00:01Z"
    )
    assert answer.status_code == 400
    body = answer.json()
    assert body["name"] == "INVALID_REQUEST" and body["debug_id"]
    assert body["details"][0]["field"] == "start_date" and body["details"][0]["location"] == "query"
    exactly = search(
        paypal, bearer(paypal), start_date="2026-09-01T00:00:00Z", end_date="2026-10-02T00:00:00Z"
    )
    assert exactly.status_code == 200


def test_dates_are_rfc3339_with_seconds_and_any_offset(paypal, month):
    headers = bearer(paypal)
    assert search(paypal, headers, start_date="2026-10-01", end_date="2026-10-05").status_code == 400
    assert (
        search(paypal, headers, start_date="2026-10-01T00:00Z", end_date="2026-10-05T00:00:00Z").status_code
        == 400
    )
    utc = search(paypal, headers, start_date="2026-10-02T00:00:00Z", end_date="2026-10-05T00:00:00Z").json()
    shifted = search(
        paypal, headers, start_date="2026-10-01T17:00:00-0700", end_date="2026-10-05T02:00:00+02:00"
    ).json()
    assert utc["total_items"] == shifted["total_items"] > 0
    assert utc["start_date"] == "2026-10-02T00:00:00+0000"
    missing = search(paypal, headers, start_date="2026-10-02T00:00:00Z")
    assert missing.json()["details"][0]["field"] == "end_date"


def test_three_hours_of_lag(paypal, clock):
    headers = bearer(paypal)
    now = paypal.store.now()
    payment = paypal.create_payment("25.00", "USD", invoice_id="SO77")
    params = {"start_date": format_date(now - DAY), "end_date": format_date(now + 60)}
    answer = search(paypal, headers, **params).json()
    assert answer["total_items"] == 0
    assert answer["last_refreshed_datetime"] == format_date(now - 3 * 3600)
    assert answer["end_date"] == answer["last_refreshed_datetime"]  # served up to the last refresh
    later = search(paypal, headers, start_date=format_date(now - 60), end_date=format_date(now + 60))
    assert (
        later.status_code == 400
        and later.json()["message"] == "Data for the given start date is not available."
    )
    clock.advance(3 * 3600 + 61)
    found = search(paypal, headers, **params).json()["transaction_details"]
    assert [d["transaction_info"]["transaction_id"] for d in found] == [
        payment["transaction_info"]["transaction_id"]
    ]


# -- pages, filters, fields -------------------------------------------------------------------------


def test_pages_links_and_page_size(paypal, month):
    headers = bearer(paypal)
    first = search(paypal, headers, page_size=50, **window(OCT_1, 31)).json()
    assert first["page"] == 1 and first["total_pages"] == -(-first["total_items"] // 50)
    assert len(first["transaction_details"]) == 50 and first["account_number"]
    rels = {link["rel"]: link["href"] for link in first["links"]}
    assert set(rels) == {"self", "next", "last"} and "page=2" in rels["next"]
    second = requests.get(rels["next"], headers=headers, timeout=5).json()
    assert second["page"] == 2
    ids = [d["transaction_info"]["transaction_id"] for d in everything(paypal, headers, **window(OCT_1, 31))]
    assert len(ids) == first["total_items"] == len(set(ids))
    dates = [
        d["transaction_info"]["transaction_initiation_date"]
        for d in everything(paypal, headers, **window(OCT_1, 31))
    ]
    assert dates == sorted(dates)  # oldest first
    assert search(paypal, headers, page_size=501, **window(OCT_1, 3)).json()["name"] == "INVALID_REQUEST"
    beyond = search(paypal, headers, page=999, **window(OCT_1, 3)).json()
    assert beyond["transaction_details"] == []


def test_filters_and_fields(paypal, month):
    headers = bearer(paypal)
    refunds = everything(paypal, headers, transaction_type="T1107", **window(OCT_1, 31))
    assert refunds and all(d["transaction_info"]["transaction_event_code"] == "T1107" for d in refunds)
    assert all("ending_balance" not in d["transaction_info"] for d in refunds)  # a filter: no balances
    order = month["orders"][0]
    one = search(
        paypal, headers, transaction_id=order["transaction_id"], fields="all", **window(OCT_1, 31)
    ).json()
    detail = one["transaction_details"][0]
    info = detail["transaction_info"]
    assert info["invoice_id"] == order["order_id"] and info["custom_field"] == f"order:{order['order_id']}"
    assert info["transaction_amount"] == {"currency_code": order["currency"], "value": order["amount"]}
    assert Decimal(info["fee_amount"]["value"]) < 0
    assert detail["payer_info"]["payer_name"]["given_name"]
    assert detail["cart_info"]["item_details"][0]["item_code"] == order["order_id"]
    plain = search(paypal, headers, transaction_id=order["transaction_id"], **window(OCT_1, 31)).json()
    assert set(plain["transaction_details"][0]) == {"transaction_info"}
    eur = everything(paypal, headers, transaction_currency="EUR", **window(OCT_1, 31))
    assert eur and {d["transaction_info"]["transaction_amount"]["currency_code"] for d in eur} == {"EUR"}
    reversed_ = everything(paypal, headers, transaction_status="V", **window(OCT_1, 31))
    assert all(d["transaction_info"]["transaction_status"] == "V" for d in reversed_)
    small = everything(paypal, headers, transaction_amount="[500 TO 1000]", **window(OCT_1, 31))
    assert all(
        Decimal("5") <= Decimal(d["transaction_info"]["transaction_amount"]["value"]) <= Decimal("10")
        for d in small
    )
    assert search(paypal, headers, fields="everything", **window(OCT_1, 3)).status_code == 400
    assert search(paypal, headers, transaction_id="SHORT", **window(OCT_1, 3)).json()["details"][0][
        "field"
    ] == ("transaction_id")


def test_resultset_too_large(clock):
    with PayPalSandbox(clock=clock, wait=clock.wait, now=NOW, max_results=120) as paypal:
        paypal.seed_month(orders=110, seed=2)
        headers = bearer(paypal)
        too_large = search(paypal, headers, **window(OCT_1, 31))
        assert too_large.status_code == 400
        body = too_large.json()
        assert body["name"] == "RESULTSET_TOO_LARGE"
        assert body["total_items"] > 120 and body["maximum_items"] == 120
        halves = [
            search(paypal, headers, **window(OCT_1, 15)),
            search(paypal, headers, **window(OCT_1 + 15 * DAY, 16)),
        ]
        assert [h.status_code for h in halves] == [200, 200]
        assert sum(h.json()["total_items"] for h in halves) == body["total_items"]


# -- the account adds up ---------------------------------------------------------------------------------


def test_codes_of_a_month_and_balances_that_add_up(paypal, month):
    headers = bearer(paypal)
    details = everything(paypal, headers, **window(OCT_1, 31))
    codes = {d["transaction_info"]["transaction_event_code"] for d in details}
    assert {"T0006", "T0003", "T1107", "T0200", "T0400", "T2103", "T2104"} <= codes
    assert codes & {"T1110", "T1201"}
    totals = {}
    for d in details:
        info = d["transaction_info"]
        currency = info["transaction_amount"]["currency_code"]
        net = Decimal(info["transaction_amount"]["value"]) + Decimal(info["fee_amount"]["value"])
        totals[currency] = totals.get(currency, Decimal(0)) + net
        assert info["available_balance"]["value"] == str(
            totals[currency].quantize(Decimal(1) if currency == "JPY" else Decimal("0.01"))
        )
    for currency in ("GBP", "JPY", "CAD"):  # converted at once: foreign balances stay at zero
        assert totals.get(currency, Decimal(0)) == 0
    withdrawals = [d for d in details if d["transaction_info"]["transaction_event_code"] == "T0400"]
    assert len(withdrawals) == len(month["withdrawals"])
    assert all(d["transaction_info"]["bank_reference_id"].startswith("PPWD") for d in withdrawals)
    assert all(Decimal(d["transaction_info"]["transaction_amount"]["value"]) < 0 for d in withdrawals)


def test_refunds_claims_chargebacks_and_conversions(paypal):
    at = OCT_1 + 3600
    pay = paypal.create_payment("100.00", "USD", invoice_id="SO1", created=at)["transaction_info"]
    paypal.create_refund(pay["transaction_id"], "40.00", created=at + 3600)
    assert pay["transaction_status"] == "F"
    refund = paypal.create_refund(pay["transaction_id"], created=at + 7200)["transaction_info"]
    assert pay["transaction_status"] == "V" and refund["paypal_reference_id"] == pay["transaction_id"]
    assert (refund["transaction_amount"]["value"], refund["fee_amount"]["value"]) == ("-60.00", "2.09")
    claimed = paypal.create_payment("30.00", "EUR", invoice_id="SO2", created=at)["transaction_info"]
    paypal.store.open_claim(claimed["transaction_id"], created=at + DAY)
    release, reversal = paypal.store.resolve_claim(claimed["transaction_id"], won=False, created=at + 5 * DAY)
    assert [r["transaction_info"]["transaction_event_code"] for r in (release, reversal)] == [
        "T1111",
        "T1106",
    ]
    card = paypal.create_payment("50.00", "USD", invoice_id="SO3", created=at)["transaction_info"]
    back, fee = paypal.store.chargeback(card["transaction_id"], created=at + DAY)
    assert fee["transaction_info"]["transaction_event_code"] == "T0106"
    assert (
        paypal.store.reverse_chargeback(card["transaction_id"], created=at + 9 * DAY)["transaction_info"][
            "transaction_amount"
        ]["value"]
        == "50.00"
    )
    foreign = paypal.create_payment("2000", "JPY", invoice_id="SO4", created=at, exchange_rate="0.0067")
    conversions = [
        r
        for r in paypal.store.records
        if r["transaction_info"].get("paypal_reference_id") == foreign["transaction_info"]["transaction_id"]
    ]
    assert [(c["transaction_info"]["transaction_amount"]) for c in conversions] == [
        {"currency_code": "JPY", "value": "-1888"},
        {"currency_code": "USD", "value": "12.65"},
    ]


# -- faults ------------------------------------------------------------------------------------------------


def test_faults_and_throttling(paypal, clock):
    headers = bearer(paypal)
    paypal.inject_faults([{"status": 503}, {"status": 429, "retry_after": 5}, {"delay": 40}])
    unavailable = search(paypal, headers, **window(OCT_1, 3))
    assert unavailable.status_code == 503 and unavailable.json()["name"] == "SERVICE_UNAVAILABLE"
    limited = search(paypal, headers, **window(OCT_1, 3))
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "5"
    assert search(paypal, headers, **window(OCT_1, 3)).status_code == 200 and clock.waits == [40.0]
    paypal.rate_burst, paypal.rate_per_second, paypal.buckets = 2, 1, {}
    statuses = [search(paypal, headers, **window(OCT_1, 3)).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    clock.advance(1)
    assert search(paypal, headers, **window(OCT_1, 3)).status_code == 200


def test_balances_as_of_the_last_refresh(paypal, month):
    headers = bearer(paypal)
    answer = requests.get(paypal.base_url + "/v1/reporting/balances", headers=headers, timeout=5).json()
    assert answer["account_id"] == paypal.store.account_number
    usd = next(b for b in answer["balances"] if b["currency"] == "USD")
    assert usd["primary"] is True
    assert Decimal(usd["total_balance"]["value"]) == Decimal(usd["available_balance"]["value"]) + Decimal(
        usd["withheld_balance"]["value"]
    )
    details = everything(paypal, headers, **window(OCT_1, 31))
    last_usd = [d for d in details if d["transaction_info"]["transaction_amount"]["currency_code"] == "USD"][
        -1
    ]
    assert usd["available_balance"] == last_usd["transaction_info"]["available_balance"]
    eur_only = requests.get(
        paypal.base_url + "/v1/reporting/balances",
        params={"currency_code": "EUR"},
        headers=headers,
        timeout=5,
    ).json()
    assert [b["currency"] for b in eur_only["balances"]] == ["EUR"]


def test_a_share_of_payments_without_an_invoice_id(clock):
    with PayPalSandbox(clock=clock, wait=clock.wait, now=NOW, rate_burst=100_000) as paypal:
        month = paypal.seed_month(orders=200, seed=9, missing_order_share=0.1)
        anonymous = [o for o in month["orders"] if not o["reference"]]
        assert 5 < len(anonymous) < 40
        info = paypal.store.get(anonymous[0]["transaction_id"])["transaction_info"]
        assert "invoice_id" not in info and "custom_field" not in info


def test_bank_movements_are_the_withdrawals(paypal, month):
    movements = paypal.bank_movements()
    assert [m["transaction_id"] for m in movements] == month["withdrawals"]
    assert all(Decimal(m["amount"]) > 0 and m["bank_reference_id"].startswith("PPWD") for m in movements)
