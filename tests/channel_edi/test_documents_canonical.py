"""Typed documents -> canonical payloads, validated against the core's
schemas (order, invoice) and channel_edi's own (purchase_order,
po_acknowledgement, asn) through integration_core.lib.canonical."""

import copy
from decimal import Decimal

import pytest
from docs_support import edifact_messages, local_x12_sets, x12_sets
from test_documents_invoices import INVOIC, INVOICE_810
from test_documents_orders import ACK_855, CHANGE_860, ORDER_850, ORDRSP

from odoo.addons.channel_edi import lib as channel_edi_lib
from odoo.addons.channel_edi.lib import documents
from odoo.addons.channel_edi.lib.documents import DocumentError
from odoo.addons.channel_edi.lib.documents import canonical as mappers
from odoo.addons.integration_core.lib import canonical
from odoo.addons.integration_core.lib.exceptions import ValidationFailed


def test_channel_edi_registers_its_schemas():
    assert channel_edi_lib.SCHEMAS_DIR.name == "schemas"
    for kind in ("purchase_order", "po_acknowledgement", "asn"):
        assert kind in canonical.kinds()
        assert canonical.load_schema(kind)["$id"] == f"urn:integration:canonical:{kind}:1"
    # registering again (Odoo and tests import the package twice) is a no-op
    assert canonical.register_schema_dir(channel_edi_lib.SCHEMAS_DIR) == [
        ("asn", 1),
        ("po_acknowledgement", 1),
        ("purchase_order", 1),
    ]


# --- 850 -> order ------------------------------------------------------------------


def test_850_to_core_order():
    order = canonical.validate("order", mappers.to_order(ORDER_850, "X12", partner_key="RETAILCO"))
    assert order["external_id"] == "RETAILCO:PO-4711" and order["name"] == "PO-4711"
    assert order["currency"] == "USD" and order["created_at"] == "2024-05-01T00:00:00Z"
    assert order["customer"] == {"external_id": "gln:0614141000005", "name": "RETAIL CORP"}
    assert order["shipping_address"] == {
        "name": "STORE 112",
        "street": "3000 LONG BEACH DRIVE",
        "street2": None,
        "city": "SAN PEDRO",
        "zip": "90731",
        "state_code": "CA",
        "country_code": "US",
    }
    first, second = order["lines"]
    assert first == {
        "external_id": "RETAILCO:PO-4711:1",
        "name": "BLUE WIDGET",
        "quantity": Decimal("150"),
        "unit_price": Decimal("2.50"),
        "sku": "AB-1",
        "barcode": "012345678905",
        "variant_external_id": "RETAILCO:buyer:887766",
    }
    assert (second["barcode"], second["sku"], second["quantity"], second["unit_price"]) == (
        "4006381333931",
        "SKU-9",
        Decimal("12.5"),
        Decimal("0.0475"),
    )
    assert order["discounts"] == [{"code": "C310", "amount": Decimal("10.00")}]
    # no floats on the way to JSON: Decimals are written digit for digit
    assert '"unit_price":0.0475' in canonical.dumps(order)


def test_order_identities_for_partner_and_ship_to_lookup():
    assert mappers.order_identities(ORDER_850, "X12") == {
        "customer": ["gln:0614141000005"],
        "ship_to": ["store:112"],
        "bill_to": ["gln:0614141000012"],
    }


def test_edifact_orders_sample_to_core_order():
    (message,) = edifact_messages("staedi/EDIFACT_orders-with-group.edi")
    document = documents.read(message, "EDIFACT")
    with pytest.raises(DocumentError, match="currency: the order names none"):
        mappers.to_order(document, "EDIFACT")
    order = canonical.validate("order", mappers.to_order(document, "EDIFACT", currency="EUR"))
    (line,) = order["lines"]
    assert (line["barcode"], line["variant_external_id"], line["quantity"], line["unit_price"]) == (
        "5400111864181",
        "buyer:8641800",
        Decimal("288"),
        Decimal("12.80"),
    )
    assert order["customer"]["external_id"] == "gln:5400110000009"


def test_node_x12_850_to_core_order():
    (message,) = local_x12_sets("node-x12/850.edi")
    order = canonical.validate(
        "order", mappers.to_order(documents.read(message, "X12"), "X12", currency="USD")
    )
    assert order["customer"]["external_id"] == "duns:0003947268292"  # no BY: the ship-to's DUNS+4
    first = order["lines"][0]
    assert (first["sku"], first["variant_external_id"], first["barcode"]) == (
        "AB3542",
        "buyer:065322-117",
        None,
    )
    total = sum(line["quantity"] * line["unit_price"] for line in order["lines"])
    assert total == Decimal("13045.94")  # the file's AMT*1


