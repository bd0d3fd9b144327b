"""The lean pipeline: a new event's job in one INSERT, no lookups; an
import looks each country and state up once."""

import hashlib
import hmac
import json
import time
from contextlib import contextmanager
from unittest.mock import patch

from odoo.tests import tagged
from odoo.tools import mute_logger

from ..lib.exceptions import MappingError
from ..models.integration_event_intake import DISPATCH_SWEEP_AFTER
from .common import IntegrationCase, canonical_order


@tagged("post_install", "-at_install")
class TestLeanEnqueue(IntegrationCase):
    def received(self, count, prefix="B"):
        events = self.env["integration.event"]
        for index in range(count):
            event, created = self.receive(canonical_order(f"{prefix}{index}"))
            self.assertTrue(created)
            events |= event
        self.assertEqual(set(events.mapped("state")), {"received"})
        return events

    def test_new_events_are_queued_in_one_batch_and_run(self):
        events = self.received(3)
        events._enqueue_new()
        self.assertEqual(set(events.mapped("state")), {"queued"})
        self.assertEqual(len(events.job_id), 3)
        for event in events:
            job = event.job_id
            self.assertEqual(job.channel, "root.integration")
            self.assertEqual(job.identity_key, f"integration.event:{event.id}:0")
            self.assertEqual(job.user_id, self.backend._job_user())
            self.assertEqual(job.company_id, self.backend.company_id)
            self.assertEqual(job.state, "pending")
            self.assertEqual((job.model_name, job.method_name), ("integration.event", "_job_process"))
            self.assertEqual(job.records, event)
            self.assertEqual(
                job.job_function_id, self.env.ref("integration_core.job_function_integration_event_process")
            )
        for event in events:
            self.run_job(event.job_id)
        events.invalidate_recordset()
        self.assertEqual(set(events.mapped("state")), {"done"}, events.mapped("error_message"))
        self.assertEqual(len(events.mapped(lambda e: e._record())), 3)

    def test_an_event_with_a_job_is_not_queued_twice(self):
        """The identity key still guards what is not new: a second call
        (a retry, the orphan cron) goes through queue_job's identity check."""
        (event,) = self.received(1, prefix="T")
        event._enqueue_new()
        job = event.job_id
        event._enqueue_new()
        event._enqueue()
        self.assertEqual(event.job_id, job)
        self.assertEqual(
            self.env["queue.job"].search_count([("identity_key", "=", f"integration.event:{event.id}:0")]), 1
        )

    @contextmanager
    def statements(self):
        """The SQL statements run in the block."""
        seen = []
        cursor_class = type(self.env.cr)
        execute = cursor_class.execute

        def spy(cr, query, params=None, log_exceptions=True):
            seen.append(" ".join(str(getattr(query, "code", query)).split()))
            return execute(cr, query, params, log_exceptions)

        with patch.object(cursor_class, "execute", spy):
            yield seen

    def test_one_insert_per_event_and_one_per_job(self):
        """The stored related and computed fields are computed before the
        INSERT (no UPDATE of the new row follows it), and the job of a new
        event needs no lookup: one INSERT, then one UPDATE links them."""
        self.env.flush_all()
        with self.statements() as seen:
            event, _created = self.receive(canonical_order("Q1"))
            self.env.flush_all()
        self.assertEqual(len([q for q in seen if q.startswith('INSERT INTO "integration_event"')]), 1, seen)
        self.assertFalse([q for q in seen if q.startswith('UPDATE "integration_event"')], seen)
        self.assertEqual(event.backend_type, "generic")
        self.assertEqual(event.company_id, self.backend.company_id)
        self.assertEqual((event.failed_count, event.done_count), (0, 0))
        with self.statements() as seen:
            event._enqueue_new()
            self.env.flush_all()
        self.assertEqual(len([q for q in seen if q.startswith('INSERT INTO "queue_job"')]), 1, seen)
        self.assertFalse([q for q in seen if 'FROM "queue_job"' in q], seen)  # no identity or uuid lookup
        self.assertEqual(len([q for q in seen if "UPDATE integration_event" in q]), 1, seen)
        self.assertEqual(event.state, "queued")


