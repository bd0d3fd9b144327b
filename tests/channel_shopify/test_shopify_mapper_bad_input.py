"""Bad input reaches the mappers as ValidationFailed naming the field's path
(it used to end as AttributeError, OverflowError, TypeError: "internal
errors"). Each test starts from a valid payload and breaks one thing."""

import pytest

from odoo.addons.channel_shopify.lib import mapper
from odoo.addons.integration_core.lib.exceptions import ValidationFailed


def errors_of(function, data):
    with pytest.raises(ValidationFailed) as info:
        function(data)
    assert info.value.category == "validation"
    assert info.value.message == "Invalid payload: " + "; ".join(info.value.errors)
    return info.value.errors


def test_line_items_string_is_validation_error_with_path(payload):
    order = payload("order_webhook_modern.json")
    order["line_items"] = "[{'id': 1}]"
    assert errors_of(mapper.order_to_canonical, order) == ["line_items: expected a list, got str"]
    # wrapped in {"order": ...}, the path says so
    assert errors_of(mapper.order_to_canonical, {"order": order}) == [
        "order.line_items: expected a list, got str"
    ]
    order = payload("order_webhook_modern.json")
    order["line_items"][1] = "a line"
    assert errors_of(mapper.order_to_canonical, order) == ["line_items[1]: expected a JSON object, got str"]
    node = payload("order_graphql.json")
    node["lineItems"]["nodes"] = "none"
    assert errors_of(mapper.graphql_order_to_canonical, node) == ["lineItems.nodes: expected a list, got str"]


@pytest.mark.parametrize(
    "quantity,problem",
    [
        (1e308, "1e+308 is out of range (the limit is 1,000,000,000 in absolute value)"),
        ("1e308", "'1e308' is out of range (the limit is 1,000,000,000 in absolute value)"),
        (10**12, "1000000000000 is out of range (the limit is 1,000,000,000 in absolute value)"),
        (float("nan"), "expected a finite number, got nan"),
        ("abc", "expected a number, got 'abc'"),
        (-2, "expected a number of at least 0, got -2"),
    ],
)
def test_huge_quantity_is_validation_error(payload, quantity, problem):
    order = payload("order_webhook_modern.json")
    order["line_items"][1]["quantity"] = quantity
    assert errors_of(mapper.order_to_canonical, order) == [f"line_items[1].quantity: {problem}"]
    node = payload("order_graphql.json")
    node["lineItems"]["nodes"][2]["quantity"] = quantity
    assert errors_of(mapper.graphql_order_to_canonical, node) == [f"lineItems.nodes[2].quantity: {problem}"]
    refund = payload("refund_modern.json")
    refund["refund_line_items"][0]["quantity"] = quantity
    assert errors_of(mapper.refund_to_canonical, refund) == [f"refund_line_items[0].quantity: {problem}"]


@pytest.mark.parametrize(
    "value,problem",
    [
        ("yesterday", "expected an ISO 8601 date-time, got 'yesterday'"),
        ("2024-02-30T10:00:00Z", "expected an ISO 8601 date-time, got '2024-02-30T10:00:00Z'"),
        ("0001-01-01T00:00:00+05:00", "expected an ISO 8601 date-time, got '0001-01-01T00:00:00+05:00'"),
        (1715707299, "expected a string, got int"),
        ({"date": "2024-05-14"}, "expected a string, got dict"),
    ],
)
def test_updated_at_not_a_date_is_validation_error(payload, value, problem):
    order = payload("order_webhook_modern.json")
    order["updated_at"] = value
    assert errors_of(mapper.order_to_canonical, order) == [f"updated_at: {problem}"]
    node = payload("order_graphql.json")
    node["updatedAt"] = value
    assert errors_of(mapper.graphql_order_to_canonical, node) == [f"updatedAt: {problem}"]
    for field in ("created_at", "cancelled_at"):
        order = payload("order_webhook_modern.json")
        order[field] = value
        assert errors_of(mapper.order_to_canonical, order) == [f"{field}: {problem}"]
    refund = payload("refund_modern.json")
    refund["created_at"] = value
    assert errors_of(mapper.refund_to_canonical, refund) == [f"created_at: {problem}"]
    refund = payload("refund_modern.json")
    refund["created_at"] = None
    refund["processed_at"] = value
    assert errors_of(mapper.refund_to_canonical, refund) == [f"processed_at: {problem}"]


def _set(data, path, value):
    """Set ``data[path[0]][path[1]]... = value`` and return ``data``."""
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return data


