from . import (
    integration_backend,
    stock_picking,
    stock_warehouse,
    tpl_carrier_map,
    tpl_inbound,
    tpl_outbound,
    tpl_product_map,
    tpl_rest,
)
