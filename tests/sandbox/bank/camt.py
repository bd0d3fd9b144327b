"""camt.053 writer (ISO 20022 Bank-to-Customer Statement, .001.02 and .001.08).

``write_camt053(statements, version="001.02")`` gives one
``BkToCstmrStmt`` message holding one ``Stmt`` per :class:`~.model.Statement`,
elements in the order the message definition's XSD requires. What differs
between the two versions is written each version's way:

- status ``<Sts>BOOK</Sts>`` (.02) against ``<Sts><Cd>BOOK</Cd></Sts>`` (.08);
- a transaction's own amount: ``AmtDtls/TxAmt/Amt`` (.02) against
  ``TxDtls/Amt`` + ``CdtDbtInd`` (.04 on; .08 also keeps AmtDtls);
- parties ``Dbtr/Nm`` (.02) against ``Dbtr/Pty/Nm`` (.08); agents
  ``FinInstnId/BIC`` (.02) against ``FinInstnId/BICFI`` (.08).

A batch entry has ``NtryDtls/Btch/NbOfTxs`` and one ``TxDtls`` per payment
with its amount, its ``AcctSvcrRef`` and ``EndToEndId``; a converted
payment carries ``AmtDtls/InstdAmt`` with ``CcyXchg``.
"""

from lxml import etree

VERSIONS = ("001.02", "001.08")


def _amount(value):
    return f"{abs(value):.2f}"


