import json
import logging
import re
import secrets
import threading
from contextlib import contextmanager, nullcontext
from datetime import datetime, timedelta, timezone

import psycopg2
import psycopg2.errors

from odoo import _, api, fields, models, tools
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, mute_logger
from odoo.tools.query import Query

from ..lib import signature
from ..lib.circuit_breaker import CircuitBreaker, CircuitState
from ..lib.db_errors import database_trouble
from ..lib.exceptions import PermanentError, ValidationFailed
from ..lib.http_client import IntegrationHttpClient
from ..lib.masking import mask_text
from ..lib.rate_limit import get_bucket

_logger = logging.getLogger(__name__)

PENDING_STATES = ("received", "queued", "processing")
FAILED_STATES = ("failed", "dead")

# Webhook bodies nesting deeper than this are refused (ours nest < 10 levels).
MAX_JSON_DEPTH = 64
TOPIC_HINT_LENGTH = 64
# What every delivery reads of its backend (see _webhook_backend).
WEBHOOK_FIELDS = (
    "name",
    "active",
    "backend_type",
    "company_id",
    "user_id",
    "webhook_max_bytes",
    "max_attempts",
)


# A JSON string (escapes included), and the brackets left once strings are gone.
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')  # unrolled: no alternation per character
_JSON_BRACKETS = re.compile(rb"[\[\]{}]")


def _json_depth_exceeds(body, limit):
    """True when the JSON text ``body`` (bytes) nests lists/objects more
    than ``limit`` deep. Read from the text, strings left out: two regular
    expressions and a walk over the brackets alone, a tenth of walking the
    parsed value (a webhook pays it on every delivery)."""
    depth = 0
    for bracket in _JSON_BRACKETS.findall(_JSON_STRING.sub(b"", body)):
        depth += 1 if bracket in (b"[", b"{") else -1
        if depth > limit:
            return True
    return False


