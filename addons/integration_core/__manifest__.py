{
    "name": "Integration Core",
    "summary": "The integration layer inside Odoo: backends, bindings, events, "
    "jobs, canonical models, exception queue, webhooks and monitoring",
    "version": "17.0.1.0.0",
    "category": "Technical/Integrations",
    "license": "LGPL-3",
    "author": "Integration Suite",
    "website": "https://github.com/integration-suite/odoo-integration-suite",
    "depends": ["mail", "queue_job", "sale_stock"],
    "external_dependencies": {"python": ["requests", "jsonschema", "cryptography"]},
    "data": [
        "security/integration_core_groups.xml",
        "security/ir.model.access.csv",
        "views/integration_core_menus.xml",
    ],
    "installable": True,
    "application": True,
}
