"""Who may do what with prices and B2B, as an RPC call would (the model
methods called as the user), and across companies."""

from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.integration_core.tests.common import IntegrationCase


@tagged("post_install", "-at_install")
class TestShopifyPriceAccess(IntegrationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Users = cls.env["res.users"].with_context(no_reset_password=True)

        def user(login, group, company):
            return Users.create(
                {
                    "name": login,
                    "login": login,
                    "email": f"{login}@example.com",
                    "company_id": company.id,
                    "company_ids": [(6, 0, [company.id])],
                    "groups_id": [(6, 0, [cls.env.ref(group).id])],
                }
            )

        cls.company_b = cls.env["res.company"].create(
            {"name": "Company B (prices)", "currency_id": cls.usd.id}
        )
        cls.ops = user("price_ops", "integration_core.group_integration_user", cls.company)
        cls.manager = user("price_mgr", "integration_core.group_integration_manager", cls.company)
        cls.manager_b = user("price_mgr_b", "integration_core.group_integration_manager", cls.company_b)
        cls.store = cls.env["integration.backend"].create(
            {"name": "Prices store", "backend_type": "shopify", "shopify_shop_url": "http://127.0.0.1:9"}
        )
        cls.mapping = cls.env["shopify.price.list.map"].create(
            {
                "backend_id": cls.store.id,
                "name": "Switzerland",
                "price_list_gid": "gid://shopify/PriceList/1",
                "pricelist_id": cls.pricelist_usd.id,
            }
        )

    def test_users_read_price_lists_managers_change_them(self):
        Map = self.env["shopify.price.list.map"]
        self.assertEqual(Map.with_user(self.ops).search([]), self.mapping)
        with self.assertRaises(AccessError):
            self.mapping.with_user(self.ops).write({"name": "Renamed"})
        with self.assertRaises(AccessError):
            Map.with_user(self.ops).create(
                {"backend_id": self.store.id, "name": "x", "price_list_gid": "gid://shopify/PriceList/2"}
            )
        self.mapping.with_user(self.manager).write({"name": "Schweiz"})
        self.assertEqual(self.mapping.name, "Schweiz")

    def test_price_and_b2b_actions_are_for_managers(self):
        for action in (
            "action_shopify_export_prices",
            "action_shopify_import_markets",
            "action_shopify_sync_companies",
        ):
            with self.assertRaises(AccessError):
                getattr(self.store.with_user(self.ops), action)()
        self.store.with_user(self.manager).action_shopify_export_prices()
        self.assertTrue(
            self.env["integration.event"].search(
                [("backend_id", "=", self.store.id), ("topic", "=", "price.export")]
            )
        )

    def test_another_company_does_not_see_the_price_lists(self):
        self.assertFalse(self.env["shopify.price.list.map"].with_user(self.manager_b).search([]))
        with self.assertRaises(AccessError):
            self.mapping.with_user(self.manager_b).read(["name"])

    def test_shared_products_reach_every_company_listener(self):
        """A product without company is every company's: its price change
        reaches the store of each (the core's dispatch)."""
        store_b = self.env["integration.backend"].create(
            {
                "name": "Prices store B",
                "backend_type": "shopify",
                "shopify_shop_url": "http://127.0.0.1:9",
                "company_id": self.company_b.id,
            }
        )
        Binding = self.env["integration.binding"]
        Binding._bind(self.store, self.widget, "101")
        Binding._bind(store_b, self.widget, "201")
        self.assertFalse(self.widget.company_id)
        self.widget.list_price = 55.0
        exports = self.env["integration.event"].search([("topic", "=", "price.export")])
        self.assertEqual(exports.backend_id, self.store | store_b)
