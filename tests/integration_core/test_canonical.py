import copy

import pytest

from odoo.addons.integration_core.lib import canonical
from odoo.addons.integration_core.lib.exceptions import ValidationFailed

ORDER = {
    "schema_version": 1,
    "external_id": "450789469",
    "name": "#1001",
    "currency": "USD",
    "created_at": "2008-01-10T11:00:00-05:00",
    "customer": {"external_id": "207119551", "name": "Bob Norman", "email": "bob.norman@example.com"},
    "billing_address": {"street": "Chestnut Street 92", "city": "Louisville", "country_code": "US"},
    "shipping_address": None,
    "lines": [
        {
            "external_id": "466157049",
            "sku": "IPOD2008GREEN",
            "name": "IPod Nano - 8gb - green",
            "quantity": 1,
            "unit_price": 199.0,
            "taxes": [{"title": "State Tax", "rate": 0.06, "amount": 11.94}],
        }
    ],
    "shipping_lines": [{"title": "Free Shipping", "price": 0.0}],
    "discounts": [{"code": "TENOFF", "amount": 10.0}],
    "totals": {"total": 409.94},
    "financial_status": "partially_refunded",
    "tags": ["imported"],
}

VALID = {
    "customer": {
        "schema_version": 1,
        "name": "Bob",
        "addresses": [{"type": "delivery", "country_code": "CA"}],
    },
    "product": {
        "schema_version": 1,
        "external_id": "1",
        "name": "IPod",
        "variants": [{"external_id": "2", "sku": "X"}],
    },
    "stock_level": {"schema_version": 1, "location_code": "L1", "items": [{"sku": "X", "quantity": 3}]},
    "shipment": {
        "schema_version": 1,
        "external_id": "S1",
        "order_ref": "#1001",
        "packages": [{"tracking_number": "1Z", "lines": [{"sku": "X", "quantity": 1}]}],
    },
    "invoice": {
        "schema_version": 1,
        "external_id": "I1",
        "number": "INV/1",
        "currency": "EUR",
        "lines": [{"name": "X", "quantity": 1, "unit_price": 2.5}],
        "date": "2024-01-31",
    },
    "payment": {
        "schema_version": 1,
        "external_id": "P1",
        "type": "charge",
        "amount": 10.0,
        "currency": "USD",
        "processed_at": "2024-01-01T00:00:00Z",
    },
}

INVALID = {
    "customer": ({"schema_version": 1, "name": ""}, "name"),
    "product": ({"schema_version": 1, "external_id": "1", "name": "X", "variants": []}, "variants"),
    "stock_level": ({"schema_version": 1, "location_code": "L1", "items": [{"quantity": 3}]}, "items[0]"),
    "shipment": ({"schema_version": 1, "external_id": "S1"}, "(root)"),
    "invoice": (
        {
            "schema_version": 1,
            "external_id": "I1",
            "number": "1",
            "currency": "EUR",
            "lines": [],
            "date": "31/01/2024",
        },
        "date",
    ),
    "payment": (
        {"schema_version": 1, "external_id": "P1", "type": "gift", "amount": 1, "currency": "USD"},
        "type",
    ),
}


def test_all_schemas_load_and_are_valid_schemas():
    for kind in canonical.KINDS:
        assert canonical.load_schema(kind)["$id"].endswith(f"{kind}:1")


def test_realistic_order_is_valid():
    assert canonical.validate("order", ORDER) is ORDER


def test_order_errors_are_readable():
    order = copy.deepcopy(ORDER)
    order["lines"][0]["quantity"] = 0
    order["currency"] = "usd"
    order["created_at"] = "yesterday"
    del order["name"]
    with pytest.raises(ValidationFailed) as info:
        canonical.validate("order", order)
    errors = info.value.errors
    assert any(e.startswith("lines[0].quantity: 0 is less than or equal to the minimum of 0") for e in errors)
    assert any(e.startswith("currency:") for e in errors)
    assert any(e.startswith("created_at:") for e in errors)
    assert "(root): 'name' is a required property" in errors


def test_datetime_needs_an_offset():
    order = copy.deepcopy(ORDER)
    order["created_at"] = "2008-01-10T11:00:00"
    assert canonical.iter_errors("order", order)


def test_unknown_version_and_non_object():
    assert canonical.iter_errors("order", dict(ORDER, schema_version=9))[0].startswith("schema_version")
    assert canonical.iter_errors("order", ["not", "an", "object"])


@pytest.mark.parametrize("kind", sorted(VALID))
def test_each_kind_valid_and_invalid(kind):
    assert canonical.iter_errors(kind, VALID[kind]) == []
    payload, path = INVALID[kind]
    errors = canonical.iter_errors(kind, payload)
    assert errors and any(e.startswith(path) for e in errors), errors
