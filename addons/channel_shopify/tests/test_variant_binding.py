"""Variants sold through a store are bound from the orders that name them,
so their stock is exported even when the catalogue was never imported."""

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import ShopifyCase


@tagged("post_install", "-at_install")
class TestVariantBindingFromOrders(ShopifyCase):
    def setUp(self):
        super().setUp()
        # no product import: the store was connected and took orders at once
        for product in self.products.values():
            self.env["stock.quant"]._update_available_quantity(product, self.warehouse.lot_stock_id, 10)

    def _import(self, lines):
        order = self.sandbox.create_order({"financial_status": "paid", "lines": lines})
        event = self.order_event(order)
        self.process(event)
        return order, event

    def _variant_binding(self, variant_id):
        return self.env["integration.binding"]._find(self.shopify, "product.product", str(variant_id))

    def _ship_all(self, sale):
        picking = sale.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))
        picking.action_assign()
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
            move.picked = True
        picking.with_context(cancel_backorder=False)._action_done()
        return picking

    def test_order_binds_its_variants_and_delivery_exports_their_stock(self):
        order, event = self._import([{"sku": "TRS-42", "quantity": 2}])
        self.assertEqual(event.state, "done", event.error_message)
        line = order["line_items"][0]
        binding = self._variant_binding(line["variant_id"])
        self.assertEqual(binding._record(), self.products["TRS-42"])
        self.assertEqual(self.shopify.shopify_unbound_sold_count, 0)

        self._ship_all(self.sale_of(order["id"]))
        self.run_jobs()
        export = self.env["integration.event"].search(
            [("backend_id", "=", self.shopify.id), ("topic", "=", "stock.export")]
        )
        self.assertEqual(len(export), 1)
        self.assertEqual(export.state, "done", export.error_message)
        item_id = self.sandbox.variants[int(line["variant_id"])]["inventory_item_id"]
        self.assertEqual(binding.data.get("inventory_item_id"), str(item_id))
        self.assertEqual(self.sandbox.inventory_quantity(item_id, self.main_location["id"]), 8)

    def test_second_order_reuses_the_binding(self):
        first, _event = self._import([{"sku": "MTS-M", "quantity": 1}])
        binding = self._variant_binding(first["line_items"][0]["variant_id"])
        second, event = self._import([{"sku": "MTS-M", "quantity": 3}])
        self.assertEqual(event.state, "done", event.error_message)
        self.assertEqual(second["line_items"][0]["variant_id"], first["line_items"][0]["variant_id"])
        bindings = self.env["integration.binding"].search(
            [("backend_id", "=", self.shopify.id), ("res_model", "=", "product.product")]
        )
        self.assertEqual(bindings, binding)
        self.assertEqual(self.sale_of(second["id"]).order_line.product_id, self.products["MTS-M"])

    def test_variant_bound_to_another_product_is_a_mapping_exception(self):
        variant = next(v for v in self.sandbox.variants.values() if v["sku"] == "TRS-42")
        other = self.products["MTS-M"]
        self.env["integration.binding"]._bind(self.shopify, other, str(variant["id"]))
        with mute_logger("odoo.addons.integration_core.models.integration_event"):
            order, event = self._import([{"sku": "TRS-42", "quantity": 1}])
        self.assertEqual(event.state, "failed")
        self.assertEqual(event.error_category, "mapping")
        self.assertIn(other.display_name, event.error_message)
        self.assertIn(self.products["TRS-42"].display_name, event.error_message)
        self.assertFalse(self.sale_of(order["id"]))
        # never rebound silently
        self.assertEqual(self._variant_binding(variant["id"])._record(), other)

    def test_backend_counts_sold_products_without_binding_and_binds_them(self):
        order, _event = self._import([{"sku": "SWB-750", "quantity": 1}])
        # an order imported before orders bound their variants
        self._variant_binding(order["line_items"][0]["variant_id"]).unlink()
        self.shopify.invalidate_recordset(["shopify_unbound_sold_count"])
        self.assertEqual(self.shopify.shopify_unbound_sold_count, 1)
        action = self.shopify.action_shopify_open_unbound_sold()
        self.assertEqual(self.env["product.product"].search(action["domain"]), self.products["SWB-750"])

        self.shopify.action_shopify_bind_unbound_sold()
        self.run_jobs()
        # the bulk read's poll runs on its own schedule: run it to its end
        self.run_jobs()
        self.shopify.invalidate_recordset(["shopify_unbound_sold_count"])
        self.assertEqual(self.shopify.shopify_unbound_sold_count, 0)
        binding = self._variant_binding(order["line_items"][0]["variant_id"])
        self.assertTrue(binding.data.get("inventory_item_id"))

    def test_only_managers_bind_and_users_see_the_count(self):
        self._import([{"sku": "TRS-42", "quantity": 1}])
        user = self.env["res.users"].create(
            {
                "name": "Ops",
                "login": "ops-variants",
                "company_id": self.company.id,
                "company_ids": [(6, 0, self.company.ids)],
                "groups_id": [(6, 0, [self.env.ref("integration_core.group_integration_user").id])],
            }
        )
        backend = self.shopify.with_user(user)
        self.assertEqual(backend.shopify_unbound_sold_count, 0)
        with self.assertRaises(AccessError):
            backend.action_shopify_bind_unbound_sold()
