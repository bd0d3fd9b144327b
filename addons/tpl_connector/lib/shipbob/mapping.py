"""ShipBob payloads (API 2025-07) <-> the canonical kinds of a 3PL.

Pure functions, no I/O: the Odoo layer fetches with the client, applies its
SKU/unit/carrier maps, and calls these. Outbound, the canonical payload is
validated first (:class:`ValidationFailed` naming the path); what ShipBob
cannot express raises :class:`MappingError` naming the path too. Inbound,
ShipBob's answer is read through integration_core's reader, so a bad field
gives :class:`ValidationFailed` with its path (``shipments[0].products[2]
.inventory_items[0].quantity: expected a number, got 'x'``), and every
canonical result is validated before it is returned.

What ShipBob's model means for the canonical one
------------------------------------------------

- **Order and lines.** ``reference_id`` is our delivery order name (unique
  in the account: the release's idempotency key). Products go by
  ``reference_id`` (ShipBob's "ReferenceId model", recommended: the SKU);
  our ``line_ref`` (the stock move id) travels as ``external_line_id``,
  ShipBob's integer line reference, when it is a whole number that fits
  an int32.
- **Shipments.** One canonical shipment per ShipBob shipment id. Only
  shipments in a final state become confirmations: ``Completed`` and
  ``LabeledCreated`` (shipped: label bought and printed, the moment
  ``order.shipped`` fires) and ``Cancelled``/``CleanSweeped`` (will not
  ship); others (``Processing``, ``Exception``, ``OnHold``, ...) give None.
  A shipment's products carry no quantity of their own: the quantity is
  the sum of their ``inventory_items`` (one per lot, with serials).
- **Shorts and splits.** ShipBob does not state a short on a shipment: an
  order line that cannot ship stays in another (open) shipment, or that
  shipment is cancelled. With the order at hand, each line says
  ``ordered`` (the order line's quantity), ``shipped`` (in this shipment)
  and ``difference`` = what is still unshipped on the order line once
  every shipped shipment of the order is counted; ``status`` follows:
  ``complete`` (nothing left), ``backorder`` (the rest sits in an open
  shipment), ``cancelled`` (the rest is in no open shipment: it will not
  ship), ``over`` (more shipped than ordered, or a SKU the order does not
  have). ``final`` is true when no shipment of the order is still open;
  the last confirmation then also lists order lines that no shipment
  carried, shipped 0, cancelled. Without the order, lines say only what
  shipped.
- **Substitutions.** The 2025-07 API has no substitution field: a SKU
  that ships without being ordered comes out as ``over`` (an exception
  for a user), never as a silent substitute.
- **Packages.** B2B shipments list ``parent_cartons``/``cartons`` with
  barcodes (an 18-digit one, or ``00`` + 18 digits, is an SSCC; any
  other is an LPN); a parcel shipment is one package with the tracking
  number. Weights are ShipBob's ounces converted to kilograms.
- **Receiving (WRO).** A WRO names ShipBob inventory ids, not SKUs (the
  caller resolves them, see ``ShipBobClient.find_inventory_ids``); our
  notice reference goes in ``purchase_order_number``, the only reference
  a WRO has. Received quantities are cumulative on the WRO, so its receipt
  has ``external_id`` = the WRO id and ``final`` once ShipBob closed it
  (``Completed``, ``Incomplete``, ``Cancelled``).
- **Returns.** A return order's items are inventory ids with a requested
  action; its receipt counts ``quantity_processed`` of the actions taken,
  and units quarantined or disposed as damaged (with ShipBob's reason).
"""

import re
from decimal import Decimal

from odoo.addons.integration_core.lib import canonical
from odoo.addons.integration_core.lib import reader as read
from odoo.addons.integration_core.lib.exceptions import MappingError
from odoo.addons.integration_core.lib.reader import Reader

from .webhooks import our_topic

__all__ = [
    "CANCELLED_STATUSES",
    "SHIPPED_STATUSES",
    "cancellation_answer",
    "fulfilment_order_to_shipbob",
    "inbound_notice_to_wro",
    "inventory_levels_to_snapshot",
    "order_shipments_to_canonical",
    "return_notice_to_shipbob",
    "return_to_receipt",
    "shipment_to_canonical",
    "webhook_shipments",
    "wro_to_receipt",
]

SHIPPED_STATUSES = frozenset({"Completed", "LabeledCreated"})
CANCELLED_STATUSES = frozenset({"Cancelled", "CleanSweeped"})
FINAL_STATUSES = SHIPPED_STATUSES | CANCELLED_STATUSES
ORDER_SHIPPED_STATUSES = frozenset({"Fulfilled", "PartiallyFulfilled"})
WRO_FINAL_STATUSES = frozenset({"Completed", "Incomplete", "Cancelled"})
RETURN_FINAL_STATUSES = frozenset({"Completed"})
UNITS_OF_MEASURE = frozenset({"EA", "INP", "CS", "PL"})  # quantity_unit_of_measure_code
RETURN_ACTIONS = {None: "Default", "restock": "Restock", "quarantine": "Quarantine", "dispose": "Dispose"}
INT32_MAX = 2**31 - 1
OUNCE_KG = Decimal("0.028349523125")
KG_STEP = Decimal("0.001")
REASON_LIMIT = 500
_SCAC = re.compile(r"^[A-Z0-9]{2,4}$")
_SSCC = re.compile(r"^(?:00)?([0-9]{18})$")
_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})")
DEFAULT_SHIPPING_METHOD = "Standard"


