from odoo import fields, models


class TplCarrierMap(models.Model):
    """A shipping method of Odoo as the 3PL knows it: its carrier/service
    code (ShipBob shipping method, 940 W66 routing) and the carrier's SCAC."""

    _name = "tpl.carrier.map"
    _inherit = "tpl.backend.mixin"
    _description = "3PL carrier map"
    _order = "backend_id, tpl_code"

    carrier_id = fields.Many2one("delivery.carrier", string="Shipping method", ondelete="cascade")
    tpl_code = fields.Char(string="3PL code", required=True, help="e.g. ShipBob's 'Standard', 'UPS Ground'.")
    scac = fields.Char(string="SCAC", size=4, help="Standard Carrier Alpha Code, e.g. UPSN, FDEG.")
    service = fields.Char(help="The carrier's service level, e.g. GROUND.")

    _sql_constraints = [
        ("code_unique", "unique(backend_id, tpl_code)", "A 3PL code maps once per 3PL."),
    ]
