"""The payment transactions of a channel order, as the channel reports them.

A channel order is paid through one or more transactions (a sale, or an
authorization then one or several captures; refunds later). Keeping each
one with its id makes partial captures and refunds unambiguous: a payment
provider's settlement line names the transaction it settles (Shopify's
``sourceOrderTransactionId``, a Stripe charge id), and settlement_recon
matches on that id first. The order importer writes them from the
canonical order's ``transactions``; nothing else creates them.
"""

from odoo import api, fields, models

from ..lib import canonical

KINDS = [
    ("sale", "Sale"),
    ("authorization", "Authorization"),
    ("capture", "Capture"),
    ("refund", "Refund"),
    ("void", "Void"),
]
STATUSES = [("success", "Success"), ("pending", "Pending"), ("failure", "Failure"), ("error", "Error")]


class IntegrationOrderTransaction(models.Model):
    _name = "integration.order.transaction"
    _description = "Channel order payment transaction"
    _order = "processed_at desc, id desc"
    _check_company_auto = True

    backend_id = fields.Many2one("integration.backend", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="backend_id.company_id", store=True, index=True)
    sale_order_id = fields.Many2one(
        "sale.order", required=True, ondelete="cascade", index=True, check_company=True
    )
    partner_id = fields.Many2one(related="sale_order_id.partner_id", store=True)
    external_id = fields.Char(required=True, index=True, help="The channel's id of the transaction.")
    parent_external_id = fields.Char(help="The authorization a capture or refund follows.")
    kind = fields.Selection(KINDS, required=True)
    status = fields.Selection(STATUSES, required=True)
    gateway = fields.Char(help="The payment gateway as the channel names it, e.g. shopify_payments, stripe.")
    amount = fields.Monetary(currency_field="currency_id")
    currency_id = fields.Many2one("res.currency", required=True)
    processed_at = fields.Datetime()

    _sql_constraints = [
        (
            "external_uniq",
            "unique(backend_id, external_id)",
            "A channel transaction is recorded once per backend.",
        )
    ]

    @api.model
    def _sync_from_order(self, backend, sale, transactions):
        """Create or update the order's transactions from the canonical
        order's ``transactions`` (missing ones are kept: a channel may send
        only the newest)."""
        if not transactions:
            return self.browse()
        existing = {
            t.external_id: t
            for t in self.sudo().search(
                [
                    ("backend_id", "=", backend.id),
                    ("external_id", "in", [t["external_id"] for t in transactions]),
                ]
            )
        }
        Currency = self.env["res.currency"].with_context(active_test=False)
        records = self.browse()
        for data in transactions:
            currency = Currency.search(
                [("name", "=", data.get("currency") or sale.currency_id.name)], limit=1
            )
            values = {
                "kind": data["kind"],
                "status": data["status"],
                "gateway": data.get("gateway") or False,
                "amount": float(data.get("amount") or 0),
                "currency_id": (currency or sale.currency_id).id,
                "parent_external_id": data.get("parent_id") or False,
                "processed_at": canonical.naive_utc(data.get("processed_at")) or False,
            }
            record = existing.get(data["external_id"])
            if record:
                record.sudo().write(values)  # a status moves on (pending -> success)
            else:
                record = self.sudo().create(
                    dict(
                        values, backend_id=backend.id, sale_order_id=sale.id, external_id=data["external_id"]
                    )
                )
            records |= record
        return records
