"""Ship notices: X12 856 (004010, 004010VICS, 005010) and EDIFACT DESADV (D96A EANCOM).

One document shape for both (the conventions of every typed document are
in ``README.md``; what the shipping and warehouse families add, kept
segments and references, in :mod:`.logistics_common`)::

    {
      "purpose": "00",                  # BSN01 / BGM03
      "shipment_id": "SHP-1",           # BSN02 / BGM02
      "shipment_date": "2024-01-15T10:30",  # BSN03 + BSN04 (DESADV: "document_date", DTM+137)
      "dates": {"shipped": "2024-01-15T10:00"},  # DTM 011 / DTM+11, "delivery_estimated" 017 / 17
      "structure_code": "0001",         # BSN05
      "hash_total": "30",               # CTT02 when the partner wants it (CTT01 is counted)
      "pattern": "S-O-T-P-I",           # the HL levels, outermost first
      "hierarchy": [                    # nested levels
        {"level": "S", "hl_id": "1", "parent_id": None,
         "carrier": {"id_qualifier": "2", "id": "UPSN", ...},  # TD5
         "bill_of_lading": "BOL1", "pro_number": "PRO9",       # REF BM, CN
         "ship_from": {...}, "ship_to": {...}, "parties": {"BY": {...}},
         "children": [
           {"level": "O", "hl_id": "2", "parent_id": "1", "po_number": "PO-7", "po_date": "2024-01-10",
            "children": [
              {"level": "T", "hl_id": "3", "parent_id": "2", "sscc": "106141411234567897",
               "children": [
                 {"level": "P", ..., "sscc": "...", "children": [
                   {"level": "I", ..., "line": "1", "product_ids": {"UP": "..."},
                    "quantity": "12", "uom": "EA", "lot": "L1", "expiry_date": "2025-01-01"}]}]}]}]}]
    }

HL levels (X12 element 735): S shipment, O order, T shipping tare (pallet),
P pack (carton), I item. The HL structure code (BSN05, element 1005) says
which order the levels nest in; the 004010 code list has:

- ``0001`` Shipment, Order, Packaging, Item: "pick and pack" S-O-T-P-I, S-O-P-I
  (packaging is tare and/or pack);
- ``0002`` Shipment, Order, Item, Packaging: S-O-I-P;
- ``0003`` Shipment, Packaging, Order, Item: S-T-O-I, S-P-O-I (mixed pallets
  of several orders, "standard carton pack" by pallet);
- ``0004`` Shipment, Order, Item: S-O-I (no packaging level).

:func:`build_856` numbers the HL segments itself (HL01 in depth-first order,
HL02 the parent's number, HL04 ``1`` when the level has children) and writes
CTT01 = the number of HL segments. Every SSCC is checked (length, digits,
check digit) before anything is built.

DESADV (EANCOM D96A): BGM+351, DTM 137 (document), 11 (despatch), 17
(estimated delivery), RFF+ON (the order), NAD parties, TDT carrier, then
the CPS hierarchy: ``CPS+1`` (the consignment) and ``CPS+n+parent`` for each
package, each with PAC (count and type), PCI+33E and GIN+BJ (the SSCC), and
the package's items as LIN (GTIN), PIA (other ids), QTY+12 (despatched
quantity) groups. Packages map to the same nested levels: the root CPS is
level S, a CPS holding other packages T, an innermost one P; items are I.
"""

from .. import sscc as gs1
from ..tree import Segment
from . import builder, reader, x12_parts
from .common import (
    date_code,
    date_name,
    edifact_date,
    edifact_dtm,
    edifact_party,
    edifact_set,
    x12_party,
    x12_set,
)
from .logistics_common import (
    DocumentError,
    build_dtms,
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
    read_edifact_party,
    read_references,
    read_x12_party,
    require,
    seg,
    segment_from_raw,
    text,
    texts,
    value,
    where,
    x12_date_time,
)

__all__ = ["DocumentError", "build_856", "build_desadv", "read_856", "read_desadv"]

LEVELS = ("S", "O", "T", "P", "I")  # shipment, order, tare (pallet), pack (carton), item

# HL patterns -> BSN05 hierarchical structure code (X12 element 1005)
STRUCTURE_CODES = {
    "S-O-T-P-I": "0001",
    "S-O-P-I": "0001",
    "S-O-T-I": "0001",
    "S-O-I-P": "0002",
    "S-T-O-I": "0003",
    "S-P-O-I": "0003",
    "S-T-P-O-I": "0003",
    "S-O-I": "0004",
}

# the SSCC in MAN02 (qualifier GM "SSCC-18 and Application Identifier") is
# written as AI 00 + the 18 digits unless the partner wants the bare number
MAN_SSCC = "GM"


# === X12 856: reading ==================================================================


