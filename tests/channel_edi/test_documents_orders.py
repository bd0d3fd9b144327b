"""Orders, order changes and order responses (850/860/855, ORDERS/ORDCHG/ORDRSP):
reading public samples, round trips read(build(doc)) == doc, builder checks."""

import copy
import json
import re

import pytest
from docs_support import edifact_messages, local_x12_sets, transaction, values, x12_sets

from odoo.addons.channel_edi.lib import documents, tree, x12
from odoo.addons.channel_edi.lib.documents import DocumentError
from odoo.addons.integration_core.lib.exceptions import ValidationFailed

ORDER_850 = {
    "purpose": "00",
    "type": "SA",
    "po_number": "PO-4711",
    "release": "1",
    "order_date": "2024-05-01",
    "currency": "USD",
    "references": {"DP": "040", "IA": "77123"},
    "terms": {"type": "01", "discount_percent": "2", "discount_days": "10", "net_days": "30"},
    "dates": {
        "delivery_requested": "2024-05-10",
        "ship_requested": "2024-05-08",
        "cancel_after": "2024-05-20",
    },
    "allowances_charges": [{"indicator": "A", "code": "C310", "amount": "10.00", "handling": "02"}],
    "notes": ["CALL BEFORE DELIVERY", "DOCK 4"],
    "ship_to": {
        "name": "STORE 112",
        "identifiers": {"92": "112"},
        "address": {
            "street": ["3000 LONG BEACH DRIVE"],
            "city": "SAN PEDRO",
            "state": "CA",
            "postal_code": "90731",
            "country": "US",
        },
    },
    "bill_to": {"name": "RETAIL CORP AP", "identifiers": {"UL": "0614141000012"}},
    "parties": {"BY": {"name": "RETAIL CORP", "identifiers": {"UL": "0614141000005"}}},
    "lines": [
        {
            "line": "1",
            "quantity": "150",
            "uom": "EA",
            "unit_price": "2.50",
            "price_basis": "PE",
            "product_ids": {"UP": "012345678905", "VN": "AB-1", "IN": "887766"},
            "description": "BLUE WIDGET",
            "dates": {"delivery_requested": "2024-05-12"},
        },
        {
            "line": "2",
            "quantity": "12.5",
            "uom": "LB",
            "unit_price": "0.0475",
            "product_ids": {"EN": "4006381333931", "SK": "SKU-9"},
            "allowances_charges": [{"indicator": "C", "code": "D240", "amount": "1.25"}],
        },
    ],
    "totals": {"line_count": "2", "hash_total": "162.5"},
}


def roundtrip(set_type, document, standard, version, **options):
    built = documents.build(set_type, copy.deepcopy(document), standard, version, **options)
    return built, documents.read(built, standard)


# --- 850 ---------------------------------------------------------------------------


def test_850_public_sample_values():
    """staedi's dual file: its PO group holds one 850 (003010, YYMMDD date)."""
    po = [t for t in x12_sets("staedi/x12_invoice810_po850_dual.edi") if t.type == "850"][0]
    doc = documents.read(po, "X12")
    assert doc["po_number"] == "S115921858"
    assert doc["purpose"] == "00" and doc["type"] == "NE" and doc["release"] == "1017760"
    assert doc["order_date"] == "2004-03-17"
    assert doc["references"] == {"PD": "040209", "MU": "0.3492", "WH": "24"}
    assert doc["parties"]["BY"] == {"name": "SHIPPING GROUP, INC.", "identifiers": {"1": "999999999"}}
    # N1*ST*CARGO LIMITED #112*92 : the qualifier without its code is kept as written
    assert doc["ship_to"]["name"] == "CARGO LIMITED #112"
    assert doc["ship_to"]["identifiers"] == {"92": ""}
    assert doc["ship_to"]["address"] == {
        "street": ["3000 LONG BEACH DRIVE"],
        "city": "SAN PEDRO",
        "state": "CA",
        "postal_code": "83308",
    }
    assert [(l["line"], l["quantity"], l["uom"], l["product_ids"]) for l in doc["lines"]] == [
        ("1", "150", "EA", {"IN": "02006"}),
        ("2", "50", "EA", {"IN": "02008"}),
        ("3", "25", "EA", {"IN": "01019"}),
        ("4", "25", "EA", {"IN": "01220"}),
    ]
    assert "unit_price" not in doc["lines"][0]  # PO104 is empty in the sample
    assert doc["totals"] == {"line_count": "4", "hash_total": "250"}
    json.dumps(doc)  # JSON-able


