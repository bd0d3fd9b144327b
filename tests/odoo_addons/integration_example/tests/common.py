import json

from odoo.addons.integration_core.lib import signature
from odoo.addons.integration_core.tests.common import IntegrationCase

SECRET = "example-webhook-secret"


def example_order(order_id=42, sku="INT-WIDGET", qty=2):
    return {
        "id": order_id,
        "number": f"EX-{order_id}",
        "currency": "USD",
        "updated": "2024-05-01T10:00:00+00:00",
        "buyer": {"id": 7, "name": "Ada Lovelace", "email": "ada@example.com"},
        "items": [{"id": 1, "sku": sku, "title": "Widget", "qty": qty, "price": "50.00"}],
        "paid": True,
    }


class ExampleCase(IntegrationCase):
    """An example backend (company A) with its webhook secret, stock of the widget."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.example = cls.env["integration.backend"].create(
            {
                "name": "Example system",
                "backend_type": "example",
                "warehouse_id": cls.warehouse.id,
                "pricelist_id": cls.pricelist_usd.id,
                "order_confirm_policy": "paid",
                "check_totals": False,
                "rate_limit": 0,
                "max_attempts": 3,
            }
        )
        cls.example._set_secret("webhook_secret", SECRET)
        cls.example._set_secret("api_token", "example-api-token")
        cls.env["stock.quant"]._update_available_quantity(cls.widget, cls.warehouse.lot_stock_id, 20)

    def webhook(self, order, key=None, backend=None, topic="order/new"):
        body = json.dumps(order).encode()
        headers = {
            "Content-Type": "application/json",
            "X-Integration-Topic": topic,
            "X-Integration-Idempotency-Key": key or f"order-{order['id']}",
            "X-Integration-Signature": signature.hmac_sha256_hex(SECRET, body),
        }
        return (backend or self.example)._webhook_receive(headers, body)

    def imported(self, order_id=42, qty=2):
        """An order in through the webhook, processed: (inbound event, sale order)."""
        status, _message = self.webhook(example_order(order_id, qty=qty))
        self.assertEqual(status, 200)
        self.run_jobs()
        event = self.env["integration.event"].search(
            [
                ("backend_id", "=", self.example.id),
                ("topic", "=", "order.created"),
                ("external_id", "=", str(order_id)),
            ]
        )
        self.assertEqual(event.state, "done", event.error_message)
        return event, event._record()

    def ship(self, sale, qty=None):
        picking = sale.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))[:1]
        picking.action_assign()
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty if qty is None else qty
            move.picked = True
        picking.with_context(cancel_backorder=False).button_validate()
        return picking

    def events(self, topic, backend=None):
        return self.env["integration.event"].search(
            [("backend_id", "=", (backend or self.example).id), ("topic", "=", topic)]
        )
