"""Purchase orders, order changes and order responses, X12 and EDIFACT.

=========  =======  ==============================================
X12        EDIFACT  document
=========  =======  ==============================================
850        ORDERS   the order (we receive it as supplier, send it as buyer)
860        ORDCHG   a change to an order: lines added, deleted, changed
855        ORDRSP   the supplier's answer: accepted, changed, rejected
=========  =======  ==============================================

An order document (850/ORDERS)::

    {"purpose": "00", "type": "SA", "po_number": "S115921858", "release": "1017760",
     "order_date": "2004-03-17", "currency": "USD",
     "references": {"DP": "040"}, "dates": {"delivery_requested": "2024-05-10"},
     "terms": {"type": "01", "net_days": "30"},
     "ship_to": {"name": "STORE 112", "identifiers": {"92": "112"}, "address": {...}},
     "bill_to": {...}, "parties": {"BY": {...}, "SU": {...}},
     "allowances_charges": [{"indicator": "A", "code": "C310", "amount": "10.00"}],
     "lines": [{"line": "1", "quantity": "150", "uom": "EA", "unit_price": "2.50",
                "price_basis": "PE", "product_ids": {"UP": "012345678905", "VN": "AB-1"},
                "description": "...", "dates": {...}}],
     "totals": {"line_count": "4", "hash_total": "250"}}

The parties keep each standard's codes: X12 N101 roles (ST, BT, BY, SF...)
with N103 identifier qualifiers (UL GLN, 1 DUNS, 9 DUNS+4, 92 assigned by
the buyer, e.g. a store number), EDIFACT NAD 3035 roles (DP, IV, BY, SU)
with the 3055 agency as qualifier (9 GS1/GLN, 16 DUNS, 92 buyer). Product id
qualifiers likewise: X12 235 (UP, UK, EN, VN, VP, BP, IN, SK...), EDIFACT
7143 (EN/SRV GTIN, IN buyer's, SA supplier's, BP, MF...). :mod:`.canonical`
maps both onto one vocabulary.

An 855/ORDRSP adds ``ack_type`` (X12 BAK02: AC, AD, AE, AK, RD, RJ...) and
per line ``acks`` (one per X12 ACK, several for split quantities and dates)
and ``status`` (the first ack's ACK01: IA accepted, IR rejected, IQ quantity
changed, IB backordered, DR date changed, IP price changed, IC changed...).
EDIFACT gives one action per line (LIN 1229: 5 accepted, 7 not accepted,
3 changed, 6 accepted with amendment) and split quantities as QTY 113 (to be
delivered) or 83 (backordered) each followed by its DTM; they read as the
same statuses (5 IA, 7 IR, 3/6 IC, QTY 83 IB) and ``action`` keeps the code.

An 860/ORDCHG has ``change_purpose`` (BCH01: 01 cancel, 04 change, 05
replace; EDIFACT BGM 1225) and per line ``change`` (POC02: AI add, DI delete,
QD/QI quantity decrease/increase, PC price change, CA changes, RZ replace...;
EDIFACT LIN 1229 1 added -> AI, 2 deleted -> DI, 3 changed -> CA).
"""

from . import builder, edifact_parts, reader, x12_parts
from .common import (
    DocumentError,
    beginning,
    date_name,
    edifact_date,
    edifact_dtm,
    edifact_set,
    iso_date,
    lines_of,
    need,
    number,
    out_number,
    put,
    r_number,
    required,
    seg,
    texts,
    value,
    where,
    x12_date,
    x12_dtm,
    x12_set,
)

# --- X12 ---------------------------------------------------------------------------

BEGINNINGS = {"850": "BEG", "855": "BAK", "860": "BCH"}
LINE_TAGS = {"850": "PO1", "855": "PO1", "860": "POC"}


def _read_x12(transaction):
    """(an empty document, the beginning segment (BEG/BAK/BCH), the header
    segments after it, the line loops, the summary segments)."""
    first = beginning(transaction, BEGINNINGS[transaction.type])
    header, loops, summary = x12_parts.split(transaction.body[1:], LINE_TAGS[transaction.type])
    return {}, first, header, loops, summary


def _read_x12_summary(document, summary):
    totals = {}
    for segment in summary:
        if segment.tag == "CTT":
            put(totals, "line_count", value(segment, 1))
            put(totals, "hash_total", r_number(value(segment, 2), segment, 2))
        elif segment.tag == "AMT":
            totals.setdefault("amounts", {})[required(segment, 1)] = r_number(
                required(segment, 2), segment, 2
            )
    put(document, "totals", totals)


