from odoo import fields, models


class IntegrationEventIgnoreWizard(models.TransientModel):
    """Asks why the selected events are ignored; the reason goes to each
    event and its chatter."""

    _name = "integration.event.ignore.wizard"
    _description = "Ignore Integration Events"

    event_ids = fields.Many2many(
        "integration.event", default=lambda self: self._default_events(), string="Events"
    )
    reason = fields.Text(required=True)

    def _default_events(self):
        if self.env.context.get("active_model") == "integration.event":
            return self.env["integration.event"].browse(self.env.context.get("active_ids", []))
        return self.env["integration.event"]

    def action_confirm(self):
        self.event_ids.action_ignore(reason=self.reason)
        return {"type": "ir.actions.act_window_close"}
