"""ANSI ASC X12: bytes <-> :mod:`.tree`, strict and fast.

Reading (:func:`read`)
    The separators come from each ISA: the element separator is the ISA's
    4th character, the component separator is ISA16 and the segment
    terminator the character after it; ISA11 is the repetition separator
    from version 00402 on (before that it is the standards identifier
    ``U``). What partners send in practice is tolerated and reported as a
    warning (:class:`~.tree.Issue` with ``severity="warning"``): a UTF-8 BOM,
    line breaks after the terminators (kept in ``Delimiters.suffix`` so the
    file is written back as it came), indentation, and an ISA whose elements
    are not padded to their fixed widths. Envelope problems (counts and
    control numbers of SE/GE/IEA, missing trailers, segments outside an
    envelope, garbled tags) are errors in ``EdiFile.errors``; the file is
    still read as far as it goes. Only a file whose first ISA cannot be read
    raises :class:`X12Error`.

Writing (:func:`write`)
    The ISA is written at its fixed width; SE01, GE01 and IEA01 are counted,
    SE02, GE02 and IEA02 repeat ST02, GS06 and ISA13. X12 has no release
    character, so a value holding a separator raises
    :class:`DelimiterInData` naming the segment and element: never a file
    the partner would split differently.

Speed: a 10 MB file has some 300,000 segments. The reader splits the text
into segments with ``str.split`` (C speed) and keeps each transaction set
as the text of its segments (:class:`~.readsegment.LazyTransaction`): its
:class:`~.readsegment.ReadSegment` objects are only made when ``segments``
is first asked for, and their ``elements`` lists only when those are
(``get()`` reads the split text directly). Validation and the 850 reader
read the text without making them.
"""

import re
from itertools import repeat
from operator import itemgetter

from .envelope_checks import (
    CodecError,
    DelimiterError,
    Envelopes,
    Level,
    Reader,
    Writer,
    line_breaks_end,
    skip_whitespace,
    strip_bom,
    warning,
)
from .readsegment import LazyTransaction, is_number, report, segment_class, split_segments
from .tree import Delimiters, Group, Interchange, Party, Segment

STANDARD = "X12"
ISA_ELEMENTS = 16
# ISA01..ISA16 fixed widths (X12.5 interchange control structures)
ISA_WIDTHS = (2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1)
ISA_LENGTH = 106  # "ISA" + 16 * (separator + element) + terminator
ISA_SCAN_LIMIT = 512  # characters searched for the 16 ISA separators of a non-fixed-width ISA
REPETITION_VERSION = "00402"  # ISA11 is the repetition separator from this version on
NUMERIC_ISA = (9, 10, 12, 13, 14)  # ISA elements of type N0/DT/TM, zero-padded on output
TAG = re.compile(r"[A-Z][A-Z0-9]{1,2}\Z")  # X12 segment ids: N1, BEG, G62
ENVELOPE_TAGS = frozenset({"ISA", "GS", "ST", "SE", "GE", "IEA"})
GS_NAMES = (
    "functional identifier",
    "application sender",
    "application receiver",
    "date",
    "time",
    "group control number",
    "responsible agency",
    "version",
)
ST_NAMES = ("transaction set identifier", "control number")
TRANSACTION_SET = Level("transaction set", "ST", "ST02", "SE", "segment_count")
GROUP = Level("group", "GS", "GS06", "GE", "transaction_count")
INTERCHANGE = Level("interchange", "ISA", "ISA13", "IEA", "group_count")
DEFAULT_DELIMITERS = {"element": "*", "component": ">", "segment": "~", "repetition": "^"}


class X12Error(CodecError):
    """A file that cannot be read as X12 at all, or an interchange that
    cannot be written. ``position``, ``segment`` and ``element`` say where
    (0 / "" when the whole file is at fault)."""


class DelimiterInData(X12Error, DelimiterError):
    """A value to write holds one of the interchange's separators. X12 has no
    release (escape) character: change the value or the delimiters.
    ``value`` and ``delimiter`` say which."""


# --- reading ---------------------------------------------------------------------


def read(data):
    """Read an X12 file (bytes or str) into a :class:`~.tree.EdiFile`.

    Several interchanges may follow each other, each with its own
    separators. Raises :class:`X12Error` only when the file does not start
    with a readable ISA."""
    text, issues = decode(data)
    return _Reader.read_text(STANDARD, text, issues)


