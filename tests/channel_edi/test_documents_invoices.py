"""Invoices and credit notes (810, INVOIC): public samples, TDS implied
decimals, round trips, totals checked on the way out."""

import copy
import json

import pytest
from docs_support import edifact_messages, transaction, x12_sets

from odoo.addons.channel_edi.lib import documents
from odoo.addons.channel_edi.lib.documents import DocumentError, invoices

INVOICE_810 = {
    "invoice_number": "INV-1001",
    "invoice_date": "2024-05-20",
    "order_date": "2024-05-01",
    "po_number": "PO-4711",
    "is_credit": False,
    "notes": ["THANK YOU FOR YOUR ORDER"],
    "currency": "USD",
    "terms": {
        "type": "01",
        "basis_date": "3",
        "discount_percent": "1.000",
        "discount_days": "15",
        "net_days": "30",
        "description": "1/15 NET 30",
    },
    "ship_to": {"name": "STORE 112", "identifiers": {"92": "112"}},
    "bill_to": {"name": "RETAIL CORP AP", "identifiers": {"UL": "0614141000012"}},
    "parties": {"RE": {"name": "OUR COMPANY", "identifiers": {"1": "123456789"}}},
    "lines": [
        {
            "line": "1",
            "quantity": "16",
            "uom": "CA",
            "unit_price": "12.34",
            "product_ids": {"UP": "012345678905"},
            "description": "CRUNCHY CHIPS",
        },
        {
            "line": "2",
            "quantity": "13",
            "uom": "CA",
            "unit_price": "12.34",
            "product_ids": {"UP": "012345678912", "VN": "NC-13"},
        },
    ],
    "total": "383.36",
    "total_raw": "38336",
    "taxes": [{"type": "ST", "amount": "10.50", "rate": "7"}],
    "allowances_charges": [
        {"indicator": "C", "code": "D240", "amount": "25.00", "description": "FREIGHT"},
        {"indicator": "A", "code": "C310", "amount": "10.00"},
    ],
    "totals": {"line_count": "2"},
}


def test_810_public_sample_tds_implied_decimals():
    first, second = x12_sets("staedi/x12_simple810.edi")
    doc = documents.read(first, "X12")
    assert doc["invoice_number"] == "00001" and doc["po_number"] == "A99999-01"
    assert doc["invoice_date"] == "1997-12-11" and doc["is_credit"] is False
    assert doc["total_raw"] == "255438" and doc["total"] == "2554.38"  # TDS*255438: N2
    assert len(doc["lines"]) == 7 and doc["totals"] == {"line_count": "7"}
    assert doc["lines"][0] == {
        "quantity": "16",
        "uom": "CA",
        "unit_price": "12.34",
        "product_ids": {"UA": "002840022222"},
        "description": "CRUNCHY CHIPS LSS",
    }
    # the sample's total is the sum of its lines: 207 cases at 12.34
    assert str(invoices.compute_total({"lines": doc["lines"]})) == "2554.38"
    assert doc["ship_to"]["identifiers"] == {"9": "1223334445"} and doc["bill_to"]["name"] == "BUYSNACKS"
    assert doc["parties"]["RE"]["address"]["postal_code"] == "723224444"
    assert doc["terms"] == {
        "type": "01",
        "basis_date": "3",
        "discount_percent": "1.000",
        "discount_days": "15",
        "net_days": "16",
        "description": "1/15 NET 30",
    }
    doc2 = documents.read(second, "X12")
    assert doc2["po_number"] == "A99999-04" and len(doc2["lines"]) == 2 and doc2["total"] == "2554.38"
    json.dumps(doc)


def test_810_dual_sample_has_both_sets():
    sets = x12_sets("staedi/x12_invoice810_po850_dual.edi")
    assert [t.type for t in sets] == ["810", "810", "850"]
    assert [documents.read(t, "X12").get("total") for t in sets[:2]] == ["2554.38", "2554.38"]


def test_810_roundtrip():
    built = documents.build("810", copy.deepcopy(INVOICE_810), "X12", "004010")
    assert documents.read(built, "X12") == INVOICE_810
    tags = [s.tag for s in built.segments]
    assert tags.index("TDS") > tags.index("IT1") and tags[-2:] == ["CTT", "SE"]
    tds = next(s for s in built.segments if s.tag == "TDS")
    assert tds.get(1) == "38336"
    assert [s.get(5) for s in built.segments if s.tag == "SAC"] == ["2500", "1000"]
    big = built.segments[1]
    assert [big.get(n) for n in range(1, 8)] == ["20240520", "INV-1001", "20240501", "PO-4711", "", "", ""]


