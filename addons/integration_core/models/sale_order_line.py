from odoo import fields, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    integration_external_id = fields.Char(
        string="Remote line id",
        copy=False,
        index="btree_not_null",
        help="Id of this line in the system the order came from (fulfilments refer to it).",
    )
