"""What every family of typed documents shares: the error, element access,
decimals (implied N2, EDIFACT comma marks), dates, parties (X12 N1 loops,
EDIFACT NAD groups), envelopes of one set (ST/SE, UNH/UNT) and the checks
builders run on their input.

Conventions of a document (see ``README.md``):

- optional keys are left out when the file has no data for them, so that
  ``read(build(doc)) == doc``;
- amounts and quantities are decimal strings with "." as the decimal mark;
- dates are ISO: "2024-05-01", or "2024-05-01T10:30" when a time is given;
  a date the standard gives in another format is ``{"value": ..., "format": ...}``;
- ``dates`` is a dict of named dates (:data:`DATE_NAMES`), a code without a
  name keeping its code as key.
"""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from odoo.addons.integration_core.lib.exceptions import ValidationFailed

from ..tree import Segment, Transaction


class DocumentError(ValidationFailed, ValueError):
    """A document cannot be read from a set, or built from a dict.

    The message names where: a key path for a document (``lines[2].unit_price``),
    a segment position, id and element for a set (``segment 5 (BEG), BEG03``).
    ``errors`` holds the same text (``ValidationFailed``'s contract), so the
    Odoo layer files it as a permanent, non-retried failure.
    """

    def __init__(self, message, *, errors=None):
        super().__init__(message, errors=errors or [message])

    def __str__(self):
        return self.args[0] if self.args else "Invalid EDI document"


# --- reading elements --------------------------------------------------------------


def where(segment, number=None):
    """'segment 5 (BEG), BEG03': where a problem is, for messages."""
    position = segment.set_position or segment.position
    text = f"segment {position} ({segment.tag})" if position else f"segment {segment.tag}"
    return f"{text}, {segment.ref(number)}" if number else text


def value(segment, number, component=1):
    """Element ``number`` (one-based) of ``segment``, component ``component``;
    None when absent or empty (so that absent data leaves its key out)."""
    return segment.get(number, component) or None


def texts(segment, count):
    """``[tag, segment.get(1), ..., segment.get(count)]``: the first ``count``
    elements at once ("" when absent or empty), for readers of long segments
    (PO1, IT1, LIN).

    A segment the codec read whose text holds no component, repetition or
    release character is sliced from its element strings directly (the
    common case, no call per element); any other segment goes through
    ``get`` element by element, so the result is the same."""
    raw = getattr(segment, "raw", None)
    if raw is not None and segment._elements is None and not segment._special("".join(raw)):
        found = raw[: count + 1]
        if len(found) <= count:
            found.extend([""] * (count + 1 - len(found)))
        return found
    return [segment.tag, *(segment.get(number) for number in range(1, count + 1))]


def required(segment, number, component=1, what=None):
    """Like :func:`value`, but an absent value is a DocumentError naming it."""
    found = value(segment, number, component)
    if found is None:
        ref = segment.ref(number) + (f"-{component:02d}" if component > 1 else "")
        raise DocumentError(f"{where(segment)}: {ref} ({what or 'mandatory'}) is missing.")
    return found


def put(target, key, found):
    """``target[key] = found`` unless ``found`` is None or empty."""
    if found is not None and found != {} and found != []:
        target[key] = found
    return target


def beginning(transaction, tag, after="ST"):
    """The set's beginning segment (BEG, BIG, BGM...), which must come
    first after its header (``after``: ST, UNH); a DocumentError if not."""
    body = transaction.body
    if not body or body[0].tag != tag:
        found = body[0].tag if body else "nothing"
        raise DocumentError(
            f"{transaction.type} {transaction.control_number}: expected {tag} after {after}, found {found}."
        )
    return body[0]


def split_body(segments, line_tags, summary_tags):
    """(header, [line loop, ...], summary) of a set's body: a line loop
    starts at each segment tagged one of ``line_tags``, the summary at the
    first one tagged one of ``summary_tags`` (and runs to the end)."""
    header, loops, summary = [], [], []
    for segment in segments:
        if summary or segment.tag in summary_tags:
            summary.append(segment)
        elif segment.tag in line_tags:
            loops.append([segment])
        elif loops:
            loops[-1].append(segment)
        else:
            header.append(segment)
    return header, loops, summary


