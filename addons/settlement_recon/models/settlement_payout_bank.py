"""What the bank matching adds to a payout: why it is still open, the
matches it is in, and its plain view for lib/matching."""

from decimal import Decimal

from odoo import fields, models

from ..lib import matching

PAYOUT_BANK_REASONS = [
    ("no_bank_line", "No bank line"),
    ("not_paid", "Not paid"),
    ("suggested", "Suggestion waiting"),
]


class SettlementPayout(models.Model):
    _inherit = "settlement.payout"

    bank_reason = fields.Selection(PAYOUT_BANK_REASONS, string="Bank: open because", readonly=True)
    bank_reason_detail = fields.Char(readonly=True)
    match_ids = fields.Many2many(
        "settlement.match",
        "settlement_match_payout_rel",
        "payout_id",
        "match_id",
        string="Bank matches",
        readonly=True,
    )

    def _bank_accounts(self):
        """The provider accounts this payout was booked with."""
        self.ensure_one()
        return self.provider_account_id or self.backend_id._settlement_account(self.currency_id)

    def _matching_payout(self):
        """This payout as lib/matching sees it (key = the record id)."""
        self.ensure_one()
        currency = self.currency_id.name
        amount = matching.quantize(Decimal(str(self.amount)), currency)
        return matching.Payout(
            key=str(self.id),
            provider=self.provider,
            amount=amount,  # signed already: a debit payout is negative
            currency=currency,
            arrival_date=self.payout_date or None,
            trace_reference=self.trace_reference or None,
            external_id=self.external_id,
            status="paid" if self.status in ("paid", "in_transit") else self.status,
        )
