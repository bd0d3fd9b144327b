"""Typed documents -> canonical payloads (integration_core's schemas and
channel_edi's own: ``../../schemas``).

==========================  ======================================================
document                    canonical kind
==========================  ======================================================
850 / ORDERS (customer's)   ``order``: the core's order importer makes a sale order
850 / ORDERS (either side)  ``purchase_order``
855 / ORDRSP                ``po_acknowledgement``
810 / INVOIC                ``invoice`` (a credit note for 810 BIG07 CR / BGM 381)
==========================  ======================================================

And back, for what we send (the EDI layer maps Odoo records to canonical
payloads, then these give the document to build):
:func:`purchase_order_to_document` (850/ORDERS out),
:func:`po_acknowledgement_to_document` (855/ORDRSP out, schedules as split
acks), :func:`invoice_to_document` (810/INVOIC out, credit notes).

The mappers are plain functions: they read the document, never the
database. What the core's order importer matches on:

- the customer by its binding: ``customer.external_id`` is the buyer's
  identity, ``"gln:<GLN>"`` (X12 N1 UL, EDIFACT NAD agency 9), else
  ``"duns:<DUNS>"``, else ``"<standard>:<qualifier>:<id>"``; the EDI backend
  binds each partner profile's identities to its partner;
- products by binding, SKU, then barcode: ``barcode`` is the GTIN (X12 UP,
  UK, EN; EDIFACT EN, SRV, UP), ``sku`` our number as the buyer quotes it
  (X12 VN/VP, EDIFACT SA, else X12 SK), ``variant_external_id`` the buyer's
  part number (``"buyer:<BP or IN>"``), which the importer binds to the
  product the SKU or GTIN found, so that the next order naming only the
  buyer's number still matches.

The ship-to's identities (GLN, store number) have no place in the core's
order schema: :func:`order_identities` lists them for the EDI layer, which
resolves the delivery address before calling the importer.

Decimal strings become :class:`~decimal.Decimal` (JSON numbers through
``canonical.dumps``), never floats.
"""

from decimal import Decimal

from .common import DocumentError, decimal, money

GTIN = {"X12": ("UP", "UK", "EN", "UA"), "EDIFACT": ("EN", "SRV", "UP")}
VENDOR_PART = {"X12": ("VN", "VP"), "EDIFACT": ("SA",)}
BUYER_PART = {"X12": ("BP", "IN", "PI", "CB"), "EDIFACT": ("IN", "BP")}
SKU = {"X12": ("SK",), "EDIFACT": ()}
GLN = {"X12": ("UL",), "EDIFACT": ("9",)}
DUNS = {"X12": ("1", "9"), "EDIFACT": ("16",)}
STORE = {"X12": ("92",), "EDIFACT": ("92",)}
# {standard: {qualifier: (name, ...)}}: the names product() tries for a qualifier, in order
PRODUCT_NAMES = {
    standard: {
        qualifier: tuple(
            name
            for name, table in (
                ("gtin", GTIN),
                ("vendor_part", VENDOR_PART),
                ("buyer_part", BUYER_PART),
                ("sku", SKU),
            )
            if qualifier in table[standard]
        )
        for table in (GTIN, VENDOR_PART, BUYER_PART, SKU)
        for qualifier in table[standard]
    }
    for standard in ("X12", "EDIFACT")
}
BUYER_ROLES = {"X12": ("BY", "BT", "ST"), "EDIFACT": ("BY", "IV", "DP")}
SUPPLIER_ROLES = {"X12": ("SE", "SU", "VN", "RE", "SF", "RI"), "EDIFACT": ("SU", "SE", "II", "PE")}

LINE_STATUS = {
    "IA": "accepted",
    "AA": "accepted",
    "AC": "accepted",
    "AR": "accepted",
    "IR": "rejected",
    **{f"R{n}": "rejected" for n in range(1, 10)},
    "BP": "backordered",
    "IQ": "quantity_changed",
    "IB": "backordered",
    "DR": "date_changed",
    "IP": "price_changed",
    "IE": "price_changed",
    "IC": "changed",
    "IS": "substituted",
    "ID": "deleted",
    "IH": "on_hold",
    "IF": "on_hold",
    "IW": "on_hold",
}
ACK_STATUS = {
    "AD": "accepted",
    "AT": "accepted",
    "AP": "accepted",
    "AC": "accepted_with_changes",
    "AE": "accepted_with_changes",
    "AK": "acknowledged",
    "NA": "acknowledged",
    "RD": "rejected",
    "RF": "rejected",
    "RJ": "rejected",
    "RO": "rejected",
}
CHANGE_KIND = {
    "AI": "add",
    "DI": "delete",
    "QD": "quantity",
    "QI": "quantity",
    "PC": "price",
    "RZ": "replace",
    "CA": "other",
}
PURPOSE = {
    "X12": {"00": "original", "01": "cancel", "04": "change", "05": "replace", "06": "confirmation"},
    "EDIFACT": {
        "9": "original",
        "1": "cancel",
        "4": "change",
        "5": "replace",
        "7": "confirmation",
        "3": "cancel",
    },
}


