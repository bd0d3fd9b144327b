"""How jobs run: as whom, what a killed worker leaves, and the retry
policy around database trouble (hardening, items 5, 11 and 17)."""

from datetime import timedelta
from unittest.mock import patch

import psycopg2

from odoo import fields
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.queue_job.exception import RetryableJobError

from ..lib.exceptions import LockContention
from ..models.integration_event import FREE_CONTENTION_RETRIES, MAX_WORKER_DEATHS
from .common import IntegrationCase, canonical_order

EVENT_LOGGER = "odoo.addons.integration_core.models.integration_event"
IMPORTER = "odoo.addons.integration_core.models.integration_order_importer.IntegrationOrderImporter"


@tagged("post_install", "-at_install")
class TestJobIdentity(IntegrationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Users = cls.env["res.users"].with_context(no_reset_password=True)
        cls.owner = Users.create(
            {
                "name": "Integration owner",
                "login": "int_owner",
                "groups_id": [
                    (
                        6,
                        0,
                        [
                            cls.env.ref("integration_core.group_integration_manager").id,
                            cls.env.ref("sales_team.group_sale_manager").id,
                        ],
                    )
                ],
            }
        )
        cls.ops = Users.create(
            {
                "name": "Ops user",
                "login": "ops_retry",
                "groups_id": [(6, 0, [cls.env.ref("integration_core.group_integration_user").id])],
            }
        )
        cls.backend.user_id = cls.owner

    def test_webhook_job_runs_as_the_backend_owner_not_the_public_user(self):
        public = self.env.ref("base.public_user")
        Event = self.env["integration.event"].with_user(public).sudo()
        event, _c = Event._receive(self.backend, "order.import", canonical_order("8101"), "k-8101")
        event._enqueue()
        self.assertEqual(event.job_id.user_id, self.owner)
        self.run_job(event.job_id)
        sale = self.orders_for("8101")
        self.assertEqual(sale.create_uid, self.owner, "the order says who acted")

    @mute_logger(EVENT_LOGGER)
    def test_retry_by_a_non_manager_runs_as_the_owner_and_records_error_details(self):
        order = canonical_order("8102")
        event, _c = self.receive(order)
        with patch(f"{IMPORTER}._import_from_event", side_effect=RuntimeError("boom")):
            self.process(event)
            self.assertEqual(event.state, "failed")
            event.with_user(self.ops).action_retry()
            self.assertEqual(event.job_id.user_id, self.owner)
            self.run_job(event.job_id)
        event.invalidate_recordset()
        self.assertEqual(event.state, "failed", "not stuck in 'queued'")
        self.assertIn("RuntimeError: boom", event.error_details)
        retried = event.message_ids.filtered(lambda m: "Retried by Ops user" in (m.body or ""))
        self.assertTrue(retried, "the chatter says who retried")

    def test_owner_without_integration_rights_falls_back_to_odoobot(self):
        self.backend.user_id = self.env.ref("base.public_user")
        self.assertEqual(self.backend._job_user(), self.env.ref("base.user_root"))
        self.backend.user_id = False
        self.assertEqual(self.backend._job_user(), self.env.ref("base.user_root"))


@tagged("post_install", "-at_install")
class TestWorkerDeaths(IntegrationCase):
    def test_poison_event_dies_after_its_worker_is_killed_repeatedly(self):
        """A worker killed halfway (limit_time_real) rolled back the attempt
        counter, so the orphan cron re-enqueued the event forever with
        attempts still 0. Runs are now logged before the work starts."""
        event, _c = self.receive(canonical_order("8201"))
        for _run in range(MAX_WORKER_DEATHS):
            # what a killed worker leaves: a logged start, no outcome
            event._begin_run()
        self.process(event)
        self.assertEqual(event.state, "dead")
        self.assertIn("Worker died", event.error_message)
        self.assertEqual(len(event.run_ids), MAX_WORKER_DEATHS + 1)
        self.assertFalse(self.orders_for("8201"), "the poison is not applied")
        # the orphan cron leaves it alone now
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE integration_event SET write_date = now() - interval '1 day' WHERE id = %s", [event.id]
        )
        self.env["integration.event"]._cron_requeue_orphans()
        event.invalidate_recordset()
        self.assertEqual(event.state, "dead")

    def test_one_killed_run_is_survived(self):
        event, _c = self.receive(canonical_order("8202"))
        event._begin_run()
        self.process(event)
        self.assertEqual(event.state, "done")
        self.assertEqual(len(event.run_ids), 2)
        self.assertEqual(event.runs_finished, 1, "one run finished, one died")

    def test_a_users_retry_forgives_earlier_deaths(self):
        event, _c = self.receive(canonical_order("8203"))
        for _run in range(MAX_WORKER_DEATHS):
            event._begin_run()
        self.process(event)
        self.assertEqual(event.state, "dead")
        event.action_retry()
        self.run_job(event.job_id)
        event.invalidate_recordset()
        self.assertEqual(event.state, "done", event.error_message)

    def test_orphan_cron_does_not_revive_a_job_cancelled_on_purpose(self):
        event, _c = self.receive(canonical_order("8204"))
        event._enqueue()
        event.job_id.button_cancelled()
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE integration_event SET write_date = now() - interval '1 day' WHERE id = %s", [event.id]
        )
        job = event.job_id
        self.env["integration.event"]._cron_requeue_orphans()
        event.invalidate_recordset()
        self.assertEqual(event.state, "ignored")
        self.assertIn("cancelled", event.ignore_reason)
        self.assertEqual(event.job_id, job, "no new job")


