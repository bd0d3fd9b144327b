"""A tiny test-local splitter: EDI text -> tree transactions.

Only for the validation tests while the codec (``lib/x12.py``,
``lib/edifact.py``) is built elsewhere: no envelope checks, no escaping
beyond EDIFACT's release character, no warnings.
"""

from odoo.addons.channel_edi.lib import tree


def x12_segments(text):
    """Segments of an X12 interchange, delimiters read from the ISA."""
    text = text.lstrip("\ufeff \r\n\t")
    element, component, terminator = text[3], text[104], text[105]
    repetition = text[82] if text[84:89] >= "00402" else ""
    out = []
    for raw in text.split(terminator):
        raw = raw.strip("\r\n\t ")
        if not raw:
            continue
        tag, *values = raw.split(element)
        if tag == "ISA":
            out.append(tree.Segment(tag, [[[v]] for v in values]))
            continue
        out.append(tree.Segment(tag, [[r.split(component) for r in _reps(v, repetition)] for v in values]))
    return out


def _reps(value, repetition):
    return value.split(repetition) if repetition else [value]


def edifact_segments(text):
    """Segments of an EDIFACT interchange (UNA or the default service string)."""
    text = text.lstrip("\ufeff \r\n\t")
    component, element, decimal, release, terminator = ":", "+", ".", "?", "'"
    if text.startswith("UNA"):
        component, element, decimal, release, terminator = text[3], text[4], text[5], text[6], text[8]
        text = text[9:]
    out, current, escaped = [], [], False
    for char in text:
        if escaped:
            current.append("\0" + char)
            escaped = False
        elif char == release:
            escaped = True
        elif char == terminator:
            out.append(current)
            current = []
        else:
            current.append(char)
    segments = []
    for chars in out:
        raw = "".join(chars).strip("\r\n\t ")
        if not raw:
            continue
        elements = _split_escaped(raw, element)
        tag = elements[0].replace("\0", "")
        values = [[[c.replace("\0", "") for c in _split_escaped(e, component)]] for e in elements[1:]]
        segments.append(tree.Segment(tag, values))
    return segments, decimal


def _split_escaped(text, separator):
    parts, current, i = [], [], 0
    while i < len(text):
        if text[i] == "\0":
            current.append(text[i : i + 2])
            i += 2
            continue
        if text[i] == separator:
            parts.append("".join(current))
            current = []
        else:
            current.append(text[i])
        i += 1
    parts.append("".join(current))
    return parts


def transactions(segments, header="ST", trailer="SE"):
    """The transaction sets among ``segments`` with file and set positions."""
    out, current, version = [], None, ""
    for position, segment in enumerate(segments, start=1):
        segment.position = position
        if segment.tag == "GS":
            version = segment.get(8)
        if segment.tag == header:
            current = []
        if current is not None:
            current.append(segment)
            segment.set_position = len(current)
        if segment.tag == trailer and current is not None:
            first = current[0]
            kind = first.get(2) if header == "UNH" else first.get(1)
            number = first.get(1) if header == "UNH" else first.get(2)
            if header == "UNH":
                version = ":".join(first.components(2)[1:4])
            out.append(tree.Transaction(kind, number, current, version))
            current = None
    return out


def x12(text):
    return transactions(x12_segments(text))


def edifact(text):
    segments, _decimal = edifact_segments(text)
    return transactions(segments, "UNH", "UNT")


def build(text, element="*", component=">", repetition="^"):
    """A transaction from lines ``"ST*850*0001"`` (one segment per line),
    positions set as a reader would (file position = set position)."""
    segments = []
    for line in text.strip().splitlines():
        line = line.strip().rstrip("~'")
        if not line:
            continue
        tag, *values = line.split(element)
        elements = [[r.split(component) for r in v.split(repetition)] for v in values]
        segments.append(
            tree.Segment(tag, elements, position=len(segments) + 1, set_position=len(segments) + 1)
        )
    first = segments[0]
    kind = first.get(2) if first.tag == "UNH" else first.get(1)
    return tree.Transaction(kind, first.get(1 if first.tag == "UNH" else 2), segments)
