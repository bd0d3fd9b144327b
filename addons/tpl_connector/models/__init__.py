from . import (
    integration_backend,
    integration_backend_inventory,
    stock_picking,
    stock_warehouse,
    tpl_carrier_map,
    tpl_inbound,
    tpl_inventory,
    tpl_inventory_snapshot,
    tpl_outbound,
    tpl_product_map,
    tpl_reason_map,
    tpl_rest,
)
