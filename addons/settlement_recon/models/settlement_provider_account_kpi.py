"""How well a provider's money is explained: the settlement KPIs.

Per provider and currency (the provider account):
- the auto-match rate of its charges and refunds, by count and by value;
- the share of booked payouts reconciled with a bank line;
- the clearing account's residual, and the age of its oldest open item
  (a clearing account that does not return to zero means money the provider
  took has not reached the bank, or a line is unexplained);
- the unmatched lines and the age of the oldest.
The backend's alert cron (integration_core's ``_cron_check_alerts``) raises
an activity when a clearing item stays open longer than the account's
``clearing_alert_days``.
"""

from odoo import _, fields, models

ORDER_FAMILIES = ("charge", "refund")


class SettlementProviderAccount(models.Model):
    _inherit = "settlement.provider.account"

    line_count = fields.Integer(compute="_compute_kpis", string="Order lines")
    auto_match_rate = fields.Float(compute="_compute_kpis", string="Auto-matched (count %)", digits=(5, 1))
    auto_match_value_rate = fields.Float(
        compute="_compute_kpis", string="Auto-matched (value %)", digits=(5, 1)
    )
    unmatched_count = fields.Integer(compute="_compute_kpis", string="Unmatched lines")
    oldest_unmatched_days = fields.Integer(compute="_compute_kpis", string="Oldest unmatched (days)")
    payout_count = fields.Integer(compute="_compute_kpis", string="Booked payouts")
    bank_reconciled_rate = fields.Float(
        compute="_compute_kpis", string="Reconciled with the bank (%)", digits=(5, 1)
    )
    clearing_residual = fields.Monetary(compute="_compute_kpis", currency_field="company_currency_id")
    company_currency_id = fields.Many2one(related="company_id.currency_id")
    clearing_open_days = fields.Integer(compute="_compute_kpis", string="Oldest open clearing item (days)")
    clearing_alert = fields.Boolean(compute="_compute_kpis")

    def _compute_kpis(self):
        today = fields.Date.context_today(self)
        Line = self.env["settlement.line"]
        Payout = self.env["settlement.payout"]
        MoveLine = self.env["account.move.line"]
        for record in self:
            scope = [("backend_id", "=", record.backend_id.id), ("currency_id", "=", record.currency_id.id)]
            order_lines = Line.search(scope + [("family", "in", ORDER_FAMILIES)])
            matched = order_lines.filtered(lambda line: line.match_state == "matched")
            record.line_count = len(order_lines)
            record.auto_match_rate = 100.0 * len(matched) / len(order_lines) if order_lines else 0.0
            total_value = sum(abs(v) for v in order_lines.mapped("amount"))
            record.auto_match_value_rate = (
                100.0 * sum(abs(v) for v in matched.mapped("amount")) / total_value if total_value else 0.0
            )
            unmatched = Line.search(scope + [("match_state", "=", "unmatched")], order="created_at asc")
            record.unmatched_count = len(unmatched)
            oldest = unmatched[:1].created_at
            record.oldest_unmatched_days = (today - oldest.date()).days if oldest else 0
            booked = Payout.search_count(scope + [("state", "in", ("posted", "reconciled"))])
            reconciled = Payout.search_count(scope + [("state", "=", "reconciled")])
            record.payout_count = booked
            record.bank_reconciled_rate = 100.0 * reconciled / booked if booked else 0.0
            clearing = record.clearing_account_id
            if clearing:
                items = MoveLine.search([("account_id", "=", clearing.id), ("parent_state", "=", "posted")])
                record.clearing_residual = sum(items.mapped("balance"))
                open_items = items.filtered(lambda item: not item.reconciled)
                first = min(open_items.mapped("date")) if open_items else None
                record.clearing_open_days = (today - first).days if first else 0
            else:
                record.clearing_residual = 0.0
                record.clearing_open_days = 0
            record.clearing_alert = bool(
                record.clearing_alert_days and record.clearing_open_days > record.clearing_alert_days
            )

    def action_open_unmatched(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "settlement_recon.settlement_line_action_unmatched"
        )
        action["domain"] = [
            ("backend_id", "=", self.backend_id.id),
            ("currency_id", "=", self.currency_id.id),
        ]
        return action


class IntegrationBackend(models.Model):
    _inherit = "integration.backend"

    def _alert_problems(self):
        problems = super()._alert_problems()
        for accounts in self.settlement_account_ids.filtered("clearing_alert"):
            problems.append(
                _(
                    "%(accounts)s: a clearing item has been open for %(days)s days (alert after %(limit)s); "
                    "residual %(residual)s.",
                    accounts=accounts.display_name,
                    days=accounts.clearing_open_days,
                    limit=accounts.clearing_alert_days,
                    residual=accounts.clearing_residual,
                )
            )
        return problems
