"""ORM-free Shopify building blocks of channel_shopify: GraphQL client,
mappers to the canonical schemas, webhook signature checks.

Import the modules directly (``from .lib import mapper``); the HTTP client
pulls in ``requests`` only when :mod:`.client` is imported.

Importing this package registers the channel's own canonical kinds
(``../schemas``: ``shopify_refund``) with integration_core, in Odoo as in
plain tests.
"""

from pathlib import Path

from odoo.addons.integration_core.lib.canonical import register_schema_dir

SCHEMAS_DIR = Path(__file__).resolve().parent.parent / "schemas"
register_schema_dir(SCHEMAS_DIR)
