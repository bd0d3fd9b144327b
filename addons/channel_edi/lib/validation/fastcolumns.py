"""A whole X12 set checked column by column: the fast "valid" for sets as read.

:mod:`.fastset` checks a set with one regular expression over its text;
for an 850 of 100 lines that is some 200 segments of element patterns and
syntax-note look-aheads, which cost more than reading the set. Here the same
question is split in two, for a set the X12 reader made and nobody opened
(:class:`~..readsegment.LazyTransaction`, its segments' text):

- **structure**: the segment ids alone, joined, against :mod:`.fastset`'s
  expression with every segment reduced to its id (the same entries in the
  same order, the same repeats, the same refusal of a segment its entry
  would take again): a few hundred characters per set;
- **elements**: the segments of one id are checked together, element by
  element (a column: PO102 of every PO1), with the checks of
  :mod:`.fastcheck` (type, lengths, code list, mandatory, syntax notes)
  done on the column at once (a set of its values, ``str.isdigit`` of
  their join...) instead of once per segment.

The second part needs one rule per segment id: a set holding an id whose
entries in the guide do not all check their elements alike (a partner
override of ``PO1/REF`` only) is left to :mod:`.fastset`. Like fastcheck and
fastset, :func:`valid` only ever says "certainly valid" (True) or "look
closer" (False); what it does not model (composites holding a value,
repetitions, characters outside printable ASCII, HL hierarchies) is False.
``tests/channel_edi/test_lazy_paths.py`` and
``test_validation_fastset.py`` compare it with the engine on every sample
and on damaged copies.
"""

import re
from itertools import repeat
from operator import itemgetter

from .engine import LoopEntry, SegEntry
from .fastcheck import _alpha, _date, _decimal, _time, checker
from .fastset import E, S, _ranges, _Unsupported, _Writer

TAG = re.compile(r"[A-Z][A-Z0-9]{1,2}\Z")
_TEXT = ("AN", "ID", "an", "B")


def valid(compiled, transaction):
    """True when the unread X12 ``transaction`` is certainly valid for
    ``compiled``; False: ask :mod:`.fastset` / the engine."""
    pieces, tags = transaction.pieces, transaction.tags
    cls = transaction.segment_class
    if not pieces or cls.release or compiled.standard != "x12":
        return False
    # every value printable ASCII without a component or repetition separator (as fastset's)
    printable, plain = transaction.text_facts()
    if not (printable and plain):
        return False
    # the structure: a verdict per sequence of segment ids (orders repeat a few shapes), with
    # where each id's segments are in it
    shapes = compiled.__dict__.setdefault("_fastcolumns_shapes", {})
    shape = S.join(tags)
    found = shapes.get(shape)
    if found is None:
        found = _shape(compiled, tags, shape)
        if len(shapes) >= 256:
            shapes.clear()
        shapes[shape] = found
    if found is False:
        return False
    specs = _specs(compiled)
    for tag, take in found:
        spec = specs.get(tag)
        if spec is None or not _segments_valid(spec, take(pieces), cls):
            return False
    return True


def _shape(compiled, tags, shape):
    """False when the segment ids ``tags`` (joined: ``shape``) do not fit
    the guide's structure; else ``[(id, function giving the list of that
    id's segments from the set's pieces), ...]``."""
    distinct = frozenset(tags)
    cache = compiled.__dict__.setdefault("_fastcolumns", {})
    pattern = cache.get(distinct, False)
    if pattern is False:
        if len(cache) >= 64:
            cache.clear()
        pattern = cache[distinct] = _structure(compiled, distinct)
    if pattern is None or pattern.fullmatch(shape) is None:
        return False
    found = []
    for tag in sorted(distinct):
        where = [index for index, each in enumerate(tags) if each == tag]
        if len(where) == 1:
            found.append((tag, lambda pieces, at=where[0]: [pieces[at]]))
        else:
            found.append((tag, lambda pieces, get=itemgetter(*where): list(get(pieces))))
    return found


def _structure(compiled, tags):
    """The expression of a set's segment ids (joined by \\x1e), or None when
    a tag is not a plain X12 id or the guide has what fastset does not
    model."""
    if not all(TAG.match(tag) for tag in tags):
        return None
    try:
        return re.compile(_Ids(tags).loop_body(compiled.root))
    except _Unsupported:
        return None


class _Ids(_Writer):
    """fastset's expression with each segment reduced to its id."""

    def __init__(self, tags):
        self.tags = tags

    def segment(self, spec):
        return f"(?>{re.escape(spec.tag)}(?:{S}|\\Z))"


def _specs(compiled):
    """{segment id: its SegmentSpec} for the ids whose entries all check
    their elements alike (cached on the guide)."""
    found = compiled.__dict__.get("_fastcolumns_specs")
    if found is None:
        entries = {}

        def walk(loop):
            for entry in loop.entries:
                if entry.__class__ is LoopEntry:
                    walk(entry)
                elif entry.__class__ is SegEntry:
                    entries.setdefault(entry.tag, []).append(entry.spec)

        walk(compiled.root)
        found = {}
        for tag, specs in entries.items():
            if len({_signature(spec) for spec in specs}) == 1:
                found[tag] = specs[0]
        compiled.__dict__["_fastcolumns_specs"] = found
    return found


def _signature(spec):
    return (
        spec.count,
        spec.notes,
        tuple(
            (e.position, e.usage, e.kind, e.low, e.high, e.codes, e.components is None, e.dates)
            for e in spec.elements
        ),
    )


