"""One trace from the Shopify order to the fulfilment sent back, through
the core's Odoo-event dispatch (Shopify no longer overrides stock.picking
or stock.move)."""

import json

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import ShopifyCase


@tagged("post_install", "-at_install")
class TestShopifyTrace(ShopifyCase):
    def setUp(self):
        super().setUp()
        self.import_products()
        for product in self.products.values():
            self.env["stock.quant"]._update_available_quantity(product, self.warehouse.lot_stock_id, 10)

    def test_order_in_to_fulfilment_out_shares_one_trace(self):
        order = self.sandbox.create_order(
            {"financial_status": "paid", "lines": [{"sku": "TRS-42", "quantity": 1}]}
        )
        inbound = self.order_event(order)
        self.process(inbound)
        self.assertEqual(inbound.state, "done", inbound.error_message)
        sale = self.sale_of(order["id"])
        self.assertEqual(sale.state, "sale")
        self.assertEqual(sale.integration_trace_id, inbound.trace_id)
        picking = sale.picking_ids
        self.assertEqual(picking.integration_trace_id, inbound.trace_id)
        picking.action_assign()
        picking.move_ids.quantity = 1
        picking.move_ids.picked = True
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        Event = self.env["integration.event"]
        fulfilment = Event.search(
            [("backend_id", "=", self.shopify.id), ("topic", "=", "fulfillment.export")]
        )
        self.assertEqual(len(fulfilment), 1)
        self.assertEqual(fulfilment.trace_id, inbound.trace_id)
        self.assertEqual((fulfilment.res_model, fulfilment.res_id), ("stock.picking", picking.id))
        stock = Event.search([("backend_id", "=", self.shopify.id), ("topic", "=", "stock.export")])
        self.assertEqual(len(stock), 1)
        self.assertEqual(stock.trace_id, inbound.trace_id, "the moves of the order's delivery")
        self.run_jobs()
        fulfilment.invalidate_recordset()
        self.assertEqual(fulfilment.state, "done", fulfilment.error_message)
        self.assertEqual(
            len([f for f in self.sandbox.fulfillments.values() if f.get("order_id") == order["id"]]), 1
        )

    def test_flow_switched_off_emits_nothing(self):
        order = self.sandbox.create_order(
            {"financial_status": "paid", "lines": [{"sku": "TRS-42", "quantity": 1}]}
        )
        self.process(self.order_event(order))
        self.shopify.flow_ids.filtered(
            lambda f: f.code in ("fulfillment_export", "stock_delta")
        ).policy = "off"
        sale = self.sale_of(order["id"])
        sale.picking_ids.action_assign()
        sale.picking_ids.move_ids.quantity = 1
        sale.picking_ids.move_ids.picked = True
        sale.picking_ids.button_validate()
        self.assertFalse(
            self.env["integration.event"].search(
                [
                    ("backend_id", "=", self.shopify.id),
                    ("topic", "in", ("fulfillment.export", "stock.export")),
                ]
            )
        )


@tagged("post_install", "-at_install")
class TestShopifyListenersOverRpc(HttpCase):
    def test_listeners_are_not_callable_over_rpc(self):
        self.env["res.users"].with_context(no_reset_password=True).create(
            {
                "name": "portal_shopify_rpc",
                "login": "portal_shopify_rpc",
                "password": "portal_shopify_rpc_pw",
                "groups_id": [(6, 0, [self.env.ref("base.group_portal").id])],
            }
        )
        self.authenticate("portal_shopify_rpc", "portal_shopify_rpc_pw")
        for method in (
            "_listen_pickings_done",
            "_listen_stock_moves_done",
            "_absorb_into_pending_stock_export",
        ):
            with mute_logger("odoo.http"):
                response = self.url_open(
                    "/web/dataset/call_kw",
                    data=json.dumps(
                        {
                            "jsonrpc": "2.0",
                            "method": "call",
                            "params": {
                                "model": "shopify.exporter",
                                "method": method,
                                "args": [1, []],
                                "kwargs": {},
                            },
                        }
                    ),
                    headers={"Content-Type": "application/json"},
                )
            self.assertIn("Private methods", json.dumps(response.json().get("error")), method)
