import hashlib
import logging
import time
from datetime import timedelta

from odoo import _, api, models

from odoo.addons.integration_core.lib.exceptions import BusinessRuleError, MappingError

from ..lib import queries

_logger = logging.getLogger(__name__)

# Shopify's clock and ours may differ a little: a fulfilment stamped up to
# this long before the delivery was done in Odoo still counts as made after.
FULFILLMENT_CLOCK_SKEW = timedelta(seconds=60)


class ShopifyExporter(models.AbstractModel):
    """What Odoo tells Shopify: available stock and fulfilments."""

    _name = "shopify.exporter"
    _description = "Shopify Exporter"

    # ------------------------------------------------------------------------------
    # listeners of Odoo events (the core dispatches them: integration_core's odoo_events.py)
    # ------------------------------------------------------------------------------

    @api.model
    def _listen_stock_moves_done(self, backend, moves):
        """stock_move.done: stock moved for variants sold on this store:
        schedule one delta export; an export that has not started yet
        absorbs the move (see _absorb_into_pending_stock_export)."""
        products = moves.filtered(lambda m: m.state == "done").product_id
        if not products:
            return
        bound = (
            self.env["integration.binding"]
            .sudo()
            .search_count(
                [
                    ("backend_id", "=", backend.id),
                    ("res_model", "=", "product.product"),
                    ("res_id", "in", products.ids),
                ],
                limit=1,
            )
        )
        if not bound:
            return
        if not self.env["integration.flow"].sudo()._is_active(backend, "stock_delta", policies=("realtime",)):
            return
        if not self._absorb_into_pending_stock_export(backend):
            backend._emit(
                "stock.export",
                {"full": False},
                key=f"stock.export:moves:{self._ids_digest(moves)}",
                trace=self.env["integration.odoo.event"]._trace_of(moves),
            )

    @api.model
    def _ids_digest(self, records):
        return hashlib.sha256(",".join(map(str, sorted(records.ids))).encode()).hexdigest()[:32]

    def _absorb_into_pending_stock_export(self, backend):
        """True when a pending stock export of ``backend`` will push the moves
        done now.

        An export (delta or full) reads the quantities when it runs, so only
        one that has not started yet covers a move done now: its job is not ``started``
        and nobody holds its row (a running export locks its event row
        first thing). The row is taken with a write, skipping locked rows:
        an export that starts after this check with a snapshot older than
        our commit then fails to lock the row we changed (serialization
        failure) and queue_job runs it again with a fresh snapshot, which
        sees this move. An export waiting for a retry later on does not
        absorb either: the change would wait with it.
        """
        self.env["integration.event"].flush_model()
        self.env["queue.job"].flush_model()
        self.env.cr.execute(
            """
            UPDATE integration_event
               SET write_date = now() AT TIME ZONE 'UTC'
             WHERE id = (
                    SELECT event.id
                      FROM integration_event event
                 LEFT JOIN queue_job job ON job.id = event.job_id
                     WHERE event.backend_id = %s
                       AND event.topic = 'stock.export'
                       AND event.state IN ('received', 'queued')
                       AND (job.id IS NULL OR job.state IN ('wait_dependencies', 'pending', 'enqueued'))
                       AND (event.next_retry_at IS NULL OR event.next_retry_at <= now() AT TIME ZONE 'UTC')
                  ORDER BY event.id
                     LIMIT 1
                       FOR NO KEY UPDATE OF event SKIP LOCKED
                   )
         RETURNING id
            """,
            [backend.id],
        )
        absorbed = self.env.cr.fetchone()
        if absorbed:
            self.env["integration.event"].browse(absorbed[0]).invalidate_recordset(["write_date"])
        return bool(absorbed)

    @api.model
    def _listen_pickings_done(self, backend, pickings):
        """picking.done: a delivery of an order of this store done in Odoo (by
        hand, or confirmed by a 3PL) becomes a Shopify fulfilment: one
        outbound event per delivery, never two (its idempotency key)."""
        deliveries = pickings.filtered(
            lambda p: p.state == "done" and p.picking_type_code == "outgoing" and p.sale_id
        )
        if not deliveries:
            return
        if (
            not self.env["integration.flow"]
            .sudo()
            ._is_active(backend, "fulfillment_export", policies=("realtime",))
        ):
            return
        orders = self.env["integration.binding"].sudo()._external_ids(backend, deliveries.sale_id)
        for picking in deliveries.filtered(lambda p: p.sale_id.id in orders):
            backend._emit(
                "fulfillment.export",
                self._fulfillment_payload(picking),
                key=f"fulfillment:{picking.id}",
                record=picking,
            )

    # ------------------------------------------------------------------------------
    # stock
    # ------------------------------------------------------------------------------

    @api.model
    def _export_stock_event(self, event, payload):
        result = self._export_stock(event.backend_id, full=bool(payload.get("full")))
        event.external_id = _("%(changed)s items in %(calls)s calls", **result)
        return None

    @api.model
    def _export_stock(self, backend, full=False):
        """Send the available quantity of every bound variant at every mapped
        location, only where it differs from the last one pushed (all of them
        when ``full``), in as few inventorySetQuantities calls as the API
        allows. What was pushed is remembered on the variant's binding.
        Returns {calls, changed, seconds}."""
        start = time.monotonic()
        maps = backend.location_map_ids.filtered("export_stock")
        bindings = (
            self.env["integration.binding"]
            .sudo()
            .search([("backend_id", "=", backend.id), ("res_model", "=", "product.product")])
        )
        if not maps or not bindings:
            return {"calls": 0, "changed": 0, "seconds": 0.0}
        resolved_calls = self._resolve_inventory_items(backend, bindings)
        bindings = bindings.filtered(lambda b: (b.data or {}).get("inventory_item_id"))
        if not bindings:
            return {"calls": resolved_calls, "changed": 0, "seconds": round(time.monotonic() - start, 3)}
        products = self.env["product.product"].sudo().browse(bindings.mapped("res_id")).exists()
        # quantities are computed per location context and cached: read them fresh
        products.invalidate_recordset(["qty_available", "free_qty", "virtual_available"])
        changes = []
        pushed = {}  # binding -> {location: qty}
        for mapping in maps:
            location = mapping.warehouse_id.lot_stock_id
            quantities = {
                product.id: int(max(product.free_qty, 0))
                for product in products.with_context(location=location.id)
            }
            for binding in bindings:
                if binding.res_id not in quantities:
                    continue
                quantity = quantities[binding.res_id]
                last = (binding.data or {}).get("pushed", {}).get(mapping.location_code)
                if not full and last == quantity:
                    continue
                changes.append(
                    {
                        "inventory_item_id": binding.data["inventory_item_id"],
                        "location_id": mapping.location_code,
                        "quantity": quantity,
                    }
                )
                pushed.setdefault(binding, {})[mapping.location_code] = quantity
        calls = 0
        if changes:
            with backend._shopify_client() as client:
                calls = client.set_inventory_quantities(changes, reference_document_uri=None)
            for binding, by_location in pushed.items():
                data = dict(binding.data or {})
                data["pushed"] = dict(data.get("pushed") or {}, **by_location)
                binding.data = data
        return {
            "calls": resolved_calls + calls,
            "changed": len(changes),
            "seconds": round(time.monotonic() - start, 3),
        }

    @api.model
    def _resolve_inventory_items(self, backend, bindings):
        """Learn the inventory item of variants bound without one (bound from
        an order line, which names the variant only); see _learn_variant_data.
        Returns the calls made."""
        with backend._shopify_client() as client:
            return self._learn_variant_data(bindings, "inventory_item_id", client.variant_inventory_items)

    @api.model
    def _learn_variant_data(self, bindings, key, fetch):
        """Remember ``data[key]`` on the variant bindings that lack it, from
        ``fetch(variant ids)`` ({variant id: value}, one ``nodes`` call per
        250 variants). A variant Shopify no longer has is marked
        ``variant_gone``, and skipped from then on. Returns the calls made."""
        missing = bindings.filtered(
            lambda b: not (b.data or {}).get(key) and not (b.data or {}).get("variant_gone")
        )
        if not missing:
            return 0
        found = fetch(missing.mapped("external_id"))
        for binding in missing:
            data = dict(binding.data or {})
            if found.get(binding.external_id):
                data[key] = found[binding.external_id]
            else:
                data["variant_gone"] = True
                _logger.info("Shopify has no variant %s any more: it is skipped", binding.external_id)
            binding.data = data
        return -(-len(missing) // queries.NODES_PER_CALL)

    # ------------------------------------------------------------------------------
    # fulfilments
    # ------------------------------------------------------------------------------

    @api.model
    def _fulfillment_payload(self, picking):
        """The lines a done delivery shipped, in Shopify's terms."""
        lines = []
        for move in picking.move_ids.filtered(lambda m: m.state == "done" and m.sale_line_id):
            line_id = move.sale_line_id.integration_external_id
            if line_id and move.quantity:
                lines.append({"line_item_id": line_id, "quantity": int(move.quantity)})
        return {
            "picking_id": picking.id,
            "picking": picking.name,
            "lines": lines,
            "tracking_number": picking.carrier_tracking_ref or None,
            "carrier": picking.carrier_id.name or None,
        }

    @api.model
    def _export_fulfillment(self, event, payload):
        """fulfillment.export: create the Shopify fulfilment of one delivery.

        Idempotent: the binding of the picking prevents a second fulfilment,
        and since the fulfilment is created before that binding commits, a
        fulfilment an earlier attempt created before crashing (same lines
        and quantities, same tracking number when there is one, created
        after the delivery was done, not bound to another delivery) is
        bound instead of created again (ShopifyClient.ensure_fulfillment)."""
        backend = event.backend_id
        picking = self.env["stock.picking"].sudo().browse(payload["picking_id"]).exists()
        if not picking:
            raise MappingError(_("Delivery %s no longer exists.", payload.get("picking")))
        Binding = self.env["integration.binding"].sudo()
        if Binding._external_ids(backend, picking):
            return picking  # already fulfilled
        order_external_id = Binding._external_ids(backend, picking.sale_id).get(picking.sale_id.id)
        if not order_external_id:
            raise MappingError(_("%s is not a Shopify order of this backend.", picking.sale_id.name))
        if not payload["lines"]:
            raise BusinessRuleError(_("Delivery %s shipped no line Shopify knows.", picking.name))
        with backend._shopify_client() as client:
            fulfillments, created = client.ensure_fulfillment(
                order_external_id,
                payload["lines"],
                tracking_number=payload.get("tracking_number"),
                carrier=payload.get("carrier"),
                created_after=picking.date_done - FULFILLMENT_CLOCK_SKEW if picking.date_done else None,
                exclude_ids=self._bound_fulfillment_ids(backend, picking.sale_id),
            )
        ids = ", ".join(str(f.get("id")) for f in fulfillments or [])
        external_id = str((fulfillments or [{}])[0].get("id") or f"picking:{picking.id}")
        Binding._bind(backend, picking, external_id, data={"fulfillments": ids})
        if created:
            picking._message_log(body=_("Fulfilment sent to Shopify (%s).", ids or _("no new fulfilment")))
        else:
            picking._message_log(
                body=_("Bound to the Shopify fulfilment %s an earlier attempt had already created.", ids)
            )
        return picking

    def _bound_fulfillment_ids(self, backend, sale):
        """Shopify fulfilment ids already bound to deliveries of ``sale``."""
        bindings = (
            self.env["integration.binding"]
            .sudo()
            .search(
                [
                    ("backend_id", "=", backend.id),
                    ("res_model", "=", "stock.picking"),
                    ("res_id", "in", sale.picking_ids.ids),
                ]
            )
        )
        ids = set()
        for binding in bindings:
            ids.add(binding.external_id)
            ids.update(
                i.strip() for i in ((binding.data or {}).get("fulfillments") or "").split(",") if i.strip()
            )
        return ids
