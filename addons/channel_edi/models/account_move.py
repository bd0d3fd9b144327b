from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .trading_partner_bill_hold import check_resolver


class AccountMove(models.Model):
    """A vendor bill made from a supplier's 810 carries its 3-way match:
    matched (posted), held (a draft with open holds) or approved (posted by
    an accounting manager despite its holds)."""

    _inherit = "account.move"

    edi_backend_id = fields.Many2one(
        "integration.backend", string="EDI partner", readonly=True, copy=False, index="btree_not_null"
    )
    edi_match_state = fields.Selection(
        [("matched", "Matched"), ("held", "Held"), ("approved", "Approved after hold")],
        string="3-way match",
        readonly=True,
        copy=False,
        index="btree_not_null",
        tracking=True,
    )
    edi_hold_ids = fields.One2many("trading.partner.bill.hold", "move_id", string="Holds", readonly=True)
    edi_open_hold_count = fields.Integer(compute="_compute_edi_open_hold_count", string="Open holds")

    @api.depends("edi_hold_ids.state")
    def _compute_edi_open_hold_count(self):
        for move in self:
            move.edi_open_hold_count = len(move.edi_hold_ids.filtered(lambda h: h.state == "open"))

    def action_post(self):
        held = self.filtered(lambda m: m.edi_match_state == "held" and m.edi_open_hold_count)
        if held:
            raise UserError(
                _(
                    "Bill %s is held by the 3-way match: resolve its holds, or use Approve and post.",
                    held[0].ref or held[0].display_name,
                )
            )
        return super().action_post()

    def action_edi_approve_and_post(self):
        """Resolve every open hold and post: for accounting managers only."""
        check_resolver(self.env)
        self.check_access_rights("write")
        self.check_access_rule("write")
        for move in self:
            move.edi_hold_ids.filtered(lambda h: h.state == "open").action_resolve()
            move.sudo().write({"edi_match_state": "approved"})
            move.action_post()
            move.sudo().message_post(
                body=_("Approved and posted despite its holds by %s.", self.env.user.name)
            )
        return True

    def action_open_edi_holds(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("channel_edi.trading_partner_bill_hold_action")
        action["domain"] = [("move_id", "=", self.id)]
        action["context"] = {"search_default_open": 0}
        return action
