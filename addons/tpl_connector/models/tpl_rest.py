"""The REST side of a 3PL: the backend's provider (client + mapping), in
canonical terms (lib/provider.py). The one place the Odoo layer reaches a
REST 3PL: credentials, base URL, circuit breaker and rate limiter come from
the backend (integration_core's client factory)."""

from contextlib import contextmanager

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..lib.shipbob.client import SANDBOX_URL, ShipBobClient
from ..lib.shipbob.provider import ShipBobProvider

# provider code -> (client class, provider class, default base URL)
PROVIDERS = {"shipbob": (ShipBobClient, ShipBobProvider, SANDBOX_URL)}


class TplRest(models.AbstractModel):
    _name = "tpl.rest"
    _description = "3PL REST providers"

    @api.model
    @contextmanager
    def _provider(self, backend):
        """The backend's provider, its client open for the block."""
        if backend.tpl_provider not in PROVIDERS:
            raise UserError(_("%s names no REST 3PL API.", backend.name))
        client_class, provider_class, default_url = PROVIDERS[backend.tpl_provider]
        token = backend._get_secret("api_token")
        with backend._http_client(
            base_url=backend.api_url or default_url,
            client_class=client_class,
            secrets=[token],
            token=token,
            channel_id=backend.tpl_channel_id or "0",
        ) as client:
            yield provider_class(client, location_id=backend.tpl_facility_code or None)

    @api.model
    def _send(self, backend, kind, document):
        """Send an outbound canonical document; the 3PL's id of it."""
        with self._provider(backend) as provider:
            if kind == "fulfilment_order":
                external_id, _created = provider.release(document)
            elif kind == "inbound_notice":
                external_id = provider.announce(document)
            elif kind == "return_notice":
                external_id = provider.announce_return(document)
            else:  # pragma: no cover - a programming error
                raise ValueError(kind)
        return external_id

    @api.model
    def _cancel(self, backend, picking):
        with self._provider(backend) as provider:
            return provider.cancel(picking.name, picking.tpl_external_id or None)

    @api.model
    def _shipments_since(self, backend, since):
        with self._provider(backend) as provider:
            return provider.shipments_since(since or None)

    @api.model
    def _receipts_since(self, backend, since):
        with self._provider(backend) as provider:
            return provider.receipts_since(since or None)

    @api.model
    def _snapshot(self, backend):
        as_of = fields.Datetime.now().replace(microsecond=0).isoformat() + "Z"
        with self._provider(backend) as provider:
            return provider.snapshot(as_of, warehouse_code=backend.tpl_facility_code or None)

    @api.model
    def _webhook_payloads(self, backend, topic, body):
        """The confirmations a verified webhook carries. A body that holds
        them all (a whole order) needs no call back to the 3PL: no client is
        opened (nor its token decrypted) for it."""
        _client_class, provider_class, _url = PROVIDERS[backend.tpl_provider]
        if provider_class.self_contained(topic, body):
            return provider_class(None).webhook_payloads(topic, body)
        with self._provider(backend) as provider:
            return provider.webhook_payloads(topic, body)
