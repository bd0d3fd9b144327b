"""Property: whatever JSON a Shopify mapper is given, it returns a payload
that passes its canonical schema, or raises ValidationFailed naming a path.
Any other exception is a bug (it would reach the event as an internal error).

Inputs are arbitrary JSON values (with the keys Shopify uses, so the mappers
get past the first level), and real payloads (ours in ./payloads, Shopify's
samples in shared/fixtures) mutated structurally: wrong types, missing keys,
huge/NaN/negative numbers, deep nesting, odd Unicode.

Each property runs ``MAPPER_FUZZ_EXAMPLES`` examples (200 by default; set
the variable higher to search longer locally). A failure prints the
smallest input hypothesis found.
"""

import copy
import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odoo.addons.channel_shopify.lib import mapper
from odoo.addons.integration_core.lib import canonical
from odoo.addons.integration_core.lib.exceptions import ValidationFailed
from odoo.addons.integration_core.lib.reader import Reader

PAYLOADS_DIR = Path(__file__).resolve().parent / "payloads"
SHARED_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "shopify"
EXAMPLES = int(os.environ.get("MAPPER_FUZZ_EXAMPLES", "200"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,  # no .hypothesis/ folder in the work tree
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# ----------------------------------------------------------------------------
# what each mapper must give
# ----------------------------------------------------------------------------


def _refund_errors(refund):
    # the refund's own shape, a kind channel_shopify registers (schemas/shopify_refund.v1.json)
    return canonical.iter_errors("shopify_refund", refund)


def _credit_note(refund):
    """The credit note a refund becomes (the order's currency given, as the importer does)."""
    return mapper.refund_to_credit_note(mapper.refund_to_canonical(refund), currency="USD")


def _invoice_errors(invoice):
    return canonical.iter_errors("invoice", invoice)


def _floats(value, path="(root)"):
    """Paths of the binary floats inside ``value``."""
    if isinstance(value, float):
        return [path]
    if isinstance(value, dict):
        return [found for key, item in value.items() for found in _floats(item, f"{path}.{key}")]
    if isinstance(value, list):
        return [found for index, item in enumerate(value) for found in _floats(item, f"{path}[{index}]")]
    return []


def _flat_errors(flat):
    """An address or customer in the intermediate form: None, or text fields."""
    if flat is None:
        return []
    return [
        f"{key}: {value!r}" for key, value in flat.items() if value is not None and not isinstance(value, str)
    ]


def _order_errors(order):
    return canonical.iter_errors("order", order)


def _product_errors(product):
    return canonical.iter_errors("product", product)


def _normaliser(normalise, keys):
    return lambda value: normalise(Reader.root(value), keys)


# name -> the (function, problems of its result) pairs each input goes through
MAPPERS = {
    "order": [(mapper.order_to_canonical, _order_errors)],
    "graphql_order": [(mapper.graphql_order_to_canonical, _order_errors)],
    "refund": [(mapper.refund_to_canonical, _refund_errors), (_credit_note, _invoice_errors)],
    "product": [(mapper.product_to_canonical, _product_errors)],
    # the address and customer normalisers under the order mappers, on their
    # own, each with the REST and the GraphQL key map
    "address_customer": [
        (_normaliser(normalise, keys), _flat_errors)
        for normalise in (mapper._address, mapper._customer)
        for keys in (mapper._REST_ADDRESS_KEYS, mapper._GRAPHQL_ADDRESS_KEYS)
    ],
}


def check(name, value):
    """The property itself, for each function of ``name``."""
    before = json.dumps(value)
    for function, problems in MAPPERS[name]:
        try:
            result = function(value)
        except ValidationFailed as exc:
            assert exc.errors, exc.message
            for error in exc.errors:
                path, _sep, message = error.partition(": ")
                assert path and message, error
            assert len(exc.message) < 1000, exc.message  # the value is quoted, not dumped
        else:
            assert problems(result) == []
            assert _floats(result) == [], "money and rates are Decimals, never binary floats"
            assert canonical.loads(canonical.dumps(result)) == result  # finite JSON that reads back exactly
        assert json.dumps(value) == before, "the mapper modified its input"


# ----------------------------------------------------------------------------
# inputs
# ----------------------------------------------------------------------------


def _keys(value, found):
    if isinstance(value, dict):
        for key, item in value.items():
            found.add(key)
            _keys(item, found)
    elif isinstance(value, list):
        for item in value:
            _keys(item, found)
    return found


def _load(path):
    return json.loads(path.read_text(encoding="utf-8"))


OWN = {path.name: _load(path) for path in sorted(PAYLOADS_DIR.glob("*.json"))}


def _own_samples():
    modern = OWN["order_webhook_modern.json"]
    graphql = OWN["order_graphql.json"]
    return {
        "order": [modern, OWN["order_pos_taxes_included.json"], {"order": modern}],
        "graphql_order": [graphql],
        "refund": [OWN["refund_modern.json"], {"refund": OWN["refund_modern.json"]}],
        "product": [OWN["product_webhook_modern.json"], OWN["product_graphql.json"]],
        "address_customer": [
            modern["billing_address"],
            modern["shipping_address"],
            graphql["billingAddress"],
            modern["customer"],
            graphql["customer"],
        ],
    }


def _shared_samples():
    """Shopify's own published samples (outside the repo), per mapper; {}
    when the folder is absent. Shopify publishes REST samples only."""
    if not SHARED_DIR.is_dir():
        return {}
    order = _load(SHARED_DIR / "order.json")
    listing = _load(SHARED_DIR / "orders.json")["orders"]
    customer = _load(SHARED_DIR / "customer.json")["customer"]
    return {
        "order": [
            order,
            *listing,  # no line items: ValidationFailed, unless a mutation adds some
            *({**listed, "line_items": order["order"]["line_items"]} for listed in listing),
        ],
        "refund": [_load(SHARED_DIR / "refund.json")],
        "product": [
            *_load(SHARED_DIR / "products.json"),
            {
                "id": 632910392,
                "title": "IPod Nano",
                "variants": _load(SHARED_DIR / "variants.json")["variants"],
            },
        ],
        "address_customer": [*customer["addresses"], order["order"]["billing_address"], customer],
    }


OWN_SAMPLES = _own_samples()
SHARED_SAMPLES = _shared_samples()
KNOWN_KEYS = sorted(_keys([*OWN.values(), *SHARED_SAMPLES.values()], set()))

EDGE_NUMBERS = [
    0, -1, -0.0, 1e308, -1e308, float("nan"), float("inf"), float("-inf"), 10**12, 10**30, 2**64, -(2**63),
    1e-300, 5e-324, 0.1, 999999999.5, 999999999999.995,
]  # fmt: skip
EDGE_TEXT = [
    "", " ", "\x00", "a\x00b", "\ud800", "Zoë", "🚀", "\u202e", "\ufeff", "١٢", "٣.٥", "1_000", "1e308", "-1e308",
    "NaN", "sNaN", "Infinity", "-0", "0x10", "12,50", "abc", "null", "true", "ß", "ǆ", "€UR", "usd", "US",
    "gid://shopify/Order/", "gid://shopify/Order/1?x=1", "gid://shopify/", "2024-02-30T00:00:00Z",
    "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "2024-05-14", "2024-05-14T17:21:39", "yesterday",
    "x" * 5000,
]  # fmt: skip

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=20)
    | st.sampled_from(EDGE_NUMBERS)
    | st.sampled_from(EDGE_TEXT)
)
keys = st.sampled_from(KNOWN_KEYS) | st.text(max_size=8)
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=6),
    max_leaves=8,
)


