"""Steps 3 to 5: payouts against bank lines, ambiguity, subset sums, tolerances."""

from datetime import date, timedelta
from decimal import Decimal

from matching_examples import MONDAY, bank, payout

from odoo.addons.settlement_recon.lib.matching import MatchConfig, find_subsets, match_bank, naive_match

STRIPE = "Stripe Technology Europe Ltd"


def pairs(result, automatic=True):
    return {
        (match.rule, match.left_keys, match.right_keys)
        for match in result.matches
        if match.automatic == automatic
    }


def test_the_trace_reference_matches_automatically():
    result = match_bank(
        [payout("po_1", "96.80", trace="ST-7KQ2ZP4D")], [bank("b1", "96.80", e2e="ST-7KQ2ZP4D")]
    )
    assert pairs(result) == {("reference", ("po_1",), ("b1",))}
    assert result.matches[0].score == 6 and not result.unmatched


def test_the_reference_is_found_in_any_field_whatever_the_case_and_spaces():
    remittance = "STRIPE PAYOUT st-7kq2 zp4d  THANK YOU"
    result = match_bank(
        [payout("po_1", "96.80", trace="ST-7KQ2ZP4D")], [bank("b1", "96.80", remittance=remittance)]
    )
    assert pairs(result) == {("reference", ("po_1",), ("b1",))}


def test_the_amount_the_currency_and_the_window_must_agree():
    trace = "ST-7KQ2ZP4D"
    lines = [
        bank("other_amount", "96.81", e2e=trace),
        bank("other_currency", "96.80", currency="USD", e2e=trace),
        bank("too_late", "96.80", booked=MONDAY + timedelta(days=8), e2e="x"),
    ]
    result = match_bank([payout("po_1", "96.80", trace=trace)], lines)
    assert not result.automatic


def test_the_window_counts_business_days_and_holidays():
    config = MatchConfig(holidays=frozenset({date(2026, 3, 9)}))
    # Monday + 5 business days = next Monday; with that Monday a holiday, Tuesday
    late = bank("b1", "50.00", booked=date(2026, 3, 10), name=STRIPE)
    assert match_bank([payout("po_1", "50.00")], [late], config=config).automatic
    assert not match_bank([payout("po_1", "50.00")], [late]).automatic
    early = bank("b2", "50.00", booked=date(2026, 2, 27), name=STRIPE)  # the Friday before
    assert match_bank([payout("po_1", "50.00")], [early]).automatic
    too_early = bank("b3", "50.00", booked=date(2026, 2, 26), name=STRIPE)
    assert not match_bank([payout("po_1", "50.00")], [too_early]).automatic


def test_without_a_reference_the_counterparty_and_uniqueness_make_it_automatic():
    result = match_bank([payout("po_1", "96.80")], [bank("b1", "96.80", name=STRIPE)])
    assert pairs(result) == {("counterparty", ("po_1",), ("b1",))}


def test_without_reference_nor_counterparty_it_is_a_suggestion():
    result = match_bank([payout("po_1", "96.80")], [bank("b1", "96.80", name="ACME GMBH")])
    assert not result.automatic and pairs(result, False) == {("amount_date", ("po_1",), ("b1",))}


def test_two_equal_payouts_and_one_bank_line_is_a_suggestion():
    payouts = [payout("po_1", "96.80"), payout("po_2", "96.80", arrival=MONDAY + timedelta(days=1))]
    result = match_bank(payouts, [bank("b1", "96.80", name=STRIPE)])
    assert not result.automatic
    assert {match.left_keys for match in result.suggestions} == {("po_1",), ("po_2",)}


def test_one_payout_and_two_equal_bank_lines_is_a_suggestion_listing_both():
    lines = [bank("b1", "96.80", name=STRIPE), bank("b2", "96.80", name=STRIPE, booked=MONDAY + timedelta(1))]
    result = match_bank([payout("po_1", "96.80")], lines)
    (suggestion,) = result.suggestions
    assert not result.automatic
    assert {suggestion.right_keys, *(right for _left, right in suggestion.alternatives)} == {("b1",), ("b2",)}