def test_order_without_prices_names_the_line():
    (order,) = [t for t in x12_sets("staedi/x12_invoice810_po850_dual.edi") if t.type == "850"]
    with pytest.raises(DocumentError, match=r"^lines\[0\].unit_price: the order gives no price for line 1"):
        mappers.to_order(documents.read(order, "X12"), "X12", currency="USD")


# --- purchase_order ----------------------------------------------------------------


def test_850_and_860_to_purchase_order():
    po = canonical.validate("purchase_order", mappers.to_purchase_order(ORDER_850, "X12"))
    assert po["purpose"] == "original" and po["po_number"] == "PO-4711"
    assert po["ship_to"]["identifiers"] == {"store_number": "112"}
    assert (
        po["buyer"]["identifiers"] == {"gln": "0614141000005"}
        and po["bill_to"]["external_id"] == "gln:0614141000012"
    )
    assert (po["requested_delivery_date"], po["requested_ship_date"], po["cancel_after"]) == (
        "2024-05-10",
        "2024-05-08",
        "2024-05-20",
    )
    assert po["payment_terms"] == {
        "description": None,
        "net_days": 30,
        "discount_percent": Decimal("2"),
        "discount_days": 10,
    }
    assert po["lines"][0]["product"] == {
        "gtin": "012345678905",
        "vendor_part": "AB-1",
        "buyer_part": "887766",
    }
    assert po["lines"][1]["charges"] == [
        {"kind": "charge", "code": "D240", "description": None, "amount": Decimal("1.25"), "percent": None}
    ]
    change = canonical.validate("purchase_order", mappers.to_purchase_order(CHANGE_860, "X12"))
    assert change["purpose"] == "change"
    assert [line["change"] for line in change["lines"]] == ["quantity", "price", "delete", "add"]


def test_purchase_order_schema_refuses_bad_identifiers():
    po = mappers.to_purchase_order(ORDER_850, "X12")
    po["buyer"]["identifiers"]["gln"] = "12345"
    problems = canonical.iter_errors("purchase_order", po)
    assert problems == ["buyer.identifiers.gln: '12345' does not match '^[0-9]{13}$'"]


# --- 855 -> po_acknowledgement -----------------------------------------------------


def test_855_to_po_acknowledgement():
    ack = canonical.validate("po_acknowledgement", mappers.to_po_acknowledgement(ACK_855, "X12"))
    assert (ack["status"], ack["status_code"], ack["acknowledged_on"], ack["seller_order_number"]) == (
        "accepted_with_changes",
        "AC",
        "2024-05-02",
        "SO-0099",
    )
    first, second, third = ack["lines"]
    assert first["status"] == "accepted" and first["schedules"] == [
        {
            "status": "accepted",
            "status_code": "IA",
            "quantity": Decimal("150"),
            "uom": "EA",
            "date": "2024-05-08",
            "date_type": "ship_scheduled",
        }
    ]
    assert second["status"] == "quantity_changed"
    assert [(s["status"], s["quantity"], s["date"]) for s in second["schedules"]] == [
        ("quantity_changed", Decimal("6"), "2024-05-08"),
        ("backordered", Decimal("4"), "2024-06-01"),
    ]
    assert third["status"] == "rejected"


def test_ordrsp_to_po_acknowledgement():
    ack = canonical.validate("po_acknowledgement", mappers.to_po_acknowledgement(ORDRSP, "EDIFACT"))
    assert ack["external_id"] == "RSP-1" and ack["status"] == "accepted_with_changes"
    assert [line["status"] for line in ack["lines"]] == ["accepted", "changed", "rejected"]
    assert [(s["status"], s["quantity"], s["date_type"]) for s in ack["lines"][1]["schedules"]] == [
        ("changed", Decimal("6"), "delivery_promised"),
        ("backordered", Decimal("4"), "delivery_promised"),
    ]
    assert ack["supplier"] == {
        "external_id": "gln:5013546107732",
        "name": None,
        "identifiers": {"gln": "5013546107732"},
    }


# --- 810 -> invoice ----------------------------------------------------------------


