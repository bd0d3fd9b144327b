"""Contract tests: public X12 warehouse samples read through channel_edi's
codec, validated by its engine, read as typed documents, mapped by
tpl_connector's X12 mappers to canonical payloads, and shown by the
inspector (scripts/edi-inspect).

The samples are other people's test data, kept byte for byte with their
licences (fixtures/README.md): apimeister/x12-types' Rust tests hold them
as string literals, which :func:`rust_sample` takes out of the function
that holds them; stupidedi's 943 and 944 are channel_edi's fixtures, read in
place. The assertions say what the files contain, not what our code
would have liked: a sample that breaks its guide is expected to.
"""

import json
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from odoo.addons.channel_edi.lib import codec, documents, validation
from odoo.addons.channel_edi.lib.inspect import inspect
from odoo.addons.integration_core.lib import canonical
from odoo.addons.integration_core.lib.exceptions import MappingError
from odoo.addons.tpl_connector.lib import x12

HERE = Path(__file__).resolve().parent
X12_TYPES = HERE / "fixtures" / "x12-types"
STUPIDEDI = HERE.parent / "channel_edi" / "fixtures" / "stupidedi"
REPO = HERE.parent.parent


def rust_sample(name, function, index=0):
    """The ``index``-th raw string literal (``r#"..."#``) in the Rust test
    ``function`` of fixture ``name``, as bytes."""
    text = (X12_TYPES / name).read_text()
    start = text.index(f"fn {function}()")
    following = text.find("\nfn ", start + 1)
    body = text[start : following if following > 0 else len(text)]
    return re.findall(r'r#"(.*?)"#', body, re.S)[index].encode()


SAMPLES = {
    # name: (bytes, set type)
    "940_1edisource": (lambda: rust_sample("v004010_test_940.rs", "test_940_1"), "940"),
    "940_babelway": (lambda: rust_sample("v004010_test_940.rs", "test_940_2"), "940"),
    "940_general_mills": (lambda: rust_sample("v004010_test_940.rs", "test_940_4"), "940"),
    "945_northpoint": (lambda: rust_sample("v004010__945_test.rs", "test_945_parse_1"), "945"),
    "846_supplier": (lambda: rust_sample("v005010__846_test.rs", "full_transmission_846"), "846"),
    "943_stupidedi": (lambda: (STUPIDEDI / "004010_AR943_pass_1.edi").read_bytes(), "943"),
    "944_stupidedi": (lambda: (STUPIDEDI / "004010_RE944_pass_1.edi").read_bytes(), "944"),
}


def transaction_of(data):
    edifile = codec.read(data)
    (interchange,) = edifile.interchanges
    (group,) = interchange.groups
    (transaction,) = group.transactions
    return edifile, group, transaction


def error_elements(transaction, version):
    return sorted(
        {
            (i.segment, i.element)
            for i in validation.validate(transaction, "X12", version)
            if i.severity == "error"
        }
    )


# --- 940 ---------------------------------------------------------------------------------


def test_940_1edisource_sample():
    edifile, group, transaction = transaction_of(SAMPLES["940_1edisource"][0]())
    assert group.functional_id == "OW" and transaction.type == "940"
    assert error_elements(transaction, group.version) == []
    # the envelope is the sample's own: GE02 and IEA02 do not repeat GS06/ISA13
    assert {e.segment for e in edifile.errors} == {"GE", "IEA"}
    doc = documents.read(transaction, "X12")
    assert doc["order_status"] == "N" and doc["depositor_order_number"] == "538686"
    assert doc["link_sequence"] == "001001" and doc["master_reference"] == "538686"
    assert doc["ship_to"]["name"] == "GRITS BREAD COMPANY"
    assert doc["parties"]["WH"]["identifiers"] == {"9": "0581493780140"}
    assert doc["dates"] == {"10": "2000-02-04", "02": "2000-02-07"}
    assert doc["carrier"] == {"payment_method": "PP", "transport_method": "M", "routing": "MTEN"}
    assert [(ln["line"], ln["quantity"], ln["uom"], ln["product_ids"]) for ln in doc["lines"]] == [
        ("1", "12", "CA", {"VN": "000100", "UC": "DEC0199"}),
        ("2", "32", "CA", {"VN": "000200", "UC": "DEC0299"}),
        ("3", "12", "CA", {"VN": "000300", "UC": "JAN0100"}),
    ]
    assert (
        doc["lines"][0]["upc"] == "000100011110" and doc["lines"][0]["description"] == "11.500 STRUD BLUBRY"
    )
    assert doc["totals"] == {
        "quantity": "56",
        "weight": "500",
        "weight_uom": "LB",
        "volume": "24",
        "volume_uom": "CF",
    }


