"""Inventory at a 3PL: snapshots and adjustments against Odoo's quants.

Topics of the backend's table (integration_backend.py):

- ``inventory.snapshot``: a REST snapshot fetched on schedule
  (:meth:`TplInventory._fetch_snapshot`) or an 846 (:meth:`_apply_846`);
- ``inventory.adjusted``: a REST inventory change, canonical already
  (:meth:`_apply_adjustment`) or a 947 (:meth:`_apply_947`).

Both become a ``tpl.inventory.snapshot`` (kind snapshot / adjustment) with
its variance lines. Odoo's side is read with ONE query over the 3PL
warehouse's internal locations; the comparison is lib/reconcile.py's (dict
based, one pass). What is within the backend's tolerance (or what a mapped
adjustment reason says to apply) becomes inventory moves at the warehouse's
stock location, between it and the product's inventory-loss location, named
after the snapshot: only the variance's delta, never an overwrite. The rest
waits for a stock manager.

Deliveries already released to the 3PL keep their reservations: lowering
a quant below what is reserved there makes Odoo unreserve move lines (it
picks which), so a decrease leaving less than what is reserved where a
released delivery holds stock waits for approval, naming the deliveries.

A snapshot counts the 3PL's stock at ``as_of``; Odoo's quantities are
read when it is processed. Stock moves done in Odoo since ``as_of`` that
cross the warehouse's boundary (shipments, receipts confirmed after the
count) are taken back out of Odoo's side, so they are not seen as drift;
inventory moves are not (they are corrections towards the 3PL's counts,
its own adjustments included). A snapshot older than one already recorded
is stale: ignored, not applied.

A snapshot or adjustment is recorded once per backend (its external id,
locked and bound like the core binds): a duplicate returns the first.
"""

from datetime import datetime, timezone
from decimal import Decimal

from odoo import _, api, fields, models

from odoo.addons.integration_core.lib.exceptions import BusinessRuleError, MappingError, StaleUpdate

from ..lib import reconcile

# the 3PL holds these deliveries: their reservations are not Odoo's to drop
RELEASED_STATES = ("released", "partial", "cancel_requested", "cancel_refused")
STATE_OF = {reconcile.AUTO: "auto_applied", reconcile.APPROVE: "to_approve", reconcile.MATCHED: "matched"}


