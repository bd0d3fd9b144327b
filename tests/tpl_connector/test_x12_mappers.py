"""tpl_connector's X12 mappers: canonical payloads <-> the typed documents of
940/943 (out) and 945/944/846/947 (in), the registries, the errors naming
the segment, and whole interchanges built for a partner profile.

Every canonical payload is checked with integration_core's canonical.validate.
"""

import copy
from datetime import datetime
from decimal import Decimal

import pytest

from odoo.addons.channel_edi.lib import codec, documents, envelope, validation
from odoo.addons.channel_edi.lib.tree import Party
from odoo.addons.integration_core.lib import canonical
from odoo.addons.integration_core.lib.exceptions import MappingError, PermanentError, ValidationFailed
from odoo.addons.tpl_connector.lib import x12


def order(**changes):
    payload = {
        "schema_version": 1,
        "reference": "WH3PL/OUT/00012",
        "purpose": "original",
        "order_ref": "S00042",
        "customer_po": "PO-7781",
        "warehouse_code": "RENO1",
        "ship_by": "2026-03-02",
        "ship_to": {
            "name": "Ada Lovelace",
            "company": "Analytical Engines Ltd",
            "street": "12 Main St",
            "street2": "Suite 4",
            "city": "Reno",
            "state_code": "NV",
            "zip": "89502",
            "country_code": "US",
            "phone": "+1 775 555 0100",
        },
        "carrier": {"code": "UPS-GND", "scac": "UPSN"},
        "notes": "Leave at the back door",
        "lines": [
            {
                "line_ref": "101",
                "sku": "WIDGET-A",
                "name": "Widget A",
                "quantity": Decimal("12"),
                "uom": "EA",
            },
            {"line_ref": "102", "sku": "GADGET-B", "quantity": Decimal("1.5"), "uom": "CA", "lot": "L77"},
        ],
    }
    payload.update(changes)
    return canonical.validate("fulfilment_order", payload)


def roundtrip(transaction):
    """The transaction written in an interchange and read back (positions set),
    unvalidated: the inbound tests write files that break their guide."""
    profile = envelope.Profile("X12", "004010", Party("ZZ", "US"), Party("ZZ", "THEM"))
    interchange = x12.build_interchange(
        profile, [transaction], x12.Controls(7, 3), datetime(2026, 3, 1, 10, 30)
    )
    return codec.read(codec.write(interchange)).interchanges[0].groups[0].transactions[0]


def errors_of(transaction):
    return [i for i in validation.validate(transaction, "X12", "004010") if i.severity == "error"]


# --- 940 ---------------------------------------------------------------------------------


def test_940_document_of_a_fulfilment_order():
    set_type, doc = x12.outbound_document("fulfilment_order", order())
    assert set_type == "940"
    assert doc["order_status"] == "N"
    assert doc["depositor_order_number"] == "WH3PL/OUT/00012"
    assert doc["po_number"] == "PO-7781"
    assert doc["ship_to"]["name"] == "Ada Lovelace"
    assert doc["ship_to"]["address"]["street"] == ["12 Main St", "Suite 4"]
    assert doc["parties"] == {"WH": {"identifiers": {"ZZ": "RENO1"}}}
    assert doc["dates"] == {"10": "2026-03-02"}
    assert doc["carrier"] == {
        "payment_method": "PP",
        "transport_method": "M",
        "routing": "UPS-GND",
        "scac": "UPSN",
    }
    first, second = doc["lines"]
    assert first["line"] == "1" and first["quantity"] == "12" and first["product_ids"] == {"VN": "WIDGET-A"}
    assert first["references"] == {"LI": "101"} and first["description"] == "Widget A"
    assert second["quantity"] == "1.5" and second["uom"] == "CA" and second["lot"] == "L77"
    assert doc["totals"] == {"quantity": "13.5"}


