"""GS1 keys for shipping: the mod-10 check digit, SSCC-18 and GS1-128 element strings.

Plain functions, no ORM. The Odoo layer owns what needs a database: the
serial sequence per company prefix and the table that keeps an SSCC from
being reused within 12 months (GS1's rule). This module only builds,
checks and takes apart the numbers.

The GS1 check digit (GS1 General Specifications, "check digit calculation")
is the same for every fixed-length numeric key: GTIN-8/12/13/14, GLN (13)
and SSCC (18). Weights 3 and 1 alternate from the rightmost digit before the
check digit (which gets 3); the check digit brings the weighted sum up to a
multiple of ten::

    >>> check_digit("10614141123456789")
    '7'
    >>> validate_sscc("106141411234567897")
    '106141411234567897'

An SSCC has 18 digits: an extension digit (0-9, chosen freely by the
company to widen its capacity), the GS1 Company Prefix, a serial reference
filling the 16 digits after the extension digit, and the check digit::

    1 0614141 123456789 7
    | |       |         `- check digit
    | |       `- serial reference (16 - len(prefix) digits)
    | `- GS1 Company Prefix
    `- extension digit

GS1-128 carton labels carry it behind Application Identifier (00); a label
also often carries (02) the GTIN of the contained items with (37) their
count, (400) the customer's purchase order number, (410) the ship-to GLN and
(420) the ship-to postal code. :func:`element_string` writes the human
readable text, :func:`barcode_data` the data a GS1-128 symbol encodes (FNC1
first, a group separator after each variable-length field that is not last).
"""

import re
from dataclasses import dataclass

from odoo.addons.integration_core.lib import gs1

# GS1 Company Prefixes are 4 to 12 digits (GS1 General Specifications); GS1 US
# issues 6 to 10, most SSCC users hold 7 to 10. A shorter prefix leaves more
# serial references: prefix + serial reference are always 16 digits.
PREFIX_LENGTHS = range(4, 13)
SSCC_LENGTH = 18
GTIN_LENGTHS = (8, 12, 13, 14)
GLN_LENGTH = 13

GROUP_SEPARATOR = "\x1d"  # ASCII GS: ends a variable-length field in the symbol's data
SYMBOLOGY_ID = "]C1"  # what a scanner reports before the data of a GS1-128 symbol

_DIGITS = re.compile(r"^[0-9]+$")
# GS1 AI encodable character set 82 (General Specifications, figure 7.11-1)
_CSET82 = re.compile(r"^[!\"%&'()*+,\-./0-9:;<=>?A-Z_a-z]*$")


class InvalidKey(ValueError):
    """A GS1 key (SSCC, GTIN, GLN) or an element string value that is not
    valid; the message says which key and what is wrong with it."""


def check_digit(body):
    """The GS1 mod-10 check digit (a one-character string) of ``body``, the
    key's digits without their check digit (integration_core's
    :func:`~odoo.addons.integration_core.lib.gs1.check_digit`)."""
    try:
        return gs1.check_digit(body)
    except ValueError as exc:
        raise InvalidKey(str(exc)) from None


def with_check_digit(body):
    """``body`` followed by its check digit."""
    return f"{body}{check_digit(body)}"


def is_valid(code, lengths=None):
    """Whether ``code`` is all digits, of one of ``lengths`` (any when None),
    and ends with its correct check digit."""
    try:
        _validate(code, "GS1 key", lengths)
    except InvalidKey:
        return False
    return True


def _validate(code, name, lengths):
    code = "" if code is None else str(code)
    if not code:
        raise InvalidKey(f"{name}: empty")
    if not _DIGITS.match(code):
        raise InvalidKey(f"{name} {code!r}: only digits are allowed")
    if lengths and len(code) not in lengths:
        expected = " or ".join(str(n) for n in lengths)
        raise InvalidKey(f"{name} {code!r}: {len(code)} digits, expected {expected}")
    if len(code) < 2:
        raise InvalidKey(f"{name} {code!r}: too short to carry a check digit")
    expected_digit = check_digit(code[:-1])
    if code[-1] != expected_digit:
        raise InvalidKey(f"{name} {code!r}: check digit {code[-1]} is wrong, it should be {expected_digit}")
    return code


def validate_gtin(code):
    """``code`` when it is a valid GTIN-8, -12, -13 or -14; else :class:`InvalidKey`."""
    return _validate(code, "GTIN", GTIN_LENGTHS)


