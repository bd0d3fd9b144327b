"""A lean webhook acknowledgement: the fewest statements between a verified
delivery and its answer.

An accepted delivery costs one INSERT of its event (the stored related and
computed fields are computed before it, not written by an UPDATE after),
one INSERT of its job and one UPDATE linking them, all in the request's
transaction: the answer is sent once both are committed, so an accepted
delivery always has its job. ``with_delay()`` would add three lookups per
event (the identity key, and the new job by its uuid, twice) that a new
event does not need.
"""

from odoo import fields, models

from odoo.addons.queue_job.job import Job


class IntegrationEvent(models.Model):
    _inherit = "integration.event"

    backend_type = fields.Selection(related="backend_id.backend_type", store=True, precompute=True)
    company_id = fields.Many2one(related="backend_id.company_id", store=True, precompute=True)
    failed_count = fields.Integer(compute="_compute_counters", store=True, precompute=True)
    done_count = fields.Integer(compute="_compute_counters", store=True, precompute=True)

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
