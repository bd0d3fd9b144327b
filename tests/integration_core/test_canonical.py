"""Canonical JSON Schemas and their readable validation errors."""

import copy
import json
import math
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odoo.addons.integration_core.lib import canonical
from odoo.addons.integration_core.lib.exceptions import ValidationFailed

ADDRESS = {
    "name": "Bob Norman",
    "company": None,
    "street": "Chestnut Street 92",
    "street2": "",
    "city": "Louisville",
    "zip": "40202",
    "state_code": "KY",
    "country_code": "US",
    "phone": "+1 555 555 5555",
    "email": "bob.norman@example.com",
}

ORDER = {
    "schema_version": 1,
    "external_id": "450789469",
    "name": "#1001",
    "created_at": "2008-01-10T11:00:00-05:00",
    "updated_at": "2008-01-10T16:00:00Z",
    "currency": "USD",
    "taxes_included": False,
    "customer": {
        "external_id": "207119551",
        "name": "Bob Norman",
        "email": "bob.norman@example.com",
        "phone": None,
        "company": None,
        "vat": None,
    },
    "billing_address": ADDRESS,
    "shipping_address": None,
    "lines": [
        {
            "external_id": "466157049",
            "product_external_id": "632910392",
            "variant_external_id": "39072856",
            "sku": "IPOD2008GREEN",
            "barcode": None,
            "name": "IPod Nano - 8gb - green",
            "quantity": 1,
            "unit_price": 199.0,
            "discount_amount": 3.34,
            "taxes": [{"title": "State Tax", "rate": 0.06, "amount": 11.94}],
        }
    ],
    "shipping_lines": [{"code": "INT.TP", "title": "Small Packet International Air", "price": 4.0}],
    "discounts": [{"code": "TENOFF", "amount": 10.0}],
    "totals": {"subtotal": 199.0, "tax": 11.94, "shipping": 4.0, "discount": 10.0, "total": 204.94},
    "financial_status": "partially_refunded",
    "fulfillment_status": None,
    "cancelled_at": None,
    "payment_gateways": ["bogus"],
    "location_code": "655441491",
    "note": "Leave at the door",
    "tags": ["imported"],
}

VALID = {
    "customer": {
        "schema_version": 1,
        "external_id": "207119551",
        "name": "Bob Norman",
        "email": "bob.norman@example.com",
        "phone": "+16136120707",
        "company": "Norman & Co",
        "vat": "BE0477472701",
        "lang": "fr_BE",
        "addresses": [dict(ADDRESS, type="invoice"), dict(ADDRESS, type="delivery", street="Elm St 1")],
        "tags": ["wholesale"],
        "updated_at": "2024-05-01T10:00:00+02:00",
    },
    "product": {
        "schema_version": 1,
        "external_id": "632910392",
        "name": "IPod Nano - 8GB",
        "description": "<p>It's the small iPod with one very big idea.</p>",
        "vendor": "Apple",
        "product_type": "Cult Products",
        "active": True,
        "variants": [
            {
                "external_id": "808950810",
                "title": "Pink",
                "sku": "IPOD2008PINK",
                "barcode": "1234_pink",
                "price": 199.0,
                "weight": 200,
                "weight_unit": "g",
                "inventory_item_id": "808950810",
                "active": True,
            },
            {"external_id": "49148385", "sku": "IPOD2008RED", "price": 199.0, "weight": None},
        ],
    },
    "stock_level": {
        "schema_version": 1,
        "location_code": "WH1",
        "as_of": "2024-05-01T10:00:00Z",
        "items": [
            {"sku": "IPOD2008PINK", "quantity": 12, "updated_at": "2024-05-01T09:59:00Z"},
            {"variant_external_id": "49148385", "quantity": 0},
            {"inventory_item_id": "808950810", "sku": None, "quantity": 3.5},
        ],
    },
    "shipment": {
        "schema_version": 1,
        "external_id": "SHIP-0042",
        "order_ref": "S00042",
        "picking_ref": "WH/OUT/00017",
        "shipped_at": "2024-05-02T15:30:00+02:00",
        "carrier": "UPS",
        "service": "Standard",
        "packages": [
            {
                "tracking_number": "1Z999AA10123456784",
                "tracking_url": "https://www.ups.com/track?tracknum=1Z999AA10123456784",
                "weight": 1.2,
                "lines": [{"sku": "IPOD2008PINK", "quantity": 2, "line_external_id": "466157049"}],
            }
        ],
        "lines": [{"sku": "IPOD2008PINK", "quantity": 2, "lot": None}],
    },
    "invoice": {
        "schema_version": 1,
        "external_id": "AMZ-INV-77",
        "number": "INV/2024/00077",
        "move_type": "invoice",
        "order_ref": "S00042",
        "partner": {"external_id": "207119551", "name": "Bob Norman", "vat": None, "email": None},
        "date": "2024-01-31",
        "due_date": "2024-02-29",
        "currency": "EUR",
        "lines": [
            {
                "sku": "IPOD2008PINK",
                "name": "IPod Nano - Pink",
                "quantity": 2,
                "unit_price": 165.29,
                "taxes": [{"title": "VAT 21%", "rate": 0.21, "amount": 69.42}],
            }
        ],
        "totals": {"untaxed": 330.58, "tax": 69.42, "total": 400.0},
    },
    "payment": {
        "schema_version": 1,
        "external_id": "txn_1",
        "payout_id": "po_123",
        "type": "charge",
        "amount": 204.94,
        "fee": 6.24,
        "net": 198.70,
        "currency": "USD",
        "order_ref": "#1001",
        "invoice_ref": None,
        "processed_at": "2024-01-01T00:00:00Z",
        "gateway": "shopify_payments",
    },
}