def _x12_summary(document, lines, path="totals"):
    totals = document.get("totals") or {}
    count = totals.get("line_count", str(len(lines)))
    if str(count) != str(len(lines)):
        raise DocumentError(f"{path}.line_count: {count} given, but the document has {len(lines)} lines.")
    out = [seg("CTT", len(lines), out_number(totals.get("hash_total"), f"{path}.hash_total"))]
    for qualifier, amount in (totals.get("amounts") or {}).items():
        out.append(seg("AMT", qualifier, out_number(amount, f"{path}.amounts.{qualifier}")))
    return out


def _read_po1(loop):
    """A PO1 loop: PO101 line, PO102 quantity, PO103 uom, PO104 unit price
    (R, as written), PO105 price basis, PO106..PO125 product id pairs."""
    po1 = loop[0]
    found = texts(po1, 25)  # one slice instead of a call per element (133,000 lines in 10 MB)
    line = {}
    # put() inlined: a key only for a value given
    if found[1]:
        line["line"] = found[1]
    quantity, price = found[2], found[4]
    if quantity:  # r_number(): digits with at most one point are kept as they are
        digits = quantity.replace(".", "", 1)
        line["quantity"] = quantity if digits.isdigit() and digits.isascii() else r_number(quantity, po1, 2)
    if found[3]:
        line["uom"] = found[3]
    if price:
        digits = price.replace(".", "", 1)
        line["unit_price"] = price if digits.isdigit() and digits.isascii() else r_number(price, po1, 4)
    if found[5]:
        line["price_basis"] = found[5]
    line["product_ids"] = x12_parts.product_ids_of(found, 6, min(25, len(po1)))  # up to the segment's length
    rest = x12_parts.read_line_details(line, loop[1:])
    return line, rest


def _po1(line, path, version, require_price=True):
    need(line, "line", path)
    need(line, "quantity", path)
    need(line, "uom", path)
    if require_price:
        need(line, "unit_price", path)
    pairs = x12_parts.product_pairs(line.get("product_ids"), f"{path}.product_ids", 10)
    out = [
        seg(
            "PO1",
            line.get("line"),
            out_number(line["quantity"], f"{path}.quantity"),
            line["uom"],
            out_number(line.get("unit_price"), f"{path}.unit_price"),
            line.get("price_basis"),
            *pairs,
        )
    ]
    out.extend(x12_parts.line_details(line, path, version))
    return out


@reader("X12", "850")
def read_850(transaction):
    """An 850: BEG01 purpose, BEG02 type, BEG03 PO number, BEG04 release,
    BEG05 date; header, PO1 loops, CTT/AMT."""
    if getattr(transaction, "unread", False):  # as the X12 reader made it: from the text
        document = _read_850_text(transaction)
        if document is not None:
            return document
    document, beg, header, loops, summary = _read_x12(transaction)
    _read_beg(document, beg)
    x12_parts.read_header(document, header)
    document["lines"] = [_read_po1(loop)[0] for loop in loops]
    _read_x12_summary(document, summary)
    return document


def _read_beg(document, beg):
    """An 850's BEG into ``document``."""
    document["purpose"] = required(beg, 1, what="transaction set purpose code")
    document["type"] = required(beg, 2, what="purchase order type code")
    document["po_number"] = required(beg, 3, what="purchase order number")
    put(document, "release", value(beg, 4))
    document["order_date"] = iso_date(required(beg, 5, what="date"), beg, 5)
    put(document, "contract", value(beg, 6))


