"""An EANCOM (EDIFACT D96A) retailer: its ORDERS become a sale order, and
the interchange is acknowledged with a CONTRL."""

import json

from odoo.tests import tagged

from .common import EdiCase

RETAILER_GLN = "5012345678900"


def orders(reference="REF0001", po_number="PO-EF-1", quantity="5"):
    segments = [
        "UNH+1+ORDERS:D:96A:UN:EAN008",
        f"BGM+220+{po_number}+9",
        "DTM+137:20240501:102",
        "DTM+2:20240510:102",
        f"NAD+BY+{RETAILER_GLN}::9",
        "NAD+DP+0614141000012::9",
        "LIN+1++1234567890128:EN",
        f"QTY+21:{quantity}",
        "PRI+AAA:12.5",
        "LIN+2",
        "PIA+5+INT-GADGET:SA",
        "QTY+21:3",
        "PRI+AAA:30",
        "UNS+S",
        "CNT+2:2",
    ]
    segments.append(f"UNT+{len(segments) + 1}+1")
    return (
        "UNA:+.? '"
        + f"UNB+UNOC:3+{RETAILER_GLN}:14+OURCOMPANY:ZZ+240501:1200+{reference}'"
        + "'".join(segments)
        + f"'UNZ+1+{reference}'"
    ).encode()


@tagged("post_install", "-at_install")
class TestEdiEdifact(EdiCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.backend = cls.env["integration.backend"].create(
            {
                "name": "Retail Co EANCOM",
                "backend_type": "edi",
                "company_id": cls.company.id,
                "warehouse_id": cls.warehouse.id,
                "pricelist_id": cls.pricelist_usd.id,
                "edi_partner_id": cls.retailer.id,
                "edi_role": "customer",
                "edi_dialect": "D96A_EAN008",
                "edi_element_separator": "+",
                "edi_component_separator": ":",
                "edi_segment_terminator": "'",
                "edi_repetition_separator": False,
                "order_confirm_policy": "always",
                "edi_identity_ids": [
                    (
                        0,
                        0,
                        {
                            "side": "ours",
                            "level": "interchange",
                            "qualifier": "ZZ",
                            "identifier": "OURCOMPANY",
                        },
                    ),
                    (
                        0,
                        0,
                        {
                            "side": "theirs",
                            "level": "interchange",
                            "qualifier": "14",
                            "identifier": RETAILER_GLN,
                        },
                    ),
                ],
            }
        )

    def test_orders_become_a_sale_order_and_the_interchange_gets_a_contrl(self):
        event, _created = self.receive_file(self.backend, orders())
        self.assertEqual(event.state, "done", event.error_message)
        child = event.child_ids.filtered(lambda e: e.topic == "order.received")
        self.assertEqual(child.state, "done", child.error_message)
        sale = child._record()
        self.assertEqual(sale.client_order_ref, "PO-EF-1")
        self.assertEqual(sale.partner_shipping_id.gln, "0614141000012")
        self.assertEqual(sorted(sale.order_line.mapped("product_uom_qty")), [3, 5])
        contrl = self.documents(self.backend, direction="out", set_type="CONTRL")
        self.assertEqual(
            len(contrl),
            1,
            self.env["integration.event"].search([("state", "=", "failed")]).mapped("error_message"),
        )
        document = json.loads(contrl.document_json)
        self.assertEqual(document["interchange"]["control_number"], "REF0001")
        self.assertEqual(document["interchange"]["action"], "7")
        ordrsp = self.documents(self.backend, direction="out", set_type="ORDRSP")
        self.assertEqual(
            len(ordrsp),
            1,
            self.env["integration.event"].search([("state", "=", "failed")]).mapped("error_message"),
        )

    def test_the_same_interchange_reference_twice_is_a_duplicate(self):
        self.receive_file(self.backend, orders())
        again, _created = self.receive_file(self.backend, orders(quantity="6"))
        self.assertEqual(again.state, "ignored")
        self.assertEqual(self.env["sale.order"].search_count([("client_order_ref", "=", "PO-EF-1")]), 1)
