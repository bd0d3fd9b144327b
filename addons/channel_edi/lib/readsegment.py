"""Segments as the readers make them: a :class:`~.tree.Segment` that keeps
the text it was read from and splits it into repetitions and components
only when ``elements`` is first asked for.

Why: a 10 MB X12 file has some 300,000 segments and 1.5 million elements;
making two lists per element costs four times the reading itself, and much
more once the garbage collector walks those millions of lists. Consumers
that read elements with :meth:`~.tree.Segment.get`, ``components()`` or
``repetitions()`` get them from the split text, one element at a time,
and the lists of ``elements`` are never made.

Shared by :mod:`.x12` and :mod:`.edifact`. Everything :class:`~.tree.Segment`
offers works the same (``seg[3]``, ``get``, ``components``, ``repetitions``,
``elements``); assigning ``elements`` replaces the text.

One level up, the X12 reader does not even make the segments until they
are asked for: a :class:`LazyTransaction` keeps the text of each of its
segments, and validation and the 850 reader work from that text.

Walking a whole big file (validation, benchmarks): prefer ``get()`` /
``components()`` to ``elements``, or read ``raw`` (the element strings as
written; EDIFACT release characters still in) when ``raw_is_plain`` says
no value needs splitting, and pause the collector with :func:`gc_paused`.
"""

import gc
import re
from contextlib import contextmanager

from .tree import Segment, Transaction


