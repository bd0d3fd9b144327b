"""Shipping and warehouse documents -> canonical payloads, validated against
channel_edi's asn schema and the core's shipment and stock_level schemas
through integration_core.lib.canonical."""

import copy
from decimal import Decimal

import pytest
from shipping_samples import x12_transactions
from test_documents_shipping import desadv_document, s_o_i, s_o_p_i, s_o_t_p_i, s_t_o_i, sscc_of
from test_documents_warehouse import doc_846, doc_945

from odoo.addons.channel_edi import lib as channel_edi_lib  # noqa: F401  (registers the asn schema)
from odoo.addons.channel_edi.lib import sscc
from odoo.addons.channel_edi.lib.documents import DocumentError, shipping
from odoo.addons.channel_edi.lib.documents import canonical_shipping as mappers
from odoo.addons.integration_core.lib import canonical


def test_date_time_gets_the_partners_offset():
    assert mappers.date_time("2024-01-15T10:30") == "2024-01-15T10:30:00Z"
    assert mappers.date_time("2024-01-15", "-05:00") == "2024-01-15T00:00:00-05:00"
    assert mappers.date_time("2011-12-06T14:24:28", "+01:00") == "2011-12-06T14:24:28+01:00"
    assert mappers.date_time(None) is None


# --- asn -----------------------------------------------------------------------------


def test_856_s_o_t_p_i_to_asn():
    asn = canonical.validate("asn", mappers.to_asn(s_o_t_p_i(), "X12", partner_key="RETAILCO"))
    assert asn["external_id"] == "RETAILCO:SHP-0001" and asn["purpose"] == "original"
    assert asn["shipped_at"] == "2024-01-15T10:00:00Z"
    assert asn["carrier"]["scac"] == "UPSN" and asn["carrier"]["bill_of_lading"] == "BOL123"
    assert asn["ship_to"]["identifiers"] == {"92": "0042"}
    assert asn["ship_from"]["external_id"] == "gln:0614141000012"
    (order,) = asn["orders"]
    assert (order["po_number"], order["order_date"], order["items"]) == ("PO-7", "2024-01-10", [])
    (pallet,) = order["packages"]
    assert pallet["sscc"] == sscc_of(1) and pallet["level"] == "pallet"
    assert [c["sscc"] for c in pallet["packages"]] == [sscc_of(2), sscc_of(3)]
    first = pallet["packages"][0]["items"][0]
    assert first["product"] == {"gtin": "036000291452", "vendor_part": "SKU-1"}
    assert (
        first["quantity"] == Decimal("12") and first["lot"] == "L1" and first["expiry_date"] == "2025-01-01"
    )
    assert pallet["packages"][1]["items"][1]["quantity"] == Decimal("1.5")


def test_856_s_t_o_i_to_asn_puts_each_order_on_its_pallet():
    asn = canonical.validate("asn", mappers.to_asn(s_t_o_i(), "X12"))
    assert [o["po_number"] for o in asn["orders"]] == ["PO-1", "PO-2"]
    for order in asn["orders"]:
        (pallet,) = order["packages"]
        assert pallet["sscc"] == sscc_of(20) and pallet["level"] == "pallet" and len(pallet["items"]) == 1
        assert order["items"] == []


def test_856_s_o_i_to_asn_items_outside_packages():
    asn = canonical.validate("asn", mappers.to_asn(s_o_i(), "X12"))
    (order,) = asn["orders"]
    assert order["packages"] == [] and [i["quantity"] for i in order["items"]] == [Decimal(5), Decimal(7)]


def test_desadv_to_asn():
    asn = canonical.validate("asn", mappers.to_asn(desadv_document(), "EDIFACT"))
    assert asn["shipped_at"] == "2024-01-15T10:00:00Z" and asn["estimated_delivery"] == "2024-01-16"
    (order,) = asn["orders"]
    assert order["po_number"] == "ORD10231" and order["order_date"] == "2024-01-10"
    (pallet,) = order["packages"]
    assert pallet["sscc"] == sscc_of(500) and pallet["level"] == "pallet"
    carton = pallet["packages"][0]
    assert carton["sscc"] == sscc_of(501) and carton["packaging_code"] == "CT"
    assert carton["items"][0]["product"] == {"gtin": "5412345111115", "vendor_part": "ABC123"}
    assert carton["items"][0]["lot"] == "B42" and carton["items"][0]["expiry_date"] == "2025-06-30"


def test_node_x12_856_sample_to_asn():
    (transaction,) = x12_transactions("node-x12/856.edi")
    asn = canonical.validate("asn", mappers.to_asn(shipping.read_856(transaction), "X12"))
    assert asn["orders"][0]["po_number"] == "99999817"
    assert [i["product"] for i in asn["orders"][0]["items"]] == [
        {"vendor_part": "87787D", "gtin": "999999310145"},
        {"vendor_part": "99887D", "gtin": "999999311746"},
    ]


