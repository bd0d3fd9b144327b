"""What the Stripe and PayPal mappers share, and nothing else.

- :data:`FAMILIES`: the canonical families of a settlement line, read from
  the settlement_line schema itself (the contract), so a family table of a
  provider can be checked against it (:func:`check_family_table`);
- :func:`family_of`: a provider type looked up in a family table; a type
  the table does not know is ``"unknown"``, never an error: the Odoo layer
  queues such lines until a user maps the type to a family;
- :func:`decimal_string`: a Decimal as a canonical decimal string
  (``"-12.30"``, ``"1500"``, never ``"1.5E+3"`` nor ``"-0"``);
- :func:`amount_from`: a provider's amount read as a Decimal, a clear
  :class:`MappingError` naming where when it is not one;
- :func:`rfc3339` and :func:`checked`: timestamps in the canonical format,
  and a mapped payload validated against its canonical kind.
"""

from datetime import datetime, timezone
from decimal import Decimal

from odoo.addons.integration_core.lib import canonical, money
from odoo.addons.integration_core.lib.exceptions import MappingError

__all__ = [
    "FAMILIES",
    "UNKNOWN",
    "amount_from",
    "as_utc",
    "check_family_table",
    "checked",
    "decimal_string",
    "family_of",
    "rfc3339",
]

FAMILIES = tuple(canonical.load_schema("settlement_line")["properties"]["family"]["enum"])
UNKNOWN = "unknown"
DECIMAL_PLACES = 6  # the canonical decimal pattern allows at most six places


def family_of(table, provider_type):
    """The family of ``provider_type`` in ``table`` (a dict), ``"unknown"``
    for a type the table does not name."""
    return table.get(provider_type, UNKNOWN)


def check_family_table(table):
    """Raise ValueError when ``table`` maps a type to something that is not
    a canonical family (a plain test runs this on every provider's table)."""
    wrong = sorted(f"{key} -> {value}" for key, value in table.items() if value not in FAMILIES)
    if wrong:
        raise ValueError(f"not canonical families: {', '.join(wrong)}")
    return table


def decimal_string(value):
    """``value`` (a Decimal, int or decimal string) as the canonical decimal
    string: fixed point, its own exponent kept (``Decimal("19.90")`` ->
    ``"19.90"``), zero without a sign. More than six places is rounded to
    six (half even), the most the canonical pattern allows (exchange rates)."""
    number = money.to_decimal(value)
    if number.as_tuple().exponent < -DECIMAL_PLACES:
        number = number.quantize(Decimal(1).scaleb(-DECIMAL_PLACES))
    if number == 0:
        number = number.copy_abs()
    return f"{number:f}"


def amount_from(value, where):
    """``value`` (a provider's amount: an int of minor units, a decimal
    string) as a finite Decimal; a :class:`MappingError` naming ``where``
    (e.g. ``"transaction_info.fee_amount.value"``) when it is not one."""
    try:
        number = money.to_decimal(value)
    except ValueError:
        number = None
    if number is None:
        raise MappingError(
            template="%(where)s is not an amount: %(value)r",
            params={"where": where, "value": value},
            code="settlement.amount_invalid",
        )
    return number


def rfc3339(moment):
    """An aware datetime as canonical RFC 3339 in UTC, to the second
    (``2024-05-01T14:00:00Z``). A naive datetime is taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def as_utc(moment):
    """``moment`` (an aware or naive datetime, naive meaning UTC) in UTC."""
    if not isinstance(moment, datetime):
        raise TypeError(f"expected a datetime, got {moment!r}")
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def checked(kind, payload):
    """``payload`` validated against the canonical ``kind`` (payout,
    settlement_line); :class:`ValidationFailed` listing every problem
    otherwise. Every mapper's output goes through here."""
    return canonical.validate(kind, payload)