def _read_850_text(transaction):
    """:func:`read_850` of a :class:`~..readsegment.LazyTransaction` from
    the text of its segments, without making them; None when the set does
    not start with BEG (then :func:`read_850` reads ``segments`` as always).

    The same steps in the same order with the same functions: the header
    and summary segments, and any line loop but a plain PO1 (+ PID), are
    read from ReadSegments made for the moment (the same positions, so the
    same messages); a plain PO1 loop is read from its split text
    (:func:`_plain_po1`) when no value needs more than that."""
    pieces, tags = transaction.pieces, transaction.tags
    stop = len(pieces) - 1  # body: pieces[1:stop]
    if stop < 2 or tags[1] != "BEG":
        return None
    cls = transaction.segment_class
    separator, base = cls.element_separator, transaction.base

    def segment(index):
        return cls(pieces[index].split(separator), base + index + 1, index + 1)

    summary_at, starts, header_end, pairs = _layout(tags)
    document = {}
    _read_beg(document, segment(1))
    x12_parts.read_header(document, [segment(index) for index in range(2, header_end)])
    lines = document["lines"] = []
    # plain text: no value holds a component or repetition separator (X12 has no release character)
    plain = transaction.text_facts()[1]
    count = len(starts)
    pairs = pairs and plain
    append, plain_po1 = lines.append, _plain_po1
    if pairs:
        for start in starts:
            pid = pieces[start + 1].split(separator, 6)
            line = plain_po1(pieces[start].split(separator), pid[5] if len(pid) > 5 else "")
            append(line if line is not None else _read_po1([segment(start), segment(start + 1)])[0])
    else:
        for number, start in enumerate(starts):
            end = starts[number + 1] if number + 1 < count else summary_at
            line = plain_po1(pieces[start].split(separator), "") if plain and end - start == 1 else None
            if line is None:  # anything else: _read_po1 of the segments, as read_850 does
                line = _read_po1([segment(index) for index in range(start, end)])[0]
            append(line)
    _read_x12_summary(document, [segment(index) for index in range(summary_at, stop)])
    return document


_LAYOUTS = {}  # segment ids of a set -> _layout()


def _layout(tags):
    """(summary start, PO1 indices, header end, every loop is PO1 + PID) of
    an 850 of these segment ids: ``x12_parts.split(body[1:], "PO1")`` as
    indices (the summary from the first CTT/TDS on, a loop from each PO1).
    Kept per sequence of ids: a file's orders repeat a few."""
    if tags.__class__ is not tuple:
        tags = tuple(tags)
    found = _LAYOUTS.get(tags)
    if found is None:
        stop = len(tags) - 1
        summary_at = stop
        for tag in x12_parts.SUMMARY_START:
            if tag in tags[2:stop]:
                summary_at = min(summary_at, tags.index(tag, 2, stop))
        starts = tuple(index for index in range(2, summary_at) if tags[index] == "PO1")
        header_end = starts[0] if starts else summary_at
        count = len(starts)
        pairs = (
            summary_at - header_end == 2 * count
            and tags[header_end + 1 : summary_at : 2].count("PID") == count
        )
        found = (summary_at, starts, header_end, pairs)
        if len(_LAYOUTS) >= 256:
            _LAYOUTS.clear()
        _LAYOUTS[tags] = found
    return found


def _plain_po1(found, description):
    """:func:`_read_po1` of a PO1 (``found``: its split text, holding no
    component or repetition separator) and its PID05 ``description`` ("":
    none); None when a quantity or price is not plain digits with at most
    one point (then _read_po1 reads it and names the problem)."""
    size = len(found) - 1
    if size == 9 and description:  # the most common line, in one go: PO101..PO104, two id pairs
        _tag, number_, quantity, uom, price, basis, qualifier, id_, qualifier2, id2 = found
        if (
            number_
            and uom
            and not basis
            and (qualifier or id_)
            and (qualifier2 or id2)
            # r_number() keeps decimal digits with at most one point as they are
            and (quantity.isdecimal() or quantity.replace(".", "", 1).isdecimal())
            and (price.isdecimal() or price.replace(".", "", 1).isdecimal())
        ):
            return {
                "line": number_,
                "quantity": quantity,
                "uom": uom,
                "unit_price": price,
                "product_ids": {qualifier: id_, qualifier2: id2},
                "description": description,
            }
    if size < 5:
        return None
    quantity, price = found[2], found[4]
    if quantity and not (quantity.isascii() and quantity.isdigit()):
        digits = quantity.replace(".", "", 1)
        if not (digits.isdigit() and digits.isascii()):
            return None
    if price and not (price.isascii() and price.isdigit()):
        digits = price.replace(".", "", 1)
        if not (digits.isdigit() and digits.isascii()):
            return None
    # x12_parts.product_ids_of(texts(po1, 25), 6, min(25, size)): written out for one or two
    # whole pairs (most lines), none of them empty (a pair empty on both sides is left out)
    if size == 9 and (found[6] or found[7]) and (found[8] or found[9]):
        ids = {found[6]: found[7], found[8]: found[9]}
    elif size == 7 and (found[6] or found[7]):
        ids = {found[6]: found[7]}
    else:
        found = found[:26] + [""] * (25 - size) if size < 25 else found[:26]
        ids = x12_parts.product_ids_of(found, 6, min(25, size))
    line = {}
    if found[1]:
        line["line"] = found[1]
    if quantity:
        line["quantity"] = quantity
    if found[3]:
        line["uom"] = found[3]
    if price:
        line["unit_price"] = price
    if found[5]:
        line["price_basis"] = found[5]
    line["product_ids"] = ids
    if description:
        line["description"] = description
    return line


