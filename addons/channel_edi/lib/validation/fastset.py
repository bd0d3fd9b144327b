"""A whole X12 transaction set checked by one regular expression: the fast "valid".

Most sets of a file are valid, and checking them segment by segment in
Python (the walk of :mod:`.engine`: a stack of loops, a check per element)
costs far more than reading them. Here a compiled guide becomes one regular
expression over the set's text, written as

    ST\\x1f850\\x1f0001\\x1eBEG\\x1f00\\x1fSA\\x1f...\\x1ePO1\\x1f1\\x1f...

(elements joined by \\x1f, segments by \\x1e: characters no element the
codec read can hold, see :func:`valid`). The expression says, from the same
:class:`~.engine.ElementSpec` / :class:`~.engine.LoopEntry` rules the engine
uses (partner overrides included):

- structure: each segment and loop of the guide in order, ``{min,max}`` times
  (min 1 when mandatory, 0 for a segment the guide does not use);
- elements: per segment position, each element's type, lengths and code
  list (a trie of the codes), mandatory elements, trailing empty elements,
  X12 syntax notes (P/R/E/C/L as look-aheads on the elements present).

When the set matches, the engine would report nothing, and :func:`valid` is
True without a line of Python per segment. Anything else (no match, or a
case the expression does not model: composites with empty first
components, signs, repetitions, HL hierarchies, EDIFACT) is False, "look
closer": the engine then walks the set and names every problem exactly as
before. So the fast path may only ever be stricter than the engine, never
more lenient; ``tests/channel_edi/test_validation_fastset.py`` checks that
on the samples and on thousands of damaged copies.

Why it agrees with the engine's segment order: the engine never backtracks.
For each segment it takes the first entry at or after the current one in the
innermost open loop, then in the enclosing loops. The expression does the
same with possessive quantifiers (``{m,n}+``: once repeated, never given
back) tried in guide order, and after each entry a look-ahead refusing its
own tag (``(?!TAG)``): the engine would have taken that segment as a repeat
of the entry (too many, or an element error inside), so the set is not
plainly valid.
"""

import re

from .engine import LoopEntry

E = "\x1f"  # between elements
S = "\x1e"  # between segments
_END = rf"(?=[{E}{S}]|\Z)"  # the end of an element
_MMDD = (
    r"(?:(?:0[1-9]|1[0-2])(?:0[1-9]|1[0-9]|2[0-8])"  # any month, days 1-28
    r"|(?:0[13-9]|1[0-2])(?:29|30)"  # 29 and 30 but in February (29 February: look closer)
    r"|(?:0[13578]|1[02])31)"
)
_HHMM = r"(?:[01][0-9]|2[0-3])[0-5][0-9]"
_TIMES = {4: _HHMM, 5: _HHMM + "[0-9]", 6: _HHMM + "[0-5][0-9]", 7: _HHMM + "[0-5][0-9][0-9]"}
_TIMES[8] = _TIMES[6] + "[0-9]{2}"


def valid(compiled, transaction):
    """True when ``transaction`` (as the codec read it) is certainly valid
    for ``compiled`` (a :class:`~.engine.CompiledGuide`); False means "ask
    the engine", not "invalid". A set still unread
    (:class:`~..readsegment.LazyTransaction`) is checked from its text:
    :mod:`.fastcolumns` first, then this expression."""
    if compiled.standard != "x12":
        return False
    if getattr(transaction, "unread", False):  # as the X12 reader made it, segments not made yet
        return _valid_text(compiled, transaction)
    segments = getattr(transaction, "segments", transaction)
    if not segments:
        return False
    cls = segments[0].__class__
    if getattr(cls, "release", None) != "" or not hasattr(cls, "component"):
        return False  # not a segment the X12 codec read
    # only unsplit segments of the same separators (elements as read, unchanged)
    raws = [s.raw for s in segments if s.__class__ is cls and s._elements is None]
    if len(raws) != len(segments):
        return False
    text = S.join(map(E.join, raws))
    # no element may hold the joining characters themselves
    if text.count(S) != len(raws) - 1 or text.count(E) != sum(map(len, raws)) - len(raws):
        return False
    tags = frozenset([raw[0] for raw in raws])
    pattern = _pattern(compiled, cls.component, cls.repetition, tags)
    return pattern is not None and pattern.fullmatch(text) is not None


def _valid_text(compiled, transaction):
    """:func:`valid` of a :class:`~..readsegment.LazyTransaction` from the
    text of its segments: the same expression over the same text (each
    segment's elements joined by \\x1f), without making its segments."""
    from . import fastcolumns  # it builds on this module

    if fastcolumns.valid(compiled, transaction):  # the plain case, column by column
        return True
    pieces = transaction.pieces
    cls = transaction.segment_class
    if not pieces or cls.release != "":
        return False
    text = S.join(pieces)
    # no element may hold the joining characters themselves
    if text.count(S) != len(pieces) - 1 or E in text:
        return False
    separator = cls.element_separator
    if separator != E:
        text = text.replace(separator, E)
    pattern = _pattern(compiled, cls.component, cls.repetition, frozenset(transaction.tags))
    return pattern is not None and pattern.fullmatch(text) is not None


