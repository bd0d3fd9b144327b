"""Shopify Payments payouts (settlement_recon.lib.providers.shopify_payments):
the pure mappers on nodes shaped as shopify.dev documents them, then end to
end against the Shopify sandbox over loopback through channel_shopify's
client (pagination, query cost, throttling and errors included)."""

import copy
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from sandbox.shopify import ShopifySandbox
from sandbox.shopify.payments import seed_payouts

from odoo.addons.channel_shopify.lib import mapper as order_mapper
from odoo.addons.channel_shopify.lib.client import ShopifyClient
from odoo.addons.integration_core.lib import canonical
from odoo.addons.integration_core.lib.exceptions import (
    BusinessRuleError,
    PermanentError,
    RateLimited,
    RemoteRejected,
    RemoteServerError,
    RetryableError,
    ValidationFailed,
)
from odoo.addons.settlement_recon.lib.providers import shopify_payments as sp

PAYOUT_GID = "gid://shopify/ShopifyPaymentsPayout/623721858"


def money(amount, currency="USD"):
    return {"amount": amount, "currencyCode": currency}


def balance_transaction(number, kind, amount, fee="0.0", **extra):
    node = {
        "id": f"gid://shopify/ShopifyPaymentsBalanceTransaction/{number}",
        "type": kind,
        "test": False,
        "transactionDate": "2025-03-03T10:00:00Z",
        "sourceId": str(number + 1000),
        "sourceType": kind if kind in ("CHARGE", "REFUND", "DISPUTE", "ADJUSTMENT") else None,
        "sourceOrderTransactionId": None,
        "adjustmentReason": None,
        "amount": money(amount),
        "fee": money(fee),
        "net": money(str(Decimal(amount) - Decimal(fee))),
        "associatedOrder": None,
        "associatedPayout": {"id": PAYOUT_GID, "status": "PAID"},
        "adjustmentsOrders": [],
    }
    node.update(extra)
    return node


PAYOUT = {
    "id": PAYOUT_GID,
    "legacyResourceId": "623721858",
    "status": "PAID",
    "issuedAt": "2025-03-05T06:00:00Z",
    "transactionType": "DEPOSIT",
    "externalTraceId": "021000021234567",
    "net": money("58.0"),
    "summary": {},
}
ORDER = {"id": "gid://shopify/Order/450789469", "name": "#1001"}
TRANSACTIONS = [
    balance_transaction(
        1, "CHARGE", "100.0", "3.2", sourceOrderTransactionId="389404469", associatedOrder=ORDER
    ),
    balance_transaction(2, "REFUND", "-20.0", sourceOrderTransactionId="389404470", associatedOrder=ORDER),
    balance_transaction(3, "DISPUTE", "-50.0", "15.0", sourceOrderTransactionId="389404469"),
    balance_transaction(4, "DISPUTE", "50.0", sourceOrderTransactionId="389404469"),
    balance_transaction(5, "RESERVED_FUNDS", "-25.0"),
    balance_transaction(6, "RESERVED_FUNDS", "25.0"),
    balance_transaction(
        7,
        "ADJUSTMENT",
        "-3.5",
        adjustmentReason="Shipping label",
        adjustmentsOrders=[{"orderTransactionId": "389404471", "name": "#1002", "amount": money("-3.5")}],
    ),
    balance_transaction(8, "ANOMALY_CREDIT", "-0.3"),  # a type our table does not know
    balance_transaction(9, "TRANSFER", "-58.0", sourceId="623721858", sourceType="TRANSFER"),
]


