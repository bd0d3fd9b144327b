"""Payload formats: what an event carries, read, shown and masked.

Every format of :data:`~.topics.PAYLOAD_FORMATS` has three steps, all on the
raw bytes of the payload (no ORM here):

- :func:`parse`: bytes -> a structure a handler works with (a dict or list
  for JSON, an :class:`X12Interchange` or :class:`EdifactInterchange` of
  segments, an lxml element, a :class:`CsvTable`, the bytes themselves).
  Bad input raises :class:`~.exceptions.ValidationFailed` naming where it is
  wrong (line and column, segment number and character offset, CSV line).
- :func:`pretty`: the text users read: indented JSON and XML, X12 and EDIFACT
  one segment per line with their separators as they are, CSV as an aligned
  table, opaque bytes as a size, a checksum and a hex dump.
- masking (``pretty(..., masked=True)`` for users, :func:`mask` for the same
  format back): personal data hidden by the policy of :mod:`.masking`:

  - JSON: :func:`~.masking.mask_payload`;
  - X12: names, addresses and contacts: ``N1`` name, ``N2``, ``N3``,
    ``N4`` city and postal code, ``NM1`` names and id, ``PER`` name and
    communication numbers (an email keeps its domain, a phone its last digits);
  - EDIFACT: ``NAD`` name and address (party ids and country stay), ``CTA``
    contact, ``COM`` communication numbers;
  - XML: elements and attributes whose names the policy masks (``email``,
    ``city``...), and everything inside a personal container (``customer``,
    ``address``...) except what identifies or classifies (ids, country codes);
  - CSV: columns whose headers the policy masks;
  - bytes: only the size and the checksum, no content.

XML is parsed without expanding entities, without loading a DTD and without
the network; a document declaring entities is refused (billion laughs, XXE).
Long payloads are shown up to ``limit`` lines (a 50 MB 846 is not rendered
whole in a browser).
"""

import csv
import hashlib
import io
import json
import re
from dataclasses import dataclass

from lxml import etree

from .exceptions import ValidationFailed
from .masking import MASK, key_policy, mask_payload, mask_scalar
from .topics import PAYLOAD_FORMATS

PRETTY_LIMIT = 2000  # lines of a pretty view
HEX_DUMP_BYTES = 512  # bytes shown of an opaque payload
CSV_CELL_WIDTH = 40  # characters of a CSV cell in the table view

# What a file of each format is called and stored as.
EXTENSIONS = {"json": "json", "x12": "x12", "edifact": "edi", "xml": "xml", "csv": "csv", "bytes": "bin"}


def parse(payload_format, data):
    """The payload ``data`` (bytes) read as ``payload_format``."""
    return _format(payload_format).parse(_as_bytes(data))


def pretty(payload_format, data, masked=False, limit=PRETTY_LIMIT):
    """The payload as text for users, personal data masked when ``masked``.

    At most ``limit`` lines; a last line says what was left out."""
    handler = _format(payload_format)
    data = _as_bytes(data)
    text = handler.pretty(data, masked=masked, limit=limit)
    return _cut(text, limit, len(data))


def mask(payload_format, data):
    """The payload in its own format with personal data masked (str), e.g.
    for a log line or an export of a failed message."""
    return _format(payload_format).mask(_as_bytes(data))


