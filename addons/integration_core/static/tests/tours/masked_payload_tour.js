/** @odoo-module **/
// An Integration User (no manager rights) opens a failed event: the
// canonical payload is shown masked, the real one is not on the page, and
// the user can still retry the event.
import { registry } from "@web/core/registry";
import { openMenuItem } from "@integration_core/../tests/tours/menu_steps";

registry.category("web_tour.tours").add("integration_core_masked_payload", {
    test: true,
    url: "/web",
    steps: () => [
        ...openMenuItem(
            "integration_core.integration_menu_root",
            "integration_core.integration_menu_exceptions",
            "integration_core.integration_event_menu_exceptions"
        ),
        {
            content: "Open the failed event",
            trigger: '.o_list_view .o_data_row td[name="external_id"]:contains("TOUR-FAILED")',
        },
        {
            content: "The canonical payload is shown masked",
            trigger: '.o_form_view .o_field_widget[name="payload_canonical_masked"]:contains("***")',
            isCheck: true,
        },
        {
            content: "No customer name in it",
            trigger:
                '.o_form_view .o_field_widget[name="payload_canonical_masked"]:not(:contains("Lovelace"))',
            isCheck: true,
        },
        {
            content: "The unmasked payload is not on the page",
            trigger: '.o_form_view:not(:has(.o_field_widget[name="payload_canonical"]))',
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