@pytest.mark.parametrize(("purpose", "code"), [("original", "N"), ("replace", "R"), ("cancel", "F")])
def test_940_purpose_codes(purpose, code):
    transaction = x12.build_outbound("fulfilment_order", order(purpose=purpose))
    w05 = next(s for s in transaction.segments if s.tag == "W05")
    assert w05.get(1) == code and w05.get(2) == "WH3PL/OUT/00012"


def test_940_segments_are_valid_and_read_back():
    transaction = roundtrip(x12.build_outbound("fulfilment_order", order(), control_number="0042"))
    assert errors_of(transaction) == []
    tags = [s.tag for s in transaction.segments]
    assert tags[:2] == ["ST", "W05"] and tags[-2:] == ["W76", "SE"]
    assert tags.count("LX") == 2 and tags.count("W01") == 2
    w01 = [s for s in transaction.segments if s.tag == "W01"]
    assert [w01[0].get(1), w01[0].get(2), w01[0].get(4), w01[0].get(5)] == ["12", "EA", "VN", "WIDGET-A"]
    assert w01[1].get(13) == "L77"
    w66 = next(s for s in transaction.segments if s.tag == "W66")
    assert w66.get(10) == "UPSN"
    doc = documents.read(transaction, "X12")
    assert doc["lines"][1]["references"] == {"LI": "102"}


def test_940_refuses_a_float_and_a_bad_payload():
    bad = copy.deepcopy(order())
    bad["lines"][0]["quantity"] = 1.5
    with pytest.raises(MappingError, match=r"lines\[0\]\.quantity"):
        x12.outbound.fulfilment_order_to_940(bad)
    with pytest.raises(ValidationFailed, match="purpose"):
        x12.build_outbound("fulfilment_order", {**order(), "purpose": "maybe"})
    with pytest.raises(MappingError, match="kind"):
        x12.build_outbound("pick_list", order())


# --- 943 ---------------------------------------------------------------------------------


def notice():
    return canonical.validate(
        "inbound_notice",
        {
            "schema_version": 1,
            "reference": "WH3PL/IN/00007",
            "kind": "purchase",
            "origin": "P00031",
            "supplier": "Acme Supplies",
            "warehouse_code": "RENO1",
            "expected_date": "2026-03-09",
            "carrier": "Old Dominion",
            "tracking_number": "PRO-5521",
            "lines": [
                {
                    "line_ref": "501",
                    "sku": "WIDGET-A",
                    "quantity": Decimal("240"),
                    "uom": "EA",
                    "lot": "LOT-9",
                },
                {"line_ref": "502", "sku": "GADGET-B", "quantity": 10, "expiry": "2027-01-31"},
            ],
        },
    )


def test_943_of_an_inbound_notice_is_valid():
    transaction = roundtrip(x12.build_outbound("inbound_notice", notice()))
    assert errors_of(transaction) == []
    doc = documents.read(transaction, "X12")
    assert doc["reporting_code"] == "F" and doc["depositor_order_number"] == "WH3PL/IN/00007"
    assert doc["po_number"] == "P00031"
    assert doc["parties"]["SF"] == {"name": "Acme Supplies"}
    assert doc["references"] == {"2I": "PRO-5521"}
    assert doc["dates"] == {"17": "2026-03-09"}
    assert doc["carrier"] == {"transport_method": "M", "routing": "Old Dominion"}
    assert doc["lines"][0]["references"] == {"LI": "501", "LT": "LOT-9"}
    assert doc["lines"][1]["dates"] == {"36": "2027-01-31"} and doc["lines"][1]["quantity"] == "10"
    assert doc["totals"]["quantity"] == "250"


def test_943_of_a_return_notice():
    payload = canonical.validate(
        "return_notice",
        {
            "schema_version": 1,
            "reference": "WH3PL/RET/00003",
            "original_reference": "WH3PL/OUT/00012",
            "rma": "RMA-88",
            "lines": [{"line_ref": "701", "sku": "WIDGET-A", "quantity": 1, "reason": "too small"}],
        },
    )
    transaction = roundtrip(x12.build_outbound("return_notice", payload))
    assert errors_of(transaction) == []
    doc = documents.read(transaction, "X12")
    assert doc["po_number"] == "WH3PL/OUT/00012" and doc["references"] == {"RZ": "RMA-88"}


