"""GS1 numbers the partner writes: the mod-10 check digit and SSCC-18.

GS1 General Specifications, section 7.9: weights 3 and 1 alternate from the
rightmost digit of the number without its check digit; the check digit
brings the weighted sum to a multiple of ten. An SSCC is the extension
digit, the GS1 company prefix and a serial reference (17 digits together),
then the check digit.
"""


def check_digit(digits):
    """The GS1 mod-10 check digit of ``digits`` (a string of digits)."""
    if not digits.isdigit():
        raise ValueError(f"GS1 numbers are digits only, not {digits!r}")
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return str((10 - total % 10) % 10)


def is_valid(number):
    """True when the last digit of ``number`` is its GS1 check digit."""
    return len(number) > 1 and number.isdigit() and check_digit(number[:-1]) == number[-1]


def sscc(company_prefix, serial, extension="0"):
    """The 18-digit SSCC of ``serial`` under ``company_prefix``."""
    width = 16 - len(company_prefix)
    if width < 1 or len(str(serial)) > width:
        raise ValueError(f"serial {serial} does not fit an SSCC with company prefix {company_prefix}")
    body = f"{extension}{company_prefix}{int(serial):0{width}d}"
    return body + check_digit(body)