@pytest.mark.parametrize(
    "function,sample,path,value,expected",
    [
        (mapper.order_to_canonical, "order_webhook_modern.json", ("customer",), "Ada", "customer: expected an object, got str"),
        (mapper.order_to_canonical, "order_webhook_modern.json", ("billing_address", "city"), ["Portland"], "billing_address.city: expected a string, got list"),
        (mapper.order_to_canonical, "order_webhook_modern.json", ("id",), 5.5, "id: expected an id (a string or an integer), got float"),
        (mapper.order_to_canonical, "order_webhook_modern.json", ("note",), {"text": "hi"}, "note: expected a string, got dict"),
        (mapper.order_to_canonical, "order_webhook_modern.json", ("tags",), ["vip", 3], "tags[1]: expected a string, got int"),
        (mapper.order_to_canonical, "order_webhook_modern.json", ("taxes_included",), "no", "taxes_included: expected true or false, got 'no'"),
        (mapper.order_to_canonical, "order_webhook_modern.json", ("total_price_set", "shop_money", "amount"), "Infinity", "total_price_set.shop_money.amount: expected a finite number, got 'Infinity'"),
        (mapper.order_to_canonical, "order_webhook_modern.json", ("line_items", 0, "price_set"), "89.90", "line_items[0].price_set: expected an object, got str"),
        (mapper.order_to_canonical, "order_webhook_modern.json", ("line_items", 0, "tax_lines", 1, "rate"), "1%", "line_items[0].tax_lines[1].rate: expected a number, got '1%'"),
        (mapper.order_to_canonical, "order_webhook_modern.json", ("line_items", 0, "discount_allocations"), [{"amount": "9e11"}, {"amount": "9e11"}], "line_items[0]: the sum of the discount allocations is out of range (1800000000000.00)"),
        (mapper.order_to_canonical, "order_webhook_modern.json", ("currency",), "€UR", "currency: expected a 3-letter currency code, got '€UR'"),
        (mapper.order_to_canonical, "order_webhook_modern.json", ("email",), "ada\x00@example.com", "email: the text contains a NUL character"),
        (mapper.graphql_order_to_canonical, "order_graphql.json", ("customer", "id"), ["gid://shopify/Customer/1"], "customer.id: expected an id (a string or an integer), got list"),
        (mapper.graphql_order_to_canonical, "order_graphql.json", ("shippingLines",), "Express", "shippingLines: expected a list, got str"),
        (mapper.graphql_order_to_canonical, "order_graphql.json", ("taxLines", 0, "priceSet", "shopMoney"), "40.81", "taxLines[0].priceSet.shopMoney: expected an object, got str"),
        (mapper.graphql_order_to_canonical, "order_graphql.json", ("totalPriceSet", "shopMoney", "amount"), -1e13, "totalPriceSet.shopMoney.amount: -10000000000000.0 is out of range (the limit is 1,000,000,000,000 in absolute value)"),
        (mapper.refund_to_canonical, "refund_modern.json", ("transactions", 0), "86.57", "transactions[0]: expected a JSON object, got str"),
        (mapper.refund_to_canonical, "refund_modern.json", ("refund_line_items", 0, "line_item", "price"), None, None),
        (mapper.refund_to_canonical, "refund_modern.json", ("restock",), "yes", "restock: expected true or false, got 'yes'"),
        (mapper.product_to_canonical, "product_webhook_modern.json", ("variants",), "42", "variants: expected a list, got str"),
        (mapper.product_to_canonical, "product_webhook_modern.json", ("variants",), [], "variants: a product has at least one variant"),
        (mapper.product_to_canonical, "product_webhook_modern.json", ("variants", 0, "price"), "1e400", "variants[0].price: '1e400' is out of range (the limit is 1,000,000,000,000 in absolute value)"),
        (mapper.product_to_canonical, "product_graphql.json", ("variants", "nodes", 0, "inventoryItem"), "46488812781731", "variants.nodes[0].inventoryItem: expected an object, got str"),
    ],
)  # fmt: skip
def test_bad_values_name_their_path(payload, function, sample, path, value, expected):
    data = _set(payload(sample), path, value)
    if expected is None:  # a harmless change: still maps
        function(data)
        return
    assert errors_of(function, data) == [expected]


def test_computed_refund_amounts_are_bounded(payload):
    # old payloads have no subtotal: it is derived from the line item
    refund = payload("refund_modern.json")
    item = refund["refund_line_items"][0]
    del item["subtotal"], item["subtotal_set"]
    item["quantity"] = 999_999_999
    item["line_item"]["quantity"] = 999_999_999
    item["line_item"]["price_set"] = None
    item["line_item"]["price"] = "999999999999"
    assert errors_of(mapper.refund_to_canonical, refund) == [
        "refund_line_items[0]: the refunded subtotal is out of range (999999998999000000001.00)"
    ]


def test_internal_errors_stay_for_real_bugs(payload, monkeypatch):
    # the mappers only turn bad *input* into ValidationFailed, they do not hide bugs
    def broken(*args, **kwargs):
        raise KeyError("bug")

    monkeypatch.setattr(mapper, "_canonical_customer", broken)
    with pytest.raises(KeyError):
        mapper.order_to_canonical(payload("order_webhook_modern.json"))
