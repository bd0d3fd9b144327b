"""Step 2: the payout integrity gate."""

from decimal import Decimal

from matching_examples import line, payout

from odoo.addons.settlement_recon.lib.matching import Payout, check_payout


def test_a_payout_whose_lines_add_up_passes():
    lines = [
        line("c", "charge", "100.00", "3.20"),
        line("r", "refund", "-10.00"),
        line("d", "dispute", "-20", "15"),
    ]
    gate = check_payout(payout("po_1", "51.80", lines=lines))
    assert gate.ok and gate.difference == 0 and gate.lines_total == Decimal("51.80")


def test_a_missing_cent_is_named_never_balanced():
    gate = check_payout(payout("po_1", "96.81", lines=[line("c", "charge", "100.00", "3.20")]))
    assert not gate.ok
    assert gate.difference == Decimal("0.01")
    assert "0.01 EUR unexplained" in gate.detail


def test_a_line_whose_net_is_not_amount_minus_fee_is_named():
    gate = check_payout(
        payout("po_1", "97.00", lines=[line("c", "charge", "100.00", "3.20", net=Decimal("97.00"))])
    )
    assert not gate.ok and gate.difference == 0
    assert gate.line_errors == (("c", Decimal("96.80"), Decimal("97.00")),)


def test_amounts_are_quantized_to_the_currency():
    lines = [line("c", "charge", "1000", "30", currency="JPY")]
    assert check_payout(payout("po_1", "970", currency="JPY", lines=lines)).ok
    lines = [line("c", "charge", "10.000", "0.300", currency="KWD")]
    gate = check_payout(payout("po_1", "9.701", currency="KWD", lines=lines))
    assert gate.difference == Decimal("0.001")


def test_a_line_in_another_currency_fails():
    gate = check_payout(payout("po_1", "10.00", lines=[line("c", "charge", "10.00", currency="USD")]))
    assert not gate.ok and "USD line" in gate.detail


def test_from_a_canonical_payout():
    canonical = {
        "schema_version": 1,
        "provider": "stripe",
        "external_id": "po_1",
        "status": "paid",
        "direction": "credit",
        "amount": "96.80",
        "currency": "EUR",
        "arrival_date": "2026-03-02",
        "trace_reference": "TRACE12345",
        "lines": [
            {
                "schema_version": 1,
                "provider": "stripe",
                "external_id": "txn_1",
                "provider_type": "charge",
                "family": "charge",
                "amount": "100.00",
                "fee": "3.20",
                "net": "96.80",
                "currency": "EUR",
                "order_transaction_id": "ch_1",
            }
        ],
    }
    record = Payout.from_canonical(canonical)
    assert record.lines[0].payout_id == "po_1" and record.arrival_date.isoformat() == "2026-03-02"
    assert check_payout(record).ok
