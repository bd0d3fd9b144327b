"""What a 3PL adds to a transfer of its warehouse: where the transfer
stands at the 3PL (released, cancellation asked and answered, confirmed),
a hold flag and a "release now" button for users.

The state fields are written by the connector's jobs only: a user (or an
RPC call) changing them would make Odoo and the 3PL disagree silently, so
``write`` refuses them outside the connector (``tpl_write`` context, set by
the jobs under sudo)."""

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

TPL_STATES = [
    ("pending", "To release"),
    ("released", "Released"),
    ("cancel_requested", "Cancellation requested"),
    ("cancelled", "Cancelled at the 3PL"),
    ("cancel_refused", "Cancellation refused"),
    ("partial", "Partly confirmed"),
    ("done", "Confirmed"),
]
# written by the connector only
PROTECTED = {"tpl_state", "tpl_external_id", "tpl_released_at", "tpl_cancel_answer", "tpl_notified_at"}


class StockPicking(models.Model):
    _inherit = "stock.picking"

    tpl_backend_id = fields.Many2one(
        "integration.backend",
        string="3PL",
        related="picking_type_id.warehouse_id.tpl_backend_id",
        store=True,
        index=True,
    )
    tpl_state = fields.Selection(TPL_STATES, string="3PL status", copy=False, tracking=True, index=True)
    tpl_hold = fields.Boolean(
        string="Hold at 3PL",
        copy=False,
        tracking=True,
        help="Not released to the 3PL until the hold is lifted.",
    )
    tpl_external_id = fields.Char(
        string="3PL order",
        copy=False,
        tracking=True,
        help="The 3PL's id of the released order (tracked with the 3PL status: one chatter entry per release).",
    )
    tpl_released_at = fields.Datetime(string="Released at", copy=False)
    tpl_notified_at = fields.Datetime(
        string="Announced at", copy=False, help="Inbound or return notice sent."
    )
    tpl_cancel_answer = fields.Char(string="3PL cancellation answer", copy=False)

    @api.model_create_multi
    def create(self, vals_list):
        self._tpl_check_protected(set().union(*[set(v) for v in vals_list]))
        return super().create(vals_list)

    def write(self, vals):
        self._tpl_check_protected(set(vals))
        if "tpl_hold" in vals:
            self._tpl_check_can_hold()
        return super().write(vals)

    def _tpl_check_protected(self, names):
        if names & PROTECTED and not self.env.context.get("tpl_write"):
            raise AccessError(
                _(
                    "The 3PL status of a transfer is kept by the connector: %s cannot be set.",
                    ", ".join(sorted(names & PROTECTED)),
                )
            )

    def _tpl_write(self, vals):
        """The connector's way of writing its state fields."""
        return self.sudo().with_context(tpl_write=True).write(vals)

    def _tpl_check_can_hold(self):
        if not self.env.su and not self.env.user.has_group("stock.group_stock_user"):
            raise AccessError(_("Only inventory users can hold or release 3PL deliveries."))
        released = self.filtered(lambda p: p.tpl_state not in (False, "pending"))
        if released:
            raise UserError(
                _(
                    "%s is released to the 3PL already: ask the 3PL to cancel it instead of holding it.",
                    ", ".join(released.mapped("name")),
                )
            )

    def action_tpl_release_now(self):
        """Release these deliveries to their 3PL now, cut-off or not."""
        self._tpl_check_can_hold()
        for picking in self:
            if not picking.tpl_backend_id:
                raise UserError(_("%s is not a transfer of a 3PL warehouse.", picking.name))
            if picking.tpl_hold:
                raise UserError(_("%s is on hold: lift the hold first.", picking.name))
            if picking.state != "assigned":
                raise UserError(_("%s is not reserved: only reserved deliveries are released.", picking.name))
        self.env["tpl.outbound"].sudo()._release_pickings(self.sudo(), manual=True)
        return True

    def action_tpl_cancel(self):
        """Ask the 3PL to cancel these released deliveries."""
        if not self.env.user.has_group("stock.group_stock_user"):
            raise AccessError(_("Only inventory users can ask a 3PL to cancel a delivery."))
        for picking in self:
            if picking.tpl_state not in ("released", "cancel_refused"):
                raise UserError(_("%s is not released to a 3PL: cancel it in Odoo.", picking.name))
        self.env["tpl.outbound"].sudo()._request_cancel(self.sudo())
        return True

    def action_cancel(self):
        """A delivery released to a 3PL cannot be cancelled in Odoo alone: the
        3PL may ship it. The user asks the 3PL (action_tpl_cancel); the
        delivery is cancelled when the 3PL accepts."""
        released = self.filtered(
            lambda p: p.tpl_state in ("released", "cancel_requested", "cancel_refused", "partial")
        )
        if released and not self.env.context.get("tpl_write"):
            raise UserError(
                _(
                    '%s is released to its 3PL: use "Cancel at 3PL"; it is cancelled here when the 3PL accepts.',
                    ", ".join(released.mapped("name")),
                )
            )
        return super().action_cancel()