@reader("X12", "856")
def read_856(transaction):
    """The ship notice document of an X12 856 transaction set."""
    segments = transaction.segments
    doc, index = _read_header(segments)
    nodes, roots = {}, []
    while index < len(segments) and segments[index].tag == "HL":
        node, index = _read_level(segments, index, nodes)
        parent = node["parent_id"]
        if parent is None:
            roots.append(node)
        else:
            nodes[parent].setdefault("children", []).append(node)
    summary = []
    for offset, segment in enumerate(segments[index:], index):
        if segment.tag == "CTT" and "hash_total" not in doc and len(segment) <= 2:
            doc["hash_total"] = decimal_value(segment, 2, index=offset)  # CTT01 is counted by the builder
            continue
        if segment.tag == "SE":
            continue
        if segment.tag == "HL":  # pragma: no cover - the loop above consumed them
            raise error(where(segment, index=offset), "HL after the summary")
        summary.append(raw_segment(segment))
    if not roots:
        raise error("856", "no HL segment: a ship notice needs at least the shipment level")
    pattern = derive_pattern(roots)
    doc.update(compact({"pattern": pattern, "hierarchy": roots, "summary_segments": summary}))
    if not doc.get("hash_total"):
        doc.pop("hash_total", None)
    return doc


def _read_header(segments):
    """BSN and the DTM/other segments before the first HL."""
    doc = {}
    dates, others = {}, []
    index = 0
    bsn = None
    while index < len(segments) and segments[index].tag != "HL":
        segment = segments[index]
        if segment.tag == "BSN" and bsn is None:
            bsn = segment
        elif segment.tag == "DTM":
            read_dtm_into(segment, dates, others)
        elif segment.tag not in ("ST", "SE"):
            others.append(raw_segment(segment))
        index += 1
    if bsn is None:
        raise error("856", "no BSN segment (beginning segment for ship notice).")
    for number in (1, 2):
        if not value(bsn, number):
            raise error(where(bsn, number, segments.index(bsn)), "missing (mandatory).")
    doc.update(
        compact(
            {
                "purpose": value(bsn, 1),
                "shipment_id": value(bsn, 2),
                "shipment_date": iso_datetime(value(bsn, 3), value(bsn, 4), bsn, 3),
                "structure_code": value(bsn, 5),
                "transaction_type": value(bsn, 6),
                "status_reason": value(bsn, 7),
                "dates": dates,
                "other_segments": others,
            }
        )
    )
    return doc, index


def _read_level(segments, index, nodes):
    """The HL at ``segments[index]`` and the segments of its level, up to
    the next HL or the summary."""
    hl = segments[index]
    hl_id, parent, level = value(hl, 1), value(hl, 2), value(hl, 3)
    if not hl_id:
        raise error(where(hl, 1, index), "missing (hierarchical ID number)")
    if hl_id in nodes:
        raise error(where(hl, 1, index), f"HL {hl_id} appears twice")
    if parent and parent not in nodes:
        raise error(where(hl, 2, index), f"parent HL {parent} is not an earlier HL")
    if not level:
        raise error(where(hl, 3, index), "missing (hierarchical level code)")
    node = {"level": level, "hl_id": hl_id, "parent_id": parent or None}
    nodes[hl_id] = node
    index += 1
    content = _LevelContent(node)
    while index < len(segments) and segments[index].tag not in ("HL", "CTT", "SE"):
        index = content.take(segments, index)
    node.update(content.result())
    return node, index