def test_940_samples_break_their_guide_where_the_standard_says():
    _edifile, group, babelway = transaction_of(SAMPLES["940_babelway"][0]())
    found = error_elements(babelway, group.version)
    assert ("N4", "N402") in found  # '020': a state code is 2 characters
    # 004010 puts PER in the 940's N1 loop and G61 in the heading after N9, as this sample does
    assert not {("PER", ""), ("G61", "")} & set(found)
    _edifile, group, general_mills = transaction_of(SAMPLES["940_general_mills"][0]())
    assert ("W09", "") in error_elements(general_mills, group.version)  # not in our 004010 dictionary
    assert documents.read(general_mills, "X12")["depositor_order_number"] == "18061930"


def test_940_samples_use_the_purpose_codes_we_send():
    """W05-01 (473): N original, R change, F cancel, as General Mills' samples send them."""
    codes = []
    for function in ("test_940_3", "test_940_4", "test_940_5"):
        _edifile, _group, transaction = transaction_of(rust_sample("v004010_test_940.rs", function))
        codes.append(documents.read(transaction, "X12")["order_status"])
    assert codes == ["N", "R", "F"]
    assert [x12.outbound.PURPOSE_CODES[p] for p in ("original", "replace", "cancel")] == codes


def test_our_940_is_read_like_the_samples():
    """What we send has the shape of the public samples: W05 N, LX/W01 with VN."""
    order = {
        "schema_version": 1,
        "reference": "WH3PL/OUT/00012",
        "purpose": "original",
        "ship_to": {
            "name": "GRITS BREAD COMPANY",
            "city": "SAN DIEGO",
            "state_code": "CA",
            "country_code": "US",
        },
        "lines": [{"line_ref": "7", "sku": "000100", "quantity": 12, "uom": "CA"}],
    }
    doc = documents.read(x12.build_outbound("fulfilment_order", order), "X12")
    sample = documents.read(transaction_of(SAMPLES["940_1edisource"][0]())[2], "X12")
    assert doc["order_status"] == sample["order_status"]
    assert (doc["lines"][0]["uom"], doc["lines"][0]["product_ids"]["VN"]) == ("CA", "000100")


# --- 945 ---------------------------------------------------------------------------------


def test_945_northpoint_sample_maps_to_shipment_v2():
    edifile, group, transaction = transaction_of(SAMPLES["945_northpoint"][0]())
    assert group.functional_id == "SW"
    assert [e.segment for e in edifile.errors] == ["SE"]  # SE01 says 12 segments, the set has 16
    found = error_elements(transaction, group.version)
    assert ("N1", "N102") in found  # N1*SF***CHI: a qualifier-less id
    assert ("W10", "") in found  # W10 (additional carrier information): not in our 004010 dictionary
    kind, version, payload = x12.map_transaction(transaction, utc_offset="-06:00")
    assert (kind, version) == ("shipment", 2)
    canonical.validate(kind, payload)
    assert payload["external_id"] == "BOL12345"  # W06-04
    assert payload["picking_ref"] == "IF102" and payload["order_ref"] == "PO9865"
    assert payload["shipped_at"] == "2019-06-04T00:00:00-06:00"
    assert payload["carrier"]["scac"] == "NPLT" and payload["carrier"]["name"] == "NORTHPOINT TRANSPOR"
    assert payload["lines"] == [
        {
            "sku": "123456789",
            "shipped": Decimal("3000"),
            "line_ref": "10",
            "uom": "EA",
            "ordered": Decimal("3000"),
            "difference": Decimal("0"),
            "status": "complete",
            "lots": [{"name": "LOT12314", "quantity": Decimal("3000")}],
        }
    ]
    assert payload["packages"] == [
        {"lpn": "LPN6569", "lines": [{"sku": "123456789", "quantity": Decimal("3000"), "lot": "LOT12314"}]}
    ]