def decode_text(data):
    """``data`` as str when it is UTF-8 text a database text column can
    hold (no NUL), else None."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return None if "\x00" in text else text


def _format(payload_format):
    handler = FORMATS.get(payload_format)
    if handler is None:
        raise ValidationFailed(
            f"Unknown payload format {payload_format!r}: one of {', '.join(PAYLOAD_FORMATS)}."
        )
    return handler


def _as_bytes(data):
    if isinstance(data, bytes):
        return data
    if isinstance(data, bytearray | memoryview):
        return bytes(data)
    if isinstance(data, str):
        return data.encode("utf-8")
    raise TypeError(f"a payload is bytes or str, not {type(data).__name__}")


def _cut(text, limit, size):
    if not limit:
        return text
    lines = text.split("\n", limit)
    if len(lines) <= limit:
        return text
    return "\n".join(lines[:limit]) + f"\n… (more not shown: the payload is {size:,} bytes)"


def _text(data, name):
    """Text formats are UTF-8 (ASCII for X12 and EDIFACT's UNOA/UNOB); the
    position of the first byte that is not, when one is not."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationFailed(f"{name}: not UTF-8 text at byte {exc.start}.") from exc


def _safe_mask(value, separators):
    """A masked value that cannot break the message: characters that are
    separators of the message (X12's ``*`` is often one) become ``X``."""
    for char in separators:
        if char:
            value = value.replace(char, "X")
    return value


# --- JSON --------------------------------------------------------------------------


class JsonFormat:
    name = "json"

    def parse(self, data):
        try:
            return json.loads(_text(data, "JSON"))
        except RecursionError as exc:
            raise ValidationFailed("JSON: nested too deeply to be read.") from exc
        except json.JSONDecodeError as exc:
            raise ValidationFailed(f"JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}.") from exc

    def pretty(self, data, masked=False, limit=PRETTY_LIMIT):
        value = self.parse(data)
        if masked:
            value = mask_payload(value)
        return json.dumps(value, indent=2, ensure_ascii=False)

    def mask(self, data):
        return json.dumps(mask_payload(self.parse(data)), ensure_ascii=False)


# --- segment formats (X12, EDIFACT) ------------------------------------------------


@dataclass(frozen=True)
class Separators:
    element: str
    component: str
    segment: str
    repetition: str | None = None
    release: str | None = None  # EDIFACT only
    decimal: str | None = None  # EDIFACT only

    def describe(self):
        parts = [
            f"element separator {self.element!r}",
            f"component separator {self.component!r}",
            f"segment terminator {self.segment!r}",
        ]
        if self.repetition:
            parts.append(f"repetition separator {self.repetition!r}")
        if self.release:
            parts.append(f"release character {self.release!r}")
        return ", ".join(parts)

    def all(self):
        return [c for c in (self.element, self.component, self.segment, self.repetition, self.release) if c]


class Segment:
    """One segment: its tag, its elements as written (after the tag, with
    release characters kept), its number (1-based) and character offset."""

    __slots__ = ("_parts", "number", "offset", "separators")

    def __init__(self, parts, number, offset, separators):
        self._parts = parts  # [tag, element 1, element 2...]
        self.number = number
        self.offset = offset
        self.separators = separators

    def __repr__(self):
        return f"Segment({self.text()!r}, number={self.number}, offset={self.offset})"

    @property
    def tag(self):
        return self._parts[0]

    @property
    def raw_elements(self):
        return tuple(self._parts[1:])

    def element(self, position, default=""):
        """Element ``position`` (1-based, as the standards number them),
        release characters removed."""
        if 1 <= position < len(self._parts):
            return _unescape(self._parts[position], self.separators.release)
        return default

    def components(self, position):
        """The components of element ``position``."""
        raw = self._parts[position] if 1 <= position < len(self._parts) else ""
        return [
            _unescape(part, self.separators.release)
            for part in _split(raw, self.separators.component, self.separators.release)
        ]

    @property
    def elements(self):
        return [self.element(i) for i in range(1, len(self._parts))]

    def text(self, raw_elements=None):
        """The segment as written, without its terminator."""
        if raw_elements is None:
            return self.separators.element.join(self._parts)
        return self.separators.element.join((self._parts[0], *raw_elements))


def _split(text, separator, release):
    """``text`` split at ``separator``, except where the release character
    escapes it; parts keep their release characters."""
    if not release or release not in text:
        return text.split(separator)
    parts, current, escaped = [], [], False
    for char in text:
        if escaped:
            current.append(char)
            escaped = False
        elif char == release:
            current.append(char)
            escaped = True
        elif char == separator:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def _unescape(text, release):
    if not release or release not in text:
        return text
    return re.sub(re.escape(release) + "(.)", r"\1", text, flags=re.S)


def _scan(text, separators, start, name, tag_pattern):
    """Yield (parts, number, offset) for each segment of ``text`` from
    ``start`` (parts: the tag and the elements as written); ValidationFailed
    for a segment without a valid tag or an unterminated last segment.
    Kept lean: a 50 MB file has millions of segments."""
    terminator, element, release = separators.segment, separators.element, separators.release
    newline_terminated = terminator in "\r\n"
    lead = "\r" if newline_terminated else "\r\n\t "
    step = len(terminator)
    offset = start
    number = 0
    tags = set()
    for piece, is_last in _pieces(text, start, terminator, release):
        here = offset
        offset += len(piece) + step
        body = piece.lstrip(lead)
        if not body or body.isspace():
            continue
        here += len(piece) - len(body)
        number += 1
        if is_last:
            raise ValidationFailed(
                f"{name}: segment {number} at offset {here} ({body[:20]!r}) is not terminated by {terminator!r}."
            )
        if not newline_terminated:
            body = body.rstrip("\r\n")
        parts = body.split(element) if not release or release not in body else _split(body, element, release)
        tag = parts[0]
        if tag not in tags:
            if not tag_pattern.match(tag):
                raise ValidationFailed(
                    f"{name}: segment {number} at offset {here}: {tag[:20]!r} is not a segment tag."
                )
            tags.add(tag)
        yield parts, number, here


def _pieces(text, start, terminator, release):
    """(piece, is_last) for the pieces of ``text`` between terminators,
    lazily: a pretty view of the first lines of 50 MB reads only those."""
    if release and release in text:
        pieces = _split(text[start:], terminator, release)
        for index, piece in enumerate(pieces):
            yield piece, index == len(pieces) - 1
        return
    position, step = start, len(terminator)
    while True:
        end = text.find(terminator, position)
        if end < 0:
            yield text[position:], True
            return
        yield text[position:end], False
        position = end + step


def _segments(text, separators, start, name, tag_pattern):
    for parts, number, here in _scan(text, separators, start, name, tag_pattern):
        yield Segment(parts, number, here, separators)


class _SegmentInterchange:
    """A parsed X12 or EDIFACT interchange. ``segments()`` reads them again
    from the text each time (a 50 MB file is not held as a million objects)."""

    format_name = ""
    tag_regex = "."
    tag_pattern = re.compile(r".")

    def __init__(self, text, separators, start):
        self.text = text
        self.separators = separators
        self.start = start
        # control counts and references that do not match: partners send
        # such files and their content is still readable, so they are noted
        # here (for the handler to refuse or acknowledge) rather than raised
        self.problems = []

    def segments(self):
        """The segments, as :class:`Segment` objects."""
        return _segments(self.text, self.separators, self.start, self.format_name, self.tag_pattern)

    def scan(self):
        """The segments as (parts, number, offset) tuples, parts being the
        tag and the elements as written: the fast way through a big file."""
        return _scan(self.text, self.separators, self.start, self.format_name, self.tag_pattern)

    def __iter__(self):
        return self.segments()


class _SegmentFormat:
    """Shared by X12 and EDIFACT: which elements of which segments hold
    personal data (``masked_elements``) and the envelope checks."""

    name = ""
    interchange = _SegmentInterchange

    def parse(self, data):
        interchange = self.read(data)
        self.check(interchange)
        return interchange

    def read(self, data):  # pragma: no cover - abstract
        raise NotImplementedError

    envelope = ("", "")  # the tags opening and closing a message

    def check(self, interchange):
        """Every segment tagged and terminated (fatal), envelopes paired
        (fatal), their counts and references (``interchange.problems``)."""
        if not self._looks_sound(interchange):
            for _parts in interchange.scan():  # raises, naming the segment
                pass
        self.check_envelopes(interchange, self._envelope_segments(interchange))

    unit = ""  # what an envelope holds, in words
    reference = (0, "")  # the opener's element the closer's second element repeats, and its name

    def check_envelopes(self, interchange, segments):
        """Openers and closers paired (fatal); each closer's segment count and
        reference against its opener (noted in ``interchange.problems``)."""
        opener, closer = self.envelope
        index, label = self.reference
        opened = None
        for segment in segments:
            if segment.tag == opener:
                if opened:
                    raise ValidationFailed(
                        f"{self.name}: segment {segment.number} at offset {segment.offset}: {opener} before the "
                        f"{closer} of the {self.unit} opened at segment {opened.number}."
                    )
                opened = segment
                continue
            if not opened:
                raise ValidationFailed(
                    f"{self.name}: segment {segment.number} at offset {segment.offset}: {closer} without {opener}."
                )
            count = segment.number - opened.number + 1
            if segment.element(1) != str(count):
                interchange.problems.append(
                    f"segment {segment.number} ({closer} of the {self.unit} opened at segment {opened.number}) "
                    f"counts {segment.element(1)!r} segments, the {self.unit} has {count}"
                )
            if segment.element(2) != opened.element(index):
                interchange.problems.append(
                    f"segment {segment.number}: {closer} {label} {segment.element(2)!r} is not "
                    f"the {opener}'s {opened.element(index)!r}"
                )
            opened = None
        if opened:
            raise ValidationFailed(
                f"{self.name}: the {self.unit} opened at segment {opened.number} has no {closer}."
            )

    def _fast(self, interchange):
        """True when regular expressions can walk the text (single-character
        terminator, no release character in it): C speed for 50 MB files."""
        seps = interchange.separators
        return len(seps.segment) == 1 and not (seps.release and seps.release in interchange.text)

    def _lead(self, interchange):
        return "\\r*" if interchange.separators.segment in "\r\n" else "[\\r\\n\\t ]*"

    def _looks_sound(self, interchange):
        """Every segment starts with a tag and the last one is terminated,
        checked by regular expressions; False sends to the slow walk, which
        names the first bad segment."""
        if not self._fast(interchange):
            return False
        seps = interchange.separators
        text, start = interchange.text, interchange.start
        term, elem, lead = re.escape(seps.segment), re.escape(seps.element), self._lead(interchange)
        tag = interchange.tag_regex
        first = re.compile(rf"{lead}{tag}(?:{elem}|{term})")
        if not first.match(text, start):
            return False
        bad = re.compile(rf"{term}(?!{lead}(?:{tag}(?:{elem}|{term})|\s*\Z))")
        if bad.search(text, start):
            return False
        tail = text[text.rfind(seps.segment) + 1 :]
        return not tail.strip()

    def _envelope_segments(self, interchange):
        """The segments opening and closing messages, with their numbers."""
        opening, closing = self.envelope
        seps = interchange.separators
        if not self._fast(interchange):
            for parts, number, offset in interchange.scan():
                if parts[0] in (opening, closing):
                    yield Segment(parts, number, offset, seps)
            return
        text, start = interchange.text, interchange.start
        term, elem, lead = re.escape(seps.segment), re.escape(seps.element), self._lead(interchange)
        envelope = rf"((?:{opening}|{closing})(?:{elem}[^{term}]*)?){term}"
        # starting with the terminator, a literal: the regex engine skips ahead fast
        pattern = re.compile(rf"{term}{lead}{envelope}")
        number, counted = 0, start
        position = start
        match = re.compile(rf"{lead}{envelope}").match(text, start)  # a message without interchange
        while True:
            match = match or pattern.search(text, position)
            if not match:
                return
            number += text.count(seps.segment, counted, match.start(1))
            counted = match.start(1)
            body = match.group(1).rstrip("\r\n")
            yield Segment(body.split(seps.element), number + 1, match.start(1), seps)
            position = match.end(1)  # the terminator opens the next match
            match = None

    def header(self, interchange):
        return f"# {self.name}: {interchange.separators.describe()}"

    def pretty(self, data, masked=False, limit=PRETTY_LIMIT):
        interchange = self.parse(data) if not limit else self.read(data)
        seps = interchange.separators
        lines = [self.header(interchange)]
        prefix = interchange.text[: interchange.start].strip("\r\n")
        if prefix:
            lines.append(prefix)
        for segment in interchange.segments():
            if limit and len(lines) > limit:
                lines.append("…")  # _cut says how much there is
                break
            lines.append(self.segment_text(segment, masked) + seps.segment.strip("\r\n"))
        return "\n".join(lines)

    def mask(self, data):
        interchange = self.parse(data)
        seps = interchange.separators
        terminator = seps.segment if seps.segment in "\r\n" else seps.segment + "\n"
        prefix = interchange.text[: interchange.start]
        return prefix + "".join(self.segment_text(s, True) + terminator for s in interchange.segments())

    def segment_text(self, segment, masked):
        if not masked:
            return segment.text()
        rule = self.masked_elements(segment)
        if not rule:
            return segment.text()
        seps = segment.separators
        elements = list(segment.raw_elements)
        for position, how in rule.items():
            if position > len(elements) or not elements[position - 1]:
                continue
            raw = elements[position - 1]
            if isinstance(how, dict):  # component -> rule name
                parts = _split(raw, seps.component, seps.release)
                for comp, name in how.items():
                    if comp < len(parts) and parts[comp]:
                        value = mask_scalar(name, _unescape(parts[comp], seps.release))
                        parts[comp] = _safe_mask(value, seps.all())
                elements[position - 1] = seps.component.join(parts)
            else:
                parts = _split(raw, seps.component, seps.release)
                elements[position - 1] = seps.component.join(
                    _safe_mask(mask_scalar(how, _unescape(p, seps.release)), seps.all()) if p else p
                    for p in parts
                )
        return segment.text(elements)

    def masked_elements(self, segment):
        """{element position: rule name ("" for ***, "email", "phone") or
        {component index: rule name}} for a segment holding personal data."""
        return {}


# --- X12 ---------------------------------------------------------------------------

ISA_LENGTH = 106
# PER, NM1... communication number qualifiers: how to mask the number after them
X12_EMAIL_QUALIFIERS = frozenset({"EM"})
X12_PHONE_QUALIFIERS = frozenset({"TE", "CP", "FX", "HP", "WP", "EX", "BN", "PC"})


class X12Interchange(_SegmentInterchange):
    format_name = "X12"
    tag_regex = "[A-Z0-9]{2,3}"
    tag_pattern = re.compile(rf"^{tag_regex}$")


class X12Format(_SegmentFormat):
    """ANSI ASC X12. The separators come from the ISA header, which has a
    fixed length: the element separator is its 4th character, the component
    separator its 105th, the segment terminator its 106th (and from version
    00402 on, ISA11 is the repetition separator)."""

    name = "X12"
    interchange = X12Interchange

    def read(self, data):
        text = _text(data, "X12")
        start = len(text) - len(text.lstrip())
        isa = text[start : start + ISA_LENGTH]
        if not isa.startswith("ISA"):
            raise ValidationFailed(f"X12: the interchange must start with an ISA segment, not {isa[:3]!r}.")
        if len(isa) < ISA_LENGTH:
            raise ValidationFailed(
                f"X12: the ISA segment is {len(isa)} characters long, {ISA_LENGTH} expected."
            )
        element, component, terminator = isa[3], isa[104], isa[105]
        fields_ = isa[:105].split(element)
        if len(fields_) != 17:
            raise ValidationFailed(
                f"X12: the ISA segment has {len(fields_) - 1} elements separated by {element!r}, 16 expected "
                "(its fixed-width fields may have been trimmed)."
            )
        if element.isalnum() or len({element, component, terminator}) < 3:
            raise ValidationFailed(
                f"X12: the ISA separators {element!r}, {component!r}, {terminator!r} are not usable."
            )
        repetition = fields_[11] if fields_[12] >= "00402" and not fields_[11].isalnum() else None
        separators = Separators(element, component, terminator, repetition=repetition)
        return X12Interchange(text, separators, start)

    envelope = ("ST", "SE")
    unit = "transaction set"
    reference = (2, "control number")  # ST02 / SE02

    def masked_elements(self, segment):
        tag = segment.tag
        if tag == "N1":
            return {2: ""}  # N101 entity code, N103/N104 id qualifier and id stay
        if tag in ("N2", "N3"):
            return dict.fromkeys(range(1, len(segment.raw_elements) + 1), "")
        if tag == "N4":
            return {1: "city", 3: "zip"}  # state (N402) and country (N404) stay
        if tag == "NM1":
            return {3: "", 4: "", 5: "", 6: "", 7: "", 9: ""}
        if tag == "PER":
            rule = {2: ""}
            for qualifier, number in ((3, 4), (5, 6), (7, 8)):
                rule[number] = _x12_number_rule(segment.element(qualifier))
            return rule
        return {}


def _x12_number_rule(qualifier):
    if qualifier in X12_EMAIL_QUALIFIERS:
        return "email"
    if qualifier in X12_PHONE_QUALIFIERS:
        return "phone"
    return ""


# --- EDIFACT -----------------------------------------------------------------------

EDIFACT_DEFAULTS = {"component": ":", "element": "+", "decimal": ".", "release": "?", "segment": "'"}


class EdifactInterchange(_SegmentInterchange):
    format_name = "EDIFACT"
    tag_regex = "[A-Z][A-Z0-9]{2}"
    tag_pattern = re.compile(rf"^{tag_regex}$")


class EdifactFormat(_SegmentFormat):
    """UN/EDIFACT. The separators come from the UNA service string advice
    when there is one (``UNA:+.? '``: component, element, decimal mark,
    release character, reserved, segment terminator), else the defaults."""

    name = "EDIFACT"
    interchange = EdifactInterchange

    def read(self, data):
        text = _text(data, "EDIFACT")
        start = len(text) - len(text.lstrip())
        head = text[start : start + 3]
        if head == "UNA":
            una = text[start : start + 9]
            if len(una) < 9:
                raise ValidationFailed("EDIFACT: the UNA service string advice is cut short (9 characters).")
            component, element, decimal, release, _reserved, terminator = una[3:9]
            release = None if release == " " else release
            separators = Separators(element, component, terminator, release=release, decimal=decimal)
            return EdifactInterchange(text, separators, start + 9)
        if head not in ("UNB", "UNH"):
            raise ValidationFailed(f"EDIFACT: the interchange must start with UNA, UNB or UNH, not {head!r}.")
        d = EDIFACT_DEFAULTS
        separators = Separators(
            d["element"], d["component"], d["segment"], release=d["release"], decimal=d["decimal"]
        )
        return EdifactInterchange(text, separators, start)

    def header(self, interchange):
        return f"# EDIFACT: {interchange.separators.describe()}"

    envelope = ("UNH", "UNT")
    unit = "message"
    reference = (1, "reference")  # UNH01 / UNT02

    def masked_elements(self, segment):
        tag = segment.tag
        if tag == "NAD":
            # NAD+qualifier+party id+name and address+party name+street+city+subdivision+postcode+country
            return {3: "", 4: "", 5: "", 6: "city", 8: "zip"}
        if tag == "CTA":
            return {2: ""}  # CTA+function+contact (id:name)
        if tag == "COM":
            qualifier = (segment.components(1) + ["", ""])[1]
            return {1: {0: _edifact_number_rule(qualifier)}}
        return {}


def _edifact_number_rule(qualifier):
    if qualifier == "EM":
        return "email"
    if qualifier in ("TE", "FX", "AL", "AJ", "AH"):
        return "phone"
    return ""


# --- XML ---------------------------------------------------------------------------


def _xml_parser():
    # no entity expansion, no DTD, no network, no huge trees (lxml's limits)
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=True,
    )