class _LevelContent:
    """Collects the segments of one HL level into its document keys."""

    def __init__(self, node):
        self.node = node
        self.data = {}
        self.references, self.dates = {}, {}
        self.marks, self.others, self.packaging = [], [], []

    def take(self, segments, index):
        segment = segments[index]
        if segment.tag == "N1":
            role, party, after = read_x12_party(segments, index)
            if role == "SF" and "ship_from" not in self.data:
                self.data["ship_from"] = party
            else:
                place_party(self.data, "X12", role, party)
            return after
        handler = getattr(self, f"_{segment.tag.lower()}", None)
        if handler is None:
            self.others.append(raw_segment(segment))
        else:
            handler(segment, index)
        return index + 1

    def _first(self, key, found, segment):
        if key in self.data:
            self.others.append(raw_segment(segment))
        else:
            self.data[key] = found

    def _lin(self, segment, index):
        if "product_ids" in self.data:
            self.others.append(raw_segment(segment))
            return
        self.data["line"] = value(segment, 1)
        self.data["product_ids"] = x12_parts.read_product_ids(segment, 2, 31)

    def _sn1(self, segment, index):
        found = {
            "sn1_id": value(segment, 1),
            "quantity": decimal_value(segment, 2, index=index),
            "uom": value(segment, 3),
            "quantity_shipped_to_date": decimal_value(segment, 4, index=index),
            "quantity_ordered": decimal_value(segment, 5, index=index),
            "ordered_uom": value(segment, 6),
            "returnable_container_code": value(segment, 7),
            "line_status": value(segment, 8),
        }
        if "quantity" in self.data:
            self.others.append(raw_segment(segment))
        else:
            self.data.update(found)

    def _prf(self, segment, index):
        found = {
            "po_number": value(segment, 1),
            "po_release": value(segment, 2),
            "po_change_sequence": value(segment, 3),
            "po_date": iso_datetime(value(segment, 4), "", segment, 4),
            "po_assigned_id": value(segment, 5),
            "contract_number": value(segment, 6),
            "po_type": value(segment, 7),
        }
        if "po_number" in self.data:
            self.others.append(raw_segment(segment))
        else:
            self.data.update(found)

    def _man(self, segment, index):
        pairs = [(value(segment, 1), value(segment, 2), value(segment, 3))]
        pairs.append((value(segment, 4), value(segment, 5), value(segment, 6)))
        for number, (qualifier, mark, mark_end) in zip((1, 4), pairs, strict=True):
            if not qualifier and not mark:
                continue
            if qualifier == MAN_SSCC and "sscc" not in self.data and not mark_end:
                try:
                    self.data["sscc"] = gs1.validate_sscc(mark)
                except gs1.InvalidKey as exc:
                    raise error(where(segment, number + 1, index), str(exc)) from None
                self.data["sscc_with_ai"] = len(gs1.normalize_sscc(mark)) != len(mark.replace(" ", ""))
            else:
                self.marks.append(compact({"qualifier": qualifier, "value": mark, "value_end": mark_end}))

    def _ref(self, segment, index):
        key = {"BM": "bill_of_lading", "CN": "pro_number", "LT": "lot"}.get(value(segment, 1))
        if key and key not in self.data and len(segment) == 2:
            self.data[key] = value(segment, 2)
        else:
            read_references(segment, self.references, self.others)

    def _dtm(self, segment, index):
        if value(segment, 1) == "036" and "expiry_date" not in self.data and len(segment) == 2:
            self.data["expiry_date"] = iso_datetime(value(segment, 2), "", segment, 2)
        else:
            read_dtm_into(segment, self.dates, self.others)

    def _td5(self, segment, index):
        carrier = {
            "routing_sequence": value(segment, 1),
            "id_qualifier": value(segment, 2),
            "id": value(segment, 3),
            "transport_method": value(segment, 4),
            "routing": value(segment, 5),
            "status": value(segment, 6),
            "location_qualifier": value(segment, 7),
            "location": value(segment, 8),
            "service_level": value(segment, 12),
        }
        if len(segment) > 12 or any(value(segment, n) for n in (9, 10, 11)):
            self.others.append(raw_segment(segment))
            return
        self._first("carrier", compact(carrier), segment)

    def _td1(self, segment, index):
        if len(segment) > 10:
            self.others.append(raw_segment(segment))
            return
        self.packaging.append(
            compact(
                {
                    "packaging_code": value(segment, 1),
                    "lading_quantity": decimal_value(segment, 2, index=index),
                    "commodity_qualifier": value(segment, 3),
                    "commodity": value(segment, 4),
                    "lading_description": value(segment, 5),
                    "weight_qualifier": value(segment, 6),
                    "weight": decimal_value(segment, 7, index=index),
                    "weight_uom": value(segment, 8),
                    "volume": decimal_value(segment, 9, index=index),
                    "volume_uom": value(segment, 10),
                }
            )
        )

    def _pid(self, segment, index):
        if value(segment, 1) == "F" and len(segment) == 5 and not any(value(segment, n) for n in (2, 3, 4)):
            self._first("description", value(segment, 5), segment)
        else:
            self.others.append(raw_segment(segment))

    def result(self):
        out = dict(self.data)
        if out.get("sscc_with_ai") is True:
            del out["sscc_with_ai"]  # the usual form: only the exception is noted
        out.update(
            {
                "packaging": self.packaging,
                "marks": self.marks,
                "references": self.references,
                "dates": self.dates,
                "other_segments": self.others,
            }
        )
        return compact(out)


def derive_pattern(roots):
    """The HL pattern (``"S-O-T-P-I"``) of a hierarchy: the longest
    root-to-leaf level sequence, when every other path follows the same
    order (levels may be skipped, as a loose carton without pallet); None
    when the paths disagree."""
    paths = []

    def walk(node, path):
        path = [*path, node.get("level")]
        children = node.get("children") or []
        if not children:
            paths.append(path)
        for child in children:
            walk(child, path)

    for root in roots:
        walk(root, [])
    longest = max(paths, key=len)
    for path in paths:
        if not _is_subsequence(path, longest):
            return None
    return "-".join(longest)


def _is_subsequence(short, long):
    remaining = iter(long)
    return all(level in remaining for level in short)


def hl_count_issues(transaction):
    """Problems with CTT01 (it must count the HL segments): a list of
    messages, empty when CTT is right or absent."""
    count = sum(1 for s in transaction.segments if s.tag == "HL")
    for index, segment in enumerate(transaction.segments):
        if segment.tag == "CTT" and value(segment, 1) != str(count):
            return [f"{where(segment, 1, index)}: {value(segment, 1)!r}, the set has {count} HL segments"]
    return []


# === X12 856: building ==================================================================


