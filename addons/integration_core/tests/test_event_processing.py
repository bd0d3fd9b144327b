import json
from datetime import timedelta

import psycopg2.errors
from psycopg2 import IntegrityError

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.queue_job.tests.common import trap_jobs

from ..lib.exceptions import StillRunning
from ..lib.http_client import IntegrationHttpClient
from .common import IntegrationCase, LocalHTTPServer, canonical_order


def remote_call_handler(url):
    """A handler that calls a remote system, as a channel export would."""

    def apply(event, data):
        with IntegrationHttpClient(url, timeout=(1, 2)) as client:
            client.request("POST", "/export", json=data)
        return None

    return apply


@tagged("post_install", "-at_install")
class TestEventLifecycle(IntegrationCase):
    def test_receive_is_idempotent(self):
        """The same delivery 10 times gives one event and one order."""
        payload = canonical_order("2001")
        events = self.env["integration.event"]
        created_count = 0
        for _i in range(10):
            event, created = self.receive(payload, key="delivery-2001")
            created_count += created
            events |= event
        self.assertEqual(created_count, 1)
        self.assertEqual(len(events), 1)
        self.process(events)
        for _i in range(10):
            events._job_process()  # the job run again does nothing more
        self.assertEqual(events.state, "done")
        self.assertEqual(len(self.orders_for("2001")), 1)
        self.assertEqual(self.env["sale.order"].search_count([("client_order_ref", "=", "#2001")]), 1)

    def test_unique_key_enforced_by_database(self):
        event, _created = self.receive(canonical_order("2002"), key="k-2002")
        with self.assertRaises(IntegrityError), self.cr.savepoint(), mute_logger("odoo.sql_db"):
            self.env["integration.event"].create(
                {"backend_id": self.backend.id, "topic": "order.import", "idempotency_key": "k-2002"}
            )
        # the same key on another backend is another event
        other = self.backend.copy({"name": "Other feed"})
        _event2, created = self.receive(canonical_order("2002"), key="k-2002", backend=other)
        self.assertTrue(created)

    def test_same_content_under_another_key_is_a_duplicate(self):
        Event = self.env["integration.event"]
        payload = canonical_order("2003")
        first, created = Event._receive(
            self.backend, "order.import", payload, "delivery-1", content_key="order:2003:v1"
        )
        self.assertTrue(created)
        again, created = Event._receive(
            self.backend, "order.import", payload, "delivery-2", content_key="order:2003:v1"
        )
        self.assertEqual((again, created), (first, False))
        # another content, or none (many events have none), is another event
        _other, created = Event._receive(
            self.backend, "order.import", payload, "delivery-3", content_key="order:2003:v2"
        )
        self.assertTrue(created)
        for key in ("delivery-4", "delivery-5"):
            self.assertTrue(Event._receive(self.backend, "order.import", payload, key)[1])

    def test_done_event_links_record_and_measures_latency(self):
        event, _created = self.receive(canonical_order("2003"))
        self.assertEqual(event.state, "received")
        self.process(event)
        self.assertEqual(event.state, "done")
        self.assertEqual(event.res_model, "sale.order")
        order = self.env["sale.order"].browse(event.res_id)
        self.assertEqual(order.client_order_ref, "#2003")
        self.assertEqual(event.attempts, 1)
        self.assertGreaterEqual(event.latency, 0.0)
        self.assertEqual(event.job_id.state, "done")
        self.assertTrue(event.payload_canonical)

    def test_enqueue_uses_channel_and_identity_key(self):
        event, _created = self.receive(canonical_order("2004"))
        with trap_jobs() as trap:
            event._enqueue()
            event._enqueue()  # same attempt: queue_job dedupes by identity key
            trap.assert_jobs_count(1, only=event._job_process)
            trap.assert_enqueued_job(
                event._job_process,
                properties={"channel": "root.integration", "identity_key": f"integration.event:{event.id}:0"},
            )

    def test_permanent_error_is_not_retried(self):
        order = canonical_order("2005")
        order["lines"][0]["sku"] = "NO-SUCH-SKU"
        event, _created = self.receive(order)
        self.process(event)
        self.assertEqual(event.state, "failed")
        self.assertEqual(event.error_category, "mapping")
        self.assertIn("NO-SUCH-SKU", event.error_message)
        # no retry was enqueued for a permanent error
        self.assertFalse(self.run_jobs())
        self.assertEqual(event.attempts, 1)
        self.assertFalse(self.orders_for("2005"))
        self.assertFalse(self.env["sale.order"].search([("client_order_ref", "=", "#2005")]))

    def test_schema_violation_is_a_validation_failure(self):
        order = canonical_order("2006")
        order["lines"][0]["quantity"] = 0
        event, _created = self.receive(order)
        self.process(event)
        self.assertEqual(event.state, "failed")
        self.assertEqual(event.error_category, "validation")
        self.assertIn("lines[0].quantity", event.error_message)

    def test_business_rule_failure_writes_nothing(self):
        order = canonical_order("2007")
        order["totals"]["total"] = 999.0
        event, _created = self.receive(order)
        self.process(event)
        self.assertEqual(event.state, "failed")
        self.assertEqual(event.error_category, "business")
        self.assertIn("999.00", event.error_message)
        self.assertFalse(self.env["sale.order"].search([("client_order_ref", "=", "#2007")]))
        self.assertFalse(self.env["res.partner"].search([("email", "=", "ada2007@example.com")]))

    def test_429_with_retry_after_is_retried_after_that_delay(self):
        with LocalHTTPServer([(429, {"Retry-After": "7"}, {"errors": "Throttled"}, 0)]) as server:
            with self.topic_handled_by("stock.export", remote_call_handler(server.url)):
                event, _created = self.receive({"external_id": "X1"}, topic="stock.export")
                before = fields.Datetime.now()
                self.process(event)
                self.assertEqual(event.state, "queued")
                self.assertEqual(event.error_category, "remote")
                self.assertEqual(event.attempts, 1)
                retry_job = event.job_id
                self.assertEqual(retry_job.state, "pending")
                self.assertAlmostEqual((retry_job.eta - before).total_seconds(), 7, delta=2)
                self.assertAlmostEqual((event.next_retry_at - before).total_seconds(), 7, delta=2)
                # the retry succeeds: the server answers 200 by default
                self.run_jobs()
            event.invalidate_recordset()
            self.assertEqual(event.state, "done")
            self.assertEqual(event.attempts, 2)
            self.assertEqual(len(server.requests), 2)

    def test_5xx_backoff_then_dead(self):
        """Retryable errors back off exponentially; the last attempt is dead."""
        script = [(503, {}, {}, 0)] * 5
        with LocalHTTPServer(script) as server:
            with self.topic_handled_by("stock.export", remote_call_handler(server.url)):
                event, _created = self.receive({"external_id": "X2"}, topic="stock.export")
                event._enqueue()
                delays = []
                for _attempt in range(3):
                    start = fields.Datetime.now()
                    self.run_jobs(limit=1)
                    event.invalidate_recordset()
                    if event.next_retry_at:
                        delays.append((event.next_retry_at - start).total_seconds())
            self.assertEqual(event.state, "dead")
            self.assertEqual(event.attempts, 3)
            self.assertEqual(len(server.requests), 3)
            self.assertEqual(len(delays), 2)
            self.assertGreater(delays[1], delays[0])  # 30 s then 60 s (+/- jitter)

    def test_concurrent_update_is_retried_at_once_without_spending_an_attempt(self):
        """The other transaction has committed when PostgreSQL reports the
        conflict: a new job with a fresh snapshot can run straight away."""

        def apply(event, data):
            raise psycopg2.errors.SerializationFailure("could not serialize access due to concurrent update")

        with self.topic_handled_by("stock.export", apply):
            event, _created = self.receive({"external_id": "X6"}, topic="stock.export")
            self.process(event)
        self.assertEqual(event.state, "queued")
        self.assertEqual(event.attempts, 0)
        self.assertEqual(event.error_category, "internal")
        self.assertEqual(event.job_id.state, "pending")  # a new job: the one that ran is done
        self.assertFalse(event.job_id.eta)

    def test_still_running_waits_without_spending_attempts(self):
        """A remote batch that is not finished is looked at again later, as
        often as needed: waiting is not a failure, so the event never dies of it."""
        polls = []

        def apply(event, data):
            polls.append(1)
            if len(polls) <= 8:
                raise StillRunning("Bulk operation still running", retry_after=10)
            return None

        with self.topic_handled_by("stock.export", apply):
            event, _created = self.receive({"external_id": "X7"}, topic="stock.export")
            event.max_attempts = 2
            before = fields.Datetime.now()
            self.process(event)
            self.assertEqual(event.state, "queued")
            self.assertEqual(event.attempts, 0)
            self.assertAlmostEqual((event.job_id.eta - before).total_seconds(), 10, delta=2)
            for _poll in range(8):
                self.process(event)
        self.assertEqual(len(polls), 9)
        self.assertEqual(event.state, "done")
        self.assertEqual(event.attempts, 1)

    def test_timeout_is_retryable(self):
        with LocalHTTPServer([(200, {}, {}, 3)]) as server:
            with self.topic_handled_by("stock.export", remote_call_handler(server.url)):
                event, _created = self.receive({"external_id": "X3"}, topic="stock.export")
                self.process(event)
            self.assertEqual(event.state, "queued")
            self.assertIn("imed out", event.error_message)

    def test_4xx_is_permanent(self):
        with LocalHTTPServer([(422, {}, {"errors": {"sku": ["is invalid"]}}, 0)]) as server:
            with self.topic_handled_by("stock.export", remote_call_handler(server.url)):
                event, _created = self.receive({"external_id": "X4"}, topic="stock.export")
                self.process(event)
            self.assertEqual(event.state, "failed")
            self.assertEqual(event.error_category, "remote")
            self.assertEqual(len(server.requests), 1)

    def test_unknown_topic_fails_with_clear_cause(self):
        # refused when received (see test_topics); an event stored before its
        # topic left the table fails when processed
        with self.topic_handled_by("no.such.topic", lambda event, data: None, direction="in"):
            event, _created = self.receive({"external_id": "X5"}, topic="no.such.topic")
        self.process(event)
        self.assertEqual(event.state, "failed")
        self.assertIn("No handler for topic no.such.topic", event.error_message)

    def test_job_on_finished_event_does_nothing(self):
        event, _created = self.receive(canonical_order("2008"))
        self.process(event)
        result = event._job_process()
        self.assertIn("Nothing to do", result)
        self.assertEqual(self.env["sale.order"].search_count([("client_order_ref", "=", "#2008")]), 1)


