from odoo import _, models


class IntegrationEvent(models.Model):
    """The event's way into its trace (integration.trace)."""

    _inherit = "integration.event"

    def action_open_trace(self):
        """The trace view of this event's transaction; the event list of the
        trace when there is no trace row to show (no trace id)."""
        self.ensure_one()
        trace = self.env["integration.trace"].search(
            [("name", "=", self.trace_id), ("company_id", "=", self.company_id.id)], limit=1
        )
        if not trace:
            return super().action_open_trace()
        return {
            "type": "ir.actions.act_window",
            "name": _("Trace"),
            "res_model": "integration.trace",
            "res_id": trace.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }
