"""Every Shopify mapper's output validates against its canonical kind, on
Shopify's public samples (../shared/fixtures/shopify: Shopify's own
published REST samples, MIT licence, kept outside the repo) and on our
payloads (./payloads). A new public mapper must be listed in MAPPER_KINDS,
so no mapper's output goes unchecked (product_to_canonical once returned
payloads without schema_version and nothing noticed)."""

import copy
import inspect
import json
from decimal import Decimal
from pathlib import Path

import pytest

from odoo.addons.channel_shopify.lib import mapper
from odoo.addons.integration_core.lib import canonical

PAYLOADS_DIR = Path(__file__).resolve().parent / "payloads"
SHARED_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "shopify"


def _credit_note(refund):
    """refund_to_credit_note takes what refund_to_canonical gives."""
    return mapper.refund_to_credit_note(mapper.refund_to_canonical(refund), currency="USD")


# public mapper -> (the function to run on a Shopify payload, the kind its output must satisfy)
MAPPER_KINDS = {
    "order_to_canonical": (mapper.order_to_canonical, "order"),
    "graphql_order_to_canonical": (mapper.graphql_order_to_canonical, "order"),
    "product_to_canonical": (mapper.product_to_canonical, "product"),
    "refund_to_canonical": (mapper.refund_to_canonical, "shopify_refund"),
    "refund_to_credit_note": (_credit_note, "invoice"),
}


def _load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def _own(name):
    return lambda: _load(PAYLOADS_DIR / name)


def _shared(loader):
    def load():
        if not SHARED_DIR.is_dir():
            pytest.skip(f"Shopify sample fixtures not found at {SHARED_DIR} (they live outside the repo)")
        return loader()

    return load


def _shared_orders():
    order = _load(SHARED_DIR / "order.json")["order"]
    listed = _load(SHARED_DIR / "orders.json")["orders"]
    # orders.json lists orders without line items: they get order.json's lines
    return [order] + [dict(each, line_items=order["line_items"]) for each in listed]


def _shared_products():
    variants = _load(SHARED_DIR / "variants.json")["variants"]
    return _load(SHARED_DIR / "products.json") + [
        {"id": 632910392, "title": "IPod Nano", "variants": variants}
    ]


# mapper -> sample name -> a function giving the payloads
SAMPLES = {
    "order_to_canonical": {
        "order_webhook_modern": _own("order_webhook_modern.json"),
        "order_pos_taxes_included": _own("order_pos_taxes_included.json"),
        "shared:order+orders": _shared(_shared_orders),
    },
    "graphql_order_to_canonical": {"order_graphql": _own("order_graphql.json")},
    "product_to_canonical": {
        "product_webhook_modern": _own("product_webhook_modern.json"),
        "product_graphql": _own("product_graphql.json"),
        "shared:products+variants": _shared(_shared_products),
    },
    "refund_to_canonical": {
        "refund_modern": _own("refund_modern.json"),
        "shared:refund": _shared(lambda: _load(SHARED_DIR / "refund.json")),
    },
    "refund_to_credit_note": {
        "refund_modern": _own("refund_modern.json"),
        "shared:refund": _shared(lambda: _load(SHARED_DIR / "refund.json")),
    },
}


def output_problems(kind, output):
    """Why ``output`` is not a valid canonical ``kind`` payload: its schema
    errors, binary floats (money is Decimal), and JSON that does not read
    back exactly."""
    problems = list(canonical.iter_errors(kind, output))
    problems += [f"{path}: a binary float" for path in _floats(output)]
    try:
        if canonical.loads(canonical.dumps(output)) != output:
            problems.append("(root): does not read back the same from canonical JSON")
    except (TypeError, ValueError) as exc:
        problems.append(f"(root): not canonical JSON ({exc})")
    return problems


def _floats(value, path="(root)"):
    if isinstance(value, float):
        return [path]
    if isinstance(value, dict):
        return [found for key, item in value.items() for found in _floats(item, f"{path}.{key}")]
    if isinstance(value, list):
        return [found for index, item in enumerate(value) for found in _floats(item, f"{path}[{index}]")]
    return []


def test_every_public_mapper_is_checked():
    public = {
        name
        for name, function in vars(mapper).items()
        if inspect.isfunction(function)
        and not name.startswith("_")
        and function.__module__ == mapper.__name__
    }
    assert public == set(MAPPER_KINDS) == set(SAMPLES), "list the new mapper, its kind and its samples here"
    for _function, kind in MAPPER_KINDS.values():
        assert kind in canonical.kinds()


CASES = [(name, sample) for name, samples in sorted(SAMPLES.items()) for sample in samples]


@pytest.mark.parametrize("name,sample", CASES, ids=[f"{n}:{s}" for n, s in CASES])
def test_mapper_output_validates_against_its_kind(name, sample):
    function, kind = MAPPER_KINDS[name]
    payloads = SAMPLES[name][sample]()
    for index, payload in enumerate(payloads if isinstance(payloads, list) else [payloads]):
        output = function(copy.deepcopy(payload))
        assert output_problems(kind, output) == [], f"{name} on {sample}[{index}]"


def test_the_check_notices_an_invalid_output():
    product = mapper.product_to_canonical(_load(PAYLOADS_DIR / "product_webhook_modern.json"))
    without_version = {key: value for key, value in product.items() if key != "schema_version"}
    assert output_problems("product", without_version) == ["(root): 'schema_version' is a required property"]
    floats = copy.deepcopy(product)
    floats["variants"][0]["price"] = 89.9
    assert output_problems("product", floats) == [
        "(root).variants[0].price: a binary float",
        "(root): does not read back the same from canonical JSON",  # 89.9 reads back as Decimal('89.9')
    ]


def test_money_stays_exact_from_shopify_strings():
    product = mapper.product_to_canonical(_load(PAYLOADS_DIR / "product_webhook_modern.json"))
    assert product["variants"][0]["price"] == Decimal("89.90")
    assert str(product["variants"][0]["price"]) == "89.90"
    order = mapper.order_to_canonical(_load(PAYLOADS_DIR / "order_webhook_modern.json"))
    stored = canonical.loads(canonical.dumps(order, indent=2, sort_keys=True))
    assert stored == order
    assert all(isinstance(line["unit_price"], Decimal) for line in stored["lines"])


def test_a_refund_becomes_a_credit_note_of_its_lines_or_of_its_amount():
    refund = mapper.refund_to_canonical(_load(PAYLOADS_DIR / "refund_modern.json"))
    credit = mapper.refund_to_credit_note(refund)
    assert credit["move_type"] == "credit_note"
    assert credit["order_ref"] == refund["order_external_id"]
    assert [line["order_line_external_id"] for line in credit["lines"]] == [
        line["line_external_id"] for line in refund["lines"] if line["quantity"]
    ]
    amount_only = dict(refund, lines=[])
    assert mapper.refund_to_credit_note(amount_only)["lines"] == [
        {"name": refund["note"], "quantity": 1, "unit_price": refund["amount"], "taxes": []}
    ]
    with pytest.raises(Exception, match="credits nothing"):
        mapper.refund_to_credit_note(dict(refund, lines=[], amount=Decimal(0)))
    # a third of 10.00 is not a cent amount: 6 places, no float
    split = dict(refund, lines=[dict(refund["lines"][0], quantity=3, subtotal=Decimal("10.00"))])
    assert mapper.refund_to_credit_note(split)["lines"][0]["unit_price"] == Decimal("3.333333")
