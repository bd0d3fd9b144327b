"""One business transaction across backends and channels.

``integration.trace`` is a read-only SQL view over integration.event grouped
by ``trace_id`` (and company: a user sees the part of a trace that belongs to
their companies, and the counts of that part only). Its form lists the
events of the trace in time order, with their states, parent/child links and
the Odoo records they made, as far as the user may read them.
"""

from odoo import _, api, fields, models, tools

from .integration_event import STATES

# Worst first: the state a trace shows is the worst of its events.
STATE_RANK = ("done", "ignored", "received", "queued", "processing", "failed", "dead")


class IntegrationTrace(models.Model):
    _name = "integration.trace"
    _description = "Integration Trace"
    _auto = False
    _order = "last_at desc, id desc"
    _rec_name = "name"

    name = fields.Char(string="Trace", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    backend_id = fields.Many2one(
        "integration.backend", string="Started on", readonly=True, help="The backend of the first event."
    )
    first_topic = fields.Char(string="Starts with", readonly=True)
    first_at = fields.Datetime(string="Started", readonly=True)
    last_at = fields.Datetime(string="Last activity", readonly=True)
    event_count = fields.Integer(string="Events", readonly=True)
    exception_count = fields.Integer(string="Exceptions", readonly=True)
    pending_count = fields.Integer(string="Pending", readonly=True)
    backend_count = fields.Integer(string="# Backends", readonly=True)
    backend_names = fields.Char(string="Backends", readonly=True)
    channels = fields.Char(readonly=True, help="The backend types the trace crosses.")
    state = fields.Selection(STATES, string="Worst state", readonly=True)
    event_ids = fields.One2many(
        "integration.event", compute="_compute_event_ids", string="Events in time order"
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        ranks = ", ".join(f"'{state}'" for state in STATE_RANK)
        cases = " ".join(f"WHEN '{state}' THEN {rank}" for rank, state in enumerate(STATE_RANK, 1))
        self.env.cr.execute(
            f"""
            CREATE VIEW {self._table} AS (
                SELECT min(e.id) AS id,
                       e.trace_id AS name,
                       e.company_id,
                       (array_agg(e.backend_id ORDER BY e.received_at, e.id))[1] AS backend_id,
                       (array_agg(e.topic ORDER BY e.received_at, e.id))[1] AS first_topic,
                       min(e.received_at) AS first_at,
                       max(greatest(e.received_at, e.done_at)) AS last_at,
                       count(*) AS event_count,
                       count(*) FILTER (WHERE e.state IN ('failed', 'dead')) AS exception_count,
                       count(*) FILTER (WHERE e.state IN ('received', 'queued', 'processing')) AS pending_count,
                       count(DISTINCT e.backend_id) AS backend_count,
                       string_agg(DISTINCT b.name, ', ') AS backend_names,
                       string_agg(DISTINCT e.backend_type, ', ') AS channels,
                       (ARRAY[{ranks}])[max(CASE e.state {cases} ELSE 1 END)] AS state
                  FROM integration_event e
                  JOIN integration_backend b ON b.id = e.backend_id
                 WHERE e.trace_id IS NOT NULL
              GROUP BY e.trace_id, e.company_id
            )
            """  # only constants are formatted in
        )

    @api.depends("name")
    @api.depends_context("uid", "allowed_company_ids")
    def _compute_event_ids(self):
        # as the user: record rules keep other companies' events out
        Event = self.env["integration.event"]
        events = Event.search([("trace_id", "in", [t.name for t in self if t.name])])
        events = events.sorted(lambda e: (e.received_at or fields.Datetime.now(), e.id))
        for trace in self:
            trace.event_ids = events.filtered(lambda e, name=trace.name: e.trace_id == name)

    def action_open_events(self):
        """The trace's events in the event list (filters, group-bys, exports)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("integration_core.integration_event_action")
        action.update(
            domain=[("trace_id", "=", self.name)],
            context={},
            name=_("Events of trace %s", self.name),
        )
        return action
