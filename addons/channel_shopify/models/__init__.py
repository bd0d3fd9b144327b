from . import (
    integration_backend,
    integration_backend_sold_variants,
    shopify_b2b_exporter,
    shopify_exporter,
    shopify_gateway_map,
    shopify_importer,
    shopify_price_exporter,
    shopify_price_list_map,
)
