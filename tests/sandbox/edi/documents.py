"""The partner's transaction sets, written from the X12 4010/5010 layouts,
and its reading of ours.

Building (the partner's files): each ``build_*`` returns the body segments
of one set (between ST and SE, as ``[tag, element, ...]`` lists) from a
plain dict. The layouts are the standard's (ASC X12 004010, the same
segments in 005010):

- 850 BEG, CUR, REF, DTM, N1 loop (ST with a GLN ``UL`` or a store number
  ``92``), PO1 loop (PO1 with product id pairs UP/EN, IN/BP, VN; PID), CTT;
- 860 BCH, DTM, N1, POC loop (POC02: AI add, DI delete, QI/QD quantity,
  PC price, CA changes), CTT;
- 855 BAK (BAK02 AC/AD/RJ), DTM, PO1 loop with ACK (ACK01 IA, IB, IR, IP,
  IQ, DR; quantity, unit, DTM qualifier 068 current schedule ship and date),
  CTT;
- 856 BSN (BSN05 0001: shipment, order, pack, item), HL loops: S (TD1, TD5,
  REF BM, DTM 011, N1 ST), O (PRF), P (MAN GM with "00" + SSCC-18, the
  VICS way), I (LIN with the product ids and LT lot, SN1), CTT;
- 810 BIG, REF, N1, IT1 loop (PID), TDS (implied two decimals), CTT;
- 997 AK1, AK2, AK3, AK4, AK5, AK9.

Reading (our files): :func:`read_set` turns a transaction set of the
codec's tree into a typed dict (amounts and quantities as decimal strings as
the file gives them; TDS as a decimal: ``15000`` -> ``"150.00"``), enough
for tests and the tour to assert what the partner received.
"""

from datetime import date
from decimal import Decimal

from . import gs1

# PO1/IT1/LIN product id pairs, in the order the partner writes them
PRODUCT_QUALIFIERS = ("UP", "EN", "UK", "IN", "BP", "VN", "VP", "SK", "LT")


def x12_date(value):
    """``2026-11-28`` (or a date) -> ``20261128``."""
    if isinstance(value, date):
        return value.strftime("%Y%m%d")
    return str(value or "").replace("-", "")


def iso_date(value):
    """``20261128`` -> ``2026-11-28`` ("" stays "")."""
    value = value or ""
    if len(value) == 8 and value.isdigit():
        return f"{value[:4]}-{value[4:6]}-{value[6:]}"
    return value


def money(value):
    """A decimal string without a float on the way: ``12.5`` -> ``"12.50"``."""
    return str(Decimal(str(value)).quantize(Decimal("0.01")))


def quantity(value):
    """``24`` / ``"24.000"`` -> ``"24"``; decimals kept when they matter."""
    number = Decimal(str(value))
    return str(number.quantize(Decimal(1))) if number == number.to_integral() else str(number.normalize())


def implied(amount, decimals=2):
    """TDS01 (N2): the amount without its decimal point, ``150.00`` -> ``15000``."""
    return str(int((Decimal(str(amount)) * (10**decimals)).to_integral_value()))


def product_pairs(product_ids):
    """``{"UP": ..., "VN": ...}`` -> ``["UP", "...", "VN", "..."]`` in the
    partner's order (other qualifiers after)."""
    ordered = [q for q in PRODUCT_QUALIFIERS if product_ids.get(q)]
    ordered += [q for q in product_ids if q not in ordered and product_ids[q]]
    out = []
    for qualifier in ordered:
        out += [qualifier, product_ids[qualifier]]
    return out


def party(role, data):
    """An N1 loop: N1 (name, one identifier), N3, N4."""
    identifiers = data.get("identifiers") or {}
    qualifier, code = next(iter(identifiers.items()), ("", ""))
    out = [["N1", role, data.get("name", ""), qualifier, code]]
    address = data.get("address") or {}
    if address.get("street"):
        out.append(["N3", address["street"]])
    if address.get("city"):
        out.append(
            [
                "N4",
                address["city"],
                address.get("state", ""),
                address.get("postal_code", ""),
                address.get("country", ""),
            ]
        )
    return out


# --- the customer's documents --------------------------------------------------------


