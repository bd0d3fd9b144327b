"""The 3PL (warehouse) transaction sets, X12 004010/005010: read and build.

================  =========================================  ==========  ==============  =========
set               what it says                               beginning   line            totals
================  =========================================  ==========  ==============  =========
940 (OW)          ship this order (depositor -> warehouse)   W05         LX + W01        W76
945 (SW)          this order shipped (warehouse -> depositor) W06         LX + W12        W03
943 (AR)          stock on its way to you (transfer shipped) W06         W04             W03
944 (RE)          stock received (warehouse -> depositor)    W17         W07             W14
846 (IB)          inventory on hand/available                BIA         LIN + QTY/SDQ   CTT
947 (AW)          inventory adjusted                         W15         (LX +) W19      -
================  =========================================  ==========  ==============  =========

Each set is described by data: the element layout of its segments
(:class:`SegmentMap`, element numbers and names from the 004010 standard)
and where they stand (:class:`SetSpec`); one reader and one builder serve
them all. A document (the conventions of every typed document are in
``README.md``: ISO dates, ``ship_to``/``parties[role]``...)::

    {"depositor_order_number": "SO-1", "po_number": "PO-7", ...,   # the beginning segment
     "ship_to": {...}, "parties": {"WH": {...}},                    # N1 loops
     "references": {"CO": "CUST-PO-7"},                             # N9 (846: REF)
     "dates": {"10": "2024-01-16"},                                 # G62 by date qualifier (846: DTM)
     "notes": [{"reference": "WHI", "text": "..."}],                # NTE
     "carrier": {...},                                              # W66 / W27
     "lines": [{"line": "1", "quantity": "12", "uom": "EA", "upc": "...",
                "product_ids": {"VN": "A-1"}, "lot": "L1", ...}],
     "totals": {"quantity": "12", ...}}                             # W76 / W03 / W14

Lines of the sets that group them under LX (940, 945, 947) carry the LX
number as ``line``; what the LX loop itself says before its first line (the
945's carton MAN with its SSCC) is the line's ``pack``; consecutive lines
with the same ``line`` and ``pack`` are written back under one LX.
Quantities are decimal strings as written; a 945 line gives ordered,
shipped and difference (W1202-W1204) and its status (W1201: CC shipment
complete, CP partial, ...); an 846 item its quantities by qualifier (QTY01:
17 quantity on hand, 33 quantity available for sale, ...); a 947 line its
adjustment reason (W1901) and signed quantity (W1902).
"""

from dataclasses import dataclass, field

from .. import sscc as gs1
from . import builder, reader
from .common import x12_party, x12_set
from .logistics_common import (
    DocumentError,
    build_dtms,
    build_g62,
    build_references,
    compact,
    decimal_text,
    decimal_value,
    error,
    iso_datetime,
    obj,
    objects,
    parties_of,
    place_party,
    raw_segment,
    raw_segments,
    read_dtm_into,
    read_g62,
    read_references,
    read_x12_party,
    require,
    seg,
    text,
    value,
    where,
    x12_date_time,
)

__all__ = ["DocumentError", "SETS", "build", "read"]

DECIMAL = "decimal"
DATE = "date"  # an X12 date (CCYYMMDD) read as ISO
DATETIME = "datetime"  # a date element and, fourth in the field, its time element: one ISO value


