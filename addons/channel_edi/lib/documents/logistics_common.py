"""What the shipping (856/DESADV) and warehouse (940/945/943/944/846/947)
documents share: reading elements with clear positions, parties, references,
dates, product identifiers, decimal strings, and checking a builder's input.

Conventions of the typed documents (JSON-able dicts):

- keys are the standard's meaning in snake_case (``depositor_order_number``,
  ``quantity_shipped``); codes stay the standard's codes (``"ST"``, ``"UP"``);
- quantities and amounts are strings exactly as written (``"12"``,
  ``"1.5"``), never floats; EDIFACT decimal commas are read as points;
- an element that is absent or empty is left out of the document, so that a
  document says only what the file says; builders read a missing optional key
  as empty;
- segments a reader does not map are kept per place as ``other_segments``
  (``[{"tag": "TD3", "elements": ["TL", "", "861554"]}]``) and written back by
  the builder at the end of the same place, so nothing is lost on the way
  through a document (element order within a place may change).

Builders raise :class:`DocumentError` naming the key path of the first
problem (``hierarchy[0].children[1].items[0].quantity: missing``); readers
raise it naming the segment position and element (``segment 14 MAN02: ...``).
"""

import re
from decimal import Decimal

from odoo.addons.integration_core.lib.exceptions import ValidationFailed

from ..tree import Segment, Transaction


class DocumentError(ValidationFailed, ValueError):
    """A document that cannot be read from its segments, or built from its
    dict. Permanent (someone must fix the data); a ``ValueError`` too, so
    plain callers can catch it as bad input. ``where`` is the key path or the
    segment position it is about."""

    def __init__(self, where, problem):
        super().__init__(f"{where}: {problem}", errors=[f"{where}: {problem}"])
        self.where = where
        self.problem = problem


# --- reading ---------------------------------------------------------------------


def position(segment, index=None):
    """How a message names ``segment``: its position in the set (ST = 1), or
    its index in the transaction's segments when the tree has no positions
    (a tree built in memory)."""
    number = segment.set_position or (index + 1 if index is not None else 0)
    return f"segment {number} {segment.tag}" if number else f"segment {segment.tag}"


def where(segment, element=None, index=None):
    """``"segment 14 MAN"`` or, with an element number, ``"segment 14 MAN02"``."""
    place = position(segment, index)
    if element is None:
        return place
    return f"{place[: -len(segment.tag)]}{segment.ref(element)}"


def value(segment, number, component=1):
    """Element ``number`` (component ``component``) of ``segment``, stripped;
    ``""`` when absent."""
    return segment.get(number, component).strip()


def decimal_value(segment, number, component=1, index=None):
    """A numeric element as a decimal string exactly as written (EDIFACT's
    decimal comma read as a point); ``""`` when absent; DocumentError when it
    is not a number."""
    text = value(segment, number, component).replace(",", ".")
    if text and not _DECIMAL.match(text):
        raise DocumentError(where(segment, number, index), f"{text!r} is not a number")
    return text


def compact(mapping):
    """``mapping`` without its empty values ("", None, [], {}), keeping order."""
    return {key: val for key, val in mapping.items() if val not in ("", None, [], {})}


def raw_segment(segment):
    """A segment no mapper knows, kept readable: simple elements as strings,
    a composite as a list of components, repeated elements as
    ``{"repetitions": [[...], ...]}``. Trailing empty elements are dropped."""
    elements = []
    for repetitions in segment.elements:
        if len(repetitions) > 1:
            elements.append({"repetitions": [list(rep) for rep in repetitions]})
        elif not repetitions:
            elements.append("")
        elif len(repetitions[0]) == 1:
            elements.append(repetitions[0][0])
        else:
            elements.append(list(repetitions[0]))
    while elements and elements[-1] in ("", []):
        elements.pop()
    return {"tag": segment.tag, "elements": elements}


