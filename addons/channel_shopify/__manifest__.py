{
    "name": "Shopify Channel",
    "summary": "A Shopify store's order-to-cash through Odoo: orders, customers, "
    "products, stock, prices and Markets, B2B companies, fulfilments, cancellations and refunds",
    "version": "17.0.1.4.0",
    "category": "Sales/Sales",
    "license": "LGPL-3",
    "author": "Integration Suite",
    "website": "https://github.com/integration-suite/odoo-integration-suite",
    "depends": ["integration_core"],
    "external_dependencies": {"python": ["requests"]},
    "data": [
        "security/ir.model.access.csv",
        "security/channel_shopify_security.xml",
        "data/queue_job_data.xml",
        "views/integration_backend_views.xml",
        "views/integration_backend_sold_variants_views.xml",
        "views/channel_shopify_menus.xml",
    ],
    "demo": ["demo/channel_shopify_demo.xml"],
    "assets": {
        "web.assets_tests": ["channel_shopify/static/tests/tours/*.js"],
    },
    "installable": True,
}