def decode(data):
    """(text, warnings): UTF-8 (X12's basic and extended character sets are
    ASCII), Latin-1 as a reported fallback; a BOM removed and reported."""
    issues = []
    if isinstance(data, bytes | bytearray | memoryview):
        data = bytes(data)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            text = data.decode("latin-1")
            issues.append(
                warning(
                    "encoding",
                    f"the file is not UTF-8 (byte {exc.start}: {data[exc.start : exc.start + 1]!r}); "
                    "read as Latin-1",
                )
            )
    else:
        text = str(data)
    text = strip_bom(text, issues)
    return text, issues


def read_isa(text, start):
    """Parse the ISA starting at ``text[start]``: (values ISA01..ISA16 as
    written, delimiters without suffix, offset after the terminator,
    fixed_width). The 16 separators are found by scanning, so an ISA whose
    elements are not padded is read too. Raises :class:`X12Error`."""
    head = text[start : start + 4]
    if len(head) < 4 or not head.startswith("ISA"):
        raise X12Error(
            f"X12: an interchange must start with an ISA segment, not {head[:3]!r}.", segment="ISA"
        )
    element = head[3]
    if element.isalnum() or element.isspace():
        raise X12Error(
            f"X12: the ISA's 4th character {element!r} cannot be the element separator.",
            segment="ISA",
            element="ISA01",
        )
    limit = min(len(text), start + ISA_SCAN_LIMIT)
    separators = [start + 3]
    while len(separators) < ISA_ELEMENTS:
        found = text.find(element, separators[-1] + 1, limit)
        if found < 0:
            raise X12Error(
                f"X12: the ISA has {len(separators) - 1} elements separated by {element!r}, 16 expected.",
                segment="ISA",
            )
        separators.append(found)
    last = separators[-1]
    if last + 3 > len(text):
        raise X12Error(
            "X12: the ISA ends before its component separator (ISA16) and terminator.", segment="ISA"
        )
    component, terminator = text[last + 1], text[last + 2]
    values = text[start + 4 : last].split(element) + [component]
    for name, char in (("ISA16 (component separator)", component), ("segment terminator", terminator)):
        if char.isalnum() or char == " " or char == element:
            raise X12Error(
                f"X12: the {name} {char!r} after the ISA's 16th element is not a usable separator.",
                segment="ISA",
                element="ISA16",
            )
    if component == terminator:
        raise X12Error("X12: the component separator and the segment terminator are the same.", segment="ISA")
    version = values[11]
    repetition = ""
    if version >= REPETITION_VERSION and len(values[10]) == 1 and not values[10].isalnum():
        repetition = values[10]
    delimiters = Delimiters(element=element, component=component, segment=terminator, repetition=repetition)
    fixed = last + 3 - start == ISA_LENGTH and all(
        len(v) == w for v, w in zip(values, ISA_WIDTHS, strict=True)
    )
    return values, delimiters, last + 3, fixed


class _Reader(Reader):
    """One pass over the text: one ISA..IEA chunk after the other."""

    def run(self):
        text = self.text
        start = skip_whitespace(text, 0)
        if start >= len(text):
            raise X12Error("X12: the file is empty.")
        if start:
            self.warn_once("indentation", "whitespace before the first ISA; ignored", 1, "ISA")
        if not text.startswith("ISA", start):
            raise X12Error(f"X12: the file must start with an ISA segment, not {text[start : start + 20]!r}.")
        while start < len(text):  # each chunk ends where the next ISA starts
            try:
                values, delimiters, body_start, fixed = read_isa(text, start)
            except X12Error as exc:
                if not self.file.interchanges:
                    raise
                self.error("bad_isa", exc.message, self.count + 1, "ISA", exc.element)
                return
            start = self.interchange(start, values, delimiters, body_start, fixed)

    def interchange(self, isa_start, values, delimiters, body_start, fixed):
        """Read one interchange (and whatever follows it up to the next ISA);
        return where the next ISA starts."""
        text, term = self.text, delimiters.segment
        isa_position = self.count + 1
        if not fixed:
            self.warn_once(
                "isa_width",
                "the ISA is not fixed width (its elements are not padded to their sizes): "
                + isa_widths(values),
                isa_position,
                "ISA",
            )
        # the suffix: line breaks after the ISA's terminator
        after = line_breaks_end(text, body_start, term)
        suffix = delimiters.suffix = text[body_start:after]
        self.note_suffix(suffix, isa_position, "ISA")
        # the chunk ends where the next ISA starts
        # (a file of one interchange has no other "ISA": str.find says so faster than the expression)
        next_isa = re.compile(re.escape(term) + r"[ \t\r\n]*(ISA)(?=[^A-Za-z0-9 \t\r\n])")
        found = next_isa.search(text, body_start - len(term)) if text.find("ISA", body_start) >= 0 else None
        end = found.start(1) if found else len(text)
        found = self.split(text[after:end], delimiters, isa_position + 1)
        delimiters.trailing = found.trailing if found.trailing != suffix else None
        header = Segment("ISA", [[[v]] for v in values], position=isa_position)
        self.count += 1
        parts = found.parts
        base = self.count
        self.count += len(parts)
        _Envelopes(self, header, values, delimiters, parts, base).run()
        return end

    def split(self, body, delimiters, first_position):
        """The segments of ``body`` split (:func:`.readsegment.split_segments`),
        what it tolerated reported."""
        found = split_segments(
            body, delimiters.segment, delimiters.element, delimiters.suffix, elements=False
        )
        report(self, found, delimiters, first_position)
        return found


