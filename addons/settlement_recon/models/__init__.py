from . import (
    account_move_line,
    integration_backend,
    integration_order_transaction,
    settlement_fetcher,
    settlement_line,
    settlement_payout,
    settlement_provider_account,
    settlement_provider_account_kpi,
    settlement_type_map,
)
