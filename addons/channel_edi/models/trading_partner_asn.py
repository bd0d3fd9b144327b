"""Ship notices (856 / DESADV), both ways.

In (we buy): the supplier's ASN names, per order (HL level O, PRF01) and
per carton or pallet (levels P/T with their SSCC), the items shipped with
their quantities and lots. We prepare the purchase order's receipt from it:
on the receipt's move for each product, one move line per item with the
shipped quantity, its lot name when the product is lot-tracked, and a
destination package named by the SSCC, so the warehouse receives by scanning
the cartons' labels. Shipping more than was ordered is a mapping error that
names the item and the product.

Out (we supply): the typed 856 of our delivery, nested as the customer's
HL pattern says (S-O-T-P-I, S-O-P-I, S-O-I, S-T-O-I): one pack level per
package of the delivery (or one for the whole delivery when nothing was
packed), each with a fresh SSCC from the company's GS1 prefix
(``trading.partner.sscc``: check digit, no reuse within a year), and the
items with their GTIN, our part number (VN) and the buyer's (BP).
"""

from collections import OrderedDict, defaultdict

from odoo import _, api, fields, models
from odoo.tools import float_compare, float_round

from odoo.addons.integration_core.lib.exceptions import MappingError

from .trading_partner_exporter import _decimal_text
from .trading_partner_po_ack import to_float

PACK_LEVELS = ("P", "T")


def walk(nodes, context=None):
    """Yield (item node, context) for every item (level I) of an 856
    hierarchy; the context holds the nearest enclosing ``po_number``,
    ``sscc`` (of a pack, else of a pallet) and ``lot``."""
    for node in nodes or []:
        here = dict(context or {})
        if node.get("po_number"):
            here["po_number"] = node["po_number"]
        if node.get("sscc") and node.get("level") in PACK_LEVELS:
            # the innermost package wins: a pack inside a pallet is the carton scanned
            here["sscc"] = node["sscc"]
        if node.get("lot"):
            here["lot"] = node["lot"]
        if node.get("level") == "I" or (node.get("product_ids") and node.get("quantity")):
            yield node, here
        yield from walk(node.get("children"), here)


