"""Payouts matched with bank lines: every match recorded with its rule and
score.

:meth:`_run_bank_matching` feeds lib/matching's ``match_bank`` with the
company's booked, unreconciled payouts and its open bank statement lines:

- an AUTOMATIC match is booked at once (the bank line's suspense item
  becomes the payout's in-transit item and is reconciled with it, see
  account_bank_statement_line.py) and recorded in state ``automatic``;
- a SUGGESTION is a record in state ``suggested`` that a billing user
  accepts (booked exactly the same way, a manual match) or rejects; a
  rejected pairing is not suggested again;
- what stays open keeps its reason code (``no_bank_line``,
  ``no_payout_found``...) on the payout or the bank line.

Accepted matches teach ``settlement.rule`` (lib/matching.learn_rules).
"""

import json
from decimal import Decimal

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..lib import matching
from .settlement_payout import _check_user_write

STATES = [
    ("suggested", "Suggested"),
    ("automatic", "Matched automatically"),
    ("accepted", "Accepted"),
    ("rejected", "Rejected"),
]


class SettlementMatch(models.Model):
    _name = "settlement.match"
    _description = "Payout and bank line match"
    _inherit = ["mail.thread"]
    _order = "state_sequence, score desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    state = fields.Selection(
        STATES, required=True, default="suggested", readonly=True, tracking=True, index=True
    )
    state_sequence = fields.Integer(compute="_compute_state_sequence", store=True)
    rule = fields.Char(
        readonly=True, help="The cascade step that made it (reference, subset_n1, learned:...)."
    )
    score = fields.Integer(
        readonly=True, help="How many signals agree (currency, date, amount, reference...)."
    )
    reason = fields.Char(readonly=True)
    payout_ids = fields.Many2many(
        "settlement.payout",
        "settlement_match_payout_rel",
        "match_id",
        "payout_id",
        string="Payouts",
        readonly=True,
    )
    bank_line_ids = fields.Many2many(
        "account.bank.statement.line",
        "settlement_match_bank_line_rel",
        "match_id",
        "line_id",
        string="Bank lines",
        readonly=True,
    )
    currency_id = fields.Many2one("res.currency", readonly=True)
    payout_total = fields.Monetary(currency_field="currency_id", readonly=True)
    bank_total = fields.Monetary(currency_field="currency_id", readonly=True)
    difference = fields.Monetary(currency_field="currency_id", readonly=True, help="Bank minus payouts.")
    difference_kind = fields.Selection(
        [("rounding", "Rounding"), ("fx", "Currency conversion")], readonly=True
    )
    alternatives = fields.Text(readonly=True, help="The other candidates of a suggestion.")
    alternative_count = fields.Integer(readonly=True)
    signature = fields.Char(readonly=True, index=True, help="Payout ids | bank line ids.")
    decided_by = fields.Many2one("res.users", readonly=True)
    decided_at = fields.Datetime(readonly=True)

    def write(self, vals):
        _check_user_write(self, vals, set())
        return super().write(vals)

    @api.depends("payout_ids", "bank_line_ids")
    def _compute_name(self):
        for match in self:
            payouts = ", ".join(match.payout_ids.mapped("name")[:3])
            lines = ", ".join((line.payment_ref or str(line.id))[:40] for line in match.bank_line_ids[:2])
            match.name = f"{payouts} ↔ {lines}"

    @api.depends("state")
    def _compute_state_sequence(self):
        order = {"suggested": 0, "automatic": 1, "accepted": 2, "rejected": 3}
        for match in self:
            match.state_sequence = order.get(match.state, 9)

    # ------------------------------------------------------------------------------
    # running the matching
    # ------------------------------------------------------------------------------

    @api.model
    def _open_payouts(self, company):
        return (
            self.env["settlement.payout"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("state", "=", "posted"),
                    ("transit_line_id", "!=", False),
                    ("bank_line_id", "=", False),
                ]
            )
        )

    @api.model
    def _open_bank_lines(self, company):
        return (
            self.env["account.bank.statement.line"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("journal_id.type", "=", "bank"),
                    ("is_reconciled", "=", False),
                    ("state", "=", "posted"),
                    ("amount", "!=", 0),
                ]
            )
        )

    @api.model
    def _match_config(self, company):
        """Tolerances from the provider accounts (the largest per currency)."""
        tolerance = {}
        accounts = self.env["settlement.provider.account"].sudo().search([("company_id", "=", company.id)])
        for account in accounts:
            code = account.currency_id.name
            limit = Decimal(str(account.rounding_tolerance or 0))
            tolerance[code] = max(tolerance.get(code, Decimal(0)), limit)
        return matching.MatchConfig(rounding_tolerance=tolerance)

    @api.model
    def _run_bank_matching(self, company):
        """Match the company's open payouts and bank lines (see the module
        doc). Returns {"automatic": n, "suggested": n, "unmatched": n}."""
        self = self.sudo().with_company(company)
        payouts = self._open_payouts(company)
        lines = self._open_bank_lines(company)
        if not payouts and not lines:
            return {"automatic": 0, "suggested": 0, "unmatched": 0}
        result = matching.match_bank(
            [payout._matching_payout() for payout in payouts],
            [line._matching_line() for line in lines],
            rules=self.env["settlement.rule"]._matching_rules(company),
            config=self._match_config(company),
        )
        Payout, Line = self.env["settlement.payout"].sudo(), self.env["account.bank.statement.line"].sudo()
        # suggestions of an earlier run are made again from what is open now
        self.search([("company_id", "=", company.id), ("state", "=", "suggested")]).unlink()
        rejected = set(
            self.search([("company_id", "=", company.id), ("state", "=", "rejected")]).mapped("signature")
        )
        counts = {"automatic": 0, "suggested": 0, "unmatched": len(result.unmatched)}
        suggested_payouts, suggested_lines = Payout, Line
        for match in result.matches:
            match_payouts = Payout.browse([int(key) for key in match.left_keys])
            match_lines = Line.browse([int(key) for key in match.right_keys])
            values = self._values_of(company, match, match_payouts, match_lines)
            if match.automatic:
                try:
                    with self.env.cr.savepoint():
                        match_lines._settlement_reconcile(
                            match_payouts, float(match.difference), match.difference_kind
                        )
                        self.create(dict(values, state="automatic"))
                    counts["automatic"] += 1
                    continue
                except UserError as exc:  # booked or changed meanwhile: offered instead
                    values["reason"] = str(exc)[:200]
            if values["signature"] in rejected:
                continue
            self.create(dict(values, state="suggested"))
            suggested_payouts |= match_payouts
            suggested_lines |= match_lines
            counts["suggested"] += 1
        self._write_reasons(result, payouts, lines, suggested_payouts, suggested_lines)
        return counts

    @api.model
    def _values_of(self, company, match, payouts, lines):
        currency = (lines[:1].currency_id or payouts[:1].currency_id) or company.currency_id
        alternatives = [
            {"payouts": payout_names, "bank_lines": line_names}
            for payout_names, line_names in (
                (
                    self.env["settlement.payout"].browse([int(k) for k in left]).mapped("name"),
                    [
                        line.payment_ref or str(line.id)
                        for line in self.env["account.bank.statement.line"].browse([int(k) for k in right])
                    ],
                )
                for left, right in match.alternatives
            )
        ]
        return {
            "company_id": company.id,
            "rule": match.rule,
            "score": match.score,
            "reason": match.reason or False,
            "payout_ids": [(6, 0, payouts.ids)],
            "bank_line_ids": [(6, 0, lines.ids)],
            "currency_id": currency.id,
            "payout_total": sum(payouts.mapped("amount")),
            "bank_total": sum(lines.mapped("amount")),
            "difference": float(match.difference),
            "difference_kind": match.difference_kind or False,
            "alternatives": json.dumps(alternatives, indent=1) if alternatives else False,
            "alternative_count": len(alternatives),
            "signature": _signature(payouts, lines),
        }

    @api.model
    def _write_reasons(self, result, payouts, lines, suggested_payouts, suggested_lines):
        """The reason code of everything still open after this run."""
        payouts = payouts.exists()
        lines = lines.exists()
        reasons = {item.key: item for item in result.unmatched}
        for payout in payouts.filtered(lambda p: p.state == "posted"):
            item = reasons.get(str(payout.id))
            if payout in suggested_payouts:
                payout.write({"bank_reason": "suggested", "bank_reason_detail": False})
            elif item:
                code = (
                    item.reason_code if item.reason_code in ("no_bank_line", "not_paid") else "no_bank_line"
                )
                payout.write({"bank_reason": code, "bank_reason_detail": item.detail or False})
        for line in lines.filtered(lambda item: not item.is_reconciled):
            item = reasons.get(str(line.id))
            if line in suggested_lines:
                line.write({"settlement_reason": "suggested", "settlement_reason_detail": False})
            elif item:
                line.write(
                    {"settlement_reason": "no_payout_found", "settlement_reason_detail": item.detail or False}
                )

    # ------------------------------------------------------------------------------
    # user actions (checked here: they are callable over RPC)
    # ------------------------------------------------------------------------------

    def _check_finance(self):
        if self.env.su:
            return
        if not self.env.user.has_group("account.group_account_invoice"):
            raise AccessError(_("Only billing and accounting users decide on bank matches."))
        self.check_access_rights("write")
        self.check_access_rule("write")

    def action_accept(self):
        """Book the suggestions (a manual match each) and learn from them."""
        self._check_finance()
        decided = self.env.user
        for match in self.sudo().filtered(lambda m: m.state == "suggested"):
            for payout in match.payout_ids:
                if payout.state != "posted" or payout.bank_line_id:
                    raise UserError(_("Payout %s is matched already: run the matching again.", payout.name))
            match.bank_line_ids._settlement_reconcile(
                match.payout_ids, match.difference, match.difference_kind or None
            )
            match.write({"state": "accepted", "decided_by": decided.id, "decided_at": fields.Datetime.now()})
            # the other suggestions of the same payouts or lines are answered by this one
            (
                self.sudo().search(
                    [
                        ("state", "=", "suggested"),
                        ("id", "!=", match.id),
                        "|",
                        ("payout_ids", "in", match.payout_ids.ids),
                        ("bank_line_ids", "in", match.bank_line_ids.ids),
                    ]
                )
            ).unlink()
        for company in self.sudo().mapped("company_id"):
            self.env["settlement.rule"].sudo()._learn(company)
        return True

    def action_reject(self):
        self._check_finance()
        matches = self.sudo().filtered(lambda m: m.state == "suggested")
        matches.write(
            {"state": "rejected", "decided_by": self.env.user.id, "decided_at": fields.Datetime.now()}
        )
        for match in matches:
            match.payout_ids.filtered(lambda p: p.bank_reason == "suggested").write(
                {"bank_reason": "no_bank_line"}
            )
            match.bank_line_ids.filtered(lambda line: line.settlement_reason == "suggested").write(
                {"settlement_reason": "no_payout_found"}
            )
        return True

    @api.model
    def action_run_matching(self):
        """Match the open payouts and bank lines of the user's current company."""
        self._check_finance()
        counts = self._run_bank_matching(self.env.company)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Bank matching"),
                "message": _(
                    "%(automatic)s matched, %(suggested)s suggested, %(unmatched)s still open.", **counts
                ),
                "type": "info",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }


def _signature(payouts, lines):
    return "|".join((",".join(map(str, sorted(payouts.ids))), ",".join(map(str, sorted(lines.ids)))))
