from odoo import fields, models


class AccountMoveLine(models.Model):
    """A journal item booked from a payout knows the provider lines behind
    it: the drill-down to the raw record."""

    _inherit = "account.move.line"

    settlement_line_ids = fields.Many2many(
        "settlement.line",
        "settlement_line_move_line_rel",
        "move_line_id",
        "settlement_line_id",
        string="Provider lines",
        copy=False,
    )

    def action_open_settlement_lines(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("settlement_recon.settlement_line_action")
        action["domain"] = [("id", "in", self.settlement_line_ids.ids)]
        return action
