"""Bank statement lines as settlement_recon reads and reconciles them.

An imported line keeps what the bank said for matching and display (its
duplicate key, end-to-end id, bank reference, remittance) and, once the
matching has run, why it is still open (``no_payout_found``...).

Odoo 17 Community has no reconciliation widget, so a match is booked the
way the widgets do it: the statement line's entry is rewritten (with
``skip_account_move_synchronization``: the line's amount and partner stay
as they are) so that its suspense item becomes one item on the in-transit
account per payout it pays, plus a rounding or FX item for a tolerated
difference; each in-transit item is then reconciled with its payout's.
"""

from decimal import Decimal

from odoo import Command, _, fields, models
from odoo.exceptions import AccessError, UserError

from ..lib import matching

BANK_FIELDS = {
    "bank_entry_key",
    "bank_key_journal_id",
    "bank_file_id",
    "end_to_end_id",
    "bank_reference",
    "remittance",
    "settlement_reason",
    "settlement_reason_detail",
}
BANK_REASONS = [
    ("no_payout_found", "No payout found"),
    ("suggested", "Suggestion waiting"),
]


class AccountBankStatementLine(models.Model):
    _inherit = "account.bank.statement.line"

    bank_entry_key = fields.Char(
        index=True,
        readonly=True,
        copy=False,
        help="The line's duplicate key (account, currency, date, amount, bank reference): a line "
        "already imported from another file is not imported again.",
    )
    # the journal the key is unique in (journal_id itself lives on the entry)
    bank_key_journal_id = fields.Many2one("account.journal", readonly=True, copy=False)
    bank_file_id = fields.Many2one("settlement.bank.file", readonly=True, copy=False, index=True)
    end_to_end_id = fields.Char(string="End-to-end id", readonly=True, copy=False)
    bank_reference = fields.Char(readonly=True, copy=False, help="The bank's own reference of the entry.")
    remittance = fields.Char(readonly=True, copy=False, help="The remittance information (purpose).")
    settlement_reason = fields.Selection(BANK_REASONS, string="Open because", readonly=True, copy=False)
    settlement_reason_detail = fields.Char(readonly=True, copy=False)
    settlement_payout_ids = fields.One2many("settlement.payout", "bank_line_id", string="Payouts paid")

    _sql_constraints = [
        (
            "bank_entry_key_uniq",
            "unique(bank_key_journal_id, bank_entry_key)",
            "A bank entry is imported once per journal.",
        )
    ]

    def write(self, vals):
        if BANK_FIELDS.intersection(vals) and not self.env.su:
            raise AccessError(_("What the bank file said is not changed by hand."))
        return super().write(vals)

    # ------------------------------------------------------------------------------
    # the plain view of the matching library
    # ------------------------------------------------------------------------------

    def _settlement_currency(self):
        return self.foreign_currency_id or self.journal_id.currency_id or self.company_id.currency_id

    def _matching_line(self):
        """This line as lib/matching sees it (key = the record id)."""
        self.ensure_one()
        currency = self.currency_id or self.company_id.currency_id
        return matching.BankLine(
            key=str(self.id),
            amount=matching.quantize(Decimal(str(self.amount)), currency.name),
            currency=currency.name,
            booking_date=self.date,
            end_to_end_id=self.end_to_end_id or None,
            bank_reference=self.bank_reference or None,
            remittance=self.remittance or self.payment_ref or None,
            counterparty_name=self.partner_name or None,
            counterparty_iban=self.account_number or None,
        )

    # ------------------------------------------------------------------------------
    # booking a match
    # ------------------------------------------------------------------------------

    def _settlement_reconcile(self, payouts, difference=0.0, difference_kind=None):
        """Book these bank lines (one, or several for one payout) as paying
        ``payouts`` and reconcile them with their in-transit items.

        One line for N payouts: its suspense item becomes N in-transit items
        (one per payout, its amount). N lines for one payout: each line's
        suspense item becomes one in-transit item. ``difference`` (bank minus
        payouts, the line's currency) goes to the provider's rounding or
        currency conversion account, on the last line."""
        lines = self.sorted("id")
        if not lines or not payouts:
            raise UserError(_("A match needs a bank line and a payout."))
        if len(lines) > 1 and len(payouts) > 1:
            raise UserError(_("Several bank lines for several payouts: match them in smaller parts."))
        for payout in payouts:
            if payout.state != "posted" or not payout.transit_line_id or payout.transit_line_id.reconciled:
                raise UserError(_("Payout %s is not booked and open any more.", payout.name))
        for line in lines:
            if line.is_reconciled or line.state != "posted":
                raise UserError(_("Bank line %s is reconciled already.", line.display_name))
        transit_items = self.env["account.move.line"]
        for index, line in enumerate(lines):
            last = index == len(lines) - 1
            if len(lines) == 1:
                parts = [(payout, payout.amount) for payout in payouts]
            else:
                parts = [(payouts, line.amount - (difference if last else 0.0))]
            if last and difference:
                accounts = payouts[:1]._bank_accounts()
                role = "fx" if difference_kind == "fx" else "rounding"
                parts.append((accounts._account(role), difference))
            transit_items |= line._settlement_rewrite(parts)
        for payout in payouts:
            items = transit_items.filtered(
                lambda item, p=payout: item.account_id == p.transit_line_id.account_id
            )
            # one in-transit item, or one per month when the payout was split at month end
            group = (items | payout.transit_line_ids | payout.transit_line_id).filtered(
                lambda item: not item.reconciled
            )
            group.with_context(no_exchange_difference=False).reconcile()
            payout.sudo().write({"state": "reconciled", "bank_line_id": lines[:1].id})
        lines.sudo().write({"settlement_reason": False, "settlement_reason_detail": False})
        return transit_items

    def _settlement_rewrite(self, parts):
        """Replace the suspense item of this line's entry by ``parts``:
        (payout or account, amount in the line's currency) pairs adding up to
        the line's amount. Returns the new in-transit items."""
        self.ensure_one()
        liquidity, suspense, _other = self._seek_for_lines()
        if not suspense:
            raise UserError(_("Bank line %s has no open suspense item to book.", self.display_name))
        currency = self.currency_id or self.company_id.currency_id
        total = sum(amount for _target, amount in parts)
        if currency.compare_amounts(total, self.amount):
            raise UserError(
                _(
                    "Bank line %(line)s is %(amount)s; the payouts make %(total)s.",
                    line=self.display_name,
                    amount=self.amount,
                    total=total,
                )
            )
        company_total = -sum(liquidity.mapped("balance"))
        values = []
        booked = 0.0
        for index, (target, amount) in enumerate(parts):
            if index == len(parts) - 1:
                balance = company_total - booked
            else:
                balance = self.company_id.currency_id.round(company_total * amount / self.amount)
            booked += balance
            if target._name == "settlement.payout":
                account, label = target.transit_line_id.account_id, target.name
                partner = target.transit_line_id.partner_id
            else:
                account, label, partner = target, _("Difference %s", self.payment_ref or ""), self.partner_id
            values.append(
                {
                    "name": label,
                    "account_id": account.id,
                    "partner_id": partner.id or False,
                    "currency_id": currency.id,
                    "amount_currency": -amount,
                    "balance": balance,
                }
            )
        # the suspense item takes the first part (a posted item may change its
        # account; deleting it would need the entry back in draft)
        commands = [Command.update(suspense[0].id, values[0])]
        commands += [Command.create(vals) for vals in values[1:]]
        commands += [Command.delete(item.id) for item in suspense[1:]]
        move = self.move_id.with_context(
            skip_account_move_synchronization=True, skip_readonly_check=True, force_delete=True
        )
        before = move.line_ids - suspense[0]
        move.write({"line_ids": commands})
        new_items = move.line_ids - before
        transit_accounts = self.env["account.account"]
        for target, _amount in parts:
            if target._name == "settlement.payout":
                transit_accounts |= target.mapped("transit_line_id.account_id")
        return new_items.filtered(lambda item: item.account_id in transit_accounts)
