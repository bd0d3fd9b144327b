"""Why a supplier's bill is held: one row per line and reason of the 3-way match.

Finance works from the list (filters by reason and state, grouped by
supplier or bill): a hold is resolved once someone checked it (a credit
note asked for, the receipt done, the price accepted); when the last one is
resolved the bill may be posted. Only accountant managers and integration
managers may resolve: the check is in the method, not only in the view.
"""

from odoo import _, api, fields, models
from odoo.exceptions import AccessError

REASONS = [
    ("qty_over_received", "Invoiced more than received"),
    ("price_over_po", "Price above the purchase order"),
    ("not_received", "Invoiced, not received"),
    ("unknown_line", "Not on the purchase order"),
]
RESOLVERS = ("account.group_account_manager", "integration_core.group_integration_manager")


def check_resolver(env):
    if not any(env.user.has_group(group) for group in RESOLVERS):
        raise AccessError(_("Only an accounting manager can resolve a held bill or approve it."))


class TradingPartnerBillHold(models.Model):
    _name = "trading.partner.bill.hold"
    _description = "Vendor bill hold (3-way match)"
    _order = "state desc, id desc"
    _check_company_auto = True

    move_id = fields.Many2one("account.move", string="Bill", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="move_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="move_id.commercial_partner_id", store=True, string="Supplier")
    invoice_ref = fields.Char(related="move_id.ref", store=True, string="Invoice number")
    move_line_id = fields.Many2one("account.move.line", string="Bill line", ondelete="set null")
    purchase_line_id = fields.Many2one("purchase.order.line", string="Purchase line", ondelete="set null")
    purchase_id = fields.Many2one(related="purchase_line_id.order_id", store=True, string="Purchase order")
    product_id = fields.Many2one(related="purchase_line_id.product_id", store=True)
    invoice_line_ref = fields.Char(string="Invoice line")
    reason = fields.Selection(REASONS, required=True, index=True)
    expected = fields.Float(digits="Product Price", help="Quantity received or price ordered.")
    invoiced = fields.Float(digits="Product Price", help="Quantity or price invoiced.")
    state = fields.Selection(
        [("open", "Open"), ("resolved", "Resolved")], default="open", required=True, index=True
    )
    resolved_by_id = fields.Many2one("res.users", string="Resolved by", readonly=True)
    resolved_at = fields.Datetime(readonly=True)
    note = fields.Char()

    @api.depends("reason", "product_id", "invoice_line_ref")
    def _compute_display_name(self):
        labels = dict(REASONS)
        for hold in self:
            what = hold.product_id.display_name or _("line %s", hold.invoice_line_ref or "?")
            hold.display_name = f"{labels.get(hold.reason, hold.reason)} ({what})"

    def action_resolve(self):
        check_resolver(self.env)
        self.check_access_rights("write")
        self.check_access_rule("write")
        self.filtered(lambda h: h.state == "open").sudo().write(
            {"state": "resolved", "resolved_by_id": self.env.uid, "resolved_at": fields.Datetime.now()}
        )
        for move in self.move_id:
            if not move.edi_hold_ids.filtered(lambda h: h.state == "open"):
                move.sudo().message_post(
                    body=_("All holds of this bill are resolved (%s): it may be posted.", self.env.user.name)
                )
        return True

    def action_open_bill(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.move_id.id,
            "view_mode": "form",
        }
