from unittest.mock import patch

from odoo.tests import HttpCase, tagged
from odoo.tools import config

from .common import TEST_KEY, generic_topics_patch
from .test_trace_view import CHAIN_TOPICS, make_chain


@tagged("post_install", "-at_install")
class TestTraceViewTour(HttpCase):
    """The trace view as a user reads it, in headless Chromium."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.startClassPatcher(patch.dict(config.options, {"integration_encryption_key": TEST_KEY}))
        cls.startClassPatcher(generic_topics_patch(cls.env, **CHAIN_TOPICS))
        Backend = cls.env["integration.backend"]
        backends = [Backend.create({"name": "Tour Shop"}), Backend.create({"name": "Tour 3PL"})]
        partner = cls.env["res.partner"].create({"name": "Tour Customer Ltd"})
        cls.events = make_chain(cls.env, backends, "tour-trace-0001", partner)
        cls.env.ref("base.user_admin").groups_id |= cls.env.ref("integration_core.group_integration_user")

    def test_trace_view_tour(self):
        self.start_tour("/web", "integration_core_trace_view", login="admin", timeout=120)
