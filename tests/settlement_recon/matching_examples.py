"""Small builders of the matching cascade's plain records, for the tests."""

from datetime import date
from decimal import Decimal

from odoo.addons.settlement_recon.lib.matching import BankLine, Line, OrderTxn, Payout

D = Decimal
MONDAY = date(2026, 3, 2)


def txn(key, amount, currency="EUR", kind="sale", provider="stripe", order_ref=None, transaction_id=None):
    return OrderTxn(
        key=key,
        provider=provider,
        transaction_id=transaction_id or key,
        amount=D(amount),
        currency=currency,
        kind=kind,
        order_ref=order_ref,
    )


def line(key, family, amount, fee="0", otid=None, currency="EUR", provider="stripe", **extra):
    amount, fee = D(amount), D(fee)
    return Line(
        key=key,
        provider=provider,
        family=family,
        amount=amount,
        fee=fee,
        net=extra.pop("net", amount - fee),
        currency=currency,
        order_transaction_id=otid,
        **extra,
    )


def payout(
    key, amount, arrival=MONDAY, trace=None, provider="stripe", currency="EUR", lines=(), status="paid"
):
    return Payout(
        key=key,
        provider=provider,
        amount=D(amount),
        currency=currency,
        arrival_date=arrival,
        trace_reference=trace,
        external_id=key,
        status=status,
        lines=tuple(lines),
    )


def bank(
    key, amount, booked=MONDAY, currency="EUR", e2e=None, remittance=None, name=None, iban=None, **extra
):
    return BankLine(
        key=key,
        amount=D(amount),
        currency=currency,
        booking_date=booked,
        value_date=extra.pop("value_date", booked),
        end_to_end_id=e2e,
        remittance=remittance,
        counterparty_name=name,
        counterparty_iban=iban,
        **extra,
    )
