from odoo import fields, models


class IntegrationLocationMap(models.Model):
    """A remote location (Shopify location, 3PL site...) <-> an Odoo warehouse.
    Routes imported orders and scopes stock exports."""

    _name = "integration.location.map"
    _description = "Integration Location Mapping"
    _order = "backend_id, location_code"

    backend_id = fields.Many2one("integration.backend", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="backend_id.company_id", store=True)
    location_code = fields.Char(string="Remote location", required=True)
    location_name = fields.Char(string="Remote name")
    warehouse_id = fields.Many2one("stock.warehouse", required=True, check_company=True)
    export_stock = fields.Boolean(default=True, help="Push this warehouse's stock to the remote location.")

    _sql_constraints = [
        ("code_unique", "unique(backend_id, location_code)", "A remote location is mapped once per backend."),
    ]