# --- identities --------------------------------------------------------------------


def party_identity(party, standard):
    """The key a party is bound by: "gln:...", "duns:...", else
    "<standard>:<qualifier>:<id>"; None without identifiers."""
    identifiers = {q: v for q, v in ((party or {}).get("identifiers") or {}).items() if v}
    for prefix, table in (("gln", GLN), ("duns", DUNS)):
        for qualifier in table[standard]:
            if identifiers.get(qualifier):
                return f"{prefix}:{identifiers[qualifier]}"
    for qualifier, found in identifiers.items():
        return f"{standard}:{qualifier}:{found}"
    return None


def identifiers(party, standard):
    """A party's identifiers in the canonical vocabulary: gln, duns,
    store_number, the rest as "<standard>:<qualifier>"."""
    out = {}
    for qualifier, found in ((party or {}).get("identifiers") or {}).items():
        if not found:
            continue
        if qualifier in GLN[standard]:
            out["gln"] = found
        elif qualifier in DUNS[standard]:
            out["duns"] = found
        elif qualifier in STORE[standard]:
            out["store_number"] = found
        else:
            out[f"{standard}:{qualifier}"] = found
    return out


def order_identities(document, standard):
    """The identities the EDI layer looks partners up by, best first:
    {"customer": [...], "ship_to": [...], "bill_to": [...]} (keys as
    :func:`party_identity`, plus "store:<number>" for a store number)."""
    out = {}
    buyer = _buyer(document, standard)
    for key, party in (
        ("customer", buyer),
        ("ship_to", document.get("ship_to")),
        ("bill_to", document.get("bill_to")),
    ):
        keys = []
        ids = identifiers(party, standard)
        for name in ("gln", "duns"):
            if ids.get(name):
                keys.append(f"{name}:{ids[name]}")
        if ids.get("store_number"):
            keys.append(f"store:{ids['store_number']}")
        keys.extend(
            f"{name}:{found}" for name, found in ids.items() if name not in ("gln", "duns", "store_number")
        )
        out[key] = keys
    return out


def product(ids, standard):
    """Product ids in the canonical vocabulary (gtin, buyer_part,
    vendor_part, sku, others as "<standard>:<qualifier>")."""
    out = {}
    names = PRODUCT_NAMES[standard]
    for qualifier, found in (ids or {}).items():
        if not found:
            continue
        for name in names.get(qualifier, ()):
            if name not in out:
                out[name] = found
                break
        else:
            out[f"{standard}:{qualifier}"] = found
    if "gtin" in out and not (out["gtin"].isdigit() and len(out["gtin"]) in (8, 12, 13, 14)):
        out[f"{standard}:gtin"] = out.pop("gtin")  # as written, but not a GTIN
    return out


_PLANS = {"X12": {}, "EDIFACT": {}}  # {standard: {product id qualifiers: _plan()}}


def _plan(qualifiers, standard):
    """(gtin, vendor_part, sku, buyer_part): the qualifier :func:`product`
    takes each name from, for product ids of these ``qualifiers`` (in this
    order) all given; None for a name none of them gives."""
    names, taken = PRODUCT_NAMES[standard], {}
    for qualifier in qualifiers:  # product()'s loop
        for name in names.get(qualifier, ()):
            if name not in taken:
                taken[name] = qualifier
                break
    if len(_PLANS[standard]) >= 256:
        _PLANS[standard].clear()
    return taken.get("gtin"), taken.get("vendor_part"), taken.get("sku"), taken.get("buyer_part")


def _buyer(document, standard):
    parties = document.get("parties") or {}
    for role in BUYER_ROLES[standard]:
        if role in parties:
            return parties[role]
    return document.get("bill_to") or document.get("ship_to")


def _supplier(document, standard):
    parties = document.get("parties") or {}
    for role in SUPPLIER_ROLES[standard]:
        if role in parties:
            return parties[role]
    return None


def _address(party):
    if not party:
        return None
    address = party.get("address") or {}
    street = address.get("street") or []
    if isinstance(street, str):
        street = [street]
    country = address.get("country")
    out = {
        "name": party.get("name") or None,
        "street": street[0] if street else None,
        "street2": " ".join(street[1:]) or None,
        "city": address.get("city"),
        "zip": address.get("postal_code"),
        "state_code": address.get("state"),
        "country_code": country
        if country and len(country) == 2 and country.isalpha() and country.isupper()
        else None,
    }
    return out


