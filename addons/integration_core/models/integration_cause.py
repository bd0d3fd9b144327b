from odoo import _, api, fields, models, tools
from odoo.exceptions import AccessError

from .integration_event import ERROR_CATEGORIES, FIXABLE_STATES

FIX_KINDS = [
    ("tax_mapping", "Map the taxes"),
    ("product", "Link the products"),
    ("currency", "Activate the currency"),
    ("manual", "Fix by hand, then replay"),
]
# the error code (lib/exceptions.py: IntegrationError.code) -> how the cause is fixed
FIX_KIND_BY_CODE = {
    "tax.unmapped": "tax_mapping",
    "product.unknown": "product",
    "currency.inactive": "currency",
}


class IntegrationCause(models.Model):
    """The exception queue grouped by root cause: one row per fingerprint
    and company, over the failed and dead events, with counts and the
    first and last failure.

    A view on integration_event rather than a table kept up to date on
    each failure: it cannot drift (no counter to decrement when an event
    is retried, ignored or purged, nothing to repair after a crash), and
    failing workers do not all update one hot row, which under
    REPEATABLE READ would turn two concurrent failures of one cause into
    a serialization error. Reading it aggregates the failed and dead events
    only (indexed by state and fingerprint): the exception queue, not the
    event history. Its id is the cause's oldest failed event; a fix works
    on the fingerprint, so a row renumbered by a concurrent retry changes
    nothing.
    """

    _name = "integration.cause"
    _description = "Integration Root Cause"
    _auto = False
    _order = "last_seen desc, id desc"
    _rec_name = "template"

    fingerprint = fields.Char(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    code = fields.Char(readonly=True)
    template = fields.Char(string="Root cause", readonly=True)
    category = fields.Selection(ERROR_CATEGORIES, string="Error category", readonly=True)
    fix_kind = fields.Selection(FIX_KINDS, string="Fix", readonly=True)
    last_message = fields.Text(string="Last message", readonly=True)
    topics = fields.Char(readonly=True)
    event_count = fields.Integer(string="Events", readonly=True)
    dead_count = fields.Integer(string="Dead", readonly=True)
    backend_count = fields.Integer(string="# Backends", readonly=True)
    first_seen = fields.Datetime(readonly=True)
    last_seen = fields.Datetime(readonly=True)
    backend_ids = fields.Many2many(
        "integration.backend",
        string="Backends",
        compute="_compute_backend_ids",
        search="_search_backend_ids",
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        fix_kind = tools.SQL(
            "CASE %s ELSE 'manual' END",
            tools.SQL(" ").join(
                tools.SQL("WHEN max(e.error_code) = %s THEN %s", code, kind)
                for code, kind in FIX_KIND_BY_CODE.items()
            ),
        )
        self.env.cr.execute(
            tools.SQL(
                """
                CREATE OR REPLACE VIEW %s AS (
                    SELECT min(e.id) AS id,
                           e.error_fingerprint AS fingerprint,
                           e.company_id AS company_id,
                           max(e.error_code) AS code,
                           (array_agg(e.error_template ORDER BY e.id DESC))[1] AS template,
                           (array_agg(e.error_category ORDER BY e.id DESC))[1] AS category,
                           (array_agg(e.error_message ORDER BY e.id DESC))[1] AS last_message,
                           %s AS fix_kind,
                           string_agg(DISTINCT e.topic, ', ') AS topics,
                           count(*) AS event_count,
                           count(*) FILTER (WHERE e.state = 'dead') AS dead_count,
                           count(DISTINCT e.backend_id) AS backend_count,
                           min(COALESCE(e.error_at, e.write_date)) AS first_seen,
                           max(COALESCE(e.error_at, e.write_date)) AS last_seen
                      FROM integration_event e
                     WHERE e.state IN %s
                       AND e.error_fingerprint IS NOT NULL
                  GROUP BY e.error_fingerprint, e.company_id
                )
                """,
                tools.SQL.identifier(self._table),
                fix_kind,
                FIXABLE_STATES,
            )
        )

    # the view reads integration_event: what the ORM still holds in memory
    # for events (a failure, a retry in this transaction) is written first
    _EVENT_FIELDS = (
        "error_fingerprint",
        "error_code",
        "error_template",
        "error_category",
        "error_message",
        "error_at",
        "state",
        "topic",
        "backend_id",
        "company_id",
    )

    def _flush_search(self, domain, fields=None, order=None, seen=None):
        self.env["integration.event"].flush_model(self._EVENT_FIELDS)
        return super()._flush_search(domain, fields=fields, order=order, seen=seen)

    def _fetch_query(self, query, fields):
        self.env["integration.event"].flush_model(self._EVENT_FIELDS)
        return super()._fetch_query(query, fields)

    # ------------------------------------------------------------------------------

    def _event_domain(self):
        """The cause's failed and dead events (read as the caller: record
        rules apply)."""
        self.ensure_one()
        return [
            ("error_fingerprint", "=", self.fingerprint),
            ("company_id", "=", self.company_id.id),
            ("state", "in", list(FIXABLE_STATES)),
        ]

    def _events(self):
        return self.env["integration.event"].search(self._event_domain(), order="id")

    def _compute_backend_ids(self):
        Event = self.env["integration.event"]
        backends = {}
        if self.ids:
            for fingerprint, company, backend in Event._read_group(
                [
                    ("error_fingerprint", "in", self.mapped("fingerprint")),
                    ("company_id", "in", self.company_id.ids),
                    ("state", "in", list(FIXABLE_STATES)),
                ],
                ["error_fingerprint", "company_id", "backend_id"],
            ):
                backends.setdefault((fingerprint, company.id), self.env["integration.backend"])
                backends[(fingerprint, company.id)] |= backend
        for cause in self:
            cause.backend_ids = backends.get((cause.fingerprint, cause.company_id.id), False)

    def _search_backend_ids(self, operator, value):
        groups = self.env["integration.event"]._read_group(
            [
                ("backend_id", operator, value),
                ("state", "in", list(FIXABLE_STATES)),
                ("error_fingerprint", "!=", False),
            ],
            ["error_fingerprint"],
        )
        return [("fingerprint", "in", [fingerprint for (fingerprint,) in groups])]

    # ------------------------------------------------------------------------------
    # actions
    # ------------------------------------------------------------------------------

    def action_open_events(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("integration_core.integration_event_action")
        action["name"] = _("Events: %s", self.template)
        action["domain"] = self._event_domain()
        action["context"] = {}
        return action

    def action_fix(self):
        """Open the fix wizard: fix the cause once, then replay its events."""
        self.ensure_one()
        self.check_access_rights("read")
        self.check_access_rule("read")
        wizard = self.env["integration.cause.fix"]._start(self)
        return {
            "type": "ir.actions.act_window",
            "name": _("Fix the cause and replay"),
            "res_model": wizard._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    @api.model
    def _check_caller_company(self, company):
        if not self.env.su and company not in self.env.user.company_ids:
            raise AccessError(_("This cause belongs to a company you do not work in."))