def test_850_node_x12_vics_sample():
    """node-x12's 850 (004010VICS, MIT): values as the file gives them."""
    for name in ("node-x12/850.edi", "node-x12/850_2.edi"):  # "~" + LF, and LF as terminator
        (order,) = local_x12_sets(name)
        doc = documents.read(order, "X12")
        assert (doc["purpose"], doc["type"], doc["po_number"], doc["order_date"], doc["contract"]) == (
            "00",
            "SA",
            "08292233294",
            "2010-11-27",
            "610385385",
        )
        assert doc["references"] == {"DP": "038", "PS": "R"}
        assert doc["terms"] == {
            "type": "14",
            "basis_date": "3",
            "discount_percent": "2",
            "discount_days": "45",
            "net_days": "46",
        }
        assert doc["dates"] == {"delivery_requested": "2010-12-14"}
        assert doc["ship_to"] == {
            "name": "XYZ RETAIL",
            "identifiers": {"9": "0003947268292"},
            "address": {"street": ["31875 SOLON RD"], "city": "SOLON", "state": "OH", "postal_code": "44139"},
        }
        assert len(doc["lines"]) == 6
        assert doc["lines"][0] == {
            "line": "1",
            "quantity": "120",
            "uom": "EA",
            "unit_price": "9.25",
            "price_basis": "TE",
            "product_ids": {"CB": "065322-117", "PR": "RO", "VN": "AB3542"},
            "description": "SMALL WIDGET",
        }
        assert doc["lines"][4]["unit_price"] == "7.5"  # R: as written, not "7.50"
        assert doc["totals"] == {"line_count": "6", "amounts": {"1": "13045.94"}}


def test_855_node_x12_sample_and_its_acks_built_back():
    (ack,) = local_x12_sets("node-x12/855.edi")
    doc = documents.read(ack, "X12")
    assert (doc["ack_type"], doc["po_number"], doc["order_date"], doc["ack_date"], doc["currency"]) == (
        "AD",
        "POTEST1112",
        "2020-10-15",
        "2020-10-15",
        "USD",
    )
    assert doc["ship_to"]["identifiers"] == {"15": "123MILL 0001"}
    assert doc["ship_to"]["address"]["street"] == [
        "REGULAR EDI ACCOUNT",
        "ATTN ACQ SERVS",
        "7615 DISALLE BOULEVARD",
    ]
    assert [(line["line"], line["status"], line["quantity"]) for line in doc["lines"]] == [
        ("1", "IA", "3"),
        ("2", "IR", "2"),
        ("3", "IR", "1"),
        ("4", "IA", "2"),
    ]
    assert doc["lines"][1]["acks"] == [
        {
            "status": "IR",
            "quantity": "0",
            "uom": "UN",
            "agency": "BI",
            "source_subqualifier": "ACK",
            "industry_code": "CW",
        }
    ]
    assert doc["lines"][0]["product_ids"] == {
        "EN": "9780446360265",
        "B6": "NEUFELDT, VICTORIA",
        "B3": "00",
        "B4": "P",
    }
    assert doc["totals"] == {"line_count": "4", "hash_total": "5"}
    built = documents.build("855", doc, "X12", "004010")
    assert documents.read(built, "X12") == doc
    assert [values(built)[i] for i, s in enumerate(built.segments) if s.tag in ("PO1", "BAK")] == [
        (s.tag, s.elements) for s in ack.segments if s.tag in ("PO1", "BAK")
    ]
    # the whole ACKs too: status, quantity, uom, then ACK27 agency, ACK28 source, ACK29 industry code
    assert [(s.tag, s.elements) for s in built.segments if s.tag == "ACK"] == [
        (s.tag, s.elements) for s in ack.segments if s.tag == "ACK"
    ]