# --- 945 -> shipment.v2 ------------------------------------------------------------------


def doc_945(**changes):
    doc = {
        "reporting_code": "F",
        "depositor_order_number": "WH3PL/OUT/00012",
        "shipment_date": "2026-03-03",
        "shipment_id": "SHP-9001",
        "po_number": "PO-7781",
        "references": {"BM": "BOL-77"},
        "dates": {"11": "2026-03-03T16:45"},
        "carrier": {"transport_method": "U", "scac": "UPSN", "routing": "UPS GROUND"},
        "lines": [
            {
                "line": "1",
                "pack": {
                    "sscc": "006141411234567890",
                    "marks": [{"qualifier": "CP", "value": "1Z999AA10123456784"}],
                },
                "status": "CC",
                "quantity_ordered": "12",
                "quantity_shipped": "12",
                "quantity_difference": "0",
                "uom": "EA",
                "product_ids": {"VN": "WIDGET-A"},
                "lot": "L1",
                "references": {"LI": "101"},
                "dates": {"36": "2027-05-31"},
            },
            {
                "line": "2",
                "status": "BP",
                "quantity_ordered": "5",
                "quantity_shipped": "3",
                "quantity_difference": "2",
                "uom": "EA",
                "product_ids": {"VN": "GADGET-B"},
                "references": {"LI": "102", "SE": "SN-1"},
                "other_segments": [
                    {"tag": "N9", "elements": ["SE", "SN-2"]},
                    {"tag": "N9", "elements": ["SE", "SN-3"]},
                ],
            },
            {
                "line": "3",
                "status": "IS",
                "quantity_ordered": "2",
                "quantity_shipped": "2",
                "uom": "EA",
                "product_ids": {"VN": "GIZMO-C2"},
                "original_product_ids": {"VN": "GIZMO-C"},
                "references": {"LI": "103"},
            },
            {
                "line": "4",
                "status": "IC",
                "quantity_ordered": "1",
                "uom": "EA",
                "product_ids": {"VN": "OLD-D"},
            },
        ],
        "totals": {"quantity": "17"},
    }
    doc.update(changes)
    return doc


def test_945_to_shipment_v2():
    kind, version, payload = x12.map_document("945", doc_945(), utc_offset="-08:00")
    assert (kind, version) == ("shipment", 2)
    canonical.validate("shipment", payload)
    assert payload["external_id"] == "SHP-9001" and payload["bol"] == "BOL-77"
    assert payload["picking_ref"] == "WH3PL/OUT/00012" and payload["order_ref"] == "PO-7781"
    assert payload["shipped_at"] == "2026-03-03T16:45:00-08:00"
    assert payload["carrier"] == {"scac": "UPSN", "name": "UPS GROUND", "code": "UPS GROUND"}
    complete, short, substituted, cancelled = payload["lines"]
    assert complete == {
        "sku": "WIDGET-A",
        "shipped": Decimal("12"),
        "line_ref": "101",
        "uom": "EA",
        "ordered": Decimal("12"),
        "difference": Decimal("0"),
        "status": "complete",
        "lots": [{"name": "L1", "quantity": Decimal("12"), "expiry": "2027-05-31"}],
    }
    assert short["status"] == "backorder" and short["shipped"] == 3 and short["difference"] == 2
    assert short["serials"] == ["SN-1", "SN-2", "SN-3"]
    assert substituted["status"] == "substituted"
    assert substituted["sku"] == "GIZMO-C" and substituted["substitute_sku"] == "GIZMO-C2"
    assert cancelled["status"] == "cancelled" and cancelled["shipped"] == 0 and cancelled["line_ref"] == "4"
    assert payload["packages"] == [
        {
            "sscc": "006141411234567890",
            "tracking_number": "1Z999AA10123456784",
            "lines": [{"sku": "WIDGET-A", "quantity": Decimal("12"), "lot": "L1"}],
        }
    ]


