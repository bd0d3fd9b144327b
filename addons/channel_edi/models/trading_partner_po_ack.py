"""A supplier's 855 (PO acknowledgement) applied to our purchase order.

We are the buyer. For each line the supplier says what it accepts, when,
what it backorders and what it rejects (X12 ACK segments, one per split;
EDIFACT ORDRSP QTY 113/83 read as the same statuses):

- the accepted quantity stays on the purchase line, planned at the ack's date;
- each backordered quantity becomes a new purchase line of its own date
  (Odoo adds the receipt moves for it);
- a rejected quantity reduces the line, never below what was received
  (the chatter says when it could not go lower);
- a different unit price (or status IP) is never applied: it waits for a
  purchase manager's approval (``trading.partner.price.change``).

The acknowledgement is then recorded on our 850's log row: the 855 arrived
(``po_ack_state``), when, and its latency for the scorecards.
"""

import logging
from decimal import Decimal, InvalidOperation

from markupsafe import Markup, escape

from odoo import _, api, fields, models
from odoo.tools import float_compare, float_is_zero

from odoo.addons.integration_core.lib.exceptions import MappingError

_logger = logging.getLogger(__name__)

ACCEPTED = {"IA", "IC", "IQ", "DR", "IP", "IS", "AR", "IE", "IF", "SP"}
BACKORDERED = {"IB", "BP"}
REJECTED = {"IR", "ID", "R1", "R2", "R3", "R4", "R5"}
ON_HOLD = {"IH", "IW"}
PRICE_CHANGED = {"IP"}
FULL_REJECTIONS = {"RJ"}


def to_float(text, default=None):
    """A decimal string of a typed document as a float for the ORM."""
    if text in (None, ""):
        return default
    try:
        return float(Decimal(str(text)))
    except InvalidOperation:
        return default


def ack_date(ack):
    """The ack's date (ISO ``YYYY-MM-DD`` or X12 ``CCYYMMDD``) as a date, or None.
    Documents give it as ``date`` or as the one value of ``dates``."""
    text = ack.get("date") or next(iter((ack.get("dates") or {}).values()), None)
    if not text:
        return None
    text = str(text)
    if len(text) == 8 and text.isdigit():
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    try:
        return fields.Date.to_date(text[:10])
    except ValueError:
        return None


