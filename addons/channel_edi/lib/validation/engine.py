"""The validation engine: one walk over a transaction set, driven by a guide.

:func:`compile_guide` turns a :class:`~.guide.Guide` into plain slotted
objects once (cached on the guide): every loop knows, for each segment tag,
where it may occur; every segment position has its element checks ready
(type, lengths, code set as a frozenset, syntax notes as tuples). Validating a
transaction is then a walk with a stack of open loops, no regular expression
and no copy of the transaction.

Segment order follows the X12/EDIFACT rule: a segment is looked for forward
from the current position in the innermost open loop, then in the enclosing
loops (which closes the inner ones); a loop's first segment starts a new
iteration. Skipped mandatory segments are reported missing.

Every problem is a :class:`~..tree.Issue` with a stable ``code`` (the keys of
:data:`ISSUE_CODES`), the X12 997/999 code (``ack_code``: AK304 for a segment,
AK403 for an element) and the EDIFACT CONTRL syntax error code
(``contrl_code``, code list 0085).
"""

from ..readsegment import split_element
from ..tree import Issue
from .fastcheck import checker

# code: (X12 AK304 / AK403, EDIFACT 0085, what it means)
ISSUE_CODES = {
    # segment level (AK3 / UCS)
    "segment_unrecognized": ("1", "15", "unrecognized segment ID"),
    "segment_unexpected": ("2", "15", "unexpected segment"),
    "segment_missing": ("3", "13", "mandatory segment missing"),
    "loop_max": ("4", "36", "loop occurs over maximum times"),
    "segment_max_use": ("5", "35", "segment exceeds maximum use"),
    "segment_not_in_set": ("6", "15", "segment not in defined transaction set"),
    "segment_order": ("7", "15", "segment not in proper sequence"),
    "segment_not_used": ("2", "15", "segment the guide does not use"),
    # element level (AK4 / UCD); the segment's AK3 then has code 8
    "element_missing": ("1", "13", "mandatory data element missing"),
    "element_conditional": ("2", "13", "conditional required data element missing"),
    "element_too_many": ("3", "16", "too many data elements"),
    "element_too_short": ("4", "40", "data element too short"),
    "element_too_long": ("5", "39", "data element too long"),
    "element_invalid_character": ("6", "37", "invalid character in data element"),
    "element_invalid_code": ("7", "12", "invalid code value"),
    "element_invalid_date": ("8", "12", "invalid date"),
    "element_invalid_time": ("9", "12", "invalid time"),
    "element_exclusion": ("10", "12", "exclusion condition violated"),
    "element_not_used": ("10", "15", "data element the guide does not use"),
    "element_too_many_repetitions": ("12", "35", "too many repetitions"),
    "element_too_many_components": ("13", "16", "too many components"),
    "element_missing_digit": ("6", "38", "missing digit in front of the decimal sign"),
    "hierarchy": ("7", "12", "invalid hierarchy (HL01/HL02/HL03/HL04)"),
}

