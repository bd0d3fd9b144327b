import hashlib
import hmac
import json
import socket
from unittest.mock import patch

from odoo.tests import HttpCase, tagged
from odoo.tools import config, mute_logger

from .common import TEST_KEY, canonical_order, dispatch_deliveries


@tagged("post_install", "-at_install")
class TestWebhookEndpoint(HttpCase):
    """The generic backend's webhook: HMAC-SHA256 (hex) of the raw body in
    X-Integration-Signature, topic and idempotency key in headers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.startClassPatcher(patch.dict(config.options, {"integration_encryption_key": TEST_KEY}))
        cls.backend = cls.env["integration.backend"].create(
            {"name": "Webhook feed", "webhook_max_bytes": 4096}
        )
        cls.backend._set_secret("webhook_secret", "s3cret-webhook-key")
        cls.url = f"/integration/webhook/generic/{cls.backend.webhook_token}"

    def post(
        self, body, secret="s3cret-webhook-key", key="evt-1", topic="order.import", url=None, signature=None
    ):
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        headers = {"Content-Type": "application/json", "X-Integration-Topic": topic}
        if key:
            headers["X-Integration-Idempotency-Key"] = key
        if signature is None and secret:
            signature = hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
        if signature:
            headers["X-Integration-Signature"] = signature
        return self.url_open(url or self.url, data=raw, headers=headers, timeout=10)

    def events(self):
        return self.env["integration.event"].search([("backend_id", "=", self.backend.id)])

    def test_valid_signature_stores_and_enqueues(self):
        response = self.post(canonical_order("9001"))
        self.assertEqual(response.status_code, 200, response.text)
        event = self.events()
        self.assertEqual(len(event), 1)
        self.assertEqual(event.state, "queued")
        self.assertEqual(event.topic, "order.import")
        self.assertEqual(event.external_id, "9001")
        self.assertFalse(event.job_id)  # its backend's dispatch job gives it one
        self.assertEqual(len(dispatch_deliveries(self.env, self.backend)), 1)
        self.assertTrue(event.job_id)
        self.assertEqual(event.job_id.channel, "root.integration")

    def test_duplicate_delivery_answers_200_without_new_event(self):
        for _i in range(10):
            response = self.post(canonical_order("9002"), key="evt-9002")
            self.assertEqual(response.status_code, 200)
        self.assertEqual(len(self.events()), 1)
        self.assertEqual(response.json()["status"], "duplicate")

    def test_bad_or_missing_signature_is_401_and_stores_nothing(self):
        self.assertEqual(self.post(canonical_order("9003"), secret="wrong").status_code, 401)
        self.assertEqual(self.post(canonical_order("9003"), secret=None).status_code, 401)
        self.assertEqual(self.post(canonical_order("9003"), signature="garbage!").status_code, 401)
        self.assertFalse(self.events())

    def test_authentic_malformed_body_is_400_and_kept_failed(self):
        response = self.post(b"{not json", key="evt-bad")
        self.assertEqual(response.status_code, 400)
        event = self.events()
        self.assertEqual(len(event), 1)
        self.assertEqual(event.state, "failed")
        self.assertEqual(event.error_category, "validation")
        self.assertEqual(event.sudo().payload_raw, "{not json")

    def test_authentic_body_nested_too_deep_is_400_and_kept_failed(self):
        response = self.post(b'{"external_id": ' + b"[" * 2_000 + b"]" * 2_000 + b"}", key="evt-deep")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.events().state, "failed")
        self.assertEqual(self.events().error_category, "validation")

    def test_missing_headers_is_400(self):
        response = self.post(canonical_order("9004"), key=None)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.events().state, "failed")

    def test_unknown_token_is_404(self):
        response = self.post(canonical_order("9005"), url="/integration/webhook/generic/nope")
        self.assertEqual(response.status_code, 404)
        self.assertFalse(self.events())

    def test_body_over_the_limit_is_413(self):
        big = canonical_order("9006", note="x" * 5000)
        response = self.post(big)
        self.assertEqual(response.status_code, 413)
        self.assertFalse(self.events())

    def test_archived_backend_refuses(self):
        self.backend.active = False
        self.assertEqual(self.post(canonical_order("9007")).status_code, 404)

    def test_form_bodies_are_refused_before_they_are_read(self):
        """Odoo's dispatcher parsed urlencoded and multipart bodies (up to
        128 MiB) into parameters before the route could check anything.
        Announce a 100 MB form, send four bytes: the answer must come at
        once (415), without waiting for a body nobody should read."""
        port = config["http_port"]
        for content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=xyz",
            "text/plain",
        ):
            with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
                head = (
                    f"POST {self.url} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                    f"Content-Type: {content_type}\r\nContent-Length: 100000000\r\n\r\n"
                )
                sock.sendall(head.encode() + b"a=1&")
                status_line = sock.recv(4096).split(b"\r\n", 1)[0]
            self.assertIn(b" 415 ", status_line, content_type)
        self.assertFalse(self.events())

    def test_unsupported_content_type_gets_415_json(self):
        response = self.url_open(self.url, data={"a": "1"}, timeout=10)
        self.assertEqual(response.status_code, 415)
        self.assertIn("application/json", response.json()["status"])

    def test_signature_that_cannot_be_checked_is_503_with_retry_after_and_stores_nothing(self):
        """No encryption key (or a secret that no longer decrypts): whether
        the delivery is authentic is unknown, so it is not stored, and the
        sender is asked to deliver it again (it still has it)."""
        with (
            patch.dict(config.options, {"integration_encryption_key": ""}),
            mute_logger("odoo.addons.integration_core.models.integration_backend"),
        ):
            response = self.post(canonical_order("9050"), key="evt-9050")
        self.assertEqual(response.status_code, 503, response.text)
        self.assertEqual(response.headers.get("Retry-After"), "60")
        self.assertFalse(self.events())
        # once the key is back, the sender's next attempt is taken
        response = self.post(canonical_order("9050"), key="evt-9050")
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(len(self.events()), 1)
