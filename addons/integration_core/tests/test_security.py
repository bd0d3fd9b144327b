from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import IntegrationCase, canonical_order


@tagged("post_install", "-at_install")
class TestSecurityGroups(IntegrationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Users = cls.env["res.users"].with_context(no_reset_password=True)
        cls.user = Users.create(
            {
                "name": "Ops user",
                "login": "ops_user",
                "email": "ops@example.com",
                "groups_id": [(6, 0, [cls.env.ref("integration_core.group_integration_user").id])],
            }
        )
        cls.manager = Users.create(
            {
                "name": "Integration manager",
                "login": "int_manager",
                "groups_id": [(6, 0, [cls.env.ref("integration_core.group_integration_manager").id])],
            }
        )
        cls.stranger = Users.create(
            {
                "name": "Sales only",
                "login": "sales_only",
                "groups_id": [(6, 0, [cls.env.ref("base.group_user").id])],
            }
        )

    def test_manager_implies_user(self):
        manager = self.env.ref("integration_core.group_integration_manager")
        user = self.env.ref("integration_core.group_integration_user")
        self.assertIn(user, manager.implied_ids)
        self.assertTrue(
            self.env.ref("base.user_admin").has_group("integration_core.group_integration_manager")
        )

    def test_menu_visible_to_integration_users_only(self):
        menu = self.env.ref("integration_core.integration_menu_root")
        self.assertEqual(menu.groups_id, self.env.ref("integration_core.group_integration_user"))

    def test_user_reads_and_resolves_but_does_not_configure(self):
        order = canonical_order("5001")
        order["lines"][0]["sku"] = "UNKNOWN"
        event, _created = self.receive(order)
        self.process(event)
        as_user = event.with_user(self.user)
        self.assertEqual(as_user.state, "failed")
        as_user.action_retry()  # users resolve exceptions
        self.assertEqual(event.state, "queued")
        with self.assertRaises(AccessError):
            self.backend.with_user(self.user).write({"name": "renamed"})
        with self.assertRaises(AccessError):
            self.env["integration.backend"].with_user(self.user).create({"name": "new"})
        with self.assertRaises(AccessError):
            as_user.unlink()

    def test_raw_payload_for_managers_only(self):
        event, _created = self.receive(canonical_order("5002"))
        with self.assertRaises(AccessError):
            event.with_user(self.user).read(["payload_raw"])
        self.assertTrue(event.with_user(self.manager).payload_raw)
        masked = event.with_user(self.user).payload_raw_masked
        self.assertNotIn("ada5002@example.com", masked)
        self.assertIn("example.com", masked)

    def test_other_users_see_nothing(self):
        with self.assertRaises(AccessError):
            self.env["integration.event"].with_user(self.stranger).search([])
        with self.assertRaises(AccessError):
            self.env["integration.backend"].with_user(self.stranger).search([])


@tagged("post_install", "-at_install")
class TestMultiCompany(IntegrationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Company B", "currency_id": cls.usd.id})
        cls.backend_b = cls.env["integration.backend"].create(
            {"name": "B feed", "company_id": cls.company_b.id}
        )
        cls.user_a = (
            cls.env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": "A user",
                    "login": "a_user",
                    "company_id": cls.company.id,
                    "company_ids": [(6, 0, [cls.company.id])],
                    "groups_id": [(6, 0, [cls.env.ref("integration_core.group_integration_manager").id])],
                }
            )
        )

    def test_company_a_user_never_sees_company_b(self):
        event_a, _c = self.receive(canonical_order("6001"))
        event_b, _c = self.receive(canonical_order("6002"), backend=self.backend_b)
        self.env["integration.binding"].create(
            {"backend_id": self.backend_b.id, "res_model": "res.partner", "res_id": 1, "external_id": "B1"}
        )
        Event = self.env["integration.event"].with_user(self.user_a)
        self.assertIn(event_a, Event.search([]))
        self.assertNotIn(event_b, Event.search([]))
        self.assertNotIn(self.backend_b, self.env["integration.backend"].with_user(self.user_a).search([]))
        self.assertFalse(
            self.env["integration.binding"]
            .with_user(self.user_a)
            .search([("backend_id", "=", self.backend_b.id)])
        )
        with self.assertRaises(AccessError):
            event_b.with_user(self.user_a).read(["topic"])

    def test_events_follow_their_backend_company(self):
        event_b, _c = self.receive(canonical_order("6003"), backend=self.backend_b)
        self.assertEqual(event_b.company_id, self.company_b)