def test_810_total_is_computed_when_absent():
    document = copy.deepcopy(INVOICE_810)
    del document["total"], document["total_raw"]
    doc = documents.read(documents.build("810", document, "X12", "004010"), "X12")
    assert (doc["total"], doc["total_raw"]) == ("383.36", "38336")


def test_810_credit_note():
    document = copy.deepcopy(INVOICE_810)
    document.update(is_credit=True, transaction_type="CR")
    built = documents.build("810", document, "X12", "004010")
    assert built.segments[1].get(7) == "CR"
    assert documents.read(built, "X12") == document
    document.pop("transaction_type")
    doc = documents.read(documents.build("810", document, "X12", "004010"), "X12")
    assert doc["is_credit"] is True and doc["transaction_type"] == "CR"


@pytest.mark.parametrize(
    "mutate, message",
    [
        (
            lambda d: d.update(total="383.35"),
            "total: 383.35 given, but the lines, allowances, charges and taxes make 383.36.",
        ),
        (lambda d: d.update(total_raw="383"), "total_raw: 383 given, but the total 383.36 is written 38336."),
        (lambda d: d.pop("invoice_number"), "invoice_number: missing (mandatory)."),
        (lambda d: d.pop("po_number"), "po_number: missing (mandatory)."),
        (lambda d: d["lines"][1].pop("unit_price"), "lines[1].unit_price: missing (mandatory)."),
        (lambda d: d["lines"][0].update(quantity=16.0), "lines[0].quantity: expected a decimal string"),
        (
            lambda d: d["allowances_charges"][0].update(indicator="X"),
            "allowances_charges[0].indicator: 'X' is not A",
        ),
        (
            lambda d: d.update(transaction_type="CR"),
            "is_credit: BIG07 CR (credit memo) but is_credit is not true.",
        ),
    ],
)
def test_810_builder_checks(mutate, message):
    document = copy.deepcopy(INVOICE_810)
    mutate(document)
    with pytest.raises(DocumentError) as caught:
        documents.build("810", document, "X12", "004010")
    assert str(caught.value).startswith(message), str(caught.value)


def test_810_reader_errors():
    with pytest.raises(DocumentError, match="the TDS segment .* is missing"):
        documents.read(
            transaction("810", ("BIG", "20240520", "I1"), ("IT1", "", "1", "EA", "1.00"), ("CTT", "1")), "X12"
        )
    with pytest.raises(DocumentError, match=r"segment 4 \(TDS\), TDS01: '12.34' is not an N2 number"):
        documents.read(
            transaction("810", ("BIG", "20240520", "I1"), ("IT1", "", "1", "EA", "12.34"), ("TDS", "12.34")),
            "X12",
        )


# --- EDIFACT INVOIC ----------------------------------------------------------------

INVOIC = {
    "type": "380",
    "invoice_number": "342459",
    "purpose": "9",
    "is_credit": False,
    "invoice_date": "2024-05-20",
    "po_number": "521052",
    "parties": {
        "BY": {"identifiers": {"9": "5400110000009"}, "name": "BUYER NV"},
        "SU": {"identifiers": {"9": "5013546107732"}},
    },
    "ship_to": {"identifiers": {"9": "5400110000016"}},
    "currency": "EUR",
    "lines": [
        {
            "line": "1",
            "product_ids": {"EN": "5400111864181"},
            "description": "WIDGET",
            "quantity": "1020",
            "uom": "EA",
            "amounts": {"203": "1202.58"},
            "unit_price": "1.179",
            "price_qualifier": "AAA",
        },
        {
            "line": "2",
            "product_ids": {"IN": "157871"},
            "quantity": "20",
            "amounts": {"203": "410"},
            "unit_price": "20.5",
            "price_qualifier": "AAA",
        },
    ],
    "taxes": [
        {
            "function": "7",
            "type": "VAT",
            "rate": "21",
            "category": "S",
            "amounts": {"124": "434.08", "125": "2067.08"},
        }
    ],
    "allowances_charges": [
        {"indicator": "C", "code": "FC", "amount": "525"},
        {"indicator": "A", "code": "DI", "amount": "70.50", "percent": "3.41", "percent_basis": "1"},
    ],
    "totals": {"line_count": "2", "amounts": {"86": "2501.16", "79": "1612.58", "125": "2067.08"}},
    "total": "2501.16",
}