def _date(found):
    """The date part of a document date ("2024-05-01T10:00" -> "2024-05-01"); None otherwise."""
    if isinstance(found, str) and len(found) >= 10:
        return found[:10]
    return None


def _amount(text, path):
    return None if text is None else decimal(text, path)


def _line_amount(text, index, key):
    """:func:`_amount` of a line's ``key``; the path for a message is only
    written when there is one to give (twice per line of a large order)."""
    if text is None:
        return None
    if text.__class__ is str:
        plain = text.replace(".", "", 1)
        if plain.isdigit() and plain.isascii():
            return Decimal(text)
    return decimal(text, f"lines[{index}].{key}")


# --- 850 -> order ------------------------------------------------------------------


def to_order(document, standard, *, currency=None, partner_key=None):
    """The core's canonical ``order`` of a customer's 850/ORDERS.

    ``currency`` is the partner's when the order names none (CUR/CUX);
    ``partner_key`` (the trading partner's code) prefixes the external ids,
    since PO numbers are only unique per buyer. Lines need a unit price (a
    catalogue price is the EDI layer's business): a line without one is a
    DocumentError naming it.
    """
    po_number = _need(document, "po_number")
    prefix = f"{partner_key}:" if partner_key else ""
    currency = document.get("currency") or currency
    if not currency:
        raise DocumentError(
            "currency: the order names none (X12 CUR, EDIFACT CUX); pass the partner's currency."
        )
    buyer = _buyer(document, standard)
    identity = party_identity(buyer, standard)
    name = (buyer or {}).get("name") or identity or po_number
    lines = []
    order_id = f"{prefix}{po_number}:"
    plans = _PLANS[standard]
    for index, line in enumerate(document.get("lines") or []):
        price = line.get("unit_price")
        if price is None:
            raise DocumentError(
                f"lines[{index}].unit_price: the order gives no price for line {line.get('line') or index + 1}."
            )
        number_ = line.get("line") or str(index + 1)
        description = line.get("description")
        ids = line.get("product_ids")
        # the common line, written out (thousands per order): a description, product ids
        # all given (product()'s names then depend on the qualifiers only), plain amounts
        plan = None
        if description and ids.__class__ is dict and all(ids.values()):
            qualifiers = tuple(ids)
            plan = plans.get(qualifiers)
            if plan is None:
                plan = plans[qualifiers] = _plan(qualifiers, standard)
        quantity = line.get("quantity")
        # _line_amount()'s plain case (Decimal takes any decimal digits, as decimal() would)
        if (
            plan is not None
            and quantity.__class__ is str
            and (quantity.isdecimal() or quantity.replace(".", "", 1).isdecimal())
            and price.__class__ is str
            and price.replace(".", "", 1).isdecimal()
            and "price_details" not in line
        ):
            gtin, vendor, sku, buyer = plan
            barcode = ids[gtin] if gtin else None
            if barcode is not None and not (barcode.isdigit() and len(barcode) in (8, 12, 13, 14)):
                barcode = None  # as written, but not a GTIN: product() renames it
            out = {
                "external_id": f"{order_id}{number_}",
                "name": description,
                "quantity": Decimal(quantity),
                "unit_price": Decimal(price),
                "sku": (ids[vendor] if vendor else None) or (ids[sku] if sku else None),
                "barcode": barcode,
            }
            buyer = ids[buyer] if buyer else None
        else:
            ids = product(ids, standard)
            out = {
                "external_id": f"{order_id}{number_}",
                "name": description or next(iter(ids.values()), number_),
                "quantity": _line_amount(quantity, index, "quantity"),
                "unit_price": _line_unit_price(line, index),
                "sku": ids.get("vendor_part") or ids.get("sku"),
                "barcode": ids.get("gtin"),
            }
            buyer = ids.get("buyer_part")
        if buyer:
            out["variant_external_id"] = f"{prefix}buyer:{buyer}"
        if line.get("allowances_charges"):
            path = f"lines[{index}]"
            discount = sum(
                (
                    _amount(c["amount"], f"{path}.allowances_charges[{i}].amount")
                    for i, c in enumerate(line["allowances_charges"])
                    if c.get("indicator") == "A" and c.get("amount") is not None
                ),
                Decimal(0),
            )
            if discount:
                out["discount_amount"] = discount
        lines.append(out)
    if not lines:
        raise DocumentError("lines: the order has no lines.")
    payload = {
        "schema_version": 1,
        "external_id": f"{prefix}{po_number}",
        "name": po_number,
        "currency": currency,
        "customer": {"external_id": identity, "name": name},
        "billing_address": _address(document.get("bill_to")),
        "shipping_address": _address(document.get("ship_to")),
        "lines": lines,
        "shipping_lines": [],
        "discounts": [],
        "note": _note(document),
    }
    if _date(document.get("order_date")):
        payload["created_at"] = f"{_date(document['order_date'])}T00:00:00Z"
    for index, item in enumerate(document.get("allowances_charges") or []):
        amount = _amount(item.get("amount"), f"allowances_charges[{index}].amount")
        if amount is None:
            continue
        if item.get("indicator") == "A":
            payload["discounts"].append({"code": item.get("code") or "allowance", "amount": amount})
        elif item.get("indicator") == "C":
            payload["shipping_lines"].append(
                {
                    "code": item.get("code"),
                    "title": item.get("description") or item.get("code") or "Charge",
                    "price": amount,
                }
            )
    return payload


