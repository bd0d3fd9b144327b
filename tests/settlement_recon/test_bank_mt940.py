"""MT940/MT942 read into the canonical bank_statement, on the mt-940 library.

The public samples (wolph/mt940's test data: jejik's Dutch banks, cmxl's
German ``?20`` sub-fields, MIT) are compared with that project's own
expected results (the .yml beside each sample, the library's output with
its 5.0 defaults) where the two overlap: amounts, dates, references,
transaction types, balances. The .yml files are read with a loader that
builds plain values from their python tags, never objects.
"""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from odoo.addons.integration_core.lib import canonical
from odoo.addons.settlement_recon.lib.bank import mt940
from odoo.addons.settlement_recon.lib.bank.common import BankFileError

FIXTURES_DIR = Path(__file__).resolve().parents[3] / "shared" / "fixtures"  # as tests/conftest.py

JEJIK = FIXTURES_DIR / "bank" / "mt940-jejik"
CMXL = FIXTURES_DIR / "bank" / "mt940-cmxl"


def read(data):
    document, warnings = mt940.parse(data)
    canonical.validate("bank_statement", document)
    return document, warnings


def sample(folder, name):
    path = folder / name
    if not path.exists():
        pytest.skip(f"shared bank samples not found at {folder}")
    return read(path.read_bytes())


# --- the library's expected results, read safely -----------------------------------


class ExpectedLoader(yaml.SafeLoader):
    """YAML with the python tags of pickled mt940 results read as plain
    values: objects as dicts, Dates as dates, Decimals as Decimals."""


def _object(loader, _suffix, node):
    data = {}
    yield data  # objects refer to themselves (a transaction's "transactions")
    data.update(loader.construct_mapping(node, deep=True))


def _apply(loader, suffix, node):
    arguments = loader.construct_sequence(node, deep=True)
    if suffix == "decimal.Decimal":
        return Decimal(arguments[0])
    if suffix == "mt940.models.Date":
        state = arguments[0]
        return datetime.date(state[0] * 256 + state[1], state[2], state[3])
    return None  # compiled patterns and the like


ExpectedLoader.add_multi_constructor("tag:yaml.org,2002:python/object:", _object)
ExpectedLoader.add_multi_constructor("tag:yaml.org,2002:python/object/apply:", _apply)


def expected(folder, name):
    return yaml.load((folder / name).with_suffix(".yml").read_text(), Loader=ExpectedLoader)  # noqa: S506


def reference(value):
    return None if (value or "").strip().upper() in ("", "NONREF", "EREF") else value.strip()


@pytest.mark.parametrize(
    "folder, name",
    [
        (JEJIK, "abnamro.sta"),
        (JEJIK, "generic.sta"),
        (JEJIK, "ing.sta"),
        (JEJIK, "knab.sta"),
        (JEJIK, "rabobank-iban.sta"),
        (JEJIK, "triodos.sta"),
        (CMXL, "mt940.sta"),
    ],
)
def test_samples_read_as_the_library_project_expects(folder, name):
    document, _warnings = sample(folder, name)
    library = expected(folder, name)
    entries = [entry for statement in document["statements"] for entry in statement["entries"]]
    assert len(entries) == len(library["transactions"])
    for entry, transaction in zip(entries, library["transactions"], strict=True):
        data = transaction["data"]
        assert Decimal(entry["amount"]) == data["amount"]["amount"]
        assert entry["value_date"] == data["date"].isoformat()
        assert entry["booking_date"] == (data.get("entry_date") or data["date"]).isoformat()
        assert entry["bank_reference"] == (data.get("bank_reference") or None)
        if data.get("customer_reference") is not None:
            assert entry["entry_reference"] == reference(data["customer_reference"])
        assert entry["transaction_code"].split("+")[0] == data["id"]
        assert entry["status"] == "booked"
        assert entry["raw"].startswith(":61:")
    last = document["statements"][-1]  # the library's one collection keeps the last statement's data
    statement = library["data"]
    # (ABN AMRO's second statement has :60M:/:62M:, its first :60F:/:62F:, which stay in the collection)
    opening = statement.get("intermediate_opening_balance") or statement.get("final_opening_balance")
    closing = statement.get("intermediate_closing_balance") or statement.get("final_closing_balance")
    assert Decimal(last["opening_balance"]) == opening["amount"]["amount"]
    assert Decimal(last["closing_balance"]) == closing["amount"]["amount"]
    assert last["closing_date"] == closing["date"].isoformat()
    assert last["currency"] == closing["amount"]["currency"]
    assert last["id"] == statement["transaction_reference"]


