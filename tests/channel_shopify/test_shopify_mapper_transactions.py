"""An order's payment transactions in the canonical order (order.v1's
optional ``transactions``): from GraphQL ``Order.transactions``, from a REST
payload that has a ``transactions`` list, absent from a REST webhook body
(which carries none), and read from the sandbox over loopback so that a
partial capture and a refund name their parents by the ids Shopify Payments
balance lines use (``sourceOrderTransactionId``)."""

from decimal import Decimal as D

import pytest

from odoo.addons.channel_shopify.lib import mapper
from odoo.addons.integration_core.lib.exceptions import ValidationFailed


def _money(amount, currency="EUR"):
    money = {"amount": amount, "currencyCode": currency}
    return {"shopMoney": money, "presentmentMoney": dict(money)}


def _graphql_transaction(number, kind, amount, *, status="SUCCESS", parent=None, at="2025-03-03T10:00:00Z"):
    return {
        "id": f"gid://shopify/OrderTransaction/{number}",
        "kind": kind,
        "status": status,
        "gateway": "shopify_payments",
        "test": False,
        "processedAt": at,
        "createdAt": at,
        "amountSet": _money(amount),
        "parentTransaction": {"id": f"gid://shopify/OrderTransaction/{parent}"} if parent else None,
    }


GRAPHQL_TRANSACTIONS = [
    _graphql_transaction(11, "AUTHORIZATION", "100.0"),
    _graphql_transaction(12, "CAPTURE", "60.0", parent=11, at="2025-03-03T12:00:00Z"),
    _graphql_transaction(13, "CAPTURE", "40.0", parent=11, at="2025-03-04T12:00:00Z"),
    _graphql_transaction(14, "REFUND", "25.5", parent=12, at="2025-03-05T09:00:00+01:00"),
    _graphql_transaction(15, "REFUND", "5.0", status="FAILURE", parent=13),
    _graphql_transaction(16, "CHANGE", "0.5"),  # cash change: no payment
    _graphql_transaction(17, "SUGGESTED_REFUND", "1.0"),
]


def test_graphql_transactions_become_canonical(payload, order_validator):
    node = payload("order_graphql.json")
    node["transactions"] = GRAPHQL_TRANSACTIONS
    order = mapper.graphql_order_to_canonical(node)
    assert not list(order_validator.iter_errors(order))
    assert order["transactions"] == [
        {
            "external_id": "11",
            "kind": "authorization",
            "status": "success",
            "gateway": "shopify_payments",
            "amount": D("100.0"),
            "currency": "EUR",
            "processed_at": "2025-03-03T10:00:00Z",
            "parent_id": None,
        },
        {
            "external_id": "12",
            "kind": "capture",
            "status": "success",
            "gateway": "shopify_payments",
            "amount": D("60.0"),
            "currency": "EUR",
            "processed_at": "2025-03-03T12:00:00Z",
            "parent_id": "11",
        },
        {
            "external_id": "13",
            "kind": "capture",
            "status": "success",
            "gateway": "shopify_payments",
            "amount": D("40.0"),
            "currency": "EUR",
            "processed_at": "2025-03-04T12:00:00Z",
            "parent_id": "11",
        },
        {
            "external_id": "14",
            "kind": "refund",
            "status": "success",
            "gateway": "shopify_payments",
            "amount": D("25.5"),
            "currency": "EUR",
            "processed_at": "2025-03-05T08:00:00Z",
            "parent_id": "12",
        },
        {
            "external_id": "15",
            "kind": "refund",
            "status": "failure",
            "gateway": "shopify_payments",
            "amount": D("5.0"),
            "currency": "EUR",
            "processed_at": "2025-03-03T10:00:00Z",
            "parent_id": "13",
        },
    ]


@pytest.mark.parametrize(
    ("shopify", "canonical"),
    [("PENDING", "pending"), ("AWAITING_RESPONSE", "pending"), ("UNKNOWN", "pending"), ("ERROR", "error")],
)
def test_transaction_statuses(payload, shopify, canonical):
    node = payload("order_graphql.json")
    node["transactions"] = [_graphql_transaction(1, "SALE", "10.0", status=shopify)]
    assert mapper.graphql_order_to_canonical(node)["transactions"][0]["status"] == canonical