HL_POSITIONS = {"number": 1, "parent": 2, "level": 3, "children": 4}  # X12 HL01..HL04
_DAYS = (0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_DIGITS = frozenset("0123456789")


class ElementSpec:
    """One element (or component) position of a segment, ready to check."""

    __slots__ = (
        "position",
        "ref",
        "id",
        "name",
        "usage",
        "kind",
        "low",
        "high",
        "codes",
        "components",
        "notes",
        "repeat",
        "bit",
        "fast",
        "dates",
    )

    def __init__(
        self, position, ref, id, name, usage, kind, low, high, codes, components=None, notes=(), repeat=1
    ):
        self.position = position
        self.ref = ref  # "BEG03", "MEA04-01"
        self.id = id  # "324", "C001"
        self.name = name
        self.usage = usage  # M O X C N
        self.kind = kind  # AN ID R DT TM N0..N9 B | an a n | "composite"
        self.low = low
        self.high = high
        self.codes = codes  # frozenset or None
        self.components = components  # [ElementSpec] of a composite
        self.notes = notes  # composite syntax notes (compiled)
        self.repeat = repeat  # max repetitions (None: unbounded)
        self.bit = 1 << position  # for syntax notes
        self.dates = None  # a composite holding a date and its format qualifier: (value, format, formats)
        # 1: text (AN, ID, an), 2: numeric, 0: other (checked by _value only)
        if components is not None or usage == "N":
            self.fast = 0
        elif kind in ("AN", "ID", "an"):
            self.fast = 1
        elif kind[0] == "N" or kind in ("R", "n"):
            self.fast = 2
        else:
            self.fast = 3  # DT, TM, a, B: checked by _value


class SegmentSpec:
    __slots__ = ("tag", "name", "elements", "notes", "count", "mandatory", "notes_met", "checkers")

    def __init__(self, tag, name, elements, notes):
        self.tag = tag
        self.name = name
        self.elements = elements
        self.notes = notes
        self.count = len(elements)
        self.mandatory = tuple(e for e in elements if e.usage == "M")
        self.notes_met = set()  # presence masks known to meet every syntax note
        self.checkers = {}  # segment class (its separators) -> fastcheck.checker()


class SegEntry:
    __slots__ = ("tag", "usage", "max", "spec", "loop")

    def __init__(self, tag, usage, most, spec, loop):
        self.tag, self.usage, self.max, self.spec, self.loop = tag, usage, most, spec, loop


class LoopEntry:
    __slots__ = (
        "id",
        "usage",
        "max",
        "entries",
        "where",
        "mandatory",
        "next_mandatory",
        "trigger",
        "hierarchy",
    )

    def __init__(self, loop_id, usage, most, entries, hierarchy=None):
        self.id, self.usage, self.max, self.entries = loop_id, usage, most, entries
        self.trigger = entries[0].tag if entries and isinstance(entries[0], SegEntry) else ""
        where = {}
        for index, entry in enumerate(entries):
            tag = entry.tag if isinstance(entry, SegEntry) else entry.trigger
            where.setdefault(tag, []).append(index)
        self.where = {tag: tuple(indices) for tag, indices in where.items()}
        self.mandatory = tuple(entry.usage == "M" for entry in entries)
        # next_mandatory[j]: the first mandatory entry at j or after (len: none)
        following, nxt = [len(entries)] * (len(entries) + 1), len(entries)
        for j in range(len(entries) - 1, -1, -1):
            if self.mandatory[j]:
                nxt = j
            following[j] = nxt
        self.next_mandatory = tuple(following)
        self.hierarchy = hierarchy


# --- compiling ---------------------------------------------------------------------------


def compile_guide(guide):
    return CompiledGuide(guide)


def _syntax_notes(notes, where):
    """``"P0102"`` -> ("P", (1, 2)); ``"L010203"`` -> ("L", (1, 2, 3))."""
    out = []
    for note in notes:
        kind, digits = note[0], note[1:]
        if kind not in "PRECL" or len(digits) % 2 or not digits.isdigit():
            raise ValueError(
                f"{where}: syntax note {note!r} is not P/R/E/C/L followed by two-digit positions"
            )
        positions = tuple(int(digits[i : i + 2]) for i in range(0, len(digits), 2))
        mask = 0
        for position in positions:
            mask |= 1 << position
        out.append((kind, positions, note, mask, 1 << positions[0]))
    return tuple(out)


class CompiledGuide:
    """A guide ready to validate transactions; build it with :func:`compile_guide`."""

    def __init__(self, guide):
        self.guide = guide
        self.standard = guide.standard
        self.dictionary = guide.dictionary
        self._specs = {}
        self.tags = set()
        self.root = self._loop("", "M", 1, guide.structure)

    def _loop(self, loop_id, usage, most, structure):
        entries = []
        for item in structure:
            if item[0] == "seg":
                _kind, tag, seg_usage, seg_max = item
                # "REF" names the heading's REF, "PO1/REF" the one directly in loop PO1
                rule = self.guide.segments.get(f"{loop_id}/{tag}" if loop_id else tag, {})
                if entries == [] and loop_id:  # a loop's first segment: once per iteration
                    rule = {}
                entries.append(
                    SegEntry(
                        tag,
                        rule.get("usage", seg_usage),
                        _limit(rule.get("max", seg_max)),
                        self._segment_spec(tag, loop_id),
                        loop_id,
                    )
                )
                self.tags.add(tag)
            else:
                _kind, child_id, child_usage, child_max, children = item
                # a loop is named like its first segment: "N1" at the heading, "PO1/N1" inside PO1
                name = f"{loop_id}/{child_id}" if loop_id else child_id
                trigger = f"{loop_id}/{children[0][1]}" if loop_id else children[0][1]
                rule = dict(self.guide.segments.get(trigger, {}))
                rule.update(self.guide.loops.get(name, {}))
                entries.append(
                    self._loop(
                        child_id, rule.get("usage", child_usage), _limit(rule.get("max", child_max)), children
                    )
                )
        hierarchy = self.guide.hierarchy.get(loop_id)
        if hierarchy:
            hierarchy = {
                "levels": frozenset(hierarchy.get("levels") or ()),
                "roots": frozenset(hierarchy.get("roots") or ()),
                "parents": {level: frozenset(p) for level, p in (hierarchy.get("parents") or {}).items()},
                # which elements hold the number, the parent's number, the level, the child flag
                "positions": {**HL_POSITIONS, **(hierarchy.get("positions") or {})},
            }
        return LoopEntry(loop_id, usage, most, entries, hierarchy)

    def _segment_spec(self, tag, loop_id):
        key = (tag, loop_id)
        if key not in self._specs:
            name, uses, notes, total = self.dictionary.segments[tag]
            elements = [
                self._element_spec(number, f"{tag}{number:02d}", use, loop_id)
                for number, use in enumerate(uses, start=1)
            ]
            for number in range(len(uses) + 1, total + 1):  # not described: free text
                rule = self._rule(f"{tag}{number:02d}", loop_id)
                elements.append(
                    ElementSpec(
                        number,
                        f"{tag}{number:02d}",
                        "",
                        "element",
                        rule.get("usage", "O"),
                        "AN",
                        rule.get("min", 0),
                        rule.get("max", 10**6),
                        frozenset(rule["codes"]) if "codes" in rule else None,
                    )
                )
            self._specs[key] = SegmentSpec(tag, name, elements, _syntax_notes(notes, tag))
        return self._specs[key]

    def _rule(self, ref, loop_id):
        rule = dict(self.guide.elements.get(ref, {}))
        if loop_id:
            rule.update(self.guide.elements.get(f"{loop_id}/{ref}", {}))
        return rule

    def _element_spec(self, position, ref, use, loop_id):
        usage, element_id, repeat = use
        rule = self._rule(ref, loop_id)
        usage = rule.get("usage", usage)
        if element_id in self.dictionary.composites:
            name, component_uses, notes = self.dictionary.composites[element_id]
            components = [
                self._element_spec(number, f"{ref}-{number:02d}", component_use, loop_id)
                for number, component_use in enumerate(component_uses, start=1)
            ]
            spec = ElementSpec(
                position, ref, element_id, name, usage, "composite", 0, 0, None, components, repeat=repeat
            )
            spec.notes = _syntax_notes(notes, element_id)
            dates = self.dictionary.dates.get(element_id)
            if dates:
                spec.dates = (dates["value"], dates["format"], dates["formats"])
            return spec
        name, kind, low, high, codes = self.dictionary.elements[element_id]
        if "codes" in rule:
            codes = frozenset(rule["codes"])
        return ElementSpec(
            position,
            ref,
            element_id,
            name,
            usage,
            kind,
            rule.get("min", low),
            rule.get("max", high),
            codes,
            repeat=repeat,
        )

    # --- validating -------------------------------------------------------------------

    def validate(self, transaction, decimal_mark=".", fast=True):
        """The issues of one transaction (a :class:`~..tree.Transaction` or a
        list of segments, header and trailer included).

        ``decimal_mark`` is the interchange's (UNA3); EDIFACT numbers are
        accepted with either mark, as syntax version 4 allows."""
        segments = getattr(transaction, "segments", transaction)
        run = _Run(self, fast)
        for index, segment in enumerate(segments, start=1):
            run.segment(segment, index)
        run.finish(segments[-1] if segments else None, len(segments))
        return run.issues


def _limit(value):
    return None if value in (None, ">1") else value


class _Run:
    """The state of one transaction's walk: the stack of open loops as
    ``[loop, current index, counts per entry]`` frames."""

    __slots__ = ("guide", "issues", "stack", "hl_levels", "hl_children", "hl_count", "fast")

    def __init__(self, guide, fast=True):
        self.guide = guide
        self.fast = fast  # False: every segment through the detailed checks (tests compare both)
        self.issues = []
        self.stack = [[guide.root, -1, [0] * len(guide.root.entries)]]
        self.hl_levels = None  # HL01 -> (level, segment, index, HL04 spec), once an HL is met

    # segment order -------------------------------------------------------------------

    def segment(self, segment, index):
        tag = segment.tag
        stack = self.stack
        depth = len(stack) - 1
        target = -1
        while depth >= 0:
            frame = stack[depth]
            indices = frame[0].where.get(tag)
            if indices:
                cur = frame[1]
                for i in indices:
                    if i > cur or (i == cur and (i or not depth)):
                        target = i
                        break
                if target >= 0:
                    break
            depth -= 1
        if target < 0:
            self._misplaced(segment, index)
            return
        while len(stack) - 1 > depth:
            self._close(stack.pop(), segment, index)
        frame = stack[depth]
        loop, cur, counts = frame
        following = loop.next_mandatory  # skipped mandatory entries are missing
        j = following[cur + 1]
        while j < target:
            if not counts[j]:
                self._missing(loop.entries[j], segment, index)
            j = following[j + 1]
        counts[target] += 1
        frame[1] = target
        entry = loop.entries[target]
        if entry.__class__ is LoopEntry:
            if entry.max is not None and counts[target] > entry.max:
                self._segment_issue(
                    "loop_max",
                    segment,
                    index,
                    entry.id,
                    f"loop {entry.id} repeats more than {entry.max} times",
                )
            stack.append([entry, 0, [1] + [0] * (len(entry.entries) - 1)])
            if entry.hierarchy is not None:
                self._hierarchy(entry, segment, index)
            entry = entry.entries[0]
        else:
            if entry.max is not None and counts[target] > entry.max:
                self._segment_issue(
                    "segment_max_use",
                    segment,
                    index,
                    entry.loop,
                    f"{tag} is used more than {entry.max} times here",
                )
            if entry.usage == "N":
                self._segment_issue(
                    "segment_not_used", segment, index, entry.loop, f"{tag} is not used by this guide"
                )
        if not (self.fast and self._fast_yes(entry.spec, segment, index)):
            self._elements(entry.spec, segment, index, entry.loop)

    def _fast_yes(self, spec, segment, index):
        """True when a segment as the codec read it (unsplit) is valid by the
        straight-line check (fastcheck.py); its syntax notes are checked here."""
        raw = getattr(segment, "raw", None)
        if raw is None or segment._elements is not None:
            return False
        check = spec.checkers.get(segment.__class__)
        if check is None:
            check = spec.checkers[segment.__class__] = checker(
                spec, segment.component, segment.repetition, segment.release
            )
        present = check(raw)
        if present < 0:
            return False
        if spec.notes and present not in spec.notes_met:
            if (
                not self._notes(spec.notes, present, spec.elements, segment, index, None)
                and len(spec.notes_met) < 512
            ):
                spec.notes_met.add(present)
        return True

    def _close(self, frame, segment, index, end=False):
        loop, cur, counts = frame
        following = loop.next_mandatory
        j = following[cur + 1]
        while j < len(counts):
            if not counts[j]:
                self._missing(loop.entries[j], segment, index, end)
            j = following[j + 1]

    def finish(self, last, count):
        while self.stack:
            self._close(self.stack.pop(), last, count, end=True)
        if self.hl_levels:
            self._hierarchy_end()

    def _missing(self, entry, segment, index, end=False):
        if entry.__class__ is LoopEntry:
            tag, loop_id = entry.trigger, entry.id
            what = f"loop {entry.id} (starting with {tag})"
        else:
            tag, loop_id = entry.tag, entry.loop
            what = f"segment {tag}"
        if segment is None:
            before = "(empty set)"
        elif end:
            before = "at the end of the set"
        else:
            before = f"before {segment.tag} at set position {_set_position(segment, index)}"
        issue = self._segment_issue(
            "segment_missing", segment, index, loop_id, f"mandatory {what} is missing {before}"
        )
        issue.segment = tag

    def _misplaced(self, segment, index):
        tag = segment.tag
        guide = self.guide
        if tag not in guide.dictionary.segments:
            code, text = (
                "segment_unrecognized",
                f"{tag} is not a segment of {guide.standard.upper()} {guide.dictionary.version}",
            )
        elif tag not in guide.tags:
            code, text = "segment_not_in_set", f"{tag} is not in transaction set {guide.guide.set_id}"
        elif any(tag in frame[0].where for frame in self.stack):
            code, text = "segment_order", f"{tag} is out of order (it belongs earlier in this loop)"
        else:
            code, text = "segment_unexpected", f"{tag} is not expected here"
        self._segment_issue(code, segment, index, self.stack[-1][0].id, text)

    # issues --------------------------------------------------------------------------

    def _segment_issue(self, code, segment, index, loop_id, text):
        ack, contrl, _meaning = ISSUE_CODES[code]
        issue = Issue(
            code,
            text,
            position=segment.position if segment else 0,
            segment=segment.tag if segment else "",
            set_position=_set_position(segment, index) if segment else index,
            ack_code=ack,
            contrl_code=contrl,
            loop=loop_id,
        )
        self.issues.append(issue)
        return issue

    def _element_issue(self, code, segment, index, spec, text, value="", component=0, element=None):
        ack, contrl, _meaning = ISSUE_CODES[code]
        position = element.position if element is not None else spec.position
        self.issues.append(
            Issue(
                code,
                f"{spec.ref} ({spec.name}): {text}",
                position=segment.position,
                segment=segment.tag,
                element=spec.ref,
                set_position=_set_position(segment, index),
                ack_code=ack,
                contrl_code=contrl,
                element_position=position,
                component_position=component,
                data_element=spec.id,
                value=value[:99],
            )
        )

    # elements ------------------------------------------------------------------------

    def _elements(self, spec, segment, index, loop_id):
        """Check a segment's elements. A segment the codec read and nobody
        split yet (``raw``) is checked on its element strings: only an
        element holding a component, repetition or release character is
        split."""
        raw = getattr(segment, "raw", None)
        if raw is None or segment.materialized:
            values = [None, *segment.elements]  # lists of repetitions
            separators = None
        else:
            values = raw
            component, repetition, release = separators = (
                segment.component,
                segment.repetition,
                segment.release,
            )
            joined = "".join(raw)
            if not (
                component in joined
                or (repetition and repetition in joined)
                or (release and release in joined)
            ):
                separators = False  # plain strings only: no splitting to consider
        count = len(values) - 1
        if count > spec.count:
            self._too_many(spec, segment, index, values, separators)
        present = 0
        for element in spec.elements if count >= spec.count else spec.elements[:count]:
            value = values[element.position]
            if separators is not None:
                if not value:
                    if element.usage == "M":
                        self._element_issue(
                            "element_missing", segment, index, element, "mandatory element is missing"
                        )
                    continue
                if separators and (
                    component in value
                    or (repetition and repetition in value)
                    or (release and release in value)
                ):
                    value = split_element(value, *separators)
                elif element.fast:
                    present |= element.bit
                    # the common cases inline: text within its lengths and code set, plain digits
                    fast = element.fast
                    if fast == 1:
                        if (
                            element.low <= len(value) <= element.high
                            and (element.codes is None or value in element.codes)
                            and value.isprintable()
                        ):
                            continue
                    elif fast == 2:
                        if value.isdigit() and element.low <= len(value) <= element.high:
                            continue
                        if element.kind == "R" and "." in value and value.replace(".", "", 1).isdigit():
                            if element.low <= len(value) - 1 <= element.high:
                                continue
                    self._value(element, value, segment, index, element, 0)
                    continue
                else:
                    value = [[value]]
            if self._element(element, value, segment, index):
                present |= element.bit
        for element in spec.mandatory:
            if element.position > count:
                self._element_issue(
                    "element_missing", segment, index, element, "mandatory element is missing"
                )
        if spec.notes and present not in spec.notes_met:  # most segments repeat a pattern already met
            if (
                not self._notes(spec.notes, present, spec.elements, segment, index, None)
                and len(spec.notes_met) < 512
            ):
                spec.notes_met.add(present)

    def _too_many(self, spec, segment, index, values, separators):
        for extra in range(spec.count + 1, len(values)):
            value = values[extra]
            if separators and value:  # as written: only separators (">") is no value, as once split
                value = split_element(value, *separators)
            elif separators is not None:
                value = [[value]]
            if any(any(c for c in rep) for rep in value):
                ref = f"{segment.tag}{extra:02d}"
                fake = ElementSpec(extra, ref, "", "extra element", "O", "AN", 0, 0, None)
                self._element_issue(
                    "element_too_many", segment, index, fake, f"{segment.tag} has only {spec.count} elements"
                )
                return

    def _element(self, element, repetitions, segment, index):
        """Check one element given as repetitions of components; True when present."""
        if not repetitions:
            if element.usage == "M":
                self._element_issue(
                    "element_missing", segment, index, element, "mandatory element is missing"
                )
            return False
        first = repetitions[0]
        if element.components is None:
            value = first[0] if first else ""
            if len(first) > 1 and any(first[1:]):
                self._element_issue(
                    "element_too_many_components",
                    segment,
                    index,
                    element,
                    "a simple element has components",
                    value,
                )
        else:
            value = "".join(first)
        if not value:
            if element.usage == "M":
                self._element_issue(
                    "element_missing", segment, index, element, "mandatory element is missing"
                )
            return False
        if element.usage == "N":
            self._element_issue(
                "element_not_used", segment, index, element, "element is not used by this guide", value
            )
            return True
        if len(repetitions) > 1 and element.repeat is not None and len(repetitions) > element.repeat:
            self._element_issue(
                "element_too_many_repetitions",
                segment,
                index,
                element,
                f"repeats more than {element.repeat} times",
            )
        for repetition in repetitions:
            if element.components is None:
                if repetition and repetition[0]:
                    self._value(element, repetition[0], segment, index, element, 0)
            else:
                self._composite(element, repetition, segment, index)
        return True

    def _composite(self, composite, components, segment, index):
        specs = composite.components
        if len(components) > len(specs) and any(components[len(specs) :]):
            self._element_issue(
                "element_too_many_components",
                segment,
                index,
                composite,
                f"has more than {len(specs)} components",
                component=len(specs) + 1,
            )
        present = 0
        for spec in specs:
            number = spec.position
            value = components[number - 1] if number <= len(components) else ""
            if not value:
                if spec.usage == "M":
                    self._element_issue(
                        "element_missing",
                        segment,
                        index,
                        spec,
                        "mandatory component is missing",
                        component=number,
                        element=composite,
                    )
                continue
            present |= spec.bit
            self._value(spec, value, segment, index, composite, number)
        if composite.notes:
            self._notes(composite.notes, present, specs, segment, index, composite)
        if composite.dates:
            self._dated(composite, components, segment, index)

    def _dated(self, composite, components, segment, index):
        """An EDIFACT date (DTM C507) in the format its qualifier names (2379)."""
        value_at, format_at, formats = composite.dates
        value = components[value_at - 1] if value_at <= len(components) else ""
        code = components[format_at - 1] if format_at <= len(components) else ""
        pattern = formats.get(code)
        if value and pattern and not _valid_format(value, pattern):
            spec = composite.components[value_at - 1]
            self._element_issue(
                "element_invalid_date",
                segment,
                index,
                spec,
                f"{value!r} is not a date/time as {pattern} (format {code})",
                value,
                value_at,
                composite,
            )

    def _value(self, spec, value, segment, index, element, component):
        """Check one non-empty simple value: length, type, code set."""
        kind = spec.kind
        if kind == "ID" or kind == "AN" or kind == "an":
            size = len(value)
            if not value.isprintable():
                return self._bad("element_invalid_character", spec, value, segment, index, element, component)
        elif kind[0] == "N" or kind == "R" or kind == "n":
            size = self._numeric(spec, value, segment, index, element, component)
            if size is None:
                return None
        elif kind == "DT" or kind == "TM":  # the length first: 2024010 is too short, 20240230 no date
            size = len(value)
            if spec.low <= size <= spec.high and not (_valid_date if kind == "DT" else _valid_time)(value):
                code = "element_invalid_date" if kind == "DT" else "element_invalid_time"
                return self._bad(code, spec, value, segment, index, element, component)
        elif kind == "a":
            size = len(value)
            if not value.isprintable() or any(c in _DIGITS for c in value):
                return self._bad("element_invalid_character", spec, value, segment, index, element, component)
        else:
            size = len(value)
        if size < spec.low:
            return self._bad("element_too_short", spec, value, segment, index, element, component)
        if size > spec.high:
            return self._bad("element_too_long", spec, value, segment, index, element, component)
        if spec.codes is not None and value not in spec.codes:
            return self._bad("element_invalid_code", spec, value, segment, index, element, component)
        return None

    def _numeric(self, spec, value, segment, index, element, component):
        """The length of a numeric value (digits only), or None after reporting it."""
        digits = value[1:] if value[0] == "-" else value
        if digits.isdigit():
            return len(digits)
        kind = spec.kind
        if kind == "R" or kind == "n":
            marks = ".," if kind == "n" else "."
            for mark in marks:
                whole, sep, fraction = digits.partition(mark)
                if sep and (whole + fraction).isdigit():
                    if kind == "n" and not whole:
                        self._bad("element_missing_digit", spec, value, segment, index, element, component)
                        return None
                    return len(whole) + len(fraction)
                if sep and whole.isdigit() and not fraction and kind == "R":
                    return len(whole)
        self._bad("element_invalid_character", spec, value, segment, index, element, component)
        return None

    def _bad(self, code, spec, value, segment, index, element, component):
        texts = {
            "element_invalid_character": f"{value!r} is not valid {_type_name(spec)}",
            "element_invalid_date": f"{value!r} is not a date (CCYYMMDD or YYMMDD)",
            "element_invalid_time": f"{value!r} is not a time (HHMM[SS[dd]])",
            "element_too_short": f"{value!r} is shorter than {spec.low}",
            "element_too_long": f"{value!r} is longer than {spec.high}",
            "element_invalid_code": f"{value!r} is not one of the allowed codes ({', '.join(sorted(spec.codes)[:12])}{'...' if len(spec.codes) > 12 else ''})"
            if spec.codes
            else "",
            "element_missing_digit": f"{value!r} needs a digit before its decimal mark",
        }
        self._element_issue(code, segment, index, spec, texts[code], value, component, element)

    def _notes(self, notes, present, specs, segment, index, composite):
        """X12 syntax notes over the present elements (or components), as
        bit masks (bit ``n`` set: element ``n`` present); True when one is not met."""
        failed = False
        for kind, positions, note, mask, first in notes:
            there = present & mask
            if kind == "P":
                broken = there and there != mask
            elif kind == "R":
                broken = not there
            elif kind == "E":
                broken = there & (there - 1)  # more than one bit
            elif kind == "C":
                broken = there & first and there != mask
            else:  # L
                broken = there & first and not there & ~first
            if not broken:
                continue
            failed = True
            if kind == "E":
                wanted = [p for p in positions if present & (1 << p)][1:2]
                code = "element_exclusion"
            else:
                wanted = [p for p in positions if not present & (1 << p)][:1] or [positions[0]]
                code = "element_conditional"
            spec = specs[wanted[0] - 1] if wanted and wanted[0] <= len(specs) else specs[0]
            refs = ", ".join(specs[p - 1].ref for p in positions if p <= len(specs))
            self._element_issue(
                code,
                segment,
                index,
                spec,
                f"syntax note {note} ({_NOTE_TEXT[kind]}: {refs}) is not met",
                component=spec.position if composite is not None else 0,
                element=composite,
            )
        return failed

    # HL hierarchy --------------------------------------------------------------------

    def _hierarchy(self, loop, segment, index):
        """The level's number counts 1, 2, 3... (HL01, CPS01); its parent
        (HL02, CPS02) is an earlier number; the parent's level (HL03) is one
        the guide allows under this level."""
        rules = loop.hierarchy
        if self.hl_levels is None:
            self.hl_levels, self.hl_children, self.hl_count = {}, {}, 0
        self.hl_count += 1
        at = rules["positions"]
        elements = loop.entries[0].spec.elements
        number_spec, parent_spec = elements[at["number"] - 1], elements[at["parent"] - 1]
        level_spec = elements[at["level"] - 1] if at.get("level") else None
        number, parent = segment.get(at["number"]), segment.get(at["parent"])
        level = segment.get(at["level"]) if level_spec else ""
        tag = segment.tag
        if number != str(self.hl_count):
            self._element_issue(
                "hierarchy",
                segment,
                index,
                number_spec,
                f"{number_spec.ref} is {number!r}, expected {self.hl_count} (numbered from 1 by one)",
                number,
            )
        if parent:
            if parent not in self.hl_levels:
                self._element_issue(
                    "hierarchy",
                    segment,
                    index,
                    parent_spec,
                    f"parent {parent!r} is not an earlier {tag}",
                    parent,
                )
            else:
                allowed = rules["parents"].get(level)
                parent_level = self.hl_levels[parent][0]
                if allowed is not None and parent_level not in allowed:
                    self._element_issue(
                        "hierarchy",
                        segment,
                        index,
                        level_spec,
                        f"level {level} cannot be under level {parent_level} (allowed: {', '.join(sorted(allowed))})",
                        level,
                    )
                self.hl_children[parent] = self.hl_children.get(parent, 0) + 1
        elif rules["roots"] and level not in rules["roots"]:
            self._element_issue(
                "hierarchy",
                segment,
                index,
                parent_spec,
                f"level {level} needs a parent ({parent_spec.ref}): only {', '.join(sorted(rules['roots']))} may be on top",
                level,
            )
        if rules["levels"] and level and level not in rules["levels"] and level_spec.codes is None:
            self._element_issue(
                "hierarchy",
                segment,
                index,
                level_spec,
                f"level {level!r} is not one of {', '.join(sorted(rules['levels']))}",
                level,
            )
        children = (
            elements[at["children"] - 1] if at.get("children") and at["children"] <= len(elements) else None
        )
        self.hl_levels[number] = (level, segment, index, children)

    def _hierarchy_end(self):
        """HL04 says whether a level has children: "1" yes, "0" no."""
        for number, (_level, segment, index, spec) in self.hl_levels.items():
            if spec is None:
                continue
            flag = segment.get(spec.position)
            if not flag:
                continue
            has = self.hl_children.get(number, 0) > 0
            if (flag == "1") != has:
                self._element_issue(
                    "hierarchy",
                    segment,
                    index,
                    spec,
                    f"{spec.ref} is {flag} but the level has {'children' if has else 'no children'}",
                    flag,
                )


_NOTE_TEXT = {
    "P": "all or none present",
    "R": "at least one required",
    "E": "only one may be present",
    "C": "if the first is present, all are required",
    "L": "if the first is present, one of the others is required",
}


def _type_name(spec):
    return {
        "N": f"numeric {spec.kind}",
        "R": "decimal (R)",
        "n": "numeric (n)",
        "a": "alphabetic (a)",
    }.get(spec.kind[0] if spec.kind[0] == "N" else spec.kind, f"{spec.kind} text")


def _set_position(segment, index):
    return segment.set_position or index


def _valid_date(value):
    if not value.isdigit():
        return False
    if len(value) == 8:
        year, month, day = int(value[:4]), int(value[4:6]), int(value[6:])
    elif len(value) == 6:
        year, month, day = 2000 + int(value[:2]), int(value[2:4]), int(value[4:])
    else:
        return False
    if not 1 <= month <= 12 or not 1 <= day <= _DAYS[month]:
        return False
    return not (month == 2 and day == 29 and (year % 4 or (year % 100 == 0 and year % 400)))


def _valid_format(value, pattern):
    """``value`` written as ``pattern``: CCYYMMDD, YYMMDD, CCYYMMDDHHMM[SS],
    HHMM, CCYYWW, or two of them joined by "-" (a period)."""
    if "-" in pattern:
        first, _, second = pattern.partition("-")
        low, sep, high = value.partition("-")
        return bool(sep) and _valid_format(low, first) and _valid_format(high, second)
    if len(value) != len(pattern) or not value.isdigit():
        return False
    if pattern == "CCYYWW":
        return 1 <= int(value[4:]) <= 53
    date_part = pattern.split("HH")[0]
    if date_part and not _valid_date(value[: len(date_part)]):
        return False
    time_part = value[len(date_part) :]
    return not time_part or _valid_time(time_part)


def _valid_time(value):
    if not value.isdigit() or len(value) < 4 or len(value) > 8:
        return False
    if int(value[:2]) > 23 or int(value[2:4]) > 59:
        return False
    return len(value) < 6 or int(value[4:6]) <= 59
