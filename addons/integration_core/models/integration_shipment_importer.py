"""The core applies shipment confirmations; channels never touch stock.picking.

Two canonical kinds come in (``schema_version`` says which):

- shipment.v1 (channels' fulfilments): quantities per SKU over the open
  delivery, tracking numbers, a backorder for the rest;
- shipment.v2 (a warehouse's confirmation: 945, ShipBob shipments), applied
  exactly: per line (matched by ``line_ref``, our stock move id, else by SKU),
  with lots and serials, packages (SSCC/LPN), carrier and SCAC, several
  confirmations per order and a rule for what was not shipped.

The channel's entry points are ``_import_from_event(event, shipment)`` (the
topic table's apply) and ``_import_shipment(backend, shipment,
short_policy=None)``. For v2 the short policy ("backorder" or "cancel")
is the argument, else ``backend._shipment_short_policy()`` (a channel's
``_<backend_type>_shipment_short_policy`` hook, "backorder" by default).

A v2 shipment is keyed on its ``external_id`` (the warehouse's shipment id or
BOL, never the order number): under an advisory lock, a shipment already
bound is not applied again (its delivery is returned). It applies to the
open delivery of ``picking_ref`` or, when that one is done, to its open
backorder (the warehouse only knows the delivery it was released), else to
the open delivery of ``order_ref``. In order:

1. plan and check everything (lib/shipment_plan.py, then the delivery's open
   moves, units and Odoo's lots): unknown line -> MappingError, lot or serial
   that does not exist -> MappingError, substitution or over-shipment ->
   BusinessRuleError. Nothing is written before every check passed;
2. in a savepoint: tracking numbers into ``carrier_tracking_ref`` and the
   carrier, the moves' reservations replaced by move lines of the shipped
   lots, serials and packages, the rests to cancel split off and cancelled,
   then ``button_validate``. A wizard it returns instead of validating is a
   BusinessRuleError naming it, and the savepoint undoes everything.

What was not shipped: a line's status ``backorder`` keeps the rest in a
backorder, ``cancelled`` cancels it, no status follows the short policy; a
``final`` shipment cancels every rest. Moves the shipment does not mention
stay in the backorder (another shipment brings them) unless it is final.
Validation never buys a carrier label: tracking is set first, and
``send_to_shipper`` is off under the importer's context (models/stock_picking.py).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from odoo import _, api, models
from odoo.tools import float_compare, float_is_zero, float_round

from ..lib import canonical, money
from ..lib import shipment_plan as plans
from ..lib.exceptions import BusinessRuleError, MappingError, ValidationFailed
from .stock_picking import NO_CARRIER_API

OPEN_STATES = ("confirmed", "waiting", "assigned")


@dataclass
class Allocation:
    """Where a v2 shipment's pieces go: move lines to create, and per open
    move what was shipped and what becomes of the rest (base unit)."""

    move_lines: list = field(default_factory=list)  # (move, quantity, lot, package index)
    shipped: dict = field(default_factory=lambda: defaultdict(float))  # move -> quantity
    actions: dict = field(default_factory=dict)  # move -> BACKORDER / CANCEL (moves with a rest)
    notes: list = field(default_factory=list)  # what the chatter line also says


class IntegrationShipmentImporter(models.AbstractModel):
    """Applies a canonical shipment confirmation (schemas/shipment.v1.json
    or shipment.v2.json) to the open delivery of an order. Idempotent: a
    shipment already applied (bound) is not applied again."""

    _name = "integration.shipment.importer"
    _description = "Integration Shipment Importer"

    @api.model
    def _import_from_event(self, event, shipment):
        return self._import_shipment(event.backend_id, shipment)

    @api.model
    def _import_shipment(self, backend, shipment, short_policy=None):
        """Apply ``shipment`` (canonical, v1 or v2); returns the delivery it
        was applied to. ``short_policy`` ("backorder" or "cancel") is what a
        v2 line shipped short without a status of its own gets; default:
        ``backend._shipment_short_policy()``. v1 ignores it (its rest always
        stays in a backorder)."""
        version = shipment.get("schema_version", 1)
        if version == 2:
            return self._import_shipment_v2(backend, shipment, short_policy)
        if version != 1:
            raise ValidationFailed(
                _("There is no shipment schema version %s (1 and 2 are known).", version),
                errors=[f"schema_version: {version!r} is not 1 or 2"],
            )
        return self._import_shipment_v1(backend, shipment)

    # ------------------------------------------------------------------------------
    # shipment.v1
    # ------------------------------------------------------------------------------

    @api.model
    def _import_shipment_v1(self, backend, shipment):
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
        if shipment.get("picking_ref"):
            picking = Picking.search(
                [("name", "=", shipment["picking_ref"]), ("company_id", "=", backend.company_id.id)], limit=1
            )
            if picking and picking.state in OPEN_STATES:
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
        order = self._find_order(backend, order_ref)
        pickings = order.picking_ids.filtered(
            lambda p: p.picking_type_code == "outgoing" and p.state in OPEN_STATES
        ).sorted("id")
        if not pickings:
            raise BusinessRuleError(_("Order %s has no open delivery to confirm.", order.name))
        return pickings[0]

    def _find_order(self, backend, order_ref):
        """The sales order bound to ``order_ref``, else named so or with that
        customer reference; MappingError when none."""
        order = self.env["integration.binding"].sudo()._get_record(backend, "sale.order", order_ref)
        if not order:
            order = (
                self.env["sale.order"]
                .sudo()
                .search(
                    [
                        ("company_id", "=", backend.company_id.id),
                        "|",
                        ("name", "=", order_ref),
                        ("client_order_ref", "=", order_ref),
                    ],
                    limit=1,
                )
            )
        if not order:
            raise MappingError(_("No sales order matches %s.", order_ref))
        return order

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

    # ------------------------------------------------------------------------------
    # shipment.v2: entry point
    # ------------------------------------------------------------------------------

    @api.model
    def _import_shipment_v2(self, backend, shipment, short_policy=None):
        canonical.validate("shipment", shipment, version=2)
        policy = plans.check_policy(short_policy or backend._shipment_short_policy())
        Binding = self.env["integration.binding"].sudo()
        external_id = shipment["external_id"]
        Binding._lock(backend, "stock.picking", external_id)
        done = Binding._get_record(backend, "stock.picking", external_id)
        if done:
            return done
        plan = plans.plan_shipment(shipment)
        picking = self._v2_picking(backend, plan)
        allocation = self._v2_allocate(picking, plan, policy)
        with self.env.cr.savepoint():
            self._v2_apply(backend, picking, plan, allocation)
            Binding._bind(backend, picking, external_id)
        return picking

    # ------------------------------------------------------------------------------
    # shipment.v2: which delivery
    # ------------------------------------------------------------------------------

    def _v2_picking(self, backend, plan):
        """The open delivery the shipment applies to: ``picking_ref``'s, or
        the open backorder of it when it is done; else ``order_ref``'s first
        open delivery (the one holding the lines' ``line_ref`` moves when
        several are open)."""
        Picking = self.env["stock.picking"].sudo()
        named = Picking.browse()
        if plan.picking_ref:
            named = Picking.search(
                [("name", "=", plan.picking_ref), ("company_id", "=", backend.company_id.id)], limit=1
            )
        if named:
            family, label = self._v2_descendants(named), named.name
        elif plan.order_ref:
            order = self._find_order(backend, plan.order_ref)
            family, label = order.picking_ids, order.name
        else:
            raise MappingError(
                template=_("Shipment %(shipment)s: no delivery is named %(name)s, and it names no order."),
                params={"shipment": plan.external_id, "name": plan.picking_ref},
                code="shipment.delivery_unknown",
            )
        candidates = family.filtered(
            lambda p: p.picking_type_code == "outgoing" and p.state in OPEN_STATES
        ).sorted("id")
        if not candidates:
            raise BusinessRuleError(
                template=_(
                    "Shipment %(shipment)s: nothing of %(name)s is open any more (its deliveries are "
                    "%(states)s). It may confirm what another shipment already confirmed: check "
                    "the deliveries, then fix the canonical payload and replay, or ignore it."
                ),
                params={
                    "shipment": plan.external_id,
                    "name": label,
                    "states": ", ".join(f"{p.name} {p.state}" for p in family.sorted("id")) or _("none"),
                },
                code="shipment.nothing_open",
            )
        refs = {int(line.line_ref) for line in plan.lines if line.line_ref and line.line_ref.isdigit()}
        for picking in candidates:
            if refs & set(picking.move_ids.ids):
                return picking
        return candidates[0]

    def _v2_descendants(self, picking):
        """``picking`` and its backorders, theirs, and so on."""
        family = picking
        layer = picking
        while layer:
            layer = layer.backorder_ids - family
            family |= layer
        return family

    # ------------------------------------------------------------------------------
    # shipment.v2: the checks (read only)
    # ------------------------------------------------------------------------------

    def _v2_allocate(self, picking, plan, policy):
        """Every piece of the plan on an open move of ``picking``, with its
        lot; what becomes of each move's rest. Reads only: raises MappingError
        or BusinessRuleError before anything is written."""
        open_moves = picking.move_ids.filtered(lambda m: m.state not in ("done", "cancel"))
        allocation = Allocation()
        remaining = {move: move.product_qty for move in open_moves}
        statuses = defaultdict(list)  # move -> statuses of the lines on it
        for line in plan.lines:
            moves = self._v2_line_moves(picking, open_moves, line)
            if not moves:
                if line.shipped > 0:
                    raise MappingError(
                        template=_(
                            "%(line)s: delivery %(name)s has no open line for it (its open SKUs: %(skus)s)."
                        ),
                        params={
                            "line": line.describe(),
                            "sku": line.sku,
                            "name": picking.name,
                            "skus": ", ".join(sorted({m.product_id.default_code or "?" for m in open_moves}))
                            or _("none"),
                        },
                        code="shipment.line_unknown",
                    )
                allocation.notes.append(_("%s: nothing shipped and nothing open for it.", line.describe()))
                continue
            for move in moves:
                statuses[move].append(line.status)
            self._v2_allocate_line(picking, line, moves, remaining, allocation)
        for move in open_moves:
            rest = remaining[move]
            if float_is_zero(rest, precision_rounding=move.product_id.uom_id.rounding):
                continue
            allocation.actions[move] = self._v2_rest_action(statuses.get(move), policy, plan.final)
        return allocation

    def _v2_rest_action(self, statuses, policy, final):
        """A move no line mentions waits for another shipment (unless final);
        a move several lines share takes "cancelled" over "backorder" over
        the policy."""
        if not statuses:
            return plans.CANCEL if final else plans.BACKORDER
        for status in ("cancelled", "backorder"):
            if status in statuses:
                return plans.rest_action(status, policy, final)
        return plans.rest_action(None, policy, final)

    def _v2_line_moves(self, picking, open_moves, line):
        """The open moves a line applies to: its ``line_ref`` (our stock move
        id; after a partial shipment, the open moves of the same sales line
        and product), else the open moves of its SKU."""
        ref_move = self._v2_ref_move(picking, line)
        if ref_move:
            if ref_move.product_id.default_code != line.sku:
                raise MappingError(
                    template=_("%(line)s: line_ref %(ref)s is a line of %(product)s, not of SKU %(sku)s."),
                    params={
                        "line": line.describe(),
                        "ref": line.line_ref,
                        "product": ref_move.product_id.display_name,
                        "sku": line.sku,
                    },
                    code="shipment.line_ref_mismatch",
                )
            if ref_move in open_moves:
                return ref_move
            moves = open_moves.filtered(
                lambda m: m.product_id == ref_move.product_id
                and (not ref_move.sale_line_id or m.sale_line_id == ref_move.sale_line_id)
            )
            if moves:
                return moves
        return open_moves.filtered(lambda m: m.product_id.default_code == line.sku)

    def _v2_ref_move(self, picking, line):
        """The stock move ``line_ref`` names when it belongs to this delivery's
        order (or to this delivery and its backorder chain); else nothing,
        and the SKU decides."""
        if not line.line_ref or not line.line_ref.isdigit():
            return None
        move = self.env["stock.move"].sudo().browse(int(line.line_ref)).exists()
        if not move:
            return None
        if picking.sale_id and move.sale_line_id.order_id == picking.sale_id:
            return move
        return move if self._v2_root(move.picking_id) == self._v2_root(picking) else None

    def _v2_root(self, picking):
        while picking.backorder_id:
            picking = picking.backorder_id
        return picking

    def _v2_allocate_line(self, picking, line, moves, remaining, allocation):
        product = moves[0].product_id
        unit = self._v2_unit(line, moves[0])
        lots = self._v2_lots(picking, line, product, allocation)
        base = product.uom_id
        for piece in line.pieces:
            quantity = self._v2_in_base_unit(piece.quantity, unit, product)
            lot = lots.get(piece.lot) if piece.lot else self.env["stock.lot"]
            for move in moves:
                take = min(quantity, remaining[move])
                if float_is_zero(take, precision_rounding=base.rounding):
                    continue
                allocation.move_lines.append((move, take, lot, piece.package))
                allocation.shipped[move] += take
                remaining[move] -= take
                quantity -= take
            if not float_is_zero(quantity, precision_rounding=base.rounding):
                open_quantity = sum(move.product_qty for move in moves)
                raise BusinessRuleError(
                    template=_(
                        "%(line)s: %(shipped)s %(unit)s shipped (%(ordered)s ordered) but only "
                        "%(open)s %(base)s open on delivery %(name)s. Over-shipments are not applied: "
                        "correct the order or the canonical payload, then replay."
                    ),
                    params={
                        "line": line.describe(),
                        "sku": line.sku,
                        "shipped": plans._text(line.shipped),
                        "unit": unit.name,
                        "ordered": plans._text(line.ordered) if line.ordered is not None else "?",
                        "open": plans._text(money.to_decimal(open_quantity)),
                        "base": base.name,
                        "name": picking.name,
                    },
                    code="shipment.over_shipped",
                )

    def _v2_unit(self, line, move):
        """The unit of the line's quantities: its ``uom`` (by name, in the
        product's category), else the unit the move was ordered in."""
        if not line.uom:
            return move.product_uom
        category = move.product_id.uom_id.category_id
        units = (
            self.env["uom.uom"].sudo().with_context(active_test=False).search([("name", "=ilike", line.uom)])
        )
        unit = units.filtered(lambda u: u.category_id == category)[:1]
        if not unit:
            raise MappingError(
                template=_(
                    "%(line)s: unit %(uom)s is not a unit of %(category)s in Odoo (map the warehouse's "
                    "units on the backend, or fix the canonical payload)."
                ),
                params={"line": line.describe(), "sku": line.sku, "uom": line.uom, "category": category.name},
                code="shipment.uom_unknown",
            )
        return unit

    def _v2_in_base_unit(self, quantity, unit, product):
        base = product.uom_id
        value = unit._compute_quantity(float(quantity), base, round=False)
        return float_round(value, precision_rounding=base.rounding, rounding_method="HALF-UP")

    def _v2_lots(self, picking, line, product, allocation):
        """{lot name: stock.lot} for the line's lots and serials, existing
        ones only (an outgoing delivery takes no new lot). A tracked product
        needs a lot or serial on every piece."""
        names = {piece.lot for piece in line.pieces if piece.lot}
        if product.tracking == "none":
            if names:
                allocation.notes.append(
                    _(
                        "%(line)s: lots/serials %(lots)s not recorded (the product is not tracked).",
                        line=line.describe(),
                        lots=", ".join(sorted(names)),
                    )
                )
                for piece in line.pieces:
                    piece.lot = None
            return {}
        missing_lot = [piece for piece in line.pieces if not piece.lot]
        if missing_lot:
            raise MappingError(
                template=_(
                    "%(line)s: %(product)s is tracked by %(tracking)s in Odoo, but the shipment gives "
                    "none for %(quantity)s of it."
                ),
                params={
                    "line": line.describe(),
                    "sku": line.sku,
                    "product": product.display_name,
                    "tracking": product.tracking,
                    "quantity": plans._text(sum(piece.quantity for piece in missing_lot)),
                },
                code="shipment.lot_missing",
            )
        lots = (
            self.env["stock.lot"]
            .sudo()
            .search(
                [
                    ("product_id", "=", product.id),
                    ("name", "in", sorted(names)),
                    ("company_id", "in", [picking.company_id.id, False]),
                ]
            )
        )
        found = {lot.name: lot for lot in lots}
        unknown = sorted(names - set(found))
        if unknown:
            raise MappingError(
                template=_(
                    "%(line)s: lot/serial %(lots)s of SKU %(sku)s does not exist in Odoo; a delivery "
                    "takes existing lots only. Create the lot (or fix the canonical payload), then replay."
                ),
                params={
                    "line": line.describe(),
                    "sku": line.sku,
                    "lots": ", ".join(unknown),
                    "lot_list": unknown,
                },
                code="shipment.lot_unknown",
            )
        if product.tracking == "serial":
            self._v2_check_serial_pieces(line)
        self._v2_note_expiries(line, found, allocation)
        return found

    def _v2_check_serial_pieces(self, line):
        for piece in line.pieces:
            if piece.quantity != 1:
                raise MappingError(
                    template=_("%(line)s: serial %(lot)s of SKU %(sku)s shipped %(quantity)s times."),
                    params={
                        "line": line.describe(),
                        "sku": line.sku,
                        "lot": piece.lot,
                        "quantity": plans._text(piece.quantity),
                    },
                    code="shipment.serial_count",
                )

    def _v2_note_expiries(self, line, lots, allocation):
        """An expiry the warehouse gives that differs from the lot's in Odoo
        (product_expiry) is said in the chatter, not written over."""
        if "expiration_date" not in self.env["stock.lot"]._fields:
            return
        for name, expiry in line.expiries.items():
            lot = lots.get(name)
            ours = lot.expiration_date.date().isoformat() if lot and lot.expiration_date else None
            if ours != expiry:
                allocation.notes.append(
                    _(
                        "Lot %(lot)s: the warehouse gives expiry %(theirs)s, Odoo has %(ours)s.",
                        lot=name,
                        theirs=expiry,
                        ours=ours or _("none"),
                    )
                )

    # ------------------------------------------------------------------------------
    # shipment.v2: the writes (in the caller's savepoint)
    # ------------------------------------------------------------------------------

    def _v2_apply(self, backend, picking, plan, allocation):
        self._v2_set_carrier(picking, plan, allocation)
        packages = {}
        if allocation.move_lines:
            # the warehouse's lots and packages replace Odoo's reservation
            open_moves = picking.move_ids.filtered(lambda m: m.state not in ("done", "cancel"))
            open_moves.picked = False
            open_moves._do_unreserve()
            packages = self._v2_packages(picking, plan)
        cancelled = self._v2_cancel_rests(allocation)
        if allocation.move_lines:
            self._v2_create_move_lines(picking, allocation, packages)
            self._v2_validate(picking, plan, allocation)
        backorders = picking.backorder_ids.filtered(lambda p: p.state not in ("done", "cancel"))
        kept = any(action == plans.BACKORDER for action in allocation.actions.values())
        if allocation.move_lines and kept and not backorders:
            allocation.notes.append(
                _(
                    "Operation type %s never creates backorders: the rest was cancelled.",
                    picking.picking_type_id.name,
                )
            )
        picking._message_log(
            body=self._v2_summary(backend, picking, plan, allocation, packages, cancelled, backorders)
        )

    def _v2_set_carrier(self, picking, plan, allocation):
        """Tracking numbers on the delivery before it is validated (so no label
        is bought), and the carrier the warehouse used when one of that name
        exists (linked only: its API is never called)."""
        tracking = plan.tracking_numbers
        if tracking:
            existing = [ref.strip() for ref in (picking.carrier_tracking_ref or "").split(",") if ref.strip()]
            picking.carrier_tracking_ref = ", ".join(existing + [t for t in tracking if t not in existing])
        carrier = self._v2_find_carrier(picking, plan.carrier)
        if carrier and carrier != picking.carrier_id:
            if picking.carrier_id:
                allocation.notes.append(_("Carrier changed from %s.", picking.carrier_id.name))
            picking.carrier_id = carrier

    def _v2_find_carrier(self, picking, carrier):
        """A delivery method named like the warehouse's carrier: "name
        service", the name, its code or its SCAC (case-insensitive)."""
        if not carrier:
            return self.env["delivery.carrier"]
        names = []
        if carrier.get("name") and carrier.get("service"):
            names.append(f"{carrier['name']} {carrier['service']}")
        names += [carrier[key] for key in ("name", "code", "scac") if carrier.get(key)]
        Carrier = self.env["delivery.carrier"].sudo()
        for name in names:
            found = Carrier.search(
                [("name", "=ilike", name), ("company_id", "in", [picking.company_id.id, False])], limit=1
            )
            if found:
                return found
        return Carrier

    def _v2_packages(self, picking, plan):
        """{package index: stock.quant.package} for the packages holding
        pieces: named by SSCC (else LPN), an existing package of that name
        reused."""
        Package = self.env["stock.quant.package"].sudo()
        packages = {}
        for package in plan.packages:
            if not package.holds_pieces:
                continue
            record = Package.browse()
            if package.name:
                record = Package.search(
                    [("name", "=", package.name), ("company_id", "in", [picking.company_id.id, False])],
                    limit=1,
                )
            if not record:
                record = Package.create({"name": package.name} if package.name else {})
            elif record.location_id and record.location_id != picking.location_dest_id:
                raise BusinessRuleError(
                    template=_(
                        "Shipment %(shipment)s: package %(package)s already exists in Odoo and holds stock "
                        "in %(location)s; it cannot also be the package shipped to %(destination)s."
                    ),
                    params={
                        "shipment": plan.external_id,
                        "package": record.name,
                        "location": record.location_id.display_name,
                        "destination": picking.location_dest_id.display_name,
                    },
                    code="shipment.package_in_use",
                )
            if package.weight is not None and "shipping_weight" in Package._fields:
                record.shipping_weight = float(package.weight)
            packages[package.index] = record
        return packages

    def _v2_cancel_rests(self, allocation):
        """Cancel what will not ship: a move nothing of which went out, or
        the rest of one split off (as Odoo's own backorder split does).
        Returns [(product, quantity)] cancelled."""
        Move = self.env["stock.move"]
        to_cancel, cancelled = Move, []
        for move, action in allocation.actions.items():
            if action != plans.CANCEL:
                continue
            shipped = allocation.shipped.get(move, 0.0)
            rest = move.product_qty - shipped
            cancelled.append((move.product_id, rest))
            if float_is_zero(shipped, precision_rounding=move.product_id.uom_id.rounding):
                to_cancel |= move
            else:
                to_cancel |= Move.create(move._split(rest))
        to_cancel._action_cancel()
        return cancelled

    def _v2_create_move_lines(self, picking, allocation, packages):
        totals = defaultdict(float)  # (move, lot, package index) -> quantity
        for move, quantity, lot, package in allocation.move_lines:
            totals[(move, lot, package)] += quantity
        values = [
            {
                "move_id": move.id,
                "picking_id": picking.id,
                "product_id": move.product_id.id,
                "product_uom_id": move.product_id.uom_id.id,
                "location_id": move.location_id.id,
                "location_dest_id": move.location_dest_id.id,
                "quantity": quantity,
                "lot_id": lot.id if lot else False,
                "result_package_id": packages[package].id if package is not None else False,
                "picked": True,
            }
            for (move, lot, package), quantity in totals.items()
        ]
        self.env["stock.move.line"].sudo().create(values)
        moves = self.env["stock.move"].union(*(key[0] for key in totals))
        moves.picked = True

    def _v2_validate(self, picking, plan, allocation):
        """``button_validate`` with Odoo's own answers to its questions: a
        backorder or not (decided per move above), no SMS, no carrier API.
        Odoo 17 returns a wizard (expired lots, a backorder question, an
        add-on's) instead of validating: then nothing stays done."""
        keep = any(action == plans.BACKORDER for action in allocation.actions.values())
        context = {
            "skip_backorder": True,
            "picking_ids_not_to_backorder": [] if keep else picking.ids,
            "skip_sms": True,
            "button_validate_picking_ids": picking.ids,
            NO_CARRIER_API: True,
        }
        result = picking.with_context(**context).button_validate()
        if result is True or picking.state == "done":
            return  # after validation, an action is a report to print (or the reception report)
        if isinstance(result, dict):
            wizard, title = result.get("res_model") or result.get("tag") or "?", result.get("name") or "?"
        else:
            wizard, title = repr(result), "?"
        raise BusinessRuleError(
            template=_(
                "Shipment %(shipment)s: validating %(name)s opened Odoo's %(wizard)s dialog (%(title)s) "
                "instead of validating; nothing was applied. Resolve what it asks (e.g. expired lots), "
                "then replay."
            ),
            params={
                "shipment": plan.external_id,
                "name": picking.name,
                "wizard": wizard,
                "title": title,
            },
            code="shipment.wizard",
        )

    def _v2_summary(self, backend, picking, plan, allocation, packages, cancelled, backorders):
        parts = [_("Shipment %(ref)s confirmed by %(backend)s.", ref=plan.external_id, backend=backend.name)]
        carrier = plan.carrier
        if carrier:
            described = " ".join(filter(None, [carrier.get("name"), carrier.get("service")])) or carrier.get(
                "code", ""
            )
            if carrier.get("scac"):
                described = _("%(carrier)s (SCAC %(scac)s)", carrier=described, scac=carrier["scac"])
            parts.append(_("Carrier: %s.", described.strip()))
        if plan.bol:
            parts.append(_("Bill of lading: %s.", plan.bol))
        if plan.tracking_numbers:
            parts.append(_("Tracking: %s.", ", ".join(plan.tracking_numbers)))
        if packages:
            parts.append(_("Packages: %s.", ", ".join(packages[index].name for index in sorted(packages))))
        if cancelled:
            parts.append(
                _(
                    "Not shipped, cancelled: %s.",
                    ", ".join(
                        f"{product.default_code or product.display_name} {qty:g}"
                        for product, qty in cancelled
                    ),
                )
            )
        if backorders:
            parts.append(_("The rest waits in %s.", ", ".join(backorders.mapped("name"))))
        if plan.final:
            parts.append(_("The warehouse says no more shipments follow."))
        parts += allocation.notes
        return " ".join(parts)
