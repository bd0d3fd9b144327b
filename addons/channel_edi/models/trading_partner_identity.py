from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

ENVIRONMENTS = [("any", "Test and production"), ("sandbox", "Test"), ("production", "Production")]


class TradingPartnerIdentity(models.Model):
    """One identity in an envelope: ours or the partner's, at the interchange
    (ISA05/06, ISA07/08, UNB02/03) or group level (GS02/03), for test,
    production or both. A partner may have several (one per division or
    environment); inbound files are matched to the partner by them."""

    _name = "trading.partner.identity"
    _description = "Trading partner identity"
    _order = "backend_id, side, level, sequence, id"

    sequence = fields.Integer(default=10)
    backend_id = fields.Many2one("integration.backend", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="backend_id.company_id", store=True)
    side = fields.Selection([("ours", "Ours"), ("theirs", "Partner's")], required=True, default="theirs")
    level = fields.Selection(
        [("interchange", "Interchange (ISA / UNB)"), ("group", "Group (GS / UNG)")],
        required=True,
        default="interchange",
    )
    qualifier = fields.Char(
        help="ISA05/07 (01 DUNS, 08 UCC, 12 phone, 14 EAN, ZZ mutually defined) or UNB 0007 (14 EAN)."
    )
    identifier = fields.Char(required=True)
    environment = fields.Selection(ENVIRONMENTS, required=True, default="any")

    _sql_constraints = [
        (
            "identity_unique",
            "unique(backend_id, side, level, qualifier, identifier, environment)",
            "This identity is listed twice.",
        )
    ]

    @api.constrains("identifier", "level", "backend_id")
    def _check_identifier(self):
        for identity in self:
            limit = (
                15 if identity.level == "interchange" and identity.backend_id.edi_standard == "X12" else 35
            )
            if len(identity.identifier or "") > limit or not (identity.identifier or "").strip():
                raise ValidationError(
                    _("Identifier %(id)r: 1 to %(limit)s characters.", id=identity.identifier, limit=limit)
                )

    def _pick(self, side, level, environment):
        """The first identity of ``side`` and ``level`` valid in ``environment``."""
        candidates = self.filtered(lambda i: i.side == side and i.level == level)
        exact = candidates.filtered(lambda i: i.environment == environment)
        return (exact or candidates.filtered(lambda i: i.environment == "any"))[:1]

    @api.model
    def _backend_for(self, sender, receiver, company=None):
        """The EDI backend whose partner identity is ``sender`` (a tree.Party)
        and, when it lists one, whose own identity is ``receiver``."""
        domain = [
            ("side", "=", "theirs"),
            ("level", "=", "interchange"),
            ("identifier", "=", sender.id),
            ("backend_id.backend_type", "=", "edi"),
            ("backend_id.active", "=", True),
        ]
        if company:
            domain.append(("company_id", "=", company.id))
        for identity in self.sudo().search(domain):
            if identity.qualifier and sender.qualifier and identity.qualifier != sender.qualifier:
                continue
            ours = identity.backend_id.edi_identity_ids.filtered(
                lambda i: i.side == "ours" and i.level == "interchange"
            )
            if not ours or any(o.identifier == receiver.id for o in ours):
                return identity.backend_id
        return self.env["integration.backend"]