_CACHE_LIMIT = 64  # expressions per guide (one per set of separators and of segment ids met)


def _pattern(compiled, component, repetition, tags):
    """The compiled expression of a guide for these separators and a set
    that holds the segment ids ``tags`` (cached on the guide); None when the
    guide has what the expression does not model.

    Writing it only for the segments a set has keeps it small (a guide
    describes some 80 segment positions, an order uses a dozen): compiling
    takes milliseconds instead of the better part of a second, and a file's
    sets mostly share one set of segment ids."""
    cache = compiled.__dict__.setdefault("_fastset", {})
    key = (component, repetition, tags)
    found = cache.get(key, False)
    if found is False:
        if len(cache) >= _CACHE_LIMIT:
            cache.clear()
        try:
            found = re.compile(_Writer(component, repetition, tags).loop_body(compiled.root), re.S)
        except _Unsupported:
            found = None
        cache[key] = found
    return found


class _Unsupported(Exception):
    """The guide has something the expression does not model (an HL hierarchy)."""


class _Writer:
    def __init__(self, component, repetition, tags):
        self.component = component
        self.tags = tags  # the segment ids the set holds: entries of others are absent
        # printable ASCII but the separators (anything else: the engine looks closer)
        self.allowed = {chr(c) for c in range(0x20, 0x7F)} - {component, repetition}
        self.char = _ranges(sorted(self.allowed))
        self._segments = {}

    # structure ------------------------------------------------------------------------

    def loop_body(self, loop):
        """The entries of a loop in order (for a loop entry: after its trigger)."""
        if loop.hierarchy is not None:
            raise _Unsupported("HL hierarchy")
        parts = []
        for entry in loop.entries[0 if not loop.id else 1 :]:
            parts.append(self.entry(entry))
        return "".join(parts)

    def entry(self, entry):
        low = 1 if entry.usage == "M" else 0
        high = "" if entry.max is None else str(entry.max)
        if entry.__class__ is LoopEntry:
            trigger = entry.entries[0]
            if trigger.__class__ is LoopEntry or not entry.trigger:
                raise _Unsupported("a loop starting with a loop")
            if entry.hierarchy is not None:
                raise _Unsupported("HL hierarchy")
            if entry.trigger not in self.tags:
                return "(?!)" if low else ""  # not in the set: fine unless mandatory
            body = self.segment(trigger.spec) + self.loop_body(entry)
            tag = entry.trigger
        elif entry.tag not in self.tags:
            return "(?!)" if low else ""
        else:
            body = self.segment(entry.spec)
            tag = entry.tag
            if entry.usage == "N":
                low, high = 0, "0"
        if high == "0":
            quantified = ""
        else:
            quantified = f"(?:{body}){{{low},{high}}}+"
        # the engine would take a following segment of the same tag as this entry again
        return quantified + f"(?!{re.escape(tag)}(?:[{E}{S}]|\\Z))"

    # segments -------------------------------------------------------------------------

    def segment(self, spec):
        """One segment of this spec, with the separator after it (or the end)."""
        found = self._segments.get(id(spec))
        if found is None:
            parts = [self.element(element) for element in spec.elements]
            mandatory = [element.usage == "M" for element in spec.elements]
            before = [""] * len(parts)  # look-aheads just before an element's separator
            start = ""
            for note in spec.notes:
                kind, positions = note[0], note[1]
                if kind == "R" or min(positions) > len(parts):
                    start += self.note(note, 0)  # "at least one": checked from the tag
                else:
                    first = min(positions)
                    before[first - 1] += self.note(note, first - 1)
            body = _sequence(parts, mandatory, E, f"(?:{E})*", before)
            # atomic: a segment's text ends at the next segment separator whatever the way it
            # matched, so nothing after it can need another way (and the matcher keeps no
            # choice points: twice as fast)
            found = self._segments[id(spec)] = f"(?>{re.escape(spec.tag)}{start}{body}(?:{S}|\\Z))"
        return found

    def note(self, note, offset):
        """An X12 syntax note as look-aheads over the elements present, the
        same rule as ``engine._notes``; made where the text is just before
        element ``offset + 1`` (its separator), so that each look-ahead reads
        only the few elements between. Placed at the note's first element:
        when the segment ends before it, none of its elements is present,
        which meets every note but R (placed at the tag)."""
        kind, positions, _text, _mask, _first = note
        has = [f"(?:{E}[^{E}{S}]*+){{{p - 1 - offset}}}+{E}[^{E}{S}]" for p in positions]
        if kind == "P":
            return "(?:" + "".join(f"(?={h})" for h in has) + "|" + "".join(f"(?!{h})" for h in has) + ")"
        if kind == "R":
            return "(?=" + "|".join(has) + ")"
        if kind == "E":
            return "".join(f"(?!(?={a}){b})" for index, a in enumerate(has) for b in has[index + 1 :])
        if kind == "C":
            return f"(?:(?!{has[0]})|" + "".join(f"(?={h})" for h in has[1:]) + ")"
        return f"(?:(?!{has[0]})|(?=" + "|".join(has[1:]) + "))"  # L

    def element(self, element):
        """An element's text: empty, or a valid value (never empty when mandatory)."""
        if element.usage == "N":
            return ""  # not used: empty only
        if element.components is not None:
            value = self.composite(element)
        else:
            value = self.value(element)
        if element.usage == "M":
            return value if value is not None else "(?!)"
        return f"(?:{value})?" if value is not None else ""

    def composite(self, element):
        """A composite's text; its first component must be there (so that the
        element is present exactly when its text is not empty, as the syntax
        notes' look-aheads assume)."""
        if element.notes or element.dates:
            return None
        parts, mandatory = [], []
        for spec in element.components:
            value = self.value(spec) if spec.usage != "N" else None
            if spec.usage == "M":
                value = value if value is not None else "(?!)"
            else:
                value = f"(?:{value})?" if value is not None else ""
            parts.append(value)
            mandatory.append(spec.usage == "M")
        first = parts[0] if element.components[0].usage == "M" else self.value(element.components[0])
        if first is None:
            return None
        parts[0], mandatory[0] = first, True
        sep = re.escape(self.component)
        return parts[0] + _sequence(parts[1:], mandatory[1:], sep, f"(?:{sep})*")

    def value(self, spec):
        """A non-empty simple value the engine takes without an issue; None
        when the expression does not model the type. What follows a value is
        always a separator or the end, so a longer value (or code) fails there."""
        kind, low, high = spec.kind, max(spec.low, 1), spec.high
        if low > high:
            return None
        numeric = kind[0] == "N" or kind == "R"
        if spec.codes is not None:
            if kind not in ("ID", "AN") and not numeric:
                return None
            codes = [c for c in spec.codes if low <= len(c) <= high and set(c) <= self.allowed]
            if numeric:  # digits only (a point or a sign: look closer)
                codes = [c for c in codes if c.isascii() and c.isdigit()]
            return _trie(codes) if codes else None
        if kind in ("ID", "AN"):
            return f"{self.char}{{{low},{high}}}"
        if kind[0] == "N":
            return f"[0-9]{{{low},{high}}}"
        if kind == "R":
            with_point = rf"(?=[0-9.]{{{low + 1},{high + 1}}}{_END})(?=\.?[0-9])[0-9]*\.[0-9]*"
            return f"(?:[0-9]{{{low},{high}}}|{with_point})"
        if kind == "DT":
            lengths = [n for n in (8, 6) if low <= n <= high]
            forms = {8: "[0-9]{4}" + _MMDD, 6: "[0-9]{2}" + _MMDD}
            return "(?:" + "|".join(forms[n] for n in lengths) + ")" if lengths else None
        if kind == "TM":
            lengths = [n for n in (8, 7, 6, 5, 4) if low <= n <= high]
            return "(?:" + "|".join(_TIMES[n] for n in lengths) + ")" if lengths else None
        return None