class XmlFormat:
    name = "xml"

    def parse(self, data):
        try:
            root = etree.fromstring(data, _xml_parser())
        except etree.XMLSyntaxError as exc:
            line, column = exc.position if exc.position else (exc.lineno, exc.offset)
            raise ValidationFailed(f"XML: {exc.msg} (line {line}, column {column}).") from exc
        dtd = root.getroottree().docinfo.internalDTD
        if dtd is not None and any(True for _entity in dtd.iterentities()):
            raise ValidationFailed("XML: documents that declare entities are refused.")
        return root

    def pretty(self, data, masked=False, limit=PRETTY_LIMIT):
        root = self.parse(data)
        if masked:
            _mask_xml(root, personal=False)
        return etree.tostring(root, pretty_print=True, encoding="unicode").rstrip("\n")

    def mask(self, data):
        root = self.parse(data)
        _mask_xml(root, personal=False)
        return etree.tostring(root, encoding="unicode")


def _local(name):
    return etree.QName(name).localname if isinstance(name, str) else ""


def _mask_xml(element, personal, rule=None):
    """Mask in place. ``rule``: the name of a sensitive ancestor (everything
    under it is masked by its rule); ``personal``: inside a personal container."""
    if not isinstance(element.tag, str):  # comments, processing instructions
        if isinstance(element, etree._Comment):
            element.text = MASK if (personal or rule is not None) and element.text else element.text
        return
    name = _local(element.tag)
    if rule is None:
        policy = key_policy(name, personal)
        if policy == "mask":
            rule = name
        personal = policy == "personal"
    for attribute, value in list(element.attrib.items()):
        attr_name = _local(attribute)
        attr_policy = key_policy(attr_name, personal)
        if rule is not None:
            element.set(attribute, mask_scalar(rule, value))
        elif attr_policy == "mask":
            element.set(attribute, mask_scalar(attr_name, value))
        elif attr_policy == "personal" and attr_name.lower() not in ("id",):
            element.set(attribute, mask_scalar("", value))
    if element.text and element.text.strip():
        if rule is not None:
            element.text = mask_scalar(rule, element.text)
        elif personal:
            element.text = mask_scalar("", element.text)
    for child in element:
        _mask_xml(child, personal, rule)
        if child.tail and child.tail.strip() and (personal or rule is not None):
            child.tail = MASK