def test_850_roundtrip_and_segments():
    built, doc = roundtrip("850", ORDER_850, "X12", "004010", control_number="0042")
    assert doc == ORDER_850
    assert built.type == "850" and built.control_number == "0042"
    segments = {s.tag: s for s in built.segments}
    assert values(built)[0] == ("ST", [[["850"]], [["0042"]]])
    assert segments["BEG"].get(5) == "20240501"
    assert segments["SE"].get(1) == str(len(built.segments))
    sac = next(s for s in built.segments if s.tag == "SAC")
    assert sac.get(5) == "1000"  # N2: implied decimals
    po1 = next(s for s in built.segments if s.tag == "PO1")
    assert [po1.get(n) for n in range(1, 12)] == [
        "1",
        "150",
        "EA",
        "2.50",
        "PE",
        "UP",
        "012345678905",
        "VN",
        "AB-1",
        "IN",
        "887766",
    ]
    assert [s.set_position for s in built.segments] == list(range(1, len(built.segments) + 1))


def test_850_through_the_x12_codec():
    """build -> x12.write -> x12.read -> read gives the document back."""
    built = documents.build("850", ORDER_850, "X12", "004010")
    group = tree.Group("PO", "SENDER", "RECEIVER", "17", "004010", [built], date="20240501", time="1200")
    interchange = tree.Interchange(
        "X12",
        tree.Party("ZZ", "SENDER"),
        tree.Party("ZZ", "RECEIVER"),
        "000000017",
        "00401",
        "240501",
        "1200",
        "T",
        groups=[group],
    )
    data = x12.write(interchange)
    edifile = x12.read(data)
    assert not edifile.errors
    (back,) = list(edifile.interchanges[0].transactions())
    assert documents.read(back, "X12") == ORDER_850


@pytest.mark.parametrize(
    "mutate, path",
    [
        (lambda d: d.pop("po_number"), "po_number"),
        (lambda d: d.pop("order_date"), "order_date"),
        (lambda d: d["ship_to"].pop("identifiers"), "ship_to.identifiers"),
        (lambda d: d.pop("ship_to"), "ship_to"),
        (lambda d: d["lines"][1].pop("unit_price"), "lines[1].unit_price"),
        (lambda d: d["lines"][0].pop("uom"), "lines[0].uom"),
        (lambda d: d["lines"][0].pop("product_ids"), "lines[0].product_ids"),
        (lambda d: d.update(lines=[]), "lines"),
        (lambda d: d["lines"][0].update(quantity=1.5), "lines[0].quantity"),
        (lambda d: d["lines"][0].update(unit_price="abc"), "lines[0].unit_price"),
        (lambda d: d["allowances_charges"][0].update(amount="10.005"), "allowances_charges[0].amount"),
        (lambda d: d["dates"].update(delivery_requested="10/05/2024"), "dates.delivery_requested"),
        (lambda d: d["ship_to"]["identifiers"].update(UL="0614141000029"), "ship_to.identifiers"),
        (lambda d: d["totals"].update(line_count="3"), "totals.line_count"),
    ],
)
def test_850_builder_names_the_missing_or_bad_key(mutate, path):
    document = copy.deepcopy(ORDER_850)
    mutate(document)
    with pytest.raises(DocumentError) as caught:
        documents.build("850", document, "X12", "004010")
    assert str(caught.value).startswith(path + ":"), str(caught.value)
    assert isinstance(caught.value, ValueError) and isinstance(caught.value, ValidationFailed)


def test_850_reader_names_segment_and_element():
    bad = transaction("850", ("BEG", "00", "SA", "", "", "20240501"), ("PO1", "1", "2", "EA"))
    with pytest.raises(DocumentError, match=r"segment 2 \(BEG\): BEG03 \(purchase order number\) is missing"):
        documents.read(bad, "X12")
    bad = transaction("850", ("BEG", "00", "SA", "P1", "", "2024-05-01"))
    with pytest.raises(DocumentError, match=r"segment 2 \(BEG\), BEG05: '2024-05-01' is not a date"):
        documents.read(bad, "X12")
    bad = transaction("850", ("BEG", "00", "SA", "P1", "", "20240501"), ("PO1", "1", "2x", "EA"))
    with pytest.raises(DocumentError, match=r"segment 3 \(PO1\), PO102: '2x' is not a number"):
        documents.read(bad, "X12")
    bad = transaction("850", ("CUR", "BY", "USD"))
    with pytest.raises(DocumentError, match="expected BEG after ST, found CUR"):
        documents.read(bad, "X12")


