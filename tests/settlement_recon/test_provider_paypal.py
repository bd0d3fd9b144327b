"""PayPal's client and mapper against a local fake of its REST API.

The transaction bodies below are ours, written in the shape PayPal's
Transaction Search reference documents (developer.paypal.com, Transaction
Search API v1, ``transaction_details[].transaction_info``; its OpenAPI
document in paypal/paypal-rest-api-specifications carries no examples):
money as ``{currency_code, value}`` strings, fees negative when charged,
dates with a ``+0000`` offset as PayPal writes them.
"""

import base64
import logging
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from urllib.parse import parse_qs

import pytest
from provider_fakes import FakeApi, ManualClock

from odoo.addons.integration_core.lib import canonical
from odoo.addons.integration_core.lib.exceptions import (
    MappingError,
    RateLimited,
    RemoteRejected,
    RemoteServerError,
)
from odoo.addons.settlement_recon.lib.providers import common, paypal
from odoo.addons.settlement_recon.lib.providers.paypal import PayPalClient, ResultSetTooLarge

CLIENT_ID = "AZ-client-id"
SECRET = "EL-client-secret"
UTC = timezone.utc


def money(value, currency="USD"):
    return {"currency_code": currency, "value": value}


def detail(
    transaction_id,
    code,
    amount,
    fee=None,
    currency="USD",
    status="S",
    when="2024-05-01T10:00:00+0000",
    **info,
):
    transaction_info = {
        "paypal_account_id": "6STWC2LSUYYYE",
        "transaction_id": transaction_id,
        "transaction_event_code": code,
        "transaction_initiation_date": when,
        "transaction_updated_date": when,
        "transaction_amount": money(amount, currency),
        "transaction_status": status,
        "protection_eligibility": "01",
    }
    if fee is not None:
        transaction_info["fee_amount"] = money(fee, currency)
    transaction_info.update(info)
    return {
        "transaction_info": transaction_info,
        "payer_info": {"account_id": "6STWC2LSUYYYE", "email_address": "buyer@example.com"},
        "cart_info": {"item_details": []},
    }


SALE = detail(
    "5TY05013RG002845M", "T0006", "100.00", "-3.20", invoice_id="SO042", transaction_subject="Order SO042"
)
REFUND = detail("2PK15573CB5474222", "T1107", "-40.00", "1.16", paypal_reference_id="5TY05013RG002845M",
                paypal_reference_id_type="TXN", invoice_id="SO042")  # fmt: skip
CHARGEBACK = detail("8MC585209K746392H", "T1201", "-60.00", paypal_reference_id="5TY05013RG002845M",
                    paypal_reference_id_type="TXN")  # fmt: skip
CHARGEBACK_FEE = detail("1YJ56402UH5433728", "T0106", "-20.00", paypal_reference_id="5TY05013RG002845M")
HOLD = detail("3KL09384PQ112233A", "T1503", "-25.00")
RELEASE = detail("4KL09384PQ112233B", "T1505", "25.00")
WITHDRAWAL = detail("9WD12345AB6789012", "T0403", "-50.00", bank_reference_id="PPWD-2024-0001")
DEPOSIT = detail("7DP12345AB6789012", "T0300", "30.00")
UNKNOWN = detail("0UN12345AB6789012", "T9999", "-1.00")


# --- mapping ---------------------------------------------------------------------------------------


def test_the_family_tables_name_only_canonical_families():
    assert set(paypal.FAMILY_BY_CODE.values()) <= set(common.FAMILIES)
    assert set(paypal.FAMILY_BY_GROUP.values()) <= set(common.FAMILIES)


def test_a_sale_with_its_fee():
    line = paypal.map_transaction(SALE)
    assert canonical.iter_errors("settlement_line", line) == []
    assert (line["amount"], line["fee"], line["net"], line["currency"]) == ("100.00", "3.20", "96.80", "USD")
    assert (line["provider_type"], line["family"]) == ("T0006", "charge")
    assert line["fee_details"] == [{"type": "fee", "amount": "3.20", "description": None}]
    assert line["order_transaction_id"] == "5TY05013RG002845M" and line["order_ref"] == "SO042"
    assert line["created_at"] == "2024-05-01T10:00:00Z"  # PayPal's +0000 made RFC 3339
    assert line["availability"] == "available" and line["payout_id"] is None
    assert line["description"] == "Order SO042"


