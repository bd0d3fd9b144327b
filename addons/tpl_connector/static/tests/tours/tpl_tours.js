/** @odoo-module **/
// An inventory user works a delivery of the 3PL warehouse: releases it now,
// later sees what the 3PL confirmed (a short: part shipped with its
// tracking, the rest kept as a backorder still at the 3PL), and resolves the
// short by asking the 3PL to cancel the rest. Steps find fields and buttons
// by name (translations aside); the Python test (test_tpl_tour.py) does
// the warehouse's work between the two tours.
import { registry } from "@web/core/registry";
import { openMenuItem } from "@integration_core/../tests/tours/menu_steps";

// Inventory > Operations > 3PL deliveries
const TPL_DELIVERIES = [
    "stock.menu_stock_root",
    "stock.menu_stock_warehouse_mgmt",
    "tpl_connector.stock_picking_tpl_stock_menu",
];


// rows of the test's 3PL only (a database with demo data has the Demo 3PL's too)
const OURS = '.o_data_row:has(td[name="tpl_backend_id"]:contains("Test 3PL"))';

registry.category("web_tour.tours").add("tpl_connector_release", {
    test: true,
    url: "/web",
    steps: () => [
        ...openMenuItem(...TPL_DELIVERIES),
        {
            content: "Open the reserved delivery of the Test 3PL (the test's, not the demo's)",
            trigger: `${OURS} td[name="name"]`,
        },
        {
            content: "Release it now, whatever the cut-off",
            trigger: '.o_form_view button[name="action_tpl_release_now"]',
        },
        {
            content: "Queued for the 3PL: to release (the connector's job sends it)",
            trigger: '.o_form_view .o_field_widget[name="tpl_state"]:contains("To release")',
            isCheck: true,
        },
    ],
});

registry.category("web_tour.tours").add("tpl_connector_resolve_short", {
    test: true,
    url: "/web",
    steps: () => [
        ...openMenuItem(...TPL_DELIVERIES),
        {
            content: "The delivery the 3PL shipped in part, with its tracking number",
            trigger: `${OURS}:has(td[name="tpl_state"]:contains("Partly confirmed")) td[name="carrier_tracking_ref"]:not(:empty)`,
            isCheck: true,
        },
        {
            content: "Open it",
            trigger: `${OURS}:has(td[name="tpl_state"]:contains("Partly confirmed")) td[name="name"]`,
        },
        {
            content: "Done in Odoo, partly confirmed by the 3PL",
            trigger: '.o_form_view .o_field_widget[name="tpl_state"]:contains("Partly confirmed")',
            isCheck: true,
        },
        {
            content: "Back to the 3PL deliveries",
            trigger: ".o_breadcrumb .breadcrumb-item:first a",
        },
        {
            content: "Open the backorder: the rest, still released to the 3PL",
            trigger: `${OURS}:has(td[name="tpl_state"]:contains("Released")) td[name="name"]`,
        },
        {
            content: "Ask the 3PL to cancel the rest",
            trigger: '.o_form_view button[name="action_tpl_cancel"]',
        },
        {
            content: "Confirm",
            trigger: ".modal-footer .btn-primary",
        },
        {
            content: "The cancellation is asked",
            trigger: '.o_form_view .o_field_widget[name="tpl_state"]:contains("Cancellation requested")',
            isCheck: true,
        },
    ],
});