def test_references_settle_what_amounts_alone_cannot():
    payouts = [payout("po_1", "96.80", trace="TRACE-AAAA1"), payout("po_2", "96.80", trace="TRACE-BBBB2")]
    lines = [bank("b1", "96.80", e2e="TRACE-BBBB2"), bank("b2", "96.80", e2e="TRACE-AAAA1")]
    assert pairs(match_bank(payouts, lines)) == {
        ("reference", ("po_1",), ("b2",)),
        ("reference", ("po_2",), ("b1",)),
    }


def test_a_line_naming_another_payout_is_never_taken_by_amount():
    payouts = [payout("po_1", "96.80", trace="TRACE-AAAA1"), payout("po_2", "50.00", trace="TRACE-BBBB2")]
    result = match_bank(payouts, [bank("b1", "96.80", e2e="TRACE-BBBB2", name=STRIPE)])
    assert not result.automatic and not result.suggestions


def test_a_reference_on_two_lines_is_not_automatic():
    trace = "TRACE-AAAA1"
    lines = [bank("b1", "96.80", e2e=trace), bank("b2", "96.80", e2e=trace)]
    assert not match_bank([payout("po_1", "96.80", trace=trace)], lines).automatic


def test_a_negative_payout_matches_a_debit():
    result = match_bank(
        [payout("po_1", "-20.00", trace="TRACE-NEG01")], [bank("b1", "-20.00", e2e="TRACE-NEG01")]
    )
    assert pairs(result) == {("reference", ("po_1",), ("b1",))}
    assert not match_bank([payout("po_1", "-20.00")], [bank("b1", "20.00", name=STRIPE)]).matches


def test_failed_payouts_are_not_matched():
    result = match_bank([payout("po_1", "20.00", status="failed")], [bank("b1", "20.00", name=STRIPE)])
    assert result.unmatched_by_reason() == {"not_paid": 1, "no_payout_found": 1}


def test_unmatched_reasons():
    result = match_bank([payout("po_1", "20.00")], [bank("rent", "-1500.00", name="Landlord")])
    assert {(item.key, item.reason_code) for item in result.unmatched} == {
        ("po_1", "no_bank_line"),
        ("rent", "no_payout_found"),
    }


# --- N:1 and 1:N ---------------------------------------------------------------------


def test_a_collective_line_naming_its_payouts_matches_them_all():
    payouts = [
        payout("po_1", "100.00", trace="TRACE-AAAA1"),
        payout("po_2", "50.25", trace="TRACE-BBBB2", arrival=MONDAY + timedelta(1)),
        payout("po_3", "70.00", trace="TRACE-CCCC3"),
    ]
    line = bank("b1", "150.25", remittance="SAMMLER TRACE-AAAA1 TRACE-BBBB2", name=STRIPE)
    result = match_bank(payouts, [line])
    assert pairs(result) == {("subset_n1", ("po_1", "po_2"), ("b1",))}


def test_a_collective_line_without_references_is_a_suggestion():
    payouts = [payout("po_1", "100.00"), payout("po_2", "50.25"), payout("po_3", "70.10")]
    result = match_bank(payouts, [bank("b1", "150.25", name=STRIPE)])
    assert not result.automatic
    (suggestion,) = result.suggestions
    assert (suggestion.rule, suggestion.left_keys) == ("subset_n1", ("po_1", "po_2"))
    assert "the only subset" in suggestion.reason


def test_several_subsets_are_listed_as_alternatives():
    payouts = [payout(f"po_{n}", amount) for n, amount in enumerate(["10.00", "20.00", "30.00", "40.00"])]
    result = match_bank(payouts, [bank("b1", "50.00", name=STRIPE)])
    (suggestion,) = result.suggestions
    assert suggestion.alternatives and "one of several" in suggestion.reason


