"""The journal entry of a payout, planned without the ORM.

A paid payout is booked as ONE entry in its provider's settlement journal,
in the payout's currency (the clearing-account model accountants know from
A2X-style tools):

- each charge credits the clearing account with its gross amount (the
  capture debited it when the order was paid), each refund debits it;
- disputes and their reversals go to the dispute account, reserves held
  and released to the reserve account, adjustments, currency conversions
  and lines a user sent to suspense to their own accounts;
- the fees of all lines, summed per payout, debit the fee account (a fee
  given back credits it);
- the net paid debits the in-transit account (a negative payout credits it)
  until the bank line arrives and is matched to it.

With signed amounts (a charge +, a refund -, fee positive when charged)
every line is ``credit <role>(amount)`` and ``debit fee(fee)``, and the
entry balances exactly when the integrity gate holds: the lines' nets add
up to the payout and each line's amount - fee = net. A payout that fails
the gate is refused with the difference named; nothing here ever adds a
balancing line.

The plan is a list of :class:`PlannedLine` in the payout's currency; the
Odoo layer turns each role into the provider account's account and
converts to the company currency.
"""

from dataclasses import dataclass
from decimal import Decimal

from odoo.addons.integration_core.lib.exceptions import PermanentError

# family -> the account role its gross amount is booked to
ROLE_OF_FAMILY = {
    "charge": "clearing",
    "refund": "clearing",
    "dispute": "dispute",
    "dispute_reversal": "dispute",
    "reserve_hold": "reserve",
    "reserve_release": "reserve",
    "adjustment": "adjustment",
    "fee": "fee",
    "currency_conversion": "fx",
    "transfer": "transit",
    "suspense": "suspense",
}
ROLES = ("clearing", "transit", "fee", "dispute", "reserve", "adjustment", "fx", "rounding", "suspense")


class IntegrityGateFailed(PermanentError):
    """A payout whose lines do not explain it: never booked with a
    balancing line, kept as an exception naming the difference."""

    category = "validation"


@dataclass(frozen=True)
class PlannedLine:
    """One journal item: ``amount`` is signed (debit > 0, credit < 0), in
    the payout's currency; ``line_keys`` are the settlement lines it books."""

    role: str
    amount: Decimal
    label: str
    line_keys: tuple = ()
    partner_key: object = None


def quantum(decimals):
    return Decimal(1).scaleb(-decimals)


def plan_payout_entry(payout_amount, lines, decimals=2, label=""):
    """The journal items of a payout whose lines passed the integrity gate
    (lib/matching's :func:`~.matching.check_payout`: the caller checks it and
    names what is wrong).

    ``lines``: objects or dicts with key, family (a key of ROLE_OF_FAMILY),
    amount, fee, net, label and partner_key (None when no order is known).
    Raises :class:`IntegrityGateFailed` when the items do not balance (lines
    that never passed the gate), and a PermanentError for a family that has
    no account (unknown, payout)."""
    q = quantum(decimals)
    planned = []
    fee_total, fee_keys = Decimal(0), []
    for line in lines:
        family = _get(line, "family")
        role = ROLE_OF_FAMILY.get(family)
        if role is None:
            raise PermanentError(
                f"line {_get(line, 'key')}: a line of type {family!r} has no account; "
                "map its provider type to a family first"
            )
        amount, fee = _get(line, "amount").quantize(q), _get(line, "fee").quantize(q)
        if amount:
            planned.append(
                PlannedLine(
                    role,
                    -amount,
                    _get(line, "label") or family,
                    (_get(line, "key"),),
                    _get(line, "partner_key"),
                )
            )
        if fee:
            fee_total += fee
            fee_keys.append(_get(line, "key"))
    if fee_total:
        planned.append(PlannedLine("fee", fee_total, f"{label} fees".strip(), tuple(fee_keys)))
    net = Decimal(payout_amount).quantize(q)
    if net:
        planned.append(PlannedLine("transit", net, f"{label} paid out".strip()))
    unbalanced = sum(p.amount for p in planned)
    if unbalanced:
        raise IntegrityGateFailed(f"{label}: the lines leave {unbalanced} unexplained")
    return planned


def _get(line, name):
    if isinstance(line, dict):
        return line.get(name)
    return getattr(line, name, None)
