from unittest.mock import patch

from cryptography.fernet import Fernet

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import config

from ..lib.exceptions import IntegrationError
from .common import TEST_KEY, IntegrationCase


@tagged("post_install", "-at_install")
class TestCredentials(IntegrationCase):
    def test_secret_is_ciphertext_in_database(self):
        self.backend._set_secret("access_token", "shpat_plain_value_123")
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT value_encrypted FROM integration_credential WHERE backend_id = %s AND key = %s",
            [self.backend.id, "access_token"],
        )
        (stored,) = self.env.cr.fetchone()
        self.assertNotIn("shpat_plain_value_123", stored)
        self.assertEqual(Fernet(TEST_KEY.encode()).decrypt(stored.encode()).decode(), "shpat_plain_value_123")
        self.assertEqual(self.backend._get_secret("access_token"), "shpat_plain_value_123")

    def test_write_only_in_the_ui(self):
        credential = self.env["integration.credential"].create(
            {"backend_id": self.backend.id, "key": "client_secret", "value": "typed-in-the-form"}
        )
        credential.invalidate_recordset()
        self.assertFalse(credential.value)  # never read back
        self.assertTrue(credential.is_set)
        self.assertEqual(self.backend._get_secret("client_secret"), "typed-in-the-form")
        credential.value = "rotated-by-admin"
        self.assertEqual(self.backend._get_secret("client_secret"), "rotated-by-admin")

    def test_missing_secret(self):
        self.assertIsNone(self.backend._get_secret("nothing", required=False))
        with self.assertRaises(IntegrationError):
            self.backend._get_secret("nothing")

    def test_no_key_configured_is_a_clear_error(self):
        with (
            patch.dict(config.options, {"integration_encryption_key": ""}),
            patch.dict("os.environ", {"INTEGRATION_ENCRYPTION_KEY": ""}),
        ):
            with self.assertRaisesRegex(UserError, "integration_encryption_key"):
                self.backend._set_secret("access_token", "x")

    def test_key_rotation(self):
        # only this test's credentials: others (demo data) use the server's key
        self.env["integration.credential"].search([("backend_id", "!=", self.backend.id)]).unlink()
        self.backend._set_secret("access_token", "before-rotation")
        new_key = Fernet.generate_key().decode()
        with patch.dict(config.options, {"integration_encryption_key": f"{new_key},{TEST_KEY}"}):
            count = self.env["integration.credential"]._rotate_encryption_key()
            self.assertGreaterEqual(count, 1)
        with patch.dict(config.options, {"integration_encryption_key": new_key}):
            self.assertEqual(self.backend._get_secret("access_token"), "before-rotation")

    def test_users_cannot_read_credentials(self):
        self.backend._set_secret("access_token", "top-secret")
        user = self.env["res.users"].create(
            {
                "name": "Ops user",
                "login": "ops_cred",
                "groups_id": [(6, 0, [self.env.ref("integration_core.group_integration_user").id])],
            }
        )
        with self.assertRaises(AccessError):
            self.env["integration.credential"].with_user(user).search([]).read(["value_encrypted"])
        with self.assertRaises(AccessError):
            self.backend.with_user(user).read(["credential_ids"])

    def test_error_texts_never_show_secrets(self):
        self.backend._set_secret("access_token", "tok_abcdef123456")
        event, _created = self.receive({"external_id": "S1"}, topic="payload.export")
        error = IntegrationError("remote said: bad token tok_abcdef123456")
        event._mark_failed(error)
        self.assertNotIn("tok_abcdef123456", event.error_message)
