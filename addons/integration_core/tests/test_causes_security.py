"""Root causes as an attacker sees them: a portal user, another company's
Integration User or Manager, an Integration User who is no manager. Real
users, real record rules and ACLs (``with_user``), no mocks."""

from odoo.exceptions import AccessError
from odoo.tests import tagged

from ..lib.exceptions import MappingError
from .test_causes import STATE_TAX, CauseCase

TAX = "Unmapped tax '%(title)s' at %(rate)s%%"


@tagged("post_install", "-at_install")
class TestCauseSecurity(CauseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create(
            {"name": "Company B (causes)", "currency_id": cls.usd.id}
        )
        cls.backend_b = cls.env["integration.backend"].create(
            {"name": "B feed (causes)", "company_id": cls.company_b.id}
        )
        Users = cls.env["res.users"].with_context(no_reset_password=True)
        user_group = cls.env.ref("integration_core.group_integration_user")
        manager_group = cls.env.ref("integration_core.group_integration_manager")

        def user(login, company, groups):
            return Users.create(
                {
                    "name": login,
                    "login": login,
                    "company_id": company.id,
                    "company_ids": [(6, 0, [company.id])],
                    "groups_id": [(6, 0, groups.ids)],
                }
            )

        cls.ops_a = user("cause_ops_a", cls.company, user_group)
        cls.ops_b = user("cause_ops_b", cls.company_b, user_group)
        cls.manager_b = user("cause_manager_b", cls.company_b, manager_group)
        cls.portal = user("cause_portal", cls.company, cls.env.ref("base.group_portal"))

    def setUp(self):
        super().setUp()
        self.event_a = self.fail_orders([STATE_TAX, STATE_TAX], prefix="SA")
        event_b, _created = self.receive({"external_id": "SB1"}, backend=self.backend_b)
        event_b._mark_failed(
            MappingError(template=TAX, params={"title": "State Tax", "rate": 6.25}, code="tax.unmapped")
        )
        self.event_b = event_b
        self.cause_a = self.env["integration.cause"].search(
            [("fingerprint", "=", self.event_a[0].error_fingerprint), ("company_id", "=", self.company.id)]
        )

    def assertUntouched(self):
        self.event_a.invalidate_recordset()
        self.assertEqual(set(self.event_a.mapped("state")), {"failed"})
        self.assertFalse(self.backend.tax_map_ids)

    def test_one_cause_per_company_each_sees_its_own(self):
        fingerprint = self.event_a[0].error_fingerprint
        self.assertEqual(self.event_b.error_fingerprint, fingerprint)  # the same cause in two companies
        Cause = self.env["integration.cause"]
        self.assertEqual(len(Cause.search([("fingerprint", "=", fingerprint)])), 2)
        seen_a = Cause.with_user(self.ops_a).search([("fingerprint", "=", fingerprint)])
        self.assertEqual((seen_a.company_id, seen_a.event_count), (self.company, 2))
        seen_b = Cause.with_user(self.ops_b).search([("fingerprint", "=", fingerprint)])
        self.assertEqual((seen_b.company_id, seen_b.event_count), (self.company_b, 1))
        groups = Cause.with_user(self.ops_b).read_group([], ["event_count:sum"], [])
        self.assertEqual(groups[0]["event_count"], 1)

    def test_portal_user_cannot_read_or_fix(self):
        with self.assertRaises(AccessError):
            self.env["integration.cause"].with_user(self.portal).search([])
        with self.assertRaises(AccessError):
            self.cause_a.with_user(self.portal).read(["template"])
        with self.assertRaises(AccessError):
            self.cause_a.with_user(self.portal).action_fix()
        with self.assertRaises(AccessError):
            self.env["integration.cause.fix"].with_user(self.portal).create(
                {"fingerprint": self.cause_a.fingerprint, "company_id": self.company.id}
            )
        self.assertUntouched()

    def test_other_company_cannot_read_or_fix(self):
        for user in (self.ops_b, self.manager_b):
            with self.assertRaises(AccessError):
                self.cause_a.with_user(user).read(["template", "event_count"])
            with self.assertRaises(AccessError):
                self.cause_a.with_user(user).action_fix()
            # a wizard forged over RPC for company A's cause
            for kind in ("manual", "tax_mapping"):
                with self.assertRaises(AccessError):
                    self.env["integration.cause.fix"].with_user(user).create(
                        {
                            "fingerprint": self.cause_a.fingerprint,
                            "company_id": self.company.id,
                            "fix_kind": kind,
                        }
                    ).action_apply()
            # or with its own company: A's events are not its to replay
            wizard = (
                self.env["integration.cause.fix"]
                .with_user(user)
                .create(
                    {
                        "fingerprint": self.cause_a.fingerprint,
                        "company_id": self.company_b.id,
                        "fix_kind": "manual",
                    }
                )
            )
            wizard.action_apply()
        self.assertUntouched()
        self.assertEqual(self.event_b.state, "queued")  # B's own event, replayed by B

    def test_another_users_wizard_is_not_reachable(self):
        wizard = self.env["integration.cause.fix"].browse(
            self.cause_a.with_user(self.manager).action_fix()["res_id"]
        )
        with self.assertRaises(AccessError):
            wizard.with_user(self.ops_b).action_apply()
        self.assertUntouched()

    def test_integration_user_replays_but_does_not_map(self):
        action = self.cause_a.with_user(self.ops_a).action_fix()
        wizard = self.env["integration.cause.fix"].with_user(self.ops_a).browse(action["res_id"])
        wizard.line_ids.tax_id = self.tax_state
        with self.assertRaises(AccessError):
            wizard.action_apply()
        self.assertUntouched()
        # a manual replay (after a fix by hand) is theirs to run
        wizard.fix_kind = "manual"
        wizard.action_apply()
        self.event_a.invalidate_recordset()
        self.assertEqual(set(self.event_a.mapped("state")), {"queued"})
