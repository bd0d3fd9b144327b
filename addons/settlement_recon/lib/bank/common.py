"""What the camt and MT940 readers share: the error they raise, amounts as
canonical decimal strings, and the warnings they collect.

A bank file is read whole or refused: :class:`BankFileError` names where
the file is broken (an XML element path with its line, or an MT940 line and
tag) and why. What the readers can read but find odd (a batch whose
transactions do not add up, a balance in another currency) is not an
error: it becomes a warning, a ``"where: what"`` string returned beside the
canonical document (see :func:`..parse_with_warnings`), never inside it.
"""

from decimal import Decimal, InvalidOperation

from odoo.addons.integration_core.lib.exceptions import ValidationFailed
from odoo.addons.integration_core.lib.money import minor_units

#: ISO 4217 currencies whose minor unit is not 2 decimals (2 is the default).
#: The fields of a canonical entry, in the order they are written.
ENTRY_FIELDS = (
    "amount",
    "currency",
    "booking_date",
    "value_date",
    "status",
    "end_to_end_id",
    "bank_reference",
    "entry_reference",
    "remittance",
    "counterparty",
    "transaction_code",
    "mandate_id",
    "creditor_id",
    "batch",
    "raw",
)
#: The canonical schema's bounds: at most 13 integer digits and 6 decimals.
AMOUNT_LIMIT = Decimal("1e13")
MAX_DECIMALS = 6


class BankFileError(ValidationFailed):
    """The file is no bank statement we can read, or is broken.

    ``location`` says where (``"BkToCstmrStmt/Stmt[1]/Ntry[3]/Amt, line 120"``,
    ``"line 14 (:61:)"``) or is None when the problem is the file as a whole
    (empty, unknown format); ``reason`` says what. The message is
    ``"<location>: <reason>"``. A :class:`ValidationFailed`, hence permanent:
    the same file fails the same way until someone fixes it.
    """

    def __init__(self, reason, location=None):
        message = f"{location}: {reason}" if location else reason
        super().__init__(message, errors=[message])
        self.reason = reason
        self.location = location


def minor_unit(currency):
    """Decimals of ``currency``'s minor unit (2 when unknown)."""
    return minor_units(currency)


def amount_text(value, currency):
    """``value`` (a Decimal, signed) as a canonical decimal string with the
    decimals of ``currency``'s minor unit: ``8.850`` EUR is ``"8.85"``,
    ``2700`` JPY ``"2700"``, ``0`` SEK ``"0.00"``.

    A bank's amount is never rounded: when it has more significant decimals
    than the currency (a five-decimal camt amount), they are kept. Raises
    ValueError when the amount is beyond the canonical bounds.
    """
    if not value.is_finite() or abs(value) >= AMOUNT_LIMIT:
        raise ValueError(f"{value} is beyond the canonical bounds (below 10^13)")
    rounded = value.quantize(Decimal(1).scaleb(-minor_unit(currency)))
    exact = rounded if rounded == value else value.normalize()
    text = f"{exact:f}"
    if "." in text and len(text.split(".")[1]) > MAX_DECIMALS:
        raise ValueError(f"{text} has more than {MAX_DECIMALS} decimals")
    return text[1:] if text.startswith("-") and exact == 0 else text


def canonical_entry(values):
    """An entry with every field of :data:`ENTRY_FIELDS`, in that order
    (absent ones null; the counterparty always an object)."""
    entry = {field: values.get(field) for field in ENTRY_FIELDS}
    party = entry["counterparty"] or {}
    entry["counterparty"] = {key: party.get(key) or None for key in ("name", "iban", "bic")}
    return entry


def to_decimal(text):
    """A Decimal from an amount's text, or None when it is none."""
    try:
        value = Decimal(text)
    except (InvalidOperation, TypeError, ValueError):
        return None
    return value if value.is_finite() else None