class TradingPartnerAsn(models.AbstractModel):
    _name = "trading.partner.asn"
    _description = "EDI: ship notices (856 in and out)"

    # ------------------------------------------------------------------------------
    # in: the supplier's ship notice prepares our receipt
    # ------------------------------------------------------------------------------

    @api.model
    def _apply(self, backend, typed):
        """Prepare the receipts the 856 ``typed`` announces; returns them."""
        Importer = self.env["trading.partner.importer"]
        shipment = typed.get("shipment_id") or ""
        items_by_po = OrderedDict()
        for item, context in walk(typed.get("hierarchy")):
            po_number = context.get("po_number") or typed.get("po_number")
            if not po_number:
                raise MappingError(
                    template=_(
                        "Ship notice %(shipment)s: item %(item)s is under no order (no PRF/PO number)."
                    ),
                    params={"shipment": shipment, "item": self._item_label(item)},
                    code="edi.asn_no_order",
                )
            items_by_po.setdefault(po_number, []).append((item, context))
        if not items_by_po:
            raise MappingError(
                template=_("Ship notice %(shipment)s lists no item."),
                params={"shipment": shipment},
                code="edi.asn_empty",
            )
        pickings = self.env["stock.picking"]
        for po_number, items in items_by_po.items():
            purchase = Importer._purchase_of(backend, po_number)
            pickings |= self._prepare_receipt(backend, purchase, shipment, items, typed)
        return pickings

    @api.model
    def _item_label(self, item):
        ids = item.get("product_ids") or {}
        return item.get("line") or ", ".join(f"{k} {v}" for k, v in ids.items()) or "?"

    @api.model
    def _receipts(self, purchase):
        return purchase.picking_ids.filtered(
            lambda p: p.picking_type_code == "incoming" and p.state not in ("done", "cancel")
        )

    @api.model
    def _item_product(self, backend, purchase, item, shipment):
        """The purchase's product an item names: by a product id (GTIN,
        our reference, the supplier's code), else by its PO line number."""
        lines = purchase.order_line.filtered(lambda l: not l.display_type and l.product_id)
        values = {str(v) for v in (item.get("product_ids") or {}).values() if v}
        supplier = purchase.partner_id.commercial_partner_id
        for line in lines:
            product = line.product_id
            codes = {product.default_code, product.barcode}
            codes |= set(
                product.seller_ids.filtered(lambda s: s.partner_id.commercial_partner_id == supplier).mapped(
                    "product_code"
                )
            )
            if values & {c for c in codes if c}:
                return product
        number = str(item.get("line") or "")
        if number.isdigit() and 0 < int(number) <= len(lines):
            return lines[int(number) - 1].product_id
        raise MappingError(
            template=_("Ship notice %(shipment)s: item %(item)s is not a product of purchase order %(po)s."),
            params={"shipment": shipment, "item": self._item_label(item), "po": purchase.name},
            code="edi.asn_product_unknown",
        )

    @api.model
    def _package(self, company, sscc):
        Package = self.env["stock.quant.package"].sudo()
        package = Package.search([("name", "=", sscc), ("company_id", "in", (company.id, False))], limit=1)
        return package or Package.create(
            {"name": sscc, "company_id": company.id, "package_use": "disposable"}
        )

    @api.model
    def _prepare_receipt(self, backend, purchase, shipment, items, typed):
        receipts = self._receipts(purchase)
        if not receipts:
            raise MappingError(
                template=_("Ship notice %(shipment)s: purchase order %(po)s has nothing left to receive."),
                params={"shipment": shipment, "po": purchase.name},
                code="edi.asn_nothing_open",
            )
        moves = receipts.move_ids.filtered(lambda m: m.state not in ("done", "cancel"))
        ssccs = {context.get("sscc") for _item, context in items if context.get("sscc")}
        planned = defaultdict(list)  # move -> [(qty, lot, sscc)]
        totals = defaultdict(float)
        for item, context in items:
            product = self._item_product(backend, purchase, item, shipment)
            quantity = to_float(item.get("quantity"))
            if not quantity or quantity <= 0:
                raise MappingError(
                    template=_(
                        "Ship notice %(shipment)s: item %(item)s (%(product)s) has no shipped quantity."
                    ),
                    params={
                        "shipment": shipment,
                        "item": self._item_label(item),
                        "product": product.display_name,
                    },
                    code="edi.asn_quantity",
                )
            product_moves = moves.filtered(lambda m, p=product: m.product_id == p)
            if not product_moves:
                raise MappingError(
                    template=_("Ship notice %(shipment)s: %(product)s of %(po)s is not expected any more."),
                    params={"shipment": shipment, "product": product.display_name, "po": purchase.name},
                    code="edi.asn_product_not_open",
                )
            totals[product] += quantity
            self._check_not_over(purchase, shipment, item, product, product_moves, totals[product], ssccs)
            lot = item.get("lot") or context.get("lot")
            planned[product].append((quantity, lot, context.get("sscc"), item))
        for product, rows in planned.items():
            self._plan_move_lines(
                purchase.company_id, moves.filtered(lambda m, p=product: m.product_id == p), rows, ssccs
            )
        pickings = moves.filtered(lambda m: m.product_id in planned.keys()).picking_id
        pickings.sudo().write({"edi_asn_reference": shipment, "edi_asn_received_at": fields.Datetime.now()})
        for picking in pickings:
            picking.sudo().message_post(
                body=_(
                    "Ship notice %(shipment)s from %(partner)s: %(count)s carton(s) announced, the expected "
                    "quantities and lots are set by SSCC.",
                    shipment=shipment,
                    partner=backend.name,
                    count=len(ssccs),
                )
            )
        return pickings

    @api.model
    def _kept_lines(self, moves, ssccs):
        """Move lines an earlier ship notice planned (another SSCC) or the
        warehouse already picked: this notice leaves them alone."""
        return moves.move_line_ids.filtered(
            lambda ml: ml.picked or (ml.result_package_id and ml.result_package_id.name not in ssccs)
        )

    @api.model
    def _check_not_over(self, purchase, shipment, item, product, moves, total, ssccs):
        kept = sum(self._kept_lines(moves, ssccs).mapped("quantity"))
        expected = sum(moves.mapped("product_uom_qty"))
        rounding = product.uom_id.rounding
        if float_compare(total + kept, expected, precision_rounding=rounding) > 0:
            raise MappingError(
                template=_(
                    "Ship notice %(shipment)s: item %(item)s ships %(total)s of %(product)s, but purchase "
                    "order %(po)s has only %(expected)s left to receive."
                ),
                params={
                    "shipment": shipment,
                    "item": self._item_label(item),
                    "total": float_round(total + kept, precision_rounding=rounding),
                    "product": product.display_name,
                    "po": purchase.name,
                    "expected": expected,
                },
                code="edi.asn_over_ordered",
            )

    @api.model
    def _plan_move_lines(self, company, moves, rows, ssccs):
        """Replace the moves' unpicked lines (Odoo's reservation, or this
        notice's earlier run) by one line per item, filling the moves in order."""
        MoveLine = self.env["stock.move.line"].sudo()
        kept = self._kept_lines(moves, ssccs)
        (moves.move_line_ids - kept).unlink()
        room = {
            move: move.product_uom_qty
            - sum(kept.filtered(lambda l, m=move: l.move_id == m).mapped("quantity"))
            for move in moves
        }
        for quantity, lot, sscc, _item in rows:
            left = quantity
            for move in moves:
                if left <= 0:
                    break
                take = min(left, room[move]) if move != moves[-1] else left
                if take <= 0:
                    continue
                values = {
                    "move_id": move.id,
                    "picking_id": move.picking_id.id,
                    "product_id": move.product_id.id,
                    "product_uom_id": move.product_uom.id,
                    "location_id": move.location_id.id,
                    "location_dest_id": move.location_dest_id.id,
                    "quantity": take,
                    "company_id": move.company_id.id,
                }
                if sscc:
                    values["result_package_id"] = self._package(company, sscc).id
                if lot and move.product_id.tracking != "none":
                    values["lot_name"] = lot
                MoveLine.create(values)
                room[move] -= take
                left -= take

    # ------------------------------------------------------------------------------
    # out: the ship notice of our delivery
    # ------------------------------------------------------------------------------

    @api.model
    def _outbound_document(self, backend, picking):
        """The typed 856 of ``picking`` (a done delivery of a sale order that
        came from ``backend``'s partner)."""
        sale = picking.sale_id
        pattern = backend.edi_hl_pattern or "S-O-P-I"
        groups = self._pack_groups(picking)
        packs = self._ssccs(backend, picking, groups, pattern)
        shipped = picking.date_done or fields.Datetime.now()
        order = {"level": "O", "po_number": sale.client_order_ref or sale.name}
        if sale.date_order:
            order["po_date"] = sale.date_order.date().isoformat()
        shipment = {
            "level": "S",
            "ship_from": self._party(
                picking.picking_type_id.warehouse_id.partner_id or picking.company_id.partner_id
            ),
            "ship_to": self._party(sale.partner_shipping_id or picking.partner_id),
        }
        carrier = self._carrier(picking)
        if carrier:
            shipment["carrier"] = carrier
        if picking.carrier_tracking_ref:
            shipment["bill_of_lading"] = picking.carrier_tracking_ref
        weight = sum(picking.move_ids.mapped(lambda m: m.product_id.weight * m.quantity))
        shipment["packaging"] = [
            {
                "packaging_code": "CTN25",
                "lading_quantity": str(max(len(groups), 1)),
                **(
                    {"weight_qualifier": "G", "weight": _decimal_text(weight, 3), "weight_uom": "LB"}
                    if weight
                    else {}
                ),
            }
        ]
        tare_sscc = packs.pop("tare", None)
        lines_of = self._sale_line_numbers(sale)
        if pattern == "S-O-I":
            order["children"] = self._items([ml for _pkg, mls in groups for ml in mls], backend, lines_of)
            shipment["children"] = [order]
        elif pattern == "S-O-P-I":
            order["children"] = [
                {"level": "P", "sscc": packs[key], "children": self._items(mls, backend, lines_of)}
                for key, mls in groups
            ]
            shipment["children"] = [order]
        elif pattern == "S-O-T-P-I":
            tare = {
                "level": "T",
                "sscc": tare_sscc,
                "children": [
                    {"level": "P", "sscc": packs[key], "children": self._items(mls, backend, lines_of)}
                    for key, mls in groups
                ],
            }
            order["children"] = [tare]
            shipment["children"] = [order]
        else:  # S-T-O-I: each package is a tare holding the order's items
            shipment["children"] = [
                {
                    "level": "T",
                    "sscc": packs[key],
                    "children": [dict(order, children=self._items(mls, backend, lines_of))],
                }
                for key, mls in groups
            ]
        return {
            "purpose": "00",
            "shipment_id": picking.name,
            "shipment_date": shipped.strftime("%Y-%m-%dT%H:%M"),
            "dates": {"shipped": shipped.strftime("%Y-%m-%dT%H:%M")},
            "pattern": pattern,
            "hierarchy": [shipment],
        }

    @api.model
    def _pack_groups(self, picking):
        """[(package key, move lines)]: one group per destination package of
        the delivery's move lines, one for the unpacked ones."""
        groups = OrderedDict()
        for line in picking.move_line_ids.filtered(lambda l: l.quantity > 0).sorted("id"):
            key = line.result_package_id.id or 0
            groups.setdefault(key, []).append(line)
        return list(groups.items()) or [(0, [])]

    @api.model
    def _ssccs(self, backend, picking, groups, pattern):
        """{package key: SSCC} of the delivery's packs (and "tare": the
        pallet's for S-O-T-P-I), allocated once: a re-sent notice reuses them."""
        if pattern == "S-O-I":
            return {}
        Sscc = self.env["trading.partner.sscc"].sudo()
        existing = Sscc.search([("picking_id", "=", picking.id)], order="id")
        result = {}
        pack_level = "tare" if pattern == "S-T-O-I" else "pack"
        for key, _lines in groups:
            found = existing.filtered(
                lambda s, k=key: s.package_id.id == (k or False) and s.level == pack_level
            )[:1]
            if not found:
                found = Sscc._allocate(picking.company_id, picking, 1, level=pack_level)
                found.package_id = key or False
            result[key] = found.sscc
        if pattern == "S-O-T-P-I":
            tare = existing.filtered(lambda s: s.level == "tare")[:1] or Sscc._allocate(
                picking.company_id, picking, 1, level="tare"
            )
            result["tare"] = tare.sscc
        return result

    @api.model
    def _sale_line_numbers(self, sale):
        """{sale line id: the buyer's PO line number}."""
        numbers = {}
        for number, line in enumerate(sale.order_line.filtered(lambda l: not l.display_type), 1):
            numbers[line.id] = line.integration_external_id or str(number)
        return numbers

    @api.model
    def _items(self, move_lines, backend, lines_of):
        """Item levels of ``move_lines``: one per product and lot."""
        Exporter = self.env["trading.partner.exporter"]
        Binding = self.env["integration.binding"].sudo()
        grouped = OrderedDict()
        for line in move_lines:
            key = (line.move_id.sale_line_id.id, line.product_id.id, line.lot_id.name or line.lot_name or "")
            grouped.setdefault(key, []).append(line)
        items = []
        for (sale_line_id, _product_id, lot), lines in grouped.items():
            product = lines[0].product_id
            ids = Exporter._product_ids(product)
            buyer_part = Binding._external_ids(backend, product).get(product.id)
            if buyer_part:
                ids["BP"] = buyer_part
            quantity = sum(l.product_uom_id._compute_quantity(l.quantity, product.uom_id) for l in lines)
            item = {
                "level": "I",
                "line": lines_of.get(sale_line_id) or str(len(items) + 1),
                "product_ids": ids,
                "quantity": _decimal_text(quantity),
                "uom": "EA",
            }
            sale_line = lines[0].move_id.sale_line_id
            if sale_line:
                item["quantity_ordered"] = _decimal_text(sale_line.product_uom_qty)
                item["ordered_uom"] = "EA"
            if lot:
                item["lot"] = lot
            items.append(item)
        return items

    @api.model
    def _party(self, partner):
        party = {"name": (partner.name or "")[:60]}
        if partner.gln:
            party["identifiers"] = {"UL": partner.gln}
        elif partner.store_number:
            party["identifiers"] = {"92": partner.store_number}
        address = {
            "street": [x for x in (partner.street, partner.street2) if x],
            "city": partner.city or "",
            "state": partner.state_id.code or "",
            "postal_code": partner.zip or "",
            "country": partner.country_id.code or "",
        }
        address = {k: v for k, v in address.items() if v}
        if address:
            party["address"] = address
        return party

    @api.model
    def _carrier(self, picking):
        carrier = picking.carrier_id
        if not carrier:
            return None
        code = (getattr(carrier, "edi_scac", False) or carrier.name or "")[:4].upper().replace(" ", "")
        return {
            "routing_sequence": "B",
            "id_qualifier": "2",
            "id": code,
            "transport_method": "M",
            "routing": carrier.name[:35],
        }
