{
    "name": "Settlement Reconciliation",
    "summary": "Payment provider payouts (Shopify Payments, Stripe, PayPal) and bank statements "
    "(camt.052/053/054, MT940) explained line by line, matched and booked through clearing accounts",
    "version": "17.0.1.0.0",
    "category": "Accounting/Accounting",
    "license": "LGPL-3",
    "author": "Integration Suite",
    "website": "https://github.com/integration-suite/odoo-integration-suite",
    "depends": ["integration_core", "channel_shopify", "channel_edi", "account"],
    "external_dependencies": {"python": ["requests", "lxml", "mt940"]},
    "data": [
        "security/ir.model.access.csv",
        "security/settlement_recon_security.xml",
        "data/queue_job_data.xml",
        "views/settlement_payout_views.xml",
        "views/settlement_line_views.xml",
        "views/settlement_config_views.xml",
        "views/settlement_recon_menus.xml",
    ],
    "installable": True,
}
