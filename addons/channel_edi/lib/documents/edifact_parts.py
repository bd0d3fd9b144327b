"""Pieces EDIFACT ORDERS, ORDRSP, ORDCHG and INVOIC share: BGM, header
DTM/RFF/FTX/CUX, NAD groups, ALC groups (with MOA/PCD), TAX (with MOA),
the LIN group (PIA, IMD, QTY, PRI, MOA, DTM, RFF) and the summary (UNS, CNT,
MOA).

Numeric values are read with either decimal mark and kept as written with
"." (ISO 9735 lets a sender use "," whatever UNA3 says); builders write the
interchange's mark (``decimal=","``) back.
"""

from .common import (
    DocumentError,
    edifact_date,
    edifact_dtm,
    edifact_party,
    need,
    number,
    out_number,
    parties_of,
    place_party,
    put,
    read_edifact_party,
    required,
    seg,
    split_body,
    value,
)
from .common import (
    date_code as _date_code,
)
from .common import (
    date_name as _date_name,
)

GTIN_QUALIFIERS = ("EN", "SRV", "UP", "UK")  # the item number types LIN C212 carries in EANCOM


def date_name(code):
    return _date_name("EDIFACT", code)


def date_code(name, path):
    return _date_code("EDIFACT", name, path)


def split(segments):
    """(header, [LIN group, ...], summary) of a message body: the summary
    starts at UNS."""
    return split_body(segments, ("LIN",), ("UNS",))


def read_bgm(segment):
    """(document name code, document number, message function, response type):
    BGM C002 1001, C106 1004 (a simple 1004 before D.93A), 1225, 4343."""
    return value(segment, 1), value(segment, 2), value(segment, 3), value(segment, 4)


def bgm(code, number_, function, response_type=None):
    return seg("BGM", code, number_, function, response_type)


# --- header ------------------------------------------------------------------------


def read_header(document, segments, document_date="order_date", po_reference=None):
    """DTM (137 -> ``document_date``, others -> ``dates``), FTX notes, RFF
    references (``po_reference`` qualifier, e.g. "ON", -> ``po_number``), NAD
    groups, CUX currency, ALC groups and header TAX."""
    index = 0
    while index < len(segments):
        segment = segments[index]
        tag = segment.tag
        if tag == "NAD":
            role, party, index = read_edifact_party(segments, index)
            place_party(document, "EDIFACT", role, party)
            continue
        if tag == "ALC":
            item, index = read_alc(segments, index)
            document.setdefault("allowances_charges", []).append(item)
            continue
        if tag == "TAX":
            tax, index = read_tax(segments, index)
            document.setdefault("taxes", []).append(tax)
            continue
        if tag == "DTM":
            qualifier, found = edifact_date(segment)
            if qualifier == "137" and document_date not in document:
                document[document_date] = found
            else:
                document.setdefault("dates", {})[date_name(qualifier)] = found
        elif tag == "FTX":
            note = {
                "subject": value(segment, 1) or "",
                "text": " ".join(c for c in segment.components(4) if c),
            }
            document.setdefault("notes", []).append(note)
        elif tag == "RFF":
            qualifier, ref = segment.get(1, 1), segment.get(1, 2)
            if qualifier == po_reference and "po_number" not in document:
                document["po_number"] = ref
            else:
                document.setdefault("references", {})[qualifier] = ref
        elif tag == "CUX":
            put(document, "currency", value(segment, 1, 2))
        index += 1
    return document


def header(document, decimal, document_date="order_date", po_reference=None, taxes=True):
    """The header segments of ``document`` in the EANCOM order: DTM, FTX,
    RFF, NAD groups, CUX, ALC groups."""
    out = []
    if document.get(document_date):
        out.append(edifact_dtm("137", document[document_date], document_date))
    for name, found in (document.get("dates") or {}).items():
        out.append(edifact_dtm(date_code(name, f"dates.{name}"), found, f"dates.{name}"))
    for index, note in enumerate(document.get("notes") or []):
        if not isinstance(note, dict):
            raise DocumentError(f"notes[{index}]: expected {{subject, text}}.")
        out.append(
            seg("FTX", note.get("subject"), None, None, tuple(_chunks(note.get("text") or "", 512, 5)))
        )
    if po_reference and document.get("po_number"):
        out.append(seg("RFF", (po_reference, document["po_number"])))
    for qualifier, ref in (document.get("references") or {}).items():
        out.append(seg("RFF", (qualifier, ref)))
    for role, party, path in parties_of(document, "EDIFACT"):
        out.extend(edifact_party(role, party, path))
    if taxes:  # SG6 TAX before SG7 CUX; an INVOIC writes its tax totals in the summary
        for index, tax in enumerate(document.get("taxes") or []):
            out.extend(tax_segments(tax, f"taxes[{index}]", decimal))
    if document.get("currency"):
        out.append(seg("CUX", ("2", document["currency"], "9")))
    for index, item in enumerate(document.get("allowances_charges") or []):
        out.extend(alc(item, f"allowances_charges[{index}]", decimal))
    return out


