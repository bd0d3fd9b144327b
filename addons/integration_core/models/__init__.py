from . import (
    integration_backend,
    integration_binding,
    integration_credential,
    integration_event,
    integration_flow,
    integration_location_map,
    integration_order_importer,
    integration_shipment_importer,
    integration_tax_map,
    sale_order_line,
)
