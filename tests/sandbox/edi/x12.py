"""The partner's own X12 writer: segments as the standard lays them out.

The sandbox models the trading partner, not our code, so it writes its
files itself instead of going through ``channel_edi``'s codec: a segment is
a list ``[tag, element 1, element 2, ...]`` (a tuple element is a composite),
and :func:`write_interchange` wraps sets in the envelope of X12.5:

- ISA at its fixed widths (ISA01..ISA16: 2, 10, 2, 10, 2, 15, 2, 15, 6, 4,
  1, 5, 9, 1, 1, 1), ISA11 ``U`` before version 00402 and the repetition
  separator from 00402 on, ISA16 the component separator;
- GS with GS08 the group version (``004010``, ``005010``...), GE01 the
  number of sets, GE02 = GS06;
- ST/SE with SE01 the number of segments ST..SE included, SE02 = ST02;
- IEA01 the number of groups, IEA02 = ISA13.

:class:`Mutation` is how the fault plan breaks a file on purpose (a wrong
SE01, an IEA02 that is not the ISA13, an element removed...): the writer
applies it after computing the right values, so the damage is exactly the
one asked for.
"""

from dataclasses import dataclass, field
from datetime import datetime

ISA_WIDTHS = (2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1)
REPETITION_VERSION = "00402"
# dialect -> (ISA12, GS08)
VERSIONS = {
    "004010": ("00401", "004010"),
    "004010VICS": ("00401", "004010VICS"),
    "005010": ("00501", "005010"),
}
# GS01 functional identifier of each set (X12 479)
FUNCTIONAL_IDS = {
    "810": "IN",
    "850": "PO",
    "855": "PR",
    "856": "SH",
    "860": "PC",
    "997": "FA",
    # the warehouse sets (the 3PL peer, sandbox.tpl)
    "846": "IB",
    "940": "OW",
    "943": "AR",
    "944": "RE",
    "945": "SW",
    "947": "AW",
}


class X12WriteError(ValueError):
    """A value the partner cannot write (a separator in data, a too long ISA value)."""


@dataclass
class Syntax:
    """The separators and line break of the partner's files."""

    element: str = "*"
    component: str = ">"
    segment: str = "~"
    repetition: str = "^"  # written in ISA11 from 00402 on
    suffix: str = "\n"  # after each terminator ("" for one long line)

    def check(self):
        chars = [self.element, self.component, self.segment, self.repetition]
        if any(len(c) != 1 or c.isalnum() or c == " " for c in chars) or len(set(chars)) != 4:
            raise X12WriteError(f"separators {chars!r} must be four different non-alphanumeric characters")


@dataclass
class Identity:
    """An ISA/GS identity: ISA05/06 (or 07/08) and GS02/03."""

    qualifier: str
    id: str
    gs_id: str = ""  # GS02/GS03 (default: the ISA id)

    @property
    def application_id(self):
        return self.gs_id or self.id


@dataclass
class Mutation:
    """Damage done to a file on purpose (a fault): ``target`` is ``"SE01"``,
    ``"SE02"``, ``"GE01"``, ``"GE02"``, ``"IEA01"``, ``"IEA02"`` (a wrong
    count or control number) or a body segment element such as ``"BEG03"``
    (``value`` replaces it; ``None`` empties it) or ``"BEG"`` with
    ``drop=True`` (the segment is left out)."""

    target: str
    value: str | None = None
    drop: bool = False


@dataclass
class Envelope:
    """What an interchange needs besides its sets."""

    sender: Identity
    receiver: Identity
    isa13: str  # zero-padded, 9 digits
    gs06: str
    dialect: str = "004010"
    usage: str = "P"  # ISA15: P production, T test
    ack_requested: bool = False  # ISA14 (a TA1)
    when: datetime = None
    mutations: list = field(default_factory=list)


def _text(value):
    return "" if value is None else str(value)


def segment_text(segment, syntax):
    """One segment as written (without its terminator)."""
    out = []
    for value in segment:
        if isinstance(value, tuple | list):
            value = syntax.component.join(_text(v) for v in value)
        else:
            value = _text(value)
            if syntax.component in value:
                raise X12WriteError(f"{segment[0]}: {value!r} holds the component separator")
        for sep in (syntax.element, syntax.segment, syntax.repetition):
            if sep in value:
                raise X12WriteError(f"{segment[0]}: {value!r} holds the separator {sep!r}")
        out.append(value)
    while len(out) > 1 and out[-1] == "":
        out.pop()  # trailing empty elements are not written (X12.6)
    return syntax.element.join(out)


