"""Bank statement files read into the canonical ``bank_statement`` (v1).

What the Odoo layer calls::

    from odoo.addons.settlement_recon.lib import bank

    document = bank.parse(data, filename="2024-05.xml")   # or raises bank.BankFileError
    document, warnings = bank.parse_with_warnings(data)   # the same, with the reader's warnings
    keys = bank.entry_keys(document)      # keys[i][j]: statements[i].entries[j]'s duplicate key
    bank.file_fingerprint(data)           # sha256 hex of the normalised file: a re-sent file

- :func:`parse` detects the format from the content (camt XML by the
  namespace of its ``Document``, MT940/MT942 by its tags; the file name is
  only quoted in errors), reads it with :mod:`.camt` or :mod:`.mt940` and
  returns the document validated against the ``bank_statement`` schema.
  Amounts are signed decimal strings seen from the account holder (money
  in is positive). Every entry is there, whatever its ``status``
  (``booked``, ``pending``, ``info``): the importer keeps the booked ones.
- :class:`BankFileError` (a ValidationFailed, so permanent) names where
  the file is broken: ``"line 14 (:61:): ..."``, ``"BkToCstmrStmt/Stmt/
  Ntry[3]/Amt, line 120: ..."``.
- warnings are ``"where: what"`` strings for what was read but looks odd
  (a batch kept whole, a balance in another currency, an unknown status);
  they stay out of the canonical document.

Batch entries: see :mod:`.camt`. A split batch gives one entry per
transaction with ``batch`` = ``{index, count, entry_amount}``; a batch that
cannot be split (transactions without amounts, or not adding up) is ONE
entry whose ``amount`` is the batch's, with ``batch`` = ``{index: 1,
count: N, entry_amount: amount}`` and a warning.
"""

import hashlib
import re
from collections import Counter
from decimal import Decimal

from odoo.addons.integration_core.lib import canonical
from odoo.addons.integration_core.lib.exceptions import ValidationFailed

from . import camt, mt940
from .common import BankFileError

__all__ = ["BankFileError", "entry_keys", "file_fingerprint", "parse", "parse_with_warnings"]

KIND = "bank_statement"
KEY_VERSION = "v1"
_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_MT940_TAG = re.compile(rb"^\s*:(20|25|28C?|6[0-5][FM]?|61|86|34F|13D?):", re.MULTILINE)


def parse(data, filename=None):
    """The canonical bank_statement of ``data`` (the file's bytes). See the
    module doc; raises BankFileError when the file cannot be read."""
    return parse_with_warnings(data, filename)[0]


def parse_with_warnings(data, filename=None):
    """``(document, warnings)``: :func:`parse`'s document and the list of
    the reader's warnings (``"where: what"`` strings)."""
    try:
        document, warnings = _read(data)
        try:
            canonical.validate(KIND, document)
        except ValidationFailed as exc:  # a value beyond the schema's bounds, say
            first = exc.errors[0] if exc.errors else str(exc)
            raise BankFileError(f"the file reads into an invalid statement: {first}") from None
    except BankFileError as exc:
        if filename:
            location = f"{filename}, {exc.location}" if exc.location else str(filename)
            raise BankFileError(exc.reason, location) from None
        raise
    return document, warnings


def _read(data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not isinstance(data, (bytes, bytearray)):
        raise BankFileError(f"expected the file's bytes, got {type(data).__name__}")
    data = bytes(data)
    body = data.removeprefix(_BOM).lstrip()
    if not body:
        raise BankFileError("the file is empty")
    if body.startswith(b"<") or data.startswith(_UTF16_BOMS):  # lxml reads the encoding itself
        root = camt.read_xml(data)
        if camt.message_of(root) is None:
            namespace = camt.namespace_of(root) or "no namespace"
            raise BankFileError(
                f"XML, but no camt.052/053/054 Document (the root is {camt.etree.QName(root).localname} "
                f"in {namespace})",
                "line 1",
            )
        return camt.parse(root)
    tags = {match.group(1) for match in _MT940_TAG.finditer(body)}
    if b"20" in tags and (b"61" in tags or any(tag.startswith((b"60", b"62", b"34")) for tag in tags)):
        return mt940.parse(data)
    raise BankFileError(
        "neither camt XML (an ISO 20022 Document) nor MT940/MT942 (no :20: statement with "
        ":60F:/:61:/:62F: or :34F: tags)"
    )


# --- duplicates --------------------------------------------------------------------


def entry_keys(document):
    """A stable key per entry for duplicate-line detection across files:
    ``keys[i][j]`` is the key of ``statements[i].entries[j]``.

    ``v1|account|currency|status|booking date|amount|reference|n``, where

    - account (IBAN upper-cased, spaces out), currency, booking date and
      the signed amount (normalised: ``8.850`` is ``8.85``) say which money
      moved when; the status keeps a pending line from shadowing the booked
      one that replaces it;
    - reference is the first of ``bank_reference`` (the bank's own id of
      the entry), ``end_to_end_id`` and ``entry_reference``, so two
      different payments of the same amount on the same day differ when
      the bank identifies them. Remittance text and names are left out:
      banks reformat them between an intraday report and the statement;
    - n counts the lines identical so far in the same statement (1, 2,
      ...): two real 10.00 card payments on one day without references
      are two entries, not a duplicate, while the same statement sent
      again (or an end-of-day camt.053 after the intraday camt.052) gives
      the same keys in the same order. A line that first appears in a
      later file gets the next number, so it is new there.

    The known limit: a statement paginated over several files with
    identical unreferenced lines on either side of the cut counts each
    page from 1.
    """
    result = []
    for statement in document["statements"]:
        seen = Counter()
        keys = []
        account = re.sub(r"\s+", "", statement["account"]).upper()
        for entry in statement["entries"]:
            currency = entry.get("currency") or statement["currency"]
            reference = (
                entry.get("bank_reference") or entry.get("end_to_end_id") or entry.get("entry_reference")
            )
            amount = Decimal(entry["amount"])
            amount = f"{amount.normalize():f}" if amount else "0"
            base = "|".join(
                (
                    KEY_VERSION,
                    account,
                    currency,
                    entry["status"],
                    entry["booking_date"],
                    amount,
                    reference or "",
                )
            )
            seen[base] += 1
            keys.append(f"{base}|{seen[base]}")
        result.append(keys)
    return result


def file_fingerprint(data):
    """sha256 (hex) of the file with its insignificant differences
    normalised: a byte-order mark, line endings (CRLF, CR, LF), spaces
    around lines and blank lines. The same statement re-sent, or
    converted between Windows and Unix line endings, has the same
    fingerprint; a file with any other change does not (its lines are
    then caught by :func:`entry_keys`)."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    lines = bytes(data).removeprefix(_BOM).replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
    normalised = b"\n".join(line.strip() for line in lines if line.strip())
    return hashlib.sha256(normalised).hexdigest()