@dataclass(frozen=True)
class SegmentMap:
    """The elements of one segment and the document keys they go to.

    ``fields``: ``(element number, key)`` or ``(number, key, "decimal")``;
    ``ids``: ``{key: (qualifier element numbers...)}`` for product
    identifier pairs (qualifier, then value in the next element);
    ``required``: keys a builder insists on."""

    tag: str
    fields: tuple
    ids: dict = field(default_factory=dict)
    required: tuple = ()

    def read(self, segment, index):
        out = {}
        for spec in self.fields:
            number, key, kind = spec[0], spec[1], spec[2] if len(spec) > 2 else None
            if kind == DECIMAL:
                out[key] = decimal_value(segment, number, index=index)
            elif kind in (DATE, DATETIME):
                clock = value(segment, spec[3]) if kind == DATETIME else ""
                out[key] = iso_datetime(value(segment, number), clock, segment, number)
            else:
                out[key] = value(segment, number)
        for key, numbers in self.ids.items():
            pairs = {}
            for number in numbers:
                qualifier, ident = value(segment, number), value(segment, number + 1)
                if qualifier or ident:
                    pairs[qualifier] = ident
            out[key] = pairs
        # elements this layout does not name (a later version's additions) are kept by reference
        known = {spec[0] for spec in self.fields} | {spec[3] for spec in self.fields if len(spec) > 3}
        known |= {n + d for ns in self.ids.values() for n in ns for d in (0, 1)}
        out["extra_elements"] = {
            segment.ref(number): value(segment, number)
            for number in range(1, len(segment) + 1)
            if number not in known and value(segment, number)
        }
        return compact(out)

    def build(self, data, path):
        if not isinstance(data, dict):
            raise error(path or "(document)", f"expected an object, got {data!r}.")
        for key in self.required:
            require(data, key, path)
        values = {}
        for spec in self.fields:
            number, key, kind = spec[0], spec[1], spec[2] if len(spec) > 2 else None
            if kind == DECIMAL:
                values[number] = decimal_text(data.get(key), f"{path}.{key}", key in self.required)
            elif kind in (DATE, DATETIME):
                where_ = f"{path}.{key}" if path else key
                if key in self.required:
                    require(data, key, path)
                day, clock = x12_date_time(data.get(key), where_)
                values[number] = day
                if kind == DATETIME:
                    values[spec[3]] = clock
                elif clock:
                    raise error(where_, f"{self.tag} has no time for it: give a date only.")
            else:
                found = data.get(key)
                if isinstance(found, dict | list | float):
                    raise error(f"{path}.{key}", f"{found!r}: a string is expected")
                values[number] = "" if found is None else str(found)
        for key, numbers in self.ids.items():
            pairs = data.get(key) or {}
            if not isinstance(pairs, dict):
                raise error(f"{path}.{key}", "an object {qualifier: value}")
            if len(pairs) > len(numbers):
                raise error(f"{path}.{key}", f"at most {len(numbers)} identifiers fit {self.tag}")
            for number, (qualifier, ident) in zip(numbers, pairs.items(), strict=False):
                if not qualifier or ident in (None, ""):
                    raise error(f"{path}.{key}.{qualifier or '?'}", "a qualifier and a value")
                values[number], values[number + 1] = str(qualifier), str(ident)
        for ref, extra in obj(data.get("extra_elements"), f"{path}.extra_elements").items():
            number = ref[len(self.tag) :] if str(ref).startswith(self.tag) else ""
            if not number.isdigit() or int(number) in values and values[int(number)]:
                raise error(f"{path}.extra_elements.{ref}", f"not a free element of {self.tag}")
            values[int(number)] = str(extra)
        width = max(values) if values else 0
        return seg(self.tag, *[values.get(n, "") for n in range(1, width + 1)])


def _product_ids(*numbers):
    return {"product_ids": numbers}


# --- segment layouts (004010) -------------------------------------------------------

