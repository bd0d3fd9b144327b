"""Property tests: whatever elements a segment holds, writing then reading
gives them back, and a read segment answers ``get``/``components``/
``repetitions`` as a plain :class:`~tree.Segment` with the same elements."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odoo.addons.channel_edi.lib import edifact, x12
from odoo.addons.channel_edi.lib.readsegment import ReadSegment, split_escaped, unescape
from odoo.addons.channel_edi.lib.tree import Group, Interchange, Party, Segment, Transaction

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def elements_of(alphabet):
    text = st.text(alphabet=alphabet, max_size=6)
    repetition = st.lists(text, min_size=1, max_size=3)
    return st.lists(st.lists(repetition, min_size=1, max_size=3), min_size=1, max_size=5)


def interchange(standard, version, segments, syntax=""):
    transaction = Transaction("ORDERS" if standard == "EDIFACT" else "850", "1", segments, version="D:01B:UN")
    if standard == "X12":
        group = Group("PO", "A", "B", "1", "005010", [transaction], date="20240101", time="1200")
        return Interchange(
            "X12", Party("ZZ", "A"), Party("ZZ", "B"), "1", version, "240101", "1200", groups=[group]
        )
    group = Group("ORDERS", "", "", "", "D:01B:UN", [transaction], implicit=True)
    return Interchange(
        "EDIFACT", Party("", "A"), Party("", "B"), "1", syntax, "240101", "1200", groups=[group]
    )


def same_answers(read, plain):
    assert read.elements == plain.elements
    for number in range(0, len(plain.elements) + 2):
        assert read.repetitions(number) == plain.repetitions(number)
        assert read.components(number) == plain.components(number)
        for component in range(0, 5):
            assert read.get(number, component, default=None) == plain.get(number, component, default=None)


@SETTINGS
@given(elements_of("ab +:'?*\n"))
def test_edifact_round_trip_of_any_elements(elements):
    source = interchange("EDIFACT", "", [Segment("FTX", elements)], syntax="UNOC:4")
    data = edifact.write(source)
    edifile = edifact.read(data)
    assert edifile.errors == []
    body = edifile.interchanges[0].groups[0].transactions[0].body
    (segment,) = body
    assert isinstance(segment, ReadSegment)
    fresh = edifact.read(data).interchanges[0].groups[0].transactions[0].body[0]
    same_answers(fresh, Segment("FTX", elements))  # before and after ``elements`` is made
    same_answers(segment, Segment("FTX", elements))
    assert edifact.write(edifile.interchanges[0]) == data


@SETTINGS
@given(elements_of("ab -\n"))
def test_x12_round_trip_of_any_elements(elements):
    source = interchange("X12", "00501", [Segment("REF", elements)])
    data = x12.write(source)
    edifile = x12.read(data)
    assert edifile.errors == []
    (segment,) = edifile.interchanges[0].groups[0].transactions[0].body
    same_answers(x12.read(data).interchanges[0].groups[0].transactions[0].body[0], Segment("REF", elements))
    same_answers(segment, Segment("REF", elements))
    assert x12.write(edifile.interchanges[0]) == data


@SETTINGS
@given(st.text(alphabet="ab?+:", max_size=12))
def test_split_escaped_and_unescape_invert_escaping(value):
    escaped = value.replace("?", "??").replace("+", "?+").replace(":", "?:")
    assert [unescape(p, "?") for p in split_escaped(escaped + "+" + escaped, "+", "?")] == [value, value]