# one broken payload per kind, and the start of the problem it must report
INVALID = {
    "customer": (dict(VALID["customer"], addresses=[dict(ADDRESS, type="billing")]), "addresses[0].type:"),
    "product": (dict(VALID["product"], variants=[]), "variants: [] should be non-empty"),
    "stock_level": (
        {"schema_version": 1, "location_code": "WH1", "items": [{"sku": None, "quantity": 3}]},
        "items[0]: none of the alternatives fits",
    ),
    "shipment": (
        {"schema_version": 1, "external_id": "S1", "order_ref": None},
        "(root): none of the alternatives",
    ),
    "invoice": (dict(VALID["invoice"], date="31/01/2024"), "date: '31/01/2024' is not a 'date'"),
    "payment": (dict(VALID["payment"], type="gift"), "type: 'gift' is not one of"),
}


def test_all_schemas_load_and_are_valid_schemas():
    for kind in canonical.KINDS:
        schema = canonical.load_schema(kind)
        assert schema["$id"] == f"urn:integration:canonical:{kind}:1"
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["additionalProperties"] is False
        assert schema["properties"]["schema_version"] == {"const": 1}
        assert "schema_version" in schema["required"]


def test_schemas_are_loaded_once():
    assert canonical.load_schema("order") is canonical.load_schema("order", 1)


def test_address_shape_is_shared():
    order_address = canonical.load_schema("order")["$defs"]["address"]["properties"]
    customer_address = dict(canonical.load_schema("customer")["$defs"]["address"]["properties"])
    assert customer_address.pop("type") == {"enum": ["invoice", "delivery", "other"]}
    assert customer_address == order_address


def test_realistic_order_is_valid():
    assert canonical.validate("order", ORDER) is ORDER
    assert canonical.iter_errors("order", ORDER) == []


def test_order_errors_are_readable():
    order = copy.deepcopy(ORDER)
    order["lines"][0]["quantity"] = 0
    order["currency"] = "usd"
    order["created_at"] = "yesterday"
    order["billing_address"]["country_code"] = "us"
    order["surprise"] = True
    del order["name"]
    with pytest.raises(ValidationFailed) as info:
        canonical.validate("order", order)
    assert info.value.errors == [
        "(root): 'name' is a required property",
        "(root): Additional properties are not allowed ('surprise' was unexpected)",
        "billing_address.country_code: 'us' does not match '^[A-Z]{2}$'",
        "created_at: 'yesterday' is not a 'date-time'",
        "currency: 'usd' does not match '^[A-Z]{3}$'",
        "lines[0].quantity: 0 is less than or equal to the minimum of 0",
    ]
    assert info.value.category == "validation"
    assert info.value.message.startswith("Invalid canonical order: (root): 'name' is a required property;")
    assert info.value.message.endswith("(and 1 more)")


def test_wrong_type_messages_stay_short():
    order = dict(ORDER, shipping_address=["x" * 500], lines="not a list")
    errors = canonical.iter_errors("order", order)
    assert "lines: 'not a list' is not of type array" in errors
    assert all(len(error) < 250 for error in errors), errors