def _check_ship_to(document):
    ship_to = need(document, "ship_to")
    need(ship_to, "identifiers", "ship_to")


@builder("X12", "850")
def build_850(document, version, control_number="0001", **_options):
    """An 850 (we buy). Mandatory: po_number, order_date, ship_to with its
    identifiers, lines[] with line, quantity, uom, unit_price, product_ids.
    purpose defaults to "00" (original), type to "SA" (stand-alone)."""
    need(document, "po_number")
    need(document, "order_date")
    _check_ship_to(document)
    lines = lines_of(document)
    for path, line in lines:
        need(line, "product_ids", path)
    body = [
        seg(
            "BEG",
            document.get("purpose") or "00",
            document.get("type") or "SA",
            document["po_number"],
            document.get("release"),
            x12_date(document["order_date"], "order_date", version),
            document.get("contract"),
        )
    ]
    body.extend(x12_parts.order_header(document, version))
    for path, line in lines:
        body.extend(_po1(line, path, version))
    body.extend(_x12_summary(document, lines))
    return x12_set("850", body, version, control_number)


# 855 -------------------------------------------------------------------------------

LINE_STATUSES = {  # X12 element 668 (ACK01)
    "AA": "accepted, forwarded to an alternate supplier location",
    "AC": "accepted and shipped",
    "AR": "accepted and released for shipment",
    "BP": "accepted, partial shipment, balance backordered",
    "DR": "accepted, date rescheduled",
    "IA": "accepted",
    "IB": "backordered",
    "IC": "accepted, changes made",
    "ID": "deleted",
    "IE": "accepted, price pending",
    "IF": "on hold, incomplete description",
    "IH": "on hold",
    "IP": "accepted, price changed",
    "IQ": "accepted, quantity changed",
    "IR": "rejected",
    "IS": "accepted, substitution made",
    "IW": "on hold, waiver required",
    "R1": "rejected, not a contract item",
    "R2": "rejected, invalid item product number",
    "R3": "rejected, invalid unit of issue",
    "R4": "rejected, contract item not available",
    "R5": "rejected, reorder as a just-in-time order",
    "R6": "rejected, reorder as an extended delivery order",
    "R7": "rejected, reorder as a drop shipment",
    "R8": "rejected, reorder as a surge order",
    "R9": "discontinued",
    "SP": "accepted, schedule date pending",
}
ACK_TYPES = ("AC", "AD", "AE", "AK", "AP", "AT", "NA", "RD", "RF", "RJ", "RO", "ZZ")


def _read_ack(segment):
    """ACK01 status, ACK02 quantity, ACK03 uom, ACK04 date qualifier, ACK05
    date, ACK07..ACK26 product id pairs, ACK27 agency qualifier, ACK28
    source subqualifier, ACK29 industry code (a reason code in some trades)."""
    ack = {"status": required(segment, 1, what="line item status code")}
    put(ack, "quantity", r_number(value(segment, 2), segment, 2))
    put(ack, "uom", value(segment, 3))
    if value(segment, 4) or value(segment, 5):
        qualifier = required(segment, 4, what="date/time qualifier")
        day = iso_date(required(segment, 5, what="date"), segment, 5)
        ack["dates"] = {date_name("X12", qualifier): day}
    put(ack, "product_ids", x12_parts.read_product_ids(segment, 7, 26))
    put(ack, "agency", value(segment, 27))
    put(ack, "source_subqualifier", value(segment, 28))
    put(ack, "industry_code", value(segment, 29))
    return ack


def _ack(ack, path, version):
    status = need(ack, "status", path)
    if status not in LINE_STATUSES:
        raise DocumentError(
            f"{path}.status: {status!r} is not an ACK01 line status ({', '.join(sorted(LINE_STATUSES))})."
        )
    dates = ack.get("dates") or {}
    if len(dates) > 1:
        raise DocumentError(f"{path}.dates: an ACK carries one date (ACK04/ACK05), got {len(dates)}.")
    code = day = None
    for name, found in dates.items():
        dtm = x12_dtm(name, found, f"{path}.dates.{name}", version)
        code, day = dtm[1], dtm[2]
    pairs = x12_parts.product_pairs(ack.get("product_ids"), f"{path}.product_ids", 10)
    tail = [ack.get("agency"), ack.get("source_subqualifier"), ack.get("industry_code")]
    if any(tail):  # ACK27 agency (559), ACK28 source subqualifier (822), ACK29 industry code (1271)
        pairs = [*pairs, *[None] * (20 - len(pairs)), *tail]
    return seg(
        "ACK",
        status,
        out_number(ack.get("quantity"), f"{path}.quantity"),
        ack.get("uom"),
        code,
        day,
        None,
        *pairs,
    )


