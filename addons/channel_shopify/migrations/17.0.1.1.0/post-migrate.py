"""17.0.1.1.0: bulk reads add the products.bulk_poll and orders.bulk_poll
topics; the flows of existing stores list them too, so the catalog counts
their events."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    backends = (
        env["integration.backend"].with_context(active_test=False).search([("backend_type", "=", "shopify")])
    )
    backends._shopify_default_flows()
