"""Invoices and credit notes: X12 810 and EDIFACT INVOIC.

An invoice document::

    {"invoice_number": "00001", "invoice_date": "1997-12-11", "po_number": "A99999-01",
     "currency": "USD", "is_credit": False,
     "ship_to": {...}, "bill_to": {...}, "parties": {"RE": {...}},
     "terms": {"type": "01", "discount_percent": "1.000", "net_days": "16"},
     "lines": [{"quantity": "16", "uom": "CA", "unit_price": "12.34",
                "product_ids": {"UA": "002840022222"}, "description": "CRUNCHY CHIPS LSS"}],
     "allowances_charges": [{"indicator": "C", "code": "D240", "amount": "25.00"}],
     "taxes": [{"type": "ST", "amount": "10.50", "rate": "7"}],
     "total": "2554.38", "total_raw": "255438",
     "totals": {"line_count": "7"}}

X12: BIG01 invoice date, BIG02 number, BIG03 PO date, BIG04 PO number,
BIG07 transaction type (CR credit memo -> ``is_credit``); IT1 lines; TDS01
the total with two IMPLIED decimals ("255438" is 2554.38: ``total`` is the
decimal, ``total_raw`` what the file says); TXI taxes; SAC allowances and
charges (SAC05 N2 too); CTT.

EDIFACT: BGM 380 invoice / 381 credit note; DTM 137 (or 3) date; RFF+ON the
order; LIN groups with QTY 47 (or 12), MOA 203 line amount, PRI; UNS; CNT;
MOA 86 message total (77 invoice amount, 79 line items total, 125 taxable
amount, 39 invoice total, 124 tax); TAX groups; ALC groups.

Building checks the total: the lines (quantity x price / price basis
quantity), plus charges, less allowances, plus taxes must make the
document's ``total`` when it gives one; a builder computes it otherwise.
"""

from decimal import Decimal

from . import builder, edifact_parts, reader, x12_parts
from .common import (
    DocumentError,
    beginning,
    decimal,
    edifact_dtm,
    implied,
    iso_date,
    lines_of,
    money,
    need,
    out_number,
    put,
    r_number,
    required,
    seg,
    to_implied,
    value,
    x12_date,
    x12_set,
)
from .common import edifact_set as _edifact_set

TOTAL_AMOUNTS = ("86", "77", "39")  # EDIFACT MOA qualifiers that give the invoice total, preferred first


# --- totals ------------------------------------------------------------------------


def compute_total(document):
    """lines (quantity x unit price / basis quantity) + charges - allowances
    + tax amounts, line-level ones included, as an unrounded Decimal."""
    total = Decimal(0)
    for path, line in lines_of(document):
        quantity = decimal(need(line, "quantity", path), f"{path}.quantity")
        price = decimal(need(line, "unit_price", path), f"{path}.unit_price")
        basis = (line.get("price_details") or {}).get("basis_quantity")
        basis = decimal(basis, f"{path}.price_details.basis_quantity") if basis else Decimal(1)
        total += quantity * price / basis
        total += _charges(line.get("allowances_charges") or [], f"{path}.allowances_charges")
        total += _taxes(line.get("taxes") or [], f"{path}.taxes")
    total += _charges(document.get("allowances_charges") or [], "allowances_charges")
    total += _taxes(document.get("taxes") or [], "taxes")
    return total


def _charges(items, path):
    total = Decimal(0)
    for index, item in enumerate(items):
        indicator = need(item, "indicator", f"{path}[{index}]")
        if indicator not in ("A", "C", "N"):
            raise DocumentError(
                f"{path}[{index}].indicator: {indicator!r} is not A (allowance), C (charge) or N (none)."
            )
        if item.get("amount") is None:
            continue
        amount = decimal(item["amount"], f"{path}[{index}].amount")
        total += amount if indicator == "C" else -amount if indicator == "A" else 0
    return total


def _taxes(taxes, path):
    total = Decimal(0)
    for index, tax in enumerate(taxes):
        amount = tax.get("amount")
        if amount is None:
            amount = (tax.get("amounts") or {}).get("124")
        if amount is not None:
            total += decimal(amount, f"{path}[{index}].amount")
    return total


def _check_total(document):
    """The document's total (a string with cents), computed when absent and
    checked against the lines when given."""
    computed = money(compute_total(document))
    given = document.get("total")
    if given is None:
        return computed
    if decimal(given, "total") != Decimal(computed):
        raise DocumentError(
            f"total: {given} given, but the lines, allowances, charges and taxes make {computed}."
        )
    return str(given)


