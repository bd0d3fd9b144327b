from . import (
    test_concurrency,
    test_credentials,
    test_event_processing,
    test_monitoring,
    test_order_importer,
    test_security,
    test_shipment_importer,
    test_ui,
    test_webhook,
)
