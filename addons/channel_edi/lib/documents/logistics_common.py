"""What the shipping (856/DESADV) and warehouse (940/945/943/944/846/947)
documents share on top of :mod:`.common` (the conventions of every typed
document, see ``README.md``: optional keys left out, decimal strings, ISO
dates, parties as ``ship_to``/``bill_to``/``parties[role]``).

Added here for these families:

- segments a reader does not map are kept per place as ``other_segments``
  (``[{"tag": "TD3", "elements": ["TL", "", "861554"]}]``) and written back by
  the builder in the same place, so nothing is lost on the way through a
  document;
- references as ``{qualifier: value}`` (a REF or N9 with more than a
  qualifier and a value, or a repeated qualifier, stays in
  ``other_segments``);
- G62 dates (the warehouse sets' date/time, qualifier codes of X12 element
  432, not DTM's 374) as ``{"10": "2024-01-16", "11": {"value":
  "2024-01-17T15:30", "time_qualifier": "D"}}``;
- quantities checked and written as decimal strings (:func:`decimal_text`).

Errors are :class:`~.common.DocumentError`: readers name the segment
position, id and element (``segment 14 (MAN), MAN02: ...``), builders the
key path (``hierarchy[0].children[1].sscc: ...``).
"""

import re
from decimal import Decimal

from ..tree import Segment
from .common import (
    DocumentError,
    date_name,
    iso_date,
    iso_time,
    parties_of,
    place_party,
    read_edifact_party,
    read_x12_dtm,
    read_x12_party,
    split_iso,
    x12_dtm,
)
from .common import seg as _seg
from .common import where as _where

__all__ = ["DocumentError", "place_party", "parties_of", "read_x12_party", "read_edifact_party"]


def error(place, problem):
    """A DocumentError "``place``: ``problem``"."""
    return DocumentError(f"{place}: {problem}")


# --- reading -----------------------------------------------------------------------


def where(segment, element=None, index=None):
    """``"segment 14 (MAN), MAN02"``; the index in the transaction when the
    tree has no positions (a tree built in memory)."""
    if not (segment.set_position or segment.position) and index is not None:
        text = f"segment {index + 1} ({segment.tag})"
        return f"{text}, {segment.ref(element)}" if element else text
    return _where(segment, element)


def value(segment, number, component=1):
    """Element ``number`` (component ``component``) of ``segment``, stripped;
    ``""`` when absent (left out by :func:`compact`)."""
    return segment.get(number, component).strip()


_DECIMAL = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)$")


def decimal_value(segment, number, component=1, index=None):
    """A numeric element as a decimal string exactly as written (EDIFACT's
    decimal comma read as a point); ``""`` when absent; DocumentError when it
    is not a number."""
    text = value(segment, number, component).replace(",", ".")
    if text and not _DECIMAL.match(text):
        raise error(where(segment, number, index), f"{text!r} is not a number.")
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
        raise error(path, "a kept segment needs a 'tag' and its 'elements'.")
    elements = []
    for number, element in enumerate(raw.get("elements") or [], 1):
        if isinstance(element, dict):
            elements.append([[str(c) for c in rep] for rep in element.get("repetitions") or [[""]]])
        elif isinstance(element, list | tuple):
            elements.append([[("" if c is None else str(c)) for c in element]])
        elif element is None or isinstance(element, str | int):
            elements.append([["" if element is None else str(element)]])
        else:
            raise error(f"{path}.elements[{number - 1}]", "a string, a list of components or repetitions.")
    return Segment(str(raw["tag"]), elements)


def read_references(segment, references, others):
    """A REF or N9 into ``references`` ({qualifier: value}), or kept whole in
    ``others`` when it says more (a description, a date) or repeats a qualifier."""
    qualifier, ref = value(segment, 1), value(segment, 2)
    if qualifier and ref and len(segment) == 2 and qualifier not in references:
        references[qualifier] = ref
    else:
        others.append(raw_segment(segment))


def build_references(references, path, tag):
    if not isinstance(references, dict):
        raise error(path, "an object {qualifier: value}.")
    out = []
    for qualifier, ref in references.items():
        if not qualifier or ref in (None, ""):
            raise error(f"{path}.{qualifier or '?'}", "a qualifier and a value.")
        out.append(seg(tag, qualifier, ref))
    return out


def read_g62(segment, dates, others):
    """A G62 into ``dates`` keyed by its date qualifier (G6201): an ISO date
    (with its G6204 time), a dict when it has a time qualifier (G6203)."""
    qualifier, day, time_qualifier, clock = (value(segment, n) for n in (1, 2, 3, 4))
    if not qualifier or not re.match(r"^\d{8}$", day) or len(segment) > 4 or qualifier in dates:
        others.append(raw_segment(segment))
        return
    found = iso_time(iso_date(day), clock)
    dates[qualifier] = {"value": found, "time_qualifier": time_qualifier} if time_qualifier else found