def test_map_payout_follows_the_contract():
    payout = canonical.validate("payout", sp.map_payout(PAYOUT, TRANSACTIONS))
    assert payout["external_id"] == "623721858"
    assert (payout["status"], payout["direction"], payout["amount"], payout["currency"]) == (
        "paid",
        "credit",
        "58.00",
        "USD",
    )
    assert payout["trace_reference"] == "021000021234567"
    assert payout["created_at"] == "2025-03-05T06:00:00Z"
    assert [line["family"] for line in payout["lines"]] == [
        "charge",
        "refund",
        "dispute",
        "dispute_reversal",
        "reserve_hold",
        "reserve_release",
        "adjustment",
        "unknown",
    ]  # the payout's own TRANSFER is not a line
    assert sum(Decimal(line["net"]) for line in payout["lines"]) == Decimal(payout["amount"])
    charge = dict(payout["lines"][0])
    assert charge.pop("raw") == TRANSACTIONS[0]  # the provider's record, kept for the drill-down
    assert charge == {
        "schema_version": 1,
        "provider": "shopify_payments",
        "external_id": "1",
        "payout_id": "623721858",
        "provider_type": "CHARGE",
        "family": "charge",
        "amount": "100.00",
        "fee": "3.20",
        "net": "96.80",
        "currency": "USD",
        "fee_details": [{"type": "processing_fee", "amount": "3.20"}],
        "presentment_amount": None,
        "presentment_currency": None,
        "exchange_rate": None,
        "order_transaction_id": "389404469",
        "order_ref": "450789469",
        "source_id": "1001",
        "dispute_id": None,
        "availability": "available",
        "created_at": "2025-03-03T10:00:00Z",
        "available_on": None,
        "description": "Order #1001",
    }
    dispute = payout["lines"][2]
    assert (dispute["dispute_id"], dispute["fee_details"]) == (
        "1003",
        [{"type": "chargeback_fee", "amount": "15.00"}],
    )
    adjustment = payout["lines"][6]
    assert (adjustment["order_transaction_id"], adjustment["description"]) == ("389404471", "Shipping label")


def test_a_withdrawal_is_a_debit_whatever_the_sign_shopify_gives():
    for net in ("-12.3", "12.3"):
        node = dict(PAYOUT, transactionType="WITHDRAWAL", net=money(net))
        payout = sp.map_payout(node, [balance_transaction(1, "REFUND", "-12.3")])
        assert (payout["direction"], payout["amount"]) == ("debit", "-12.30")
    without_type = dict(PAYOUT, net=money("-12.3"))
    del without_type["transactionType"]
    assert sp.map_payout(without_type, [])["direction"] == "debit"


def test_zero_decimal_currencies_and_exact_digits():
    line = sp.map_line(
        balance_transaction(1, "CHARGE", "1000.0", "36.0")
        | {"amount": money("1000.0", "JPY"), "fee": money("36.0", "JPY"), "net": money("964.0", "JPY")}
    )
    assert (line["amount"], line["fee"], line["net"]) == ("1000", "36", "964")
    assert sp.decimal_text(Decimal("0.0"), "EUR") == "0.00"
    assert sp.decimal_text(Decimal("-0.0"), "EUR") == "0.00"
    assert sp.decimal_text(Decimal("1.005"), "EUR") == "1.005"  # never rounds Shopify's digits away


def test_a_line_alone_is_a_settlement_line():
    node = balance_transaction(
        1, "CHARGE", "10.0", "0.59", associatedPayout={"id": None, "status": "PENDING"}
    )
    line = canonical.validate("settlement_line", sp.map_line(node))
    assert (line["payout_id"], line["availability"]) == (None, "pending")


def test_unknown_types_are_kept_as_data():
    line = sp.map_line(balance_transaction(1, "SHIPPING_LABEL", "-7.0"))
    assert (line["provider_type"], line["family"]) == ("SHIPPING_LABEL", "unknown")


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (
            lambda nodes: nodes[1]["amount"].update(amount="x"),
            "lines[1].amount.amount: expected a number, got 'x'",
        ),
        (lambda nodes: nodes[0].pop("id"), "lines[0].id: a balance transaction has no id"),
        (lambda nodes: nodes[2].update(type=None), "lines[2].type: a balance transaction has no type"),
        (
            lambda nodes: nodes[0]["net"].update(currencyCode="euro"),
            "lines[0].net.currencyCode: expected a 3-letter",
        ),
        (lambda nodes: nodes.__setitem__(3, "a line"), "lines[3]: expected a JSON object, got str"),
    ],
)
def test_bad_lines_name_their_path(change, error):
    nodes = copy.deepcopy(TRANSACTIONS)
    change(nodes)
    with pytest.raises(ValidationFailed) as info:
        sp.map_payout(PAYOUT, nodes)
    assert info.value.errors[0].startswith(error)