def validate_gln(code):
    """``code`` when it is a valid 13-digit GLN; else :class:`InvalidKey`."""
    return _validate(code, "GLN", (GLN_LENGTH,))


def gtin14(code):
    """A valid GTIN padded with zeros to the 14 digits of AI (01)/(02)."""
    return validate_gtin(code).rjust(14, "0")


# --- SSCC --------------------------------------------------------------------------


def normalize_sscc(code):
    """The 18 digits of an SSCC as partners write it: bare, behind "(00)" as
    on a label, with spaces, or as the 20 digits "00" + SSCC that many 856
    guides put in MAN02 (qualifier GM: "SSCC-18 and Application Identifier").
    Does not check the digits (see :func:`validate_sscc`)."""
    text = "" if code is None else str(code).strip()
    if text.startswith("(00)"):
        text = text[4:]
    text = text.replace(" ", "")
    if len(text) == SSCC_LENGTH + 2 and text.startswith("00"):
        text = text[2:]
    return text


def validate_sscc(code):
    """The 18-digit SSCC of ``code`` (any form :func:`normalize_sscc` takes)
    when it is valid; else :class:`InvalidKey` saying what is wrong (length,
    a non-digit, the check digit)."""
    return _validate(normalize_sscc(code), "SSCC", (SSCC_LENGTH,))


def _check_prefix(prefix):
    prefix = "" if prefix is None else str(prefix)
    if not _DIGITS.match(prefix) or len(prefix) not in PREFIX_LENGTHS:
        raise InvalidKey(
            f"GS1 Company Prefix {prefix!r}: {PREFIX_LENGTHS.start} to {PREFIX_LENGTHS.stop - 1} digits expected"
        )
    return prefix


def serial_capacity(prefix):
    """How many serial references one extension digit gives the company
    prefix ``prefix`` (10 ** (16 - its length)); the ten extension digits
    multiply it by ten."""
    return 10 ** (SSCC_LENGTH - 2 - len(_check_prefix(prefix)))


def next_sscc(extension, prefix, serial):
    """The SSCC for serial reference number ``serial`` (an int, or digits)
    under ``prefix`` with extension digit ``extension``: the serial is padded
    with zeros to fill the 16 digits after the extension digit and the check
    digit is appended.

    The caller allocates ``serial`` (an Odoo sequence) and keeps the
    12-month no-reuse rule; :class:`InvalidKey` when the serial does not fit
    the prefix's capacity (time to use another extension digit).
    """
    extension = str(extension)
    if len(extension) != 1 or not extension.isdigit():
        raise InvalidKey(f"SSCC extension digit {extension!r}: one digit 0-9 expected")
    prefix = _check_prefix(prefix)
    try:
        number = int(str(serial))
    except ValueError:
        raise InvalidKey(f"SSCC serial reference {serial!r}: a whole number expected") from None
    capacity = serial_capacity(prefix)
    if number < 0 or number >= capacity:
        raise InvalidKey(
            f"SSCC serial reference {serial!r}: out of range 0..{capacity - 1} for the {len(prefix)}-digit prefix {prefix}"
        )
    width = SSCC_LENGTH - 2 - len(prefix)
    return with_check_digit(f"{extension}{prefix}{number:0{width}d}")


@dataclass(frozen=True)
class SsccParts:
    """An SSCC taken apart. ``company_prefix`` and ``serial_reference`` are
    None when the prefix length is unknown: it cannot be read from the number
    itself, only from the GS1 member organisation that issued it."""

    sscc: str
    extension: str
    company_prefix: str | None
    serial_reference: str | None
    check_digit: str

    @property
    def reference(self):
        """The 16 digits between the extension digit and the check digit."""
        return self.sscc[1:-1]


def parse_sscc(code, prefix=None, prefix_length=None):
    """``code`` (validated) split into its parts.

    Give ``prefix`` (a company prefix to match: :class:`InvalidKey` when the
    SSCC is not under it) or ``prefix_length`` to split the reference into
    company prefix and serial reference."""
    sscc = validate_sscc(code)
    if prefix is not None:
        prefix = _check_prefix(prefix)
        if sscc[1 : 1 + len(prefix)] != prefix:
            raise InvalidKey(f"SSCC {sscc}: not under the GS1 Company Prefix {prefix}")
        prefix_length = len(prefix)
    company_prefix = serial_reference = None
    if prefix_length is not None:
        if int(prefix_length) not in PREFIX_LENGTHS:
            raise InvalidKey(f"GS1 Company Prefix length {prefix_length}: 4 to 12 expected")
        company_prefix = sscc[1 : 1 + int(prefix_length)]
        serial_reference = sscc[1 + int(prefix_length) : -1]
    return SsccParts(sscc, sscc[0], company_prefix, serial_reference, sscc[-1])