def test_a_rest_webhook_has_no_transactions_and_the_key_stays_out(payload, order_validator):
    order = mapper.order_to_canonical(payload("order_webhook_modern.json"))
    assert "transactions" not in order
    node = payload("order_graphql.json")
    assert "transactions" not in mapper.graphql_order_to_canonical(node)  # not selected: not known


def test_rest_transactions_map_like_graphql(payload, order_validator):
    order = payload("order_webhook_modern.json")
    order["transactions"] = [
        {
            "id": 11,
            "order_id": order["id"],
            "kind": "authorization",
            "gateway": "shopify_payments",
            "status": "success",
            "amount": "100.00",
            "currency": "EUR",
            "parent_id": None,
            "processed_at": "2025-03-03T11:00:00+01:00",
            "admin_graphql_api_id": "gid://shopify/OrderTransaction/11",
        },
        {
            "id": 12,
            "order_id": order["id"],
            "kind": "capture",
            "gateway": "shopify_payments",
            "status": "success",
            "amount": "60.00",
            "currency": "EUR",
            "parent_id": 11,
            "processed_at": "2025-03-03T13:00:00+01:00",
        },
    ]
    canonical = mapper.order_to_canonical(order)
    assert not list(order_validator.iter_errors(canonical))
    assert [
        (t["external_id"], t["kind"], t["amount"], t["parent_id"], t["processed_at"])
        for t in canonical["transactions"]
    ] == [
        ("11", "authorization", D("100.00"), None, "2025-03-03T10:00:00Z"),
        ("12", "capture", D("60.00"), "11", "2025-03-03T12:00:00Z"),
    ]


def test_bad_transactions_name_their_path(payload):
    node = payload("order_graphql.json")
    node["transactions"] = [_graphql_transaction(1, "SALE", "abc")]
    with pytest.raises(ValidationFailed) as info:
        mapper.graphql_order_to_canonical(node)
    assert info.value.errors[0].startswith("transactions[0].amountSet.shopMoney.amount:")
    node["transactions"] = [dict(_graphql_transaction(1, "SALE", "1.0"), id=None)]
    with pytest.raises(ValidationFailed) as info:
        mapper.graphql_order_to_canonical(node)
    assert info.value.errors == ["transactions[0].id: an order transaction has no id"]
    node["transactions"] = "none"
    with pytest.raises(ValidationFailed) as info:
        mapper.graphql_order_to_canonical(node)
    assert info.value.errors == ["transactions: expected a list, got str"]


def test_partial_capture_and_refund_read_from_the_sandbox(shop, client, order_validator):
    created = shop.create_order(
        {
            "lines": [{"sku": "TRS-42", "quantity": 1}],
            "financial_status": "authorized",
            "gateway": "shopify_payments",
        }
    )
    capture = shop.capture_order(created["id"], "50.00")
    refund = shop.refund_order(created["id"], "20.00")
    order = mapper.graphql_order_to_canonical(client.get_order(created["id"]))
    assert not list(order_validator.iter_errors(order))
    authorization = shop.transactions_of(created["id"])[0]
    assert [(t["external_id"], t["kind"], t["amount"], t["parent_id"]) for t in order["transactions"]] == [
        (str(authorization["id"]), "authorization", D(created["total_price"]), None),
        (str(capture["id"]), "capture", D("50.0"), str(authorization["id"])),
        (str(refund["transactions"][0]["id"]), "refund", D("20.0"), str(capture["id"])),
    ]
    # the balance lines of Shopify Payments name the same ids
    sources = {
        str(bt["order_transaction_id"])
        for bt in shop.balance_transactions.values()
        if bt["order_id"] == created["id"]
    }
    assert sources == {str(capture["id"]), str(refund["transactions"][0]["id"])}
