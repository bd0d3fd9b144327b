/** @odoo-module **/
// An Odoo admin connects a Shopify store (the local sandbox), tests the
// connection and asks for the orders; then finds an imported order in Sales.
import { registry } from "@web/core/registry";
import { openMenuItem } from "@integration_core/../tests/tours/menu_steps";

const SANDBOX_URL = "http://127.0.0.1:18071";

function addCredential(key, value) {
    return [
        {
            content: `Add the ${key} credential`,
            trigger: '.o_field_widget[name="credential_ids"] .o_field_x2many_list_row_add a',
        },
        {
            content: `Name it ${key}`,
            trigger: '.o_field_widget[name="credential_ids"] .o_selected_row .o_field_widget[name="key"] input',
            run: `text ${key}`,
        },
        {
            content: "Type its value (write-only)",
            trigger: '.o_field_widget[name="credential_ids"] .o_selected_row .o_field_widget[name="value"] input',
            run: `text ${value}`,
        },
    ];
}

registry.category("web_tour.tours").add("channel_shopify_configure", {
    test: true,
    url: "/web",
    steps: () => [
        ...openMenuItem(
            "integration_core.integration_menu_root",
            "integration_core.integration_menu_configuration",
            "channel_shopify.integration_backend_menu_shopify"
        ),
        {
            content: "Create a store",
            trigger: ".o_list_button_add",
        },
        {
            content: "Name it",
            trigger: '.o_field_widget[name="name"] input',
            run: "text Tour store",
        },
        {
            content: "Give the shop URL",
            trigger: '.o_field_widget[name="shopify_shop_url"] input',
            run: `text ${SANDBOX_URL}`,
        },
        ...addCredential("access_token", "shpat_sandbox_0123456789abcdef"),
        ...addCredential("client_secret", "sandbox-client-secret"),
        {
            content: "Save",
            trigger: ".o_form_button_save",
        },
        {
            content: "Saved",
            trigger: ".o_form_saved",
            isCheck: true,
        },
        {
            content: "Test the connection",
            trigger: '.o_form_statusbar button[name="action_test_connection"]',
        },
        {
            content: "Odoo reaches the store",
            trigger: '.o_notification:contains("Sandbox Outdoor Shop")',
            isCheck: true,
        },
        {
            content: "Ask for the orders",
            trigger: '.o_form_statusbar button[name="action_sync_orders"]',
        },
        {
            content: "The catch-up is queued",
            trigger: '.o_notification:contains("Order catch-up queued")',
            isCheck: true,
        },
    ],
});

registry.category("web_tour.tours").add("channel_shopify_order_in_sales", {
    test: true,
    url: "/web",
    steps: () => [
        ...openMenuItem(
            "sale.sale_menu_root",
            "sale.sale_order_menu",
            "sale.menu_sale_order"
        ),
        {
            content: "The Shopify order is there",
            trigger: '.o_list_view .o_data_row td:contains("Max Mustermann")',
        },
        {
            content: "It is a confirmed sales order for that customer",
            trigger:
                '.o_form_view .o_statusbar_status button.o_arrow_button_current:contains("Sales Order")',
            isCheck: true,
        },
    ],
});

// A price changed in Odoo reaches the Shopify store (the test then runs the
// export the change queued and reads the sandbox's variant).
registry.category("web_tour.tours").add("channel_shopify_price_out", {
    test: true,
    url: "/web",
    steps: () => [
        ...openMenuItem(
            "sale.sale_menu_root",
            "sale.product_menu_catalog",
            "sale.menu_product_template_action"
        ),
        {
            content: "Open the product sold on Shopify",
            trigger: '.o_kanban_record:contains("Price tour bottle")',
        },
        {
            content: "Give it a new sales price",
            trigger: '.o_field_widget[name="list_price"] input',
            run: "text 27.50",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
        },
        {
            content: "Saved",
            trigger: ".o_form_saved",
            isCheck: true,
        },
    ],
});
