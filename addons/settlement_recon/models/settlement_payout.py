"""A provider's payout, its lines, and its one journal entry.

A payout arrives as a ``payout.import`` event (canonical payout, the
provider's raw records kept on the event and on each line). Importing it
writes the payout and its lines, classifies each line (the user's type
map for a type the mapper did not know), matches charges and refunds to
their order transactions by id, and, once the provider says the payout is
paid, queues ``payout.post``. Posting checks the integrity gate and books
one entry (lib/posting.py); a payout that fails after being booked is
reversed. What cannot be booked fails the post event with its cause: the
exception queue holds it until a user fixes the cause and replays it.
"""

import dataclasses
from datetime import timedelta
from decimal import Decimal

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.integration_core.lib import canonical
from odoo.addons.integration_core.lib.exceptions import PermanentError, StaleUpdate

from ..lib import matching, posting
from .integration_backend import PROVIDERS

STATES = [
    ("waiting", "Waiting"),
    ("to_post", "To book"),
    ("exception", "Exception"),
    ("posted", "Booked"),
    ("reconciled", "Reconciled"),
    ("failed", "Failed"),
    ("reversed", "Reversed"),
]
USER_WRITABLE = {"provider_account_id"}
# a payout's status only moves forward (Stripe: a paid payout may still fail)
STATUS_RANK = {"scheduled": 0, "in_transit": 1, "paid": 2, "failed": 3, "canceled": 3}
STATUSES = [
    ("scheduled", "Scheduled"),
    ("in_transit", "In transit"),
    ("paid", "Paid"),
    ("failed", "Failed"),
    ("canceled", "Canceled"),
]


def _decimal(value):
    return Decimal(str(value)) if value not in (None, False, "") else Decimal(0)