# --- X12 810 -----------------------------------------------------------------------


def _read_it1(loop):
    """IT101 line, IT102 quantity invoiced, IT103 uom, IT104 unit price (R),
    IT105 price basis, IT106..IT125 product id pairs; PID, DTM, SAC, TXI, REF."""
    it1 = loop[0]
    line = {}
    put(line, "line", value(it1, 1))
    put(line, "quantity", r_number(value(it1, 2), it1, 2))
    put(line, "uom", value(it1, 3))
    put(line, "unit_price", r_number(value(it1, 4), it1, 4))
    put(line, "price_basis", value(it1, 5))
    line["product_ids"] = x12_parts.read_product_ids(it1, 6, 25)
    x12_parts.read_line_details(line, loop[1:])
    return line


@reader("X12", "810")
def read_810(transaction):
    body = transaction.body
    big = beginning(transaction, "BIG")
    header, loops, summary = x12_parts.split(body[1:], "IT1")
    document = {
        "invoice_number": required(big, 2, what="invoice number"),
        "invoice_date": iso_date(required(big, 1, what="invoice date"), big, 1),
    }
    put(document, "order_date", iso_date(value(big, 3), big, 3))
    put(document, "po_number", value(big, 4))
    put(document, "release", value(big, 5))
    put(document, "change_sequence", value(big, 6))
    put(document, "transaction_type", value(big, 7))
    put(document, "purpose", value(big, 8))
    document["is_credit"] = value(big, 7) == "CR"
    x12_parts.read_header(document, header)
    document["lines"] = [_read_it1(loop) for loop in loops]
    totals = {}
    for segment in summary:
        if segment.tag == "TDS":
            raw = required(segment, 1, what="total invoice amount")
            document["total"] = implied(raw, 2, segment, 1)
            document["total_raw"] = raw
            put(document, "discountable_amount", implied(value(segment, 2), 2, segment, 2))
        elif segment.tag == "TXI":
            document.setdefault("taxes", []).append(x12_parts.read_txi(segment))
        elif segment.tag == "SAC":
            document.setdefault("allowances_charges", []).append(x12_parts.read_sac(segment))
        elif segment.tag == "AMT":
            totals.setdefault("amounts", {})[required(segment, 1)] = r_number(
                required(segment, 2), segment, 2
            )
        elif segment.tag == "CTT":
            put(totals, "line_count", value(segment, 1))
            put(totals, "hash_total", r_number(value(segment, 2), segment, 2))
    if "total" not in document:
        raise DocumentError(
            f"810 {transaction.control_number}: the TDS segment (total invoice amount) is missing."
        )
    put(document, "totals", totals)
    return document


@builder("X12", "810")
def build_810(document, version, control_number="0001", **_options):
    """An 810 (we invoice). Mandatory: invoice_number, invoice_date,
    po_number, lines[] with quantity, uom, unit_price; ``is_credit`` makes it
    a credit memo (BIG07 CR). TDS01 is computed (implied decimals) and
    checked against ``total`` when given."""
    need(document, "invoice_number")
    need(document, "invoice_date")
    need(document, "po_number")
    lines = lines_of(document)
    for path, line in lines:
        for key in ("quantity", "uom", "unit_price"):
            need(line, key, path)
    total = _check_total(document)
    raw = to_implied(total, 2, "total")
    if document.get("total_raw") is not None and str(document["total_raw"]) != raw:
        raise DocumentError(
            f"total_raw: {document['total_raw']} given, but the total {total} is written {raw}."
        )
    transaction_type = document.get("transaction_type")
    if document.get("is_credit"):
        if transaction_type not in (None, "CR"):
            raise DocumentError(f"transaction_type: a credit note is BIG07 CR, not {transaction_type}.")
        transaction_type = "CR"
    elif transaction_type == "CR":
        raise DocumentError("is_credit: BIG07 CR (credit memo) but is_credit is not true.")
    body = [
        seg(
            "BIG",
            x12_date(document["invoice_date"], "invoice_date", version),
            document["invoice_number"],
            x12_date(document["order_date"], "order_date", version) if document.get("order_date") else None,
            document["po_number"],
            document.get("release"),
            document.get("change_sequence"),
            transaction_type,
            document.get("purpose"),
        )
    ]
    body.extend(x12_parts.invoice_header(document, version))
    for path, line in lines:
        pairs = x12_parts.product_pairs(line.get("product_ids"), f"{path}.product_ids", 10)
        body.append(
            seg(
                "IT1",
                line.get("line"),
                out_number(line["quantity"], f"{path}.quantity"),
                line["uom"],
                out_number(line["unit_price"], f"{path}.unit_price"),
                line.get("price_basis"),
                *pairs,
            )
        )
        body.extend(x12_parts.line_details(line, path, version, x12_parts.INVOICE_LINE))
    discountable = document.get("discountable_amount")
    body.append(
        seg(
            "TDS",
            raw,
            to_implied(discountable, 2, "discountable_amount") if discountable is not None else None,
        )
    )
    for index, tax in enumerate(document.get("taxes") or []):
        body.append(x12_parts.txi(tax, f"taxes[{index}]"))
    totals = document.get("totals") or {}
    for qualifier, amount in (totals.get("amounts") or {}).items():
        body.append(seg("AMT", qualifier, out_number(amount, f"totals.amounts.{qualifier}")))
    for index, item in enumerate(document.get("allowances_charges") or []):
        body.append(x12_parts.sac(item, f"allowances_charges[{index}]"))
    count = totals.get("line_count", str(len(lines)))
    if str(count) != str(len(lines)):
        raise DocumentError(f"totals.line_count: {count} given, but the document has {len(lines)} lines.")
    body.append(seg("CTT", len(lines), out_number(totals.get("hash_total"), "totals.hash_total")))
    return x12_set("810", body, version, control_number)


