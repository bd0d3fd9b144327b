"""ORM-free Shopify building blocks of channel_shopify: GraphQL client,
mappers to the canonical schemas, webhook signature checks.

Import the modules directly (``from .lib import mapper``); the HTTP client
pulls in ``requests`` only when :mod:`.client` is imported.
"""