class IntegrationBackend(models.Model):
    """One connected system: a Shopify store, a trading partner, a 3PL...

    Channel addons extend ``backend_type`` and add their fields here, the way
    payment providers extend ``payment.provider``; what a channel does is its
    topic table and its ``_<backend_type>_<hook>`` methods, which the core
    methods call (see integration_backend_topics.py): no channel overrides a
    core method.
    """

    _name = "integration.backend"
    _description = "Integration Backend"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "sequence, name"

    name = fields.Char(required=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    backend_type = fields.Selection(
        [("generic", "Generic (canonical JSON)")],
        string="Type",
        required=True,
        default="generic",
        tracking=True,
        help="The kind of system. Each channel addon adds its own.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, tracking=True
    )
    environment = fields.Selection(
        [("sandbox", "Sandbox"), ("production", "Production")],
        required=True,
        default="sandbox",
        tracking=True,
        help="Sandbox backends talk to test systems. A copied database is switched "
        "to sandbox by neutralization.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Owner",
        default=lambda self: self.env.user,
        tracking=True,
        help="Responsible for this connection: receives the alerts.",
    )
    color = fields.Integer()
    notes = fields.Html()

    # --- connection -------------------------------------------------------------
    api_url = fields.Char(string="API URL", tracking=True)
    credential_ids = fields.One2many(
        "integration.credential", "backend_id", groups="integration_core.group_integration_manager"
    )
    rate_limit = fields.Float(
        string="Rate limit (requests/s)",
        default=2.0,
        help="Outbound requests per second this Odoo may send; 0 means no limit.",
    )
    request_timeout = fields.Float(string="Request timeout (s)", default=20.0)
    webhook_token = fields.Char(
        copy=False,
        readonly=True,
        groups="integration_core.group_integration_manager",
        default=lambda self: secrets.token_urlsafe(24),
        help="Secret part of this backend's webhook URL.",
    )
    webhook_url = fields.Char(
        compute="_compute_webhook_url", groups="integration_core.group_integration_manager"
    )
    webhook_max_bytes = fields.Integer(string="Webhook body limit (bytes)", default=2 * 1024 * 1024)

    # --- circuit breaker (state written by the HTTP client) ----------------------------
    circuit_state = fields.Selection(
        [("closed", "Closed"), ("open", "Open"), ("half_open", "Half-open")],
        default="closed",
        readonly=True,
        copy=False,
    )
    circuit_failures = fields.Integer(readonly=True, copy=False)
    circuit_opened_at = fields.Datetime(readonly=True, copy=False)
    circuit_threshold = fields.Integer(
        string="Open circuit after", default=5, help="Consecutive failures that open the circuit."
    )
    circuit_cool_down = fields.Integer(string="Cool-down (s)", default=60)

    # --- processing policy ------------------------------------------------------------
    max_attempts = fields.Integer(
        default=10,
        help="Attempts on retryable errors before an event is dead. Waiting on an open circuit "
        "or on a remote batch spends none.",
    )
    retry_base_delay = fields.Integer(
        string="First retry after (s)", default=30, help="Doubles at each attempt."
    )
    retry_max_delay = fields.Integer(
        string="Longest wait between retries (s)",
        default=4 * 3600,
        help="The doubling stops here: with the defaults, ten attempts span about 8.5 hours, so "
        "an outage of a few hours kills nothing.",
    )
    flow_ids = fields.One2many("integration.flow", "backend_id", string="Flows")
    warehouse_id = fields.Many2one(
        "stock.warehouse",
        string="Default warehouse",
        check_company=True,
        help="Warehouse of imported orders unless a location mapping says otherwise.",
    )
    location_map_ids = fields.One2many("integration.location.map", "backend_id")
    tax_map_ids = fields.One2many("integration.tax.map", "backend_id")
    team_id = fields.Many2one("crm.team", string="Sales team", check_company=True)
    pricelist_id = fields.Many2one(
        "product.pricelist",
        check_company=True,
        help="Pricelist of imported orders in its currency; other currencies use a "
        "pricelist of that currency.",
    )
    shipping_product_id = fields.Many2one(
        "product.product", help="Service product of shipping lines (created when empty)."
    )
    discount_product_id = fields.Many2one(
        "product.product", help="Service product of order-level discount lines (created when empty)."
    )
    create_missing_products = fields.Boolean(
        help="Create a product for an unknown SKU instead of raising an exception."
    )
    order_confirm_policy = fields.Selection(
        [
            ("never", "Leave as quotation"),
            ("paid", "Confirm when paid or authorized"),
            ("always", "Always confirm"),
        ],
        default="paid",
        required=True,
    )
    check_totals = fields.Boolean(
        default=True,
        help="Refuse an imported order whose total differs from the channel's total.",
    )
    total_tolerance = fields.Float(default=0.01)

    # --- monitoring thresholds and retention -----------------------------------------------
    alert_failure_rate = fields.Float(
        string="Alert at failure rate (%)", default=10.0, help="Over the last 24 hours."
    )
    alert_backlog = fields.Integer(string="Alert at backlog", default=500)
    sla_minutes = fields.Integer(
        string="SLA (minutes)",
        default=30,
        help="An event pending longer than this raises an alert.",
    )
    retention_days = fields.Integer(
        default=30, help="Done and ignored events older than this are cleaned up. 0 keeps them."
    )
    retention_mode = fields.Selection(
        [("delete", "Delete the events"), ("strip", "Drop their payloads only")],
        default="delete",
        required=True,
    )

    # --- health (dashboard) ---------------------------------------------------------------
    event_count_24h = fields.Integer(compute="_compute_health", string="Events (24 h)")
    failed_count = fields.Integer(compute="_compute_health", string="Exceptions")
    backlog_count = fields.Integer(compute="_compute_health", string="Backlog")
    failure_rate_24h = fields.Float(compute="_compute_health", string="Failure rate (24 h, %)")
    oldest_pending_minutes = fields.Integer(compute="_compute_health", string="Oldest pending (min)")
    last_success_at = fields.Datetime(compute="_compute_health", string="Last success")
    health = fields.Selection(
        [("ok", "Healthy"), ("warning", "Needs attention"), ("critical", "Failing")],
        compute="_compute_health",
    )
    queue_runner_ok = fields.Boolean(
        compute="_compute_queue_health",
        string="Job runner alive",
        help="False when an integration job has been waiting to run longer than the threshold "
        "(system parameter integration_core.runner_alert_minutes, default 10): the queue_job "
        "runner is stopped or overloaded.",
    )
    oldest_pending_job_minutes = fields.Integer(
        compute="_compute_queue_health", string="Oldest waiting job (min)"
    )

    _sql_constraints = [
        ("webhook_token_unique", "unique(webhook_token)", "Webhook tokens must be unique."),
    ]

    # ------------------------------------------------------------------------------
    # compute
    # ------------------------------------------------------------------------------

    def _compute_webhook_url(self):
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        for backend in self:
            backend.webhook_url = (
                f"{base}/integration/webhook/{backend.backend_type}/{backend.webhook_token}"
                if backend.id and backend.webhook_token
                else False
            )

    def _compute_health(self):
        Event = self.env["integration.event"].sudo()
        now = fields.Datetime.now()
        since = now - timedelta(hours=24)
        ids = self.ids
        stats = {bid: {} for bid in ids}
        if ids:
            for backend, state, count in Event._read_group(
                [("backend_id", "in", ids), ("create_date", ">=", since)],
                ["backend_id", "state"],
                ["__count"],
            ):
                stats[backend.id][state] = count
            # backlog: {backend: (oldest reception, count)}
            backlog = {
                backend: (oldest, count)
                for backend, oldest, count in Event._read_group(
                    [("backend_id", "in", ids), ("state", "in", PENDING_STATES)],
                    ["backend_id"],
                    ["received_at:min", "__count"],
                )
            }
            failed = dict(
                Event._read_group(
                    [("backend_id", "in", ids), ("state", "in", FAILED_STATES)],
                    ["backend_id"],
                    ["__count"],
                )
            )
            last_done = dict(
                Event._read_group(
                    [("backend_id", "in", ids), ("state", "=", "done")],
                    ["backend_id"],
                    ["done_at:max"],
                )
            )
        for backend in self:
            counts = stats.get(backend.id, {})
            total = sum(counts.values())
            failures = counts.get("failed", 0) + counts.get("dead", 0)
            backend.event_count_24h = total
            backend.failure_rate_24h = (100.0 * failures / total) if total else 0.0
            backend.failed_count = failed.get(backend, 0) if backend.id else 0
            oldest, backend.backlog_count = backlog.get(backend, (None, 0)) if backend.id else (None, 0)
            backend.oldest_pending_minutes = int((now - oldest).total_seconds() // 60) if oldest else 0
            backend.last_success_at = last_done.get(backend) if backend.id else False
            backend.health = backend._health_level()

    def _compute_queue_health(self):
        minutes = self._oldest_waiting_job_minutes()
        threshold = self._runner_alert_minutes()
        for backend in self:
            backend.oldest_pending_job_minutes = minutes
            backend.queue_runner_ok = minutes < threshold

    @api.model
    def _runner_alert_minutes(self):
        value = (
            self.env["ir.config_parameter"].sudo().get_param("integration_core.runner_alert_minutes", "10")
        )
        return int(value or 10)

    @api.model
    def _oldest_waiting_job_minutes(self):
        """Minutes the oldest due integration job has been waiting for the
        runner (0 when none waits): pending or enqueued, eta passed."""
        self.env["queue.job"].flush_model()
        self.env.cr.execute(
            """
            SELECT EXTRACT(EPOCH FROM (now() AT TIME ZONE 'UTC' - min(COALESCE(eta, date_created)))) / 60
              FROM queue_job
             WHERE state IN ('pending', 'enqueued')
               AND channel LIKE 'root.integration%%'
               AND COALESCE(eta, date_created) <= now() AT TIME ZONE 'UTC'
            """
        )
        value = self.env.cr.fetchone()[0]
        return int(value) if value else 0

    def _health_level(self):
        """ok / warning / critical from the thresholds set on the backend."""
        self.ensure_one()
        if self.circuit_state == "open" or (
            self.alert_failure_rate and self.failure_rate_24h >= self.alert_failure_rate
        ):
            return "critical"
        if (
            self.failed_count
            or (self.alert_backlog and self.backlog_count >= self.alert_backlog)
            or (self.sla_minutes and self.oldest_pending_minutes >= self.sla_minutes)
        ):
            return "warning"
        return "ok"

    # ------------------------------------------------------------------------------
    # credentials
    # ------------------------------------------------------------------------------

    def _get_secret(self, key, required=True):
        """The one way code reads a credential: decrypted, for this backend."""
        self.ensure_one()
        return self.env["integration.credential"]._read_secret(self, key, required=required)

    def _set_secret(self, key, value):
        self.ensure_one()
        self.env["integration.credential"]._write_secret(self, key, value)

    # ------------------------------------------------------------------------------
    # the generic backend's topics (see GENERIC_TOPICS)
    # ------------------------------------------------------------------------------

    def _generic_export_payload(self, event, payload):
        """payload.export: POST the event's payload as JSON to the backend's
        API URL, signed like inbound generic webhooks (HMAC-SHA256 hex of the
        body, keyed with the 'webhook_secret' credential, in
        X-Integration-Signature), with the event's idempotency key, so the
        receiver can deduplicate a delivery that is sent again."""
        backend = event.backend_id
        body = json.dumps(payload, sort_keys=True).encode()
        secret = backend._get_secret("webhook_secret", required=False)
        headers = {
            "Content-Type": "application/json",
            "X-Integration-Topic": event.topic,
            "X-Integration-Idempotency-Key": event.idempotency_key,
        }
        if secret:
            headers["X-Integration-Signature"] = signature.hmac_sha256_hex(secret, body)
        with backend._http_client(secrets=[secret] if secret else ()) as client:
            client.request("POST", "", data=body, headers=headers)
        return None

    def _run_flow(self, flow):
        """Run one batch flow (called by the scheduler when it is due): the
        topics of :meth:`_flow_runs` go through the one core path."""
        self.ensure_one()
        events = self.env["integration.event"]
        for topic, payload in self._flow_runs(flow):
            events |= self._enqueue_topic(topic, payload)
        return events

    def _job_channel(self):
        """queue_job channel of this backend's jobs: one sub-channel per addon
        (``_<type>_job_channel``)."""
        hook = self._channel_hook("job_channel")
        return hook() if hook else "root.integration"

    def _shipment_short_policy(self):
        """What becomes of a confirmed shipment's line shipped short that says
        nothing itself (canonical shipment.v2, integration.shipment.importer):
        "backorder" (the rest waits in a backorder, X12 W12 BP) or "cancel"
        (the rest is cancelled, CP/IC). A channel answers with
        ``_<type>_shipment_short_policy`` (e.g. from a field of its backend);
        the default is "backorder"."""
        hook = self._channel_hook("shipment_short_policy")
        return hook() if hook else "backorder"

    def _job_user(self):
        """The one identity this backend's jobs run as, whoever enqueued
        them: its owner when the owner is an active internal integration
        user of the backend's company, else OdooBot. What jobs create and
        post in the chatter is signed by it."""
        self.ensure_one()
        backend = self.sudo()
        return self.env["res.users"].browse(self._job_user_id(backend.user_id.id, backend.company_id.id))

    @api.model
    @tools.ormcache("owner_id", "company_id")
    def _job_user_id(self, owner_id, company_id):
        """See _job_user. Cached per worker: a change of the owner's groups,
        companies or active flag clears Odoo's registry cache (res.users
        and res.groups do), and another owner or company is another key."""
        owner = self.env["res.users"].sudo().browse(owner_id)
        if (
            owner
            and owner.active
            and owner._is_internal()
            and owner.has_group("integration_core.group_integration_user")
            and company_id in owner.company_ids.ids
        ):
            return owner.id
        return self.env.ref("base.user_root").id

    @contextmanager
    def _independent_cursor(self):
        """A cursor whose work is committed when the block ends, whatever
        the current transaction does afterwards: for what must survive a
        rollback or a killed worker (the run log, the circuit breaker).

        Odoo's tests run in one transaction they never commit, which a
        second connection cannot see: there, the block runs on the current
        cursor (callers write outside any savepoint they may roll back).
        """
        if getattr(threading.current_thread(), "testing", False):
            with nullcontext(self.env.cr) as cr:
                yield cr
            return
        with self.env.registry.cursor() as cr:
            yield cr

    # ------------------------------------------------------------------------------
    # webhooks (called by controllers/webhook.py)
    # ------------------------------------------------------------------------------

    def _webhook_hook(self, name):
        """The channel's ``_<type>_<name>`` webhook hook; without one, the
        suite's own signed-JSON protocol (``_suite_<name>``) when the table has
        topics fed by webhooks; None when the backend takes no webhooks."""
        hook = self._channel_hook(name)
        if hook:
            return hook
        if self.backend_type and self._topics().fed_by("webhook"):
            return getattr(self, f"_suite_{name}")
        return None

    def _webhook_verify(self, headers, body):
        """True when the request is authentic (see _webhook_hook)."""
        self.ensure_one()
        hook = self._webhook_hook("webhook_verify")
        return bool(hook(headers, body)) if hook else False

    def _suite_webhook_verify(self, headers, body):
        """The suite's protocol (the generic backend's, and any channel's that
        declares no hook of its own): the raw body signed with HMAC-SHA256
        (hex) keyed with the 'webhook_secret' credential, in the
        X-Integration-Signature header."""
        secret = self._get_secret("webhook_secret", required=False)
        if not secret:
            return False
        expected = signature.hmac_sha256_hex(secret, body)
        return signature.verify_signature(headers.get("X-Integration-Signature"), expected)

    def _webhook_parse(self, headers, body):
        """Turn an authentic request into the fields of an inbound event.

        Returns a dict with topic (ours: a topic of the table fed by webhooks),
        idempotency_key, external_id, payload (the parsed body), and
        optionally source_updated_at and content_key. Raises ValidationFailed
        for a malformed body or a topic the table does not take by webhook.
        The channel's ``_<type>_webhook_parse`` does the work.
        """
        self.ensure_one()
        hook = self._webhook_hook("webhook_parse")
        if not hook:
            raise ValidationFailed(_("This backend type takes no webhooks."))
        values = hook(headers, body)
        topic = self._topics().get(values.get("topic"))
        if not topic or topic.direction != "in" or topic.feed != "webhook":
            raise ValidationFailed(
                _("Topic %s is not one this backend takes by webhook.", str(values.get("topic"))[:64])
            )
        return values

    def _suite_webhook_parse(self, headers, body):
        """The sender names the topic in X-Integration-Topic (ours, or one of
        its remote names in the table) and the idempotency key in
        X-Integration-Idempotency-Key."""
        name = headers.get("X-Integration-Topic")
        key = headers.get("X-Integration-Idempotency-Key")
        if not name or not key:
            raise ValidationFailed(
                _("Missing header(s): X-Integration-Topic and X-Integration-Idempotency-Key are required.")
            )
        table = self._topics()
        topic = table.by_remote(name) or table.get(name)
        payload = self._parse_json_body(body)
        return {
            "topic": topic.name if topic else name,
            "idempotency_key": key,
            "external_id": str(payload.get("external_id") or payload.get("id") or "") or False,
            "payload": payload,
        }

    @api.model
    def _webhook_content_types(self, backend_type):
        """Content types the webhooks of ``backend_type`` accept; anything
        else gets 415 before the body is read. Channels that receive other
        formats (EDI, AS2) extend this."""
        return ("application/json",)

    @api.model
    def _parse_json_body(self, body):
        """The body as a JSON object; ValidationFailed when it is not one, or
        nests deeper than MAX_JSON_DEPTH (what would break later, in a job,
        a view or a log, is refused here)."""
        try:
            payload = json.loads(body.decode("utf-8"))
        except RecursionError as exc:
            raise ValidationFailed(_("The body nests JSON too deeply to be read.")) from exc
        except (UnicodeDecodeError, ValueError) as exc:
            raise ValidationFailed(_("The body is not valid JSON: %s", exc)) from exc
        if not isinstance(payload, dict):
            raise ValidationFailed(_("The body must be a JSON object."))
        if _json_depth_exceeds(body, MAX_JSON_DEPTH):
            raise ValidationFailed(_("The body nests JSON deeper than %s levels.", MAX_JSON_DEPTH))
        return payload

    @api.model
    def _webhook_backend(self, backend_type, token):
        """The active backend of a webhook URL, or an empty recordset, with
        the fields a delivery reads in the same query: WEBHOOK_FIELDS and the
        channel's ``_<type>_webhook_fields()``. Fetching all of a backend's
        fields (the ORM's prefetch, some hundred columns with every channel
        installed) costs a webhook more than its own work; a field left out
        costs one more query, not an error."""
        if not token:
            return self.browse()
        # search_fetch() without its domain parsing: a third of this lookup
        query = Query(self.env.cr, self._table, self._table_query)
        query.add_where(SQL("backend_type = %s AND webhook_token = %s AND active", backend_type, token))
        query.limit = 1
        return self._fetch_query(query, self._determine_fields_to_fetch(self._webhook_fields(backend_type)))

    @api.model
    def _webhook_fields(self, backend_type):
        """The backend fields a delivery of ``backend_type`` reads: the
        core's and the channel's ``_<type>_webhook_fields()``; an addon that
        reads more on every delivery adds them here."""
        hook = getattr(self, f"_{backend_type}_webhook_fields", None)
        return [*WEBHOOK_FIELDS, *(hook() if hook else ())]

    def _webhook_receive(self, headers, body):
        """Store an authentic delivery as an event and enqueue it.

        Returns (http_status, message). 401 stores nothing; 503 (with
        Retry-After) when the signature cannot be checked at all, e.g. the
        encryption key is missing: nothing is stored and the sender retries;
        400 keeps the body
        as a failed event a user can inspect; a duplicate delivery (same
        idempotency key, or same content key) is 200 without a new event.

        Once the signature is verified the delivery is always stored: any
        unexpected error is rolled back to a savepoint and the body is kept
        as a failed event (category internal, the masked traceback in its
        details), answered 400. Only a failing database gives a 5xx.
        """
        self.ensure_one()
        try:
            authentic = self._webhook_verify(headers, body)  # reads only: no savepoint needed
        except Exception as exc:  # noqa: BLE001 - our trouble, not the sender's
            if database_trouble(exc):
                raise
            # The signature cannot be checked (no encryption key, a secret that
            # no longer decrypts, a bug in the channel's check): whether the
            # delivery is authentic is unknown, so nothing is stored, and the
            # sender, who still has it, is asked to come back.
            _logger.error(
                "Webhook for backend %s: its signature cannot be checked (%s: %s); answered 503, "
                "the sender delivers it again later",
                self.id,
                type(exc).__name__,
                getattr(exc, "message", None) or str(exc)[:200],
            )
            return 503, "the signature cannot be checked now: try again later"
        if not authentic:
            return 401, "invalid signature"
        try:
            # No savepoint here: _receive_queued writes under one of its own
            # (taken in the same round trip as its statement), so a failure
            # leaves nothing of the delivery behind.
            return self._webhook_accept(headers, body)
        except Exception as exc:  # noqa: BLE001 - an authentic delivery is never lost
            if database_trouble(exc):  # nothing can be stored now: 5xx, the sender retries
                raise
            # the event processor's own internal error: _mark_failed masks its traceback
            error = self.env["integration.event"]._internal_error(exc)
            status, answer = self._webhook_refuse(
                headers, body, error, answer="internal error, delivery kept"
            )
            secrets = self.env["integration.credential"].sudo()._known_secrets(self)
            _logger.error(
                "Webhook for backend %s: unexpected error, the body is kept as a failed event:\n%s",
                self.id,
                mask_text(error.details, secrets),
            )
            return status, answer

    def _webhook_accept(self, headers, body):
        """Parse, store and enqueue an authentic delivery; a body that cannot
        be taken is refused (kept as a failed event)."""
        try:
            values = self._webhook_parse(headers, body)
        except PermanentError as exc:
            return self._webhook_refuse(headers, body, exc)
        # the event in one statement, its job from the dispatch job (integration_event_intake.py)
        _event, created = self.env["integration.event"]._receive_queued(self, **values)
        return 200, ("accepted" if created else "duplicate")

    def _webhook_refuse(self, headers, body, error, answer=None):
        """Keep an authentic body as a failed event (once per body); 400."""
        Event = self.env["integration.event"]
        event, created = Event._receive(
            self,
            # a header can be long: the topic is indexed, keep it short
            topic=(self._webhook_topic_hint(headers) or "webhook.malformed")[:TOPIC_HINT_LENGTH],
            # PostgreSQL text cannot hold NUL characters
            payload=body.decode("utf-8", errors="replace").replace("\x00", "\ufffd"),
            idempotency_key=Event._body_key(body),
            refused=True,
        )
        if created:
            event._mark_failed(error)
        return 400, answer or error.message

    def _webhook_topic_hint(self, headers):
        """The topic a refused delivery is kept under: our name of the topic
        the request claims (``_<type>_webhook_topic_hint``), else
        ``webhook.malformed``."""
        hook = self._webhook_hook("webhook_topic_hint")
        name = hook(headers) if hook else None
        table = self._topics()
        topic = table.get(name) or table.by_remote(name)
        return topic.name if topic and topic.direction == "in" else "webhook.malformed"

    def _suite_webhook_topic_hint(self, headers):
        return headers.get("X-Integration-Topic")

    # ------------------------------------------------------------------------------
    # outbound HTTP: rate limit and circuit breaker live on the backend
    # ------------------------------------------------------------------------------

    def _rate_limiter(self):
        self.ensure_one()
        return get_bucket(f"{self.env.cr.dbname}:integration.backend:{self.id}", self.rate_limit)

    def _circuit_breaker(self):
        """A breaker loaded with this backend's persisted state."""
        self.ensure_one()
        state = CircuitState(
            state=self.circuit_state or "closed",
            failures=self.circuit_failures,
            opened_at=(
                self.circuit_opened_at.replace(tzinfo=timezone.utc).timestamp()
                if self.circuit_opened_at
                else None
            ),
        )
        return CircuitBreaker(
            state=state, failure_threshold=self.circuit_threshold, cool_down=self.circuit_cool_down
        )

    def _save_circuit(self, breaker):
        """Persist the breaker's state, only when it changed.

        The breaker is shared by every worker, so its state is written in an
        independent transaction, never in the handler's: a failed handler's
        savepoint is rolled back, and the failure that should open the
        circuit would be rolled back with it. Inside event processing the
        write waits until the handler's savepoint is over (see
        :meth:`_circuits_saved_after`).
        """
        self.ensure_one()
        state = breaker.state
        opened_at = (
            datetime.utcfromtimestamp(state.opened_at).replace(microsecond=0) if state.opened_at else False
        )
        values = {
            "circuit_state": state.state,
            "circuit_failures": state.failures,
            "circuit_opened_at": opened_at,
        }
        if not any(self[k] != v for k, v in values.items()):
            return
        deferred = self.env.cr.cache.get("integration_circuits")
        if deferred is not None:
            deferred[self.id] = values
        else:
            self._write_circuit(values)

    @contextmanager
    def _circuits_saved_after(self):
        """Breaker states saved while the block runs are written when it
        ends, however it ends (used around the handler's savepoint)."""
        cache = self.env.cr.cache
        outer = "integration_circuits" in cache
        deferred = cache.setdefault("integration_circuits", {})
        try:
            yield
        finally:
            if not outer:
                cache.pop("integration_circuits", None)
                for backend_id, values in deferred.items():
                    self.browse(backend_id)._write_circuit(values)

    def _write_circuit(self, values):
        self.ensure_one()
        query = """
            UPDATE integration_backend
               SET circuit_state = %s, circuit_failures = %s, circuit_opened_at = %s
             WHERE id = %s
        """
        params = [
            values["circuit_state"],
            values["circuit_failures"],
            values["circuit_opened_at"] or None,
            self.id,
        ]
        try:
            with self._independent_cursor() as cr, mute_logger("odoo.sql_db"):
                cr.execute(
                    "SELECT id FROM integration_backend WHERE id = %s FOR NO KEY UPDATE NOWAIT", [self.id]
                )
                cr.execute(query, params)
        except psycopg2.errors.LockNotAvailable:
            # The row is locked, possibly by this very job's transaction (a
            # handler that wrote the backend, e.g. a cursor): waiting for it
            # from a second connection would wait for ourselves forever.
            # Write in the current transaction instead.
            self.env.cr.execute(query, params)
        self.invalidate_recordset(["circuit_state", "circuit_failures", "circuit_opened_at"])

    @contextmanager
    def _http_client(self, base_url=None, client_class=IntegrationHttpClient, secrets=(), **kwargs):
        """The one place a channel builds its HTTP client: this backend's
        timeouts, rate limit and circuit breaker; the breaker's state is
        saved after use (see :meth:`_save_circuit`)."""
        self.ensure_one()
        base_url = base_url or self.api_url
        if not base_url:
            raise PermanentError(_("Backend %s has no API URL.", self.name))
        breaker = self._circuit_breaker()
        client = client_class(
            base_url,
            timeout=(3.05, self.request_timeout or 20.0),
            rate_limiter=self._rate_limiter(),
            circuit_breaker=breaker,
            secrets=[s for s in secrets if s],
            **kwargs,
        )
        try:
            yield client
        finally:
            client.close()
            self._save_circuit(breaker)

    # ------------------------------------------------------------------------------
    # actions
    # ------------------------------------------------------------------------------

    def action_open_events(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("integration_core.integration_event_action")
        action["domain"] = [("backend_id", "=", self.id)]
        action["context"] = {"default_backend_id": self.id}
        return action

    def action_open_exceptions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "integration_core.integration_event_action_exceptions"
        )
        action["domain"] = [("backend_id", "=", self.id), ("state", "in", list(FAILED_STATES))]
        return action

    def action_open_backlog(self):
        action = self.action_open_events()
        action["domain"] = [("backend_id", "=", self.id), ("state", "in", list(PENDING_STATES))]
        return action

    def _check_manager(self):
        """Configuration actions are for Integration Managers of the
        backend's company. Buttons hidden by a view's ``groups`` are still
        callable over RPC: every such action calls this first."""
        if self.env.su:
            return
        if not self.env.user.has_group("integration_core.group_integration_manager"):
            raise AccessError(_("Only Integration Managers may do this on an integration backend."))
        self.check_access_rights("write")
        self.check_access_rule("write")

    def action_reset_circuit(self):
        self._check_manager()
        self.write({"circuit_state": "closed", "circuit_failures": 0, "circuit_opened_at": False})
        self._message_log(body=_("Circuit breaker reset by %s.", self.env.user.name))

    def action_regenerate_webhook_token(self):
        self._check_manager()
        for backend in self:
            backend.sudo().webhook_token = secrets.token_urlsafe(24)
            backend._message_log(
                body=_("Webhook URL regenerated by %s: update it on the remote system.", self.env.user.name)
            )

    def action_test_connection(self):
        """Shows the answer of the channel's ``_<type>_test_connection()``."""
        self.ensure_one()
        self._check_manager()
        message = self._test_connection()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"title": _("Connection OK"), "message": message, "type": "success"},
        }

    def _test_connection(self):
        hook = self._channel_hook("test_connection")
        if not hook:
            raise UserError(_("This backend type has no connection test."))
        return hook()

    # ------------------------------------------------------------------------------
    # scheduled actions
    # ------------------------------------------------------------------------------

    @api.model
    def _cron_check_alerts(self):
        """Raise an activity for the owner when a threshold is crossed."""
        for backend in self.search([]):
            problems = backend._alert_problems()
            if problems:
                backend._raise_alert(problems)

    def _alert_problems(self):
        self.ensure_one()
        problems = []
        if (
            self.alert_failure_rate
            and self.event_count_24h
            and self.failure_rate_24h >= self.alert_failure_rate
        ):
            problems.append(
                _(
                    "Failure rate %(rate).1f%% over the last 24 h (threshold %(limit).1f%%).",
                    rate=self.failure_rate_24h,
                    limit=self.alert_failure_rate,
                )
            )
        if self.alert_backlog and self.backlog_count >= self.alert_backlog:
            problems.append(
                _(
                    "Backlog of %(count)s events (threshold %(limit)s).",
                    count=self.backlog_count,
                    limit=self.alert_backlog,
                )
            )
        if self.sla_minutes and self.oldest_pending_minutes >= self.sla_minutes:
            problems.append(
                _(
                    "An event has been pending for %(minutes)s minutes (SLA %(sla)s).",
                    minutes=self.oldest_pending_minutes,
                    sla=self.sla_minutes,
                )
            )
        if self.circuit_state == "open":
            problems.append(_("The circuit breaker is open: calls to the remote system are paused."))
        if not self.queue_runner_ok:
            problems.append(
                _(
                    "An integration job has waited %s minutes for the job runner: is queue_job's runner "
                    "running (server_wide_modules, workers)?",
                    self.oldest_pending_job_minutes,
                )
            )
        return problems

    def _raise_alert(self, problems):
        """One open alert activity per backend: refreshed, never duplicated."""
        self.ensure_one()
        summary = _("Integration alert: %s", self.name)
        note = "<ul>%s</ul>" % "".join(f"<li>{p}</li>" for p in problems)
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        existing = self.activity_ids.filtered(
            lambda a: a.activity_type_id == activity_type and a.summary == summary
        )
        if existing:
            existing[:1].note = note
            return existing[:1]
        return self.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=summary,
            note=note,
            user_id=(self.user_id or self.env.user).id,
        )

    @api.model
    def _cron_purge_events(self, batch_size=1000):
        """Apply each backend's retention; failed and dead events are kept."""
        Event = self.env["integration.event"]
        now = fields.Datetime.now()
        for backend in self.with_context(active_test=False).search([("retention_days", ">", 0)]):
            limit = now - timedelta(days=backend.retention_days)
            domain = [
                ("backend_id", "=", backend.id),
                ("state", "in", ("done", "ignored")),
                ("create_date", "<", limit),
            ]
            if backend.retention_mode == "strip":
                domain.append(("payload_stripped", "=", False))
            while True:
                events = Event.search(domain, limit=batch_size)
                if not events:
                    break
                if backend.retention_mode == "delete":
                    events.unlink()
                else:
                    events._payload_strip()  # the row's payloads and the attached file
                if len(events) < batch_size:
                    break
