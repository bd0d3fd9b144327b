"""Canonical payloads -> the typed documents of the sets we send a 3PL.

=====================  ====  ==============================================
canonical kind          set   what the warehouse is told
=====================  ====  ==============================================
``fulfilment_order``    940   ship this delivery order (W05-01 N original,
                              R change, F cancel: code list of element 473)
``inbound_notice``      943   goods are on their way to you (a purchase or a
                              transfer)
``return_notice``       943   a customer return is on its way (RMA)
=====================  ====  ==============================================

The documents are channel_edi's (``documents/warehouse.py``); building the
segments is ``documents.build``'s job, not ours. What goes where:

- 940: W05-02 our delivery order name (``reference``: the warehouse's key,
  echoed in the 945's W06-02), W05-03 the customer's PO; N1 ST ship-to, N1 WH
  the 3PL's site; N9 CO our sales order; G62 10 requested ship date; NTE WHI
  notes; W66 payment and transport method, routing (the 3PL's service
  code) and SCAC; per line one LX (numbered 1, 2, ...) with W01 quantity,
  unit, U.P.C., VN our SKU (the 3PL's after the backend's map), W01-13 lot,
  G69 name, N9 LI our line reference (the stock move id, named back in the
  945); W76 total quantity. The ship-to's phone and e-mail stay out: the
  940's N1 loop has G61 contacts, not PER, and partners rarely read them.
- 943: W06-01 F (full detail), W06-02 our receipt or return picking name,
  W06-06 the purchase order; N1 WH the 3PL, N1 SF who ships; N9 RZ the RMA,
  N9 2I tracking number; G62 17 estimated delivery; W27 transport method
  (mandatory in 004010) with the carrier; per line W04 quantity, unit, VN
  SKU, N9 LI line reference, N9 LT lot, G62 36 expiry; W03 total.

Identifiers are never cut to fit: a reference longer than its element
(W05-02 is 22 characters, N902 30) is refused by the guide when the file is
written (:func:`..x12.write_interchange`), since a cut one would not match
the confirmation. Names and notes are cut to their element (G69 45, NTE 80).
What has no X12 home stays out: a return line's reason and action (ask for
them in the partner's guide and put them in ``other_segments`` if agreed).
"""

from .common import fail, quantity, quantity_text

PURPOSE_CODES = {"original": "N", "replace": "R", "cancel": "F"}  # W05-01 (473)
NOTE_WIDTH = 80  # NTE02
DESCRIPTION_WIDTH = 45  # G69-01


def _clip(text, width):
    return str(text)[:width] if text not in (None, "") else None


def _put(target, key, found):
    if found not in (None, "", [], {}):
        target[key] = found


def _address(ship_to):
    street = [s for s in (ship_to.get("street"), ship_to.get("street2")) if s]
    address = {}
    _put(address, "street", street)
    _put(address, "city", ship_to.get("city"))
    _put(address, "state", ship_to.get("state_code"))
    _put(address, "postal_code", ship_to.get("zip"))
    _put(address, "country", ship_to.get("country_code"))
    return address


def _warehouse(code, qualifier):
    return {"WH": {"identifiers": {qualifier: code}}} if code else {}


def _notes(text):
    if not text:
        return []
    text = " ".join(str(text).split())
    return [{"reference": "WHI", "text": text[i : i + NOTE_WIDTH]} for i in range(0, len(text), NOTE_WIDTH)]


# --- 940 ----------------------------------------------------------------------------------


def fulfilment_order_to_940(order, *, warehouse_qualifier="ZZ", payment_method="PP", transport_method="M"):
    """The 940 document of a canonical ``fulfilment_order``.

    ``warehouse_qualifier`` is the N103 of the 3PL's site code (ZZ mutually
    defined unless the partner's guide says 9/91/92...); ``payment_method``
    (W66-01, 146: PP prepaid, CC collect, TP third party) and
    ``transport_method`` (W66-02, 91: M motor, U parcel, A air...) are the
    partner profile's, used when the order names a carrier."""
    if not isinstance(order, dict):
        raise fail("(payload)", "a fulfilment_order is an object")
    purpose = order.get("purpose")
    if purpose not in PURPOSE_CODES:
        raise fail("purpose", f"{purpose!r}: one of {', '.join(PURPOSE_CODES)}")
    reference = order.get("reference")
    if not reference:
        raise fail("reference", "missing (mandatory)")
    ship_to = order.get("ship_to") or {}
    if not ship_to.get("name"):
        raise fail("ship_to.name", "missing (mandatory)")
    document = {
        "order_status": PURPOSE_CODES[purpose],
        "depositor_order_number": reference,
    }
    _put(document, "po_number", order.get("customer_po"))
    party = {"name": ship_to["name"]}
    _put(party, "name2", ship_to.get("company"))
    _put(party, "address", _address(ship_to))
    document["ship_to"] = party
    _put(document, "parties", _warehouse(order.get("warehouse_code"), warehouse_qualifier))
    _put(document, "references", {"CO": order["order_ref"]} if order.get("order_ref") else {})
    _put(document, "dates", {"10": order["ship_by"]} if order.get("ship_by") else {})
    _put(document, "notes", _notes(order.get("notes")))
    carrier = order.get("carrier") or {}
    if any(carrier.get(k) for k in ("code", "scac", "service")):
        w66 = {"payment_method": payment_method, "transport_method": transport_method}
        _put(w66, "routing", carrier.get("code") or carrier.get("service"))
        _put(w66, "scac", carrier.get("scac"))
        document["carrier"] = w66
    document["lines"], total = [], 0
    for index, place, line, amount in _checked_lines(order, "a released"):
        entry = {
            "line": str(index + 1),
            "quantity": quantity_text(amount, f"{place}.quantity"),
            "uom": line.get("uom") or "EA",
        }
        _put(entry, "upc", line.get("upc"))
        entry["product_ids"] = {"VN": line["sku"]}
        _put(entry, "lot", line.get("lot"))
        _put(entry, "description", _clip(line.get("name"), DESCRIPTION_WIDTH))
        entry["references"] = {"LI": str(line["line_ref"])}
        document["lines"].append(entry)
        total += amount
    document["totals"] = {"quantity": quantity_text(total, "lines")}
    return document