def test_945_partner_key_bol_only_and_split_lines():
    doc = doc_945(shipment_id=None)
    del doc["shipment_id"]
    doc["lines"] = [
        {"line": "1", "status": "CC", "quantity_ordered": "10", "quantity_shipped": "6", "uom": "EA",
         "product_ids": {"VN": "WIDGET-A"}, "lot": "L1", "references": {"LI": "101", "LV": "LPN-1"}},
        {"line": "2", "status": "CC", "quantity_ordered": "10", "quantity_shipped": "4", "uom": "EA",
         "product_ids": {"VN": "WIDGET-A"}, "lot": "L2", "references": {"LI": "101", "LV": "LPN-2"}},
    ]  # fmt: skip
    _kind, _version, payload = x12.map_document("945", doc, partner_key="acme")
    assert payload["external_id"] == "acme:BOL-77"
    (line,) = payload["lines"]
    assert line["shipped"] == 10 and line["ordered"] == 10 and line["difference"] == 0
    assert [lot["name"] for lot in line["lots"]] == ["L1", "L2"]
    assert [p["lpn"] for p in payload["packages"]] == ["LPN-1", "LPN-2"]


def test_945_over_shipment_without_status_code():
    doc = doc_945()
    doc["lines"] = [dict(doc["lines"][0], status="ZZ", quantity_shipped="13", quantity_difference="-1")]
    _kind, _version, payload = x12.map_document("945", doc)
    assert payload["lines"][0]["status"] == "over"


def test_945_errors_name_the_segment():
    doc = doc_945()
    doc["lines"][1]["quantity_shipped"] = ""
    transaction = roundtrip(documents.build("945", doc, "X12", "004010"))
    with pytest.raises(MappingError) as found:
        x12.map_transaction(transaction)
    message = str(found.value)
    assert (
        message.startswith("segment ")
        and "(W12), W1203" in message
        and "lines[1].quantity_shipped" in message
    )
    assert isinstance(found.value, PermanentError)


def test_945_bad_scac_and_missing_ids():
    doc = doc_945(carrier={"transport_method": "U", "scac": "ups ground"})
    transaction = roundtrip(documents.build("945", doc, "X12", "004010"))
    with pytest.raises(MappingError, match=r"\(W27\), W2702"):
        x12.map_transaction(transaction)
    with pytest.raises(MappingError, match="shipment_id"):
        x12.map_document(
            "945", {k: v for k, v in doc_945().items() if k not in ("shipment_id", "references")}
        )


# --- 944 -> receipt ----------------------------------------------------------------------


def doc_944(**changes):
    doc = {
        "reporting_code": "F",
        "receipt_date": "2026-03-10T09:15",
        "receipt_number": "RCV-314",
        "depositor_order_number": "WH3PL/IN/00007",
        "lines": [
            {
                "line": "1",
                "quantity_received": "238",
                "uom": "EA",
                "product_ids": {"VN": "WIDGET-A"},
                "lot": "LOT-9",
                "references": {"LI": "501"},
                "other_segments": [
                    {"tag": "W13", "elements": ["3", "EA", "01", "", "AV"]},
                    {"tag": "W13", "elements": ["2", "EA", "02"]},
                ],
            },
            {
                "line": "2",
                "quantity_received": "10",
                "uom": "EA",
                "product_ids": {"VN": "GADGET-B"},
                "dates": {"36": "2027-01-31"},
            },
        ],  # fmt: skip
        "totals": {"quantity_received": "248"},
    }
    doc.update(changes)
    return doc


def test_944_to_receipt():
    kind, _version, payload = x12.map_document("944", doc_944())
    assert kind == "receipt"
    assert payload["external_id"] == "RCV-314" and payload["notice_ref"] == "WH3PL/IN/00007"
    assert payload["kind"] == "purchase" and payload["received_at"] == "2026-03-10T09:15:00Z"
    first, second = payload["lines"]
    assert first["received"] == 238 and first["damaged"] == 3 and first["damage_reason"] == "AV, 02"
    assert first["lot"] == "LOT-9" and first["line_ref"] == "501"
    assert second["expiry"] == "2027-01-31" and "damaged" not in second and second["line_ref"] == "2"