# --- small helpers -----------------------------------------------------------------


def _mapping_error(path, message):
    return MappingError(
        template="%(path)s: %(problem)s",
        params={"path": path or "(root)", "problem": message},
        code="shipbob.mapping",
    )


def _whole(value, path):
    """A Decimal quantity as the int ShipBob wants, or MappingError."""
    if value != value.to_integral_value():
        raise _mapping_error(path, f"ShipBob takes whole units only, got {value}")
    number = int(value)
    if number > INT32_MAX:
        raise _mapping_error(path, f"{number} is above ShipBob's limit ({INT32_MAX})")
    return number


def _int_id(value, path, what):
    """A numeric ShipBob id (fulfilment centre, shipment) as an int."""
    text = str(value).strip() if value is not None else ""
    if not text.isdigit() or int(text) > INT32_MAX:
        raise _mapping_error(path, f"expected ShipBob's numeric {what} id, got {value!r}")
    return int(text)


def _date_part(reader_, key):
    """The ``YYYY-MM-DD`` of a date-time field as ShipBob wrote it (its own
    calendar day, not shifted to UTC); None when absent."""
    value = reader_.timestamp(key)  # checks it is a date-time
    if value is None:
        return None
    match = _DATE.match(reader_.text(key))
    return match.group(1) if match else value[:10]


def _sum(values):
    total = Decimal(0)
    for value in values:
        total += value or 0
    return total


def _kg(ounces):
    if ounces is None:
        return None
    return (ounces * OUNCE_KG).quantize(KG_STEP)


def _strip_nones(payload):
    return {key: value for key, value in payload.items() if value is not None}


def _validated(kind, payload):
    return canonical.validate(kind, payload)


# --- fulfilment order -> ShipBob order ---------------------------------------------


def fulfilment_order_to_shipbob(order, *, shipping_method=None, order_type="DTC", location_id=None):
    """The ``POST /order`` body for a canonical fulfilment_order.

    ``shipping_method`` is used when the order names no carrier code (the
    backend's carrier map gives ShipBob's ship option names); ``location_id``
    (a fulfilment centre id) overrides the order's ``warehouse_code``.
    Only ``purpose == "original"`` is a creation: ShipBob's 2025-07 API
    cannot replace an order, and a cancellation is ``cancel_order``.
    """
    _validated("fulfilment_order", order)
    if order["purpose"] != "original":
        raise _mapping_error(
            "purpose",
            f"{order['purpose']!r} cannot be sent as a ShipBob order: cancel it (cancel_order) "
            "and release it again under a new reference",
        )
    ship_to = order["ship_to"]
    if not ship_to.get("street"):
        raise _mapping_error("ship_to.street", "ShipBob needs the first address line (address1)")
    if not ship_to.get("city"):
        raise _mapping_error("ship_to.city", "ShipBob needs the city")
    carrier = order.get("carrier") or {}
    payload = {
        "reference_id": order["reference"],
        "order_number": order.get("order_ref") or order["reference"],
        "type": order_type,
        "shipping_method": carrier.get("code")
        or carrier.get("service")
        or shipping_method
        or DEFAULT_SHIPPING_METHOD,
        "recipient": _recipient(ship_to),
        "products": [_product(line, f"lines[{index}]") for index, line in enumerate(order["lines"])],
    }
    if order.get("created_at"):
        payload["purchase_date"] = order["created_at"]
    warehouse = location_id if location_id is not None else order.get("warehouse_code")
    if warehouse not in (None, ""):
        payload["location_id"] = _int_id(warehouse, "warehouse_code", "fulfilment centre")
    tags = [{"name": "customer_po", "value": order["customer_po"]}] if order.get("customer_po") else []
    if order.get("notes"):
        tags.append({"name": "notes", "value": order["notes"]})
    if tags:
        payload["tags"] = tags
    return payload


def _recipient(ship_to):
    address = _strip_nones(
        {
            "address1": ship_to.get("street"),
            "address2": ship_to.get("street2"),
            "company_name": ship_to.get("company"),
            "city": ship_to.get("city"),
            "state": ship_to.get("state_code"),
            "zip_code": ship_to.get("zip"),
            "country": ship_to["country_code"],
        }
    )
    return _strip_nones(
        {
            "name": ship_to["name"],
            "address": address,
            "email": ship_to.get("email"),
            "phone_number": ship_to.get("phone"),
        }
    )


