"""MT940 statements and MT942 interim reports read into the canonical
``bank_statement``, on the ``mt-940`` library (5.1.1, BSD-3).

::

    document, warnings = mt940.parse(data)   # BankFileError: "line 14 (:61:): ..."

What we do around the library
-----------------------------

The library reads one statement's tags (``:61:`` with its customer and bank
references, the balances, the German structured ``:86:``); this module
reads the file around it:

- the text is decoded as UTF-8, else Windows-1252 (German and Dutch banks'
  usual code page), else Latin-1; SWIFT envelope blocks (``{1:...}{2:...}
  {4:`` and ``-}``) and bank header lines (``ABNANL2A``, ``940``, ``0000
  01INGBNL2A...``) are left out;
- the file is cut into statements at each ``:20:``, and every tag keeps
  its line number, so an error says ``line 14 (:61:)``;
- single-line tags keep their one line (what follows a closing balance up
  to the next tag is a trailer, not a value); a ``:86:`` that does not
  follow a ``:61:`` is information about the statement (ING's ``:86:``
  after ``:62F:``), not about its last line, and is left out;
- the library runs with every opt-in fix of 5.1 (``Options.all()``), in
  particular ``applicant_iban``: the counterparty account of ``?31`` stays
  apart from the name of ``?32``/``?33`` (5.0 glues them together), a
  reversal of a credit (``RC``) is negative, a ``:86:`` without ``KREF``
  keeps the ``:61:`` customer reference, details are never cut off.

``:86:`` conventions read
-------------------------

- German (DFÜ/SEPA, ``GVC?00..?63``; Triodos writes ``>`` for ``?``):
  ``?20``-``?29`` and ``?60``-``?63`` the purpose, with the SEPA keywords
  ``EREF+`` (end-to-end id), ``KREF+``, ``MREF+`` (mandate), ``CRED+``
  (creditor id), ``SVWZ+`` (the remittance); ``?30`` the counterparty's BIC
  or bank code (kept as ``bic`` when it is a BIC), ``?31`` its IBAN or
  account, ``?32``/``?33`` its name; the GVC joins the ``:61:`` type in
  ``transaction_code`` (``NTRF+166``);
- Dutch structured (ABN AMRO, ING, Rabobank, Triodos SEPA):
  ``/KEY/value`` pairs: ``/EREF/``, ``/REMI/`` (``USTD//text`` or
  ``STRD/CUR/reference``), ``/NAME/``, ``/IBAN/``, ``/BIC/``, ``/CNTP/``
  (account/BIC/name/city), ``/MARF/`` (mandate), ``/CSID/`` (creditor id);
  Rabobank's counterparty account on the ``:61:`` second line;
- Knab's ``REK: <IBAN>/NAAM: <name>``;
- anything else: the text, its lines joined by spaces, is the remittance.

Entries: the booking date is the ``:61:`` entry date (MMDD, its year
settled by the library around new year), else the value date;
``entry_reference`` the customer reference (``NONREF`` is null);
``bank_reference`` the reference after ``//``; ``raw`` the ``:61:`` and
``:86:`` lines as read. MT940 lines are ``booked``. An MT942 (an interim
report: no ``:60F:``/``:62F:``, a ``:34F:`` floor limit) is read the same
way with its lines ``pending`` and no balances; a file of MT942 reports
has the format ``mt942``.
"""

import logging
import re
from dataclasses import dataclass, field
from decimal import InvalidOperation

import mt940 as mt940_library

from .common import BankFileError, amount_text, canonical_entry

OPTIONS = mt940_library.Options.all()  # applicant_iban, reversal_sign, merge_keeps_values, ...
# the library logs every value it cannot match (with its pattern) before it
# raises; BankFileError says it once, with the line, so its logger stays quiet
logging.getLogger("mt940").setLevel(logging.CRITICAL)

