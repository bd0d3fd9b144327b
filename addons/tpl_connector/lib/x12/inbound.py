"""The typed documents a 3PL sends us -> canonical payloads.

=====  ========================  ===============================================
set    canonical kind            keyed by
=====  ========================  ===============================================
945    ``shipment`` (v2)         W06-04 shipment id, else N9 BM bill of lading
944    ``receipt``               W17-03 warehouse receipt number
846    ``inventory_snapshot``    BIA-03 reference id
947    ``inventory_adjustment``  W15-02 adjustment number
=====  ========================  ===============================================

Pure functions over channel_edi's typed documents (``documents/warehouse.py``).
SKUs and units are the 3PL's, as the file gives them: the Odoo layer applies
the backend's maps. X12 times carry no offset: ``utc_offset`` ("Z",
"-05:00") is the partner profile's. ``partner_key`` prefixes external ids so
that two warehouses' numbers never collide.

Code lists used (ASC X12 004010): W12-01 shipment/order status (368), W13-03
receiving condition (412), W17-01 reporting code (514), QTY01 quantity
qualifier (673), W19-01 adjustment reason (181).
"""

from .common import date_time, fail, party_code, quantity, references, sku_of

# W12-01 (368) -> shipment.v2 line status
LINE_STATUS = {
    "CC": "complete",  # Shipment Complete on (Date)
    "CL": "complete",  # Complete
    "SH": "complete",  # Shipped
    "BP": "backorder",  # Shipment Partial, Back Order to Ship on (Date)
    "BO": "backorder",  # Back Ordered
    "BK": "backorder",  # Back Ordered from Previous Order
    "BM": "backorder",  # Backordered, Manufacturer, Out-of-Stock
    "CP": "cancelled",  # Partial Shipment on (Date), Considered No Backorder
    "IC": "cancelled",  # Item Canceled
    "CU": "cancelled",  # Cancelled Line Item
    "DE": "cancelled",  # Deleted Order
    "IS": "substituted",  # Item Represents Substitution from Original Order
    "CS": "substituted",  # Shipment Complete with Substitution
    "CM": "over",  # Shipment Complete with Additional Quantity
}
NOTHING_SHIPPED = frozenset({"IC", "CU", "DE"})  # a line that says so may leave W12-03 empty
DAMAGED = "01"  # W13-03 (412): Damaged Product or Container
RETURN = "C"  # W17-01 (514): Customer Return - Full Detail
# QTY01 (673) qualifiers read into the snapshot, first found wins
SNAPSHOT_QUALIFIERS = {
    "on_hand": ("17", "33"),  # Quantity on Hand; else Quantity Available for Sale
    "available": ("33",),
    "committed": (),
    "damaged": (),
}
# W19-01 (181): the codes a 3PL commonly sends, named for users
ADJUSTMENT_REASONS = {
    "04": "Receipt less than previously reported",
    "05": "Product put on hold",
    "07": "Product dumped or destroyed",
    "51": "Unable-to-locate product located",
    "52": "Recoup/rework of damaged product",
    "53": "Shipment less than previously reported",
    "55": "Product taken off hold",
    "56": "Book adjustment increase",
    "AA": "Physical count",
    "AB": "Accounting error",
    "AC": "Condition change",
    "AH": "Other",
    "AK": "Transfer",
    "AR": "Order shipment error",
    "AU": "Damaged in facility",
    "AV": "Damaged in transit",
    "AW": "Product recall",
    "AX": "Shelf-life obsolescence",
    "AY": "Receipt error",
    "BM": "Replacement",
}


def _key(partner_key, ident):
    return f"{partner_key}:{ident}" if partner_key else ident


def _date_only(found):
    if isinstance(found, dict):
        found = found.get("value")
    return found[:10] if isinstance(found, str) and len(found) >= 10 else None


def _when(found, utc_offset):
    if isinstance(found, dict):
        found = found.get("value")
    return date_time(found, utc_offset)


