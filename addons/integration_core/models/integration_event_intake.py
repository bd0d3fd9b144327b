"""A lean webhook acknowledgement: one statement between a verified
delivery and its answer.

``_receive_queued`` stores an accepted delivery as its event, already
queued, together with its job, in one INSERT ... ON CONFLICT DO NOTHING
statement (the event's id and its job's id are drawn from their sequences
inside it), in the request's transaction. The answer is sent once the
statement is committed, so an accepted delivery always has its job; a
duplicate (the same idempotency or content key, a concurrent one included)
inserts neither.

The rows are the ones the ORM writes for ``_receive`` then ``_enqueue``:
the values are made by the ORM (defaults, the fields' own conversions) and
by queue_job's own ``Job``; only the statement is ours.
test_webhook_intake.py compares both rows, column by column, with the ORM's.
What the statement saves is round trips: the ORM path costs a savepoint and
its release, a ``SELECT now()``, the job user's and company's reads, an
INSERT of the job and an UPDATE linking them. A payload kept in a file (over
the size threshold) takes the ORM path.
"""

import contextlib
import uuid
from datetime import datetime

import psycopg2

from odoo import api, fields, models, tools

from odoo.addons.queue_job.job import Job

# Stands for the event's id in the job's columns that name it, until the
# statement draws it.
EVENT_ID = "9" * 18
EVENT_ID_COLUMNS = ("records", "func_string", "identity_key")
# Left to the commit to release (the request ends there): one round trip less.
SAVEPOINT = "integration_intake"


_STATEMENTS = {}  # {(event columns, job columns): statement text}


def _statement(event_columns, job_columns):
    """The text of _intake_statement for these columns (%s parameters: the
    event's values, then the job's, each EVENT_ID column followed by
    EVENT_ID, replaced by the event's id). Columns are field names."""

    def names(columns):
        return ", ".join(f'"{column}"' for column in columns)

    job_values = ", ".join(
        "replace(%s, %s, event.id::text)" if column in EVENT_ID_COLUMNS else "%s" for column in job_columns
    )
    return f"""
        WITH ids AS (
            SELECT nextval('integration_event_id_seq') AS event_id, nextval('queue_job_id_seq') AS job_id
        ), event AS (
            INSERT INTO integration_event (id, job_id, create_date, write_date, {names(event_columns)})
            SELECT ids.event_id, ids.job_id, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC',
                   {", ".join("%s" for _column in event_columns)}
              FROM ids
            ON CONFLICT DO NOTHING
            RETURNING id, job_id
        )
        INSERT INTO queue_job (id, {names(job_columns)})
        SELECT event.job_id, {job_values} FROM event
        RETURNING (SELECT id FROM event)
    """


class IntegrationEvent(models.Model):
    _inherit = "integration.event"

    backend_type = fields.Selection(related="backend_id.backend_type", store=True, precompute=True)
    company_id = fields.Many2one(related="backend_id.company_id", store=True, precompute=True)
    failed_count = fields.Integer(compute="_compute_counters", store=True, precompute=True)
    done_count = fields.Integer(compute="_compute_counters", store=True, precompute=True)

    def _receive_queued(self, backend, topic, payload, idempotency_key, **kwargs):
        """``_receive`` then ``_enqueue`` for an inbound delivery, in one
        statement. Returns (event, created); a duplicate returns the event
        already stored (or an empty recordset when a concurrent delivery
        has not committed it yet) and created=False."""
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
        job_values = self._intake_job_values(backend, topic, kwargs.get("external_id"))
        text, params = self._intake_statement(event_values, job_values)
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
        """The event's column values, as ``_receive`` and ``_enqueue`` leave
        them (the job's id is set by the statement)."""
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

    def _intake_job_values(self, backend, topic, external_id):
        """The job's column values, as queue_job's ``Job.store()`` writes
        them for the event's first attempt, with EVENT_ID for its id."""
        values = dict(
            self._intake_job_template(backend.id, backend._job_user().id, backend.company_id.id, topic)
        )
        values.update(
            uuid=str(uuid.uuid4()),
            name=self._job_description(topic, external_id),
            date_created=datetime.now(),  # as Job() sets it
        )
        return values

    @api.model
    @tools.ormcache("backend_id", "job_user_id", "company_id", "topic", "self.env.lang")
    def _intake_job_template(self, backend_id, job_user_id, company_id, topic):
        """The job columns every first attempt of ``topic`` on this backend
        shares, made by queue_job's Job (its job function, channel, records
        and context), with EVENT_ID for the event's id. Cached like queue_job's
        own job_config: cleared with Odoo's registry cache. Not to be
        changed: callers copy it."""
        backend = self.env["integration.backend"].browse(backend_id)
        runner = self.browse(int(EVENT_ID)).with_env(
            self.env(
                user=job_user_id,
                su=False,
                # company_id: Job reads it instead of checking env.company's access
                context=dict(self.env.context, allowed_company_ids=[company_id], company_id=company_id),
            )
        )
        job = Job(runner._job_process, **runner._job_options_for(backend, topic, False, attempts=0))
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

    def _intake_statement(self, event_values, job_values):
        """(SQL, parameters): INSERT the event and, when it was new, its job,
        in one statement. The text depends only on the columns: it is built
        once per set of columns."""
        event_columns = tuple(sorted(event_values))
        job_columns = tuple(sorted(job_values))
        text = _STATEMENTS.get((event_columns, job_columns))
        if text is None:
            text = _STATEMENTS[event_columns, job_columns] = _statement(event_columns, job_columns)
        params = [event_values[c] for c in event_columns]
        for column in job_columns:
            params.append(job_values[column])
            if column in EVENT_ID_COLUMNS:
                params.append(EVENT_ID)
        return text, params

    def _enqueue_new(self):
        """``_enqueue()`` for events created in the current transaction:
        their jobs in one INSERT and the events in one UPDATE. Nobody else
        can see these events yet, so nobody can have queued them: no
        identity lookup per job (the identity key is stored all the same).
        Events that already had a job or an attempt go through
        ``_enqueue()``."""
        events = self.sudo()
        new = events.filtered(lambda e: not e.job_id and not e.attempts and e.state == "received")
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
