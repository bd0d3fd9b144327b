from odoo import fields, models


class IntegrationTaxMap(models.Model):
    """A remote tax (title and rate) <-> an Odoo sales tax. Without a mapping
    the importer looks for a sales tax of the same rate and price inclusion."""

    _name = "integration.tax.map"
    _description = "Integration Tax Mapping"
    _order = "backend_id, title, rate"

    backend_id = fields.Many2one("integration.backend", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="backend_id.company_id", store=True)
    title = fields.Char(required=True, help="Tax title as the remote system sends it, e.g. 'State Tax'.")
    rate = fields.Float(digits=(16, 6), help="As a fraction: 0.06 for 6 %. Leave 0 to match any rate.")
    tax_id = fields.Many2one(
        "account.tax", required=True, domain="[('type_tax_use', '=', 'sale')]", check_company=True
    )
