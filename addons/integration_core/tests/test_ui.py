import json
from unittest.mock import patch

from odoo.tests import HttpCase, tagged
from odoo.tools import config

from .common import TEST_KEY, canonical_order


@tagged("post_install", "-at_install")
class TestExceptionQueueTour(HttpCase):
    """The exception queue as a user works it, in headless Chromium."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.startClassPatcher(patch.dict(config.options, {"integration_encryption_key": TEST_KEY}))
        backend = cls.env["integration.backend"].create({"name": "Tour feed"})
        Event = cls.env["integration.event"]
        for external_id, state, message in (
            ("TOUR-FAILED", "failed", "Unknown product(s) NOPE: no binding, SKU or barcode matches."),
            ("TOUR-DEAD", "dead", "The remote system answered 503 six times."),
        ):
            event, _created = Event._receive(
                backend,
                "order.import",
                canonical_order(external_id),
                idempotency_key=external_id,
                external_id=external_id,
            )
            event.write(
                {
                    "state": state,
                    "error_category": "mapping",
                    "error_message": message,
                    "payload_canonical": json.dumps(canonical_order(external_id), indent=2, sort_keys=True),
                }
            )
        cls.payload = json.dumps(canonical_order("TOUR"))
        user = cls.env.ref("base.user_admin")
        user.groups_id |= cls.env.ref("integration_core.group_integration_user")

    def test_exception_queue_tour(self):
        self.start_tour("/web", "integration_core_exception_queue", login="admin", timeout=120)
        event = self.env["integration.event"].search([("external_id", "=", "TOUR-FAILED")])
        self.assertEqual(event.state, "queued")
        self.assertTrue(event.job_id)
        self.assertTrue(any("Retried by" in body for body in event.message_ids.mapped("body")))

    def test_integration_user_sees_a_masked_payload(self):
        self.env["res.users"].with_context(no_reset_password=True).create(
            {
                "name": "Ops tour",
                "login": "ops_tour",
                "password": "ops_tour",  # start_tour logs in with the login as password
                "groups_id": [(6, 0, [self.env.ref("integration_core.group_integration_user").id])],
            }
        )
        self.start_tour("/web", "integration_core_masked_payload", login="ops_tour", timeout=120)
        event = self.env["integration.event"].search([("external_id", "=", "TOUR-FAILED")])
        self.assertEqual(event.state, "queued")
        self.assertTrue(any("Retried by Ops tour" in body for body in event.message_ids.mapped("body")))
