"""scripts/demo_bank_statement.py: the demo providers' payouts, read from
their sandbox peers over loopback, written as the demo bank's camt.053 and
MT940 statements that settlement_recon's parsers read back."""

import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest

from odoo.addons.settlement_recon.lib import bank

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))

import demo_bank_statement as demo_bank  # noqa: E402

DAY = 86400


@pytest.fixture(scope="module")
def stripe_peer():
    from sandbox.stripe import StripeSandbox

    sandbox = StripeSandbox(now=time.time() - 40 * DAY, currencies=("usd", "eur"), seed=3)
    sandbox.seed_month(orders=60, start=int(time.time() - 40 * DAY), days=30, seed=3, order_prefix="S0")
    sandbox.start()
    yield sandbox
    sandbox.stop()


@pytest.fixture(scope="module")
def paypal_peer():
    from sandbox.paypal import PayPalSandbox

    sandbox = PayPalSandbox(now=time.time() - 40 * DAY, currencies=("USD", "EUR"), seed=5)
    sandbox.seed_month(orders=60, start=int(time.time() - 40 * DAY), days=30, seed=5, order_prefix="P0")
    sandbox.start()
    yield sandbox
    sandbox.stop()


def movements(peer, provider):
    found = [demo_bank.normalise(provider, m) for m in demo_bank.fetch_movements(peer.base_url)]
    return [m for m in found if m]


def test_every_paid_payout_is_one_bank_line_carrying_its_reference(stripe_peer, paypal_peer, tmp_path):
    items = movements(stripe_peer, "stripe") + movements(paypal_peer, "paypal")
    paid = [m for m in stripe_peer.bank_movements() if m["status"] == "paid"]
    assert paid and len([m for m in items if m["provider"] == "stripe"]) == len(paid)
    assert any(m["provider"] == "paypal" for m in items)
    statements = demo_bank.build_statements(items)
    assert set(statements) <= {"USD", "EUR"}
    paths = demo_bank.write_files(statements, tmp_path)
    assert len(paths) == 2 * len(statements)
    for path in paths:
        parsed = bank.parse(path.read_bytes(), path.name)
        currency = path.name.split("-")[2].split(".")[0]
        iban = demo_bank.ACCOUNTS[currency][0]
        ours = [m for m in items if m["currency"] == currency]
        entries = [entry for statement in parsed["statements"] for entry in statement["entries"]]
        assert sorted(Decimal(e["amount"]) for e in entries) == sorted(m["amount"] for m in ours)
        assert all(iban in (statement["account"] or "") for statement in parsed["statements"])
        if path.suffix == ".xml":  # camt: the reference in EndToEndId
            assert {e["end_to_end_id"] for e in entries} == {m["reference"] for m in ours}


def test_balances_follow_on_from_day_to_day():
    day = demo_bank.datetime.date(2026, 10, 1)
    items = [
        {
            "provider": "stripe",
            "payout_id": f"po_{n}",
            "amount": Decimal(amount),
            "currency": "USD",
            "date": day + demo_bank.datetime.timedelta(days=n // 2),
            "reference": f"T{n}",
        }
        for n, amount in enumerate(["10.00", "5.50", "-3.25", "100.00", "7.01"])
    ]
    statements = demo_bank.build_statements(items, opening={"USD": "1000.00"})["USD"]
    assert [len(s.entries) for s in statements] == [2, 2, 1]
    assert statements[0].opening_balance == Decimal("1000.00")
    for before, after in zip(statements, statements[1:], strict=False):
        assert after.opening_balance == before.closing_balance
    assert statements[-1].closing_balance == Decimal("1119.26")


def test_out_of_window_failed_and_foreign_currency_payouts_are_left_out():
    day = demo_bank.datetime.date(2026, 10, 15)
    assert (
        demo_bank.normalise(
            "stripe",
            {"payout_id": "po_1", "amount": "1", "currency": "usd", "date": "2026-10-15", "status": "failed"},
        )
        is None
    )
    items = [
        {
            "provider": "stripe",
            "payout_id": "a",
            "amount": Decimal("1"),
            "currency": "USD",
            "date": day,
            "reference": None,
        },
        {
            "provider": "stripe",
            "payout_id": "b",
            "amount": Decimal("1"),
            "currency": "JPY",
            "date": day,
            "reference": None,
        },
    ]
    assert demo_bank.build_statements(items, since=day + demo_bank.datetime.timedelta(days=1)) == {}
    assert list(demo_bank.build_statements(items)) == ["USD"]


def test_a_silent_peer_is_a_clear_error():
    with pytest.raises(demo_bank.DemoBankError, match="no bank movements"):
        demo_bank.fetch_movements("http://127.0.0.1:9", timeout=1)
