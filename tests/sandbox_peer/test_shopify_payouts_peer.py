"""The Shopify sandbox's Shopify Payments side (tests/sandbox/shopify/payments.py):
order transactions on orders, the balance ledger consistent with orders,
refunds, disputes and reserves, the daily payout run (deposit, withdrawal,
failure), and the GraphQL face (``shopifyPaymentsAccount``, search filters,
the 2025-10-only ``externalTraceId``). No sleeping: payouts run up to a
moment given by the test."""

from decimal import Decimal

import pytest
import requests
from sandbox.shopify import DEFAULT_ACCESS_TOKEN, ShopifySandbox
from sandbox.shopify.payments import seed_payouts

PAYOUTS = """
query($query: String, $after: String) {
  shopifyPaymentsAccount {
    balance { amount currencyCode }
    payouts(first: 10, after: $after, query: $query, sortKey: ISSUED_AT) {
      nodes {
        id legacyResourceId status issuedAt transactionType
        net { amount currencyCode }
        summary { chargesGross { amount } chargesFee { amount } refundsFeeGross { amount } }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
}
"""

LINES = """
query($query: String!) {
  shopifyPaymentsAccount {
    balanceTransactions(first: 100, query: $query) {
      nodes {
        id type test transactionDate sourceId sourceType sourceOrderTransactionId adjustmentReason
        amount { amount currencyCode } fee { amount } net { amount }
        associatedOrder { id name } associatedPayout { id status }
        adjustmentsOrders { name }
      }
    }
  }
}
"""


@pytest.fixture
def shop():
    sandbox = ShopifySandbox(seed=False)
    sandbox.add_location("Main Warehouse")
    sandbox.add_product("Tent", [{"sku": "TENT-2", "price": "100.00", "stock": 50}])
    return sandbox


def paid_order(shop, when, quantity=1, gateway="shopify_payments", status="paid"):
    return shop.create_order(
        {
            "created_at": when,
            "lines": [{"sku": "TENT-2", "quantity": quantity}],
            "tax_rate": 0,
            "financial_status": status,
            "gateway": gateway,
        }
    )


def data(shop, document, **variables):
    body = shop.execute(document, variables)
    assert "errors" not in body, body
    return body["data"]


def lines_of(shop, payout_legacy_id):
    account = data(shop, LINES, query=f"payments_transfer_id:{payout_legacy_id}")["shopifyPaymentsAccount"]
    return account["balanceTransactions"]["nodes"]


def test_a_paid_order_has_a_sale_and_a_charge_with_its_fee(shop):
    order = paid_order(shop, "2025-03-03T10:00:00Z")
    (sale,) = shop.transactions_of(order["id"])
    assert (sale["kind"], sale["status"], sale["amount"], sale["gateway"]) == (
        "sale",
        "success",
        "100.00",
        "shopify_payments",
    )
    (charge,) = shop.balance_transactions.values()
    assert charge["type"] == "CHARGE"
    assert charge["fee"] == Decimal("3.20")  # 2.9 % + 0.30
    assert charge["net"] == Decimal("96.80")
    assert charge["order_transaction_id"] == sale["id"]


def test_order_transactions_in_graphql_point_at_their_parent(shop):
    order = paid_order(shop, "2025-03-03T10:00:00Z", status="authorized")
    shop.capture_order(order["id"], "60.00", at="2025-03-03T12:00:00Z")
    shop.refund_order(order["id"], "20.00", at="2025-03-04T09:00:00Z")
    query = """query($id: ID!) { order(id: $id) { displayFinancialStatus transactions(first: 10) {
        id kind status gateway processedAt amountSet { shopMoney { amount currencyCode } }
        parentTransaction { id kind } } } }"""
    node = data(shop, query, id=order["admin_graphql_api_id"])["order"]
    kinds = [(t["kind"], t["amountSet"]["shopMoney"]["amount"]) for t in node["transactions"]]
    assert kinds == [("AUTHORIZATION", "100.0"), ("CAPTURE", "60.0"), ("REFUND", "20.0")]
    authorization, capture, refund = node["transactions"]
    assert capture["parentTransaction"]["id"] == authorization["id"]
    assert refund["parentTransaction"] == {"id": capture["id"], "kind": "CAPTURE"}
    assert node["displayFinancialStatus"] == "PARTIALLY_REFUNDED"
    stored = shop.rest_order(order["id"])
    assert stored["refunds"][0]["transactions"][0]["kind"] == "refund"
    assert "transactions" not in stored  # the REST order (a webhook body) carries none


def test_only_shopify_payments_moves_the_balance(shop):
    paid_order(shop, "2025-03-03T10:00:00Z", gateway="manual")
    paid_order(shop, "2025-03-03T10:00:00Z", gateway="Bank transfer", status="pending")
    assert shop.balance_transactions == {}
    assert len(shop.order_transactions) == 1  # the manual sale; nothing for a pending order