@reader("X12", "855")
def read_855(transaction):
    """An 855: BAK01 purpose, BAK02 acknowledgment type, BAK03 PO number,
    BAK04 PO date, BAK05 release, BAK06 request reference, BAK07 contract,
    BAK08 seller's order number, BAK09 acknowledgment date; PO1 loops with
    their ACKs."""
    document, bak, header, loops, summary = _read_x12(transaction)
    document["purpose"] = required(bak, 1, what="transaction set purpose code")
    document["ack_type"] = required(bak, 2, what="acknowledgment type")
    document["po_number"] = required(bak, 3, what="purchase order number")
    document["order_date"] = iso_date(required(bak, 4, what="date"), bak, 4)
    put(document, "release", value(bak, 5))
    put(document, "request_reference", value(bak, 6))
    put(document, "contract", value(bak, 7))
    put(document, "seller_order_number", value(bak, 8))
    put(document, "ack_date", iso_date(value(bak, 9), bak, 9))
    x12_parts.read_header(document, header)
    document["lines"] = []
    for loop in loops:
        line, rest = _read_po1(loop)
        acks = [_read_ack(segment) for segment in rest if segment.tag == "ACK"]
        if acks:
            line["status"] = acks[0]["status"]
            line["acks"] = acks
        document["lines"].append(line)
    _read_x12_summary(document, summary)
    return document


def _check_855(document):
    need(document, "po_number")
    need(document, "order_date")
    ack_type = need(document, "ack_type")
    if ack_type not in ACK_TYPES:
        raise DocumentError(
            f"ack_type: {ack_type!r} is not a BAK02 acknowledgment type ({', '.join(ACK_TYPES)})."
        )
    lines = lines_of(document) if document.get("lines") else []
    for path, line in lines:
        if not line.get("acks"):
            need(line, "status", path)
        elif line.get("status") and line["status"] != line["acks"][0].get("status"):
            raise DocumentError(
                f"{path}.status: {line['status']} differs from its first ack's ({line['acks'][0].get('status')})."
            )
    return lines


@builder("X12", "855")
def build_855(document, version, control_number="0001", **_options):
    """An 855 (we answer a customer's 850). Mandatory: po_number,
    order_date, ack_type; each line: line, quantity, uom and either acks[]
    (one ACK each: status, quantity, uom, one date) or a status (one ACK for
    the whole line quantity)."""
    lines = _check_855(document)
    body = [
        seg(
            "BAK",
            document.get("purpose") or "00",
            document["ack_type"],
            document["po_number"],
            x12_date(document["order_date"], "order_date", version),
            document.get("release"),
            document.get("request_reference"),
            document.get("contract"),
            document.get("seller_order_number"),
            x12_date(document["ack_date"], "ack_date", version) if document.get("ack_date") else None,
        )
    ]
    body.extend(x12_parts.order_header(document, version))
    for path, line in lines:
        body.extend(_po1(line, path, version, require_price=False))
        acks = line.get("acks") or [
            {"status": line["status"], "quantity": line["quantity"], "uom": line["uom"]}
        ]
        for index, ack in enumerate(acks):
            body.append(_ack(ack, f"{path}.acks[{index}]", version))
    body.extend(_x12_summary(document, lines))
    return x12_set("855", body, version, control_number)


# 860 -------------------------------------------------------------------------------

CHANGE_CODES = (
    "AI",
    "CA",
    "CB",
    "CC",
    "CE",
    "CF",
    "CG",
    "CT",
    "DI",
    "MU",
    "NC",
    "OC",
    "PC",
    "PQ",
    "PR",
    "PS",
    "QD",
    "QI",
    "RA",
    "RB",
    "RC",
    "RE",
    "RM",
    "RQ",
    "RS",
    "RZ",
    "SC",
    "TI",
)