def _checked_lines(payload, what):
    """(index, place, line, quantity) of each line of an outbound payload:
    at least one line, each with its SKU, its line reference and a quantity
    above zero (``what`` words the quantity in the error)."""
    lines = payload.get("lines")
    if not isinstance(lines, list) or not lines:
        raise fail("lines", "at least one line")
    for index, line in enumerate(lines):
        place = f"lines[{index}]"
        amount = quantity(line.get("quantity"), f"{place}.quantity")
        if amount <= 0:
            raise fail(f"{place}.quantity", f"{amount}: {what} quantity is above zero")
        for key in ("sku", "line_ref"):
            if not line.get(key):
                raise fail(f"{place}.{key}", "missing (mandatory)")
        yield index, place, line, amount


# --- 943 ----------------------------------------------------------------------------------


def _notice_943(payload, *, warehouse_qualifier, transport_method, routing, origin=None, supplier=None):
    reference = payload.get("reference")
    if not reference:
        raise fail("reference", "missing (mandatory)")
    document = {"reporting_code": "F", "depositor_order_number": reference}
    _put(document, "po_number", origin)
    parties = _warehouse(payload.get("warehouse_code"), warehouse_qualifier)
    if supplier:
        parties["SF"] = {"name": str(supplier)[:60]}
    _put(document, "parties", parties)
    refs = {}
    _put(refs, "RZ", payload.get("rma"))
    _put(refs, "2I", payload.get("tracking_number"))
    _put(document, "references", refs)
    _put(document, "dates", {"17": payload["expected_date"]} if payload.get("expected_date") else {})
    carrier = {"transport_method": transport_method}
    # W27 needs W27-02 SCAC or W27-03 routing (R0203): without a carrier, who ships says it
    _put(carrier, "routing", _clip(payload.get("carrier") or routing, 35))
    document["carrier"] = carrier
    document["lines"], total = [], 0
    for _index, place, line, amount in _checked_lines(payload, "an announced"):
        entry = {
            "quantity": quantity_text(amount, f"{place}.quantity"),
            "uom": line.get("uom") or "EA",
            "product_ids": {"VN": line["sku"]},
        }
        _put(entry, "description", _clip(line.get("name"), DESCRIPTION_WIDTH))
        refs = {"LI": str(line["line_ref"])}
        _put(refs, "LT", line.get("lot"))
        entry["references"] = refs
        _put(entry, "dates", {"36": line["expiry"]} if line.get("expiry") else {})
        document["lines"].append(entry)
        total += amount
    document["totals"] = {"quantity": quantity_text(total, "lines")}
    return document


def inbound_notice_to_943(
    notice, *, warehouse_qualifier="ZZ", transport_method="M", routing="SUPPLIER ARRANGED"
):
    """The 943 document of a canonical ``inbound_notice`` (purchase or
    transfer); ``routing`` is W27-03 when the notice names no carrier."""
    if not isinstance(notice, dict):
        raise fail("(payload)", "an inbound_notice is an object")
    return _notice_943(
        notice,
        warehouse_qualifier=warehouse_qualifier,
        transport_method=transport_method,
        routing=routing,
        origin=notice.get("origin"),
        supplier=notice.get("supplier"),
    )


def return_notice_to_943(
    notice, *, warehouse_qualifier="ZZ", transport_method="M", routing="CUSTOMER RETURN"
):
    """The 943 document of a canonical ``return_notice``: W06-06 the
    delivery it reverses, N9 RZ the RMA; the 944 that answers it says
    W17-01 C (customer return)."""
    if not isinstance(notice, dict):
        raise fail("(payload)", "a return_notice is an object")
    return _notice_943(
        notice,
        warehouse_qualifier=warehouse_qualifier,
        transport_method=transport_method,
        routing=routing,
        origin=notice.get("original_reference"),
    )