def segment_from_raw(raw, path):
    """The segment of a :func:`raw_segment` dict."""
    if not isinstance(raw, dict) or not raw.get("tag"):
        raise DocumentError(path, "a kept segment needs a 'tag' and its 'elements'")
    elements = []
    for number, element in enumerate(raw.get("elements") or [], 1):
        if isinstance(element, dict):
            elements.append([[str(c) for c in rep] for rep in element.get("repetitions") or [[""]]])
        elif isinstance(element, list | tuple):
            elements.append([[("" if c is None else str(c)) for c in element]])
        elif element is None or isinstance(element, str | int):
            elements.append([["" if element is None else str(element)]])
        else:
            raise DocumentError(
                f"{path}.elements[{number - 1}]", "a string, a list of components or repetitions"
            )
    return Segment(str(raw["tag"]), elements)


# --- parties, references, dates (X12) -------------------------------------------------


# the segments an N1 loop holds after its N1, per family of sets
N1_LOOP_SHIPPING = frozenset({"N2", "N3", "N4", "REF", "PER", "FOB", "SDQ", "DTM"})  # 856 HL loop
N1_LOOP_WAREHOUSE = frozenset({"N2", "N3", "N4", "G61"})  # 940/945/943/944/947 heading
N1_LOOP_INVENTORY = frozenset({"N2", "N3", "N4", "REF", "PER"})  # 846 heading


def read_n1_loop(segments, start, members=N1_LOOP_SHIPPING):
    """The party of the N1 loop starting at ``segments[start]`` and the index
    after the loop: ``({"role": "ST", "name": ..., "identifiers": {"92": "0042"},
    "address": {...}, "references": [...], "contacts": [...]}, next_index)``.
    ``members`` are the tags the set's N1 loop holds besides N1."""
    n1 = segments[start]
    party = {"role": value(n1, 1), "name": value(n1, 2)}
    if value(n1, 3) or value(n1, 4):
        party["identifiers"] = {value(n1, 3): value(n1, 4)}
    party["relationship"] = value(n1, 5)
    party["entity_relationship"] = value(n1, 6)
    names, lines, others, refs, contacts = [], [], [], [], []
    address = {}
    index = start + 1
    while index < len(segments) and segments[index].tag in members:
        member = segments[index]
        if member.tag == "N2":
            names += [value(member, n) for n in (1, 2) if value(member, n)]
        elif member.tag == "N3":
            lines += [value(member, n) for n in (1, 2) if value(member, n)]
        elif member.tag == "N4":
            address.update(
                compact(
                    {
                        "city": value(member, 1),
                        "state": value(member, 2),
                        "postal_code": value(member, 3),
                        "country": value(member, 4),
                        "location_qualifier": value(member, 5),
                        "location": value(member, 6),
                    }
                )
            )
        elif member.tag in ("REF", "N9"):
            refs.append(read_reference(member))
        elif member.tag in ("PER", "G61"):
            contacts.append(raw_segment(member))
        else:
            others.append(raw_segment(member))
        index += 1
    if lines:
        address = {"lines": lines, **address}
    party.update({"additional_names": names, "address": address, "references": refs})
    party.update({"contacts": contacts, "other_segments": others})
    return compact(party), index


def build_n1_loop(party, path, role=None):
    """The N1 loop segments of ``party`` (see :func:`read_n1_loop`); ``role``
    is the N101 code when the key already says it (``ship_to`` -> ``ST``)."""
    if not isinstance(party, dict):
        raise DocumentError(path, "a party is an object")
    code = party.get("role") or role
    if not code:
        raise DocumentError(f"{path}.role", "missing (N101 entity identifier code, e.g. ST)")
    identifiers = party.get("identifiers") or {}
    if not isinstance(identifiers, dict) or len(identifiers) > 1:
        raise DocumentError(f"{path}.identifiers", "at most one {qualifier: id} pair in an N1 segment")
    qualifier, ident = next(iter(identifiers.items()), ("", ""))
    if not party.get("name") and not ident:
        raise DocumentError(path, "a party needs a name or an identifier (N102 or N103/N104)")
    out = [
        seg(
            "N1",
            code,
            party.get("name"),
            qualifier,
            ident,
            party.get("relationship"),
            party.get("entity_relationship"),
        )
    ]
    names = party.get("additional_names") or []
    for i in range(0, len(names), 2):
        out.append(seg("N2", *names[i : i + 2]))
    address = party.get("address") or {}
    lines = address.get("lines") or []
    for i in range(0, len(lines), 2):
        out.append(seg("N3", *lines[i : i + 2]))
    n4 = [
        address.get(k) for k in ("city", "state", "postal_code", "country", "location_qualifier", "location")
    ]
    if any(n4):
        out.append(seg("N4", *n4))
    for i, ref in enumerate(party.get("references") or []):
        out.append(build_reference(ref, f"{path}.references[{i}]"))
    for i, raw in enumerate(party.get("contacts") or []):
        out.append(segment_from_raw(raw, f"{path}.contacts[{i}]"))
    for i, raw in enumerate(party.get("other_segments") or []):
        out.append(segment_from_raw(raw, f"{path}.other_segments[{i}]"))
    return out


