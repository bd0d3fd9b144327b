/** @odoo-module **/
// A user follows one transaction across two backends: the trace list, the
// trace with its events in time order and their states, then the Odoo record
// the first event made.
import { registry } from "@web/core/registry";
import { openMenuItem } from "@integration_core/../tests/tours/menu_steps";

const row = (n) => `.o_field_widget[name="event_ids"] .o_data_row:nth-child(${n})`;

registry.category("web_tour.tours").add("integration_core_trace_view", {
    test: true,
    url: "/web",
    steps: () => [
        ...openMenuItem(
            "integration_core.integration_menu_root",
            "integration_core.integration_menu_reporting",
            "integration_core.integration_trace_menu"
        ),
        {
            content: "Open the trace that crosses the tour's shop and warehouse",
            trigger: '.o_list_view .o_data_row td[name="backend_names"]:contains("Tour 3PL")',
        },
        {
            content: "The trace shows its worst state",
            trigger: '.o_form_view .o_statusbar_status button.o_arrow_button_current:contains("Failed")',
            isCheck: true,
        },
        {
            content: "First the order received from the shop",
            trigger: `${row(1)} td[name="topic"]:contains("order.created")`,
            isCheck: true,
        },
        {
            content: "then its release to the warehouse, done",
            trigger: `${row(2)} td[name="topic"]:contains("release.sent") ~ td[name="state"]:contains("Done")`,
            isCheck: true,
        },
        {
            content: "then the shipment confirmation, which failed",
            trigger: `${row(3)} td[name="topic"]:contains("shipment.confirmed") ~ td[name="state"]:contains("Failed")`,
            isCheck: true,
        },
        {
            content: "and the fulfilment sent back, which follows the confirmation",
            trigger: `${row(4)} td[name="parent_id"]:contains("shipment.confirmed")`,
            isCheck: true,
        },
        {
            content: "Open the customer the order came with",
            trigger: `${row(1)} button[name="action_open_record"]`,
        },
        {
            content: "The customer's form is open",
            trigger: '.o_breadcrumb .active:contains("Tour Customer Ltd")',
            isCheck: true,
        },
    ],
});
