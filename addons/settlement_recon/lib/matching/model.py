"""The plain records the matching cascade works on, and what it returns.

The Odoo layer fills the inputs from its records (or straight from the
canonical payloads with the ``from_canonical`` constructors) and writes the
results back: a :class:`Match` names the rule that made it, its score, the
keys on both sides and whether it may be applied without a user; an
:class:`Unmatched` names the item, a reason code and a readable detail.

Keys are opaque strings chosen by the caller (record ids, external ids):
the cascade only compares them for equality. Amounts are
:class:`~decimal.Decimal`, dates :class:`datetime.date`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from odoo.addons.integration_core.lib.money import currency_quantum, to_decimal

# families whose lines settle an order transaction (the others are booked to
# an account by their family: fees, reserves, adjustments...)
ORDER_FAMILIES = frozenset({"charge", "refund", "dispute", "dispute_reversal"})
ACCOUNT_FAMILIES = frozenset(
    {"fee", "reserve_hold", "reserve_release", "adjustment", "currency_conversion", "transfer", "payout"}
)


def quantum(currency):
    """The currency's smallest unit as a Decimal: 0.01, 1 (JPY), 0.001 (KWD)."""
    return currency_quantum(currency)


def quantize(amount, currency):
    """``amount`` rounded to the currency's minor unit (half away from zero)."""
    return to_decimal(amount).quantize(quantum(currency), rounding=ROUND_HALF_UP)


def _date(value):
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


@dataclass(frozen=True)
class OrderTxn:
    """A payment transaction as the channel order knows it (Shopify
    OrderTransaction, Stripe charge or refund, PayPal sale or refund).

    ``amount`` is positive as the order shows it, ``kind`` is ``sale``
    (a sale or capture) or ``refund``; ``currency`` the order's currency."""

    key: str
    provider: str
    transaction_id: str
    amount: Decimal
    currency: str
    kind: str = "sale"
    order_ref: str | None = None
    date: date | None = None


@dataclass(frozen=True)
class Line:
    """A canonical settlement line plus the payout it was paid in."""

    key: str
    provider: str
    family: str
    amount: Decimal
    fee: Decimal
    net: Decimal
    currency: str
    payout_id: str | None = None
    provider_type: str | None = None
    order_transaction_id: str | None = None
    order_ref: str | None = None
    presentment_amount: Decimal | None = None
    presentment_currency: str | None = None

    @classmethod
    def from_canonical(cls, line, payout_id=None, key=None):
        """From a settlement_line.v1 dict (decimal strings)."""
        return cls(
            key=key or line["external_id"],
            provider=line["provider"],
            family=line["family"],
            amount=to_decimal(line["amount"]),
            fee=to_decimal(line["fee"]),
            net=to_decimal(line["net"]),
            currency=line["currency"],
            payout_id=line.get("payout_id") or payout_id,
            provider_type=line.get("provider_type"),
            order_transaction_id=line.get("order_transaction_id"),
            order_ref=line.get("order_ref"),
            presentment_amount=to_decimal(line.get("presentment_amount")),
            presentment_currency=line.get("presentment_currency"),
        )


@dataclass(frozen=True)
class Payout:
    """A canonical payout header (with its lines for the integrity gate)."""

    key: str
    provider: str
    amount: Decimal
    currency: str
    arrival_date: date | None = None
    trace_reference: str | None = None
    external_id: str | None = None
    status: str = "paid"
    lines: tuple = ()

    @classmethod
    def from_canonical(cls, payout, key=None):
        """From a payout.v1 dict; its lines become :class:`Line` records."""
        return cls(
            key=key or payout["external_id"],
            provider=payout["provider"],
            amount=to_decimal(payout["amount"]),
            currency=payout["currency"],
            arrival_date=_date(payout.get("arrival_date")),
            trace_reference=payout.get("trace_reference"),
            external_id=payout["external_id"],
            status=payout.get("status") or "paid",
            lines=tuple(
                Line.from_canonical(line, payout["external_id"]) for line in payout.get("lines") or ()
            ),
        )


