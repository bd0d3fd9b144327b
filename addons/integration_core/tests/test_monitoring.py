from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from ..lib.exceptions import CircuitOpen, RemoteServerError
from ..lib.http_client import IntegrationHttpClient
from .common import IntegrationCase, LocalHTTPServer, canonical_order


@tagged("post_install", "-at_install")
class TestMonitoring(IntegrationCase):
    def _event(self, key, state, age_hours=0, topic="order.import"):
        event, _created = self.receive({"external_id": key}, key=key, topic=topic)
        when = fields.Datetime.now() - timedelta(hours=age_hours)
        event.write({"state": state})
        self.env.cr.execute(
            "UPDATE integration_event SET create_date = %s, received_at = %s, done_at = %s WHERE id = %s",
            [when, when, when if state == "done" else None, event.id],
        )
        return event

    def test_health_figures(self):
        for i in range(6):
            self._event(f"d{i}", "done")
        self._event("f1", "failed")
        self._event("f2", "dead")
        self._event("p1", "queued", age_hours=2)
        self.env.invalidate_all()
        backend = self.backend
        self.assertEqual(backend.event_count_24h, 9)
        self.assertEqual(backend.failed_count, 2)
        self.assertEqual(backend.backlog_count, 1)
        self.assertAlmostEqual(backend.failure_rate_24h, 100 * 2 / 9, places=2)
        self.assertGreaterEqual(backend.oldest_pending_minutes, 119)
        self.assertTrue(backend.last_success_at)
        self.assertEqual(backend.health, "critical")  # 22 % > 10 %

    def test_alert_activity_for_owner_once(self):
        self.backend.write({"user_id": self.env.ref("base.user_admin").id, "alert_failure_rate": 10.0})
        self._event("a1", "failed")
        self._event("a2", "done")
        self.env.invalidate_all()
        Backend = self.env["integration.backend"]
        Backend._cron_check_alerts()
        Backend._cron_check_alerts()
        activities = self.backend.activity_ids
        self.assertEqual(len(activities), 1)
        self.assertEqual(activities.user_id, self.env.ref("base.user_admin"))
        self.assertIn("Failure rate", activities.note)

    def test_sla_and_backlog_alerts(self):
        self.backend.write({"alert_failure_rate": 0, "sla_minutes": 30, "alert_backlog": 2})
        self._event("s1", "queued", age_hours=1)
        self._event("s2", "received")
        self.env.invalidate_all()
        problems = self.backend._alert_problems()
        self.assertEqual(len(problems), 2, problems)

    def test_retention_deletes_old_done_events_in_batches(self):
        self.backend.retention_days = 30
        old_done = self._event("r1", "done", age_hours=24 * 40) | self._event(
            "r2", "ignored", age_hours=24 * 40
        )
        old_failed = self._event("r3", "failed", age_hours=24 * 40)
        recent = self._event("r4", "done", age_hours=1)
        self.env["integration.backend"]._cron_purge_events(batch_size=1)
        self.assertFalse(old_done.exists())
        self.assertTrue(old_failed.exists())
        self.assertTrue(recent.exists())

    def test_retention_strips_payloads(self):
        self.backend.write({"retention_days": 30, "retention_mode": "strip"})
        old = self._event("r5", "done", age_hours=24 * 40)
        self.env["integration.backend"]._cron_purge_events()
        self.assertTrue(old.exists())
        self.assertTrue(old.payload_stripped)
        self.assertFalse(old.sudo().payload_raw)

    def test_circuit_breaker_state_lives_on_the_backend(self):
        self.backend.write({"circuit_threshold": 2, "circuit_cool_down": 60})
        with LocalHTTPServer([(503, {}, {}, 0)] * 3) as server:
            for _i in range(2):
                breaker = self.backend._circuit_breaker()
                client = IntegrationHttpClient(server.url, circuit_breaker=breaker, timeout=(1, 2))
                with self.assertRaises(RemoteServerError):
                    client.request("GET", "/")
                self.backend._save_circuit(breaker)
            self.assertEqual(self.backend.circuit_state, "open")
            self.assertEqual(self.backend.health, "critical")
            client = IntegrationHttpClient(server.url, circuit_breaker=self.backend._circuit_breaker())
            with self.assertRaises(CircuitOpen):
                client.request("GET", "/")
            self.assertEqual(len(server.requests), 2)  # the open circuit sent nothing
        self.backend.action_reset_circuit()
        self.assertEqual(self.backend.circuit_state, "closed")

    def test_batch_flow_scheduling(self):
        flow = self.env["integration.flow"].create(
            {
                "backend_id": self.backend.id,
                "name": "Catch-up",
                "code": "catch_up",
                "policy": "batch",
                "trigger": "schedule",
                "interval_number": 15,
                "interval_type": "minutes",
            }
        )
        now = fields.Datetime.now()
        self.assertTrue(flow._is_due(now))
        flow.last_run_at = now - timedelta(minutes=5)
        self.assertFalse(flow._is_due(now))
        self.env["integration.flow"]._cron_run_due_flows()
        flow.last_run_at = now - timedelta(minutes=20)
        self.env["integration.flow"]._cron_run_due_flows()
        self.assertGreater(flow.last_run_at, now - timedelta(minutes=1))
        self.assertTrue(self.env["integration.flow"]._is_active(self.backend, "catch_up"))
        flow.policy = "off"
        self.assertFalse(self.env["integration.flow"]._is_active(self.backend, "catch_up"))

    def test_dashboard_actions(self):
        event, _created = self.receive(canonical_order("9901"))
        action = self.backend.action_open_exceptions()
        self.assertEqual(action["res_model"], "integration.event")
        self.assertIn(("backend_id", "=", self.backend.id), action["domain"])
        self.assertEqual(self.backend.action_open_events()["context"]["default_backend_id"], self.backend.id)


@tagged("post_install", "-at_install")
class TestQueueRunnerHealth(IntegrationCase):
    def test_stalled_runner_is_shown_and_alerted(self):
        event, _created = self.receive(canonical_order("9950"))
        event._enqueue()
        self.env.invalidate_all()
        self.assertTrue(self.backend.queue_runner_ok)
        self.assertLess(self.backend.oldest_pending_job_minutes, 10)
        # the job has been waiting 25 minutes: nobody runs jobs
        self.env.cr.execute(
            "UPDATE queue_job SET date_created = date_created - interval '25 minutes', eta = NULL WHERE id = %s",
            [event.job_id.id],
        )
        self.env.invalidate_all()
        self.assertFalse(self.backend.queue_runner_ok)
        self.assertGreaterEqual(self.backend.oldest_pending_job_minutes, 24)  # now() is the transaction start
        self.assertTrue(any("job runner" in p for p in self.backend._alert_problems()))
        self.env["ir.config_parameter"].sudo().set_param("integration_core.runner_alert_minutes", "60")
        self.env.invalidate_all()
        self.assertTrue(self.backend.queue_runner_ok)
