from odoo import fields, models


class TplCarrierMap(models.Model):
    """A shipping method of Odoo as the 3PL knows it: its carrier/service
    code (ShipBob shipping method, 940 W66 routing) and the carrier's SCAC."""

    _name = "tpl.carrier.map"
    _description = "3PL carrier map"
    _order = "backend_id, tpl_code"
    _check_company_auto = True

    backend_id = fields.Many2one(
        "integration.backend",
        string="3PL",
        required=True,
        ondelete="cascade",
        index=True,
        domain=[("backend_type", "=", "tpl")],
        check_company=True,
    )
    company_id = fields.Many2one(related="backend_id.company_id", store=True, index=True)
    carrier_id = fields.Many2one("delivery.carrier", string="Shipping method", ondelete="cascade")
    tpl_code = fields.Char(string="3PL code", required=True, help="e.g. ShipBob's 'Standard', 'UPS Ground'.")
    scac = fields.Char(string="SCAC", size=4, help="Standard Carrier Alpha Code, e.g. UPSN, FDEG.")
    service = fields.Char(help="The carrier's service level, e.g. GROUND.")

    _sql_constraints = [
        ("code_unique", "unique(backend_id, tpl_code)", "A 3PL code maps once per 3PL."),
    ]
