from . import (
    integration_backend,
    res_company,
    trading_partner_counter,
    trading_partner_document,
    trading_partner_endpoint,
    trading_partner_exporter,
    trading_partner_identity,
    trading_partner_importer,
    trading_partner_sscc,
    trading_partner_transport,
)
