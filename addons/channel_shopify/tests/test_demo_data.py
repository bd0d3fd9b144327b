from unittest.mock import patch

from odoo.tests import TransactionCase, tagged
from odoo.tools import config

from odoo.addons.integration_core.tests.common import TEST_KEY

DEMO_BACKEND = "channel_shopify.demo_backend_shopify"
SECRET_KEYS = ("access_token", "client_secret")
# what the demo data once wrote into every database loaded with demo data
PUBLISHED = {"demo-shopify", "demo_client_secret", "shpat_demo_access_token"}


@tagged("post_install", "-at_install")
class TestDemoBackendSecrets(TransactionCase):
    """Odoo loads demo data unless told not to: the demo store's webhook
    token and secrets must be random per database, never values anyone can
    read in the repository."""

    def test_demo_backend_has_no_fixed_secrets(self):
        backend = self.env.ref(DEMO_BACKEND, raise_if_not_found=False)
        if not backend:
            self.skipTest("the database has no demo data")
        token = backend.sudo().webhook_token
        self.assertTrue(token)
        self.assertNotIn(token, PUBLISHED)
        self.assertGreaterEqual(len(token), 24)
        Backend = self.env["integration.backend"]
        other_tokens = [Backend.default_get(["webhook_token"])["webhook_token"] for _ in range(2)]
        self.assertEqual(len({token, *other_tokens}), 3, "every generation gives another webhook token")

        # the secrets demo data stored at install (with the configured key)
        stored = backend.sudo().credential_ids.filtered("value_encrypted")
        if config.get("integration_encryption_key"):
            self.assertEqual(set(stored.mapped("key")), set(SECRET_KEYS))
            for key in SECRET_KEYS:
                self.assertNotIn(backend._get_secret(key), PUBLISHED, key)

        # each generation differs from the last and from the published values
        with patch.dict(config.options, {"integration_encryption_key": TEST_KEY}):
            generations = []
            for _ in range(2):
                Backend._demo_shopify_credentials(DEMO_BACKEND)
                generations.append({key: backend._get_secret(key) for key in SECRET_KEYS})
        for key in SECRET_KEYS:
            first, second = generations[0][key], generations[1][key]
            self.assertNotEqual(first, second, key)
            self.assertFalse({first, second} & PUBLISHED, key)
            self.assertGreaterEqual(len(first), 32, key)
