"""camt.052, camt.053 and camt.054 (ISO 20022, versions .001.02 to .001.08)
read into the canonical ``bank_statement``.

::

    root = camt.read_xml(data)            # BankFileError when not well-formed
    camt.message_of(root)                 # ("camt.053", "02"), or None when no camt
    document, warnings = camt.parse(root)

One reader for every version: the message (``camt.052`` account report
``Rpt``, ``camt.053`` statement ``Stmt``, ``camt.054`` notification
``Ntfctn``) and its version come from the namespace of ``Document``, and
where the versions differ both shapes are read:

- status: ``<Sts>BOOK</Sts>`` (.02, .03) or ``<Sts><Cd>BOOK</Cd></Sts>``
  (.04 on); BOOK is ``booked``, PDNG and FUTR ``pending``, INFO ``info``,
  anything else ``info`` with a warning (the importer takes booked only);
- parties: ``Dbtr/Nm`` or ``Dbtr/Pty/Nm`` (.08), the same for ``Cdtr``;
  agents ``FinInstnId/BIC`` (.02, .03) or ``FinInstnId/BICFI`` (.04 on);
- dates: ``Dt`` or ``DtTm`` (the date as the bank wrote it).

Entry fields: the sign from ``CdtDbtInd`` (CRDT +, DBIT -; a reversal is
booked with the opposite indicator already); ``end_to_end_id`` from
``Refs/EndToEndId`` (``NOTPROVIDED`` is null); ``bank_reference`` the
transaction's ``AcctSvcrRef``, else the entry's; ``entry_reference`` the
entry's ``NtryRef``; ``remittance`` the ``RmtInf/Ustrd`` lines joined, else
the ``Strd/CdtrRefInf/Ref`` references, else ``AddtlTxInf`` or
``AddtlNtryInf``; the counterparty is the debtor of a credit and the
creditor of a debit (``RltdPties`` and ``RltdAgts``); ``transaction_code``
is ``Domn/Fmly/SubFmlyCd`` (``PMNT/RCDT/ESCT``), else the proprietary code.
The booking date is ``BookgDt``, else ``ValDt``, else the date the
statement (or, failing that, the message) was created: pending entries and
camt.054 notifications often carry no booking date.

Batch entries
-------------

An entry with several ``TxDtls`` becomes one canonical entry per
transaction, with the transaction's own amount (``TxDtls/Amt``, else
``AmtDtls/TxAmt/Amt``, in the entry's currency) and ``batch`` = ``{index,
count, entry_amount}``. The split is made only when every transaction has
its amount and they add up to the entry's; otherwise (and when
``Btch/NbOfTxs`` announces more transactions than are described) the entry
stays ONE entry with its own amount, ``batch`` = ``{index: 1, count: N,
entry_amount}`` and only the details all its transactions share, and a
warning says why. So money is never counted twice, which is what a parser
that gives each amount-less transaction the entry's amount does.

Balances: opening is ``OPBD``, else ``PRCD``; closing is ``CLBD`` (a
camt.052 report without one: its last ``ITBD``). camt.054 has none.

The XML is parsed without entity expansion, DTDs, network access or huge
trees; a document that declares entities is refused.
"""

import re
from datetime import date, datetime

from lxml import etree

from .common import BankFileError, amount_text, canonical_entry, to_decimal

NAMESPACE = re.compile(r"^urn:iso:std:iso:20022:tech:xsd:(?P<message>camt\.\d{3})\.001\.(?P<version>\d{2})$")
#: message -> (the element under Document, the repeated statement element)
MESSAGES = {
    "camt.052": ("BkToCstmrAcctRpt", "Rpt"),
    "camt.053": ("BkToCstmrStmt", "Stmt"),
    "camt.054": ("BkToCstmrDbtCdtNtfctn", "Ntfctn"),
}
VERSIONS = ("02", "03", "04", "05", "06", "07", "08")
STATUSES = {"BOOK": "booked", "PDNG": "pending", "FUTR": "pending", "INFO": "info"}
SIGNS = {"CRDT": 1, "DBIT": -1}
NOT_PROVIDED = "NOTPROVIDED"
_AMOUNT = re.compile(r"^\d+(\.\d+)?$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


# --- XML ---------------------------------------------------------------------------


def _parser():
    # no entity expansion, no DTD, no network, lxml's size limits (huge_tree off)
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False
    )


