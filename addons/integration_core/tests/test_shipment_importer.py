from odoo.tests import tagged

from ..lib.exceptions import BusinessRuleError, MappingError
from .common import IntegrationCase, canonical_order


@tagged("post_install", "-at_install")
class TestShipmentImporter(IntegrationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        stock = cls.warehouse.lot_stock_id
        for product in (cls.widget, cls.gadget):
            cls.env["stock.quant"]._update_available_quantity(product, stock, 100)

    def setUp(self):
        super().setUp()
        self.sale = self.env["integration.order.importer"]._import_order(
            self.backend, canonical_order("8001")
        )
        self.picking = self.sale.picking_ids

    def shipment(self, external_id, lines, **overrides):
        data = {
            "schema_version": 1,
            "external_id": external_id,
            "order_ref": "8001",
            "shipped_at": "2024-05-03T09:00:00+00:00",
            "carrier": "UPS",
            "packages": [{"tracking_number": f"1Z{external_id}", "lines": lines}],
        }
        data.update(overrides)
        return data

    def test_full_shipment(self):
        self.assertEqual(len(self.picking), 1)
        importer = self.env["integration.shipment.importer"]
        picking = importer._import_shipment(
            self.backend,
            self.shipment(
                "SH-1", [{"sku": "INT-WIDGET", "quantity": 2}, {"sku": "INT-GADGET", "quantity": 1}]
            ),
        )
        self.assertEqual(picking, self.picking)
        self.assertEqual(picking.state, "done")
        self.assertEqual(picking.carrier_tracking_ref, "1ZSH-1")
        self.assertFalse(self.sale.picking_ids.filtered(lambda p: p.state not in ("done", "cancel")))
        self.assertEqual(
            self.sale.order_line.filtered(lambda l: l.product_id == self.widget).qty_delivered, 2
        )
        # the same confirmation again changes nothing
        self.assertEqual(
            importer._import_shipment(
                self.backend, self.shipment("SH-1", [{"sku": "INT-WIDGET", "quantity": 2}])
            ),
            picking,
        )

    def test_partial_shipment_leaves_a_backorder(self):
        importer = self.env["integration.shipment.importer"]
        picking = importer._import_shipment(
            self.backend, self.shipment("SH-2", [{"sku": "INT-WIDGET", "quantity": 1}])
        )
        self.assertEqual(picking.state, "done")
        backorder = self.sale.picking_ids - picking
        self.assertEqual(len(backorder), 1)
        self.assertEqual(backorder.backorder_id, picking)
        remaining = {m.product_id: m.product_uom_qty for m in backorder.move_ids}
        self.assertEqual(remaining, {self.widget: 1.0, self.gadget: 1.0})
        # the rest ships later, against the backorder
        second = importer._import_shipment(
            self.backend,
            self.shipment(
                "SH-3", [{"sku": "INT-WIDGET", "quantity": 1}, {"sku": "INT-GADGET", "quantity": 1}]
            ),
        )
        self.assertEqual(second, backorder)
        self.assertEqual(backorder.state, "done")

    def test_unknown_sku_and_overshipment(self):
        importer = self.env["integration.shipment.importer"]
        with self.assertRaisesRegex(MappingError, "NOPE"):
            importer._import_shipment(self.backend, self.shipment("SH-4", [{"sku": "NOPE", "quantity": 1}]))
        with self.assertRaisesRegex(BusinessRuleError, "more of INT-GADGET"):
            importer._import_shipment(
                self.backend, self.shipment("SH-5", [{"sku": "INT-GADGET", "quantity": 3}])
            )

    def test_through_an_event(self):
        event, _created = self.receive(
            self.shipment(
                "SH-6", [{"sku": "INT-WIDGET", "quantity": 2}, {"sku": "INT-GADGET", "quantity": 1}]
            ),
            topic="shipment.import",
        )
        self.process(event)
        self.assertEqual(event.state, "done", event.error_message)
        self.assertEqual(event.res_model, "stock.picking")
        self.assertEqual(self.picking.state, "done")
