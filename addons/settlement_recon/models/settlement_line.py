"""One movement of a provider balance: what it was for, and what it paid.

A line keeps the provider's own type and raw record, the family it
belongs to for our books (the mapper's, or the user's type map for a type
the mapper did not know), and its match to the order transaction it
settles, with the rule, the score and, when unmatched, the reason code the
workbench shows (no order found, amount differs, duplicate, unknown type).
"""

from decimal import Decimal

from odoo import _, api, fields, models
from odoo.exceptions import AccessError

from odoo.addons.integration_core.lib import canonical
from odoo.addons.integration_core.lib.exceptions import PermanentError

from ..lib import matching, posting
from .integration_backend import PROVIDERS
from .settlement_payout import _check_user_write, _decimal

FAMILIES = [
    ("charge", "Charge"),
    ("refund", "Refund"),
    ("fee", "Fee"),
    ("dispute", "Dispute"),
    ("dispute_reversal", "Dispute reversal"),
    ("reserve_hold", "Reserve held"),
    ("reserve_release", "Reserve released"),
    ("adjustment", "Adjustment"),
    ("currency_conversion", "Currency conversion"),
    ("transfer", "Transfer"),
    ("payout", "Payout"),
    ("suspense", "Suspense"),
    ("unknown", "Unknown type"),
]
REASONS = [
    ("no_order_found", "No order found"),
    ("ambiguous", "Several orders fit"),
    ("kind_differs", "Kind differs"),
    ("amount_differs", "Amount differs"),
    ("currency_differs", "Currency differs"),
    ("duplicate", "Duplicate"),
    ("unknown_type", "Unknown type"),
]
ORDER_FAMILIES = ("charge", "refund")
USER_WRITABLE = set()