def test_bad_payouts_name_their_path():
    with pytest.raises(ValidationFailed) as info:
        sp.map_payout(dict(PAYOUT, status="LOST"), [])
    assert info.value.errors == ["status: unknown payout status 'LOST'"]
    with pytest.raises(ValidationFailed) as info:
        sp.map_payout(dict(PAYOUT, net={"amount": None}), [])
    assert info.value.errors == ["net.amount: an amount is required"]
    with pytest.raises(ValidationFailed):
        sp.map_payout(None, [])


# ----------------------------------------------------------------------------
# end to end, over loopback
# ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server():
    sandbox = ShopifySandbox(seed=False)
    sandbox.start()
    yield sandbox
    sandbox.stop()


@pytest.fixture
def shop(server):
    server.reset(seed=False)
    server.add_location("Main Warehouse")
    server.add_product(
        "Tent",
        [
            {"sku": "TENT-2", "price": "189.00", "stock": 500},
            {"sku": "TENT-3", "price": "249.00", "stock": 500},
        ],
    )
    server.add_product("Mug", [{"sku": "MUG", "price": "12.50", "stock": 500}])
    yield server
    server.clear_faults()


@pytest.fixture
def make_client(shop):
    clients = []

    def make(api_version="2025-10", **kwargs):
        kwargs.setdefault("timeout", (1.0, 5.0))
        kwargs.setdefault("max_throttle_wait", 0)
        token = kwargs.pop("access_token", shop.access_token)
        client = ShopifyClient(shop.base_url, token, api_version, **kwargs)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


def test_fetch_payouts_end_to_end(shop, make_client):
    seeded = seed_payouts(shop, start="2025-03-01", days=6)
    client = make_client()
    payouts = list(sp.fetch_payouts(client, since="2025-03-01T00:00:00Z"))
    assert [p["external_id"] for p in payouts] == [p["legacyResourceId"] for p in seeded["payouts"]]
    assert {p["direction"] for p in payouts} == {"credit", "debit"}
    families = set()
    for payout in payouts:
        canonical.validate("payout", payout)
        assert sum(Decimal(line["net"]) for line in payout["lines"]) == Decimal(payout["amount"])
        assert payout["trace_reference"] and len(payout["trace_reference"]) == 15
        for line in payout["lines"]:
            assert Decimal(line["amount"]) - Decimal(line["fee"]) == Decimal(line["net"])
            assert line["payout_id"] == payout["external_id"]
            families.add(line["family"])
    assert {
        "charge",
        "refund",
        "dispute",
        "dispute_reversal",
        "reserve_hold",
        "reserve_release",
        "adjustment",
    } <= families


def test_order_transaction_ids_compare_equal_to_the_orders(shop, make_client):
    """The exact-id rule of the matching: a line's order_transaction_id is
    one of its order's canonical transactions' external_id."""
    seed_payouts(shop, start="2025-03-01", days=4)
    client = make_client()
    lines = [line for payout in sp.fetch_payouts(client) for line in payout["lines"] if line["order_ref"]]
    assert lines
    orders = {}
    for line in lines:
        if line["order_ref"] not in orders:
            orders[line["order_ref"]] = order_mapper.graphql_order_to_canonical(
                client.get_order(line["order_ref"])
            )
        transactions = {t["external_id"]: t for t in orders[line["order_ref"]]["transactions"]}
        transaction = transactions[line["order_transaction_id"]]
        expected = {"charge": ("sale", "capture"), "refund": ("refund",)}.get(line["family"])
        if expected:
            assert transaction["kind"] in expected
            assert abs(Decimal(line["amount"])) == transaction["amount"]


def test_without_2025_10_there_is_no_trace_reference(shop, make_client):
    seed_payouts(shop, start="2025-03-01", days=3)
    payouts = list(sp.fetch_payouts(make_client("2025-01")))
    assert payouts and all(p["trace_reference"] is None for p in payouts)