def read_ref_into(target, segment):
    """An X12 REF into ``target["references"]``: REF01 -> REF02 (or the
    REF03 description when REF02 is empty)."""
    target.setdefault("references", {})[required(segment, 1)] = value(segment, 2) or value(segment, 3) or ""


# --- decimals ----------------------------------------------------------------------

_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")


def number(text, segment=None, element=None, comma=True):
    """A decimal string with "." as the mark, from an EDIFACT numeric value
    (whose mark may be "," whatever UNA3 says: ISO 9735 allows both) or,
    with ``comma=False``, an X12 R value (:func:`r_number`). The digits are
    kept as written ("12.50" stays "12.50")."""
    if text is None:
        return None
    plain = text.replace(".", "", 1)
    if plain.isdigit() and plain.isascii():  # the common case, which _NUMBER takes as is
        return text
    if not _NUMBER.match(text) or (not comma and "," in text):
        place = f"{where(segment, element)}: " if segment is not None else ""
        raise DocumentError(f"{place}{text!r} is not a number.")
    return text.replace(",", ".")


def r_number(text, segment=None, element=None):
    """An X12 R (decimal) value, "." only: "12.50" stays "12.50"."""
    return number(text, segment, element, comma=False)


def implied(text, decimals=2, segment=None, element=None):
    """An X12 Nn value (implied decimals) as a decimal string: "12345" ->
    "123.45", "-500" -> "-5.00", "7" -> "0.07"."""
    if text is None:
        return None
    if not re.match(r"^[+-]?\d+$", text):
        place = f"{where(segment, element)}: " if segment is not None else ""
        raise DocumentError(f"{place}{text!r} is not an N{decimals} number (digits only, implied decimals).")
    return str(Decimal(text).scaleb(-decimals))


def to_implied(text, decimals=2, path="amount"):
    """The inverse of :func:`implied`: "123.45" -> "12345". A value with more
    decimals than Nn carries is refused rather than rounded silently."""
    amount = decimal(text, path)
    scaled = amount.scaleb(decimals)
    if scaled != scaled.to_integral_value():
        raise DocumentError(f"{path}: {text} has more than {decimals} decimals (X12 N{decimals}).")
    return str(int(scaled))


def decimal(text, path):
    """A document's decimal string as a Decimal; a DocumentError naming
    ``path`` otherwise. Floats are refused: money never goes through them."""
    if text.__class__ is str:
        plain = text.replace(".", "", 1)
        if plain.isdigit() and plain.isascii():  # "12.50": the common case, valid and finite
            return Decimal(text)
    if isinstance(text, bool) or not isinstance(text, str | int | Decimal):
        raise DocumentError(f'{path}: expected a decimal string such as "12.50", got {text!r}.')
    try:
        amount = Decimal(str(text))
    except InvalidOperation:
        raise DocumentError(f"{path}: {text!r} is not a decimal number.") from None
    if not amount.is_finite():
        raise DocumentError(f"{path}: {text!r} is not a finite number.")
    return amount