class SettlementLine(models.Model):
    _name = "settlement.line"
    _description = "Payment provider settlement line"
    _order = "created_at desc, id desc"
    _check_company_auto = True
    _rec_name = "external_id"

    payout_id = fields.Many2one("settlement.payout", ondelete="cascade", index=True, check_company=True)
    backend_id = fields.Many2one("integration.backend", required=True, ondelete="restrict", index=True)
    company_id = fields.Many2one(related="backend_id.company_id", store=True, index=True)
    provider = fields.Selection(PROVIDERS, required=True)
    external_id = fields.Char(required=True, index=True, string="Provider id")
    provider_type = fields.Char(
        required=True, help="The provider's own type (reporting category, event code...)."
    )
    mapped_family = fields.Selection(FAMILIES, string="Family (provider)", required=True)
    family = fields.Selection(
        FAMILIES,
        compute="_compute_family",
        store=True,
        index=True,
        help="What the line is for our books: the mapper's family, or the type map's for an unknown type.",
    )
    amount = fields.Monetary(currency_field="currency_id", string="Gross")
    fee = fields.Monetary(currency_field="currency_id")
    net = fields.Monetary(currency_field="currency_id")
    currency_id = fields.Many2one("res.currency", required=True)
    fee_details = fields.Text(help="The provider's fee breakdown (JSON).")
    presentment_amount = fields.Float(digits=(16, 6))
    presentment_currency = fields.Char()
    exchange_rate = fields.Float(digits=(16, 8))
    order_transaction_ref = fields.Char(index=True, string="Order transaction id")
    order_ref = fields.Char(string="Order reference")
    source_id = fields.Char()
    dispute_id = fields.Char()
    availability = fields.Selection([("pending", "Pending"), ("available", "Available")])
    created_at = fields.Datetime()
    available_on = fields.Date()
    description = fields.Char()
    raw = fields.Text(readonly=True, help="The provider's record of this line as received.")
    transaction_id = fields.Many2one("integration.order.transaction", index=True, check_company=True)
    sale_order_id = fields.Many2one(related="transaction_id.sale_order_id", store=True, string="Order")
    partner_id = fields.Many2one(related="transaction_id.partner_id", store=True)
    match_state = fields.Selection(
        [("matched", "Matched"), ("unmatched", "Unmatched"), ("explained", "No order expected")],
        default="unmatched",
        index=True,
    )
    reason_code = fields.Selection(REASONS, index=True)
    reason = fields.Char(help="The reason code in words, with the figures.")
    match_rule = fields.Char()
    match_score = fields.Float()
    move_line_ids = fields.Many2many(
        "account.move.line",
        "settlement_line_move_line_rel",
        "settlement_line_id",
        "move_line_id",
        string="Journal items",
        readonly=True,
    )
    wallet_move_id = fields.Many2one("account.move", readonly=True, check_company=True)

    _sql_constraints = [
        ("external_uniq", "unique(backend_id, external_id)", "A provider's line is recorded once."),
    ]

    def write(self, vals):
        _check_user_write(self, vals, USER_WRITABLE)
        return super().write(vals)

    @api.depends("mapped_family", "provider", "provider_type")
    def _compute_family(self):
        maps = self.env["settlement.type.map"].sudo()._families()
        for line in self:
            family = line.mapped_family
            if family == "unknown":
                family = maps.get((line.company_id.id, line.provider, line.provider_type), "unknown")
            line.family = family

    # ------------------------------------------------------------------------------
    # import
    # ------------------------------------------------------------------------------

    @api.model
    def _upsert(self, backend, lines, payout=None):
        """Create or update canonical lines (by provider id); returns them."""
        if not lines:
            return self.browse()
        existing = {
            line.external_id: line
            for line in self.sudo().search(
                [("backend_id", "=", backend.id), ("external_id", "in", [d["external_id"] for d in lines])]
            )
        }
        Payout = self.env["settlement.payout"]
        records = self.browse()
        for data in lines:
            currency = Payout._currency(data["currency"])
            values = {
                "provider": data["provider"],
                "provider_type": data["provider_type"],
                "mapped_family": data["family"],
                "amount": float(_decimal(data["amount"])),
                "fee": float(_decimal(data["fee"])),
                "net": float(_decimal(data["net"])),
                "currency_id": currency.id,
                "fee_details": canonical.dumps(data["fee_details"]) if data.get("fee_details") else False,
                "presentment_amount": float(_decimal(data.get("presentment_amount"))),
                "presentment_currency": data.get("presentment_currency") or False,
                "exchange_rate": float(_decimal(data.get("exchange_rate"))),
                "order_transaction_ref": data.get("order_transaction_id") or False,
                "order_ref": data.get("order_ref") or False,
                "source_id": data.get("source_id") or False,
                "dispute_id": data.get("dispute_id") or False,
                "availability": data.get("availability") or False,
                "created_at": canonical.naive_utc(data.get("created_at")) or False,
                "available_on": data.get("available_on") or False,
                "description": (data.get("description") or "")[:256] or False,
                "raw": canonical.dumps(data["raw"]) if data.get("raw") else False,
            }
            if payout:
                values["payout_id"] = payout.id
            record = existing.get(data["external_id"])
            if record:
                if record.move_line_ids and (
                    record.amount != values["amount"] or record.fee != values["fee"]
                ):
                    raise PermanentError(
                        _("Line %s is booked; the provider now gives other amounts.", record.external_id)
                    )
                record.write(values)
            else:
                record = self.sudo().create(
                    dict(values, backend_id=backend.id, external_id=data["external_id"])
                )
            records |= record
        records._match_transactions()
        return records

    def _match_transactions(self):
        """Step 1 of the cascade (lib/matching: match_lines): charges,
        refunds and disputes to the order transaction they name, account
        lines (fees, reserves...) to their family; every line gets a state
        and, when unmatched, a reason code. Per company: another company's
        orders are never candidates."""
        for company in self.company_id:
            lines = self.filtered(lambda line, company=company: line.company_id == company)
            lines._match_in_company(company)

    def _match_in_company(self, company):
        refs = [ref for ref in self.mapped("order_transaction_ref") if ref]
        Transaction = self.env["integration.order.transaction"].sudo()
        transactions = Transaction.search([("company_id", "=", company.id), ("external_id", "in", refs)])
        Binding = self.env["integration.binding"].sudo()
        order_refs = [ref for ref in self.mapped("order_ref") if ref]
        if order_refs:
            bindings = Binding.search(
                [
                    ("res_model", "=", "sale.order"),
                    ("external_id", "in", order_refs),
                    ("company_id", "=", company.id),
                ]
            )
            transactions |= Transaction.search([("sale_order_id", "in", bindings.mapped("res_id"))])
        ref_of = {
            binding.res_id: binding.external_id
            for binding in Binding.search(
                [("res_model", "=", "sale.order"), ("res_id", "in", transactions.sale_order_id.ids)]
            )
        }
        # lines recorded before that claim the same transactions: a second claim is a duplicate
        others = (
            self.sudo().search(
                [
                    ("company_id", "=", company.id),
                    ("order_transaction_ref", "in", refs),
                    ("id", "not in", self.ids),
                ]
            )
            if refs
            else self.browse()
        )
        result = matching.match_lines(
            [line._matching_line() for line in self | others],
            [
                transaction._matching_txn(ref_of.get(transaction.sale_order_id.id))
                for transaction in transactions
            ],
        )
        outcome = {}
        for match in result.matches:
            for key in match.left_keys:
                outcome[key] = match
        for item in result.unmatched:
            outcome[item.key] = item
        for line in self:
            line.write(line._match_outcome(outcome.get(str(line.id)), transactions))

    def _matching_line(self):
        return matching.Line(
            key=str(self.id),
            provider=self.provider,
            family=self.family,
            amount=_decimal(self.amount),
            fee=_decimal(self.fee),
            net=_decimal(self.net),
            currency=self.currency_id.name,
            payout_id=self.payout_id.external_id or None,
            provider_type=self.provider_type,
            order_transaction_id=self.order_transaction_ref or None,
            order_ref=self.order_ref or None,
            presentment_amount=_decimal(self.presentment_amount) if self.presentment_currency else None,
            presentment_currency=self.presentment_currency or None,
        )

    def _match_outcome(self, outcome, transactions):
        """The line's fields from its match (or why it has none)."""
        if isinstance(outcome, matching.Match) and outcome.automatic:
            transaction = transactions.filtered(lambda t: str(t.id) in outcome.right_keys)[:1]
            return {
                "match_state": "matched" if transaction else "explained",
                "transaction_id": transaction.id,
                "reason_code": False,
                "reason": False,
                "match_rule": outcome.rule,
                "match_score": outcome.score,
            }
        values = {"match_state": "unmatched", "transaction_id": False, "match_rule": False, "match_score": 0}
        if isinstance(outcome, matching.Match):  # a suggestion: several orders fit
            return dict(values, reason_code="ambiguous", reason=outcome.reason, match_rule=outcome.rule)
        if outcome is None:
            return dict(values, reason_code="no_order_found", reason=_("No order transaction found."))
        return dict(values, reason_code=outcome.reason_code, reason=outcome.detail or False)

    # ------------------------------------------------------------------------------
    # booking
    # ------------------------------------------------------------------------------

    def _check_bookable(self):
        unknown = self.filtered(lambda line: line.family == "unknown")
        if unknown:
            raise PermanentError(
                _(
                    "%(count)s line(s) of unknown type (%(types)s): map each type to a family in "
                    "Settlement > Configuration > Transaction types, then replay.",
                    count=len(unknown),
                    types=", ".join(sorted(set(unknown.mapped("provider_type")))),
                )
            )

    def _posting_views(self):
        """What lib/posting books for these lines. A failed payout's money
        coming back into the balance (family ``payout``: Stripe's
        payout_failure, Shopify's TRANSFER_FAILURE) stands for the lines of
        that payout, whose entry was reversed: they are booked again, as
        they were, in the payout that finally pays them."""
        views = []
        for line in self:
            if line.family != "payout":
                views.append(line._posting_view())
                continue
            failed = line._failed_payout()
            again = failed.line_ids._posting_views()
            total = sum((view["net"] for view in again), Decimal(0))
            if total != _decimal(line.net):
                raise PermanentError(
                    _(
                        "Line %(line)s returns %(net)s of failed payout %(payout)s, whose lines add up to "
                        "%(total)s.",
                        line=line.external_id,
                        net=line.net,
                        payout=failed.name,
                        total=total,
                    )
                )
            views += [dict(view, label=f"{view['label']} ({failed.name} failed)") for view in again]
        return views

    def _failed_payout(self):
        """The failed payout a ``payout`` line returns the money of."""
        self.ensure_one()
        failed = (
            self.env["settlement.payout"]
            .sudo()
            .search(
                [
                    ("backend_id", "=", self.backend_id.id),
                    ("external_id", "=", self.source_id or ""),
                    ("status", "in", ("failed", "canceled")),
                ],
                limit=1,
            )
        )
        if not failed:
            raise PermanentError(
                _(
                    "Line %(line)s returns the money of payout %(payout)s, which is not known as failed yet: "
                    "fetch it, then replay.",
                    line=self.external_id,
                    payout=self.source_id or "?",
                )
            )
        return failed

    def _posting_view(self):
        return {
            "key": self.id,
            "family": self.family,
            "amount": _decimal(self.amount),
            "fee": _decimal(self.fee),
            "net": _decimal(self.net),
            "label": f"{self.provider_type} {self.order_ref or self.external_id}",
            "partner_key": self.partner_id.id or None,
        }

    def _ensure_captures(self, accounts):
        """Each matched charge and refund has its capture entry: the order's
        payment received into the clearing account (debit clearing, credit
        receivable), or paid back (the reverse)."""
        for line in self.filtered(lambda l: l.match_state == "matched" and l.family in ORDER_FAMILIES):
            line.transaction_id._ensure_capture(accounts)

    def _reconcile_captures(self):
        """The payout's clearing item of each matched line against its
        capture's clearing item."""
        for line in self.filtered(lambda l: l.match_state == "matched" and l.transaction_id.capture_line_id):
            capture = line.transaction_id.capture_line_id
            ours = line.move_line_ids.filtered(
                lambda item, account=capture.account_id: item.account_id == account and not item.reconciled
            )
            if ours and not capture.reconciled:
                (ours | capture).reconcile()

    # ------------------------------------------------------------------------------
    # wallet lines (topic settlement_line.import)
    # ------------------------------------------------------------------------------

    @api.model
    def _import_wallet_line(self, event, data):
        """A wallet line (PayPal without automatic settlement): recorded,
        and booked in the wallet journal once it is available."""
        backend = event.backend_id
        self.env["integration.binding"]._lock(backend, self._name, data["external_id"])
        line = self._upsert(backend, [data])
        if line.availability != "pending" and not line.wallet_move_id:
            line._book_in_wallet()
        return line

    def _book_in_wallet(self):
        self.ensure_one()
        accounts = self.backend_id._settlement_account(self.currency_id)
        if not accounts or not accounts.wallet_journal_id or not accounts.wallet_account_id:
            raise PermanentError(
                _(
                    "%s has no wallet journal and account for this currency: set them, then replay.",
                    self.backend_id.name,
                )
            )
        self._check_bookable()
        self._ensure_captures(accounts)
        planned = [
            posting.PlannedLine(
                "wallet" if p.role == "transit" else p.role, p.amount, p.label, p.line_keys, p.partner_key
            )
            for p in posting.plan_payout_entry(
                _decimal(self.net),
                self._posting_views(),
                decimals=self.currency_id.decimal_places,
                label=self.external_id,
            )
        ]
        move = self.env["settlement.payout"]._book(
            accounts,
            accounts.wallet_journal_id,
            self.currency_id,
            (self.created_at and self.created_at.date()) or fields.Date.context_today(self),
            f"{self.provider_type} {self.external_id}",
            planned,
        )
        self.wallet_move_id = move
        self._reconcile_captures()

    # ------------------------------------------------------------------------------
    # user actions
    # ------------------------------------------------------------------------------

    def action_rematch(self):
        """Match again (after the order arrived, or a type was mapped)."""
        if not self.env.su and not self.env.user.has_group("account.group_account_invoice"):
            raise AccessError(_("Only billing and accounting users rematch settlement lines."))
        self.check_access_rule("write")
        self.sudo()._match_transactions()
        return True

    def action_open_raw(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }
