"""What users can do to the integration over RPC (hardening, items 1-4).

``readonly=True`` and a view's ``groups`` only hide: these tests call the
model methods as the user, which is what an RPC call does."""

import json

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import IntegrationCase, canonical_order


class AccessCase(IntegrationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Users = cls.env["res.users"].with_context(no_reset_password=True)
        group = cls.env.ref

        def user(login, groups, company=None):
            company = company or cls.company
            return Users.create(
                {
                    "name": login,
                    "login": login,
                    "email": f"{login}@example.com",
                    "company_id": company.id,
                    "company_ids": [(6, 0, [company.id])],
                    "groups_id": [(6, 0, [group(g).id for g in groups])],
                }
            )

        cls.portal = user("portal_attacker", ["base.group_portal"])
        cls.ops = user("ops_no_sales", ["integration_core.group_integration_user"])
        cls.manager = user("int_mgr", ["integration_core.group_integration_manager"])
        cls.company_b = cls.env["res.company"].create({"name": "Company B", "currency_id": cls.usd.id})
        cls.manager_b = user("int_mgr_b", ["integration_core.group_integration_manager"], cls.company_b)
        cls.backend_b = cls.env["integration.backend"].create(
            {"name": "B feed", "company_id": cls.company_b.id}
        )

    def failed_event(self, external_id="7001", sku="UNKNOWN-SKU"):
        order = canonical_order(external_id)
        order["lines"][0]["sku"] = sku
        event, _created = self.receive(order)
        self.process(event)
        self.assertEqual(event.state, "failed")
        return event


@tagged("post_install", "-at_install")
class TestBackendActionsNeedManagers(AccessCase):
    def test_portal_user_cannot_regenerate_webhook_token(self):
        token = self.backend.webhook_token
        for user in (self.portal, self.ops, self.manager_b):
            with self.assertRaises(AccessError, msg=user.login):
                self.backend.with_user(user).action_regenerate_webhook_token()
        self.assertEqual(self.backend.webhook_token, token, "the store's webhooks still work")

    def test_manager_regenerates_webhook_token(self):
        token = self.backend.webhook_token
        self.backend.with_user(self.manager).action_regenerate_webhook_token()
        self.assertNotEqual(self.backend.webhook_token, token)

    def test_connection_test_and_circuit_reset_are_for_managers(self):
        self.backend.circuit_state = "open"
        for user in (self.portal, self.ops, self.manager_b):
            with self.assertRaises(AccessError, msg=user.login):
                self.backend.with_user(user).action_test_connection()
            with self.assertRaises(AccessError, msg=user.login):
                self.backend.with_user(user).action_reset_circuit()
        self.assertEqual(self.backend.circuit_state, "open")
        with self.assertRaises(UserError):  # allowed, but the generic backend has no test
            self.backend.with_user(self.manager).action_test_connection()
        self.backend.with_user(self.manager).action_reset_circuit()
        self.assertEqual(self.backend.circuit_state, "closed")

    def test_users_cannot_act_on_events_of_another_company(self):
        event_b, _c = self.receive(canonical_order("7100"), backend=self.backend_b)
        event_b.write({"state": "failed"})
        for user in (self.portal, self.manager):
            with self.assertRaises(AccessError, msg=user.login):
                event_b.with_user(user).action_retry()
            with self.assertRaises(AccessError, msg=user.login):
                event_b.with_user(user).action_ignore(reason="not mine")
        self.assertEqual(event_b.state, "failed")


@tagged("post_install", "-at_install")
class TestEventFieldsAreNotWritable(AccessCase):
    def test_integration_user_cannot_write_event_fields_over_rpc(self):
        event = self.failed_event()
        forbidden = {
            "topic": "order.cancelled",
            "state": "queued",
            "res_model": "sale.order",
            "res_id": 1,
            "max_attempts": 99,
            "idempotency_key": "forged",
            "backend_id": self.backend_b.id,
            "external_id": "other",
        }
        for user in (self.ops, self.manager):
            for field, value in forbidden.items():
                with self.assertRaises(AccessError, msg=f"{user.login} wrote {field}"):
                    event.with_user(user).write({field: value})
        self.assertEqual(event.backend_id, self.backend)
        self.assertEqual(event.topic, "order.import")
        self.assertEqual(event.state, "failed")

    def test_users_cannot_create_events(self):
        for user in (self.ops, self.manager):
            with self.assertRaises(AccessError):
                self.env["integration.event"].with_user(user).create(
                    {"backend_id": self.backend.id, "topic": "order.import", "idempotency_key": "x"}
                )

    def test_backend_of_an_event_is_company_checked(self):
        self.assertTrue(self.env["integration.event"]._fields["backend_id"].check_company)

    def test_canonical_payload_editable_on_failed_events_only(self):
        event, _c = self.receive(canonical_order("7002"))
        self.process(event)
        self.assertEqual(event.state, "done")
        with self.assertRaises(UserError):
            event.with_user(self.manager).write({"payload_canonical": "{}"})
        with self.assertRaises(UserError):
            event.with_user(self.ops).write({"payload_canonical_masked": "{}"})


@tagged("post_install", "-at_install")
class TestPersonalData(AccessCase):
    def test_users_see_a_masked_canonical_payload(self):
        event = self.failed_event("7003")
        with self.assertRaises(AccessError):
            event.with_user(self.ops).read(["payload_canonical"])
        masked = event.with_user(self.ops).payload_canonical_masked
        for secret in ("ada7003@example.com", "Ada Lovelace", "Springfield", "Analytical", "555 0100"):
            self.assertNotIn(secret, masked)
        self.assertIn("UNKNOWN-SKU", masked, "the field that failed stays visible")
        self.assertIn("ada7003@example.com", event.with_user(self.manager).payload_canonical)

    def test_user_fixes_the_failed_field_through_the_mask_and_replays(self):
        event = self.failed_event("7004")
        as_ops = event.with_user(self.ops)
        data = json.loads(as_ops.payload_canonical_masked)
        data["lines"][0]["sku"] = "INT-WIDGET"
        as_ops.payload_canonical_masked = json.dumps(data)
        as_ops.action_replay()
        self.run_jobs()
        self.assertEqual(event.state, "done", event.error_message)
        sale = self.orders_for("7004")
        self.assertEqual(sale.partner_id.name, "Ada Lovelace", "masked values kept their real value")
        self.assertEqual(sale.partner_id.email, "ada7004@example.com")
        self.assertEqual(sale.order_line[0].product_id, self.widget)

    def test_masked_raw_payload_hides_shopify_personal_fields(self):
        raw = {
            "id": 1,
            "contact_email": "jane@example.com",
            "order_status_url": "https://shop.example/orders/abc/authenticate?key=k3y",
            "cart_token": "cart-token-123",
            "checkout_token": "checkout-token-456",
            "billing_address": {"name": "Jane Doe", "city": "Ottawa", "country_code": "CA"},
        }
        event, _c = self.env["integration.event"]._receive(
            self.backend, topic="order.import", payload=raw, idempotency_key="raw-1"
        )
        masked = event.with_user(self.ops).payload_raw_masked
        for leak in ("jane@", "k3y", "cart-token-123", "checkout-token-456", "Jane Doe", "Ottawa"):
            self.assertNotIn(leak, masked)


@tagged("post_install", "-at_install")
class TestExceptionQueueWithoutSalesRights(AccessCase):
    def test_integration_user_without_sales_rights_reads_record_names(self):
        event, _c = self.receive(canonical_order("7005"))
        self.process(event)
        sale = self.orders_for("7005")
        self.assertEqual(event.res_model, "sale.order")
        self.assertFalse(self.ops.has_group("sales_team.group_sale_salesman"))
        as_ops = event.with_user(self.ops)
        as_ops.invalidate_recordset()
        self.assertEqual(as_ops.record_name, sale.display_name)
        as_ops.read(["record_name", "state", "error_message"])
        bindings = (
            self.env["integration.binding"].with_user(self.ops).search([("backend_id", "=", self.backend.id)])
        )
        self.assertTrue(bindings)
        bindings.read(["record_name"])
        self.assertIn(sale.display_name, bindings.mapped("record_name"))
