"""Amounts without binary floats, compared with a currency's rounding.

The plain twin of Odoo's ``currency.round`` / ``currency.compare_amounts``
(``float_round`` / ``float_compare`` with ``precision_rounding``), on
:class:`~decimal.Decimal`, for mappers, parsers and tests that have no
currency record. The ORM layer uses the currency itself.

::

    total = money.total(line["unit_price"] * line["quantity"] for line in lines)
    money.compare(total, order["totals"]["total"], "0.01")  # -1, 0 or 1
    money.differs_by_more(odoo_total, channel_total, tolerance="0.05", rounding="0.01")

Every function takes Decimals, ints, decimal strings (``"19.99"``, as
Shopify sends money) and floats; a float is read as the shortest decimal
that prints it (``0.1`` is ``Decimal("0.1")``, not 0.1000000000000000055...),
which is what an Odoo float field holding a rounded amount means.
Rounding is half away from zero, as Odoo's ``float_round``.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

ZERO = Decimal(0)
CENT = Decimal("0.01")
# ISO 4217 minor units that are not 2 (every other currency has cents); a
# provider that counts otherwise (Stripe keeps ISK two-decimal) says so itself
MINOR_UNITS = {
    **dict.fromkeys("BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF".split(), 0),
    **dict.fromkeys("BHD IQD JOD KWD LYD OMR TND".split(), 3),
    **dict.fromkeys("CLF UYW".split(), 4),
}


def to_decimal(value):
    """``value`` as a finite Decimal; None stays None. A bool, a non-number
    or a non-finite number is a ValueError."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, bool):
        raise ValueError(f"{value!r} is not an amount")
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        result = Decimal(repr(value))  # 'nan' / 'inf' give non-finite Decimals, refused below
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation:
            raise ValueError(f"{value!r} is not an amount") from None
    else:
        raise ValueError(f"{value!r} is not an amount")
    if not result.is_finite():
        raise ValueError(f"{value!r} is not a finite amount")
    return result


def _rounding(rounding):
    step = to_decimal(rounding)
    if step is None or step <= 0:
        raise ValueError(f"A rounding is a positive amount, not {rounding!r}")
    return step


def round_amount(value, rounding=CENT):
    """``value`` rounded to a multiple of ``rounding`` (0.01, 0.05, 1...),
    half away from zero, with the exponent of ``rounding`` (19.9 -> 19.90)."""
    step = _rounding(rounding)
    units = (to_decimal(value) / step).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return (units * step).quantize(step)


def is_zero(value, rounding=CENT):
    """True when ``value`` rounds to zero."""
    return round_amount(value, rounding) == 0


def compare(first, second, rounding=CENT):
    """-1, 0 or 1 as ``first`` is less than, equal to or more than
    ``second`` once both are rounded to ``rounding`` (Odoo's
    ``compare_amounts``)."""
    difference = round_amount(first, rounding) - round_amount(second, rounding)
    return (difference > 0) - (difference < 0)


def differs_by_more(first, second, tolerance=ZERO, rounding=CENT):
    """True when the two amounts, rounded, differ by more than ``tolerance``
    (itself at least one ``rounding`` unit apart is what counts)."""
    difference = (round_amount(first, rounding) - round_amount(second, rounding)).copy_abs()
    return compare(difference, max(to_decimal(tolerance) or ZERO, ZERO), rounding) > 0


def total(amounts):
    """The exact sum of ``amounts`` (Nones left out) as a Decimal."""
    return sum((to_decimal(amount) for amount in amounts if amount is not None), ZERO)


def to_float(value):
    """For an Odoo float or monetary field, at the ORM boundary only (the
    field rounds it to its digits): None becomes 0.0."""
    return float(to_decimal(value)) if value is not None else 0.0


def minor_units(currency):
    """Decimals of ``currency``'s minor unit (ISO 4217): 2, 0 for JPY, 3 for KWD."""
    return MINOR_UNITS.get((currency or "").upper(), 2)


def currency_quantum(currency):
    """``currency``'s smallest unit as a Decimal: 0.01, 1 (JPY), 0.001 (KWD)."""
    return Decimal(1).scaleb(-minor_units(currency))