def test_registry_refuses_unknown_sets():
    with pytest.raises(DocumentError, match="No typed document for X12 999x"):
        documents.read(transaction("999x", ("AK1", "PO", "1")), "X12")
    with pytest.raises(DocumentError, match="Cannot build X12 123"):
        documents.build("123", {}, "X12", "004010")
    with pytest.raises(DocumentError, match=r"\(document\): a 850 document is a dict"):
        documents.build("850", ["x"], "X12", "004010")
    assert documents.supported("X12", "850") == (True, True)
    assert ("EDIFACT", "ORDRSP") in documents.READERS and ("EDIFACT", "ORDRSP") in documents.BUILDERS


def test_registry_refuses_a_second_registration():
    with pytest.raises(ValueError, match="registered twice"):
        documents.reader("X12", "850")(lambda t: {})
    with pytest.raises(ValueError, match="Unknown EDI standard"):
        documents.reader("TRADACOMS", "ORDHDR")(lambda t: {})


# --- 855 ---------------------------------------------------------------------------

ACK_855 = {
    "purpose": "00",
    "ack_type": "AC",
    "po_number": "PO-4711",
    "order_date": "2024-05-01",
    "seller_order_number": "SO-0099",
    "ack_date": "2024-05-02",
    "ship_to": {"name": "STORE 112", "identifiers": {"92": "112"}},
    "lines": [
        {
            "line": "1",
            "quantity": "150",
            "uom": "EA",
            "unit_price": "2.50",
            "product_ids": {"UP": "012345678905"},
            "status": "IA",
            "acks": [
                {"status": "IA", "quantity": "150", "uom": "EA", "dates": {"ship_scheduled": "2024-05-08"}}
            ],
        },
        {
            "line": "2",
            "quantity": "10",
            "uom": "EA",
            "product_ids": {"VN": "AB-2"},
            "status": "IQ",
            "acks": [
                {"status": "IQ", "quantity": "6", "uom": "EA", "dates": {"ship_scheduled": "2024-05-08"}},
                {"status": "IB", "quantity": "4", "uom": "EA", "dates": {"ship_scheduled": "2024-06-01"}},
            ],
        },
        {
            "line": "3",
            "quantity": "5",
            "uom": "EA",
            "product_ids": {"VN": "AB-3"},
            "status": "IR",
            "acks": [{"status": "IR", "quantity": "0", "uom": "EA"}],
        },
    ],
    "totals": {"line_count": "3"},
}


def test_855_roundtrip_with_split_acks():
    built, doc = roundtrip("855", ACK_855, "X12", "004010")
    assert doc == ACK_855
    acks = [s for s in built.segments if s.tag == "ACK"]
    assert [[a.get(n) for n in range(1, 6)] for a in acks] == [
        ["IA", "150", "EA", "068", "20240508"],
        ["IQ", "6", "EA", "068", "20240508"],
        ["IB", "4", "EA", "068", "20240601"],
        ["IR", "0", "EA", "", ""],
    ]
    bak = built.segments[1]
    assert (bak.tag, bak.get(2), bak.get(3), bak.get(4), bak.get(8), bak.get(9)) == (
        "BAK",
        "AC",
        "PO-4711",
        "20240501",
        "SO-0099",
        "20240502",
    )


def test_855_reader_names_a_bad_ack_date():
    bad = transaction(
        "855",
        ("BAK", "00", "AC", "P1", "20240501"),
        ("PO1", "1", "2", "EA"),
        ("ACK", "IA", "2", "EA", "068", "2024-05-08"),
    )
    with pytest.raises(DocumentError, match=r"segment 4 \(ACK\), ACK05: '2024-05-08' is not a date"):
        documents.read(bad, "X12")
    bad = transaction(
        "855", ("BAK", "00", "AC", "P1", "20240501"), ("PO1", "1", "2", "EA"), ("ACK", "IA", "2", "EA", "068")
    )
    with pytest.raises(DocumentError, match=r"segment 4 \(ACK\): ACK05 \(date\) is missing"):
        documents.read(bad, "X12")


