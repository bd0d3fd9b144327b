/** @odoo-module **/
// An operations user opens the exception queue, narrows it to failed
// events, opens one and retries it.
import { registry } from "@web/core/registry";
import { openMenuItem } from "@integration_core/../tests/tours/menu_steps";

registry.category("web_tour.tours").add("integration_core_exception_queue", {
    test: true,
    url: "/web",
    steps: () => [
        ...openMenuItem(
            "integration_core.integration_menu_root",
            "integration_core.integration_menu_exceptions",
            "integration_core.integration_event_menu_exceptions"
        ),
        {
            content: "The queue lists failed and dead events",
            trigger: '.o_list_view .o_data_row td[name="external_id"]:contains("TOUR-DEAD")',
            isCheck: true,
        },
        {
            content: "Open the search options",
            trigger: ".o_control_panel .o_searchview_dropdown_toggler",
        },
        {
            content: "Filter the failed events",
            trigger: '.o_filter_menu .o_menu_item:contains("Failed")',
        },
        {
            content: "Only failed events remain",
            trigger: '.o_list_view:not(:has(td[name="external_id"]:contains("TOUR-DEAD")))',
            isCheck: true,
        },
        {
            content: "Open the failed event",
            trigger: '.o_list_view .o_data_row td[name="external_id"]:contains("TOUR-FAILED")',
        },
        {
            content: "Its cause is shown in plain words",
            trigger: '.o_form_view .alert-danger:contains("Unknown product")',
            isCheck: true,
        },
        {
            content: "Retry it",
            trigger: '.o_form_view .o_statusbar_buttons button[name="action_retry"]',
        },
        {
            content: "The event is queued again",
            trigger: '.o_form_view .o_statusbar_status button.o_arrow_button_current:contains("Queued")',
            isCheck: true,
        },
    ],
});