def read_reference(segment, default="REF"):
    """REF or N9: ``{"qualifier": "BM", "value": "...", "description": ...}``;
    ``"segment"`` names the tag when it is not the set's usual ``default``
    (an N9 also has a date and time)."""
    ref = {"qualifier": value(segment, 1), "value": value(segment, 2), "description": value(segment, 3)}
    if segment.tag == "N9":
        ref.update({"date": value(segment, 4), "time": value(segment, 5)})
    if segment.tag != default:
        ref["segment"] = segment.tag
    return compact(ref)


def build_reference(ref, path, default="REF"):
    """The REF (or N9, per ``ref["segment"]`` or ``default``) of a reference."""
    if not isinstance(ref, dict):
        raise DocumentError(path, "a reference is an object with 'qualifier' and 'value'")
    qualifier = ref.get("qualifier")
    if not qualifier:
        raise DocumentError(f"{path}.qualifier", "missing")
    if not ref.get("value") and not ref.get("description"):
        raise DocumentError(f"{path}.value", "missing")
    tag = ref.get("segment") or default
    if tag == "N9":
        return seg(
            "N9", qualifier, ref.get("value"), ref.get("description"), ref.get("date"), ref.get("time")
        )
    return seg(tag, qualifier, ref.get("value"), ref.get("description"))


def read_dtm(segment):
    """DTM: ``{"qualifier": "011", "date": "20240115", "time": "1030"}``."""
    return compact(
        {
            "qualifier": value(segment, 1),
            "date": value(segment, 2),
            "time": value(segment, 3),
            "time_code": value(segment, 4),
            "period_format": value(segment, 5),
            "period": value(segment, 6),
        }
    )


def build_dtm(date, path):
    if not isinstance(date, dict) or not date.get("qualifier"):
        raise DocumentError(f"{path}.qualifier", "missing (DTM01 date/time qualifier)")
    keys = ("qualifier", "date", "time", "time_code", "period_format", "period")
    return seg("DTM", *[date.get(k) for k in keys])


def read_g62(segment):
    """G62: ``{"qualifier": "10", "date": "20240115", "time_qualifier": "Y", "time": "1030"}``."""
    return compact(
        {
            "qualifier": value(segment, 1),
            "date": value(segment, 2),
            "time_qualifier": value(segment, 3),
            "time": value(segment, 4),
            "time_code": value(segment, 5),
        }
    )


def build_g62(date, path):
    if not isinstance(date, dict) or not (date.get("qualifier") or date.get("time_qualifier")):
        raise DocumentError(
            path, "a G62 date needs 'qualifier' (with 'date') or 'time_qualifier' (with 'time')"
        )
    keys = ("qualifier", "date", "time_qualifier", "time", "time_code")
    return seg("G62", *[date.get(k) for k in keys])


def read_note(segment):
    """NTE: ``{"reference": "WHI", "text": "..."}``."""
    return compact({"reference": value(segment, 1), "text": value(segment, 2)})


def build_note(note, path):
    if not isinstance(note, dict) or not note.get("text"):
        raise DocumentError(f"{path}.text", "missing")
    return seg("NTE", note.get("reference"), note.get("text"))


