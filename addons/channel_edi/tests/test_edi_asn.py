"""Ship notices: a supplier's 856 prepares our receipt by SSCC and lot; our
856 follows the customer's HL pattern with valid, never reused SSCCs; the
GS1-128 carton labels (issue 10, "Customers" and "Suppliers")."""

from reportlab.graphics.barcode.code128 import Code128

from odoo.tests import tagged

from odoo.addons.integration_core.lib.exceptions import MappingError

from ..lib import documents
from ..lib import sscc as sscc_lib
from ..models.report_sscc_labels import grouped_sscc, gs1_128_value
from .supply_common import SupplyCase, sscc_of


def levels(node, depth=0):
    """[(depth, level)] of a hierarchy, depth first."""
    out = [(depth, node["level"])]
    for child in node.get("children") or []:
        out += levels(child, depth + 1)
    return out


def nodes(node, level):
    found = [node] if node["level"] == level else []
    for child in node.get("children") or []:
        found += nodes(child, level)
    return found


@tagged("post_install", "-at_install")
class TestEdiAsnIn(SupplyCase):
    def asn(self, purchase, widget_split=(6, 4), lotted=5, lot="LOT-1", shipment="SHP-1"):
        first, second = sscc_of(101, "0088888"), sscc_of(102, "0088888")
        pack_two_items = [
            {
                "level": "I",
                "line": "1",
                "product_ids": {"VN": "INT-WIDGET"},
                "quantity": str(widget_split[1]),
                "uom": "EA",
            }
        ]
        if lotted:
            pack_two_items.append(
                {
                    "level": "I",
                    "line": "2",
                    "product_ids": {"VN": "INT-SYRUP"},
                    "quantity": str(lotted),
                    "uom": "EA",
                    "lot": lot,
                }
            )
        return {
            "purpose": "00",
            "shipment_id": shipment,
            "shipment_date": "20300105",
            "shipment_time": "1030",
            "hierarchy": [
                {
                    "level": "S",
                    "hl_id": "1",
                    "children": [
                        {
                            "level": "O",
                            "po_number": purchase.name,
                            "children": [
                                {
                                    "level": "P",
                                    "sscc": first,
                                    "children": [
                                        {
                                            "level": "I",
                                            "line": "1",
                                            "product_ids": {"EN": "1234567890128"},
                                            "quantity": str(widget_split[0]),
                                            "uom": "EA",
                                        }
                                    ],
                                },
                                {"level": "P", "sscc": second, "children": pack_two_items},
                            ],
                        }
                    ],
                }
            ],
        }, (first, second)

    def test_an_856_sets_the_receipt_by_sscc_and_lot(self):
        purchase = self.purchase([(self.widget, 10, 5.0), (self.lotted, 5, 2.0)])
        typed, (first, second) = self.asn(purchase)
        pickings = self.env["trading.partner.asn"]._apply(self.supplier_backend, typed)
        self.assertEqual(pickings, purchase.picking_ids)
        self.assertEqual(pickings.edi_asn_reference, "SHP-1")
        widget_lines = pickings.move_line_ids.filtered(lambda l: l.product_id == self.widget).sorted(
            "quantity"
        )
        self.assertEqual(widget_lines.mapped("quantity"), [4, 6])
        self.assertEqual(widget_lines.mapped("result_package_id.name"), [second, first])
        syrup = pickings.move_line_ids.filtered(lambda l: l.product_id == self.lotted)
        self.assertEqual((syrup.quantity, syrup.lot_name, syrup.result_package_id.name), (5, "LOT-1", second))
        # the same notice again changes nothing
        self.env["trading.partner.asn"]._apply(self.supplier_backend, typed)
        self.assertEqual(len(pickings.move_line_ids), 3)
        # the warehouse receives by scanning the cartons: the goods sit in packages named by SSCC
        pickings.move_ids.picked = True
        pickings.button_validate()
        self.assertEqual(pickings.state, "done")
        quants = self.env["stock.quant"].search([("package_id.name", "in", [first, second])])
        self.assertEqual(sum(quants.filtered(lambda q: q.product_id == self.widget).mapped("quantity")), 10)
        self.assertEqual(quants.filtered(lambda q: q.product_id == self.lotted).lot_id.name, "LOT-1")

    def test_shipping_more_than_ordered_names_item_and_product(self):
        purchase = self.purchase([(self.widget, 10, 5.0)])
        typed, _ssccs = self.asn(purchase, widget_split=(6, 5), lotted=0)
        with self.assertRaises(MappingError) as caught:
            self.env["trading.partner.asn"]._apply(self.supplier_backend, typed)
        message = str(caught.exception)
        self.assertIn("item 1", message)
        self.assertIn("Widget", message)
        self.assertIn("11", message)

    def test_an_856_of_an_unknown_order_is_a_mapping_error(self):
        purchase = self.purchase([(self.widget, 10, 5.0)])
        typed, _ssccs = self.asn(purchase, lotted=0)
        typed["hierarchy"][0]["children"][0]["po_number"] = "P99999"
        with self.assertRaises(MappingError):
            self.env["trading.partner.asn"]._apply(self.supplier_backend, typed)