def test_944_customer_return():
    _kind, _version, payload = x12.map_document("944", doc_944(reporting_code="C"))
    assert payload["kind"] == "return"


def test_944_errors_name_the_segment():
    doc = doc_944()
    doc["lines"][0]["product_ids"] = {}
    transaction = roundtrip(documents.build("944", doc, "X12", "004010"))
    with pytest.raises(MappingError, match=r"\(W07\), W0705"):
        x12.map_transaction(transaction)
    with pytest.raises(MappingError, match="receipt_number"):
        x12.map_document("944", doc_944(receipt_number=""))


# --- 846 -> inventory_snapshot -------------------------------------------------------------


def doc_846():
    return {
        "purpose": "00",
        "report_type": "MM",
        "report_id": "INV-2026-03-01",
        "report_date": "2026-03-01T06:00",
        "parties": {"WH": {"name": "Reno", "identifiers": {"ZZ": "RENO1"}}},
        "lines": [
            {
                "line": "1",
                "product_ids": {"VN": "WIDGET-A", "LT": "L1"},
                "quantities": {"17": "120", "33": "100"},
                "uom": "EA",
                "dates": {"036": "2027-05-31"},
            },
            {"line": "2", "product_ids": {"SK": "GADGET-B"}, "quantities": {"33": "7"}, "uom": "EA"},
        ],  # fmt: skip
    }


def test_846_to_snapshot():
    kind, _version, payload = x12.map_document("846", doc_846(), partner_key="acme", complete=True)
    assert kind == "inventory_snapshot"
    assert payload["external_id"] == "acme:INV-2026-03-01" and payload["complete"] is True
    assert payload["as_of"] == "2026-03-01T06:00:00Z" and payload["warehouse_code"] == "RENO1"
    first, second = payload["items"]
    assert first == {
        "sku": "WIDGET-A",
        "on_hand": Decimal("120"),
        "available": Decimal("100"),
        "lot": "L1",
        "expiry": "2027-05-31",
        "uom": "EA",
    }
    assert second["on_hand"] == 7 and second["available"] == 7


def test_846_defaults_to_incomplete_and_requires_on_hand():
    assert x12.map_document("846", doc_846())[2]["complete"] is False
    with pytest.raises(MappingError, match=r"lines\[1\]\.quantities: no QTY 17"):
        x12.map_document("846", doc_846(), qualifiers={"on_hand": ("17",)})


# --- 947 -> inventory_adjustment -----------------------------------------------------------


def doc_947():
    return {
        "adjustment_date": "2026-03-04",
        "adjustment_number": "ADJ-55",
        "parties": {"WH": {"identifiers": {"ZZ": "RENO1"}}},
        "lines": [
            {
                "line": "1",
                "reason": "AU",
                "quantity": "-3",
                "uom": "EA",
                "product_ids": {"VN": "WIDGET-A"},
                "lot": "L1",
            },
            {"line": "2", "reason": "AA", "quantity": "2", "uom": "EA", "upc": "036000291452"},
            {"line": "3", "reason": "05", "quantity": "0", "uom": "EA", "product_ids": {"VN": "GADGET-B"}},
        ],  # fmt: skip
    }


def test_947_to_adjustment():
    kind, _version, payload = x12.map_document("947", doc_947())
    assert kind == "inventory_adjustment"
    assert payload["external_id"] == "ADJ-55" and payload["adjusted_at"] == "2026-03-04T00:00:00Z"
    damaged, counted = payload["lines"]
    assert damaged == {
        "sku": "WIDGET-A",
        "quantity": Decimal("-3"),
        "reason_code": "AU",
        "lot": "L1",
        "uom": "EA",
        "reason_text": "Damaged in facility",
    }
    assert counted["sku"] == "036000291452" and counted["quantity"] == 2


