{
    "name": "EDI Channel",
    "summary": "X12 and EDIFACT trading partners, customers and suppliers, over AS2 and SFTP: "
    "orders, acknowledgements, ship notices with SSCC labels, invoices, scorecards",
    "version": "17.0.1.0.0",
    "category": "Inventory/Inventory",
    "license": "LGPL-3",
    "author": "Integration Suite",
    "website": "https://github.com/integration-suite/odoo-integration-suite",
    "depends": ["integration_core"],
    "external_dependencies": {"python": ["pydifact", "asn1crypto", "paramiko", "cryptography", "requests"]},
    "data": [
        "security/ir.model.access.csv",
        "security/channel_edi_security.xml",
        "data/queue_job_data.xml",
        "data/ir_cron_data.xml",
        "views/integration_backend_views.xml",
        "views/trading_partner_document_views.xml",
        "views/trading_partner_sscc_views.xml",
        "views/res_company_views.xml",
        "views/channel_edi_menus.xml",
    ],
    "installable": True,
}