def test_945_minimal_sample_without_shipment_id_is_refused_naming_w06():
    data = rust_sample("v004010__945_test.rs", "test_945_parse_2")
    _edifile, _group, transaction = transaction_of(data)
    assert x12.map_transaction(transaction)[2]["external_id"] == "BOL12345"
    bare = data.replace(b"W06*F*IF102*20190604*BOL12345**PO9865~", b"W06*F*IF102*20190604~")
    _edifile, _group, transaction = transaction_of(bare)
    with pytest.raises(MappingError, match=r"segment 2 \(W06\), W0604"):
        x12.map_transaction(transaction)


# --- 846, 943, 944 -------------------------------------------------------------------------


def test_846_sample_maps_to_inventory_snapshot():
    _edifile, group, transaction = transaction_of(SAMPLES["846_supplier"][0]())
    assert group.version == "005010" and error_elements(transaction, group.version) == []
    kind, _version, payload = x12.map_transaction(transaction, partner_key="supplier")
    assert kind == "inventory_snapshot"
    assert payload == {
        "schema_version": 1,
        "external_id": "supplier:REF1",
        "as_of": "2020-01-01T00:00:00Z",
        "complete": False,
        "items": [{"sku": "ABC123", "on_hand": Decimal("100"), "available": Decimal("100"), "uom": "EA"}],
    }


def test_846_sample_on_hand_only_refuses_quantity_available():
    _edifile, _group, transaction = transaction_of(SAMPLES["846_supplier"][0]())
    with pytest.raises(MappingError, match=r"segment 4 \(LIN\)"):
        x12.map_transaction(transaction, qualifiers={"on_hand": ("17",)})


def test_944_stupidedi_sample_maps_to_receipt():
    _edifile, group, transaction = transaction_of(SAMPLES["944_stupidedi"][0]())
    # our 944 guide wants W07 inside an LX loop; stupidedi's 004010 passes it without
    assert ("W07", "") in error_elements(transaction, group.version)
    kind, _version, payload = x12.map_transaction(transaction)
    assert kind == "receipt"
    assert payload == {
        "schema_version": 1,
        "external_id": "WR12345",
        "notice_ref": "DO12345",
        "kind": "purchase",
        "received_at": "2026-07-14T00:00:00Z",
        "lines": [{"sku": "ITEM123", "received": Decimal("100"), "uom": "EA", "lot": "LOT456"}],
    }


def test_943_stupidedi_sample_has_the_shape_we_send():
    _edifile, group, transaction = transaction_of(SAMPLES["943_stupidedi"][0]())
    assert error_elements(transaction, group.version) == []
    sample = documents.read(transaction, "X12")
    notice = {
        "schema_version": 1,
        "reference": "DO12345",
        "kind": "transfer",
        "lines": [{"line_ref": "REF456", "sku": "ITEM123", "quantity": 100, "uom": "EA"}],
    }
    ours = documents.read(x12.build_outbound("inbound_notice", notice), "X12")
    assert ours["lines"] == sample["lines"]
    assert ours["depositor_order_number"] == sample["depositor_order_number"]
    assert ours["totals"] == sample["totals"]


# --- the inspector ---------------------------------------------------------------------------


def _947_file():
    """No public 947 was found under a permissive licence: one we build."""
    doc = {
        "adjustment_date": "2026-03-04",
        "adjustment_number": "ADJ-55",
        "lines": [
            {"line": "1", "reason": "AU", "quantity": "-3", "uom": "EA", "product_ids": {"VN": "WIDGET-A"}}
        ],
    }
    from datetime import datetime

    from odoo.addons.channel_edi.lib import envelope
    from odoo.addons.channel_edi.lib.tree import Party

    profile = envelope.Profile("X12", "004010", Party("ZZ", "ACME3PL"), Party("ZZ", "DEPOSITOR"))
    transaction = documents.build("947", doc, "X12", "004010")
    return codec.write(
        x12.build_interchange(profile, [transaction], x12.Controls(5, 5), datetime(2026, 3, 4))
    )


