"""Pieces X12 order and invoice sets share: the header segments (CUR, REF,
ITD, DTM, SAC, N1 loops, MSG), product id pairs (PO106/PO107...), SAC
allowances and charges (SAC05 is N2: implied decimals), and the split of a
set's body into header, line loops and summary."""

from .common import (
    DocumentError,
    implied,
    need,
    out_number,
    parties_of,
    place_party,
    put,
    r_number,
    read_ref_into,
    read_x12_dtm,
    read_x12_party,
    required,
    seg,
    split_body,
    texts,
    to_implied,
    value,
    x12_dtm,
    x12_party,
)

SUMMARY_START = ("TDS", "CTT")  # 810 summary starts at TDS, 850/855/860 at CTT


def split(segments, line_tag):
    """(header, [line loop, ...], summary) of a set's body: a line loop
    starts at each ``line_tag`` segment; the summary at the first CTT/TDS/...
    after the lines (or after the header when there are none)."""
    return split_body(segments, (line_tag,), SUMMARY_START)


# --- product ids -------------------------------------------------------------------


def read_product_ids(segment, first, last):
    """{qualifier: id} from the pairs (first, first+1) .. (last-1, last)."""
    return product_ids_of(texts(segment, last + 1), first, min(last, len(segment)))


def product_ids_of(found, first, last):
    """:func:`read_product_ids` from a segment's :func:`~.common.texts`: the
    pairs up to ``last`` (as far as ``found`` reaches). A pair with a value
    on one side only stays, as written (a syntax error the validator
    reports); a later pair of the same qualifier wins."""
    stop = min(last + 1, len(found) - 1)
    return {q: i for q, i in zip(found[first:stop:2], found[first + 1 : stop + 1 : 2], strict=True) if q or i}


def product_pairs(ids, path, pairs):
    """The flat (qualifier, id, ...) values of ``ids``, at most ``pairs`` pairs."""
    if ids is None:
        return []
    if not isinstance(ids, dict):
        raise DocumentError(f"{path}: expected an object {{qualifier: id}}.")
    if len(ids) > pairs:
        raise DocumentError(f"{path}: at most {pairs} product ids fit, got {len(ids)}.")
    return [item for pair in ids.items() for item in pair]


# --- SAC ---------------------------------------------------------------------------


def read_sac(segment):
    """An allowance or charge: SAC01 indicator (A/C/N), SAC02 code, SAC05
    amount (N2), SAC06 percent basis, SAC07 percent, SAC08 rate, SAC09 uom,
    SAC10 quantity, SAC12 handling method, SAC13 reference, SAC15
    description."""
    out = {"indicator": required(segment, 1, what="allowance or charge indicator")}
    put(out, "code", value(segment, 2))
    put(out, "amount", implied(value(segment, 5), 2, segment, 5))
    put(out, "percent_basis", value(segment, 6))
    put(out, "percent", r_number(value(segment, 7), segment, 7))
    put(out, "rate", r_number(value(segment, 8), segment, 8))
    put(out, "uom", value(segment, 9))
    put(out, "quantity", r_number(value(segment, 10), segment, 10))
    put(out, "handling", value(segment, 12))
    put(out, "reference", value(segment, 13))
    put(out, "description", value(segment, 15))
    return out


def sac(item, path):
    indicator = need(item, "indicator", path)
    if indicator not in ("A", "C", "N"):
        raise DocumentError(
            f"{path}.indicator: {indicator!r} is not A (allowance), C (charge) or N (no allowance or charge)."
        )
    amount = to_implied(item["amount"], 2, f"{path}.amount") if item.get("amount") is not None else None
    return seg(
        "SAC",
        indicator,
        item.get("code"),
        None,
        None,
        amount,
        item.get("percent_basis"),
        out_number(item.get("percent"), f"{path}.percent"),
        out_number(item.get("rate"), f"{path}.rate"),
        item.get("uom"),
        out_number(item.get("quantity"), f"{path}.quantity"),
        None,
        item.get("handling"),
        item.get("reference"),
        None,
        item.get("description"),
    )


# --- header ------------------------------------------------------------------------


def read_header(document, segments):
    """The segments every header shares, into ``document``; the set's own
    beginning segment (BEG/BAK/BCH/BIG) is read by the caller."""
    index = 0
    while index < len(segments):
        segment = segments[index]
        tag = segment.tag
        if tag == "N1":
            role, party, index = read_x12_party(segments, index)
            place_party(document, "X12", role, party)
            continue
        if tag == "CUR":
            put(document, "currency", value(segment, 2))
        elif tag == "REF":
            read_ref_into(document, segment)
        elif tag == "DTM":
            name, found = read_x12_dtm(segment)
            document.setdefault("dates", {})[name] = found
        elif tag == "ITD":
            document["terms"] = read_itd(segment)
        elif tag == "SAC":
            document.setdefault("allowances_charges", []).append(read_sac(segment))
        elif tag == "MSG":
            document.setdefault("notes", []).append(value(segment, 1) or "")
        elif tag == "NTE":
            document.setdefault("notes", []).append(value(segment, 2) or "")
        elif tag == "TXI":
            document.setdefault("taxes", []).append(read_txi(segment))
        index += 1
    return document