def _read_poc(loop):
    """POC01 line, POC02 change code, POC03 quantity ordered (the new
    quantity), POC04 quantity left to receive, POC05 uom, POC06 unit price,
    POC07 basis, POC08..POC27 product id pairs."""
    poc = loop[0]
    line = {}
    put(line, "line", value(poc, 1))
    line["change"] = required(poc, 2, what="change or response type code")
    put(line, "quantity", r_number(value(poc, 3), poc, 3))
    put(line, "quantity_left", r_number(value(poc, 4), poc, 4))
    put(line, "uom", value(poc, 5))
    put(line, "unit_price", r_number(value(poc, 6), poc, 6))
    put(line, "price_basis", value(poc, 7))
    line["product_ids"] = x12_parts.read_product_ids(poc, 8, 27)
    x12_parts.read_line_details(line, loop[1:])
    return line


@reader("X12", "860")
def read_860(transaction):
    """An 860: BCH01 purpose, BCH02 type, BCH03 PO number, BCH04 release,
    BCH05 change sequence, BCH06 PO date, BCH11 change request date; POC
    loops; CTT."""
    document, bch, header, loops, summary = _read_x12(transaction)
    document["change_purpose"] = required(bch, 1, what="transaction set purpose code")
    put(document, "type", value(bch, 2))
    document["po_number"] = required(bch, 3, what="purchase order number")
    put(document, "release", value(bch, 4))
    put(document, "change_sequence", value(bch, 5))
    document["order_date"] = iso_date(required(bch, 6, what="date"), bch, 6)
    put(document, "change_date", iso_date(value(bch, 11), bch, 11))
    x12_parts.read_header(document, header)
    document["lines"] = [_read_poc(loop) for loop in loops]
    _read_x12_summary(document, summary)
    return document


@builder("X12", "860")
def build_860(document, version, control_number="0001", **_options):
    """An 860 (we change our PO). Mandatory: change_purpose, po_number,
    order_date, lines[] with line and change (POC02)."""
    need(document, "change_purpose")
    need(document, "po_number")
    need(document, "order_date")
    lines = lines_of(document)
    body = [
        seg(
            "BCH",
            document["change_purpose"],
            document.get("type") or "SA",
            document["po_number"],
            document.get("release"),
            document.get("change_sequence"),
            x12_date(document["order_date"], "order_date", version),
            None,
            None,
            None,
            None,
            x12_date(document["change_date"], "change_date", version)
            if document.get("change_date")
            else None,
        )
    ]
    body.extend(x12_parts.order_header(document, version))
    for path, line in lines:
        need(line, "line", path)
        change = need(line, "change", path)
        if change not in CHANGE_CODES:
            raise DocumentError(
                f"{path}.change: {change!r} is not a POC02 change code ({', '.join(CHANGE_CODES)})."
            )
        pairs = x12_parts.product_pairs(line.get("product_ids"), f"{path}.product_ids", 10)
        body.append(
            seg(
                "POC",
                line["line"],
                change,
                out_number(line.get("quantity"), f"{path}.quantity"),
                out_number(line.get("quantity_left"), f"{path}.quantity_left"),
                line.get("uom"),
                out_number(line.get("unit_price"), f"{path}.unit_price"),
                line.get("price_basis"),
                *pairs,
            )
        )
        body.extend(x12_parts.line_details(line, path, version))
    body.extend(_x12_summary(document, lines))
    return x12_set("860", body, version, control_number)


# --- EDIFACT -----------------------------------------------------------------------

RESPONSE_STATUS = {"5": "IA", "7": "IR", "3": "IC", "6": "IC", "1": "IA", "2": "ID"}
STATUS_ACTION = {"IA": "5", "IR": "7", "ID": "2", **{f"R{n}": "7" for n in range(1, 10)}}
CHANGE_FROM_ACTION = {"1": "AI", "2": "DI", "3": "CA"}
ACTION_FROM_CHANGE = {"AI": "1", "DI": "2"}
FUNCTION_FROM_ACK = {
    "AD": "29",
    "AK": "29",
    "AT": "29",
    "AC": "4",
    "AE": "4",
    "RD": "27",
    "RF": "27",
    "RJ": "27",
    "RO": "27",
}
ACK_FROM_FUNCTION = {"29": "AD", "4": "AC", "27": "RJ"}


def _edifact_beginning(transaction):
    return beginning(transaction, "BGM", "UNH")


