from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class TplProductMap(models.Model):
    """How one product is known at one 3PL: its SKU there and the unit the
    warehouse counts it in (a case of 12 where Odoo counts units).

    A product without a map is sent under its internal reference, counted
    in its own unit."""

    _name = "tpl.product.map"
    _inherit = "tpl.backend.mixin"
    _description = "3PL product map"
    _order = "backend_id, tpl_sku"

    product_id = fields.Many2one(
        "product.product", required=True, ondelete="cascade", index=True, check_company=True
    )
    tpl_sku = fields.Char(string="3PL SKU", required=True, help="The SKU the warehouse knows the product by.")
    tpl_uom = fields.Char(
        string="3PL unit", default="EA", help="The unit code the warehouse counts in (EA, CS...)."
    )
    units_per_tpl_uom = fields.Float(
        string="Units per 3PL unit",
        default=1.0,
        digits="Product Unit of Measure",
        help="How many of the product's own unit one 3PL unit holds (12 for a case of 12).",
    )

    _sql_constraints = [
        ("product_unique", "unique(backend_id, product_id)", "A product has one map per 3PL."),
        ("sku_unique", "unique(backend_id, tpl_sku)", "A 3PL SKU maps to one product."),
    ]

    @api.constrains("units_per_tpl_uom")
    def _check_units(self):
        for row in self:
            if row.units_per_tpl_uom <= 0:
                raise ValidationError(_("Units per 3PL unit must be positive (%s).", row.tpl_sku))
