"""Shipping and warehouse documents -> canonical payloads.

=================================  =================================================
document                           canonical kind
=================================  =================================================
856 / DESADV                       ``asn`` (channel_edi's schema): what a shipment
                                   carries, by order, package (SSCC) and item; the
                                   receipt's expected quantities and lots
856 / DESADV (we shipped it)       ``shipment`` (the core's): one per order, the
                                   packages and quantities that left
945 (the 3PL shipped our order)    ``shipment``
846 (a 3PL's or supplier's stock)  ``stock_level``
=================================  =================================================

Plain functions over the typed documents (:mod:`.shipping`,
:mod:`.warehouse`), never the database. Products are named as in
:mod:`.canonical` (GTIN, vendor part = our SKU as the partner quotes it,
buyer part); quantities become :class:`~decimal.Decimal`.

X12 and EDIFACT times carry no offset (they are the sender's local time)
while the core's ``date-time`` values need one: ``utc_offset`` ("Z",
"-05:00") is the partner profile's, given by the caller.
"""

from .canonical import party_identity, product
from .common import DocumentError, decimal

PACKAGE_LEVELS = {"T": "pallet", "P": "carton"}
# X12 353 (BSN01) and EDIFACT 1225 (BGM03) -> the asn's purpose
PURPOSES = {"00": "original", "04": "replace", "05": "replace", "01": "cancel", "03": "cancel"}
PURPOSES.update({"9": "original", "5": "replace", "4": "replace", "1": "cancel", "3": "cancel"})
AVAILABLE = ("33", "17")  # 846 QTY01: quantity available for sale, else on hand


def date_time(found, utc_offset="Z"):
    """A document's ISO date or date-time as RFC 3339 with ``utc_offset``
    ("2024-01-15T10:30" -> "2024-01-15T10:30:00Z"); None when absent."""
    if not isinstance(found, str) or len(found) < 10:
        return None
    day, _, clock = found.partition("T")
    clock = clock or "00:00"
    if len(clock) == 5:
        clock += ":00"
    return f"{day}T{clock}{utc_offset}"


def _quantity(text, path):
    amount = decimal(text, path)
    return amount if amount > 0 else None


def _sku(ids, standard):
    """The SKU a line is matched by: our number as the partner quotes it,
    else the partner's SKU, the GTIN, the buyer's part number, the first id."""
    found = product(ids, standard)
    for key in ("vendor_part", "sku", "gtin", "buyer_part"):
        if found.get(key):
            return found[key]
    return next((v for v in (ids or {}).values() if v), None)


# --- the hierarchy ---------------------------------------------------------------------


def _walk(node, ancestors=()):
    """(node, its ancestors outermost first) for every level under ``node``."""
    yield node, ancestors
    for child in node.get("children") or []:
        yield from _walk(child, (*ancestors, node))


def _items(node):
    return [child for child in node.get("children") or [] if child.get("level") == "I"]


def _orders(document):
    """[(order node or None, po_number, packages above it)] of a ship notice:
    the O levels of an 856 (with the tares above them in S-T-O-I), or the
    whole DESADV as one order (its RFF+ON)."""
    hierarchy = document.get("hierarchy") or []
    orders = []
    for root in hierarchy:
        for node, ancestors in _walk(root):
            if node.get("level") == "O":
                above = [a for a in ancestors if a.get("level") in PACKAGE_LEVELS]
                orders.append((node, node.get("po_number"), above))
    if not orders and hierarchy:
        if not document.get("po_number"):
            raise DocumentError("po_number: missing (the order this despatch advice delivers).")
        orders = [(root, document["po_number"], []) for root in hierarchy]
    return orders


# --- 856 / DESADV -> asn -----------------------------------------------------------------


def _shipment_head(document):
    """(shipment id, root level, carrier, dates) of an 856/DESADV document:
    the root level's carrier and dates win over the document's."""
    shipment_id = document.get("shipment_id")
    if not shipment_id:
        raise DocumentError("shipment_id: missing (mandatory).")
    root = (document.get("hierarchy") or [{}])[0]
    carrier = root.get("carrier") or document.get("carrier") or {}
    dates = {**(document.get("dates") or {}), **(root.get("dates") or {})}
    return shipment_id, root, carrier, dates


