"""Mapper contract tests: Shopify payloads -> canonical order v1 (and refund,
product), on Shopify's own samples, on our modern payloads and on the
sandbox's GraphQL answers."""

import copy
import json
from decimal import Decimal as D

import pytest

from odoo.addons.channel_shopify.lib import mapper
from odoo.addons.integration_core.lib import canonical
from odoo.addons.integration_core.lib.exceptions import ValidationFailed


def canonical_total(order):
    """What Odoo will compute from the canonical order (before rounding)."""
    lines = sum(
        line["quantity"] * line["unit_price"] - line.get("discount_amount", D("0.0"))
        for line in order["lines"]
    )
    shipping = sum(ship["price"] for ship in order.get("shipping_lines", []))
    discounts = sum(discount["amount"] for discount in order.get("discounts", []))
    tax = D("0.0") if order["taxes_included"] else order["totals"]["tax"]
    return lines + shipping - discounts + tax


def tax_sum(order):
    return sum(
        tax.get("amount", D("0.0"))
        for item in order["lines"] + order.get("shipping_lines", [])
        for tax in item.get("taxes", [])
    )


def assert_valid(validator, order):
    errors = sorted(validator.iter_errors(order), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


# ----------------------------------------------------------------------------
# Shopify's published samples (old demo data, outside the repo)
# ----------------------------------------------------------------------------


def _fixture(directory, name):
    return json.loads((directory / name).read_text(encoding="utf-8"))


def test_fixture_order_maps_to_valid_canonical(shopify_fixtures_dir, order_validator):
    sample = _fixture(shopify_fixtures_dir, "order.json")
    order = mapper.order_to_canonical(sample)
    assert_valid(order_validator, order)
    assert mapper.order_to_canonical(sample["order"]) == order  # wrapped or bare
    assert order["external_id"] == "450789469"
    assert order["name"] == "#1001"
    assert order["currency"] == "USD"
    assert order["created_at"] == "2008-01-10T16:00:00Z"  # -05:00 in the sample
    assert order["financial_status"] == "authorized"
    assert order["fulfillment_status"] == "unfulfilled"  # REST null: nothing shipped
    assert order["payment_gateways"] == ["authorize_net"]  # no payment_gateway_names: gateway
    assert order["customer"] == {
        "external_id": "207119551",
        "name": "Bob Norman",
        "email": "bob.norman@hostmail.com",
        "phone": "555-625-1199",
        "company": None,
        "vat": None,
    }
    assert order["shipping_address"]["street"] == "Chestnut Street 92"
    assert order["shipping_address"]["street2"] is None  # "" in the sample
    assert order["shipping_address"]["state_code"] == "KY"
    assert [line["sku"] for line in order["lines"]] == ["IPOD2008GREEN", "IPOD2008RED", "IPOD2008BLACK"]
    assert all(line["external_id"].isdigit() for line in order["lines"])
    assert order["shipping_lines"] == [
        {"code": "Free Shipping", "title": "Free Shipping", "price": D("0.0"), "taxes": []}
    ]
    # order.json is internally inconsistent demo data, documented rather than "fixed":
    # - its three lines are 3 x 199.00 = 597.00, but total_line_items_price,
    #   subtotal_price say 398.00 and total_price 409.94 = 398.00 + 11.94;
    # - discount_codes lists TENOFF 10.00 while total_discounts is 0.00: the
    #   mapper trusts Shopify's totals and drops the code (the same order in
    #   orders.json, below, does apply it and is consistent);
    # - the lines carry no tax_lines; the order's "State Tax" 6% is 11.94,
    #   which is 6% of ONE line. The lines get the order's tax title/rate (no
    #   amount) so the tax mapping still applies.
    # The canonical totals are passed through; Odoo's total check will flag
    # such an order, as it should.
    assert order["discounts"] == []
    assert all(line["taxes"] == [{"title": "State Tax", "rate": D("0.06")}] for line in order["lines"])
    assert order["totals"] == {
        "subtotal": D("398.0"),
        "tax": D("11.94"),
        "discount": D("0.0"),
        "total": D("409.94"),
        "shipping": D("0.0"),
    }
    assert canonical_total(order) == (D("597.0") + D("11.94"))  # != 409.94, see above


def test_fixture_orders_listing_without_line_items_is_a_validation_error(shopify_fixtures_dir):
    # orders.json is an abbreviated listing: its order has no line_items.
    # A canonical order needs at least one line, and a real Shopify order
    # always has one, so this is structurally unusable input: ValidationFailed
    # (permanent), never an empty sale order.
    for sample in _fixture(shopify_fixtures_dir, "orders.json")["orders"]:
        assert not sample.get("line_items")
        with pytest.raises(ValidationFailed, match="line_items: no line item"):
            mapper.order_to_canonical(sample)


def test_fixture_orders_listing_completed_with_its_lines_is_consistent(shopify_fixtures_dir, order_validator):
    # The listing's order is order.json's #1001 in a later state (same id):
    # subtotal 597.00, total_discounts 10.00, tax 11.94, total 598.94. With
    # order.json's three lines and its TENOFF code it adds up:
    # 597.00 - 10.00 + 11.94 = 598.94 (this sample's subtotal is before the
    # discount, unlike recent payloads; the mapper passes totals through).
    listing = _fixture(shopify_fixtures_dir, "orders.json")["orders"][0]
    single = _fixture(shopify_fixtures_dir, "order.json")["order"]
    assert listing["id"] == single["id"]
    merged = {**listing, "line_items": single["line_items"], "discount_codes": single["discount_codes"]}
    order = mapper.order_to_canonical(merged)
    assert_valid(order_validator, order)
    assert order["discounts"] == [{"code": "TENOFF", "amount": D("10.0")}]
    assert order["payment_gateways"] == ["bogus"]  # payment_gateway_names wins over gateway
    assert order["financial_status"] == "partially_refunded"
    assert order["totals"]["total"] == D("598.94")
    assert canonical_total(order) == (D("598.94"))


def test_fixture_refund(shopify_fixtures_dir):
    refund = mapper.refund_to_canonical(_fixture(shopify_fixtures_dir, "refund.json"))
    assert refund["external_id"] == "509562969"
    assert refund["order_external_id"] == "450789469"
    assert refund["restock"] is True
    assert refund["note"] == "it broke during shipping"
    # old sample: no subtotal/total_tax per refund line -> derived from the line item
    assert refund["lines"] == [
        {
            "line_external_id": "703073504",
            "sku": "IPOD2008BLACK",
            "quantity": 1,
            "subtotal": D("199.0"),
            "tax": D("3.98"),
            "restock_type": None,
        },
        {
            "line_external_id": "466157049",
            "sku": "IPOD2008GREEN",
            "quantity": 1,
            "subtotal": D("199.0"),
            "tax": D("3.98"),
            "restock_type": None,
        },
    ]
    # demo data: the transaction refunds 209.00, not the 405.96 the lines are worth
    assert refund["amount"] == D("209.0")
    assert refund["currency"] == "USD"


def test_fixture_products_and_variants(shopify_fixtures_dir):
    products = _fixture(shopify_fixtures_dir, "products.json")
    mapped = [mapper.product_to_canonical(product) for product in products]
    assert [p["external_id"] for p in mapped] == [str(p["id"]) for p in products]
    first = mapped[0]
    assert first["name"] == "IPod Nano - 8GB"
    assert first["variants"] == [
        {
            "external_id": "808950810",
            "sku": "IPOD2008PINK",
            "barcode": None,
            "price": D("199.0"),
            "inventory_item_id": None,  # the old samples predate inventory items
            "title": "Pink",
        }
    ]
    variants = _fixture(shopify_fixtures_dir, "variants.json")["variants"]
    product = mapper.product_to_canonical({"id": 632910392, "title": "IPod Nano", "variants": variants})
    assert [v["sku"] for v in product["variants"]] == [v["sku"] for v in variants]
    for each in [*mapped, product]:
        assert canonical.iter_errors("product", each) == []


# ----------------------------------------------------------------------------
# our own modern payloads (inside the repo)
# ----------------------------------------------------------------------------


def test_modern_webhook_order(payload, order_validator):
    order = mapper.order_to_canonical(payload("order_webhook_modern.json"))
    assert_valid(order_validator, order)
    assert order["external_id"] == "5880201658531"
    assert order["updated_at"] == "2024-05-14T17:21:39Z"
    assert order["tags"] == ["wholesale", "priority"]
    assert order["note"] == "Please leave at the front desk."
    assert order["customer"]["name"] == "Ada Lovelace"
    assert order["customer"]["external_id"] == "7045532876963"
    assert order["customer"]["phone"] == "+15035550100"
    assert order["customer"]["company"] == "Analytical Engines Ltd"
    assert order["billing_address"] == {
        "name": "Ada Lovelace",
        "company": "Analytical Engines Ltd",
        "street": "12 Market Street",
        "street2": "Suite 4",
        "city": "Portland",
        "zip": "97201",
        "state_code": "OR",
        "country_code": "US",
        "phone": "+1 503 555 0100",
        "email": None,
    }
    shoe, shirt = order["lines"]
    assert shoe == {
        "external_id": "14795562287267",
        "product_external_id": "8011342561443",
        "variant_external_id": "44391224901795",
        "sku": "TRS-42",
        "barcode": None,
        "name": "Trail Runner Shoe - 42",
        "quantity": 2,
        "unit_price": D("89.9"),
        "discount_amount": D("17.98"),  # from discount_allocations, not total_discount (0.00)
        "taxes": [
            {"title": "OR State Tax", "rate": D("0.06"), "amount": D("9.71")},
            {"title": "Multnomah County Tax", "rate": D("0.01"), "amount": D("1.62")},
        ],
    }
    assert shirt["discount_amount"] == D("3.9")
    # the SPRING10 code is fully allocated to the lines: no order-level discount line
    assert order["discounts"] == []
    assert order["shipping_lines"] == [
        {
            "code": "Standard",
            "title": "Standard Shipping",
            "price": D("7.5"),
            "taxes": [{"title": "OR State Tax", "rate": D("0.06"), "amount": D("0.45")}],
        }
    ]
    assert order["totals"] == {
        "subtotal": D("196.92"),
        "tax": D("14.24"),
        "discount": D("21.88"),
        "total": D("218.66"),
        "shipping": D("7.5"),
    }
    assert canonical_total(order) == (D("218.66"))
    assert tax_sum(order) == (order["totals"]["tax"])


def test_pos_order_taxes_included_without_customer(payload, order_validator):
    order = mapper.order_to_canonical(payload("order_pos_taxes_included.json"))
    assert_valid(order_validator, order)
    assert order["taxes_included"] is True
    assert order["location_code"] == "71234568355"
    assert order["payment_gateways"] == ["cash"]
    assert order["fulfillment_status"] == "fulfilled"
    assert order["billing_address"] is None and order["shipping_address"] is None
    assert order["customer"] == {
        "external_id": None,
        "name": "Guest (#1043)",
        "email": None,
        "phone": None,
        "company": None,
        "vat": None,
    }
    assert order["created_at"] == "2024-05-15T14:05:12Z"
    assert canonical_total(order) == (D("49.0"))
    assert tax_sum(order) == (D("7.82"))


def test_money_bags_win_over_plain_fields(payload):
    # recent payloads carry both; the shop_money of the bag is authoritative
    data = payload("order_webhook_modern.json")
    data["total_price"] = "0.00"
    data["line_items"][0]["price"] = "1.00"
    order = mapper.order_to_canonical(data)
    assert order["totals"]["total"] == D("218.66")
    assert order["lines"][0]["unit_price"] == D("89.9")


def test_order_level_discount_without_allocations(payload, order_validator):
    # an older payload shape: no discount_allocations, the code only at order level
    data = payload("order_webhook_modern.json")
    for line in data["line_items"]:
        line.pop("discount_allocations")
    order = mapper.order_to_canonical(data)
    assert_valid(order_validator, order)
    assert [line["discount_amount"] for line in order["lines"]] == [D("0.0"), D("0.0")]
    assert order["discounts"] == [{"code": "SPRING10", "amount": D("21.88")}]
    assert canonical_total(order) == (D("218.66"))


def test_legacy_total_discount_when_no_allocations(payload):
    data = payload("order_webhook_modern.json")
    line = data["line_items"][0]
    line.pop("discount_allocations")
    line.pop("total_discount_set")
    line["total_discount"] = "17.98"
    order = mapper.order_to_canonical(data)
    assert order["lines"][0]["discount_amount"] == D("17.98")
    # 21.88 total - 17.98 on the line - 3.90 allocated on the shirt: nothing left
    assert order["discounts"] == []


def test_shipping_discount_allocation_nets_the_shipping_price(payload, order_validator):
    data = payload("order_webhook_modern.json")
    data["shipping_lines"][0]["discount_allocations"] = [{"amount": "7.50", "amount_set": None}]
    order = mapper.order_to_canonical(data)
    assert_valid(order_validator, order)
    assert order["shipping_lines"][0]["price"] == D("0.0")
    assert order["totals"]["shipping"] == D("0.0")


def test_cancelled_order_and_location(payload):
    data = payload("order_webhook_modern.json")
    data["cancelled_at"] = "2024-05-15T08:00:00-07:00"
    data["location_id"] = 71234535587
    order = mapper.order_to_canonical(data)
    assert order["cancelled_at"] == "2024-05-15T15:00:00Z"
    assert order["location_code"] == "71234535587"


def test_customer_name_fallbacks(payload):
    data = payload("order_webhook_modern.json")
    data["customer"] = {"id": 1, "first_name": None, "last_name": None, "email": "x@example.com"}
    assert mapper.order_to_canonical(data)["customer"]["name"] == "Ada Lovelace"  # billing name
    data["billing_address"] = data["shipping_address"] = None
    assert mapper.order_to_canonical(data)["customer"]["name"] == "x@example.com"
    data["customer"] = {"id": 1}
    data["email"] = None
    data["contact_email"] = None
    assert mapper.order_to_canonical(data)["customer"]["name"] == "Shopify customer 1"


def test_zero_quantity_lines_are_skipped(payload):
    data = payload("order_webhook_modern.json")
    data["line_items"][1]["quantity"] = 0
    assert len(mapper.order_to_canonical(data)["lines"]) == 1


@pytest.mark.parametrize(
    "breakage, message",
    [
        (lambda d: d.pop("id"), "id: the order has no id"),
        (lambda d: d.update(line_items=[]), "line_items: no line item"),
        (lambda d: d.update(currency=None), "currency: expected a 3-letter currency code, got None"),
        (lambda d: d["line_items"][0].pop("id"), r"line_items\[0\]\.id: a line item .* has no id"),
        (
            lambda d: d["line_items"][0].update(price="abc", price_set=None),
            r"line_items\[0\]\.price: expected a number, got 'abc'",
        ),
        (lambda d: d.update(updated_at="yesterday"), "updated_at: expected an ISO 8601 date-time"),
    ],
    ids=["no-id", "no-lines", "no-currency", "line-without-id", "bad-price", "bad-timestamp"],
)
def test_unusable_orders_raise_validation_failed(payload, breakage, message):
    data = payload("order_webhook_modern.json")
    breakage(data)
    with pytest.raises(ValidationFailed, match=message) as info:
        mapper.order_to_canonical(data)
    assert info.value.category == "validation"


def test_non_object_input_is_a_validation_error():
    with pytest.raises(ValidationFailed, match=r"\(root\): expected a JSON object, got list"):
        mapper.order_to_canonical(["not", "an", "order"])
    with pytest.raises(ValidationFailed, match="got null"):
        mapper.graphql_order_to_canonical(None)


def test_mapper_does_not_modify_its_input(payload):
    data = payload("order_webhook_modern.json")
    before = copy.deepcopy(data)
    mapper.order_to_canonical(data)
    assert data == before


def test_modern_refund(payload):
    refund = mapper.refund_to_canonical({"refund": payload("refund_modern.json")})
    assert refund == {
        "external_id": "929361463459",
        "order_external_id": "5880201658531",
        "created_at": "2024-05-20T16:14:03Z",
        "note": "Size too small",
        "restock": True,  # restock_type "return"
        "lines": [
            {
                "line_external_id": "14795562287267",
                "sku": "TRS-42",
                "quantity": 1,
                "subtotal": D("80.91"),
                "tax": D("5.66"),
                "restock_type": "return",
            }
        ],
        "amount": D("86.57"),  # the failed transaction does not count
        "currency": "USD",
    }


def test_refund_without_ids_is_a_validation_error():
    with pytest.raises(ValidationFailed, match="order_id: the refund names no order"):
        mapper.refund_to_canonical({"id": 1})


def test_graphql_order_payload(payload, order_validator):
    # a GraphQL Order node as the sandbox answers ShopifyOrder (discount code
    # allocated to lines, two tax rates, a shipping line with tax)
    order = mapper.graphql_order_to_canonical(payload("order_graphql.json"))
    assert_valid(order_validator, order)
    assert canonical.validate("order", order) is order
    assert order["external_id"] == "5100000035"
    assert order["updated_at"] == "2024-05-16T09:31:05Z"
    assert order["customer"]["external_id"] == "5100000036"
    assert order["billing_address"]["street"] == "Hauptstraße 1"
    assert [line["quantity"] for line in order["lines"]] == [2, 1, 3]
    assert order["discounts"] == []
    assert abs(canonical_total(order) - order["totals"]["total"]) <= D("0.005")
    assert abs(tax_sum(order) - order["totals"]["tax"]) <= D("0.005")


def test_products_validate_against_product_v1(payload):
    # product.v1 requires schema_version, which the mapper did not give
    for name in ("product_webhook_modern.json", "product_graphql.json"):
        product = mapper.product_to_canonical(payload(name))
        assert product["schema_version"] == 1
        assert canonical.validate("product", product) is product


def test_product_rest_and_graphql_shapes_agree(payload):
    rest = mapper.product_to_canonical(payload("product_webhook_modern.json"))
    graphql = mapper.product_to_canonical(payload("product_graphql.json"))
    assert rest == graphql
    assert rest["variants"][0] == {
        "external_id": "44391224901795",
        "sku": "TRS-42",
        "barcode": "4006381333931",
        "price": D("89.9"),
        "inventory_item_id": "46488812781731",
        "title": "42",
    }


# ----------------------------------------------------------------------------
# GraphQL node vs REST payload of the same order (through the sandbox)
# ----------------------------------------------------------------------------


def _without_barcodes(order):
    # REST line items carry no barcode; the GraphQL query reads it from the
    # variant. Everything else must be identical.
    order = copy.deepcopy(order)
    for line in order["lines"]:
        line["barcode"] = None
    return order


def test_graphql_and_rest_give_the_same_canonical_order(shop, client, order_validator):
    shop.create_order(
        {
            "customer": {"first_name": "Grace", "last_name": "Hopper", "email": "grace@example.com"},
            "lines": [
                {"sku": "TRS-43", "quantity": 2, "discount": "5.00"},
                {"sku": "MTS-S", "quantity": 1},
                {"sku": "SWB-750", "quantity": 3, "tax_rate": "0.07"},
            ],
            "discount_code": {"code": "WELCOME", "amount": "12.00"},
            "shipping": {"title": "Express", "price": "9.90"},
            "tags": "b2b, rush",
            "note": "Ring twice",
        }
    )
    nodes = list(client.iter_orders())
    assert len(nodes) == 4
    for node in nodes:
        from_graphql = mapper.graphql_order_to_canonical(node)
        from_rest = mapper.order_to_canonical(shop.rest_order(from_graphql["external_id"]))
        assert_valid(order_validator, from_graphql)
        # the REST order (a webhook body) carries no transactions: the GraphQL fetch adds them
        assert [t["kind"] for t in from_graphql.pop("transactions")] == ["sale"]
        assert _without_barcodes(from_graphql) == from_rest
        assert abs(canonical_total(from_graphql) - from_graphql["totals"]["total"]) <= D("0.005")
        assert abs(tax_sum(from_graphql) - from_graphql["totals"]["tax"]) <= D("0.005")
    rich = mapper.graphql_order_to_canonical(nodes[-1])
    assert rich["lines"][0]["barcode"] == "4006381333948"
    assert rich["lines"][0]["discount_amount"] > D("5.0")  # manual line discount + share of WELCOME
    assert rich["discounts"] == []
    assert rich["tags"] == ["b2b", "rush"]


def test_graphql_and_rest_agree_on_shopify_sample(shopify_fixtures_dir, shop, client):
    sample = _fixture(shopify_fixtures_dir, "order.json")["order"]
    shop.add_rest_order(sample)
    node = client.get_order(sample["id"])
    from_graphql = mapper.graphql_order_to_canonical(node)
    assert from_graphql.pop("transactions") == []  # a sample stored as is has none
    assert from_graphql == mapper.order_to_canonical(sample)


def test_graphql_and_rest_product(shop, client):
    for node in client.iter_products():
        product = mapper.product_to_canonical(node)
        assert product == mapper.product_to_canonical(shop.rest_product(node["legacyResourceId"]))
        assert canonical.iter_errors("product", product) == []