@builder("X12", "856")
def build_856(document, version="004010", control_number="0001", sscc_with_ai=True, **_options):
    """The 856 transaction set of ``document`` (see the module docstring).

    ``version`` is the group's version (004010, 004010VICS, 005010); the
    segments used here are the same in all three. ``sscc_with_ai`` writes
    MAN02 as "00" + SSCC (the VICS way) unless a level says otherwise
    (``"sscc_with_ai": False``)."""
    if not isinstance(document, dict):
        raise error("(document)", "a ship notice document is an object.")
    hierarchy = require(document, "hierarchy", "")
    if not isinstance(hierarchy, list):
        raise error("hierarchy", "a list of levels (the shipment level first).")
    pattern = _check_hierarchy(hierarchy, document.get("pattern"))
    check_ssccs(hierarchy)
    structure = document.get("structure_code") or STRUCTURE_CODES.get(pattern, "")
    day, clock = x12_date_time(require(document, "shipment_date", ""), "shipment_date")
    if not clock:
        raise error("shipment_date", "BSN04 (time) is mandatory: give 'YYYY-MM-DDTHH:MM'.")
    body = [
        seg(
            "BSN",
            require(document, "purpose", ""),
            require(document, "shipment_id", ""),
            day,
            clock,
            structure,
            text(document, "transaction_type"),
            text(document, "status_reason"),
        )
    ]
    body += build_dtms(document.get("dates"), "dates", version)
    body += raw_segments(document.get("other_segments"), "other_segments")
    counter = [0]
    for i, node in enumerate(hierarchy):
        body += _build_level(node, None, f"hierarchy[{i}]", counter, sscc_with_ai, version)
    body.append(seg("CTT", str(counter[0]), decimal_text(document.get("hash_total"), "hash_total", False)))
    body += raw_segments(document.get("summary_segments"), "summary_segments")
    return x12_set("856", body, version, control_number)


def check_ssccs(hierarchy):
    """Every SSCC of a hierarchy checked before anything is built: one
    DocumentError listing each invalid one (length, digits, check digit) and
    each one used twice (a logistic unit has one SSCC, an SSCC one unit)."""
    problems, seen = [], {}

    def visit(node, path):
        if not isinstance(node, dict):
            return
        numbers = [("sscc", node.get("sscc"))] if node.get("sscc") else []
        extra = node.get("additional_ssccs")
        numbers += [
            (f"additional_ssccs[{i}]", n) for i, n in enumerate(extra if isinstance(extra, list) else [])
        ]
        for key, number in numbers:
            try:
                checked = gs1.validate_sscc(number)
            except gs1.InvalidKey as exc:
                problems.append(f"{path}.{key}: {exc}")
                continue
            if checked in seen:
                problems.append(f"{path}.{key}: SSCC {checked} is already the SSCC of {seen[checked]}")
            else:
                seen[checked] = path
        children = node.get("children")
        for i, child in enumerate(children if isinstance(children, list) else []):
            visit(child, f"{path}.children[{i}]")

    for i, node in enumerate(hierarchy):
        visit(node, f"hierarchy[{i}]")
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise DocumentError(f"{problems[0]}{more}", errors=problems)


def _check_hierarchy(hierarchy, pattern):
    """The pattern the hierarchy follows (``pattern`` when given, checked),
    or DocumentError at the first level out of place."""
    if not hierarchy:
        raise error("hierarchy", "missing: at least the shipment level")
    order = None
    if pattern:
        order = str(pattern).split("-")
        unknown = [lv for lv in order if lv not in LEVELS]
        if unknown or len(set(order)) != len(order):
            raise error("pattern", f"{pattern!r}: levels are S, O, T, P, I, each once, joined by '-'")

    def check(node, path, parent_level):
        if not isinstance(node, dict):
            raise error(path, "a level is an object")
        level = node.get("level")
        if level not in LEVELS:
            raise error(f"{path}.level", f"{level!r}: one of S, O, T, P, I")
        if order is not None:
            if level not in order:
                raise error(f"{path}.level", f"{level} is not a level of the pattern {pattern}")
            if parent_level is not None and order.index(level) <= order.index(parent_level):
                raise error(
                    f"{path}.level", f"{level} under {parent_level} does not follow the pattern {pattern}"
                )
            children = node.get("children") or []
            if not children and level != order[-1]:
                raise error(
                    path, f"the pattern {pattern} ends with {order[-1]}, this {level} level has no children"
                )
        for where_, child in objects(node.get("children"), f"{path}.children"):
            check(child, where_, level)

    if len(hierarchy) > 1:
        raise error("hierarchy", "one shipment (S) level per ship notice")
    if not isinstance(hierarchy[0], dict) or hierarchy[0].get("level") != "S":
        raise error("hierarchy[0].level", "the top level of a ship notice is the shipment (S)")
    check(hierarchy[0], "hierarchy[0]", None)
    return pattern or derive_pattern(hierarchy)


def _build_level(node, parent_id, path, counter, sscc_with_ai, version):
    counter[0] += 1
    hl_id = str(counter[0])
    given = node.get("hl_id")
    if given not in (None, "") and str(given) != hl_id:
        raise error(f"{path}.hl_id", f"{given!r}, but this is HL number {hl_id} (depth-first order)")
    given_parent = node.get("parent_id")
    if given_parent not in (None, "") and str(given_parent) != (parent_id or ""):
        raise error(f"{path}.parent_id", f"{given_parent!r}, but the parent level is HL {parent_id}")
    children = node.get("children") or []
    level = node["level"]
    out = [seg("HL", hl_id, parent_id, level, "1" if children else "0")]
    out += _level_segments(node, path, sscc_with_ai, version)
    for i, child in enumerate(children):
        out += _build_level(child, hl_id, f"{path}.children[{i}]", counter, sscc_with_ai, version)
    return out


# Where each segment of the 856 HL loop stands (004010 table 2 positions):
# a level's segments are written in this order, whatever their source key.
HL_LOOP_POSITIONS = {
    "LIN": 20, "SN1": 30, "SLN": 40, "PRF": 50, "PO4": 60, "PID": 70, "MEA": 80, "PWK": 85,
    "PKG": 90, "TD1": 110, "TD5": 120, "TD3": 130, "TD4": 140, "TSD": 150, "REF": 150,
    "PER": 160, "LH1": 170, "CLD": 180, "MAN": 190, "DTM": 200, "FOB": 210, "PAL": 215,
    "N1": 220, "SDQ": 230, "ETD": 240, "CUR": 250, "SAC": 260, "GF": 270, "YNQ": 280,
}  # fmt: skip


def _level_segments(node, path, sscc_with_ai, version):
    """A level's segments (without its HL), in the HL loop's order."""
    blocks = []  # (position, [segments]); a block keeps an N1 loop together

    def add(*segments):
        for segment in segments:
            blocks.append((HL_LOOP_POSITIONS.get(segment.tag, 900), [segment]))

    level = node["level"]
    if level == "I" or node.get("product_ids"):
        ids = require(node, "product_ids", path)
        add(seg("LIN", text(node, "line", path), *x12_parts.product_pairs(ids, f"{path}.product_ids", 15)))
    if level == "I" or node.get("quantity") not in (None, ""):
        add(
            seg(
                "SN1",
                text(node, "sn1_id", path),
                decimal_text(node.get("quantity"), f"{path}.quantity"),
                require(node, "uom", path),
                decimal_text(node.get("quantity_shipped_to_date"), f"{path}.quantity_shipped_to_date", False),
                decimal_text(node.get("quantity_ordered"), f"{path}.quantity_ordered", False),
                text(node, "ordered_uom", path),
                text(node, "returnable_container_code", path),
                text(node, "line_status", path),
            )
        )
    if level == "O" or node.get("po_number"):
        po_date = x12_date_time(node.get("po_date"), f"{path}.po_date")[0]
        add(
            seg(
                "PRF",
                require(node, "po_number", path),
                text(node, "po_release", path),
                text(node, "po_change_sequence", path),
                po_date,
                *[text(node, k, path) for k in ("po_assigned_id", "contract_number", "po_type")],
            )
        )
    if node.get("description"):
        add(seg("PID", "F", "", "", "", text(node, "description", path)))
    for where_, pack in objects(node.get("packaging"), f"{path}.packaging"):
        values = [
            decimal_text(pack.get(k), f"{where_}.{k}", False) if k in _TD1_NUMBERS else text(pack, k, where_)
            for k in _TD1_KEYS
        ]
        add(seg("TD1", *values))
    if node.get("carrier"):
        carrier = obj(node["carrier"], f"{path}.carrier")
        values = [text(carrier, k, f"{path}.carrier") for k in _TD5_KEYS]
        add(seg("TD5", *values, "", "", "", text(carrier, "service_level", f"{path}.carrier")))
    for key, qualifier in (("bill_of_lading", "BM"), ("pro_number", "CN"), ("lot", "LT")):
        if node.get(key):
            add(seg("REF", qualifier, text(node, key, path)))
    add(*build_references(node.get("references") or {}, f"{path}.references", "REF"))
    if node.get("sscc"):
        try:
            number = gs1.validate_sscc(node["sscc"])
        except gs1.InvalidKey as exc:
            raise error(f"{path}.sscc", str(exc)) from None
        with_ai = node.get("sscc_with_ai", sscc_with_ai)
        add(seg("MAN", MAN_SSCC, f"00{number}" if with_ai else number))
    for where_, mark in objects(node.get("marks"), f"{path}.marks"):
        if not mark.get("qualifier"):
            raise error(f"{where_}.qualifier", "missing (MAN01)")
        add(seg("MAN", mark["qualifier"], mark.get("value"), mark.get("value_end")))
    if node.get("expiry_date"):
        add(seg("DTM", "036", x12_date_time(node["expiry_date"], f"{path}.expiry_date")[0]))
    add(*build_dtms(node.get("dates"), f"{path}.dates", version))
    parties = (
        [("SF", obj(node["ship_from"], f"{path}.ship_from"), "ship_from")] if node.get("ship_from") else []
    )
    for role, party, key in parties + parties_of(node, "X12"):
        blocks.append((HL_LOOP_POSITIONS["N1"], x12_party(role, party, f"{path}.{key}")))
    add(*raw_segments(node.get("other_segments"), f"{path}.other_segments"))
    blocks.sort(key=lambda block: block[0])  # stable: same position keeps its order
    return [segment for _, segments in blocks for segment in segments]


_TD1_KEYS = ("packaging_code", "lading_quantity", "commodity_qualifier", "commodity", "lading_description")
_TD1_KEYS += ("weight_qualifier", "weight", "weight_uom", "volume", "volume_uom")
_TD5_KEYS = ("routing_sequence", "id_qualifier", "id", "transport_method", "routing", "status")
_TD5_KEYS += ("location_qualifier", "location")
_TD1_NUMBERS = {"lading_quantity", "weight", "volume"}


# === EDIFACT DESADV =======================================================================

