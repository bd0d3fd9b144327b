"""The GS1 mod-10 check digit, shared by every fixed-length numeric GS1 key
(GTIN-8/12/13/14, GLN, SSCC): weights 3 and 1 alternate from the rightmost
digit before the check digit (which gets 3); the check digit brings the
weighted sum up to a multiple of ten (GS1 General Specifications, "check
digit calculation")::

    >>> check_digit("10614141123456789")
    '7'
    >>> is_valid("106141411234567897")
    True
"""


def check_digit(body):
    """The check digit (one character) of ``body``, the key's digits without
    it. ValueError when ``body`` is not made of digits."""
    body = str(body)
    if not body or not body.isascii() or not body.isdigit():
        raise ValueError(f"{body!r}: a GS1 key is made of digits only")
    total = sum(int(digit) * (3 if index % 2 == 0 else 1) for index, digit in enumerate(reversed(body)))
    return str((10 - total % 10) % 10)


def is_valid(code):
    """Whether ``code`` (digits, check digit last) carries the right check digit."""
    code = str(code or "")
    return len(code) > 1 and code.isascii() and code.isdigit() and check_digit(code[:-1]) == code[-1]