def to_asn(document, standard, *, partner_key=None, utc_offset="Z"):
    """The ``asn`` payload of an 856 or DESADV document. ``partner_key``
    prefixes the external id (one partner's shipment ids are not another's)."""
    shipment_id, root, carrier, dates = _shipment_head(document)
    shipped = dates.get("shipped") or document.get("shipment_date")
    payload = {
        "schema_version": 1,
        "external_id": f"{partner_key}:{shipment_id}" if partner_key else shipment_id,
        "shipment_id": shipment_id,
        "purpose": PURPOSES.get(document.get("purpose"), "original"),
        "shipped_at": date_time(shipped, utc_offset) if isinstance(shipped, str) else None,
        "estimated_delivery": _date_only(dates.get("delivery_estimated")),
        "carrier": {
            "scac": carrier.get("id"),
            "name": carrier.get("name") or carrier.get("routing"),
            "mode": carrier.get("transport_method") or carrier.get("transport_mode"),
            "tracking_number": root.get("pro_number"),
            "bill_of_lading": root.get("bill_of_lading"),
        },
        "ship_from": _party(root.get("ship_from") or document.get("ship_from"), standard),
        "ship_to": _party(root.get("ship_to") or document.get("ship_to"), standard),
        "orders": [],
    }
    for index, (order, po_number, above) in enumerate(_orders(document)):
        path = f"orders[{index}]"
        if not po_number:
            raise DocumentError(f"{path}.po_number: missing (PRF01 of the order level).")
        packages = [_asn_package(child, standard, f"{path}.packages") for child in _packages(order)]
        entry = {
            "po_number": po_number,
            "order_date": _date_only(order.get("po_date") or document.get("po_date")),
            "packages": packages,
            "items": [_asn_item(item, standard, f"{path}.items") for item in _items(order)],
        }
        for package in reversed(above):  # S-T-O-I: the pallet holds the order
            entry["packages"], entry["items"] = [_asn_package_shell(package, entry)], []
        payload["orders"].append(entry)
    if not payload["orders"]:
        raise DocumentError("hierarchy: no order in this ship notice.")
    return payload


def _packages(node):
    return [child for child in node.get("children") or [] if child.get("level") in PACKAGE_LEVELS]


def _asn_package(node, standard, path):
    return {
        **_package_fields(node),
        "packages": [_asn_package(child, standard, path) for child in _packages(node)],
        "items": [_asn_item(item, standard, path) for item in _items(node)],
    }


def _asn_package_shell(node, inner):
    return {**_package_fields(node), "packages": inner["packages"], "items": inner["items"]}


def _package_fields(node):
    packaging = (node.get("packaging") or [{}])[0]
    weight = None
    if packaging.get("weight") and packaging.get("weight_uom"):
        weight = {"value": decimal(packaging["weight"], "weight"), "uom": packaging["weight_uom"]}
    marks = {m.get("qualifier"): m.get("value") for m in node.get("marks") or []}
    return {
        "sscc": node.get("sscc"),
        "level": PACKAGE_LEVELS.get(node.get("level")),
        "packaging_code": packaging.get("packaging_code") or (node.get("packages") or [{}])[0].get("type"),
        "weight": weight,
        "tracking_number": marks.get("CP"),
    }


def _asn_item(item, standard, path):
    quantity = _quantity(item.get("quantity"), f"{path}.quantity")
    if quantity is None:
        raise DocumentError(f"{path}.quantity: {item.get('quantity')!r}, a shipped quantity is above zero.")
    ids = product(item.get("product_ids"), standard)
    ordered = item.get("quantity_ordered")
    return {
        "line_number": item.get("line"),
        "product": {k: v for k, v in ids.items() if ":" not in k},
        "quantity": quantity,
        "uom": item.get("uom"),
        "ordered_quantity": decimal(ordered, f"{path}.quantity_ordered") if ordered else None,
        "lot": item.get("lot"),
        "expiry_date": _date_only(item.get("expiry_date")),
    }


def _party(party, standard):
    if not party:
        return {}
    return {
        "external_id": party_identity(party, standard),
        "name": party.get("name"),
        "identifiers": {q: v for q, v in (party.get("identifiers") or {}).items() if v},
    }


def _date_only(found):
    return found[:10] if isinstance(found, str) and len(found) >= 10 else None


# --- 856 / DESADV -> shipment -----------------------------------------------------------------


def to_shipments(document, standard, *, utc_offset="Z"):
    """The core's ``shipment`` payloads of a ship notice we sent (one per
    order: the core confirms shipments per order). Packages are the levels
    holding items (cartons, or pallets of one product), tracked by their
    carrier package id (MAN CP) or else their SSCC."""
    shipment_id, _root, carrier, dates = _shipment_head(document)
    orders = _orders(document)
    payloads = []
    for index, (order, po_number, above) in enumerate(orders):
        path = f"orders[{index}]"
        packages, lines = [], _lines(_items(order), standard, f"{path}.items")
        for node, _ancestors in _walk(order):
            if node.get("level") in PACKAGE_LEVELS and _items(node):
                packages.append(_shipment_package(node, standard, f"{path}.packages"))
        if above and not packages:  # S-T-O-I: the items of this order sit on the pallet
            packages, lines = [{**_shipment_package(above[-1], standard, path), "lines": lines}], []
        payload = {
            "schema_version": 1,
            "external_id": shipment_id if len(orders) == 1 else f"{shipment_id}/{po_number}",
            "order_ref": po_number,
            "shipped_at": date_time(dates.get("shipped") or document.get("shipment_date"), utc_offset),
            "carrier": carrier.get("id") or carrier.get("name"),
            "service": carrier.get("service_level") or carrier.get("routing"),
            "packages": packages,
        }
        if lines:
            payload["lines"] = lines
        payloads.append(payload)
    return payloads