def build_g62(dates, path):
    if not isinstance(dates, dict):
        raise error(path, "an object {G6201 date qualifier: ISO date}.")
    out = []
    for qualifier, found in dates.items():
        time_qualifier = ""
        if isinstance(found, dict):
            time_qualifier, found = found.get("time_qualifier") or "", found.get("value")
        day, clock = split_iso(found, f"{path}.{qualifier}")
        out.append(seg("G62", qualifier, day, time_qualifier, clock))
    return out


def read_dtm_into(segment, dates, others):
    """An X12 DTM into ``dates`` ({name: ISO}, names shared with the other
    documents: "shipped" for 011...), or kept whole when it is not a plain
    date (a period, a time code) or repeats a qualifier."""
    name = date_name("X12", value(segment, 1))
    if len(segment) <= 3 and re.match(r"^\d{8}$", value(segment, 2)) and name not in dates:
        dates[name] = read_x12_dtm(segment)[1]
    else:
        others.append(raw_segment(segment))


def build_dtms(dates, path, version=""):
    """The DTM segments of a ``dates`` dict."""
    if not dates:
        return []
    if not isinstance(dates, dict):
        raise error(path, "an object {name: ISO date} ('shipped', 'delivery_estimated', or a DTM01 code).")
    return [x12_dtm(name, found, f"{path}.{name}", version) for name, found in dates.items()]


def iso_datetime(day, clock, segment, number):
    """An X12 date element (and its time element) as ISO; "" when absent."""
    return iso_time(iso_date(day, segment, number), clock) if day else ""


# --- building ----------------------------------------------------------------------


def seg(tag, *values):
    """A segment from simple values (None -> empty, a list or tuple -> a
    composite), trailing empty elements and components left out."""
    return _seg(tag, *[tuple(v) if isinstance(v, list) else v for v in values])


def require(document, key, path):
    """``document[key]`` when present and not empty, else DocumentError at
    ``path.key``."""
    if not isinstance(document, dict):
        raise error(path or "(document)", "an object is expected.")
    found = document.get(key)
    if found in (None, "", [], {}):
        raise error(f"{path}.{key}" if path else key, "missing (mandatory).")
    return found


def decimal_text(number, path, required=True, mark="."):
    """A quantity as the decimal string to write: a string as it is
    (checked), an int or a Decimal printed exactly; floats are refused (their
    binary value is not the decimal the user meant). ``mark`` is the
    interchange's decimal mark (EDIFACT UNA3)."""
    if number in (None, ""):
        if required:
            raise error(path, "missing (mandatory).")
        return ""
    if isinstance(number, bool | float):
        raise error(path, f"{number!r}: give quantities as decimal strings, not floats.")
    if isinstance(number, int):
        text = str(number)
    elif isinstance(number, Decimal):
        if not number.is_finite():
            raise error(path, f"{number!r} is not a finite number.")
        text = format(number, "f")
    else:
        text = str(number).strip()
        if not _DECIMAL.match(text):
            raise error(path, f"{text!r} is not a decimal number.")
    return text.replace(".", mark) if mark != "." else text


def obj(found, path):
    """``found`` when it is an object ({} when absent); DocumentError otherwise."""
    if found in (None, ""):
        return {}
    if not isinstance(found, dict):
        raise error(path, f"expected an object, got {found!r}.")
    return found


def objects(found, path):
    """``found`` when it is a list of objects ([] when absent): [(path[i], item)];
    DocumentError naming the first item that is not an object."""
    if found in (None, ""):
        return []
    if not isinstance(found, list):
        raise error(path, f"expected a list of objects, got {found!r}.")
    for index, item in enumerate(found):
        if not isinstance(item, dict):
            raise error(f"{path}[{index}]", f"expected an object, got {item!r}.")
    return [(f"{path}[{index}]", item) for index, item in enumerate(found)]


def texts(found, path):
    """``found`` when it is a list of texts ([] when absent)."""
    if found in (None, ""):
        return []
    if not isinstance(found, list) or not all(isinstance(item, str) for item in found):
        raise error(path, f"expected a list of texts, got {found!r}.")
    return found


def raw_segments(found, path):
    """The segments of a list of :func:`raw_segment` dicts."""
    return [segment_from_raw(raw, where_) for where_, raw in objects(found, path)]


def text(document, key, path=None):
    """``document[key]`` as a string ("" when missing); DocumentError when it
    is a structure."""
    found = document.get(key) if isinstance(document, dict) else None
    if found is None:
        return ""
    if isinstance(found, dict | list | tuple | float | bool):
        raise error(f"{path}.{key}" if path else key, f"{found!r}: a string is expected.")
    return str(found)


def x12_date_time(found, path):
    """(CCYYMMDD, HHMM[SS]) of a document's ISO date; ("", "") when absent."""
    if found in (None, ""):
        return "", ""
    return split_iso(found, path)
