"""A customer's 860 / ORDCHG applied to the sale order its 850 became.

We supply. Per line, the change code (X12 POC02) says what changes:

==========  ==============================================================
AI          add the line (product by GTIN, our or the buyer's part number)
DI          delete the line (a confirmed order's line goes to quantity 0)
QD / QI     the new ordered quantity (POC03)
PC          the new unit price (POC06)
CA, CT...   whatever the line gives: quantity, price, requested date
==========  ==============================================================

The order's requested delivery date (header or line DTM) becomes its
commitment date. BCH01 ``01`` cancels the whole order.

A change is refused (a business-rule error the partner's contact sees in
the exception queue) once picking has started: a transfer of the order is
done, or a move line was picked. Draft and confirmed orders take changes;
for a confirmed one Odoo updates the delivery from the sale lines.
"""

from markupsafe import Markup, escape

from odoo import _, api, fields, models
from odoo.tools import float_compare

from odoo.addons.integration_core.lib.exceptions import BusinessRuleError, MappingError

from .trading_partner_po_ack import ack_date, to_float

ADD, DELETE = "AI", "DI"
QUANTITY_CODES = {"QD", "QI"}
PRICE_CODES = {"PC"}
CANCEL_PURPOSE = "01"


class TradingPartnerOrderChange(models.AbstractModel):
    _name = "trading.partner.order.change"
    _description = "EDI: customer order changes (860 in)"

    @api.model
    def _apply(self, backend, sale, typed, row=None):
        """Apply the typed 860 ``typed`` to ``sale``; returns the sale."""
        sale = sale.sudo()
        self._check_changeable(backend, sale, typed)
        notes = []
        if typed.get("change_purpose") == CANCEL_PURPOSE:
            sale._action_cancel()
            notes.append(_("the whole order is cancelled"))
        else:
            lines = sale.order_line.filtered(lambda l: not l.display_type)
            for index, change in enumerate(typed.get("lines") or []):
                notes += self._apply_line(backend, sale, lines, change, index)
            requested = self._requested_date(typed)
            if requested:
                sale.commitment_date = fields.Datetime.to_datetime(requested).replace(hour=12)
                notes.append(_("requested delivery date: %s", fields.Date.to_string(requested)))
        body = Markup("<p>%s</p>") % _(
            "Order change (860) %(sequence)s from %(partner)s applied.",
            sequence=typed.get("change_sequence") or "",
            partner=backend.name,
        )
        if notes:
            body += Markup("<ul>%s</ul>") % Markup("").join(Markup("<li>%s</li>") % escape(n) for n in notes)
        sale.message_post(body=body)
        if row:
            row.sudo().write({"res_model": sale._name, "res_id": sale.id})
        return sale

    # ------------------------------------------------------------------------------

    @api.model
    def _check_changeable(self, backend, sale, typed):
        if sale.state == "cancel":
            raise BusinessRuleError(
                template=_("Order change refused: sale order %(order)s (PO %(po)s) is cancelled."),
                params={"order": sale.name, "po": typed.get("po_number")},
                code="edi.order_change_cancelled",
            )
        pickings = sale.picking_ids
        done = pickings.filtered(lambda p: p.state == "done")
        picked = pickings.move_ids.filtered(lambda m: m.state == "done" or m.picked).move_line_ids | (
            pickings.move_line_ids.filtered("picked")
        )
        if done or picked:
            started = (done or picked.picking_id)[:1]
            raise BusinessRuleError(
                template=_(
                    "Order change refused: picking has started for sale order %(order)s (PO %(po)s): "
                    "%(picking)s is %(how)s. Agree the change with %(partner)s outside EDI."
                ),
                params={
                    "order": sale.name,
                    "po": typed.get("po_number"),
                    "picking": started.name,
                    "how": _("done") if done else _("being picked"),
                    "partner": backend.name,
                },
                code="edi.order_change_picking_started",
            )

    @api.model
    def _requested_date(self, typed):
        dates = typed.get("dates") or {}
        text = dates.get("delivery_requested") if isinstance(dates, dict) else None
        return ack_date({"date": text}) if text else None

    @api.model
    def _sale_line(self, sale, lines, change):
        number = str(change.get("line") or "").strip()
        if number:
            found = lines.filtered(lambda l: l.integration_external_id == number)[:1]
            if found:
                return found
        product = self._product(None, sale, change, required=False)
        if product:
            found = lines.filtered(lambda l: l.product_id == product)
            if len(found) == 1:
                return found
        if number.isdigit() and 0 < int(number) <= len(lines):
            return lines[int(number) - 1]
        return self.env["sale.order.line"]

    @api.model
    def _product(self, backend, sale, change, required=True):
        """The product a change line names: buyer's part (binding), GTIN, our part."""
        ids = {k: str(v) for k, v in (change.get("product_ids") or {}).items() if v}
        Product = self.env["product.product"].sudo().with_company(sale.company_id)
        company_domain = [("company_id", "in", (sale.company_id.id, False))]
        if backend is not None:
            Binding = self.env["integration.binding"].sudo()
            for qualifier in ("BP", "IN"):
                if ids.get(qualifier):
                    bound = Binding._get_record(backend, "product.product", ids[qualifier])
                    if bound:
                        return bound
        for qualifier in ("UP", "EN", "UK", "UA", "SRV"):
            if ids.get(qualifier):
                code = ids[qualifier]
                found = Product.search(
                    [("barcode", "in", (code, code.lstrip("0"), code.zfill(13)))] + company_domain, limit=1
                )
                if found:
                    return found
        for qualifier in ("VN", "VP", "SK", "SA"):
            if ids.get(qualifier):
                found = Product.search([("default_code", "=", ids[qualifier])] + company_domain, limit=1)
                if found:
                    return found
        if required:
            raise MappingError(
                template=_("Order change for %(order)s: no product matches %(ids)s."),
                params={"order": sale.name, "ids": ", ".join(f"{k} {v}" for k, v in ids.items()) or "-"},
                code="edi.order_change_product",
            )
        return Product.browse()

    @api.model
    def _apply_line(self, backend, sale, lines, change, index):
        code = (change.get("change") or "").upper()
        quantity = to_float(change.get("quantity"))
        price = to_float(change.get("unit_price"))
        number = str(change.get("line") or index + 1)
        if code == ADD:
            product = self._product(backend, sale, change)
            values = {
                "order_id": sale.id,
                "product_id": product.id,
                "product_uom_qty": quantity or 0.0,
                "integration_external_id": number,
            }
            line = self.env["sale.order.line"].sudo().create(values)
            if price is not None:
                line.price_unit = price
            return [
                _(
                    "line %(line)s added: %(qty)s x %(product)s",
                    line=number,
                    qty=quantity,
                    product=product.display_name,
                )
            ]
        line = self._sale_line(sale, lines, change)
        if not line:
            raise MappingError(
                template=_("Order change for %(order)s: line %(line)s is not on the order."),
                params={"order": sale.name, "line": number},
                code="edi.order_change_line",
            )
        if code == DELETE:
            if sale.state in ("draft", "sent"):
                name = line.product_id.display_name
                line.unlink()
                return [_("line %(line)s (%(product)s) deleted", line=number, product=name)]
            line.product_uom_qty = 0.0
            return [
                _(
                    "line %(line)s (%(product)s) cancelled: quantity 0",
                    line=number,
                    product=line.product_id.display_name,
                )
            ]
        notes = []
        # one write: a quantity written alone would make Odoo recompute the
        # price from the pricelist, losing the price the customer ordered at
        values = {"price_unit": line.price_unit}
        rounding = line.product_uom.rounding
        if quantity is not None and (code in QUANTITY_CODES or code not in PRICE_CODES):
            if float_compare(line.product_uom_qty, quantity, precision_rounding=rounding) != 0:
                notes.append(
                    _(
                        "line %(line)s: quantity %(old)s -> %(new)s",
                        line=number,
                        old=line.product_uom_qty,
                        new=quantity,
                    )
                )
                values["product_uom_qty"] = quantity
        if price is not None and (code in PRICE_CODES or code not in QUANTITY_CODES):
            if line.currency_id.compare_amounts(price, line.price_unit) != 0:
                notes.append(
                    _("line %(line)s: price %(old)s -> %(new)s", line=number, old=line.price_unit, new=price)
                )
                values["price_unit"] = price
        if len(values) > 1 or values["price_unit"] != line.price_unit:
            line.write(values)
        line_date = self._requested_date(change)
        if line_date:
            sale.commitment_date = fields.Datetime.to_datetime(line_date).replace(hour=12)
            notes.append(
                _("line %(line)s: requested for %(date)s", line=number, date=fields.Date.to_string(line_date))
            )
        return notes
