"""One entry point for both standards: :func:`read` sniffs X12 or EDIFACT,
:func:`write` dispatches on ``interchange.standard``.

Sniffing looks at the first characters after an optional UTF-8 BOM and
whitespace: ``ISA`` is X12, ``UNA`` or ``UNB`` is EDIFACT; anything else
raises :class:`NotEdi` (``scripts/edi-inspect`` exits 2 on it).
"""

from odoo.addons.integration_core.lib.exceptions import ValidationFailed

from . import edifact, x12

BOM = "\ufeff"
SNIFF_LENGTH = 64  # characters looked at


class NotEdi(ValidationFailed, ValueError):
    """The data is neither X12 (ISA) nor EDIFACT (UNA/UNB)."""


def sniff(data):
    """ "X12", "EDIFACT", or raise :class:`NotEdi`."""
    if isinstance(data, bytes | bytearray | memoryview):
        head = bytes(data[: SNIFF_LENGTH * 4]).decode("utf-8", errors="replace")
    elif isinstance(data, str):
        head = data[: SNIFF_LENGTH * 4]
    else:
        raise NotEdi(f"EDI data must be bytes or text, not {type(data).__name__}.")
    head = head.removeprefix(BOM).lstrip(" \t\r\n")
    if head.startswith("ISA"):
        return x12.STANDARD
    if head.startswith(("UNA", "UNB")):
        return edifact.STANDARD
    if not head:
        raise NotEdi("Not EDI: the data is empty.")
    shown = head[:SNIFF_LENGTH].splitlines()[0] if head.strip() else head[:SNIFF_LENGTH]
    raise NotEdi(
        f"Not EDI: X12 starts with 'ISA' and EDIFACT with 'UNA' or 'UNB', this starts with {shown[:40]!r}."
    )


def read(data):
    """Read an X12 or EDIFACT file into a :class:`~.tree.EdiFile`.

    Raises :class:`NotEdi` when it is neither, and :class:`.x12.X12Error` /
    :class:`.edifact.EdifactError` when its first header cannot be read;
    every other problem is an :class:`~.tree.Issue` in the result's
    ``errors`` or ``warnings``."""
    standard = sniff(data)
    if standard == x12.STANDARD:
        return x12.read(data)
    return edifact.read(data)


def write(interchange, suffix=None, **options):
    """Write one interchange with its standard's writer (bytes)."""
    if interchange.standard == x12.STANDARD:
        return x12.write(interchange, suffix, **options)
    if interchange.standard == edifact.STANDARD:
        return edifact.write(interchange, suffix, **options)
    raise ValueError(f"Unknown EDI standard {interchange.standard!r}: X12 or EDIFACT.")


def write_file(edifile, suffix=None, **options):
    """Every interchange of ``edifile``, one after the other (bytes)."""
    return b"".join(write(interchange, suffix, **options) for interchange in edifile.interchanges)