@tagged("post_install", "-at_install")
class TestImportLookups(IntegrationCase):
    def test_countries_and_states_are_looked_up_once_per_import(self):
        order = canonical_order("LK1")
        for kind in ("billing_address", "shipping_address"):
            order[kind] = dict(order[kind], country_code="US", state_code="NY")
        self.env.flush_all()
        with TestLeanEnqueue.statements(self) as seen:
            sale = self.env["integration.order.importer"]._import_order(self.backend, order)
            self.env.flush_all()
        lookups = [
            q
            for q in seen
            if q.startswith(('SELECT "res_country"."id" FROM', 'SELECT "res_country_state"."id" FROM'))
        ]
        self.assertEqual(len(lookups), 2, lookups)  # one country, one state, for three addresses
        new_york = self.env.ref("base.state_us_27")
        for partner in (sale.partner_id, sale.partner_invoice_id, sale.partner_shipping_id):
            self.assertEqual((partner.country_id, partner.state_id), (new_york.country_id, new_york))
        self.assertNotEqual(sale.partner_shipping_id, sale.partner_id)  # another street: its own address

    def test_an_unknown_country_is_still_refused(self):
        order = canonical_order("LK2")
        order["billing_address"] = dict(order["billing_address"], country_code="XX")
        with self.assertRaises(MappingError):
            self.env["integration.order.importer"]._import_order(self.backend, order)


