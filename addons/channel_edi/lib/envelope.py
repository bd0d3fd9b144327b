"""Envelopes of outbound files: a partner profile and control numbers in,
a :class:`~.tree.Interchange` out (the codec's writer computes the counts).

Inbound, the envelope identifies a file: :func:`identity_keys` gives the keys
duplicate detection uses (partner, ISA13/UNB ref, ST02/UNH ref).

No ORM here: the Odoo layer turns a backend into a :class:`Profile` and
draws the control numbers from its counters.
"""

from dataclasses import dataclass, field

from .tree import Delimiters, Group, Interchange, Party, Segment
from .x12 import ISA_WIDTHS

# X12 functional identifier code (GS01) of each transaction set we exchange.
FUNCTIONAL_IDS = {
    "810": "IN",
    "850": "PO",
    "855": "PR",
    "856": "SH",
    "860": "PC",
    "865": "CA",
    "940": "OW",
    "943": "AR",
    "944": "RE",
    "945": "SW",
    "846": "IB",
    "947": "AW",
    "997": "FA",
    "999": "FA",
}
# Transaction sets that acknowledge others: they never get an acknowledgement.
ACKNOWLEDGEMENTS = frozenset({"997", "999", "TA1", "CONTRL", "APERAK"})

X12_VERSIONS = {
    # dialect -> (ISA12 interchange version, GS08 group version)
    "004010": ("00401", "004010"),
    "004010VICS": ("00401", "004010VICS"),
    "005010": ("00501", "005010"),
}
EDIFACT_VERSIONS = {
    # dialect -> (UNB syntax, UNH02 message version: version, release, agency, association)
    "D96A_EAN008": ("UNOC:3", ("D", "96A", "UN", "EAN008")),
    "D96A": ("UNOC:3", ("D", "96A", "UN", "")),
}


class EnvelopeError(ValueError):
    """An envelope that cannot be written (a missing identity, a control
    number out of range): a configuration problem of the partner."""


@dataclass
class Profile:
    """What an outbound envelope needs to know of a trading partner."""

    standard: str  # "X12" | "EDIFACT"
    dialect: str  # "004010", "004010VICS", "005010", "D96A_EAN008"
    sender: Party  # our interchange identity
    receiver: Party  # theirs
    group_sender: str = ""  # GS02 (defaults to the interchange id)
    group_receiver: str = ""  # GS03
    usage: str = "P"  # "P" production, "T" test
    ack_requested: bool = False  # ISA14 / UNB09
    delimiters: Delimiters = field(default=None)

    def __post_init__(self):
        if self.delimiters is None:
            self.delimiters = default_delimiters(self.standard, self.dialect)

    @property
    def x12_versions(self):
        try:
            return X12_VERSIONS[self.dialect]
        except KeyError as exc:
            raise EnvelopeError(f"{self.dialect!r} is not an X12 version we write") from exc


def default_delimiters(standard, dialect=""):
    if standard == "X12":
        repetition = "^" if dialect.startswith("005") else ""
        return Delimiters(element="*", component=">", segment="~", repetition=repetition, suffix="\n")
    return Delimiters(element="+", component=":", segment="'", repetition="", release="?", suffix="\n")


def control_number(value, width=9):
    """A control number as written: zero-padded to ``width`` digits."""
    number = int(value)
    if number < 1 or len(str(number)) > width:
        raise EnvelopeError(f"control number {value} does not fit {width} digits")
    return str(number).zfill(width)