def _product(line, path):
    product = {
        "reference_id": line["sku"],
        "name": line.get("name") or line["sku"],
        "quantity": _whole(Decimal(line["quantity"]), f"{path}.quantity"),
    }
    line_ref = line["line_ref"]
    if line_ref.isdigit() and int(line_ref) <= INT32_MAX:
        product["external_line_id"] = int(line_ref)
    uom = (line.get("uom") or "").upper()
    if uom:
        if uom not in UNITS_OF_MEASURE:
            raise _mapping_error(
                f"{path}.uom", f"ShipBob knows the units {sorted(UNITS_OF_MEASURE)}, not {uom!r}"
            )
        product["quantity_unit_of_measure_code"] = uom
    if line.get("upc"):
        product["upc"] = line["upc"]
    if line.get("unit_price") is not None:
        product["unit_price"] = line["unit_price"]
    if line.get("lot"):
        raise _mapping_error(
            f"{path}.lot",
            "ShipBob's 2025-07 order API cannot require a lot; release without it or ship it by hand",
        )
    return product


# --- ShipBob shipments -> shipment.v2 ----------------------------------------------


def _status(shipment):
    return shipment.text("status")


def _product_lines(shipment):
    """``{sku: {"shipped", "lots", "serials", "path"}}`` of a shipment's
    products, the quantity summed over their inventory items."""
    lines = {}
    for product in shipment.objects("products"):
        sku = product.text("reference_id") or product.text("sku")
        if not sku:
            raise read.invalid(product.path, "the product has neither reference_id nor sku")
        line = lines.setdefault(sku, {"shipped": Decimal(0), "lots": {}, "serials": [], "path": product.path})
        for item in product.objects("inventory_items"):
            quantity = item.quantity("quantity") or Decimal(0)
            line["shipped"] += quantity
            lot = item.text("lot")
            if lot and quantity:
                entry = line["lots"].setdefault(lot, {"name": lot, "quantity": Decimal(0), "expiry": None})
                entry["quantity"] += quantity
                entry["expiry"] = entry["expiry"] or _date_part(item, "expiration_date")
            for serial in item.strings("serial_numbers"):
                if serial not in line["serials"]:
                    line["serials"].append(serial)
    return lines


def _order_lines(order):
    """``{sku: {"ordered", "line_ref", "uom"}}`` of the order's products;
    a SKU on several lines is merged (``line_ref`` None: match by SKU)."""
    lines = {}
    for product in order.objects("products"):
        sku = product.text("reference_id") or product.text("sku")
        if not sku:
            raise read.invalid(product.path, "the order product has neither reference_id nor sku")
        quantity = product.quantity("quantity") or Decimal(0)
        line_ref = product.ident("external_line_id")
        if sku in lines:
            lines[sku]["ordered"] += quantity
            lines[sku]["line_ref"] = None
        else:
            uom = product.text("quantity_unit_of_measure_code")
            lines[sku] = {"ordered": quantity, "line_ref": line_ref, "uom": uom}
    return lines


def _numeric(ident):
    """A ShipBob id for ordering shipments: its number, 0 when not numeric."""
    return int(ident) if ident and ident.isdigit() else 0


def _order_context(order, current=None):
    """What the shipments of the order say: quantities shipped per SKU,
    SKUs in open shipments, SKUs in any shipment, the last final
    shipment's id. ``current`` (the shipment being mapped, maybe newer than
    the order's copy of it, e.g. a webhook body) replaces the order's copy."""
    shipments = order.objects("shipments")
    if current is not None:
        current_id = current.ident("id")
        shipments = [item for item in shipments if item.ident("id") != current_id] + [current]
    shipped, open_skus, seen_skus, final_ids = {}, set(), set(), []
    by_shipment = []  # (id, status, {sku: shipped}) of every shipment
    for shipment in shipments:
        status = _status(shipment)
        lines = _product_lines(shipment)
        seen_skus.update(lines)
        ident = _numeric(shipment.ident("id"))
        by_shipment.append((ident, status, {sku: line["shipped"] for sku, line in lines.items()}))
        if status in SHIPPED_STATUSES:
            for sku, line in lines.items():
                shipped[sku] = shipped.get(sku, Decimal(0)) + line["shipped"]
        elif status not in CANCELLED_STATUSES:
            open_skus.update(lines)
        if status in FINAL_STATUSES:
            final_ids.append(ident)
    return {
        "shipped": shipped,
        "open": open_skus,
        "seen": seen_skus,
        "shipments": by_shipment,
        "last_final": max(final_ids) if final_ids else None,
        "final": not open_skus and bool(final_ids),
    }


def _as_of(context, shipment_id):
    """The order seen from one shipment, in shipment order (ShipBob ids grow):
    what shipped up to and including it, per SKU, and the SKUs a later
    shipment (shipped or still open) carries. A split's first shipment
    leaves its rest to the second, even when both are confirmed at once."""
    shipped, later = {}, set(context["open"])
    for ident, status, lines in context["shipments"]:
        if ident <= shipment_id and status in SHIPPED_STATUSES:
            for sku, quantity in lines.items():
                shipped[sku] = shipped.get(sku, Decimal(0)) + quantity
        elif ident > shipment_id and status not in CANCELLED_STATUSES:
            later.update(lines)
    return shipped, later


