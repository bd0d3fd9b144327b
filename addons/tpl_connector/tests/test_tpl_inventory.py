"""Inventory at a 3PL: snapshots reconciled against the quants, adjustments
by reason, approvals, idempotency, released reservations, access."""

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.integration_core.lib.exceptions import BusinessRuleError, MappingError, StaleUpdate

from .common import OURS, WAREHOUSE_ID, TplCase, TplRestCase


@tagged("post_install", "-at_install")
class TestTplInventory(TplCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tpl.tpl_tolerance_qty = 2
        cls.Inventory = cls.env["tpl.inventory"]
        cls.manager = new_test_user(
            cls.env, login="tpl_stock_manager", groups="stock.group_stock_manager", company_id=cls.company.id
        )
        cls.stock_user = new_test_user(
            cls.env, login="tpl_stock_user", groups="stock.group_stock_user", company_id=cls.company.id
        )
        cls.env["tpl.reason.map"].create(
            [
                {"backend_id": cls.tpl.id, "code": "01", "name": "Damaged", "action": "apply"},
                {"backend_id": cls.tpl.id, "code": "05", "name": "Lost", "action": "approve"},
                {"backend_id": cls.tpl.id, "code": "AA", "name": "Physical count", "action": "ignore"},
            ]
        )

    # ------------------------------------------------------------------------------

    def snapshot(self, items, external_id="SNAP-1", complete=True, as_of="2026-11-28T06:00:00Z"):
        return self.Inventory._apply_snapshot(
            None,
            {
                "schema_version": 1,
                "external_id": external_id,
                "as_of": as_of,
                "complete": complete,
                "items": [
                    {"sku": sku, "on_hand": qty, **(rest[0] if rest else {})} for sku, qty, *rest in items
                ],
            },
            backend=self.tpl,
        )

    def adjustment(self, lines, external_id="ADJ-1"):
        return self.Inventory._apply_inventory_adjustment(
            None,
            {
                "schema_version": 1,
                "external_id": external_id,
                "adjusted_at": "2026-11-28T07:00:00Z",
                "lines": [
                    {"sku": sku, "quantity": qty, "reason_code": code, **(rest[0] if rest else {})}
                    for sku, qty, code, *rest in lines
                ],
            },
            backend=self.tpl,
        )

    def on_hand(self, product, lot=None):
        quants = self.env["stock.quant"].search(
            [
                ("product_id", "=", product.id),
                ("location_id", "child_of", self.tpl_warehouse.lot_stock_id.id),
                ("lot_id", "=", lot.id if lot else False),
            ]
        )
        return sum(quants.mapped("quantity"))

    def variance(self, snapshot, product, lot_name=False):
        return snapshot.variance_ids.filtered(lambda v: v.product_id == product and v.lot_name == lot_name)

    # ------------------------------------------------------------------------------

    def test_small_drift_is_applied_big_drift_waits_approve_applies_it(self):
        self.stock(self.widget, 100)
        self.stock(self.gadget, 50)
        snapshot = self.snapshot([("TPL-WIDGET", 99), ("TPL-GADGET", 40)])
        self.assertEqual((snapshot.line_count, snapshot.matched_count, snapshot.auto_count), (2, 0, 1))
        self.assertEqual(snapshot.state, "waiting")
        small, big = self.variance(snapshot, self.widget), self.variance(snapshot, self.gadget)
        self.assertEqual((small.state, small.difference), ("auto_applied", -1))
        self.assertEqual(self.on_hand(self.widget), 99)
        self.assertTrue(small.move_id.is_inventory)
        self.assertIn(snapshot.name, small.move_id.name)
        self.assertEqual(small.move_id.location_id, self.tpl_warehouse.lot_stock_id)
        self.assertEqual((big.state, big.odoo_qty, big.tpl_qty, big.difference), ("to_approve", 50, 40, -10))
        self.assertEqual(self.on_hand(self.gadget), 50, "waiting: nothing applied")
        big.with_user(self.manager).action_approve()
        self.assertEqual(big.state, "approved")
        self.assertEqual(big.decided_by, self.manager)
        self.assertEqual(self.on_hand(self.gadget), 40)
        self.assertEqual(snapshot.state, "applied")

    def test_reject_leaves_the_quants(self):
        self.stock(self.gadget, 50)
        snapshot = self.snapshot([("TPL-GADGET", 20)])
        snapshot.with_user(self.manager).action_reject_all()
        self.assertEqual(self.variance(snapshot, self.gadget).state, "rejected")
        self.assertEqual(self.on_hand(self.gadget), 50)
        self.assertEqual(snapshot.state, "reconciled")

    def test_the_delta_is_applied_not_the_3pl_quantity(self):
        self.stock(self.gadget, 50)
        snapshot = self.snapshot([("TPL-GADGET", 40)])
        self.stock(self.gadget, 5)  # a receipt while the variance waits
        self.variance(snapshot, self.gadget).with_user(self.manager).action_approve()
        self.assertEqual(self.on_hand(self.gadget), 45)

    def test_a_complete_snapshot_holds_unlisted_products_at_zero_a_partial_one_ignores_them(self):
        self.stock(self.widget, 10)
        self.stock(self.gadget, 1)
        partial = self.snapshot([("TPL-WIDGET", 10)], "PART", complete=False)
        self.assertEqual((partial.line_count, partial.matched_count), (1, 1))
        self.assertFalse(partial.variance_ids)
        self.assertEqual(partial.state, "reconciled")
        complete = self.snapshot([("TPL-WIDGET", 10)], "FULL", complete=True)
        gadget = self.variance(complete, self.gadget)
        self.assertEqual((gadget.tpl_qty, gadget.difference, gadget.state), (0, -1, "auto_applied"))
        self.assertEqual(self.on_hand(self.gadget), 0)

    def test_moves_done_since_the_count_are_not_drift(self):
        self.stock(self.widget, 100)
        receipt = self.env["stock.move"].create(
            {
                "name": "late receipt",
                "product_id": self.widget.id,
                "product_uom": self.widget.uom_id.id,
                "product_uom_qty": 10,
                "location_id": self.env.ref("stock.stock_location_suppliers").id,
                "location_dest_id": self.tpl_warehouse.lot_stock_id.id,
            }
        )
        receipt._action_confirm()
        receipt.quantity = 10
        receipt.picked = True
        receipt._action_done()
        self.assertEqual(self.on_hand(self.widget), 110)
        counted_before = self.snapshot([("TPL-WIDGET", 99)], "S1", as_of="2020-01-01T06:00:00Z")
        drift = self.variance(counted_before, self.widget)
        self.assertEqual((drift.odoo_qty, drift.difference, drift.state), (100, -1, "auto_applied"))
        self.assertEqual(self.on_hand(self.widget), 109)
        # a later count the correction was not in yet: no second correction
        again = self.snapshot([("TPL-WIDGET", 99)], "S2", as_of="2020-01-01T07:00:00+01:00")
        self.assertEqual(again.matched_count, 1)
        self.assertEqual(self.on_hand(self.widget), 109)
        # an older count than one already recorded is stale
        with self.assertRaises(StaleUpdate):
            self.snapshot([("TPL-WIDGET", 50)], "S0", as_of="2019-12-31T06:00:00Z")

    def test_lots_are_reconciled_one_by_one_and_new_lots_created(self):
        lot1 = self.env["stock.lot"].create(
            {"name": "L1", "product_id": self.lotted.id, "company_id": self.company.id}
        )
        self.stock(self.lotted, 10, lot=lot1)
        snapshot = self.snapshot([("TPL-SERUM", 9, {"lot": "L1"}), ("TPL-SERUM", 1, {"lot": "L2"})])
        self.assertEqual(self.variance(snapshot, self.lotted, "L1").difference, -1)
        new = self.variance(snapshot, self.lotted, "L2")
        self.assertEqual((new.odoo_qty, new.tpl_qty, new.state), (0, 1, "auto_applied"))
        self.assertEqual(self.on_hand(self.lotted, lot1), 9)
        self.assertEqual(new.lot_id.name, "L2")
        self.assertEqual(self.on_hand(self.lotted, new.lot_id), 1)

    def test_product_maps_translate_skus_and_cases(self):
        self.env["tpl.product.map"].create(
            {
                "backend_id": self.tpl.id,
                "product_id": self.gadget.id,
                "tpl_sku": "SB-GAD",
                "units_per_tpl_uom": 12,
            }
        )
        self.stock(self.gadget, 24)
        snapshot = self.snapshot([("SB-GAD", 2)])
        self.assertEqual(snapshot.matched_count, 1)
        with self.assertRaisesRegex(MappingError, r"items\[0\]\.sku: NOPE"):
            self.snapshot([("NOPE", 1)], "BAD")

    def test_a_snapshot_or_adjustment_received_twice_is_applied_once(self):
        self.stock(self.widget, 100)
        first = self.snapshot([("TPL-WIDGET", 99)])
        again = self.snapshot([("TPL-WIDGET", 99)])
        self.assertEqual(first, again)
        self.assertEqual(self.on_hand(self.widget), 99)
        adjusted = self.adjustment([("TPL-WIDGET", -2, "01")])
        self.assertEqual(self.adjustment([("TPL-WIDGET", -2, "01")]), adjusted)
        self.assertEqual(self.on_hand(self.widget), 97)
        self.assertTrue(
            self.env["integration.binding"]._find(self.tpl, "tpl.inventory.snapshot", "adjustment:ADJ-1")
        )

    def test_adjustments_follow_the_reason_map(self):
        self.stock(self.widget, 100)
        adjustment = self.adjustment(
            [("TPL-WIDGET", -3, "01"), ("TPL-WIDGET", -4, "05"), ("TPL-WIDGET", 50, "AA")]
        )
        damaged, lost, ignored = adjustment.variance_ids.sorted("id")
        self.assertEqual((damaged.state, damaged.difference, damaged.reason_code), ("auto_applied", -3, "01"))
        self.assertEqual((lost.state, lost.reason), ("to_approve", "Lost"))
        self.assertEqual(ignored.state, "ignored")
        self.assertEqual(self.on_hand(self.widget), 97)
        lost.with_user(self.manager).action_approve()
        self.assertEqual(self.on_hand(self.widget), 93)

    def test_an_unknown_reason_names_the_code(self):
        self.stock(self.widget, 10)
        with self.assertRaisesRegex(BusinessRuleError, "reason 77"):
            self.adjustment([("TPL-WIDGET", 2, "77")], "DIRECT")
        self.assertFalse(self.env["tpl.inventory.snapshot"].search([("external_id", "=", "DIRECT")]))

    def test_a_947_with_an_unknown_reason_fails_naming_it_and_replays_once_mapped(self):
        from odoo.addons.channel_edi.tests.common import x12

        self.stock(self.widget, 10, warehouse=self.x12_warehouse)
        data = x12(
            WAREHOUSE_ID,
            OURS,
            [("947", ["W15*20261128*ADJ947-77", "LX*1", "W19*77*2*EA**SK*TPL-WIDGET"])],
            functional_id="AW",
        )
        self.env["trading.partner.transport"]._receive_file(self.tpl_x12, data, "test")
        self.run_jobs()
        event = self.events(self.tpl_x12, "inventory.adjusted")
        self.assertEqual(event.state, "failed")
        self.assertIn("77", event.error_message)
        self.env["tpl.reason.map"].create(
            {"backend_id": self.tpl_x12.id, "code": "77", "name": "Found", "action": "apply"}
        )
        event.action_replay()
        self.run_jobs()
        event.invalidate_recordset()
        self.assertEqual(event.state, "done", event.error_message)
        quants = self.env["stock.quant"].search(
            [("product_id", "=", self.widget.id), ("location_id", "=", self.x12_warehouse.lot_stock_id.id)]
        )
        self.assertEqual(sum(quants.mapped("quantity")), 12)

    def test_a_947_file_adjusts_the_x12_warehouse(self):
        from odoo.addons.channel_edi.tests.common import x12

        self.stock(self.widget, 10, warehouse=self.x12_warehouse)
        self.env["tpl.reason.map"].create(
            {"backend_id": self.tpl_x12.id, "code": "07", "name": "Lost", "action": "apply"}
        )
        data = x12(
            WAREHOUSE_ID,
            OURS,
            [("947", ["W15*20261128*ADJ947-1", "LX*1", "W19*07*-2*EA**SK*TPL-WIDGET"])],
            functional_id="AW",
        )
        self.env["trading.partner.transport"]._receive_file(self.tpl_x12, data, "test")
        self.run_jobs()
        adjustment = self.env["tpl.inventory.snapshot"].search(
            [("backend_id", "=", self.tpl_x12.id), ("kind", "=", "adjustment")]
        )
        self.assertEqual(len(adjustment), 1, self.x12_errors())
        self.assertTrue(adjustment.external_id.endswith("ADJ947-1"))
        self.assertEqual(adjustment.variance_ids.state, "auto_applied")
        quants = self.env["stock.quant"].search(
            [("product_id", "=", self.widget.id), ("location_id", "=", self.x12_warehouse.lot_stock_id.id)]
        )
        self.assertEqual(sum(quants.mapped("quantity")), 8)

    def test_an_846_file_is_reconciled_as_a_partial_snapshot(self):
        from odoo.addons.channel_edi.tests.common import x12

        self.stock(self.widget, 10, warehouse=self.x12_warehouse)
        self.stock(self.gadget, 4, warehouse=self.x12_warehouse)
        self.tpl_x12.tpl_tolerance_qty = 1
        data = x12(
            WAREHOUSE_ID,
            OURS,
            [("846", ["BIA*00*MM*INV-0001*20261128*0600", "LIN**SK*TPL-WIDGET", "QTY*17*9*EA"])],
            functional_id="IB",
        )
        self.env["trading.partner.transport"]._receive_file(self.tpl_x12, data, "test")
        self.run_jobs()
        snapshot = self.env["tpl.inventory.snapshot"].search(
            [("backend_id", "=", self.tpl_x12.id), ("kind", "=", "snapshot")]
        )
        self.assertEqual(len(snapshot), 1, self.x12_errors())
        self.assertFalse(snapshot.complete, "an 846 is partial unless the backend says otherwise")
        self.assertEqual((snapshot.line_count, snapshot.auto_count), (1, 1))
        self.assertEqual(snapshot.variance_ids.product_id, self.widget)

    def x12_errors(self):
        events = self.env["integration.event"].search([("backend_id", "=", self.tpl_x12.id)])
        return [(e.topic, e.state, e.error_message) for e in events]

    def test_a_released_delivery_keeps_its_reservation(self):
        picking = self.delivery([(self.widget, 5)])
        self.assertEqual(picking.state, "assigned")
        picking._tpl_write({"tpl_state": "released"})
        adjustment = self.adjustment([("TPL-WIDGET", -2, "01")])
        (held,) = adjustment.variance_ids
        self.assertEqual(held.state, "to_approve")
        self.assertIn(picking.name, held.reason)
        snapshot = self.snapshot([("TPL-WIDGET", 4)])
        drift = self.variance(snapshot, self.widget)
        self.assertEqual(drift.state, "to_approve", "within tolerance, but it would unreserve the delivery")
        self.assertIn(picking.name, drift.reason)
        self.assertEqual(picking.state, "assigned")
        self.assertEqual(picking.move_ids.quantity, 5)
        self.assertEqual(self.on_hand(self.widget), 5)
        # an increase, or a decrease of free stock, is applied
        self.stock(self.widget, 3)
        free = self.adjustment([("TPL-WIDGET", -2, "01")], "ADJ-FREE")
        self.assertEqual(free.variance_ids.state, "auto_applied")
        self.assertEqual(picking.move_ids.quantity, 5)

    def test_approving_after_a_release_names_the_delivery_first(self):
        self.stock(self.gadget, 50)
        snapshot = self.snapshot([("TPL-GADGET", 40)])
        variance = self.variance(snapshot, self.gadget)
        picking = self.delivery([(self.gadget, 45)], reserve=False)
        picking.action_assign()
        picking._tpl_write({"tpl_state": "released"})
        result = variance.with_user(self.manager).action_approve()
        self.assertEqual(result["tag"], "display_notification")
        self.assertEqual(variance.state, "to_approve")
        self.assertIn(picking.name, variance.reason)
        self.assertEqual(picking.move_ids.quantity, 45)
        self.assertIs(variance.with_user(self.manager).action_approve(), True, "informed: the second applies")
        self.assertEqual(variance.state, "approved")
        self.assertEqual(self.on_hand(self.gadget), 40)

    def test_only_stock_managers_approve(self):
        self.stock(self.gadget, 50)
        snapshot = self.snapshot([("TPL-GADGET", 40)])
        variance = self.variance(snapshot, self.gadget)
        with self.assertRaises(AccessError):
            variance.with_user(self.stock_user).action_approve()
        with self.assertRaises(AccessError):
            snapshot.with_user(self.stock_user).action_reject_all()
        self.assertEqual(variance.state, "to_approve")
        self.assertEqual(snapshot.with_user(self.stock_user).read(["state"])[0]["state"], "waiting")

    def test_another_company_cannot_read_the_snapshots(self):
        self.stock(self.gadget, 50)
        snapshot = self.snapshot([("TPL-GADGET", 40)])
        other = self.env["res.company"].create({"name": "Other Co"})
        outsider = new_test_user(
            self.env,
            login="tpl_outsider",
            groups="stock.group_stock_manager",
            company_id=other.id,
            company_ids=[(6, 0, other.ids)],
        )
        with self.assertRaises(AccessError):
            snapshot.with_user(outsider).read(["state"])
        with self.assertRaises(AccessError):
            snapshot.variance_ids.with_user(outsider).read(["difference"])
        self.assertFalse(self.env["tpl.inventory.snapshot"].with_user(outsider).search([]))


@tagged("post_install", "-at_install")
class TestTplInventoryRest(TplRestCase):
    """A scheduled snapshot fetched from the sandbox ShipBob warehouse."""

    def test_the_scheduled_snapshot_reconciles_the_sandbox_levels(self):
        self.tpl.tpl_tolerance_qty = 2
        self.stock(self.widget, 100)
        self.stock(self.gadget, 97)
        lot = self.env["stock.lot"].create(
            {"name": "LOT-A", "product_id": self.lotted.id, "company_id": self.company.id}
        )
        self.stock(self.lotted, 49, lot=lot)
        self.tpl._enqueue_topic("inventory.snapshot", {})
        self.run_jobs()
        snapshot = self.env["tpl.inventory.snapshot"].search([("backend_id", "=", self.tpl.id)])
        events = self.events(self.tpl, "inventory.snapshot")
        self.assertEqual(len(snapshot), 1, [(e.state, e.error_message) for e in events])
        self.assertTrue(snapshot.complete)
        widget, gadget, serum = (
            snapshot.variance_ids.filtered(lambda v, p=p: v.product_id == p)
            for p in (self.widget, self.gadget, self.lotted)
        )
        self.assertFalse(widget, "100 at both")
        self.assertEqual((gadget.difference, gadget.state), (3, "to_approve"))
        self.assertEqual((serum.lot_name, serum.difference, serum.state), ("LOT-A", 1, "auto_applied"))
        self.assertTrue(events.payload_canonical, "the count is kept on the event for a replay")
