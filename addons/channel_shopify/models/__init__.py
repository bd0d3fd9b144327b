from . import integration_backend
from . import shopify_gateway_map
from . import shopify_importer
from . import shopify_exporter
from . import stock_picking
from . import stock_move
