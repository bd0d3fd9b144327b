"""The lean webhook acknowledgement: one insert in the answer, the job right after.

A webhook answers as soon as its event row is committed; the queue_job job
of that event is created after the answer has been sent, by a short
follow-up of the same worker that takes every event received and not queued
yet, its own and those of concurrent deliveries, and creates their jobs in
one batch (see ``_enqueue_received``).

Nothing accepted is lost: the event is committed before the answer. If the
worker dies between the answer and the follow-up, the event stays
``received`` without a job, and the next follow-up of any delivery, or the
orphan cron (``_cron_requeue_orphans``), queues it.
"""

import logging
from datetime import timedelta

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.http import request
from odoo.modules.registry import Registry

from odoo.addons.queue_job.job import Job

_logger = logging.getLogger(__name__)

# the WSGI environ key by which a request asks its answer to run the follow-up
ENQUEUE_AFTER_ANSWER = "integration.enqueue_after_answer"
# events one follow-up queues at most (the next follow-up takes the rest)
BATCH_SIZE = 200


def enqueue_received_after_answer(dbname):
    """The follow-up, run once the answer is sent (``call_on_close``): its own
    transaction, READ COMMITTED so that rows queued meanwhile by another
    follow-up are simply not selected again. Never raises: an event left
    ``received`` is taken by the next follow-up or the orphan cron."""
    try:
        with Registry(dbname).cursor() as cr:
            cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["integration.event"]._enqueue_received()
    except Exception:  # noqa: BLE001 - after the answer, nobody else would see it
        _logger.exception("Could not queue the jobs of received webhook events (the cron will)")


class IntegrationEvent(models.Model):
    _inherit = "integration.event"

    # One INSERT per event: the stored related and computed fields are
    # computed before it rather than written by an UPDATE right after.
    backend_type = fields.Selection(precompute=True)
    company_id = fields.Many2one(precompute=True)
    failed_count = fields.Integer(precompute=True)
    done_count = fields.Integer(precompute=True)

    def _enqueue_after_answer(self):
        """Queue these new events once the webhook's answer is sent.

        Within an HTTP request the controller runs the follow-up after the
        answer; elsewhere (a script, a shell), and in tests, where the
        test transaction is never committed for a follow-up to see, the
        events are queued at once."""
        if request and not self.env.registry.in_test_mode():
            request.httprequest.environ[ENQUEUE_AFTER_ANSWER] = self.env.cr.dbname
            return
        self._enqueue()

    @api.model
    def _enqueue_received(self, limit=BATCH_SIZE):
        """Create the jobs of the events received and not queued yet, in one
        batch; rows another transaction is queueing are skipped. Returns the
        events queued."""
        self.env["integration.event"].flush_model()
        self.env.cr.execute(
            """
            SELECT id FROM integration_event
             WHERE state = 'received' AND job_id IS NULL
             ORDER BY id
             LIMIT %s
               FOR NO KEY UPDATE SKIP LOCKED
            """,
            [limit],
        )
        events = self.sudo().browse([row[0] for row in self.env.cr.fetchall()])
        events._enqueue_batch()
        return events

    def _enqueue_batch(self):
        """``_enqueue`` for many new events at once: one INSERT of their jobs
        and one UPDATE of the events. Only for events that never had a job
        (attempt 0) and that the caller holds (row lock): nobody else can
        have queued the same attempt, so no identity lookup per job."""
        if not self:
            return
        job_users = {}
        values = []
        for event in self:
            backend = event.backend_id
            if backend not in job_users:
                job_users[backend] = backend._job_user()
            runner = event.with_user(job_users[backend]).with_company(backend.company_id)
            job = Job(
                runner._job_process,
                channel=backend._job_channel(),
                identity_key=f"integration.event:{event.id}:{event.attempts}",
                description=_("Process %(topic)s %(ext)s", topic=event.topic, ext=event.external_id or ""),
            )
            values.append(job._store_values(create=True))
        Job_ = self.env["queue.job"]
        jobs = Job_.with_context(_job_edit_sentinel=Job_.EDIT_SENTINEL).sudo().create(values)
        now = fields.Datetime.now()
        self.env.cr.execute(
            """
            UPDATE integration_event event
               SET state = 'queued', job_id = pairs.job_id, write_date = %s, write_uid = %s
              FROM unnest(%s::int[], %s::int[]) AS pairs(event_id, job_id)
             WHERE event.id = pairs.event_id
            """,
            [now, self.env.uid, self.ids, jobs.ids],
        )
        self.invalidate_recordset(["state", "job_id", "write_date", "write_uid"])

    @api.model
    def _received_orphan_minutes(self):
        """How long a received event may wait for its job before the orphan
        cron queues it (the follow-up normally does within a second)."""
        return 2

    @api.model
    def _cron_requeue_orphans(self, minutes=15):
        """Also queue events received and never queued (the worker died
        between the answer and the follow-up), after a couple of minutes
        rather than the orphan delay."""
        limit = fields.Datetime.now() - timedelta(minutes=self._received_orphan_minutes())
        stranded = self.search(
            [("state", "=", "received"), ("job_id", "=", False), ("write_date", "<", limit)], limit=1000
        )
        for event in stranded:
            _logger.info("Queueing integration event %s, received and never queued", event.id)
        stranded._enqueue()
        return len(stranded) + super()._cron_requeue_orphans(minutes=minutes)
