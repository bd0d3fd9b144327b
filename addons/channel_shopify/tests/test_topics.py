"""Shopify on the core's topic table: its table, the hooks the core calls,
its capability flags, its flows, and the migration to the new names."""

import importlib.util
import os

from odoo import fields
from odoo.exceptions import AccessError, ValidationError
from odoo.modules.module import get_module_path
from odoo.tests import tagged

from odoo.addons.integration_core.lib.topics import Topic, UnknownTopic
from odoo.addons.queue_job.tests.common import trap_jobs

from ..models.integration_backend import WEBHOOK_TOPICS
from .common import ShopifyCase


def migration(version):
    path = os.path.join(get_module_path("channel_shopify"), "migrations", version, "post-migrate.py")
    spec = importlib.util.spec_from_file_location(f"channel_shopify_migration_{version}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged("post_install", "-at_install")
class TestShopifyTopics(ShopifyCase):
    def test_the_table(self):
        self.assertEqual(
            self.shopify._handled_topics(),
            [
                "order.created",
                "order.updated",
                "order.cancelled",
                "refund.created",
                "order.catch_up",
                "order.fetched",
                "order.bulk_poll",
                "product.import",
                "product.bulk_poll",
                "stock.export",
                "price.export",
                "pricelist.export",
                "company.sync",
                "company.export",
                "fulfillment.export",
            ],
        )
        table = self.shopify._topics()
        self.assertEqual(
            table.get("stock.export"),
            Topic(
                "stock.export",
                "out",
                "odoo_event",
                "_export_stock_event",
                model="shopify.exporter",
                odoo_event="stock_move.done",
                listener="_listen_stock_moves_done",
                label="Stock levels out",
            ),
        )
        self.assertEqual(
            table.get("fulfillment.export"),
            Topic(
                "fulfillment.export",
                "out",
                "odoo_event",
                "_export_fulfillment",
                model="shopify.exporter",
                odoo_event="picking.done",
                listener="_listen_pickings_done",
                label="Fulfilments out",
            ),
        )
        # Shopify's own names stay remote names: what is registered and what it sends
        self.assertEqual(
            WEBHOOK_TOPICS, ("orders/create", "orders/updated", "orders/cancelled", "refunds/create")
        )
        self.assertEqual(table.by_remote("refunds/create").name, "refund.created")
        # every apply method exists on its model
        for topic in table:
            self.assertTrue(callable(self.shopify._topic_apply(topic)), topic.name)

    def test_hooks_the_core_calls(self):
        backend = self.shopify
        self.assertEqual(backend._job_channel(), "root.integration.shopify")
        self.assertEqual(
            backend._webhook_topic_hint({"X-Shopify-Topic": "orders/cancelled"}), "order.cancelled"
        )
        self.assertEqual(
            backend._webhook_topic_hint({"X-Shopify-Topic": "order.cancelled"}), "webhook.malformed"
        )
        self.assertEqual(backend._webhook_topic_hint({}), "webhook.malformed")
        self.assertFalse(backend._webhook_verify({"X-Shopify-Hmac-Sha256": "forged"}, b"{}"))
        self.assertIn("Sandbox Outdoor Shop", backend._test_connection())

    def test_capability_flags(self):
        backend = self.shopify
        for flag in (
            "can_receive_webhooks",
            "can_pull_orders",
            "can_import_products",
            "can_export_stock",
            "can_test_connection",
            "can_register_webhooks",
            "can_import_locations",
        ):
            self.assertTrue(backend[flag], flag)
        self.assertFalse(backend.uses_api_url)  # the shop URL is its own
        self.assertFalse(self.backend.can_pull_orders)  # the generic backend of the same database

    def test_direction_from_the_table(self):
        stock = self.shopify._enqueue_topic("stock.export", {"full": False})
        catch_up = self.shopify._enqueue_topic("order.catch_up", {})
        self.assertEqual((stock.direction, catch_up.direction), ("out", "in"))
        with self.assertRaisesRegex(UnknownTopic, "orders/create"):
            self.shopify._enqueue_topic("orders/create", {})  # Shopify's name is not ours

    def test_actions_enqueue_the_table_topics(self):
        Event = self.env["integration.event"]
        for action, topic, payload in (
            ("action_sync_orders", "order.catch_up", "{}"),
            ("action_import_products", "product.import", "{}"),
            ("action_export_stock", "stock.export", '{"full": true}'),
        ):
            before = Event.search([("backend_id", "=", self.shopify.id), ("topic", "=", topic)])
            result = getattr(self.shopify, action)()
            self.assertEqual(result["tag"], "display_notification")
            event = Event.search([("backend_id", "=", self.shopify.id), ("topic", "=", topic)]) - before
            self.assertEqual(len(event), 1, action)
            self.assertEqual(event.state, "queued")
            self.assertEqual(event.sudo().payload_raw, payload)

    def test_actions_are_for_managers_of_the_stores_company(self):
        """Buttons hidden by ``groups`` are still callable over RPC."""
        Users = self.env["res.users"].with_context(no_reset_password=True)
        company_b = self.env["res.company"].create({"name": "Company B (topics)"})

        def user(login, group, company):
            return Users.create(
                {
                    "name": login,
                    "login": login,
                    "company_id": company.id,
                    "company_ids": [(6, 0, [company.id])],
                    "groups_id": [(6, 0, [self.env.ref(group).id])],
                }
            )

        attackers = (
            user("topics_portal", "base.group_portal", self.shopify.company_id),
            user("topics_ops", "integration_core.group_integration_user", self.shopify.company_id),
            user("topics_mgr_b", "integration_core.group_integration_manager", company_b),
        )
        Event = self.env["integration.event"]
        before = Event.search_count([("backend_id", "=", self.shopify.id)])
        for attacker in attackers:
            for action in (
                "action_sync_orders",
                "action_import_products",
                "action_export_stock",
                "action_register_webhooks",
                "action_import_locations",
            ):
                with self.assertRaises(AccessError, msg=f"{attacker.login} {action}"):
                    getattr(self.shopify.with_user(attacker), action)()
        self.assertEqual(Event.search_count([("backend_id", "=", self.shopify.id)]), before)
        self.assertFalse(self.sandbox.webhook_subscriptions)  # nothing registered with Shopify

    def test_the_same_key_twice_is_one_event_and_one_job(self):
        with trap_jobs() as trap:
            first = self.shopify._enqueue_topic("stock.export", {"full": False}, key="stock:once")
            again = self.shopify._enqueue_topic("stock.export", {"full": True}, key="stock:once")
            trap.assert_jobs_count(1)
        self.assertEqual(first, again)
        self.assertEqual(first.sudo().payload_raw, '{"full": false}')

    def test_default_flows_and_their_runs(self):
        flows = {flow.code: flow for flow in self.shopify.flow_ids}
        self.assertEqual(
            set(flows),
            {
                "order_webhooks",
                "order_catch_up",
                "stock_delta",
                "stock_full",
                "price_delta",
                "price_full",
                "company_sync",
                "fulfillment_export",
                "product_import",
            },
        )
        handled = self.shopify._handled_topics()
        for flow in flows.values():
            self.assertTrue(set(flow._topic_list()) <= set(handled), flow.code)
        with self.assertRaisesRegex(ValidationError, "orders.catch_up"):
            flows["order_catch_up"].topics = "orders.catch_up"
        Event = self.env["integration.event"]
        with trap_jobs() as trap:
            catch_up = self.shopify._run_flow(flows["order_catch_up"])
            stock = self.shopify._run_flow(flows["stock_full"])
            nothing = self.shopify._run_flow(flows["order_webhooks"])
            trap.assert_jobs_count(2)
        self.assertEqual(catch_up.topic, "order.catch_up")
        self.assertEqual(
            (stock.topic, stock.direction, stock.sudo().payload_raw),
            ("stock.export", "out", '{"full": true}'),
        )
        self.assertEqual(nothing, Event)

    def test_migration_renames_stored_events_and_flow_topics(self):
        Event = self.env["integration.event"]
        new_to_old = {new: old for old, new in migration("17.0.1.3.0").RENAMED.items()}
        events = Event
        for index, new in enumerate(new_to_old):
            event, _created = Event._receive(
                self.shopify, topic=new, payload={"id": index}, idempotency_key=f"mig-{index}"
            )
            events |= event
        poll, _created = Event._receive(
            self.shopify,
            topic="product.bulk_poll",
            payload={},
            idempotency_key="products.bulk_poll:gid://op/1",
        )
        generic, _created = self.receive({"external_id": "MIG"}, key="mig-generic")
        flow = self.shopify.flow_ids.filtered(lambda f: f.code == "order_catch_up")
        self.env.flush_all()
        cr = self.env.cr
        # as 17.0.1.2.0 stored them
        for event in events:
            cr.execute(
                "UPDATE integration_event SET topic = %s WHERE id = %s", [new_to_old[event.topic], event.id]
            )
        cr.execute("UPDATE integration_event SET topic = 'orders/create' WHERE id = %s", [generic.id])
        cr.execute(
            "UPDATE integration_flow SET topics = %s WHERE id = %s",
            ["orders.catch_up,order.pull,order.fetched,mine.own", flow.id],
        )
        self.env.invalidate_all()
        self.assertEqual(events[0].topic, "orders/create")

        renamed, flows = migration("17.0.1.3.0").rename_topics(cr)
        self.env.invalidate_all()
        self.assertEqual(renamed, len(events))
        self.assertGreaterEqual(flows, 1)
        self.assertEqual(events.mapped("topic"), list(new_to_old))
        self.assertEqual(poll.idempotency_key, "product.bulk_poll:gid://op/1")
        self.assertEqual(generic.topic, "orders/create")  # not a Shopify store's event: untouched
        self.assertEqual(flow.topics, "order.catch_up,order.fetched,mine.own")  # deduplicated, own kept
        # run twice: nothing more to do
        self.assertEqual(migration("17.0.1.3.0").rename_topics(cr), (0, 0))
        # the renamed events are processed by the table's handlers
        for event in events:
            self.assertTrue(self.shopify._topic(event.topic))

    def test_orders_cursor_is_the_catch_up_flows_and_the_migration_moves_it_there(self):
        flow = self.shopify.flow_ids.filtered(lambda f: f.code == "order_catch_up")
        self.shopify.shopify_orders_cursor = "2024-05-01 10:00:00"
        self.assertEqual(flow.cursor, "2024-05-01 10:00:00")
        flow.cursor = "2024-06-01 08:30:00"
        self.assertEqual(
            self.shopify.shopify_orders_cursor, fields.Datetime.to_datetime("2024-06-01 08:30:00")
        )
        # as 17.0.1.2.0 stored it: a column of the store, the flow without a cursor
        cr = self.env.cr
        flow.cursor = False
        self.env.flush_all()
        cr.execute("ALTER TABLE integration_backend ADD COLUMN shopify_orders_cursor timestamp")
        cr.execute(
            "UPDATE integration_backend SET shopify_orders_cursor = '2024-07-02 09:15:00' WHERE id = %s",
            [self.shopify.id],
        )
        self.assertEqual(migration("17.0.1.3.0").move_orders_cursor(cr), 1)
        self.env.invalidate_all()
        self.assertEqual(flow.cursor, "2024-07-02 09:15:00")
        self.assertEqual(migration("17.0.1.3.0").move_orders_cursor(cr), 0)  # run twice: nothing more

    def test_a_store_created_from_the_form_has_no_cursor_yet(self):
        backend = self.env["integration.backend"].create(
            {"name": "New store", "backend_type": "shopify", "shopify_orders_cursor": False}
        )
        self.assertFalse(backend.shopify_orders_cursor)
        self.assertFalse(backend._flow_cursor("order_catch_up"))