DESADV_VERSION = "D:96A:UN:EAN005"
DOCUMENT_DATE = "137"  # DTM 2005: document/message date
ORDER_DATE = "171"  # DTM 2005: reference date (of the RFF before it)
EXPIRY_DATE = "36"  # DTM 2005: expiry date
SSCC_MARKING = "33E"  # PCI 4233: marked with serial shipping container code (EAN code)
BATCH_MARKING = "10"  # PCI 4233: mark batch number (UN code list)


@reader("EDIFACT", "DESADV")
def read_desadv(transaction):
    """The ship notice document of an EDIFACT DESADV message."""
    segments = transaction.segments
    doc, dates, refs, others = {}, {}, {}, []
    index = 0
    bgm = None
    while index < len(segments) and segments[index].tag != "CPS":
        segment = segments[index]
        tag = segment.tag
        if tag == "BGM" and bgm is None:
            bgm = segment
            doc.update(
                compact(
                    {
                        "document_type": value(segment, 1),
                        "shipment_id": value(segment, 2),
                        "purpose": value(segment, 3),
                        "response_type": value(segment, 4),
                    }
                )
            )
        elif tag == "DTM" and len(segment) == 1:
            qualifier, found = edifact_date(segment)
            name = "document_date" if qualifier == DOCUMENT_DATE else date_name("EDIFACT", qualifier)
            if name == "document_date" and name not in doc:
                doc[name] = found
            elif name not in dates:
                dates[name] = found
            else:
                others.append(raw_segment(segment))
        elif tag == "RFF" and len(segment) == 1 and value(segment, 1, 2):
            qualifier, ref = value(segment, 1, 1), value(segment, 1, 2)
            following = segments[index + 1] if index + 1 < len(segments) else None
            dated = following is not None and following.tag == "DTM" and value(following, 1, 1) == ORDER_DATE
            if qualifier == "ON" and "po_number" not in doc:
                doc["po_number"] = ref
                if dated:
                    doc["po_date"] = edifact_date(following)[1]
                    index += 1
            elif qualifier not in refs and not dated:
                refs[qualifier] = ref
            else:
                others.append(raw_segment(segment))
        elif tag == "NAD":
            role, party, index = read_edifact_party(segments, index)
            place_party(doc, "EDIFACT", role, party)
            continue
        elif tag == "TDT" and "carrier" not in doc and len(segment) <= 5:
            doc["carrier"] = compact(
                {
                    "stage": value(segment, 1),
                    "conveyance_reference": value(segment, 2),
                    "transport_mode": value(segment, 3),
                    "transport_means": value(segment, 4),
                    "id": value(segment, 5, 1),
                    "id_agency": value(segment, 5, 3),
                    "name": value(segment, 5, 4),
                }
            )
        elif tag not in ("UNH", "UNT"):
            others.append(raw_segment(segment))
        index += 1
    if bgm is None:
        raise error("DESADV", "no BGM segment (beginning of message).")
    doc.update(compact({"dates": dates, "references": refs, "other_segments": others}))
    roots, index = _read_cps_groups(segments, index)
    summary = [raw_segment(s) for s in segments[index:] if s.tag not in ("CNT", "UNT")]
    pattern = derive_pattern(roots) if roots else None
    doc.update(compact({"pattern": pattern, "hierarchy": roots, "summary_segments": summary}))
    return doc


def _read_cps_groups(segments, index):
    nodes, roots = {}, []
    current = None
    item = None
    while index < len(segments) and segments[index].tag not in ("CNT", "UNT"):
        segment = segments[index]
        tag = segment.tag
        if tag == "CPS":
            cps_id, parent = value(segment, 1), value(segment, 2)
            if not cps_id:
                raise error(where(segment, 1, index), "missing (hierarchical structure level identifier)")
            if cps_id in nodes:
                raise error(where(segment, 1, index), f"CPS {cps_id} appears twice")
            if parent and parent not in nodes:
                raise error(where(segment, 2, index), f"parent CPS {parent} is not an earlier CPS")
            current = {"level": "P", "hl_id": cps_id, "parent_id": parent or None}
            if value(segment, 3):
                current["packaging_level"] = value(segment, 3)
            nodes[cps_id] = current
            (nodes[parent].setdefault("children", []) if parent else roots).append(current)
            item = None
        elif current is None:  # pragma: no cover - the caller stops at the first CPS
            raise error(where(segment, index=index), "outside a CPS group")
        elif tag == "LIN":
            item = _new_item(segment, index)
            current.setdefault("children", []).append(item)
        elif item is not None:
            _read_item_segment(item, segment, segments, index)
        else:
            _read_package_segment(current, segment, index)
        index += 1
    for node in nodes.values():
        _finish_package(node, root=node["parent_id"] is None)
    return roots, index


def _finish_package(node, root):
    """Settles a package read from its CPS group: its level (the root CPS is
    the shipment S, a package holding packages a tare T, else a pack P), its
    items cleaned, children last."""
    children = node.pop("children", [])
    if root:
        node["level"] = "S"
    elif any(child.get("level") != "I" for child in children):
        node["level"] = "T"
    others = node.pop("other_segments", [])
    if node.pop("_sscc_marking", None):  # PCI+33E without its GIN+BJ: kept as written
        others.append({"tag": "PCI", "elements": [SSCC_MARKING]})
    node.update(compact({"other_segments": others}))
    for index, child in enumerate(children):
        if child.get("level") == "I":
            children[index] = _clean_item(child)
    if children:
        node["children"] = children