class TplInventory(models.AbstractModel):
    _name = "tpl.inventory"
    _description = "3PL inventory reconciliation"

    # ------------------------------------------------------------------------------
    # topics
    # ------------------------------------------------------------------------------

    @api.model
    def _fetch_snapshot(self, event, payload):
        """REST: ask the 3PL what it holds (``tpl.rest._snapshot(backend)``:
        a canonical inventory_snapshot in the 3PL's terms), stored on the
        event so a replay compares the same count."""
        backend = event.backend_id
        snapshot = self.env["trading.partner.importer"]._canonical(
            event, "inventory_snapshot", lambda: self.env["tpl.rest"]._snapshot(backend)
        )
        return self._apply_snapshot(event, snapshot)

    @api.model
    def _apply_846(self, event, payload):
        # whether an 846 lists everything is the partner's practice, never read from the file
        complete = bool(event.backend_id.tpl_x12_846_complete)
        return self._apply_x12(event, "inventory_snapshot", self._apply_snapshot, complete=complete)

    @api.model
    def _apply_adjustment(self, event, payload):
        """REST webhook: ``payload`` is a validated canonical inventory_adjustment."""
        return self._apply_inventory_adjustment(event, payload)

    @api.model
    def _apply_947(self, event, payload):
        return self._apply_x12(event, "inventory_adjustment", self._apply_inventory_adjustment)

    @api.model
    def _apply_x12(self, event, kind, apply, **options):
        return self.env["tpl.inbound"]._apply_x12(event, kind, apply, **options)

    # ------------------------------------------------------------------------------
    # snapshots
    # ------------------------------------------------------------------------------

    @api.model
    def _apply_snapshot(self, event, data, backend=None):
        """Reconcile one canonical inventory_snapshot (the 3PL's terms) and
        apply what is within tolerance; returns the snapshot record."""
        backend = (backend or event.backend_id).sudo()
        self = self.sudo().with_company(backend.company_id)
        done = self._recorded(backend, "snapshot", data["external_id"])
        if done:
            return done
        as_of = self._utc(data["as_of"])
        self._check_not_stale(backend, data["external_id"], as_of)
        location = self._stock_location(backend)
        skus = {i["sku"] for i in data["items"]}
        resolve = self._resolver(backend, skus)
        theirs = reconcile.translate(data["items"], resolve)
        products = None if data["complete"] else list({product for product, _lot in theirs})
        ours, reserved = self._quantities(location, products)
        for key, moved in self._moved_since(location, as_of, products).items():
            ours[key] = ours.get(key, reconcile.ZERO) - moved
        # lot-tracked products the 3PL counts without lots: compared in total
        tracked = {found[0] for found in map(resolve, skus) if found and found[2]}
        with_lots = {product for product, lot in theirs if lot}
        lotless = tracked - with_lots
        ours = reconcile.collapse_lots(ours, lotless)
        reserved = reconcile.collapse_lots(reserved, lotless)
        protected = self._protected(backend, location, reserved, products)
        stats = {}
        variances = reconcile.reconcile(
            theirs,
            ours,
            data["complete"],
            reconcile.Tolerance(backend.tpl_tolerance_qty, backend.tpl_tolerance_percent),
            protected=protected,
            keep_matched=False,
            stats=stats,
        )
        for variance in variances:
            if variance.product in lotless and variance.status == reconcile.AUTO:
                variance.status = reconcile.APPROVE
                variance.reason = _(
                    "The 3PL counts this lot-tracked product without lots: check which lot differs "
                    "(approving adjusts it without a lot)."
                )
        counted = reconcile.counts(variances)
        counted[reconcile.MATCHED] = stats["matched"]
        snapshot = self._record(
            backend,
            event,
            "snapshot",
            data["external_id"],
            as_of=as_of,
            complete=data["complete"],
            line_count=stats["compared"],
            matched_count=counted[reconcile.MATCHED],
            auto_count=counted[reconcile.AUTO],
        )
        lines = self._create_variances(snapshot, variances)
        self._apply_variances(lines.filtered(lambda v: v.state == "auto_applied"), "auto_applied")
        snapshot._update_state()
        snapshot.message_post(
            body=_(
                "%(lines)s products and lots compared: %(matched)s matched, %(auto)s applied, "
                "%(wait)s waiting for approval.",
                lines=stats["compared"],
                matched=counted[reconcile.MATCHED],
                auto=counted[reconcile.AUTO],
                wait=counted[reconcile.APPROVE],
            )
        )
        return snapshot

    # ------------------------------------------------------------------------------
    # adjustments
    # ------------------------------------------------------------------------------

    @api.model
    def _apply_inventory_adjustment(self, event, data, backend=None):
        """One canonical inventory_adjustment: each line's signed change,
        as its reason's map says (apply / approve / ignore)."""
        backend = (backend or event.backend_id).sudo()
        self = self.sudo().with_company(backend.company_id)
        done = self._recorded(backend, "adjustment", data["external_id"])
        if done:
            return done
        reasons = self._reasons(backend, data["lines"])
        resolve = self._resolver(backend, {line["sku"] for line in data["lines"]})
        changes = []
        for index, line in enumerate(data["lines"]):
            found = resolve(line["sku"])
            if not found:
                raise MappingError(
                    _(
                        "lines[%(i)s].sku: %(sku)s is neither a mapped 3PL SKU nor a product reference.",
                        i=index,
                        sku=line["sku"],
                    )
                )
            product, per, tracked = found
            change = Decimal(str(line["quantity"])) * Decimal(repr(float(per)))
            changes.append(((product, (line.get("lot") or None) if tracked else None), change, line))
        location = self._stock_location(backend)
        products = list({key[0] for key, _change, _line in changes})
        ours, reserved = self._quantities(location, products)
        protected = self._protected(backend, location, reserved, products)
        variances = []
        for key, change, line in changes:
            before = ours.get(key, reconcile.ZERO)
            after = before + change
            reason_row = reasons[line["reason_code"]]
            text = " ".join(filter(None, [reason_row.name, line.get("reason_text")]))
            status, why = {"apply": (reconcile.AUTO, text), "approve": (reconcile.APPROVE, text)}.get(
                reason_row.action, ("ignored", text)
            )
            if status != "ignored" and key in protected:
                threshold, names = protected[key]
                if reconcile.cuts_reservation(before, change, threshold):
                    status, why = reconcile.APPROVE, f"{names} ({text})"
            if status == reconcile.AUTO:
                ours[key] = after  # the next line of the same product and lot starts from here
            variance = reconcile.Variance(key[0], key[1], before, after, change, None, status, why)
            variance.reason_code = line["reason_code"]
            variances.append(variance)
        adjustment = self._record(
            backend,
            event,
            "adjustment",
            data["external_id"],
            as_of=data.get("adjusted_at") or fields.Datetime.now(),
            complete=False,
            line_count=len(variances),
            auto_count=sum(1 for v in variances if v.status == reconcile.AUTO),
        )
        lines = self._create_variances(adjustment, variances)
        self._apply_variances(lines.filtered(lambda v: v.state == "auto_applied"), "auto_applied")
        adjustment._update_state()
        return adjustment

    @api.model
    def _reasons(self, backend, lines):
        """{code: reason map row}; an unmapped code stops the adjustment,
        naming it, so a user maps it and replays."""
        rows = {r.code: r for r in backend.tpl_reason_map_ids}
        for index, line in enumerate(lines):
            if line["reason_code"] not in rows:
                raise BusinessRuleError(
                    _(
                        "lines[%(i)s].reason_code: %(backend)s's adjustment reason %(code)s (%(text)s) is "
                        "not mapped. Add it to the 3PL's adjustment reasons (apply, approve or ignore), "
                        "then replay.",
                        i=index,
                        backend=backend.name,
                        code=line["reason_code"],
                        text=line.get("reason_text") or _("no text"),
                    ),
                    code="tpl.unknown_reason",
                )
        return rows

    # ------------------------------------------------------------------------------
    # records (idempotent)
    # ------------------------------------------------------------------------------

    @api.model
    def _recorded(self, backend, kind, external_id):
        """The snapshot/adjustment already recorded under this id (locked
        until the transaction ends, as the core's bindings are)."""
        Binding = self.env["integration.binding"].sudo()
        Binding._lock(backend, "tpl.inventory.snapshot", f"{kind}:{external_id}")
        return self.env["tpl.inventory.snapshot"].search(
            [("backend_id", "=", backend.id), ("kind", "=", kind), ("external_id", "=", external_id)], limit=1
        )

    @api.model
    def _utc(self, value):
        """A canonical date-time (ISO 8601, offset or Z) as a naive UTC datetime."""
        moment = datetime.fromisoformat(value) if isinstance(value, str) else value
        if moment.tzinfo:
            moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
        return moment

    @api.model
    def _check_not_stale(self, backend, external_id, as_of):
        newer = self.env["tpl.inventory.snapshot"].search(
            [("backend_id", "=", backend.id), ("kind", "=", "snapshot"), ("as_of", ">", as_of)],
            order="as_of desc",
            limit=1,
        )
        if newer:
            raise StaleUpdate(
                _(
                    "Snapshot %(ref)s counts the stock of %(as_of)s, before %(newer)s (%(newer_as_of)s): "
                    "comparing it now would undo what the later one set.",
                    ref=external_id,
                    as_of=as_of,
                    newer=newer.external_id,
                    newer_as_of=newer.as_of,
                )
            )

    @api.model
    def _record(self, backend, event, kind, external_id, **values):
        as_of = values.pop("as_of")
        if isinstance(as_of, str):
            as_of = self._utc(as_of)
        record = self.env["tpl.inventory.snapshot"].create(
            dict(
                values,
                backend_id=backend.id,
                kind=kind,
                external_id=external_id,
                as_of=as_of,
                event_id=event.id if event else False,
            )
        )
        self.env["integration.binding"].sudo()._bind(backend, record, f"{kind}:{external_id}")
        return record

    # ------------------------------------------------------------------------------
    # Odoo's side: one query each
    # ------------------------------------------------------------------------------

    @api.model
    def _stock_location(self, backend):
        warehouse = backend.tpl_warehouse_id
        if not warehouse:
            raise BusinessRuleError(_("%s runs no Odoo warehouse: set one on the backend.", backend.name))
        return warehouse.lot_stock_id

    @api.model
    def _digits(self):
        return self.env["decimal.precision"].precision_get("Product Unit of Measure")

    @api.model
    def _quantities(self, location, products=None):
        """({(product id, lot name): on hand}, {same key: reserved}) over the
        internal locations under ``location``, except its 'Damaged' one
        (goods received damaged are not the 3PL's sellable stock): ONE
        grouped SQL query. ``products``: restrict to these ids."""
        self.env["stock.quant"].flush_model(
            ["product_id", "location_id", "lot_id", "quantity", "reserved_quantity"]
        )
        self.env["stock.lot"].flush_model(["name"])
        query = """
            SELECT q.product_id, l.name, SUM(q.quantity), SUM(q.reserved_quantity)
              FROM stock_quant q
              JOIN stock_location loc ON loc.id = q.location_id
         LEFT JOIN stock_lot l ON l.id = q.lot_id
             WHERE loc.parent_path LIKE %s
               AND loc.usage = 'internal'
               AND NOT (loc.name = 'Damaged' AND loc.location_id = %s)
        """
        params = [f"{location.parent_path}%", location.id]
        if products is not None:
            query += " AND q.product_id = ANY(%s)"
            params.append(list(products))
        query += " GROUP BY q.product_id, l.name"
        self.env.cr.execute(query, params)
        digits = self._digits()
        ours, reserved = {}, {}
        for product, lot, quantity, held in self.env.cr.fetchall():
            key = (product, lot)
            ours[key] = Decimal(str(round(quantity or 0.0, digits)))
            if held:
                reserved[key] = Decimal(str(round(held, digits)))
        return ours, reserved

    @api.model
    def _moved_since(self, location, as_of, products=None):
        """{(product id, lot name): net quantity} that done stock moves since
        ``as_of`` brought into (positive) or out of the stock counted by
        :meth:`_quantities`, inventory moves aside: ONE grouped SQL query."""
        self.env["stock.move.line"].flush_model()
        self.env["stock.move"].flush_model(["is_inventory"])
        query = """
            WITH inside AS (
                SELECT id FROM stock_location
                 WHERE parent_path LIKE %s AND usage = 'internal'
                   AND NOT (name = 'Damaged' AND location_id = %s)
            )
            SELECT ml.product_id, l.name,
                   SUM(CASE WHEN di.id IS NOT NULL THEN ml.quantity_product_uom
                            ELSE -ml.quantity_product_uom END)
              FROM stock_move_line ml
              JOIN stock_move m ON m.id = ml.move_id
         LEFT JOIN inside si ON si.id = ml.location_id
         LEFT JOIN inside di ON di.id = ml.location_dest_id
         LEFT JOIN stock_lot l ON l.id = ml.lot_id
             WHERE ml.state = 'done'
               AND ml.date > %s
               AND NOT COALESCE(m.is_inventory, FALSE)
               AND (si.id IS NULL) <> (di.id IS NULL)
        """
        params = [f"{location.parent_path}%", location.id, as_of]
        if products is not None:
            query += " AND ml.product_id = ANY(%s)"
            params.append(list(products))
        query += " GROUP BY ml.product_id, l.name"
        self.env.cr.execute(query, params)
        digits = self._digits()
        return {
            (product, lot): Decimal(str(round(quantity, digits)))
            for product, lot, quantity in self.env.cr.fetchall()
            if quantity
        }

    @api.model
    def _protected(self, backend, location, reserved, products=None):
        """{(product, lot): (threshold, text)} where a delivery released to
        the 3PL reserves stock: the threshold is all that is reserved there
        (below it Odoo unreserves, and may pick the released delivery); the
        text names the released deliveries. ONE grouped SQL query."""
        self.env["stock.move.line"].flush_model(
            ["product_id", "lot_id", "location_id", "quantity_product_uom", "state", "picking_id"]
        )
        self.env["stock.picking"].flush_model(["tpl_state", "name"])
        query = """
            SELECT ml.product_id, l.name, p.name, SUM(ml.quantity_product_uom)
              FROM stock_move_line ml
              JOIN stock_picking p ON p.id = ml.picking_id
              JOIN stock_location loc ON loc.id = ml.location_id
         LEFT JOIN stock_lot l ON l.id = ml.lot_id
             WHERE p.tpl_state = ANY(%s)
               AND ml.state NOT IN ('done', 'cancel')
               AND loc.parent_path LIKE %s
        """
        params = [list(RELEASED_STATES), f"{location.parent_path}%"]
        if products is not None:
            query += " AND ml.product_id = ANY(%s)"
            params.append(list(products))
        query += " GROUP BY ml.product_id, l.name, p.name ORDER BY p.name"
        self.env.cr.execute(query, params)
        held = {}
        for product, lot, picking, quantity in self.env.cr.fetchall():
            held.setdefault((product, lot), []).append(f"{picking} ({quantity:g})")
        protected = {}
        for key, names in held.items():
            protected[key] = (
                reserved.get(key, reconcile.ZERO),
                _(
                    "Lowering it would unreserve deliveries released to %(backend)s: %(names)s.",
                    backend=backend.name,
                    names=", ".join(names),
                ),
            )
        return protected

    @api.model
    def _resolver(self, backend, skus):
        """``resolve(sku) -> (product id, units per 3PL unit, tracked)``: the
        backend's product maps, then products by internal reference (one
        query for all ``skus``)."""
        table = {}
        for row in backend.tpl_product_map_ids:
            table[row.tpl_sku] = (row.product_id.id, row.units_per_tpl_uom, row.product_id.tracking != "none")
        missing = [sku for sku in skus if sku not in table]
        if missing:
            self.env["product.product"].flush_model(["default_code", "active"])
            self.env.cr.execute(
                """
                SELECT DISTINCT ON (pp.default_code) pp.default_code, pp.id, pt.tracking
                  FROM product_product pp
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                 WHERE pp.default_code = ANY(%s)
                   AND pp.active
                   AND (pt.company_id IS NULL OR pt.company_id = %s)
              ORDER BY pp.default_code, pp.id
                """,
                [missing, backend.company_id.id],
            )
            for code, product, tracking in self.env.cr.fetchall():
                table[code] = (product, 1, tracking != "none")
        return table.get

    # ------------------------------------------------------------------------------
    # variances -> records -> moves
    # ------------------------------------------------------------------------------

    @api.model
    def _create_variances(self, snapshot, variances):
        if not variances:
            return self.env["tpl.inventory.variance"]
        company = snapshot.company_id
        product_ids = list({v.product for v in variances})
        Product = self.env["product.product"].with_company(company)
        costs = {p.id: p.standard_price for p in Product.browse(product_ids)}
        lots = self._lots(company, {(v.product, v.lot) for v in variances if v.lot})
        values = []
        for v in variances:
            cost = costs.get(v.product) or 0.0
            values.append(
                {
                    "snapshot_id": snapshot.id,
                    "product_id": v.product,
                    "lot_name": v.lot or False,
                    "lot_id": lots.get((v.product, v.lot), False),
                    "odoo_qty": float(v.odoo_qty),
                    "tpl_qty": float(v.tpl_qty),
                    "difference": float(v.difference),
                    "value": float(v.difference) * cost,
                    "state": STATE_OF.get(v.status, v.status),
                    "reason": v.reason or False,
                    "reason_code": v.reason_code or False,
                }
            )
        return self.env["tpl.inventory.variance"].create(values)

    @api.model
    def _lots(self, company, keys):
        """{(product id, lot name): lot id} of the existing lots (one search)."""
        if not keys:
            return {}
        lots = self.env["stock.lot"].search(
            [
                ("product_id", "in", list({p for p, _n in keys})),
                ("name", "in", list({n for _p, n in keys})),
                ("company_id", "in", [company.id, False]),
            ]
        )
        return {(lot.product_id.id, lot.name): lot.id for lot in lots}

    @api.model
    def _flag_released(self, variances):
        """The decreases among ``variances`` that would now cut into stock
        reserved by deliveries released to the 3PL and do not say so yet
        (a delivery released after the variance was recorded): their reason
        now names the deliveries; returned so the caller leaves them waiting."""
        flagged = self.env["tpl.inventory.variance"]
        for backend in variances.backend_id:
            mine = variances.filtered(lambda v, b=backend: v.backend_id == b and v.difference < 0)
            if not mine:
                continue
            location = self._stock_location(backend)
            products = list(set(mine.product_id.ids))
            ours, reserved = self._quantities(location, products)
            protected = self._protected(backend, location, reserved, products)
            for variance in mine:
                key = (variance.product_id.id, variance.lot_name or None)
                if key not in protected:
                    continue
                threshold, text = protected[key]
                before = ours.get(key, reconcile.ZERO)
                change = Decimal(str(variance.difference))
                if reconcile.cuts_reservation(before, change, threshold) and text not in (
                    variance.reason or ""
                ):
                    variance.reason = "\n".join(filter(None, [text, variance.reason]))
                    flagged |= variance
        return flagged

    @api.model
    def _apply_variances(self, variances, state):
        """Inventory moves for the variances' deltas at the 3PL's stock
        location (to or from the inventory-loss location), done at once;
        the variances take ``state``. Lots the 3PL counts that Odoo does
        not know yet are created."""
        if not variances:
            return self.env["stock.move"]
        self = self.with_company(variances[0].company_id)
        missing = variances.filtered(lambda v: v.lot_name and not v.lot_id and v.difference > 0)
        for variance in missing:
            variance.lot_id = self.env["stock.lot"].create(
                {
                    "product_id": variance.product_id.id,
                    "name": variance.lot_name,
                    "company_id": variance.company_id.id,
                }
            )
        values, applied = [], []
        for variance in variances:
            if not variance.difference:
                continue
            snapshot = variance.snapshot_id
            location = self._stock_location(snapshot.backend_id)
            product = variance.product_id
            loss = product.with_company(variance.company_id).property_stock_inventory
            source, destination = (loss, location) if variance.difference > 0 else (location, loss)
            quantity = abs(variance.difference)
            name = _("3PL inventory: %s", snapshot.name)
            values.append(
                {
                    "name": name,
                    "origin": snapshot.name,
                    "product_id": product.id,
                    "product_uom": product.uom_id.id,
                    "product_uom_qty": quantity,
                    "company_id": variance.company_id.id,
                    "location_id": source.id,
                    "location_dest_id": destination.id,
                    "is_inventory": True,
                    "picked": True,
                    "state": "confirmed",
                    "move_line_ids": [
                        (
                            0,
                            0,
                            {
                                "product_id": product.id,
                                "product_uom_id": product.uom_id.id,
                                "quantity": quantity,
                                "location_id": source.id,
                                "location_dest_id": destination.id,
                                "company_id": variance.company_id.id,
                                "lot_id": variance.lot_id.id,
                            },
                        )
                    ],
                }
            )
            applied.append(variance)
        moves = self.env["stock.move"].with_context(inventory_mode=False).create(values)
        moves._action_done()
        for variance, move in zip(applied, moves, strict=True):
            variance.write({"move_id": move.id, "state": state})
        variances.filtered(lambda v: not v.difference).write({"state": state})
        return moves
