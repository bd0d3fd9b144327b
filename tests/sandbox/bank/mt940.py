"""MT940 writer (SWIFT customer statement), German and Dutch ``:86:`` styles.

``write_mt940(statements, style="german")`` writes one MT940 message per
:class:`~.model.Statement`: ``:20:`` transaction reference, ``:25:``
account (German ``BLZ/account``; Dutch the IBAN), ``:28C:`` statement
number, ``:60F:``/``:62F:`` balances (``C``/``D``, ``YYMMDD``, currency,
amount with a decimal comma), and per entry a ``:61:`` line (value date,
entry date ``MMDD``, ``C``/``D``, amount, ``N`` + transaction type, the
customer reference (or ``NONREF``), ``//`` and the bank's reference, at
most 16 characters each) followed by ``:86:``. Lines are at most 65
characters; ``:86:`` at most 6 lines (390 characters).

``:86:`` styles:

- ``german`` (DFÜ-Abkommen, SEPA): ``GVC?00posting text?10primanota
  ?20..?29 purpose`` with the SEPA keywords ``EREF+`` and ``SVWZ+`` (27
  characters per sub-field), ``?30`` BIC, ``?31`` IBAN, ``?32``/``?33``
  name, ``?34`` text key extension;
- ``dutch`` (ING/ABN AMRO/Rabobank SEPA structured): ``/EREF/<id>
  /CNTP/<iban>/<bic>/<name>//REMI/USTD//<text>/``.

MT940 cannot split a batch: it is one ``:61:`` with the batch's total, the
payments' end-to-end ids listed in the purpose. A character outside the
SWIFT X set is replaced by a space (an umlaut-free bank's habit), and ``?``
and ``/`` are kept out of free text where they would start a sub-field.
"""

import re

STYLES = ("german", "dutch")
_NOT_SWIFT = re.compile(r"[^A-Za-z0-9/\-?:().,'+ ]")


def _swift(text):
    return _NOT_SWIFT.sub(" ", text or "")


def _amount(value):
    return f"{abs(value):.2f}".replace(".", ",")


def _wrap(tag, text, width=65, max_lines=6):
    """``:tag:text`` cut into lines of ``width`` characters."""
    first = f":{tag}:"
    text = first + text
    lines = [text[i : i + width] for i in range(0, len(text), width)]
    if len(lines) > max_lines:
        raise ValueError(f":{tag}: does not fit in {max_lines} lines: {text!r}")
    return lines


def _subfields(keyword, value):
    """``keyword`` + ``value`` cut into 27-character ?2x sub-field texts."""
    text = _swift(f"{keyword}{value}").replace("?", " ")
    return [text[i : i + 27] for i in range(0, len(text), 27)]


def _german_86(entry, end_to_end_id, party, purpose):
    """GVC ?00 ?10 ?20-?29 ?30 ?31 ?32 ?33 ?34: each SEPA keyword starts a
    sub-field, as the banks write them."""
    fields = [f"{entry.gvc}?00{_swift(entry.posting_text)[:27]}?10{entry.bank_reference[-4:] or '0000'}"]
    chunks = []
    if end_to_end_id:
        chunks += _subfields("EREF+", end_to_end_id)
    if purpose:
        chunks += _subfields("SVWZ+", purpose)
    if len(chunks) > 14:
        raise ValueError(f"the purpose does not fit in ?20-?29 and ?60-?63: {purpose!r}")
    for number, chunk in enumerate(chunks):
        code = f"2{number}" if number < 10 else f"6{number - 10}"
        fields.append(f"?{code}{chunk}")
    if party.counterparty_bic:
        fields.append(f"?30{party.counterparty_bic}")
    if party.counterparty_iban:
        fields.append(f"?31{party.counterparty_iban}")
    if party.counterparty_name:
        name = _swift(party.counterparty_name).replace("?", " ")
        fields.append(f"?32{name[:27]}")
        if name[27:54]:
            fields.append(f"?33{name[27:54]}")
    fields.append("?34997" if entry.batch else "?34000")
    # ?60-?63 come after ?34 in the field order
    late = [field for field in fields if field.startswith("?6")]
    return "".join([field for field in fields if not field.startswith("?6")] + late)


def _dutch_86(entry, end_to_end_id, party, purpose):
    """/EREF/ /CNTP/ /REMI/USTD// (ING's and Rabobank's SEPA structure)."""
    parts = []
    if end_to_end_id:
        parts.append(f"/EREF/{_swift(end_to_end_id).replace('/', ' ')}")
    if party.counterparty_iban or party.counterparty_name:
        name = _swift(party.counterparty_name).replace("/", " ")
        parts.append(f"/CNTP/{party.counterparty_iban or ''}/{party.counterparty_bic or ''}/{name}/")
    if purpose:
        parts.append(f"/REMI/USTD//{_swift(purpose).replace('/', ' ')}/")
    return "".join(parts) or "/REMI/USTD//NONE/"


def _statement_lines(statement, style):
    sign = {True: "C", False: "D"}
    account = statement.iban if style == "dutch" else f"{statement.bank_code}/{statement.account_number}"
    lines = [
        f":20:{statement.id[:16]}",
        f":25:{account}",
        f":28C:{statement.sequence:05d}/001",
        f":60F:{sign[statement.opening_balance >= 0]}{statement.opening_date:%y%m%d}{statement.currency}"
        f"{_amount(statement.opening_balance)}",
    ]
    for entry in statement.entries:
        amount = entry.amount
        single = entry.transactions[0] if len(entry.transactions) == 1 else None
        if single is not None:
            purpose = single.remittance
        else:
            purpose = " ".join(
                [entry.posting_text] + [tx.end_to_end_id for tx in entry.transactions if tx.end_to_end_id]
            )
        kind = "NTRF" if entry.domain[0] == "PMNT" else "NCHG"
        customer = "NONREF"
        if style == "dutch" and single is not None and single.end_to_end_id:
            customer = "EREF"  # ING/Rabobank: the end-to-end id follows in :86: /EREF/
        lines.append(
            f":61:{entry.value_date:%y%m%d}{entry.booking_date:%m%d}{sign[amount >= 0]}{_amount(amount)}"
            f"{kind}{customer}//{entry.bank_reference[:16]}"
        )
        end_to_end_id = single.end_to_end_id if single is not None else None
        party = entry.transactions[0]  # a batch's payments come from one payer
        writer = _german_86 if style == "german" else _dutch_86
        details = writer(entry, end_to_end_id, party, purpose)
        lines.extend(_wrap("86", details))
    closing = statement.closing_balance
    lines.append(
        f":62F:{sign[closing >= 0]}{statement.closing_date:%y%m%d}{statement.currency}{_amount(closing)}"
    )
    return lines


def write_mt940(statements, style="german"):
    """The MT940 file (bytes, ASCII, CRLF line ends) of one
    :class:`~.model.Statement` or a list of them; each statement ends with
    ``-``."""
    if style not in STYLES:
        raise ValueError(f"MT940 style {style!r} is not one of {STYLES}")
    if not isinstance(statements, (list, tuple)):
        statements = [statements]
    lines = []
    for statement in statements:
        lines.extend(_statement_lines(statement, style))
        lines.append("-")
    return ("\r\n".join(lines) + "\r\n").encode("ascii")