def _unit_price(line, path):
    price = _amount(line.get("unit_price"), f"{path}.unit_price")
    basis = (line.get("price_details") or {}).get("basis_quantity")
    if price is not None and basis:
        price = price / decimal(basis, f"{path}.price_details.basis_quantity")
    return price


def _line_unit_price(line, index):
    """:func:`_unit_price` of ``lines[index]``, its path written only for a message."""
    price = _line_amount(line.get("unit_price"), index, "unit_price")
    details = line.get("price_details")
    basis = details.get("basis_quantity") if details else None
    if price is not None and basis:
        price = price / decimal(basis, f"lines[{index}].price_details.basis_quantity")
    return price


def _note(document):
    notes = []
    for note in document.get("notes") or []:
        notes.append(note.get("text") if isinstance(note, dict) else str(note))
    return "\n".join(n for n in notes if n) or None


def _need(document, key):
    found = document.get(key)
    if not found:
        raise DocumentError(f"{key}: missing (mandatory).")
    return found


# --- 850 -> purchase_order ---------------------------------------------------------


def _party(party, standard):
    if not party:
        return None
    out = {"external_id": party_identity(party, standard), "name": party.get("name")}
    ids = identifiers(party, standard)
    if ids:
        out["identifiers"] = ids
    address = _address(party)
    if address and any(v for k, v in address.items() if k != "name"):
        address.pop("name")
        out["address"] = address
    return out


def to_purchase_order(document, standard, *, partner_key=None):
    """The ``purchase_order`` of an 850/ORDERS or 860/ORDCHG (either
    direction)."""
    po_number = _need(document, "po_number")
    prefix = f"{partner_key}:" if partner_key else ""
    purpose_code = document.get("change_purpose") or document.get("purpose")
    payload = {
        "schema_version": 1,
        "external_id": f"{prefix}{po_number}",
        "po_number": po_number,
        "purpose": PURPOSE[standard].get(
            purpose_code, "change" if document.get("change_purpose") else "original"
        ),
        "order_type": document.get("type"),
        "release": document.get("release"),
        "order_date": _date(document.get("order_date")),
        "currency": document.get("currency"),
        "supplier": _party(_supplier(document, standard), standard) or {},
        "note": _note(document),
    }
    for key, party in (
        ("buyer", _buyer(document, standard)),
        ("ship_to", document.get("ship_to")),
        ("bill_to", document.get("bill_to")),
    ):
        mapped = _party(party, standard)
        if mapped:
            payload[key] = mapped
    dates = document.get("dates") or {}
    for key, name in (
        ("requested_delivery_date", "delivery_requested"),
        ("requested_ship_date", "ship_requested"),
        ("cancel_after", "cancel_after"),
    ):
        if _date(dates.get(name)):
            payload[key] = _date(dates[name])
    terms = document.get("terms")
    if terms:
        payload["payment_terms"] = {
            "description": terms.get("description"),
            "net_days": int(terms["net_days"]) if str(terms.get("net_days", "")).isdigit() else None,
            "discount_percent": _amount(terms.get("discount_percent"), "terms.discount_percent"),
            "discount_days": int(terms["discount_days"])
            if str(terms.get("discount_days", "")).isdigit()
            else None,
        }
    payload["charges"] = _charges(document.get("allowances_charges"), "allowances_charges")
    payload["lines"] = []
    for index, line in enumerate(document.get("lines") or []):
        path = f"lines[{index}]"
        line_dates = line.get("dates") or {}
        out = {
            "line_number": line.get("line") or str(index + 1),
            "product": product(line.get("product_ids"), standard),
            "description": line.get("description"),
            "quantity": _amount(line.get("quantity"), f"{path}.quantity") or Decimal(0),
            "uom": line.get("uom"),
            "unit_price": _unit_price(line, path),
            "requested_delivery_date": _date(line_dates.get("delivery_requested")),
            "requested_ship_date": _date(line_dates.get("ship_requested")),
            "charges": _charges(line.get("allowances_charges"), f"{path}.allowances_charges"),
        }
        if line.get("change"):
            out["change"] = CHANGE_KIND.get(line["change"], "other")
        payload["lines"].append(out)
    return payload


