"""Canonical shipment.v2 applied to deliveries: several confirmations per
order, shorts (backorder, cancel, mixed, final), lots and serials, packages,
carrier, duplicates, substitutions and over-shipments, and Odoo 17's
validation wizards refused."""

import json
from unittest import SkipTest
from unittest.mock import patch

from odoo.tests import tagged

from ..lib.exceptions import BusinessRuleError, MappingError
from .common import IntegrationCase


@tagged("post_install", "-at_install")
class TestShipmentV2(IntegrationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Product = cls.env["product.product"]
        cls.lotted = Product.create(
            {"name": "Lotted", "default_code": "INT-LOTTED", "type": "product", "tracking": "lot"}
        )
        cls.serial = Product.create(
            {"name": "Serial", "default_code": "INT-SERIAL", "type": "product", "tracking": "serial"}
        )
        cls.stock = cls.warehouse.lot_stock_id
        Quant = cls.env["stock.quant"]
        for product in (cls.widget, cls.gadget):
            Quant._update_available_quantity(product, cls.stock, 100)
        Lot = cls.env["stock.lot"]
        cls.lots = {}
        for name in ("LOT-A", "LOT-B"):
            cls.lots[name] = Lot.create(
                {"name": name, "product_id": cls.lotted.id, "company_id": cls.company.id}
            )
            Quant._update_available_quantity(cls.lotted, cls.stock, 50, lot_id=cls.lots[name])
        for number in range(1, 5):
            lot = Lot.create(
                {"name": f"SN-{number}", "product_id": cls.serial.id, "company_id": cls.company.id}
            )
            cls.lots[lot.name] = lot
            Quant._update_available_quantity(cls.serial, cls.stock, 1, lot_id=lot)
        cls.partner = cls.env["res.partner"].create({"name": "Grace Hopper"})
        cls.importer = cls.env["integration.shipment.importer"]

    # --- helpers ----------------------------------------------------------------------

    def order(self, quantities):
        """A confirmed sales order of {product: quantity}; its delivery is reserved."""
        order = self.env["sale.order"].create(
            {
                "partner_id": self.partner.id,
                "warehouse_id": self.warehouse.id,
                "order_line": [
                    (0, 0, {"product_id": product.id, "product_uom_qty": quantity})
                    for product, quantity in quantities.items()
                ],
            }
        )
        order.action_confirm()
        picking = order.picking_ids
        self.assertEqual(len(picking), 1)
        self.assertEqual(picking.state, "assigned")
        return order, picking

    def move(self, picking, product):
        return picking.move_ids.filtered(lambda m: m.product_id == product)

    def shipment(self, external_id, picking, lines, **more):
        payload = {
            "schema_version": 2,
            "external_id": external_id,
            "picking_ref": picking.name,
            "shipped_at": "2026-11-28T15:00:00Z",
            "lines": lines,
        }
        payload.update(more)
        return payload

    def line(self, picking, product, shipped, ordered=None, **more):
        move = self.move(picking, product)
        values = {
            "line_ref": str(move.id),
            "sku": product.default_code,
            "ordered": ordered if ordered is not None else move.product_uom_qty,
            "shipped": shipped,
        }
        values.update(more)
        return values

    def delivered(self, order, product):
        return order.order_line.filtered(lambda l: l.product_id == product).qty_delivered

    def backorder_quantities(self, picking):
        backorder = picking.backorder_ids
        return {m.product_id: m.product_uom_qty for m in backorder.move_ids if m.state != "cancel"}

    def cancelled_quantities(self, order):
        moves = order.picking_ids.move_ids.filtered(lambda m: m.state == "cancel")
        return {m.product_id: m.product_uom_qty for m in moves}

    def bound(self, external_id):
        return self.env["integration.binding"]._get_record(self.backend, "stock.picking", external_id)

    # --- several confirmations per order ----------------------------------------------

    def test_two_confirmations_for_one_order(self):
        order, picking = self.order({self.widget: 4, self.gadget: 2})
        first = self.importer._import_shipment(
            self.backend,
            self.shipment(
                "SHP-1",
                picking,
                [
                    self.line(picking, self.widget, 3, status="backorder"),
                    self.line(picking, self.gadget, 0, status="backorder"),
                ],
            ),
        )
        self.assertEqual(first, picking)
        self.assertEqual(picking.state, "done")
        self.assertEqual(self.backorder_quantities(picking), {self.widget: 1, self.gadget: 2})
        backorder = picking.backorder_ids
        # the warehouse names the delivery it was released (done now) and the
        # lines it was released with (moves that are done now): the backorder takes it
        lines = [
            {
                "line_ref": str(self.move(picking, self.widget).id),
                "sku": "INT-WIDGET",
                "ordered": 4,
                "shipped": 1,
            },
            {
                "line_ref": str(self.move(picking, self.gadget).id),
                "sku": "INT-GADGET",
                "ordered": 2,
                "shipped": 2,
            },
        ]
        second = self.importer._import_shipment(
            self.backend, self.shipment("SHP-2", picking, lines, final=True)
        )
        self.assertEqual(second, backorder)
        self.assertEqual(backorder.state, "done")
        self.assertFalse(backorder.backorder_ids)
        self.assertEqual((self.delivered(order, self.widget), self.delivered(order, self.gadget)), (4, 2))
        self.assertEqual((self.bound("SHP-1"), self.bound("SHP-2")), (picking, backorder))

    def test_out_of_order_and_shipment_for_a_done_delivery(self):
        order, picking = self.order({self.widget: 4})
        ref = str(self.move(picking, self.widget).id)
        # the warehouse's second shipment comes first: it is applied to what is open
        self.importer._import_shipment(
            self.backend,
            self.shipment(
                "SHP-B", picking, [{"line_ref": ref, "sku": "INT-WIDGET", "ordered": 4, "shipped": 1}]
            ),
        )
        backorder = picking.backorder_ids
        self.assertEqual(self.backorder_quantities(picking), {self.widget: 3})
        applied = self.importer._import_shipment(
            self.backend,
            self.shipment(
                "SHP-A", picking, [{"line_ref": ref, "sku": "INT-WIDGET", "ordered": 4, "shipped": 3}]
            ),
        )
        self.assertEqual(applied, backorder)
        self.assertEqual(self.delivered(order, self.widget), 4)
        # a third shipment for the same order finds nothing open: a clear error, nothing written
        with self.assertRaisesRegex(BusinessRuleError, "nothing of .* is open any more") as caught:
            self.importer._import_shipment(
                self.backend,
                self.shipment("SHP-C", picking, [{"line_ref": ref, "sku": "INT-WIDGET", "shipped": 1}]),
            )
        self.assertEqual(caught.exception.code, "shipment.nothing_open")
        self.assertFalse(self.bound("SHP-C"))
        # by order reference, too
        with self.assertRaisesRegex(BusinessRuleError, "nothing of"):
            self.importer._import_shipment(
                self.backend,
                {
                    "schema_version": 2,
                    "external_id": "SHP-D",
                    "order_ref": order.name,
                    "lines": [{"sku": "INT-WIDGET", "shipped": 1}],
                },
            )

    def test_same_shipment_twice_is_applied_once(self):
        order, picking = self.order({self.widget: 4})
        payload = self.shipment("SHP-DUP", picking, [self.line(picking, self.widget, 2)])
        self.assertEqual(self.importer._import_shipment(self.backend, payload), picking)
        backorder = picking.backorder_ids
        again = self.importer._import_shipment(self.backend, payload)
        self.assertEqual(again, picking)
        self.assertEqual(backorder.state, "assigned")
        self.assertEqual(self.delivered(order, self.widget), 2)
        self.assertEqual(
            self.env["integration.binding"].search_count(
                [("backend_id", "=", self.backend.id), ("external_id", "=", "SHP-DUP")]
            ),
            1,
        )

    # --- shorts -----------------------------------------------------------------------

    def test_short_follows_the_default_policy_backorder(self):
        self.assertEqual(self.backend._shipment_short_policy(), "backorder")
        order, picking = self.order({self.widget: 4, self.gadget: 2})
        self.importer._import_shipment(
            self.backend,
            self.shipment(
                "SHP-S1", picking, [self.line(picking, self.widget, 3), self.line(picking, self.gadget, 2)]
            ),
        )
        self.assertEqual(picking.state, "done")
        self.assertEqual(self.backorder_quantities(picking), {self.widget: 1})
        self.assertEqual(self.delivered(order, self.widget), 3)

    def test_short_with_policy_cancel_cancels_the_rest(self):
        order, picking = self.order({self.widget: 4, self.gadget: 2})
        self.importer._import_shipment(
            self.backend,
            self.shipment(
                "SHP-S2", picking, [self.line(picking, self.widget, 3), self.line(picking, self.gadget, 0)]
            ),
            short_policy="cancel",
        )
        self.assertEqual(picking.state, "done")
        self.assertFalse(picking.backorder_ids)
        self.assertEqual(self.cancelled_quantities(order), {self.widget: 1, self.gadget: 2})
        self.assertEqual(self.delivered(order, self.widget), 3)
        self.assertIn("Not shipped, cancelled", picking.message_ids[0].body)

    def test_short_policy_from_the_channel_hook(self):
        Backend = type(self.backend)
        with patch.object(Backend, "_generic_shipment_short_policy", lambda _b: "cancel", create=True):
            self.assertEqual(self.backend._shipment_short_policy(), "cancel")
            order, picking = self.order({self.widget: 4})
            self.importer._import_shipment(
                self.backend, self.shipment("SHP-S3", picking, [self.line(picking, self.widget, 1)])
            )
        self.assertFalse(picking.backorder_ids)
        self.assertEqual(self.cancelled_quantities(order), {self.widget: 3})
        # a line's own status wins over the policy
        order, picking = self.order({self.widget: 4})
        self.importer._import_shipment(
            self.backend,
            self.shipment("SHP-S4", picking, [self.line(picking, self.widget, 1, status="backorder")]),
            short_policy="cancel",
        )
        self.assertEqual(self.backorder_quantities(picking), {self.widget: 3})

    def test_mixed_line_statuses_in_one_shipment(self):
        order, picking = self.order({self.widget: 4, self.gadget: 2, self.lotted: 5})
        self.importer._import_shipment(
            self.backend,
            self.shipment(
                "SHP-MIX",
                picking,
                [
                    self.line(picking, self.widget, 3, status="cancelled"),
                    self.line(picking, self.gadget, 1, status="backorder"),
                    self.line(picking, self.lotted, 0, status="cancelled"),
                ],
            ),
        )
        self.assertEqual(picking.state, "done")
        self.assertEqual(self.backorder_quantities(picking), {self.gadget: 1})
        self.assertEqual(self.cancelled_quantities(order), {self.widget: 1, self.lotted: 5})
        self.assertEqual(self.delivered(order, self.widget), 3)

    def test_final_shipment_cancels_every_rest(self):
        order, picking = self.order({self.widget: 4, self.gadget: 2})
        self.importer._import_shipment(
            self.backend,
            self.shipment(
                "SHP-FIN", picking, [self.line(picking, self.widget, 1, status="backorder")], final=True
            ),
        )
        self.assertEqual(picking.state, "done")
        self.assertFalse(picking.backorder_ids)
        self.assertEqual(self.cancelled_quantities(order), {self.widget: 3, self.gadget: 2})

    def test_a_line_not_mentioned_waits_for_the_next_shipment(self):
        order, picking = self.order({self.widget: 4, self.gadget: 2})
        self.importer._import_shipment(
            self.backend,
            self.shipment("SHP-SPLIT", picking, [self.line(picking, self.widget, 4)]),
            short_policy="cancel",
        )
        self.assertEqual(self.backorder_quantities(picking), {self.gadget: 2})

    def test_nothing_shipped_and_everything_cancelled(self):
        order, picking = self.order({self.widget: 4, self.gadget: 2})
        applied = self.importer._import_shipment(
            self.backend,
            self.shipment(
                "SHP-NONE",
                picking,
                [
                    self.line(picking, self.widget, 0, status="cancelled"),
                    self.line(picking, self.gadget, 0, status="cancelled"),
                ],
            ),
        )
        self.assertEqual(applied, picking)
        self.assertEqual(picking.state, "cancel")
        self.assertEqual(self.bound("SHP-NONE"), picking)

    def test_nothing_shipped_and_the_rest_to_follow_keeps_the_reservation(self):
        _order, picking = self.order({self.widget: 4})
        reserved = [(ml.product_id, ml.quantity) for ml in picking.move_line_ids]
        applied = self.importer._import_shipment(
            self.backend,
            self.shipment("SHP-LATER", picking, [self.line(picking, self.widget, 0, status="backorder")]),
        )
        self.assertEqual(applied, picking)
        self.assertEqual(picking.state, "assigned")
        self.assertEqual([(ml.product_id, ml.quantity) for ml in picking.move_line_ids], reserved)
        self.assertEqual(self.bound("SHP-LATER"), picking)

    def test_quantities_in_another_unit(self):
        order, picking = self.order({self.widget: 24})
        self.importer._import_shipment(
            self.backend,
            self.shipment("SHP-DZ", picking, [self.line(picking, self.widget, 1, ordered=2, uom="Dozens")]),
        )
        self.assertEqual(self.delivered(order, self.widget), 12)
        self.assertEqual(self.backorder_quantities(picking), {self.widget: 12})
        _order, picking = self.order({self.widget: 2})
        with self.assertRaisesRegex(MappingError, r"lines\[0\] .*unit kg is not a unit of Unit"):
            self.importer._import_shipment(
                self.backend, self.shipment("SHP-KG", picking, [self.line(picking, self.widget, 1, uom="kg")])
            )

    # --- lines, lots, serials ---------------------------------------------------------

    def test_unknown_line_names_the_line(self):
        _order, picking = self.order({self.widget: 2})
        with self.assertRaisesRegex(
            MappingError, r"lines\[1\] \(SKU INT-GADGET\): delivery .* has no open line"
        ):
            self.importer._import_shipment(
                self.backend,
                self.shipment(
                    "SHP-U",
                    picking,
                    [self.line(picking, self.widget, 2), {"sku": "INT-GADGET", "shipped": 1}],
                ),
            )
        with self.assertRaisesRegex(
            MappingError, r"line_ref .* is a line of .*Widget.*, not of SKU INT-GADGET"
        ):
            self.importer._import_shipment(
                self.backend,
                self.shipment(
                    "SHP-U2",
                    picking,
                    [
                        {
                            "line_ref": str(self.move(picking, self.widget).id),
                            "sku": "INT-GADGET",
                            "shipped": 1,
                        }
                    ],
                ),
            )
        self.assertEqual(picking.state, "assigned")

    def test_lot_that_does_not_exist_writes_nothing(self):
        _order, picking = self.order({self.lotted: 5, self.widget: 1})
        reserved = [(ml.product_id, ml.lot_id, ml.quantity) for ml in picking.move_line_ids]
        payload = self.shipment(
            "SHP-LOT",
            picking,
            [
                self.line(picking, self.widget, 1),
                self.line(
                    picking,
                    self.lotted,
                    5,
                    lots=[{"name": "LOT-A", "quantity": 3}, {"name": "LOT-NOPE", "quantity": 2}],
                ),
            ],
            packages=[{"sscc": "000000000000000123", "tracking_number": "1ZNOPE"}],
        )
        with self.assertRaisesRegex(
            MappingError, r"lines\[1\] \(SKU INT-LOTTED.*lot/serial LOT-NOPE of SKU INT-LOTTED does not exist"
        ) as caught:
            self.importer._import_shipment(self.backend, payload)
        self.assertEqual(caught.exception.code, "shipment.lot_unknown")
        self.assertEqual(picking.state, "assigned")
        self.assertFalse(picking.carrier_tracking_ref)
        self.assertEqual([(ml.product_id, ml.lot_id, ml.quantity) for ml in picking.move_line_ids], reserved)
        self.assertFalse(self.env["stock.quant.package"].search([("name", "=", "000000000000000123")]))
        self.assertFalse(self.env["stock.lot"].search([("name", "=", "LOT-NOPE")]))
        self.assertFalse(self.bound("SHP-LOT"))

    def test_tracked_product_without_lot_is_refused(self):
        _order, picking = self.order({self.lotted: 2})
        with self.assertRaisesRegex(
            MappingError, r"tracked by lot in Odoo, but the shipment gives none for 2"
        ):
            self.importer._import_shipment(
                self.backend, self.shipment("SHP-NOLOT", picking, [self.line(picking, self.lotted, 2)])
            )

    def test_lots_and_serials_applied(self):
        order, picking = self.order({self.lotted: 5, self.serial: 3})
        self.importer._import_shipment(
            self.backend,
            self.shipment(
                "SHP-TRACK",
                picking,
                [
                    self.line(
                        picking,
                        self.lotted,
                        5,
                        lots=[
                            {"name": "LOT-B", "quantity": 2},
                            {"name": "LOT-A", "quantity": 3, "expiry": "2030-01-01"},
                        ],
                    ),
                    self.line(picking, self.serial, 2, serials=["SN-4", "SN-2"], status="cancelled"),
                ],
            ),
        )
        self.assertEqual(picking.state, "done")
        done = {
            (ml.product_id.default_code, ml.lot_id.name): ml.quantity
            for ml in picking.move_line_ids
            if ml.state == "done"
        }
        self.assertEqual(
            done,
            {
                ("INT-LOTTED", "LOT-A"): 3,
                ("INT-LOTTED", "LOT-B"): 2,
                ("INT-SERIAL", "SN-2"): 1,
                ("INT-SERIAL", "SN-4"): 1,
            },
        )
        customer = picking.location_dest_id
        self.assertEqual(self.lots["SN-4"].quant_ids.filtered(lambda q: q.quantity > 0).location_id, customer)
        self.assertEqual(self.cancelled_quantities(order), {self.serial: 1})
        with self.assertRaisesRegex(MappingError, "serial SN-9 of SKU INT-SERIAL does not exist"):
            _order, other = self.order({self.serial: 1})
            self.importer._import_shipment(
                self.backend,
                self.shipment("SHP-SN9", other, [self.line(other, self.serial, 1, serials=["SN-9"])]),
            )

    # --- packages, tracking, carrier --------------------------------------------------

    def test_packages_with_sscc_and_tracking_set_before_validation(self):
        order, picking = self.order({self.widget: 3, self.lotted: 4})
        existing = self.env["stock.quant.package"].create({"name": "000000000000000017"})
        Picking = type(picking)
        original = Picking.button_validate
        seen = []

        def spy(records):
            seen.append(records.carrier_tracking_ref)
            return original(records)

        payload = self.shipment(
            "SHP-PACK",
            picking,
            [
                self.line(picking, self.widget, 3),
                self.line(picking, self.lotted, 4, lots=[{"name": "LOT-A", "quantity": 4}]),
            ],
            packages=[
                {
                    "sscc": "000000000000000017",
                    "tracking_number": "1Z001",
                    "weight": 2.5,
                    "lines": [
                        {"sku": "INT-WIDGET", "quantity": 2},
                        {"sku": "INT-LOTTED", "quantity": 1, "lot": "LOT-A"},
                    ],
                },
                {
                    "lpn": "LPN-0002",
                    "tracking_number": "1Z002",
                    "lines": [{"sku": "INT-WIDGET", "quantity": 1}, {"sku": "INT-LOTTED", "quantity": 3}],
                },
            ],
            bol="BOL-778",
        )
        Dispatcher = type(self.env["integration.odoo.event"])
        dispatch = Dispatcher._dispatch
        dispatched = []

        def listen(dispatcher, odoo_event, records):
            if odoo_event == "picking.done" and records:
                dispatched.append((records, records.carrier_tracking_ref))
            return dispatch(dispatcher, odoo_event, records)

        with patch.object(Picking, "button_validate", spy), patch.object(Dispatcher, "_dispatch", listen):
            self.importer._import_shipment(self.backend, payload)
        self.assertEqual(seen, ["1Z001, 1Z002"])
        # the sales channels hear of the delivery done with its tracking (core's Odoo-event dispatch)
        self.assertEqual(dispatched, [(picking, "1Z001, 1Z002")])
        self.assertEqual(picking.state, "done")
        self.assertEqual(picking.carrier_tracking_ref, "1Z001, 1Z002")
        contents = {
            (ml.result_package_id.name, ml.product_id.default_code, ml.lot_id.name or None): ml.quantity
            for ml in picking.move_line_ids
        }
        self.assertEqual(
            contents,
            {
                ("000000000000000017", "INT-WIDGET", None): 2,
                ("000000000000000017", "INT-LOTTED", "LOT-A"): 1,
                ("LPN-0002", "INT-WIDGET", None): 1,
                ("LPN-0002", "INT-LOTTED", "LOT-A"): 3,
            },
        )
        self.assertEqual(
            picking.move_line_ids.result_package_id.filtered(lambda p: p.name == existing.name), existing
        )
        self.assertEqual(existing.shipping_weight, 2.5)
        body = picking.message_ids[0].body
        self.assertIn("BOL-778", body)
        self.assertIn("LPN-0002", body)

    def test_package_holding_stock_elsewhere_is_refused(self):
        pallet = self.env["stock.quant.package"].create({"name": "LPN-IN-STOCK"})
        self.env["stock.quant"]._update_available_quantity(self.gadget, self.stock, 5, package_id=pallet)
        _order, picking = self.order({self.widget: 1})
        with self.assertRaisesRegex(
            BusinessRuleError, "package LPN-IN-STOCK already exists in Odoo and holds stock"
        ):
            self.importer._import_shipment(
                self.backend,
                self.shipment(
                    "SHP-PAL",
                    picking,
                    [self.line(picking, self.widget, 1)],
                    packages=[{"lpn": "LPN-IN-STOCK"}],
                ),
            )
        self.assertEqual(picking.state, "assigned")
        self.assertTrue(picking.move_line_ids)

    def test_carrier_linked_and_its_api_never_called(self):
        carrier_product = self.env["product.product"].create({"name": "UPS Ground (test)", "type": "service"})
        carrier = self.env["delivery.carrier"].create(
            {
                "name": "UPS Ground",
                "delivery_type": "fixed",
                "integration_level": "rate_and_ship",
                "product_id": carrier_product.id,
            }
        )
        self.warehouse.out_type_id.print_label = True
        order, picking = self.order({self.widget: 2})
        Carrier = type(carrier)
        with patch.object(Carrier, "fixed_send_shipping", side_effect=AssertionError("label bought")) as send:
            self.importer._import_shipment(
                self.backend,
                self.shipment(
                    "SHP-CAR",
                    picking,
                    [self.line(picking, self.widget, 2)],
                    carrier={"name": "UPS", "service": "Ground", "scac": "UPSN", "code": "UPS-GND"},
                ),
            )
        send.assert_not_called()
        self.assertEqual(picking.state, "done")
        self.assertEqual(picking.carrier_id, carrier)
        self.assertFalse(picking.carrier_tracking_ref)
        self.assertEqual(len(order.order_line), 1, "no delivery cost added to the order")
        bodies = " ".join(picking.message_ids.mapped("body"))
        self.assertIn("SCAC UPSN", bodies)
        self.assertIn("no shipment was requested from UPS Ground", bodies)

    # --- refused: substitutions, over-shipments, wizards ------------------------------

    def test_substitution_and_over_shipment_refused_then_fixed_and_replayed(self):
        order, picking = self.order({self.widget: 4, self.gadget: 2})
        with self.assertRaisesRegex(
            BusinessRuleError,
            r"lines\[0\] \(SKU INT-WIDGET, line_ref \d+\): .*substituted INT-GADGET for INT-WIDGET \(4 shipped, 4 ordered\)",
        ):
            self.importer._import_shipment(
                self.backend,
                self.shipment(
                    "SHP-SUB", picking, [self.line(picking, self.widget, 4, substitute_sku="INT-GADGET")]
                ),
            )
        with self.assertRaisesRegex(
            BusinessRuleError,
            r"lines\[0\] \(SKU INT-GADGET.*: 3 Units shipped \(2 ordered\) but only 2 Units open",
        ):
            self.importer._import_shipment(
                self.backend, self.shipment("SHP-OVER", picking, [self.line(picking, self.gadget, 3)])
            )
        with self.assertRaisesRegex(BusinessRuleError, "over-shipment"):
            self.importer._import_shipment(
                self.backend,
                self.shipment("SHP-OVER2", picking, [self.line(picking, self.gadget, 2, status="over")]),
            )
        self.assertEqual(picking.state, "assigned")
        # through an event: it fails; a user fixes the canonical payload and replays
        payload = self.shipment(
            "SHP-SUB2",
            picking,
            [self.line(picking, self.widget, 4, status="substituted", substitute_sku="INT-GADGET")],
        )
        event, _created = self.receive(payload, topic="shipment.import")
        self.process(event)
        self.assertEqual(event.state, "failed")
        self.assertEqual(event.error_category, "business")
        self.assertIn("substituted INT-GADGET", event.error_message)
        data = json.loads(event.payload_canonical)
        data["lines"][0].update(status="complete", substitute_sku=None)
        event.payload_canonical = json.dumps(data)
        event.action_replay()
        self.run_jobs()
        event.invalidate_recordset()
        self.assertEqual(event.state, "done", event.error_message)
        self.assertEqual(picking.state, "done")
        self.assertEqual(self.delivered(order, self.widget), 4)

    def test_a_wizard_instead_of_validation_is_refused_and_nothing_stays(self):
        _order, picking = self.order({self.widget: 2, self.lotted: 2})
        reserved = [(ml.product_id, ml.lot_id, ml.quantity) for ml in picking.move_line_ids]
        wizard = {
            "type": "ir.actions.act_window",
            "res_model": "test.confirm.something",
            "name": "Are you sure?",
            "target": "new",
        }
        Picking = type(picking)
        payload = self.shipment(
            "SHP-WIZ",
            picking,
            [
                self.line(picking, self.widget, 1, status="cancelled"),
                self.line(picking, self.lotted, 2, lots=[{"name": "LOT-B", "quantity": 2}]),
            ],
            packages=[{"sscc": "000000000000000999", "tracking_number": "1ZWIZ"}],
        )
        with patch.object(Picking, "_pre_action_done_hook", lambda _records: wizard):
            with self.assertRaisesRegex(
                BusinessRuleError, "test.confirm.something dialog \\(Are you sure\\?\\)"
            ) as caught:
                self.importer._import_shipment(self.backend, payload)
        self.assertEqual(caught.exception.code, "shipment.wizard")
        picking.invalidate_recordset()
        self.assertEqual(picking.state, "assigned")
        self.assertFalse(picking.carrier_tracking_ref)
        self.assertFalse(picking.move_ids.filtered(lambda m: m.state == "cancel"))
        self.assertEqual([(ml.product_id, ml.lot_id, ml.quantity) for ml in picking.move_line_ids], reserved)
        self.assertFalse(self.env["stock.quant.package"].search([("name", "=", "000000000000000999")]))
        self.assertFalse(self.bound("SHP-WIZ"))
        # without the wizard, the same shipment goes through
        self.importer._import_shipment(self.backend, payload)
        self.assertEqual(picking.state, "done")

    def test_expired_lot_wizard_is_refused(self):
        if "expiration_date" not in self.env["stock.lot"]._fields:
            raise SkipTest("product_expiry is not installed: its expired-lot wizard cannot appear")
        self.lotted.use_expiration_date = True
        self.lots["LOT-A"].expiration_date = "2020-01-01 00:00:00"
        _order, picking = self.order({self.lotted: 1})
        with self.assertRaisesRegex(BusinessRuleError, "expiry.picking.confirmation"):
            self.importer._import_shipment(
                self.backend,
                self.shipment(
                    "SHP-EXP",
                    picking,
                    [self.line(picking, self.lotted, 1, lots=[{"name": "LOT-A", "quantity": 1}])],
                ),
            )
        self.assertEqual(picking.state, "assigned")

    def test_through_an_event(self):
        _order, picking = self.order({self.widget: 2})
        event, _created = self.receive(
            self.shipment("SHP-EV", picking, [self.line(picking, self.widget, 2)]), topic="shipment.import"
        )
        self.process(event)
        self.assertEqual(event.state, "done", event.error_message)
        self.assertEqual(event.res_model, "stock.picking")
        self.assertEqual(picking.state, "done")
