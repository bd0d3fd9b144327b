from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class IntegrationFlow(models.Model):
    """One flow of a backend, for the integration catalog and its sync policy:
    what moves, which way, what triggers it, when, who owns it. Its topics
    are topics of its backend's table."""

    _name = "integration.flow"
    _description = "Integration Flow"
    _order = "backend_id, sequence, name"

    name = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    backend_id = fields.Many2one("integration.backend", required=True, ondelete="cascade", index=True)
    backend_type = fields.Selection(related="backend_id.backend_type", store=True)
    company_id = fields.Many2one(related="backend_id.company_id", store=True)
    code = fields.Char(
        required=True, help="Technical name the channel code uses, e.g. order_import, stock_export."
    )
    topics = fields.Char(
        help="Event topics of this flow, comma-separated: topics of its backend (e.g. order.created)."
    )
    direction = fields.Selection([("in", "Inbound"), ("out", "Outbound")], required=True, default="in")
    trigger = fields.Selection(
        [
            ("webhook", "Webhook"),
            ("schedule", "Schedule"),
            ("odoo_event", "Odoo event"),
            ("manual", "Manual"),
        ],
        required=True,
        default="webhook",
    )
    policy = fields.Selection(
        [("realtime", "Real-time"), ("batch", "Batch (scheduled)"), ("off", "Off")],
        string="Sync policy",
        required=True,
        default="realtime",
    )
    interval_number = fields.Integer(string="Every", default=15)
    interval_type = fields.Selection(
        [("minutes", "Minutes"), ("hours", "Hours"), ("days", "Days")], default="minutes"
    )
    user_id = fields.Many2one("res.users", string="Owner", default=lambda self: self.env.user)
    last_run_at = fields.Datetime(readonly=True)
    cursor = fields.Char(readonly=True, help="Where the next batch run resumes (e.g. updated-since).")
    description = fields.Text()
    event_count = fields.Integer(compute="_compute_event_count", string="Events")

    _sql_constraints = [
        ("code_unique", "unique(backend_id, code)", "A backend has one flow per code."),
    ]

    @api.constrains("topics", "backend_id")
    def _check_topics(self):
        for flow in self:
            handled = flow.backend_id._handled_topics()
            unknown = [topic for topic in flow._topic_list() if topic not in handled]
            if unknown:
                raise ValidationError(
                    _(
                        "Flow %(flow)s: %(topics)s is not a topic of its %(type)s backend (%(handled)s).",
                        flow=flow.name,
                        topics=", ".join(unknown),
                        type=flow.backend_id.backend_type,
                        handled=", ".join(handled) or _("none"),
                    )
                )

    def _topic_list(self):
        self.ensure_one()
        return [t.strip() for t in (self.topics or "").split(",") if t.strip()]

    def _compute_event_count(self):
        Event = self.env["integration.event"]
        for flow in self:
            topics = flow._topic_list()
            flow.event_count = (
                Event.search_count([("backend_id", "=", flow.backend_id.id), ("topic", "in", topics)])
                if topics and flow.backend_id.id
                else 0
            )

    @api.model
    def _is_active(self, backend, code, policies=("realtime", "batch")):
        """True when the flow ``code`` runs under one of ``policies``.
        A backend without that flow configured runs it in real time."""
        flow = self.search([("backend_id", "=", backend.id), ("code", "=", code)], limit=1)
        return flow.policy in policies if flow else "realtime" in policies

    def _is_due(self, now):
        """For batch flows run by a generic cron: has the interval elapsed?"""
        self.ensure_one()
        if self.policy != "batch":
            return False
        if not self.last_run_at:
            return True
        unit = {"minutes": 60, "hours": 3600, "days": 86400}[self.interval_type or "minutes"]
        return (now - self.last_run_at).total_seconds() >= (self.interval_number or 1) * unit

    def action_open_events(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("integration_core.integration_event_action")
        action["domain"] = [("backend_id", "=", self.backend_id.id), ("topic", "in", self._topic_list())]
        return action

    @api.model
    def _cron_run_due_flows(self):
        """Run every batch flow whose interval has elapsed (its backend's
        ``_run_flow`` does the work, usually by enqueuing jobs)."""
        now = fields.Datetime.now()
        for flow in self.search([("policy", "=", "batch"), ("backend_id.active", "=", True)]):
            if flow._is_due(now):
                flow.backend_id._run_flow(flow)
                flow.last_run_at = now
