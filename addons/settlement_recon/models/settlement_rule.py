"""Matching rules learned from the matches users accepted.

:meth:`_learn` runs lib/matching's ``learn_rules`` on the company's
accepted matches and keeps one record per rule key (learning again
updates the support, never the ``confirmed`` flag). An unconfirmed rule
only makes suggestions; an accounting manager confirms it and from then on
the matching may use it automatically.
"""

from odoo import _, api, fields, models
from odoo.exceptions import AccessError

from ..lib import matching

KINDS = [("counterparty", "Counterparty"), ("date_lag", "Booking lag")]


class SettlementRule(models.Model):
    _name = "settlement.rule"
    _description = "Learned bank matching rule"
    _order = "confirmed desc, support desc, id"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name")
    key = fields.Char(required=True, readonly=True, index=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    kind = fields.Selection(KINDS, required=True, readonly=True)
    provider = fields.Char(readonly=True)
    counterparty_iban = fields.Char(readonly=True)
    counterparty_name = fields.Char(readonly=True)
    remittance_tokens = fields.Char(readonly=True, help="Words every remittance of the examples had.")
    lag_days = fields.Integer(readonly=True, help="Business days from the payout's arrival to the booking.")
    support = fields.Integer(readonly=True, help="Accepted matches that agree with the rule.")
    confirmed = fields.Boolean(
        readonly=True, help="Confirmed rules match automatically; the others only suggest."
    )
    active = fields.Boolean(default=True)

    _sql_constraints = [("key_uniq", "unique(company_id, key)", "A rule is learned once per company.")]

    def write(self, vals):
        if not self.env.su and set(vals) - {"active"}:
            raise AccessError(_("Rules are learned from accepted matches; confirm them with the button."))
        return super().write(vals)

    def _compute_name(self):
        for rule in self:
            if rule.kind == "date_lag":
                rule.name = _(
                    "%(provider)s booked %(days)s business days after arrival",
                    provider=rule.provider,
                    days=rule.lag_days,
                )
            else:
                rule.name = _(
                    "%(provider)s pays from %(who)s",
                    provider=rule.provider,
                    who=rule.counterparty_iban or rule.counterparty_name,
                )

    def _check_manager(self):
        if self.env.su:
            return
        if not self.env.user.has_group("account.group_account_manager"):
            raise AccessError(_("Only accounting managers confirm matching rules."))
        self.check_access_rights("write")
        self.check_access_rule("write")

    def action_confirm(self):
        self._check_manager()
        self.sudo().write({"confirmed": True})
        return True

    def action_unconfirm(self):
        self._check_manager()
        self.sudo().write({"confirmed": False})
        return True

    @api.model
    def _matching_rules(self, company):
        """The company's active rules as lib/matching's Rule records."""
        return [
            matching.Rule(
                key=rule.key,
                kind=rule.kind,
                provider=rule.provider,
                counterparty_iban=rule.counterparty_iban or None,
                counterparty_name=rule.counterparty_name or None,
                remittance_tokens=tuple((rule.remittance_tokens or "").split()),
                lag_days=rule.lag_days if rule.kind == "date_lag" else None,
                support=rule.support,
                confirmed=rule.confirmed,
            )
            for rule in self.sudo().search([("company_id", "=", company.id)])
        ]

    @api.model
    def _learn(self, company):
        """Learn from the company's accepted matches; returns the rules."""
        matches = (
            self.env["settlement.match"]
            .sudo()
            .search([("company_id", "=", company.id), ("state", "=", "accepted")])
        )
        examples = []
        for match in matches:
            lines = [line._matching_line() for line in match.bank_line_ids]
            examples.extend((payout._matching_payout(), lines) for payout in match.payout_ids)
        Rule = self.sudo().with_context(active_test=False)
        records = Rule.browse()
        for learned in matching.learn_rules(examples):
            values = {
                "kind": learned.kind,
                "provider": learned.provider,
                "counterparty_iban": learned.counterparty_iban or False,
                "counterparty_name": learned.counterparty_name or False,
                "remittance_tokens": " ".join(learned.remittance_tokens) or False,
                "lag_days": learned.lag_days or 0,
                "support": learned.support,
            }
            record = Rule.search([("company_id", "=", company.id), ("key", "=", learned.key)], limit=1)
            if record:
                record.write(values)
            else:
                record = Rule.create(dict(values, key=learned.key, company_id=company.id))
            records |= record
        return records