@tagged("post_install", "-at_install")
class TestExceptionQueueActions(IntegrationCase):
    def _failed_event(self, external_id, sku="NO-SUCH-SKU"):
        order = canonical_order(external_id)
        order["lines"][0]["sku"] = sku
        event, _created = self.receive(order)
        self.process(event)
        self.assertEqual(event.state, "failed")
        return event

    def test_fix_and_replay_succeeds_once(self):
        event = self._failed_event("3001")
        data = json.loads(event.payload_canonical)
        data["lines"][0]["sku"] = "INT-WIDGET"
        event.payload_canonical = json.dumps(data)
        event.action_replay()
        self.run_jobs()
        event.invalidate_recordset()
        self.assertEqual(event.state, "done")
        with self.assertRaises(UserError):
            event.action_replay()  # a done event cannot be replayed again
        self.run_jobs()
        self.assertEqual(self.env["sale.order"].search_count([("client_order_ref", "=", "#3001")]), 1)
        self.assertTrue(any("replayed by" in body for body in event.message_ids.mapped("body")))

    def test_retry_after_fixing_the_data_in_odoo(self):
        event = self._failed_event("3002", sku="LATE-SKU")
        self.env["product.product"].create({"name": "Late", "default_code": "LATE-SKU", "type": "product"})
        event.action_retry()
        self.run_jobs()
        event.invalidate_recordset()
        self.assertEqual(event.state, "done")
        self.assertTrue(any("Retried by" in body for body in event.message_ids.mapped("body")))

    def test_bulk_retry_and_ignore_with_reason(self):
        events = self._failed_event("3003") | self._failed_event("3004")
        wizard_action = events.action_ignore()
        wizard = (
            self.env[wizard_action["res_model"]]
            .with_context(**wizard_action["context"])
            .create({"reason": "Test orders from the shop's staff"})
        )
        wizard.action_confirm()
        self.assertEqual(set(events.mapped("state")), {"ignored"})
        self.assertEqual(set(events.mapped("ignore_reason")), {"Test orders from the shop's staff"})
        for event in events:
            self.assertTrue(any("Test orders from the shop" in b for b in event.message_ids.mapped("body")))

    def test_open_related_record(self):
        event, _created = self.receive(canonical_order("3005"))
        self.process(event)
        action = event.action_open_record()
        self.assertEqual(action["res_model"], "sale.order")
        self.assertEqual(action["res_id"], event.res_id)

    def test_orphan_events_are_requeued(self):
        event, _created = self.receive(canonical_order("3006"))
        event.write({"state": "queued"})
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE integration_event SET write_date = %s WHERE id = %s",
            [fields.Datetime.now() - timedelta(hours=1), event.id],
        )
        event.invalidate_recordset()
        count = self.env["integration.event"]._cron_requeue_orphans()
        self.assertGreaterEqual(count, 1)
        event.invalidate_recordset()
        self.assertEqual(event.job_id.state, "pending")
        self.assertEqual(event.state, "queued")
        # its job is alive now: it is not enqueued a second time
        job = event.job_id
        event._cron_requeue_orphans()
        self.assertEqual(event.job_id, job)
