from odoo import api, models


class ProductPricelistItem(models.Model):
    """Pricelist rules created, changed or deleted, dispatched once for
    every channel as ``pricelist.changed`` with the pricelists concerned (a
    channel recomputes the prices those pricelists give and sends what
    differs)."""

    _inherit = "product.pricelist.item"

    @api.model_create_multi
    def create(self, vals_list):
        items = super().create(vals_list)
        self._dispatch_pricelists(items.pricelist_id)
        return items

    def write(self, vals):
        pricelists = self.pricelist_id
        result = super().write(vals)
        self._dispatch_pricelists(pricelists | self.pricelist_id)
        return result

    def unlink(self):
        pricelists = self.pricelist_id
        result = super().unlink()
        self._dispatch_pricelists(pricelists.exists())
        return result

    def _dispatch_pricelists(self, pricelists):
        if pricelists:
            self.env["integration.odoo.event"]._dispatch("pricelist.changed", pricelists)


class ProductPricelist(models.Model):
    """A pricelist's currency changed: every price it gives changed."""

    _inherit = "product.pricelist"

    def write(self, vals):
        result = super().write(vals)
        if "currency_id" in vals:
            self.env["integration.odoo.event"]._dispatch("pricelist.changed", self)
        return result
