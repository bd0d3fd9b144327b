"""reconcile: a 3PL's snapshot against Odoo's quantities, classified."""

import time
from decimal import Decimal as D

import pytest

from odoo.addons.integration_core.lib.exceptions import MappingError
from odoo.addons.tpl_connector.lib import reconcile as rc

TOL = rc.Tolerance(absolute=2, percent=10)


def by_key(variances):
    return {v.key: v for v in variances}


def test_drift_is_classified_by_tolerance():
    ours = {(1, None): D(100), (2, None): D(100), (3, None): D(50)}
    theirs = {(1, None): D(100), (2, None): D(98), (3, None): D(40)}
    result = by_key(rc.reconcile(theirs, ours, True, TOL))
    assert result[(1, None)].status == rc.MATCHED
    assert result[(2, None)].status == rc.AUTO
    assert result[(2, None)].difference == D(-2)
    assert result[(3, None)].status == rc.APPROVE
    assert result[(3, None)].difference == D(-10)


def test_every_limit_set_must_hold():
    # 2 of 10 is within the absolute limit but 20 %
    assert not TOL.within(D(10), D(2))
    assert rc.Tolerance(absolute=2).within(D(10), D(2))
    assert rc.Tolerance(percent=10).within(D(1000), D(100))
    assert not rc.Tolerance(percent=10).within(D(0), D(1)), "any quantity is an infinite percent of 0"
    assert not rc.Tolerance().within(D(100), D("0.001")), "no tolerance: everything is approved"


def test_complete_snapshot_holds_unlisted_at_zero_partial_ignores_them():
    ours = {(1, None): D(5), (2, None): D(7)}
    theirs = {(1, None): D(5)}
    complete = by_key(rc.reconcile(theirs, ours, True, TOL))
    assert complete[(2, None)].tpl_qty == 0
    assert complete[(2, None)].difference == D(-7)
    partial = by_key(rc.reconcile(theirs, ours, False, TOL))
    assert (2, None) not in partial


def test_partial_snapshot_compares_every_lot_of_a_listed_product():
    ours = {(1, "A"): D(5), (1, "B"): D(3), (2, "C"): D(1)}
    theirs = {(1, "A"): D(5), (1, "N"): D(2)}
    result = by_key(rc.reconcile(theirs, ours, False, TOL))
    assert set(result) == {(1, "A"), (1, "B"), (1, "N")}
    assert result[(1, "B")].difference == D(-3)
    assert result[(1, "N")].odoo_qty == 0 and result[(1, "N")].difference == D(2)


def test_value_when_a_cost_is_given():
    result = rc.reconcile({(1, None): D(8)}, {(1, None): D(10)}, True, TOL, costs={1: D("2.50")})
    assert result[0].value == D("-5.00")
    assert rc.reconcile({(1, None): D(8)}, {(1, None): D(10)}, True, TOL)[0].value is None


def test_a_decrease_into_released_reservations_waits():
    ours = {(1, None): D(100)}
    theirs = {(1, None): D(99)}
    protected = {(1, None): (D(100), "WH/OUT/00001 holds 100")}
    (variance,) = rc.reconcile(theirs, ours, True, TOL, protected=protected)
    assert variance.status == rc.APPROVE
    assert "WH/OUT/00001" in variance.reason
    # an increase, or a decrease leaving enough, is not held
    (fine,) = rc.reconcile({(1, None): D(99)}, ours, True, TOL, protected={(1, None): (D(50), "x")})
    assert fine.status == rc.AUTO and fine.reason is None
    assert rc.cuts_reservation(D(10), D(-3), D(8))
    assert not rc.cuts_reservation(D(10), D(-2), D(8))
    assert not rc.cuts_reservation(D(10), D(5), D(80))


def test_translate_maps_units_lots_and_names_unknown_skus():
    table = {"CASE-1": (1, 12, False), "SERUM": (2, 1, True)}
    items = [
        {"sku": "CASE-1", "on_hand": 2, "lot": "ignored"},
        {"sku": "SERUM", "on_hand": 5, "lot": "L1"},
        {"sku": "SERUM", "on_hand": 1, "lot": "L1"},
        {"sku": "SERUM", "on_hand": 3, "lot": None},
    ]
    theirs = rc.translate(items, table.get)
    assert theirs == {(1, None): D(24), (2, "L1"): D(6), (2, None): D(3)}
    with pytest.raises(MappingError) as caught:
        rc.translate([{"sku": "CASE-1", "on_hand": 1}, {"sku": "NOPE", "on_hand": 1}], table.get)
    assert "items[1].sku: NOPE" in str(caught.value)


def test_counts_and_keep_matched():
    ours = {(i, None): D(10) for i in range(5)}
    theirs = dict(ours)
    theirs[(0, None)] = D(9)
    theirs[(1, None)] = D(1)
    variances = rc.reconcile(theirs, ours, True, TOL)
    assert rc.counts(variances) == {rc.MATCHED: 3, rc.AUTO: 1, rc.APPROVE: 1}
    assert len(rc.reconcile(theirs, ours, True, TOL, keep_matched=False)) == 2


def test_fifty_thousand_skus_in_one_pass():
    # a generous bound (shared CPUs): what it catches is a search per key,
    # which takes minutes at this size; scripts/bench-tpl-inventory measures
    ours = {(i, None): D(100) for i in range(50_000)}
    theirs = {(i, None): D(100 + (i % 7) - 3) for i in range(50_000)}
    start = time.perf_counter()
    variances = rc.reconcile(theirs, ours, True, TOL)
    elapsed = time.perf_counter() - start
    assert len(variances) == 50_000
    assert elapsed < 10.0


def test_stats_count_what_was_compared_without_matched_objects():
    ours = {(1, None): D(5), (2, None): D(7), (3, "L"): D(1)}
    theirs = {(1, None): D(5), (2, None): D(6)}
    stats = {}
    variances = rc.reconcile(theirs, ours, True, TOL, keep_matched=False, stats=stats)
    assert stats == {"compared": 3, "matched": 1}
    assert [v.key for v in sorted(variances, key=lambda v: v.product)] == [(2, None), (3, "L")]


def test_collapse_lots_sums_a_product_counted_without_lots():
    ours = {(1, "A"): D(5), (1, "B"): D(3), (2, "C"): D(1)}
    assert rc.collapse_lots(ours, {1}) == {(1, None): D(8), (2, "C"): D(1)}
    assert rc.collapse_lots(ours, set()) is ours
