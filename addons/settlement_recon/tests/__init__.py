from . import test_payout_posting, test_provider_sandboxes, test_settlement_access, test_shopify_payments
