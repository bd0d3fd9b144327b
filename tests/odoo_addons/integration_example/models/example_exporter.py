from odoo import api, models

from ..lib.client import ExampleClient


class ExampleExporter(models.AbstractModel):
    """What Odoo tells the example system: shipments."""

    _name = "example.exporter"
    _description = "Example channel exporter"

    @api.model
    def _listen_pickings_done(self, backend, pickings):
        """picking.done: deliveries of orders this backend imported."""
        deliveries = pickings.filtered(lambda p: p.picking_type_code == "outgoing" and p.sale_id)
        orders = self.env["integration.binding"].sudo()._external_ids(backend, deliveries.sale_id)
        for picking in deliveries.filtered(lambda p: p.sale_id.id in orders):
            backend._emit(
                "shipment.export",
                self._shipment_payload(picking, orders[picking.sale_id.id]),
                key=f"shipment:{picking.id}",
                record=picking,
            )

    @api.model
    def _shipment_payload(self, picking, order_external_id):
        return {
            "order_id": order_external_id,
            "reference": picking.name,
            "lines": [
                {"sku": move.product_id.default_code, "quantity": move.quantity}
                for move in picking.move_ids.filtered(lambda m: m.state == "done")
            ],
        }

    @api.model
    def _export_shipment(self, event, payload):
        backend = event.backend_id
        token = backend._get_secret("api_token", required=False)
        with backend._http_client(
            client_class=ExampleClient,
            secrets=[token],
            default_headers={"Authorization": f"Bearer {token}"} if token else None,
        ) as client:
            answer = client.send_shipment(payload, event.idempotency_key) or {}
        event.external_id = str(answer.get("id") or "")
        return event._record()