def _put(target, key, found):
    if found not in (None, "", [], {}):
        target[key] = found


def _lines(document):
    lines = document.get("lines")
    if not isinstance(lines, list):
        raise fail("lines", "no detail lines in this document")
    return lines


# --- 945 -> shipment.v2 --------------------------------------------------------------------


def shipment_from_945(document, *, partner_key=None, utc_offset="Z"):
    """The canonical ``shipment`` (v2) of a 945 warehouse shipping advice.

    - ``external_id``: W06-04 (the warehouse's shipment id), else N9 BM (bill
      of lading): one order can ship in several 945s; ``bol``: N9 BM;
    - ``picking_ref``: W06-02, the depositor order number we sent in W05-02;
      ``order_ref``: W06-06, the customer's PO;
    - ``shipped_at``: W06-03 (G62 11 with its time when given);
    - ``carrier``: W27-02 SCAC, W27-03 routing (the 3PL's carrier/service);
    - a line per item and line reference (N9 LI, else the LX number): status
      from W12-01, W12-02 ordered, W12-03 shipped, W12-04 difference, lots
      from W12-09 or N9 LT (expiry G62 36), serials from N9 SE; a
      substitution (IS/CS) names the original item from W12-17/18 (else
      W12-16 U.P.C.) as ``sku`` and the shipped one as ``substitute_sku``;
    - a package per LX loop that carries a carton: MAN GM SSCC, MAN CP the
      carrier's package (tracking) number, N9 LV a licence plate number.

    Several W12 of one item and line reference (one per carton or lot) make
    one line: their shipped quantities add up, ordered is stated once and the
    difference is then ordered - shipped. ``final`` is left out: no 945
    element says that nothing more ships for the order (W06-01 is how much
    detail is reported), and one 945 may cover part of the order's lines;
    the Odoo layer decides from the line statuses and its policy."""
    shipment_id = document.get("shipment_id")
    bol = next(iter(references(document, "BM")), None)
    if not shipment_id and not bol:
        raise fail("shipment_id", "missing: neither W06-04 nor an N9 BM names the shipment")
    picking = document.get("depositor_order_number")
    if not picking and not document.get("po_number"):
        raise fail("depositor_order_number", "missing: neither W06-02 nor W06-06 names the order")
    dates = document.get("dates") or {}
    payload = {
        "schema_version": 2,
        "external_id": _key(partner_key, shipment_id or bol),
        "bol": bol,
        "picking_ref": picking or None,
        "order_ref": document.get("po_number") or None,
        "shipped_at": _when(dates.get("11") or document.get("shipment_date"), utc_offset),
    }
    carrier = _carrier(document.get("carrier") or {})
    if carrier:
        payload["carrier"] = carrier
    lines, packages = _shipment_lines(_lines(document))
    if not lines:
        raise fail("lines", "no W12 line in this 945")
    payload["lines"] = lines
    if packages:
        payload["packages"] = packages
    return {k: v for k, v in payload.items() if v is not None}


def _carrier(carrier):
    out = {}
    scac = (carrier.get("scac") or "").strip()
    if scac:
        if not (2 <= len(scac) <= 4 and scac.isalnum() and scac.upper() == scac):
            raise fail("carrier.scac", f"{scac!r} is not a SCAC (2 to 4 capital letters or digits)")
        out["scac"] = scac
    _put(out, "name", carrier.get("routing"))
    _put(out, "code", carrier.get("routing"))
    return out


