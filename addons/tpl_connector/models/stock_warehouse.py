from odoo import fields, models


class StockWarehouse(models.Model):
    """A warehouse run by a third party: pick, pack and ship happen there,
    so Odoo keeps one step each way and the 3PL confirms what moved."""

    _inherit = "stock.warehouse"

    tpl_backend_id = fields.Many2one(
        "integration.backend",
        string="Run by 3PL",
        readonly=True,
        copy=False,
        index=True,
        help="The 3PL backend that releases this warehouse's deliveries and receipts.",
    )
