"""Who may see and change a 3PL's configuration and deliveries, over RPC."""

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import TplCase


@tagged("post_install", "-at_install")
class TestTplAccess(TplCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product_map = cls.env["tpl.product.map"].create(
            {
                "backend_id": cls.tpl.id,
                "product_id": cls.widget.id,
                "tpl_sku": "SB-WIDGET",
                "tpl_uom": "CS",
                "units_per_tpl_uom": 12,
            }
        )
        Users = cls.env["res.users"].with_context(no_reset_password=True)
        cls.other_company = cls.env["res.company"].create({"name": "Other Co"})
        cls.outsider = Users.create(
            {
                "name": "Other company's manager",
                "login": "tpl-outsider",
                "company_id": cls.other_company.id,
                "company_ids": [(6, 0, cls.other_company.ids)],
                "groups_id": [
                    (
                        6,
                        0,
                        [
                            cls.env.ref("integration_core.group_integration_manager").id,
                            cls.env.ref("stock.group_stock_manager").id,
                        ],
                    )
                ],
            }
        )
        cls.clerk = Users.create(
            {
                "name": "Stock clerk",
                "login": "tpl-clerk2",
                "company_id": cls.company.id,
                "company_ids": [(6, 0, cls.company.ids)],
                "groups_id": [(6, 0, [cls.env.ref("stock.group_stock_user").id])],
            }
        )

    def test_another_companys_user_sees_no_map_and_no_delivery(self):
        picking = self.delivery()
        Map = self.env["tpl.product.map"].with_user(self.outsider)
        self.assertFalse(Map.search([]))
        with self.assertRaises(AccessError):
            self.product_map.with_user(self.outsider).read(["tpl_sku"])
        with self.assertRaises(AccessError):
            picking.with_user(self.outsider).action_tpl_release_now()

    def test_a_stock_user_reads_maps_but_cannot_change_them(self):
        self.assertEqual(self.product_map.with_user(self.clerk).tpl_sku, "SB-WIDGET")
        with self.assertRaises(AccessError):
            self.product_map.with_user(self.clerk).write({"tpl_sku": "X"})
        with self.assertRaises(AccessError):
            self.env["tpl.product.map"].with_user(self.clerk).create(
                {"backend_id": self.tpl.id, "product_id": self.gadget.id, "tpl_sku": "SB-G"}
            )

    def test_a_stock_user_cannot_create_the_3pl_warehouse(self):
        backend = self.env["integration.backend"].create(
            {"name": "Acme", "backend_type": "tpl", "company_id": self.company.id}
        )
        with self.assertRaises(AccessError):
            backend.with_user(self.clerk).action_tpl_create_warehouse()

    def test_cases_are_released_in_cases(self):
        picking = self.delivery([(self.widget, 24)])
        order = self.env["tpl.outbound"]._fulfilment_order(self.tpl, picking, "original")
        (line,) = order["lines"]
        self.assertEqual((line["sku"], line["quantity"], line["uom"]), ("SB-WIDGET", 2, "CS"))
        odd = self.delivery([(self.widget, 5)])
        with self.assertRaisesRegex(Exception, "whole number"):
            self.env["tpl.outbound"]._fulfilment_order(self.tpl, odd, "original")