@pytest.mark.parametrize(
    "value,valid",
    [
        ("2008-01-10T11:00:00-05:00", True),
        ("2008-01-10T11:00:00Z", True),
        ("2008-01-10t11:00:00z", True),
        ("2008-01-10T11:00:00.123456+00:00", True),
        ("2008-01-10T11:00:00", False),  # no offset: ambiguous
        ("2008-01-10 11:00:00+00:00", False),
        ("2008-01-10", False),
        ("2008-13-10T11:00:00Z", False),
        ("20080110T110000Z", False),
        ("yesterday", False),
        (None, True),  # the schema allows null
    ],
)
def test_date_time_format(value, valid):
    errors = canonical.iter_errors("order", dict(ORDER, created_at=value))
    assert (errors == []) is valid, errors


@pytest.mark.parametrize("value,valid", [("2024-01-31", True), ("2024-02-30", False), ("2024-1-5", False)])
def test_date_format(value, valid):
    assert (canonical.iter_errors("invoice", dict(VALID["invoice"], date=value)) == []) is valid


def test_schema_version_problems():
    errors = canonical.iter_errors("order", dict(ORDER, schema_version=9))
    assert len(errors) == 1 and errors[0].startswith("schema_version: There is no version 9")
    assert canonical.iter_errors("order", dict(ORDER, schema_version="1"))[0].startswith(
        "schema_version: '1'"
    )
    assert canonical.iter_errors("order", dict(ORDER, schema_version=True))[0].startswith(
        "schema_version: True"
    )
    missing = dict(ORDER)
    del missing["schema_version"]
    assert canonical.iter_errors("order", missing) == ["(root): 'schema_version' is a required property"]
    assert canonical.iter_errors("order", ORDER, version=1) == []


def test_payload_must_be_an_object():
    assert canonical.iter_errors("order", ["not", "an", "object"]) == [
        "(root): the payload must be a JSON object"
    ]
    with pytest.raises(ValidationFailed):
        canonical.validate("order", None)


def test_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError, match="Unknown canonical kind 'orders'"):
        canonical.iter_errors("orders", ORDER)
    with pytest.raises(ValueError):
        canonical.load_schema("nope")


@pytest.mark.parametrize("kind", sorted(VALID))
def test_each_kind_has_a_valid_example(kind):
    assert canonical.iter_errors(kind, VALID[kind]) == []
    assert canonical.validate(kind, VALID[kind]) is VALID[kind]


@pytest.mark.parametrize("kind", sorted(INVALID))
def test_each_kind_has_an_invalid_example(kind):
    payload, problem = INVALID[kind]
    errors = canonical.iter_errors(kind, payload)
    assert any(error.startswith(problem) for error in errors), errors
    with pytest.raises(ValidationFailed):
        canonical.validate(kind, payload)


def test_every_kind_has_examples():
    assert set(VALID) | {"order"} == set(canonical.KINDS) == set(INVALID) | {"order"}


# ----------------------------------------------------------------------------
# numbers: finite and bounded (a canonical payload may never have met a mapper)
# ----------------------------------------------------------------------------