def _charges(items, path):
    out = []
    for index, item in enumerate(items or []):
        if item.get("amount") is None or item.get("indicator") not in ("A", "C"):
            continue
        out.append(
            {
                "kind": "allowance" if item["indicator"] == "A" else "charge",
                "code": item.get("code"),
                "description": item.get("description"),
                "amount": _amount(item["amount"], f"{path}[{index}].amount"),
                "percent": _amount(item.get("percent"), f"{path}[{index}].percent"),
            }
        )
    return out


# --- 855 -> po_acknowledgement -----------------------------------------------------


def to_po_acknowledgement(document, standard, *, partner_key=None):
    """The ``po_acknowledgement`` of an 855/ORDRSP: each line's status and
    its schedules (one per X12 ACK / EDIFACT QTY 113 or 83)."""
    po_number = _need(document, "po_number")
    prefix = f"{partner_key}:" if partner_key else ""
    ack_type = document.get("ack_type")
    lines = []
    for index, line in enumerate(document.get("lines") or []):
        path = f"lines[{index}]"
        code = line.get("status")
        schedules = []
        for a_index, ack in enumerate(line.get("acks") or []):
            dates = ack.get("dates") or {}
            date_type, found = next(iter(dates.items()), (None, None))
            schedules.append(
                {
                    "status": LINE_STATUS.get(ack.get("status"), "other"),
                    "status_code": ack.get("status"),
                    "quantity": _amount(ack.get("quantity"), f"{path}.acks[{a_index}].quantity")
                    or Decimal(0),
                    "uom": ack.get("uom") or line.get("uom"),
                    "date": _date(found),
                    "date_type": date_type,
                }
            )
        if not schedules and code and line.get("quantity") is not None:
            schedules.append(
                {
                    "status": LINE_STATUS.get(code, "other"),
                    "status_code": code,
                    "quantity": _amount(line["quantity"], f"{path}.quantity"),
                    "uom": line.get("uom"),
                }
            )
        lines.append(
            {
                "line_number": line.get("line") or str(index + 1),
                "product": product(line.get("product_ids"), standard),
                "ordered_quantity": _amount(line.get("quantity"), f"{path}.quantity"),
                "uom": line.get("uom"),
                "unit_price": _unit_price(line, path),
                "status": LINE_STATUS.get(code, "other") if code else "other",
                "status_code": code,
                "schedules": schedules,
            }
        )
    status = ACK_STATUS.get(ack_type)
    if status is None:
        statuses = {line["status"] for line in lines}
        status = (
            "accepted"
            if statuses == {"accepted"}
            else "rejected"
            if statuses == {"rejected"}
            else "accepted_with_changes"
        )
    payload = {
        "schema_version": 1,
        "external_id": f"{prefix}{document.get('response_number') or po_number}",
        "po_number": po_number,
        "status": status,
        "status_code": ack_type or document.get("purpose"),
        "acknowledged_on": _date(document.get("ack_date")),
        "order_date": _date(document.get("order_date")),
        "seller_order_number": document.get("seller_order_number"),
        "lines": lines,
        "note": _note(document),
    }
    for key, party in (("supplier", _supplier(document, standard)), ("buyer", _buyer(document, standard))):
        mapped = _party(party, standard)
        if mapped:
            mapped.pop("address", None)
            payload[key] = mapped
    return payload


# --- 810 -> invoice ----------------------------------------------------------------