def _segments_valid(spec, group, cls):
    """The segments ``group`` (their text, one id) all pass fastcheck's
    checks of ``spec``: one or two segments one by one (the straight-line
    check the engine uses, ``spec.checkers``), more column by column, per
    number of elements."""
    separator = cls.element_separator
    if len(group) <= 2:
        check = spec.checkers.get(cls)
        if check is None:
            check = spec.checkers[cls] = checker(spec, cls.component, cls.repetition, cls.release)
        for piece in group:
            present = check(piece.split(separator))
            if present < 0 or not _notes_met(spec, present):
                return False
        return True
    last_mandatory = spec.mandatory[-1].position if spec.mandatory else 0  # in element order
    # most groups repeat one shape: the elements the first segment has, in every segment
    first = group[0].split(separator)
    count = len(first) - 1
    if last_mandatory <= count <= spec.count and separator not in (E, S):
        present = sum(1 << position for position, value in enumerate(first) if value and position)
        pattern = _rows(spec, cls, count, present)
        if pattern is not None and pattern.fullmatch(S.join(group) + S):
            return _notes_met(spec, present)
    counts = list(map(str.count, group, repeat(separator)))
    distinct = set(counts)
    for count in distinct:
        if count > spec.count or count < last_mandatory:
            return False
        rows = group if len(distinct) == 1 else [p for p, c in zip(group, counts, strict=True) if c == count]
        width = count + 1
        flat = separator.join(rows).split(separator)
        columns = [flat[position::width] for position in range(1, width)]
        some = every = 0  # bits of the elements some row has / every row has
        for element in spec.elements[:count]:
            column = columns[element.position - 1]
            values = set(column)
            if "" in values:
                if element.usage == "M":
                    return False
                values.discard("")
                if values:
                    some |= element.bit
            elif values:
                some |= element.bit
                every |= element.bit
            if values and not _values_valid(element, values):
                return False
        if not spec.notes:
            continue
        if some == every:  # every row has the same elements
            if not _notes_met(spec, every):
                return False
            continue
        masks = set()
        for row in zip(*columns, strict=True):
            masks.add(sum(1 << position for position, value in enumerate(row, 1) if value))
        if not all(_notes_met(spec, mask) for mask in masks):
            return False
    return True


def _rows(spec, cls, count, present):
    """An expression of segments of ``spec`` (each followed by \\x1e, its
    elements joined by the element separator of ``cls``, as written: values
    cannot hold it) that have ``count`` elements, exactly those of
    the bits of ``present`` non-empty, each a value fastset's expression
    takes; None when one of them is not modeled or a mandatory one is
    missing. Kept with the spec's straight-line checks (``spec.checkers``,
    under a tuple key)."""
    key = (cls, count, present)
    found = spec.checkers.get(key, False)
    if found is False:
        found = None
        writer = _RowWriter(cls)
        separator = writer.separator
        parts = [re.escape(spec.tag)]
        for element in spec.elements[:count]:
            if present >> element.position & 1:
                value = writer.value(element) if element.components is None and element.usage != "N" else None
                if value is None:
                    break
                parts.append(separator + value)
            elif element.usage == "M":
                break
            else:
                parts.append(separator)
        else:
            found = re.compile("(?:" + "".join(parts) + S + ")+")
        if len(spec.checkers) < 64:
            spec.checkers[key] = found
    return found


class _RowWriter(_Writer):
    """fastset's values for a text whose elements stay joined by the
    interchange's element separator (not replaced by \\x1f first): no value
    may hold that separator, and a decimal ends before it."""

    def __init__(self, cls):
        super().__init__(cls.component, cls.repetition, frozenset())
        self.allowed = self.allowed - {cls.element_separator}
        self.char = _ranges(sorted(self.allowed))
        self.separator = re.escape(cls.element_separator)

    def value(self, spec):
        found = super().value(spec)
        return None if found is None else found.replace(E, self.separator)  # in fastset's _END


def _values_valid(element, values):
    """fastcheck's ``_value_check`` over the distinct non-empty values of a column."""
    if element.components is not None or element.usage == "N":
        return False
    low, high = element.low, element.high
    sizes = set(map(len, values))
    if element.codes is not None:
        return values <= element.codes and low <= min(sizes) and max(sizes) <= high
    kind = element.kind
    if kind in _TEXT:
        return low <= min(sizes) and max(sizes) <= high
    if kind[0] == "N" and len(kind) == 2:
        return "".join(values).isdigit() and low <= min(sizes) and max(sizes) <= high
    if kind == "R":
        digits = [value.replace(".", "", 1) for value in values]
        sizes = set(map(len, digits))
        return all(map(str.isdigit, digits)) and low <= min(sizes) and max(sizes) <= high
    if kind == "n":
        return all(_decimal(value, low, high, True) for value in values)
    if kind == "DT":
        return low <= min(sizes) and max(sizes) <= high and all(map(_date, values))
    if kind == "TM":
        return low <= min(sizes) and max(sizes) <= high and all(map(_time, values))
    if kind == "a":
        return low <= min(sizes) and max(sizes) <= high and all(map(_alpha, values))
    return False


def _notes_met(spec, present):
    """Every syntax note of ``spec`` met by a segment whose elements present
    are the bits of ``present`` (``spec.notes_met`` remembers, as the engine does)."""
    if not spec.notes or present in spec.notes_met:
        return True
    for kind, _positions, _text, mask, first in spec.notes:
        if _broken(kind, present & mask, mask, first):
            return False
    if len(spec.notes_met) < 512:
        spec.notes_met.add(present)
    return True


def _broken(kind, there, mask, first):
    """``engine._notes``'s test of one note on the present bits ``there``."""
    if kind == "P":
        return bool(there) and there != mask
    if kind == "R":
        return not there
    if kind == "E":
        return bool(there & (there - 1))
    if kind == "C":
        return bool(there & first) and there != mask
    return bool(there & first) and not there & ~first  # L
