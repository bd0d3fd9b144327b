"""A supplier's 810 / INVOIC becomes a vendor bill, passed or held by a 3-way match.

We are the buyer. The invoice names our purchase order (BIG04) and, per
line, the PO line it bills (IT1, by line number or product id) with the
quantity and unit price invoiced. The bill (or the refund, for a credit
note) is created from the purchase lines, so that it is linked to them
(``purchase_line_id``) as if a user had made it from the order.

The 3-way match compares, per line, the purchase order (price), the receipt
(quantity received) and the invoice, with the partner's tolerances
(``edi_qty_tolerance_pct``, ``edi_price_tolerance_pct`` on the backend):

- ``qty_over_received``: more invoiced (with earlier bills) than received;
- ``not_received``: invoiced, nothing received yet;
- ``price_over_po``: a unit price above the order's;
- ``unknown_line``: a line that names no line of the order.

Within tolerance the bill is posted (``edi_match_state`` matched). Outside,
it stays a draft, held, with one ``trading.partner.bill.hold`` per reason
that a finance user resolves, or approves and posts at once.

The same invoice twice gives one bill: the EDI log refuses a file received
before, and the invoice number (``ref``) of the same supplier is checked too.
"""

from odoo import _, api, fields, models
from odoo.tools import float_compare, float_is_zero

from odoo.addons.integration_core.lib.exceptions import MappingError

from .trading_partner_po_ack import ack_date, to_float

CREDIT_TYPES = {"CR", "381", "CN"}


