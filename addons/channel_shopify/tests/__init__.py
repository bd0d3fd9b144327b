from . import (
    test_bulk_import,
    test_demo_data,
    test_fixtures_contract,
    test_fulfillment_stock_refund,
    test_orders,
    test_prices_access,
    test_prices_b2b,
    test_topics,
    test_trace_dispatch,
    test_ui,
    test_variant_binding,
    test_webhooks,
)
