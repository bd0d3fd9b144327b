"""17.0.1.2.0: the demo store's webhook token and secrets used to be fixed,
published values; a database created with them gets random ones now (the
demo tools read them from the database). Other stores keep theirs."""

import logging
import secrets

from odoo import SUPERUSER_ID, api

from odoo.addons.integration_core.lib.exceptions import IntegrationError

_logger = logging.getLogger(__name__)

PUBLISHED = {
    "access_token": "shpat_demo_access_token",
    "client_secret": "demo_client_secret",
}


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    Backend = env["integration.backend"].with_context(active_test=False)
    for backend in Backend.search([("backend_type", "=", "shopify")]):
        if backend.webhook_token == "demo-shopify":
            backend.webhook_token = secrets.token_urlsafe(24)
            _logger.warning("Shopify backend %s: the published demo webhook token was replaced", backend.id)
        for key, published in PUBLISHED.items():
            try:
                value = backend._get_secret(key, required=False)
            except IntegrationError as exc:  # no key configured: the values cannot be read
                _logger.warning("Shopify backend %s: demo credentials not checked (%s)", backend.id, exc)
                break
            if value == published:
                backend._set_secret(key, secrets.token_urlsafe(32))
                _logger.warning("Shopify backend %s: the published demo %s was replaced", backend.id, key)
