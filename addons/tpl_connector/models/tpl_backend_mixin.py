from odoo import fields, models


class TplBackendMixin(models.AbstractModel):
    """A row of one 3PL's configuration (its product, carrier and reason
    maps): the 3PL it belongs to and, from it, the company its record rules
    check."""

    _name = "tpl.backend.mixin"
    _description = "3PL configuration row"
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