def build_850(order):
    """A purchase order (the partner as retailer)."""
    body = [
        [
            "BEG",
            order.get("purpose", "00"),
            order.get("type", "SA"),
            order["po_number"],
            "",
            x12_date(order["order_date"]),
        ]
    ]
    if order.get("currency"):
        body.append(["CUR", "BY", order["currency"]])
    for qualifier, value in (order.get("references") or {}).items():
        body.append(["REF", qualifier, value])
    if order.get("delivery_requested"):
        body.append(["DTM", "002", x12_date(order["delivery_requested"])])
    if order.get("ship_to"):
        body += party("ST", order["ship_to"])
    hash_total = Decimal(0)
    for line in order["lines"]:
        body.append(
            [
                "PO1",
                line["line"],
                quantity(line["quantity"]),
                line.get("uom", "EA"),
                money(line["unit_price"]),
                line.get("price_basis", "PE"),
                *product_pairs(line["product_ids"]),
            ]
        )
        if line.get("description"):
            body.append(["PID", "F", "", "", "", line["description"]])
        hash_total += Decimal(str(line["quantity"]))
    body.append(["CTT", str(len(order["lines"])), quantity(hash_total)])
    return body


def build_860(change):
    """A purchase order change: ``change["lines"]`` each with ``change``
    (POC02) and the line's new values."""
    body = [
        [
            "BCH",
            change.get("purpose", "04"),
            change.get("type", "SA"),
            change["po_number"],
            "",
            str(change.get("sequence", "1")),
            x12_date(change["order_date"]),
        ]
    ]
    if change.get("change_date"):
        body.append(["DTM", "007", x12_date(change["change_date"])])
    if change.get("ship_to"):
        body += party("ST", change["ship_to"])
    for line in change["lines"]:
        body.append(
            [
                "POC",
                line["line"],
                line["change"],
                quantity(line.get("quantity", 0)),
                quantity(line.get("quantity_left", line.get("quantity", 0))),
                line.get("uom", "EA"),
                money(line["unit_price"]) if line.get("unit_price") is not None else "",
                "PE" if line.get("unit_price") is not None else "",
                *product_pairs(line.get("product_ids") or {}),
            ]
        )
    body.append(["CTT", str(len(change["lines"]))])
    return body


def build_997(acknowledgement):
    """A functional acknowledgement: ``{"functional_id", "group_control",
    "sets": [{"type", "control_number", "code", "errors": [...], "codes": [...]}],
    "group_code"}``; an error is ``{"segment", "position", "code",
    "element": n, "element_code", "bad_value"}`` (AK3/AK4)."""
    body = [["AK1", acknowledgement["functional_id"], acknowledgement["group_control"]]]
    accepted = 0
    for item in acknowledgement["sets"]:
        body.append(["AK2", item["type"], item["control_number"]])
        for error in item.get("errors", []):
            body.append(["AK3", error["segment"], str(error["position"]), "", error.get("code", "8")])
            if error.get("element"):
                body.append(
                    [
                        "AK4",
                        str(error["element"]),
                        "",
                        error.get("element_code", "1"),
                        error.get("bad_value", ""),
                    ]
                )
        body.append(["AK5", item["code"], *item.get("codes", [])[:5]])
        accepted += item["code"] in ("A", "E")
    count = len(acknowledgement["sets"])
    group_code = acknowledgement.get("group_code") or (
        "A" if accepted == count else ("R" if accepted == 0 else "P")
    )
    body.append(
        ["AK9", group_code, str(count), str(count), str(accepted), *acknowledgement.get("group_codes", [])]
    )
    return body


# --- the supplier's documents ----------------------------------------------------------


def build_855(response):
    """A purchase order acknowledgement: ``{"po_number", "order_date",
    "ack_type" (AC, AD, RJ), "reference", "date", "lines": [{"line",
    "quantity", "uom", "unit_price", "product_ids", "acks": [{"status",
    "quantity", "uom", "date"}]}]}``. An RJ has no line detail."""
    body = [
        [
            "BAK",
            "00",
            response["ack_type"],
            response["po_number"],
            x12_date(response["order_date"]),
            "",
            "",
            "",
            response.get("reference", ""),
            x12_date(response.get("date", "")),
        ]
    ]
    lines = [] if response["ack_type"] == "RJ" else response["lines"]
    for line in lines:
        body.append(
            [
                "PO1",
                line["line"],
                quantity(line["quantity"]),
                line.get("uom", "EA"),
                money(line["unit_price"]),
                "PE",
                *product_pairs(line["product_ids"]),
            ]
        )
        for ack in line["acks"]:
            body.append(
                [
                    "ACK",
                    ack["status"],
                    quantity(ack["quantity"]),
                    ack.get("uom", line.get("uom", "EA")),
                    "068",
                    x12_date(ack["date"]),
                ]
            )
    if lines:
        body.append(["CTT", str(len(lines)), quantity(sum(Decimal(str(line["quantity"])) for line in lines))])
    return body