def money(amount):
    """A Decimal rounded half-up to cents, as a string ("2554.38")."""
    return str(amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def out_number(text, path, mark="."):
    """A document's decimal string as written in an element: checked, with
    the interchange's decimal ``mark`` (EDIFACT UNA3)."""
    if text is None:
        return None
    decimal(text, path)
    text = str(text)
    return text.replace(".", mark) if mark != "." else text


# --- dates -------------------------------------------------------------------------

# X12 374 / EDIFACT 2005 qualifiers <-> names shared by both standards, so that
# mappers read "delivery_requested" whatever the standard
X12_DATES = {
    "001": "cancel_after",
    "002": "delivery_requested",
    "010": "ship_requested",
    "011": "shipped",
    "017": "delivery_estimated",
    "037": "ship_earliest",
    "038": "ship_latest",
    "063": "delivery_latest",
    "064": "delivery_earliest",
    "067": "delivery_scheduled",
    "068": "ship_scheduled",
    "069": "delivery_promised",
}
EDIFACT_DATES = {
    "2": "delivery_requested",
    "10": "ship_requested",
    "11": "shipped",
    "17": "delivery_estimated",
    "61": "cancel_after",
    "63": "delivery_latest",
    "64": "delivery_earliest",
    "69": "delivery_promised",
    "200": "ship_scheduled",
}
DATE_NAMES = {"X12": X12_DATES, "EDIFACT": EDIFACT_DATES}


def date_name(standard, code):
    return DATE_NAMES[standard].get(code, code)


def date_code(standard, name, path):
    for code, each in DATE_NAMES[standard].items():
        if each == name:
            return code
    if re.match(r"^[0-9A-Z]{1,3}$", name):
        return name
    raise DocumentError(f"{path}: {name!r} is neither a known date name nor a {standard} date qualifier.")


def iso_date(text, segment=None, element=None):
    """X12 CCYYMMDD (or YYMMDD before 004010, pivot 50) -> "YYYY-MM-DD"."""
    if text is None:
        return None
    if re.match(r"^\d{8}$", text):
        return f"{text[:4]}-{text[4:6]}-{text[6:]}"
    if re.match(r"^\d{6}$", text):
        century = "20" if int(text[:2]) < 50 else "19"
        return f"{century}{text[:2]}-{text[2:4]}-{text[4:]}"
    place = f"{where(segment, element)}: " if segment is not None else ""
    raise DocumentError(f"{place}{text!r} is not a date (CCYYMMDD).")


def iso_time(date_text, time_text):
    """Join an ISO date and an X12 time (HHMM, HHMMSS) -> "YYYY-MM-DDTHH:MM"."""
    if not time_text:
        return date_text
    clock = f"{time_text[:2]}:{time_text[2:4]}"
    if len(time_text) >= 6:
        clock += f":{time_text[4:6]}"
    return f"{date_text}T{clock}"


_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?$")


def split_iso(text, path):
    """(CCYYMMDD, HHMM[SS] or "") of a document's ISO date."""
    match = _ISO.match(text) if isinstance(text, str) else None
    if not match:
        raise DocumentError(f"{path}: {text!r} is not an ISO date (YYYY-MM-DD or YYYY-MM-DDTHH:MM).")
    year, month, day, hour, minute, second = match.groups()
    return f"{year}{month}{day}", (f"{hour}{minute}{second or ''}" if hour else "")


def x12_date(text, path, version=""):
    """A document's ISO date as X12 writes it: CCYYMMDD (YYMMDD before 004010)."""
    day, _time = split_iso(text, path)
    return day[2:] if version[:3] in ("002", "003") else day


def edifact_date(segment):
    """A DTM's C507 as (qualifier, ISO value or {"value", "format"})."""
    qualifier, text, fmt = segment.get(1, 1), segment.get(1, 2), segment.get(1, 3)
    if fmt in ("102", "") and re.match(r"^\d{8}$", text):
        return qualifier, iso_date(text)
    if fmt == "203" and re.match(r"^\d{12}$", text):
        return qualifier, iso_time(iso_date(text[:8]), text[8:])
    if fmt == "204" and re.match(r"^\d{14}$", text):
        return qualifier, iso_time(iso_date(text[:8]), text[8:])
    return qualifier, {"value": text, "format": fmt}


def edifact_dtm(qualifier, found, path):
    """The DTM segment of ``found`` (an ISO value or {"value", "format"})."""
    if isinstance(found, dict):
        if not found.get("value") or not found.get("format"):
            raise DocumentError(f"{path}: a date in another format needs 'value' and 'format'.")
        return seg("DTM", (qualifier, found["value"], found["format"]))
    day, clock = split_iso(found, path)
    if not clock:
        return seg("DTM", (qualifier, day, "102"))
    return seg("DTM", (qualifier, day + clock, "204" if len(clock) == 6 else "203"))


def read_x12_dtm(segment):
    """(name, ISO value) of an X12 DTM (DTM01 qualifier, DTM02 date, DTM03 time)."""
    day = iso_date(required(segment, 2), segment, 2)
    return date_name("X12", required(segment, 1)), iso_time(day, value(segment, 3))


def x12_dtm(name, found, path, version=""):
    code = date_code("X12", name, path)
    if isinstance(found, dict):
        raise DocumentError(f"{path}: X12 DTM takes an ISO date, not {found!r}.")
    day, clock = split_iso(found, path)
    return seg("DTM", code, day, clock)


# --- writing segments --------------------------------------------------------------


def seg(tag, *values):
    """A segment from simple values and tuples (composites), trailing empty
    elements and components left out (both standards forbid them)."""
    elements = []
    for item in values:
        kind = type(item)
        if kind is str:
            elements.append([[item]])
        elif item is None:
            elements.append([[""]])
        elif kind is tuple or kind is list:
            parts = ["" if c is None else str(c) for c in item]
            while parts and parts[-1] == "":
                parts.pop()
            elements.append([parts or [""]])
        else:
            elements.append([[str(item)]])
    while elements and elements[-1] == [[""]]:
        elements.pop()
    return Segment(tag, elements)


def x12_set(set_type, body, version, control_number="0001"):
    """ST..SE around ``body``; SE01 counted (the writer counts again)."""
    header = seg("ST", set_type, control_number, version if "X" in (version or "") else None)
    segments = [header, *body]
    segments.append(seg("SE", len(segments) + 1, control_number))
    return _numbered(Transaction(set_type, control_number, segments, version))


def edifact_version(version):
    """ "D:96A:UN:EAN008" / "D96A" / "D.96A" -> (version, release, agency, association)."""
    text = (version or "D:96A:UN").replace(".", ":")
    parts = text.split(":")
    if len(parts) == 1:
        match = re.match(r"^([A-Z])(\d{2}[A-Z])$", parts[0])
        if not match:
            raise DocumentError(f"(version): {version!r} is not an EDIFACT message version (e.g. D:96A:UN).")
        parts = [match[1], match[2]]
    while len(parts) < 3:
        parts.append("UN")
    return tuple(parts[:4]) if len(parts) >= 4 else (*parts, "")


def edifact_set(message_type, body, version, control_number="1"):
    """UNH..UNT around ``body``; UNT01 counted."""
    identifier = (message_type, *edifact_version(version))
    header = seg("UNH", control_number, identifier)
    segments = [header, *body]
    segments.append(seg("UNT", len(segments) + 1, control_number))
    return _numbered(
        Transaction(message_type, control_number, segments, ":".join(p for p in identifier[1:] if p))
    )


def _numbered(transaction):
    for index, segment in enumerate(transaction.segments, start=1):
        segment.set_position = index
    return transaction


# --- checking a document -----------------------------------------------------------


def need(document, key, path=""):
    """``document[key]``, or a DocumentError naming ``path.key`` when it is
    missing, None or empty."""
    full = f"{path}.{key}" if path else key
    if not isinstance(document, dict):
        raise DocumentError(f"{path or '(document)'}: expected an object, got {type(document).__name__}.")
    found = document.get(key)
    if found is None or found == "" or found == [] or found == {}:
        raise DocumentError(f"{full}: missing (mandatory).")
    return found


def lines_of(document, key="lines"):
    """The document's lines, each checked to be a dict: [(path, line)]."""
    lines = need(document, key)
    if not isinstance(lines, list):
        raise DocumentError(f"{key}: expected a list of lines.")
    out = []
    for index, line in enumerate(lines):
        path = f"{key}[{index}]"
        if not isinstance(line, dict):
            raise DocumentError(f"{path}: expected an object, got {type(line).__name__}.")
        out.append((path, line))
    return out


def text_of(found, path):
    if not isinstance(found, str | int) or isinstance(found, bool):
        raise DocumentError(f"{path}: expected text, got {found!r}.")
    return str(found)


# --- the shape of a document ------------------------------------------------------

# keys whose value is an object, a list of objects, a list of texts or objects
OBJECT_KEYS = frozenset(
    "dates references terms identifiers address product_ids quantities amounts price_details "
    "totals counts ship_to bill_to interchange sender receiver communications other_prices".split()
)
OBJECT_LIST_KEYS = frozenset(
    "lines acks allowances_charges taxes contacts groups transactions segments elements context".split()
)
TEXT_LIST_KEYS = frozenset("codes name_and_address".split())
TEXT_MAP_KEYS = frozenset(
    "identifiers product_ids references quantities amounts communications other_prices counts".split()
)
BOOL_KEYS = frozenset("is_credit implicit".split())
# segments kept as read by the shipping and warehouse readers ({"tag", "elements": [texts or
# lists]}): checked when they are written back (logistics_common.segment_from_raw)
RAW_KEYS = frozenset("other_segments summary_segments lin_raw".split())
TEXT_KEYS = frozenset(
    "purpose type po_number release order_date contract currency line uom price_basis description status "
    "change action ack_type ack_date seller_order_number request_reference change_purpose change_sequence "
    "change_date change_number response_number response_type invoice_number invoice_date "
    "invoice_date_qualifier transaction_type indicator code handling name name2 city state postal_code "
    "country function subject text price_qualifier quantity_qualifier set_type control_number functional_id "
    "version implementation position loop value industry_code amount_qualifier settlement sequence "
    "percent_basis basis_date discount_due_date net_due_date discount_days net_days included received "
    "accepted component repetition segment".split()
)
NUMBER_KEYS = frozenset(
    "quantity quantity_left unit_price amount total total_raw line_count hash_total percent rate "
    "discount_percent discount_amount discountable_amount basis_quantity".split()
)


def check_shape(document, path=""):
    """Check the types in a document before building from it: objects where
    objects belong, lists of objects, texts (decimal strings for amounts;
    ints are taken there, floats never). Raises DocumentError naming the
    path of the first wrong value."""
    if not isinstance(document, dict):
        raise DocumentError(f"{path or '(document)'}: expected an object, got {type(document).__name__}.")
    for key, found in document.items():
        where_ = f"{path}.{key}" if path else str(key)
        if found is None:
            continue
        if key in RAW_KEYS:
            continue
        if key in BOOL_KEYS:
            if not isinstance(found, bool):
                raise DocumentError(f"{where_}: expected true or false, got {found!r}.")
        elif key == "dates":
            _check_map(found, where_, (str, dict))
        elif key == "parties":
            if not isinstance(found, dict):
                raise DocumentError(
                    f"{where_}: expected an object {{role: party}}, got {type(found).__name__}."
                )
            for role, party in found.items():
                check_shape(party, f"{where_}.{role}")
        elif key == "quantities" and isinstance(found, list):
            _check_other(found, where_)  # the 846's list of quantities (warehouse.py)
        elif key in TEXT_MAP_KEYS:
            _check_map(
                found,
                where_,
                (str, int) if key in ("quantities", "amounts", "other_prices", "counts") else (str,),
            )
        elif key in OBJECT_KEYS:
            check_shape(found, where_)
        elif key in OBJECT_LIST_KEYS:
            if not isinstance(found, list):
                raise DocumentError(f"{where_}: expected a list, got {type(found).__name__}.")
            for index, item in enumerate(found):
                check_shape(item, f"{where_}[{index}]")
        elif key in TEXT_LIST_KEYS or (key == "street" and isinstance(found, list)):
            _check_list(found, where_)
        elif key == "street":
            _check_scalar(found, where_, False)
        elif key == "notes":
            _check_notes(found, where_)
        elif key in ("identification", "element", "reference") and isinstance(found, list):
            continue  # a 999 CTX's composite values, written as given
        elif key in TEXT_KEYS or key in NUMBER_KEYS:
            _check_scalar(found, where_, key in NUMBER_KEYS)
        else:
            _check_other(found, where_)


def _check_other(found, path):
    """A key of another family's document (shipping, warehouse): objects and
    lists are walked, texts, ints and booleans taken, floats refused."""
    if isinstance(found, dict):
        check_shape(found, path)
    elif isinstance(found, list):
        for index, item in enumerate(found):
            _check_other(item, f"{path}[{index}]")
    elif isinstance(found, float):
        _check_scalar(found, path, True)
    elif found is not None and not isinstance(found, str | int):
        raise DocumentError(f"{path}: expected text, a number as text, an object or a list, got {found!r}.")


def _check_scalar(found, path, numeric):
    if isinstance(found, str):
        return
    if numeric and isinstance(found, int) and not isinstance(found, bool):
        return
    if isinstance(found, float):
        raise DocumentError(f'{path}: expected a decimal string such as "12.50", got the float {found!r}.')
    raise DocumentError(f"{path}: expected text, got {found!r}.")


def _check_map(found, path, types):
    if not isinstance(found, dict):
        raise DocumentError(f"{path}: expected an object, got {type(found).__name__}.")
    for key, item in found.items():
        if isinstance(item, bool) or not isinstance(item, types):
            if dict in types and isinstance(item, dict):
                continue
            _check_scalar(item, f"{path}.{key}", int in types)


def _check_list(found, path):
    if not isinstance(found, list):
        raise DocumentError(f"{path}: expected a list of texts, got {type(found).__name__}.")
    for index, item in enumerate(found):
        _check_scalar(item, f"{path}[{index}]", False)


def _check_notes(found, path):
    if not isinstance(found, list):
        raise DocumentError(f"{path}: expected a list, got {type(found).__name__}.")
    for index, note in enumerate(found):
        if isinstance(note, dict):
            check_shape(note, f"{path}[{index}]")
        else:
            _check_scalar(note, f"{path}[{index}]", False)


# --- parties -----------------------------------------------------------------------

X12_SHIP_TO, X12_BILL_TO = "ST", "BT"
EDIFACT_SHIP_TO, EDIFACT_BILL_TO = "DP", "IV"
PARTY_KEYS = {"X12": (X12_SHIP_TO, X12_BILL_TO), "EDIFACT": (EDIFACT_SHIP_TO, EDIFACT_BILL_TO)}


def place_party(document, standard, role, party):
    """Put a party read from the file: the ship-to and bill-to parties under
    ``ship_to`` / ``bill_to``, the others under ``parties[role]``."""
    ship, bill = PARTY_KEYS[standard]
    if role == ship and "ship_to" not in document:
        document["ship_to"] = party
    elif role == bill and "bill_to" not in document:
        document["bill_to"] = party
    else:
        document.setdefault("parties", {}).setdefault(role, party)


def parties_of(document, standard):
    """[(role, party, path)] of a document to write: ship_to, bill_to, then
    ``parties`` in their order."""
    ship, bill = PARTY_KEYS[standard]
    out = []
    for key, role in (("ship_to", ship), ("bill_to", bill)):
        if document.get(key):
            out.append((role, document[key], key))
    parties = document.get("parties") or {}
    if not isinstance(parties, dict):
        raise DocumentError("parties: expected an object {role: party}.")
    for role, party in parties.items():
        out.append((role, party, f"parties.{role}"))
    for _role, party, path in out:
        if not isinstance(party, dict):
            raise DocumentError(f"{path}: expected an object with name, identifiers, address.")
    return out


def _one_identifier(party, path, standard):
    identifiers = party.get("identifiers") or {}
    if not isinstance(identifiers, dict):
        raise DocumentError(f"{path}.identifiers: expected an object {{qualifier: value}}.")
    if len(identifiers) > 1:
        where_ = "N1 (N103/N104)" if standard == "X12" else "NAD (C082)"
        raise DocumentError(
            f"{path}.identifiers: {standard} {where_} carries one identifier, not {len(identifiers)}; "
            "send the others as references."
        )
    return next(iter(identifiers.items()), (None, None))


def read_x12_party(segments, start):
    """The N1 loop starting at ``segments[start]``: (role, party, next index).
    N1 name/identifier, N2 more name, N3 street lines, N4 city/state/postal
    code/country, REF references, PER contacts."""
    n1 = segments[start]
    role = required(n1, 1, what="entity identifier code")
    party = {}
    put(party, "name", value(n1, 2))
    if value(n1, 3) or value(n1, 4):
        # read as written: a qualifier without its code (a syntax error the
        # validator reports) stays visible as {"92": ""}
        party["identifiers"] = {n1.get(3): n1.get(4)}
    address = {}
    index = start + 1
    while index < len(segments) and segments[index].tag in ("N2", "N3", "N4", "REF", "PER"):
        segment = segments[index]
        if segment.tag == "N2":
            put(party, "name2", " ".join(v for v in (value(segment, 1), value(segment, 2)) if v))
        elif segment.tag == "N3":
            lines = address.setdefault("street", [])
            lines.extend(v for v in (value(segment, 1), value(segment, 2)) if v)
        elif segment.tag == "N4":
            put(address, "city", value(segment, 1))
            put(address, "state", value(segment, 2))
            put(address, "postal_code", value(segment, 3))
            put(address, "country", value(segment, 4))
        elif segment.tag == "REF":
            read_ref_into(party, segment)
        elif segment.tag == "PER":
            contact = {}
            put(contact, "function", value(segment, 1))
            put(contact, "name", value(segment, 2))
            for number_ in (3, 5, 7):
                if value(segment, number_):
                    contact.setdefault("communications", {})[value(segment, number_)] = (
                        value(segment, number_ + 1) or ""
                    )
            party.setdefault("contacts", []).append(contact)
        index += 1
    put(party, "address", address)
    return role, party, index


def x12_party(role, party, path):
    """The N1 loop of a party."""
    qualifier, identifier = _one_identifier(party, path, "X12")
    out = [seg("N1", role, party.get("name"), qualifier, identifier)]
    if not party.get("name") and not qualifier:
        raise DocumentError(f"{path}: a party needs a name or an identifier.")
    if party.get("name2"):
        out.append(seg("N2", party["name2"]))
    address = party.get("address") or {}
    street = address.get("street") or []
    if isinstance(street, str):
        street = [street]
    for first in range(0, len(street), 2):
        out.append(seg("N3", *street[first : first + 2]))
    if any(address.get(k) for k in ("city", "state", "postal_code", "country")):
        out.append(
            seg(
                "N4",
                address.get("city"),
                address.get("state"),
                address.get("postal_code"),
                address.get("country"),
            )
        )
    for qualifier_, ref in (party.get("references") or {}).items():
        out.append(seg("REF", qualifier_, ref))
    for contact in party.get("contacts") or []:
        comms = [item for pair in (contact.get("communications") or {}).items() for item in pair]
        out.append(seg("PER", contact.get("function"), contact.get("name"), *comms))
    return out


def read_edifact_party(segments, start):
    """The NAD group starting at ``segments[start]``: (role, party, next
    index). NAD C082 identifier (3039 with its agency 3055 as qualifier),
    C080 name (or C058 name and address), C059 street, city, country
    subentity, postal code, country; RFF references; CTA/COM contacts."""
    nad = segments[start]
    role = required(nad, 1, what="party function code qualifier")
    party = {}
    if value(nad, 2):
        party["identifiers"] = {nad.get(2, 3): nad.get(2, 1)}
    name = " ".join(c for c in nad.components(4) if c) or None
    put(party, "name", name)
    name_and_address = [c for c in nad.components(3) if c]
    if name_and_address:
        party["name_and_address"] = name_and_address
    address = {}
    street = [c for c in nad.components(5) if c]
    put(address, "street", street)
    put(address, "city", value(nad, 6))
    put(address, "state", value(nad, 7))
    put(address, "postal_code", value(nad, 8))
    put(address, "country", value(nad, 9))
    put(party, "address", address)
    index = start + 1
    while index < len(segments) and segments[index].tag in ("RFF", "CTA", "COM", "LOC", "FII"):
        segment = segments[index]
        if segment.tag == "RFF":
            party.setdefault("references", {})[segment.get(1, 1)] = segment.get(1, 2)
        elif segment.tag == "CTA":
            contact = {}
            put(contact, "function", value(segment, 1))
            put(contact, "name", value(segment, 2, 2))
            party.setdefault("contacts", []).append(contact)
        elif segment.tag == "COM" and party.get("contacts"):
            party["contacts"][-1].setdefault("communications", {})[segment.get(1, 2)] = segment.get(1, 1)
        index += 1
    return role, party, index


def edifact_party(role, party, path):
    """The NAD group of a party."""
    qualifier, identifier = _one_identifier(party, path, "EDIFACT")
    if not party.get("name") and not qualifier and not party.get("name_and_address"):
        raise DocumentError(f"{path}: a party needs a name or an identifier.")
    address = party.get("address") or {}
    street = address.get("street") or []
    if isinstance(street, str):
        street = [street]
    name = party.get("name")
    out = [
        seg(
            "NAD",
            role,
            (identifier, None, qualifier) if identifier else None,
            tuple(party.get("name_and_address") or ()) or None,
            (name,) if name else None,
            tuple(street) or None,
            address.get("city"),
            address.get("state"),
            address.get("postal_code"),
            address.get("country"),
        )
    ]
    for qualifier_, ref in (party.get("references") or {}).items():
        out.append(seg("RFF", (qualifier_, ref)))
    for contact in party.get("contacts") or []:
        out.append(seg("CTA", contact.get("function"), (None, contact.get("name"))))
        for channel, address_ in (contact.get("communications") or {}).items():
            out.append(seg("COM", (address_, channel)))
    return out
