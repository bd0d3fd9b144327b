"""The trace view (integration.trace): one transaction across backends, in
time order, with states and links; and who may see traces, payloads and
payload files (portal users, other companies) when they call the models
directly, as an RPC call does."""

from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import IntegrationCase

TRACE = "trace-0001"


def make_chain(env, backends, trace, partner, start=None):
    """order.created (shop) -> release.sent (3PL) -> shipment.confirmed (3PL)
    -> fulfillment.export (shop), each the child of the one before."""
    Event = env["integration.event"]
    start = start or fields.Datetime.now() - timedelta(hours=1)
    steps = [
        (backends[0], "order.created", "in", "done"),
        (backends[1], "release.sent", "out", "done"),
        (backends[1], "shipment.confirmed", "in", "failed"),
        (backends[0], "fulfillment.export", "out", "queued"),
    ]
    events = Event
    parent = Event
    for index, (backend, topic, direction, state) in enumerate(steps):
        event, _created = Event._receive(
            backend,
            topic,
            {"external_id": f"{trace}-{index}", "customer": {"email": "jane@example.com"}},
            f"{trace}-{index}",
            external_id=f"{trace}-{index}",
            direction=direction,
            trace_id=trace,
            res_record=partner if index == 0 else None,
        )
        event.sudo().write(
            {
                "state": state,
                "parent_id": parent.id or False,
                # minutes apart, listed in an order that is not the id order
                "received_at": start + timedelta(minutes=10 * index),
            }
        )
        events |= event
        parent = event
    return events


# what the other channels of the chain will handle (3PL, payouts), here on
# generic backends
CHAIN_TOPICS = {
    "order.created": "in",
    "release.sent": "out",
    "shipment.confirmed": "in",
    "fulfillment.export": "out",
    "payout.fetched": "in",
    "inventory.fetched": "in",
}