def _ranges(chars):
    """A character class of ``chars`` (sorted) as ranges: "[ -=?-~]"."""
    runs, start = [], None
    for index, char in enumerate(chars):
        if start is None:
            start = char
        if index + 1 == len(chars) or ord(chars[index + 1]) != ord(char) + 1:
            runs.append(re.escape(start) if start == char else f"{re.escape(start)}-{re.escape(char)}")
            start = None
    return "[" + "".join(runs) + "]"


def _sequence(parts, mandatory, sep, trailing, before=None):
    """``sep`` + each part (``before`` it: look-aheads); the parts after the
    last mandatory one may be left out from the end (a segment ends early),
    and after all of them come ``trailing`` empty ones."""
    before = before or [""] * len(parts)
    last = max((index for index, flag in enumerate(mandatory) if flag), default=-1)
    head = "".join(before[i] + sep + parts[i] for i in range(last + 1))
    tail = trailing
    for i in range(len(parts) - 1, last, -1):
        tail = f"(?:{before[i]}{sep}{parts[i]}{tail})?"
    return head + tail


def _trie(words):
    """An expression matching exactly ``words`` (a trie: no alternative is
    tried twice for a shared prefix)."""
    root = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _render(root)


def _render(node):
    ends = "" in node
    branches = [re.escape(char) + _render(child) for char, child in sorted(node.items()) if char]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if ends else body