class _Writer:
    def __init__(self, version):
        if version not in VERSIONS:
            raise ValueError(f"camt.053 version {version!r} is not one of {VERSIONS}")
        self.version = version
        self.v8 = version == "001.08"
        self.ns = f"urn:iso:std:iso:20022:tech:xsd:camt.053.{version}"

    def el(self, parent, tag, text=None, **attributes):
        node = etree.SubElement(parent, f"{{{self.ns}}}{tag}", attributes)
        if text is not None:
            node.text = str(text)
        return node

    def path(self, parent, tags, text=None, **attributes):
        """Nested elements ``tags`` ("A/B/C"), the last with the text."""
        node = parent
        names = tags.split("/")
        for name in names[:-1]:
            node = self.el(node, name)
        return self.el(node, names[-1], text, **attributes)

    def document(self, statements, message_id, created_at):
        root = etree.Element(f"{{{self.ns}}}Document", nsmap={None: self.ns})
        message = self.el(root, "BkToCstmrStmt")
        header = self.el(message, "GrpHdr")
        self.el(header, "MsgId", message_id)
        self.el(header, "CreDtTm", created_at)
        paging = self.el(header, "MsgPgntn")
        self.el(paging, "PgNb", 1)
        self.el(paging, "LastPgInd", "true")
        for statement in statements:
            self.statement(message, statement)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)

    def statement(self, parent, statement):
        node = self.el(parent, "Stmt")
        self.el(node, "Id", statement.id)
        self.el(node, "ElctrncSeqNb", statement.sequence)
        self.el(node, "CreDtTm", statement.created_at)
        account = self.el(node, "Acct")
        self.path(account, "Id/IBAN", statement.iban)
        self.el(account, "Ccy", statement.currency)
        self.path(account, "Ownr/Nm", statement.owner)
        self.path(account, f"Svcr/FinInstnId/{'BICFI' if self.v8 else 'BIC'}", statement.bic)
        self.balance(node, "OPBD", statement.opening_balance, statement.currency, statement.opening_date)
        self.balance(node, "CLBD", statement.closing_balance, statement.currency, statement.closing_date)
        for entry in statement.entries:
            self.entry(node, entry, statement.currency)

    def balance(self, parent, code, amount, currency, day):
        node = self.el(parent, "Bal")
        self.path(node, "Tp/CdOrPrtry/Cd", code)
        self.el(node, "Amt", _amount(amount), Ccy=currency)
        self.el(node, "CdtDbtInd", "CRDT" if amount >= 0 else "DBIT")
        self.path(node, "Dt/Dt", day.isoformat())

    def entry(self, parent, entry, currency):
        node = self.el(parent, "Ntry")
        amount = entry.amount
        self.el(node, "Amt", _amount(amount), Ccy=currency)
        self.el(node, "CdtDbtInd", "CRDT" if amount >= 0 else "DBIT")
        if self.v8:
            self.path(node, "Sts/Cd", "BOOK")
        else:
            self.el(node, "Sts", "BOOK")
        self.path(node, "BookgDt/Dt", entry.booking_date.isoformat())
        self.path(node, "ValDt/Dt", entry.value_date.isoformat())
        self.el(node, "AcctSvcrRef", entry.bank_reference)
        self.bank_code(node, entry.domain)
        details = self.el(node, "NtryDtls")
        if entry.batch:
            batch = self.el(details, "Btch")
            self.el(batch, "NbOfTxs", len(entry.transactions))
            self.el(batch, "TtlAmt", _amount(amount), Ccy=currency)
            self.el(batch, "CdtDbtInd", "CRDT" if amount >= 0 else "DBIT")
        for tx in entry.transactions:
            self.transaction(details, tx, currency, entry)

    def bank_code(self, parent, domain):
        code = self.path(parent, "BkTxCd/Domn/Cd", domain[0]).getparent()
        family = self.el(code, "Fmly")
        self.el(family, "Cd", domain[1])
        self.el(family, "SubFmlyCd", domain[2])

    def transaction(self, parent, tx, currency, entry):
        node = self.el(parent, "TxDtls")
        refs = self.el(node, "Refs")
        self.el(refs, "AcctSvcrRef", tx.bank_reference)
        self.el(refs, "EndToEndId", tx.end_to_end_id or "NOTPROVIDED")
        credit = tx.amount >= 0
        if self.v8:
            self.el(node, "Amt", _amount(tx.amount), Ccy=currency)
            self.el(node, "CdtDbtInd", "CRDT" if credit else "DBIT")
        details = self.el(node, "AmtDtls")
        if tx.original_amount is not None:
            instructed = self.el(details, "InstdAmt")
            self.el(instructed, "Amt", _amount(tx.original_amount), Ccy=tx.original_currency)
            exchange = self.el(instructed, "CcyXchg")
            self.el(exchange, "SrcCcy", tx.original_currency)
            self.el(exchange, "TrgtCcy", currency)
            self.el(exchange, "XchgRate", tx.exchange_rate)
        self.path(details, "TxAmt/Amt", _amount(tx.amount), Ccy=currency)
        if tx.counterparty_name or tx.counterparty_iban:
            parties = self.el(node, "RltdPties")
            role = "Dbtr" if credit else "Cdtr"
            if tx.counterparty_name:
                party = self.el(parties, role)
                self.el(self.el(party, "Pty") if self.v8 else party, "Nm", tx.counterparty_name[:140])
            if tx.counterparty_iban:
                self.path(parties, f"{role}Acct/Id/IBAN", tx.counterparty_iban)
        if tx.counterparty_bic:
            agents = self.el(node, "RltdAgts")
            self.path(
                agents,
                f"{'DbtrAgt' if credit else 'CdtrAgt'}/FinInstnId/{'BICFI' if self.v8 else 'BIC'}",
                tx.counterparty_bic,
            )
        if tx.remittance:
            remittance = self.el(node, "RmtInf")
            text = tx.remittance
            while text:  # Ustrd is at most 140 characters; longer texts take several
                self.el(remittance, "Ustrd", text[:140])
                text = text[140:]


def write_camt053(statements, version="001.02", message_id=None, created_at=None):
    """The camt.053 file (bytes, UTF-8) of one :class:`~.model.Statement`
    or a list of them."""
    if not isinstance(statements, (list, tuple)):
        statements = [statements]
    if not statements:
        raise ValueError("no statement to write")
    last = statements[-1]
    message_id = message_id or f"CAMT053-{last.iban[-10:]}-{last.closing_date:%Y%m%d}"
    created_at = created_at or last.created_at
    return _Writer(version).document(statements, message_id, created_at)