def test_a_split_payout_matches_its_lines_when_they_carry_its_reference():
    trace = "TRACE-SPLIT1"
    lines = [bank("b1", "600.00", e2e=trace), bank("b2", "400.50", e2e=trace, booked=MONDAY + timedelta(1))]
    result = match_bank([payout("po_1", "1000.50", trace=trace)], lines)
    assert pairs(result) == {("subset_1n", ("po_1",), ("b1", "b2"))}


def test_a_split_payout_without_references_is_a_suggestion():
    lines = [bank("b1", "600.00", name=STRIPE), bank("b2", "400.50", name=STRIPE)]
    result = match_bank([payout("po_1", "1000.50")], lines)
    assert not result.automatic and result.suggestions[0].rule == "subset_1n"


def test_the_subset_search_is_bounded_and_exact():
    items = [(f"k{n}", Decimal("0.10")) for n in range(30)]
    search = find_subsets(Decimal("1.50"), items, Decimal("0.01"), max_operations=1000)
    assert search.subsets and not search.complete and not search.unique
    search = find_subsets(Decimal("0.30"), [("a", Decimal("0.1")), ("b", Decimal("0.2"))], Decimal("0.01"))
    assert search.unique and search.subsets == (("b", "a"),)  # exact: 0.1 + 0.2 == 0.3 in Decimal
    assert not find_subsets(
        Decimal("0.31"), [("a", Decimal("0.1")), ("b", Decimal("0.2"))], Decimal("0.01")
    ).subsets


def test_only_the_closest_candidates_enter_the_subset_search():
    config = MatchConfig(max_subset_candidates=3)
    payouts = [payout(f"po_{n}", "10.00", arrival=MONDAY + timedelta(days=n % 2)) for n in range(8)]
    result = match_bank(payouts, [bank("b1", "40.00", name=STRIPE)], config=config)
    assert not result.suggestions  # three candidates of 10.00 cannot make 40.00


# --- tolerances --------------------------------------------------------------------


def test_a_rounding_difference_within_the_tolerance_is_carried():
    config = MatchConfig(rounding_tolerance={"EUR": Decimal("0.02")})
    trace = "TRACE-ROUND1"
    result = match_bank(
        [payout("po_1", "96.80", trace=trace)], [bank("b1", "96.79", e2e=trace)], config=config
    )
    (match,) = result.automatic
    assert (match.rule, match.difference, match.difference_kind) == (
        "tolerance",
        Decimal("-0.01"),
        "rounding",
    )
    assert not match_bank(
        [payout("po_1", "96.80", trace=trace)], [bank("b1", "96.77", e2e=trace)], config=config
    ).matches
    assert not match_bank([payout("po_1", "96.80", trace=trace)], [bank("b1", "96.79", e2e=trace)]).matches


def test_a_tolerance_match_without_reference_is_only_a_suggestion():
    config = MatchConfig(rounding_tolerance={"EUR": Decimal("0.02")})
    result = match_bank([payout("po_1", "96.80")], [bank("b1", "96.79", name=STRIPE)], config=config)
    assert not result.automatic and result.suggestions[0].difference_kind == "rounding"


def test_an_fx_conversion_within_the_tolerance_is_carried():
    config = MatchConfig(
        fx_rate=lambda source, target, day: Decimal("0.9215") if (source, target) == ("USD", "EUR") else None,
        fx_tolerance={"EUR": Decimal("0.05")},
    )
    trace = "TRACE-FXUSD1"
    usd = payout("po_1", "1000.00", currency="USD", trace=trace, provider="paypal")
    result = match_bank([usd], [bank("b1", "921.47", e2e=trace)], config=config)
    (match,) = result.automatic
    assert (match.difference, match.difference_kind) == (Decimal("-0.03"), "fx")
    assert not match_bank([usd], [bank("b1", "921.47", e2e=trace)]).matches


