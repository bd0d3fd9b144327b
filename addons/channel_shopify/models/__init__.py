from . import (
    integration_backend,
    shopify_exporter,
    shopify_gateway_map,
    shopify_importer,
)
