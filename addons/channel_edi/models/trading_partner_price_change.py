"""A supplier's price change waiting for the buyer's decision.

An 855 that gives another unit price than our purchase order (or says IP,
"accepted, price changed") never changes the price by itself: it records
one of these, pending, and raises an activity for the buyer. A purchase
manager approves it (the price is written on the purchase lines) or refuses
it (the supplier is told by other means; the lines keep our price).
"""

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

APPROVERS = ("purchase.group_purchase_manager", "integration_core.group_integration_manager")


class TradingPartnerPriceChange(models.Model):
    _name = "trading.partner.price.change"
    _description = "Supplier price change awaiting approval"
    _inherit = ["mail.thread"]
    _order = "state, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    backend_id = fields.Many2one(
        "integration.backend", string="Trading partner", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    purchase_line_id = fields.Many2one(
        "purchase.order.line", string="Purchase line", required=True, ondelete="cascade", check_company=True
    )
    purchase_line_ids = fields.Many2many(
        "purchase.order.line",
        string="Lines affected",
        help="The line and the lines the acknowledgement split from it: the price applies to all.",
    )
    purchase_id = fields.Many2one(related="purchase_line_id.order_id", store=True, string="Purchase order")
    partner_id = fields.Many2one(related="purchase_id.partner_id", store=True, string="Supplier")
    product_id = fields.Many2one(related="purchase_line_id.product_id", store=True)
    buyer_id = fields.Many2one(related="purchase_id.user_id", store=True, string="Buyer")
    currency_id = fields.Many2one(related="purchase_id.currency_id")
    old_price = fields.Float(string="Our price", digits="Product Price", readonly=True)
    new_price = fields.Float(string="Supplier's price", digits="Product Price", readonly=True)
    difference_pct = fields.Float(compute="_compute_difference", store=True, string="Change (%)")
    state = fields.Selection(
        [("pending", "Waiting for approval"), ("approved", "Approved"), ("refused", "Refused")],
        default="pending",
        required=True,
        index=True,
        tracking=True,
    )
    decided_by_id = fields.Many2one("res.users", string="Decided by", readonly=True)
    decided_at = fields.Datetime(readonly=True)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not vals.get("company_id") and vals.get("purchase_line_id"):
                line = self.env["purchase.order.line"].browse(vals["purchase_line_id"])
                vals["company_id"] = line.order_id.company_id.id
        return super().create(vals_list)

    @api.depends("purchase_line_id", "new_price")
    def _compute_name(self):
        for change in self:
            change.name = f"{change.purchase_id.name or ''} / {change.product_id.display_name or ''}"

    @api.depends("old_price", "new_price")
    def _compute_difference(self):
        for change in self:
            change.difference_pct = (
                (change.new_price - change.old_price) / change.old_price * 100.0 if change.old_price else 0.0
            )

    # ------------------------------------------------------------------------------

    def _check_approver(self):
        """Only purchase managers (or integration managers) decide, whatever
        the view shows: this runs on every RPC call of the actions."""
        if not any(self.env.user.has_group(group) for group in APPROVERS):
            raise AccessError(_("Only a purchase manager can approve or refuse a supplier's price change."))
        self.check_access_rights("write")
        self.check_access_rule("write")

    def _check_pending(self):
        decided = self.filtered(lambda c: c.state != "pending")
        if decided:
            raise UserError(_("Price change %s was decided already.", decided[0].name))

    def action_approve(self):
        self._check_approver()
        self._check_pending()
        for change in self:
            lines = (change.purchase_line_ids | change.purchase_line_id).filtered(
                lambda l: l.order_id.state != "cancel"
            )
            lines.sudo().write({"price_unit": change.new_price})
            change.sudo().write(
                {"state": "approved", "decided_by_id": self.env.uid, "decided_at": fields.Datetime.now()}
            )
            change.purchase_id.sudo().message_post(
                body=_(
                    "Supplier price of %(product)s approved by %(user)s: %(old)s -> %(new)s.",
                    product=change.product_id.display_name,
                    user=self.env.user.name,
                    old=change.old_price,
                    new=change.new_price,
                )
            )
            change._close_activities()
        return True

    def action_refuse(self):
        self._check_approver()
        self._check_pending()
        for change in self:
            change.sudo().write(
                {"state": "refused", "decided_by_id": self.env.uid, "decided_at": fields.Datetime.now()}
            )
            change.purchase_id.sudo().message_post(
                body=_(
                    "Supplier price of %(product)s refused by %(user)s: the order keeps %(old)s "
                    "(the supplier asked %(new)s).",
                    product=change.product_id.display_name,
                    user=self.env.user.name,
                    old=change.old_price,
                    new=change.new_price,
                )
            )
            change._close_activities()
        return True

    def action_open_purchase(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "purchase.order",
            "res_id": self.purchase_id.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------------------------

    def _activity_summary(self):
        return _("Supplier price change to approve: %s", self.product_id.display_name)

    def _notify_buyer(self):
        for change in self:
            purchase = change.purchase_id.sudo()
            user = purchase.user_id or change.backend_id.user_id or self.env.ref("base.user_admin")
            purchase.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=change._activity_summary(),
                note=_(
                    "%(partner)s acknowledged %(po)s with a unit price of %(new)s for %(product)s instead "
                    "of %(old)s. It is not applied until a purchase manager approves it "
                    "(EDI > Price changes).",
                    partner=change.backend_id.name,
                    po=purchase.name,
                    new=change.new_price,
                    product=change.product_id.display_name,
                    old=change.old_price,
                ),
                user_id=user.id,
            )

    def _close_activities(self):
        for change in self:
            summary = change._activity_summary()
            change.purchase_id.sudo().activity_ids.filtered(
                lambda a, s=summary: a.summary == s
            ).action_feedback(feedback=dict(self._fields["state"].selection)[change.state])
