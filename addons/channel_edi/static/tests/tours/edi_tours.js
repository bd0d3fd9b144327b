/** @odoo-module **/
// An operations user follows a retailer's purchase order from the trading
// partner's screen: the 850 received, the sale order it became, and the
// 855, 856 and 810 that went back, each with its control numbers.
import { registry } from "@web/core/registry";
import { openMenuItem } from "@integration_core/../tests/tours/menu_steps";

function documentRow(setType, direction) {
    return `.o_data_row:has(td[name="set_type"]:contains("${setType}")):has(td[name="direction"]:contains("${direction}"))`;
}

registry.category("web_tour.tours").add("channel_edi_order_to_invoice", {
    test: true,
    url: "/web",
    steps: () => [
        ...openMenuItem(
            "integration_core.integration_menu_root",
            "integration_core.integration_menu_configuration",
            "channel_edi.integration_backend_menu_edi"
        ),
        {
            content: "Open the retailer's profile",
            trigger: '.o_data_row td[name="name"]:contains("Retail Co EDI")',
        },
        {
            content: "Its profile: an X12 partner",
            trigger: '.o_field_widget[name="edi_standard"]:contains("X12")',
            isCheck: true,
        },
        {
            content: "Open its EDI documents",
            trigger: 'button[name="action_open_edi_documents"]',
        },
        {
            content: "The 850 was received",
            trigger: `${documentRow("850", "Received")} td[name="reference"]:contains("PO-7788")`,
            isCheck: true,
        },
        {
            content: "The 997 went back",
            trigger: documentRow("997", "Sent"),
            isCheck: true,
        },
        {
            content: "The 855 went back",
            trigger: `${documentRow("855", "Sent")} td[name="reference"]:contains("PO-7788")`,
            isCheck: true,
        },
        {
            content: "The 856 went out with the delivery",
            trigger: documentRow("856", "Sent"),
            isCheck: true,
        },
        {
            content: "The 810 went out with the invoice, and the retailer accepted it",
            trigger: `${documentRow("810", "Sent")} td[name="ack_state"]:contains("Accepted")`,
            isCheck: true,
        },
        {
            content: "The 850's record is the sale order it became",
            trigger: `${documentRow("850", "Received")} td[name="record_name"]:contains("S0")`,
            isCheck: true,
        },
        {
            content: "Open the 850",
            trigger: `${documentRow("850", "Received")} td[name="reference"]`,
        },
        {
            content: "Its control numbers as the retailer wrote them",
            trigger: '.o_field_widget[name="interchange_control"]:contains("000000101")',
            isCheck: true,
        },
        {
            content: "Open the sale order it became",
            trigger: 'button[name="action_open_record"]',
        },
        {
            content: "The sale order, with the retailer's lines",
            trigger: '.o_form_view .o_field_widget[name="order_line"] .o_data_row',
            isCheck: true,
        },
    ],
});