def _read_edifact(transaction, po_reference=None, document_date="order_date"):
    """(document with BGM and the header read, BGM's document number, LIN
    groups, summary). BGM's number is the order's (ORDERS), the response's
    (ORDRSP) or the change's (ORDCHG): the caller names it."""
    bgm = _edifact_beginning(transaction)
    header, loops, summary = edifact_parts.split(transaction.body[1:])
    document = {}
    code, number_, function, response_type = edifact_parts.read_bgm(bgm)
    put(document, "type", code)
    put(document, "purpose", function)
    put(document, "response_type", response_type)
    edifact_parts.read_header(document, header, document_date, po_reference)
    return document, number_, loops, summary


@reader("EDIFACT", "ORDERS")
def read_orders(transaction):
    """An ORDERS: BGM 1001 type (220), 1004 order number, 1225 function (9
    original), 4343 response type; DTM 137 order date; NAD groups; LIN
    groups (QTY 21 ordered, PRI AAA net / AAB gross); UNS, CNT, MOA."""
    document, number_, loops, summary = _read_edifact(transaction)
    if not number_:
        raise DocumentError(
            f"{where(_edifact_beginning(transaction), 2)}: the order number (C106 1004) is missing."
        )
    document["po_number"] = number_
    document["lines"] = [edifact_parts.read_line(loop, "ORDERS")[0] for loop in loops]
    edifact_parts.read_summary(document, summary)
    return _ordered(document)


def _ordered(document):
    """The document's keys in a readable order (po_number first)."""
    first = ("type", "purpose", "response_type", "po_number", "response_number", "change_number", "ack_type")
    return {
        **{k: document[k] for k in first if k in document},
        **{k: v for k, v in document.items() if k not in first},
    }


def _edifact_lines(document, message_type, decimal, action_of=None):
    out = []
    for path, line in lines_of(document):
        action = action_of(line, path) if action_of else line.get("action")
        out.extend(edifact_parts.line_segments(line, path, message_type, decimal, action))
        if message_type == "ORDRSP":
            out.extend(_ordrsp_acks(line, path, decimal))
    return out


@builder("EDIFACT", "ORDERS")
def build_orders(document, version, control_number="1", decimal=".", **_options):
    """An ORDERS (we buy). Mandatory as for the 850: po_number, order_date,
    ship_to (NAD+DP) with its identifiers, lines[] with line, quantity,
    unit_price, product_ids."""
    need(document, "po_number")
    need(document, "order_date")
    _check_ship_to(document)
    for path, line in lines_of(document):
        for key in ("line", "quantity", "unit_price", "product_ids"):
            need(line, key, path)
    body = [
        edifact_parts.bgm(
            document.get("type") or "220",
            document["po_number"],
            document.get("purpose") or "9",
            document.get("response_type"),
        )
    ]
    body.extend(edifact_parts.header(document, decimal))
    body.extend(_edifact_lines(document, "ORDERS", decimal))
    body.extend(edifact_parts.summary(document, decimal))
    return edifact_set("ORDERS", body, version, control_number)


# ORDRSP ----------------------------------------------------------------------------


@reader("EDIFACT", "ORDRSP")
def read_ordrsp(transaction):
    """An ORDRSP: BGM 231, 1004 response number, 1225 function (29 accepted
    without amendment -> ack_type AD, 4 change -> AC, 27 not accepted -> RJ);
    RFF+ON the order; LIN 1229 action -> line status; QTY 113 / 83 with
    their DTM -> acks."""
    document, number_, loops, summary = _read_edifact(transaction, "ON", "ack_date")
    put(document, "response_number", number_)
    if "po_number" not in document:
        raise DocumentError(f"ORDRSP {transaction.control_number}: no RFF+ON naming the order it answers.")
    if document.get("purpose") in ACK_FROM_FUNCTION:
        document["ack_type"] = ACK_FROM_FUNCTION[document["purpose"]]
    document["lines"] = []
    for loop in loops:
        line, rest = edifact_parts.read_line(loop, "ORDRSP")
        if line.get("action"):
            line["status"] = RESPONSE_STATUS.get(line["action"], line["action"])
        acks = []
        for segment in rest:
            if segment.tag == "QTY":
                ack = {"status": "IB" if segment.get(1, 1) == "83" else line.get("status", "IC")}
                ack["quantity"] = number(segment.get(1, 2), segment, 1)
                put(ack, "uom", value(segment, 1, 3))
                acks.append(ack)
            elif segment.tag == "DTM":
                qualifier, found = edifact_date(segment)
                acks[-1].setdefault("dates", {})[edifact_parts.date_name(qualifier)] = found
        put(line, "acks", acks)
        document["lines"].append(line)
    edifact_parts.read_summary(document, summary)
    return _ordered(document)


