from . import (
    test_access_rpc,
    test_circuit_outage,
    test_concurrency,
    test_credentials,
    test_event_processing,
    test_job_runs,
    test_monitoring,
    test_order_importer,
    test_security,
    test_shipment_importer,
    test_ui,
    test_webhook,
)
