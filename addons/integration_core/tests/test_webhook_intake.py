"""The lean pipeline: a new event's job in one INSERT, no lookups; an
import looks each country and state up once."""

from contextlib import contextmanager
from unittest.mock import patch

from odoo.tests import tagged

from ..lib.exceptions import MappingError
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
