import json

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..models.integration_cause import FIX_KINDS
from ..models.integration_event import FIXABLE_STATES

RATE_TOLERANCE = 1e-6


class IntegrationCauseFix(models.TransientModel):
    """Fix a root cause once, then replay every failed or dead event of it.

    What the fix does depends on the cause (its ``fix_kind``): create the
    missing tax mappings (one line per distinct tax, the user picks the
    Odoo tax), link unknown SKUs to products, activate an inactive
    currency, or nothing (the user fixed something by hand). The replay is
    integration.event's own retry action, run as the caller: events
    already done or queued again are not the cause's any more, so a second
    run finds nothing and enqueues nothing.

    Nothing the client sends is trusted: the events are searched again as
    the caller (record rules apply), the lines only carry the user's
    choices, and what they apply to is recomputed from the events.
    """

    _name = "integration.cause.fix"
    _description = "Fix an Integration Root Cause"

    fingerprint = fields.Char(required=True, readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    fix_kind = fields.Selection(FIX_KINDS, required=True, readonly=True, default="manual")
    template = fields.Char(string="Root cause", readonly=True)
    event_count = fields.Integer(string="Events to replay", readonly=True)
    line_ids = fields.One2many("integration.cause.fix.line", "wizard_id", string="Values")

    @api.model
    def _start(self, cause):
        """A wizard for ``cause`` (an integration.cause the caller may read)."""
        self.env["integration.cause"]._check_caller_company(cause.company_id)
        wizard = self.create(
            {
                "fingerprint": cause.fingerprint,
                "company_id": cause.company_id.id,
                "fix_kind": cause.fix_kind or "manual",
                "template": cause.template,
            }
        )
        events = wizard._events()
        wizard.event_count = len(events)
        wizard.line_ids = [fields.Command.create(values) for values in wizard._line_values(events)]
        return wizard

    # ------------------------------------------------------------------------------

    def _events(self):
        """The cause's failed and dead events, as the caller sees them."""
        self.ensure_one()
        return self.env["integration.event"].search(
            [
                ("error_fingerprint", "=", self.fingerprint),
                ("company_id", "=", self.company_id.id),
                ("state", "in", list(FIXABLE_STATES)),
            ],
            order="id",
        )

    @staticmethod
    def _variables(event):
        try:
            variables = json.loads(event.error_variables or "null")
        except ValueError:
            return {}
        return variables if isinstance(variables, dict) else {}

    def _values_by_key(self, events):
        """{key: (label, values, backends)}: the distinct values the fix needs,
        with the backends whose events carry them."""
        found = {}
        for event in events:
            variables = self._variables(event)
            for key, label, values in self._keys(variables):
                entry = found.setdefault(key, [label, values, event.backend_id.browse()])
                entry[2] |= event.backend_id
        return found

    def _keys(self, variables):
        """[(key, label, line values)] for one event's variables."""
        if self.fix_kind == "tax_mapping" and variables.get("title") is not None:
            fraction = float(variables.get("fraction") or 0.0)
            title = str(variables["title"])
            label = _("%(title)s at %(rate)s%%", title=title, rate=variables.get("rate"))
            return [(("tax", title, round(fraction, 6)), label, {"title": title, "rate": fraction})]
        if self.fix_kind == "product":
            return [
                (("sku", str(sku)), str(sku), {"sku": str(sku)}) for sku in variables.get("sku_list") or []
            ]
        if self.fix_kind == "currency" and variables.get("currency"):
            name = str(variables["currency"])
            return [(("currency", name), name, {"currency_name": name})]
        return []

    def _line_values(self, events):
        return [
            dict(values, label=label, backend_ids=[fields.Command.set(backends.ids)])
            for label, values, backends in self._values_by_key(events).values()
        ]

    # ------------------------------------------------------------------------------

    def _check_caller(self):
        self.ensure_one()
        self.env["integration.cause"]._check_caller_company(self.company_id)
        if self.env.su:
            return
        if not self.env.user.has_group("integration_core.group_integration_user"):
            raise AccessError(_("Only Integration Users may replay events."))
        if self.fix_kind != "manual" and not self.env.user.has_group(
            "integration_core.group_integration_manager"
        ):
            raise AccessError(
                _("Only Integration Managers may fix a cause (create mappings, activate currencies).")
            )

    def action_apply(self):
        """Fix the cause, then replay its failed and dead events."""
        self.ensure_one()
        self._check_caller()
        events = self._events()
        if self.fix_kind != "manual":
            found = self._values_by_key(events)
            lines = {line._key(): line for line in self.line_ids}
            for key, (_label, _values, backends) in found.items():
                line = lines.get(key)
                getattr(self, f"_fix_{self.fix_kind}")(line, key, backends)
        if not events:
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "title": _("Nothing to replay"),
                    "message": _("No failed or dead event has this cause any more."),
                    "type": "info",
                    "next": {"type": "ir.actions.act_window_close"},
                },
            }
        events.action_retry()
        action = self.env["ir.actions.act_window"]._for_xml_id("integration_core.integration_event_action")
        action.update(
            name=_("Replayed events"),
            domain=[("id", "in", events.ids)],
            context={},
            target="main",
        )
        return action

    def _fix_tax_mapping(self, line, key, backends):
        _kind, title, fraction = key
        if not line or not line.tax_id:
            raise UserError(_("Pick the Odoo tax for %s.", line.label if line else title))
        TaxMap = self.env["integration.tax.map"]
        for backend in backends:
            existing = backend.tax_map_ids.filtered(
                lambda m: m.title == title and (not m.rate or abs(m.rate - fraction) < RATE_TOLERANCE)
            )
            if not existing:
                TaxMap.create(
                    {"backend_id": backend.id, "title": title, "rate": fraction, "tax_id": line.tax_id.id}
                )

    def _fix_product(self, line, key, backends):
        sku = key[1]
        if not line or not line.product_id:
            raise UserError(_("Pick the product of SKU %s.", sku))
        product = line.product_id.sudo()
        if product.company_id and product.company_id != self.company_id:
            raise UserError(_("The product %s belongs to another company.", product.display_name))
        if product.default_code == sku:
            return
        if product.default_code:
            raise UserError(
                _(
                    "The product %(product)s has the internal reference %(code)s: SKU %(sku)s cannot be "
                    "linked to it. Pick another product or change its reference.",
                    product=product.display_name,
                    code=product.default_code,
                    sku=sku,
                )
            )
        # the importer finds a product by SKU = internal reference
        product.default_code = sku

    def _fix_currency(self, line, key, backends):
        currency = (
            self.env["res.currency"]
            .sudo()
            .with_context(active_test=False)
            .search([("name", "=", key[1])], limit=1)
        )
        if not currency:
            raise UserError(_("Odoo has no currency %s.", key[1]))
        if not currency.active:
            currency.active = True


class IntegrationCauseFixLine(models.TransientModel):
    _name = "integration.cause.fix.line"
    _description = "Fix an Integration Root Cause: one value"

    wizard_id = fields.Many2one("integration.cause.fix", required=True, ondelete="cascade")
    company_id = fields.Many2one(related="wizard_id.company_id")
    label = fields.Char(string="Value", readonly=True)
    title = fields.Char(readonly=True)
    rate = fields.Float(digits=(16, 6), readonly=True)
    sku = fields.Char(string="SKU", readonly=True)
    currency_name = fields.Char(string="Currency", readonly=True)
    backend_ids = fields.Many2many("integration.backend", string="Backends", readonly=True)
    tax_id = fields.Many2one(
        "account.tax",
        string="Odoo tax",
        domain="[('type_tax_use', '=', 'sale'), ('company_id', '=', company_id)]",
    )
    product_id = fields.Many2one("product.product", string="Product")

    def _key(self):
        self.ensure_one()
        if self.title:
            return ("tax", self.title, round(self.rate, 6))
        if self.sku:
            return ("sku", self.sku)
        if self.currency_name:
            return ("currency", self.currency_name)
        return None