@tagged("post_install", "-at_install")
class TestEdiAsnOut(SupplyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.retailer.write({"street": "1 Retail Way", "city": "Springfield", "zip": "62701"})

    def delivered(self, split=(6, 4)):
        self.stock(self.widget)
        sale = self.sale([(self.widget, 10, 12.5)], po_number="PO-5501")
        return self.deliver_in_packages(sale, split)

    def outbound(self, picking, pattern):
        self.customer_backend.edi_hl_pattern = pattern
        return self.env["trading.partner.asn"]._outbound_document(self.customer_backend, picking)

    def assert_valid_ssccs(self, typed):
        ssccs = [n["sscc"] for level in ("T", "P") for n in nodes(typed["hierarchy"][0], level)]
        for code in ssccs:
            self.assertEqual(sscc_lib.validate_sscc(code), code)
            self.assertTrue(code.startswith("00614141"), "extension digit 0, the company's prefix")
        self.assertEqual(len(set(ssccs)), len(ssccs))
        return ssccs

    def test_s_o_p_i_one_pack_per_package(self):
        picking = self.delivered()
        typed = self.outbound(picking, "S-O-P-I")
        root = typed["hierarchy"][0]
        self.assertEqual(
            [lv for _d, lv in levels(root)], ["S", "O", "P", "I", "P", "I"], "one pack per package"
        )
        order = nodes(root, "O")[0]
        self.assertEqual(order["po_number"], "PO-5501")
        self.assertEqual(root["ship_to"]["name"], "Retail Co")
        self.assertEqual(root["ship_to"]["identifiers"], {"UL": "5012345678900"})
        self.assertEqual(root["ship_to"]["address"]["street"], ["1 Retail Way"], "N3 street lines")
        self.assertEqual(root["ship_to"]["address"]["postal_code"], "62701")
        items = nodes(root, "I")
        self.assertEqual([i["quantity"] for i in items], ["6", "4"])
        self.assertEqual(items[0]["product_ids"]["EN"], "1234567890128")
        self.assertEqual(items[0]["product_ids"]["VN"], "INT-WIDGET")
        ssccs = self.assert_valid_ssccs(typed)
        self.assertEqual(len(ssccs), 2)
        # the builder takes it, and the reader gives the same pattern and addresses back
        transaction = documents.build("856", typed, "X12", "004010")
        read_back = documents.read(transaction, "X12")
        self.assertEqual(read_back["pattern"], "S-O-P-I")
        self.assertEqual(read_back["hierarchy"][0]["ship_to"]["address"]["street"], ["1 Retail Way"])
        # sent again (a retried job): the same SSCCs, none allocated
        again = self.outbound(picking, "S-O-P-I")
        self.assertEqual(self.assert_valid_ssccs(again), ssccs)
        self.assertEqual(len(picking.edi_sscc_ids), 2)

    def test_s_o_t_p_i_a_pallet_of_packs(self):
        picking = self.delivered()
        typed = self.outbound(picking, "S-O-T-P-I")
        self.assertEqual(
            [lv for _d, lv in levels(typed["hierarchy"][0])], ["S", "O", "T", "P", "I", "P", "I"]
        )
        self.assertEqual(len(self.assert_valid_ssccs(typed)), 3)
        transaction = documents.build("856", typed, "X12", "004010")
        self.assertEqual(documents.read(transaction, "X12")["pattern"], "S-O-T-P-I")

    def test_s_t_o_i_and_s_o_i(self):
        picking = self.delivered()
        typed = self.outbound(picking, "S-T-O-I")
        self.assertEqual(
            [lv for _d, lv in levels(typed["hierarchy"][0])], ["S", "T", "O", "I", "T", "O", "I"]
        )
        self.assertEqual(len(self.assert_valid_ssccs(typed)), 2)
        documents.build("856", typed, "X12", "004010")
        unpacked = self.outbound(picking, "S-O-I")
        self.assertEqual([lv for _d, lv in levels(unpacked["hierarchy"][0])], ["S", "O", "I"])
        self.assertEqual(nodes(unpacked["hierarchy"][0], "I")[0]["quantity"], "10", "one item per product")
        documents.build("856", unpacked, "X12", "004010")

    def test_an_unpacked_delivery_is_one_pack(self):
        picking = self.delivered(split=())
        typed = self.outbound(picking, "S-O-P-I")
        self.assertEqual([lv for _d, lv in levels(typed["hierarchy"][0])], ["S", "O", "P", "I"])
        self.assertEqual(nodes(typed["hierarchy"][0], "I")[0]["quantity"], "10")
        self.assert_valid_ssccs(typed)

    def test_carton_labels(self):
        picking = self.delivered()
        typed = self.outbound(picking, "S-O-P-I")
        ssccs = self.assert_valid_ssccs(typed)
        html = self.env["ir.actions.report"]._render_qweb_html("channel_edi.report_sscc_labels", picking.ids)[
            0
        ]
        html = html.decode()
        self.assertEqual(html.count("o_sscc_label"), 2, "one label per SSCC")
        for code in ssccs:
            self.assertIn(grouped_sscc(code, "0614141"), html)
        self.assertIn("(00) 0 0614141 ", html)
        self.assertIn("PO-5501", html)
        self.assertIn("Retail Co", html)
        self.assertIn("data:image/png;base64,", html)
        # GS1-128: Code 128 starting with FNC1 (reportlab encodes \xf1 as FNC1, code 102)
        value = gs1_128_value([("00", ssccs[0])])
        symbol = Code128(value)
        symbol.validate()
        symbol.encode()
        self.assertEqual(symbol.encoded[:2], [105, 102], "start C, then FNC1")
        png = self.env["ir.actions.report"].barcode("Code128", value)
        self.assertTrue(png.startswith(b"\x89PNG"))