def test_x12_amounts_have_no_decimal_comma():
    bad = transaction("850", ("BEG", "00", "SA", "P1", "", "20240501"), ("PO1", "1", "2", "EA", "1,50"))
    with pytest.raises(DocumentError, match=r"segment 3 \(PO1\), PO104: '1,50' is not a number"):
        documents.read(bad, "X12")


def test_builder_checks_the_shape_first():
    for mutate, message in (
        (lambda d: d.update(lines="x"), "lines: expected a list, got str."),
        (
            lambda d: d["lines"][0].update(product_ids=["UP"]),
            "lines[0].product_ids: expected an object, got list.",
        ),
        (
            lambda d: d["lines"][0]["product_ids"].update(UP=12345678905),
            "lines[0].product_ids.UP: expected text, got 12345678905.",
        ),
        (lambda d: d["ship_to"].update(address=5), "ship_to.address: expected an object, got int."),
        (lambda d: d["parties"].update(BY="RETAIL"), "parties.BY: expected an object, got str."),
        (
            lambda d: d["lines"][1].update(unit_price=0.0475),
            'lines[1].unit_price: expected a decimal string such as "12.50", got the float 0.0475.',
        ),
        (
            lambda d: d["lines"][0].update(description=["BLUE"]),
            "lines[0].description: expected text, got ['BLUE'].",
        ),
    ):
        document = copy.deepcopy(ORDER_850)
        mutate(document)
        with pytest.raises(DocumentError) as caught:
            documents.build("850", document, "X12", "004010")
        assert str(caught.value) == message


def test_855_status_only_line_gets_one_ack_for_its_quantity():
    document = copy.deepcopy(ACK_855)
    document["lines"] = [{"line": "1", "quantity": "3", "uom": "CA", "status": "IA"}]
    document["totals"] = {"line_count": "1"}
    doc = documents.read(documents.build("855", document, "X12", "004010"), "X12")
    assert doc["lines"][0]["acks"] == [{"status": "IA", "quantity": "3", "uom": "CA"}]
    assert doc["lines"][0]["status"] == "IA"


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda d: d.pop("ack_type"), "ack_type: missing"),
        (lambda d: d.update(ack_type="XX"), "ack_type: 'XX' is not a BAK02"),
        (lambda d: [d["lines"][2].pop(k) for k in ("status", "acks")], "lines[2].status: missing"),
        (
            lambda d: d["lines"][1]["acks"][1].update(status="ZZ"),
            "lines[1].acks[1].status: 'ZZ' is not an ACK01",
        ),
        (
            lambda d: d["lines"][1].update(status="IA"),
            "lines[1].status: IA differs from its first ack's (IQ)",
        ),
        (
            lambda d: d["lines"][0]["acks"][0]["dates"].update(delivery_requested="2024-05-09"),
            "lines[0].acks[0].dates: an ACK carries one date",
        ),
    ],
)
def test_855_builder_checks(mutate, message):
    document = copy.deepcopy(ACK_855)
    mutate(document)
    with pytest.raises(DocumentError, match=re.escape(message)):
        documents.build("855", document, "X12", "004010")


# --- 860 ---------------------------------------------------------------------------

CHANGE_860 = {
    "change_purpose": "04",
    "type": "SA",
    "po_number": "PO-4711",
    "change_sequence": "2",
    "order_date": "2024-05-01",
    "change_date": "2024-05-03",
    "lines": [
        {
            "line": "1",
            "change": "QI",
            "quantity": "200",
            "quantity_left": "200",
            "uom": "EA",
            "product_ids": {"UP": "012345678905"},
        },
        {
            "line": "2",
            "change": "PC",
            "unit_price": "0.0500",
            "uom": "LB",
            "product_ids": {"EN": "4006381333931"},
        },
        {"line": "3", "change": "DI", "product_ids": {"VN": "AB-3"}},
        {
            "line": "4",
            "change": "AI",
            "quantity": "10",
            "uom": "EA",
            "unit_price": "1.00",
            "product_ids": {"VN": "AB-4"},
            "dates": {"delivery_requested": "2024-05-15"},
        },
    ],
    "totals": {"line_count": "4"},
}