def _line_status(ordered, remaining, sku, cancelled, later):
    if cancelled:
        return "backorder" if sku in later else "cancelled"
    if ordered is None:
        return "over"
    if remaining < 0:
        return "over"
    if remaining == 0:
        return "complete"
    return "backorder" if sku in later else "cancelled"


def shipment_to_canonical(shipment, order=None, *, path=""):
    """One ShipBob shipment as a canonical shipment.v2, or None while the
    shipment is not final (see the module docstring).

    ``order`` (ShipBob's order, with its ``products`` and ``shipments``)
    gives ordered quantities, line references, shorts and ``final``.
    """
    ship = Reader.root(shipment, path)
    status = _status(ship)
    if status not in FINAL_STATUSES:
        return None
    external_id = ship.ident("id")
    if not external_id:
        raise read.invalid(ship.at("id"), "missing: a shipment needs its ShipBob id")
    order_reader = Reader.root(order, "order") if order is not None else None
    reference = ship.text("reference_id") or (order_reader.text("reference_id") if order_reader else None)
    if not reference:
        raise read.invalid(ship.at("reference_id"), "missing: the shipment names no order reference")
    cancelled = status in CANCELLED_STATUSES
    products = _product_lines(ship)
    if not products:
        raise read.invalid(ship.at("products"), "empty: the shipment lists no product")
    context = _order_context(order_reader, ship) if order_reader is not None else None
    lines = _shipment_lines(products, order_reader, context, cancelled, _numeric(external_id))
    tracking = ship.object("tracking")
    result = {
        "schema_version": 2,
        "external_id": external_id,
        "picking_ref": reference,
        "shipped_at": None
        if cancelled
        else (
            tracking.timestamp("shipping_date")
            or ship.timestamp("actual_fulfillment_date")
            or ship.timestamp("last_update_at")
        ),
        "bol": tracking.text("bol") or tracking.text("pro_number"),
        "carrier": None if cancelled else _carrier(ship, tracking),
        "lines": lines,
        "packages": [] if cancelled else _packages(ship, tracking, products),
    }
    if order_reader is not None:
        result["order_ref"] = order_reader.text("order_number")
        # nothing follows this one: no shipment open, and none confirmed after it
        result["final"] = context["final"] and context["last_final"] == _numeric(external_id)
    return _validated("shipment", _strip_nones(result))


def _shipment_lines(products, order, context, cancelled, shipment_id):
    if order is None:
        return [_plain_line(sku, line, cancelled) for sku, line in products.items()]
    ordered_lines = _order_lines(order)
    shipped_so_far, later = _as_of(context, shipment_id)
    lines = []
    for sku, line in products.items():
        shipped = Decimal(0) if cancelled else line["shipped"]
        ordered_line = ordered_lines.get(sku)
        ordered = ordered_line["ordered"] if ordered_line else None
        remaining = (ordered if ordered is not None else Decimal(0)) - shipped_so_far.get(sku, Decimal(0))
        status = _line_status(ordered, remaining, sku, cancelled, later)
        lines.append(
            _strip_nones(
                {
                    "line_ref": ordered_line["line_ref"] if ordered_line else None,
                    "sku": sku,
                    "uom": ordered_line["uom"] if ordered_line else None,
                    "ordered": ordered if ordered is not None else Decimal(0),
                    "shipped": shipped,
                    "difference": remaining,
                    "status": status,
                    "lots": [] if cancelled else _lots(line),
                    "serials": [] if cancelled else line["serials"],
                }
            )
        )
    if context["final"] and context["last_final"] == shipment_id:
        for sku, ordered_line in ordered_lines.items():
            if sku not in context["seen"]:  # ordered, but ShipBob never put it in a shipment
                lines.append(
                    _strip_nones(
                        {
                            "line_ref": ordered_line["line_ref"],
                            "sku": sku,
                            "uom": ordered_line["uom"],
                            "ordered": ordered_line["ordered"],
                            "shipped": Decimal(0),
                            "difference": ordered_line["ordered"],
                            "status": "cancelled",
                        }
                    )
                )
    return lines


def _plain_line(sku, line, cancelled):
    return {
        "sku": sku,
        "shipped": Decimal(0) if cancelled else line["shipped"],
        "status": "cancelled" if cancelled else None,
        "lots": [] if cancelled else _lots(line),
        "serials": [] if cancelled else line["serials"],
    }


def _lots(line):
    return [_strip_nones(lot) for lot in line["lots"].values()]


def _carrier(ship, tracking):
    scac = (tracking.text("scac") or "").upper()
    carrier = _strip_nones(
        {
            "name": tracking.text("carrier"),
            "service": tracking.text("carrier_service"),
            "scac": scac if _SCAC.match(scac) else None,
            "code": ship.text("ship_option"),
        }
    )
    return carrier or None


