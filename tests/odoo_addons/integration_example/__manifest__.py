{
    "name": "Integration Example Channel (tests only)",
    "summary": "A channel built from nothing but selection_add, a topic table, a client class and "
    "a mapper: the proof of integration_core's channel contract (readme/DEVELOP.md). Never shipped.",
    "version": "17.0.1.0.0",
    "category": "Hidden/Tests",
    "license": "LGPL-3",
    "author": "Integration Suite",
    "website": "https://github.com/integration-suite/odoo-integration-suite",
    "depends": ["integration_core"],
    "data": [],
    "installable": True,
}