def test_a_refund_gives_part_of_the_fee_back():
    line = paypal.map_transaction(REFUND)
    assert (line["family"], line["amount"], line["fee"], line["net"]) == (
        "refund",
        "-40.00",
        "-1.16",
        "-38.84",
    )
    assert line["order_transaction_id"] == "2PK15573CB5474222"
    assert line["source_id"] == "5TY05013RG002845M"


def test_a_chargeback_and_its_fee_point_at_the_sale():
    chargeback = paypal.map_transaction(CHARGEBACK)
    fee = paypal.map_transaction(CHARGEBACK_FEE)
    assert (chargeback["family"], chargeback["order_transaction_id"]) == ("dispute", "5TY05013RG002845M")
    assert (fee["family"], fee["amount"], fee["fee"], fee["net"]) == ("fee", "-20.00", "0", "-20.00")
    assert paypal.map_transaction(detail("X1", "T1202", "60.00"))["family"] == "dispute_reversal"


def test_holds_and_releases_go_by_sign():
    assert paypal.map_transaction(HOLD)["family"] == "reserve_hold"
    assert paypal.map_transaction(RELEASE)["family"] == "reserve_release"
    assert paypal.map_transaction(detail("R1", "T2103", "-10.00"))["family"] == "reserve_hold"
    assert paypal.map_transaction(detail("R2", "T2104", "10.00"))["family"] == "reserve_release"


def test_a_currency_conversion_is_two_lines_in_two_currencies():
    out = paypal.map_transaction(detail("C1", "T0200", "-100.00", currency="EUR"))
    into = paypal.map_transaction(detail("C2", "T0200", "108.25", currency="USD"))
    assert {out["family"], into["family"]} == {"currency_conversion"}
    assert (out["currency"], into["currency"]) == ("EUR", "USD")


def test_an_unknown_code_is_family_unknown_not_an_error():
    line = paypal.map_transaction(UNKNOWN)
    assert line["family"] == "unknown" and line["provider_type"] == "T9999"
    assert paypal.family_of_code("T0500") == "unknown"  # debit card: not a settlement movement we know
    assert paypal.family_of_code("garbage") == "unknown"


def test_a_payment_sent_from_the_wallet_is_a_transfer():
    assert paypal.map_transaction(detail("S1", "T0001", "-15.00"))["family"] == "transfer"


def test_zero_decimal_values_and_pending_status():
    line = paypal.map_transaction(detail("J1", "T0006", "1500", "-74", currency="JPY", status="P"))
    assert (line["amount"], line["fee"], line["net"]) == ("1500", "74", "1426")
    assert line["availability"] == "pending"


def test_bad_input_names_the_field():
    broken = detail("B1", "T0006", "12.x0")
    with pytest.raises(
        MappingError, match=r"transaction_details\[3\]\.transaction_info\.transaction_amount\.value"
    ):
        paypal.map_transaction(broken, where="transaction_details[3]")
    with pytest.raises(MappingError, match="transaction_event_code"):
        paypal.map_transaction(
            {"transaction_info": {"transaction_id": "B2", "transaction_amount": money("1.00")}}
        )
    with pytest.raises(MappingError, match="transaction_info is missing"):
        paypal.map_transaction({"payer_info": {}})
    with pytest.raises(MappingError, match="fee_amount is in EUR"):
        paypal.map_transaction(detail("B3", "T0006", "1.00", fee=None, fee_amount=money("-0.10", "EUR")))


# --- the wallet model: withdrawals as payouts -------------------------------------------------------