def isa_widths(values):
    wrong = [
        f"ISA{n:02d} {v!r} ({len(v)} for {w})"
        for n, (v, w) in enumerate(zip(values, ISA_WIDTHS, strict=True), 1)
        if len(v) != w
    ]
    return ", ".join(wrong) or "its length is not 106"


def same_number(a, b):
    """Control numbers of type N0 (GS06/GE02, ISA13/IEA02): equal as
    written, or as numbers when both are digits (``000005`` and ``5``)."""
    return a == b or (is_number(a) and is_number(b) and int(a) == int(b))


class _Envelopes(Envelopes):
    """Builds one interchange's groups and transaction sets from its split
    segments, checking every trailer against its header."""

    ENVELOPE_TAGS = ENVELOPE_TAGS
    TAG = TAG
    TAG_NAME = "segment id"
    SET = TRANSACTION_SET

    def __init__(self, reader, header, values, delimiters, parts, base):
        self.reader = reader
        self.parts = parts  # the text of each segment after the ISA, not split into elements
        self.base = base  # file position of parts[0] is base + 1
        self.cls = segment_class(delimiters)
        # each segment's id: what comes before its first element separator (a C-speed map)
        self.tags = list(map(itemgetter(0), map(str.partition, parts, repeat(delimiters.element))))
        self.interchange = Interchange(
            standard=STANDARD,
            sender=Party(values[4].strip(), values[5].strip()),
            receiver=Party(values[6].strip(), values[7].strip()),
            control_number=values[12],
            version=values[11],
            date=values[8],
            time=values[9],
            usage=values[14],
            delimiters=delimiters,
            header=header,
            ack_requested=values[13] == "1",
        )
        reader.file.interchanges.append(self.interchange)
        self.group = None
        self.set_start = None  # index of the open transaction set's ST
        self.closed = False  # IEA seen

    # the parts are text (split_segments(elements=False)): split one when it is needed

    def tag(self, index):
        return self.tags[index]

    def all_tags(self):
        return self.tags

    def shown(self, index):
        return self.parts[index]

    def segment(self, index):
        return self.cls(self.parts[index].split(self.cls.element_separator), self.base + index + 1)

    def run(self):
        self.walk()
        if self.set_start is not None:
            self.close_transaction(len(self.parts), None)
        if self.group is not None:
            self.missing_trailer_at_header(GROUP, self.group.control_number, self.group.header)
            self.group = None
        if not self.closed:
            interchange = self.interchange
            self.missing_trailer_at_header(INTERCHANGE, interchange.control_number, interchange.header)

    def outside(self):
        return "after the IEA" if self.closed else super().outside()

    def on_ISA(self, index):  # an ISA the chunking did not see (other separators)
        self.error("outside_envelope", "an ISA inside an interchange (its IEA is missing?)", index)

    def on_GS(self, index):
        if self.set_start is not None:
            self.close_transaction(index, None)
        if self.group is not None:
            self.missing_trailer(GROUP, self.group.control_number, index, " before this GS")
        if self.closed:
            self.error("outside_envelope", "a GS after the IEA", index)
            self.group = None
            return
        gs = self.segment(index)
        get = gs.get
        self.group = Group(
            functional_id=get(1),
            sender=get(2),
            receiver=get(3),
            control_number=get(6),
            version=get(8),
            date=get(4),
            time=get(5),
            header=gs,
        )
        self.interchange.groups.append(self.group)

    def on_ST(self, index):
        if self.set_start is not None:
            self.close_transaction(index, None)
        if self.group is None:
            self.error("outside_envelope", "an ST outside a functional group (GS..GE)", index)
            return
        self.set_start = index

    def on_SE(self, index):
        if self.set_start is None:
            self.error("outside_envelope", "an SE without its ST", index)
            return
        self.close_transaction(index + 1, index)

    def close_transaction(self, stop, se_index):
        """The set from ``self.set_start`` to ``stop - 1``; ``se_index`` is its SE
        or None when it is missing (the set then ends before ``stop``)."""
        start, self.set_start = self.set_start, None
        st = self.segment(start)
        transaction = LazyTransaction(
            st.get(1),
            st.get(2),
            # tuples of strings: the garbage collector stops walking them after its first look
            tuple(self.parts[start:stop]),
            tuple(self.tags[start:stop]),
            self.cls,
            self.base + start,
            st.get(3) or self.group.version,
        )
        self.group.transactions.append(transaction)
        if se_index is None:
            self.missing_trailer(TRANSACTION_SET, transaction.control_number, start)
            return
        count = stop - start
        self.check_trailer(
            TRANSACTION_SET,
            self.segment(se_index),
            se_index,
            count,
            "segments",
            transaction.control_number,
            None,
            count,
        )

    def on_GE(self, index):
        if self.set_start is not None:
            self.close_transaction(index, None)
        group = self.group
        if group is None:
            self.error("outside_envelope", "a GE without its GS", index)
            return
        self.group = None
        ge = group.trailer = self.segment(index)
        count = len(group.transactions)
        self.check_trailer(GROUP, ge, index, count, "transaction sets", group.control_number, same_number)

    def on_IEA(self, index):
        if self.set_start is not None:
            self.close_transaction(index, None)
        if self.group is not None:
            self.missing_trailer(GROUP, self.group.control_number, index)
            self.group = None
        if self.closed:
            self.error("outside_envelope", "a second IEA", index)
            return
        self.closed = True
        interchange = self.interchange
        iea = interchange.trailer = self.segment(index)
        count = len(interchange.groups)
        self.check_trailer(
            INTERCHANGE, iea, index, count, "functional groups", interchange.control_number, same_number
        )