def test_860_roundtrip():
    built, doc = roundtrip("860", CHANGE_860, "X12", "004010")
    assert doc == CHANGE_860
    pocs = [s for s in built.segments if s.tag == "POC"]
    assert [(p.get(1), p.get(2), p.get(3)) for p in pocs] == [
        ("1", "QI", "200"),
        ("2", "PC", ""),
        ("3", "DI", ""),
        ("4", "AI", "10"),
    ]
    assert built.segments[1].tag == "BCH" and built.segments[1].get(6) == "20240501"


def test_860_refuses_an_unknown_change_code():
    document = copy.deepcopy(CHANGE_860)
    document["lines"][0]["change"] = "XX"
    with pytest.raises(DocumentError, match=r"lines\[0\].change: 'XX' is not a POC02 change code"):
        documents.build("860", document, "X12", "004010")


# --- EDIFACT ORDERS ----------------------------------------------------------------

ORDERS = {
    "type": "220",
    "purpose": "9",
    "po_number": "C1441747",
    "order_date": "2024-05-01",
    "dates": {"delivery_requested": "2024-05-10T08:00"},
    "references": {"CT": "K-99"},
    "notes": [{"subject": "PUR", "text": "DELIVER TO DOCK 4"}],
    "ship_to": {
        "identifiers": {"9": "5400110000016"},
        "name": "DC NORTH",
        "address": {"street": ["RUE 1"], "city": "BRUXELLES", "postal_code": "1000", "country": "BE"},
    },
    "parties": {
        "BY": {"identifiers": {"9": "5400110000009"}},
        "SU": {"identifiers": {"9": "5013546107732"}, "name": "COMPANY ABC"},
    },
    "currency": "EUR",
    "lines": [
        {
            "line": "1",
            "product_ids": {"EN": "5400111864181", "BP": "8641800", "SA": "X-1"},
            "description": "WIDGETS",
            "quantity": "288",
            "uom": "PCE",
            "quantities": {"59": "12"},
            "unit_price": "12.80",
            "price_qualifier": "AAA",
            "price_details": {"type": "CT", "type_qualifier": "AAE"},
        },
        {
            "line": "2",
            "product_ids": {"IN": "777"},
            "quantity": "1.5",
            "unit_price": "0.75",
            "price_qualifier": "AAA",
        },
    ],
    "totals": {"line_count": "2"},
}


def test_orders_roundtrip_dot_and_comma_decimals():
    built, doc = roundtrip("ORDERS", ORDERS, "EDIFACT", "D:96A:UN:EAN008", control_number="7")
    assert doc == ORDERS
    assert built.segments[0].tag == "UNH" and built.segments[0].components(2) == [
        "ORDERS",
        "D",
        "96A",
        "UN",
        "EAN008",
    ]
    assert built.segments[-1].tag == "UNT" and built.segments[-1].get(1) == str(len(built.segments))
    built, doc = roundtrip("ORDERS", ORDERS, "EDIFACT", "D96A", decimal=",")
    assert doc == ORDERS  # "12,80" in the tree reads back as "12.80"
    pri = next(s for s in built.segments if s.tag == "PRI")
    assert pri.components(1)[:2] == ["AAA", "12,80"]
    lin = next(s for s in built.segments if s.tag == "LIN")
    assert lin.components(3) == ["5400111864181", "EN"]  # the GTIN in LIN, the others in PIA
    pia = next(s for s in built.segments if s.tag == "PIA")
    assert pia.get(1) == "1" and pia.components(2) == ["8641800", "BP"]
    assert built.segments[0].components(2) == ["ORDERS", "D", "96A", "UN"]


def test_orders_through_the_edifact_codec_with_a_comma_mark():
    """build(decimal=",") -> edifact.write with UNA3 "," -> edifact.read -> read."""
    from odoo.addons.channel_edi.lib import edifact

    delimiters = edifact.default_delimiters("3")
    delimiters.decimal = ","
    message = documents.build("ORDERS", ORDERS, "EDIFACT", "D:96A:UN:EAN008", control_number="1", decimal=",")
    group = tree.Group("ORDERS", "5400110000009", "5013546107732", "", "D:96A:UN", [message], implicit=True)
    interchange = tree.Interchange(
        "EDIFACT",
        tree.Party("14", "5400110000009"),
        tree.Party("14", "5013546107732"),
        "42",
        "UNOC:3",
        "240501",
        "1200",
        delimiters=delimiters,
        groups=[group],
    )
    data = edifact.write(interchange)
    assert data.startswith(b"UNA:+,? '") and b"PRI+AAA:12,80:CT:AAE'" in data
    edifile = edifact.read(data)
    assert not edifile.errors
    (back,) = list(edifile.interchanges[0].transactions())
    assert documents.read(back, "EDIFACT") == ORDERS


