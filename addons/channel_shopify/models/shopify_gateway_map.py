from odoo import fields, models


class ShopifyGatewayMap(models.Model):
    """A Shopify payment gateway (e.g. 'shopify_payments', 'Cash on Delivery
    (COD)') and what it means in Odoo."""

    _name = "shopify.gateway.map"
    _description = "Shopify Payment Gateway Mapping"
    _order = "backend_id, gateway"

    backend_id = fields.Many2one("integration.backend", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="backend_id.company_id", store=True)
    gateway = fields.Char(required=True, help="As Shopify names it in payment_gateway_names.")
    confirm_order = fields.Boolean(
        string="Confirm unpaid orders",
        help="Confirm orders paid with this gateway even while payment is pending (e.g. cash on delivery).",
    )

    _sql_constraints = [
        ("gateway_unique", "unique(backend_id, gateway)", "A gateway is mapped once per backend."),
    ]
