"""A lean webhook acknowledgement: one insert, then a batched enqueue.

``_receive_queued`` stores an accepted delivery as its event, queued, in one
INSERT ... ON CONFLICT DO NOTHING statement, in the request's transaction.
The event gets no job of its own there: the same statement inserts, only
for the first delivery of a backend in each DISPATCH_EVERY-second slice, a
*dispatch* job (``integration.backend._dispatch_deliveries``) due
DISPATCH_GRACE seconds after the slice ends. That job gives every delivery
left waiting (queued, no job) its own job, in one batch (``_enqueue_new``).
A duplicate (the same idempotency or content key, a concurrent one
included) inserts nothing.

Why: a job row per delivery (its insert, its foreign-key checks on the
job user, company and job function, its NOTIFY) cost the acknowledgement
about as much as the event itself, and every concurrent delivery locked
the same parent rows. Per delivery there is now one insert and one indexed
look-up of the slice's pending dispatch.

Nothing is lost on the way: the dispatch takes every waiting delivery of
its backend, not only its slice's, so a delivery whose transaction
committed after its slice's dispatch ran is taken by the next one. When no
next one comes (the backend's last delivery of a burst, or a dispatch job a
user cancelled), the sweep cron (``_cron_dispatch_waiting``) dispatches,
every minute, the deliveries still waiting DISPATCH_SWEEP_AFTER seconds
after they arrived.

The rows are the ones the ORM writes for ``_receive`` (the values are made
by the ORM: defaults, the fields' own conversions), and the dispatch job's
row is the one queue_job's own ``Job`` stores; only the statement is ours.
test_webhook_intake.py compares the rows, column by column, with the ORM's.
A payload kept in a file (over the size threshold) takes the ORM path and
gets its job at once.
"""

import contextlib
import logging
import time
import uuid
from datetime import datetime

import psycopg2
import psycopg2.errors

from odoo import _, api, fields, models, tools

from odoo.addons.queue_job.job import Job

_logger = logging.getLogger(__name__)

# Left to the commit to release (the request ends there): one round trip less.
SAVEPOINT = "integration_intake"
# The deliveries of one backend within one slice of DISPATCH_EVERY seconds
# share a dispatch job, due DISPATCH_GRACE seconds after the slice: by then
# their transactions have committed, so it sees them.
DISPATCH_EVERY = 0.5
DISPATCH_GRACE = 0.5
# Before the deliveries' own jobs (queue_job's default is 10).
DISPATCH_PRIORITY = 5
# A delivery still waiting for its job this long after it arrived missed its
# slice's dispatch: the sweep cron dispatches it. Well past the slice and its
# grace, so that the sweep does not race the dispatch jobs of a busy backend.
DISPATCH_SWEEP_AFTER = 30  # seconds

_STATEMENTS = {}  # {(event columns, job columns): statement text}


def _statement(event_columns, job_columns):
    """The text of _intake_statement for these columns (%s parameters: the
    event's values, the dispatch job's, then its identity key). Columns are
    field names."""

    def names(columns):
        return ", ".join(f'"{column}"' for column in columns)

    def placeholders(columns):
        return ", ".join("%s" for _column in columns)

    # state = 'pending' is implied by the partial index queue_job keeps on
    # identity_key (pending, enqueued, waiting): one index look-up
    return f"""
        WITH event AS (
            INSERT INTO integration_event (create_date, write_date, {names(event_columns)})
            VALUES (now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC', {placeholders(event_columns)})
            ON CONFLICT DO NOTHING
            RETURNING id
        ), dispatch AS (
            INSERT INTO queue_job ({names(job_columns)})
            SELECT {placeholders(job_columns)}
             WHERE EXISTS (SELECT 1 FROM event)
               AND NOT EXISTS (
                   SELECT 1 FROM queue_job WHERE identity_key = %s AND state = 'pending'
               )
        )
        SELECT id FROM event
    """


