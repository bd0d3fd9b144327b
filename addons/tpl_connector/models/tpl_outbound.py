"""What Odoo tells a 3PL: deliveries released, cancellations asked,
receipts and returns announced.

Every message is an outbound event of the backend (idempotency key per
picking), so a message is sent once, retried when the 3PL is down, and
visible in the event queue. Each job checks first that it is still
relevant (the delivery may have been cancelled or held since), builds the
canonical payload (validated against its JSON Schema), then sends it over
the backend's transport: the REST API of its provider (``tpl.rest``), or an
X12 set through channel_edi's sending path.
"""

from decimal import Decimal

from odoo import _, api, fields, models

from odoo.addons.integration_core.lib import canonical
from odoo.addons.integration_core.lib.exceptions import BusinessRuleError, MappingError, StaleUpdate


def _quantity(value):
    """An ORM float quantity as an exact Decimal (rounded to 6 places)."""
    return Decimal(repr(round(value, 6))).normalize() if value else Decimal(0)


# deliveries one release run emits at most (a run is one transaction)
RELEASE_BATCH = 500


class TplOutbound(models.AbstractModel):
    _name = "tpl.outbound"
    _description = "3PL outbound messages"

    # ------------------------------------------------------------------------------
    # what is due
    # ------------------------------------------------------------------------------

    @api.model
    def _release_due(self, backend, now=None, limit=RELEASE_BATCH):
        """Release the reserved, unheld deliveries of the 3PL's warehouse,
        when its release window is open (a working day, before the cut-off):
        at most ``limit`` a run, oldest first, so that one run's transaction
        stays short; the next run takes the rest."""
        if not backend.tpl_warehouse_id or not backend._tpl_window_open(now):
            return self.env["stock.picking"]
        pickings = (
            self.env["stock.picking"]
            .sudo()
            .search(
                [
                    ("tpl_backend_id", "=", backend.id),
                    ("picking_type_code", "=", "outgoing"),
                    ("state", "=", "assigned"),
                    ("tpl_hold", "=", False),
                    # pending ones have their release event already
                    ("tpl_state", "=", False),
                ],
                order="scheduled_date, id",
                limit=limit,
            )
        )
        return self._release_pickings(pickings)

    @api.model
    def _release_pickings(self, pickings, manual=False):
        for picking in pickings:
            picking.tpl_backend_id._emit(
                "order.release",
                {"picking_id": picking.id, "manual": manual},
                key=f"release:{picking.id}",
                record=picking,
            )
            if not picking.tpl_state:
                picking._tpl_write({"tpl_state": "pending"})
        return pickings

    @api.model
    def _notify_due(self, backend):
        """Announce the 3PL warehouse's incoming receipts (purchases,
        transfers) and customer returns that are not announced yet."""
        pickings = (
            self.env["stock.picking"]
            .sudo()
            .search(
                [
                    ("tpl_backend_id", "=", backend.id),
                    ("picking_type_code", "=", "incoming"),
                    ("state", "in", ("assigned", "confirmed", "waiting")),
                    ("tpl_state", "in", (False, "pending")),
                ],
                order="scheduled_date, id",
            )
        )
        for picking in pickings:
            topic = "return.notify" if self._is_return(picking) else "inbound.notify"
            backend._emit(topic, {"picking_id": picking.id}, key=f"notify:{picking.id}", record=picking)
            if not picking.tpl_state:
                picking._tpl_write({"tpl_state": "pending"})
        return pickings

    @api.model
    def _is_return(self, picking):
        return bool(picking.move_ids.origin_returned_move_id)

    # ------------------------------------------------------------------------------
    # order release
    # ------------------------------------------------------------------------------

    @api.model
    def _picking_of(self, event, payload):
        picking = self.env["stock.picking"].sudo().browse(payload.get("picking_id")).exists()
        if not picking:
            raise StaleUpdate(_("The transfer is gone."))
        if picking.tpl_backend_id != event.backend_id:
            raise BusinessRuleError(
                _(
                    "%(name)s is no longer a transfer of %(backend)s.",
                    name=picking.name,
                    backend=event.backend_id.name,
                )
            )
        return picking

    @api.model
    def _release_order(self, event, payload):
        """Create the order at the 3PL, once (the 3PL refuses a second order
        with the same reference: that counts as released)."""
        picking = self._picking_of(event, payload)
        if picking.tpl_state not in (False, "pending"):
            raise StaleUpdate(_("%s is released already.", picking.name))
        if picking.tpl_hold:
            raise StaleUpdate(_("%s is on hold: not released.", picking.name))
        if picking.state != "assigned":
            raise StaleUpdate(
                _(
                    "%(name)s is %(state)s, no longer reserved: not released.",
                    name=picking.name,
                    state=picking.state,
                )
            )
        backend = event.backend_id
        order = canonical.validate("fulfilment_order", self._fulfilment_order(backend, picking, "original"))
        external_id = self._send(event, "fulfilment_order", order, picking)
        picking._tpl_write(
            {
                "tpl_state": "released",
                "tpl_external_id": external_id or False,
                "tpl_released_at": fields.Datetime.now(),
            }
        )
        # one chatter entry: the tracked 3PL status and order id say it was released
        return picking

    @api.model
    def _send(self, event, kind, document, record):
        """Send one canonical document over the backend's transport; the
        3PL's id of what it created (or the interchange/set numbers)."""
        backend = event.backend_id
        if backend.tpl_transport == "x12":
            from ..lib import x12 as tpl_x12  # channel_edi's typed documents

            set_type, typed = tpl_x12.outbound_document(kind, document)
            self.env["trading.partner.exporter"]._send_document(
                event, set_type, typed, record=record, reference=document["reference"]
            )
            return event.external_id or ""
        external_id = self.env["tpl.rest"]._send(backend, kind, document)
        event.sudo().external_id = external_id or False
        return external_id

    @api.model
    def _fulfilment_order(self, backend, picking, purpose):
        partner = picking.partner_id
        if not partner:
            raise MappingError(_("%s has no delivery address.", picking.name))
        if not partner.country_id:
            raise MappingError(_("The delivery address of %s has no country.", picking.name))
        carrier = self._carrier(backend, picking)
        return {
            "schema_version": 1,
            "reference": picking.name,
            "purpose": purpose,
            "order_ref": picking.sale_id.name if picking.sale_id else picking.origin or None,
            "customer_po": picking.sale_id.client_order_ref or None if picking.sale_id else None,
            "warehouse_code": backend.tpl_facility_code or None,
            "ship_by": fields.Date.to_string(picking.scheduled_date.date())
            if picking.scheduled_date
            else None,
            "ship_to": {
                "name": partner.name or partner.commercial_partner_id.name,
                "company": partner.commercial_partner_id.name if partner.parent_id else None,
                "street": partner.street or None,
                "street2": partner.street2 or None,
                "city": partner.city or None,
                "state_code": partner.state_id.code or None,
                "zip": partner.zip or None,
                "country_code": partner.country_id.code,
                "phone": partner.phone or partner.mobile or None,
                "email": partner.email or None,
            },
            "carrier": carrier,
            "notes": None,
            "lines": self._lines(
                backend, picking, picking.move_ids.filtered(lambda m: m.state not in ("done", "cancel"))
            ),
        }

    @api.model
    def _carrier(self, backend, picking):
        carrier = picking.carrier_id
        if not carrier:
            return None
        row = backend.tpl_carrier_map_ids.filtered(lambda r: r.carrier_id == carrier)[:1]
        if not row:
            return {"code": carrier.name, "scac": None, "service": None}
        return {"code": row.tpl_code, "scac": row.scac or None, "service": row.service or None}

    @api.model
    def _lines(self, backend, picking, moves):
        by_product, _by_sku = backend._tpl_product_maps()
        lines = []
        for move in moves:
            product = move.product_id
            row = by_product.get(product.id)
            sku = row.tpl_sku if row else product.default_code
            if not sku:
                raise MappingError(
                    _(
                        "%(name)s: product %(product)s has no internal reference and no 3PL SKU.",
                        name=picking.name,
                        product=product.display_name,
                    )
                )
            units = move.product_uom._compute_quantity(move.product_uom_qty, product.uom_id)
            quantity, uom = self._to_tpl_units(row, product, units, picking)
            lines.append(
                {
                    "line_ref": str(move.id),
                    "sku": sku,
                    "name": product.name,
                    "quantity": quantity,
                    "uom": uom,
                    "upc": self._upc(product.barcode),
                    "lot": None,
                    "unit_price": None,
                }
            )
        if not lines:
            raise MappingError(_("%s has nothing left to ship.", picking.name))
        return lines

    @api.model
    def _upc(self, barcode):
        """A U.P.C. (12 digits) from the product's barcode: an EAN-13 that
        starts with 0 is a U.P.C. with a leading zero; other codes are none."""
        code = (barcode or "").strip()
        if len(code) == 13 and code.startswith("0"):
            code = code[1:]
        return code if len(code) == 12 and code.isdigit() else None

    @api.model
    def _uom_code(self, uom):
        """A unit as 3PLs write it (X12 355): EA for Odoo's Units, DZ for
        Dozens, else the unit's name (map the product to say otherwise)."""
        codes = {"uom.product_uom_unit": "EA", "uom.product_uom_dozen": "DZ", "uom.product_uom_kgm": "KG"}
        for xmlid, code in codes.items():
            if uom == self.env.ref(xmlid, raise_if_not_found=False):
                return code
        return uom.name

    @api.model
    def _to_tpl_units(self, row, product, units, picking):
        """(quantity, unit code) in the 3PL's unit: whole cases only."""
        if not row or row.units_per_tpl_uom == 1:
            return _quantity(units), (row.tpl_uom if row else self._uom_code(product.uom_id))
        per = _quantity(row.units_per_tpl_uom)
        quantity = _quantity(units) / per
        if quantity != quantity.to_integral_value():
            raise BusinessRuleError(
                _(
                    "%(name)s: %(units)s %(uom)s of %(sku)s is not a whole number of %(tpl_uom)s of %(per)s.",
                    name=picking.name,
                    units=units,
                    uom=product.uom_id.name,
                    sku=row.tpl_sku,
                    tpl_uom=row.tpl_uom,
                    per=row.units_per_tpl_uom,
                )
            )
        return quantity.normalize(), row.tpl_uom

    # ------------------------------------------------------------------------------
    # cancellation: requested -> accepted | refused | too late
    # ------------------------------------------------------------------------------

    @api.model
    def _request_cancel(self, pickings):
        for picking in pickings:
            backend = picking.tpl_backend_id
            asked = (
                self.env["integration.event"]
                .sudo()
                .search_count(
                    [
                        ("backend_id", "=", backend.id),
                        ("topic", "=", "order.cancel"),
                        ("res_model", "=", "stock.picking"),
                        ("res_id", "=", picking.id),
                    ]
                )
            )
            picking._tpl_write({"tpl_state": "cancel_requested", "tpl_cancel_answer": False})
            backend._emit(
                "order.cancel",
                {"picking_id": picking.id, "requested_by": self.env.context.get("uid") or self.env.uid},
                key=f"cancel:{picking.id}:{asked}",
                record=picking,
            )
            picking._message_log(body=_("Cancellation asked of %s.", backend.name))

    @api.model
    def _cancel_order(self, event, payload):
        picking = self._picking_of(event, payload)
        if picking.tpl_state != "cancel_requested":
            raise StaleUpdate(_("%s: no cancellation is pending.", picking.name))
        backend = event.backend_id
        if backend.tpl_transport == "x12":
            # a 940 with W05-01 F; the answer is the 945 (or its absence): see tpl.inbound
            order = canonical.validate("fulfilment_order", self._fulfilment_order(backend, picking, "cancel"))
            self._send(event, "fulfilment_order", order, picking)
            return picking
        answer = self.env["tpl.rest"]._cancel(backend, picking)
        answer = canonical.validate("cancellation_answer", answer)
        return self._apply_cancel_answer(backend, picking, answer, requested_by=payload.get("requested_by"))

    @api.model
    def _apply_cancel_answer(self, backend, picking, answer, requested_by=None):
        """Accepted: the delivery is cancelled in Odoo. Refused or too late:
        it stays open (the 3PL ships it) and the user who asked is told."""
        if answer["answer"] == "accepted":
            picking._tpl_write(
                {"tpl_state": "cancelled", "tpl_cancel_answer": answer.get("reason") or "accepted"}
            )
            picking.with_context(tpl_write=True).action_cancel()
            picking._message_log(
                body=_("%s accepted the cancellation: the delivery is cancelled.", backend.name)
            )
            return picking
        words = {"refused": _("refused"), "too_late": _("too late, already picked or shipped")}[
            answer["answer"]
        ]
        reason = answer.get("reason") or words
        picking._tpl_write({"tpl_state": "cancel_refused", "tpl_cancel_answer": reason})
        user = self.env["res.users"].browse(requested_by).exists() if requested_by else self.env["res.users"]
        picking.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=_("3PL refused the cancellation"),
            note=_(
                "%(backend)s did not cancel %(name)s (%(reason)s): the delivery stays open and will be "
                "confirmed when it ships. Tell the customer, or arrange a return.",
                backend=backend.name,
                name=picking.name,
                reason=reason,
            ),
            user_id=(user or picking.user_id or backend.user_id or self.env.user).id,
        )
        return picking

    # ------------------------------------------------------------------------------
    # receipts and returns announced
    # ------------------------------------------------------------------------------

    @api.model
    def _notify_inbound(self, event, payload):
        picking = self._picking_of(event, payload)
        if picking.tpl_state not in (False, "pending"):
            raise StaleUpdate(_("%s is announced already.", picking.name))
        backend = event.backend_id
        moves = picking.move_ids.filtered(lambda m: m.state not in ("done", "cancel"))
        notice = {
            "schema_version": 1,
            "reference": picking.name,
            "kind": "purchase" if picking.purchase_id else "transfer",
            "origin": picking.purchase_id.name if picking.purchase_id else picking.origin or None,
            "supplier": picking.partner_id.commercial_partner_id.name or None,
            "warehouse_code": backend.tpl_facility_code or None,
            "expected_date": fields.Date.to_string(picking.scheduled_date.date())
            if picking.scheduled_date
            else None,
            "carrier": None,
            "tracking_number": None,
            "lines": [self._notice_line(line) for line in self._lines(backend, picking, moves)],
        }
        notice = canonical.validate("inbound_notice", notice)
        external_id = self._send(event, "inbound_notice", notice, picking)
        picking._tpl_write(
            {
                "tpl_state": "released",
                "tpl_external_id": external_id or False,
                "tpl_notified_at": fields.Datetime.now(),
            }
        )
        return picking

    @api.model
    def _notice_line(self, line):
        return {k: line[k] for k in ("line_ref", "sku", "name", "quantity", "uom")} | {
            "lot": None,
            "expiry": None,
        }

    @api.model
    def _notify_return(self, event, payload):
        picking = self._picking_of(event, payload)
        if picking.tpl_state not in (False, "pending"):
            raise StaleUpdate(_("%s is announced already.", picking.name))
        backend = event.backend_id
        original = picking.move_ids.origin_returned_move_id.picking_id[:1]
        moves = picking.move_ids.filtered(lambda m: m.state not in ("done", "cancel"))
        notice = {
            "schema_version": 1,
            "reference": picking.name,
            "original_reference": original.name or None,
            "original_external_id": original.tpl_external_id or None,
            "rma": picking.origin or None,
            "warehouse_code": backend.tpl_facility_code or None,
            "tracking_number": None,
            "lines": [
                {k: line[k] for k in ("line_ref", "sku", "quantity", "uom")}
                | {"lot": None, "reason": None, "action": "restock"}
                for line in self._lines(backend, picking, moves)
            ],
        }
        notice = canonical.validate("return_notice", notice)
        external_id = self._send(event, "return_notice", notice, picking)
        picking._tpl_write(
            {
                "tpl_state": "released",
                "tpl_external_id": external_id or False,
                "tpl_notified_at": fields.Datetime.now(),
            }
        )
        return picking
