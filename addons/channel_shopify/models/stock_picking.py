from odoo import models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _action_done(self):
        result = super()._action_done()
        self._shopify_queue_fulfillments()
        return result

    def _shopify_queue_fulfillments(self):
        """A delivery done in Odoo (by hand, or confirmed by a 3PL) becomes a
        Shopify fulfilment: one outbound event per delivery, never two."""
        deliveries = self.filtered(
            lambda p: p.state == "done" and p.picking_type_code == "outgoing" and p.sale_id
        )
        if not deliveries:
            return
        Binding = self.env["integration.binding"].sudo()
        Flow = self.env["integration.flow"].sudo()
        for picking in deliveries:
            bindings = Binding.search(
                [
                    ("res_model", "=", "sale.order"),
                    ("res_id", "=", picking.sale_id.id),
                    ("backend_id.backend_type", "=", "shopify"),
                ]
            )
            for backend in bindings.backend_id:
                if not Flow._is_active(backend, "fulfillment_export", policies=("realtime",)):
                    continue
                payload = self.env["shopify.exporter"]._fulfillment_payload(picking)
                backend._shopify_enqueue(
                    "fulfillment.export", payload, key=f"fulfillment:{picking.id}", res_record=picking
                )