def test_947_errors_name_the_segment():
    doc = doc_947()
    doc["lines"][1]["quantity"] = "two"
    with pytest.raises(MappingError, match=r"lines\[1\]\.quantity"):
        x12.map_document("947", doc)


# --- registries and interchanges -----------------------------------------------------------


def test_registries():
    assert {k: v[0] for k, v in x12.INBOUND.items()} == {
        "945": "shipment",
        "944": "receipt",
        "846": "inventory_snapshot",
        "947": "inventory_adjustment",
    }
    assert {k: v[0] for k, v in x12.OUTBOUND.items()} == {
        "fulfilment_order": "940",
        "inbound_notice": "943",
        "return_notice": "943",
    }
    with pytest.raises(MappingError, match="810"):
        x12.map_document("810", {})


def test_interchange_groups_by_functional_id():
    profile = envelope.Profile("X12", "004010", Party("ZZ", "DEPOSITOR"), Party("ZZ", "ACME3PL"))
    sets = [
        x12.build_outbound("fulfilment_order", order(), control_number="0001"),
        x12.build_outbound("inbound_notice", notice(), control_number="0002"),
        x12.build_outbound("fulfilment_order", order(reference="WH3PL/OUT/00013"), control_number="0003"),
    ]
    interchange = x12.build_interchange(profile, sets, x12.Controls(41, 9), datetime(2026, 3, 1, 8, 0))
    assert [(g.functional_id, g.control_number, len(g.transactions)) for g in interchange.groups] == [
        ("OW", "9", 2),
        ("AR", "10", 1),
    ]
    data = x12.write_interchange(profile, sets, x12.Controls(41, 9), datetime(2026, 3, 1, 8, 0))
    edifile = codec.read(data)
    assert edifile.errors == []
    assert edifile.interchanges[0].control_number == "000000041"
    read_back = edifile.interchanges[0].groups[0].transactions[1]
    assert documents.read(read_back, "X12")["depositor_order_number"] == "WH3PL/OUT/00013"


def test_write_interchange_refuses_a_set_that_breaks_the_guide():
    profile = envelope.Profile("X12", "004010", Party("ZZ", "DEPOSITOR"), Party("ZZ", "ACME3PL"))
    transaction = x12.build_outbound("fulfilment_order", order())
    rules = {
        "partner": "ACME",
        "version": 1,
        "base": "x12/004010/940",
        "elements": {"W0501": {"codes": ["R"]}},
    }
    with pytest.raises(ValidationFailed, match="W05"):
        x12.write_interchange(
            profile, [transaction], x12.Controls(1, 1), datetime(2026, 3, 1), overrides=[rules]
        )


def test_identifiers_are_not_cut_but_refused_when_written():
    long_ref = order(lines=[{"line_ref": "L" * 31, "sku": "WIDGET-A", "quantity": 1}])
    transaction = x12.build_outbound("fulfilment_order", long_ref)
    assert documents.read(transaction, "X12")["lines"][0]["references"] == {"LI": "L" * 31}
    profile = envelope.Profile("X12", "004010", Party("ZZ", "DEPOSITOR"), Party("ZZ", "ACME3PL"))
    with pytest.raises(ValidationFailed, match="N902"):
        x12.write_interchange(profile, [transaction], x12.Controls(1, 1), datetime(2026, 3, 1))


def test_group_count():
    sets = [
        x12.build_outbound("fulfilment_order", order()),
        x12.build_outbound("inbound_notice", notice()),
        x12.build_outbound("fulfilment_order", order(reference="R2")),
    ]
    assert x12.group_count(sets) == 2


def test_947_missing_adjustment_number_names_w15():
    doc = doc_947()
    doc["adjustment_number"] = ""
    transaction = roundtrip(documents.build("947", doc, "X12", "004010"))
    with pytest.raises(MappingError, match=r"segment 2 \(W15\), W1502"):
        x12.map_transaction(transaction)
