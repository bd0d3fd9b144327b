/** @odoo-module **/
// The steps a tour starts with: through the apps menu, an app, one of its
// top menus, and an item of that menu (menus named by their XML ids).
import { stepUtils } from "@web_tour/tour_service/tour_utils";

export function openMenuItem(app, menu, item) {
    return [
        stepUtils.showAppsMenuItem(),
        { content: `Open the app ${app}`, trigger: `.o_app[data-menu-xmlid="${app}"]` },
        { content: `Open the menu ${menu}`, trigger: `.o_menu_sections [data-menu-xmlid="${menu}"]` },
        { content: `Open ${item}`, trigger: `.dropdown-item[data-menu-xmlid="${item}"]` },
    ];
}
