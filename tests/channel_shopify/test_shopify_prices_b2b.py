"""Prices out and B2B, the plain part: lib/prices.py, lib/b2b.py, the
client's price and company calls against the sandbox, and B2B orders
through the mapper."""

from decimal import Decimal

import pytest
from sandbox.shopify.demo import DEMO_WHOLESALE_COMPANY, DemoShop

from odoo.addons.channel_shopify.lib import b2b, mapper, queries
from odoo.addons.channel_shopify.lib import prices as plain
from odoo.addons.channel_shopify.lib.client import ShopifyClient
from odoo.addons.channel_shopify.lib.gid import from_gid
from odoo.addons.integration_core.lib import canonical
from odoo.addons.integration_core.lib.exceptions import MappingError, RemoteRejected


def item(variant, product="1", price="10.00", compare=None, currency="EUR"):
    return plain.VariantPrice(
        variant_id=str(variant),
        product_id=str(product),
        price=Decimal(price),
        compare_at=Decimal(compare) if compare is not None else None,
        currency=currency,
    )


# ----------------------------------------------------------------------------
# lib/prices.py
# ----------------------------------------------------------------------------


def test_price_hash_changes_with_price_compare_at_and_currency():
    base = plain.price_hash(Decimal("10.00"), None, "EUR")
    assert base == plain.price_hash(Decimal("10.00"), None, "EUR")
    assert base != plain.price_hash(Decimal("10.01"), None, "EUR")
    assert base != plain.price_hash(Decimal("10.00"), Decimal("12.00"), "EUR")
    assert base != plain.price_hash(Decimal("10.00"), None, "CHF")


def test_quantize_and_compare_at():
    assert plain.quantize(80.905) == Decimal("80.91")
    assert plain.quantize("1234.5", 0) == Decimal("1235")
    assert plain.compare_at(Decimal("10"), Decimal("12")) == Decimal("12")
    assert plain.compare_at(Decimal("10"), Decimal("10")) is None  # not above: cleared
    assert plain.compare_at(Decimal("10"), None) is None


def test_refusals_negative_and_currency():
    assert plain.refusal(item(1)) is None
    assert plain.refusal(item(1, price="-1.00"))[0] == plain.REFUSED_NEGATIVE
    assert plain.refusal(item(1, compare="-2.00"))[0] == plain.REFUSED_NEGATIVE
    code, words = plain.refusal(item(1, currency="CHF"), {"EUR", "USD"})
    assert code == plain.REFUSED_CURRENCY and "CHF" in words


