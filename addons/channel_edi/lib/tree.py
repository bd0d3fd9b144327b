"""The lossless segment tree of an EDI file, X12 or EDIFACT.

Every reader (:mod:`.x12`, :mod:`.edifact`) produces it and every writer
consumes it; validation and the typed documents read it. Nothing here knows a
transaction set: that is data (:mod:`.validation`) and mappers
(:mod:`.documents`).

A segment keeps its elements as they were written, so that writing a parsed
canonical file gives back the same bytes:

- ``Segment.elements[i]`` is element ``i + 1`` (``BEG03`` is
  ``seg.elements[2]``; use ``seg[3]`` / ``seg.get(3)`` for the standard's
  one-based numbering);
- an element is a list of repetitions, a repetition a list of components
  (strings, unescaped). A simple element is ``[["value"]]``; an empty one
  ``[[""]]``.

Positions are one-based segment numbers within the file (``position``) and
within the transaction set, counting ST/UNH as 1 (``set_position``), which is
what 997 AK3 and CONTRL UCS report.
"""

from dataclasses import dataclass, field


@dataclass
class Segment:
    tag: str
    elements: list = field(default_factory=list)  # [[component, ...], ...] per element
    position: int = 0  # one-based position in the file
    set_position: int = 0  # one-based position in its transaction set (ST/UNH = 1)

    @classmethod
    def of(cls, tag, *values):
        """A segment from simple values; a tuple/list value is a composite."""
        elements = []
        for value in values:
            if isinstance(value, list | tuple):
                elements.append([[("" if c is None else str(c)) for c in value]])
            else:
                elements.append([["" if value is None else str(value)]])
        return cls(tag, elements)

    def __getitem__(self, number):
        return self.get(number)

    def get(self, number, component=1, default=""):
        """Element ``number`` (one-based), its ``component`` (one-based), of the
        first repetition; ``default`` when absent or empty."""
        if number < 1 or number > len(self.elements):
            return default
        repetitions = self.elements[number - 1]
        if not repetitions:
            return default
        components = repetitions[0]
        if component < 1 or component > len(components):
            return default
        return components[component - 1] or default

    def components(self, number):
        """All components of element ``number``'s first repetition."""
        if number < 1 or number > len(self.elements) or not self.elements[number - 1]:
            return []
        return list(self.elements[number - 1][0])

    def repetitions(self, number):
        """Every repetition of element ``number``, each a list of components."""
        if number < 1 or number > len(self.elements):
            return []
        return [list(r) for r in self.elements[number - 1]]

    def __len__(self):
        return len(self.elements)

    def ref(self, number):
        """The standard's name of element ``number``: ``BEG03``."""
        return f"{self.tag}{number:02d}"


@dataclass
class Transaction:
    """One transaction set (X12 ST..SE) or message (EDIFACT UNH..UNT)."""

    type: str  # "850", "ORDERS"
    control_number: str  # ST02 / UNH01, as written (zero-padded)
    segments: list  # every segment, ST/UNH and SE/UNT included
    version: str = ""  # X12: ST03 or the group's GS08; EDIFACT: "D:96A:UN:EAN008"

    @property
    def body(self):
        """The segments between the header and the trailer."""
        return self.segments[1:-1]


@dataclass
class Group:
    """One functional group (X12 GS..GE; EDIFACT UNG..UNE, or the implicit
    group of an interchange without UNG, ``implicit=True``)."""

    functional_id: str  # GS01 "PO", "IN", "FA"; EDIFACT UNG01 or the message type
    sender: str
    receiver: str
    control_number: str  # GS06 / UNG05, as written
    version: str  # GS08 "004010VICS"; EDIFACT "D:96A:UN"
    transactions: list = field(default_factory=list)
    date: str = ""
    time: str = ""
    header: Segment = None
    trailer: Segment = None
    implicit: bool = False


@dataclass
class Party:
    qualifier: str  # ISA05/07, UNB02.2/03.2 ("" when absent)
    id: str  # stripped of ISA padding

    def __str__(self):
        return f"{self.qualifier}:{self.id}" if self.qualifier else self.id


@dataclass
class Delimiters:
    """The service characters of an interchange."""

    element: str  # X12 ISA position 3; EDIFACT '+' (UNA2)
    component: str  # X12 ISA16; EDIFACT ':' (UNA1)
    segment: str  # X12 after ISA16; EDIFACT "'" (UNA6)
    repetition: str = ""  # X12 ISA11 from 00402 on; EDIFACT '*' (UNA5, syntax 4)
    release: str = ""  # EDIFACT '?' (UNA4); X12 has none
    decimal: str = "."  # EDIFACT UNA3 ('.' or ',')
    suffix: str = ""  # what follows each segment terminator as written ("\r\n")
    # what follows the interchange's last terminator (IEA/UNZ) when it is not
    # ``suffix`` (a file ending without its line break); None: the suffix
    trailing: str | None = None
    una: bool = False  # EDIFACT: the interchange had (or is to be written with) a UNA


@dataclass
class Interchange:
    standard: str  # "X12" | "EDIFACT"
    sender: Party
    receiver: Party
    control_number: str  # ISA13 / UNB05, as written
    version: str  # ISA12 "00401"; EDIFACT syntax "UNOC:3"
    date: str = ""
    time: str = ""
    usage: str = "P"  # ISA15 "P"/"T"; EDIFACT UNB11 "1" = test -> "T"
    delimiters: Delimiters = None
    groups: list = field(default_factory=list)
    header: Segment = None  # ISA / UNB (and the UNA is in delimiters)
    trailer: Segment = None  # IEA / UNZ (None when missing: a warning)
    ack_requested: bool = False  # ISA14 "1" / UNB09 "1"

    def transactions(self):
        for group in self.groups:
            yield from group.transactions


@dataclass
class Issue:
    """A problem found in a file: a syntax warning the reader tolerated (BOM,
    CR/LF, indentation, non-fixed-width ISA) or an error."""

    code: str  # "bom", "indentation", "segment_count", "control_number_mismatch", ...
    message: str
    position: int = 0  # segment position in the file (0: the file itself)
    segment: str = ""  # segment id
    element: str = ""  # "BEG03", "UNB05"; "" for a segment-level problem
    set_position: int = 0  # position in its transaction set (AK3/UCS)
    severity: str = "error"  # "error" | "warning"

    def as_dict(self):
        out = {
            "position": self.position,
            "segment": self.segment,
            "element": self.element,
            "message": self.message,
        }
        out["code"] = self.code
        if self.set_position:
            out["set_position"] = self.set_position
        return out


@dataclass
class EdiFile:
    """What a reader returns for one file."""

    standard: str
    interchanges: list = field(default_factory=list)
    warnings: list = field(default_factory=list)  # Issue(severity="warning")
    errors: list = field(default_factory=list)  # envelope errors (not of one set)