# --- writing ---------------------------------------------------------------------


def default_delimiters(version="00401"):
    """``*`` ``>`` ``~``, and ``^`` as repetition separator from 00402 on."""
    d = DEFAULT_DELIMITERS
    repetition = d["repetition"] if (version or "") >= REPETITION_VERSION else ""
    return Delimiters(
        element=d["element"], component=d["component"], segment=d["segment"], repetition=repetition
    )


def write(interchange, suffix=None, *, delimiters=None, encoding="utf-8"):
    """One interchange as bytes: ISA (fixed width), its groups and sets, IEA.

    ``suffix`` (e.g. ``"\\n"``) follows every terminator; by default the
    interchange's ``delimiters.suffix`` (what the file read had). Counts
    SE01/GE01/IEA01 are computed, SE02/GE02/IEA02 copied from ST02/GS06/ISA13.
    Raises :class:`DelimiterInData` when a value holds a separator and
    :class:`X12Error` when a mandatory ISA value is missing or too long."""
    return write_text(interchange, suffix, delimiters=delimiters).encode(encoding)


def write_text(interchange, suffix=None, *, delimiters=None):
    """:func:`write` as text."""
    d = delimiters or interchange.delimiters or default_delimiters(interchange.version)
    check_delimiters(d)
    explicit = suffix is not None
    if not explicit:
        suffix = d.suffix
    writer = _Writer(d, suffix)
    writer.isa(interchange)
    for group in interchange.groups:
        writer.group(group)
    writer.add("IEA", [str(len(interchange.groups)), writer.isa13])
    return writer.text(suffix, explicit)


def check_delimiters(d):
    chars = [d.element, d.component, d.segment] + ([d.repetition] if d.repetition else [])
    for name, char in zip(("element", "component", "segment", "repetition"), chars, strict=False):
        if len(char) != 1 or char.isalnum() or char == " ":
            raise X12Error(
                f"X12: the {name} separator {char!r} must be one character, not a letter or digit."
            )
    if len(set(chars)) != len(chars):
        raise X12Error(f"X12: the separators {chars!r} must all differ.")


