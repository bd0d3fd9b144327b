from odoo import models

from . import integration_trace_mixin  # noqa: F401  (the mixin is defined before its heirs)


class PurchaseOrder(models.Model):
    """Purchase order confirmed, dispatched once for every channel.

    ``button_confirm`` confirms through ``button_approve`` (at once, or once
    a manager approves an order over the double validation amount), and
    purchase_stock makes the receipts there: dispatching after it covers
    both paths, with the receipts in place."""

    _name = "purchase.order"
    _inherit = ["purchase.order", "integration.trace.mixin"]

    def button_approve(self, force=False):
        result = super().button_approve(force=force)
        confirmed = self.filtered(lambda o: o.state in ("purchase", "done"))
        for order in confirmed.filtered("integration_trace_id"):
            order.picking_ids._integration_set_trace(order.integration_trace_id)
        self.env["integration.odoo.event"]._dispatch("purchase_order.confirmed", confirmed)
        return result