def _chunks(text, size, most):
    parts = [text[i : i + size] for i in range(0, len(text), size)] or [""]
    return parts[:most]


# --- ALC, TAX, MOA -----------------------------------------------------------------


def read_alc(segments, start):
    """An ALC group: ALC 5463 indicator (A/C), C552 1230 reference, 4471
    settlement, 1227 sequence, C214 7161 code and description; then MOA
    (amount), PCD (percent), QTY. Returns (item, next index)."""
    segment = segments[start]
    item = {"indicator": required(segment, 1, what="allowance or charge qualifier")}
    put(item, "reference", value(segment, 2))
    put(item, "settlement", value(segment, 3))
    put(item, "sequence", value(segment, 4))
    put(item, "code", value(segment, 5))
    put(item, "description", value(segment, 5, 4))
    index = start + 1
    while index < len(segments) and segments[index].tag in ("MOA", "PCD", "QTY", "RNG", "ALI"):
        each = segments[index]
        if each.tag == "MOA":
            qualifier = each.get(1, 1)
            found = number(value(each, 1, 2), each, 1)
            if qualifier in ("8", "23", "204") and "amount" not in item:
                item["amount"] = found
                if qualifier != "8":
                    item["amount_qualifier"] = qualifier
            else:
                item.setdefault("amounts", {})[qualifier] = found
        elif each.tag == "PCD":
            put(item, "percent", number(value(each, 1, 2), each, 1))
            put(item, "percent_basis", value(each, 1, 1))
        elif each.tag == "QTY":
            put(item, "quantity", number(value(each, 1, 2), each, 1))
        index += 1
    return item, index


def alc(item, path, decimal):
    indicator = need(item, "indicator", path)
    if indicator not in ("A", "C"):
        raise DocumentError(f"{path}.indicator: {indicator!r} is not A (allowance) or C (charge).")
    out = [
        seg(
            "ALC",
            indicator,
            item.get("reference"),
            item.get("settlement"),
            item.get("sequence"),
            (item.get("code"), None, None, item.get("description"))
            if item.get("code") or item.get("description")
            else None,
        )
    ]
    if item.get("quantity") is not None:
        out.append(seg("QTY", ("1", out_number(item["quantity"], f"{path}.quantity", decimal))))
    if item.get("percent") is not None:
        out.append(
            seg(
                "PCD",
                (item.get("percent_basis") or "3", out_number(item["percent"], f"{path}.percent", decimal)),
            )
        )
    if item.get("amount") is not None:
        qualifier = item.get("amount_qualifier") or "8"
        out.append(seg("MOA", (qualifier, out_number(item["amount"], f"{path}.amount", decimal))))
    for qualifier, found in (item.get("amounts") or {}).items():
        out.append(seg("MOA", (qualifier, out_number(found, f"{path}.amounts.{qualifier}", decimal))))
    return out


def read_tax(segments, start):
    """A TAX group: TAX 5283 function (7 tax), C241 5153 type (VAT), C533
    account, 5286 basis, C243 5278 rate (4th component), 5305 category;
    then MOA (124 tax amount, 125 taxable amount...)."""
    segment = segments[start]
    tax = {}
    put(tax, "function", value(segment, 1))
    put(tax, "type", value(segment, 2))
    put(tax, "rate", number(value(segment, 5, 4), segment, 5))
    put(tax, "category", value(segment, 6))
    index = start + 1
    while index < len(segments) and segments[index].tag == "MOA":
        each = segments[index]
        tax.setdefault("amounts", {})[each.get(1, 1)] = number(value(each, 1, 2), each, 1)
        index += 1
    return tax, index


def tax_segments(tax, path, decimal):
    rate = out_number(tax.get("rate"), f"{path}.rate", decimal)
    out = [
        seg(
            "TAX",
            tax.get("function") or "7",
            tax.get("type"),
            None,
            None,
            (None, None, None, rate) if rate is not None else None,
            tax.get("category"),
        )
    ]
    for qualifier, found in (tax.get("amounts") or {}).items():
        out.append(seg("MOA", (qualifier, out_number(found, f"{path}.amounts.{qualifier}", decimal))))
    return out


# --- lines -------------------------------------------------------------------------

PRIMARY_QUANTITY = {"ORDERS": ("21",), "ORDCHG": ("21",), "ORDRSP": ("21",), "INVOIC": ("47", "12")}