def _read_package_segment(node, segment, index):
    tag = segment.tag
    if tag == "PAC":
        node.setdefault("packages", []).append(
            compact(
                {
                    "count": decimal_value(segment, 1, index=index),
                    "type": value(segment, 3, 1),
                }
            )
        )
        if len(segment) > 3 or value(segment, 2):
            node.setdefault("other_segments", []).append(raw_segment(segment))
            node["packages"].pop()
    elif tag == "PCI" and value(segment, 1) == SSCC_MARKING and len(segment) == 1:
        node["_sscc_marking"] = True
    elif tag == "GIN" and value(segment, 1) == "BJ":
        numbers = [rep[0] for rep in segment.repetitions(2)]
        numbers += [value(segment, n, 1) for n in range(3, len(segment) + 1)]
        for number in filter(None, numbers):
            try:
                checked = gs1.validate_sscc(number)
            except gs1.InvalidKey as exc:
                raise error(where(segment, 2, index), str(exc)) from None
            if "sscc" not in node:
                node["sscc"] = checked
            else:
                node.setdefault("additional_ssccs", []).append(checked)
        node.pop("_sscc_marking", None)
    else:
        node.setdefault("other_segments", []).append(raw_segment(segment))


def _new_item(segment, index):
    item = {"level": "I", "line": value(segment, 1)}
    ident, kind = value(segment, 3, 1), value(segment, 3, 2)
    item["product_ids"] = {kind: ident} if ident else {}
    if value(segment, 2) or value(segment, 4):
        item["lin_raw"] = raw_segment(segment)
    return item


def _read_item_segment(item, segment, segments, index):
    tag = segment.tag
    if tag == "PIA":
        for number in range(2, len(segment) + 1):
            ident, kind = value(segment, number, 1), value(segment, number, 2)
            if ident:
                item["product_ids"][kind] = ident
        if value(segment, 1) not in ("", "1"):
            item["pia_function"] = value(segment, 1)
    elif tag == "QTY" and value(segment, 1, 1) in ("12", "21") and f"q{value(segment, 1, 1)}" not in item:
        qualifier = value(segment, 1, 1)
        item[f"q{qualifier}"] = True
        number = decimal_value(segment, 1, 2, index=index)
        if qualifier == "12":
            item["quantity"] = number
            item["uom"] = value(segment, 1, 3)
        else:
            item["quantity_ordered"] = number
            item["ordered_uom"] = value(segment, 1, 3)
    elif tag == "RFF" and value(segment, 1, 1) == "ON" and "po_number" not in item:
        item["po_number"] = value(segment, 1, 2)
    elif tag == "PCI" and len(segment) == 1 and "lot_marking" not in item:
        item["lot_marking"] = value(segment, 1)
    elif tag == "GIN" and value(segment, 1) == "BX" and "lot" not in item:
        item["lot"] = value(segment, 2, 1)
    elif tag == "DTM" and value(segment, 1, 1) == EXPIRY_DATE and "expiry_date" not in item:
        item["expiry_date"] = edifact_date(segment)[1]
    else:
        item.setdefault("other_segments", []).append(raw_segment(segment))


def _clean_item(item):
    """An item read from its LIN group without the reader's bookkeeping,
    its default batch marking and empty values."""
    for key in ("q12", "q21"):
        item.pop(key, None)
    if item.get("lot_marking") == BATCH_MARKING:
        del item["lot_marking"]
    return compact(item)


@builder("EDIFACT", "DESADV")
def build_desadv(document, version=DESADV_VERSION, control_number="1", decimal=".", **_options):
    """The DESADV message of ``document`` (the same shape :func:`read_desadv`
    gives). The levels S/T/P become CPS groups numbered in depth-first order
    (CPS+1 first), items become LIN groups under their package; every SSCC is
    checked first. ``version`` is UNH02's version, release, agency and
    association code; ``decimal`` the interchange's decimal mark (UNA3)."""
    if not isinstance(document, dict):
        raise error("(document)", "a ship notice document is an object.")
    body = [
        seg(
            "BGM",
            document.get("document_type") or "351",
            require(document, "shipment_id", ""),
            text(document, "purpose") or "9",
            text(document, "response_type"),
        )
    ]
    if document.get("document_date"):
        body.append(edifact_dtm(DOCUMENT_DATE, document["document_date"], "document_date"))
    dates = document.get("dates") or {}
    if not isinstance(dates, dict):
        raise error(
            "dates", "an object {name: ISO date} ('shipped', 'delivery_estimated', or a DTM 2005 code)."
        )
    for name, found in dates.items():
        body.append(edifact_dtm(date_code("EDIFACT", name, f"dates.{name}"), found, f"dates.{name}"))
    body += raw_segments(document.get("other_segments"), "other_segments")
    if document.get("po_number"):
        body.append(seg("RFF", ("ON", text(document, "po_number"))))
        if document.get("po_date"):
            body.append(edifact_dtm(ORDER_DATE, document["po_date"], "po_date"))
    references = document.get("references") or {}
    if not isinstance(references, dict):
        raise error("references", "an object {qualifier: value}.")
    for qualifier, ref in references.items():
        body.append(seg("RFF", (qualifier, ref)))
    for role, party, path in parties_of(document, "EDIFACT"):
        body += edifact_party(role, party, path)
    if document.get("carrier"):
        carrier = obj(document["carrier"], "carrier")
        body.append(
            seg(
                "TDT",
                text(carrier, "stage", "carrier") or "20",
                text(carrier, "conveyance_reference", "carrier"),
                text(carrier, "transport_mode", "carrier"),
                text(carrier, "transport_means", "carrier"),
                (text(carrier, "id"), "", text(carrier, "id_agency"), text(carrier, "name")),
            )
        )
    hierarchy = require(document, "hierarchy", "")
    if not isinstance(hierarchy, list):
        raise error("hierarchy", "a list of packages (CPS+1, the consignment, first).")
    check_ssccs(hierarchy)
    counter = [0]
    lines = [0]
    for i, node in enumerate(hierarchy):
        body += _build_cps(node, None, f"hierarchy[{i}]", counter, lines, decimal)
    body += raw_segments(document.get("summary_segments"), "summary_segments")
    body.append(seg("CNT", ("2", str(lines[0]))))
    return edifact_set("DESADV", body, version, control_number)