def read_xml(data):
    """The root element of ``data`` (bytes), or BankFileError naming the
    line and column where it is not well-formed XML."""
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (exc.lineno, exc.offset)
        reason = re.sub(r",? line \d+, column \d+$", "", exc.msg or "")  # the location comes separately
        raise BankFileError(f"XML is not well-formed: {reason}", f"line {line}, column {column}") from None
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _entity in dtd.iterentities()):
        raise BankFileError("XML documents that declare entities are refused", "DOCTYPE")
    return root


def namespace_of(root):
    """The namespace URI of the root element ('' when none)."""
    return etree.QName(root).namespace or ""


def message_of(root):
    """``("camt.053", "02")`` for a camt Document, None for other XML.
    A camt message or version we do not read is a BankFileError."""
    match = NAMESPACE.match(namespace_of(root))
    if not match or etree.QName(root).localname != "Document":
        return None
    message, version = match["message"], match["version"]
    if message not in MESSAGES or version not in VERSIONS:
        raise BankFileError(
            f"{message}.001.{version} is not supported: only camt.052, camt.053 and camt.054 "
            f"versions .001.02 to .001.08 are read",
            where(root),
        )
    return message, version


def where(element):
    """``BkToCstmrStmt/Stmt[2]/Ntry[3]/Amt, line 120`` (Document left out)."""
    parts = []
    node = element
    while node is not None and node.getparent() is not None:
        name = etree.QName(node).localname
        siblings = [
            s for s in node.getparent() if isinstance(s.tag, str) and etree.QName(s).localname == name
        ]
        parts.append(f"{name}[{siblings.index(node) + 1}]" if len(siblings) > 1 else name)
        node = node.getparent()
    return f"{'/'.join(reversed(parts)) or 'Document'}, line {element.sourceline}"


# --- the reader --------------------------------------------------------------------


def parse(root):
    """``(document, warnings)`` for a camt ``Document`` element: the
    canonical bank_statement (not yet validated) and the warnings, each a
    ``"statements[0].entries[2] (Stmt/Ntry[3], line 80): ..."`` string."""
    message, version = message_of(root) or (None, None)
    if message is None:
        raise BankFileError("not a camt.052/053/054 Document", "Document")
    return _Reader(root, message, version).document()