# --- CSV ---------------------------------------------------------------------------


@dataclass
class CsvTable:
    header: list
    rows: list
    delimiter: str = ","

    def records(self):
        """The rows as dicts keyed by the header."""
        return [dict(zip(self.header, row, strict=False)) for row in self.rows]


class CsvFormat:
    name = "csv"

    def parse(self, data):
        text = _text(data, "CSV")
        if not text.strip():
            raise ValidationFailed("CSV: the file is empty.")
        delimiter = _sniff_delimiter(text[:65536])
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
        rows = []
        try:
            header = next(reader)
            for row in reader:
                if not row:
                    continue
                if len(row) > len(header):
                    raise ValidationFailed(
                        f"CSV: line {reader.line_num} has {len(row)} fields, the header has {len(header)}."
                    )
                rows.append(row)
        except csv.Error as exc:
            raise ValidationFailed(f"CSV: {exc} (line {reader.line_num}).") from exc
        return CsvTable(header, rows, delimiter)

    def pretty(self, data, masked=False, limit=PRETTY_LIMIT):
        table = self.parse(data)
        shown = table.rows[: max(limit - 2, 1)] if limit else table.rows
        if masked:
            shown = [self._mask_row(table.header, row) for row in shown]
        columns = len(table.header)
        widths = [len(_cell(h)) for h in table.header]
        for row in shown:
            for i, value in enumerate(row[:columns]):
                widths[i] = max(widths[i], len(_cell(value)))

        def line(row):
            cells = list(row) + [""] * (columns - len(row))
            return " | ".join(_cell(v).ljust(w) for v, w in zip(cells, widths, strict=False)).rstrip()

        lines = [line(table.header), "-+-".join("-" * w for w in widths)]
        lines += [line(row) for row in shown]
        if len(shown) < len(table.rows):
            lines.append(f"… {len(table.rows) - len(shown):,} more rows")
        return "\n".join(lines)

    def mask(self, data):
        table = self.parse(data)
        out = io.StringIO()
        writer = csv.writer(out, delimiter=table.delimiter, lineterminator="\n")
        writer.writerow(table.header)
        for row in table.rows:
            writer.writerow(self._mask_row(table.header, row))
        return out.getvalue()

    def _mask_row(self, header, row):
        masked = []
        for i, value in enumerate(row):
            name = header[i] if i < len(header) else ""
            policy = key_policy(name.strip())
            if policy == "mask":
                masked.append(mask_scalar(name.strip(), value))
            elif policy == "personal":
                masked.append(mask_scalar("", value))
            else:
                masked.append(value)
        return masked