class _Writer(Writer):
    def __init__(self, delimiters, suffix):
        super().__init__(delimiters, suffix)
        self.isa13 = ""
        seps = [delimiters.element, delimiters.component, delimiters.segment]
        if delimiters.repetition:
            seps.append(delimiters.repetition)
        self.separators = seps
        self.special = re.compile("[" + re.escape("".join(seps)) + "]")

    def add(self, tag, values):
        """A segment from simple values (strings)."""
        self.position += 1
        for number, value in enumerate(values, 1):
            if self.special.search(value):
                self.refuse(tag, number, value)
        self.out.append(self.d.element.join([tag, *values]) + self.end)

    def element_text(self, tag, number, element):
        """One element's repetitions and components joined; a value holding
        a separator is refused (X12 has no release character)."""
        d = self.d
        for components in element:
            for value in components:
                if self.special.search(value):
                    self.refuse(tag, number, value)
        return d.repetition.join(d.component.join(c) for c in element)

    def no_repetition(self, segment, number, count):
        return X12Error(
            f"X12: {segment.ref(number)} (segment {self.position}) has {count} repetitions "
            "but the interchange has no repetition separator (ISA11 before 00402).",
            position=self.position,
            segment=segment.tag,
            element=segment.ref(number),
        )

    def mandatory(self, tag, values, names):
        """X12Error for an empty mandatory value of an envelope segment."""
        for number, name in enumerate(names, 1):
            if not values[number - 1]:
                raise X12Error(
                    f"X12: {tag}{number:02d} ({name}) is mandatory (segment {self.position + 1}).",
                    position=self.position + 1,
                    segment=tag,
                    element=f"{tag}{number:02d}",
                )

    def refuse(self, tag, number, value):
        char = self.special.search(value).group(0)
        names = dict(
            zip(
                self.separators,
                ("element separator", "component separator", "segment terminator", "repetition separator"),
                strict=False,
            )
        )
        ref = f"{tag}{number:02d}"
        raise DelimiterInData(
            f"X12: {ref} (segment {self.position}, {tag}) holds the {names[char]} {char!r} in {value!r}; "
            "X12 has no release character: change the value or the interchange's separators.",
            position=self.position,
            segment=tag,
            element=ref,
            value=value,
            delimiter=char,
        )

    def isa(self, interchange):
        d = self.d
        old = [interchange.header.get(n) for n in range(1, 17)] if interchange.header else [""] * 16
        version = interchange.version or ""
        if version >= REPETITION_VERSION:
            isa11 = d.repetition or old[10] or "U"
        else:
            isa11 = old[10] if old[10] and old[10].isalnum() else "U"
        values = [
            old[0] or "00",
            old[1],
            old[2] or "00",
            old[3],
            interchange.sender.qualifier,
            interchange.sender.id,
            interchange.receiver.qualifier,
            interchange.receiver.id,
            interchange.date,
            interchange.time,
            isa11,
            version,
            interchange.control_number,
            "1" if interchange.ack_requested else "0",
            interchange.usage or "P",
            d.component,
        ]
        fixed = []
        for number, (value, width) in enumerate(zip(values, ISA_WIDTHS, strict=True), 1):
            value = value or ""
            if number in NUMERIC_ISA and is_number(value):
                value = value.zfill(width)
            else:
                value = value.strip().ljust(width) if number not in (11, 16) else value
            if len(value) != width or (number in (5, 6, 7, 8, 9, 10, 12, 13, 14, 15) and not value.strip()):
                raise X12Error(
                    f"X12: ISA{number:02d} {values[number - 1]!r} does not fit its fixed width of {width}"
                    + (" (it is mandatory)" if not value.strip() else "")
                    + ".",
                    position=1,
                    segment="ISA",
                    element=f"ISA{number:02d}",
                )
            fixed.append(value)
        self.isa13 = fixed[12]
        self.position += 1
        for number, value in enumerate(fixed[:10] + fixed[11:15], 1):
            if self.special.search(value):
                self.refuse("ISA", number if number <= 10 else number + 1, value)
        self.out.append(d.element.join(["ISA", *fixed]) + self.end)

    def group(self, group):
        header = group.header
        values = [header.get(n) for n in range(1, len(header) + 1)] if header is not None else []
        values += [""] * (8 - len(values))
        values[0:6] = [
            group.functional_id,
            group.sender,
            group.receiver,
            group.date,
            group.time,
            group.control_number,
        ]
        values[6] = values[6] or "X"
        values[7] = group.version
        self.mandatory("GS", values, GS_NAMES)
        self.add("GS", values)
        for transaction in group.transactions:
            self.transaction(transaction)
        self.add("GE", [str(len(group.transactions)), group.control_number])

    def transaction(self, transaction):
        segments = list(transaction.segments)
        if segments and segments[-1].tag == "SE":
            segments.pop()
        st = segments[0] if segments and segments[0].tag == "ST" else None
        if st is not None:
            segments.pop(0)
            extra = [st.get(n) for n in range(3, len(st) + 1)]
        else:
            extra = []
        values = [transaction.type, transaction.control_number, *extra]
        self.mandatory("ST", values, ST_NAMES)
        self.add("ST", values)
        for segment in segments:
            self.segment(segment)
        self.add("SE", [str(len(segments) + 2), transaction.control_number])