def to_invoice(document, standard, *, currency=None, partner_key=None):
    """The core's canonical ``invoice`` of an 810/INVOIC (a vendor bill
    when a supplier sends it): a credit note for BIG07 CR / BGM 381;
    allowances and charges become lines of their own so that the lines add
    up to the total; ``totals.total`` is the document's (TDS, MOA 86/77/39)."""
    number_ = _need(document, "invoice_number")
    prefix = f"{partner_key}:" if partner_key else ""
    currency = document.get("currency") or currency
    if not currency:
        raise DocumentError(
            "currency: the invoice names none (X12 CUR, EDIFACT CUX); pass the partner's currency."
        )
    lines = []
    for index, line in enumerate(document.get("lines") or []):
        path = f"lines[{index}]"
        ids = product(line.get("product_ids"), standard)
        lines.append(
            {
                "order_line_external_id": f"{prefix}{document['po_number']}:{line['line']}"
                if line.get("line") and document.get("po_number")
                else None,
                "sku": ids.get("vendor_part") or ids.get("sku") or ids.get("gtin"),
                "name": line.get("description") or next(iter(ids.values()), f"line {index + 1}"),
                "quantity": _amount(_need_line(line, "quantity", path), f"{path}.quantity"),
                "unit_price": _unit_price(line, path) if line.get("unit_price") is not None else Decimal(0),
            }
        )
        for c_index, item in enumerate(line.get("allowances_charges") or []):
            lines.extend(_charge_line(item, f"{path}.allowances_charges[{c_index}]"))
    for index, item in enumerate(document.get("allowances_charges") or []):
        lines.extend(_charge_line(item, f"allowances_charges[{index}]"))
    if not lines:
        raise DocumentError("lines: the invoice has no lines.")
    total = _amount(document.get("total"), "total")
    tax = Decimal(0)
    for index, item in enumerate(document.get("taxes") or []):
        amount = (
            item.get("amount") if item.get("amount") is not None else (item.get("amounts") or {}).get("124")
        )
        if amount is not None:
            tax += decimal(amount, f"taxes[{index}].amount")
    supplier = _supplier(document, standard)
    payload = {
        "schema_version": 1,
        "external_id": f"{prefix}{number_}",
        "number": number_,
        "move_type": "credit_note" if document.get("is_credit") else "invoice",
        "order_ref": document.get("po_number"),
        "date": _date(document.get("invoice_date")),
        "due_date": _date(
            (document.get("terms") or {}).get("net_due_date") and _iso(document["terms"]["net_due_date"])
        ),
        "currency": currency,
        "lines": lines,
    }
    if supplier:
        payload["partner"] = {
            "external_id": party_identity(supplier, standard),
            "name": supplier.get("name") or party_identity(supplier, standard) or "?",
        }
    if total is not None:
        payload["totals"] = {"total": total, "tax": tax, "untaxed": total - tax}
    return payload


def _iso(text):
    """An X12 CCYYMMDD (ITD06) as ISO; ISO stays."""
    return f"{text[:4]}-{text[4:6]}-{text[6:8]}" if len(text) == 8 and text.isdigit() else text


def _need_line(line, key, path):
    if line.get(key) is None:
        raise DocumentError(f"{path}.{key}: missing (mandatory).")
    return line[key]


def _charge_line(item, path):
    amount = _amount(item.get("amount"), f"{path}.amount")
    if amount is None or item.get("indicator") not in ("A", "C"):
        return []
    sign = Decimal(1) if item["indicator"] == "C" else Decimal(-1)
    label = "Charge" if item["indicator"] == "C" else "Allowance"
    name = item.get("description") or item.get("code") or item.get("reference") or ""
    return [
        {"sku": None, "name": f"{label} {name}".strip(), "quantity": Decimal(1), "unit_price": sign * amount}
    ]


# --- canonical -> documents (what we send) -----------------------------------------

OUT_PURPOSE = {
    "X12": {"original": "00", "cancel": "01", "change": "04", "replace": "05", "confirmation": "06"},
    "EDIFACT": {"original": "9", "cancel": "1", "change": "4", "replace": "5", "confirmation": "7"},
}
OUT_ACK_TYPE = {"accepted": "AD", "accepted_with_changes": "AC", "rejected": "RD", "acknowledged": "AK"}
OUT_LINE_STATUS = {
    "accepted": "IA",
    "rejected": "IR",
    "quantity_changed": "IQ",
    "backordered": "IB",
    "date_changed": "DR",
    "price_changed": "IP",
    "changed": "IC",
    "substituted": "IS",
    "deleted": "ID",
    "on_hold": "IH",
    "other": "IC",
}


def _text(number):
    """A canonical number (Decimal, int) as a document's decimal string."""
    if number is None:
        return None
    if isinstance(number, float):
        raise DocumentError(
            f"{number!r}: a float where a decimal is expected (read payloads with canonical.loads)."
        )
    return str(number)


def party_to_document(party, standard):
    """A canonical party as a document party: the one identifier N1/NAD
    carries is the GLN, else the DUNS, else the store number, else the
    first '<standard>:<qualifier>' one of this standard."""
    if not party:
        return None
    ids = party.get("identifiers") or {}
    qualifiers = {
        "gln": GLN[standard][0],
        "duns": ("9" if standard == "X12" and len(ids.get("duns", "")) == 13 else DUNS[standard][0]),
        "store_number": STORE[standard][0],
    }
    out = {}
    if party.get("name"):
        out["name"] = party["name"]
    for name in ("gln", "duns", "store_number"):
        if ids.get(name):
            out["identifiers"] = {qualifiers[name]: ids[name]}
            break
    else:
        for key, found in ids.items():
            prefix, _, qualifier = key.partition(":")
            if prefix == standard and qualifier:
                out["identifiers"] = {qualifier: found}
                break
    address = party.get("address") or {}
    document_address = {}
    street = [s for s in (address.get("street"), address.get("street2")) if s]
    if street:
        document_address["street"] = street
    for key, source in (
        ("city", "city"),
        ("state", "state_code"),
        ("postal_code", "zip"),
        ("country", "country_code"),
    ):
        if address.get(source):
            document_address[key] = address[source]
    if document_address:
        out["address"] = document_address
    return out