def _document(data):
    report, _code = inspect(data)
    (transaction,) = report["interchanges"][0]["groups"][0]["transactions"]
    return transaction["document"]


def test_inspector_shows_the_940_order_and_lines():
    doc = _document(SAMPLES["940_1edisource"][0]())
    assert doc["depositor_order_number"] == "538686"
    assert [(ln["quantity"], ln["product_ids"]["VN"]) for ln in doc["lines"]][0] == ("12", "000100")


def test_inspector_shows_the_945_shipment():
    doc = _document(SAMPLES["945_northpoint"][0]())
    assert (doc["depositor_order_number"], doc["shipment_id"]) == ("IF102", "BOL12345")
    (line,) = doc["lines"]
    assert (line["status"], line["quantity_shipped"], line["lot"]) == ("CC", "3000", "LOT12314")
    assert line["references"] == {"LV": "LPN6569"}  # the pallet's licence plate


def test_inspector_shows_945_packages():
    order = x12.build_outbound(
        "fulfilment_order",
        {
            "schema_version": 1,
            "reference": "R1",
            "purpose": "original",
            "ship_to": {"name": "A", "country_code": "US"},
            "lines": [{"line_ref": "1", "sku": "S", "quantity": 1}],
        },
    )
    assert order.type == "940"
    doc = {
        "reporting_code": "F",
        "depositor_order_number": "R1",
        "shipment_id": "SH1",
        "lines": [
            {
                "line": "1",
                "pack": {"sscc": "006141411234567890"},
                "status": "CC",
                "quantity_ordered": "1",
                "quantity_shipped": "1",
                "uom": "EA",
                "product_ids": {"VN": "S"},
            },
        ],  # fmt: skip
        "totals": {"quantity": "1"},
    }
    from datetime import datetime

    from odoo.addons.channel_edi.lib import envelope
    from odoo.addons.channel_edi.lib.tree import Party

    profile = envelope.Profile("X12", "004010", Party("ZZ", "ACME3PL"), Party("ZZ", "DEPOSITOR"))
    data = codec.write(
        x12.build_interchange(
            profile, [documents.build("945", doc, "X12", "004010")], x12.Controls(1, 1), datetime(2026, 1, 1)
        )
    )
    report, code = inspect(data)
    assert code == 0, report
    shown = report["interchanges"][0]["groups"][0]["transactions"][0]["document"]
    assert shown["lines"][0]["pack"] == {"sscc": "006141411234567890"}
    assert x12.map_document("945", shown)[2]["packages"][0]["sscc"] == "006141411234567890"


def test_inspector_shows_the_944_receipt_lines():
    doc = _document(SAMPLES["944_stupidedi"][0]())
    assert [(ln["quantity_received"], ln["lot"]) for ln in doc["lines"]] == [("100", "LOT456")]


def test_inspector_shows_846_quantities_by_qualifier():
    doc = _document(SAMPLES["846_supplier"][0]())
    assert [(ln["product_ids"], ln["quantities"]) for ln in doc["lines"]] == [
        ({"VN": "ABC123"}, {"33": "100"})
    ]


def test_inspector_shows_947_adjustments_with_reasons():
    report, code = inspect(_947_file())
    assert code == 0
    doc = report["interchanges"][0]["groups"][0]["transactions"][0]["document"]
    assert [(ln["reason"], ln["quantity"]) for ln in doc["lines"]] == [("AU", "-3")]


def test_edi_inspect_script_prints_the_945(tmp_path):
    sample = tmp_path / "945.x12"
    sample.write_bytes(SAMPLES["945_northpoint"][0]())
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "edi_inspect.py"), str(sample)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1, result.stderr  # the sample's SE01 count is wrong
    report = json.loads(result.stdout)
    doc = report["interchanges"][0]["groups"][0]["transactions"][0]["document"]
    assert doc["shipment_id"] == "BOL12345" and doc["lines"][0]["status"] == "CC"