def test_a_daily_payout_sweeps_what_is_available(shop):
    first = paid_order(shop, "2025-03-03T10:00:00Z")
    paid_order(shop, "2025-03-04T10:00:00Z", quantity=2)
    assert shop.run_payouts("2025-03-05T12:00:00Z") == []  # available two days after, at 10:00
    (payout,) = shop.run_payouts("2025-03-06T12:00:00Z")  # the second order: on the 7th
    assert payout["issuedAt"] == "2025-03-06T06:00:00Z"
    assert payout["transactionType"] == "DEPOSIT"
    assert payout["net"] == {"amount": "96.8", "currencyCode": "EUR"}
    assert payout["status"] == "SCHEDULED"
    lines = lines_of(shop, payout["legacyResourceId"])
    assert [line["type"] for line in lines] == ["CHARGE", "TRANSFER"]
    charge, transfer = lines
    assert charge["associatedOrder"] == {"id": first["admin_graphql_api_id"], "name": first["name"]}
    sale = shop.transactions_of(first["id"])[0]
    assert charge["sourceOrderTransactionId"] == str(sale["id"])
    assert charge["associatedPayout"] == {"id": payout["id"], "status": "SCHEDULED"}
    assert transfer["net"]["amount"] == "-96.8" and transfer["sourceId"] == payout["legacyResourceId"]
    shop.run_payouts("2025-03-07T12:00:00Z")
    assert shop.payouts[int(payout["legacyResourceId"])]["status"] == "PAID"


def test_refunds_exceeding_charges_give_a_withdrawal(shop):
    big = paid_order(shop, "2025-03-03T10:00:00Z", quantity=3)
    (deposit,) = shop.run_payouts("2025-03-06T12:00:00Z")
    shop.refund_order(big["id"], at="2025-03-06T13:00:00Z")
    paid_order(shop, "2025-03-06T14:00:00Z")
    (withdrawal,) = shop.run_payouts("2025-03-09T12:00:00Z")
    assert deposit["transactionType"] == "DEPOSIT"
    assert withdrawal["transactionType"] == "WITHDRAWAL"
    assert withdrawal["net"]["amount"] == "-203.2"  # -300 refund + 96.80 charge
    types = sorted(line["type"] for line in lines_of(shop, withdrawal["legacyResourceId"]))
    assert types == ["CHARGE", "REFUND", "TRANSFER"]


def test_a_failed_payout_returns_its_money_to_the_next_one(shop):
    paid_order(shop, "2025-03-03T10:00:00Z")
    shop.fail_next_payout()
    (first,) = shop.run_payouts("2025-03-06T12:00:00Z")
    (retry,) = shop.run_payouts("2025-03-07T12:00:00Z")  # due: fails, its money goes out again
    assert shop.payouts[int(first["legacyResourceId"])]["status"] == "FAILED"
    assert retry["net"]["amount"] == "96.8"
    assert [line["type"] for line in lines_of(shop, retry["legacyResourceId"])] == [
        "TRANSFER_FAILURE",
        "TRANSFER",
    ]


def test_disputes_and_reserves(shop):
    order = paid_order(shop, "2025-03-03T10:00:00Z")
    dispute = shop.open_dispute(order["id"], at="2025-03-04T10:00:00Z")
    shop.hold_reserve("30.00", at="2025-03-04T10:00:00Z")
    shop.resolve_dispute(dispute, won=True, at="2025-03-05T10:00:00Z")
    shop.release_reserve("30.00", at="2025-03-05T11:00:00Z")
    issued = shop.run_payouts("2025-03-08T12:00:00Z")
    lines = [line for payout in issued for line in lines_of(shop, payout["legacyResourceId"])]
    disputes = [
        (line["amount"]["amount"], line["fee"]["amount"]) for line in lines if line["type"] == "DISPUTE"
    ]
    assert disputes == [("-100.0", "15.0"), ("100.0", "0.0")]
    reserves = [line["amount"]["amount"] for line in lines if line["type"] == "RESERVED_FUNDS"]
    assert reserves == ["-30.0", "30.0"]
    assert sum(Decimal(p["net"]["amount"]) for p in issued) == Decimal("96.80") - Decimal("15.00")


def test_every_payout_is_the_sum_of_its_lines(shop):
    result = seed_payouts(shop, start="2025-03-01", days=5)
    assert any(p["transactionType"] == "WITHDRAWAL" for p in result["payouts"])
    for payout in result["payouts"]:
        lines = lines_of(shop, payout["legacyResourceId"])
        nets = sum(Decimal(line["net"]["amount"]) for line in lines if line["type"] != "TRANSFER")
        assert nets == Decimal(payout["net"]["amount"])
        for line in lines:
            assert Decimal(line["amount"]["amount"]) - Decimal(line["fee"]["amount"]) == Decimal(
                line["net"]["amount"]
            )
            if line["sourceOrderTransactionId"]:
                assert int(line["sourceOrderTransactionId"]) in shop.order_transactions


