from . import test_fixtures_contract
from . import test_fulfillment_stock_refund
from . import test_orders
from . import test_webhooks
