from odoo import _, models

from ..lib import signature
from ..lib.exceptions import ValidationFailed
from .integration_backend import EventHandler


class IntegrationBackend(models.Model):
    """A channel declared by its table, without guarded overrides.

    The core looks for the channel's hooks by name, the way
    ``delivery.carrier`` calls ``<type>_rate_shipment``:
    ``_<type>_webhook_verify(headers, body)``, ``_<type>_webhook_parse(headers,
    body)``, ``_<type>_test_connection()``, ``_<type>_run_flow(flow)``, and
    processes an event of a topic of the table with the row's ``apply``
    (after its ``mapper`` and the check of its canonical ``kind``). A channel
    whose webhooks speak the suite's signed JSON protocol (HMAC-SHA256 hex of
    the body in X-Integration-Signature, keyed with the ``webhook_secret``
    credential; X-Integration-Topic naming the topic or one of its remote
    names; X-Integration-Idempotency-Key) needs no webhook hook at all.
    Channels written before (Shopify) keep their overrides, which come first.
    """

    _inherit = "integration.backend"

    def _channel_hook(self, name):
        """The channel's ``_<type>_<name>`` method, or None."""
        return getattr(self, f"_{self.backend_type}_{name}", None)

    def _get_event_handler(self, event):
        handler = super()._get_event_handler(event)
        if handler is not None:
            return handler
        topic = self._topics().get(event.topic)
        if topic is None:
            return None
        target = self.env[topic.model] if topic.model else self
        return EventHandler(topic.kind, topic.mapper, getattr(target, topic.apply))

    def _table_takes_webhooks(self):
        return self.backend_type != "generic" and bool(self._topics().fed_by("webhook"))

    def _webhook_verify(self, headers, body):
        hook = self._channel_hook("webhook_verify")
        if hook:
            return hook(headers, body)
        if self._table_takes_webhooks():
            secret = self._get_secret("webhook_secret", required=False)
            if not secret:
                return False
            expected = signature.hmac_sha256_hex(secret, body)
            return signature.verify_signature(headers.get("X-Integration-Signature"), expected)
        return super()._webhook_verify(headers, body)

    def _webhook_parse(self, headers, body):
        hook = self._channel_hook("webhook_parse")
        if hook:
            return hook(headers, body)
        if not self._table_takes_webhooks():
            return super()._webhook_parse(headers, body)
        name = headers.get("X-Integration-Topic")
        key = headers.get("X-Integration-Idempotency-Key")
        if not name or not key:
            raise ValidationFailed(
                _("Missing header(s): X-Integration-Topic and X-Integration-Idempotency-Key are required.")
            )
        table = self._topics()
        topic = table.by_remote(name) or table.get(name)
        if topic is None or topic.direction != "in" or topic.feed != "webhook":
            raise ValidationFailed(_("Topic %s is not one this backend takes by webhook.", name[:64]))
        payload = self._parse_json_body(body)
        return {
            "topic": topic.name,
            "idempotency_key": key,
            "external_id": str(payload.get("external_id") or payload.get("id") or "") or False,
            "payload": payload,
        }

    def _test_connection(self):
        hook = self._channel_hook("test_connection")
        return hook() if hook else super()._test_connection()

    def _run_flow(self, flow):
        hook = self._channel_hook("run_flow")
        return hook(flow) if hook else super()._run_flow(flow)
