"""Shared set-up of the bank tests: a USD bank journal on a known IBAN and
small statement files written here (MT940 and camt.053 bytes)."""

from decimal import Decimal

from .common import SettlementCase

IBAN = "NL91ABNA0417164300"


def mt940(entries, opening="100.00", statement_id="STMT-1", account=IBAN, currency="USD", day="240503"):
    """An MT940 statement: ``entries`` are (amount, reference, remittance,
    name[, bank reference]) tuples, booked on ``day``; the closing balance
    adds them up."""
    closing = Decimal(opening) + sum(Decimal(amount) for amount, *_rest in entries)

    def balance(tag, value):
        mark = "C" if value >= 0 else "D"
        return f":{tag}:{mark}{day}{currency}{abs(value):.2f}".replace(".", ",")

    lines = [f":20:{statement_id}", f":25:{account}", ":28C:1/1", balance("60F", Decimal(opening))]
    for index, (amount, reference, remittance, name, *bank_ref) in enumerate(entries, 1):
        value = Decimal(amount)
        mark = "C" if value >= 0 else "D"
        ours = bank_ref[0] if bank_ref else f"BANK-{statement_id}-{index}"
        lines.append(f":61:{day}{day[2:]}{mark}{abs(value):.2f}".replace(".", ",") + f"NTRFNONREF//{ours}")
        eref = f"/EREF/{reference}" if reference else ""
        lines.append(f":86:{eref}/REMI/{remittance}/NAME/{name}")
    lines.append(balance("62F", closing))
    return ("\n".join(lines) + "\n").encode()


CAMT_NS = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"


def camt053(entries, opening="100.00", closing=None, account=IBAN, currency="USD", extra=""):
    """A camt.053.001.02 statement: ``entries`` are (amount, status code,
    end-to-end id, remittance) tuples; ``extra`` is more ``<Ntry>`` XML
    (its amount not in the closing balance)."""
    closing = closing or str(
        Decimal(opening) + sum(Decimal(a) for a, status, *_r in entries if status == "BOOK")
    )

    def amount_xml(value):
        value = Decimal(value)
        return f'<Amt Ccy="{currency}">{abs(value):.2f}</Amt><CdtDbtInd>{"CRDT" if value >= 0 else "DBIT"}</CdtDbtInd>'

    def balance(code, value):
        return (
            f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp>{amount_xml(value)}"
            "<Dt><Dt>2024-05-03</Dt></Dt></Bal>"
        )

    items = "".join(
        f"<Ntry>{amount_xml(amount)}<Sts>{status}</Sts><BookgDt><Dt>2024-05-03</Dt></BookgDt>"
        f"<ValDt><Dt>2024-05-03</Dt></ValDt><AcctSvcrRef>ACC-{index}</AcctSvcrRef>"
        f"<NtryDtls><TxDtls><Refs><EndToEndId>{e2e}</EndToEndId></Refs>"
        f"<RmtInf><Ustrd>{remittance}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"
        for index, (amount, status, e2e, remittance) in enumerate(entries, 1)
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="{CAMT_NS}"><BkToCstmrStmt>
<GrpHdr><MsgId>MSG-1</MsgId><CreDtTm>2024-05-03T06:00:00</CreDtTm></GrpHdr>
<Stmt><Id>CAMT-1</Id><CreDtTm>2024-05-03T06:00:00</CreDtTm>
<Acct><Id><IBAN>{account}</IBAN></Id><Ccy>{currency}</Ccy></Acct>
{balance("OPBD", opening)}{balance("CLBD", closing)}{items}{extra}
</Stmt></BkToCstmrStmt></Document>""".encode()


def camt_batch_entry(transactions, currency="USD"):
    """One booked camt ``<Ntry>`` of several transactions: (amount,
    end-to-end id, remittance) each, the entry's amount their sum."""
    total = sum(Decimal(amount) for amount, _e2e, _text in transactions)
    details = "".join(
        f"<TxDtls><Refs><AcctSvcrRef>TX-{e2e}</AcctSvcrRef><EndToEndId>{e2e}</EndToEndId></Refs>"
        f'<AmtDtls><TxAmt><Amt Ccy="{currency}">{Decimal(amount):.2f}</Amt></TxAmt></AmtDtls>'
        f"<RmtInf><Ustrd>{text}</Ustrd></RmtInf></TxDtls>"
        for amount, e2e, text in transactions
    )
    return (
        f'<Ntry><Amt Ccy="{currency}">{total:.2f}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>'
        "<BookgDt><Dt>2024-05-03</Dt></BookgDt><ValDt><Dt>2024-05-03</Dt></ValDt><AcctSvcrRef>BATCH-1</AcctSvcrRef>"
        f"<NtryDtls><Btch><NbOfTxs>{len(transactions)}</NbOfTxs></Btch>{details}</NtryDtls></Ntry>"
    )


class BankCase(SettlementCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bank_journal = cls.env["account.journal"].create(
            {
                "name": "Bank (settlement tests)",
                "type": "bank",
                "code": "BSTT",
                "bank_acc_number": "NL91 ABNA 0417 1643 00",
                "company_id": cls.company.id,
            }
        )
        cls.Files = cls.env["settlement.bank.file"]

    def import_file(self, data, name="statement.sta", journal=None):
        return self.Files._import_bytes(data, name, journal=journal)

    def posted_payout(self, external_id, amount, currency="USD", **extra):
        """A booked Stripe payout of ``amount`` (one charge line, no fee)."""
        from .common import line, payout

        result = self.import_payout(
            payout(
                external_id,
                [line(f"txn_{external_id}", "charge", amount, currency=currency)],
                currency=currency,
                **extra,
            )
        )
        self.assertEqual(result.state, "posted", result.exception_reason)
        return result