def test_a_withdrawal_is_a_payout_without_lines():
    (payout,) = paypal.payouts_from_withdrawals([SALE, WITHDRAWAL])
    assert canonical.iter_errors("payout", payout) == []
    assert (payout["external_id"], payout["status"], payout["direction"]) == (
        "9WD12345AB6789012",
        "paid",
        "credit",
    )
    assert (payout["amount"], payout["currency"]) == ("50.00", "USD")
    assert payout["trace_reference"] == "PPWD-2024-0001"
    assert payout["lines"] == [] and payout["lines_complete"] is True


def test_a_deposit_from_the_bank_is_a_debit_payout():
    (payout,) = paypal.payouts_from_withdrawals([DEPOSIT])
    assert (payout["direction"], payout["amount"], payout["trace_reference"]) == ("debit", "-30.00", None)


def test_a_reversed_withdrawal_fails_its_payout():
    reversal = detail("6RV12345AB6789012", "T1101", "50.00", paypal_reference_id="9WD12345AB6789012")
    (payout,) = paypal.payouts_from_withdrawals([WITHDRAWAL, reversal])
    assert (payout["status"], payout["failure_code"]) == ("failed", "T1101")
    alone = paypal.map_transaction(reversal)
    assert (alone["family"], alone["payout_id"]) == ("payout", "9WD12345AB6789012")


# --- the client against a fake PayPal ---------------------------------------------------------------


@pytest.fixture(scope="module")
def server():
    fake = FakeApi()
    yield fake
    fake.close()


@pytest.fixture
def api(server):
    server.reset()
    server.tokens = 0

    def token(request):
        server.tokens += 1
        return (
            200,
            {},
            {
                "scope": "https://uri.paypal.com/services/reporting/search/read",
                "access_token": f"A21AA-token-{server.tokens}",
                "token_type": "Bearer",
                "app_id": "APP-80W284485P519543T",
                "expires_in": 32400,
                "nonce": "2024-05-01T10:00:00Zabc",
            },
        )

    server.route("POST", "/v1/oauth2/token", token)
    return server


@pytest.fixture
def clock():
    return ManualClock()


@pytest.fixture
def client(api, clock):
    cache = paypal.TokenCache()
    with PayPalClient(
        api.url, client_id=CLIENT_ID, client_secret=SECRET, clock=clock, token_cache=cache
    ) as value:
        yield value


NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


def search_answer(details, page=1, total_pages=1):
    return {
        "transaction_details": details,
        "account_number": "XZXSPECMRYFQQ",
        "start_date": "2024-05-01T00:00:00+0000",
        "end_date": "2024-05-31T23:59:59+0000",
        "last_refreshed_datetime": "2024-06-01T08:59:59+0000",
        "page": page,
        "total_items": len(details),
        "total_pages": total_pages,
        "links": [],
    }


