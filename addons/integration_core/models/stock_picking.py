from odoo import _, models

from . import integration_trace_mixin  # noqa: F401  (the mixin is defined before its heirs)

# Context key: the delivery is validated because a warehouse confirmed it
# shipped (integration.shipment.importer); the warehouse bought its label, so
# validation must not ask the carrier for one (stock_delivery's
# _send_confirmation_email calls send_to_shipper when no tracking is set).
NO_CARRIER_API = "integration_no_carrier_api"


class StockPicking(models.Model):
    """Picking done and backorder created, dispatched once for every
    channel. A picking derives its trace from its backorder origin, its
    sales or purchase order, or the picking it returns."""

    _name = "stock.picking"
    _inherit = ["stock.picking", "integration.trace.mixin"]

    def _integration_trace_parents(self):
        parents = [self.backorder_id, self.sale_id]
        if "purchase_id" in self._fields:
            parents.append(self.purchase_id)
        if "return_id" in self._fields:
            parents.append(self.return_id)
        return parents

    def _action_done(self):
        result = super()._action_done()
        done = self.filtered(lambda p: p.state == "done")
        done._integration_inherit_trace()
        self.env["integration.odoo.event"]._dispatch("picking.done", done)
        return result

    def send_to_shipper(self):
        """Not under the shipment importer: the carrier's API is never called
        for a shipment a warehouse already made (no label bought, no delivery
        cost added to the order)."""
        if self.env.context.get(NO_CARRIER_API):
            self._message_log(
                body=_("Shipped by the warehouse: no shipment was requested from %s.", self.carrier_id.name)
            )
            return None
        return super().send_to_shipper()

    def _create_backorder(self):
        backorders = super()._create_backorder()
        backorders._integration_inherit_trace()
        self.env["integration.odoo.event"]._dispatch("backorder.created", backorders)
        return backorders
