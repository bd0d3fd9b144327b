"""The capture of a channel order's payment into the clearing account.

When a provider line settles a transaction, the transaction's capture is
booked (once): the customer's payment received into the provider's
clearing account, debit clearing / credit receivable, reconciled with the
order's open invoices. A refund is the reverse. The payout then credits
the clearing account for the charge, and the two clearing items are
reconciled: a clearing account that returns to zero means every payment
the provider took has reached the bank.
"""

from decimal import Decimal

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..lib import matching, posting


class IntegrationOrderTransaction(models.Model):
    _inherit = "integration.order.transaction"

    capture_move_id = fields.Many2one("account.move", readonly=True, string="Capture entry")
    capture_line_id = fields.Many2one("account.move.line", readonly=True, string="Capture clearing item")
    settlement_line_ids = fields.One2many("settlement.line", "transaction_id", readonly=True)

    # ------------------------------------------------------------------------------
    # when an order's invoice is posted (the core's Odoo-event dispatch)
    # ------------------------------------------------------------------------------

    @api.model
    def _listen_invoices_posted(self, backend, invoices):
        """The payments this provider took for the invoiced orders are
        captured now: the invoice shows paid the day it is posted."""
        transactions = self._capturable(backend, invoices.line_ids.sale_line_ids.order_id)
        self._book_captures(backend, transactions)

    @api.model
    def _book_captures_event(self, event, payload):
        transactions = self.sudo().browse(payload.get("transaction_ids") or []).exists()
        self._book_captures(event.backend_id, transactions)

    @api.model
    def _capturable(self, backend, orders):
        if not orders:
            return self.browse()
        return self.sudo().search(
            [
                ("sale_order_id", "in", orders.ids),
                ("status", "=", "success"),
                ("kind", "in", ("sale", "capture", "refund")),
                ("gateway", "=", backend.settlement_provider),
                ("capture_move_id", "=", False),
                ("company_id", "=", backend.company_id.id),
            ]
        )

    @api.model
    def _book_captures(self, backend, transactions):
        for transaction in transactions.filtered(lambda t: t._settling_backend() == backend):
            accounts = backend._settlement_account(transaction.currency_id)
            if accounts and accounts.journal_id and accounts.clearing_account_id:
                transaction._ensure_capture(accounts)

    def _settling_backend(self):
        """The provider backend that will pay this transaction out: the
        order's own backend when it settles this gateway (a Shopify store
        with Shopify Payments), else the company's only active backend of
        that provider; none when two could (the payout that pays it will
        capture it)."""
        self.ensure_one()
        if self.backend_id.settlement_active and self.backend_id.settlement_provider == self.gateway:
            return self.backend_id
        candidates = (
            self.env["integration.backend"]
            .sudo()
            .search(
                [
                    ("company_id", "=", self.company_id.id),
                    ("settlement_provider", "=", self.gateway or ""),
                    ("settlement_active", "=", True),
                ]
            )
        )
        return candidates if len(candidates) == 1 else candidates.browse()

    def _matching_txn(self, order_ref=None):
        """This transaction as lib/matching sees it (a capture is a sale);
        ``order_ref``: its order's id at the channel."""
        return matching.OrderTxn(
            key=str(self.id),
            provider=self.gateway or "",
            transaction_id=self.external_id,
            amount=Decimal(str(abs(self.amount))),
            currency=self.currency_id.name,
            kind="refund" if self.kind == "refund" else "sale",
            order_ref=order_ref,
            date=self.processed_at.date() if self.processed_at else None,
        )

    def _ensure_capture(self, accounts):
        self.ensure_one()
        if self.capture_move_id:
            return self.capture_move_id
        order = self.sale_order_id
        partner = order.partner_invoice_id.commercial_partner_id or order.partner_id.commercial_partner_id
        receivable = partner.with_company(self.company_id).property_account_receivable_id
        if not receivable:
            raise UserError(_("%s has no receivable account.", partner.display_name))
        date = (self.processed_at and self.processed_at.date()) or fields.Date.context_today(self)
        amount = Decimal(str(abs(self.amount))) * (-1 if self.kind == "refund" else 1)
        label = _("%(kind)s %(order)s (%(ref)s)", kind=self.kind, order=order.name, ref=self.external_id)
        planned = [
            posting.PlannedLine("clearing", amount, label, partner_key=partner.id),
            posting.PlannedLine("receivable", -amount, label, partner_key=partner.id),
        ]
        move = self.env["settlement.payout"]._book(
            accounts, accounts.journal_id, self.currency_id, date, label, planned, {"receivable": receivable}
        )
        clearing = move.line_ids.filtered(lambda line: line.account_id == accounts.clearing_account_id)
        self.sudo().write({"capture_move_id": move.id, "capture_line_id": clearing.id})
        self._reconcile_with_invoices(move.line_ids - clearing)
        return move

    def _reconcile_with_invoices(self, receivable_line):
        """The capture pays the order's open invoices (a refund, its open credit notes)."""
        invoices = self.sale_order_id.invoice_ids.filtered(
            lambda move: move.state == "posted" and move.payment_state in ("not_paid", "partial")
        )
        wanted = "out_refund" if self.kind == "refund" else "out_invoice"
        open_lines = invoices.filtered(lambda m: m.move_type == wanted).line_ids.filtered(
            lambda line: line.account_id == receivable_line.account_id and not line.reconciled
        )
        if open_lines:
            (receivable_line | open_lines).reconcile()
