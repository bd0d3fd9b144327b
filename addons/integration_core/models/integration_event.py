import hashlib
import json
import logging
import math
import os
import socket
import traceback
import uuid
from datetime import timedelta

import psycopg2
import psycopg2.errors

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import mute_logger

from odoo.addons.queue_job.exception import RetryableJobError

from ..lib import canonical, db_errors
from ..lib.db_errors import database_trouble
from ..lib.exceptions import (
    BusinessRuleError,
    DatabaseBusy,
    IntegrationError,
    LockContention,
    PermanentError,
    RetryableError,
    StaleUpdate,
    ValidationFailed,
    backoff_delay,
)
from ..lib.masking import mask_payload, mask_text, unmask_edits

_logger = logging.getLogger(__name__)

# Runs that started but never wrote an outcome (the worker was killed for
# time or memory, or crashed): after this many the event is dead.
MAX_WORKER_DEATHS = 3
# Contention retries cost no attempt, up to this many in a row; beyond,
# each one counts, so that a livelock ends in 'dead' instead of forever.
FREE_CONTENTION_RETRIES = 20

# What a user may write on an event directly; everything else changes only
# through the actions (retry, replay, ignore) and the processing itself.
USER_WRITABLE_FIELDS = frozenset({"payload_canonical", "payload_canonical_masked"})
FIXABLE_STATES = ("failed", "dead")

STATES = [
    ("received", "Received"),
    ("queued", "Queued"),
    ("processing", "Processing"),
    ("done", "Done"),
    ("failed", "Failed"),
    ("dead", "Dead"),
    ("ignored", "Ignored"),
]
ERROR_CATEGORIES = [
    ("validation", "Validation"),
    ("mapping", "Mapping"),
    ("remote", "Remote system"),
    ("business", "Business rule"),
    ("internal", "Internal"),
]