def test_810_to_core_invoice_and_credit_note():
    invoice = canonical.validate("invoice", mappers.to_invoice(INVOICE_810, "X12"))
    assert (invoice["number"], invoice["move_type"], invoice["order_ref"], invoice["date"]) == (
        "INV-1001",
        "invoice",
        "PO-4711",
        "2024-05-20",
    )
    assert invoice["partner"] == {"external_id": "duns:123456789", "name": "OUR COMPANY"}
    names = [line["name"] for line in invoice["lines"]]
    assert names == ["CRUNCHY CHIPS", "012345678912", "Charge FREIGHT", "Allowance C310"]
    assert invoice["lines"][3]["unit_price"] == Decimal("-10.00")
    assert invoice["totals"] == {
        "total": Decimal("383.36"),
        "tax": Decimal("10.50"),
        "untaxed": Decimal("372.86"),
    }
    # the lines add up to the untaxed total
    assert (
        sum(line["quantity"] * line["unit_price"] for line in invoice["lines"])
        == invoice["totals"]["untaxed"]
    )
    credit = copy.deepcopy(INVOICE_810)
    credit["is_credit"] = True
    assert canonical.validate("invoice", mappers.to_invoice(credit, "X12"))["move_type"] == "credit_note"


def test_810_sample_and_invoic_to_core_invoice():
    first, _second = x12_sets("staedi/x12_simple810.edi")
    invoice = canonical.validate(
        "invoice", mappers.to_invoice(documents.read(first, "X12"), "X12", currency="USD")
    )
    assert invoice["totals"]["total"] == Decimal("2554.38") and len(invoice["lines"]) == 7
    assert invoice["lines"][0]["sku"] == "002840022222"  # UA case code: the GTIN-like id as SKU
    invoic = canonical.validate("invoice", mappers.to_invoice(INVOIC, "EDIFACT"))
    assert invoic["totals"] == {
        "total": Decimal("2501.16"),
        "tax": Decimal("434.08"),
        "untaxed": Decimal("2067.08"),
    }
    assert invoic["partner"]["external_id"] == "gln:5013546107732"


def test_invoice_without_currency_is_refused():
    document = copy.deepcopy(INVOICE_810)
    del document["currency"]
    with pytest.raises(DocumentError, match="^currency: the invoice names none"):
        mappers.to_invoice(document, "X12")
    assert mappers.to_invoice(document, "X12", currency="CAD")["currency"] == "CAD"


# --- asn schema --------------------------------------------------------------------

ASN = {
    "schema_version": 1,
    "external_id": "SH-1",
    "shipment_id": "SH-1",
    "shipped_at": "2024-05-08",
    "carrier": {
        "scac": "UPSN",
        "name": None,
        "mode": "M",
        "tracking_number": "1Z999",
        "bill_of_lading": "BOL-1",
    },
    "ship_from": {"identifiers": {"gln": "0614141000029"}},
    "ship_to": {"external_id": "store:112", "identifiers": {"store_number": "112"}},
    "gross_weight": {"value": Decimal("120.5"), "uom": "LB"},
    "package_count": 2,
    "orders": [
        {
            "po_number": "PO-4711",
            "packages": [
                {
                    "sscc": "006141411234567890",
                    "level": "pallet",
                    "packages": [
                        {
                            "sscc": "106141411234567897",
                            "level": "carton",
                            "items": [
                                {
                                    "line_number": "1",
                                    "product": {"gtin": "012345678905"},
                                    "quantity": Decimal("150"),
                                    "uom": "EA",
                                    "lot": "L1",
                                }
                            ],
                        }
                    ],
                }
            ],
        }
    ],
}


def test_asn_schema():
    assert canonical.validate("asn", copy.deepcopy(ASN))
    bad = copy.deepcopy(ASN)
    bad["orders"][0]["packages"][0]["packages"][0]["sscc"] = "00614141123456789"
    bad["orders"][0]["packages"][0]["packages"][0]["items"][0]["quantity"] = 0
    with pytest.raises(ValidationFailed) as caught:
        canonical.validate("asn", bad)
    assert caught.value.errors == [
        "orders[0].packages[0].packages[0].items[0].quantity: 0 is less than or equal to the minimum of 0",
        "orders[0].packages[0].packages[0].sscc: '00614141123456789' does not match '^[0-9]{18}$'",
    ]


# --- canonical -> documents (what we send) -----------------------------------------


@pytest.mark.parametrize(
    "standard, set_type, version", [("X12", "850", "004010"), ("EDIFACT", "ORDERS", "D96A")]
)
def test_purchase_order_out_and_back(standard, set_type, version):
    po = mappers.to_purchase_order(ORDER_850, "X12")
    po["supplier"] = {"name": "WIDGET SUPPLY", "identifiers": {"gln": "0614141999996"}}
    document = mappers.purchase_order_to_document(po, standard)
    built = documents.build(set_type, document, standard, version)
    back = mappers.to_purchase_order(documents.read(built, standard), standard)
    assert canonical.validate("purchase_order", back)
    for key in (
        "po_number",
        "order_date",
        "currency",
        "requested_delivery_date",
        "requested_ship_date",
        "cancel_after",
    ):
        assert back[key] == po[key], key
    assert back["supplier"]["identifiers"] == {"gln": "0614141999996"}
    assert back["ship_to"]["identifiers"] == {"store_number": "112"}
    sent = [(l["line_number"], l["quantity"], l["unit_price"], dict(l["product"])) for l in po["lines"]]
    if standard == "EDIFACT":  # 7143 has no code for a SKU: it does not travel
        for _n, _q, _p, product in sent:
            product.pop("sku", None)
    assert [(l["line_number"], l["quantity"], l["unit_price"], l["product"]) for l in back["lines"]] == sent
    assert back["charges"] == po["charges"]