@tagged("post_install", "-at_install")
class TestWebhookIntake(IntegrationCase):
    """An accepted delivery is stored by one statement (_receive_queued)
    that writes the row the ORM path (_receive) writes, queued; its job
    comes in a batch from its backend's dispatch job, which that statement
    inserts for the first delivery of a slice."""

    SECRET = "intake-secret"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.backend._set_secret("webhook_secret", cls.SECRET)

    def deliver(self, payload, key, topic="order.import", backend=None):
        backend = backend or self.backend
        raw = json.dumps(payload).encode()
        headers = {
            "X-Integration-Topic": topic,
            "X-Integration-Idempotency-Key": key,
            "X-Integration-Signature": hmac.new(self.SECRET.encode(), raw, hashlib.sha256).hexdigest(),
        }
        return backend._webhook_receive(headers, raw)

    def event(self, key):
        return self.env["integration.event"].search([("idempotency_key", "=", key)])

    def other_backend(self):
        """A second backend of the same type, with the same webhook secret."""
        other = self.backend.copy({"name": "Other intake", "webhook_token": "other-intake-token"})
        other._set_secret("webhook_secret", self.SECRET)
        return other

    @contextmanager
    def received_at(self, now):
        """The deliveries of the block are received at ``now[0]`` (a
        one-item list the block may move on), whatever the clock says: the
        ones a test expects to share a dispatch job share its slice."""
        Event = type(self.env["integration.event"])
        slice_of = Event._dispatch_slice
        with patch.object(
            Event, "_dispatch_slice", lambda event, backend_id, _now=None: slice_of(event, backend_id, now[0])
        ):
            yield now

    def rows(self, table, record_id, leave_out):
        self.env.flush_all()
        self.env.cr.execute(f"SELECT * FROM {table} WHERE id = %s", [record_id])  # noqa: S608 - our tables
        names = [column.name for column in self.env.cr.description]
        return {
            name: value
            for name, value in zip(names, self.env.cr.fetchone(), strict=True)
            if name not in leave_out
        }

    def test_the_rows_are_the_orm_rows(self):
        """Column by column: what differs is only what must (ids, keys,
        times, the jobs' uuids); a field added later with a default or a
        stored computation shows up here."""
        lean_status = self.deliver(canonical_order("EQ1"), "eq-lean")
        self.assertEqual(lean_status, (200, "accepted"))
        lean = self.event("eq-lean")
        self.assertEqual(lean.state, "queued")
        self.assertFalse(lean.job_id)  # its dispatch gives it one
        orm, created = self.receive(canonical_order("EQ1"), key="eq-orm")
        self.assertTrue(created)
        per_event = {
            "id",
            "idempotency_key",
            "trace_id",
            "job_id",
            "create_date",
            "write_date",
            "received_at",
        }
        self.assertEqual(
            self.rows("integration_event", lean.id, per_event | {"state"}),
            self.rows("integration_event", orm.id, per_event | {"state"}),
        )
        # the dispatch job: the row queue_job stores for the same job
        (dispatch,) = self.dispatch_jobs()
        self.backend.with_user(self.backend._job_user()).with_company(self.backend.company_id).with_delay(
            channel=self.backend._job_channel(),
            priority=dispatch.priority,
            description=dispatch.name,
        )._dispatch_deliveries()
        queued = self.env["queue.job"].search(
            [("method_name", "=", "_dispatch_deliveries"), ("id", "!=", dispatch.id)],
            order="id desc",
            limit=1,
        )
        per_dispatch = {"id", "uuid", "date_created", "eta", "identity_key"}
        self.assertEqual(
            self.rows("queue_job", dispatch.id, per_dispatch), self.rows("queue_job", queued.id, per_dispatch)
        )
        self.assertEqual(dispatch.records, self.backend)
        self.assertEqual(dispatch.user_id, self.backend._job_user())
        self.assertEqual(
            dispatch.records.env.context.get("allowed_company_ids"), [self.backend.company_id.id]
        )
        self.assertTrue(dispatch.identity_key.startswith(f"integration.dispatch:{self.backend.id}:"))
        self.assertGreater(dispatch.eta, dispatch.date_created)
        self.assertEqual(
            dispatch.job_function_id,
            self.env.ref("integration_core.job_function_integration_backend_dispatch"),
        )
        self.assertLess(dispatch.priority, 10)  # before the deliveries' own jobs
        queued.unlink()
        # once dispatched, the event and its job are the ORM path's (_receive, _enqueue_new)
        self.run_job(dispatch)
        orm._enqueue_new()
        lean.invalidate_recordset()
        self.assertEqual(
            self.rows("integration_event", lean.id, per_event),
            self.rows("integration_event", orm.id, per_event),
        )
        per_job = {"id", "uuid", "date_created", "records", "func_string", "identity_key"}
        self.assertEqual(
            self.rows("queue_job", lean.job_id.id, per_job), self.rows("queue_job", orm.job_id.id, per_job)
        )
        job = lean.job_id
        self.assertEqual(job.records, lean)
        self.assertEqual(job.func_string, f"integration.event({lean.id},)._job_process()")
        self.assertEqual(job.identity_key, f"integration.event:{lean.id}:0")
        self.assertEqual(job.user_id, self.backend._job_user())
        self.assertEqual(job.records.env.uid, self.backend._job_user().id)
        self.assertEqual(job.records.env.context.get("allowed_company_ids"), [self.backend.company_id.id])
        self.assertEqual(len(job.uuid), 36)

    def test_one_statement_and_it_runs(self):
        with self.received_at([time.time()]):  # one slice: one dispatch job for both
            self.deliver(canonical_order("EQ0"), "eq-warm")  # the worker's caches (secret, job template)
            self.env.flush_all()
            with TestLeanEnqueue.statements(self) as seen:
                status = self.deliver(canonical_order("EQ2"), "eq-2")
        self.assertEqual(status, (200, "accepted"))
        self.assertEqual(len(seen), 1, seen)
        self.assertTrue(seen[0].startswith("SAVEPOINT integration_intake; WITH event AS"), seen)
        event = self.event("eq-2")
        self.assertEqual(len(self.dispatch_deliveries()), 1)
        event.invalidate_recordset()
        self.assertEqual(event.state, "queued")
        self.run_job(event.job_id)
        event.invalidate_recordset()
        self.assertEqual(event.state, "done", event.error_message)
        self.assertTrue(self.orders_for("EQ2"))

    def test_the_deliveries_of_a_slice_share_one_dispatch_job(self):
        """One dispatch job per backend and slice: the second delivery of a
        slice inserts its event only; a delivery in the next slice, or after
        the slice's dispatch left 'pending', inserts a new one."""
        with self.received_at([1_900_000_000.1]) as now:
            self.assertEqual(self.deliver(canonical_order("SL1"), "sl-1"), (200, "accepted"))
            self.assertEqual(self.deliver(canonical_order("SL2"), "sl-2"), (200, "accepted"))
            self.assertEqual(len(self.dispatch_jobs()), 1)
            now[0] += 0.5  # the next slice
            self.assertEqual(self.deliver(canonical_order("SL3"), "sl-3"), (200, "accepted"))
            self.assertEqual(len(self.dispatch_jobs()), 2)
            other = self.other_backend()
            self.deliver(canonical_order("SL4"), "sl-4", backend=other)  # another backend: its own
            self.assertEqual(len(self.dispatch_jobs(other)), 1)
            self.assertEqual(len(self.dispatch_deliveries()), 2)
            self.deliver(canonical_order("SL5"), "sl-5")  # same slice, its dispatch has run
            self.assertEqual(len(self.dispatch_jobs()), 1)
        events = self.event("sl-1") | self.event("sl-2") | self.event("sl-3")
        self.assertEqual(len(events.job_id), 3)  # each its own job
        self.assertEqual(set(events.job_id.mapped("method_name")), {"_job_process"})
        self.assertFalse(self.event("sl-4").job_id)  # the other backend's dispatch has not run
        self.assertFalse(self.event("sl-5").job_id)
        self.dispatch_deliveries()
        self.assertTrue(self.event("sl-5").job_id)

    def test_a_dispatch_takes_every_waiting_delivery_of_its_backend(self):
        """A delivery whose transaction committed after its slice's dispatch
        ran waits without a job: the next dispatch of its backend takes it,
        and the orphan cron would."""
        self.deliver(canonical_order("LT1"), "lt-1")
        self.dispatch_jobs().unlink()  # its dispatch ran before it was committed
        late = self.event("lt-1")
        self.assertEqual((late.state, late.job_id), ("queued", self.env["queue.job"]))
        self.deliver(canonical_order("LT2"), "lt-2")
        self.dispatch_deliveries()
        self.assertTrue(late.job_id)
        self.assertTrue(self.event("lt-2").job_id)
        self.deliver(canonical_order("LT3"), "lt-3")
        self.dispatch_jobs().unlink()
        forgotten = self.event("lt-3")
        self.env.cr.execute(
            "UPDATE integration_event SET write_date = now() - interval '1 hour' WHERE id = %s",
            [forgotten.id],
        )
        forgotten.invalidate_recordset()
        self.env["integration.event"]._cron_requeue_orphans()
        self.assertEqual(forgotten.job_id.identity_key, f"integration.event:{forgotten.id}:0")

    def arrived_ago(self, event, seconds):
        """As if ``event`` had arrived ``seconds`` ago."""
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE integration_event SET create_date = create_date - make_interval(secs => %s) WHERE id = %s",
            [seconds, event.id],
        )
        event.invalidate_recordset()

    def test_a_delivery_that_missed_its_dispatch_is_swept(self):
        """The backend's last delivery of a burst, committed after its
        slice's dispatch ran, has no next dispatch to take it: the sweep cron
        gives it its job once DISPATCH_SWEEP_AFTER has passed, not before,
        and every backend's such deliveries. One job each, whoever comes
        first: the sweep or a later dispatch."""
        Backend = self.env["integration.backend"]
        self.deliver(canonical_order("SW1"), "sw-1")
        self.dispatch_jobs().unlink()  # its dispatch ran before it was committed
        late = self.event("sw-1")
        self.assertEqual(Backend._cron_dispatch_waiting(), 0)  # its dispatch may still come
        self.assertFalse(late.job_id)
        other = self.other_backend()
        self.deliver(canonical_order("SW2"), "sw-2", backend=other)
        self.dispatch_jobs(other).unlink()
        other_late = self.event("sw-2")
        self.arrived_ago(late, DISPATCH_SWEEP_AFTER + 1)
        self.arrived_ago(other_late, DISPATCH_SWEEP_AFTER + 1)
        self.deliver(canonical_order("SW3"), "sw-3")  # a new one, its dispatch pending
        self.assertEqual(Backend._cron_dispatch_waiting(), 2)
        for event in late | other_late | self.event("sw-3"):  # the new one goes along
            self.assertEqual(event.state, "queued")
            self.assertEqual(event.job_id.identity_key, f"integration.event:{event.id}:0")
        (dispatch,) = self.dispatch_deliveries()
        self.assertEqual(dispatch.result, "Deliveries queued: 0")
        self.assertEqual(Backend._cron_dispatch_waiting(), 0)
        self.assertEqual(
            self.env["queue.job"].search_count([("identity_key", "like", f"integration.event:{late.id}:")]), 1
        )

    def test_a_sweep_that_meets_a_dispatch_leaves_it_the_deliveries(self):
        """When a dispatch job gave a backend's deliveries their jobs after
        the sweep's snapshot, locking them fails with a serialization error
        (REPEATABLE READ): the sweep leaves them to that dispatch and goes on
        with the next backend, without failing the cron."""
        other = self.other_backend()
        self.deliver(canonical_order("SM1"), "sm-1")
        self.deliver(canonical_order("SM2"), "sm-2", backend=other)
        (self.dispatch_jobs() | self.dispatch_jobs(other)).unlink()
        for key in ("sm-1", "sm-2"):
            self.arrived_ago(self.event(key), DISPATCH_SWEEP_AFTER + 1)
        Backend = type(self.env["integration.backend"])
        dispatch = Backend._dispatch_deliveries
        met = self.backend

        def concurrent(backend):
            if backend == met:  # as PostgreSQL answers a lock on a row changed since the snapshot
                backend.env.cr.execute(
                    "DO $$ BEGIN RAISE EXCEPTION 'could not serialize access due to concurrent update'"
                    " USING ERRCODE = 'serialization_failure'; END $$"
                )
            return dispatch(backend)

        with (
            patch.object(Backend, "_dispatch_deliveries", concurrent),
            mute_logger("odoo.sql_db", "odoo.addons.integration_core.models.integration_event_intake"),
        ):
            self.assertEqual(self.env["integration.backend"]._cron_dispatch_waiting(), 1)
        self.assertFalse(self.event("sm-1").job_id)  # left to the dispatch that met the sweep
        self.assertTrue(self.event("sm-2").job_id)

    def test_the_deliveries_of_a_cancelled_dispatch_are_swept(self):
        """A user who cancels a dispatch job in the job queue cancels the
        hand-over, not the deliveries: the sweep queues them."""
        self.deliver(canonical_order("CD1"), "cd-1")
        self.deliver(canonical_order("CD2"), "cd-2")
        self.dispatch_jobs().button_cancelled()
        self.assertFalse(self.dispatch_jobs())
        events = self.event("cd-1") | self.event("cd-2")
        for event in events:
            self.arrived_ago(event, DISPATCH_SWEEP_AFTER + 1)
        self.env["integration.backend"]._cron_dispatch_waiting()
        self.assertEqual(len(events.job_id), 2)
        self.assertEqual(set(events.job_id.mapped("state")), {"pending"})
        self.run_jobs()
        self.assertEqual(set(events.mapped("state")), {"done"})

    def test_a_long_backlog_is_dispatched_in_batches(self):
        """Past DISPATCH_BATCH waiting deliveries, a dispatch queues the
        rest in a dispatch job of its own: its transaction stays short."""
        with self.received_at([time.time()]):  # one slice: one dispatch job
            self.deliver(canonical_order("BB1"), "bb-1")
            self.deliver(canonical_order("BB2"), "bb-2")
            self.deliver(canonical_order("BB3"), "bb-3")
        Backend = type(self.env["integration.backend"])
        with patch.object(Backend, "DISPATCH_BATCH", 2):
            (first,) = self.dispatch_deliveries()
            self.assertEqual(first.result, "Deliveries queued: 2")
            (second,) = self.dispatch_deliveries()
        self.assertEqual(second.result, "Deliveries queued: 1")
        self.assertEqual(second.priority, first.priority)
        events = self.event("bb-1") | self.event("bb-2") | self.event("bb-3")
        self.assertEqual(len(events.job_id), 3)
        self.assertFalse(self.dispatch_deliveries())

    def test_a_killed_dispatch_leaves_its_deliveries_waiting(self):
        """The dispatch is one transaction: a worker killed halfway leaves
        every delivery waiting, and queue_job runs the dispatch again."""
        with self.received_at([time.time()]):
            self.deliver(canonical_order("KD1"), "kd-1")
            self.deliver(canonical_order("KD2"), "kd-2")
        (dispatch,) = self.dispatch_jobs()
        Event = type(self.env["integration.event"])
        with self.assertRaises(RuntimeError), self.env.cr.savepoint():

            def killed(_self):
                raise RuntimeError("worker killed")

            with patch.object(Event, "_enqueue_new", killed):
                self.run_job(dispatch)
        events = self.event("kd-1") | self.event("kd-2")
        events.invalidate_recordset()
        self.assertFalse(events.job_id)
        self.assertEqual(set(events.mapped("state")), {"queued"})
        self.run_job(dispatch)
        events.invalidate_recordset()
        self.assertEqual(len(events.job_id), 2)

    def test_a_duplicate_inserts_nothing(self):
        self.assertEqual(self.deliver(canonical_order("EQ3"), "eq-3"), (200, "accepted"))
        jobs = self.env["queue.job"].search_count([])
        self.assertEqual(self.deliver(canonical_order("EQ3"), "eq-3"), (200, "duplicate"))
        self.assertEqual(self.env["queue.job"].search_count([]), jobs)
        self.assertEqual(self.env["integration.event"].search_count([("idempotency_key", "=", "eq-3")]), 1)

    def test_a_failing_statement_keeps_the_delivery_as_a_failed_event(self):
        """An authentic delivery is never lost: when the statement itself
        fails, the transaction is rolled back and the body kept (400)."""
        Event = type(self.env["integration.event"])
        with (
            patch.object(Event, "_intake_statement", lambda _self, *_a: ("SELECT 1/0", [])),
            mute_logger("odoo.addons.integration_core.models.integration_backend"),
        ):
            status, message = self.deliver(canonical_order("EQ4"), "eq-4")
        self.assertEqual((status, message), (400, "internal error, delivery kept"))
        kept = self.env["integration.event"].search(
            [("backend_id", "=", self.backend.id), ("state", "=", "failed")]
        )
        self.assertEqual(len(kept.filtered(lambda e: "EQ4" in (e.payload_raw or ""))), 1)
        self.assertEqual(kept.filtered(lambda e: "EQ4" in (e.payload_raw or "")).error_category, "internal")

    def test_a_large_payload_goes_to_a_file_with_its_job(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "integration_core.payload_attachment_threshold", "100"
        )
        self.assertEqual(self.deliver(canonical_order("EQ5"), "eq-5"), (200, "accepted"))
        event = self.event("eq-5")
        self.assertTrue(event.payload_in_file)
        self.assertEqual(event.state, "queued")
        self.assertEqual(event.job_id.records, event)

    def test_a_changed_secret_is_used_at_once(self):
        """The signing secret is cached per worker, and a change of it
        clears that cache."""
        self.assertEqual(self.deliver(canonical_order("EQ6"), "eq-6")[0], 200)
        self.backend._set_secret("webhook_secret", "rotated")
        self.assertEqual(self.deliver(canonical_order("EQ7"), "eq-7")[0], 401)
        type(self).SECRET = "rotated"
        try:
            self.assertEqual(self.deliver(canonical_order("EQ7"), "eq-7")[0], 200)
        finally:
            type(self).SECRET = "intake-secret"

    def test_the_job_user_follows_the_owner(self):
        """The job user is cached per worker; the owner losing the
        integration group (a registry cache clear) is seen at once."""
        owner = self.env["res.users"].create(
            {
                "name": "Intake owner",
                "login": "intake-owner",
                "groups_id": [(6, 0, [self.env.ref("integration_core.group_integration_user").id])],
            }
        )
        self.backend.user_id = owner
        self.assertEqual(self.backend._job_user(), owner)
        self.deliver(canonical_order("EQ8"), "eq-8")
        self.assertEqual(self.dispatch_deliveries().user_id, owner)
        event = self.event("eq-8")
        self.assertEqual(event.job_id.user_id, owner)
        owner.groups_id = [(3, self.env.ref("integration_core.group_integration_user").id)]
        self.assertEqual(self.backend._job_user(), self.env.ref("base.user_root"))
        self.deliver(canonical_order("EQ9"), "eq-9")
        self.assertEqual(self.dispatch_deliveries().user_id, self.env.ref("base.user_root"))
        event = self.event("eq-9")
        self.assertEqual(event.job_id.user_id, self.env.ref("base.user_root"))