def _shipment_lines(lines):
    merged, order, packages, by_pack = {}, [], [], {}
    for index, line in enumerate(lines):
        place = f"lines[{index}]"
        status_code = line.get("status") or ""
        status = LINE_STATUS.get(status_code)
        shipped = quantity(line.get("quantity_shipped"), f"{place}.quantity_shipped", required=False)
        if shipped is None:
            if status_code not in NOTHING_SHIPPED:
                raise fail(f"{place}.quantity_shipped", "missing: how many units shipped")
            shipped = quantity("0", place)
        if shipped < 0:
            raise fail(f"{place}.quantity_shipped", f"{shipped}: a shipped quantity is not negative")
        ordered = quantity(line.get("quantity_ordered"), f"{place}.quantity_ordered", required=False)
        difference = quantity(line.get("quantity_difference"), f"{place}.quantity_difference", required=False)
        item = sku_of(line, f"{place}.product_ids")
        sku, substitute = item, None
        if status == "substituted":
            original = (line.get("original_product_ids") or {}).values()
            sku = next((v for v in original if v), None) or line.get("original_upc") or item
            substitute = item
        line_ref = next(iter(references(line, "LI")), None) or line.get("line")
        lots = _lots(line, shipped)
        serials = references(line, "SE")
        key = (line_ref, sku, substitute)
        if key not in merged:
            merged[key] = {"line_ref": line_ref, "sku": sku, "uom": line.get("uom"), "ordered": ordered}
            merged[key].update(shipped=shipped, difference=difference, status=status, count=0)
            merged[key].update(substitute_sku=substitute, lots=[], serials=[])
            order.append(key)
        entry = merged[key]
        if entry["count"]:
            entry["shipped"] += shipped
            entry["difference"] = (
                entry["ordered"] - entry["shipped"] if entry["ordered"] is not None else None
            )
            entry["status"] = entry["status"] or status
        entry["count"] += 1
        entry["lots"] += lots
        entry["serials"] += [s for s in serials if s not in entry["serials"]]
        _package(line, shipped, lots, serials, packages, by_pack, place)
    return [_shipment_line(merged[key]) for key in order], packages


def _lots(line, shipped):
    names = [line["lot"]] if line.get("lot") else references(line, "LT")
    if not names or shipped <= 0:
        return []
    expiry = _date_only((line.get("dates") or {}).get("36"))
    # several N9 LT on one W12 do not say how the quantity splits: the first
    # names the line's lot, the others stay in the document for a user
    return [{"name": names[0], "quantity": shipped, **({"expiry": expiry} if expiry else {})}]


def _shipment_line(entry):
    line = {"sku": entry["sku"], "shipped": entry["shipped"]}
    for key in ("line_ref", "uom", "ordered", "difference", "status", "substitute_sku"):
        _put(line, key, entry[key])
    if line.get("status") is None and entry["ordered"] is not None and entry["shipped"] > entry["ordered"]:
        line["status"] = "over"
    _put(line, "lots", _merge_lots(entry["lots"]))
    _put(line, "serials", entry["serials"])
    return line


def _merge_lots(lots):
    merged = {}
    for lot in lots:
        key = (lot["name"], lot.get("expiry"))
        if key in merged:
            merged[key]["quantity"] += lot["quantity"]
        else:
            merged[key] = dict(lot)
    return list(merged.values())


def _package(line, shipped, lots, serials, packages, by_pack, place):
    pack = line.get("pack") or {}
    marks = {m.get("qualifier"): m.get("value") for m in pack.get("marks") or []}
    lpn = next(iter(references(line, "LV")), None)
    if not (pack.get("sscc") or marks.get("CP") or lpn):
        return
    key = (line.get("line"), pack.get("sscc"), marks.get("CP"), lpn if not pack else None)
    if key not in by_pack:
        package = {}
        _put(package, "sscc", pack.get("sscc"))
        _put(package, "lpn", lpn)
        _put(package, "tracking_number", marks.get("CP"))
        package["lines"] = []
        by_pack[key] = package
        packages.append(package)
    if shipped > 0:
        entry = {"sku": sku_of(line, f"{place}.product_ids"), "quantity": shipped}
        _put(entry, "lot", lots[0]["name"] if len(lots) == 1 else None)
        _put(entry, "serial", serials[0] if len(serials) == 1 and shipped == 1 else None)
        by_pack[key]["lines"].append(entry)