# --- Dutch banks -------------------------------------------------------------------


def test_abnamro_two_statements_with_intermediate_balances():
    document, warnings = sample(JEJIK, "abnamro.sta")
    first, second = document["statements"]
    assert (first["sequence"], second["sequence"]) == ("19321/1", "19322/1")  # :28: and :28C:
    assert (second["opening_balance"], second["closing_balance"]) == ("2876.84", "1849.75")  # :60M: :62M:
    assert first["account"] == "517852257" and first["currency"] == "EUR"
    assert document["format"] == "mt940" and document["message_id"] == "ABN AMRO BANK NV"
    # the bank's header lines between the statements are neither values nor lines
    assert (
        first["entries"][-1]["remittance"] == "BEA NR:XXX1234 22.05.11/13.45 MYCOM DEN HAAG S-GRAVEN,PAS999"
    )
    assert first["entries"][0]["remittance"].startswith("GIRO 428428 KPN - DIGITENNE BETALINGSKENM.")
    assert warnings == []


def test_rabobank_structured_details_and_counterparty_account_on_the_61_line():
    document, _warnings = sample(JEJIK, "rabobank-iban.sta")
    first, second = document["statements"][0]["entries"]
    assert first["end_to_end_id"] == "01-01-2013 12:00 0030000987654321"  # /EREF/
    assert first["counterparty"] == {
        "name": "CONTRA ACCOUNT HOLDER",
        "iban": "NL70ABNA0987654321",
        "bic": None,
    }
    assert first["entry_reference"] is None  # "EREF" only says the :86: has one
    assert first["remittance"] is None  # /REMI/ is empty
    assert second["remittance"] == "Reference 201301234"
    assert second["counterparty"]["name"] == "JOHN DOE"
    assert second["counterparty"]["iban"] == "P001234567"
    assert document["statements"][0]["account"] == "NL71RABO0123456789"


def test_knab_account_and_name():
    document, _warnings = sample(JEJIK, "knab.sta")
    entry = document["statements"][1]["entries"][0]
    assert entry["counterparty"] == {"name": "PICQER", "iban": "NL65INGB0123456789", "bic": None}
    assert entry["remittance"] == "FACTUUR 201403110, 201403113"
    assert entry["bank_reference"] == "B4G29PGCVO7Q06US"
    assert document["statements"][0]["opening_balance"] == "0.00"  # :60F:C140507EUR0,


def test_ing_statement_information_after_the_closing_balance_is_not_a_line():
    document, _warnings = sample(JEJIK, "ing.sta")
    statement = document["statements"][0]
    assert len(statement["entries"]) == 7
    last = statement["entries"][-1]
    assert "D000004C000002" not in last["remittance"] and "D000004C000002" not in last["raw"]
    assert (
        last["remittance"]
        == "0111111111 Hr S Marechal ROSMALEN Hr S Marechal ROSMALEN Betaling transactiedatum: 22-07-2010"
    )
    assert statement["entries"][2]["entry_reference"] == "TMG TANGO"


def test_triodos_sub_fields_with_angle_brackets():
    document, _warnings = sample(JEJIK, "triodos.sta")
    first, second = document["statements"][0]["entries"]
    assert first["remittance"] == "ALGEMENE TUSSENREKENING KOSTEN VAN 01-10-2010 TOT EN MET 31-12-2010"
    assert first["counterparty"]["iban"] == "0390123456"  # >31
    assert second["remittance"] == "HUUR KANTOOR - FEB 2010"
    assert document["statements"][0]["account"] == "0390123456"  # TRIODOSBANK/0390123456