W05 = SegmentMap(
    "W05",
    ((1, "order_status"), (2, "depositor_order_number"), (3, "po_number"), (4, "link_sequence"))
    + ((5, "master_reference"), (6, "transaction_type"), (7, "action"), (8, "po_type")),
    required=("order_status", "depositor_order_number"),
)
W06 = SegmentMap(
    "W06",
    ((1, "reporting_code"), (2, "depositor_order_number"), (3, "shipment_date", DATE), (4, "shipment_id"))
    + ((5, "agent_shipment_id"), (6, "po_number"), (7, "master_reference"), (8, "link_sequence"))
    + ((9, "special_handling"), (10, "date_change_reason"), (11, "transaction_type"), (12, "action")),
    required=("reporting_code",),
)
W17 = SegmentMap(
    "W17",
    ((1, "reporting_code"), (2, "receipt_date", DATETIME, 7), (3, "receipt_number"))
    + ((4, "depositor_order_number"),)
    + ((5, "shipment_id"), (6, "time_qualifier"), (8, "master_reference"))
    + ((9, "link_sequence"),),
    required=("reporting_code", "receipt_date", "receipt_number"),
)
W15 = SegmentMap(
    "W15",
    ((1, "adjustment_date", DATE), (2, "adjustment_number"), (3, "previous_adjustment_number"))
    + ((4, "purpose"), (5, "transaction_type"), (6, "action")),
    required=("adjustment_date",),
)
BIA = SegmentMap(
    "BIA",
    (
        (1, "purpose"),
        (2, "report_type"),
        (3, "report_id"),
        (4, "report_date", DATETIME, 5),
        (6, "action"),
    ),
    required=("purpose", "report_type", "report_id", "report_date"),
)
W66 = SegmentMap(
    "W66",
    ((1, "payment_method"), (2, "transport_method"), (3, "pallet_exchange"), (4, "unit_load_option"))
    + ((5, "routing"), (6, "fob_point_code"), (7, "fob_point"), (8, "cod_method"), (9, "cod_amount", DECIMAL))
    + ((10, "scac"),),
    required=("payment_method", "transport_method"),
)
W27 = SegmentMap(
    "W27",
    ((1, "transport_method"), (2, "scac"), (3, "routing"), (4, "payment_method"), (5, "equipment_code"))
    + ((6, "equipment_initial"), (7, "equipment_number"), (8, "status"), (9, "special_handling"))
    + ((10, "route_change_reason"),),
    required=("transport_method",),
)
W01 = SegmentMap(
    "W01",
    ((1, "quantity", DECIMAL), (2, "uom"), (3, "upc"), (8, "freight_class"), (9, "rate_class"))
    + ((10, "commodity_qualifier"), (11, "commodity"), (12, "pallet_block_tiers"), (13, "lot"))
    + ((14, "condition"), (17, "special_services")),
    ids=_product_ids(4, 6, 15),
    required=("quantity", "uom"),
)
W12 = SegmentMap(
    "W12",
    ((1, "status"), (2, "quantity_ordered", DECIMAL), (3, "quantity_shipped", DECIMAL))
    + ((4, "quantity_difference", DECIMAL), (5, "uom"), (6, "upc"), (9, "lot"))
    + ((10, "weight", DECIMAL), (11, "weight_qualifier"), (12, "weight_uom"))
    + ((13, "weight_2", DECIMAL), (14, "weight_2_qualifier"), (15, "weight_2_uom"))
    + ((16, "original_upc"), (19, "change_reason"), (20, "adjustment_code")),
    ids={"product_ids": (7, 21), "original_product_ids": (17,)},
    required=("status",),
)
W04 = SegmentMap(
    "W04",
    ((1, "quantity", DECIMAL), (2, "uom"), (3, "upc"), (8, "freight_class"), (9, "rate_class"))
    + ((10, "commodity_qualifier"), (11, "commodity"), (12, "pallet_block_tiers"), (13, "hold_code")),
    ids=_product_ids(4, 6, 14),
    required=("quantity", "uom"),
)
W07 = SegmentMap(
    "W07",
    ((1, "quantity_received", DECIMAL), (2, "uom"), (3, "upc"), (8, "lot"), (9, "adjustment_code")),
    ids=_product_ids(4, 6, 10),
    required=("quantity_received", "uom"),
)
W19 = SegmentMap(
    "W19",
    ((1, "reason"), (2, "quantity", DECIMAL), (3, "uom"), (4, "upc"), (9, "lot"))
    + ((10, "weight", DECIMAL), (11, "weight_qualifier"), (12, "weight_uom"))
    + ((13, "weight_2", DECIMAL), (14, "weight_2_qualifier"), (15, "weight_2_uom"))
    + ((16, "inventory_transaction_type"),),
    ids=_product_ids(5, 7, 17),
    required=("reason", "quantity", "uom"),
)
LIN = SegmentMap("LIN", ((1, "line"),), ids=_product_ids(*range(2, 32, 2)), required=("product_ids",))
W76 = SegmentMap(
    "W76",
    ((1, "quantity", DECIMAL), (2, "weight", DECIMAL), (3, "weight_uom"), (4, "volume", DECIMAL))
    + ((5, "volume_uom"), (6, "sizing_factor")),
    required=("quantity",),
)
W03 = SegmentMap(
    "W03",
    ((1, "quantity", DECIMAL), (2, "weight", DECIMAL), (3, "weight_uom"), (4, "volume", DECIMAL))
    + ((5, "volume_uom"), (6, "lading_quantity", DECIMAL), (7, "lading_uom")),
    required=("quantity",),
)
W14 = SegmentMap(
    "W14",
    ((1, "quantity_received", DECIMAL), (2, "quantity_shipped", DECIMAL), (3, "quantity_damaged", DECIMAL))
    + ((4, "lading_quantity_received", DECIMAL), (5, "lading_quantity", DECIMAL)),
    required=("quantity_received",),
)


