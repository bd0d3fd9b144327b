{
    "name": "3PL Connector",
    "summary": "Third-party warehouses run from Odoo, over REST (ShipBob) and X12 4010: order release, "
    "cancellation, shipment and receipt confirmations, inventory reconciliation, returns",
    "version": "17.0.1.0.0",
    "category": "Inventory/Inventory",
    "license": "LGPL-3",
    "author": "Integration Suite",
    "website": "https://github.com/integration-suite/odoo-integration-suite",
    "depends": ["integration_core", "channel_edi", "resource"],
    "external_dependencies": {"python": ["requests"]},
    "data": [
        "security/ir.model.access.csv",
        "security/tpl_connector_security.xml",
        "data/queue_job_data.xml",
        "views/integration_backend_views.xml",
        "views/tpl_product_map_views.xml",
        "views/tpl_carrier_map_views.xml",
        "views/stock_picking_views.xml",
        "views/tpl_inventory_views.xml",
        "views/integration_backend_inventory_views.xml",
        "views/tpl_connector_menus.xml",
    ],
    "demo": ["demo/tpl_connector_demo.xml"],
    "assets": {
        "web.assets_tests": ["tpl_connector/static/tests/tours/*.js"],
    },
    "installable": True,
}