# --- EDIFACT INVOIC ----------------------------------------------------------------


@reader("EDIFACT", "INVOIC")
def read_invoic(transaction):
    body = transaction.body
    bgm = beginning(transaction, "BGM", "UNH")
    code, number_, function, _response = edifact_parts.read_bgm(bgm)
    if not number_:
        raise DocumentError(
            f"segment {bgm.set_position or bgm.position} (BGM), BGM02: the invoice number (C106 1004) is missing."
        )
    header, loops, summary = edifact_parts.split(body[1:])
    document = {"type": code or "380", "invoice_number": number_}
    put(document, "purpose", function)
    document["is_credit"] = code == "381"
    edifact_parts.read_header(document, header, "invoice_date", "ON")
    dates = document.get("dates") or {}
    if "invoice_date" not in document and "3" in dates:
        document["invoice_date"] = dates.pop("3")
        document["invoice_date_qualifier"] = "3"
        if not dates:
            document.pop("dates")
    document["lines"] = [edifact_parts.read_line(loop, "INVOIC")[0] for loop in loops]
    edifact_parts.read_summary(document, summary)
    amounts = (document.get("totals") or {}).get("amounts") or {}
    total = next((amounts[q] for q in TOTAL_AMOUNTS if q in amounts), None)
    if total is None:
        raise DocumentError(
            f"INVOIC {transaction.control_number}: no total (MOA 86, 77 or 39) in the summary."
        )
    document["total"] = total
    return document


@builder("EDIFACT", "INVOIC")
def build_invoic(document, version, control_number="1", decimal=".", **_options):
    """An INVOIC (we invoice). Mandatory: invoice_number, invoice_date,
    po_number, lines[] with quantity, unit_price; ``is_credit`` makes it a
    credit note (BGM 381). The total (MOA 86 unless ``totals.amounts``
    gives 86/77/39) is computed and checked."""
    need(document, "invoice_number")
    need(document, "invoice_date")
    need(document, "po_number")
    for path, line in lines_of(document):
        need(line, "quantity", path)
        need(line, "unit_price", path)
    total = _check_total(document)
    code = document.get("type") or ("381" if document.get("is_credit") else "380")
    if bool(document.get("is_credit")) != (code == "381"):
        raise DocumentError(
            f"type: BGM {code} and is_credit={bool(document.get('is_credit'))} disagree (381 is a credit note)."
        )
    totals = dict(document.get("totals") or {})
    amounts = dict(totals.get("amounts") or {})
    if not any(q in amounts for q in TOTAL_AMOUNTS):
        amounts["86"] = total
    totals["amounts"] = amounts
    body = [edifact_parts.bgm(code, document["invoice_number"], document.get("purpose") or "9")]
    header_document = {k: v for k, v in document.items() if k != "invoice_date"}
    body.append(
        edifact_dtm(document.get("invoice_date_qualifier") or "137", document["invoice_date"], "invoice_date")
    )
    body.extend(edifact_parts.header(header_document, decimal, "invoice_date", "ON", taxes=False))
    for path, line in lines_of(document):
        body.extend(edifact_parts.line_segments(line, path, "INVOIC", decimal, line.get("action")))
    body.extend(edifact_parts.summary({**document, "totals": totals}, decimal, summary_taxes=True))
    return _edifact_set("INVOIC", body, version, control_number)