def _barcode(barcode):
    match = _SSCC.match(barcode or "")
    if match:
        return {"sscc": match.group(1)}
    return {"lpn": barcode} if barcode else {}


def _packages(ship, tracking, products):
    packages = []
    for parent in ship.objects("parent_cartons"):
        cartons = parent.objects("cartons")
        for carton in cartons or [parent]:
            package = _barcode(carton.text("barcode"))
            package["weight"] = _kg(carton.object("measurements").quantity("total_weight_oz"))
            package["tracking_number"] = tracking.text("tracking_number")
            package["lines"] = _carton_lines(carton)
            packages.append(_strip_nones(package))
    if packages:
        return packages
    package = {
        "tracking_number": tracking.text("tracking_number"),
        "tracking_url": tracking.text("tracking_url"),
        "weight": _kg(ship.object("measurements").quantity("total_weight_oz")),
        "lines": _parcel_lines(products),
    }
    package = _strip_nones(package)
    return [package] if package.get("tracking_number") or package.get("lines") else []


def _carton_lines(carton):
    lines = []
    for detail in carton.objects("carton_details"):
        for product in detail.objects("products"):
            sku = product.text("reference_id") or product.text("sku")
            if not sku:
                raise read.invalid(product.path, "the carton product has neither reference_id nor sku")
            for item in product.objects("inventory_items"):
                lines.extend(
                    _package_lines(
                        sku, item.quantity("quantity"), item.text("lot"), item.strings("serial_numbers")
                    )
                )
    return lines


def _parcel_lines(products):
    lines = []
    for sku, line in products.items():
        if line["serials"] and len(line["serials"]) == line["shipped"]:
            lines.extend({"sku": sku, "quantity": Decimal(1), "serial": serial} for serial in line["serials"])
        elif line["lots"]:
            lines.extend(
                {"sku": sku, "quantity": lot["quantity"], "lot": lot["name"]} for lot in line["lots"].values()
            )
        elif line["shipped"]:
            lines.append({"sku": sku, "quantity": line["shipped"]})
    return lines


def _package_lines(sku, quantity, lot, serials):
    if not quantity:
        return []
    if serials and len(serials) == quantity:
        return [
            _strip_nones({"sku": sku, "quantity": Decimal(1), "lot": lot, "serial": serial})
            for serial in serials
        ]
    return [_strip_nones({"sku": sku, "quantity": quantity, "lot": lot})]


def order_shipments_to_canonical(order, *, path=""):
    """Every final shipment of a ShipBob order, as canonical shipments."""
    reader_ = Reader.root(order, path)
    results = []
    for index, _shipment in enumerate(reader_.list("shipments")):
        mapped = shipment_to_canonical(_shipment, order, path=read.at(reader_.at("shipments"), index))
        if mapped is not None:
            results.append(mapped)
    return results


def webhook_shipments(topic, payload, order=None):
    """The canonical shipments of a verified webhook body.

    ``order.shipped`` delivers the order (with its shipments); the
    ``order.shipment.*`` topics deliver one shipment, which says nothing of
    the order's other shipments: pass ``order`` (``get_order(shipment
    ["order_id"])``) to get ordered quantities, shorts and ``final``. The
    two shapes are told apart by their content (an order has ``shipments``).
    """
    body = Reader.root(payload)
    if "shipments" in body:
        return order_shipments_to_canonical(payload)
    if not (our_topic(topic) or "").startswith("shipment."):
        raise read.invalid("", f"ShipBob topic {read.show(topic)} carries no shipment")
    mapped = shipment_to_canonical(payload, order)
    return [mapped] if mapped is not None else []


# --- inbound notice -> WRO; WRO -> receipt -----------------------------------------


def _inventory_id(inventory_ids, sku, path):
    value = (inventory_ids or {}).get(sku)
    if value in (None, ""):
        raise _mapping_error(
            path, f"ShipBob has no inventory item for SKU {sku!r} (create the product first)"
        )
    return _int_id(value, path, "inventory")