@dataclass(frozen=True)
class SetSpec:
    """Where things stand in one warehouse transaction set."""

    set_type: str
    beginning: SegmentMap
    line: SegmentMap
    carrier: SegmentMap = None
    totals: SegmentMap = None
    uses_lx: bool = False  # lines grouped under LX (its number is the line's "line")
    lx_required: bool = True  # False: an LX only where a line has a "line" number (947)
    date_tag: str = "G62"  # the heading's and lines' date segment
    line_count: bool = False  # CTT01 = number of lines (846)
    parties_first: bool = True  # the N1 loops come before N9/G62 (warehouse sets); after REF/DTM (846)


SETS = {
    "940": SetSpec("940", W05, W01, carrier=W66, totals=W76, uses_lx=True),
    "945": SetSpec("945", W06, W12, carrier=W27, totals=W03, uses_lx=True),
    "943": SetSpec("943", W06, W04, carrier=W27, totals=W03),
    "944": SetSpec("944", W17, W07, totals=W14, uses_lx=True),  # W07 loops sit in LX loops
    "846": SetSpec("846", BIA, LIN, date_tag="DTM", line_count=True, parties_first=False),
    "947": SetSpec("947", W15, W19, uses_lx=True, lx_required=False),
}

# --- reading -------------------------------------------------------------------------


def read(transaction, set_type=None):
    """The document of a warehouse transaction set (940, 945, 943, 944, 846, 947)."""
    spec = _spec(set_type or transaction.type)
    segments = transaction.segments
    index = 1 if segments and segments[0].tag == "ST" else 0
    if index >= len(segments) or segments[index].tag != spec.beginning.tag:
        found = segments[index].tag if index < len(segments) else "nothing"
        raise error(f"{spec.set_type}", f"{spec.beginning.tag} expected after ST, found {found}")
    doc = spec.beginning.read(segments[index], index)
    index = _read_heading(spec, segments, index + 1, doc)
    lines, index = _read_detail(spec, segments, index)
    doc["lines"] = lines
    others = []
    for offset in range(index, len(segments)):
        segment = segments[offset]
        if spec.totals is not None and segment.tag == spec.totals.tag and "totals" not in doc:
            doc["totals"] = spec.totals.read(segment, offset)
        elif segment.tag in ("SE", "CTT"):
            continue
        else:
            others.append(raw_segment(segment))
    doc["summary_segments"] = others
    return compact(doc)


def _ref_tag(spec):
    """The reference segment of the set: N9 in the warehouse sets, REF in the 846."""
    return "REF" if spec.set_type == "846" else "N9"


def _spec(set_type):
    try:
        return SETS[str(set_type)]
    except KeyError:
        raise error("set_type", f"{set_type!r}: one of {', '.join(SETS)}") from None


def _is_detail(spec, tag):
    return tag == spec.line.tag or (spec.uses_lx and tag == "LX")


def _read_heading(spec, segments, index, doc):
    refs, dates, notes, others = {}, {}, [], []
    while index < len(segments):
        segment = segments[index]
        tag = segment.tag
        if _is_detail(spec, tag) or tag == "SE" or (spec.totals and tag == spec.totals.tag):
            break
        if tag == "N1":
            role, party, index = read_x12_party(segments, index)
            place_party(doc, "X12", role, party)
            continue
        if tag == _ref_tag(spec):
            read_references(segment, refs, others)
        elif tag == spec.date_tag:
            _read_date(spec, segment, dates, others)
        elif tag == "NTE" and len(segment) <= 2:
            notes.append(compact({"reference": value(segment, 1), "text": value(segment, 2)}))
        elif spec.carrier is not None and tag == spec.carrier.tag and "carrier" not in doc:
            doc["carrier"] = spec.carrier.read(segment, index)
        else:
            others.append(raw_segment(segment))
        index += 1
    doc.update({"references": refs, "dates": dates, "notes": notes, "other_segments": others})
    return index


def _read_date(spec, segment, dates, others):
    if spec.date_tag == "G62":
        read_g62(segment, dates, others)
    else:
        read_dtm_into(segment, dates, others)


def _read_detail(spec, segments, index):
    lines = []
    pack = None  # the current LX group: {"line": "1", "pack": {...}}
    line = None
    while index < len(segments):
        segment = segments[index]
        tag = segment.tag
        if tag in ("SE", "CTT") or (spec.totals is not None and tag == spec.totals.tag):
            break
        if spec.uses_lx and tag == "LX":
            pack = {"line": value(segment, 1), "pack": {}}
            line = None
        elif tag == spec.line.tag:
            line = spec.line.read(segment, index)
            if pack is not None:
                line = compact({"line": pack["line"], **line, "pack": pack["pack"]})
            lines.append(line)
        elif line is None and pack is not None:
            _read_pack_segment(pack["pack"], segment, index)
        elif line is None:  # pragma: no cover - the heading stops at the first detail tag
            raise error(where(segment, index=index), "before the first line")
        else:
            _read_line_segment(spec, line, segment, index)
        index += 1
    return [_finish_line(line) for line in lines], index


def _read_pack_segment(pack, segment, index):
    """A segment of an LX loop before its first line (the 945's carton marks)."""
    if segment.tag == "MAN" and value(segment, 1) == "GM" and "sscc" not in pack and len(segment) == 2:
        try:
            pack["sscc"] = gs1.validate_sscc(value(segment, 2))
        except gs1.InvalidKey as exc:
            raise error(where(segment, 2, index), str(exc)) from None
        if len(gs1.normalize_sscc(value(segment, 2))) == len(value(segment, 2)):
            pack["sscc_with_ai"] = False
    elif segment.tag == "MAN":
        pack.setdefault("marks", []).append(
            compact(
                {"qualifier": value(segment, 1), "value": value(segment, 2), "value_end": value(segment, 3)}
            )
        )
        if len(segment) > 3:
            pack["marks"].pop()
            pack.setdefault("other_segments", []).append(raw_segment(segment))
    else:
        pack.setdefault("other_segments", []).append(raw_segment(segment))


def _read_line_segment(spec, line, segment, index):
    tag = segment.tag
    if tag == _ref_tag(spec):
        read_references(segment, line.setdefault("references", {}), line.setdefault("other_segments", []))
    elif tag == spec.date_tag:
        _read_date(spec, segment, line.setdefault("dates", {}), line.setdefault("other_segments", []))
    elif tag == "G69" and "description" not in line and len(segment) == 1:
        line["description"] = value(segment, 1)
    elif tag == "PID" and "description" not in line and value(segment, 1) == "F" and len(segment) == 5:
        line["description"] = value(segment, 5)
    elif tag == "QTY" and spec.set_type == "846" and _plain_qty(line, segment):
        line.setdefault("quantities", {})[value(segment, 1)] = decimal_value(segment, 2, index=index)
        if value(segment, 3):
            line["uom"] = value(segment, 3)
    elif tag == "SDQ" and spec.set_type == "846":
        line.setdefault("destinations", []).append(_read_sdq(segment, index))
    else:
        line.setdefault("other_segments", []).append(raw_segment(segment))


