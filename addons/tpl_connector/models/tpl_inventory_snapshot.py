"""What a 3PL said it holds (a snapshot) or changed (an adjustment), and
the variances against Odoo they produced.

Only differences are stored as variance lines (a 50,000-SKU snapshot that
matches on 49,900 SKUs keeps 100 lines); the snapshot keeps the counts.
Variances within the backend's tolerance are applied at once; the others
wait for a stock manager, who approves (the variance's delta is applied,
never the 3PL's quantity as such) or rejects (nothing changes).
"""

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

SNAPSHOT_STATES = [
    ("draft", "Draft"),
    ("reconciled", "Reconciled"),
    ("waiting", "Waiting for approval"),
    ("applied", "Applied"),
]
VARIANCE_STATES = [
    ("matched", "Matched"),
    ("auto_applied", "Applied automatically"),
    ("to_approve", "To approve"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
    ("ignored", "Ignored"),
]


class TplInventorySnapshot(models.Model):
    _name = "tpl.inventory.snapshot"
    _description = "3PL inventory snapshot or adjustment"
    _inherit = ["mail.thread"]
    _order = "as_of desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    backend_id = fields.Many2one(
        "integration.backend",
        string="3PL",
        required=True,
        ondelete="cascade",
        index=True,
        readonly=True,
        domain=[("backend_type", "=", "tpl")],
    )
    company_id = fields.Many2one(related="backend_id.company_id", store=True, index=True)
    warehouse_id = fields.Many2one(related="backend_id.tpl_warehouse_id", string="Warehouse")
    kind = fields.Selection(
        [("snapshot", "Snapshot"), ("adjustment", "Adjustment")],
        required=True,
        default="snapshot",
        readonly=True,
    )
    external_id = fields.Char(string="3PL reference", required=True, readonly=True, index=True)
    as_of = fields.Datetime(string="As of", required=True, readonly=True, default=fields.Datetime.now)
    complete = fields.Boolean(
        readonly=True,
        help="A complete snapshot lists everything the 3PL holds: what it does not list is held at 0. "
        "A partial one speaks only of the products it lists.",
    )
    state = fields.Selection(SNAPSHOT_STATES, default="draft", required=True, readonly=True, tracking=True)
    event_id = fields.Many2one("integration.event", string="Event", readonly=True, ondelete="set null")
    variance_ids = fields.One2many("tpl.inventory.variance", "snapshot_id", string="Variances", readonly=True)
    line_count = fields.Integer(string="Lines", readonly=True, help="Products and lots compared.")
    matched_count = fields.Integer(string="Matched", readonly=True)
    auto_count = fields.Integer(string="Applied automatically", readonly=True)
    approval_count = fields.Integer(string="To approve", compute="_compute_counts", store=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    value_total = fields.Monetary(string="Variance value", compute="_compute_counts", store=True)

    _sql_constraints = [
        (
            "external_unique",
            "unique(backend_id, kind, external_id)",
            "A 3PL's snapshot or adjustment is recorded once.",
        ),
    ]

    @api.depends("backend_id.name", "kind", "external_id")
    def _compute_name(self):
        labels = dict(self._fields["kind"].selection)
        for snapshot in self:
            snapshot.name = f"{snapshot.backend_id.name} {labels.get(snapshot.kind)} {snapshot.external_id}"

    @api.depends("variance_ids.state", "variance_ids.value")
    def _compute_counts(self):
        for snapshot in self:
            variances = snapshot.variance_ids
            snapshot.approval_count = len(variances.filtered(lambda v: v.state == "to_approve"))
            snapshot.value_total = sum(variances.mapped("value"))

    def _update_state(self):
        for snapshot in self:
            states = set(snapshot.variance_ids.mapped("state"))
            if "to_approve" in states:
                state = "waiting"
            elif states & {"auto_applied", "approved"}:
                state = "applied"
            else:
                state = "reconciled"
            if snapshot.state != state:
                snapshot.state = state

    def action_approve_all(self):
        self.variance_ids.filtered(lambda v: v.state == "to_approve").action_approve()
        return True

    def action_reject_all(self):
        self.variance_ids.filtered(lambda v: v.state == "to_approve").action_reject()
        return True

    def action_open_moves(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("stock.stock_move_line_action")
        action["domain"] = [("move_id", "in", self.variance_ids.move_id.ids)]
        action["context"] = {}
        return action


class TplInventoryVariance(models.Model):
    _name = "tpl.inventory.variance"
    _description = "3PL inventory variance"
    _order = "snapshot_id desc, state, product_id"
    _check_company_auto = True

    snapshot_id = fields.Many2one(
        "tpl.inventory.snapshot", required=True, ondelete="cascade", index=True, readonly=True
    )
    backend_id = fields.Many2one(related="snapshot_id.backend_id", store=True, index=True)
    company_id = fields.Many2one(related="snapshot_id.company_id", store=True, index=True)
    kind = fields.Selection(related="snapshot_id.kind", store=True)
    product_id = fields.Many2one("product.product", required=True, readonly=True, index=True)
    lot_name = fields.Char(string="Lot", readonly=True)
    lot_id = fields.Many2one("stock.lot", string="Odoo lot", readonly=True)
    odoo_qty = fields.Float(string="Odoo quantity", digits="Product Unit of Measure", readonly=True)
    tpl_qty = fields.Float(string="3PL quantity", digits="Product Unit of Measure", readonly=True)
    difference = fields.Float(digits="Product Unit of Measure", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    value = fields.Monetary(readonly=True, help="Difference at the product's cost.")
    state = fields.Selection(VARIANCE_STATES, required=True, default="to_approve", readonly=True, index=True)
    reason_code = fields.Char(string="3PL reason", readonly=True)
    reason = fields.Text(readonly=True, help="Why it waits, or what the 3PL said.")
    move_id = fields.Many2one("stock.move", string="Adjustment", readonly=True)
    decided_by = fields.Many2one("res.users", readonly=True)
    decided_at = fields.Datetime(readonly=True)

    def _check_manager(self):
        if not self.env.user.has_group("stock.group_stock_manager"):
            raise AccessError(_("Only an inventory administrator can approve or reject a 3PL's variances."))

    def action_approve(self):
        """Apply the waiting variances' deltas at the 3PL's stock location."""
        self._check_manager()
        waiting = self._waiting()
        Inventory = self.env["tpl.inventory"].sudo()
        # a delivery released since the variance was recorded: say so first
        flagged = Inventory._flag_released(waiting.sudo())
        approved = waiting - flagged
        Inventory._apply_variances(approved.sudo(), "approved")
        approved.sudo().write({"decided_by": self.env.uid, "decided_at": fields.Datetime.now()})
        waiting.snapshot_id.sudo()._update_state()
        if flagged:
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "type": "warning",
                    "sticky": True,
                    "title": _("Not applied"),
                    "message": _(
                        "%(count)s variances would now unreserve deliveries released to the 3PL (see their "
                        "reason): approve them again to apply them anyway.",
                        count=len(flagged),
                    ),
                },
            }
        return True

    def action_reject(self):
        """Leave Odoo's quantities as they are."""
        self._check_manager()
        waiting = self._waiting()
        waiting.sudo().write(
            {"state": "rejected", "decided_by": self.env.uid, "decided_at": fields.Datetime.now()}
        )
        waiting.snapshot_id.sudo()._update_state()
        return True

    def _waiting(self):
        waiting = self.filtered(lambda v: v.state == "to_approve")
        if not waiting:
            raise UserError(_("Nothing here waits for approval."))
        return waiting