def _shipment_package(node, standard, path):
    packaging = (node.get("packaging") or [{}])[0]
    marks = {m.get("qualifier"): m.get("value") for m in node.get("marks") or []}
    package = {
        "tracking_number": marks.get("CP") or node.get("sscc"),
        "lines": _lines(_items(node), standard, path),
    }
    if packaging.get("weight"):
        package["weight"] = decimal(packaging["weight"], f"{path}.weight")
    return package


def _lines(items, standard, path):
    lines = []
    for index, item in enumerate(items):
        quantity = _quantity(item.get("quantity"), f"{path}[{index}].quantity")
        sku = _sku(item.get("product_ids"), standard)
        if quantity is None or not sku:
            continue
        line = {"sku": sku, "quantity": quantity}
        if item.get("lot"):
            line["lot"] = item["lot"]
        if item.get("line"):
            line["line_external_id"] = item["line"]
        lines.append(line)
    return lines


# --- 945 -> shipment --------------------------------------------------------------------------


def to_shipment_945(document, *, utc_offset="Z"):
    """The core's ``shipment`` of a 3PL's 945: our order (W06-02, the
    depositor order number we sent in the 940's W05-02) as ``picking_ref``,
    the customer's PO (W06-06) as ``order_ref``, cartons by their LX group
    (SSCC, or the carrier's package id MAN CP), quantities shipped (W12-03)."""
    picking = document.get("depositor_order_number")
    if not picking and not document.get("po_number"):
        raise DocumentError("depositor_order_number: missing (our order the 3PL shipped).")
    carrier = document.get("carrier") or {}
    packages, loose, by_pack = [], [], {}
    for index, line in enumerate(document.get("lines") or []):
        path = f"lines[{index}]"
        shipped = line.get("quantity_shipped")
        quantity = _quantity(shipped, f"{path}.quantity_shipped") if shipped not in (None, "") else None
        sku = _sku(line.get("product_ids"), "X12") or line.get("upc")
        if quantity is None or not sku:
            continue
        entry = {"sku": sku, "quantity": quantity}
        if line.get("lot"):
            entry["lot"] = line["lot"]
        pack = line.get("pack") or {}
        if not pack:
            loose.append(entry)
            continue
        marks = {m.get("qualifier"): m.get("value") for m in pack.get("marks") or []}
        key = (line.get("line"), pack.get("sscc"), marks.get("CP"))
        if key not in by_pack:
            by_pack[key] = {"tracking_number": marks.get("CP") or pack.get("sscc"), "lines": []}
            packages.append(by_pack[key])
        by_pack[key]["lines"].append(entry)
    payload = {
        "schema_version": 1,
        "external_id": document.get("shipment_id") or picking,
        "picking_ref": picking,
        "order_ref": document.get("po_number"),
        "shipped_at": date_time(document.get("shipment_date"), utc_offset),
        "carrier": carrier.get("scac"),
        "service": carrier.get("routing"),
        "packages": packages,
    }
    if loose:
        payload["lines"] = loose
    return payload


# --- 846 -> stock_level -----------------------------------------------------------------------


def to_stock_level(document, *, location_code=None, qualifiers=AVAILABLE, utc_offset="Z"):
    """The core's ``stock_level`` of an 846: per item, the first quantity of
    ``qualifiers`` it gives (QTY01 33 available for sale, else 17 on hand).
    ``location_code`` names the 3PL site; without it, the warehouse party's
    identifier (N1 WH) does."""
    if not location_code:
        warehouse = (document.get("parties") or {}).get("WH") or {}
        location_code = next(iter((warehouse.get("identifiers") or {}).values()), None)
    if not location_code:
        raise DocumentError("location_code: give it, or an N1 WH party with an identifier.")
    items = []
    for index, line in enumerate(document.get("lines") or []):
        quantities = line.get("quantities") or {}
        qualifier = next((q for q in qualifiers if quantities.get(q) not in (None, "")), None)
        sku = _sku(line.get("product_ids"), "X12")
        if qualifier is None or not sku:
            continue
        items.append(
            {"sku": sku, "quantity": decimal(quantities[qualifier], f"lines[{index}].quantities.{qualifier}")}
        )
    return {
        "schema_version": 1,
        "location_code": location_code,
        "as_of": date_time(document.get("report_date"), utc_offset),
        "items": items,
    }
