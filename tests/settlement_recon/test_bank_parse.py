"""bank.parse (format detection, validation), entry_keys and file_fingerprint."""

import random
from pathlib import Path

import pytest

from odoo.addons.integration_core.lib import canonical
from odoo.addons.integration_core.lib.exceptions import PermanentError, ValidationFailed
from odoo.addons.settlement_recon.lib import bank

FIXTURES_DIR = Path(__file__).resolve().parents[3] / "shared" / "fixtures"  # as tests/conftest.py

BANK = FIXTURES_DIR / "bank"

STATEMENT = b"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.04">
 <BkToCstmrStmt>
  <GrpHdr><MsgId>M-1</MsgId><CreDtTm>2024-05-02T06:00:00+02:00</CreDtTm></GrpHdr>
  <Stmt><Id>S-1</Id>
   <Acct><Id><IBAN>DE89 3704 0044 0532 0130 00</IBAN></Id><Ccy>EUR</Ccy></Acct>
   %s
  </Stmt>
 </BkToCstmrStmt>
</Document>"""


def entry(amount, reference="", day="01", status="BOOK"):
    ref = f"<AcctSvcrRef>{reference}</AcctSvcrRef>" if reference else ""
    return (
        f'<Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>{status}</Cd></Sts>'
        f"<BookgDt><Dt>2024-05-{day}</Dt></BookgDt>{ref}</Ntry>"
    )


def statement(*entries):
    return STATEMENT % "".join(entries).encode()


def shared(path):
    if not (BANK / path).exists():
        pytest.skip(f"shared bank samples not found at {BANK}")
    return (BANK / path).read_bytes()


# --- parse ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path, expected",
    [
        ("camt-genkgo/camt053.v8.xml", "camt.053.001.08"),
        ("camt-genkgo/camt052.v2.xml", "camt.052.001.02"),
        ("camt-genkgo/camt054.v2.with-account-name.xml", "camt.054.001.02"),
        ("mt940-jejik/abnamro.sta", "mt940"),
        ("mt940-jejik/rabobank-iban.sta", "mt940"),  # starts with ":940:"
        ("mt940-jejik/ing.sta", "mt940"),  # starts with the bank's header lines
        ("mt940-cmxl/mt940.sta", "mt940"),
    ],
)
def test_the_format_is_detected_from_the_content(path, expected):
    document = bank.parse(shared(path))
    assert document["format"] == expected
    canonical.validate("bank_statement", document)


def test_warnings_come_beside_the_document():
    document, warnings = bank.parse_with_warnings(shared("camt-genkgo/camt052.v2.xml"))
    assert "warnings" not in document
    assert len(warnings) == 1


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"", "the file is empty"),
        (b"\xef\xbb\xbf \n\n", "the file is empty"),
        (b"Date;Amount\n2024-05-01;12.30\n", "neither camt XML"),
        (b":86:only details\n", "neither camt XML"),
        (
            b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"><CstmrCdtTrfInitn/></Document>',
            "no camt.052/053/054 Document (the root is Document in urn:iso:std:iso:20022:tech:xsd:pain.001.001.03)",
        ),
        (b"<html><body>login</body></html>", "the root is html in no namespace"),
        (
            b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.10"/>',
            "camt.053.001.10 is not supported",
        ),
        (
            b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>',
            "not well-formed",
        ),
    ],
)
def test_what_is_no_bank_statement_is_refused_with_a_reason(data, reason):
    with pytest.raises(bank.BankFileError) as caught:
        bank.parse(data)
    assert reason in caught.value.reason


def test_the_error_is_permanent_and_names_the_file_and_place():
    with pytest.raises(bank.BankFileError) as caught:
        bank.parse(statement(entry("12,30")), filename="may.xml")
    error = caught.value
    assert isinstance(error, ValidationFailed) and isinstance(error, PermanentError)
    assert error.location == "may.xml, BkToCstmrStmt/Stmt/Ntry/Amt, line 7"
    assert str(error) == "may.xml, BkToCstmrStmt/Stmt/Ntry/Amt, line 7: '12,30' is not an amount"
    assert error.errors == [str(error)]


def test_an_amount_beyond_the_canonical_bounds_is_an_error():
    with pytest.raises(bank.BankFileError, match="beyond the canonical bounds"):
        bank.parse(statement(entry("10000000000000.00")))


def test_a_balance_beyond_the_canonical_bounds_is_an_error():
    balance = (
        '<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">99999999999999</Amt>'
        "<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2024-05-01</Dt></Dt></Bal>"
    )
    with pytest.raises(bank.BankFileError, match="beyond the canonical bounds") as caught:
        bank.parse(statement(balance))
    assert caught.value.location.startswith("BkToCstmrStmt/Stmt/Bal")


def test_an_iban_is_written_without_spaces():
    assert bank.parse(statement(entry("1.00")))["statements"][0]["account"] == "DE89370400440532013000"


def test_utf16_xml_with_its_byte_order_mark():
    data = (
        statement(entry("1.00")).replace(b'encoding="UTF-8"', b'encoding="UTF-16"').decode().encode("utf-16")
    )
    assert bank.parse(data)["statements"][0]["entries"][0]["amount"] == "-1.00"


def test_mt940_in_swift_envelopes_with_windows_line_endings():
    message = (
        "{1:F01INGBNL2AXXXX0000000000}{2:O9400000000000INGBNL2AXXXX00000000000000000000N}{4:\n"
        ":20:P1\n:25:NL69INGB0123456789EUR\n:28C:1\n:60F:C240501EUR10,00\n"
        ":61:2405010501D2,50NTRFNONREF//B1\n:86:/EREF/E-NUMBER//REMI/USTD//fee/\n:62F:C240501EUR7,50\n-}\n"
    )
    data = (message.replace("NUMBER", "1") + message.replace("NUMBER", "2")).replace("\n", "\r\n").encode()
    document = bank.parse(data)
    assert document["format"] == "mt940"
    assert [s["entries"][0]["end_to_end_id"] for s in document["statements"]] == ["E-1", "E-2"]
    assert document["statements"][0]["closing_balance"] == "7.50"


def test_text_input_is_read_as_utf8():
    assert bank.parse(statement(entry("1.00")).decode())["statements"][0]["entries"][0]["amount"] == "-1.00"


# --- entry_keys ----------------------------------------------------------------------


def test_identical_lines_in_one_statement_get_distinct_keys():
    document = bank.parse(statement(entry("10.00"), entry("10.00"), entry("10.00", "REF-9")))
    (keys,) = bank.entry_keys(document)
    assert keys == [
        "v1|DE89370400440532013000|EUR|booked|2024-05-01|-10||1",
        "v1|DE89370400440532013000|EUR|booked|2024-05-01|-10||2",
        "v1|DE89370400440532013000|EUR|booked|2024-05-01|-10|REF-9|1",
    ]


def test_a_file_sent_again_gives_the_same_keys_and_a_later_file_only_adds():
    intraday = bank.parse(statement(entry("10.00"), entry("99.00", status="PDNG")))
    end_of_day = bank.parse(statement(entry("10.00"), entry("99.00"), entry("10.00")))
    again = bank.parse(statement(entry("10.00"), entry("99.00"), entry("10.00")))
    assert bank.entry_keys(end_of_day) == bank.entry_keys(again)
    seen = set(bank.entry_keys(intraday)[0])
    new = [key for key in bank.entry_keys(end_of_day)[0] if key not in seen]
    # the first 10.00 was already there; the booked 99.00 replaces a pending one; the second 10.00 is new
    assert [key.split("|")[3:6] + key.split("|")[-1:] for key in new] == [
        ["booked", "2024-05-01", "-99", "1"],
        ["booked", "2024-05-01", "-10", "2"],
    ]


def test_keys_are_unique_in_every_shared_sample():
    for path in sorted(BANK.glob("*/*.xml")) + sorted(BANK.glob("mt940-jejik/*.sta")):
        keys = [
            key for statement_keys in bank.entry_keys(bank.parse(path.read_bytes())) for key in statement_keys
        ]
        assert len(keys) == len(set(keys)), path.name


# --- file_fingerprint ---------------------------------------------------------------


def test_the_fingerprint_ignores_line_endings_bom_and_blank_lines():
    data = shared("mt940-jejik/generic.sta")
    variants = [
        data.replace(b"\n", b"\r\n"),
        b"\xef\xbb\xbf" + data,
        data.replace(b"\n", b"  \n\n"),
    ]
    assert {bank.file_fingerprint(variant) for variant in variants} == {bank.file_fingerprint(data)}
    assert bank.file_fingerprint(data.replace(b"10,00", b"10,01")) != bank.file_fingerprint(data)
    assert len(bank.file_fingerprint(data)) == 64


@pytest.mark.parametrize(
    "path", ["camt-genkgo/camt053.v8.xml", "mt940-cmxl/mt940.sta", "mt940-jejik/rabobank-iban.sta"]
)
def test_damaged_files_give_a_document_or_a_bank_file_error_never_a_crash(path):
    """Cut and scrambled copies of the samples (seeded, so the same every run)."""
    data = shared(path)
    rng = random.Random(path)
    variants = [data[:cut] for cut in range(0, len(data), max(1, len(data) // 40))]
    for _ in range(80):
        damaged = bytearray(data)
        for _ in range(rng.randint(1, 3)):
            position = rng.randrange(len(damaged))
            damaged[position] = rng.choice(b"0123456789:/?<>,.-CDRX \n&")
        variants.append(bytes(damaged))
    for variant in variants:
        try:
            canonical.validate("bank_statement", bank.parse(variant))
        except bank.BankFileError as exc:
            assert exc.reason and "\n" not in exc.reason.strip()