class TraceCase(IntegrationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Users = cls.env["res.users"].with_context(no_reset_password=True)

        def user(login, groups, company):
            return Users.create(
                {
                    "name": login,
                    "login": login,
                    "email": f"{login}@example.com",
                    "company_id": company.id,
                    "company_ids": [(6, 0, [company.id])],
                    "groups_id": [(6, 0, [cls.env.ref(g).id for g in groups])],
                }
            )

        cls.add_generic_topics(**CHAIN_TOPICS)
        cls.company_b = cls.env["res.company"].create(
            {"name": "Company B (trace)", "currency_id": cls.usd.id}
        )
        cls.warehouse_backend = cls.env["integration.backend"].create(
            {"name": "3PL", "company_id": cls.company.id}
        )
        cls.backend_b = cls.env["integration.backend"].create(
            {"name": "B feed", "company_id": cls.company_b.id}
        )
        cls.partner = cls.env["res.partner"].create({"name": "Trace Customer"})
        cls.events = make_chain(cls.env, [cls.backend, cls.warehouse_backend], TRACE, cls.partner)
        # the same transaction touches company B too: its users see their part only
        cls.event_b, _c = cls.env["integration.event"]._receive(
            cls.backend_b, "payout.fetched", {"external_id": "B-1"}, "B-1", trace_id=TRACE
        )
        cls.ops = user("ops_trace", ["integration_core.group_integration_user"], cls.company)
        cls.manager = user("mgr_trace", ["integration_core.group_integration_manager"], cls.company)
        cls.ops_b = user("ops_trace_b", ["integration_core.group_integration_user"], cls.company_b)
        cls.manager_b = user("mgr_trace_b", ["integration_core.group_integration_manager"], cls.company_b)
        cls.portal = user("portal_trace", ["base.group_portal"], cls.company)
        cls.env.flush_all()

    def trace_for(self, user, name=TRACE):
        return self.env["integration.trace"].with_user(user).search([("name", "=", name)])


@tagged("post_install", "-at_install")
class TestTraceView(TraceCase):
    def test_a_trace_sums_up_its_events(self):
        trace = self.trace_for(self.ops)
        self.assertEqual(len(trace), 1)
        self.assertEqual(trace.event_count, 4)
        self.assertEqual(trace.backend_count, 2)
        self.assertEqual(trace.exception_count, 1)
        self.assertEqual(trace.pending_count, 1)
        self.assertEqual(trace.state, "failed", "the worst state of its events")
        self.assertEqual(trace.first_topic, "order.created")
        self.assertEqual(trace.backend_id, self.backend)
        self.assertEqual(trace.backend_names, "3PL, Test feed")
        self.assertEqual(trace.first_at, self.events[0].received_at)
        self.assertEqual(trace.last_at, self.events[-1].received_at)

    def test_events_in_time_order_with_their_links(self):
        first, release, shipment, fulfilment = self.events
        # received_at decides, not the id
        self.events[1].sudo().received_at = first.received_at - timedelta(minutes=5)
        trace = self.trace_for(self.ops)
        self.assertEqual(trace.event_ids.ids, [release.id, first.id, shipment.id, fulfilment.id])
        self.assertEqual(shipment.parent_id, release)
        self.assertEqual(release.child_ids, shipment)
        self.assertEqual(first.with_user(self.ops).action_open_record()["res_id"], self.partner.id)
        self.assertEqual(first.with_user(self.ops).record_name, "Trace Customer")

    def test_open_trace_from_an_event(self):
        shipment = self.events[2].with_user(self.ops)
        action = shipment.action_open_trace()
        self.assertEqual(action["res_model"], "integration.trace")
        self.assertEqual(action["res_id"], self.trace_for(self.ops).id)
        events = (
            self.env["integration.trace"].with_user(self.ops).browse(action["res_id"]).action_open_events()
        )
        self.assertEqual(events["domain"], [("trace_id", "=", TRACE)])

    def test_filters_and_group_bys(self):
        Trace = self.env["integration.trace"].with_user(self.ops)
        self.assertIn(TRACE, Trace.search([("exception_count", ">", 0)]).mapped("name"))
        self.assertIn(TRACE, Trace.search([("backend_count", ">", 1)]).mapped("name"))
        groups = Trace.read_group([("name", "=", TRACE)], ["event_count:sum"], ["state"])
        self.assertEqual([(g["state"], g["event_count"]) for g in groups], [("failed", 4)])

    def test_traces_are_read_only(self):
        trace = self.trace_for(self.manager)
        with self.assertRaises(AccessError):
            trace.write({"name": "x"})
        with self.assertRaises(AccessError):
            trace.unlink()


@tagged("post_install", "-at_install")
class TestTraceMultiCompany(TraceCase):
    def test_each_company_sees_its_part_of_a_trace(self):
        trace_a = self.trace_for(self.ops)
        self.assertEqual(trace_a.company_id, self.company)
        self.assertEqual(trace_a.event_ids, self.events)
        self.assertNotIn(self.event_b, trace_a.event_ids)
        trace_b = self.trace_for(self.ops_b)
        self.assertEqual(len(trace_b), 1)
        self.assertEqual(trace_b.event_count, 1)
        self.assertEqual(trace_b.event_ids, self.event_b.with_user(self.ops_b))
        self.assertEqual(trace_b.backend_names, "B feed", "no name of the other company's backends")

    def test_another_company_cannot_read_the_trace_by_id(self):
        trace_a = self.trace_for(self.ops)
        with self.assertRaises(AccessError):
            self.env["integration.trace"].with_user(self.ops_b).browse(trace_a.id).read(["event_count"])
        with self.assertRaises(AccessError):
            self.events[0].with_user(self.ops_b).action_open_trace()

    def test_portal_user_sees_no_trace(self):
        with self.assertRaises(AccessError):
            self.env["integration.trace"].with_user(self.portal).search([])
        with self.assertRaises(AccessError):
            self.env["integration.trace"].with_user(self.portal).browse(self.trace_for(self.ops).id).read(
                ["name"]
            )


@tagged("post_install", "-at_install")
class TestPayloadFileAccess(TraceCase):
    """The raw payload file of an event (ir.attachment) read by id."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param("integration_core.payload_attachment_threshold", "64")
        cls.big, _c = cls.env["integration.event"]._receive(
            cls.backend,
            "inventory.fetched",
            "sku,email\n" + "W-1,jane@example.com\n" * 20,
            "big-1",
            payload_format="csv",
            trace_id=TRACE,
        )
        cls.attachment = cls.big._payload_attachment()
        cls.env.flush_all()

    def read_attachment(self, user):
        Attachment = self.env["ir.attachment"].with_user(user)
        return Attachment.browse(self.attachment.id).read(["name", "raw", "datas"])

    def test_the_file_exists_and_managers_read_it(self):
        self.assertTrue(self.attachment)
        self.assertIn(b"jane@example.com", self.read_attachment(self.manager)[0]["raw"])

    def test_integration_user_reads_the_masked_view_not_the_file(self):
        with self.assertRaises(AccessError):
            self.read_attachment(self.ops)
        with self.assertRaises(AccessError):
            self.env["ir.attachment"].with_user(self.ops).search_read(
                [("id", "=", self.attachment.id)], ["raw"]
            )
        with self.assertRaises(AccessError):
            self.big.with_user(self.ops).read(["payload_raw"])
        self.assertNotIn("jane@", self.big.with_user(self.ops).payload_pretty_masked)

    def test_another_company_reads_nothing(self):
        for user in (self.manager_b, self.ops_b):
            with self.assertRaises(AccessError, msg=user.login):
                self.read_attachment(user)
            with self.assertRaises(AccessError, msg=user.login):
                self.big.with_user(user).read(["payload_pretty_masked"])
            with self.assertRaises(AccessError, msg=user.login):
                self.big.with_user(user).read(["payload_format", "payload_size"])
        self.assertFalse(
            self.env["ir.attachment"]
            .with_user(self.manager_b)
            .search([("res_model", "=", "integration.event"), ("res_field", "=", "payload_file")])
        )

    def test_portal_user_reads_nothing(self):
        with self.assertRaises(AccessError):
            self.read_attachment(self.portal)
        with self.assertRaises(AccessError):
            self.big.with_user(self.portal).read(["payload_pretty_masked"])
        with self.assertRaises(AccessError):
            self.events[0].with_user(self.portal).read(["payload_raw_masked"])
