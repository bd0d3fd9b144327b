"""The topic table in the core: dispatch, direction, refusals, flows and
capability flags read it (capabilities 1 and 6 of issue 9)."""

import hashlib
import hmac
import json

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.queue_job.tests.common import trap_jobs

from ..lib.topics import UnknownTopic
from .common import IntegrationCase, canonical_order


@tagged("post_install", "-at_install")
class TestTopicTable(IntegrationCase):
    def test_generic_backend_table(self):
        self.assertEqual(
            self.backend._handled_topics(), ["order.import", "shipment.import", "payload.export"]
        )
        table = self.backend._topics()
        self.assertEqual(table.get("order.import").model, "integration.order.importer")
        self.assertEqual(table.get("order.import").kind, "order")
        self.assertEqual(table.get("payload.export").direction, "out")

    def test_dispatch_calls_the_rows_apply_on_its_model(self):
        """order.import is applied by integration.order.importer (from the
        table, no dict of handlers): the order is created."""
        event, _created = self.receive(canonical_order("7001"))
        self.process(event)
        self.assertEqual(event.state, "done", event.error_message)
        self.assertEqual(event.res_model, "sale.order")
        self.assertEqual(self.orders_for("7001"), event._record())

    def test_dispatch_validates_the_mappers_output_against_the_kind(self):
        seen = []

        def apply(event, data):
            seen.append(data)

        def bad_mapper(raw):
            return {"schema_version": 1, "external_id": raw["external_id"]}  # not an order

        with self.topic_handled_by("order.mapped", apply, direction="in", kind="order", mapper=bad_mapper):
            event, _created = self.receive({"external_id": "M1"}, topic="order.mapped")
            self.process(event)
        self.assertEqual(event.state, "failed")
        self.assertEqual(event.error_category, "validation")
        self.assertFalse(seen)
        # the mapped payload is kept for a user to fix
        self.assertEqual(json.loads(event.sudo().payload_canonical)["external_id"], "M1")

    def test_dispatch_without_a_kind_hands_over_the_raw_payload(self):
        seen = []
        with self.topic_handled_by("thing.moved", lambda event, data: seen.append(data), direction="in"):
            event, _created = self.receive({"external_id": "R1", "x": [1]}, topic="thing.moved")
            self.process(event)
        self.assertEqual(event.state, "done", event.error_message)
        self.assertEqual(seen, [{"external_id": "R1", "x": [1]}])
        self.assertFalse(event.sudo().payload_canonical)

    def test_direction_comes_from_the_table(self):
        inbound, _c = self.receive(canonical_order("7002"))
        outbound, _c = self.receive({"external_id": "P1"}, topic="payload.export")
        self.assertEqual(inbound.direction, "in")
        self.assertEqual(outbound.direction, "out")
        with self.assertRaisesRegex(UnknownTopic, "payload.export is out"):
            self.env["integration.event"]._receive(
                self.backend, topic="payload.export", payload={}, idempotency_key="k-dir", direction="in"
            )

    def test_unknown_topic_is_refused_when_received(self):
        Event = self.env["integration.event"]
        with self.assertRaisesRegex(UnknownTopic, "No handler for topic orders/create on a generic backend"):
            Event._receive(self.backend, topic="orders/create", payload={}, idempotency_key="k-unknown")
        self.assertFalse(Event.search([("idempotency_key", "=", "k-unknown")]))
        # the core path refuses too, and enqueues nothing
        with trap_jobs() as trap, self.assertRaises(UnknownTopic):
            self.backend._enqueue_topic("no.such.topic", {})
        trap.assert_jobs_count(0)

    def _webhook(self, topic, body, key):
        self.backend._set_secret("webhook_secret", "s3cret")
        raw = json.dumps(body).encode()
        headers = {
            "X-Integration-Topic": topic,
            "X-Integration-Idempotency-Key": key,
            "X-Integration-Signature": hmac.new(b"s3cret", raw, hashlib.sha256).hexdigest(),
        }
        return self.backend._webhook_receive(headers, raw)

    def _events(self):
        return self.env["integration.event"].search([("backend_id", "=", self.backend.id)])

    def test_webhook_of_an_unknown_topic_is_refused_and_kept(self):
        before = self._events()
        status, message = self._webhook("no.such.topic", canonical_order("7003"), "w-1")
        self.assertEqual(status, 400)
        self.assertIn("no.such.topic", message)
        failed = self._events() - before
        self.assertEqual(len(failed), 1)
        self.assertEqual(
            (failed.state, failed.topic, failed.direction), ("failed", "webhook.malformed", "in")
        )
        self.assertEqual(failed.error_category, "validation")

    def test_webhook_cannot_deliver_an_outbound_topic(self):
        before = self._events()
        status, _message = self._webhook("payload.export", {"external_id": "P2"}, "w-2")
        self.assertEqual(status, 400)
        failed = self._events() - before
        self.assertEqual((failed.state, failed.topic), ("failed", "webhook.malformed"))
        self.assertFalse(failed.job_id)

    def test_webhook_of_a_known_topic_takes_its_direction(self):
        status, _message = self._webhook("shipment.import", {"external_id": "S9"}, "w-3")
        self.assertEqual(status, 200)
        event = self._events().filtered(lambda e: e.idempotency_key == "w-3")
        self.assertEqual((event.topic, event.direction, event.state), ("shipment.import", "in", "queued"))

    def test_flow_topics_must_be_topics_of_the_backend(self):
        Flow = self.env["integration.flow"]
        values = {"backend_id": self.backend.id, "name": "Orders", "code": "orders"}
        flow = Flow.create(dict(values, topics="order.import, shipment.import"))
        with self.assertRaisesRegex(ValidationError, "orders/create is not a topic of its generic backend"):
            flow.topics = "order.import,orders/create"
        with self.assertRaisesRegex(ValidationError, "nope.nope"):
            Flow.create(dict(values, code="other", topics="nope.nope"))

    def test_scheduler_enqueues_the_flows_scheduled_topics_through_the_core_path(self):
        seen = []
        # only this test's flow is due (the demo stores have batch flows too)
        self.env["integration.flow"].search([("policy", "=", "batch")]).policy = "off"
        with self.topic_handled_by(
            "order.pulled", lambda event, data: seen.append(data), direction="in", feed="schedule"
        ):
            flow = self.env["integration.flow"].create(
                {
                    "backend_id": self.backend.id,
                    "name": "Pull",
                    "code": "pull",
                    "topics": "order.pulled,order.import",
                    "policy": "batch",
                }
            )
            with trap_jobs() as trap:
                self.env["integration.flow"]._cron_run_due_flows()
                trap.assert_jobs_count(1)
                trap.perform_enqueued_jobs()
        event = self.env["integration.event"].search(
            [("backend_id", "=", self.backend.id), ("topic", "=", "order.pulled")]
        )
        self.assertEqual(len(event), 1)  # order.import is fed by webhooks: not enqueued
        self.assertEqual((event.direction, event.state), ("in", "done"))
        self.assertEqual(seen, [{}])
        self.assertTrue(flow.last_run_at)

    def test_capability_flags_of_the_generic_backend(self):
        backend = self.backend
        self.assertTrue(backend.can_receive_webhooks)
        self.assertTrue(backend.uses_api_url)
        for flag in (
            "can_pull_orders",
            "can_import_products",
            "can_export_stock",
            "can_test_connection",
            "can_register_webhooks",
            "can_import_locations",
        ):
            self.assertFalse(backend[flag], flag)
        self.assertEqual(backend._job_channel(), "root.integration")
        with self.assertRaisesRegex(UserError, "no connection test"):
            backend._test_connection()
        for action in ("action_sync_orders", "action_import_products", "action_export_stock"):
            with self.assertRaises(UserError, msg=action):
                getattr(backend, action)()
        with self.assertRaises(UserError):
            backend.action_register_webhooks()

    @mute_logger("odoo.addons.integration_core.models.integration_event")
    def test_a_stored_event_whose_topic_left_the_table_fails_clearly(self):
        with self.topic_handled_by("gone.soon", lambda event, data: None, direction="in"):
            event, _created = self.receive({"external_id": "G1"}, topic="gone.soon")
        self.process(event)
        self.assertEqual(event.state, "failed")
        self.assertEqual(event.error_category, "validation")
        self.assertIn("No handler for topic gone.soon", event.error_message)