class SettlementPayout(models.Model):
    _name = "settlement.payout"
    _description = "Payment provider payout"
    _inherit = ["mail.thread"]
    _order = "payout_date desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    backend_id = fields.Many2one("integration.backend", required=True, ondelete="restrict", index=True)
    company_id = fields.Many2one(related="backend_id.company_id", store=True, index=True)
    provider = fields.Selection(PROVIDERS, required=True)
    provider_account_id = fields.Many2one("settlement.provider.account", check_company=True)
    external_id = fields.Char(required=True, index=True, string="Provider id")
    status = fields.Selection(STATUSES, required=True, tracking=True, string="Provider status")
    direction = fields.Selection([("credit", "To the bank"), ("debit", "From the bank")], required=True)
    amount = fields.Monetary(currency_field="currency_id", help="Net paid to (or taken from) the bank.")
    currency_id = fields.Many2one("res.currency", required=True)
    created_at = fields.Datetime()
    arrival_date = fields.Date()
    payout_date = fields.Date(compute="_compute_payout_date", store=True, index=True)
    trace_reference = fields.Char(index=True, help="What the bank line carries (trace id, bank reference).")
    bank_account = fields.Char()
    failure_code = fields.Char()
    lines_complete = fields.Boolean(default=True)
    line_ids = fields.One2many("settlement.line", "payout_id", string="Lines")
    line_count = fields.Integer(compute="_compute_totals")
    gross_total = fields.Monetary(currency_field="currency_id", compute="_compute_totals")
    fee_total = fields.Monetary(currency_field="currency_id", compute="_compute_totals")
    lines_net = fields.Monetary(currency_field="currency_id", compute="_compute_totals")
    difference = fields.Monetary(
        currency_field="currency_id",
        compute="_compute_totals",
        help="Payout amount minus the sum of its lines' nets: the integrity gate wants 0.",
    )
    state = fields.Selection(STATES, default="waiting", required=True, tracking=True, index=True)
    exception_reason = fields.Text(readonly=True)
    move_id = fields.Many2one("account.move", string="Journal entry", readonly=True, check_company=True)
    reversal_move_id = fields.Many2one("account.move", readonly=True, check_company=True)
    transit_line_id = fields.Many2one("account.move.line", readonly=True, check_company=True)
    transit_line_ids = fields.Many2many(
        "account.move.line",
        "settlement_payout_transit_rel",
        "payout_id",
        "move_line_id",
        readonly=True,
        string="In-transit items",
        help="What the bank line must clear: one item, or one per month with split at month end.",
    )
    bank_line_id = fields.Many2one("account.bank.statement.line", readonly=True, check_company=True)
    raw = fields.Text(readonly=True, help="The provider's payout record as received.")
    event_id = fields.Many2one("integration.event", readonly=True, string="Last import event")

    _sql_constraints = [
        ("external_uniq", "unique(backend_id, external_id)", "A provider's payout is recorded once."),
    ]

    def write(self, vals):
        _check_user_write(self, vals, USER_WRITABLE)
        return super().write(vals)

    @api.depends("provider", "external_id")
    def _compute_name(self):
        labels = dict(PROVIDERS)
        for payout in self:
            payout.name = f"{labels.get(payout.provider, '')} {payout.external_id or ''}".strip()

    @api.depends("arrival_date", "created_at")
    def _compute_payout_date(self):
        for payout in self:
            payout.payout_date = payout.arrival_date or (payout.created_at and payout.created_at.date())

    @api.depends("line_ids.amount", "line_ids.fee", "line_ids.net", "amount")
    def _compute_totals(self):
        for payout in self:
            lines = payout.line_ids
            payout.line_count = len(lines)
            payout.gross_total = sum(lines.mapped("amount"))
            payout.fee_total = sum(lines.mapped("fee"))
            payout.lines_net = sum(lines.mapped("net"))
            payout.difference = payout.currency_id.round(payout.amount - payout.lines_net)

    # ------------------------------------------------------------------------------
    # import (topic payout.import)
    # ------------------------------------------------------------------------------

    @api.model
    def _import_payout(self, event, data):
        """Write a canonical payout and its lines; queue its booking when
        it is paid, reverse it when it failed after booking."""
        backend = event.backend_id
        self.env["integration.binding"]._lock(backend, self._name, data["external_id"])
        currency = self._currency(data["currency"])
        payout = self.sudo().search(
            [("backend_id", "=", backend.id), ("external_id", "=", data["external_id"])], limit=1
        )
        values = {
            "provider": data["provider"],
            "status": data["status"],
            "direction": data["direction"],
            "amount": float(_decimal(data["amount"])),
            "currency_id": currency.id,
            "created_at": canonical.naive_utc(data.get("created_at")) or False,
            "arrival_date": data.get("arrival_date") or False,
            "trace_reference": data.get("trace_reference") or False,
            "bank_account": data.get("bank_account") or False,
            "failure_code": data.get("failure_code") or False,
            "lines_complete": data.get("lines_complete", True),
            "raw": canonical.dumps(data["raw"]) if data.get("raw") else False,
            "provider_account_id": backend._settlement_account(currency).id,
            "event_id": event.id,
        }
        if payout:
            if STATUS_RANK[data["status"]] < STATUS_RANK[payout.status]:
                raise StaleUpdate(
                    _(
                        "Payout %(payout)s is %(new)s in this (older) version; it is already %(old)s.",
                        payout=payout.name,
                        new=data["status"],
                        old=payout.status,
                    )
                )
            if payout.state in ("posted", "reconciled") and values["amount"] != payout.amount:
                raise PermanentError(
                    _(
                        "Payout %(payout)s is booked for %(old)s; the provider now says %(new)s. "
                        "Reverse the entry first.",
                        payout=payout.name,
                        old=payout.amount,
                        new=values["amount"],
                    )
                )
            payout.write(values)
        else:
            payout = self.sudo().create(dict(values, backend_id=backend.id, external_id=data["external_id"]))
        self.env["settlement.line"]._upsert(backend, data["lines"], payout=payout)
        payout._after_status_change(event)
        return payout

    def _after_status_change(self, event=None):
        """What the provider's status means for our books now."""
        for payout in self:
            if payout.status in ("failed", "canceled"):
                if payout.state in ("posted", "reconciled"):
                    payout._reverse()
                elif payout.state not in ("reversed",):
                    payout.state = "failed"
            elif payout.status == "paid" and payout.state in ("waiting", "exception", "to_post", "failed"):
                payout.state = "to_post"
                payout.backend_id._enqueue_topic(
                    "payout.post",
                    {"payout_id": payout.id},
                    key=f"payout.post:{payout.id}:{payout.write_date}",
                    res_record=payout,
                    parent=event,
                )

    # ------------------------------------------------------------------------------
    # posting (topic payout.post)
    # ------------------------------------------------------------------------------

    @api.model
    def _post_from_event(self, event, payload):
        payout = self.sudo().browse(payload.get("payout_id")).exists()
        if not payout or payout.backend_id != event.backend_id:
            raise PermanentError(_("The payout to book no longer exists."))
        payout._post()
        return payout

    def _integration_event_outcome(self, event, outcome):
        """A booking that failed leaves the payout in exception with the
        event's cause (the event stays in the exception queue for replay)."""
        if event.topic != "payout.post":
            return
        if outcome == "failed" and self.state == "to_post":
            self.sudo().write({"state": "exception", "exception_reason": event.error_message})

    def _post(self):
        """Book the payout: one entry in the provider's settlement journal
        (clearing mode), or a transfer from the wallet (wallet mode)."""
        self.ensure_one()
        if self.state in ("posted", "reconciled"):
            return self.move_id
        if self.status != "paid":
            raise PermanentError(_("Payout %s is not paid yet: nothing to book.", self.name))
        if not self.lines_complete:
            raise PermanentError(_("Payout %s: the provider's lines could not all be read yet.", self.name))
        accounts = self.provider_account_id or self.backend_id._settlement_account(self.currency_id)
        if not accounts or not accounts.journal_id:
            raise PermanentError(
                _(
                    "%(backend)s has no settlement journal for %(currency)s: add it in Settlement > "
                    "Configuration > Provider accounts, then replay.",
                    backend=self.backend_id.name,
                    currency=self.currency_id.name,
                )
            )
        if self.backend_id.settlement_mode == "wallet" and not self.line_ids:
            planned = [
                posting.PlannedLine("transit", _decimal(self.amount), _("%s withdrawn", self.name)),
                posting.PlannedLine("wallet", -_decimal(self.amount), _("%s withdrawn", self.name)),
            ]
            moves = self._create_move(accounts, planned)
        else:
            lines = self.line_ids
            lines._check_bookable()
            gate = matching.check_payout(
                dataclasses.replace(
                    self._matching_payout(), lines=tuple(line._matching_line() for line in lines)
                )
            )
            if not gate.ok:
                unexplained = _("%s unexplained: ", gate.difference) if gate.difference else ""
                raise posting.IntegrityGateFailed(unexplained + gate.detail)
            lines._ensure_captures(accounts)
            moves = self.env["account.move"]
            for date, group in self._entry_groups(accounts, lines):
                views = group._posting_views()
                planned = posting.plan_payout_entry(
                    sum((view["net"] for view in views), Decimal(0)),
                    views,
                    decimals=self.currency_id.decimal_places,
                    label=self.name,
                )
                moves |= self._book(accounts, accounts.journal_id, self.currency_id, date, self.name, planned)
        move = moves.sorted("date")[-1:]
        self.write(
            {
                "move_id": move.id,
                "state": "posted",
                "exception_reason": False,
                "provider_account_id": accounts.id,
            }
        )
        transit = moves.line_ids.filtered(lambda line: line.account_id == accounts.transit_account_id)
        self.transit_line_ids = transit
        self.transit_line_id = transit.filtered(lambda line: line.move_id == move)[:1] or transit[:1]
        self.line_ids._reconcile_captures()
        return move

    def _entry_groups(self, accounts, lines):
        """[(date, lines)]: one entry on the payout date; with *split at
        month end*, the lines of each earlier month in an entry of their own
        on that month's last day (fees and disputes in the month they
        happened), each balanced on the in-transit account."""
        date = self.payout_date or fields.Date.context_today(self)
        if not accounts.split_at_month_end:
            return [(date, lines)]
        first = date.replace(day=1)
        by_date = {}
        for line in lines:
            day = line.created_at.date() if line.created_at else date
            key = _month_end(day) if day < first else date
            by_date[key] = by_date.get(key, self.env["settlement.line"]) | line
        return sorted(by_date.items())

    def _create_move(self, accounts, planned):
        return self._book(
            accounts,
            accounts.journal_id,
            self.currency_id,
            self.payout_date or fields.Date.context_today(self),
            self.name,
            planned,
        )

    @api.model
    def _book(self, accounts, journal, currency, date, ref, planned, other_accounts=None):
        """Post an account.move from planned lines (lib/posting.py, in
        ``currency``), converted to the company currency; the in-transit
        (or wallet) item takes the conversion's rounding so that the entry
        balances exactly. Each item links the settlement lines it books and
        carries its partner (``partner_key``). A role that is none of the
        provider account's (a capture's receivable) is in ``other_accounts``."""
        company = accounts.company_id
        other_accounts = dict(other_accounts or {}, wallet=accounts.wallet_account_id)
        values = []
        for item in planned:
            account = (
                other_accounts[item.role] if item.role in other_accounts else accounts._account(item.role)
            )
            if not account:
                raise UserError(
                    _("%(accounts)s has no %(role)s account.", accounts=accounts.display_name, role=item.role)
                )
            amount = float(item.amount)
            values.append(
                {
                    "name": item.label,
                    "account_id": account.id,
                    "currency_id": currency.id,
                    "amount_currency": amount,
                    "balance": currency._convert(amount, company.currency_id, company, date),
                    "partner_id": item.partner_key or False,
                    # the drill-down from the journal item to the provider's lines
                    "settlement_line_ids": [(6, 0, list(item.line_keys))],
                }
            )
        rounding = company.currency_id.round(sum(v["balance"] for v in values))
        if rounding:
            anchor = {accounts.transit_account_id.id, accounts.wallet_account_id.id}
            target = next((v for v in values if v["account_id"] in anchor), values[-1])
            target["balance"] -= rounding
        move = (
            self.env["account.move"]
            .sudo()
            .with_company(company)
            .create(
                {
                    "move_type": "entry",
                    "journal_id": journal.id,
                    "date": date,
                    "ref": ref,
                    "line_ids": [(0, 0, v) for v in values],
                }
            )
        )
        move.action_post()
        return move

    def _reverse(self):
        """The provider says the payout failed after we booked it: reverse
        the entry (the money is back in the provider balance)."""
        for payout in self:
            move = payout.move_id
            if payout.bank_line_id:
                raise PermanentError(
                    _(
                        "Payout %s failed but is reconciled with a bank line: unreconcile it first.",
                        payout.name,
                    )
                )
            reversal = move._reverse_moves(
                [
                    {
                        "ref": _(
                            "Reversal of %(ref)s (payout failed: %(code)s)",
                            ref=move.ref,
                            code=payout.failure_code or "-",
                        ),
                        "date": fields.Date.context_today(payout),
                    }
                ],
                cancel=True,
            )
            payout.write({"reversal_move_id": reversal.id, "state": "reversed"})

    # ------------------------------------------------------------------------------
    # user actions
    # ------------------------------------------------------------------------------

    def _check_finance(self):
        if self.env.su:
            return
        if not self.env.user.has_group("account.group_account_invoice"):
            raise AccessError(_("Only billing and accounting users book payouts."))
        self.check_access_rights("write")
        self.check_access_rule("write")

    def action_post(self):
        """Book again after fixing the cause (a type mapped, accounts set)."""
        self._check_finance()
        for payout in self.filtered(lambda p: p.state in ("to_post", "exception")):
            payout.sudo()._post_or_flag()
        return True

    def _post_or_flag(self):
        """Book, or keep the cause on the payout (a user's button)."""
        try:
            with self.env.cr.savepoint():
                self._post()
        except (PermanentError, UserError) as exc:
            self.write({"state": "exception", "exception_reason": str(exc)})

    def action_open_move(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.move_id.id,
            "view_mode": "form",
        }

    @api.model
    def _currency(self, code):
        currency = (
            self.env["res.currency"].with_context(active_test=False).search([("name", "=", code)], limit=1)
        )
        if not currency:
            raise PermanentError(_("Currency %s is unknown to Odoo.", code))
        if not currency.active:
            currency.sudo().active = True
        return currency


def _month_end(day):
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def _check_user_write(records, vals, allowed):
    """Payouts and lines are the provider's words and our booking state:
    over RPC a billing user may change only ``allowed`` (buttons do the
    rest, as superuser, after their own checks). ``readonly`` in a view
    forbids nothing."""
    if records.env.su or records.env.user.has_group("integration_core.group_integration_manager"):
        return
    forbidden = [
        name for name in vals if name not in allowed and not name.startswith(("message_", "activity_"))
    ]
    if forbidden:
        raise AccessError(
            _(
                "%(model)s: these fields are not yours to change: %(fields)s.",
                model=records._description,
                fields=", ".join(sorted(forbidden)),
            )
        )