@contextmanager
def gc_paused():
    """Pause Python's cyclic garbage collector for a walk over a whole file.

    Reading or validating a 10 MB file makes millions of small objects that
    never form cycles; with the collector on, its full passes over them cost
    several times the work itself (6x measured when making every segment's
    ``elements``). Reference counting still frees everything."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class ReadSegment(Segment):
    """``raw`` is ``[tag, element 1, element 2, ...]`` as written (EDIFACT
    release characters still in). The separators are class attributes of a
    subclass made once per set of separators (:func:`segment_class`), so
    making a segment costs four attribute stores."""

    element_separator = "*"
    component = ":"
    repetition = ""
    release = ""
    _elements = None

    def __init__(self, raw, position=0, set_position=0):
        self.tag = raw[0]
        self.raw = raw
        self.position = position
        self.set_position = set_position

    @property
    def elements(self):
        elements = self._elements
        if elements is None:
            elements = self._elements = split_elements(
                self.raw[1:], self.component, self.repetition, self.release
            )
        return elements

    @elements.setter
    def elements(self, value):
        self._elements = value

    @property
    def raw_is_plain(self):
        """True when every value in ``raw`` is a simple element as is: no
        component, repetition or release character anywhere in the segment
        (most segments of an 850)."""
        special = self._special
        return self._elements is None and not any(special(value) for value in self.raw[1:])

    @property
    def materialized(self):
        """True once ``elements`` exists as lists (asked for or assigned):
        ``raw`` may then be out of date."""
        return self._elements is not None

    # get / components / repetitions read the one element they are asked for
    # from ``raw`` instead of making ``elements`` for the whole segment

    def get(self, number, component=1, default=""):
        if self._elements is not None:
            return Segment.get(self, number, component, default)
        raw = self.raw
        if number < 1 or number >= len(raw):
            return default
        value = raw[number]
        if component == 1 and not self._special(value):
            return value or default
        components = split_element(value, self.component, self.repetition, self.release)[0]
        if component < 1 or component > len(components):
            return default
        return components[component - 1] or default

    def components(self, number):
        if self._elements is not None:
            return Segment.components(self, number)
        if number < 1 or number >= len(self.raw):
            return []
        return split_element(self.raw[number], self.component, self.repetition, self.release)[0]

    def repetitions(self, number):
        if self._elements is not None:
            return Segment.repetitions(self, number)
        if number < 1 or number >= len(self.raw):
            return []
        return split_element(self.raw[number], self.component, self.repetition, self.release)

    def _special(self, value):
        """True when ``value`` holds a component, repetition or release character."""
        return (
            self.component in value
            or (self.repetition and self.repetition in value)
            or (self.release and self.release in value)
        )

    def __len__(self):
        return len(self.raw) - 1 if self._elements is None else len(self._elements)

    def same_separators(self, delimiters):
        """True when ``raw`` can be written as is with ``delimiters``: the
        same separators, and ``elements``, if made, still say what ``raw``
        says (they may have been changed in place)."""
        if not (
            self.element_separator == delimiters.element
            and self.component == delimiters.component
            and self.repetition == delimiters.repetition
            and self.release == delimiters.release
        ):
            return False
        elements = self._elements
        if elements is None:
            return True
        raw = self.raw
        return len(elements) == len(raw) - 1 and elements == split_elements(
            raw[1:], self.component, self.repetition, self.release
        )


class LazyTransaction(Transaction):
    """A transaction set as the X12 reader makes it: ``pieces`` is the text
    of each of its segments (ST..SE, as written, not split into elements),
    ``tags`` their segment ids; the :class:`ReadSegment` objects of
    ``segments`` are only made when ``segments`` (or ``body``) is first
    asked for, and are kept from then on. Everything a
    :class:`~.tree.Transaction` offers works the same.

    Why: a 10 MB file has some 300,000 segments; making a ReadSegment and
    a list of elements for each costs more than reading the file, and the
    garbage collector then walks them for as long as the file is in memory.
    The fast paths of validation (:mod:`.validation.fastset`) and of the
    typed documents (:mod:`.documents.orders`) read ``pieces`` directly
    while :attr:`unread` is True, and go through ``segments`` otherwise."""

    def __init__(self, type, control_number, pieces, tags, segment_class, base, version=""):  # noqa: A002
        self.type = type
        self.control_number = control_number
        self.version = version
        self.pieces = pieces  # ("ST*850*0001", "BEG*00*SA*...", ...)
        self.tags = tags  # ("ST", "BEG", ...)
        self.segment_class = segment_class  # ReadSegment subclass of the interchange's separators
        self.base = base  # file position of the ST is base + 1
        self._segments = None

    @property
    def segments(self):
        segments = self._segments
        if segments is None:
            cls, pieces, base = self.segment_class, self.pieces, self.base
            separator = cls.element_separator
            positions = range(base + 1, base + len(pieces) + 1)
            parts = [piece.split(separator) for piece in pieces]
            segments = self._segments = list(map(cls, parts, positions, range(1, len(pieces) + 1)))
        return segments

    @segments.setter
    def segments(self, value):
        self._segments = value

    def text_facts(self):
        """(printable, plain) of the set's text, worked out once: every
        character printable ASCII (element separators aside), and no
        component, repetition or release character anywhere (no value
        needs more splitting than at the element separator)."""
        facts = self.__dict__.get("_facts")
        if facts is None:
            cls = self.segment_class
            separator = cls.element_separator
            text = "".join(self.pieces)
            if text.isascii() and separator.isascii():  # the common case: delete what is printable
                printable = not text.encode("ascii").translate(None, _PRINTABLE + separator.encode("ascii"))
            else:
                text = text.replace(separator, "")
                printable = text.isascii() and text.isprintable()
            # no separator is another one (the ISA's are checked), so they may stay in the text
            plain = not any(c and c in text for c in (cls.component, cls.repetition, cls.release))
            facts = self._facts = (printable, plain)
        return facts

    @property
    def unread(self):
        """True while ``segments`` has not been made: ``pieces`` is then
        the whole truth about the set."""
        return self._segments is None

    def __eq__(self, other):
        if not isinstance(other, Transaction):
            return NotImplemented
        return (self.type, self.control_number, self.segments, self.version) == (
            other.type,
            other.control_number,
            other.segments,
            other.version,
        )

    __hash__ = None


_PRINTABLE = bytes(range(0x20, 0x7F))  # printable ASCII, space included
WHITESPACE = " \t\r\n"
LINE_BREAKS = "\r\n"


class Split:
    """What :func:`split_segments` found in a body of segments."""

    __slots__ = ("parts", "trailing", "unterminated", "indented", "mixed")

    def __init__(self, parts, trailing, unterminated="", indented=-1, mixed=-1):
        self.parts = parts  # [[tag, element 1, ...], ...] as written
        self.trailing = trailing  # the whitespace after the last terminator
        self.unterminated = unterminated  # text after the last terminator (kept as a last segment)
        self.indented = indented  # index of the first indented segment, -1: none
        self.mixed = mixed  # index of the first segment after other line breaks than ``suffix``


def split_segments(body, terminator, element, suffix="", release="", elements=True):
    """Split ``body`` into segments and elements, at C speed when it can.

    ``suffix`` (line breaks) follows each terminator; indentation and other
    line breaks are removed and noted in the result. With a release
    character, text is only split where no release character escapes the
    separator; when no escaped separator occurs at all (``?'`` / ``?+``
    absent) ``str.split`` is exact and is used. With ``elements=False``
    (X12, no release character) ``parts`` are the segments' text, not split
    into elements."""
    if release and (release + terminator) in body:
        pieces = split_escaped(body, terminator, release)
        trailing = pieces.pop()
        lead = suffix  # every piece but the first starts with the suffix
    else:
        last = body.rfind(terminator)
        core, trailing = (body[:last], body[last + len(terminator) :]) if last >= 0 else ("", body)
        separator = terminator + suffix
        if last < 0:
            pieces, lead = [], ""
        else:
            pieces = _split_whole(core, terminator, separator)
            if pieces is None:  # a terminator without the suffix somewhere
                pieces, lead = core.split(terminator), suffix
            else:
                lead = ""  # the suffix went with the terminator
                if not core[:1].isspace() and not re.search(re.escape(separator) + "[ \t\r\n]", core):
                    lead = None  # nothing to strip: the fast path
    unterminated = trailing.strip(WHITESPACE)
    if unterminated:
        trailing = ""
    indented = mixed = -1
    if lead is not None:
        pieces, indented, mixed = _strip_pieces(pieces, lead)
    if unterminated:
        pieces.append(unterminated)
    if elements is False:
        parts = pieces  # the segments' text: X12 splits them when asked (LazyTransaction)
    elif release and (release + element) in body:
        parts = [split_escaped(p, element, release) for p in pieces]
    else:
        parts = [p.split(element) for p in pieces]
    return Split(parts, trailing, unterminated, indented, mixed)


def _split_whole(core, terminator, separator):
    """``core`` split at ``separator`` (the terminator and its suffix), or
    None when some terminator in it is not followed by the suffix."""
    if separator == terminator:
        return core.split(separator)
    if terminator not in separator[len(terminator) :]:
        # the separators cannot overlap: as many pieces as separators + 1, so one count is enough
        pieces = core.split(separator)
        return pieces if core.count(terminator) == len(pieces) - 1 else None
    return core.split(separator) if core.count(terminator) == core.count(separator) else None


def report(reader, found, delimiters, first_position):
    """Warnings and errors for what :func:`.readsegment.split_segments`
    tolerated or found; ``first_position`` is the file position of its first
    segment. ``reader`` has ``error()`` and ``warn_once()`` (both readers)."""
    if found.indented >= 0:
        part = found.parts[found.indented]
        tag = part[0] if isinstance(part, list) else part.partition(delimiters.element)[0]
        reader.warn_once(
            "indentation",
            "segments are indented (spaces or tabs before the tag); ignored",
            first_position + found.indented,
            tag[:3],
        )
    if found.mixed >= 0:
        reader.warn_once(
            "line_breaks_mixed",
            "line breaks after segment terminators are not the same everywhere; ignored",
            first_position + found.mixed,
        )
    if found.unterminated:
        reader.error(
            "unterminated",
            f"the last segment is not terminated by {delimiters.segment!r}: {found.unterminated[:30]!r}",
            first_position + len(found.parts) - 1,
            found.unterminated[:3],
        )


def _strip_pieces(pieces, lead):
    """The pieces without leading whitespace; the index of the first one
    indented (spaces, tabs) and of the first one whose line breaks are not
    ``lead`` (which the first piece never has); -1 for none."""
    cleaned = []
    indented = mixed = -1
    for index, piece in enumerate(pieces):
        stripped = piece.lstrip(WHITESPACE)
        found = piece[: len(piece) - len(stripped)]
        if found != (lead if index else ""):
            if found.strip(LINE_BREAKS):
                indented = index if indented < 0 else indented
            elif mixed < 0:
                mixed = index
        cleaned.append(stripped)
    return cleaned, indented, mixed


def is_number(text):
    """ASCII digits only (``str.isdigit`` also takes "²" and other scripts' digits)."""
    return text.isascii() and text.isdigit()


def counts(written, actual):
    """True when a trailer's count (SE01, UNT01...) as written is ``actual``."""
    return is_number(written) and int(written) == actual


_classes = {}


def segment_class(delimiters):
    """The :class:`ReadSegment` subclass for these separators (cached)."""
    key = (delimiters.element, delimiters.component, delimiters.repetition, delimiters.release)
    cls = _classes.get(key)
    if cls is None:
        attributes = dict(zip(("element_separator", "component", "repetition", "release"), key, strict=True))
        cls = _classes[key] = type("ReadSegment", (ReadSegment,), {"__module__": __name__, **attributes})
    return cls


def split_elements(values, component, repetition="", release=""):
    """Element strings as written -> ``[[component, ...], ...]`` per
    element, release characters removed."""
    if release:
        return [split_element(v, component, repetition, release) for v in values]
    if repetition:
        return [[r.split(component) for r in v.split(repetition)] for v in values]
    return [[v.split(component)] for v in values]


def split_element(value, component, repetition="", release=""):
    """One element as written -> its repetitions, each a list of components."""
    if not release or release not in value:
        if repetition:
            return [r.split(component) for r in value.split(repetition)]
        return [value.split(component)]
    repetitions = split_escaped(value, repetition, release) if repetition else [value]
    return [[unescape(c, release) for c in split_escaped(r, component, release)] for r in repetitions]


_escapes = {}


def split_escaped(text, separator, release):
    """``text`` split at ``separator`` where no release character escapes it;
    the parts keep their release characters."""
    if not release or release not in text:
        return text.split(separator)
    pattern = _escapes.get((separator, release))
    if pattern is None:
        pattern = _escapes[(separator, release)] = re.compile(
            re.escape(release) + "." + "|" + re.escape(separator), re.S
        )
    parts, start = [], 0
    for match in pattern.finditer(text):
        if match.group() == separator:
            parts.append(text[start : match.start()])
            start = match.end()
    parts.append(text[start:])
    return parts


def unescape(text, release):
    """Release characters removed (``?+`` -> ``+``, ``??`` -> ``?``); a
    release character at the very end is dropped."""
    if not release or release not in text:
        return text
    out, escaped = [], False
    for char in text:
        if escaped:
            out.append(char)
            escaped = False
        elif char == release:
            escaped = True
        else:
            out.append(char)
    return "".join(out)
