/** @odoo-module **/
// The settlement workbench as the finance team uses it (the Python side,
// tests/test_settlement_tour.py, makes the data): a payout opened from
// Invoicing > Settlements > Payouts with its lines explained (what each is,
// which order it paid, matched or why not); then a bank line whose payout is
// ambiguous, accepted from the suggestions, and the payout reconciled. A
// third tour opens every Settlements menu as a billing user.
// Steps find rows and fields by name (translations aside).
import { registry } from "@web/core/registry";
import { openMenuItem } from "@integration_core/../tests/tours/menu_steps";

const INVOICING = "account.menu_finance";
const SETTLEMENTS = "settlement_recon.settlement_menu_root";
const menu = (item) => openMenuItem(INVOICING, SETTLEMENTS, `settlement_recon.${item}`);

// rows of the test's backend only (a database with demo data has the demo providers' too)
const PAYOUT_ROW = '.o_data_row:has(td[name="name"]:contains("po_tour_1"))';
const LINES = '.o_form_view .o_field_widget[name="line_ids"]';

registry.category("web_tour.tours").add("settlement_recon_payout", {
    test: true,
    url: "/web",
    steps: () => [
        ...menu("settlement_payout_menu"),
        {
            content: "The test's payout is booked, its bank line awaited",
            trigger: `${PAYOUT_ROW} td[name="state"]:contains("Booked")`,
            isCheck: true,
        },
        {
            content: "Open it",
            trigger: `${PAYOUT_ROW} td[name="name"]`,
        },
        {
            content: "Booked: it has its journal entry",
            trigger: '.o-form-buttonbox button.oe_stat_button[name="action_open_move"]',
            isCheck: true,
        },
        {
            content: "The charge: its family, the order it paid, matched",
            trigger: `${LINES} .o_data_row:has(td[name="family"]:contains("Charge")):has(td[name="sale_order_id"]:not(:empty)) td[name="match_state"]:contains("Matched")`,
            isCheck: true,
        },
        {
            content: "The refund: matched to its order's refund",
            trigger: `${LINES} .o_data_row:has(td[name="family"]:contains("Refund")) td[name="match_state"]:contains("Matched")`,
            isCheck: true,
        },
        {
            content: "The dispute: matched to the sale it disputes, its order named",
            trigger: `${LINES} .o_data_row:has(td[name="family"]:contains("Dispute")):has(td[name="sale_order_id"]:not(:empty)) td[name="match_state"]:contains("Matched")`,
            isCheck: true,
        },
        {
            content: "A charge for an order Odoo does not know: unmatched, and why",
            trigger: `${LINES} .o_data_row:has(td[name="match_state"]:contains("Unmatched")) td[name="reason_code"]:contains("No order found")`,
            isCheck: true,
        },
        {
            content: "The refund's line names its order too",
            trigger: `${LINES} .o_data_row:has(td[name="family"]:contains("Refund")) td[name="sale_order_id"]:not(:empty)`,
            isCheck: true,
        },
    ],
});

// the test's two payouts of the same amount, one bank line: suggestions, never an automatic match
const SUGGESTION = '.o_data_row:has(td[name="payout_ids"]:contains("po_tour_")):has(td[name="state"]:contains("Suggested"))';
const TOUR_PAYOUT = (state) =>
    `.o_data_row:has(td[name="name"]:contains("po_tour_")) td[name="state"]:contains("${state}")`;

registry.category("web_tour.tours").add("settlement_recon_accept_suggestion", {
    test: true,
    url: "/web",
    steps: () => [
        ...menu("settlement_payout_menu"),
        {
            content: "Both payouts are booked, waiting for their bank line",
            trigger: TOUR_PAYOUT("Booked"),
            isCheck: true,
        },
        ...menu("settlement_match_menu"),
        {
            content: "The bank line fits both payouts: a suggestion, with its alternative",
            trigger: SUGGESTION,
            isCheck: true,
        },
        {
            content: "Select the first suggestion",
            trigger: `${SUGGESTION} td.o_list_record_selector input`,
            run: "click",
        },
        {
            content: "Accept it",
            trigger: '.o_control_panel button[name="action_accept"], .o_list_view button[name="action_accept"]',
        },
        {
            content: "Answered: no suggestion of these payouts waits any more (the other one went with it)",
            trigger: '.o_list_view:not(:has(.o_data_row td[name="payout_ids"]:contains("po_tour_")))',
            isCheck: true,
        },
        ...menu("settlement_payout_menu"),
        {
            content: "The chosen payout is reconciled with the bank line",
            trigger: TOUR_PAYOUT("Reconciled"),
        },
        {
            content: "Its bank line is set",
            trigger: '.o_form_view .o_field_widget[name="bank_line_id"]:not(:empty)',
            isCheck: true,
        },
        {
            content: "Back to the payouts",
            trigger: ".o_breadcrumb .breadcrumb-item:first a",
        },
        {
            content: "The other one still waits for its own bank line",
            trigger: TOUR_PAYOUT("Booked"),
            isCheck: true,
        },
    ],
});

// every Settlements menu a billing user has, opened in turn: a view loads, no error
export const BILLING_MENUS = [
    "settlement_kpi_menu",
    "settlement_payout_menu",
    "settlement_line_menu",
    "settlement_line_menu_unmatched",
    "settlement_bank_file_menu",
    "settlement_bank_line_menu",
    "settlement_match_menu",
];

registry.category("web_tour.tours").add("settlement_recon_menus", {
    test: true,
    url: "/web",
    steps: () =>
        BILLING_MENUS.flatMap((item) => [
            ...menu(item),
            {
                content: `${item}: its view is shown`,
                trigger: ".o_action_manager .o_view_controller:not(.o_loading)",
                isCheck: true,
            },
        ]),
});