def inbound_notice_to_wro(
    notice,
    inventory_ids,
    *,
    fulfillment_center_id=None,
    package_type="Package",
    box_packaging_type="EverythingInOneBox",
    expected_arrival=None,
):
    """The ``POST /receiving`` body for a canonical inbound_notice.

    ``inventory_ids`` maps each SKU to ShipBob's inventory id. The goods
    travel as one box (tracking number: the notice's, else its reference);
    ``purchase_order_number`` is our reference, the key to find the WRO
    again. ``expected_arrival`` (a date-time) is used when the notice has
    no ``expected_date``: ShipBob requires one.
    """
    _validated("inbound_notice", notice)
    center = fulfillment_center_id if fulfillment_center_id is not None else notice.get("warehouse_code")
    if center in (None, ""):
        raise _mapping_error("warehouse_code", "ShipBob needs the fulfilment centre id of the WRO")
    if notice.get("expected_date"):
        arrival = f"{notice['expected_date']}T00:00:00Z"
    elif expected_arrival:
        arrival = expected_arrival
    else:
        raise _mapping_error("expected_date", "ShipBob requires an expected arrival date")
    items = {}
    for index, line in enumerate(notice["lines"]):
        path = f"lines[{index}]"
        key = (line["sku"], line.get("lot"))
        quantity = _whole(Decimal(line["quantity"]), f"{path}.quantity")
        if key in items:
            items[key]["quantity"] += quantity
            continue
        item = {
            "inventory_id": _inventory_id(inventory_ids, line["sku"], f"{path}.sku"),
            "quantity": quantity,
        }
        if line.get("lot"):
            item["lot_number"] = line["lot"]
            if line.get("expiry"):
                item["lot_date"] = f"{line['expiry']}T00:00:00Z"
        items[key] = item
    return {
        "fulfillment_center": {"id": _int_id(center, "warehouse_code", "fulfilment centre")},
        "package_type": package_type,
        "box_packaging_type": box_packaging_type,
        "expected_arrival_date": arrival,
        "purchase_order_number": notice["reference"],
        "boxes": [
            {
                "tracking_number": notice.get("tracking_number") or notice["reference"],
                "box_items": list(items.values()),
            }
        ],
    }


def wro_to_receipt(wro, boxes=None, *, line_refs=None):
    """A ShipBob WRO (``GET /receiving/{id}``) as a canonical receipt.

    With ``boxes`` (``GET /receiving/{id}/boxes``) the lines are per lot;
    without, per inventory item. ``line_refs`` maps a SKU to our line
    reference. Stowed units count as received (ShipBob's sandbox shows
    ``stowed_quantity`` ahead of ``received_quantity``).
    """
    order = Reader.root(wro)
    external_id = order.ident("id")
    if not external_id:
        raise read.invalid(order.at("id"), "missing: a WRO needs its id")
    reference = order.text("purchase_order_number")
    if not reference:
        raise read.invalid(order.at("purchase_order_number"), "missing: the WRO names none of our notices")
    skus, lines = {}, []
    for item in order.objects("inventory_quantities"):
        inventory_id = item.ident("inventory_id")
        sku = item.text("sku")
        if not sku:
            raise read.invalid(item.at("sku"), "missing")
        skus[inventory_id] = sku
        received = max(item.quantity("received_quantity") or 0, item.quantity("stowed_quantity") or 0)
        lines.append(
            {"sku": sku, "expected": item.quantity("expected_quantity"), "received": Decimal(received)}
        )
    if not lines:
        raise read.invalid(order.at("inventory_quantities"), "empty: the WRO lists no inventory")
    if boxes:
        lines = _box_lines(boxes, skus)
    refs = line_refs or {}
    for line in lines:
        line["line_ref"] = refs.get(line["sku"])
    status = order.text("status")
    history = [entry for entry in order.objects("status_history") if entry.text("status") == status]
    received_at = (history[-1].timestamp("timestamp") if history else None) or order.timestamp(
        "last_updated_date"
    )
    receipt = {
        "schema_version": 1,
        "external_id": external_id,
        "notice_ref": reference,
        "kind": "purchase",
        "received_at": received_at,
        "final": status in WRO_FINAL_STATUSES,
        "lines": [_strip_nones(line) for line in lines],
    }
    return _validated("receipt", _strip_nones(receipt))


def _box_lines(boxes, skus):
    """Receipt lines per (SKU, lot) from a WRO's boxes."""
    grouped = {}
    for index, box in enumerate(read.array(boxes, "boxes")):
        box_reader = Reader.root(box, f"boxes[{index}]")
        for item in box_reader.objects("box_items"):
            inventory_id = item.ident("inventory_id")
            if inventory_id not in skus:
                raise read.invalid(
                    item.at("inventory_id"), f"{inventory_id!r} is not in the WRO's inventory_quantities"
                )
            lot = item.text("lot_number")
            key = (skus[inventory_id], lot)
            line = grouped.setdefault(
                key,
                {"sku": key[0], "lot": lot, "expiry": None, "expected": Decimal(0), "received": Decimal(0)},
            )
            line["expected"] += item.quantity("quantity") or 0
            line["received"] += max(
                item.quantity("received_quantity") or 0, item.quantity("stowed_quantity") or 0
            )
            if lot:
                line["expiry"] = line["expiry"] or _date_part(item, "lot_date")
    return list(grouped.values())


# --- inventory levels -> inventory_snapshot ----------------------------------------