def _status_action(line, path):
    if line.get("action"):
        return line["action"]
    status = line.get("status") or (line.get("acks") or [{}])[0].get("status")
    if not status:
        raise DocumentError(f"{path}.status: missing (mandatory in an order response).")
    return STATUS_ACTION.get(status, "3")


def _ordrsp_acks(line, path, decimal):
    """One SG51 SCC (1: firm) + SG52 QTY (113 to be delivered, 83
    backordered) and its DTMs per ack."""
    out = []
    for index, ack in enumerate(line.get("acks") or []):
        where_ = f"{path}.acks[{index}]"
        qualifier = "83" if ack.get("status") == "IB" else "113"
        out.append(seg("SCC", "1"))
        out.append(
            seg(
                "QTY",
                (
                    qualifier,
                    out_number(need(ack, "quantity", where_), f"{where_}.quantity", decimal),
                    ack.get("uom"),
                ),
            )
        )
        for name, found in (ack.get("dates") or {}).items():
            out.append(
                edifact_dtm(
                    edifact_parts.date_code(name, f"{where_}.dates.{name}"), found, f"{where_}.dates.{name}"
                )
            )
    return out


@builder("EDIFACT", "ORDRSP")
def build_ordrsp(document, version, control_number="1", decimal=".", **_options):
    """An ORDRSP (we answer an ORDERS). Mandatory: po_number (RFF+ON),
    ack_type or purpose (BGM 1225), and per line a status or acks."""
    need(document, "po_number")
    if not document.get("purpose"):
        ack_type = need(document, "ack_type")
        if ack_type not in FUNCTION_FROM_ACK:
            raise DocumentError(
                f"ack_type: {ack_type!r} has no EDIFACT message function (known: {', '.join(FUNCTION_FROM_ACK)})."
            )
    function = document.get("purpose") or FUNCTION_FROM_ACK[document["ack_type"]]
    number_ = document.get("response_number") or document["po_number"]
    body = [
        edifact_parts.bgm(document.get("type") or "231", number_, function, document.get("response_type"))
    ]
    body.extend(edifact_parts.header(document, decimal, "ack_date", "ON"))
    if document.get("lines"):
        body.extend(_edifact_lines(document, "ORDRSP", decimal, _status_action))
    body.extend(edifact_parts.summary(document, decimal))
    return edifact_set("ORDRSP", body, version, control_number)


# ORDCHG ----------------------------------------------------------------------------


@reader("EDIFACT", "ORDCHG")
def read_ordchg(transaction):
    """An ORDCHG: BGM 230, 1004 change number, 1225 function (the change
    purpose); RFF+ON the order; LIN 1229 action -> change (1 AI, 2 DI, 3 CA)."""
    document, number_, loops, summary = _read_edifact(transaction, "ON", "change_date")
    put(document, "change_number", number_)
    if "purpose" in document:
        document["change_purpose"] = document.pop("purpose")
    if "po_number" not in document:
        raise DocumentError(f"ORDCHG {transaction.control_number}: no RFF+ON naming the order it changes.")
    document["lines"] = []
    for loop in loops:
        line, _rest = edifact_parts.read_line(loop, "ORDCHG")
        if not line.get("action"):
            raise DocumentError(f"{where(loop[0], 2)}: the action code (1229) of a changed line is missing.")
        line["change"] = CHANGE_FROM_ACTION.get(line["action"], line["action"])
        document["lines"].append(line)
    edifact_parts.read_summary(document, summary)
    return _ordered(document)


def _change_action(line, path):
    if line.get("action"):
        return line["action"]
    return ACTION_FROM_CHANGE.get(need(line, "change", path), "3")


@builder("EDIFACT", "ORDCHG")
def build_ordchg(document, version, control_number="1", decimal=".", **_options):
    """An ORDCHG (we change our order). Mandatory: po_number, change_purpose,
    lines[] with line and change (or action)."""
    need(document, "po_number")
    need(document, "change_purpose")
    for path, line in lines_of(document):
        need(line, "line", path)
    number_ = document.get("change_number") or document["po_number"]
    body = [
        edifact_parts.bgm(
            document.get("type") or "230", number_, document["change_purpose"], document.get("response_type")
        )
    ]
    body.extend(edifact_parts.header(document, decimal, "change_date", "ON"))
    body.extend(_edifact_lines(document, "ORDCHG", decimal, _change_action))
    body.extend(edifact_parts.summary(document, decimal))
    return edifact_set("ORDCHG", body, version, control_number)
