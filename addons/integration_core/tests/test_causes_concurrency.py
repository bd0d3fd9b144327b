"""Two users fixing the same cause at the same moment replay it once.

Real, independent connections (two HTTP workers), committed, then removed.
"""
# pylint: disable=invalid-commit
# (commits on the tests' own connections, never on the test transaction)

import uuid
from contextlib import closing

import psycopg2.errors

from odoo import SUPERUSER_ID, api
from odoo.sql_db import db_connect
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from ..lib.exceptions import MappingError


@tagged("post_install", "-at_install")
class TestConcurrentFix(TransactionCase):
    def setUp(self):
        super().setUp()
        self.dbname = self.env.cr.dbname
        self.tag = uuid.uuid4().hex[:8]
        with self._cursor() as cr:
            env = self._env(cr)
            backend = env["integration.backend"].create({"name": f"Concurrent fix {self.tag}"})
            self.backend_id = backend.id
            for number in range(3):
                event, _created = env["integration.event"]._receive(
                    backend, "order.import", {"n": number}, idempotency_key=f"{self.tag}-{number}"
                )
                event._mark_failed(
                    MappingError(
                        template="Cause %(tag)s #%(n)s", params={"tag": "x", "n": number}, code=self.tag
                    )
                )
            self.fingerprint = event.error_fingerprint
            self.company_id = backend.company_id.id
            cr.commit()
        self.addCleanup(self._cleanup)

    def _cursor(self):
        return closing(db_connect(self.dbname).cursor())

    def _env(self, cr):
        return api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})

    def _cleanup(self):
        with self._cursor() as cr:
            env = self._env(cr)
            backend = env["integration.backend"].browse(self.backend_id)
            jobs = self._jobs(env)
            backend.unlink()  # cascades to its events
            jobs.unlink()
            cr.commit()

    def _jobs(self, env):
        """The jobs of this test's events (a duplicate included)."""
        events = env["integration.event"].search([("backend_id", "=", self.backend_id)])
        return (
            env["queue.job"]
            .search([("model_name", "=", "integration.event")])
            .filtered(lambda job: set(job.record_ids) & set(events.ids))
        )

    def _wizard(self, env):
        return env["integration.cause.fix"].create(
            {"fingerprint": self.fingerprint, "company_id": self.company_id, "fix_kind": "manual"}
        )

    def test_two_fixes_at_once_enqueue_each_event_once(self):
        with self._cursor() as cr_a, self._cursor() as cr_b:
            env_a, env_b = self._env(cr_a), self._env(cr_b)
            wizard_b = self._wizard(env_b)
            self.assertEqual(len(wizard_b._events()), 3)  # B's snapshot: 3 failed events

            self._wizard(env_a).action_apply()
            cr_a.commit()

            # B acts on events A changed since B's snapshot: refused by the
            # database, the request is retried by Odoo (as here) ...
            with self.assertRaises(psycopg2.errors.SerializationFailure), mute_logger("odoo.sql_db"):
                wizard_b.action_apply()
                env_b.flush_all()
            cr_b.rollback()
            env_b.invalidate_all()
            # ... and then finds nothing left to replay
            again = self._wizard(env_b).action_apply()
            self.assertEqual(again["tag"], "display_notification")
            cr_b.commit()

            events = env_b["integration.event"].search([("backend_id", "=", self.backend_id)])
            self.assertEqual(set(events.mapped("state")), {"queued"})
            per_event = {event.id: 0 for event in events}
            for job in self._jobs(env_b):
                for record_id in job.record_ids:
                    per_event[record_id] += 1
            self.assertEqual(set(per_event.values()), {1})