@dataclass(frozen=True)
class BankLine:
    """A booked bank statement line (one transaction of a split batch)."""

    key: str
    amount: Decimal
    currency: str
    booking_date: date
    value_date: date | None = None
    end_to_end_id: str | None = None
    bank_reference: str | None = None
    entry_reference: str | None = None
    remittance: str | None = None
    counterparty_name: str | None = None
    counterparty_iban: str | None = None

    @classmethod
    def from_canonical(cls, entry, statement_currency, key):
        """From one entry of a bank_statement.v1 statement."""
        counterparty = entry.get("counterparty") or {}
        return cls(
            key=key,
            amount=to_decimal(entry["amount"]),
            currency=entry.get("currency") or statement_currency,
            booking_date=_date(entry["booking_date"]),
            value_date=_date(entry.get("value_date")),
            end_to_end_id=entry.get("end_to_end_id"),
            bank_reference=entry.get("bank_reference"),
            entry_reference=entry.get("entry_reference"),
            remittance=entry.get("remittance"),
            counterparty_name=counterparty.get("name"),
            counterparty_iban=counterparty.get("iban"),
        )


@dataclass(frozen=True)
class Rule:
    """A matching rule learned from confirmed manual matches.

    ``kind`` is ``counterparty`` (a bank line from this IBAN or name, whose
    remittance holds every token of ``remittance_tokens``, is a payout of
    ``provider``) or ``date_lag`` (``provider``'s payouts are booked
    ``lag_days`` business days after their arrival date). Until
    ``confirmed`` it only makes suggestions."""

    key: str
    kind: str
    provider: str
    counterparty_iban: str | None = None
    counterparty_name: str | None = None
    remittance_tokens: tuple = ()
    lag_days: int | None = None
    support: int = 0
    confirmed: bool = False


@dataclass(frozen=True)
class Match:
    """One match: ``left_keys`` (settlement lines or payouts) with
    ``right_keys`` (order transactions or bank lines; empty for a line that
    is booked by its family alone).

    ``rule`` names the step that made it (exact_id, order_ref, family,
    reference, counterparty, subset_n1, subset_1n, learned:<rule key>,
    naive), ``score`` how many signals agreed. ``automatic`` False makes it
    a suggestion; ``alternatives`` then lists the other candidates, each a
    (left_keys, right_keys) pair. ``difference`` (right minus left) and
    ``difference_kind`` (``rounding`` or ``fx``) are set by a tolerance
    match, for the Odoo layer to book to its explicit account."""

    rule: str
    score: int
    left_keys: tuple
    right_keys: tuple
    automatic: bool
    reason: str = ""
    difference: Decimal = Decimal(0)
    difference_kind: str | None = None
    alternatives: tuple = ()


@dataclass(frozen=True)
class Unmatched:
    """An item the cascade could not match, with why."""

    key: str
    reason_code: str
    detail: str = ""


@dataclass
class Result:
    """What a matching step returns."""

    matches: list = field(default_factory=list)
    unmatched: list = field(default_factory=list)

    @property
    def automatic(self):
        return [match for match in self.matches if match.automatic]

    @property
    def suggestions(self):
        return [match for match in self.matches if not match.automatic]

    def unmatched_by_reason(self):
        """{reason_code: count}."""
        counts = {}
        for item in self.unmatched:
            counts[item.reason_code] = counts.get(item.reason_code, 0) + 1
        return counts


@dataclass(frozen=True)
class GateResult:
    """The payout integrity gate: ``ok``, or the difference named.

    ``difference`` is the payout amount minus the sum of its lines' nets;
    ``line_errors`` lists (line key, amount - fee, net) for every line
    whose net is not its amount minus its fee."""

    payout_key: str
    ok: bool
    lines_total: Decimal
    difference: Decimal
    line_errors: tuple = ()
    detail: str = ""