def build_856(notice):
    """A ship notice, S-O-P-I: ``{"shipment_id", "date", "time", "po_number",
    "order_date", "bill_of_lading", "carrier", "ship_to", "packs": [{"sscc",
    "items": [{"product_ids", "quantity", "uom", "lot"}]}]}``."""
    packs = notice["packs"]
    body = [
        ["BSN", "00", notice["shipment_id"], x12_date(notice["date"]), notice.get("time", "1200"), "0001"]
    ]
    weight = sum(Decimal(str(p.get("weight", "10"))) for p in packs)
    body.append(["HL", "1", "", "S"])
    body.append(["TD1", "CTN25", str(len(packs)), "", "", "", "G", quantity(weight), "LB"])
    body.append(["TD5", "B", "2", notice.get("carrier", "UPSN"), "M"])
    body.append(["REF", "BM", notice.get("bill_of_lading", notice["shipment_id"])])
    body.append(["DTM", "011", x12_date(notice["date"])])
    if notice.get("ship_to"):
        body += party("ST", notice["ship_to"])
    body.append(["HL", "2", "1", "O"])
    body.append(["PRF", notice["po_number"], "", "", x12_date(notice.get("order_date", ""))])
    number = 2
    for pack in packs:
        number += 1
        pack_hl = number
        if not gs1.is_valid(pack["sscc"]):
            raise ValueError(f"SSCC {pack['sscc']} has a wrong check digit")
        body.append(["HL", str(pack_hl), "2", "P"])
        body.append(["MAN", "GM", "00" + pack["sscc"]])
        for item in pack["items"]:
            number += 1
            body.append(["HL", str(number), str(pack_hl), "I"])
            ids = dict(item["product_ids"])
            if item.get("lot"):
                ids["LT"] = item["lot"]
            body.append(["LIN", item.get("line", ""), *product_pairs(ids)])
            body.append(["SN1", "", quantity(item["quantity"]), item.get("uom", "EA")])
    body.append(["CTT", str(number)])
    return body


def build_810(invoice):
    """An invoice: ``{"invoice_number", "date", "po_number", "order_date",
    "lines": [{"line", "quantity", "uom", "unit_price", "product_ids"}]}``;
    TDS01 is the total with two implied decimals."""
    body = [
        [
            "BIG",
            x12_date(invoice["date"]),
            invoice["invoice_number"],
            x12_date(invoice["order_date"]),
            invoice["po_number"],
        ]
    ]
    if invoice.get("shipment_id"):
        body.append(["REF", "BM", invoice["shipment_id"]])
    if invoice.get("remit_to"):
        body += party("RE", invoice["remit_to"])
    total = Decimal(0)
    for line in invoice["lines"]:
        body.append(
            [
                "IT1",
                line["line"],
                quantity(line["quantity"]),
                line.get("uom", "EA"),
                money(line["unit_price"]),
                "PE",
                *product_pairs(line["product_ids"]),
            ]
        )
        total += Decimal(str(line["quantity"])) * Decimal(str(line["unit_price"]))
    body.append(["TDS", implied(total)])
    body.append(["CTT", str(len(invoice["lines"]))])
    return body


# --- reading our files ------------------------------------------------------------------


def _pairs(segment, first):
    """``{qualifier: value}`` of the id pairs from element ``first`` on."""
    ids = {}
    number = first
    while number < len(segment) + 1:
        qualifier, value = segment.get(number), segment.get(number + 1)
        if qualifier:
            ids[qualifier] = value
        number += 2
    return ids


def _line(segment):
    """PO1 / IT1: line, quantity, unit, price, product ids."""
    return {
        "line": segment.get(1),
        "quantity": segment.get(2),
        "uom": segment.get(3),
        "unit_price": segment.get(4),
        "product_ids": _pairs(segment, 6),
    }


def _party(segment):
    out = {"role": segment.get(1), "name": segment.get(2)}
    if segment.get(3):
        out["identifiers"] = {segment.get(3): segment.get(4)}
    return out


def read_850(segments):
    doc = {"type": "850", "lines": [], "parties": {}}
    for segment in segments:
        tag = segment.tag
        if tag == "BEG":
            doc.update(purpose=segment.get(1), po_type=segment.get(2), po_number=segment.get(3))
            doc["order_date"] = iso_date(segment.get(5))
        elif tag == "CUR":
            doc["currency"] = segment.get(2)
        elif tag == "DTM" and segment.get(1) in ("002", "010"):
            doc["delivery_requested"] = iso_date(segment.get(2))
        elif tag == "N1":
            doc["parties"][segment.get(1)] = _party(segment)
        elif tag == "PO1":
            doc["lines"].append(_line(segment))
        elif tag == "PID" and doc["lines"]:
            doc["lines"][-1]["description"] = segment.get(5)
    doc["ship_to"] = doc["parties"].get("ST")
    return doc


