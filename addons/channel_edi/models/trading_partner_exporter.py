"""What we send partners: 855 acknowledgements, 856 ship notices, 810
invoices, 850 purchase orders and 997 acknowledgements.

Listeners (called by integration_core's Odoo-event dispatch) emit one
outbound event per record with an idempotency key; the event's job builds
the typed document from the record, wraps it in the partner's envelope with
fresh control numbers, validates it against the partner's guide (an invalid
file is blocked, its event failed with the cause, nothing is sent), writes
it, delivers it and logs it for acknowledgement.
"""

import json
from datetime import timedelta

from odoo import _, api, fields, models

from odoo.addons.integration_core.lib.exceptions import ValidationFailed

from ..lib import documents, envelope, validation
from ..lib import edifact as edifact_codec
from ..lib import x12 as x12_codec
from .trading_partner_importer import MAX_ERRORS_SHOWN, issue_text

MESSAGE_OF = {"850": "ORDERS", "855": "ORDRSP", "856": "DESADV", "810": "INVOIC", "997": "CONTRL"}


def _decimal_text(value, digits=4):
    """A quantity or price as the standard writes it: no trailing zeros."""
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return text or "0"


class TradingPartnerExporter(models.AbstractModel):
    _name = "trading.partner.exporter"
    _description = "EDI outbound documents"

    # ------------------------------------------------------------------------------
    # listeners: which records concern which partner
    # ------------------------------------------------------------------------------

    @api.model
    def _bound_sales(self, backend, sales):
        """The sale orders of ``sales`` that came from this partner's 850s."""
        bound = self.env["integration.binding"].sudo()._external_ids(backend, sales)
        return sales.filtered(lambda s: s.id in bound)

    @api.model
    def _listen_pickings_done(self, backend, pickings):
        deliveries = pickings.filtered(lambda p: p.picking_type_code == "outgoing" and p.sale_id)
        sales = self._bound_sales(backend, deliveries.sale_id)
        for picking in deliveries.filtered(lambda p: p.sale_id in sales):
            backend._emit("asn.sent", {"picking_id": picking.id}, key=f"856:{picking.id}", record=picking)

    @api.model
    def _listen_invoices_posted(self, backend, moves):
        invoices = moves.filtered(lambda m: m.move_type in ("out_invoice", "out_refund"))
        for move in invoices:
            sales = self._bound_sales(backend, move.line_ids.sale_line_ids.order_id)
            if sales:
                backend._emit("invoice.sent", {"move_id": move.id}, key=f"810:{move.id}", record=move)

    @api.model
    def _listen_purchases_confirmed(self, backend, purchases):
        partner = backend.edi_partner_id.commercial_partner_id
        if not partner or backend.edi_role == "customer":
            return
        for purchase in purchases.filtered(lambda p: p.partner_id.commercial_partner_id == partner):
            backend._emit(
                "order.sent", {"purchase_id": purchase.id}, key=f"850:{purchase.id}", record=purchase
            )

    # ------------------------------------------------------------------------------
    # the one sending path
    # ------------------------------------------------------------------------------

    @api.model
    def _send_document(self, event, set_type, typed, record=None, reference=None, extra=None):
        """Build, envelope, validate, write, deliver and log one document.
        Returns the log row (trading.partner.document)."""
        backend = event.backend_id
        standard = backend.edi_standard
        kind = set_type if standard == "X12" else MESSAGE_OF.get(set_type, set_type)
        profile = backend._edi_profile()
        version = profile.x12_versions[1] if standard == "X12" else backend.edi_dialect
        set_control = backend._edi_next_control("set")
        options = {"control_number": set_control}
        if standard == "EDIFACT":
            options["decimal"] = profile.delimiters.decimal or "."
            version = ":".join(
                p
                for p in envelope.EDIFACT_VERSIONS.get(
                    backend.edi_dialect, envelope.EDIFACT_VERSIONS["D96A"]
                )[1]
                if p
            )
        transaction = documents.build(kind, typed, standard, version, **options)
        interchange_control = backend._edi_next_control("interchange")
        now = fields.Datetime.now()
        if standard == "X12":
            group_control = str(int(backend._edi_next_control("group")))
            interchange = envelope.x12_interchange(
                profile,
                [(group_control, envelope.FUNCTIONAL_IDS[kind], [transaction])],
                interchange_control,
                now,
            )
            writer = x12_codec
        else:
            group_control = ""
            interchange = envelope.edifact_interchange(profile, [transaction], interchange_control, now)
            writer = edifact_codec
        issues = [
            i
            for i in validation.validate(transaction, standard, version, overrides=backend._edi_overrides())
            if i.severity == "error"
        ]
        if issues:
            texts = [issue_text(i) for i in issues]
            raise ValidationFailed(
                _(
                    "Blocked: this %(set)s for %(partner)s breaks its guide, nothing was sent: %(errors)s",
                    set=kind,
                    partner=backend.name,
                    errors="; ".join(texts[:MAX_ERRORS_SHOWN]),
                ),
                errors=texts,
                code="edi.outbound_invalid",
            )
        data = writer.write(interchange)
        filename = f"{kind}_{reference or set_control}_{interchange.control_number}.{'x12' if standard == 'X12' else 'edi'}"
        filename = "".join(c if c.isalnum() or c in "._-" else "_" for c in filename)
        delivery = self.env["trading.partner.transport"]._deliver(backend, filename, data)
        values = {
            "backend_id": backend.id,
            "direction": "out",
            "standard": standard,
            "set_type": kind,
            "reference": reference,
            "interchange_control": interchange.control_number,
            "group_control": group_control,
            "set_control": transaction.control_number,
            "functional_id": envelope.FUNCTIONAL_IDS.get(kind, kind),
            "usage": profile.usage,
            "event_id": event.id,
            "document_json": json.dumps(typed, indent=2, sort_keys=True, default=str),
            "as2_message_id": delivery.get("message_id") or False,
            "date": now,
            **(extra or {}),
        }
        if record is not None:
            values.update(res_model=record._name, res_id=record.id)
        row = self.env["trading.partner.document"].sudo().create(values)
        self.env["ir.attachment"].sudo().create(
            {"name": filename, "raw": data, "res_model": row._name, "res_id": row.id}
        )
        if backend.edi_request_ack and kind not in envelope.ACKNOWLEDGEMENTS:
            row._expect_ack(backend.edi_ack_due_hours)
        event.sudo().external_id = f"{interchange.control_number}/{transaction.control_number}"
        return row

    # ------------------------------------------------------------------------------
    # the documents
    # ------------------------------------------------------------------------------

    @api.model
    def _send_ack(self, event, payload):
        backend = event.backend_id
        kind = payload.get("set_type") or ("CONTRL" if backend.edi_standard == "EDIFACT" else "997")
        self._send_document(event, kind, payload["ack"], reference=payload.get("interchange_control"))
        return None

    @api.model
    def _send_po_ack(self, event, payload):
        sale = self.env["sale.order"].browse(payload["sale_id"]).exists()
        if not sale:
            return None
        backend = event.backend_id
        typed = self._po_ack_document(backend, sale)
        self._send_document(event, "855", typed, record=sale, reference=sale.client_order_ref)
        return sale

    @api.model
    def _original_order(self, backend, sale):
        """The typed 850 this sale order came from."""
        row = (
            self.env["trading.partner.document"]
            .sudo()
            .search(
                [
                    ("backend_id", "=", backend.id),
                    ("direction", "=", "in"),
                    ("res_model", "=", "sale.order"),
                    ("res_id", "=", sale.id),
                ],
                order="id desc",
                limit=1,
            )
        )
        return json.loads(row.document_json) if row and row.document_json else {}

    @api.model
    def _po_ack_document(self, backend, sale):
        """The 855 of ``sale``: each line of the partner's 850 with its
        statuses, split when only part ships as asked: IA accepted, IB
        backordered (what free stock cannot cover, with a later date), IQ
        quantity changed by us, IR rejected (a line we removed or reduced),
        DR date changed (we promise another date than the requested one)."""
        original = self._original_order(backend, sale)
        source_lines = original.get("lines") or []
        requested = (original.get("dates") or {}).get("delivery_requested")
        promised = (sale.commitment_date or sale.expected_date or fields.Datetime.now()).date().isoformat()
        order_lines = sale.order_line.filtered(
            lambda l: not l.display_type and l.product_id.type != "service"
        )
        lines = []
        for index, source in enumerate(source_lines or [{} for _line in order_lines]):
            order_line = self._line_of(order_lines, source, index)
            uom = source.get("uom") or "EA"
            ordered = float(source.get("quantity") or order_line.product_uom_qty or 0)
            quantity = order_line.product_uom_qty if order_line else 0.0
            acks = []
            if quantity > 0:
                free = order_line.product_id.with_context(warehouse_id=sale.warehouse_id.id).free_qty
                short = order_line.product_id.type == "product" and free < quantity
                ready = max(free, 0.0) if short else quantity
                date_status = "DR" if requested and requested != promised else None
                if ready:
                    status = "IQ" if ready != ordered and not short else (date_status or "IA")
                    acks.append(self._ack(status, ready, uom, promised))
                if short:
                    later = (
                        fields.Datetime.now() + timedelta(days=order_line.product_id.sale_delay or 7)
                    ).date()
                    acks.append(self._ack("IB", quantity - ready, uom, later.isoformat()))
            if quantity < ordered:
                acks.append(self._ack("IR", ordered - quantity, uom))
            line = {
                "line": source.get("line") or str(index + 1),
                "quantity": _decimal_text(ordered),
                "uom": uom,
                "unit_price": source.get("unit_price") or _decimal_text(order_line.price_unit),
                "product_ids": source.get("product_ids") or self._product_ids(order_line.product_id),
                "status": acks[0]["status"],
                "acks": acks,
            }
            if (
                order_line
                and source.get("unit_price")
                and float(source["unit_price"]) != order_line.price_unit
            ):
                line["unit_price"] = _decimal_text(order_line.price_unit)
            lines.append(line)
        statuses = {ack["status"] for line in lines for ack in line["acks"]}
        document = {
            "ack_type": "AD" if statuses == {"IA"} else ("RJ" if statuses == {"IR"} else "AC"),
            "po_number": sale.client_order_ref or sale.name,
            "order_date": original.get("order_date") or sale.date_order.date().isoformat(),
            "ack_date": fields.Date.today().isoformat(),
            "seller_order_number": sale.name,
            "lines": lines,
        }
        if backend.edi_standard == "X12":
            document["purpose"] = "00"  # BAK01 original; EDIFACT's BGM function follows ack_type
        return document

    @api.model
    def _line_of(self, order_lines, source, index):
        """The sale line of the 850's line ``source`` (its line number was
        kept as the line's external id), else the one at its position."""
        number = str(source.get("line") or "")
        for line in order_lines:
            external = line.integration_external_id or ""
            if number and (
                external == number or external.endswith(f":{number}") or external.endswith(f"-{number}")
            ):
                return line
        return order_lines[index] if index < len(order_lines) else order_lines.browse()

    @api.model
    def _ack(self, status, quantity, uom, date=None):
        ack = {"status": status, "quantity": _decimal_text(quantity), "uom": uom}
        if date:
            ack["dates"] = {"ship_scheduled": date}
        return ack

    @api.model
    def _product_ids(self, product):
        ids = {}
        if product.barcode:
            ids["UP" if len(product.barcode) == 12 else "EN"] = product.barcode
        if product.default_code:
            ids["VN"] = product.default_code
        return ids

    @api.model
    def _send_asn(self, event, payload):
        picking = self.env["stock.picking"].browse(payload["picking_id"]).exists()
        if not picking:
            return None
        backend = event.backend_id
        typed = self.env["trading.partner.asn"]._outbound_document(backend, picking)
        self._send_document(event, "856", typed, record=picking, reference=picking.name)
        return picking

    @api.model
    def _send_invoice(self, event, payload):
        move = self.env["account.move"].browse(payload["move_id"]).exists()
        if not move:
            return None
        backend = event.backend_id
        typed = self._invoice_document(backend, move)
        self._send_document(event, "810", typed, record=move, reference=move.name)
        return move

    @api.model
    def _invoice_document(self, backend, move):
        sale = move.line_ids.sale_line_ids.order_id[:1]
        original = self._original_order(backend, sale) if sale else {}
        by_line = {str(line.get("line")): line for line in original.get("lines") or []}
        lines = []
        for number, line in enumerate(
            move.invoice_line_ids.filtered(lambda l: l.display_type == "product"), 1
        ):
            sale_line = line.sale_line_ids[:1]
            source = by_line.get(str(sale_line.integration_external_id or "")) or {}
            lines.append(
                {
                    "line": str(sale_line.integration_external_id or number),
                    "quantity": _decimal_text(line.quantity),
                    "uom": source.get("uom") or "EA",
                    "unit_price": _decimal_text(line.price_unit),
                    "product_ids": source.get("product_ids") or self._product_ids(line.product_id),
                    "description": line.name or "",
                }
            )
        return {
            "invoice_number": move.name,
            "invoice_date": (move.invoice_date or fields.Date.today()).isoformat(),
            "po_number": (sale.client_order_ref if sale else move.ref) or "",
            "po_date": original.get("order_date"),
            "currency": move.currency_id.name,
            "is_credit": move.move_type == "out_refund",
            "lines": lines,
            "tax_amount": _decimal_text(move.amount_tax, 2),
            "total": f"{move.amount_total:.2f}",
        }

    @api.model
    def _send_order(self, event, payload):
        purchase = self.env["purchase.order"].browse(payload["purchase_id"]).exists()
        if not purchase:
            return None
        backend = event.backend_id
        typed = self._purchase_document(backend, purchase)
        now = fields.Datetime.now()
        self._send_document(
            event,
            "850",
            typed,
            record=purchase,
            reference=purchase.name,
            extra={
                "po_ack_state": "pending",
                "po_ack_due_at": now + timedelta(hours=backend.edi_po_ack_due_hours or 48),
            },
        )
        return purchase

    @api.model
    def _purchase_document(self, backend, purchase):
        company = purchase.company_id
        lines = []
        for number, line in enumerate(purchase.order_line.filtered(lambda l: not l.display_type), 1):
            seller = line.product_id._select_seller(partner_id=purchase.partner_id, quantity=line.product_qty)
            ids = self._product_ids(line.product_id)
            if seller and seller.product_code:
                ids["VP"] = seller.product_code
            lines.append(
                {
                    "line": str(number),
                    "quantity": _decimal_text(line.product_qty),
                    "uom": "EA",
                    "unit_price": _decimal_text(line.price_unit),
                    "product_ids": ids,
                    "description": line.name or "",
                    "requested_date": line.date_planned.date().isoformat() if line.date_planned else None,
                }
            )
        ship_to = purchase.picking_type_id.warehouse_id.partner_id or company.partner_id
        return {
            "purpose": "00",
            "type": "SA",
            "po_number": purchase.name,
            "order_date": purchase.date_approve.date().isoformat()
            if purchase.date_approve
            else fields.Date.today().isoformat(),
            "currency": purchase.currency_id.name,
            "ship_to": {
                "name": ship_to.name,
                "identifiers": {"UL": ship_to.gln} if ship_to.gln else {},
                "address": {
                    "street": ship_to.street or "",
                    "city": ship_to.city or "",
                    "zip": ship_to.zip or "",
                    "state_code": ship_to.state_id.code or "",
                    "country_code": ship_to.country_id.code or "",
                },
            },
            "lines": lines,
        }

    # ------------------------------------------------------------------------------
    # purchase orders the supplier has not acknowledged
    # ------------------------------------------------------------------------------

    @api.model
    def _escalate_unacknowledged_orders(self):
        """An activity for the buyer when the supplier's 855 is late, and
        again past the second threshold."""
        Document = self.env["trading.partner.document"].sudo()
        now = fields.Datetime.now()
        for row in Document.search([("po_ack_state", "=", "pending"), ("po_ack_due_at", "<", now)]):
            backend = row.backend_id
            second = row.date + timedelta(hours=backend.edi_po_ack_escalate_hours or 96)
            level = 2 if now >= second else 1
            if row.escalation_level >= level:
                continue
            purchase = row._record()
            if not purchase:
                continue
            purchase.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=_("%(partner)s has not acknowledged %(po)s", partner=backend.name, po=purchase.name),
                note=_(
                    "No 855 for purchase order %(po)s since %(sent)s (due %(due)s). Escalation %(level)s.",
                    po=purchase.name,
                    sent=row.date,
                    due=row.po_ack_due_at,
                    level=level,
                ),
                user_id=(purchase.user_id or backend.user_id or self.env.ref("base.user_admin")).id,
            )
            row.escalation_level = level
