/** @odoo-module **/
// An operations manager opens the root causes, opens the unmapped-tax
// cause, maps the tax once in the fix wizard and sees every event of the
// cause replayed and done.
import { registry } from "@web/core/registry";
import { openMenuItem } from "@integration_core/../tests/tours/menu_steps";

registry.category("web_tour.tours").add("integration_core_root_causes", {
    test: true,
    url: "/web",
    steps: () => [
        ...openMenuItem(
            "integration_core.integration_menu_root",
            "integration_core.integration_menu_exceptions",
            "integration_core.integration_cause_menu"
        ),
        {
            content: "The unmapped tax is one cause of three events",
            trigger:
                '.o_list_view .o_data_row:has(td[name="template"]:contains("Unmapped tax")) td[name="event_count"]:contains("3")',
            isCheck: true,
        },
        {
            content: "Open the cause",
            trigger: '.o_list_view .o_data_row td[name="template"]:contains("Unmapped tax")',
        },
        {
            content: "Fix it",
            trigger: '.o_form_view .o_statusbar_buttons button[name="action_fix"]',
        },
        {
            content: "The wizard lists the two distinct taxes: pick the Odoo tax of the first",
            trigger: '.o_data_row:has(td:contains("State Tax")) td[name="tax_id"]',
        },
        {
            content: "Type the tax",
            trigger: '.o_data_row td[name="tax_id"] input',
            run: "text Tour State",
        },
        {
            content: "Choose it",
            trigger: '.o-autocomplete--dropdown-item:contains("Tour State")',
        },
        {
            content: "Pick the Odoo tax of the second",
            trigger: '.o_data_row:has(td:contains("County Tax")) td[name="tax_id"]',
        },
        {
            content: "Type the tax",
            trigger: '.o_data_row:has(td:contains("County Tax")) td[name="tax_id"] input',
            run: "text Tour County",
        },
        {
            content: "Choose it",
            trigger: '.o-autocomplete--dropdown-item:contains("Tour County")',
        },
        {
            content: "Fix and replay",
            trigger: '.modal-footer button[name="action_apply"]',
        },
        {
            content: "The replayed events are all done",
            trigger:
                '.o_list_view:has(.o_data_row td[name="state"]:contains("Done")):not(:has(.o_data_row td[name="state"]:not(:contains("Done"))))',
            isCheck: true,
        },
        {
            content: "All three of them",
            trigger: ".o_list_view .o_data_row:eq(2)",
            isCheck: true,
        },
    ],
});
