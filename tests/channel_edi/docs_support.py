"""Shared helpers of the typed-document tests: public samples and trees."""

from pathlib import Path

import pytest

from odoo.addons.channel_edi.lib import tree, x12

EDI_FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "edi"


def sample(relative):
    path = EDI_FIXTURES / relative
    if not path.is_file():
        pytest.skip(f"public EDI sample {relative} not found (they live outside the repo)")
    return path.read_bytes()


def x12_sets(relative):
    """Every transaction set of an X12 sample, read by the codec."""
    edifile = x12.read(sample(relative))
    return [t for interchange in edifile.interchanges for t in interchange.transactions()]


LOCAL_FIXTURES = Path(__file__).resolve().parent / "fixtures"


def local_x12_sets(relative):
    """Every transaction set of a sample kept in tests/channel_edi/fixtures."""
    edifile = x12.read((LOCAL_FIXTURES / relative).read_bytes())
    return [t for interchange in edifile.interchanges for t in interchange.transactions()]


def edifact_messages(relative):
    """Every message of an EDIFACT sample, read by the codec (skipped until
    the EDIFACT codec is merged)."""
    try:
        from odoo.addons.channel_edi.lib import edifact
    except ImportError:
        pytest.skip("the EDIFACT codec (lib/edifact.py) is not merged yet")
    edifile = edifact.read(sample(relative))
    return [t for interchange in edifile.interchanges for t in interchange.transactions()]


def transaction(set_type, *segments, control_number="0001", version=None):
    """A transaction from (tag, values...) tuples, ST/SE or UNH/UNT added."""
    edifact = not set_type.isdigit()
    version = version or ("D:96A:UN" if edifact else "004010")
    body = [tree.Segment.of(tag, *values) for tag, *values in segments]
    if edifact:
        header = tree.Segment.of("UNH", control_number, (set_type, "D", "96A", "UN"))
        trailer = tree.Segment.of("UNT", len(body) + 2, control_number)
    else:
        header = tree.Segment.of("ST", set_type, control_number)
        trailer = tree.Segment.of("SE", len(body) + 2, control_number)
    all_segments = [header, *body, trailer]
    for index, segment in enumerate(all_segments, start=1):
        segment.set_position = index
        segment.position = index + 2
    return tree.Transaction(set_type, control_number, all_segments, version)


def values(transaction):
    """[(tag, elements)] of a transaction, to compare trees."""
    return [(s.tag, s.elements) for s in transaction.segments]
