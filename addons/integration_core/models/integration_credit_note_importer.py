from odoo import _, api, fields, models

from ..lib import canonical, money
from ..lib.exceptions import BusinessRuleError, MappingError, ValidationFailed


class IntegrationCreditNoteImporter(models.AbstractModel):
    """Turns a canonical credit note (schemas/invoice.v1.json with
    ``move_type: credit_note``) into a posted customer credit note
    (account.move ``out_refund``); every channel reuses it.

    The credit note credits a sales order (``order_ref``: the order's
    external id on the backend, or its name in Odoo) or an invoice
    (``refunded_invoice_ref``: the invoice's external id on the backend, or
    its number), looked up in the backend's company only. Each line is
    linked to the order line it credits (``order_line_external_id``, else
    the SKU), whose product and taxes it takes; a line that matches none is
    credited as it is (name, price and its canonical taxes). Idempotent per
    external id: the credit note's binding, taken under an advisory lock,
    makes a second import return the first credit note.
    """

    _name = "integration.credit_note.importer"
    _description = "Integration Credit Note Importer"

    @api.model
    def _import_from_event(self, event, invoice):
        return self._import_credit_note(event.backend_id, invoice)

    @api.model
    def _import_credit_note(self, backend, invoice):
        canonical.validate("invoice", invoice)
        if invoice.get("move_type") != "credit_note":
            raise ValidationFailed(
                errors=[f"move_type: expected 'credit_note', got {invoice.get('move_type', 'invoice')!r}"]
            )
        Binding = self.env["integration.binding"].sudo()
        Binding._lock(backend, "account.move", invoice["external_id"])
        binding = Binding._find(backend, "account.move", invoice["external_id"])
        existing = binding._record() if binding else None
        if existing:
            return existing
        company = backend.company_id
        sale, original = self._credited(backend, invoice)
        currency = self._currency(invoice["currency"])
        partner = sale.partner_invoice_id if sale else original.partner_id
        values = {
            "move_type": "out_refund",
            "partner_id": partner.id,
            "currency_id": currency.id,
            "company_id": company.id,
            "invoice_origin": sale.name if sale else original.name,
            "ref": invoice["number"],
            "narration": invoice.get("note") or False,
            "invoice_line_ids": [
                fields.Command.create(values)
                for values in self._line_values(backend, invoice, sale, original, currency)
            ],
        }
        if invoice.get("date"):
            values["invoice_date"] = invoice["date"]
        if original:
            values["reversed_entry_id"] = original.id
        credit_note = (
            self.env["account.move"]
            .sudo()
            .with_company(company)
            .with_context(default_move_type="out_refund", tracking_disable=True)
            .create(values)
        )
        credit_note.action_post()
        Binding._bind(backend, credit_note, invoice["external_id"], binding=binding)
        return credit_note

    # ------------------------------------------------------------------------------
    # what is credited
    # ------------------------------------------------------------------------------

    def _credited(self, backend, invoice):
        """(sales order, original invoice) the credit note credits, each
        possibly empty but not both; in the backend's company only."""
        Binding = self.env["integration.binding"].sudo()
        company = backend.company_id
        sale = self.env["sale.order"]
        original = self.env["account.move"]
        if invoice.get("refunded_invoice_ref"):
            ref = invoice["refunded_invoice_ref"]
            original = Binding._get_record(backend, "account.move", ref) or original
            if not original:
                original = original.sudo().search(
                    [
                        ("name", "=", ref),
                        ("move_type", "=", "out_invoice"),
                        ("state", "=", "posted"),
                        ("company_id", "=", company.id),
                    ],
                    limit=1,
                )
            if not original or original.company_id != company or original.move_type != "out_invoice":
                raise MappingError(
                    _(
                        "refunded_invoice_ref: unknown invoice '%(ref)s' in %(company)s (no binding on the "
                        "backend, no posted customer invoice of that number). Import or post the invoice, "
                        "then replay.",
                        ref=ref,
                        company=company.name,
                    )
                )
        if invoice.get("order_ref"):
            ref = invoice["order_ref"]
            sale = Binding._get_record(backend, "sale.order", ref) or sale
            if not sale:
                sale = sale.sudo().search([("name", "=", ref), ("company_id", "=", company.id)], limit=1)
            if not sale or sale.company_id != company:
                raise MappingError(
                    _(
                        "order_ref: unknown sales order '%(ref)s' in %(company)s (no binding on the backend, "
                        "no order of that name). Import the order, then replay.",
                        ref=ref,
                        company=company.name,
                    )
                )
        if not sale and not original:
            raise MappingError(
                _(
                    "order_ref: a credit note names the sales order (order_ref) or the invoice "
                    "(refunded_invoice_ref) it credits; this one names neither."
                )
            )
        return sale, original

    def _currency(self, code):
        currency = (
            self.env["res.currency"].with_context(active_test=False).search([("name", "=", code)], limit=1)
        )
        if not currency:
            raise MappingError(_("currency: unknown currency %s.", code))
        if not currency.active:
            raise MappingError(
                _("currency: the currency %s is not active in Odoo: activate it, then replay.", code)
            )
        return currency

    # ------------------------------------------------------------------------------
    # lines
    # ------------------------------------------------------------------------------

    def _order_line(self, sale, line):
        if not sale:
            return self.env["sale.order.line"]
        lines = sale.order_line.filtered(lambda l: not l.display_type)
        if line.get("order_line_external_id"):
            found = lines.filtered(lambda l: l.integration_external_id == line["order_line_external_id"])[:1]
            if found:
                return found
        if line.get("sku"):
            return lines.filtered(lambda l: l.product_id.default_code == line["sku"])[:1]
        return lines.browse()

    def _line_values(self, backend, invoice, sale, original, currency):
        orders = self.env["integration.order.importer"].with_context(integration_tax_cache={})
        result = []
        for line in invoice["lines"]:
            quantity = money.to_decimal(line["quantity"])
            if not quantity:
                continue
            values = {
                "name": line["name"],
                "quantity": money.to_float(quantity),
                "price_unit": money.to_float(line["unit_price"]),
            }
            sale_line = self._order_line(sale, line)
            if sale_line:
                values.update(
                    product_id=sale_line.product_id.id,
                    name=sale_line.name,  # what the order said it was
                    tax_ids=[fields.Command.set(sale_line.tax_id.ids)],
                    sale_line_ids=[fields.Command.set(sale_line.ids)],
                )
            else:
                taxes = orders._taxes(backend, line.get("taxes") or [], False)
                values["tax_ids"] = [fields.Command.set(taxes.ids)]
                product = self._product(backend, line)
                if product:
                    values["product_id"] = product.id
            result.append(values)
        if not result:
            raise BusinessRuleError(
                _("Credit note %s credits nothing: every line has a quantity of 0.", invoice["number"])
            )
        return result

    def _product(self, backend, line):
        if not line.get("sku"):
            return None
        return (
            self.env["product.product"]
            .sudo()
            .search(
                [
                    ("default_code", "=", line["sku"]),
                    "|",
                    ("company_id", "=", False),
                    ("company_id", "=", backend.company_id.id),
                ],
                limit=1,
            )
        )
