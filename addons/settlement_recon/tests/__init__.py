from . import test_payout_posting