# --- the baseline --------------------------------------------------------------------


def test_the_naive_matcher_takes_the_first_line_of_the_amount():
    payouts = [payout("po_1", "96.80"), payout("po_2", "96.80")]
    lines = [bank("b1", "96.80", currency="USD"), bank("b2", "96.80")]
    result = naive_match(payouts, lines)
    assert pairs(result) == {("naive", ("po_1",), ("b1",)), ("naive", ("po_2",), ("b2",))}


def test_a_line_with_another_end_to_end_id_is_not_taken_by_counterparty():
    result = match_bank(
        [payout("po_1", "96.80", trace="TRACE-AAAA1")], [bank("b1", "96.80", e2e="OTHER-REF-99", name=STRIPE)]
    )
    assert not result.automatic and result.suggestions


def test_a_collective_line_naming_some_of_its_payouts_takes_the_one_rest():
    payouts = [
        payout("po_1", "100.00", trace="TRACE-AAAA1"),
        payout("po_2", "50.25", trace="TRACE-BBBB2"),
        payout("po_3", "70.10", trace="TRACE-CCCC3"),
        payout("po_4", "33.00", trace="TRACE-DDDD4"),
    ]
    line = bank("b1", "220.35", remittance="SAMMLER TRACE-AAAA1 TRACE-BBBB2", name=STRIPE)
    (match,) = match_bank(payouts, [line]).automatic
    assert (match.rule, match.left_keys) == ("subset_n1", ("po_1", "po_2", "po_3"))


def test_a_collective_line_naming_some_payouts_with_two_possible_rests_is_a_suggestion():
    payouts = [
        payout("po_1", "100.00", trace="TRACE-AAAA1"),
        payout("po_3", "70.10", trace="TRACE-CCCC3"),
        payout("po_4", "70.10", trace="TRACE-DDDD4"),
    ]
    line = bank("b1", "170.10", remittance="SAMMLER TRACE-AAAA1", name=STRIPE)
    result = match_bank(payouts, [line])
    assert not result.automatic
    (suggestion,) = result.suggestions
    assert suggestion.alternatives and "named by reference" in suggestion.reason


def test_the_rest_of_a_collective_line_needs_the_counterparty():
    payouts = [payout("po_1", "100.00", trace="TRACE-AAAA1"), payout("po_3", "70.10", trace="TRACE-CCCC3")]
    line = bank("b1", "170.10", remittance="SAMMLER TRACE-AAAA1", name="Some Bank")
    assert not match_bank(payouts, [line]).automatic


def test_fx_uses_the_rate_of_the_booking_day():
    rates = {MONDAY: Decimal("0.9200"), MONDAY + timedelta(days=2): Decimal("0.9300")}
    config = MatchConfig(
        fx_rate=lambda source, target, day: rates.get(day) if (source, target) == ("USD", "EUR") else None,
        fx_tolerance={"EUR": Decimal("0.05")},
    )
    usd = payout("po_1", "1000.00", currency="USD", trace="TRACE-FXUSD1", provider="paypal")
    line = bank("b1", "930.01", booked=MONDAY + timedelta(days=2), e2e="TRACE-FXUSD1")
    (match,) = match_bank([usd], [line], config=config).automatic
    assert (match.difference, match.difference_kind) == (Decimal("0.01"), "fx")


def test_a_payout_whose_window_just_misses_the_line_still_makes_it_uncertain():
    # po_late's own line was booked late (day 8); po_now's line is missing:
    # only po_now's window holds the line, yet it may well be po_late's
    payouts = [payout("po_late", "10.00"), payout("po_now", "10.00", arrival=MONDAY + timedelta(days=1))]
    line = bank("b1", "10.00", booked=MONDAY + timedelta(days=8), name=STRIPE)
    result = match_bank(payouts, [line])
    assert not result.automatic and result.suggestions