def _numbers(value, path=()):
    """Paths of every number in ``value`` (booleans are not numbers)."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _numbers(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _numbers(item, (*path, index))
    elif isinstance(value, (int, float)) and not isinstance(value, bool) and path != ("schema_version",):
        yield path


def _replaced(payload, path, value):
    payload = copy.deepcopy(payload)
    target = payload
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return payload


def _dotted(path):
    return "".join(f"[{key}]" if isinstance(key, int) else f".{key}" for key in path).lstrip(".")


NUMBER_FIELDS = [
    (kind, path) for kind, payload in sorted({**VALID, "order": ORDER}.items()) for path in _numbers(payload)
]


@pytest.mark.parametrize("bad", [1e308, -1e308, 10**30, float("nan"), float("inf"), float("-inf")])
@pytest.mark.parametrize("kind,path", NUMBER_FIELDS, ids=[f"{k}:{_dotted(p)}" for k, p in NUMBER_FIELDS])
def test_every_number_field_refuses_huge_and_non_finite_values(kind, path, bad):
    payload = _replaced({**VALID, "order": ORDER}[kind], path, bad)
    with pytest.raises(ValidationFailed) as info:
        canonical.validate(kind, payload)
    assert any(error.startswith(f"{_dotted(path)}: ") for error in info.value.errors), info.value.errors


def test_non_finite_numbers_are_named_as_such():
    order = copy.deepcopy(ORDER)
    order["lines"][0]["quantity"] = float("nan")
    order["totals"]["total"] = float("inf")
    errors = canonical.iter_errors("order", order)
    assert "lines[0].quantity: nan is not a finite number" in errors
    assert "totals.total: inf is not a finite number" in errors


def test_json_nan_and_infinity_tokens_are_refused():
    # Python's json module reads these non-JSON tokens; a generic backend's
    # canonical payload goes from json.loads straight into validate()
    import json

    for token in ("NaN", "Infinity", "-Infinity", "1e308"):
        text = json.dumps(ORDER).replace('"quantity": 1', f'"quantity": {token}')
        with pytest.raises(ValidationFailed, match=r"lines\[0\]\.quantity"):
            canonical.validate("order", json.loads(text))


@pytest.mark.parametrize(
    "field,limit",
    [(("lines", 0, "unit_price"), 10**12), (("lines", 0, "quantity"), 10**9), (("totals", "total"), 10**12)],
)
def test_bounds_are_inclusive(field, limit):
    assert canonical.iter_errors("order", _replaced(ORDER, field, float(limit))) == []
    assert canonical.iter_errors("order", _replaced(ORDER, field, limit * 1.000001)) != []


def test_money_may_be_negative_within_the_bound():
    assert canonical.iter_errors("order", _replaced(ORDER, ("totals", "total"), -5.0)) == []
    assert canonical.iter_errors("order", _replaced(ORDER, ("lines", 0, "quantity"), -1)) != []


# ----------------------------------------------------------------------------
# property: canonical.validate takes any JSON value, for every kind, and either
# returns it or raises ValidationFailed with "path: message" problems; nothing
# else. A valid payload has only finite, bounded numbers. This is the check a
# generic backend's canonical payload gets without a mapper in front of it.
# ----------------------------------------------------------------------------

EXAMPLES = int(os.environ.get("MAPPER_FUZZ_EXAMPLES", "200"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
EXAMPLES_BY_KIND = {**VALID, "order": ORDER}
KEYS = sorted({key for kind in canonical.KINDS for key in json.dumps(canonical.load_schema(kind)).split('"')})

numbers = (
    st.integers()
    | st.floats()
    | st.sampled_from([1e308, -1e308, 10**12, 10**12 + 1, 10**9, 10**9 + 1, 10**30, -(10**30), 5e-324])
)
scalars = st.none() | st.booleans() | numbers | st.text(max_size=12) | st.sampled_from(KEYS)
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.sampled_from(KEYS), children, max_size=6),
    max_leaves=8,
)


def _slots(value):
    found, stack = [], [value]
    while stack:
        node = stack.pop()
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, item in items:
            found.append((node, key))
            stack.append(item)
    return found


@st.composite
def mutated_example(draw):
    kind = draw(st.sampled_from(sorted(EXAMPLES_BY_KIND)))
    payload = copy.deepcopy(EXAMPLES_BY_KIND[kind])
    for _ in range(draw(st.integers(1, 3))):
        parent, key = draw(st.sampled_from(_slots(payload)))
        parent[key] = draw(numbers | json_values)
    return kind, payload


def _finite_and_bounded(value):
    if isinstance(value, dict):
        return all(_finite_and_bounded(item) for item in value.values())
    if isinstance(value, list):
        return all(_finite_and_bounded(item) for item in value)
    if isinstance(value, float):
        return math.isfinite(value) and abs(value) <= 10**12
    if isinstance(value, int) and not isinstance(value, bool):
        return abs(value) <= 10**12
    return True


def check(kind, payload):
    try:
        result = canonical.validate(kind, payload)
    except ValidationFailed as exc:
        assert exc.errors and all(": " in error for error in exc.errors), exc.errors
        assert exc.category == "validation"
    else:
        assert result is payload
        assert _finite_and_bounded(payload), payload


@FUZZ
@given(kind=st.sampled_from(canonical.KINDS), payload=json_values)
def test_any_json_value_validates_or_is_a_validation_error(kind, payload):
    check(kind, payload)


@FUZZ
@given(example=mutated_example())
def test_mutated_examples_validate_or_are_validation_errors(example):
    check(*example)