def _slots(value):
    """Every (container, key) inside ``value``: dict keys and list indexes."""
    found = []
    stack = [value]
    while stack:
        node = stack.pop()
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, item in items:
            found.append((node, key))
            stack.append(item)
    return found


def _deep(value, depth):
    for level in range(depth):
        value = [value] if level % 2 else {"amount": value}
    return value


OPERATIONS = ["replace", "edge", "delete", "wrap", "deep", "stringify", "negate", "scale", "repeat", "blank"]


@st.composite
def mutated(draw, samples):
    """One of ``samples`` with one to four structural mutations."""
    data = copy.deepcopy(draw(st.sampled_from(samples)))
    for _ in range(draw(st.integers(1, 4))):
        slots = _slots(data)
        if not slots:
            break
        parent, key = draw(st.sampled_from(slots))
        old = parent[key]
        operation = draw(st.sampled_from(OPERATIONS))
        number = isinstance(old, (int, float)) and not isinstance(old, bool)
        if operation == "replace":
            parent[key] = draw(json_values)
        elif operation == "edge":
            parent[key] = draw(st.sampled_from(EDGE_NUMBERS + EDGE_TEXT))
        elif operation == "delete":
            del parent[key]
        elif operation == "wrap":
            parent[key] = draw(
                st.sampled_from([[old], {"amount": old}, {"nodes": [old]}, {"edges": [{"node": old}]}])
            )
        elif operation == "deep":
            parent[key] = _deep(old, draw(st.integers(2, 200)))
        elif operation == "stringify":
            parent[key] = old if isinstance(old, str) else json.dumps(old)
        elif operation == "negate" and number:
            parent[key] = -old
        elif operation == "scale" and number:
            parent[key] = draw(st.sampled_from([old * 10**12, old * 1e300, old * 1e-300, f"{old}e300"]))
        elif operation == "scale" and isinstance(old, str):
            parent[key] = draw(
                st.sampled_from([f"{old}e300", f"{old}e-300", f"{old}0000000000000", old * 1000])
            )
        elif operation == "repeat" and isinstance(old, list) and old:
            parent[key] = old * draw(st.integers(2, 50))
        elif operation == "blank":
            parent[key] = draw(st.sampled_from([None, "", [], {}]))
    return data


# ----------------------------------------------------------------------------
# the properties
# ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(MAPPERS))
@FUZZ
@given(data=st.data())
def test_any_json_or_mutated_payload_maps_or_is_a_validation_error(name, data):
    check(name, data.draw(json_values | mutated(OWN_SAMPLES[name])))


@FUZZ
@given(data=st.data())
def test_mutated_shopify_samples_map_or_are_validation_errors(shopify_fixtures_dir, data):
    # one property for all the mappers, so the suite stays fast
    name = data.draw(st.sampled_from(sorted(SHARED_SAMPLES)))
    check(name, data.draw(mutated(SHARED_SAMPLES[name])))


@pytest.mark.parametrize("name", sorted(MAPPERS))
def test_unmutated_samples_map_to_valid_payloads(name):
    # the starting points are valid: the mutations are what breaks them
    listing = SHARED_SAMPLES.get("order", [None, None])[1:2]  # orders.json's order, without line items
    for sample in OWN_SAMPLES[name] + SHARED_SAMPLES.get(name, []):
        for function, problems in MAPPERS[name]:
            if sample in listing:
                with pytest.raises(ValidationFailed, match="line_items: no line item"):
                    function(copy.deepcopy(sample))
            else:
                assert problems(function(copy.deepcopy(sample))) == []