def test_ing_sepa_and_abn_amro_sepa_structures():
    """The ING and ABN AMRO SEPA layouts, written here after the banks'
    published formats (no public sample with a licence we can use)."""
    data = (
        b":20:P140220000000001\n:25:NL69INGB0123456789EUR\n:28C:00000\n:60F:C140219EUR662,23\n"
        b":61:1402200220C1,56NTRFEREF//00000000001005\n/TRCD/00100/\n"
        b":86:/EREF/EV12341REP1231456T1234//CNTP/NL32INGB0000012345/INGBNL2A/ING BANK N.V. INZAKE WEB/\n"
        b"AMSTERDAM//REMI/USTD//EV10001REP1000000T1000/\n"
        b":61:1402200220D25,00NTRFNONREF//00000000001006\n"
        b":86:/TRTP/SEPA OVERBOEKING/IBAN/NL46ABNA0499998748/BIC/ABNANL2A/NAME/ PAYOUTS LTD/\n"
        b"REMI/STRD/CUR/RF18539007547034/EREF/NOTPROVIDED\n"
        b":62F:C140220EUR638,79\n"
    )
    document, _warnings = read(data)
    statement = document["statements"][0]
    assert statement["account"] == "NL69INGB0123456789"  # the currency glued to the IBAN is taken off
    ing, abn = statement["entries"]
    assert ing["end_to_end_id"] == "EV12341REP1231456T1234"
    assert ing["counterparty"] == {
        "name": "ING BANK N.V. INZAKE WEB",
        "iban": "NL32INGB0000012345",
        "bic": "INGBNL2A",
    }
    assert ing["remittance"] == "EV10001REP1000000T1000"
    assert ing["bank_reference"] == "00000000001005"
    assert abn["counterparty"] == {"name": "PAYOUTS LTD", "iban": "NL46ABNA0499998748", "bic": "ABNANL2A"}
    assert abn["remittance"] == "RF18539007547034"
    assert abn["end_to_end_id"] is None  # NOTPROVIDED


# --- German ?-sub-fields -----------------------------------------------------------


def framed(fragment):
    """cmxl's one-tag samples inside a statement of ours (:20:, :25:, balances)."""
    return (
        b":20:FRAME\n:25:10020030/1234567\n:28C:1/1\n:60F:C140901EUR0,00\n"
        + fragment
        + b"\n:62F:C140902EUR0,00\n"
    )


def test_german_sepa_keywords_and_sub_fields():
    path = CMXL / "statement_details.sta"
    if not path.exists():
        pytest.skip("shared bank samples not found")
    document, _warnings = read(framed(path.read_bytes().rstrip()))
    entry = document["statements"][0]["entries"][0]
    assert entry["amount"] == "-1.62"
    assert entry["end_to_end_id"] == "TRX-0A4A47C3-F846-4729-8A1B-5DF620F"  # EREF+ over ?20-?21
    assert entry["mandate_id"] == "CAC97D2144174318AC18D9BF815BD4FB"  # MREF+
    assert entry["creditor_id"] == "DE98ZZZ09999999999"  # CRED+
    assert entry["remittance"] == "FOO TRX-0A4A47C3-F846-4729-8A1B-5DF620F"  # SVWZ+
    # ?31 stays apart from the name (applicant_iban), ?30 is a BIC
    assert entry["counterparty"] == {
        "name": "Peter Pan",
        "iban": "HUkkbbbsssskcccccccccccccccx",
        "bic": "HYVEDEMMXXX",
    }
    assert entry["transaction_code"] == "NTRF+171"
    assert entry["entry_reference"] == "0000549855700010"
    assert entry["bank_reference"] == "025498557/000001"
    assert entry["booking_date"] == "2014-09-02" and entry["value_date"] == "2014-09-01"
    # the same values as the library project expects of this :86:
    data = expected(CMXL, "statement_details.sta")["transactions"][0]["data"]
    assert (entry["end_to_end_id"], entry["mandate_id"], entry["creditor_id"], entry["remittance"]) == (
        data["end_to_end_reference"],
        data["additional_position_reference"],
        data["applicant_creditor_id"],
        data["purpose"],
    )
    assert entry["counterparty"] == {
        "name": data["applicant_name"],
        "iban": data["applicant_iban"],
        "bic": data["applicant_bin"],
    }
    # where it lost the :61: customer reference to a :86: without KREF+, we keep it (merge_keeps_values)
    assert data["customer_reference"] is None