def x12_interchange(profile, groups, interchange_control, when):
    """An X12 interchange of ``groups``: a list of (group control number,
    functional id, [Transaction]); ``when`` a datetime (ISA09/10, GS04/05)."""
    isa_version, gs_version = profile.x12_versions
    d = profile.delimiters
    repetition = d.repetition if isa_version >= "00402" else "U"
    if isa_version >= "00402" and not d.repetition:
        raise EnvelopeError(f"version {isa_version} needs a repetition separator (ISA11)")
    for party, name in ((profile.sender, "our"), (profile.receiver, "the partner's")):
        if not party.id or not party.qualifier:
            raise EnvelopeError(f"{name} interchange identity (ISA qualifier and id) is missing")
        if len(party.id) > 15:
            raise EnvelopeError(f"{name} interchange id {party.id!r} is longer than 15 characters")
    isa_values = [
        "00",
        "",
        "00",
        "",
        profile.sender.qualifier,
        profile.sender.id,
        profile.receiver.qualifier,
        profile.receiver.id,
        when.strftime("%y%m%d"),
        when.strftime("%H%M"),
        repetition,
        isa_version,
        control_number(interchange_control),
        "1" if profile.ack_requested else "0",
        profile.usage,
        d.component,
    ]
    isa = Segment.of("ISA", *[v.ljust(w) for v, w in zip(isa_values, ISA_WIDTHS, strict=True)])
    interchange = Interchange(
        standard="X12",
        sender=profile.sender,
        receiver=profile.receiver,
        control_number=isa_values[12],
        version=isa_version,
        date=isa_values[8],
        time=isa_values[9],
        usage=profile.usage,
        delimiters=d,
        header=isa,
        trailer=Segment.of("IEA", "", isa_values[12]),
        ack_requested=profile.ack_requested,
    )
    for group_control, functional_id, transactions in groups:
        gs_control = str(int(group_control))
        gs = Segment.of(
            "GS",
            functional_id,
            profile.group_sender or profile.sender.id,
            profile.group_receiver or profile.receiver.id,
            when.strftime("%Y%m%d"),
            when.strftime("%H%M"),
            gs_control,
            "X",
            gs_version,
        )
        interchange.groups.append(
            Group(
                functional_id=functional_id,
                sender=gs.get(2),
                receiver=gs.get(3),
                control_number=gs_control,
                version=gs_version,
                transactions=list(transactions),
                date=gs.get(4),
                time=gs.get(5),
                header=gs,
                trailer=Segment.of("GE", "", gs_control),
            )
        )
    return interchange


def edifact_interchange(profile, transactions, interchange_control, when):
    """An EDIFACT interchange of ``transactions`` (messages, no UNG group)."""
    syntax, _message_version = EDIFACT_VERSIONS.get(profile.dialect, EDIFACT_VERSIONS["D96A"])
    for party, name in ((profile.sender, "our"), (profile.receiver, "the partner's")):
        if not party.id:
            raise EnvelopeError(f"{name} interchange identity (UNB id) is missing")
    reference = str(int(interchange_control))
    unb_values = [
        syntax.split(":"),
        [profile.sender.id, profile.sender.qualifier] if profile.sender.qualifier else [profile.sender.id],
        [profile.receiver.id, profile.receiver.qualifier]
        if profile.receiver.qualifier
        else [profile.receiver.id],
        [when.strftime("%y%m%d"), when.strftime("%H%M")],
        reference,
    ]
    if profile.ack_requested or profile.usage == "T":
        unb_values += [
            "",
            "",
            "",
            "1" if profile.ack_requested else "",
            "",
            "1" if profile.usage == "T" else "",
        ]
    unb = Segment.of("UNB", *unb_values)
    messages = list(transactions)
    group = Group(
        functional_id=messages[0].type if messages else "",
        sender=profile.sender.id,
        receiver=profile.receiver.id,
        control_number="",
        version=":".join(EDIFACT_VERSIONS.get(profile.dialect, EDIFACT_VERSIONS["D96A"])[1][:3]),
        transactions=messages,
        implicit=True,
    )
    return Interchange(
        standard="EDIFACT",
        sender=profile.sender,
        receiver=profile.receiver,
        control_number=reference,
        version=syntax,
        date=when.strftime("%y%m%d"),
        time=when.strftime("%H%M"),
        usage=profile.usage,
        delimiters=profile.delimiters,
        groups=[group],
        header=unb,
        trailer=Segment.of("UNZ", "", reference),
        ack_requested=profile.ack_requested,
    )


def identity_keys(interchange, transaction=None):
    """The keys a file is recognised by when it comes again: the interchange
    (sender, receiver, ISA13/UNB05) and, for one set, its ST02/UNH01 within
    its group (GS06)."""
    base = f"{interchange.standard}:{interchange.sender}:{interchange.receiver}:{interchange.control_number}"
    if transaction is None:
        return base
    group = next((g for g in interchange.groups if transaction in g.transactions), None)
    return f"{base}:{group.control_number if group else ''}:{transaction.control_number}"