def read_line(segments, message_type):
    """A LIN group as a line: LIN 1082 line number, 1229 action, C212 item
    id (7140) and its type (7143); PIA ids; IMD free-text description; QTY
    (the primary qualifier -> quantity/uom, others -> quantities); PRI;
    MOA (amounts); DTM; RFF; ALC and TAX groups. An ORDRSP's schedules (the
    QTY/DTM pairs of SG51 SCC/SG52, and QTY 113/83 with the DTMs right after
    them) are read by the caller (returned as ``rest``)."""
    lin = segments[0]
    line = {}
    put(line, "line", value(lin, 1))
    put(line, "action", value(lin, 2))
    ids = {}
    if value(lin, 3):
        ids[lin.get(3, 2)] = lin.get(3, 1)
    primary = PRIMARY_QUANTITY.get(message_type, ("21",))
    rest = []
    scheduling = False
    index = 1
    while index < len(segments):
        segment = segments[index]
        tag = segment.tag
        if tag == "ALC":
            item, index = read_alc(segments, index)
            line.setdefault("allowances_charges", []).append(item)
            continue
        if tag == "TAX":
            tax, index = read_tax(segments, index)
            line.setdefault("taxes", []).append(tax)
            continue
        if tag == "PIA":
            for number_ in range(2, 7):
                if value(segment, number_):
                    ids[segment.get(number_, 2)] = segment.get(number_, 1)
        elif tag == "IMD":
            text = " ".join(c for c in segment.components(3)[3:5] if c)
            if text and "description" not in line:
                line["description"] = text
        elif tag == "SCC" and message_type == "ORDRSP":
            scheduling = True  # SG51 SCC: the QTY/DTM pairs after it are schedules
        elif tag == "QTY":
            qualifier = segment.get(1, 1)
            found = number(required(segment, 1, 2, "quantity"), segment, 1)
            if message_type == "ORDRSP" and (scheduling or qualifier in ("113", "83")):
                rest.append(segment)
            elif qualifier in primary and "quantity" not in line:
                line["quantity"] = found
                put(line, "uom", value(segment, 1, 3))
                if qualifier != primary[0]:
                    line["quantity_qualifier"] = qualifier
            else:
                line.setdefault("quantities", {})[qualifier] = found
        elif tag == "PRI":
            read_pri(line, segment)
        elif tag == "MOA":
            line.setdefault("amounts", {})[segment.get(1, 1)] = number(value(segment, 1, 2), segment, 1)
        elif tag == "DTM":
            if rest and segments[index - 1].tag in ("QTY", "DTM") and rest[-1] is segments[index - 1]:
                rest.append(segment)  # the date of a schedule's QTY
            else:
                qualifier, found = edifact_date(segment)
                line.setdefault("dates", {})[date_name(qualifier)] = found
        elif tag == "RFF":
            line.setdefault("references", {})[segment.get(1, 1)] = segment.get(1, 2)
        index += 1
    line["product_ids"] = ids
    return line, rest


def read_pri(line, segment):
    """PRI C509: 5125 price qualifier (AAA net, AAB gross, INV invoice
    price), 5118 price, 5375 price type, 5387 price type qualifier, 5284
    unit price basis, 6411 uom."""
    if "unit_price" in line:
        line.setdefault("other_prices", {})[segment.get(1, 1)] = number(value(segment, 1, 2), segment, 1)
        return
    put(line, "unit_price", number(value(segment, 1, 2), segment, 1))
    put(line, "price_qualifier", value(segment, 1, 1))
    details = {}
    put(details, "type", value(segment, 1, 3))
    put(details, "type_qualifier", value(segment, 1, 4))
    put(details, "basis_quantity", number(value(segment, 1, 5), segment, 1))
    put(details, "uom", value(segment, 1, 6))
    put(line, "price_details", details)