def product_to_document(product_, standard):
    """Canonical product ids as a document's product_ids: GTIN as UP (12
    digits), EN (8 or 13) or UK (14) in X12, EN in EDIFACT; vendor part VN /
    SA; buyer part IN; SKU SK (X12); '<standard>:<qualifier>' ones as such."""
    out = {}
    gtin = (product_ or {}).get("gtin")
    if gtin:
        out[{12: "UP", 14: "UK"}.get(len(gtin), "EN") if standard == "X12" else "EN"] = gtin
    for name, qualifier in (("vendor_part", VENDOR_PART[standard][0]), ("buyer_part", "IN")):
        if (product_ or {}).get(name):
            out.setdefault(qualifier, product_[name])
    if (product_ or {}).get("sku") and standard == "X12":
        out.setdefault("SK", product_["sku"])
    for key, found in (product_ or {}).items():
        prefix, _, qualifier = key.partition(":")
        if prefix == standard and qualifier:
            out.setdefault(qualifier, found)
    return out


def purchase_order_to_document(po, standard):
    """The 850/ORDERS document of a canonical ``purchase_order`` we send
    (purpose original or confirmation; a change order goes out as an 860/
    ORDCHG built from its own document)."""
    purpose = po.get("purpose") or "original"
    if purpose not in ("original", "confirmation"):
        raise DocumentError(f"purpose: a {purpose} order is an 860/ORDCHG, not an 850/ORDERS.")
    document = {
        "purpose": OUT_PURPOSE[standard][purpose],
        "type": po.get("order_type") or ("SA" if standard == "X12" else "220"),
    }
    document["po_number"] = _need(po, "po_number")
    if po.get("release"):
        document["release"] = po["release"]
    document["order_date"] = _need(po, "order_date")
    if po.get("currency"):
        document["currency"] = po["currency"]
    dates = {}
    for key, name in (
        ("requested_delivery_date", "delivery_requested"),
        ("requested_ship_date", "ship_requested"),
        ("cancel_after", "cancel_after"),
    ):
        if po.get(key):
            dates[name] = po[key]
    if dates:
        document["dates"] = dates
    terms = po.get("payment_terms") or {}
    if any(v is not None for v in terms.values()):
        document["terms"] = {
            k: v
            for k, v in (
                ("type", "01" if standard == "X12" else None),
                ("discount_percent", _text(terms.get("discount_percent"))),
                ("discount_days", _text(terms.get("discount_days"))),
                ("net_days", _text(terms.get("net_days"))),
                ("description", terms.get("description")),
            )
            if v is not None
        }
    charges = _document_charges(po.get("charges"))
    if charges:
        document["allowances_charges"] = charges
    if po.get("note"):
        document["notes"] = [po["note"]] if standard == "X12" else [{"subject": "PUR", "text": po["note"]}]
    for key in ("ship_to", "bill_to"):
        if po.get(key):
            document[key] = party_to_document(po[key], standard)
    parties = {}
    for key, role in (("buyer", "BY"), ("supplier", "SE" if standard == "X12" else "SU")):
        if po.get(key):
            parties[role] = party_to_document(po[key], standard)
    if parties:
        document["parties"] = parties
    document["lines"] = []
    for line in po.get("lines") or []:
        out = {"line": line["line_number"], "quantity": _text(line["quantity"])}
        if line.get("uom"):
            out["uom"] = line["uom"]
        if line.get("unit_price") is not None:
            out["unit_price"] = _text(line["unit_price"])
            if standard == "EDIFACT":
                out["price_qualifier"] = "AAA"
        out["product_ids"] = product_to_document(line.get("product"), standard)
        if line.get("description"):
            out["description"] = line["description"]
        line_dates = {
            name: line[key]
            for key, name in (
                ("requested_delivery_date", "delivery_requested"),
                ("requested_ship_date", "ship_requested"),
            )
            if line.get(key)
        }
        if line_dates:
            out["dates"] = line_dates
        line_charges = _document_charges(line.get("charges"))
        if line_charges:
            out["allowances_charges"] = line_charges
        document["lines"].append(out)
    document["totals"] = {"line_count": str(len(document["lines"]))}
    return document


