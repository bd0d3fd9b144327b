from odoo import models

from . import integration_trace_mixin  # noqa: F401  (the mixin is defined before its heirs)


class AccountMove(models.Model):
    """Invoice posted, dispatched once for every channel. An invoice derives
    its trace from its sales or purchase orders, a credit note from the
    invoice it reverses."""

    _name = "account.move"
    _inherit = ["account.move", "integration.trace.mixin"]

    def _integration_trace_parents(self):
        if not self.is_invoice(include_receipts=True):
            return []  # journal entries (stock valuation...) are not part of a trace
        lines = self.invoice_line_ids
        parents = [self.reversed_entry_id]
        if "sale_line_ids" in lines._fields:
            parents.append(lines.sale_line_ids.order_id)
        if "purchase_line_id" in lines._fields:
            parents.append(lines.purchase_line_id.order_id)
        return parents

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        invoices = posted.filtered(lambda m: m.is_invoice(include_receipts=True))
        invoices._integration_inherit_trace()
        self.env["integration.odoo.event"]._dispatch("invoice.posted", invoices)
        return posted
