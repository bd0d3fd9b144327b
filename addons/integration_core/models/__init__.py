from . import (
    integration_backend,
    integration_binding,
    integration_credential,
    integration_event,
    integration_event_run,
    integration_flow,
    integration_location_map,
    integration_order_importer,
    integration_shipment_importer,
    integration_tax_map,
    ir_http,
    sale_order_line,
)