def read_855(segments):
    doc = {"type": "855", "lines": []}
    for segment in segments:
        tag = segment.tag
        if tag == "BAK":
            doc.update(purpose=segment.get(1), ack_type=segment.get(2), po_number=segment.get(3))
            doc["order_date"] = iso_date(segment.get(4))
            doc["reference"] = segment.get(8)
        elif tag == "PO1":
            doc["lines"].append(dict(_line(segment), acks=[]))
        elif tag == "ACK" and doc["lines"]:
            line = doc["lines"][-1]
            line["acks"].append(
                {
                    "status": segment.get(1),
                    "quantity": segment.get(2),
                    "uom": segment.get(3),
                    "date": iso_date(segment.get(5)),
                }
            )
            line.setdefault("status", segment.get(1))
    return doc


def read_856(segments):
    doc = {"type": "856", "hierarchy": [], "orders": []}
    levels = {}
    current = None
    for segment in segments:
        tag = segment.tag
        if tag == "BSN":
            doc.update(shipment_id=segment.get(2), date=iso_date(segment.get(3)), structure=segment.get(5))
        elif tag == "HL":
            current = {"level": segment.get(3), "hl_id": segment.get(1), "children": []}
            levels[segment.get(1)] = current
            parent = levels.get(segment.get(2))
            (parent["children"] if parent else doc["hierarchy"]).append(current)
        elif current is None:
            continue
        elif tag == "PRF":
            current["po_number"] = segment.get(1)
            doc["orders"].append(segment.get(1))
        elif tag == "MAN" and segment.get(1) == "GM":
            mark = segment.get(2)
            current["sscc"] = mark[2:] if len(mark) == 20 and mark.startswith("00") else mark
        elif tag == "LIN":
            ids = _pairs(segment, 2)
            if "LT" in ids:
                current["lot"] = ids.pop("LT")
            current["product_ids"] = ids
        elif tag == "SN1":
            current.update(quantity=segment.get(2), uom=segment.get(3))
        elif tag == "REF" and segment.get(1) == "BM":
            current["bill_of_lading"] = segment.get(2)
    doc["ssccs"] = [n["sscc"] for n in _walk(doc["hierarchy"]) if n.get("sscc")]
    return doc


def _walk(nodes):
    for node in nodes:
        yield node
        yield from _walk(node["children"])


def read_810(segments):
    doc = {"type": "810", "lines": []}
    for segment in segments:
        tag = segment.tag
        if tag == "BIG":
            doc.update(date=iso_date(segment.get(1)), invoice_number=segment.get(2), po_number=segment.get(4))
            doc["order_date"] = iso_date(segment.get(3))
        elif tag == "IT1":
            doc["lines"].append(_line(segment))
        elif tag == "TDS":
            raw = segment.get(1)
            doc["total_raw"] = raw
            doc["total"] = str(Decimal(raw or "0").scaleb(-2)) if raw.lstrip("-").isdigit() else raw
    return doc


def read_997(segments):
    doc = {"type": "997", "groups": []}
    group = None
    for segment in segments:
        tag = segment.tag
        if tag == "AK1":
            group = {"functional_id": segment.get(1), "control_number": segment.get(2), "sets": []}
            doc["groups"].append(group)
        elif tag == "AK2" and group is not None:
            group["sets"].append({"type": segment.get(1), "control_number": segment.get(2)})
        elif tag == "AK5" and group and group["sets"]:
            group["sets"][-1]["code"] = segment.get(1)
        elif tag == "AK9" and group is not None:
            group.update(code=segment.get(1), accepted=segment.get(4))
    return doc


def read_860(segments):
    doc = {"type": "860", "lines": []}
    for segment in segments:
        if segment.tag == "BCH":
            doc.update(purpose=segment.get(1), po_number=segment.get(3), order_date=iso_date(segment.get(6)))
        elif segment.tag == "POC":
            doc["lines"].append(
                {
                    "line": segment.get(1),
                    "change": segment.get(2),
                    "quantity": segment.get(3),
                    "product_ids": _pairs(segment, 8),
                }
            )
    return doc


READERS = {
    "850": read_850,
    "855": read_855,
    "856": read_856,
    "810": read_810,
    "997": read_997,
    "860": read_860,
}


def read_set(transaction):
    """The typed dict of one set of the codec's tree (``{"type": ...}`` only
    for a set the partner does not read)."""
    reader = READERS.get(transaction.type)
    doc = reader(transaction.body) if reader else {"type": transaction.type}
    doc["control_number"] = transaction.control_number
    return doc
