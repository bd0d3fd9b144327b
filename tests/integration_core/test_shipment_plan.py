"""A canonical shipment.v2 read into a plan: pieces per line (lots, serials,
packages), the refusals that come before any write, and the short rule."""

from decimal import Decimal

import pytest

from odoo.addons.integration_core.lib import canonical
from odoo.addons.integration_core.lib import shipment_plan as plans
from odoo.addons.integration_core.lib.exceptions import BusinessRuleError, MappingError


def shipment(lines, packages=None, **more):
    payload = {"schema_version": 2, "external_id": "SHP-1", "picking_ref": "WH/OUT/00001", "lines": lines}
    if packages is not None:
        payload["packages"] = packages
    payload.update(more)
    canonical.validate("shipment", payload)  # the tests' payloads are valid v2 payloads
    return payload


def pieces(line):
    return [(p.quantity, p.lot, p.serial, p.package) for p in line.pieces]


def test_a_line_without_lots_is_one_piece_and_a_zero_line_none():
    plan = plans.plan_shipment(
        shipment(
            [{"sku": "A", "shipped": 3, "ordered": 3}, {"sku": "B", "shipped": 0, "status": "cancelled"}]
        )
    )
    assert pieces(plan.lines[0]) == [(Decimal(3), None, False, None)]
    assert plan.lines[1].pieces == []
    assert plan.shipped_anything


def test_lots_give_pieces_and_must_add_up():
    plan = plans.plan_shipment(
        shipment(
            [
                {
                    "sku": "A",
                    "shipped": Decimal("2.5"),
                    "lots": [
                        {"name": "L1", "quantity": 2, "expiry": "2027-01-31"},
                        {"name": "L2", "quantity": Decimal("0.5")},
                    ],
                }
            ]
        )
    )
    assert pieces(plan.lines[0]) == [(Decimal(2), "L1", False, None), (Decimal("0.5"), "L2", False, None)]
    assert plan.lines[0].expiries == {"L1": "2027-01-31"}
    with pytest.raises(MappingError, match=r"lines\[0\] \(SKU A\): its lots add up to 2 but 3 were shipped"):
        plans.plan_shipment(shipment([{"sku": "A", "shipped": 3, "lots": [{"name": "L1", "quantity": 2}]}]))


def test_serials_are_one_each_counted_and_never_twice():
    plan = plans.plan_shipment(shipment([{"sku": "S", "shipped": 2, "serials": ["S1", "S2"]}]))
    assert pieces(plan.lines[0]) == [(Decimal(1), "S1", True, None), (Decimal(1), "S2", True, None)]
    with pytest.raises(MappingError, match="1 serial"):
        plans.plan_shipment(shipment([{"sku": "S", "shipped": 2, "serials": ["S1"]}]))
    with pytest.raises(MappingError, match=r"lines\[1\].*serial S1 of S is already given by lines\[0\]"):
        plans.plan_shipment(
            shipment(
                [{"sku": "S", "shipped": 1, "serials": ["S1"]}, {"sku": "S", "shipped": 1, "serials": ["S1"]}]
            )
        )


def test_substitution_and_reported_over_shipment_are_business_errors():
    with pytest.raises(
        BusinessRuleError,
        match=r"lines\[0\] \(SKU A, line_ref 7\): .*substituted B for A \(2 shipped, 2 ordered\)",
    ):
        plans.plan_shipment(
            shipment([{"sku": "A", "line_ref": "7", "shipped": 2, "ordered": 2, "substitute_sku": "B"}])
        )
    with pytest.raises(BusinessRuleError, match="substituted another item"):
        plans.plan_shipment(shipment([{"sku": "A", "shipped": 2, "status": "substituted"}]))
    with pytest.raises(BusinessRuleError, match=r"over-shipment \(3 shipped, 2 ordered\)") as caught:
        plans.plan_shipment(shipment([{"sku": "A", "shipped": 3, "ordered": 2, "status": "over"}]))
    assert caught.value.code == "shipment.over_shipped"


def test_one_package_without_lines_holds_everything():
    plan = plans.plan_shipment(
        shipment(
            [{"sku": "A", "shipped": 2}, {"sku": "B", "shipped": 1}],
            packages=[{"sscc": "000000000000000017", "tracking_number": "1Z1"}],
        )
    )
    assert all(p.package == 0 for line in plan.lines for p in line.pieces)
    assert plan.packages[0].holds_pieces and plan.packages[0].name == "000000000000000017"
    assert plan.tracking_numbers == ["1Z1"]


def test_package_lines_split_pieces_and_name_lots():
    plan = plans.plan_shipment(
        shipment(
            [
                {
                    "sku": "A",
                    "shipped": 5,
                    "lots": [{"name": "L1", "quantity": 3}, {"name": "L2", "quantity": 2}],
                },
                {"sku": "B", "shipped": 2},
            ],
            packages=[
                {
                    "sscc": "000000000000000017",
                    "tracking_number": "1Z1",
                    "lines": [{"sku": "A", "quantity": 2, "lot": "L2"}, {"sku": "A", "quantity": 1}],
                },
                {
                    "lpn": "LPN-2",
                    "tracking_number": "1Z1",
                    "lines": [{"sku": "A", "quantity": 2}, {"sku": "B", "quantity": 2, "lot": "BL"}],
                },
                {"tracking_number": "1Z3"},
            ],
        )
    )
    assert sorted(pieces(plan.lines[0]), key=lambda p: (p[3], p[1])) == [
        (Decimal(1), "L1", False, 0),
        (Decimal(2), "L2", False, 0),
        (Decimal(2), "L1", False, 1),
    ]
    assert pieces(plan.lines[1]) == [(Decimal(2), "BL", False, 1)]  # the lot comes from the package
    assert [p.holds_pieces for p in plan.packages] == [True, True, False]
    assert [p.name for p in plan.packages] == ["000000000000000017", "LPN-2", None]
    assert plan.tracking_numbers == ["1Z1", "1Z3"]


def test_package_errors_name_the_package_line():
    with pytest.raises(MappingError, match=r"packages\[0\]\.lines\[0\]: no line of the shipment has SKU Z"):
        plans.plan_shipment(
            shipment([{"sku": "A", "shipped": 1}], packages=[{"lines": [{"sku": "Z", "quantity": 1}]}])
        )
    with pytest.raises(MappingError, match=r"packages\[1\]\.lines\[0\]: 2 of A packed, but .* only 1"):
        plans.plan_shipment(
            shipment(
                [{"sku": "A", "shipped": 2}],
                packages=[{"lines": [{"sku": "A", "quantity": 1}]}, {"lines": [{"sku": "A", "quantity": 2}]}],
            )
        )
    with pytest.raises(MappingError, match=r"packages\[1\]: LPN-1 is also the SSCC/LPN of packages\[0\]"):
        plans.plan_shipment(
            shipment([{"sku": "A", "shipped": 1}], packages=[{"lpn": "LPN-1"}, {"lpn": "LPN-1"}])
        )


def test_rest_action_final_then_line_status_then_policy():
    assert plans.rest_action(None, "backorder") == plans.BACKORDER
    assert plans.rest_action(None, "cancel") == plans.CANCEL
    assert plans.rest_action("backorder", "cancel") == plans.BACKORDER
    assert plans.rest_action("cancelled", "backorder") == plans.CANCEL
    assert plans.rest_action("backorder", "backorder", final=True) == plans.CANCEL
    with pytest.raises(ValueError, match="short policy"):
        plans.rest_action(None, "shrug")
