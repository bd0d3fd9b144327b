"""Which deliveries are released, when, and who may hold, release or
change their 3PL status."""

from datetime import datetime

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import TplCase

MONDAY_MORNING = datetime(2026, 11, 30, 9, 0)
MONDAY_EVENING = datetime(2026, 11, 30, 17, 0)
SATURDAY = datetime(2026, 11, 28, 9, 0)


@tagged("post_install", "-at_install")
class TestTplRelease(TplCase):
    def test_a_3pl_warehouse_ships_and_receives_in_one_step(self):
        self.assertEqual(self.tpl_warehouse.tpl_backend_id, self.tpl)
        with self.assertRaises(ValidationError):
            self.tpl_warehouse.delivery_steps = "pick_ship"
            self.tpl._check_tpl_warehouse()

    def test_one_backend_per_warehouse(self):
        with self.assertRaises(ValidationError):
            self.env["integration.backend"].create(
                {
                    "name": "Second",
                    "backend_type": "tpl",
                    "company_id": self.company.id,
                    "tpl_warehouse_id": self.tpl_warehouse.id,
                }
            )

    def test_the_warehouse_is_created_from_the_backend(self):
        backend = self.env["integration.backend"].create(
            {"name": "Acme Fulfilment", "backend_type": "tpl", "company_id": self.company.id}
        )
        backend.action_tpl_create_warehouse()
        warehouse = backend.tpl_warehouse_id
        self.assertEqual((warehouse.delivery_steps, warehouse.reception_steps), ("ship_only", "one_step"))
        self.assertEqual(warehouse.tpl_backend_id, backend)

    def test_only_reserved_unheld_deliveries_are_released_before_the_cutoff(self):
        reserved = self.delivery()
        unreserved = self.delivery([(self.gadget, 1000)], reserve=False)
        held = self.delivery()
        held.tpl_hold = True
        other_warehouse = self.delivery(warehouse=self.warehouse)
        Outbound = self.env["tpl.outbound"]
        self.assertFalse(Outbound._release_due(self.tpl, now=MONDAY_EVENING), "after the cut-off: nothing")
        self.assertFalse(Outbound._release_due(self.tpl, now=SATURDAY), "not a working day: nothing")
        released = Outbound._release_due(self.tpl, now=MONDAY_MORNING)
        self.assertEqual(released, reserved)
        self.assertEqual(reserved.tpl_state, "pending")
        self.assertFalse(unreserved.tpl_state or held.tpl_state or other_warehouse.tpl_state)
        events = self.events(self.tpl, "order.release")
        self.assertEqual(events.mapped("res_id"), reserved.ids)
        # the cron running again does not release twice
        Outbound._release_due(self.tpl, now=MONDAY_MORNING)
        self.assertEqual(len(self.events(self.tpl, "order.release")), 1)

    def test_a_run_releases_a_batch_and_the_next_run_the_rest(self):
        first, second, third = self.delivery(), self.delivery(), self.delivery()
        Outbound = self.env["tpl.outbound"]
        self.assertEqual(Outbound._release_due(self.tpl, now=MONDAY_MORNING, limit=2), first | second)
        self.assertEqual(Outbound._release_due(self.tpl, now=MONDAY_MORNING, limit=2), third)
        self.assertFalse(Outbound._release_due(self.tpl, now=MONDAY_MORNING, limit=2))

    def test_a_calendar_holiday_closes_the_window(self):
        calendar = self.env["resource.calendar"].create({"name": "3PL days", "company_id": self.company.id})
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Holiday",
                "calendar_id": calendar.id,
                "date_from": datetime(2026, 11, 30, 0, 0),
                "date_to": datetime(2026, 11, 30, 23, 59),
            }
        )
        self.tpl.tpl_calendar_id = calendar
        self.assertFalse(self.tpl._tpl_window_open(MONDAY_MORNING))
        self.assertTrue(self.tpl._tpl_window_open(datetime(2026, 12, 1, 9, 0)))

    def test_release_now_ignores_the_cutoff_but_not_the_hold(self):
        picking = self.delivery()
        picking.tpl_hold = True
        with self.assertRaises(UserError):
            picking.action_tpl_release_now()
        picking.tpl_hold = False
        picking.action_tpl_release_now()
        self.assertEqual(self.events(self.tpl, "order.release").res_id, picking.id)

    def test_a_released_delivery_is_not_held_nor_cancelled_in_odoo_alone(self):
        picking = self.delivery()
        picking._tpl_write({"tpl_state": "released"})
        with self.assertRaises(UserError):
            picking.tpl_hold = True
        with self.assertRaises(UserError):
            picking.action_cancel()
        with self.assertRaises(UserError):
            picking.sale_id._action_cancel()  # what the cancel wizard does
        self.assertEqual(picking.state, "assigned")

    def test_users_cannot_set_the_3pl_status_over_rpc(self):
        picking = self.delivery()
        stock_user = self.env["res.users"].create(
            {
                "name": "Stock clerk",
                "login": "tpl-clerk",
                "groups_id": [(6, 0, [self.env.ref("stock.group_stock_user").id])],
                "company_id": self.company.id,
                "company_ids": [(6, 0, self.company.ids)],
            }
        )
        as_user = picking.with_user(stock_user)
        for values in ({"tpl_state": "done"}, {"tpl_external_id": "x"}, {"tpl_released_at": MONDAY_MORNING}):
            with self.assertRaises(AccessError):
                as_user.write(values)
        with self.assertRaises(AccessError):
            as_user.with_context(tpl_write=False).write({"tpl_state": "released"})
        as_user.tpl_hold = True  # an inventory user may hold
        self.assertTrue(picking.tpl_hold)

    def test_portal_users_cannot_release(self):
        picking = self.delivery()
        portal = self.env["res.users"].create(
            {
                "name": "Portal",
                "login": "tpl-portal",
                "groups_id": [(6, 0, [self.env.ref("base.group_portal").id])],
            }
        )
        with self.assertRaises(AccessError):
            picking.with_user(portal).action_tpl_release_now()
        self.assertFalse(self.events(self.tpl, "order.release"))