def _sniff_delimiter(sample):
    first = sample.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _cell(value):
    value = str(value).replace("\n", " ").replace("\r", " ")
    return value if len(value) <= CSV_CELL_WIDTH else value[: CSV_CELL_WIDTH - 1] + "…"


# --- opaque bytes ------------------------------------------------------------------


class BytesFormat:
    name = "bytes"

    def parse(self, data):
        return data

    def pretty(self, data, masked=False, limit=PRETTY_LIMIT):
        lines = [f"{len(data):,} bytes, sha256 {hashlib.sha256(data).hexdigest()}"]
        if masked:
            lines.append("(content hidden: opaque payloads are shown to integration managers only)")
            return "\n".join(lines)
        for offset in range(0, min(len(data), HEX_DUMP_BYTES), 16):
            chunk = data[offset : offset + 16]
            hex_part = " ".join(f"{b:02x}" for b in chunk)
            text_part = "".join(chr(b) if 32 <= b < 127 else "." for b in chunk)
            lines.append(f"{offset:08x}  {hex_part:<47}  {text_part}")
        if len(data) > HEX_DUMP_BYTES:
            lines.append(f"… {len(data) - HEX_DUMP_BYTES:,} more bytes")
        return "\n".join(lines)

    def mask(self, data):
        return self.pretty(data, masked=True)


FORMATS = {
    "json": JsonFormat(),
    "x12": X12Format(),
    "edifact": EdifactFormat(),
    "xml": XmlFormat(),
    "csv": CsvFormat(),
    "bytes": BytesFormat(),
}
