"""What a provider type the mappers do not know is, for our books.

A line of unknown type stops its payout from being booked (the post event
fails with the types named). A user maps the type to a family here, once
per company and provider (or to *Suspense*: booked to the suspense account
until someone knows better), and replays.
"""

from odoo import api, fields, models

from .integration_backend import PROVIDERS
from .settlement_line import FAMILIES

MAPPABLE = [item for item in FAMILIES if item[0] not in ("unknown", "payout")]


class SettlementTypeMap(models.Model):
    _name = "settlement.type.map"
    _description = "Payment provider transaction type mapping"
    _order = "provider, provider_type"

    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    provider = fields.Selection(PROVIDERS, required=True)
    provider_type = fields.Char(required=True, help="The provider's type as it appears on the line.")
    family = fields.Selection(MAPPABLE, required=True)

    _sql_constraints = [
        (
            "type_uniq",
            "unique(company_id, provider, provider_type)",
            "A provider type is mapped once per company.",
        )
    ]

    @api.model
    def _families(self):
        """{(company id, provider, provider type): family}."""
        return {(m.company_id.id, m.provider, m.provider_type): m.family for m in self.search([])}

    @api.model_create_multi
    def create(self, vals_list):
        maps = super().create(vals_list)
        maps._refresh_lines()
        return maps

    def write(self, vals):
        result = super().write(vals)
        self._refresh_lines()
        return result

    def _refresh_lines(self):
        """Lines of a newly mapped type take their family (and are matched again)."""
        Line = self.env["settlement.line"].sudo()
        for mapping in self:
            lines = Line.search(
                [
                    ("company_id", "=", mapping.company_id.id),
                    ("provider", "=", mapping.provider),
                    ("provider_type", "=", mapping.provider_type),
                    ("mapped_family", "=", "unknown"),
                ]
            )
            if lines:
                lines._compute_family()
                lines._match_transactions()
