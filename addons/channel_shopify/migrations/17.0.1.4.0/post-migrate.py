"""17.0.1.4.0: prices out and B2B. Existing Shopify stores get the new
default flows (price_delta, price_full, company_sync)."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["integration.backend"].with_context(active_test=False).search(
        [("backend_type", "=", "shopify")]
    )._ensure_default_flows()
