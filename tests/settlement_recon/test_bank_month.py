"""The sandbox month generator and its bank files, read back by lib.bank."""

from decimal import Decimal

import pytest
from sandbox.bank import expected_canonical, generate_month, write_camt053, write_mt940

from odoo.addons.integration_core.lib import canonical
from odoo.addons.settlement_recon.lib import bank
from odoo.addons.settlement_recon.lib.matching import Payout, check_payout

FORMATS = [
    ("camt.053.001.02", lambda statements: write_camt053(statements, "001.02")),
    ("camt.053.001.08", lambda statements: write_camt053(statements, "001.08")),
    ("mt940", lambda statements: write_mt940(statements, style="german")),
    ("mt940", lambda statements: write_mt940(statements, style="dutch")),
]


@pytest.fixture(scope="module")
def month():
    return generate_month(orders=1500, seed=11)


def test_the_same_seed_gives_the_same_month(month):
    again = generate_month(orders=1500, seed=11)
    assert again.payouts == month.payouts and again.order_txns == month.order_txns
    assert write_mt940(again.statements["EUR"]) == write_mt940(month.statements["EUR"])
    assert generate_month(orders=1500, seed=12).payouts != month.payouts


def test_payouts_are_canonical_and_pass_the_integrity_gate(month):
    providers = {payout["provider"] for payout in month.payouts}
    assert providers == {"shopify_payments", "stripe", "paypal"}
    assert {payout["currency"] for payout in month.payouts} == {"EUR", "USD"}
    for payout in month.payouts:
        canonical.validate("payout", payout)
        assert check_payout(Payout.from_canonical(payout)).ok
    families = {line["family"] for payout in month.payouts for line in payout["lines"]}
    assert {"charge", "refund", "dispute", "reserve_hold", "reserve_release", "adjustment"} <= families
    assert any(line.get("presentment_currency") for payout in month.payouts for line in payout["lines"])


def test_every_line_is_paid_out_and_has_its_truth(month):
    lines = [line for payout in month.payouts for line in payout["lines"]]
    assert {line["external_id"] for line in lines} == set(month.line_truth)
    assert all(line["payout_id"] for line in lines)


def test_statements_chain_their_balances(month):
    for statements in month.statements.values():
        for previous, statement in zip(statements, statements[1:], strict=False):
            assert statement.opening_balance == previous.closing_balance
            assert statement.opening_date == previous.closing_date


def test_the_truth_places_every_payout_once(month):
    for fmt in ("camt.053.001.02", "mt940"):
        groups = month.truth_groups(fmt)
        placed = [payout for payouts, _lines in groups for payout in payouts]
        assert sorted(placed) == sorted(payout["external_id"] for payout in month.payouts)
    # camt splits batches, MT940 books them as one line: more N:1 groups in MT940
    many = {fmt: sum(len(p) > 1 for p, _l in month.truth_groups(fmt)) for fmt in ("camt.053.001.08", "mt940")}
    assert many["mt940"] > many["camt.053.001.08"]


@pytest.mark.parametrize("fmt,write", FORMATS, ids=["camt02", "camt08", "mt940-de", "mt940-nl"])
@pytest.mark.parametrize("account", ["EUR", "USD"])
def test_files_read_back_as_written(month, fmt, write, account):
    statements = month.statements[account]
    document, warnings = bank.parse_with_warnings(write(statements))
    assert document["format"] == fmt and warnings == []
    got = [
        (
            entry["amount"],
            entry["booking_date"],
            entry["bank_reference"],
            entry["end_to_end_id"],
            entry["counterparty"]["iban"],
        )
        for statement in document["statements"]
        for entry in statement["entries"]
    ]
    want = [
        (
            entry["amount"],
            entry["booking_date"],
            entry["bank_reference"],
            entry["end_to_end_id"],
            entry["counterparty_iban"],
        )
        for statement in expected_canonical(statements, fmt)
        for entry in statement["entries"]
    ]
    assert got == want
    assert [statement["closing_balance"] for statement in document["statements"]] == [
        f"{statement.closing_balance:.2f}" for statement in statements
    ]


def test_camt_batches_are_split_and_mt940_batches_name_their_payouts(month):
    statements = month.statements["EUR"] + month.statements["USD"]
    batch = next(entry for statement in statements for entry in statement.entries if entry.batch)
    day = next(statement for statement in statements if batch in statement.entries)
    document = bank.parse(write_camt053(day, "001.08"))
    parts = [entry for entry in document["statements"][0]["entries"] if entry["batch"]]
    assert len(parts) >= len(batch.transactions)
    assert parts[0]["batch"]["entry_amount"] == f"{batch.amount:.2f}"
    mt940 = bank.parse(write_mt940(day))
    (line,) = [
        entry
        for entry in mt940["statements"][0]["entries"]
        if entry["bank_reference"] == batch.bank_reference
    ]
    remittance = line["remittance"].replace(" ", "")
    assert all(tx.end_to_end_id in remittance for tx in batch.transactions if tx.end_to_end_id)


def test_mt940_styles_and_line_lengths(month):
    german = write_mt940(month.statements["EUR"]).decode("ascii")
    dutch = write_mt940(month.statements["EUR"], style="dutch").decode("ascii")
    assert "?20EREF+" in german and ":25:37040044/" in german
    assert "/EREF/" in dutch and ":25:DE" in dutch
    assert max(len(line) for line in german.split("\r\n")) <= 65


def test_the_noise_is_there():
    month = generate_month(orders=20000, seed=7)
    stats = month.stats
    assert stats["batches"] and stats["collective"] and stats["fx"] and stats["unrelated"] > 50
    assert 0 < stats["missing_references"] < stats["payouts"] * 0.06
    reasons = {truth[1] for truth in month.line_truth.values() if truth[0] == "unmatched"}
    assert reasons == {"no_order_found", "amount_differs", "unknown_type"}
    fx = [
        tx
        for s in month.statements["EUR"]
        for e in s.entries
        for tx in e.transactions
        if tx.original_currency
    ]
    assert all(abs(tx.amount - tx.original_amount * tx.exchange_rate) < Decimal("0.03") for tx in fx)
