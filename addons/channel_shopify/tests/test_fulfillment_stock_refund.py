from odoo.tests import tagged

from .common import ShopifyCase


@tagged("post_install", "-at_install")
class TestShopifyOut(ShopifyCase):
    def setUp(self):
        super().setUp()
        self.import_products()
        for product in self.products.values():
            self.env["stock.quant"]._update_available_quantity(product, self.warehouse.lot_stock_id, 10)

    def _ship(self, sale, quantities, tracking=None):
        picking = sale.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))[:1]
        picking.action_assign()
        for move in picking.move_ids:
            qty = quantities.get(move.product_id.default_code, 0)
            move.quantity = qty
            move.picked = bool(qty)
        if tracking:
            picking.carrier_tracking_ref = tracking
        picking.with_context(cancel_backorder=False)._action_done()
        return picking

    def _imported(self, spec):
        order = self.sandbox.create_order(dict({"financial_status": "paid"}, **spec))
        event = self.order_event(order)
        self.process(event)
        self.assertEqual(event.state, "done", event.error_message)
        return order, self.sale_of(order["id"])

    def test_full_and_partial_fulfilments(self):
        order, sale = self._imported(
            {"lines": [{"sku": "TRS-42", "quantity": 2}, {"sku": "MTS-M", "quantity": 1}]}
        )
        self._ship(sale, {"TRS-42": 1}, tracking="1ZPARTIAL")
        self.run_jobs()
        events = self.env["integration.event"].search(
            [("backend_id", "=", self.shopify.id), ("topic", "=", "fulfillment.export")]
        )
        self.assertEqual(len(events), 1)
        self.assertEqual(events.state, "done", events.error_message)
        fulfillments = [f for f in self.sandbox.fulfillments.values() if f.get("order_id") == order["id"]]
        self.assertEqual(len(fulfillments), 1)
        self.assertEqual(sum(int(li["quantity"]) for li in fulfillments[0]["line_items"]), 1)
        self.assertEqual(fulfillments[0].get("tracking_number"), "1ZPARTIAL")
        # the rest ships from the backorder
        self._ship(sale, {"TRS-42": 1, "MTS-M": 1}, tracking="1ZREST")
        self.run_jobs()
        fulfillments = [f for f in self.sandbox.fulfillments.values() if f.get("order_id") == order["id"]]
        self.assertEqual(len(fulfillments), 2)
        self.assertEqual(self.sandbox.rest_order(order["id"])["fulfillment_status"], "fulfilled")

    def test_fulfilment_not_sent_twice(self):
        order, sale = self._imported({"lines": [{"sku": "SWB-750", "quantity": 1}]})
        picking = self._ship(sale, {"SWB-750": 1}, tracking="1ZONCE")
        self.run_jobs()
        self.env["shopify.exporter"]._listen_pickings_done(
            self.shopify, picking
        )  # a second trigger: same key
        self.run_jobs()
        fulfillments = [f for f in self.sandbox.fulfillments.values() if f.get("order_id") == order["id"]]
        self.assertEqual(len(fulfillments), 1)

    def _fulfillments_of(self, order):
        return [f for f in self.sandbox.fulfillments.values() if f.get("order_id") == order["id"]]

    def test_fulfilment_created_before_a_crash_is_not_sent_again(self):
        order, sale = self._imported({"lines": [{"sku": "TRS-42", "quantity": 2}]})
        picking = self._ship(sale, {"TRS-42": 1})  # partly shipped, no tracking number
        # the attempt that crashed: the fulfilment reached Shopify, its binding was rolled back
        with self.shopify._shopify_client() as client:
            [crashed] = client.create_fulfillment(
                order["id"], [{"line_item_id": order["line_items"][0]["id"], "quantity": 1}]
            )
        self.run_jobs()  # the event runs again
        event = self.env["integration.event"].search(
            [("backend_id", "=", self.shopify.id), ("topic", "=", "fulfillment.export")]
        )
        self.assertEqual(event.state, "done", event.error_message)
        self.assertEqual(len(self._fulfillments_of(order)), 1)
        self.assertEqual(
            self.env["integration.binding"]._external_ids(self.shopify, picking), {picking.id: crashed["id"]}
        )

    def test_second_delivery_of_the_same_quantities_gets_its_own_fulfilment(self):
        order, sale = self._imported({"lines": [{"sku": "TRS-42", "quantity": 2}]})
        self._ship(sale, {"TRS-42": 1})
        self.run_jobs()
        self._ship(sale, {"TRS-42": 1})  # the backorder: same line, same quantity, same second maybe
        self.run_jobs()
        self.assertEqual(len(self._fulfillments_of(order)), 2)
        self.assertEqual(self.sandbox.rest_order(order["id"])["fulfillment_status"], "fulfilled")

    def test_stock_export_sends_changed_items_only(self):
        event = self.run_topic("stock.export", {"full": True})
        self.assertEqual(event.state, "done", event.error_message)
        binding = self.env["integration.binding"].search(
            [
                ("backend_id", "=", self.shopify.id),
                ("res_id", "=", self.products["TRS-42"].id),
                ("res_model", "=", "product.product"),
            ]
        )
        item = binding.data["inventory_item_id"]
        self.assertEqual(self.sandbox.inventory_quantity(item, self.main_location["id"]), 10)
        calls_before = self.sandbox.state()["operations"].get("inventorySetQuantities", 0)
        # nothing changed: nothing sent
        result = self.shopify._shopify_export_stock()
        self.assertEqual(result["changed"], 0)
        self.assertEqual(result["calls"], 0)
        # one product moves: one item in one call
        self.env["stock.quant"]._update_available_quantity(
            self.products["TRS-42"], self.warehouse.lot_stock_id, -3
        )
        result = self.shopify._shopify_export_stock()
        self.assertEqual((result["changed"], result["calls"]), (1, 1))
        self.assertEqual(self.sandbox.inventory_quantity(item, self.main_location["id"]), 7)
        self.assertEqual(
            self.sandbox.state()["operations"].get("inventorySetQuantities", 0), calls_before + 1
        )

    def test_stock_moves_schedule_one_delta_export(self):
        self.run_topic("stock.export", {"full": True})  # 10 of each pushed
        order, sale = self._imported({"lines": [{"sku": "TRS-43", "quantity": 1}]})
        self._ship(sale, {"TRS-43": 1})
        pending = self.env["integration.event"].search(
            [("backend_id", "=", self.shopify.id), ("topic", "=", "stock.export"), ("state", "=", "queued")]
        )
        self.assertEqual(len(pending), 1)
        self.run_jobs()
        pending.invalidate_recordset()
        self.assertEqual(pending.state, "done", pending.error_message)
        self.assertIn("1 items", pending.external_id)

    def test_refund_with_restock(self):
        order, sale = self._imported({"lines": [{"sku": "TRS-42", "quantity": 2}]})
        self._ship(sale, {"TRS-42": 2})
        line = order["line_items"][0]
        refund = {
            "id": 777001,
            "order_id": order["id"],
            "created_at": "2030-01-05T10:00:00Z",
            "note": "too small",
            "restock": True,
            "refund_line_items": [
                {
                    "id": 1,
                    "quantity": 1,
                    "line_item_id": line["id"],
                    "restock_type": "return",
                    "subtotal": float(line["price"]),
                    "total_tax": 0.0,
                    "line_item": line,
                }
            ],
            "transactions": [
                {"kind": "refund", "status": "success", "amount": line["price"], "currency": "EUR"}
            ],
        }
        event = self.order_event(refund, topic="refund.created", key="refund-777001")
        self.process(event)
        self.assertEqual(event.state, "done", event.error_message)
        credit_note = self.env["account.move"].browse(event.res_id)
        self.assertEqual(credit_note.move_type, "out_refund")
        self.assertEqual(credit_note.state, "posted")
        self.assertAlmostEqual(credit_note.amount_untaxed, float(line["price"]))
        returns = sale.picking_ids.filtered(lambda p: p.picking_type_code == "incoming")
        self.assertEqual(len(returns), 1)
        self.assertEqual(returns.move_ids.product_uom_qty, 1)
        # the same refund again: nothing new
        again = self.order_event(refund, topic="refund.created", key="refund-777001-retry")
        self.process(again)
        self.assertEqual(again.res_id, credit_note.id)
        self.assertEqual(len(sale.picking_ids.filtered(lambda p: p.picking_type_code == "incoming")), 1)

    def _count_stock_exports(self):
        return self.env["integration.event"].search_count(
            [("backend_id", "=", self.shopify.id), ("topic", "=", "stock.export")]
        )

    def _adjust(self, sku, quantity):
        """An inventory adjustment: one done stock move of ``sku``."""
        self.env["stock.quant"].with_context(inventory_mode=True).create(
            {
                "product_id": self.products[sku].id,
                "location_id": self.warehouse.lot_stock_id.id,
                "inventory_quantity": quantity,
            }
        ).action_apply_inventory()

    def test_move_during_a_running_stock_export_is_not_absorbed_by_it(self):
        self._adjust("TRS-42", 7)
        running = self.env["integration.event"].search(
            [("backend_id", "=", self.shopify.id), ("topic", "=", "stock.export")]
        )
        self.assertEqual(len(running), 1)
        running.job_id.state = "started"  # a worker runs it: its quantities are read already
        self._adjust("TRS-43", 4)
        self.assertEqual(self._count_stock_exports(), 2)
        self.run_jobs()  # the second export pushes the second move
        binding = self.env["integration.binding"].search(
            [
                ("backend_id", "=", self.shopify.id),
                ("res_model", "=", "product.product"),
                ("res_id", "=", self.products["TRS-43"].id),
            ]
        )
        self.assertEqual(
            self.sandbox.inventory_quantity(binding.data["inventory_item_id"], self.main_location["id"]), 4
        )

    def test_move_while_a_stock_export_waits_is_absorbed_by_it(self):
        self._adjust("TRS-42", 7)
        self._adjust("TRS-43", 4)
        self.assertEqual(self._count_stock_exports(), 1)
