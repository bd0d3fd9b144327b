"""The example system's API: one class, the channel's only HTTP knowledge.

Built by ``backend._http_client(client_class=ExampleClient, ...)``, which
gives it the backend's timeouts, rate limit and circuit breaker."""

from odoo.addons.integration_core.lib.http_client import IntegrationHttpClient


class ExampleClient(IntegrationHttpClient):
    def send_shipment(self, shipment, idempotency_key):
        """POST /shipments; the key makes a repeated delivery count once."""
        return self.request_json(
            "POST", "/shipments", json=shipment, headers={"Idempotency-Key": idempotency_key}
        )
