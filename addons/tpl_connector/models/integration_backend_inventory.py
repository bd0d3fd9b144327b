"""A 3PL backend's inventory settings: how far the 3PL's count may drift
from Odoo's before a user decides, and what its adjustment reasons mean."""

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class IntegrationBackend(models.Model):
    _inherit = "integration.backend"

    tpl_tolerance_qty = fields.Float(
        string="Auto-apply up to (quantity)",
        digits="Product Unit of Measure",
        default=0.0,
        help="A variance of at most this many units is applied without a user. 0: not set.",
    )
    tpl_tolerance_percent = fields.Float(
        string="Auto-apply up to (%)",
        default=0.0,
        help="A variance of at most this percent of Odoo's quantity is applied without a user. "
        "0: not set. With both limits set a variance must be within both; with neither, every "
        "variance waits for a stock manager.",
    )
    tpl_x12_846_complete = fields.Boolean(
        string="846 lists all stock",
        help="X12: this 3PL's 846 lists every SKU it holds, so a SKU it leaves out is held at 0 in "
        "Odoo. Off: an 846 only speaks of the SKUs it lists (the safe reading).",
    )
    tpl_reason_map_ids = fields.One2many("tpl.reason.map", "backend_id", string="Adjustment reasons")
    tpl_snapshot_count = fields.Integer(compute="_compute_tpl_snapshot_count", string="Inventory snapshots")

    @api.constrains("tpl_tolerance_qty", "tpl_tolerance_percent")
    def _check_tpl_tolerances(self):
        for backend in self:
            if backend.tpl_tolerance_qty < 0 or backend.tpl_tolerance_percent < 0:
                raise ValidationError(_("%s: tolerances cannot be negative.", backend.name))

    def _compute_tpl_snapshot_count(self):
        Snapshot = self.env["tpl.inventory.snapshot"]
        counts = dict(Snapshot._read_group([("backend_id", "in", self.ids)], ["backend_id"], ["__count"]))
        for backend in self:
            backend.tpl_snapshot_count = counts.get(backend, 0) if backend.id else 0

    def action_open_tpl_snapshots(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("tpl_connector.tpl_inventory_snapshot_action")
        action["domain"] = [("backend_id", "=", self.id)]
        action["context"] = {"default_backend_id": self.id}
        return action
