"""Two workers handling the same work at the same time produce one result.

These tests use real, independent database connections (as two queue_job
workers would), so their data is committed and removed afterwards.
"""
# pylint: disable=invalid-commit
# (commits on the tests' own connections, never on the test transaction)

import threading
import uuid
from contextlib import closing
from datetime import datetime
from unittest.mock import patch

from cryptography.fernet import Fernet

from odoo import SUPERUSER_ID, api
from odoo.sql_db import db_connect
from odoo.tests import TransactionCase, tagged
from odoo.tools import config, mute_logger

from odoo.addons.queue_job.exception import RetryableJobError

from .common import canonical_order


@tagged("post_install", "-at_install")
class TestConcurrentWorkers(TransactionCase):
    def setUp(self):
        super().setUp()
        self.dbname = self.env.cr.dbname
        self.tag = uuid.uuid4().hex[:8]
        self.started = datetime.utcnow().replace(microsecond=0)
        with self._cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            self.backend_id = (
                env["integration.backend"]
                .create(
                    {
                        "name": f"Concurrency {self.tag}",
                        "order_confirm_policy": "never",
                        "check_totals": False,
                    }
                )
                .id
            )
            env["product.product"].create(
                [
                    {"name": "Widget", "default_code": f"W-{self.tag}", "type": "consu"},
                    {"name": "Gadget", "default_code": f"G-{self.tag}", "type": "consu"},
                ]
            )
            cr.commit()
        self.addCleanup(self._cleanup)

    def _cursor(self):
        return closing(db_connect(self.dbname).cursor())

    def _cleanup(self):
        with self._cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            backend = env["integration.backend"].browse(self.backend_id)
            bindings = env["integration.binding"].search([("backend_id", "=", backend.id)])
            orders = env["sale.order"].search([("client_order_ref", "=like", f"#{self.tag}%")])
            partners = env["res.partner"].search([("email", "like", f"%{self.tag}%")])
            products = env["product.product"].search(
                [("default_code", "in", [f"W-{self.tag}", f"G-{self.tag}"])]
            )
            env["queue.job"].search(
                [("model_name", "=", "integration.event"), ("date_created", ">=", self.started)]
            ).unlink()
            orders.unlink()
            bindings.unlink()
            backend.unlink()  # cascades to its events
            partners.unlink()
            products.product_tmpl_id.unlink()
            cr.commit()

    def _order(self, updated_at="2024-05-01T10:00:00+00:00"):
        order = canonical_order(self.tag, updated_at=updated_at, totals={})
        order["lines"][0]["sku"] = f"W-{self.tag}"
        order["lines"][1]["sku"] = f"G-{self.tag}"
        for line in order["lines"]:
            line["taxes"] = []
        order["customer"]["email"] = f"ada-{self.tag}@example.com"
        return order

    def _create_events(self, payloads):
        ids = []
        with self._cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            backend = env["integration.backend"].browse(self.backend_id)
            for index, payload in enumerate(payloads):
                event, _created = env["integration.event"]._receive(
                    backend,
                    topic="order.import",
                    payload=payload,
                    idempotency_key=f"{self.tag}-{index}",
                    external_id=payload["external_id"],
                )
                event.state = "queued"
                ids.append(event.id)
            cr.commit()
        return ids

    def _run_workers(self, event_ids):
        """Run ``_job_process`` for each id in its own thread and connection,
        released together by a barrier. Returns each worker's outcome."""
        barrier = threading.Barrier(len(event_ids))
        outcomes = [None] * len(event_ids)
        key = Fernet.generate_key().decode()

        def worker(index, event_id):
            threading.current_thread().dbname = self.dbname
            with self._cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                event = env["integration.event"].browse(event_id)
                cr.execute("SELECT 1")  # open the transaction (its snapshot) like a job would
                barrier.wait(timeout=10)
                try:
                    outcomes[index] = event._job_process()
                    cr.commit()
                except RetryableJobError as exc:
                    cr.rollback()
                    outcomes[index] = f"retry: {exc}"
                except Exception as exc:  # pragma: no cover - reported by the assertion
                    cr.rollback()
                    outcomes[index] = f"error: {exc!r}"

        # the loser's lock and unique violations are expected: keep them out
        # of the log (mute_logger is not thread-safe: mute once, here)
        with patch.dict(config.options, {"integration_encryption_key": key}), mute_logger("odoo.sql_db"):
            threads = [threading.Thread(target=worker, args=(i, eid)) for i, eid in enumerate(event_ids)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
        return outcomes

    def _count_orders(self):
        with self._cursor() as cr:
            cr.execute("SELECT count(*) FROM sale_order WHERE client_order_ref = %s", [f"#{self.tag}"])
            return cr.fetchone()[0]

    def _states(self, event_ids):
        with self._cursor() as cr:
            cr.execute(
                "SELECT id, state FROM integration_event WHERE id IN %s ORDER BY id", [tuple(event_ids)]
            )
            return dict(cr.fetchall())

    def test_same_event_two_workers(self):
        (event_id,) = self._create_events([self._order()])
        outcomes = self._run_workers([event_id, event_id])
        self.assertIn("Done", outcomes, outcomes)
        self.assertEqual(self._count_orders(), 1)
        self.assertEqual(self._states([event_id])[event_id], "done")
        other = [o for o in outcomes if o != "Done"][0]
        self.assertTrue(other.startswith("retry") or other.startswith("Nothing to do"), outcomes)

    def test_two_events_of_one_order_two_workers(self):
        """orders/create and orders/updated of one order delivered at once:
        one sales order, both events end up processed."""
        event_ids = self._create_events([self._order(), self._order(updated_at="2024-05-01T11:00:00+00:00")])
        outcomes = self._run_workers(event_ids)
        self.assertFalse([o for o in outcomes if o.startswith("error")], outcomes)
        self.assertEqual(self._count_orders(), 1)
        # whichever lost the race is queued again; run it now, alone
        states = self._states(event_ids)
        again = [eid for eid, state in states.items() if state == "queued"]
        if again:
            self._run_workers(again)
        states = self._states(event_ids)
        self.assertTrue(set(states.values()) <= {"done", "ignored"}, states)
        self.assertEqual(self._count_orders(), 1)

    def test_two_orders_of_one_new_customer_two_workers_create_one_partner(self):
        """Two orders of one new customer (a guest checkout and a new
        account: two customer ids, one email) imported at the same time:
        one partner."""
        email = f"ada-{self.tag}@example.com"
        orders = []
        for suffix in ("1", "2"):
            order = self._order()
            order.update(external_id=f"{self.tag}-{suffix}", name=f"#{self.tag}-{suffix}")
            order["customer"] = dict(order["customer"], external_id=f"C-{self.tag}-{suffix}", email=email)
            order["tags"] = []  # nothing else to create at once (a new tag would serialise the workers)
            for line in order["lines"]:
                line["external_id"] = f"{self.tag}-{suffix}-{line['external_id']}"
            orders.append(order)
        event_ids = self._create_events(orders)
        outcomes = self._run_workers(event_ids)
        self.assertFalse([o for o in outcomes if o.startswith("error")], outcomes)
        # the worker that waited for the customer runs again, with a fresh snapshot
        again = [eid for eid, state in self._states(event_ids).items() if state == "queued"]
        if again:
            self._run_workers(again)
        self.assertEqual(set(self._states(event_ids).values()), {"done"})
        with self._cursor() as cr:
            cr.execute("SELECT count(*) FROM res_partner WHERE email = %s AND parent_id IS NULL", [email])
            self.assertEqual(cr.fetchone()[0], 1)
            cr.execute(
                "SELECT count(DISTINCT partner_id) FROM sale_order WHERE client_order_ref LIKE %s",
                [f"#{self.tag}-%"],
            )
            self.assertEqual(cr.fetchone()[0], 1)