# --- 944 -> receipt ---------------------------------------------------------------------------


def receipt_from_944(document, *, partner_key=None, utc_offset="Z"):
    """The canonical ``receipt`` of a 944 warehouse stock transfer receipt advice.

    ``external_id`` W17-03 (the warehouse's receipt number), ``notice_ref``
    W17-04 (the depositor order number: the 943's W06-02), else W17-05
    (shipment id); ``kind`` return when W17-01 is C (customer return), else
    purchase; per W07: W07-01 received, VN (or other) SKU, W07-08 lot (else
    N9 LT; expiry G62 36), N9 LI line reference (else the LX number), and
    the W13 exceptions that follow it: W13-01 quantities with W13-03 01
    (damaged) add up to ``damaged``, ``damage_reason`` is W13-05 (else the
    condition code W13-03)."""
    receipt_number = document.get("receipt_number")
    if not receipt_number:
        raise fail("receipt_number", "missing (W17-03, the warehouse receipt number)")
    notice = document.get("depositor_order_number") or document.get("shipment_id")
    if not notice:
        raise fail("depositor_order_number", "missing: neither W17-04 nor W17-05 names the notice received")
    payload = {
        "schema_version": 1,
        "external_id": _key(partner_key, receipt_number),
        "notice_ref": notice,
        "kind": "return" if document.get("reporting_code") == RETURN else "purchase",
        "received_at": _when(document.get("receipt_date"), utc_offset),
        "lines": [],
    }
    for index, line in enumerate(_lines(document)):
        place = f"lines[{index}]"
        received = quantity(line.get("quantity_received"), f"{place}.quantity_received")
        if received < 0:
            raise fail(f"{place}.quantity_received", f"{received}: a received quantity is not negative")
        entry = {"sku": sku_of(line, f"{place}.product_ids"), "received": received}
        _put(entry, "line_ref", next(iter(references(line, "LI")), None) or line.get("line"))
        _put(entry, "uom", line.get("uom"))
        _put(entry, "lot", line.get("lot") or next(iter(references(line, "LT")), None))
        _put(entry, "expiry", _date_only((line.get("dates") or {}).get("36")))
        damaged, reason = _exceptions(line, place)
        _put(entry, "damaged", damaged)
        _put(entry, "damage_reason", reason)
        payload["lines"].append(entry)
    if not payload["lines"]:
        raise fail("lines", "no W07 line in this 944")
    return {k: v for k, v in payload.items() if v is not None}


def _exceptions(line, place):
    damaged, reasons = None, []
    for number, raw in enumerate(line.get("other_segments") or []):
        if raw.get("tag") != "W13":
            continue
        elements = [e if isinstance(e, str) else "" for e in raw.get("elements") or []]
        elements += [""] * (5 - len(elements))
        where_ = f"{place}.other_segments[{number}]"
        amount = quantity(elements[0], f"{where_} (W1301)")
        condition, reason = elements[2], elements[4]
        if condition == DAMAGED:
            damaged = (damaged or 0) + amount
        if reason or condition:
            reasons.append(reason or condition)
    return damaged, ", ".join(dict.fromkeys(reasons)) or None


# --- 846 -> inventory_snapshot ----------------------------------------------------------------


