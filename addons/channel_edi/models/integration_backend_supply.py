"""The trading partner profile's settings for the supply-chain documents:
how our ship notices nest their levels (the partner's HL pattern) and the
tolerances of the 3-way match of its invoices (supplier partners)."""

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

HL_PATTERNS = [
    ("S-O-T-P-I", "S-O-T-P-I: shipment, order, pallet, carton, item"),
    ("S-O-P-I", "S-O-P-I: shipment, order, carton, item (pick and pack)"),
    ("S-O-I", "S-O-I: shipment, order, item (no packaging)"),
    ("S-T-O-I", "S-T-O-I: shipment, pallet, order, item (standard pack)"),
]


class IntegrationBackend(models.Model):
    _inherit = "integration.backend"

    edi_hl_pattern = fields.Selection(
        HL_PATTERNS,
        string="Ship notice HL pattern",
        default="S-O-P-I",
        tracking=True,
        help="How the levels of the 856 we send this customer nest, as its guide asks.",
    )
    edi_qty_tolerance_pct = fields.Float(
        string="Quantity tolerance (%)",
        default=0.0,
        help="3-way match of the supplier's invoices: how much more than received may be invoiced "
        "before the bill is held.",
    )
    edi_price_tolerance_pct = fields.Float(
        string="Price tolerance (%)",
        default=2.0,
        help="3-way match: how much above the purchase order's unit price an invoiced price may be "
        "before the bill is held.",
    )

    @api.constrains("edi_qty_tolerance_pct", "edi_price_tolerance_pct")
    def _check_edi_tolerances(self):
        for backend in self:
            for value in (backend.edi_qty_tolerance_pct, backend.edi_price_tolerance_pct):
                if value < 0 or value > 100:
                    raise ValidationError(_("A match tolerance is a percentage from 0 to 100."))