def test_orders_comma_decimal_read():
    message = transaction(
        "ORDERS",
        ("BGM", "220", "PO1", "9"),
        ("DTM", ("137", "20240501", "102")),
        ("LIN", "1", "", ("5020436373085", "EN")),
        ("QTY", ("21", "2,5")),
        ("PRI", ("AAA", "1,25")),
        ("UNS", "S"),
    )
    doc = documents.read(message, "EDIFACT")
    assert doc["lines"][0]["quantity"] == "2.5" and doc["lines"][0]["unit_price"] == "1.25"


def test_orders_builder_checks():
    document = copy.deepcopy(ORDERS)
    del document["lines"][1]["unit_price"]
    with pytest.raises(DocumentError, match=r"^lines\[1\].unit_price: missing"):
        documents.build("ORDERS", document, "EDIFACT", "D96A")
    document = copy.deepcopy(ORDERS)
    del document["ship_to"]
    with pytest.raises(DocumentError, match="^ship_to: missing"):
        documents.build("ORDERS", document, "EDIFACT", "D96A")
    with pytest.raises(DocumentError, match="not an EDIFACT message version"):
        documents.build("ORDERS", ORDERS, "EDIFACT", "96")


def test_orders_public_samples():
    (orders,) = edifact_messages("staedi/EDIFACT_orders-with-group.edi")
    doc = documents.read(orders, "EDIFACT")
    assert doc["type"] == "220" and doc["po_number"] == "C1441747"
    assert doc["order_date"] == "2001-05-02T22:00"  # DTM+137:200105022200:203
    assert doc["parties"]["BY"]["identifiers"] == {"9": "5400110000009"}
    assert doc["parties"]["SU"]["identifiers"] == {"9": "5013546107732"}
    (line,) = doc["lines"]
    assert line["product_ids"] == {"EN": "5400111864181", "BP": "8641800"}
    assert (line["quantity"], line["quantities"], line["unit_price"], line["price_qualifier"]) == (
        "288",
        {"59": "12"},
        "12.80",
        "AAA",
    )
    assert line["description"] == "WIDGETS"

    (order,) = edifact_messages("pydifact/order.edi")  # EANCOM D96A, UNA with a comma decimal mark
    doc = documents.read(order, "EDIFACT")
    assert doc["po_number"] == "801715918011" and doc["purpose"] == "9" and doc["response_type"] == "NA"
    assert doc["order_date"] == "2015-08-03T00:00"
    assert doc["dates"] == {"delivery_requested": "2015-08-06T00:00"}
    assert doc["ship_to"] == {"identifiers": {"9": "8711576100019"}}  # NAD+DP
    assert doc["parties"]["BY"] == {"identifiers": {"9": "8711576000012"}}
    assert [(l["line"], l["quantity"], l["product_ids"]) for l in doc["lines"]] == [
        ("1", "8", {"EN": "5020436373085"}),
        ("2", "8", {"EN": "5020436373108"}),
    ]


# --- EDIFACT ORDRSP / ORDCHG -------------------------------------------------------

ORDRSP = {
    "type": "231",
    "purpose": "4",
    "response_number": "RSP-1",
    "ack_type": "AC",
    "ack_date": "2024-05-02",
    "po_number": "C1441747",
    "parties": {"BY": {"identifiers": {"9": "5400110000009"}}, "SU": {"identifiers": {"9": "5013546107732"}}},
    "lines": [
        {
            "line": "1",
            "action": "5",
            "status": "IA",
            "product_ids": {"EN": "5400111864181"},
            "quantity": "288",
        },
        {
            "line": "2",
            "action": "3",
            "status": "IC",
            "product_ids": {"EN": "5400111864198"},
            "quantity": "10",
            "acks": [
                {"status": "IC", "quantity": "6", "dates": {"delivery_promised": "2024-05-10"}},
                {"status": "IB", "quantity": "4", "dates": {"delivery_promised": "2024-06-01"}},
            ],
        },
        {"line": "3", "action": "7", "status": "IR", "product_ids": {"EN": "5400111864204"}, "quantity": "5"},
    ],
    "totals": {"line_count": "3"},
}