def inventory_levels_to_snapshot(
    items, *, as_of, external_id, location_id=None, complete=True, warehouse_code=None
):
    """ShipBob inventory levels as a canonical inventory_snapshot.

    ``items`` are the ``items`` of any of the inventory-level lists:
    ``/inventory-level/lots`` (one snapshot item per lot), ``/inventory-level
    /locations`` (per SKU) or ``/inventory-level`` (network totals). With
    ``location_id``, only that fulfilment centre's quantities count (an item
    without it is left out: with ``complete`` it is held at 0). ``on_hand``
    is ShipBob's on-hand quantity, ``available`` its fulfillable one,
    ``committed`` what orders hold.
    """
    center = str(location_id) if location_id is not None else None
    if items is not None and not isinstance(items, (list, dict, str, bytes)):
        items = list(items)  # the client's iter_inventory_levels() as it is
    merged = {}
    for index, raw in enumerate(read.array(items, "items")):
        item = Reader.root(raw, f"items[{index}]")
        sku = item.text("sku")
        if not sku:
            raise read.invalid(item.at("sku"), "missing")
        if "lots" in item:
            for lot in item.objects("lots"):
                quantities = _location_quantities(lot, center)
                if quantities is not None:
                    _merge(merged, sku, lot.text("lot_number"), _date_part(lot, "lot_date"), quantities)
        elif "locations" in item:
            quantities = _location_quantities(item, center)
            if quantities is not None:
                _merge(merged, sku, None, None, quantities)
        else:
            totals = (
                item.quantity("total_on_hand_quantity"),
                item.number("total_fulfillable_quantity", limit=read.QUANTITY_LIMIT),
                item.quantity("total_committed_quantity"),
            )
            _merge(merged, sku, None, None, totals)
    snapshot = {
        "schema_version": 1,
        "external_id": str(external_id),
        "warehouse_code": warehouse_code if warehouse_code is not None else center,
        "as_of": read.timestamp(as_of, "as_of"),
        "complete": bool(complete),
        "items": [_strip_nones(entry) for entry in merged.values()],
    }
    return _validated("inventory_snapshot", _strip_nones(snapshot))


def _location_quantities(reader_, center):
    """(on_hand, available, committed) at one centre, the sum over every
    centre when ``center`` is None; None when the centre is not listed."""
    locations = reader_.objects("locations")
    if center is not None:
        locations = [entry for entry in locations if entry.ident("location_id") == center]
        if not locations:
            return None
    elif not locations:  # a lot without a per-centre split: its own totals
        locations = [reader_]
    on_hand = available = committed = Decimal(0)
    for entry in locations:
        on_hand += entry.quantity("on_hand_quantity") or 0
        available += entry.number("fulfillable_quantity", limit=read.QUANTITY_LIMIT) or 0
        committed += entry.quantity("committed_quantity") or 0
    return on_hand, available, committed


def _merge(merged, sku, lot, expiry, quantities):
    """Add one (on_hand, available, committed) to the (SKU, lot) entry;
    available/committed stay None until ShipBob gives one."""
    on_hand, available, committed = quantities
    entry = merged.setdefault((sku, lot), {"sku": sku, "lot": lot, "expiry": expiry, "on_hand": Decimal(0)})
    entry["on_hand"] += on_hand or 0
    for key, value in (("available", available), ("committed", committed)):
        if value is not None:
            entry[key] = entry.get(key, Decimal(0)) + value
    entry["expiry"] = entry["expiry"] or expiry


# --- return notice -> return order; return order -> receipt ------------------------


def return_notice_to_shipbob(notice, inventory_ids, *, fulfillment_center_id=None):
    """The ``POST /return`` body for a canonical return_notice.

    ``reference_id`` is our return picking name (unique per return);
    ``inventory_ids`` maps each SKU to ShipBob's inventory id; the line's
    ``action`` becomes ``requested_action`` (none: ShipBob's default for
    the item).
    """
    _validated("return_notice", notice)
    center = fulfillment_center_id if fulfillment_center_id is not None else notice.get("warehouse_code")
    if center in (None, ""):
        raise _mapping_error("warehouse_code", "ShipBob needs the fulfilment centre that takes the return")
    inventory = []
    for index, line in enumerate(notice["lines"]):
        path = f"lines[{index}]"
        item = {
            "id": _inventory_id(inventory_ids, line["sku"], f"{path}.sku"),
            "quantity": _whole(Decimal(line["quantity"]), f"{path}.quantity"),
            "requested_action": RETURN_ACTIONS[line.get("action")],
        }
        if line.get("lot"):
            item["lot_number"] = line["lot"]
        inventory.append(item)
    payload = {
        "reference_id": notice["reference"],
        "fulfillment_center": {"id": _int_id(center, "warehouse_code", "fulfilment centre")},
        "inventory": inventory,
    }
    if notice.get("original_external_id"):
        payload["original_shipment_id"] = _int_id(
            notice["original_external_id"], "original_external_id", "original shipment"
        )
    if notice.get("tracking_number"):
        payload["tracking_number"] = notice["tracking_number"]
    return payload