def parse_date(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_defaults_and_required_credentials():
    client = PayPalClient(client_id=CLIENT_ID, client_secret=SECRET)
    assert client.base_url == "https://api-m.paypal.com/"
    assert SECRET in client.secrets
    client.close()
    with pytest.raises(ValueError, match="client id and secret"):
        PayPalClient(client_id=CLIENT_ID, client_secret="")


def test_the_token_is_asked_with_basic_auth_and_cached(api, client):
    api.route("GET", "/v1/reporting/transactions", (200, {}, search_answer([SALE])))
    start = datetime(2024, 5, 1, tzinfo=UTC)
    list(client.iter_transactions(start, start + timedelta(days=2), now=NOW))
    list(client.iter_transactions(start, start + timedelta(days=2), now=NOW))
    (token_call,) = api.calls("/v1/oauth2/token")
    expected = base64.b64encode(f"{CLIENT_ID}:{SECRET}".encode()).decode()
    assert token_call.headers["Authorization"] == f"Basic {expected}"
    assert parse_qs(token_call.body.decode()) == {"grant_type": ["client_credentials"]}
    assert token_call.headers["Content-Type"] == "application/x-www-form-urlencoded"
    searches = api.calls("/v1/reporting/transactions")
    assert [call.headers["Authorization"] for call in searches] == ["Bearer A21AA-token-1"] * 2
    assert searches[0].arg("fields") == "all" and searches[0].arg("page_size") == "500"


def test_clients_of_one_app_share_the_token(api, client, clock):
    api.route("GET", "/v1/reporting/transactions", (200, {}, search_answer([])))
    start = datetime(2024, 5, 1, tzinfo=UTC)
    list(client.iter_transactions(start, start + timedelta(days=1), now=NOW))
    kwargs = {"client_id": CLIENT_ID, "clock": clock, "token_cache": client.token_cache}
    with PayPalClient(api.url, client_secret=SECRET, **kwargs) as second:
        list(second.iter_transactions(start, start + timedelta(days=1), now=NOW))
        assert second.token_requests == 0 and "A21AA-token-1" in second.secrets
    with PayPalClient(api.url, client_secret="another-secret", **kwargs) as other_app:
        list(other_app.iter_transactions(start, start + timedelta(days=1), now=NOW))
        assert other_app.token_requests == 1
    assert api.tokens == 2


def test_the_token_is_renewed_when_it_expires(api, client, clock):
    api.route("GET", "/v1/reporting/transactions", (200, {}, search_answer([])))
    start = datetime(2024, 5, 1, tzinfo=UTC)
    list(client.iter_transactions(start, start + timedelta(days=1), now=NOW))
    clock.advance(32400 - 61)
    list(client.iter_transactions(start, start + timedelta(days=1), now=NOW))
    assert client.token_requests == 1
    clock.advance(2)  # inside the minute's margin
    list(client.iter_transactions(start, start + timedelta(days=1), now=NOW))
    assert client.token_requests == 2


def test_a_401_renews_the_token_once(api, client):
    def search(request):
        if request.headers["Authorization"] == "Bearer A21AA-token-1":
            return (
                401,
                {},
                {"error": "invalid_token", "error_description": "Token signature verification failed"},
            )
        return 200, {}, search_answer([SALE])

    api.route("GET", "/v1/reporting/transactions", search)
    start = datetime(2024, 5, 1, tzinfo=UTC)
    (got,) = client.iter_transactions(start, start + timedelta(days=1), now=NOW)
    assert got["transaction_info"]["transaction_id"] == SALE["transaction_info"]["transaction_id"]
    assert api.tokens == 2


def test_a_second_401_is_permanent(api, client):
    api.route("GET", "/v1/reporting/transactions", (401, {}, {"error": "invalid_token"}))
    start = datetime(2024, 5, 1, tzinfo=UTC)
    with pytest.raises(RemoteRejected) as caught:
        list(client.iter_transactions(start, start + timedelta(days=1), now=NOW))
    assert caught.value.status_code == 401 and not caught.value.retryable
    assert api.tokens == 2


def test_secrets_and_tokens_never_reach_the_log(api, client, caplog):
    api.route("GET", "/v1/reporting/transactions", (400, {}, {"name": "INVALID_REQUEST", "message": SECRET}))
    start = datetime(2024, 5, 1, tzinfo=UTC)
    with caplog.at_level(logging.DEBUG), pytest.raises(RemoteRejected) as caught:
        list(client.iter_transactions(start, start + timedelta(days=1), now=NOW))
    assert SECRET not in caplog.text and "A21AA-token-1" not in caplog.text
    assert SECRET not in caught.value.message
    assert caught.value.code == "paypal.INVALID_REQUEST"


def test_errors_are_classified(api, client):
    start = datetime(2024, 5, 1, tzinfo=UTC)
    api.route(
        "GET", "/v1/reporting/transactions", (429, {"Retry-After": "7"}, {"name": "RATE_LIMIT_REACHED"})
    )
    with pytest.raises(RateLimited) as caught:
        list(client.iter_transactions(start, start + timedelta(days=1), now=NOW))
    assert caught.value.retry_after == 7
    api.route("GET", "/v1/reporting/transactions", (503, {}, {"name": "SERVICE_UNAVAILABLE"}))
    with pytest.raises(RemoteServerError):
        list(client.iter_transactions(start, start + timedelta(days=1), now=NOW))


def test_pages_are_followed_to_total_pages(api, client):
    pages = {1: [SALE], 2: [REFUND], 3: [CHARGEBACK]}
    api.route(
        "GET",
        "/v1/reporting/transactions",
        lambda request: (
            200,
            {},
            search_answer(pages[int(request.arg("page"))], int(request.arg("page")), 3),
        ),
    )
    start = datetime(2024, 5, 1, tzinfo=UTC)
    got = list(client.iter_transactions(start, start + timedelta(days=3), now=NOW, page_size=1))
    assert [d["transaction_info"]["transaction_event_code"] for d in got] == ["T0006", "T1107", "T1201"]
    assert [call.arg("page") for call in api.calls("/v1/reporting/transactions")] == ["1", "2", "3"]
    with pytest.raises(ValueError, match="page_size"):
        list(client.iter_transactions(start, start + timedelta(days=1), now=NOW, page_size=501))


def test_a_long_range_is_cut_into_31_day_windows(api, client):
    api.route("GET", "/v1/reporting/transactions", (200, {}, search_answer([])))
    start = datetime(2024, 1, 1, tzinfo=UTC)
    list(client.iter_transactions(start, datetime(2024, 3, 15, tzinfo=UTC), now=NOW))
    windows = [(c.arg("start_date"), c.arg("end_date")) for c in api.calls("/v1/reporting/transactions")]
    assert windows == [
        ("2024-01-01T00:00:00Z", "2024-01-31T23:59:59Z"),
        ("2024-02-01T00:00:00Z", "2024-03-02T23:59:59Z"),
        ("2024-03-03T00:00:00Z", "2024-03-15T00:00:00Z"),
    ]
    for first, last in windows:
        assert parse_date(last) - parse_date(first) <= paypal.MAX_WINDOW


def test_never_asks_past_now_minus_three_hours(api, client):
    api.route("GET", "/v1/reporting/transactions", (200, {}, search_answer([])))
    list(client.iter_transactions(NOW - timedelta(days=1), NOW, now=NOW))
    (call,) = api.calls("/v1/reporting/transactions")
    assert call.arg("end_date") == "2024-06-01T09:00:00Z"
    api.reset()
    list(client.iter_transactions(NOW - timedelta(hours=2), NOW, now=NOW))
    assert api.requests == []  # the whole range is still inside PayPal's lag
    assert paypal.safe_until(NOW, now=NOW) == NOW - timedelta(hours=3)
    assert paypal.safe_until(NOW - timedelta(days=2), now=NOW) == NOW - timedelta(days=2)


def test_resultset_too_large_halves_the_window_until_it_fits(api, client):
    """The fake holds one transaction per day and refuses, as PayPal does
    beyond 10,000 results, any window holding more than 4."""
    days = [datetime(2024, 5, 1, 12, tzinfo=UTC) + timedelta(days=n) for n in range(10)]
    txns = {day: detail(f"TX{n:015d}", "T0006", "10.00", when=day.strftime("%Y-%m-%dT%H:%M:%S+0000"))
            for n, day in enumerate(days)}  # fmt: skip

    def search(request):
        first, last = parse_date(request.arg("start_date")), parse_date(request.arg("end_date"))
        inside = [txn for day, txn in txns.items() if first <= day <= last]
        if len(inside) > 4:
            return (
                400,
                {},
                {
                    "name": "RESULTSET_TOO_LARGE",
                    "message": "Result set size is greater than the maximum limit. Change the filter criteria and try again.",
                    "debug_id": "f2bd1e1b1a2c9",
                },
            )
        return 200, {}, search_answer(inside)

    api.route("GET", "/v1/reporting/transactions", search)
    got = list(
        client.iter_transactions(datetime(2024, 5, 1, tzinfo=UTC), datetime(2024, 5, 11, tzinfo=UTC), now=NOW)
    )
    assert sorted(d["transaction_info"]["transaction_id"] for d in got) == sorted(
        t["transaction_info"]["transaction_id"] for t in txns.values()
    )
    calls = api.calls("/v1/reporting/transactions")
    assert len(calls) > 1
    spans = [(parse_date(c.arg("start_date")), parse_date(c.arg("end_date"))) for c in calls]
    assert spans[0] == (datetime(2024, 5, 1, tzinfo=UTC), datetime(2024, 5, 11, tzinfo=UTC))
    answered = [
        s for s, c in zip(spans, calls, strict=True) if len([d for d in days if s[0] <= d <= s[1]]) <= 4
    ]
    # the windows that were answered cover the range without overlapping
    answered.sort()
    for (_, end), (start, _) in zip(answered, answered[1:], strict=False):
        assert start == end + timedelta(seconds=1)
    assert answered[0][0] == datetime(2024, 5, 1, tzinfo=UTC) and answered[-1][1] == datetime(
        2024, 5, 11, tzinfo=UTC
    )


def test_a_window_that_cannot_be_halved_is_raised(api, client):
    api.route(
        "GET", "/v1/reporting/transactions", (400, {}, {"name": "RESULTSET_TOO_LARGE", "message": "too many"})
    )
    start = datetime(2024, 5, 1, tzinfo=UTC)
    with pytest.raises(ResultSetTooLarge):
        list(client.iter_transactions(start, start + timedelta(seconds=1), now=NOW))


def test_fetch_activity_gives_lines_and_payouts(api, client):
    reversal = detail("6RV12345AB6789012", "T1101", "50.00", paypal_reference_id="9WD12345AB6789012")
    details = [SALE, REFUND, HOLD, WITHDRAWAL, reversal, DEPOSIT, UNKNOWN]
    api.route("GET", "/v1/reporting/transactions", (200, {}, search_answer(details)))
    start = datetime(2024, 5, 1, tzinfo=UTC)
    got = list(paypal.fetch_activity(client, start, start + timedelta(days=5), now=NOW))
    lines = [payload for kind, payload in got if kind == "settlement_line"]
    payouts = {payload["external_id"]: payload for kind, payload in got if kind == "payout"}
    assert [line["provider_type"] for line in lines] == ["T0006", "T1107", "T1503", "T9999"]
    assert payouts["9WD12345AB6789012"]["status"] == "failed"  # the reversal was read with it
    assert payouts["7DP12345AB6789012"]["direction"] == "debit"
    wallet = sum(Decimal(line["net"]) for line in lines)
    assert wallet == Decimal("96.80") - Decimal("38.84") - Decimal("25.00") - Decimal("1.00")


def test_a_fee_on_a_withdrawal_row_is_booked_in_the_wallet(api, client):
    charged = detail("9WD99999AB6789012", "T0400", "-200.00", "-2.50", bank_reference_id="PPWD-2024-0002")
    api.route("GET", "/v1/reporting/transactions", (200, {}, search_answer([charged])))
    start = datetime(2024, 5, 1, tzinfo=UTC)
    got = list(paypal.fetch_activity(client, start, start + timedelta(days=1), now=NOW))
    (line,) = [payload for kind, payload in got if kind == "settlement_line"]
    (payout,) = [payload for kind, payload in got if kind == "payout"]
    assert (line["family"], line["amount"], line["fee"], line["net"]) == ("fee", "0", "2.50", "-2.50")
    assert (payout["amount"], payout["trace_reference"]) == ("200.00", "PPWD-2024-0002")


def test_wrong_credentials_are_a_clear_permanent_error(api, client):
    api.route(
        "POST",
        "/v1/oauth2/token",
        (401, {}, {"error": "invalid_client", "error_description": "Client Authentication failed"}),
    )
    start = datetime(2024, 5, 1, tzinfo=UTC)
    with pytest.raises(RemoteRejected) as caught:
        list(client.iter_transactions(start, start + timedelta(days=1), now=NOW))
    assert caught.value.code == "paypal.token.invalid_client" and not caught.value.retryable
    assert "Client Authentication failed" in caught.value.message and SECRET not in caught.value.message
    assert api.calls("/v1/reporting/transactions") == []