def test_ordrsp_roundtrip_statuses_and_split_quantities():
    built, doc = roundtrip("ORDRSP", ORDRSP, "EDIFACT", "D:96A:UN:EAN005")
    assert doc == ORDRSP
    assert [s.components(1) for s in built.segments if s.tag == "QTY"] == [
        ["21", "288"],
        ["21", "10"],
        ["113", "6"],
        ["83", "4"],
        ["21", "5"],
    ]
    assert [s.get(2) for s in built.segments if s.tag == "LIN"] == ["5", "3", "7"]
    assert next(s for s in built.segments if s.tag == "RFF").components(1) == ["ON", "C1441747"]


def test_ordrsp_from_x12_statuses():
    """An ORDRSP built from X12-style statuses: IA -> 5, IR -> 7, others -> 3."""
    document = {
        "ack_type": "AC",
        "po_number": "P1",
        "lines": [
            {"line": "1", "status": "IA", "quantity": "1"},
            {"line": "2", "status": "IQ", "quantity": "2"},
            {"line": "3", "status": "IR", "quantity": "3"},
        ],
    }
    built = documents.build("ORDRSP", document, "EDIFACT", "D96A")
    assert [s.get(2) for s in built.segments if s.tag == "LIN"] == ["5", "3", "7"]
    doc = documents.read(built, "EDIFACT")
    assert [l["status"] for l in doc["lines"]] == ["IA", "IC", "IR"]
    assert doc["purpose"] == "4" and doc["ack_type"] == "AC"


ORDCHG = {
    "type": "230",
    "change_purpose": "4",
    "change_number": "CHG-2",
    "change_date": "2024-05-03",
    "po_number": "C1441747",
    "lines": [
        {
            "line": "1",
            "action": "3",
            "change": "CA",
            "product_ids": {"EN": "5400111864181"},
            "quantity": "300",
        },
        {"line": "2", "action": "2", "change": "DI", "product_ids": {"EN": "5400111864198"}},
        {
            "line": "3",
            "action": "1",
            "change": "AI",
            "product_ids": {"EN": "5400111864211"},
            "quantity": "4",
            "unit_price": "3.10",
            "price_qualifier": "AAA",
        },
    ],
}


def test_ordchg_roundtrip():
    built, doc = roundtrip("ORDCHG", ORDCHG, "EDIFACT", "D96A")
    assert doc == ORDCHG
    assert built.segments[1].tag == "BGM" and built.segments[1].get(1) == "230"


def test_ordchg_action_from_x12_change_codes():
    document = {
        "change_purpose": "4",
        "po_number": "P1",
        "lines": [
            {"line": "1", "change": "AI"},
            {"line": "2", "change": "DI"},
            {"line": "3", "change": "QD", "quantity": "2"},
        ],
    }
    built = documents.build("ORDCHG", document, "EDIFACT", "D96A")
    assert [s.get(2) for s in built.segments if s.tag == "LIN"] == ["1", "2", "3"]


def test_edifact_readers_name_missing_data():
    message = transaction("ORDRSP", ("BGM", "231", "R1", "29"), ("LIN", "1", "5"))
    with pytest.raises(DocumentError, match="no RFF\\+ON"):
        documents.read(message, "EDIFACT")
    message = transaction("ORDERS", ("DTM", ("137", "20240501", "102")))
    with pytest.raises(DocumentError, match="expected BGM after UNH, found DTM"):
        documents.read(message, "EDIFACT")
    message = transaction("ORDERS", ("BGM", "220", "P1"), ("LIN", "1"), ("QTY", ("21", "")))
    with pytest.raises(DocumentError, match=r"segment 4 \(QTY\): QTY01-02 \(quantity\) is missing"):
        documents.read(message, "EDIFACT")