def _plain_qty(line, segment):
    """Whether a QTY reads as ``quantities[QTY01] = QTY02`` with the line's
    ``uom`` (QTY03): one per qualifier, all in the same unit as the first;
    another QTY stays in ``other_segments``."""
    qualifier, uom = value(segment, 1), value(segment, 3)
    if not qualifier or not value(segment, 2) or len(segment) > 3 or len(segment.components(3)) > 1:
        return False
    if "quantities" not in line:
        return True
    return qualifier not in line["quantities"] and uom == line.get("uom", "")


def _finish_line(line):
    for key in ("references", "dates", "other_segments"):
        if key in line and not line[key]:
            del line[key]
    if "pack" in line:
        line["pack"] = dict(line["pack"])
        if not line["pack"]:
            del line["pack"]
    return line


def _read_sdq(segment, index):
    """SDQ: quantities per destination: ``{"uom": "EA", "id_qualifier": "92",
    "locations": [{"location": "001", "quantity": "5"}, ...]}``."""
    quantities = []
    for number in range(3, 23, 2):
        location, quantity = value(segment, number), decimal_value(segment, number + 1, index=index)
        if location or quantity:
            quantities.append(compact({"location": location, "quantity": quantity}))
    return compact(
        {
            "uom": value(segment, 1),
            "id_qualifier": value(segment, 2),
            "locations": quantities,
            "location_identifier": value(segment, 23),
        }
    )


# --- building ------------------------------------------------------------------------


def build(set_type, document, version="004010", control_number="0001"):
    """The transaction set ``set_type`` (940, 945, 943, 944, 846, 947) of ``document``."""
    spec = _spec(set_type)
    if not isinstance(document, dict):
        raise error("(document)", "a warehouse document is an object")
    body = [spec.beginning.build(document, "")]
    parties = []
    for role, party, path in parties_of(document, "X12"):
        parties += x12_party(role, party, path)
    if spec.parties_first:
        body += parties
    body += build_references(document.get("references") or {}, "references", _ref_tag(spec))
    body += _build_dates(spec, document.get("dates"), "dates", version)
    if not spec.parties_first:
        body += parties
    for i, note in enumerate(document.get("notes") or []):
        if not isinstance(note, dict) or not note.get("text"):
            raise error(f"notes[{i}].text", "missing (mandatory).")
        body.append(seg("NTE", note.get("reference"), note["text"]))
    if spec.carrier is not None and document.get("carrier"):
        body.append(spec.carrier.build(obj(document["carrier"], "carrier"), "carrier"))
    body += raw_segments(document.get("other_segments"), "other_segments")
    lines = require(document, "lines", "")
    if not isinstance(lines, list):
        raise error("lines", "a list of lines")
    body += _build_lines(spec, lines, version)
    if spec.totals is not None and document.get("totals"):
        body.append(spec.totals.build(obj(document["totals"], "totals"), "totals"))
    if spec.line_count:
        body.append(seg("CTT", str(len(lines))))
    body += raw_segments(document.get("summary_segments"), "summary_segments")
    return x12_set(spec.set_type, body, version, control_number)


def _build_lines(spec, lines, version):
    out = []
    previous = None  # (line number, pack) of the open LX loop
    for i, line in enumerate(lines):
        path = f"lines[{i}]"
        if not isinstance(line, dict):
            raise error(path, "a line is an object")
        if spec.uses_lx and (spec.lx_required or line.get("line")):
            number = str(line.get("line") or i + 1)
            pack = obj(line.get("pack"), f"{path}.pack")
            if previous != (number, pack):
                out.append(seg("LX", number))
                out += _build_pack(pack, f"{path}.pack")
                previous = (number, pack)
        elif line.get("pack"):
            raise error(f"{path}.pack", f"the {spec.set_type} has no LX loop to hold a pack")
        fields = dict(line)
        if spec.uses_lx:
            fields.pop("line", None)
        out.append(spec.line.build(fields, path))
        out += _build_line_extras(spec, line, path, version)
    return out