def _document_charges(charges):
    out = []
    for charge in charges or []:
        item = {"indicator": "A" if charge["kind"] == "allowance" else "C"}
        if charge.get("code"):
            item["code"] = charge["code"]
        item["amount"] = _text(charge["amount"])
        if charge.get("percent") is not None:
            item["percent"] = _text(charge["percent"])
        if charge.get("description"):
            item["description"] = charge["description"]
        out.append(item)
    return out


def po_acknowledgement_to_document(ack, standard):
    """The 855/ORDRSP document of a canonical ``po_acknowledgement`` we send:
    each line's schedules become its acks (split quantities and dates)."""
    document = {"purpose": "00" if standard == "X12" else None}
    document["ack_type"] = (
        ack.get("status_code")
        if ack.get("status_code") in OUT_ACK_TYPE.values()
        else OUT_ACK_TYPE[ack["status"]]
    )
    document["po_number"] = _need(ack, "po_number")
    if ack.get("order_date"):
        document["order_date"] = ack["order_date"]
    if ack.get("seller_order_number"):
        document["seller_order_number"] = ack["seller_order_number"]
    if ack.get("acknowledged_on"):
        document["ack_date"] = ack["acknowledged_on"]
    document = {k: v for k, v in document.items() if v is not None}
    document["lines"] = []
    for line in ack.get("lines") or []:
        status = line.get("status_code") or OUT_LINE_STATUS[line["status"]]
        out = {"line": line["line_number"]}
        if line.get("ordered_quantity") is not None:
            out["quantity"] = _text(line["ordered_quantity"])
        if line.get("uom"):
            out["uom"] = line["uom"]
        if line.get("unit_price") is not None:
            out["unit_price"] = _text(line["unit_price"])
        out["product_ids"] = product_to_document(line.get("product"), standard)
        out["status"] = status
        acks = []
        for schedule in line.get("schedules") or []:
            item = {
                "status": schedule.get("status_code") or OUT_LINE_STATUS[schedule["status"]],
                "quantity": _text(schedule["quantity"]),
            }
            if schedule.get("uom") or line.get("uom"):
                item["uom"] = schedule.get("uom") or line.get("uom")
            if schedule.get("date"):
                item["dates"] = {
                    schedule.get("date_type")
                    or ("ship_scheduled" if standard == "X12" else "delivery_promised"): schedule["date"]
                }
            acks.append(item)
        if acks:
            out["acks"] = acks
            out["status"] = acks[0]["status"]
        document["lines"].append(out)
    document["totals"] = {"line_count": str(len(document["lines"]))}
    return document


def invoice_to_document(invoice, standard, *, po_number=None, tax_type="VA", uom="EA"):
    """The 810/INVOIC document of a canonical ``invoice`` we send (a credit
    note when ``move_type`` is credit_note). Line taxes are summed per title
    into the document's taxes (X12 TXI ``tax_type``, EDIFACT TAX VAT) with
    their rate as a percent; the builder then checks that lines and taxes
    make ``totals.total``."""
    document = {"invoice_number": _need(invoice, "number"), "invoice_date": _need(invoice, "date")}
    document["po_number"] = invoice.get("order_ref") or po_number
    if not document["po_number"]:
        raise DocumentError("order_ref: the invoice names no order (BIG04 / RFF+ON are mandatory).")
    document["is_credit"] = invoice.get("move_type") == "credit_note"
    if standard == "EDIFACT":
        document["type"] = "381" if document["is_credit"] else "380"
    document["currency"] = invoice["currency"]
    document["lines"] = []
    taxes = {}
    for index, line in enumerate(invoice.get("lines") or []):
        out = {
            "line": str(index + 1),
            "quantity": _text(line["quantity"]),
            "uom": uom,
            "unit_price": _text(line["unit_price"]),
        }
        if standard == "EDIFACT":
            out["price_qualifier"] = "AAA"
        if line.get("sku"):
            out["product_ids"] = {VENDOR_PART[standard][0]: line["sku"]}
        if line.get("name"):
            out["description"] = line["name"]
        for tax in line.get("taxes") or []:
            key = (tax["title"], tax["rate"])
            taxes[key] = taxes.get(key, Decimal(0)) + decimal(
                str(tax.get("amount") or 0), f"lines[{index}].taxes.amount"
            )
        document["lines"].append(out)
    if taxes:
        document["taxes"] = []
        for (_title, rate), amount in taxes.items():
            percent = format((decimal(str(rate), "taxes.rate") * 100).normalize(), "f")
            if standard == "X12":
                document["taxes"].append({"type": tax_type, "amount": money(amount), "rate": percent})
            else:
                document["taxes"].append(
                    {"function": "7", "type": "VAT", "rate": percent, "amounts": {"124": money(amount)}}
                )
    total = (invoice.get("totals") or {}).get("total")
    if total is not None:
        document["total"] = money(decimal(str(total), "totals.total"))
    return document