class _Reader:
    def __init__(self, root, message, version):
        self.root = root
        self.ns = namespace_of(root)
        self.message = message
        self.version = version
        self.warnings = []

    # element access by local paths ("Acct/Id/IBAN") in the document's namespace

    def _path(self, path):
        return "/".join(f"{{{self.ns}}}{step}" for step in path.split("/"))

    def find(self, element, path):
        return element.find(self._path(path)) if element is not None else None

    def findall(self, element, path):
        return element.findall(self._path(path)) if element is not None else []

    def text(self, element, *paths):
        """The stripped text of the first of ``paths`` that has some."""
        for path in paths:
            found = self.find(element, path)
            if found is not None and found.text and found.text.strip():
                return found.text.strip()
        return None

    def warn(self, path, element, message):
        self.warnings.append(f"{path} ({where(element)}): {message}")

    # the message

    def document(self):
        body_name, statement_name = MESSAGES[self.message]
        body = self.find(self.root, body_name)
        if body is None:
            raise BankFileError(f"no {body_name} in this {self.message} Document", where(self.root))
        header = self.find(body, "GrpHdr")
        created = self.text(header, "CreDtTm")
        statements = self.findall(body, statement_name)
        if not statements:
            raise BankFileError(f"no {statement_name} in {body_name}", where(body))
        document = {
            "schema_version": 1,
            "format": f"{self.message}.001.{self.version}",
            "message_id": self.text(header, "MsgId"),
            "created_at": _date_time(created),
            "statements": [
                self.statement(element, index, _date_of(created)) for index, element in enumerate(statements)
            ],
        }
        return document, self.warnings

    def statement(self, element, index, message_date):
        path = f"statements[{index}]"
        account = _no_spaces(self.text(element, "Acct/Id/IBAN", "Acct/Id/Othr/Id"))
        if not account:
            raise BankFileError("no account (Acct/Id/IBAN or Acct/Id/Othr/Id)", where(element))
        currency = self.text(element, "Acct/Ccy") or self._first_currency(element)
        if not currency or not _CURRENCY.match(currency):
            raise BankFileError(
                f"no account currency (Acct/Ccy, or the Ccy of a balance or an entry): {currency!r}",
                where(element),
            )
        statement = {
            "id": self.text(element, "Id"),
            "sequence": self.text(element, "ElctrncSeqNb", "LglSeqNb"),
            "account": account,
            "currency": currency,
        }
        statement.update(self.balances(element, currency, path))
        fallback_date = _date_of(self.text(element, "CreDtTm")) or message_date
        entries = statement["entries"] = []
        for entry in self.findall(element, "Ntry"):
            entries.extend(
                canonical_entry(found)
                for found in self.entries(entry, currency, fallback_date, path, len(entries))
            )
        return statement

    def _first_currency(self, element):
        for amount in self.findall(element, "Bal/Amt") + self.findall(element, "Ntry/Amt"):
            if amount.get("Ccy"):
                return amount.get("Ccy")
        return None

    # balances

    def balances(self, element, currency, path):
        found = {}
        for balance in self.findall(element, "Bal"):
            code = self.text(balance, "Tp/CdOrPrtry/Cd", "Tp/CdOrPrtry/Prtry")
            if code not in ("OPBD", "PRCD", "CLBD", "ITBD"):
                continue
            amount, balance_currency = self.amount(balance, "Amt")
            signed = amount * self.sign(balance)
            if balance_currency != currency:
                self.warn(
                    path, balance, f"the {code} balance is in {balance_currency}, the account in {currency}"
                )
            when = self.date(balance, "Dt")
            value = (self._amount_text(signed, balance_currency, balance), when)
            if code == "ITBD" or code not in found:  # the last interim balance, the first of the others
                found[code] = value
        opening = found.get("OPBD") or found.get("PRCD") or (None, None)
        closing = (
            found.get("CLBD") or (found.get("ITBD") if self.message == "camt.052" else None) or (None, None)
        )
        return {
            "opening_balance": opening[0],
            "opening_date": opening[1],
            "closing_balance": closing[0],
            "closing_date": closing[1],
        }

    # entries

    def entries(self, entry, currency, fallback_date, statement_path, first_index):
        """The canonical entries of one ``Ntry``: one, or one per
        transaction of a batch that can be split (see the module doc)."""
        path = f"{statement_path}.entries[{first_index}]"
        amount, entry_currency = self.amount(entry, "Amt")
        sign = self.sign(entry)
        signed = amount * sign
        booking_date = self.date(entry, "BookgDt") or self.date(entry, "ValDt") or fallback_date
        if booking_date is None:
            raise BankFileError("no booking date (BookgDt, ValDt or the statement's CreDtTm)", where(entry))
        base = {
            "amount": self._amount_text(signed, entry_currency, entry),
            "currency": entry_currency if entry_currency != currency else None,
            "booking_date": booking_date,
            "value_date": self.date(entry, "ValDt"),
            "status": self.status(entry, path),
            "entry_reference": self.text(entry, "NtryRef"),
            "raw": None,
        }
        fallback = {
            "bank_reference": self.text(entry, "AcctSvcrRef"),
            "transaction_code": self.transaction_code(entry),
            "remittance": self.text(entry, "AddtlNtryInf"),
        }
        transactions = self.findall(entry, "NtryDtls/TxDtls")
        announced = sum(
            int(n) for n in self._texts(entry, "NtryDtls/Btch/NbOfTxs") if re.match(r"^[0-9]{1,9}$", n)
        )
        details = [self.details(tx, sign, fallback) for tx in transactions] or [
            self.details(None, sign, fallback)
        ]
        count = max(len(transactions), announced)
        entry_amount = base["amount"]
        if count <= 1:
            self._check_single_amount(transactions, entry_currency, signed, path, entry)
            return [{**base, **details[0], "batch": None}]
        if len(transactions) < count:
            reason = f"a batch of {count} transactions of which {len(transactions)} described"
            return [self._whole(base, details, count, path, entry, reason)]
        amounts = [self.transaction_amount(tx, entry_currency, sign) for tx in transactions]
        if any(value is None for value in amounts):
            missing = sum(value is None for value in amounts)
            reason = f"{missing} of its {count} transactions carry no amount in {entry_currency}"
            return [self._whole(base, details, count, path, entry, reason)]
        if sum(amounts) != signed:
            reason = f"its {count} transactions add up to {sum(amounts)}, not to the entry's {signed}"
            return [self._whole(base, details, count, path, entry, reason)]
        return [
            {
                **base,
                **detail,
                "amount": self._amount_text(value, entry_currency, transaction),
                "batch": {"index": number, "count": count, "entry_amount": entry_amount},
            }
            for number, (value, detail, transaction) in enumerate(
                zip(amounts, details, transactions, strict=True), 1
            )
        ]

    def _whole(self, base, details, count, path, entry, reason):
        """A batch kept as one entry: its amount, the details all its
        transactions share (the others null), and a warning."""
        self.warn(path, entry, f"batch kept as one entry of {base['amount']}: {reason}")
        shared = {}
        for key, value in details[0].items():
            if key == "counterparty":
                value = {k: v if all(d[key][k] == v for d in details) else None for k, v in value.items()}
            elif any(d[key] != value for d in details):
                value = None
            shared[key] = value
        return {**base, **shared, "batch": {"index": 1, "count": count, "entry_amount": base["amount"]}}

    def _check_single_amount(self, transactions, currency, signed, path, entry):
        if len(transactions) != 1:
            return
        own = self.transaction_amount(transactions[0], currency, 1 if signed >= 0 else -1)
        if own is not None and own != signed:
            self.warn(
                path, entry, f"its one transaction says {own}, the entry {signed}: the entry's amount is used"
            )

    def transaction_amount(self, transaction, currency, entry_sign):
        """The signed amount of one ``TxDtls`` in ``currency``, or None."""
        sign = SIGNS.get(self.text(transaction, "CdtDbtInd"), entry_sign)
        for path in ("Amt", "AmtDtls/TxAmt/Amt"):
            element = self.find(transaction, path)
            if element is not None and element.get("Ccy") == currency:
                amount, _currency = self.amount(transaction, path)
                return amount * sign
        return None

    def details(self, transaction, entry_sign, fallback):
        """What one ``TxDtls`` (or the entry alone, when None) says about
        the references, the counterparty and the purpose."""
        sign = SIGNS.get(self.text(transaction, "CdtDbtInd"), entry_sign)
        side, agent = ("Dbtr", "DbtrAgt") if sign > 0 else ("Cdtr", "CdtrAgt")
        end_to_end = self.text(transaction, "Refs/EndToEndId")
        remittance = " ".join(self._texts(transaction, "RmtInf/Ustrd")) or " ".join(
            self._texts(transaction, "RmtInf/Strd/CdtrRefInf/Ref")
        )
        return {
            "end_to_end_id": None if end_to_end == NOT_PROVIDED else end_to_end,
            "bank_reference": self.text(transaction, "Refs/AcctSvcrRef") or fallback["bank_reference"],
            "remittance": remittance or self.text(transaction, "AddtlTxInf") or fallback["remittance"],
            "counterparty": {
                "name": self.text(
                    transaction,
                    f"RltdPties/{side}/Nm",
                    f"RltdPties/{side}/Pty/Nm",
                    f"RltdPties/Ultmt{side}/Nm",
                    f"RltdPties/Ultmt{side}/Pty/Nm",
                    f"RltdPties/{side}/Agt/FinInstnId/Nm",  # .08: a bank as the party
                ),
                "iban": _no_spaces(
                    self.text(
                        transaction, f"RltdPties/{side}Acct/Id/IBAN", f"RltdPties/{side}Acct/Id/Othr/Id"
                    )
                ),
                "bic": self.text(
                    transaction, f"RltdAgts/{agent}/FinInstnId/BICFI", f"RltdAgts/{agent}/FinInstnId/BIC"
                ),
            },
            "transaction_code": self.transaction_code(transaction) or fallback["transaction_code"],
            "mandate_id": self.text(transaction, "Refs/MndtId"),
            "creditor_id": self.text(
                transaction, "RltdPties/Cdtr/Id/PrvtId/Othr/Id", "RltdPties/Cdtr/Pty/Id/PrvtId/Othr/Id"
            ),
        }

    def transaction_code(self, element):
        domain = self.text(element, "BkTxCd/Domn/Cd")
        if domain:
            family = self.text(element, "BkTxCd/Domn/Fmly/Cd")
            sub_family = self.text(element, "BkTxCd/Domn/Fmly/SubFmlyCd")
            return "/".join(code for code in (domain, family, sub_family) if code)
        return self.text(element, "BkTxCd/Prtry/Cd")

    def status(self, entry, path):
        status = self.find(entry, "Sts")
        if status is None:
            raise BankFileError("no status (Sts)", where(entry))
        code = self.text(status, "Cd", "Prtry") or (status.text or "").strip()
        if code not in STATUSES:
            self.warn(path, entry, f"unknown entry status {code!r}, read as info (not booked)")
        return STATUSES.get(code, "info")

    # values

    def _texts(self, element, path):
        return [
            found.text.strip() for found in self.findall(element, path) if found.text and found.text.strip()
        ]

    def amount(self, parent, path):
        """``(Decimal, currency)`` of the amount element at ``path``."""
        element = self.find(parent, path)
        if element is None:
            raise BankFileError(f"no amount ({path})", where(parent))
        text = (element.text or "").strip()
        currency = element.get("Ccy")
        if not _AMOUNT.match(text):
            raise BankFileError(f"{text!r} is not an amount", where(element))
        if not currency or not _CURRENCY.match(currency):
            raise BankFileError(f"the amount has no currency (Ccy): {currency!r}", where(element))
        return to_decimal(text), currency

    def _amount_text(self, value, currency, element):
        try:
            return amount_text(value, currency)
        except ValueError as exc:
            raise BankFileError(str(exc), where(element)) from None

    def sign(self, element):
        indicator = self.text(element, "CdtDbtInd")
        if indicator not in SIGNS:
            raise BankFileError(f"CdtDbtInd is {indicator!r}, not CRDT or DBIT", where(element))
        return SIGNS[indicator]

    def date(self, parent, path):
        """The date of ``<path><Dt>`` or ``<path><DtTm>``, as written."""
        element = self.find(parent, f"{path}/Dt")
        if element is None:
            element = self.find(parent, f"{path}/DtTm")
        if element is None:
            return None
        value = _date_of((element.text or "").strip())
        if value is None:
            raise BankFileError(f"{element.text!r} is not a date", where(element))
        return value


def _no_spaces(value):
    """An IBAN or account id without the spaces of its printed form."""
    return "".join(value.split()) if value else value


def _date_of(text):
    """``YYYY-MM-DD`` from an ISO date or date-time, or None."""
    if not text or not _DATE.match(text):
        return None
    try:
        return date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        return None


def _date_time(text):
    """An RFC 3339 date-time from an ISO one, or None when it has no
    offset (the bank's local time: we do not guess its zone)."""
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value.isoformat() if value.tzinfo is not None else None
