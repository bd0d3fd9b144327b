from odoo import fields, models


class IntegrationEventRun(models.Model):
    """One run of an event's job: written when the run starts, in a
    transaction of its own (see ``integration.event._begin_run``), so that
    a run whose worker was killed still counts."""

    _name = "integration.event.run"
    _description = "Integration Event Run"
    _order = "id desc"
    _log_access = False

    event_id = fields.Many2one("integration.event", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="event_id.company_id", store=True)
    started_at = fields.Datetime(readonly=True)
    worker = fields.Char(readonly=True, help="host:pid of the worker that ran it.")