def read_id_pairs(segment, numbers):
    """Product identifiers from qualifier/value element pairs (``numbers`` are
    the qualifiers' element numbers): ``{"UP": "012345678905", "VN": "A-1"}``
    in the order written."""
    ids = {}
    for number in numbers:
        qualifier, ident = value(segment, number), value(segment, number + 1)
        if qualifier or ident:
            ids[qualifier] = ident
    return ids


def id_pair_values(product_ids, slots, path):
    """``product_ids`` spread over ``slots`` qualifier/value pairs: a flat list
    of 2 * slots values (empty strings for unused slots)."""
    product_ids = product_ids or {}
    if not isinstance(product_ids, dict):
        raise DocumentError(path, "product_ids is an object {qualifier: value}")
    if len(product_ids) > slots:
        raise DocumentError(
            path, f"at most {slots} product identifiers fit this segment, got {len(product_ids)}"
        )
    flat = []
    for qualifier, ident in product_ids.items():
        if not qualifier or ident in (None, ""):
            raise DocumentError(
                f"{path}.{qualifier or '?'}", "a product identifier needs a qualifier and a value"
            )
        flat += [qualifier, ident]
    return flat + [""] * (2 * slots - len(flat))


# --- building ----------------------------------------------------------------------

_DECIMAL = re.compile(r"^-?(\d+\.?\d*|\.\d+)$")


def seg(tag, *values):
    """A segment from simple values (None -> empty, a list -> a composite),
    without trailing empty elements (X12 and EDIFACT both drop them)."""
    values = [_trim_composite(v) if isinstance(v, list | tuple) else v for v in values]
    while values and values[-1] in (None, "", [], ()):
        values.pop()
    return Segment.of(tag, *values)


def _trim_composite(components):
    components = list(components)
    while components and components[-1] in (None, ""):
        components.pop()
    return components if components else ""


def require(document, key, path):
    """``document[key]`` when present and not empty, else DocumentError at
    ``path.key``."""
    if not isinstance(document, dict):
        raise DocumentError(path or "(document)", "an object is expected")
    found = document.get(key)
    if found in (None, "", [], {}):
        raise DocumentError(f"{path}.{key}" if path else key, "missing")
    return found


def decimal_text(number, path, required=True):
    """A quantity or amount as the decimal string to write: a string as it is
    (checked), an int or a Decimal printed exactly; floats are refused (their
    binary value is not the decimal the user meant)."""
    if number in (None, ""):
        if required:
            raise DocumentError(path, "missing")
        return ""
    if isinstance(number, bool) or isinstance(number, float):
        raise DocumentError(path, f"{number!r}: give quantities as decimal strings, not floats")
    if isinstance(number, int):
        return str(number)
    if isinstance(number, Decimal):
        if not number.is_finite():
            raise DocumentError(path, f"{number!r} is not a finite number")
        return format(number, "f")
    text = str(number).strip()
    if not _DECIMAL.match(text):
        raise DocumentError(path, f"{text!r} is not a decimal number")
    return text


def text(document, key, path=None):
    """``document[key]`` as a string ("" when missing); DocumentError when it
    is a structure."""
    found = document.get(key) if isinstance(document, dict) else None
    if found is None:
        return ""
    if isinstance(found, dict | list | tuple | float):
        raise DocumentError(f"{path}.{key}" if path else key, f"{found!r}: a string is expected")
    return str(found)


def x12_transaction(set_type, body, document, version):
    """ST + ``body`` + SE, SE01 counted and SE02 = ST02. The control number
    is ``document["control_number"]`` (default ``"0001"``); the envelope
    writer may renumber it."""
    control = str(document.get("control_number") or "0001")
    header = seg("ST", set_type, control)
    trailer = seg("SE", str(len(body) + 2), control)
    return Transaction(set_type, control, [header, *body, trailer], version=version)


def edifact_transaction(message_type, body, document, version):
    """UNH + ``body`` + UNT. ``version`` is ``"D:96A:UN:EAN005"`` style:
    version, release, agency and association code of UNH02."""
    control = str(document.get("control_number") or "1")
    parts = (version or "D:96A:UN").split(":")
    header = seg("UNH", control, [message_type, *parts])
    trailer = seg("UNT", str(len(body) + 2), control)
    return Transaction(message_type, control, [header, *body, trailer], version=version)