def test_payouts_page_by_page_with_an_issued_at_filter(shop):
    seed_payouts(shop, start="2025-03-01", days=5)
    account = data(shop, PAYOUTS, query="issued_at:>='2025-03-06T00:00:00Z'")["shopifyPaymentsAccount"]
    issued = [p["issuedAt"] for p in account["payouts"]["nodes"]]
    assert issued == sorted(issued) and all(i >= "2025-03-06" for i in issued) and issued
    everything = data(shop, PAYOUTS)["shopifyPaymentsAccount"]["payouts"]["nodes"]
    assert len(everything) > len(issued)


def test_external_trace_id_exists_from_2025_10_only(shop):
    paid_order(shop, "2025-03-03T10:00:00Z")
    shop.run_payouts("2025-03-06T12:00:00Z")
    query = '{"query": "{ shopifyPaymentsAccount { payouts(first: 1) { nodes { id externalTraceId } } } }"}'
    headers = {"X-Shopify-Access-Token": DEFAULT_ACCESS_TOKEN, "Content-Type": "application/json"}
    with shop:
        old = requests.post(
            f"{shop.base_url}/admin/api/2025-01/graphql.json", data=query, headers=headers, timeout=5
        )
        new = requests.post(
            f"{shop.base_url}/admin/api/2025-10/graphql.json", data=query, headers=headers, timeout=5
        )
    assert (
        old.json()["errors"][0]["message"]
        == "Field 'externalTraceId' doesn't exist on type 'ShopifyPaymentsPayout'"
    )
    (node,) = new.json()["data"]["shopifyPaymentsAccount"]["payouts"]["nodes"]
    assert len(node["externalTraceId"]) == 15


def test_state_summarises_the_payments(shop):
    paid_order(shop, "2025-03-03T10:00:00Z")
    state = shop.state()["payments"]
    assert state["balance"] == {"EUR": "96.80"} and state["pending"] == 1


def test_the_control_api_drives_payments_and_payouts(shop):
    order = paid_order(shop, "2025-03-03T10:00:00Z", status="authorized")
    with shop:
        post = lambda path, body: requests.post(f"{shop.base_url}{path}", json=body, timeout=5)  # noqa: E731
        capture = post(
            "/_sandbox/payments",
            {"action": "capture", "order_id": order["id"], "amount": "100.00", "at": "2025-03-03T11:00:00Z"},
        )
        assert capture.status_code == 200 and capture.json()["result"]["kind"] == "capture"
        refund = post(
            "/_sandbox/payments",
            {"action": "refund", "order_id": order["id"], "amount": "30.00", "at": "2025-03-04T11:00:00Z"},
        )
        assert refund.json()["result"]["transactions"][0]["amount"] == "30.00"
        assert (
            post(
                "/_sandbox/payments", {"action": "refund", "order_id": order["id"], "amount": "500"}
            ).status_code
            == 422
        )
        assert post("/_sandbox/payments", {"action": "explode"}).status_code == 422
        answer = post("/_sandbox/payouts", {"until": "2025-03-07T12:00:00Z"}).json()
    assert [p["net"]["amount"] for p in answer["payouts"]] == ["96.8", "-30.0"]


def test_the_demo_history_is_the_same_for_the_same_day():
    from datetime import date

    from sandbox.shopify import DemoShop
    from sandbox.shopify.payments import seed_payout_history

    first = DemoShop(payout_days=0)
    second = DemoShop(payout_days=0)
    one = seed_payout_history(first, 5, today=date(2025, 3, 20))
    two = seed_payout_history(second, 5, today=date(2025, 3, 20))
    assert [o["id"] for o in one["orders"]] == [o["id"] for o in two["orders"]]
    assert [(p["id"], p["net"]) for p in one["payouts"]] == [(p["id"], p["net"]) for p in two["payouts"]]
    assert one["orders"][0]["name"] == "#P250313-01" and one["payouts"]
    later = first.create_order({"lines": [{"sku": "FURN_8888", "quantity": 1}]})
    assert later["id"] > max(o["id"] for o in one["orders"])  # the clock's ids again
    assert DemoShop(payout_days=3).payouts and not DemoShop().payouts  # serve_demo asks for a week


def test_one_payout_per_currency(shop):
    paid_order(shop, "2025-03-03T10:00:00Z")
    shop.create_order(
        {
            "created_at": "2025-03-03T10:30:00Z",
            "currency": "JPY",
            "lines": [{"sku": "TENT-2", "quantity": 1, "price": "15000"}],
            "tax_rate": 0,
            "gateway": "shopify_payments",
        }
    )
    issued = shop.run_payouts("2025-03-06T12:00:00Z")
    assert sorted((p["net"]["currencyCode"], p["net"]["amount"]) for p in issued) == [
        ("EUR", "96.8"),
        ("JPY", "14565.0"),  # 15000 - (435 + 0.30 -> 435): no minor unit
    ]
