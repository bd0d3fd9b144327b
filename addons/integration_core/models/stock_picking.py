from odoo import models

from . import integration_trace_mixin  # noqa: F401  (the mixin is defined before its heirs)


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

    def _create_backorder(self):
        backorders = super()._create_backorder()
        backorders._integration_inherit_trace()
        self.env["integration.odoo.event"]._dispatch("backorder.created", backorders)
        return backorders
