"""What a generated bank statement holds, before any file format.

A :class:`Statement` is one account's day; its :class:`Entry` objects are
bookings as the bank makes them (one amount on the account) and each holds
one or more :class:`Tx` (the payments behind the booking: several for a
batch). The writers (:mod:`.camt`, :mod:`.mt940`) turn statements into
files; :func:`expected_canonical` says what a parser must read back from
them, and :func:`booking_units` which bank lines (keyed by their bank
reference) carry which payouts, for scoring a matcher.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass
class Tx:
    """One payment of a booking. ``payouts`` is the ground truth (the
    provider payouts whose money this is), never written to a file."""

    amount: Decimal
    bank_reference: str
    end_to_end_id: str | None = None
    remittance: str | None = None
    counterparty_name: str | None = None
    counterparty_iban: str | None = None
    counterparty_bic: str | None = None
    payouts: tuple = ()
    original_amount: Decimal | None = None  # FX: what was sent, in original_currency
    original_currency: str | None = None
    exchange_rate: Decimal | None = None


@dataclass
class Entry:
    """One booking on the account. ``batch`` entries list their payments
    with amounts (camt TxDtls, Btch/NbOfTxs); a collective booking is a
    single Tx whose remittance names several payouts."""

    booking_date: date
    value_date: date
    bank_reference: str
    transactions: list
    batch: bool = False
    domain: tuple = ("PMNT", "RCDT", "ESCT")  # camt BkTxCd Domn/Fmly/SubFmly
    gvc: str = "166"  # German business transaction code (166 SEPA credit, 177 transfer, ...)
    posting_text: str = "GUTSCHRIFT"  # German ?00

    @property
    def amount(self):
        return sum((tx.amount for tx in self.transactions), Decimal(0))


@dataclass
class Statement:
    """One statement of one account (a business day)."""

    id: str
    sequence: int
    iban: str
    bic: str
    bank_code: str  # German BLZ, for MT940 :25: BLZ/account
    account_number: str
    owner: str
    currency: str
    opening_date: date
    opening_balance: Decimal
    closing_date: date
    created_at: str
    entries: list = field(default_factory=list)

    @property
    def closing_balance(self):
        return self.opening_balance + sum((entry.amount for entry in self.entries), Decimal(0))


def _text(value):
    return None if value is None else str(value)


def expected_canonical(statements, fmt):
    """The canonical bank_statement (v1) a faithful parser reads from the
    file written for ``statements`` in ``fmt`` (``camt.053.001.02``,
    ``camt.053.001.08``, ``mt940``): only the fields the matcher uses and
    that both formats carry (amount, dates, references, counterparty).
    camt batches are split into their transactions; MT940 cannot split."""
    result = []
    for statement in statements:
        entries = []
        for entry in statement.entries:
            if fmt.startswith("camt") and entry.batch:
                units = [(tx.amount, tx, tx.bank_reference) for tx in entry.transactions]
            elif len(entry.transactions) == 1:
                units = [(entry.amount, entry.transactions[0], entry.bank_reference)]
            else:  # an MT940 batch: one line, the references joined in the purpose
                units = [(entry.amount, None, entry.bank_reference)]
            for amount, tx, reference in units:
                entries.append(
                    {
                        "amount": f"{amount:.2f}",
                        "booking_date": entry.booking_date.isoformat(),
                        "bank_reference": reference,
                        "end_to_end_id": tx.end_to_end_id if tx else None,
                        "counterparty_iban": tx.counterparty_iban
                        if tx
                        else entry.transactions[0].counterparty_iban,
                    }
                )
        result.append({"currency": statement.currency, "entries": entries})
    return result


def booking_units(statements, fmt):
    """[(bank line key, amount, frozenset of payout ids)] as a parser of
    ``fmt`` gives the lines: camt splits batches, MT940 does not. The key
    is the bank reference (camt AcctSvcrRef of the transaction, MT940 the
    :61: reference after //)."""
    units = []
    for statement in statements:
        for entry in statement.entries:
            if fmt.startswith("camt") and entry.batch:
                for tx in entry.transactions:
                    units.append((tx.bank_reference, tx.amount, frozenset(tx.payouts)))
            else:
                payouts = frozenset(p for tx in entry.transactions for p in tx.payouts)
                units.append((entry.bank_reference, entry.amount, payouts))
    return units


def truth_groups(statements, fmt):
    """The true payout <-> bank line groups for ``fmt``: a set of
    (frozenset payout ids, frozenset bank line keys), joined when a payout
    spans several lines (1:N) or a line several payouts (N:1)."""
    parent = {}

    def find(node):
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for key, _amount, payouts in booking_units(statements, fmt):
        for payout in payouts:
            parent[find(("p", payout))] = find(("b", key))
    groups = {}
    for node in list(parent):
        groups.setdefault(find(node), set()).add(node)
    return {
        (
            frozenset(name for kind, name in members if kind == "p"),
            frozenset(name for kind, name in members if kind == "b"),
        )
        for members in groups.values()
    }
