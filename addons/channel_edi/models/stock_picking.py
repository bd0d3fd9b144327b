from odoo import fields, models


class StockPicking(models.Model):
    """What EDI adds to a transfer: the supplier's ship notice a receipt was
    prepared from, and the SSCCs our delivery's cartons carry."""

    _inherit = "stock.picking"

    edi_asn_reference = fields.Char(
        string="Ship notice", copy=False, readonly=True, help="The supplier's 856 shipment id (BSN02)."
    )
    edi_asn_received_at = fields.Datetime(string="Ship notice received", copy=False, readonly=True)
    edi_sscc_ids = fields.One2many("trading.partner.sscc", "picking_id", string="SSCCs", readonly=True)
    edi_sscc_count = fields.Integer(compute="_compute_edi_sscc_count", string="SSCC labels")

    def _compute_edi_sscc_count(self):
        counts = dict(
            self.env["trading.partner.sscc"]
            .sudo()
            ._read_group([("picking_id", "in", self.ids)], ["picking_id"], ["__count"])
        )
        for picking in self:
            picking.edi_sscc_count = counts.get(picking, 0)