_TAG = re.compile(r"^:(?P<tag>\d{2}[A-Z]?|NS):(?P<value>.*)$")
_ENVELOPE = re.compile(r"^(\{\d:[^{}]*\})*\{4:")
#: tags whose value is one line: anything after it until the next tag is a trailer
SINGLE_LINE = {"13", "13D", "20", "21", "25", "28", "28C", "34F", "60", "60F", "60M", "62", "62F", "62M"}
SINGLE_LINE |= {"64", "65", "90C", "90D"}
OPENING = ("final_opening_balance", "intermediate_opening_balance", "opening_balance")
CLOSING = ("final_closing_balance", "intermediate_closing_balance", "closing_balance")
#: customer references that are none: NONREF, and Rabobank's markers saying
#: which reference the :86: carries (EREF, MARF, PREF)
NO_REFERENCE = {"", "NONREF", "NOTPROVIDED", "EREF", "MARF", "PREF"}
_IBAN = re.compile(r"^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$")
_BIC = re.compile(r"^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$")
_ACCOUNT = re.compile(r"^P?\d{7,12}$")
_TRIODOS = re.compile(r"^\d{3}>\d{2}")
#: the Dutch structured keys (ABN AMRO, ING, Rabobank "MT940 structured")
DUTCH_KEYS = (
    "EREF PREF MARF CSID CNTP REMI PURP ULTC ULTD ULTB BENM ORDP NAME IBAN BIC TRTP ISDT RTRN ADDR "
    "CITY ID CHGS EXCH OCMT SVCL BUSP ACCW IREF"
).split()
_DUTCH_KEY = re.compile(r"/(%s)/" % "|".join(DUTCH_KEYS))
_KNAB = re.compile(r"REK:\s*(?P<iban>[A-Z]{2}\d{2}[A-Z0-9]+)\s*/NAAM:\s*(?P<name>.*)$", re.DOTALL)
_DATE_TIME = re.compile(r"^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})([+-])(\d{2})(\d{2})$")


@dataclass
class Tag:
    """One tag of the file as read: its name, first line number and lines."""

    name: str
    line: int
    lines: list = field(default_factory=list)

    @property
    def value(self):
        return "\n".join(self.lines).strip()

    def text(self):
        return f":{self.name}:" + "\n".join(self.lines)

    def where(self):
        return f"line {self.line} (:{self.name}:)"


# --- the file ----------------------------------------------------------------------