def line_segments(line, path, message_type, decimal, action=None):
    """LIN, PIA, IMD, QTY, DTM, MOA, PRI, RFF, ALC and TAX groups of a line
    (EANCOM order: LIN, PIA, IMD, QTY, DTM, MOA, PRI group, RFF group)."""
    ids = line.get("product_ids") or {}
    if not isinstance(ids, dict):
        raise DocumentError(f"{path}.product_ids: expected an object {{qualifier: id}}.")
    items = list(ids.items())
    main = next(((q, v) for q, v in items if q in GTIN_QUALIFIERS), None)
    others = [(q, v) for q, v in items if (q, v) != main]
    out = [seg("LIN", line.get("line"), action, (main[1], main[0]) if main else None)]
    for first in range(0, len(others), 5):
        chunk = [(v, q) for q, v in others[first : first + 5]]
        out.append(seg("PIA", "5" if not main and first == 0 else "1", *chunk))
    if line.get("description"):
        out.append(seg("IMD", "F", None, (None, None, None, line["description"][:256])))
    primary = PRIMARY_QUANTITY.get(message_type, ("21",))
    if line.get("quantity") is not None:
        qualifier = line.get("quantity_qualifier") or primary[0]
        out.append(
            seg(
                "QTY", (qualifier, out_number(line["quantity"], f"{path}.quantity", decimal), line.get("uom"))
            )
        )
    quantities = line.get("quantities") or {}
    if not isinstance(quantities, dict):
        raise DocumentError(f"{path}.quantities: expected an object {{qualifier: quantity}}.")
    for qualifier, found in quantities.items():
        out.append(seg("QTY", (qualifier, out_number(found, f"{path}.quantities.{qualifier}", decimal))))
    for name, found in (line.get("dates") or {}).items():
        out.append(edifact_dtm(date_code(name, f"{path}.dates.{name}"), found, f"{path}.dates.{name}"))
    for qualifier, found in (line.get("amounts") or {}).items():
        out.append(seg("MOA", (qualifier, out_number(found, f"{path}.amounts.{qualifier}", decimal))))
    if line.get("unit_price") is not None:
        details = line.get("price_details") or {}
        out.append(
            seg(
                "PRI",
                (
                    line.get("price_qualifier") or "AAA",
                    out_number(line["unit_price"], f"{path}.unit_price", decimal),
                    details.get("type"),
                    details.get("type_qualifier"),
                    out_number(
                        details.get("basis_quantity"), f"{path}.price_details.basis_quantity", decimal
                    ),
                    details.get("uom"),
                ),
            )
        )
    for qualifier, found in (line.get("other_prices") or {}).items():
        out.append(seg("PRI", (qualifier, out_number(found, f"{path}.other_prices.{qualifier}", decimal))))
    for qualifier, ref in (line.get("references") or {}).items():
        out.append(seg("RFF", (qualifier, ref)))
    for index, tax in enumerate(line.get("taxes") or []):
        out.extend(tax_segments(tax, f"{path}.taxes[{index}]", decimal))
    for index, item in enumerate(line.get("allowances_charges") or []):
        out.extend(alc(item, f"{path}.allowances_charges[{index}]", decimal))
    return out


# --- summary -----------------------------------------------------------------------


def read_summary(document, segments):
    """UNS, CNT (2: number of lines -> totals.line_count; others by
    qualifier), MOA (-> totals.amounts), ALC and TAX groups of the summary."""
    index = 0
    totals = {}
    while index < len(segments):
        segment = segments[index]
        if segment.tag == "ALC":
            item, index = read_alc(segments, index)
            document.setdefault("allowances_charges", []).append(item)
            continue
        if segment.tag == "TAX":
            tax, index = read_tax(segments, index)
            document.setdefault("taxes", []).append(tax)
            continue
        if segment.tag == "CNT":
            qualifier = segment.get(1, 1)
            found = number(value(segment, 1, 2), segment, 1)
            if qualifier == "2":
                totals["line_count"] = found
            else:
                totals.setdefault("counts", {})[qualifier] = found
        elif segment.tag == "MOA":
            totals.setdefault("amounts", {})[segment.get(1, 1)] = number(value(segment, 1, 2), segment, 1)
        index += 1
    put(document, "totals", totals)
    return document


def summary(document, decimal, summary_taxes=False):
    """UNS+S and the totals: ORDERS/ORDRSP/ORDCHG write MOA then CNT; an
    INVOIC (``summary_taxes``) writes CNT, MOA, then its TAX groups
    (INVOIC SG48/SG50). Allowances and charges are written in the heading
    (SG15 ALC with its PCD and MOA); a summary ALC (SG51) reads the same."""
    totals = document.get("totals") or {}
    counts = []
    if totals.get("line_count") is not None:
        counts.append(seg("CNT", ("2", totals["line_count"])))
    for qualifier, found in (totals.get("counts") or {}).items():
        counts.append(seg("CNT", (qualifier, found)))
    amounts = [
        seg("MOA", (qualifier, out_number(found, f"totals.amounts.{qualifier}", decimal)))
        for qualifier, found in (totals.get("amounts") or {}).items()
    ]
    if not summary_taxes:
        return [seg("UNS", "S"), *amounts, *counts]
    out = [seg("UNS", "S"), *counts, *amounts]
    for index, tax in enumerate(document.get("taxes") or []):
        out.extend(tax_segments(tax, f"taxes[{index}]", decimal))
    return out