def test_purchase_order_change_is_not_an_850():
    po = mappers.to_purchase_order(CHANGE_860, "X12")
    with pytest.raises(DocumentError, match="purpose: a change order is an 860/ORDCHG"):
        mappers.purchase_order_to_document(po, "X12")


@pytest.mark.parametrize(
    "standard, set_type, version", [("X12", "855", "004010"), ("EDIFACT", "ORDRSP", "D96A")]
)
def test_po_acknowledgement_out_and_back(standard, set_type, version):
    ack = mappers.to_po_acknowledgement(ACK_855, "X12")
    document = mappers.po_acknowledgement_to_document(ack, standard)
    back = mappers.to_po_acknowledgement(
        documents.read(documents.build(set_type, document, standard, version), standard), standard
    )
    assert canonical.validate("po_acknowledgement", back)
    assert back["po_number"] == "PO-4711" and back["status"] == "accepted_with_changes"
    schedules = [
        [(s["quantity"], s["date"], s["status"] == "backordered") for s in l["schedules"]]
        for l in back["lines"]
    ]
    assert schedules == [
        [(s["quantity"], s["date"], s["status"] == "backordered") for s in l["schedules"]]
        for l in ack["lines"]
    ]
    if standard == "X12":  # X12 keeps every status; EDIFACT only accepted / rejected / changed
        assert [l["status"] for l in back["lines"]] == ["accepted", "quantity_changed", "rejected"]
    else:
        assert [l["status"] for l in back["lines"]] == ["accepted", "changed", "rejected"]


@pytest.mark.parametrize(
    "standard, set_type, version", [("X12", "810", "004010"), ("EDIFACT", "INVOIC", "D96A")]
)
def test_core_invoice_out_as_810_and_back(standard, set_type, version):
    invoice = {
        "schema_version": 1,
        "external_id": "INV/2024/0007",
        "number": "INV/2024/0007",
        "move_type": "credit_note",
        "order_ref": "PO-4711",
        "date": "2024-05-20",
        "currency": "USD",
        "lines": [
            {
                "sku": "AB-1",
                "name": "BLUE WIDGET",
                "quantity": Decimal("2"),
                "unit_price": Decimal("2.50"),
                "taxes": [{"title": "VAT 7%", "rate": Decimal("0.07"), "amount": Decimal("0.35")}],
            },
            {
                "sku": "AB-2",
                "name": "RED WIDGET",
                "quantity": Decimal("1"),
                "unit_price": Decimal("10.00"),
                "taxes": [{"title": "VAT 7%", "rate": Decimal("0.07"), "amount": Decimal("0.70")}],
            },
        ],
        "totals": {"untaxed": Decimal("15.00"), "tax": Decimal("1.05"), "total": Decimal("16.05")},
    }
    canonical.validate("invoice", invoice)
    document = mappers.invoice_to_document(invoice, standard)
    built = documents.build(set_type, document, standard, version)
    if standard == "X12":
        assert (
            built.segments[1].get(7) == "CR"
            and next(s for s in built.segments if s.tag == "TDS").get(1) == "1605"
        )
        assert next(s for s in built.segments if s.tag == "TXI").elements[:3] == [
            [["VA"]],
            [["1.05"]],
            [["7"]],
        ]
    back = canonical.validate("invoice", mappers.to_invoice(documents.read(built, standard), standard))
    assert (back["number"], back["move_type"], back["order_ref"], back["date"]) == (
        "INV/2024/0007",
        "credit_note",
        "PO-4711",
        "2024-05-20",
    )
    assert back["totals"] == {"total": Decimal("16.05"), "tax": Decimal("1.05"), "untaxed": Decimal("15.00")}
    assert [(l["sku"], l["quantity"], l["unit_price"]) for l in back["lines"]] == [
        ("AB-1", Decimal("2"), Decimal("2.50")),
        ("AB-2", Decimal("1"), Decimal("10.00")),
    ]
    wrong = copy.deepcopy(invoice)
    wrong["totals"]["total"] = Decimal("16.06")
    with pytest.raises(DocumentError, match="total: 16.06 given, but .* make 16.05"):
        documents.build(set_type, mappers.invoice_to_document(wrong, standard), standard, version)
