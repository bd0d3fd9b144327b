"""UN/EDIFACT: bytes <-> :mod:`.tree`, on pydifact (MIT, pinned 0.2.3).

Syntax (ISO 9735)
    The service characters come from the UNA service string advice when
    there is one (``UNA:+.? '``: component separator, element separator,
    decimal mark, release character, repetition separator from syntax
    version 4 on (reserved, a space, before), segment terminator), else the
    defaults (``*`` as repetition separator in syntax version 4). pydifact
    reads and writes the UNA (:class:`pydifact.control.Characters`) and
    escapes values on output (:class:`pydifact.serializer.Serializer`).

    Segments are split here, not by pydifact's tokenizer: it walks the text
    one character at a time through several Python calls (about 0.5 MB/s on
    this machine, 40 times slower than the X12 reader), drops trailing empty
    components (``A:B:`` comes back ``A:B``, so files could not be written
    back byte for byte) and knows no repetition separator. The splitting
    here follows the same rules (a release character makes the next
    character data, line breaks after terminators are ignored) and the
    tests compare both on every sample.

Tree
    UNB -> :class:`~.tree.Interchange` (sender/receiver id and qualifier
    from UNB02/UNB03, control reference UNB05, ``usage`` "T" when UNB11 is
    "1", ``ack_requested`` when UNB09 is "1", ``version`` the syntax
    identifier "UNOA:3"); UNG..UNE -> :class:`~.tree.Group`, or an implicit
    group (``implicit=True``) per run of messages of one type and version
    when the interchange has no UNG; UNH..UNT -> :class:`~.tree.Transaction`
    (type "ORDERS", control number UNH01, version "D:96A:UN:EAN008").

Envelope checks as for X12: UNT01 counts UNH..UNT, UNT02 repeats UNH01,
UNE01/UNE02 count the group's messages and repeat UNG05, UNZ01 counts the
groups (or the messages when there is no UNG) and UNZ02 repeats UNB05;
a missing UNT/UNE/UNZ is an error (``missing_trailer``) and whatever was
read is still returned.
"""

import re

from pydifact.control import Characters
from pydifact.serializer import Serializer

