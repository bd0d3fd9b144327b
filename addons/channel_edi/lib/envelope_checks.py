"""What the X12 and EDIFACT codecs share: the readers' issue bookkeeping
and envelope checks, the error classes, and the writers' segment output.

Both readers split a file into segments (:mod:`.readsegment`), then walk
the envelope segments (ISA/GS/ST..SE/GE/IEA, UNB/UNG/UNH..UNT/UNE/UNZ) and
check every trailer against its header: its count (SE01, UNT01, GE01...)
and its control number (SE02 repeats ST02, UNZ02 repeats UNB05...), and
report a header whose trailer is missing. The checks and the wording of
their issues are the same for both standards; only the names differ, and
each codec names its envelope levels with a :class:`Level`.

Nothing here runs once per segment except the list of envelope segments
in :meth:`Envelopes.walk`, which both readers made the same way before.
"""

from collections import namedtuple
from itertools import compress

from odoo.addons.integration_core.lib.exceptions import ValidationFailed

from .readsegment import LINE_BREAKS, WHITESPACE, ReadSegment, counts, gc_paused
from .tree import EdiFile, Issue

Level = namedtuple("Level", "name header reference trailer count_code")
Level.__doc__ = """One envelope level as a codec names it, e.g. ("transaction set",
"ST", "ST02", "SE", "segment_count"): the issues say "the transaction set
ST02 '0001' has no SE", and a wrong SE01 is a ``segment_count`` error."""


class CodecError(ValidationFailed, ValueError):
    """A file that cannot be read at all, or an interchange that cannot be
    written. ``position``, ``segment`` and ``element`` say where (0 / ""
    when the whole file is at fault)."""

    def __init__(self, message, *, position=0, segment="", element="", **kwargs):
        super().__init__(message, **kwargs)
        self.position = position
        self.segment = segment
        self.element = element


class DelimiterError(CodecError):
    """A value to write holds one of the interchange's separators; each
    codec's ``DelimiterInData`` also derives from its own error class."""

    def __init__(self, message, *, value="", delimiter="", **kwargs):
        super().__init__(message, **kwargs)
        self.value = value
        self.delimiter = delimiter


def warning(code, message, position=0, segment="", element=""):
    return Issue(code, message, position=position, segment=segment, element=element, severity="warning")


BOM_WARNING = "the file starts with a UTF-8 byte order mark (BOM); ignored"


def strip_bom(text, issues):
    """``text`` without a leading BOM, which is reported in ``issues``."""
    if text.startswith("\ufeff"):
        issues.append(warning("bom", BOM_WARNING))
        return text[1:]
    return text


def skip_whitespace(text, start):
    end = len(text)
    while start < end and text[start] in WHITESPACE:
        start += 1
    return start


def line_breaks_end(text, start, terminator):
    """The offset after the line breaks that follow ``text[start]`` (none:
    ``start``); a terminator that is itself a line break is not one."""
    end = len(text)
    while start < end and text[start] in LINE_BREAKS and text[start] != terminator:
        start += 1
    return start


class Reader:
    """One pass over a file's text: the issues found go to ``file``
    (:class:`~.tree.EdiFile`), warnings once per code."""

    @classmethod
    def read_text(cls, standard, text, warnings):
        """A new :class:`~.tree.EdiFile` of ``standard`` read from
        ``text``, starting with the ``warnings`` decoding gave."""
        edifile = EdiFile(standard)
        edifile.warnings.extend(warnings)
        with gc_paused():  # hundreds of thousands of small objects, none in a cycle
            cls(text, edifile).run()
        return edifile

    def __init__(self, text, edifile):
        self.text = text
        self.file = edifile
        self.count = 0  # segments read so far in the file
        self.noted = set()  # warning codes already reported once

    def error(self, code, message, position=0, segment="", element="", set_position=0):
        self.file.errors.append(
            Issue(
                code, message, position=position, segment=segment, element=element, set_position=set_position
            )
        )

    def warn_once(self, code, message, position=0, segment=""):
        if code not in self.noted:
            self.noted.add(code)
            self.file.warnings.append(warning(code, message, position, segment))

    def note_suffix(self, suffix, position, segment=""):
        """Warn (once) about line breaks after the segment terminators."""
        if suffix:
            self.warn_once(
                "line_breaks",
                f"segment terminators are followed by {suffix!r}; ignored (and kept for writing back)",
                position,
                segment,
            )