class TradingPartnerBill(models.AbstractModel):
    _name = "trading.partner.bill"
    _description = "EDI: supplier invoices (810 in) and the 3-way match"

    @api.model
    def _apply(self, backend, typed):
        """The vendor bill of the typed invoice ``typed`` (created, or the
        one made before from the same invoice number)."""
        number = (typed.get("invoice_number") or "").strip()
        if not number:
            raise MappingError(
                template=_("An invoice from %(partner)s has no invoice number."),
                params={"partner": backend.name},
                code="edi.invoice_number",
            )
        po_number = typed.get("po_number")
        if not po_number:
            raise MappingError(
                template=_("Invoice %(number)s from %(partner)s names no purchase order."),
                params={"number": number, "partner": backend.name},
                code="edi.invoice_no_po",
            )
        purchase = self.env["trading.partner.importer"]._purchase_of(backend, po_number)
        credit = self._is_credit(typed)
        existing = self._existing(backend, purchase, number, credit)
        if existing:
            return existing
        move_type = "in_refund" if credit else "in_invoice"
        previously = {line.id: line.qty_invoiced for line in purchase.order_line}
        rows = self._lines(backend, purchase, typed, number)
        bill = self._create_bill(backend, purchase, typed, number, move_type, rows)
        if credit:
            reasons = self._unknown_reasons(rows)
        else:
            reasons = self._match(backend, bill, rows, previously)
        self._note_total(bill, typed)
        self._decide(backend, bill, reasons)
        return bill

    @api.model
    def _note_total(self, bill, typed):
        """The invoice's own total (TDS / MOA 86) against the bill's: taxes,
        allowances and charges are not matched line by line, so a difference
        is said on the bill for the person who pays it."""
        total = to_float(typed.get("total"))
        if total is None or bill.currency_id.compare_amounts(total, bill.amount_total) == 0:
            return
        bill.message_post(
            body=_(
                "The supplier's invoice total is %(theirs)s, this bill's is %(ours)s (taxes, allowances or "
                "charges differ): check before paying.",
                theirs=typed.get("total"),
                ours=bill.amount_total,
            )
        )

    @api.model
    def _is_credit(self, typed):
        kind = str(typed.get("transaction_type") or typed.get("type") or typed.get("document_type") or "")
        return bool(typed.get("is_credit")) or kind.upper() in CREDIT_TYPES

    @api.model
    def _existing(self, backend, purchase, number, credit):
        partner = purchase.partner_id.commercial_partner_id
        return (
            self.env["account.move"]
            .sudo()
            .search(
                [
                    ("move_type", "=", "in_refund" if credit else "in_invoice"),
                    ("ref", "=", number),
                    ("commercial_partner_id", "=", partner.id),
                    ("company_id", "=", purchase.company_id.id),
                    ("state", "!=", "cancel"),
                ],
                limit=1,
            )
        )

    # ------------------------------------------------------------------------------
    # lines
    # ------------------------------------------------------------------------------

    @api.model
    def _lines(self, backend, purchase, typed, number):
        """[(invoice line dict, purchase line or empty, quantity, unit price)]."""
        PoAck = self.env["trading.partner.po.ack"]
        lines = purchase.order_line.filtered(lambda l: not l.display_type)
        rows = []
        for index, line in enumerate(typed.get("lines") or []):
            quantity = to_float(line.get("quantity"))
            price = to_float(line.get("unit_price"))
            if quantity is None or price is None:
                raise MappingError(
                    template=_("Invoice %(number)s line %(line)s: a quantity and a unit price are required."),
                    params={"number": number, "line": line.get("line") or index + 1},
                    code="edi.invoice_line",
                )
            try:
                purchase_line = PoAck._purchase_line(backend, purchase, lines, line, index)
            except MappingError:
                purchase_line = self.env["purchase.order.line"]
            rows.append((line, purchase_line, quantity, price))
        if not rows:
            raise MappingError(
                template=_("Invoice %(number)s from %(partner)s has no line."),
                params={"number": number, "partner": backend.name},
                code="edi.invoice_empty",
            )
        return rows

    @api.model
    def _create_bill(self, backend, purchase, typed, number, move_type, rows):
        purchase = purchase.sudo()
        values = purchase.with_context(default_move_type=move_type)._prepare_invoice()
        invoice_date = ack_date({"date": typed.get("invoice_date")}) or fields.Date.context_today(self)
        values.update(
            {
                "move_type": move_type,
                "ref": number,
                "payment_reference": number,
                "invoice_date": invoice_date,
                "edi_backend_id": backend.id,
            }
        )
        commands = []
        for sequence, (line, purchase_line, quantity, price) in enumerate(rows, 1):
            if purchase_line:
                vals = purchase_line._prepare_account_move_line()
                vals.update({"quantity": quantity, "price_unit": price, "sequence": sequence})
            else:
                vals = {
                    "display_type": "product",
                    "name": _(
                        "%(desc)s (invoice line %(line)s: not on %(po)s)",
                        desc=line.get("description") or ", ".join((line.get("product_ids") or {}).values()),
                        line=line.get("line") or sequence,
                        po=purchase.name,
                    ),
                    "quantity": quantity,
                    "price_unit": price,
                    "sequence": sequence,
                }
            commands.append((0, 0, vals))
        values["invoice_line_ids"] = commands
        bill = self.env["account.move"].sudo().with_context(default_move_type=move_type).create(values)
        return bill

    # ------------------------------------------------------------------------------
    # the 3-way match
    # ------------------------------------------------------------------------------

    @api.model
    def _unknown_reasons(self, rows):
        return [
            {"reason": "unknown_line", "expected": 0.0, "invoiced": quantity, "line": line}
            for line, purchase_line, quantity, _price in rows
            if not purchase_line
        ]

    @api.model
    def _match(self, backend, bill, rows, previously):
        """The hold reasons of ``bill``: dicts with reason, expected,
        invoiced, the invoice line and the purchase line."""
        qty_tolerance = (backend.edi_qty_tolerance_pct or 0.0) / 100.0
        price_tolerance = (backend.edi_price_tolerance_pct or 0.0) / 100.0
        reasons = self._unknown_reasons(rows)
        invoiced_by_line = {}
        for _line, purchase_line, quantity, _price in rows:
            if purchase_line:
                invoiced_by_line[purchase_line] = invoiced_by_line.get(purchase_line, 0.0) + quantity
        for line, purchase_line, quantity, price in rows:
            if not purchase_line:
                continue
            rounding = purchase_line.product_uom.rounding
            received = purchase_line.qty_received
            total = previously.get(purchase_line.id, 0.0) + invoiced_by_line[purchase_line]
            if float_is_zero(received, precision_rounding=rounding) and not float_is_zero(
                quantity, precision_rounding=rounding
            ):
                reasons.append(
                    {
                        "reason": "not_received",
                        "expected": 0.0,
                        "invoiced": quantity,
                        "line": line,
                        "po_line": purchase_line,
                    }
                )
            elif float_compare(total, received * (1 + qty_tolerance), precision_rounding=rounding) > 0:
                reasons.append(
                    {
                        "reason": "qty_over_received",
                        "expected": max(received - previously.get(purchase_line.id, 0.0), 0.0),
                        "invoiced": quantity,
                        "line": line,
                        "po_line": purchase_line,
                    }
                )
            currency = purchase_line.currency_id
            ceiling = purchase_line.price_unit * (1 + price_tolerance)
            if currency.compare_amounts(price, ceiling) > 0:
                reasons.append(
                    {
                        "reason": "price_over_po",
                        "expected": purchase_line.price_unit,
                        "invoiced": price,
                        "line": line,
                        "po_line": purchase_line,
                    }
                )
        return reasons

    @api.model
    def _decide(self, backend, bill, reasons):
        """Post a matched bill; hold the others, with their reasons."""
        if not reasons:
            bill.edi_match_state = "matched"
            bill.action_post()
            return bill
        Hold = self.env["trading.partner.bill.hold"].sudo()
        for reason in reasons:
            po_line = reason.get("po_line") or self.env["purchase.order.line"]
            move_line = bill.invoice_line_ids.filtered(lambda l, p=po_line: p and l.purchase_line_id == p)[:1]
            Hold.create(
                {
                    "move_id": bill.id,
                    "move_line_id": move_line.id or False,
                    "purchase_line_id": po_line.id or False,
                    "reason": reason["reason"],
                    "expected": reason["expected"],
                    "invoiced": reason["invoiced"],
                    "invoice_line_ref": str(reason["line"].get("line") or ""),
                }
            )
        bill.edi_match_state = "held"
        user = backend.user_id or self.env.ref("base.user_admin")
        bill.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=_("Bill held by the 3-way match"),
            note=_(
                "Invoice %(number)s from %(partner)s does not match its order and receipt: %(reasons)s. "
                "Resolve the holds, or approve and post.",
                number=bill.ref,
                partner=backend.name,
                reasons=", ".join(bill.edi_hold_ids.mapped("display_name")),
            ),
            user_id=user.id,
        )
        return bill