def order_header(document, version):
    """The heading of an 850/855/860 after its first segment, in the order
    of the 004010 tables: CUR, REF, SAC, ITD, DTM, N9 + MSG (notes), N1 loops."""
    out = []
    if document.get("currency"):
        out.append(seg("CUR", "BY", document["currency"]))
    out.extend(_references(document))
    for index, item in enumerate(document.get("allowances_charges") or []):
        out.append(sac(item, f"allowances_charges[{index}]"))
    if document.get("terms"):
        out.append(itd(document["terms"], "terms"))
    out.extend(_dates(document, version))
    if document.get("notes"):
        out.append(seg("N9", "L1", "NOTES"))
        out.extend(seg("MSG", note) for note in document["notes"])
    out.extend(parties(document))
    return out


def invoice_header(document, version):
    """The heading of an 810 after BIG: NTE (notes), CUR, REF, N1 loops, ITD,
    DTM (004010 810 table)."""
    out = [seg("NTE", "GEN", note) for note in document.get("notes") or []]
    if document.get("currency"):
        out.append(seg("CUR", "SE", document["currency"]))
    out.extend(_references(document))
    out.extend(parties(document))
    if document.get("terms"):
        out.append(itd(document["terms"], "terms"))
    out.extend(_dates(document, version))
    return out


def _references(document):
    return [seg("REF", qualifier, ref) for qualifier, ref in (document.get("references") or {}).items()]


def _dates(document, version):
    return [
        x12_dtm(name, found, f"dates.{name}", version)
        for name, found in (document.get("dates") or {}).items()
    ]


def parties(document):
    """The N1 loops of ship_to, bill_to and parties."""
    out = []
    for role, party, path in parties_of(document, "X12"):
        out.extend(x12_party(role, party, path))
    return out


# --- terms, taxes ------------------------------------------------------------------

ITD_KEYS = (
    (1, "type"),
    (2, "basis_date"),
    (3, "discount_percent"),
    (4, "discount_due_date"),
    (5, "discount_days"),
    (6, "net_due_date"),
    (7, "net_days"),
    (8, "discount_amount"),
    (12, "description"),
)


def read_itd(segment):
    """ITD terms of sale as a dict keyed by meaning; ITD08 is N2."""
    terms = {}
    for number_, key in ITD_KEYS:
        found = value(segment, number_)
        if key == "discount_amount":
            found = implied(found, 2, segment, number_)
        put(terms, key, found)
    return terms


def itd(terms, path):
    values = [None] * 12
    for number_, key in ITD_KEYS:
        found = terms.get(key)
        if key == "discount_amount" and found is not None:
            found = to_implied(found, 2, f"{path}.{key}")
        values[number_ - 1] = found
    return seg("ITD", *values)


def read_txi(segment):
    """TXI: TXI01 tax type, TXI02 amount (R), TXI03 percent (R), TXI06 exempt code."""
    tax = {"type": required(segment, 1, what="tax type code")}
    put(tax, "amount", r_number(value(segment, 2), segment, 2))
    put(tax, "rate", r_number(value(segment, 3), segment, 3))
    put(tax, "exempt", value(segment, 6))
    return tax


def txi(tax, path):
    return seg(
        "TXI",
        need(tax, "type", path),
        out_number(tax.get("amount"), f"{path}.amount"),
        out_number(tax.get("rate"), f"{path}.rate"),
        None,
        None,
        tax.get("exempt"),
    )


# --- line details ------------------------------------------------------------------


def read_line_details(line, segments):
    """PID description, DTM dates, SAC, REF and TXI of one line loop (after
    its first segment); returns the segments it did not read (ACK for the
    855) in order."""
    rest = []
    for segment in segments:
        if segment.tag == "PID":
            description = value(segment, 5)
            if description and "description" not in line:
                line["description"] = description
        elif segment.tag == "DTM":
            name, found = read_x12_dtm(segment)
            line.setdefault("dates", {})[name] = found
        elif segment.tag == "SAC":
            line.setdefault("allowances_charges", []).append(read_sac(segment))
        elif segment.tag == "REF":
            read_ref_into(line, segment)
        elif segment.tag == "TXI":
            line.setdefault("taxes", []).append(read_txi(segment))
        else:
            rest.append(segment)
    return rest


ORDER_LINE = ("PID", "REF", "SAC", "DTM", "TXI")  # 850/855/860 PO1/POC loops
INVOICE_LINE = ("TXI", "PID", "REF", "DTM", "SAC")  # 810 IT1 loop


def line_details(line, path, version, order=ORDER_LINE):
    """PID, REF, SAC, TXI and DTM segments of one line (after PO1/POC/IT1),
    in the set's ``order``."""
    parts = {
        "PID": [seg("PID", "F", None, None, None, line["description"])] if line.get("description") else [],
        "REF": [seg("REF", qualifier, ref) for qualifier, ref in (line.get("references") or {}).items()],
        "SAC": [
            sac(item, f"{path}.allowances_charges[{index}]")
            for index, item in enumerate(line.get("allowances_charges") or [])
        ],
        "TXI": [txi(tax, f"{path}.taxes[{index}]") for index, tax in enumerate(line.get("taxes") or [])],
        "DTM": [
            x12_dtm(name, found, f"{path}.dates.{name}", version)
            for name, found in (line.get("dates") or {}).items()
        ],
    }
    return [segment for tag in order for segment in parts[tag]]
