from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestSecurityGroups(TransactionCase):
    def test_manager_implies_user(self):
        manager = self.env.ref("integration_core.group_integration_manager")
        user = self.env.ref("integration_core.group_integration_user")
        self.assertIn(user, manager.implied_ids)
        self.assertTrue(self.env.ref("base.user_admin").has_group("integration_core.group_integration_manager"))

    def test_menu_visible_to_integration_users_only(self):
        menu = self.env.ref("integration_core.integration_menu_root")
        self.assertEqual(menu.groups_id, self.env.ref("integration_core.group_integration_user"))