class IntegrationEvent(models.Model):
    _inherit = "integration.event"

    backend_type = fields.Selection(related="backend_id.backend_type", store=True, precompute=True)
    company_id = fields.Many2one(related="backend_id.company_id", store=True, precompute=True)
    failed_count = fields.Integer(compute="_compute_counters", store=True, precompute=True)
    done_count = fields.Integer(compute="_compute_counters", store=True, precompute=True)

    def _receive_queued(self, backend, topic, payload, idempotency_key, **kwargs):
        """``_receive`` for an inbound delivery, queued for its backend's
        dispatch job, in one statement. Returns (event, created); a
        duplicate returns the event already stored (or an empty recordset
        when a concurrent delivery has not committed it yet) and
        created=False."""
        row = backend._topic(topic)  # UnknownTopic when the table lacks it
        payload_format = kwargs.pop("payload_format", None) or row.payload_format
        payload_values, payload_file = self._payload_prepare(payload, payload_format)
        if payload_file is not None:  # kept in a file: the ORM path attaches it, all or nothing
            with self.env.cr.savepoint():
                event, created = self._receive(
                    backend, topic, payload, idempotency_key, payload_format=payload_format, **kwargs
                )
                if created:
                    event._enqueue_new()
            return event, created
        event_values = self._intake_event_values(
            backend, topic, row.direction, idempotency_key, payload_values, **kwargs
        )
        job_values, dispatch_key = self._intake_dispatch_values(backend)
        text, params = self._intake_statement(event_values, job_values, dispatch_key)
        try:
            # the savepoint in the same round trip: a failing statement is undone
            # alone, and the caller keeps the delivery as a failed event
            self.env.cr.execute(f"SAVEPOINT {SAVEPOINT}; {text}", params, log_exceptions=False)
        except psycopg2.Error:
            with contextlib.suppress(psycopg2.Error):  # a lost connection: the first error tells
                self.env.cr.execute(f"ROLLBACK TO SAVEPOINT {SAVEPOINT}")
            raise
        inserted = self.env.cr.fetchone()
        if inserted:
            return self.sudo().browse(inserted[0]), True
        return self._received_already(backend, idempotency_key, kwargs.get("content_key")), False

    def _intake_event_values(self, backend, topic, direction, idempotency_key, payload_values, **kwargs):
        """The event's column values, as ``_receive`` leaves them, queued
        (its job comes from the dispatch job)."""
        values = self._receive_values(backend, topic, direction, idempotency_key, payload_values, **kwargs)
        values.update(
            # precomputed stored fields (see above)
            backend_type=backend.backend_type,
            company_id=backend.company_id.id,
            failed_count=0,
            done_count=0,
            state="queued",
        )
        for name, field in self._fields.items():
            # the fields' own defaults (trace_id, received_at...): no ir.default
            # lookup, which reads the user's company on every call
            if name not in values and field.store and field.column_type and field.default is not None:
                values[name] = field.default(self)
        values.update(create_uid=self.env.uid, write_uid=self.env.uid)
        return self._intake_columns(self, values)

    @api.model
    def _dispatch_slice(self, backend_id, now=None):
        """(identity key, due time) of the dispatch job of ``backend_id``'s
        deliveries received at ``now`` (a timestamp)."""
        slice_no = int((time.time() if now is None else now) // DISPATCH_EVERY)
        due = datetime.fromtimestamp((slice_no + 1) * DISPATCH_EVERY + DISPATCH_GRACE)
        return f"integration.dispatch:{backend_id}:{slice_no}", due

    def _intake_dispatch_values(self, backend):
        """(the dispatch job's column values, as queue_job's ``Job.store()``
        writes them, its identity key) for a delivery received now."""
        values = dict(self._dispatch_job_template(backend.id, backend._job_user().id, backend.company_id.id))
        key, due = self._dispatch_slice(backend.id)
        values.update(
            uuid=str(uuid.uuid4()),
            date_created=datetime.now(),  # as Job() sets it
            eta=due,
            identity_key=key,
        )
        return values, key

    @api.model
    @tools.ormcache("backend_id", "job_user_id", "company_id", "self.env.lang")
    def _dispatch_job_template(self, backend_id, job_user_id, company_id):
        """The columns every dispatch job of this backend shares, made by
        queue_job's Job (its job function, channel, records and context).
        Cached like queue_job's own job_config: cleared with Odoo's registry
        cache. Not to be changed: callers copy it."""
        backend = self.env["integration.backend"].browse(backend_id)
        runner = backend.with_env(
            self.env(
                user=job_user_id,
                su=False,
                # company_id: Job reads it instead of checking env.company's access
                context=dict(self.env.context, allowed_company_ids=[company_id], company_id=company_id),
            )
        )
        job = Job(runner._dispatch_deliveries, **backend._dispatch_job_options())
        return self._intake_columns(self.env["queue.job"], job._store_values(create=True))

    def _intake_columns(self, model, values):
        """{column: database value} of ``values`` (field names) for
        ``model``, converted by the fields as the ORM's create does."""
        columns = {}
        for name, value in values.items():
            field = model._fields[name]
            if field.store and field.column_type:
                columns[name] = field.convert_to_column(value, model, values)
        return columns

    def _intake_statement(self, event_values, job_values, dispatch_key):
        """(SQL, parameters): INSERT the event and, when it was new and its
        slice has no pending dispatch job yet, that job, in one statement.
        The text depends only on the columns: it is built once per set of
        columns."""
        event_columns = tuple(sorted(event_values))
        job_columns = tuple(sorted(job_values))
        text = _STATEMENTS.get((event_columns, job_columns))
        if text is None:
            text = _STATEMENTS[event_columns, job_columns] = _statement(event_columns, job_columns)
        params = [event_values[c] for c in event_columns]
        params += [job_values[c] for c in job_columns]
        params.append(dispatch_key)
        return text, params

    def _enqueue_new(self):
        """``_enqueue()`` for events that never had a job: created in the
        current transaction, or waiting for their dispatch job (which holds
        their rows locked): their jobs in one INSERT and the events in one
        UPDATE. Nobody else can queue these events meanwhile: no identity
        lookup per job (the identity key is stored all the same). Events
        that already had a job or an attempt go through ``_enqueue()``."""
        events = self.sudo()
        new = events.filtered(lambda e: not e.job_id and not e.attempts and e.state in ("received", "queued"))
        (events - new)._enqueue()
        if not new:
            return
        job_users, values = {}, []
        for event in new:
            backend = event.backend_id
            if backend not in job_users:
                job_users[backend] = backend._job_user()
            job = Job(event._job_runner(job_users[backend])._job_process, **event._job_options())
            values.append(job._store_values(create=True))  # what Job.store() writes for a new job
        QueueJob = self.env["queue.job"]
        jobs = QueueJob.with_context(_job_edit_sentinel=QueueJob.EDIT_SENTINEL).sudo().create(values)
        new.flush_recordset()
        self.env.cr.execute(
            """
            UPDATE integration_event event
               SET state = 'queued', job_id = pairs.job_id,
                   write_date = now() AT TIME ZONE 'UTC', write_uid = %s
              FROM unnest(%s::int[], %s::int[]) AS pairs(event_id, job_id)
             WHERE event.id = pairs.event_id
            """,
            [self.env.uid, new.ids, jobs.ids],
        )
        new.invalidate_recordset(["state", "job_id", "write_date", "write_uid"])


class IntegrationBackend(models.Model):
    _inherit = "integration.backend"

    # More waiting deliveries than this: the dispatch job queues the rest in
    # a job of its own, so that one transaction stays short.
    DISPATCH_BATCH = 1000

    def _dispatch_job_options(self):
        """What queue_job stores for a dispatch job of this backend, the
        intake's and a dispatch's follow-up alike (identity key and eta are
        the intake's, per slice)."""
        return {
            "channel": self._job_channel(),
            "priority": DISPATCH_PRIORITY,
            "description": _("Queue the webhook deliveries of %s", self.name),
        }

    def _dispatch_deliveries(self):
        """Job: give every delivery of this backend that waits for its job
        (queued by ``_receive_queued``, no job yet) its own job, in one
        batch. Rows another dispatch holds are skipped: it queues them."""
        self.ensure_one()
        self.env.cr.execute(
            """
            SELECT id FROM integration_event
             WHERE backend_id = %s AND state = 'queued' AND job_id IS NULL
             ORDER BY id
             LIMIT %s
             FOR UPDATE SKIP LOCKED
            """,
            [self.id, self.DISPATCH_BATCH],
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        self.env["integration.event"].sudo().browse(ids)._enqueue_new()
        if len(ids) == self.DISPATCH_BATCH:
            self.with_delay(**self._dispatch_job_options())._dispatch_deliveries()
        return f"Deliveries queued: {len(ids)}"

    @api.model
    def _cron_dispatch_waiting(self):
        """Cron, every minute: dispatch the deliveries of every backend that
        still wait for their job DISPATCH_SWEEP_AFTER seconds after they
        arrived. They missed their slice's dispatch: their transaction
        committed after it had run and no later delivery of their backend
        came, or a user cancelled it. Without the sweep they would wait for
        the orphan cron, up to half an hour. A dispatch job running at the
        same time skips the rows the sweep holds, and the other way round; one
        that took a backend's deliveries since the sweep began keeps them.
        Returns the number of backends dispatched."""
        self.env.cr.execute(
            """
            SELECT DISTINCT backend_id FROM integration_event
             WHERE state = 'queued' AND job_id IS NULL
               AND create_date < (now() AT TIME ZONE 'UTC') - make_interval(secs => %s)
            """,
            [DISPATCH_SWEEP_AFTER],
        )
        dispatched = 0
        for backend in self.browse(row[0] for row in self.env.cr.fetchall()):
            try:
                with self.env.cr.savepoint():
                    backend._dispatch_deliveries()
            except psycopg2.errors.SerializationFailure:
                # rows changed since the sweep's snapshot: a dispatch job gave them their jobs
                _logger.info("Sweep: the deliveries of backend %s were dispatched meanwhile", backend.id)
                continue
            dispatched += 1
        return dispatched
