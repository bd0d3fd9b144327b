"""What a 3PL tells Odoo: shipments, receipts, answers to cancellations.

Each arrives as an inbound event of the backend: a signed webhook or a
polling catch-up (REST), or a set of an X12 file (945, 944) split by
channel_edi's importer. Whatever the transport, it becomes a canonical
payload (shipment.v2, receipt) validated against its schema and stored on
the event, so a user can fix it and replay it; then one method applies it.

Quantities and SKUs arrive in the 3PL's terms: they are translated with
the backend's product maps (its SKU, cases to units) before Odoo sees them.
Shipments are applied by integration_core's shipment importer (lots,
packages, shorts by policy, several confirmations per order); picking.done
then flows on to the sales channel through the core's Odoo-event dispatch.
"""

from decimal import Decimal

from odoo import _, api, fields, models
from odoo.tools import float_compare, float_is_zero

from odoo.addons.integration_core.lib.exceptions import BusinessRuleError, MappingError, StaleUpdate


class TplInbound(models.AbstractModel):
    _name = "tpl.inbound"
    _description = "3PL inbound messages"

    # ------------------------------------------------------------------------------
    # the 3PL's terms -> ours
    # ------------------------------------------------------------------------------

    @api.model
    def _translate_lines(self, backend, lines, quantity_keys):
        """Lines with our SKU (product internal reference) and quantities in
        the product's unit: the backend's product maps, reversed."""
        _by_product, by_sku = backend._tpl_product_maps()
        translated = []
        for index, line in enumerate(lines):
            row = by_sku.get(line["sku"])
            line = dict(line)
            if row:
                line["sku"] = row.product_id.default_code or line["sku"]
                per = Decimal(repr(row.units_per_tpl_uom))
                for key in quantity_keys:
                    if line.get(key) is not None:
                        line[key] = Decimal(str(line[key])) * per
                if line.get("substitute_sku") and line["substitute_sku"] in by_sku:
                    line["substitute_sku"] = by_sku[line["substitute_sku"]].product_id.default_code
                line["lots"] = [
                    dict(lot, quantity=Decimal(str(lot["quantity"])) * per) for lot in line.get("lots") or []
                ]
            elif (
                not self.env["product.product"]
                .sudo()
                .search_count(
                    [
                        ("default_code", "=", line["sku"]),
                        "|",
                        ("company_id", "=", False),
                        ("company_id", "=", backend.company_id.id),
                    ]
                )
            ):
                raise MappingError(
                    _(
                        "lines[%(index)s].sku: %(sku)s is neither a mapped 3PL SKU nor a product reference.",
                        index=index,
                        sku=line["sku"],
                    )
                )
            # the quantities are now in the product's own unit (the one released)
            if "uom" in line:
                line["uom"] = None
            translated.append(line)
        return translated

    @api.model
    def _our_picking(self, backend, reference, code):
        """Our transfer ``reference`` of this 3PL's warehouse (``code``: outgoing / incoming)."""
        picking = (
            self.env["stock.picking"]
            .sudo()
            .search(
                [
                    ("name", "=", reference),
                    ("tpl_backend_id", "=", backend.id),
                    ("picking_type_code", "=", code),
                ],
                limit=1,
            )
        )
        if not picking:
            raise MappingError(
                _(
                    "%(backend)s names %(ref)s, which is not one of its transfers.",
                    backend=backend.name,
                    ref=reference,
                )
            )
        return picking

    # ------------------------------------------------------------------------------
    # shipments
    # ------------------------------------------------------------------------------

    @api.model
    def _split_webhook(self, event, payload):
        """A REST 3PL's webhook (an order shipped, a shipment cancelled, a
        return completed) carries one or more confirmations: each becomes a
        child event of its own under the key the polling catch-up uses too,
        so a confirmation seen both ways is applied once."""
        backend = event.backend_id
        remote_topic = payload.get("_shipbob_topic")
        body = {k: v for k, v in payload.items() if k != "_shipbob_topic"}
        found = self.env["tpl.rest"]._webhook_payloads(backend, remote_topic, body)
        for topic, key, confirmation in found:
            backend._enqueue_topic(topic, confirmation, key=key, parent=event)
        if not found and remote_topic and ("exception" in remote_topic or "hold" in remote_topic):
            return self._flag_exception(backend, body, remote_topic)
        return None

    @api.model
    def _flag_exception(self, backend, body, remote_topic):
        """The 3PL holds a shipment (out of stock, address problem): the
        delivery's responsible gets an activity with the 3PL's words."""
        reference = body.get("reference_id")
        picking = (
            self.env["stock.picking"]
            .sudo()
            .search([("name", "=", reference), ("tpl_backend_id", "=", backend.id)], limit=1)
        )
        if not picking:
            return None
        details = "; ".join(
            filter(None, (d.get("description") or d.get("name") for d in body.get("status_details") or []))
        )
        picking.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=_("3PL exception: %s", remote_topic),
            note=_(
                "%(backend)s holds shipment %(shipment)s of %(name)s: %(details)s",
                backend=backend.name,
                shipment=body.get("id"),
                name=picking.name,
                details=details or _("no detail given"),
            ),
            user_id=(picking.user_id or backend.user_id or self.env.user).id,
        )
        return picking

    @api.model
    def _apply_945(self, event, payload):
        return self._apply_x12(event, "shipment", self._apply_shipment)

    @api.model
    def _apply_x12(self, event, kind, apply, **options):
        """One warehouse set of an X12 file: read and checked against the
        guide by channel_edi's importer, mapped to its canonical ``kind`` by
        lib/x12 (``options`` are the mapper's; the result is stored on the
        event, a user may fix it and replay), applied; the EDI log row points
        at the record it made or touched."""
        from ..lib import x12 as tpl_x12

        importer = self.env["trading.partner.importer"]
        _interchange, transaction, _typed, row = importer._document(event)
        data = importer._canonical(event, kind, lambda: tpl_x12.map_transaction(transaction, **options)[2])
        record = apply(event, data)
        if row and record:
            row.write({"res_model": record._name, "res_id": record.id})
        return record

    @api.model
    def _apply_shipment(self, event, shipment):
        """Apply one canonical shipment.v2 (the 3PL's terms) to its delivery."""
        backend = event.backend_id
        reference = shipment.get("picking_ref") or shipment.get("order_ref")
        picking = self._shipment_picking(backend, shipment)
        shipped = any(line["shipped"] for line in shipment["lines"])
        if picking.tpl_state == "cancel_requested":
            if not shipped:
                return self.env["tpl.outbound"]._apply_cancel_answer(
                    backend,
                    picking,
                    {"answer": "accepted", "reason": _("nothing shipped (%s)", shipment["external_id"])},
                )
            self.env["tpl.outbound"]._apply_cancel_answer(
                backend,
                picking,
                {"answer": "too_late", "reason": _("shipped as %s", shipment["external_id"])},
            )
        if not shipped and picking.state == "cancel":
            raise StaleUpdate(
                _(
                    "%(ref)s is cancelled already: nothing to do for shipment %(shipment)s.",
                    ref=picking.name,
                    shipment=shipment["external_id"],
                )
            )
        if not shipped:
            raise BusinessRuleError(
                _(
                    "%(backend)s cancelled shipment %(shipment)s of %(ref)s without being asked: nothing "
                    "shipped. Release the delivery again, or cancel it, then ignore this event.",
                    ref=picking.name,
                    backend=backend.name,
                    shipment=shipment["external_id"],
                )
            )
        if picking.state == "cancel":
            raise BusinessRuleError(
                _(
                    "%(ref)s is cancelled in Odoo but %(backend)s shipped it (%(shipment)s): "
                    "find the goods, then replay or ignore this confirmation.",
                    ref=reference,
                    backend=backend.name,
                    shipment=shipment["external_id"],
                )
            )
        ours = dict(
            shipment,
            lines=self._translate_lines(backend, shipment["lines"], ("ordered", "shipped", "difference")),
        )
        ours["picking_ref"] = picking.name
        ours["order_ref"] = None
        for package in ours.get("packages") or []:
            package["lines"] = self._translate_lines(backend, package.get("lines") or [], ("quantity",))
        done = self.env["integration.shipment.importer"]._import_shipment(
            backend, ours, short_policy=backend.tpl_short_policy
        )
        self._after_shipment(picking, done)
        return done

    @api.model
    def _shipment_picking(self, backend, shipment):
        """The delivery a shipment confirms: named by our reference (as
        released), or the open backorder of that reference."""
        reference = shipment.get("picking_ref") or shipment.get("order_ref")
        picking = self._our_picking(backend, reference, "outgoing")
        if picking.state == "done":
            # a later shipment of the same order confirms the open backorder
            later = picking.backorder_ids.filtered(lambda p: p.state not in ("done", "cancel"))
            while not later and picking.backorder_ids:
                picking = picking.backorder_ids[:1]
                later = (
                    picking
                    if picking.state not in ("done", "cancel")
                    else picking.backorder_ids.filtered(lambda p: p.state not in ("done", "cancel"))
                )
            picking = later[:1] or picking
        return picking

    @api.model
    def _after_shipment(self, picking, done):
        """The 3PL's state of the delivery and of its backorder (still
        released: the 3PL holds the rest of the same order)."""
        root = picking
        for record in (picking | done).exists():
            backorders = record.backorder_ids.filtered(lambda p: p.state not in ("done", "cancel"))
            if backorders:
                backorders._tpl_write(
                    {
                        "tpl_state": "released",
                        "tpl_external_id": root.tpl_external_id or False,
                        "tpl_released_at": root.tpl_released_at,
                    }
                )
            if record.state == "done":
                record._tpl_write({"tpl_state": "partial" if backorders else "done"})

    # ------------------------------------------------------------------------------
    # polling catch-up (webhooks are not guaranteed)
    # ------------------------------------------------------------------------------

    @api.model
    def _catch_up_shipments(self, event, payload):
        """Ask the 3PL for the shipments of released orders since the last
        run (with an overlap) and feed each as a shipment.confirmed event
        under the same key a webhook would use: nothing is applied twice."""
        backend = event.backend_id
        since = payload.get("since") or None
        found, cursor = self.env["tpl.rest"]._shipments_since(backend, since)
        for shipment in found:
            backend._enqueue_topic(
                "shipment.confirmed",
                shipment,
                key=f"shipment:{shipment['external_id']}",
                parent=event,
            )
        self._move_cursor(backend, "shipment_catch_up", cursor)
        return None

    # ------------------------------------------------------------------------------
    # receipts (purchases, transfers, returns)
    # ------------------------------------------------------------------------------

    @api.model
    def _catch_up_receipts(self, event, payload):
        """Completed receiving orders and returns since the last run (the
        REST 3PL sends no receiving webhooks)."""
        backend = event.backend_id
        found, cursor = self.env["tpl.rest"]._receipts_since(backend, payload.get("since") or None)
        for receipt in found:
            backend._enqueue_topic(
                "receipt.confirmed", receipt, key=f"receipt:{receipt['external_id']}", parent=event
            )
        self._move_cursor(backend, "receipt_catch_up", cursor)
        return None

    @api.model
    def _move_cursor(self, backend, code, cursor):
        flow = (
            self.env["integration.flow"]
            .sudo()
            .search([("backend_id", "=", backend.id), ("code", "=", code)], limit=1)
        )
        if flow and cursor:
            flow.cursor = cursor

    @api.model
    def _apply_944(self, event, payload):
        return self._apply_x12(event, "receipt", self._apply_receipt)

    @api.model
    def _apply_receipt(self, event, receipt):
        """Validate the announced receipt with what the 3PL received: lots,
        damaged goods to the warehouse's damage location, the rest as a
        backorder or an exception (the backend's policy)."""
        backend = event.backend_id
        Binding = self.env["integration.binding"].sudo()
        Binding._lock(backend, "stock.picking", f"receipt:{receipt['external_id']}")
        done = Binding._get_record(backend, "stock.picking", f"receipt:{receipt['external_id']}")
        if done:
            return done
        picking = self._our_picking(backend, receipt["notice_ref"], "incoming")
        if picking.state == "done":
            later = picking.backorder_ids.filtered(lambda p: p.state not in ("done", "cancel"))
            if not later:
                raise StaleUpdate(_("%s is received already.", picking.name))
            picking = later[:1]
        if picking.state == "cancel":
            raise BusinessRuleError(_("%s is cancelled: the 3PL's receipt cannot be applied.", picking.name))
        lines = self._translate_lines(backend, receipt["lines"], ("expected", "received", "damaged"))
        short = self._set_received(backend, picking, lines)
        final = receipt.get("final")
        if short and not final and backend.tpl_receipt_policy == "exception":
            raise BusinessRuleError(
                _(
                    "%(name)s: %(backend)s received less than announced (%(short)s). The receipt policy asks "
                    "a user: receive it by hand, or set the policy to keep a backorder and replay.",
                    name=picking.name,
                    backend=backend.name,
                    short=", ".join(f"{sku} {qty}" for sku, qty in short),
                )
            )
        # Odoo's own answer to its backorder question: a final receipt (the
        # 3PL closed the notice) leaves none, otherwise the rest stays announced
        result = picking.with_context(
            skip_sms=True,
            skip_backorder=True,
            picking_ids_not_to_backorder=picking.ids if final else [],
        ).button_validate()
        if result is not True:
            raise BusinessRuleError(
                _(
                    "%(name)s could not be validated: Odoo asks %(wizard)s.",
                    name=picking.name,
                    wizard=result.get("res_model") if isinstance(result, dict) else result,
                )
            )
        Binding._bind(backend, picking, f"receipt:{receipt['external_id']}")
        backorders = picking.backorder_ids.filtered(lambda p: p.state not in ("done", "cancel"))
        if backorders:
            backorders._tpl_write(
                {"tpl_state": "released", "tpl_external_id": picking.tpl_external_id or False}
            )
        picking._tpl_write({"tpl_state": "partial" if backorders else "done"})
        picking._message_log(
            body=_("Received by %(backend)s (%(ref)s).", backend=backend.name, ref=receipt["external_id"])
        )
        return picking

    @api.model
    def _set_received(self, backend, picking, lines):
        """Write the received quantities on the receipt's moves; the lines
        received short, as (sku, quantity missing)."""
        moves = picking.move_ids.filtered(lambda m: m.state not in ("done", "cancel"))
        by_ref = {str(m.id): m for m in moves}
        by_sku = {}
        for move in moves:
            by_sku.setdefault(move.product_id.default_code, move)
        damage = self._damage_location(backend)
        moves.move_line_ids.unlink()
        received = {}
        for index, line in enumerate(lines):
            move = by_ref.get(line.get("line_ref") or "") or by_sku.get(line["sku"])
            if not move:
                raise MappingError(
                    _(
                        "lines[%(i)s]: %(name)s has no line for %(sku)s.",
                        i=index,
                        name=picking.name,
                        sku=line["sku"],
                    )
                )
            quantity = float(line["received"])
            damaged = min(float(line.get("damaged") or 0), quantity)
            lot = self._incoming_lot(move.product_id, line.get("lot"), line.get("expiry"), picking, index)
            for qty, destination in ((quantity - damaged, move.location_dest_id), (damaged, damage)):
                if float_is_zero(qty, precision_rounding=move.product_uom.rounding):
                    continue
                self.env["stock.move.line"].create(
                    {
                        "move_id": move.id,
                        "picking_id": picking.id,
                        "product_id": move.product_id.id,
                        "product_uom_id": move.product_id.uom_id.id,
                        "location_id": move.location_id.id,
                        "location_dest_id": destination.id,
                        "quantity": qty,
                        "lot_id": lot.id if lot else False,
                    }
                )
            if damaged:
                picking._message_log(
                    body=_(
                        "%(qty)s %(sku)s received damaged (%(why)s).",
                        qty=damaged,
                        sku=line["sku"],
                        why=line.get("damage_reason") or _("no reason given"),
                    )
                )
            received[move.id] = received.get(move.id, 0.0) + quantity
        short = []
        for move in moves:
            move.picked = True
            missing = move.product_uom._compute_quantity(
                move.product_uom_qty, move.product_id.uom_id
            ) - received.get(move.id, 0.0)
            if float_compare(missing, 0, precision_rounding=move.product_id.uom_id.rounding) > 0:
                short.append((move.product_id.default_code, missing))
        return short

    @api.model
    def _incoming_lot(self, product, name, expiry, picking, index):
        if product.tracking == "none":
            return None
        if not name:
            raise MappingError(
                _(
                    "lines[%(i)s]: %(product)s is tracked by lot but the 3PL gave none.",
                    i=index,
                    product=product.display_name,
                )
            )
        Lot = self.env["stock.lot"].sudo()
        lot = Lot.search(
            [
                ("product_id", "=", product.id),
                ("name", "=", name),
                ("company_id", "=", picking.company_id.id),
            ],
            limit=1,
        )
        if not lot:
            values = {"product_id": product.id, "name": name, "company_id": picking.company_id.id}
            if expiry and "expiration_date" in Lot._fields:
                values["expiration_date"] = fields.Datetime.to_datetime(expiry)
            lot = Lot.create(values)
        return lot

    @api.model
    def _damage_location(self, backend):
        """The warehouse's 'Damaged' location (internal, not sellable)."""
        warehouse = backend.tpl_warehouse_id
        Location = self.env["stock.location"].sudo()
        location = Location.search(
            [("location_id", "=", warehouse.lot_stock_id.id), ("name", "=", "Damaged")], limit=1
        )
        return location or Location.create(
            {
                "name": "Damaged",
                "location_id": warehouse.lot_stock_id.id,
                "usage": "internal",
                "company_id": warehouse.company_id.id,
            }
        )