def test_german_sub_fields_without_sepa_keywords():
    document, _warnings = sample(CMXL, "mt940.sta")
    rent, salary = document["statements"][1]["entries"]
    assert rent["remittance"] == "Miete November"  # ?20
    assert rent["counterparty"] == {"name": "MUELLER", "iban": "234567", "bic": None}  # ?30 is a bank code
    assert rent["transaction_code"] == "NSTO+008"
    assert salary["amount"] == "3000.00"
    assert document["statements"][1]["account"] == "1234567"  # :25: after the bank code
    polish = document["statements"][2]["entries"][0]
    assert polish["counterparty"]["name"] == "HUTA SZKLA TOPIC ULPRZEMYSLOWA 67 32-669 WROCLAW"  # ?32 + ?33


# --- MT942 and broken files --------------------------------------------------------

MT942 = b"""{1:F01DEUTDEFFAXXX0000000000}{2:O9420000000000DEUTDEFFAXXX00000000000000000000N}{4:
:20:MT942-0501
:25:DE89370400440532013000
:28C:17/1
:34F:EURD0,
:34F:EURC0,
:13D:2405011015+0200
:61:2405010501C150,00NTRFNONREF//BANK-1
:86:166?00SEPA GUTSCHRIFT?20EREF+PAYOUT-7?21SVWZ+Shopify payout 7?30DEUTDEFFXXX
?31DE02120300000000202051?32Shopify International?33 Ltd
:90D:0EUR0,
:90C:1EUR150,00
-}"""


def test_mt942_interim_lines_are_pending_without_balances():
    document, warnings = read(MT942)
    assert document["format"] == "mt942"
    assert document["created_at"] == "2024-05-01T10:15:00+02:00"  # :13D:
    statement = document["statements"][0]
    assert (statement["opening_balance"], statement["closing_balance"]) == (None, None)
    assert statement["currency"] == "EUR"  # from :34F:
    (entry,) = statement["entries"]
    assert entry["status"] == "pending"
    assert entry["end_to_end_id"] == "PAYOUT-7"
    assert entry["counterparty"]["name"] == "Shopify International Ltd"
    assert warnings == []


def test_a_bad_61_line_is_named_by_its_line():
    data = MT942.replace(b":61:2405010501C150,00", b":61:24X5010501C150,00")
    with pytest.raises(BankFileError) as caught:
        read(data)
    assert caught.value.location == "line 8 (:61:)"
    assert "cannot read '24X5010501C150,00NTRFNONREF//BANK-1'" in caught.value.reason


def test_an_impossible_date_or_amount_is_named_by_its_line():
    with pytest.raises(BankFileError) as caught:
        read(MT942.replace(b":61:2405010501", b":61:2413010501"))
    assert caught.value.location == "line 8 (:61:)"
    with pytest.raises(BankFileError) as caught:
        read(framed(b":61:1409010902D,NTRFNONREF"))
    assert caught.value.location == "line 5 (:61:)"


def test_a_statement_without_currency_or_account_is_refused():
    with pytest.raises(BankFileError, match="no currency"):
        read(b":20:X\n:25:123\n:61:1409010902D1,00NTRFNONREF\n")
    with pytest.raises(BankFileError, match=r"no account \(:25:\)"):
        read(b":20:X\n:60F:C140901EUR0,00\n:61:1409010902D1,00NTRFNONREF\n:62F:D140901EUR1,00\n")


def test_a_reversal_of_a_credit_is_a_debit():
    document, _warnings = read(framed(b":61:1409010902RC12,50NTRFNONREF\n:86:RETOUR"))
    assert document["statements"][0]["entries"][0]["amount"] == "-12.50"


def test_a_statement_without_closing_balance_is_read_with_a_warning():
    document, warnings = read(b":20:X\n:25:123\n:60F:C140901EUR0,00\n:61:1409010902D1,00NTRFNONREF\n")
    assert document["statements"][0]["closing_balance"] is None
    assert warnings == ["statements[0] (line 1 (:20:)): no closing balance (:62F:/:62M:)"]


def test_windows_1252_text_is_decoded():
    document, _warnings = read(
        framed(":61:1409010902C1,00NTRFNONREF\n:86:Müller Überweisung".encode("cp1252"))
    )
    assert document["statements"][0]["entries"][0]["remittance"] == "Müller Überweisung"