def return_to_receipt(return_order, *, line_refs=None, skus_by_inventory_id=None):
    """A ShipBob return order (``GET /return/{id}``, ``return.completed``
    body) as a canonical receipt of kind return.

    ``received`` sums the quantities of the actions taken; units
    quarantined or disposed are ``damaged`` too, with ShipBob's reasons.
    ``skus_by_inventory_id`` names the SKU of items ShipBob lists without
    one (the 2025-07 create answer has no ``sku``).
    """
    ret = Reader.root(return_order)
    external_id = ret.ident("id")
    if not external_id:
        raise read.invalid(ret.at("id"), "missing: a return needs its id")
    reference = ret.text("reference_id")
    if not reference:
        raise read.invalid(ret.at("reference_id"), "missing: the return names none of our notices")
    refs, names = line_refs or {}, skus_by_inventory_id or {}
    lines = []
    for item in ret.objects("inventory"):
        sku = item.text("sku") or names.get(item.ident("id")) or names.get(item.get("id"))
        if not sku:
            raise read.invalid(
                item.at("sku"), f"missing, and inventory id {item.ident('id')!r} has no known SKU"
            )
        received = damaged = Decimal(0)
        reasons = []
        for action in item.objects("action_taken"):
            quantity = action.quantity("quantity_processed") or Decimal(0)
            received += quantity
            if (action.text("action") or "").lower() != "restock":
                damaged += quantity
                reason = action.text("action_reason") or action.text("action")
                if reason and reason not in reasons:
                    reasons.append(reason)
        lot = item.object("lot_information")
        lines.append(
            _strip_nones(
                {
                    "line_ref": refs.get(sku),
                    "sku": sku,
                    "expected": item.quantity("quantity"),
                    "received": received,
                    "damaged": damaged or None,
                    "damage_reason": "; ".join(reasons)[:REASON_LIMIT] or None,
                    "lot": lot.text("number"),
                    "expiry": _date_part(lot, "expiration") if lot else None,
                }
            )
        )
    if not lines:
        raise read.invalid(ret.at("inventory"), "empty: the return lists no inventory")
    receipt = {
        "schema_version": 1,
        "external_id": external_id,
        "notice_ref": reference,
        "kind": "return",
        "received_at": ret.timestamp("completed_date"),
        "final": ret.text("status") in RETURN_FINAL_STATUSES,
        "lines": lines,
    }
    return _validated("receipt", _strip_nones(receipt))


# --- cancel answer -> cancellation_answer ------------------------------------------


def cancellation_answer(reference, answer, *, order=None, answered_at=None):
    """ShipBob's answer to ``POST /order/{id}:cancel`` (as
    ``ShipBobClient.cancel_order`` returns it) as a canonical
    cancellation_answer.

    - ``Success``: accepted (every shipment cancelled, nothing ships);
    - ``PartialSuccess``: too_late (some shipment could not be cancelled:
      it ships);
    - ``Failure``: too_late when the order (``order``, or the one in the
      answer) has shipped or has a shipment labelled or completed, else
      refused. ShipBob's reasons go in ``reason``.
    """
    body = Reader.root(answer)
    status = body.text("status")
    shipped_order = Reader.root(order, "order") if order is not None else body.object("order")
    external_id = body.ident("order_id") or (shipped_order.ident("id") if shipped_order else None)
    reasons = [
        result.text("reason")
        for result in body.objects("canceled_shipment_results")
        if not result.boolean("is_success") and result.text("reason")
    ]
    rejected = body.get("rejected")
    if rejected:
        reasons.append(rejected if isinstance(rejected, str) else canonical.dumps(rejected))
    if status == "Success":
        verdict = "accepted"
    elif status == "PartialSuccess":
        verdict = "too_late"
    elif status == "Failure":
        verdict = "too_late" if _has_shipped(shipped_order) else "refused"
    else:
        raise read.invalid(
            body.at("status"), f"expected Success, PartialSuccess or Failure, got {read.show(status)}"
        )
    result = {
        "schema_version": 1,
        "reference": reference,
        "external_id": external_id,
        "answer": verdict,
        "reason": "; ".join(reasons)[:REASON_LIMIT] or None,
        "answered_at": read.timestamp(answered_at, "answered_at") if answered_at else None,
    }
    return _validated("cancellation_answer", _strip_nones(result))


def waiting_shipment_ids(order):
    """The ids of the shipments of an order shipped in part that wait (not
    picked, packed or shipped: Processing, Exception, OnHold): the rest of
    a short ShipBob keeps. [] when nothing shipped yet (the order itself is
    cancelled then) or nothing waits."""
    body = Reader.root(order, "order")
    shipments = body.objects("shipments")
    if not any(_status(shipment) in SHIPPED_STATUSES for shipment in shipments):
        return []
    return [
        shipment.ident("id")
        for shipment in shipments
        if _status(shipment) not in FINAL_STATUSES and shipment.ident("id")
    ]


def _has_shipped(order):
    if not order:
        return False
    if order.text("status") in ORDER_SHIPPED_STATUSES:
        return True
    return any(_status(shipment) in SHIPPED_STATUSES for shipment in order.objects("shipments"))