def _build_cps(node, parent_id, path, counter, lines, decimal):
    if not isinstance(node, dict):
        raise error(path, "a level is an object")
    level = node.get("level")
    if level not in ("S", "T", "P"):
        raise error(
            f"{path}.level", f"{level!r}: a DESADV package level is S, T or P (items I go inside a package)"
        )
    counter[0] += 1
    cps_id = str(counter[0])
    given = node.get("hl_id")
    if given not in (None, "") and str(given) != cps_id:
        raise error(f"{path}.hl_id", f"{given!r}, but this is CPS number {cps_id} (depth-first order)")
    out = [seg("CPS", cps_id, parent_id, text(node, "packaging_level", path))]
    for i, (_where, pack) in enumerate(objects(node.get("packages"), f"{path}.packages")):
        out.append(
            seg("PAC", decimal_text(pack.get("count"), f"{path}.packages[{i}].count"), "", pack.get("type"))
        )
    ssccs = [node["sscc"]] if node.get("sscc") else []
    ssccs += texts(node.get("additional_ssccs"), f"{path}.additional_ssccs")
    checked = []
    for i, number in enumerate(ssccs):
        try:
            checked.append(gs1.validate_sscc(number))
        except gs1.InvalidKey as exc:
            key = "sscc" if i == 0 else f"additional_ssccs[{i - 1}]"
            raise error(f"{path}.{key}", str(exc)) from None
    if checked and not node.get("packages"):
        out.append(seg("PAC", "1"))  # the marks (PCI/GIN) belong to a PAC group: this one package
    if checked:
        out.append(seg("PCI", SSCC_MARKING))
        out.append(Segment("GIN", [[["BJ"]], *[[[n]] for n in checked]]))
    out += raw_segments(node.get("other_segments"), f"{path}.other_segments")
    children = [child for _where, child in objects(node.get("children"), f"{path}.children")]
    seen_package = False
    for i, child in enumerate(children):
        child_path = f"{path}.children[{i}]"
        if isinstance(child, dict) and child.get("level") == "I":
            if seen_package:
                raise error(child_path, "a package's items come before its inner packages in a DESADV")
            out += _build_lin(child, child_path, lines, decimal)
        else:
            seen_package = True
    for i, child in enumerate(children):
        if not (isinstance(child, dict) and child.get("level") == "I"):
            out += _build_cps(child, cps_id, f"{path}.children[{i}]", counter, lines, decimal)
    return out


def _build_lin(item, path, lines, decimal):
    lines[0] += 1
    ids = dict(obj(require(item, "product_ids", path), f"{path}.product_ids"))
    if item.get("lin_raw"):
        out = [segment_from_raw(item["lin_raw"], f"{path}.lin_raw")]
        ids.pop(value(out[0], 3, 2), None)
    else:
        kind, ident = next(iter(ids.items()))
        ids.pop(kind)
        out = [seg("LIN", text(item, "line", path) or str(lines[0]), "", [ident, kind])]
    if ids:
        out.append(
            seg("PIA", item.get("pia_function") or "1", *[[ident, kind] for kind, ident in ids.items()])
        )
    quantity = decimal_text(item.get("quantity"), f"{path}.quantity", mark=decimal)
    out.append(seg("QTY", ["12", quantity, text(item, "uom", path)]))
    if item.get("quantity_ordered") not in (None, ""):
        ordered = decimal_text(item.get("quantity_ordered"), f"{path}.quantity_ordered", mark=decimal)
        out.append(seg("QTY", ["21", ordered, text(item, "ordered_uom", path)]))
    if item.get("po_number"):
        out.append(seg("RFF", ["ON", text(item, "po_number", path)]))
    if item.get("lot") or item.get("expiry_date"):
        out.append(seg("PCI", item.get("lot_marking") or BATCH_MARKING))
        if item.get("expiry_date"):
            out.append(edifact_dtm(EXPIRY_DATE, item["expiry_date"], f"{path}.expiry_date"))
        if item.get("lot"):
            out.append(seg("GIN", "BX", text(item, "lot", path)))
    out += raw_segments(item.get("other_segments"), f"{path}.other_segments")
    return out