# --- GS1-128 element strings ----------------------------------------------------------

# AI -> (title, fixed length or None, maximum length, numeric only)
APPLICATION_IDENTIFIERS = {
    "00": ("SSCC", 18, 18, True),
    "01": ("GTIN", 14, 14, True),
    "02": ("CONTENT", 14, 14, True),
    "10": ("BATCH/LOT", None, 20, False),
    "37": ("COUNT", None, 8, True),
    "400": ("ORDER NUMBER", None, 30, False),
    "410": ("SHIP TO LOC", 13, 13, True),
    "420": ("SHIP TO POST", None, 20, False),
}


def _ai_value(ai, value):
    if ai not in APPLICATION_IDENTIFIERS:
        raise InvalidKey(f"AI ({ai}): not supported here (known: {', '.join(APPLICATION_IDENTIFIERS)})")
    title, fixed, maximum, numeric = APPLICATION_IDENTIFIERS[ai]
    value = "" if value is None else str(value)
    if ai == "00":
        return validate_sscc(value)
    if ai in ("01", "02"):
        return gtin14(value)
    if ai == "410":
        return validate_gln(value)
    if not value:
        raise InvalidKey(f"AI ({ai}) {title}: empty value")
    if numeric and not _DIGITS.match(value):
        raise InvalidKey(f"AI ({ai}) {title} {value!r}: digits only")
    if not _CSET82.match(value):
        raise InvalidKey(f"AI ({ai}) {title} {value!r}: a character outside GS1's character set 82")
    if len(value) > maximum:
        raise InvalidKey(f"AI ({ai}) {title} {value!r}: at most {maximum} characters")
    return value


def _pairs(fields):
    items = fields.items() if isinstance(fields, dict) else fields
    pairs = [(str(ai), _ai_value(str(ai), value)) for ai, value in items]
    ais = [ai for ai, _ in pairs]
    if len(set(ais)) != len(ais):
        raise InvalidKey(f"an AI is repeated in {ais}")
    # GS1 pairing rules of a logistic label: (02) and (37) go together, on a logistic unit (00)
    if ("02" in ais) != ("37" in ais):
        raise InvalidKey("AI (02) CONTENT and (37) COUNT go together")
    if "02" in ais and "00" not in ais:
        raise InvalidKey("AI (02) CONTENT identifies the contents of a logistic unit: (00) SSCC is required")
    return pairs


def element_string(fields):
    """The human readable element string of ``fields`` (a dict or pairs of
    AI and value, in label order): ``"(00)106141411234567897(02)..."``.
    Every value is checked (SSCC/GTIN/GLN check digits, lengths,
    characters)."""
    return "".join(f"({ai}){value}" for ai, value in _pairs(fields))


def barcode_data(fields):
    """What a GS1-128 symbol of ``fields`` encodes, after its leading FNC1:
    AIs and values run together, a group separator (ASCII 29) after each
    variable-length value that is not the last one."""
    pairs = _pairs(fields)
    out = []
    for index, (ai, value) in enumerate(pairs):
        out.append(ai + value)
        fixed = APPLICATION_IDENTIFIERS[ai][1]
        if fixed is None and index < len(pairs) - 1:
            out.append(GROUP_SEPARATOR)
    return "".join(out)


def sscc_element_string(code):
    """``"(00)"`` followed by the 18-digit SSCC: the text under a carton's barcode."""
    return element_string([("00", code)])


def carton_label_fields(
    sscc, gtin=None, count=None, po_number=None, ship_to_gln=None, ship_to_postal_code=None
):
    """The AI pairs of a GS1 logistic label in the usual order: (00), then
    (02)+(37) when ``gtin`` and ``count`` are given (a carton of one
    product), (400), (410), (420). Checked like :func:`element_string`."""
    fields = [("00", sscc)]
    if gtin is not None or count is not None:
        fields += [("02", gtin), ("37", count)]
    if po_number:
        fields.append(("400", po_number))
    if ship_to_gln:
        fields.append(("410", ship_to_gln))
    if ship_to_postal_code:
        fields.append(("420", ship_to_postal_code))
    return _pairs(fields)