def isa_segment(envelope, syntax):
    isa12, _ = VERSIONS[envelope.dialect]
    when = envelope.when or datetime.now()
    values = [
        "00",
        "",
        "00",
        "",
        envelope.sender.qualifier,
        envelope.sender.id,
        envelope.receiver.qualifier,
        envelope.receiver.id,
        when.strftime("%y%m%d"),
        when.strftime("%H%M"),
        syntax.repetition if isa12 >= REPETITION_VERSION else "U",
        isa12,
        envelope.isa13,
        "1" if envelope.ack_requested else "0",
        envelope.usage,
        syntax.component,
    ]
    fixed = []
    for number, (value, width) in enumerate(zip(values, ISA_WIDTHS, strict=True), 1):
        value = value.zfill(width) if number == 13 else value.ljust(width)
        if len(value) != width:
            raise X12WriteError(f"ISA{number:02d} {value!r} does not fit its width {width}")
        fixed.append(value)
    return ["ISA", *fixed]


def write_interchange(envelope, transactions, syntax=None):
    """Bytes of one interchange holding one functional group of
    ``transactions``: ``[(set id, ST02, [body segments])]``, all of one
    functional group (GS01 from the first set)."""
    syntax = syntax or Syntax()
    syntax.check()
    when = envelope.when or datetime.now()
    _, gs08 = VERSIONS[envelope.dialect]
    mutations = {m.target: m for m in envelope.mutations}
    segments = [isa_segment(envelope, syntax)]
    set_id = transactions[0][0]
    segments.append(
        [
            "GS",
            FUNCTIONAL_IDS[set_id],
            envelope.sender.application_id,
            envelope.receiver.application_id,
            when.strftime("%Y%m%d"),
            when.strftime("%H%M"),
            envelope.gs06,
            "X",
            gs08,
        ]
    )
    for set_id, st02, body in transactions:
        body = _mutate_body(body, mutations)
        st = ["ST", set_id, st02]
        if envelope.dialect == "005010":
            st.append(gs08)  # ST03, the implementation convention reference
        segments.append(st)
        segments.extend(body)
        segments.append(["SE", str(len(body) + 2), st02])
        _mutate_trailer(segments[-1], "SE", mutations)
    segments.append(["GE", str(len(transactions)), envelope.gs06])
    _mutate_trailer(segments[-1], "GE", mutations)
    segments.append(["IEA", "1", envelope.isa13])
    _mutate_trailer(segments[-1], "IEA", mutations)
    end = syntax.segment + syntax.suffix
    isa = syntax.element.join(segments[0]) + end  # ISA16 is the component separator itself
    return (isa + "".join(segment_text(s, syntax) + end for s in segments[1:])).encode("ascii")


def _mutate_trailer(segment, tag, mutations):
    for number in (1, 2):
        mutation = mutations.get(f"{tag}{number:02d}")
        if mutation is not None:
            segment[number] = mutation.value if mutation.value is not None else _wrong(segment[number])


def _wrong(value):
    """A different number of the same width (a count or control number off by one)."""
    digits = str(int(value) + 1) if value.isdigit() else "1"
    return digits.zfill(len(value))


def _mutate_body(body, mutations):
    """The body with the element mutations applied to the first segment of
    their tag, and the first segment of a dropped tag left out."""
    out = []
    done = set()
    for segment in body:
        tag = segment[0]
        if tag in mutations and mutations[tag].drop and tag not in done:
            done.add(tag)
            continue
        segment = list(segment)
        for target, mutation in mutations.items():
            rest = target[len(tag) :]
            if target.startswith(tag) and len(rest) == 2 and rest.isdigit() and target not in done:
                done.add(target)
                number = int(rest)
                segment.extend([""] * (number + 1 - len(segment)))
                segment[number] = mutation.value or ""
        out.append(segment)
    return out


class ControlNumbers:
    """The partner's own ISA13 / GS06 / ST02 sequences (thread-safe callers
    hold the partner's lock). ISA13 is 9 digits, ST02 at least 4, zero-padded."""

    def __init__(self, isa=0, gs=0, st=0):
        self.isa, self.gs, self.st = isa, gs, st

    def next_isa(self):
        self.isa = self.isa % 999999999 + 1
        return f"{self.isa:09d}"

    def next_gs(self):
        self.gs = self.gs % 999999999 + 1
        return str(self.gs)

    def next_st(self):
        self.st = self.st % 999999999 + 1
        return f"{self.st:04d}"
