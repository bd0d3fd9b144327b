from collections import defaultdict
from decimal import Decimal

from odoo import _, api, models
from odoo.tools import float_compare

from ..lib import money
from ..lib.exceptions import BusinessRuleError, MappingError


class IntegrationShipmentImporter(models.AbstractModel):
    """Applies a canonical shipment confirmation (schemas/shipment.v1.json)
    to the open delivery of an order: shipped quantities per SKU, tracking
    numbers, validation, and a backorder for what was not shipped.
    Idempotent: a shipment already applied (bound) is not applied again."""

    _name = "integration.shipment.importer"
    _description = "Integration Shipment Importer"

    @api.model
    def _import_from_event(self, event, shipment):
        return self._import_shipment(event.backend_id, shipment)

    @api.model
    def _import_shipment(self, backend, shipment):
        Binding = self.env["integration.binding"].sudo()
        external_id = shipment["external_id"]
        Binding._lock(backend, "stock.picking", external_id)
        done = Binding._get_record(backend, "stock.picking", external_id)
        if done:
            return done
        picking = self._find_picking(backend, shipment)
        quantities = self._shipped_quantities(shipment)
        self._set_quantities(picking, quantities)
        tracking = [
            p.get("tracking_number") for p in shipment.get("packages") or [] if p.get("tracking_number")
        ]
        if tracking:
            picking.carrier_tracking_ref = ", ".join(tracking)
        picking.with_context(cancel_backorder=False, skip_sms=True)._action_done()
        Binding._bind(backend, picking, external_id)
        picking._message_log(
            body=_(
                "Shipment %(ref)s confirmed by %(backend)s%(tracking)s.",
                ref=external_id,
                backend=backend.name,
                tracking=(_(", tracking %s", ", ".join(tracking)) if tracking else ""),
            )
        )
        return picking

    def _find_picking(self, backend, shipment):
        Picking = self.env["stock.picking"].sudo()
        open_states = ("confirmed", "waiting", "assigned")
        if shipment.get("picking_ref"):
            picking = Picking.search(
                [("name", "=", shipment["picking_ref"]), ("company_id", "=", backend.company_id.id)], limit=1
            )
            if picking and picking.state in open_states:
                return picking
            if picking:
                raise BusinessRuleError(
                    _(
                        "Delivery %(name)s is %(state)s: it cannot be shipped again.",
                        name=picking.name,
                        state=picking.state,
                    )
                )
        order_ref = shipment.get("order_ref")
        if not order_ref:
            raise MappingError(_("The shipment names neither a delivery nor an order."))
        SaleOrder = self.env["sale.order"].sudo()
        order = self.env["integration.binding"].sudo()._get_record(backend, "sale.order", order_ref)
        if not order:
            order = SaleOrder.search(
                [
                    ("company_id", "=", backend.company_id.id),
                    "|",
                    ("name", "=", order_ref),
                    ("client_order_ref", "=", order_ref),
                ],
                limit=1,
            )
        if not order:
            raise MappingError(_("No sales order matches %s.", order_ref))
        pickings = order.picking_ids.filtered(
            lambda p: p.picking_type_code == "outgoing" and p.state in open_states
        ).sorted("id")
        if not pickings:
            raise BusinessRuleError(_("Order %s has no open delivery to confirm.", order.name))
        return pickings[0]

    def _shipped_quantities(self, shipment):
        """{sku: quantity} over the packages' lines, or the shipment's lines,
        summed exactly (canonical quantities may be Decimals)."""
        quantities = defaultdict(Decimal)
        lines = [line for package in shipment.get("packages") or [] for line in package.get("lines") or []]
        if not lines:
            lines = shipment.get("lines") or []
        for line in lines:
            quantities[line["sku"]] += money.to_decimal(line["quantity"])
        if not quantities:
            raise MappingError(_("The shipment has no shipped lines."))
        return quantities

    def _set_quantities(self, picking, quantities):
        moves_by_sku = defaultdict(lambda: self.env["stock.move"])
        for move in picking.move_ids.filtered(lambda m: m.state not in ("done", "cancel")):
            moves_by_sku[move.product_id.default_code] |= move
        unknown = [sku for sku in quantities if sku not in moves_by_sku]
        if unknown:
            raise MappingError(
                _(
                    "Delivery %(name)s has no line for SKU(s) %(skus)s.",
                    name=picking.name,
                    skus=", ".join(unknown),
                )
            )
        for move in picking.move_ids:
            move.picked = False
        for sku, quantity in quantities.items():
            remaining = float(quantity)  # the ORM's float, rounded per move's unit below
            for move in moves_by_sku[sku]:
                take = min(remaining, move.product_uom_qty)
                if float_compare(take, 0.0, precision_rounding=move.product_uom.rounding) <= 0:
                    continue
                move.quantity = take
                move.picked = True
                remaining -= take
            if float_compare(remaining, 0.0, precision_digits=4) > 0:
                raise BusinessRuleError(
                    _(
                        "Delivery %(name)s: %(qty)s more of %(sku)s shipped than ordered.",
                        name=picking.name,
                        qty=remaining,
                        sku=sku,
                    )
                )
        for move in picking.move_ids.filtered(lambda m: not m.picked and m.state not in ("done", "cancel")):
            move.quantity = 0