def decode(data):
    """The file's text: UTF-8, else Windows-1252, else Latin-1."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def tags_of(text):
    """The tags of the file, in order, each with its line number."""
    tags = []
    current = None
    for number, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
        line = _ENVELOPE.sub("", line.rstrip())
        if line.strip() == "-" or line.startswith("-}"):
            current = None  # end of a message
            continue
        match = _TAG.match(line)
        if match:
            current = Tag(match["tag"], number, [match["value"]])
            tags.append(current)
        elif current is not None and line.strip():
            current.lines.append(line)
    return tags


def statements_of(tags):
    """The tags cut into statements at each ``:20:``, single-line tags cut
    to their line, and a ``:86:`` that follows no ``:61:`` left out."""
    statements = []
    previous = None
    for tag in tags:
        if tag.name == "20" or not statements:
            statements.append([])
        if tag.name in SINGLE_LINE:
            tag.lines = tag.lines[:1]
        if tag.name == "86" and previous not in ("61", "NS"):
            previous = tag.name
            continue  # information about the statement, not about a line
        statements[-1].append(tag)
        previous = tag.name if tag.name != "NS" else previous
    return statements


def _library_text(statement):
    """The statement as the library reads it (Triodos' ``>`` made ``?``)."""
    texts = []
    for tag in statement:
        text = tag.text()
        if tag.name == "86" and _TRIODOS.match(tag.value):
            text = ":86:" + re.sub(r">(?=\d{2})", "?", tag.value)
        texts.append(text)
    return "\n".join(texts)


def _library_parse(statement):
    """The library's Transactions of one statement; a failure names the
    first tag the library cannot read."""
    try:
        return mt940_library.parse(_library_text(statement), options=OPTIONS)
    except (RuntimeError, ValueError, InvalidOperation, KeyError, TypeError, AttributeError):
        pass
    low, high = 0, len(statement)  # the shortest failing prefix: statement[:high] fails
    while high - low > 1:
        middle = (low + high) // 2
        try:
            mt940_library.parse(_library_text(statement[:middle]), options=OPTIONS)
            low = middle
        except (RuntimeError, ValueError, InvalidOperation, KeyError, TypeError, AttributeError):
            high = middle
    tag = statement[high - 1]
    shown = tag.value if len(tag.value) <= 80 else tag.value[:77] + "..."
    raise BankFileError(f"cannot read {shown!r}", tag.where())


# --- the reader --------------------------------------------------------------------


def parse(data):
    """``(document, warnings)`` for an MT940/MT942 file's bytes."""
    tags = tags_of(decode(data))
    statements = statements_of(tags)
    if not statements:
        raise BankFileError("no MT940 tags (:20:, :25:, :60F:, :61:...)")
    warnings = []
    read = [_statement(statement, index, warnings) for index, statement in enumerate(statements)]
    interim = all(is_interim for _statement_doc, is_interim in read)
    first = statements[0][0] if statements[0] and statements[0][0].name == "20" else None
    created = next((tag for statement in statements for tag in statement if tag.name in ("13", "13D")), None)
    document = {
        "schema_version": 1,
        "format": "mt942" if interim else "mt940",
        "message_id": first.value if first else None,
        "created_at": _date_time(created.value) if created else None,
        "statements": [statement_doc for statement_doc, _interim in read],
    }
    return document, warnings


def _statement(statement, index, warnings):
    """``(canonical statement, is an MT942)`` of one statement's tags."""
    start = statement[0]
    transactions = _library_parse(statement)
    data = transactions.data
    names = {tag.name for tag in statement}
    interim = not names & {"60", "60F", "60M", "62", "62F", "62M"} and bool(names & {"34F", "13", "13D"})
    currency = transactions.currency
    if not currency or not re.match(r"^[A-Z]{3}$", currency):
        raise BankFileError(
            "no currency: the statement has no :60F:/:60M: balance or :34F: floor limit", start.where()
        )
    account = _account(data.get("account_identification"), currency)
    if not account:
        raise BankFileError("no account (:25:)", start.where())
    opening = _balance(data, OPENING, currency, start)
    closing = _balance(data, CLOSING, currency, start)
    lines = [tag for tag in statement if tag.name == "61"]
    if len(lines) != len(transactions):
        raise BankFileError(
            f"{len(lines)} :61: lines but {len(transactions)} transactions read", start.where()
        )
    entries = []
    for number, (tag, transaction) in enumerate(zip(lines, transactions, strict=True)):
        path = f"statements[{index}].entries[{number}]"
        entries.append(
            _entry(transaction.data, tag, statement, currency, "pending" if interim else "booked", path)
        )
    sequence = next((tag.value for tag in statement if tag.name in ("28", "28C")), None)
    document = {
        "id": data.get("transaction_reference") or None,
        "sequence": sequence or None,
        "account": account,
        "currency": currency,
        "opening_balance": opening[0],
        "opening_date": opening[1],
        "closing_balance": closing[0],
        "closing_date": closing[1],
        "entries": entries,
    }
    if closing[0] is None and not interim:
        warnings.append(f"statements[{index}] ({start.where()}): no closing balance (:62F:/:62M:)")
    return document, interim


def _account(value, currency):
    """The IBAN, or the account after the bank code (``BLZ/account``);
    a currency glued to an IBAN (``NL..INGB...EUR``) is taken off."""
    value = (value or "").strip().replace(" ", "")
    if "/" in value:
        value = value.rsplit("/", 1)[1]
    if value.endswith(currency) and _IBAN.match(value[: -len(currency)]):
        value = value[: -len(currency)]
    return value


def _balance(data, keys, currency, tag):
    for key in keys:
        balance = data.get(key)
        if balance is not None and getattr(balance, "amount", None) is not None:
            return _amount(balance.amount.amount, currency, tag), balance.date.isoformat()
    return None, None


def _amount(value, currency, tag):
    try:
        return amount_text(value, currency)
    except ValueError as exc:
        raise BankFileError(str(exc), tag.where()) from None


def _entry(data, tag, statement, currency, status, path):
    """The canonical entry of one ``:61:`` and its ``:86:``."""
    value_date = data["date"]
    booking_date = data.get("entry_date") or value_date
    position = statement.index(tag)
    details = statement[position + 1] if position + 1 < len(statement) else None
    details = details if details is not None and details.name == "86" else None
    raw = tag.text() + ("\n" + details.text() if details else "")
    entry = {
        "amount": _amount(data["amount"].amount, currency, tag),
        "booking_date": booking_date.isoformat(),
        "value_date": value_date.isoformat(),
        "status": status,
        "entry_reference": _reference(data.get("customer_reference")),
        "bank_reference": _reference(data.get("bank_reference")),
        "transaction_code": data.get("id"),
        "raw": raw,
    }
    if "posting_text" in data:  # the library read a German structured :86:
        entry.update(_german(data))
    elif details is not None:
        entry.update(_free_text(details.lines))
    extra = (data.get("extra_details") or "").strip().replace(" ", "")
    party = entry.setdefault("counterparty", {})
    if not party.get("iban") and (_IBAN.match(extra) or _ACCOUNT.match(extra)):
        party["iban"] = extra  # Rabobank: the counterparty account on the :61: second line
    return canonical_entry(entry)


def _reference(value):
    value = (value or "").strip()
    return None if value.upper() in NO_REFERENCE else value


def _german(data):
    """What the library read from a German structured ``:86:``."""
    purpose = "".join(part for part in (data.get("purpose"), data.get("additional_purpose")) if part)
    code = data.get("transaction_code")
    bank = (data.get("applicant_bin") or "").strip()
    return {
        "end_to_end_id": _reference(data.get("end_to_end_reference")),
        "remittance": purpose.strip() or data.get("posting_text") or None,
        "counterparty": {
            "name": (data.get("applicant_name") or "").strip() or None,
            "iban": (data.get("applicant_iban") or "").strip().replace(" ", "") or None,
            "bic": bank if _BIC.match(bank) else None,
        },
        "transaction_code": "+".join(part for part in (data.get("id"), code) if part) or None,
        "mandate_id": _reference(data.get("additional_position_reference")),
        "creditor_id": _reference(data.get("applicant_creditor_id")),
    }


def _free_text(lines):
    """Dutch structured, Knab or plain ``:86:`` text."""
    glued = "".join(line.strip("\r\n") for line in lines).strip()
    if _DUTCH_KEY.match(glued):
        return _dutch(glued)
    text = re.sub(r"\s+", " ", " ".join(lines)).strip()
    knab = _KNAB.search(text)
    if knab:
        remittance = text[: knab.start()].strip()
        return {
            "remittance": remittance or None,
            "counterparty": {"name": knab["name"].strip() or None, "iban": knab["iban"]},
        }
    return {"remittance": text or None}


def dutch_fields(text):
    """``{"EREF": "...", "NAME": "...", ...}`` of a ``/KEY/value`` text
    (a key that comes twice keeps its first non-empty value)."""
    fields = {}
    matches = list(_DUTCH_KEY.finditer(text))
    for number, match in enumerate(matches):
        end = matches[number + 1].start() if number + 1 < len(matches) else len(text)
        value = text[match.end() : end]
        value = value[:-1] if value.endswith("/") else value
        if value.strip() and not fields.get(match[1]):
            fields[match[1]] = value.strip()
    return fields


def _dutch(text):
    fields = dutch_fields(text)
    name, iban, bic = fields.get("NAME"), fields.get("IBAN"), fields.get("BIC")
    if "CNTP" in fields:  # ING: /CNTP/account/BIC/name/city/
        parts = (fields["CNTP"].split("/") + ["", "", ""])[:3]
        iban, bic, name = iban or parts[0], bic or parts[1], name or parts[2]
    remittance = fields.get("REMI")
    if remittance:
        if remittance.startswith("USTD//"):
            remittance = remittance[len("USTD//") :]
        elif remittance.startswith("STRD/"):
            remittance = remittance.rsplit("/", 1)[-1]  # STRD/CUR/<creditor reference>
    return {
        "end_to_end_id": _reference(fields.get("EREF")),
        "remittance": (remittance or "").strip() or None,
        "counterparty": {"name": name, "iban": (iban or "").replace(" ", "") or None, "bic": bic},
        "mandate_id": _reference(fields.get("MARF")),
        "creditor_id": _reference(fields.get("CSID")),
    }


def _date_time(value):
    """RFC 3339 from a ``:13D:`` ``YYMMDDHHMM+hhmm``, or None."""
    match = _DATE_TIME.match(value or "")
    if not match:
        return None
    year, month, day, hour, minute, sign, offset_hours, offset_minutes = match.groups()
    return f"20{year}-{month}-{day}T{hour}:{minute}:00{sign}{offset_hours}:{offset_minutes}"
