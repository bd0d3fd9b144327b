"""The canonical kinds of a 3PL: what they accept and what they refuse,
with the path of the problem named."""

import pytest

import odoo.addons.tpl_connector.lib  # noqa: F401  (registers the kinds)
from odoo.addons.integration_core.lib import canonical

ORDER = {
    "schema_version": 1,
    "reference": "WH3PL/OUT/00012",
    "purpose": "original",
    "ship_to": {"name": "Jane Buyer", "country_code": "US", "street": "1 Main St", "city": "Springfield"},
    "lines": [{"line_ref": "41", "sku": "A-1", "quantity": 12, "uom": "EA"}],
}
SHIPMENT = {
    "schema_version": 2,
    "external_id": "SHIP-1",
    "picking_ref": "WH3PL/OUT/00012",
    "carrier": {"scac": "UPSN", "name": "UPS"},
    "lines": [
        {
            "sku": "A-1",
            "ordered": 12,
            "shipped": 10,
            "difference": 2,
            "status": "backorder",
            "lots": [{"name": "L1", "quantity": 10, "expiry": "2027-01-31"}],
        }
    ],
    "packages": [
        {"sscc": "106141411234567897", "tracking_number": "1Z1", "lines": [{"sku": "A-1", "quantity": 10}]}
    ],
}
VALID = {
    "fulfilment_order": ORDER,
    "shipment": SHIPMENT,
    "inbound_notice": {
        "schema_version": 1,
        "reference": "WH3PL/IN/00003",
        "kind": "purchase",
        "lines": [{"line_ref": "7", "sku": "A-1", "quantity": 24}],
    },
    "receipt": {
        "schema_version": 1,
        "external_id": "RCPT-9",
        "notice_ref": "WH3PL/IN/00003",
        "lines": [{"sku": "A-1", "expected": 24, "received": 23, "damaged": 1, "damage_reason": "01"}],
    },
    "inventory_snapshot": {
        "schema_version": 1,
        "external_id": "846-1",
        "as_of": "2026-11-29T06:00:00Z",
        "complete": True,
        "items": [{"sku": "A-1", "lot": "L1", "on_hand": 40, "available": 35}],
    },
    "inventory_adjustment": {
        "schema_version": 1,
        "external_id": "947-1",
        "lines": [{"sku": "A-1", "quantity": -2, "reason_code": "01"}],
    },
    "return_notice": {
        "schema_version": 1,
        "reference": "WH3PL/IN/00004",
        "lines": [{"line_ref": "9", "sku": "A-1", "quantity": 1, "action": "restock"}],
    },
    "cancellation_answer": {"schema_version": 1, "reference": "WH3PL/OUT/00012", "answer": "too_late"},
}


@pytest.mark.parametrize("kind", sorted(VALID))
def test_a_sound_payload_of_each_kind_is_valid(kind):
    assert canonical.iter_errors(kind, VALID[kind]) == []


@pytest.mark.parametrize(
    ("kind", "change", "path"),
    [
        ("fulfilment_order", {"purpose": "delete"}, "purpose"),
        ("fulfilment_order", {"ship_to": {"name": "J", "country_code": "usa"}}, "ship_to.country_code"),
        ("fulfilment_order", {"lines": []}, "lines"),
        ("shipment", {"carrier": {"scac": "toolong"}}, "carrier.scac"),
        ("shipment", {"packages": [{"sscc": "123"}]}, "packages[0].sscc"),
        ("shipment", {"lines": [{"sku": "A-1", "shipped": -1}]}, "lines[0].shipped"),
        ("shipment", {"lines": [{"sku": "A-1", "shipped": 1, "status": "lost"}]}, "lines[0].status"),
        (
            "inventory_adjustment",
            {"lines": [{"sku": "A-1", "quantity": 0, "reason_code": "01"}]},
            "lines[0].quantity",
        ),
        ("receipt", {"lines": [{"sku": "A-1"}]}, "lines[0]"),
        ("cancellation_answer", {"answer": "maybe"}, "answer"),
    ],
)
def test_a_broken_payload_names_the_path(kind, change, path):
    problems = canonical.iter_errors(kind, dict(VALID[kind], **change))
    assert problems and any(problem.startswith(path) for problem in problems), problems


def test_a_shipment_names_its_delivery_or_its_order():
    orphan = {k: v for k, v in SHIPMENT.items() if k != "picking_ref"}
    assert canonical.iter_errors("shipment", orphan)
    assert canonical.iter_errors("shipment", dict(orphan, order_ref="S00042")) == []