from .envelope_checks import (
    BOM_WARNING,
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
from .readsegment import report, segment_class, split_segments
from .tree import Delimiters, Group, Interchange, Party, Transaction

STANDARD = "EDIFACT"
UNA_LENGTH = 9
DEFAULTS = {"component": ":", "element": "+", "decimal": ".", "release": "?", "segment": "'"}
DEFAULT_REPETITION = "*"  # syntax version 4 (ISO 9735-1:1998, 7.1)
TAG = re.compile(r"[A-Z][A-Z0-9]{2}\Z")
ENVELOPE_TAGS = frozenset({"UNB", "UNG", "UNH", "UNT", "UNE", "UNZ", "UNA"})
# UNB01.1 syntax identifier -> Python codec (ISO 9735 character repertoires)
CHARSETS = {
    "UNOA": "utf-8",  # ISO 646 subsets: ASCII, read as UTF-8 so that stray characters survive
    "UNOB": "utf-8",
    "UNOC": "latin-1",  # ISO 8859-1
    "UNOD": "iso8859-2",
    "UNOE": "iso8859-5",
    "UNOF": "iso8859-7",
    "UNOG": "iso8859-3",
    "UNOH": "iso8859-4",
    "UNOI": "iso8859-6",
    "UNOJ": "iso8859-8",
    "UNOK": "iso8859-9",
    "UNOW": "utf-8",  # ISO 10646 in UTF-8
    "UNOY": "utf-8",
}
MESSAGE = Level("message", "UNH", "UNH01", "UNT", "segment_count")
GROUP = Level("group", "UNG", "UNG05", "UNE", "transaction_count")
INTERCHANGE = Level("interchange", "UNB", "UNB05", "UNZ", "group_count")
ASCII_LEVELS = ("UNOA", "UNOB")
UTF8_BOM = b"\xef\xbb\xbf"


class EdifactError(CodecError):
    """A file that cannot be read as EDIFACT at all, or an interchange that
    cannot be written; ``position``, ``segment`` and ``element`` say where."""


class DelimiterInData(EdifactError, DelimiterError):
    """A value holds a separator and the interchange has no release
    character to escape it with (UNA4 is a space); ``value`` and
    ``delimiter`` say which."""


def default_delimiters(syntax_version="3"):
    """ISO 9735's defaults; ``*`` repeats elements from syntax version 4 on."""
    return Delimiters(
        element=DEFAULTS["element"],
        component=DEFAULTS["component"],
        segment=DEFAULTS["segment"],
        repetition=DEFAULT_REPETITION if str(syntax_version) >= "4" else "",
        release=DEFAULTS["release"],
        decimal=DEFAULTS["decimal"],
    )


# --- reading ---------------------------------------------------------------------


def read(data):
    """Read an EDIFACT file (bytes or str) into a :class:`~.tree.EdiFile`.
    Raises :class:`EdifactError` when it does not start with UNA, UNB or
    UNH (after a BOM and whitespace) or its UNA is cut short."""
    text, issues = decode(data)
    return _Reader.read_text(STANDARD, text, issues)


def syntax_identifier(head):
    """UNB01.1 ("UNOC") from the first bytes or characters, or ""."""
    if isinstance(head, bytes | bytearray | memoryview):
        head = bytes(head[:600]).decode("latin-1")
    match = re.search(r"UNB.(UNO[A-Z])", head[:600])
    return match.group(1) if match else ""


def decode(data):
    """(text, warnings), decoded with the character set UNB01 declares; a
    BOM removed and reported."""
    issues = []
    level = syntax_identifier(data)
    if isinstance(data, bytes | bytearray | memoryview):
        data = bytes(data)
        if data.startswith(UTF8_BOM):  # before decoding: UNOC would read it as "ï»¿"
            data = data[len(UTF8_BOM) :]
            issues.append(warning("bom", BOM_WARNING))
        codec = CHARSETS.get(level, "utf-8")
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as exc:
            text = data.decode("latin-1")
            issues.append(
                warning(
                    "encoding",
                    f"the file is not {codec} as {level or 'its syntax identifier'} says "
                    f"(byte {exc.start}: {data[exc.start : exc.start + 1]!r}); read as Latin-1",
                )
            )
    else:
        text = str(data)
    text = strip_bom(text, issues)
    if level in ASCII_LEVELS and not text.isascii():
        char = next(c for c in text if not c.isascii())
        issues.append(
            warning("charset", f"{level} allows ASCII letters only, the file has {char!r}; kept as read")
        )
    return text, issues


def read_una(text, start, syntax_version):
    """The delimiters of the UNA at ``text[start]`` (pydifact reads it)."""
    una = text[start : start + UNA_LENGTH]
    if len(una) < UNA_LENGTH:
        raise EdifactError(
            f"EDIFACT: the UNA service string advice {una!r} is cut short (9 characters).", segment="UNA"
        )
    characters = Characters.from_str(una)
    release = "" if characters.escape_character == " " else characters.escape_character
    reserved = characters.reserved_character
    repetition = reserved if syntax_version >= "4" and reserved != " " else ""
    delimiters = Delimiters(
        element=characters.data_separator,
        component=characters.component_separator,
        segment=characters.segment_terminator,
        repetition=repetition,
        release=release,
        decimal=characters.decimal_point,
        una=True,
    )
    chars = [
        c for c in (delimiters.element, delimiters.component, delimiters.segment, release, repetition) if c
    ]
    if len(set(chars)) != len(chars) or any(c.isalnum() for c in chars):
        raise EdifactError(
            f"EDIFACT: the UNA {una!r} has service characters that are letters, digits or twice the same.",
            segment="UNA",
        )
    return delimiters


def peek_syntax_version(text, start, element, component):
    match = re.compile(
        r"[ \t\r\n]*UNB" + re.escape(element) + r"[A-Z]{4}" + re.escape(component) + r"(\d)"
    ).match(text, start)
    return match.group(1) if match else "3"


class _Reader(Reader):
    """One pass over the text: one chunk (from a UNA or the start) after the other."""

    def run(self):
        text = self.text
        start = skip_whitespace(text, 0)
        if start >= len(text):
            raise EdifactError("EDIFACT: the file is empty.")
        if start:
            self.warn_once("indentation", "whitespace before the first segment; ignored", 1)
        head = text[start : start + 3]
        if head not in ("UNA", "UNB", "UNH"):
            raise EdifactError(
                f"EDIFACT: the file must start with UNA, UNB or UNH, not {text[start : start + 20]!r}."
            )
        envelopes = _Envelopes(self)
        while start < len(text):
            start = self.chunk(start, envelopes)
        envelopes.finish()

    def chunk(self, start, envelopes):
        """Read from ``start`` (a UNA or the first segment) up to the next
        UNA; return where that starts."""
        text = self.text
        if text.startswith("UNA", start):
            version = peek_syntax_version(
                text, start + UNA_LENGTH, text[start + 4 : start + 5], text[start + 3 : start + 4]
            )
            try:
                delimiters = read_una(text, start, version)
            except EdifactError as exc:
                if not self.file.interchanges and not envelopes.interchange:
                    raise
                self.error("bad_una", exc.message, self.count + 1, "UNA")
                return len(text)
            body = start + UNA_LENGTH
        else:
            d = DEFAULTS
            delimiters = default_delimiters(peek_syntax_version(text, start, d["element"], d["component"]))
            body = start
        term, release = delimiters.segment, delimiters.release
        # the suffix: line breaks after the UNA, or else after the first terminator
        first_end = body if delimiters.una else _first_terminator(text, body, term, release)
        after = line_breaks_end(text, first_end, term)
        delimiters.suffix = text[first_end:after]
        self.note_suffix(delimiters.suffix, 1)
        if delimiters.una:
            body = after
        # a UNA after a (real) terminator starts the next chunk
        next_una = re.compile(re.escape(term) + r"[ \t\r\n]*(UNA)(?=[^A-Za-z0-9 \t\r\n])")
        found = next_una.search(text, body)
        while found and release and _escaped(text, found.start(), release):
            found = next_una.search(text, found.end())
        end = found.start(1) if found else len(text)
        found = split_segments(text[body:end], term, delimiters.element, delimiters.suffix, release)
        report(self, found, delimiters, self.count + 1)
        delimiters.trailing = found.trailing if found.trailing != delimiters.suffix else None
        base = self.count
        self.count += len(found.parts)
        envelopes.feed(delimiters, found.parts, base)
        return end


def _first_terminator(text, start, term, release):
    """The offset after the first unescaped terminator from ``start``."""
    position = start
    while True:
        found = text.find(term, position)
        if found < 0:
            return len(text)
        if not (release and _escaped(text, found, release)):
            return found + len(term)
        position = found + 1


def _escaped(text, index, release):
    """True when ``text[index]`` follows an odd run of release characters."""
    run = 0
    while index - run - 1 >= 0 and text[index - run - 1] == release:
        run += 1
    return run % 2 == 1


def joined(components):
    """Components as the tree shows a composite value: "D:96A:UN" (``:``
    whatever the separator), trailing empty components dropped."""
    values = list(components)
    while values and not values[-1]:
        values.pop()
    return ":".join(values)


class _Envelopes(Envelopes):
    """Builds interchanges, groups and messages from split segments, over
    one or more chunks (a UNA may start a new interchange mid-file)."""

    ENVELOPE_TAGS = ENVELOPE_TAGS
    TAG = TAG
    SET = MESSAGE

    def __init__(self, reader):
        self.reader = reader
        self.interchange = None  # the open interchange (UNB seen, UNZ not yet)
        self.group = None  # the open group, explicit or implicit
        self.explicit = 0  # explicit groups in the open interchange
        self.set_start = None  # index of the open message's UNH
        self.parts = []
        self.base = 0

    def feed(self, delimiters, parts, base):
        if self.set_start is not None:  # a UNA inside a message: close it first
            self.close_message(len(self.parts), None)
        self.delimiters = delimiters
        self.cls = segment_class(delimiters)
        self.parts, self.base = parts, base
        self.walk()

    def finish(self):
        if self.set_start is not None:
            self.close_message(len(self.parts), None)
        if self.group is not None and not self.group.implicit:
            self.missing_trailer_at_header(GROUP, self.group.control_number, self.group.header)
        self.group = None
        if self.interchange is not None:
            interchange = self.interchange
            self.missing_trailer_at_header(INTERCHANGE, interchange.control_number, interchange.header)
            self.interchange = None

    def open_interchange(self, unb, index):
        """A new interchange from its UNB (or None: messages without UNB)."""
        get = unb.get if unb is not None else (lambda *a, **k: "")
        self.interchange = Interchange(
            standard=STANDARD,
            sender=Party(get(2, 2), get(2)),
            receiver=Party(get(3, 2), get(3)),
            control_number=get(5),
            version=joined(unb.components(1)) if unb is not None else "",
            date=get(4),
            time=get(4, 2),
            usage="T" if get(11) == "1" else "P",
            delimiters=self.delimiters,
            header=unb,
            ack_requested=get(9) == "1",
        )
        self.explicit = 0
        self.reader.file.interchanges.append(self.interchange)

    def on_UNA(self, index):
        self.error("outside_envelope", "a UNA that is not at the start of an interchange", index)

    def on_UNB(self, index):
        if self.set_start is not None:
            self.close_message(index, None)
        if self.interchange is not None:
            self.close_group_missing(index)
            self.missing_trailer(INTERCHANGE, self.interchange.control_number, index, " before this UNB")
        self.open_interchange(self.segment(index), index)

    def close_group_missing(self, index):
        if self.group is not None and not self.group.implicit:
            self.missing_trailer(GROUP, self.group.control_number, index)
        self.group = None

    def on_UNG(self, index):
        if self.set_start is not None:
            self.close_message(index, None)
        self.close_group_missing(index)
        if self.interchange is None:
            self.error("missing_header", "a UNG without UNB", index)
            self.open_interchange(None, index)
        ung = self.segment(index)
        get = ung.get
        version = ":".join(v for v in (get(7), get(7, 2), get(6), get(7, 3)) if v)
        self.group = Group(
            functional_id=get(1),
            sender=get(2),
            receiver=get(3),
            control_number=get(5),
            version=version,
            date=get(4),
            time=get(4, 2),
            header=ung,
        )
        self.explicit += 1
        self.interchange.groups.append(self.group)

    def on_UNH(self, index):
        if self.set_start is not None:
            self.close_message(index, None)
        if self.interchange is None:
            self.error("missing_header", "a message (UNH) without interchange header (UNB)", index)
            self.open_interchange(None, index)
        self.set_start = index

    def on_UNT(self, index):
        if self.set_start is None:
            self.error("outside_envelope", "a UNT without its UNH", index)
            return
        self.close_message(index + 1, index)

    def close_message(self, stop, unt_index):
        start, self.set_start = self.set_start, None
        segments = self.segments(start, stop)
        unh = segments[0]
        identifier = unh.components(2)
        message_type = identifier[0] if identifier else ""
        transaction = Transaction(
            type=message_type,
            control_number=unh.get(1),
            segments=segments,
            version=joined(identifier[1:]),
        )
        group = self.group
        if group is None or (
            group.implicit
            and (group.functional_id != message_type or group.version != joined(identifier[1:4]))
        ):
            group = self.group = Group(
                functional_id=message_type,
                sender=self.interchange.sender.id,
                receiver=self.interchange.receiver.id,
                control_number="",
                version=joined(identifier[1:4]),
                date=self.interchange.date,
                time=self.interchange.time,
                implicit=True,
            )
            self.interchange.groups.append(group)
        group.transactions.append(transaction)
        if unt_index is None:
            self.missing_trailer(MESSAGE, transaction.control_number, start)
            return
        count = len(segments)
        self.check_trailer(
            MESSAGE, segments[-1], unt_index, count, "segments", transaction.control_number, None, count
        )

    def on_UNE(self, index):
        if self.set_start is not None:
            self.close_message(index, None)
        group = self.group
        if group is None or group.implicit:
            self.error("outside_envelope", "a UNE without its UNG", index)
            return
        self.group = None
        une = group.trailer = self.segment(index)
        self.check_trailer(GROUP, une, index, len(group.transactions), "messages", group.control_number)

    def on_UNZ(self, index):
        if self.set_start is not None:
            self.close_message(index, None)
        self.close_group_missing(index)
        interchange = self.interchange
        if interchange is None:
            self.error("outside_envelope", "a UNZ without its UNB", index)
            return
        self.interchange = None
        unz = interchange.trailer = self.segment(index)
        if self.explicit:
            expected, what = len(interchange.groups), "functional groups"
        else:
            expected, what = sum(len(g.transactions) for g in interchange.groups), "messages"
        self.check_trailer(INTERCHANGE, unz, index, expected, what, interchange.control_number)


# --- writing ---------------------------------------------------------------------


def write(interchange, suffix=None, *, delimiters=None, una=None, encoding=None):
    """One interchange as bytes: [UNA] UNB, groups (UNG..UNE unless
    implicit), messages UNH..UNT, UNZ.

    ``una``: True/False forces the service string advice; by default it is
    written when the interchange had one or its delimiters are not the
    defaults. UNT01/UNE01/UNZ01 are counted and UNT02/UNE02/UNZ02 repeat
    UNH01/UNG05/UNB05. Values are escaped with the release character
    (:class:`DelimiterInData` when there is none). ``encoding`` defaults to
    the one UNB01's syntax identifier names."""
    text = write_text(interchange, suffix, delimiters=delimiters, una=una)
    if encoding is None:
        level = (interchange.version or "").split(":")[0]
        encoding = CHARSETS.get(level, "utf-8")
    try:
        return text.encode(encoding)
    except UnicodeEncodeError as exc:
        raise EdifactError(
            f"EDIFACT: {text[exc.start : exc.end]!r} cannot be written in {encoding} "
            f"({interchange.version or 'the syntax identifier'}); choose another syntax identifier (UNOC, UNOW).",
            segment="UNB",
            element="UNB01",
        ) from exc


def write_text(interchange, suffix=None, *, delimiters=None, una=None):
    """:func:`write` as text."""
    syntax_version = ((interchange.version or "").split(":") + ["", ""])[1] or "3"
    d = delimiters or interchange.delimiters or default_delimiters(syntax_version)
    explicit = suffix is not None
    if not explicit:
        suffix = d.suffix
    writer = _Writer(d, suffix)
    if una is None:
        una = d.una or not _defaults(d, syntax_version)
    if una:
        writer.out.append(writer.una() + suffix)
    writer.unb(interchange)
    explicit_groups = 0
    messages = 0
    for group in interchange.groups:
        if not group.implicit:
            explicit_groups += 1
            writer.ung(group)
        for transaction in group.transactions:
            writer.message(transaction)
            messages += 1
        if not group.implicit:
            writer.add("UNE", [[str(len(group.transactions))], [group.control_number]])
    writer.add("UNZ", [[str(explicit_groups or messages)], [interchange.control_number]])
    return writer.text(suffix, explicit)


def _defaults(d, syntax_version):
    default = default_delimiters(syntax_version)
    return all(
        getattr(d, name) == getattr(default, name)
        for name in ("element", "component", "segment", "repetition", "release", "decimal")
    )


class _Writer(Writer):
    def __init__(self, delimiters, suffix):
        super().__init__(delimiters, suffix)
        d = delimiters
        self.characters = Characters(
            component_separator=d.component,
            data_separator=d.element,
            decimal_point=d.decimal or ".",
            escape_character=d.release or " ",
            reserved=d.repetition or " ",
            segment_terminator=d.segment,
        )
        self.serializer = Serializer(self.characters) if d.release else None
        specials = [d.element, d.component, d.segment] + ([d.repetition] if d.repetition else [])
        self.specials = specials
        self.special = re.compile(
            "[" + re.escape("".join(specials + ([d.release] if d.release else []))) + "]"
        )

    def una(self):
        return self.characters.service_string_advice

    def escape(self, value, tag, number):
        if not self.special.search(value):
            return value
        d = self.d
        if not d.release:
            char = self.special.search(value).group(0)
            ref = f"{tag}{number:02d}"
            raise DelimiterInData(
                f"EDIFACT: {ref} (segment {self.position}, {tag}) holds the separator {char!r} in {value!r} and "
                "the interchange has no release character (UNA4) to escape it.",
                position=self.position,
                segment=tag,
                element=ref,
                value=value,
                delimiter=char,
            )
        escaped = self.serializer.escape(value)  # release, component, element, terminator
        if d.repetition:
            escaped = escaped.replace(d.repetition, d.release + d.repetition)
        return escaped

    def add(self, tag, elements):
        """A segment from ``[[component, ...], ...]`` per element (one repetition)."""
        self.position += 1
        d = self.d
        texts = [
            d.component.join(self.escape(c, tag, number) for c in components)
            for number, components in enumerate(elements, 1)
        ]
        self.out.append(d.element.join([tag, *texts]) + self.end)

    def element_text(self, tag, number, element):
        """One element's repetitions and components, escaped and joined."""
        d = self.d
        return d.repetition.join(
            d.component.join(self.escape(c, tag, number) for c in repetition) for repetition in element
        )

    def no_repetition(self, segment, number, count):
        return EdifactError(
            f"EDIFACT: {segment.ref(number)} (segment {self.position}) has {count} repetitions "
            "but the interchange has no repetition separator (syntax version 4, UNA5).",
            position=self.position,
            segment=segment.tag,
            element=segment.ref(number),
        )

    def unb(self, interchange):
        header = interchange.header
        elements = _copy(header)
        elements = _pad(elements, 5)
        version = interchange.version.split(":") if interchange.version else ["UNOA", "3"]
        elements[0] = _merge(elements[0], version)
        elements[1] = _merge(elements[1], [interchange.sender.id, interchange.sender.qualifier])
        elements[2] = _merge(elements[2], [interchange.receiver.id, interchange.receiver.qualifier])
        elements[3] = _merge(elements[3], [interchange.date, interchange.time])
        elements[4] = [[interchange.control_number]]
        for number, flag in ((9, interchange.ack_requested), (11, interchange.usage == "T")):
            current = elements[number - 1][0][0] if len(elements) >= number else ""
            if flag and current != "1":
                elements = _pad(elements, number)
                elements[number - 1] = [["1"]]
            elif not flag and current == "1":
                elements[number - 1] = [[""]]
        for number, name in (
            (1, "syntax identifier"),
            (2, "sender"),
            (3, "receiver"),
            (4, "date"),
            (5, "control reference"),
        ):
            if not elements[number - 1][0][0]:
                raise EdifactError(
                    f"EDIFACT: UNB{number:02d} ({name}) is mandatory.",
                    segment="UNB",
                    element=f"UNB{number:02d}",
                )
        self.segment(_same_or_built(header, "UNB", elements))

    def ung(self, group):
        elements = _pad(_copy(group.header), 7)
        elements[0] = [[group.functional_id]]
        elements[1] = _merge(elements[1], [group.sender])
        elements[2] = _merge(elements[2], [group.receiver])
        elements[3] = _merge(elements[3], [group.date, group.time])
        elements[4] = [[group.control_number]]
        version = (group.version.split(":") + ["", "", "", ""])[:4]
        if group.header is None or version != (
            [group.header.get(7), group.header.get(7, 2), group.header.get(6), group.header.get(7, 3)]
        ):
            elements[5] = [[version[2]]]
            elements[6] = _merge(elements[6], [version[0], version[1]] + ([version[3]] if version[3] else []))
        self.segment(_same_or_built(group.header, "UNG", elements))

    def message(self, transaction):
        segments = list(transaction.segments)
        if segments and segments[-1].tag == "UNT":
            segments.pop()
        unh = segments.pop(0) if segments and segments[0].tag == "UNH" else None
        elements = _copy(unh)
        elements = _pad(elements, 2)
        elements[0] = [[transaction.control_number]]
        identifier = [transaction.type] + (transaction.version.split(":") if transaction.version else [])
        elements[1] = _merge(elements[1], identifier)
        if not transaction.control_number or not transaction.type:
            raise EdifactError(
                "EDIFACT: UNH01 (message reference) and UNH02 (message type) are mandatory.",
                segment="UNH",
                element="UNH01" if not transaction.control_number else "UNH02",
            )
        if not transaction.version and len(elements[1][0]) < 4:
            raise EdifactError(
                f'EDIFACT: the message {transaction.control_number!r} needs a version ("D:96A:UN") for UNH02.',
                segment="UNH",
                element="UNH02",
            )
        self.segment(_same_or_built(unh, "UNH", elements))
        for segment in segments:
            self.segment(segment)
        self.add("UNT", [[str(len(segments) + 2)], [transaction.control_number]])


class _Built:
    """A segment the writer composed (tag and elements)."""

    def __init__(self, tag, elements):
        self.tag = tag
        self.elements = elements

    def ref(self, number):
        return f"{self.tag}{number:02d}"


def _same_or_built(header, tag, elements):
    """The segment as read when the writer's elements say the same (its
    text is then written as it was, escapes included), else a new one."""
    if header is not None and header.tag == tag and header.elements == elements:
        return header
    return _Built(tag, elements)


def _copy(segment):
    if segment is None:
        return []
    return [[list(r) for r in element] for element in segment.elements]


def _pad(elements, count):
    return elements + [[[""]] for _ in range(count - len(elements))]


def _merge(element, components):
    """An element (one repetition) whose first components are
    ``components``: the one as written when it says the same (trailing empty
    components aside), else the new components with the old ones after them."""
    old = element[0] if element else [""]
    new = list(components) + old[len(components) :]
    while len(new) > 1 and not new[-1]:
        new.pop()
    trimmed = list(old)
    while len(trimmed) > 1 and not trimmed[-1]:
        trimmed.pop()
    return [old] if trimmed == new else [new]
