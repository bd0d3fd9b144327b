from odoo import models


class ProductTemplate(models.Model):
    """Sales prices changed, dispatched once for every channel: the event's
    records are the variants of the templates whose ``list_price`` changed
    (a variant's ``lst_price`` is the template's plus its attribute extras,
    written through the template)."""

    _inherit = "product.template"

    def write(self, vals):
        if "list_price" not in vals:
            return super().write(vals)
        before = {template.id: template.list_price for template in self}
        result = super().write(vals)
        changed = self.filtered(lambda t: t.list_price != before.get(t.id))
        if changed:
            self.env["integration.odoo.event"]._dispatch(
                "product.price_changed", changed.with_context(active_test=False).product_variant_ids
            )
        return result