class Envelopes:
    """Walks split segments (``parts``: ``[[tag, e1, e2...], ...]``, the
    first at file position ``base + 1``), calling ``on_<TAG>(index)`` for
    each envelope segment. Subclasses set the class attributes, ``cls``
    (:func:`.readsegment.segment_class`), ``parts``, ``base``, ``set_start``
    (index of the open transaction set's header or None) and define the
    ``on_`` handlers and :meth:`outside`."""

    ENVELOPE_TAGS = frozenset()
    TAG = None  # compiled pattern of a valid segment tag
    TAG_NAME = "segment tag"  # how the issues call a segment's tag
    SET = None  # Level of the transaction set (X12) or message (EDIFACT)

    def position(self, index):
        return self.base + index + 1

    def tag(self, index):
        """The segment id of ``parts[index]``."""
        return self.parts[index][0]

    def all_tags(self):
        """The segment id of every part, in order."""
        return [p[0] for p in self.parts]

    def shown(self, index):
        """``parts[index]`` as written, for messages."""
        return self.cls.element_separator.join(self.parts[index])

    def segment(self, index):
        return self.cls(self.parts[index], self.base + index + 1)

    def segments(self, start, stop):
        """Segments ``start..stop-1`` of a transaction set, numbered in it from 1."""
        positions = range(self.base + start + 1, self.base + stop + 1)
        return list(map(self.cls, self.parts[start:stop], positions, range(1, stop - start + 1)))

    def error(self, code, message, index, element="", set_position=0):
        tag = self.tag(index) if 0 <= index < len(self.parts) else ""
        self.reader.error(code, message, self.position(index), tag, element, set_position)

    def walk(self):
        """Check the tags, then hand each envelope segment to its ``on_``
        handler and each run of other segments to :meth:`between`."""
        every = self.all_tags()
        self.check_tags(every)
        tags = self.ENVELOPE_TAGS
        envelope = list(compress(range(len(every)), map(tags.__contains__, every)))
        previous = -1
        for index in envelope:
            self.between(previous + 1, index)
            getattr(self, "on_" + every[index])(index)
            previous = index
        self.between(previous + 1, len(every))

    def check_tags(self, every):
        bad = {t for t in set(every) if not self.TAG.match(t)}
        if not bad:
            return
        for index, tag in enumerate(every):
            if tag in bad:
                shown = self.shown(index)[:30]
                message = (
                    "an empty segment" if not shown else f"{shown!r} does not start with a {self.TAG_NAME}"
                )
                self.error("bad_tag", message, index)

    def between(self, first, stop):
        """Segments ``first..stop-1`` are not envelope segments: outside a
        transaction set they are an error (reported once per run)."""
        if first >= stop or self.set_start is not None:
            return
        count = stop - first
        more = f" (and the {count - 1} after it)" if count > 1 else ""
        self.error("outside_envelope", f"segment {self.tag(first)!r} {self.outside()}{more}", first)

    def outside(self):
        """Where segments between envelopes are, for the issue."""
        return f"outside a {self.SET.name} ({self.SET.header}..{self.SET.trailer})"

    # missing trailers
    def missing_trailer(self, level, control_number, index, before=""):
        """``level``'s trailer is missing, found at segment ``index``."""
        self.error(
            "missing_trailer",
            f"the {level.name} {level.reference} {control_number!r} has no {level.trailer}{before}",
            index,
        )

    def missing_trailer_at_header(self, level, control_number, header):
        """``level``'s trailer is missing at the end: reported at its header."""
        self.reader.error(
            "missing_trailer",
            f"the {level.name} {level.reference} {control_number!r} has no {level.trailer}",
            header.position if header is not None else 0,
            level.header,
        )

    # trailers
    def check_trailer(self, level, trailer, index, expected, what, control_number, same=None, set_position=0):
        """The trailer's count (element 1) must be ``expected`` ``what``
        ("segments"...) and its control number (element 2) the header's
        (``same(a, b)`` compares them, by default as written)."""
        tag = trailer.tag
        count = trailer.get(1)
        if not counts(count, expected):
            self.error(
                level.count_code,
                f"{tag}01 says {count!r} {what}, the {level.name} has {expected}",
                index,
                f"{tag}01",
                set_position,
            )
        number = trailer.get(2)
        if not (same(number, control_number) if same else number == control_number):
            self.error(
                "control_number_mismatch",
                f"{tag}02 {number!r} is not the {level.reference} {control_number!r}",
                index,
                f"{tag}02",
                set_position,
            )


class Writer:
    """What both writers share: the output, the segment count, and a tree
    segment written with the interchange's separators. Subclasses define
    :meth:`element_text` (check or escape the values of one element) and
    :meth:`no_repetition` (the error for repetitions without a separator)."""

    def __init__(self, delimiters, suffix):
        self.d = delimiters
        self.end = delimiters.segment + suffix
        self.out = []
        self.position = 0

    def segment(self, segment):
        """A tree segment, its elements joined by the separators."""
        self.position += 1
        d = self.d
        if isinstance(segment, ReadSegment) and segment.same_separators(d):
            # as read with these very separators: nothing to check or join
            self.out.append(d.element.join([segment.tag, *segment.raw[1:]]) + self.end)
            return
        texts = []
        for number, element in enumerate(segment.elements, 1):
            if len(element) > 1 and not d.repetition:
                raise self.no_repetition(segment, number, len(element))
            texts.append(self.element_text(segment.tag, number, element))
        self.out.append(d.element.join([segment.tag, *texts]) + self.end)

    def element_text(self, tag, number, element):
        raise NotImplementedError

    def no_repetition(self, segment, number, count):
        raise NotImplementedError

    def text(self, suffix, explicit):
        """The output; unless the suffix was given (``explicit``), the last
        segment ends as the file read did (``Delimiters.trailing``)."""
        out, trailing = self.out, self.d.trailing
        if not explicit and trailing is not None:
            out[-1] = out[-1][: len(out[-1]) - len(suffix)] + trailing
        return "".join(out)