def test_asn_refuses_what_it_cannot_map():
    document = s_o_i()
    document["hierarchy"][0]["children"][0]["children"][0]["quantity"] = "0"
    with pytest.raises(DocumentError, match=r"orders\[0\]\.items\.quantity: '0'"):
        mappers.to_asn(document, "X12")
    document = desadv_document()
    del document["po_number"]
    with pytest.raises(DocumentError, match="po_number: missing"):
        mappers.to_asn(document, "EDIFACT")


# --- shipment ------------------------------------------------------------------------------


def test_856_to_core_shipments_one_per_order():
    shipments = [canonical.validate("shipment", p) for p in mappers.to_shipments(s_o_p_i(), "X12")]
    assert [s["external_id"] for s in shipments] == ["SHP-0001/PO-7", "SHP-0001/PO-8"]
    assert [s["order_ref"] for s in shipments] == ["PO-7", "PO-8"]
    first = shipments[0]
    assert first["carrier"] == "UPSN" and first["shipped_at"] == "2024-01-15T10:00:00Z"
    assert [p["tracking_number"] for p in first["packages"]] == [sscc_of(10), sscc_of(11)]
    assert first["packages"][0]["lines"] == [
        {"sku": "SKU-1", "quantity": Decimal("24"), "line_external_id": "1"}
    ]


def test_856_carrier_package_id_is_the_tracking_number():
    document = s_o_p_i()
    carton = document["hierarchy"][0]["children"][0]["children"][0]
    carton["marks"] = [{"qualifier": "CP", "value": "1Z999AA10123456784"}]
    (first, _second) = mappers.to_shipments(document, "X12", utc_offset="-05:00")
    assert first["packages"][0]["tracking_number"] == "1Z999AA10123456784"
    assert first["shipped_at"] == "2024-01-15T10:00:00-05:00"


def test_856_s_t_o_i_and_loose_items_to_shipments():
    shipments = [canonical.validate("shipment", p) for p in mappers.to_shipments(s_t_o_i(), "X12")]
    assert [s["packages"][0]["tracking_number"] for s in shipments] == [sscc_of(20), sscc_of(20)]
    (loose,) = [canonical.validate("shipment", p) for p in mappers.to_shipments(s_o_i(), "X12")]
    assert loose["external_id"] == "SHP-0001" and loose["packages"] == []
    assert [line["quantity"] for line in loose["lines"]] == [Decimal(5), Decimal(7)]


def test_945_to_core_shipment():
    shipment = canonical.validate("shipment", mappers.to_shipment_945(doc_945(), utc_offset="+00:00"))
    assert shipment["external_id"] == "BOL-99" and shipment["picking_ref"] == "SO-1001"
    assert shipment["order_ref"] == "PO-7" and shipment["carrier"] == "UPSN"
    assert shipment["shipped_at"] == "2024-01-17T00:00:00+00:00"
    assert [p["tracking_number"] for p in shipment["packages"]] == [sscc.next_sscc(0, "0614141", 1), "1Z999"]
    assert shipment["packages"][0]["lines"] == [
        {"sku": "A-1", "quantity": Decimal("12"), "lot": "L1"},
        {"sku": "B-2", "quantity": Decimal("1.5")},
    ]


def test_945_lines_without_cartons_and_nothing_shipped():
    document = doc_945()
    for line in document["lines"]:
        line.pop("pack")
        line.pop("line")
    document["lines"][2]["quantity_shipped"] = "0"
    shipment = canonical.validate("shipment", mappers.to_shipment_945(document))
    assert shipment["packages"] == [] and [line["sku"] for line in shipment["lines"]] == ["A-1", "B-2"]


# --- stock_level ---------------------------------------------------------------------------


def test_846_to_stock_level():
    level = canonical.validate("stock_level", mappers.to_stock_level(doc_846()))
    assert level["location_code"] == "1234567890001"  # the N1 WH party's identifier
    assert level["as_of"] == "2024-01-15T06:00:00Z"
    assert level["items"] == [
        {"sku": "A-1", "quantity": Decimal("100")},
        {"sku": "B-2", "quantity": Decimal("0")},
    ]
    on_hand = mappers.to_stock_level(doc_846(), location_code="3PL-EAST", qualifiers=("17",))
    assert canonical.validate("stock_level", on_hand)["items"] == [{"sku": "A-1", "quantity": Decimal("120")}]


def test_846_without_a_location_is_refused():
    document = copy.deepcopy(doc_846())
    del document["parties"]
    with pytest.raises(DocumentError, match="location_code"):
        mappers.to_stock_level(document)