def test_invoic_roundtrip_and_comma_decimal():
    built = documents.build("INVOIC", copy.deepcopy(INVOIC), "EDIFACT", "D:96A:UN:EAN008")
    assert documents.read(built, "EDIFACT") == INVOIC
    tags = [s.tag for s in built.segments]
    assert tags[:3] == ["UNH", "BGM", "DTM"]
    # heading: CUX, then the ALC groups (SG15); summary: UNS, CNT, MOA, TAX groups (SG50)
    assert tags.index("CUX") < tags.index("ALC") < tags.index("LIN") < tags.index("UNS") < tags.index("CNT")
    assert tags.index("CNT") < tags.index("TAX")
    built = documents.build("INVOIC", copy.deepcopy(INVOIC), "EDIFACT", "D96A", decimal=",")
    assert ["86", "2501,16"] in [s.components(1) for s in built.segments if s.tag == "MOA"]
    assert documents.read(built, "EDIFACT") == INVOIC


def test_invoic_credit_note_and_checks():
    document = copy.deepcopy(INVOIC)
    document.update(type="381", is_credit=True)
    built = documents.build("INVOIC", document, "EDIFACT", "D96A")
    assert built.segments[1].get(1) == "381"
    assert documents.read(built, "EDIFACT") == document
    document = copy.deepcopy(INVOIC)
    document.update(is_credit=True)
    with pytest.raises(DocumentError, match="type: BGM 380 and is_credit=True disagree"):
        documents.build("INVOIC", document, "EDIFACT", "D96A")
    document = copy.deepcopy(INVOIC)
    document["lines"][0]["quantity"] = "1021"
    with pytest.raises(DocumentError, match="total: 2501.16 given, but .* make 2502.34"):
        documents.build("INVOIC", document, "EDIFACT", "D96A")


def test_invoic_public_samples():
    for name, seller in (
        ("staedi/EDIFACT_invoic_d97b.edi", "BÜTTNER WIDGET COMPANY"),
        ("staedi/EDIFACT_invoic_d97b_una.edi", "GENERAL WIDGET COMPANY"),
    ):
        (message,) = edifact_messages(name)
        doc = documents.read(message, "EDIFACT")
        assert (doc["type"], doc["invoice_number"], doc["is_credit"]) == ("380", "342459", False)
        assert doc["invoice_date"] == "2006-05-15" and doc["invoice_date_qualifier"] == "3"  # DTM+3
        assert doc["po_number"] == "521052" and doc["currency"] == "USD"
        assert doc["parties"]["BY"] == {
            "identifiers": {"16": "792820524"},
            "name": "CUMMINS MID-RANGE ENGINE PLANT",
        }
        assert doc["parties"]["SE"]["name"] == seller
        assert [
            (l["line"], l["quantity"], l["uom"], l["unit_price"], l["amounts"]["203"], l["product_ids"])
            for l in doc["lines"]
        ] == [
            ("1", "1020", "EA", "1.179", "1202.58", {"IN": "157870"}),
            ("2", "20", "EA", "20.5", "410", {"IN": "157871"}),
        ]
        assert doc["total"] == "2137.58"  # MOA+39
        assert doc["allowances_charges"] == [{"indicator": "C", "reference": "ABG", "amount": "525"}]
        # the file adds up: lines 1612.58 + charge 525
        assert str(invoices.compute_total(doc).quantize(invoices.Decimal("0.01"))) == "2137.58"

    (credit,) = edifact_messages("pydifact/invoice1.edi")
    doc = documents.read(credit, "EDIFACT")
    assert doc["type"] == "381" and doc["is_credit"] is True and doc["invoice_number"] == "1060113800026"
    assert doc["currency"] == "EUR" and doc["total"] == "1960.29"  # MOA+77
    (line,) = doc["lines"]
    assert (line["quantity"], line["quantity_qualifier"], line["uom"]) == ("54", "12", "PCE")
    assert (line["unit_price"], line["price_details"]["basis_quantity"]) == ("3630.1724", "100")
    assert line["references"]["ON"] == "X18V00003"
    # DTM+137:199910060000:102 says format 102 (CCYYMMDD) but has 12 digits: kept as written
    assert doc["invoice_date"] == {"value": "199910060000", "format": "102"}
