from odoo import fields, models

REASONS = [
    ("late_asn", "ASN late"),
    ("missing_asn", "ASN missing"),
    ("asn_mismatch", "ASN does not match the goods"),
    ("late_ship", "Shipped late"),
    ("short_ship", "Short shipment"),
    ("label", "Carton label non-compliant"),
    ("invoice", "Invoice error"),
    ("late_ack", "Acknowledgement late"),
    ("other", "Other"),
]


class TradingPartnerChargeback(models.Model):
    """A customer partner's chargeback: what a retailer deducted from a
    payment for a compliance miss, and what we did about it."""

    _name = "trading.partner.chargeback"
    _description = "EDI chargeback"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"

    name = fields.Char(string="Reference", required=True, tracking=True)
    backend_id = fields.Many2one(
        "integration.backend",
        string="Trading partner",
        required=True,
        index=True,
        domain=[("backend_type", "=", "edi")],
    )
    company_id = fields.Many2one(related="backend_id.company_id", store=True, index=True)
    date = fields.Date(required=True, default=fields.Date.context_today)
    reason = fields.Selection(REASONS, required=True, tracking=True)
    amount = fields.Monetary(required=True, tracking=True)
    currency_id = fields.Many2one(
        "res.currency", required=True, default=lambda self: self.env.company.currency_id
    )
    sale_id = fields.Many2one("sale.order", string="Sale order", check_company=True)
    picking_id = fields.Many2one("stock.picking", string="Delivery", check_company=True)
    document_id = fields.Many2one("trading.partner.document", string="EDI document")
    state = fields.Selection(
        [("open", "Open"), ("disputed", "Disputed"), ("accepted", "Accepted"), ("recovered", "Recovered")],
        default="open",
        required=True,
        tracking=True,
    )
    notes = fields.Text()