def _build_pack(pack, path):
    out = []
    if pack.get("sscc"):
        try:
            number = gs1.validate_sscc(pack["sscc"])
        except gs1.InvalidKey as exc:
            raise error(f"{path}.sscc", str(exc)) from None
        out.append(seg("MAN", "GM", number if pack.get("sscc_with_ai") is False else f"00{number}"))
    for where_, mark in objects(pack.get("marks"), f"{path}.marks"):
        if not mark.get("qualifier"):
            raise error(f"{where_}.qualifier", "missing (MAN01)")
        out.append(seg("MAN", mark["qualifier"], mark.get("value"), mark.get("value_end")))
    out += raw_segments(pack.get("other_segments"), f"{path}.other_segments")
    return out


def _build_line_extras(spec, line, path, version):
    out = []
    if line.get("description"):
        if spec.set_type == "846":
            out.append(seg("PID", "F", "", "", "", str(line["description"])))
        else:
            out.append(seg("G69", str(line["description"])))
    quantities = line.get("quantities") or {}
    if not isinstance(quantities, dict):
        raise error(
            f"{path}.quantities", "an object {QTY01 qualifier: quantity} (17 on hand, 33 available...)."
        )
    for qualifier, quantity in quantities.items():
        where_ = f"{path}.quantities.{qualifier}"
        out.append(seg("QTY", qualifier, decimal_text(quantity, where_), line.get("uom")))
    for where_, sdq in objects(line.get("destinations"), f"{path}.destinations"):
        out.append(_build_sdq(sdq, where_))
    out += build_references(line.get("references") or {}, f"{path}.references", _ref_tag(spec))
    out += _build_dates(spec, line.get("dates"), f"{path}.dates", version)
    out += raw_segments(line.get("other_segments"), f"{path}.other_segments")
    return out


def _build_dates(spec, dates, path, version):
    if spec.date_tag == "G62":
        return build_g62(dates or {}, path)
    return build_dtms(dates, path, version)


def _build_sdq(sdq, path):
    if not isinstance(sdq, dict):
        raise error(path, "an object with 'uom' and 'locations'")
    quantities = objects(require(sdq, "locations", path), f"{path}.locations")
    if len(quantities) > 10:
        raise error(f"{path}.locations", "at most 10 locations in one SDQ segment")
    values = []
    for where_, entry in quantities:
        values.append(text(entry, "location", where_) or require(entry, "location", where_))
        values.append(decimal_text(entry.get("quantity"), f"{where_}.quantity"))
    values += [""] * (20 - len(values))
    return seg(
        "SDQ", require(sdq, "uom", path), sdq.get("id_qualifier"), *values, sdq.get("location_identifier")
    )


# --- registry ------------------------------------------------------------------------


def _register(set_type):
    @reader("X12", set_type)
    def read_set(transaction):
        return read(transaction, set_type)

    @builder("X12", set_type)
    def build_set(document, version="004010", control_number="0001", **_options):
        return build(set_type, document, version, control_number)

    read_set.__name__, build_set.__name__ = f"read_{set_type}", f"build_{set_type}"
    read_set.__doc__ = f"The document of an X12 {set_type} transaction set."
    build_set.__doc__ = f"The X12 {set_type} transaction set of ``document``."
    return read_set, build_set


(read_940, build_940), (read_945, build_945), (read_943, build_943) = (
    _register(t) for t in ("940", "945", "943")
)
(read_944, build_944), (read_846, build_846), (read_947, build_947) = (
    _register(t) for t in ("944", "846", "947")
)