@tagged("post_install", "-at_install")
class TestDatabaseTrouble(IntegrationCase):
    @mute_logger("odoo.sql_db")
    def test_statement_timeout_is_retryable(self):
        def slow(importer, event, order):
            importer.env.cr.execute("SET LOCAL statement_timeout = '20ms'")
            importer.env.cr.execute("SELECT pg_sleep(1)")

        event, _c = self.receive(canonical_order("8301"))
        with patch(f"{IMPORTER}._import_from_event", autospec=True, side_effect=slow):
            self.process(event)
        self.assertEqual(event.state, "queued", event.error_message)
        self.assertIn("statement timed out", event.error_message)
        self.assertEqual(event.attempts, 1)
        self.assertTrue(event.next_retry_at)

    def test_lost_connection_is_retryable(self):
        event, _c = self.receive(canonical_order("8302"))
        lost = psycopg2.OperationalError("server closed the connection unexpectedly")
        with patch(f"{IMPORTER}._import_from_event", side_effect=lost):
            event._enqueue()
            with self.assertRaises(RetryableJobError):
                event._job_process()

    def test_contention_retries_are_bounded(self):
        event, _c = self.receive(canonical_order("8303"))
        for _i in range(FREE_CONTENTION_RETRIES):
            event.attempts += 1  # what _process does before the handler
            event._schedule_retry(LockContention("busy", retry_after=0), count_attempt=False)
        self.assertEqual(event.attempts, 0, "free so far")
        for _i in range(event.max_attempts):
            event.attempts += 1
            event._schedule_retry(LockContention("busy", retry_after=0), count_attempt=False)
        self.assertEqual(event.state, "dead", "a livelock ends")

    @mute_logger(EVENT_LOGGER)
    def test_tracebacks_and_job_results_are_masked(self):
        self.backend._set_secret("webhook_secret", "sup3r-s3cret-value")
        event, _c = self.receive(canonical_order("8304"))
        with patch(
            f"{IMPORTER}._import_from_event", side_effect=RuntimeError("auth sup3r-s3cret-value refused")
        ):
            event._enqueue()
            result = self.run_job(event.job_id)
        event.invalidate_recordset()
        self.assertEqual(event.state, "failed")
        for text in (event.error_message, event.error_details, result, event.job_id.result or ""):
            self.assertNotIn("sup3r-s3cret-value", text)
        self.assertIn("***", event.error_details)


@tagged("post_install", "-at_install")
class TestRunLog(IntegrationCase):
    def test_every_run_is_logged_with_its_worker(self):
        event, _c = self.receive(canonical_order("8401"))
        self.process(event)
        self.assertEqual(len(event.run_ids), 1)
        self.assertIn(":", event.run_ids.worker)
        self.assertLessEqual(event.run_ids.started_at, fields.Datetime.now() + timedelta(seconds=1))
