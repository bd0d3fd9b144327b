from . import (
    test_bank_access,
    test_bank_import,
    test_bank_matching,
    test_payout_posting,
    test_provider_sandboxes,
    test_settlement_access,
    test_shopify_payments,
)
