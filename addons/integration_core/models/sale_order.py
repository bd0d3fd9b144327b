from odoo import fields, models

from . import integration_trace_mixin  # noqa: F401  (the mixin is defined before its heirs)


class SaleOrder(models.Model):
    """Business events of sales orders (confirmed, cancelled), dispatched
    once for every channel; the order carries its integration trace."""

    _name = "sale.order"
    _inherit = ["sale.order", "integration.trace.mixin"]

    integration_transaction_ids = fields.One2many(
        "integration.order.transaction", "sale_order_id", string="Payment transactions", readonly=True
    )

    def action_confirm(self):
        result = super().action_confirm()
        confirmed = self.filtered(lambda o: o.state == "sale")
        for order in confirmed.filtered("integration_trace_id"):
            # the deliveries the confirmation made belong to the order's trace
            order.picking_ids._integration_set_trace(order.integration_trace_id)
        self.env["integration.odoo.event"]._dispatch("sale_order.confirmed", confirmed)
        return result

    def _action_cancel(self):
        result = super()._action_cancel()
        self.env["integration.odoo.event"]._dispatch(
            "sale_order.cancelled", self.filtered(lambda o: o.state == "cancel")
        )
        return result