class TradingPartnerPoAck(models.AbstractModel):
    _name = "trading.partner.po.ack"
    _description = "EDI: supplier PO acknowledgements (855 in)"

    @api.model
    def _apply(self, backend, purchase, typed):
        """Apply the typed 855 ``typed`` to ``purchase``; returns the purchase."""
        purchase = purchase.sudo()
        if (typed.get("ack_type") or "") in FULL_REJECTIONS:
            self._reject_order(backend, purchase, typed)
        else:
            lines = purchase.order_line.filtered(lambda l: not l.display_type)
            notes = []
            for index, ack_line in enumerate(typed.get("lines") or []):
                line = self._purchase_line(backend, purchase, lines, ack_line, index)
                notes += self._apply_line(backend, line, ack_line)
            self._post_summary(backend, purchase, typed, notes)
        self._mark_acknowledged(backend, purchase)
        return purchase

    # ------------------------------------------------------------------------------
    # lines
    # ------------------------------------------------------------------------------

    @api.model
    def _purchase_line(self, backend, purchase, lines, ack_line, index):
        """The purchase line an 855 line answers: by its number (our 850
        numbers the lines 1, 2, ... in order), else by a product id."""
        number = str(ack_line.get("line") or "").strip()
        if number.isdigit() and 0 < int(number) <= len(lines):
            return lines[int(number) - 1]
        ids = ack_line.get("product_ids") or {}
        for line in lines:
            product = line.product_id
            seller_codes = product.seller_ids.filtered(
                lambda s: s.partner_id.commercial_partner_id == purchase.partner_id.commercial_partner_id
            ).mapped("product_code")
            values = set(ids.values())
            if (
                (product.default_code and product.default_code in values)
                or (product.barcode and product.barcode in values)
                or any(code and code in values for code in seller_codes)
            ):
                return line
        raise MappingError(
            template=_("Line %(line)s of %(partner)s's acknowledgement matches no line of %(po)s."),
            params={"line": number or index + 1, "partner": backend.name, "po": purchase.name},
            code="edi.po_ack_line_unknown",
        )

    @api.model
    def _acks(self, ack_line):
        """[(status, quantity or None, date or None)] of one 855 line."""
        acks = ack_line.get("acks") or [
            {"status": ack_line.get("status") or "IA", "quantity": ack_line.get("quantity")}
        ]
        return [(a.get("status") or "IA", to_float(a.get("quantity")), ack_date(a)) for a in acks]

    @api.model
    def _apply_line(self, backend, line, ack_line):
        """Split, reduce and re-date ``line`` as ``ack_line`` says; record a
        price change. Returns the chatter notes (Markup) of what was done."""
        rounding = line.product_uom.rounding
        ordered = line.product_qty
        acks = self._acks(ack_line)
        notes = []
        # a single ack without quantity covers the whole line
        if len(acks) == 1 and acks[0][1] is None:
            acks = [(acks[0][0], ordered, acks[0][2])]
        parts = [(qty or 0.0, date) for status, qty, date in acks if status in ACCEPTED]
        backorders = [(qty or 0.0, date) for status, qty, date in acks if status in BACKORDERED]
        rejected = sum(qty or 0.0 for status, qty, _date in acks if status in REJECTED)
        held = [status for status, _qty, _date in acks if status in ON_HOLD]
        if held:
            notes.append(
                _("line %(line)s: the supplier holds it (%(codes)s)", line=line.name, codes=", ".join(held))
            )
        # what the supplier will ship: accepted first, then each backorder with its date
        segments = [p for p in parts if not float_is_zero(p[0], precision_rounding=rounding)]
        segments += [b for b in backorders if not float_is_zero(b[0], precision_rounding=rounding)]
        if not segments and not rejected and not held:
            return notes
        if not segments:
            # all rejected (or only held): the line keeps no more than was received
            if not float_is_zero(rejected, precision_rounding=rounding):
                notes.append(self._reduce(line, 0.0, ordered))
            return notes
        first_qty, first_date = segments[0]
        new_lines = self.env["purchase.order.line"]
        for qty, date in segments[1:]:
            new_lines |= line.copy(
                {
                    "order_id": line.order_id.id,
                    "product_qty": qty,
                    "date_planned": self._planned(date, line),
                }
            )
        if first_date:
            line.write(self._kept(line, date_planned=self._planned(first_date, line)))
        if float_compare(first_qty, ordered, precision_rounding=rounding) != 0:
            notes.append(self._reduce(line, first_qty, ordered))
        if new_lines:
            notes.append(
                _(
                    "line %(line)s split: %(first)s on %(date)s, then %(rest)s",
                    line=line.name,
                    first=line.product_qty,
                    date=fields.Date.to_string(line.date_planned.date()),
                    rest=", ".join(
                        f"{n.product_qty} on {fields.Date.to_string(n.date_planned.date())}"
                        for n in new_lines
                    ),
                )
            )
        elif first_date:
            notes.append(
                _(
                    "line %(line)s confirmed for %(date)s",
                    line=line.name,
                    date=fields.Date.to_string(first_date),
                )
            )
        price_note = self._price_change(backend, line | new_lines, ack_line, acks)
        if price_note:
            notes.append(price_note)
        return notes

    @api.model
    def _planned(self, date, line):
        """A date_planned (datetime) on ``date`` at the line's planned time of day."""
        if not date:
            return line.date_planned
        time_of_day = line.date_planned.time() if line.date_planned else fields.Datetime.now().time()
        return fields.Datetime.to_datetime(date).replace(
            hour=time_of_day.hour, minute=time_of_day.minute, second=time_of_day.second
        )

    @api.model
    def _kept(self, line, **values):
        """``values`` for ``line.write`` with its price and planned date kept:
        Odoo recomputes both from the vendor's pricelist when the quantity
        changes alone, which would apply a price the buyer never approved."""
        return {"price_unit": line.price_unit, "date_planned": line.date_planned, **values}

    @api.model
    def _reduce(self, line, quantity, ordered):
        """Set the line's quantity to ``quantity``, not below what was received."""
        rounding = line.product_uom.rounding
        floor = line.qty_received
        if float_compare(quantity, floor, precision_rounding=rounding) < 0:
            line.write(self._kept(line, product_qty=floor))
            return _(
                "line %(line)s: the supplier confirms %(qty)s of %(ordered)s, but %(received)s were "
                "received already: the line keeps %(received)s",
                line=line.name,
                qty=quantity,
                ordered=ordered,
                received=floor,
            )
        line.write(self._kept(line, product_qty=quantity))
        return _(
            "line %(line)s: quantity %(ordered)s -> %(qty)s", line=line.name, ordered=ordered, qty=quantity
        )

    @api.model
    def _price_change(self, backend, lines, ack_line, acks):
        """A pending price change when the supplier's price differs from ours
        (or the status says IP); the price is not applied."""
        line = lines[:1]
        new_price = to_float(ack_line.get("unit_price"))
        statuses = {status for status, _qty, _date in acks}
        if new_price is None:
            if statuses & PRICE_CHANGED:
                return _("line %(line)s: the supplier says its price changed but gives none", line=line.name)
            return None
        if line.order_id.currency_id.compare_amounts(new_price, line.price_unit) == 0:
            return None
        Change = self.env["trading.partner.price.change"].sudo()
        pending = Change.search(
            [("purchase_line_id", "=", line.id), ("state", "=", "pending"), ("new_price", "=", new_price)],
            limit=1,
        )
        if pending:
            pending.purchase_line_ids |= lines
            return None
        change = Change.create(
            {
                "backend_id": backend.id,
                "purchase_line_id": line.id,
                "purchase_line_ids": [(6, 0, lines.ids)],
                "old_price": line.price_unit,
                "new_price": new_price,
            }
        )
        change._notify_buyer()
        return _(
            "line %(line)s: the supplier asks %(new)s instead of %(old)s; waiting for approval",
            line=line.name,
            new=new_price,
            old=line.price_unit,
        )

    # ------------------------------------------------------------------------------
    # the order
    # ------------------------------------------------------------------------------

    @api.model
    def _buyer(self, backend, purchase):
        return purchase.user_id or backend.user_id or self.env.ref("base.user_admin")

    @api.model
    def _reject_order(self, backend, purchase, typed):
        body = _(
            "%(partner)s REJECTED purchase order %(po)s entirely (855 acknowledgement type RJ). "
            "Nothing was changed on the order: cancel it or find another supplier.",
            partner=backend.name,
            po=purchase.name,
        )
        purchase.message_post(body=body)
        purchase.activity_schedule(
            "mail.mail_activity_data_warning",
            summary=_("%(partner)s rejected %(po)s", partner=backend.name, po=purchase.name),
            note=body,
            user_id=self._buyer(backend, purchase).id,
        )

    @api.model
    def _post_summary(self, backend, purchase, typed, notes):
        header = _(
            "Acknowledgement (855) from %(partner)s, type %(type)s.",
            partner=backend.name,
            type=typed.get("ack_type") or "?",
        )
        body = Markup("<p>%s</p>") % header
        if notes:
            body += Markup("<ul>%s</ul>") % Markup("").join(Markup("<li>%s</li>") % escape(n) for n in notes)
        purchase.message_post(body=body)

    @api.model
    def _mark_acknowledged(self, backend, purchase):
        """Our 850's log row: 855 received, when, and after how long."""
        row = (
            self.env["trading.partner.document"]
            .sudo()
            .search(
                [
                    ("backend_id", "=", backend.id),
                    ("direction", "=", "out"),
                    ("set_type", "in", ("850", "ORDERS")),
                    ("res_model", "=", "purchase.order"),
                    ("res_id", "=", purchase.id),
                ],
                order="id desc",
                limit=1,
            )
        )
        if not row:
            _logger.info("855 for %s: no 850 of ours in the log", purchase.name)
            return row
        now = fields.Datetime.now()
        values = {"po_ack_at": now, "po_ack_latency_hours": (now - row.date).total_seconds() / 3600.0}
        if row.po_ack_state != "received":
            values["po_ack_state"] = "received"
        row.write(values)
        return row