def snapshot_from_846(document, *, partner_key=None, utc_offset="Z", complete=False, qualifiers=None):
    """The canonical ``inventory_snapshot`` of an 846 inventory inquiry/advice.

    ``external_id`` BIA-03, ``as_of`` BIA-04/05 (else the heading's first
    DTM); ``warehouse_code`` the N1 WH identifier; per LIN: its SKU (VN,
    SK... first), lot (LIN LT id, else REF LT), expiry (DTM 036), unit
    (QTY-03) and quantities by QTY-01 qualifier, ``qualifiers`` saying which
    (default: on_hand 17, else 33; available 33). ``complete`` is the partner
    profile's: whether a SKU the 846 leaves out is held at zero (never
    guessed from the file: a partial report read as complete would zero
    stock)."""
    wanted = {**SNAPSHOT_QUALIFIERS, **(qualifiers or {})}
    report_id = document.get("report_id")
    if not report_id:
        raise fail("report_id", "missing (BIA-03, the report's reference)")
    as_of = _when(document.get("report_date"), utc_offset)
    if as_of is None:
        as_of = next((_when(v, utc_offset) for v in (document.get("dates") or {}).values()), None)
    if as_of is None:
        raise fail("report_date", "missing (BIA-04, the date of the report)")
    payload = {
        "schema_version": 1,
        "external_id": _key(partner_key, report_id),
        "as_of": as_of,
        "complete": bool(complete),
        "items": [],
    }
    _put(payload, "warehouse_code", party_code(document))
    for index, line in enumerate(_lines(document)):
        place = f"lines[{index}]"
        ids = dict(line.get("product_ids") or {})
        lot = ids.pop("LT", None) or next(iter(references(line, "LT")), None)
        item = {"sku": sku_of({"product_ids": ids}, f"{place}.product_ids")}
        quantities = line.get("quantities") or {}
        for key, codes in wanted.items():
            code = next((c for c in codes if quantities.get(c) not in (None, "")), None)
            if code is not None:
                item[key] = quantity(quantities[code], f"{place}.quantities.{code}")
        if "on_hand" not in item:
            names = " or ".join(wanted["on_hand"]) or "(none configured)"
            raise fail(f"{place}.quantities", f"no QTY {names}: the quantity on hand of this item")
        if item["on_hand"] < 0:
            raise fail(f"{place}.quantities", f"{item['on_hand']}: a quantity on hand is not negative")
        _put(item, "lot", lot)
        _put(item, "expiry", _date_only((line.get("dates") or {}).get("036")))
        _put(item, "uom", line.get("uom"))
        payload["items"].append(item)
    return payload


# --- 947 -> inventory_adjustment --------------------------------------------------------------


def adjustment_from_947(document, *, partner_key=None, utc_offset="Z"):
    """The canonical ``inventory_adjustment`` of a 947 warehouse inventory
    adjustment advice: ``external_id`` W15-02, ``adjusted_at`` W15-01; per
    W19: W19-01 reason code (with its name from the 004010 code list), W19-02
    the signed quantity (credit positive, debit negative), W19-03 unit,
    W19-09 lot, the SKU from W19-05..08 (else W19-04 U.P.C.). A W19 of
    quantity zero (a status change without stock) is left out."""
    number = document.get("adjustment_number")
    if not number:
        raise fail("adjustment_number", "missing (W15-02, the warehouse's adjustment number)")
    payload = {
        "schema_version": 1,
        "external_id": _key(partner_key, number),
        "adjusted_at": _when(document.get("adjustment_date"), utc_offset),
        "lines": [],
    }
    _put(payload, "warehouse_code", party_code(document))
    for index, line in enumerate(_lines(document)):
        place = f"lines[{index}]"
        amount = quantity(line.get("quantity"), f"{place}.quantity")
        if not line.get("reason"):
            raise fail(f"{place}.reason", "missing (W19-01, the adjustment reason)")
        if amount == 0:
            continue
        entry = {
            "sku": sku_of(line, f"{place}.product_ids"),
            "quantity": amount,
            "reason_code": line["reason"],
        }
        _put(entry, "lot", line.get("lot"))
        _put(entry, "uom", line.get("uom"))
        _put(entry, "reason_text", ADJUSTMENT_REASONS.get(line["reason"]))
        payload["lines"].append(entry)
    if not payload["lines"]:
        raise fail("lines", "no W19 with a non-zero quantity in this 947")
    return {k: v for k, v in payload.items() if v is not None}