def test_variant_batches_one_call_per_product_at_most_250():
    items = [item(v, product=v // 300) for v in range(600)]
    batches = plain.variant_batches(items)
    assert [len(batch) for _product, batch in batches] == [250, 50, 250, 50]
    assert {product for product, _batch in batches} == {"0", "1"}
    products = {str(v) for v in range(1000)}
    assert len(plain.variant_batches([item(v, product=v) for v in products])) == 1000


def test_fixed_price_batches_and_inputs():
    items = [item(v, product=v % 7, currency="CHF") for v in range(520)]
    batches = plain.fixed_price_batches(items)
    assert [len(batch) for batch in batches] == [250, 250, 20]
    value = plain.fixed_price_input(item(5, price="9.50", compare="12.00", currency="CHF"))
    assert value == {
        "variantId": "gid://shopify/ProductVariant/5",
        "price": {"amount": "9.50", "currencyCode": "CHF"},
        "compareAtPrice": {"amount": "12.00", "currencyCode": "CHF"},
    }
    assert plain.variant_input(item(5, price="9.50")) == {
        "id": "gid://shopify/ProductVariant/5",
        "price": "9.50",
        "compareAtPrice": None,
    }


def test_refused_inputs_read_field_paths():
    errors = [
        {"code": "NEGATIVE_PRICE_VALUE", "field": ["variants", "3", "price"], "message": "negative"},
        {"code": "PRODUCT_DOES_NOT_EXIST", "field": ["productId"], "message": "gone"},
    ]
    refused = plain.refused_inputs(errors, "variants")
    assert refused[3][0] == "NEGATIVE_PRICE_VALUE"
    assert refused[None][0] == "PRODUCT_DOES_NOT_EXIST"


# ----------------------------------------------------------------------------
# the client against the sandbox
# ----------------------------------------------------------------------------


def test_update_variant_prices_partial_and_refusals(shop, client):
    variant = next(v for v in shop.variants.values() if v["sku"] == "TRS-42")
    other = next(v for v in shop.variants.values() if v["sku"] == "TRS-43")
    refused = client.update_variant_prices(
        variant["product_id"],
        [
            plain.variant_input(item(variant["id"], price="79.00", compare="89.90")),
            plain.variant_input(item(other["id"], price="-1.00")),
        ],
    )
    assert list(refused) == [1] and refused[1][0] == "NEGATIVE_PRICE_VALUE"
    assert shop.variant_price(variant["id"]) == ("79.00", "89.90")
    assert shop.variant_price(other["id"])[0] == "89.90"
    # another product's variant, a variant that does not exist
    refused = client.update_variant_prices(
        variant["product_id"], [{"id": "gid://shopify/ProductVariant/1", "price": "1"}]
    )
    assert refused[0][0] == "PRODUCT_VARIANT_DOES_NOT_EXIST"


def test_fixed_prices_refused_ones_left_out_the_rest_sent_again(shop, client):
    market = shop.add_market("Switzerland", "CHF")
    variants = sorted(shop.variants)
    prices = [plain.fixed_price_input(item(v, currency="CHF", price="20.00")) for v in variants[:3]]
    prices.append(plain.fixed_price_input(item(1, currency="CHF")))  # no such variant
    prices.append(plain.fixed_price_input(item(variants[3], currency="EUR")))  # wrong currency
    calls, refused = client.add_fixed_prices(market["price_list_id"], prices)
    assert calls == 2
    assert {index: code for index, (code, _message) in refused.items()} == {
        3: "VARIANT_NOT_FOUND",
        4: "PRICE_LIST_CURRENCY_MISMATCH",
    }
    assert shop.fixed_price(market["price_list_id"], variants[0])["price"] == "20.00"
    # priceListFixedPricesUpdate when fixed prices go
    calls, refused = client.add_fixed_prices(
        market["price_list_id"], [plain.fixed_price_input(item(variants[1], currency="CHF"))], [variants[0]]
    )
    assert (calls, refused) == (1, {})
    assert shop.fixed_price(market["price_list_id"], variants[0]) is None
    assert shop.calls[-1]["operation"] == "priceListFixedPricesUpdate"


def test_markets_and_currencies(shop, client):
    shop.add_market("Switzerland", "CHF")
    shop.enable_currency("SEK", False)
    markets = client.markets()
    assert [(m["name"], m["priceList"]["currency"]) for m in markets] == [("Switzerland", "CHF")]
    assert client.shop_currencies() == {"CHF": True, "EUR": True, "SEK": False}


def test_variant_batches_need_one_call_per_product(shop):
    """40 products of 5 variants: 40 productVariantsBulkUpdate calls, within
    the bucket (Shopify Plus: 20,000 points, 1,000/s); scripts/bench-shopify-prices
    does the same with 10,000 variants."""
    shop.bucket.size = 20000
    shop.bucket.restore_rate = 1000
    shop.bucket.refund(20000)
    products = [
        shop.add_product(f"P{p}", [{"title": str(v), "sku": f"P{p}-{v}", "price": "10"} for v in range(5)])
        for p in range(40)
    ]
    items = [item(v["id"], product=p["id"], price="12.50") for p in products for v in p["variants"]]
    with ShopifyClient(shop.base_url, shop.access_token, shop.api_version, max_throttle_wait=5) as client:
        calls = 0
        for product_id, batch in plain.variant_batches(items):
            assert client.update_variant_prices(product_id, [plain.variant_input(i) for i in batch]) == {}
            calls += 1
    assert calls == 40
    assert all(shop.variant_price(i.variant_id)[0] == "12.50" for i in items)


# ----------------------------------------------------------------------------
# lib/b2b.py and the company calls
# ----------------------------------------------------------------------------

SNAPSHOT = {
    "id": 7,
    "name": "Wholesale Desks GmbH",
    "ref": "C-0042",
    "comment": None,
    "payment_days": 30,
    "addresses": [
        {
            "id": 8,
            "name": "Depot Köln",
            "street": "Hafenstraße 1",
            "city": "Köln",
            "zip": "50668",
            "country_code": "DE",
        }
    ],
    "contacts": [
        {"id": 9, "name": "Grace Brewster Hopper", "email": "Grace@Example.com", "function": "Buyer"}
    ],
}


def test_payment_terms_template_for_net_days(client):
    templates = client.payment_terms_templates()
    assert from_gid(b2b.payment_terms_template(templates, 30)) == "5"
    assert b2b.payment_terms_template(templates, 0).endswith("/1")  # due on receipt
    assert b2b.payment_terms_template(templates, None) is None
    with pytest.raises(MappingError) as caught:
        b2b.payment_terms_template(templates, 21)
    assert caught.value.code == "shopify.payment_terms_unknown"
    assert "net 7, 15, 30, 45, 60, 90" in caught.value.message


def test_company_plan_create_then_keep_in_step(shop, client):
    templates = client.payment_terms_templates()
    steps = b2b.plan(SNAPSHOT, None, templates)
    assert steps["create"]["companyContact"] == {
        "firstName": "Grace Brewster",
        "lastName": "Hopper",
        "email": "grace@example.com",
        "phone": None,
        "title": "Buyer",
    }
    company = client.create_company(steps["create"])
    remote = client.company(from_gid(company["id"]))
    assert (
        remote["locations"]["nodes"][0]["buyerExperienceConfiguration"]["paymentTermsTemplate"]["dueInDays"]
        == 30
    )
    # a second address and contact: created; the known ones updated, not duplicated
    snapshot = dict(
        SNAPSHOT,
        addresses=SNAPSHOT["addresses"]
        + [{"id": 10, "name": "Depot Bonn", "city": "Bonn", "country_code": "DE"}],
        contacts=SNAPSHOT["contacts"] + [{"id": 11, "name": "Ada Lovelace", "email": "ada@example.com"}],
    )
    steps = b2b.plan(snapshot, remote, templates)
    assert steps["create"] is None
    assert [values["externalId"] for values in steps["locations_create"]] == ["odoo-partner-10"]
    assert len(steps["locations_update"]) == 1
    assert [values["email"] for values in steps["contacts_create"]] == ["ada@example.com"]
    with pytest.raises(RemoteRejected) as caught:
        client.create_company({"company": {"name": "Other", "externalId": "C-0042"}})
    assert "externalId" in caught.value.message


def test_snapshot_hash_follows_changes():
    assert b2b.snapshot_hash(SNAPSHOT, 3) == b2b.snapshot_hash(dict(SNAPSHOT), 3)
    assert b2b.snapshot_hash(SNAPSHOT, 3) != b2b.snapshot_hash(SNAPSHOT, 4)
    assert b2b.snapshot_hash(SNAPSHOT, 3) != b2b.snapshot_hash(dict(SNAPSHOT, payment_days=60), 3)


# ----------------------------------------------------------------------------
# B2B orders: REST and GraphQL shapes agree
# ----------------------------------------------------------------------------


def test_b2b_order_maps_to_the_company_with_po_number_and_terms(order_validator):
    shop = DemoShop(access_token="t", client_secret="s")
    company = next(c for c in shop.companies.values() if c["name"] == DEMO_WHOLESALE_COMPANY)
    order = shop.create_order({"company_location_id": company["location_ids"][0], "po_number": "PO-77"})
    rest = mapper.order_to_canonical(order)
    node = shop.execute(queries.ORDER_QUERY, {"id": f"gid://shopify/Order/{order['id']}"})["data"]["order"]
    graphql = mapper.graphql_order_to_canonical(node)
    for result in (rest, graphql):
        assert not list(order_validator.iter_errors(result))
        canonical.validate("order", result)
        assert result["customer"]["external_id"] == f"company:{company['id']}"
        assert result["po_number"] == "PO-77"
        assert result["payment_terms"] == {"name": "Net 30", "type": "net", "due_in_days": 30}
    assert graphql["customer"]["name"] == DEMO_WHOLESALE_COMPANY


def test_a_person_order_has_no_b2b_fields(shop):
    order = shop.create_order({})
    result = mapper.order_to_canonical(order)
    assert result["po_number"] is None and result["payment_terms"] is None
    assert not result["customer"]["external_id"].startswith("company:")
