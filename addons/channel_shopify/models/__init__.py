from . import (
    integration_backend,
    integration_backend_sold_variants,
    shopify_exporter,
    shopify_gateway_map,
    shopify_importer,
)