def test_the_overlap_reads_recent_payouts_again(shop, make_client):
    seed_payouts(shop, start="2025-03-01", days=6)
    client = make_client()
    issued = [p["created_at"] for p in sp.fetch_payouts(client)]
    last = issued[-1]
    two_days_before = (datetime.fromisoformat(last[:-1]) - timedelta(days=2)).isoformat() + "Z"
    again = [p["created_at"] for p in sp.fetch_payouts(client, since=last, overlap=timedelta(days=2))]
    assert again == [i for i in issued if i >= two_days_before] and len(again) == 3
    assert [p["created_at"] for p in sp.fetch_payouts(client, since=last, overlap=timedelta(0))] == [last]
    window = list(sp.fetch_payouts(client, since=issued[1], until=issued[2], overlap=timedelta(0)))
    assert [p["created_at"] for p in window] == issued[1:3]


def test_pages_stay_under_the_query_cost_limit(shop, make_client):
    seed_payouts(shop, start="2025-03-01", days=6)
    client = make_client()
    first = len(shop.calls)
    payouts = list(sp.fetch_payouts(client, page_size=2, lines_page_size=3))
    calls = shop.calls[first:]
    assert sum(1 for c in calls if c["operation"] == "shopifyPaymentsAccount") > 3
    assert all(c["status"] == 200 and not c["throttled"] for c in calls)
    assert sum(len(p["lines"]) for p in payouts) > 3 * len(payouts)  # lines over several pages
    start = len(shop.calls)
    list(sp.iter_payout_nodes(client))
    next(iter(sp.payout_transaction_nodes(client, payouts[0]["external_id"])), None)
    payout_call, lines_call = shop.calls[start:]
    assert payout_call["requested_cost"] == 3 + sp.PAYOUTS_PAGE * sp.PAYOUT_NODE_COST
    assert lines_call["requested_cost"] == 3 + sp.LINES_PAGE * sp.BALANCE_TRANSACTION_NODE_COST <= 1000


def test_fetch_one_payout(shop, make_client):
    seeded = seed_payouts(shop, start="2025-03-01", days=3)
    client = make_client()
    wanted = seeded["payouts"][1]
    payout = sp.fetch_payout(client, wanted["id"])
    assert payout["external_id"] == wanted["legacyResourceId"]
    assert payout == sp.fetch_payout(client, wanted["legacyResourceId"])
    assert sp.fetch_payout(client, "999") is None


def test_a_failed_payout_and_its_retry(shop, make_client):
    shop.create_order(
        {
            "created_at": "2025-03-03T10:00:00Z",
            "lines": [{"sku": "MUG", "quantity": 2}],
            "gateway": "shopify_payments",
        }
    )
    shop.fail_next_payout()
    shop.run_payouts("2025-03-07T12:00:00Z")
    failed, retry = sp.fetch_payouts(make_client())
    assert (failed["status"], failed["failure_code"]) == ("failed", "failed")
    assert [line["family"] for line in retry["lines"]] == ["payout"]  # the failed payout's money, again
    assert retry["amount"] == failed["amount"]


def test_errors_are_classified(shop, make_client):
    seed_payouts(shop, start="2025-03-01", days=2)
    client = make_client()
    shop.inject_faults([{"status": 503}])
    with pytest.raises(RemoteServerError) as info:
        list(sp.fetch_payouts(client))
    assert isinstance(info.value, RetryableError)
    shop.bucket.take(shop.bucket.available())  # an empty bucket: THROTTLED in a 200
    with pytest.raises(RateLimited) as info:
        list(sp.fetch_payouts(client))
    assert info.value.retry_after > 0
    shop.bucket.refund(shop.bucket.size)
    with pytest.raises(RemoteRejected) as info:
        list(sp.fetch_payouts(make_client(access_token="shpat_wrong")))
    assert isinstance(info.value, PermanentError)


def test_a_shop_without_shopify_payments(shop, make_client, monkeypatch):
    monkeypatch.setattr(shop, "_v_payments_account", lambda: None)
    with pytest.raises(BusinessRuleError):
        list(sp.fetch_payouts(make_client()))


def test_raw_payloads_map_to_what_fetch_gives(shop, make_client):
    seed_payouts(shop, start="2025-03-01", days=3)
    client = make_client()
    raw = list(sp.iter_raw_payouts(client))
    assert all(isinstance(node, dict) and isinstance(lines, list) for node, lines in raw)
    assert any(line["type"] == "TRANSFER" for _node, lines in raw for line in lines)  # kept as sent
    assert [sp.map_payout(node, lines) for node, lines in raw] == list(sp.fetch_payouts(client))