class IntegrationEvent(models.Model):
    """A message in (a webhook, a pulled record) or out (an export).

    Its life: received -> queued -> processing -> done, or failed (permanent
    error, a user fixes and replays), or queued again with a delay (retryable
    error) until ``max_attempts`` makes it dead. Users may ignore it.
    The idempotency key, unique per backend, makes every delivery count once;
    the optional content key, unique per backend too, makes the same content
    count once when it comes again under another key.
    """

    _name = "integration.event"
    _description = "Integration Event"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _rec_name = "display_name"

    backend_id = fields.Many2one(
        "integration.backend",
        required=True,
        # no index of its own: the unique (backend_id, idempotency_key) one leads with it
        ondelete="cascade",
        readonly=True,
        check_company=True,
    )
    backend_type = fields.Selection(related="backend_id.backend_type", store=True)
    company_id = fields.Many2one(related="backend_id.company_id", store=True, index=True)
    direction = fields.Selection(
        [("in", "Inbound"), ("out", "Outbound")], required=True, default="in", readonly=True
    )
    topic = fields.Char(required=True, index=True, readonly=True, help="e.g. order.created, stock.export")
    external_id = fields.Char(index=True, readonly=True, help="Id of the object in the remote system.")
    idempotency_key = fields.Char(
        required=True,
        readonly=True,
        copy=False,
        help="Unique per backend: a second delivery with the same key is a duplicate.",
    )
    content_key = fields.Char(
        readonly=True,
        copy=False,
        help="Identifies the content (e.g. the object's id and version), unique per backend when set: "
        "the same content delivered again under another idempotency key is a duplicate too.",
    )
    trace_id = fields.Char(
        index=True,
        readonly=True,
        default=lambda self: uuid.uuid4().hex,
        help="Ties together every event of one business transaction.",
    )
    state = fields.Selection(STATES, required=True, default="received", index=True)
    attempts = fields.Integer(readonly=True)
    max_attempts = fields.Integer(readonly=True, default=6)
    next_retry_at = fields.Datetime(readonly=True)
    # btree_not_null: empty on every event received, so not indexed until it fails
    error_category = fields.Selection(ERROR_CATEGORIES, index="btree_not_null", readonly=True)
    error_message = fields.Text(readonly=True, help="The cause, in plain words.")
    error_details = fields.Text(readonly=True, groups="integration_core.group_integration_manager")
    ignore_reason = fields.Text(readonly=True, tracking=True)

    payload_raw = fields.Text(
        string="Raw payload",
        readonly=True,
        groups="integration_core.group_integration_manager",
        help="As received or sent, kept for inspection.",
    )
    payload_raw_masked = fields.Text(string="Raw payload (masked)", compute="_compute_payload_raw_masked")
    payload_canonical = fields.Text(
        string="Canonical payload",
        groups="integration_core.group_integration_manager",
        help="The payload in the suite's canonical schema. Fix it here and replay.",
    )
    payload_canonical_masked = fields.Text(
        string="Canonical payload (masked)",
        compute="_compute_payload_canonical_masked",
        inverse="_inverse_payload_canonical_masked",
        help="The canonical payload with personal data hidden. Fix the field that failed and "
        "replay: values left masked keep their real value.",
    )
    payload_stripped = fields.Boolean(readonly=True, help="Payloads dropped by the retention policy.")
    source_updated_at = fields.Datetime(
        readonly=True, help="When the remote system last changed the object (orders out of order)."
    )

    res_model = fields.Char(string="Record model", readonly=True, index="btree_not_null")
    res_id = fields.Many2oneReference(string="Record id", model_field="res_model", readonly=True)
    record_name = fields.Char(compute="_compute_record_name", string="Record")
    job_id = fields.Many2one("queue.job", readonly=True, copy=False, index="btree_not_null")
    job_state = fields.Selection(related="job_id.state", string="Job state")
    run_ids = fields.One2many("integration.event.run", "event_id", string="Runs", readonly=True)
    runs_finished = fields.Integer(
        readonly=True, help="Runs that wrote an outcome; a started run that did not has died."
    )
    contention_retries = fields.Integer(
        readonly=True, help="Retries in a row caused by concurrent updates of the same records."
    )

    received_at = fields.Datetime(readonly=True, default=fields.Datetime.now, index=True)
    started_at = fields.Datetime(readonly=True)
    done_at = fields.Datetime(readonly=True)
    latency = fields.Float(readonly=True, group_operator="avg", help="Seconds from reception to done.")
    age_hours = fields.Integer(compute="_compute_age", string="Age (h)")
    failed_count = fields.Integer(
        compute="_compute_counters", string="# Failed", store=True, group_operator="sum"
    )
    done_count = fields.Integer(
        compute="_compute_counters", string="# Done", store=True, group_operator="sum"
    )

    _sql_constraints = [
        (
            "idempotency_key_unique",
            "unique(backend_id, idempotency_key)",
            "An event with this idempotency key already exists for this backend.",
        ),
        (
            "content_key_unique",
            "unique(backend_id, content_key)",
            "An event with this content key already exists for this backend.",
        ),
    ]

    # ------------------------------------------------------------------------------
    # compute
    # ------------------------------------------------------------------------------

    @api.depends("topic", "external_id")
    def _compute_display_name(self):
        for event in self:
            event.display_name = f"{event.topic or ''} {event.external_id or ''}".strip() or _("Event")

    @api.depends("payload_raw")
    @api.depends_context("uid")
    def _compute_payload_raw_masked(self):
        for event in self:
            raw = event.sudo().payload_raw
            if not raw:
                event.payload_raw_masked = False
                continue
            try:
                event.payload_raw_masked = json.dumps(mask_payload(json.loads(raw)), indent=2)
            except (ValueError, RecursionError):  # a refused body may be anything
                event.payload_raw_masked = _("(not JSON: shown to integration managers only)")

    @api.depends("payload_canonical")
    @api.depends_context("uid")
    def _compute_payload_canonical_masked(self):
        for event in self:
            text = event.sudo().payload_canonical
            if not text:
                event.payload_canonical_masked = False
                continue
            try:
                data = canonical.loads(text)
            except ValueError:
                event.payload_canonical_masked = _("(not valid JSON: shown to integration managers only)")
                continue
            event.payload_canonical_masked = canonical.dumps(mask_payload(data), indent=2, sort_keys=True)

    def _inverse_payload_canonical_masked(self):
        """A user's fix of the masked payload, merged into the real one."""
        for event in self:
            if event.state not in FIXABLE_STATES:
                raise UserError(_("The canonical payload can be fixed on failed or dead events only."))
            try:
                edited = canonical.loads(event.payload_canonical_masked or "null")
            except ValueError as exc:
                raise UserError(_("The canonical payload is not valid JSON: %s", exc)) from exc
            original_text = event.sudo().payload_canonical
            try:
                original = canonical.loads(original_text) if original_text else None
            except ValueError:
                original = None
            merged = unmask_edits(original, edited) if original is not None else edited
            event.sudo().payload_canonical = canonical.dumps(merged, indent=2, sort_keys=True)

    @api.depends("res_model", "res_id")
    def _compute_record_name(self):
        # the name of the record an event made is shown to integration users
        # who may have no right on that model (an ops user without Sales)
        for event in self:
            record = event.sudo()._record()
            event.record_name = record.display_name if record else False

    def _compute_age(self):
        now = fields.Datetime.now()
        for event in self:
            start = event.received_at or event.create_date or now
            event.age_hours = int((now - start).total_seconds() // 3600)

    @api.depends("state")
    def _compute_counters(self):
        for event in self:
            event.failed_count = 1 if event.state in ("failed", "dead") else 0
            event.done_count = 1 if event.state == "done" else 0

    # ------------------------------------------------------------------------------
    # protection: events change through their actions, not through write
    # ------------------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise AccessError(_("Integration events are created by the integration itself, not by users."))
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            self._check_user_write(vals)
        return super().write(vals)

    def _check_user_write(self, vals):
        """Users (managers included) write only the canonical payload, and
        only of failed or dead events: state, topic, keys, the record and the
        backend change through the actions and the processing, which check
        their caller and then write as the system. (``readonly`` in the
        views is no protection against RPC.)"""
        allowed = USER_WRITABLE_FIELDS | set(self.env["mail.thread"]._fields)
        forbidden = sorted(set(vals) - allowed)
        if forbidden:
            raise AccessError(
                _(
                    "Integration events change through their actions (retry, replay, ignore); "
                    "these fields cannot be written: %s",
                    ", ".join(forbidden),
                )
            )
        if USER_WRITABLE_FIELDS & set(vals) and self.filtered(lambda e: e.state not in FIXABLE_STATES):
            raise UserError(_("The canonical payload can be fixed on failed or dead events only."))

    def _check_user_action(self):
        """The caller may act on these events (write access and company)."""
        self.check_access_rights("write")
        self.check_access_rule("write")

    # ------------------------------------------------------------------------------
    # reception
    # ------------------------------------------------------------------------------

    @api.model
    def _body_key(self, body):
        data = body if isinstance(body, bytes) else str(body).encode()
        return "sha256:" + hashlib.sha256(data).hexdigest()

    @api.model
    def _receive(
        self,
        backend,
        topic,
        payload,
        idempotency_key,
        external_id=False,
        direction="in",
        canonical_payload=None,
        source_updated_at=None,
        trace_id=None,
        res_record=None,
        content_key=None,
        payload_format="json",
    ):
        """Store one event, once. Returns (event, created).

        A second call with the same (backend, idempotency_key), or the same
        (backend, content_key) when one is given, even from a concurrent
        transaction, creates nothing and returns the existing event with
        created=False. ``payload`` is a dict/list (JSON), str or bytes in
        ``payload_format``; a large one is kept in an attached file
        (see integration_event_payload.py).
        """
        payload_values, payload_file = self._payload_prepare(payload, payload_format)
        values = self._receive_values(
            backend,
            topic,
            direction,
            idempotency_key,
            payload_values,
            external_id=external_id,
            content_key=content_key,
            source_updated_at=source_updated_at,
            trace_id=trace_id,
            canonical_payload=canonical_payload,
        )
        if res_record:
            values.update(res_model=res_record._name, res_id=res_record.id)
        # insert first: the unique index answers "already received" for free
        try:
            with self.env.cr.savepoint(), mute_logger("odoo.sql_db"):
                event = self.sudo().with_context(tracking_disable=True).create(values)
        except psycopg2.errors.UniqueViolation:
            return self._received_already(backend, idempotency_key, content_key), False
        if payload_file is not None:
            event._payload_attach(payload_file)
        return event, True

    @api.model
    def _receive_values(
        self,
        backend,
        topic,
        direction,
        idempotency_key,
        payload_values,
        external_id=False,
        content_key=None,
        source_updated_at=None,
        trace_id=None,
        canonical_payload=None,
    ):
        """The field values of an event being received (see _receive)."""
        values = {
            "backend_id": backend.id,
            "topic": topic,
            "direction": direction,
            "idempotency_key": idempotency_key,
            "content_key": content_key or False,
            "external_id": external_id or False,
            **payload_values,
            "payload_canonical": canonical.dumps(canonical_payload)
            if canonical_payload is not None
            else False,
            "source_updated_at": source_updated_at or False,
            "max_attempts": backend.max_attempts or 1,
        }
        if trace_id:
            values["trace_id"] = trace_id
        return values

    @api.model
    def _received_already(self, backend, idempotency_key, content_key=None):
        """The event stored with the same idempotency key, or the same
        content key when one is given; empty when a concurrent delivery
        committed it after our snapshot."""
        same = [("idempotency_key", "=", idempotency_key)]
        if content_key:
            same = ["|", ("content_key", "=", content_key)] + same
        return self.sudo().search([("backend_id", "=", backend.id)] + same, limit=1)

    def _enqueue(self, eta=None):
        """Hand the event to queue_job. One job per attempt, never two.

        The job runs as the backend's technical identity (its owner, or
        OdooBot), whoever enqueued it: a webhook (the public user), a user's
        retry, a cron. What it creates and posts is signed by that identity.
        """
        for event in self.sudo():
            job = (
                event._job_runner()
                .with_delay(eta=timedelta(seconds=math.ceil(eta)) if eta else None, **event._job_options())
                ._job_process()
            )
            # queue_job returns the pending queue.job record when one has the same identity key
            record = job if isinstance(job, models.BaseModel) else job.db_record() if job else None
            event.write({"state": "queued", "job_id": record.id if record else False})

    def _job_runner(self, job_user=None):
        """The event as its job runs it: as the backend's job user (see
        _enqueue), in the backend's company."""
        backend = self.backend_id
        return self.with_user(job_user or backend._job_user()).with_company(backend.company_id)

    def _job_options(self):
        """What queue_job stores for the event's job: channel, the identity
        key of this attempt (one job per attempt), description."""
        return {
            "channel": self.backend_id._job_channel(),
            "identity_key": f"integration.event:{self.id}:{self.attempts}",
            "description": _("Process %(topic)s %(ext)s", topic=self.topic, ext=self.external_id or ""),
        }

    # ------------------------------------------------------------------------------
    # processing (runs in a queue_job job)
    # ------------------------------------------------------------------------------

    def _job_process(self):
        """Job entry point. Safe to run twice, or by two workers at once.

        Runs as the backend's job identity; the event itself is read and
        written as the system (users cannot write events, see write()).
        """
        self.ensure_one()
        event = self.sudo()
        try:
            # no savepoint: when the row is locked, the whole job is retried.
            # NO KEY UPDATE: the run log's foreign key (KEY SHARE) is not blocked.
            with mute_logger("odoo.sql_db"):
                self.env.cr.execute(
                    "SELECT id FROM integration_event WHERE id = %s FOR NO KEY UPDATE NOWAIT", [self.id]
                )
        except psycopg2.errors.LockNotAvailable as exc:
            raise RetryableJobError(
                "Event %s is being processed by another worker" % self.id, seconds=5, ignore_retry=True
            ) from exc
        event.invalidate_recordset()
        if event.state not in ("received", "queued"):
            return f"Nothing to do: the event is {event.state}."
        deaths = event._begin_run()
        if deaths >= MAX_WORKER_DEATHS:
            event._mark_dead_worker(deaths)
            return f"Dead: the worker died {deaths} times."
        return event._process()

    def _begin_run(self):
        """Log that a run starts, in a transaction of its own that commits
        before the work does, so a worker killed halfway (limit_time_real,
        limit_memory_hard, OOM) still leaves its trace. Returns how many
        earlier runs started and never wrote an outcome: their worker died.

        Only this independent transaction writes the run log, and only the
        job's transaction writes the event's outcome (``runs_finished``):
        neither updates a row the other holds, so neither conflicts.
        """
        self.ensure_one()
        with self.backend_id._independent_cursor() as cr:
            cr.execute(
                """
                INSERT INTO integration_event_run (event_id, started_at, worker)
                VALUES (%s, now() AT TIME ZONE 'UTC', %s)
                """,
                [self.id, f"{socket.gethostname()}:{os.getpid()}"],
            )
            cr.execute("SELECT count(*) FROM integration_event_run WHERE event_id = %s", [self.id])
            started = cr.fetchone()[0]
        self.invalidate_recordset(["run_ids"])
        return max(started - 1 - self.runs_finished, 0)

    def _mark_dead_worker(self, deaths):
        self.write(
            {
                "state": "dead",
                "error_category": "internal",
                "error_message": _(
                    "Worker died: %(count)s runs of this event started and never finished (the worker "
                    "was killed, e.g. by limit_time_real or limit_memory_hard, or crashed). Check the "
                    "server log and the limits, then retry.",
                    count=deaths,
                ),
                "next_retry_at": False,
                "runs_finished": self.runs_finished + deaths + 1,
            }
        )

    def _process(self):
        """Map, validate and apply the event; record the outcome on it."""
        self.ensure_one()
        # 'processing' is never committed (a job does not commit halfway):
        # the attempt is recorded with its outcome, in the same transaction;
        # the run itself was logged before (_begin_run).
        self.attempts += 1
        self.runs_finished += 1
        self.started_at = fields.Datetime.now()
        backend = self.backend_id
        try:
            with backend._circuits_saved_after():
                topic = backend._topic(self.topic)  # the table's row: UnknownTopic when gone
                data = self._canonical_data(topic)
                with self.env.cr.savepoint():
                    result = backend._topic_apply(topic)(self, data)
        except StaleUpdate as exc:
            self._mark_ignored(exc.message)
            return self._error_text(exc)
        except RetryableError as exc:
            self._schedule_retry(exc, count_attempt=exc.counts_attempt)
            return f"Retry scheduled: {self._error_text(exc)}"
        except PermanentError as exc:
            self._mark_failed(exc)
            return f"Failed: {self._error_text(exc)}"
        except (UserError, ValidationError) as exc:
            self._mark_failed(BusinessRuleError(str(exc.args[0]) if exc.args else str(exc)))
            return "Failed: business rule"
        except psycopg2.errors.UniqueViolation:
            # A concurrent worker created the same record (its binding) and
            # committed after our snapshot: run again with a fresh one.
            self._schedule_retry(
                LockContention(
                    _("Another worker created the same record at the same time; retrying."), retry_after=2
                ),
                count_attempt=False,
            )
            return "Retry scheduled: concurrent creation"
        except RetryableJobError:
            raise
        except (psycopg2.InterfaceError, psycopg2.OperationalError) as exc:
            trouble = database_trouble(exc)
            if trouble == db_errors.CONTENTION:
                # Another transaction changed the same rows (e.g. two orders
                # confirming against one reordering rule) and has committed.
                # The handler's savepoint is rolled back; run again at once
                # with a fresh snapshot, without spending an attempt
                # (queue_job would wait 5 s).
                self._schedule_retry(
                    LockContention(_("Concurrent update of the same records; retrying."), retry_after=0),
                    count_attempt=False,
                )
                return "Retry scheduled: concurrent update"
            if trouble == db_errors.TIMEOUT:
                # statement_timeout: the database was overloaded; the data may be fine
                self._schedule_retry(
                    DatabaseBusy(_("A database statement timed out (statement_timeout); retrying."))
                )
                return "Retry scheduled: statement timeout"
            if trouble in (db_errors.CONNECTION, db_errors.UNAVAILABLE):
                # the connection is gone or the server refuses: nothing can be
                # written on it; queue_job postpones the job through a new one
                raise RetryableJobError(
                    f"The database is unavailable ({trouble}): {exc}", seconds=10
                ) from exc
            self._mark_failed(self._internal_error(exc))
            return "Failed: internal error"
        except Exception as exc:  # noqa: BLE001 - a bug must not block the queue
            error = self._internal_error(exc)
            _logger.error(
                "Integration event %s failed unexpectedly:\n%s", self.id, self._error_text(error.details)
            )
            self._mark_failed(error)
            return "Failed: internal error"
        self._mark_done(result)
        return "Done"

    def _canonical_data(self, topic):
        """The canonical payload: the stored one (possibly fixed by a user), or
        the raw payload mapped by the topic's mapper, stored so a user can fix
        it; validated against the topic's kind. Without a kind, the raw payload."""
        if not topic.kind:
            return self._raw_data()
        if self.payload_canonical:
            try:
                data = canonical.loads(self.payload_canonical)  # money as Decimal
            except ValueError as exc:
                raise ValidationFailed(_("The canonical payload is not valid JSON: %s", exc)) from exc
        else:
            # read exactly (numbers with a fraction as Decimal): a mapper's
            # Reader takes them, and a generic backend's raw payload is the
            # canonical one
            raw = self._raw_data(exact=True)
            data = topic.mapper(raw)
            self.payload_canonical = canonical.dumps(data, indent=2, sort_keys=True)
        return canonical.validate(topic.kind, data)

    def _raw_data(self, exact=False):
        raw = self.sudo().payload_raw
        try:
            if exact:
                return canonical.loads(raw) if raw else {}
            return json.loads(raw) if raw else {}
        except ValueError as exc:
            raise ValidationFailed(_("The raw payload is not valid JSON: %s", exc)) from exc

    def _internal_error(self, exc):
        error = IntegrationError(f"{type(exc).__name__}: {exc}")
        error.details = traceback.format_exc()  # masked by _mark_failed
        return error

    def _mark_done(self, result=None):
        now = fields.Datetime.now()
        values = {
            "state": "done",
            "contention_retries": 0,
            "done_at": now,
            "latency": (now - self.received_at).total_seconds() if self.received_at else 0.0,
            "error_category": False,
            "error_message": False,
            "next_retry_at": False,
        }
        if result and isinstance(result, models.BaseModel) and len(result) == 1:
            values.update(res_model=result._name, res_id=result.id)
        self.write(values)
        self._tell_record("done")

    def _mark_failed(self, error):
        """A permanent error: written on the event with its cause, not retried."""
        details = getattr(error, "details", None)
        self.write(
            {
                "state": "failed",
                "error_category": getattr(error, "category", "internal"),
                "error_message": self._error_text(error),
                "error_details": self._error_text(details) if details else False,
                "next_retry_at": False,
                **self._error_cause_values(error),  # models/integration_event_cause.py
            }
        )
        self._tell_record("failed")

    def _tell_record(self, outcome):
        """The record an event is about learns the outcome, after the
        handler's savepoint was rolled back: a model that shows its events'
        failures (a payout waiting to be booked shows why it is not)
        defines ``_integration_event_outcome(event, outcome)``."""
        if not self.res_model or self.res_model not in self.env:
            return
        if not hasattr(self.env[self.res_model], "_integration_event_outcome"):
            return  # most records do not listen: no query for them
        record = self._record()
        if record:
            record._integration_event_outcome(self, outcome)

    def _mark_ignored(self, reason):
        self.write({"state": "ignored", "ignore_reason": reason, "done_at": fields.Datetime.now()})

    def _schedule_retry(self, error, count_attempt=True):
        """Queue the event again after Retry-After or an exponential backoff;
        dead once the attempts are spent. Contention retries do not count."""
        self.ensure_one()
        values = {
            "error_category": error.category,
            "error_message": self._error_text(error),
            **self._error_cause_values(error),  # models/integration_event_cause.py
        }
        if isinstance(error, LockContention) and not count_attempt:
            # free, but not forever: past FREE_CONTENTION_RETRIES in a row they count
            values["contention_retries"] = self.contention_retries + 1
            count_attempt = values["contention_retries"] > FREE_CONTENTION_RETRIES
        elif count_attempt:
            values["contention_retries"] = 0
        if not count_attempt:
            self.attempts -= 1
        if self.attempts >= self.max_attempts:
            values.update(state="dead", next_retry_at=False)
            self.write(values)
            return
        delay = error.retry_after
        if delay is None:
            backend = self.backend_id
            delay = backoff_delay(
                self.attempts, base=backend.retry_base_delay or 30, cap=backend.retry_max_delay or 14400
            )
        values["next_retry_at"] = fields.Datetime.now() + timedelta(seconds=delay)
        self.write(values)
        self._enqueue(eta=delay)

    def _error_text(self, error):
        """The error's text with the backend's secrets masked out."""
        text = error if isinstance(error, str) else getattr(error, "message", None) or str(error)
        secrets = self.env["integration.credential"].sudo()._known_secrets(self.backend_id)
        return mask_text(text, secrets)

    # ------------------------------------------------------------------------------
    # the exception queue: what users do
    # ------------------------------------------------------------------------------

    def action_retry(self):
        """Process failed or dead events again, as they are."""
        self._check_user_action()
        events = self.filtered(lambda e: e.state in FIXABLE_STATES)
        if not events:
            raise UserError(_("Only failed or dead events can be retried."))
        for event in events:
            event._reset_for_retry()
            event._message_log(body=_("Retried by %s.", self.env.user.name))
        return True

    def action_replay(self):
        """Replay with the (fixed) canonical payload."""
        self._check_user_action()
        for event in self.sudo():
            if event.state not in FIXABLE_STATES:
                raise UserError(_("Only failed or dead events can be replayed."))
            if event.payload_canonical:
                try:
                    canonical.loads(event.payload_canonical)
                except ValueError as exc:
                    raise UserError(_("The canonical payload is not valid JSON: %s", exc)) from exc
        for event in self:
            event._reset_for_retry()
            event._message_log(body=_("Canonical payload fixed and replayed by %s.", self.env.user.name))
        return True

    def _reset_for_retry(self):
        """A user's retry: attempts and worker deaths start from zero."""
        self.ensure_one()
        event = self.sudo()
        event.write(
            {
                "attempts": 0,
                "contention_retries": 0,
                "runs_finished": len(event.run_ids),
                "error_category": False,
                "error_message": False,
            }
        )
        event._enqueue()

    def action_ignore(self, reason=None):
        """Ignore events with a reason (the wizard asks for it)."""
        self._check_user_action()
        if not reason:
            return {
                "type": "ir.actions.act_window",
                "res_model": "integration.event.ignore.wizard",
                "view_mode": "form",
                "target": "new",
                "context": {"active_model": self._name, "active_ids": self.ids},
            }
        events = self.filtered(lambda e: e.state not in ("done", "ignored"))
        for event in events:
            event.sudo().write({"state": "ignored", "ignore_reason": reason, "next_retry_at": False})
            event._message_log(
                body=_("Ignored by %(user)s: %(reason)s", user=self.env.user.name, reason=reason)
            )
        return True

    def action_open_record(self):
        self.ensure_one()
        record = self._record()
        if not record:
            raise UserError(_("This event has no related record."))
        return {
            "type": "ir.actions.act_window",
            "res_model": record._name,
            "res_id": record.id,
            "view_mode": "form",
        }

    def action_open_trace(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("integration_core.integration_event_action")
        action["domain"] = [("trace_id", "=", self.trace_id)]
        action["context"] = {}
        return action

    def _record(self):
        self.ensure_one()
        if not self.res_model or not self.res_id or self.res_model not in self.env:
            return None
        record = self.env[self.res_model].browse(self.res_id).exists()
        return record or None

    def _related_action_event(self):
        """queue_job related action: open the event from its job."""
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------------------------
    # scheduled actions
    # ------------------------------------------------------------------------------

    @api.model
    def _cron_requeue_orphans(self, minutes=15):
        """Queue again events whose job is gone or failed, so that nothing
        stays 'queued' forever (queue_job itself requeues jobs left 'started'
        by a crashed worker, and fails them past their retries: those come
        back here, and _job_process counts the deaths). A job a user
        cancelled in the job queue was stopped on purpose: its event is
        ignored with that reason, not revived."""
        limit = fields.Datetime.now() - timedelta(minutes=minutes)
        orphans = self.search(
            [
                ("state", "in", ("received", "queued")),
                ("write_date", "<", limit),
                "|",
                ("next_retry_at", "=", False),
                ("next_retry_at", "<", limit),
                "|",
                ("job_id", "=", False),
                ("job_id.state", "in", ("done", "cancelled", "failed")),
            ],
            limit=1000,
        )
        for event in orphans:
            if event.job_id.state == "cancelled":
                event.sudo().write(
                    {
                        "state": "ignored",
                        "ignore_reason": _(
                            "Its job was cancelled in the job queue (%s): not run again.",
                            event.job_id.date_cancelled or _("date unknown"),
                        ),
                        "next_retry_at": False,
                    }
                )
                continue
            _logger.info("Re-enqueuing orphan integration event %s", event.id)
            event._enqueue()
        return len(orphans)
