from . import test_bank_access, test_bank_import, test_bank_matching, test_payout_posting
