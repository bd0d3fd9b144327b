"""A 3PL over X12 4010, end to end against the sandbox warehouse's X12
face: 940 out and 997/945 back, 943 out and 944 back (damage, returns),
through channel_edi's importer, validation and acknowledgements."""

from odoo.tests import tagged

from .common import TplCase, sandbox_module


@tagged("post_install", "-at_install")
class TestTplX12(TplCase):
    def setUp(self):
        super().setUp()
        tpl = sandbox_module()
        from sandbox.peer import ManualClock

        self.clock = ManualClock()
        self.sandbox = tpl.TplSandbox(
            clock=self.clock,
            wait=self.clock.wait,
            pick_delay=30,
            ship_delay=30,
            backorder_delay=30,
            receive_delay=30,
            return_delay=30,
        )
        self.face = self.sandbox.attach_x12()
        for product in (self.widget, self.gadget):
            self.sandbox.warehouse.stock(product.default_code, 100, name=product.name)
        self.sandbox.warehouse.stock(self.lotted.default_code, 50, lot="LOT-A", expiry="2027-01-31")

    # -- helpers ----------------------------------------------------------------------

    def sent_files(self, set_type):
        rows = self.env["trading.partner.document"].search(
            [("backend_id", "=", self.tpl_x12.id), ("direction", "=", "out"), ("set_type", "=", set_type)],
            order="id",
        )
        return [
            self.env["ir.attachment"].search([("res_model", "=", row._name), ("res_id", "=", row.id)]).raw
            for row in rows
        ]

    def to_warehouse(self, set_type):
        """Hand our files of ``set_type`` to the sandbox warehouse."""
        for data in self.sent_files(set_type):
            record = self.face.receive(data, f"{set_type}.x12")
            self.assertFalse(record["errors"], record)

    def from_warehouse(self, seconds=70):
        """Let the warehouse work; its files come in through channel_edi."""
        self.sandbox.advance(seconds)
        files, self.face.sent[:] = list(self.face.sent), []
        Transport = self.env["trading.partner.transport"]
        events = self.env["integration.event"]
        for name, data in files:
            event, _created = Transport._receive_file(self.tpl_x12, data, name)
            events |= event
        self.run_jobs()
        return events

    def trail(self):
        events = self.env["integration.event"].search([("backend_id", "=", self.tpl_x12.id)], order="id")
        return [(e.topic, e.state, e.error_message) for e in events]

    def release(self, picking):
        picking.action_tpl_release_now()
        self.run_jobs()
        picking.invalidate_recordset()
        self.assertEqual(picking.tpl_state, "released", self.trail())
        self.to_warehouse("940")
        return picking

    # -- orders -----------------------------------------------------------------------

    def test_a_940_out_and_the_945_back_ship_the_delivery(self):
        picking = self.release(self.delivery(warehouse=self.x12_warehouse))
        (data,) = self.sent_files("940")
        self.assertIn(b"W05*N*" + picking.name.encode(), data)
        self.from_warehouse()
        picking.invalidate_recordset()
        self.assertEqual(picking.state, "done", self.trail())
        self.assertEqual(picking.tpl_state, "done")
        self.assertTrue(picking.carrier_tracking_ref or picking.move_line_ids.result_package_id, self.trail())
        # the 997 that came back acknowledged our 940
        acks = self.env["trading.partner.document"].search(
            [("backend_id", "=", self.tpl_x12.id), ("direction", "=", "in"), ("set_type", "=", "997")]
        )
        self.assertTrue(acks)
        # and our 997 answered the warehouse's 945
        self.assertTrue(self.events(self.tpl_x12, "ack.sent"))

    def test_a_short_945_keeps_a_backorder_then_a_second_945_ships_it(self):
        picking = self.delivery(warehouse=self.x12_warehouse)
        self.sandbox.warehouse.set_behaviour(
            picking.name, short={"sku": self.widget.default_code, "quantity": 2, "rest": "backorder"}
        )
        self.release(picking)
        self.from_warehouse()
        picking.invalidate_recordset()
        self.assertEqual(picking.state, "done", self.trail())
        backorder = picking.backorder_ids
        self.assertEqual(backorder.tpl_state, "released")
        self.assertEqual(backorder.move_ids.product_uom_qty, 2)
        self.from_warehouse(40)
        backorder.invalidate_recordset()
        self.assertEqual(backorder.state, "done", self.trail())

    def test_a_945_short_with_the_rest_cancelled(self):
        picking = self.delivery(warehouse=self.x12_warehouse)
        self.sandbox.warehouse.set_behaviour(
            picking.name, short={"sku": self.widget.default_code, "quantity": 2, "rest": "cancel"}
        )
        self.release(picking)
        self.from_warehouse()
        picking.invalidate_recordset()
        self.assertEqual(picking.state, "done", self.trail())
        self.assertFalse(picking.backorder_ids.filtered(lambda p: p.state != "cancel"))

    def test_a_lot_odoo_does_not_know_is_an_exception_to_fix_and_replay(self):
        lot = self.env["stock.lot"].create(
            {"name": "LOT-ODOO", "product_id": self.lotted.id, "company_id": self.company.id}
        )
        self.stock(self.lotted, 4, self.x12_warehouse, lot=lot)
        picking = self.delivery([(self.lotted, 4)], warehouse=self.x12_warehouse)
        self.release(picking)
        self.from_warehouse()
        confirmed = self.events(self.tpl_x12, "shipment.confirmed")
        self.assertEqual(confirmed.state, "failed", self.trail())
        self.assertIn("LOT-A", confirmed.error_message)
        picking.invalidate_recordset()
        self.assertEqual(picking.state, "assigned", "nothing half-written")
        # the user creates the lot the warehouse shipped, and replays
        self.env["stock.lot"].create(
            {"name": "LOT-A", "product_id": self.lotted.id, "company_id": self.company.id}
        )
        confirmed.action_retry()
        self.run_jobs()
        picking.invalidate_recordset()
        self.assertEqual(picking.state, "done", self.trail())
        self.assertEqual(picking.move_line_ids.lot_id.name, "LOT-A")

    def test_a_cancel_940_accepted_before_the_pick(self):
        picking = self.release(self.delivery(warehouse=self.x12_warehouse))
        picking.action_tpl_cancel()
        self.run_jobs()
        self.assertEqual(len(self.sent_files("940")), 2)
        self.assertIn(b"W05*F*", self.sent_files("940")[1])
        picking.invalidate_recordset()
        self.assertEqual(picking.tpl_state, "cancel_requested", self.trail())

    def test_the_same_945_twice_is_applied_once(self):
        picking = self.release(self.delivery(warehouse=self.x12_warehouse))
        self.sandbox.advance(70)
        files = list(self.face.sent)
        self.face.sent[:] = []
        for name, data in files + files:
            self.env["trading.partner.transport"]._receive_file(self.tpl_x12, data, name)
        self.run_jobs()
        self.assertEqual(len(self.events(self.tpl_x12, "shipment.confirmed")), 1, self.trail())
        picking.invalidate_recordset()
        self.assertEqual(picking.state, "done")

    # -- receipts and returns ------------------------------------------------------------

    def test_a_purchase_receipt_is_announced_and_received_with_damage(self):
        vendor = self.env["res.partner"].create({"name": "Widget Maker"})
        purchase = self.env["purchase.order"].create(
            {
                "partner_id": vendor.id,
                "picking_type_id": self.x12_warehouse.in_type_id.id,
                "order_line": [(0, 0, {"product_id": self.widget.id, "product_qty": 10, "price_unit": 2})],
            }
        )
        purchase.button_confirm()
        receipt = purchase.picking_ids
        self.assertEqual(receipt.tpl_backend_id, self.tpl_x12)
        self.env["tpl.outbound"]._notify_due(self.tpl_x12)
        self.run_jobs()
        receipt.invalidate_recordset()
        self.assertEqual(receipt.tpl_state, "released", self.trail())
        self.sandbox.warehouse.set_behaviour(receipt.name, damaged={self.widget.default_code: 2})
        self.to_warehouse("943")
        self.from_warehouse(70)
        receipt.invalidate_recordset()
        self.assertEqual(receipt.state, "done", self.trail())
        damaged = receipt.move_line_ids.filtered(lambda line: line.location_dest_id.name == "Damaged")
        self.assertEqual(sum(damaged.mapped("quantity")), 2)
        self.assertEqual(sum(receipt.move_line_ids.mapped("quantity")), 10)

    def test_a_return_is_announced_and_received(self):
        picking = self.release(self.delivery(warehouse=self.x12_warehouse))
        self.from_warehouse()
        picking.invalidate_recordset()
        self.assertEqual(picking.state, "done", self.trail())
        wizard = (
            self.env["stock.return.picking"]
            .with_context(active_id=picking.id, active_model="stock.picking")
            .create({})
        )
        wizard._compute_moves_locations() if hasattr(wizard, "_compute_moves_locations") else None
        for line in wizard.product_return_moves:
            line.quantity = 1 if line.product_id == self.widget else 0
        action = wizard.create_returns()
        returned = self.env["stock.picking"].browse(action["res_id"])
        self.assertEqual(returned.tpl_backend_id, self.tpl_x12)
        self.env["tpl.outbound"]._notify_due(self.tpl_x12)
        self.run_jobs()
        returned.invalidate_recordset()
        self.assertEqual(returned.tpl_state, "released", self.trail())
        self.to_warehouse("943")
        self.from_warehouse(70)
        returned.invalidate_recordset()
        self.assertEqual(returned.state, "done", self.trail())
