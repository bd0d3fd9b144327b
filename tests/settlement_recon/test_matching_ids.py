"""Step 1: settlement lines against order transactions (exact ids)."""

from decimal import Decimal

from matching_examples import line, txn

from odoo.addons.settlement_recon.lib.matching import match_lines


def only(result):
    assert len(result.matches) + len(result.unmatched) == 1
    return (result.matches or result.unmatched)[0]


def test_a_charge_matches_its_transaction_by_id():
    match = only(match_lines([line("L1", "charge", "12.30", "0.50", otid="ch_1")], [txn("ch_1", "12.30")]))
    assert (match.rule, match.left_keys, match.right_keys, match.automatic) == (
        "exact_id",
        ("L1",),
        ("ch_1",),
        True,
    )
    assert match.score == 3


def test_a_refund_matches_the_refund_transaction():
    lines = [line("L2", "refund", "-5.00", otid="re_1")]
    match = only(match_lines(lines, [txn("ch_1", "12.30"), txn("re_1", "5.00", kind="refund")]))
    assert match.right_keys == ("re_1",) and match.automatic


def test_no_order_found():
    item = only(match_lines([line("L1", "charge", "12.30", otid="ch_404")], [txn("ch_1", "12.30")]))
    assert item.reason_code == "no_order_found" and "ch_404" in item.detail


def test_amount_differs_names_both_amounts():
    item = only(match_lines([line("L1", "charge", "12.30", otid="ch_1")], [txn("ch_1", "12.40")]))
    assert item.reason_code == "amount_differs"
    assert "12.30" in item.detail and "12.40" in item.detail


def test_two_lines_claiming_one_transaction_are_both_duplicates():
    lines = [line("L1", "charge", "12.30", otid="ch_1"), line("L2", "charge", "12.30", otid="ch_1")]
    result = match_lines(lines, [txn("ch_1", "12.30")])
    assert not result.matches
    assert {(item.key, item.reason_code) for item in result.unmatched} == {
        ("L1", "duplicate"),
        ("L2", "duplicate"),
    }
    assert "L2" in result.unmatched[0].detail


def test_a_dispute_and_its_reversal_may_both_name_the_sale():
    lines = [
        line("L1", "charge", "50.00", otid="ch_1"),
        line("L2", "dispute", "-50.00", "15.00", otid="ch_1"),
        line("L3", "dispute_reversal", "50.00", "-15.00", otid="ch_1"),
    ]
    result = match_lines(lines, [txn("ch_1", "50.00")])
    assert len(result.automatic) == 3 and not result.unmatched


def test_unknown_type():
    item = only(match_lines([line("L1", "unknown", "1.00", provider_type="T9999")], []))
    assert item.reason_code == "unknown_type" and "T9999" in item.detail


def test_currency_differs_unless_the_presentment_currency_is_the_orders():
    fx = line(
        "L1",
        "charge",
        "9.21",
        otid="ch_1",
        presentment_amount=Decimal("10.00"),
        presentment_currency="USD",
    )
    assert only(match_lines([fx], [txn("ch_1", "10.00", currency="USD")])).automatic
    item = only(
        match_lines([line("L1", "charge", "9.21", otid="ch_1")], [txn("ch_1", "10.00", currency="GBP")])
    )
    assert item.reason_code == "currency_differs"


def test_a_refund_line_naming_a_sale_is_kind_differs():
    item = only(match_lines([line("L1", "refund", "-12.30", otid="ch_1")], [txn("ch_1", "12.30")]))
    assert item.reason_code == "kind_differs"


def test_fee_and_reserve_lines_are_booked_by_family():
    lines = [
        line("F", "fee", "-2.00"),
        line("R", "reserve_hold", "-100.00"),
        line("RR", "reserve_release", "100"),
    ]
    result = match_lines(lines, [])
    assert [(match.rule, match.right_keys) for match in result.matches] == [("family", ())] * 3


def test_without_an_id_the_order_ref_gives_the_one_fitting_transaction():
    txns = [txn("t1", "20.00", order_ref="#1001"), txn("t2", "5.00", order_ref="#1001")]
    match = only(match_lines([line("L1", "charge", "20.00", order_ref="#1001")], txns))
    assert (match.rule, match.right_keys, match.automatic) == ("order_ref", ("t1",), True)


def test_two_fitting_transactions_of_one_order_give_a_suggestion():
    txns = [txn("t1", "20.00", order_ref="#1001"), txn("t2", "20.00", order_ref="#1001")]
    match = only(match_lines([line("L1", "charge", "20.00", order_ref="#1001")], txns))
    assert not match.automatic and match.alternatives == ((("L1",), ("t2",)),)


def test_the_order_ref_never_takes_a_transaction_claimed_by_id():
    txns = [txn("t1", "20.00", order_ref="#1001")]
    lines = [line("L1", "charge", "20.00", otid="t1"), line("L2", "charge", "20.00", order_ref="#1001")]
    result = match_lines(lines, txns)
    assert [match.left_keys for match in result.matches] == [("L1",)]
    assert result.unmatched[0].reason_code == "no_order_found"


def test_the_provider_is_part_of_the_id():
    item = only(
        match_lines([line("L1", "charge", "1.00", otid="X1", provider="paypal")], [txn("X1", "1.00")])
    )
    assert item.reason_code == "no_order_found"


def test_a_dispute_naming_the_sale_does_not_hide_it_from_the_order_ref():
    txns = [txn("t1", "20.00", order_ref="#1001")]
    lines = [
        line("L1", "charge", "20.00", order_ref="#1001"),
        line("L2", "dispute", "-20.00", "15", otid="t1"),
    ]
    result = match_lines(lines, txns)
    assert {(match.rule, match.left_keys) for match in result.automatic} == {
        ("order_ref", ("L1",)),
        ("exact_id", ("L2",)),
    }
