"""The EDIFACT codec: UNA and the release character, comma decimals,
syntax version 4 repetitions, the envelopes mapped to the tree, their
checks, and the writer's escaping."""

import pytest
from pydifact.parser import Parser

from odoo.addons.channel_edi.lib import edifact
from odoo.addons.channel_edi.lib.tree import Delimiters, Group, Interchange, Party, Segment, Transaction


def edi(*segments, una="", suffix="\n", terminator="'"):
    text = una + (suffix if una else "") + "".join(s + terminator + suffix for s in segments)
    return text.encode("latin-1")


ORDERS = [
    "UNB+UNOC:3+5412345000013:14+8712345000016:14+240102:1230+00042++ORDERS++++1",
    "UNH+1+ORDERS:D:96A:UN:EAN008",
    "BGM+220+PO-1+9",
    "DTM+137:20240102:102",
    "LIN+1++5412345000020:EN",
    "QTY+21:12",
    "UNS+S",
    "UNT+7+1",
    "UNZ+1+00042",
]


def codes(issues):
    return [issue.code for issue in issues]


def test_reads_the_interchange_into_the_tree():
    edifile = edifact.read(edi(*ORDERS))
    assert edifile.standard == "EDIFACT"
    assert edifile.errors == []
    (interchange,) = edifile.interchanges
    assert interchange.sender == Party("14", "5412345000013")
    assert interchange.receiver == Party("14", "8712345000016")
    assert (interchange.control_number, interchange.version) == ("00042", "UNOC:3")
    assert (interchange.date, interchange.time) == ("240102", "1230")
    assert interchange.usage == "T"  # UNB11 = 1
    assert interchange.ack_requested is False
    (group,) = interchange.groups
    assert group.implicit is True
    assert (group.functional_id, group.version) == ("ORDERS", "D:96A:UN")
    (message,) = group.transactions
    assert (message.type, message.control_number, message.version) == ("ORDERS", "1", "D:96A:UN:EAN008")
    assert [s.tag for s in message.segments] == ["UNH", "BGM", "DTM", "LIN", "QTY", "UNS", "UNT"]
    assert [s.set_position for s in message.segments] == [1, 2, 3, 4, 5, 6, 7]
    assert [s.position for s in message.segments] == [2, 3, 4, 5, 6, 7, 8]
    dtm = message.segments[2]
    assert dtm.components(1) == ["137", "20240102", "102"] and dtm.get(1, 2) == "20240102"


def test_canonical_round_trip_without_una():
    data = edi(*ORDERS)
    edifile = edifact.read(data)
    assert edifact.write(edifile.interchanges[0]) == data
    assert codes(edifile.warnings) == ["line_breaks"]


def test_ack_requested_and_production():
    segments = list(ORDERS)
    segments[0] = "UNB+UNOC:3+SENDER+RECEIVER+240102:1230+00042++++1"
    interchange = edifact.read(edi(*segments)).interchanges[0]
    assert interchange.ack_requested is True and interchange.usage == "P"
    assert interchange.sender == Party("", "SENDER")


def test_una_release_character_and_comma_decimal():
    segments = [
        "UNB*UNOC=3*SENDER*RECEIVER*240102=1230*7",
        "UNH*1*ORDERS=D=96A=UN",
        "FTX*AAI***PRICE 3?*4 ?= 12,5 ??OK?~",
        "PRI*AAA=12,80",
        "UNT*4*1",
        "UNZ*1*7",
    ]
    data = edi(*segments, una="UNA=*,? ~", terminator="~")
    edifile = edifact.read(data)
    assert edifile.errors == []
    interchange = edifile.interchanges[0]
    d = interchange.delimiters
    assert (d.component, d.element, d.decimal, d.release, d.segment, d.repetition) == (
        "=",
        "*",
        ",",
        "?",
        "~",
        "",
    )
    assert d.una is True
    ftx, pri = interchange.groups[0].transactions[0].body
    assert ftx[4] == "PRICE 3*4 = 12,5 ?OK~"
    assert pri.components(1) == ["AAA", "12,80"]  # decimals stay as written
    assert edifact.write(interchange) == data


def test_escaped_values_are_escaped_again_when_changed():
    data = edi(*ORDERS)
    interchange = edifact.read(data).interchanges[0]
    bgm = interchange.groups[0].transactions[0].body[0]
    bgm.elements[1] = [["PO+1:A'B?C"]]
    assert b"BGM+220+PO?+1?:A?'B??C+9'" in edifact.write(interchange)


def test_syntax_4_without_una_repeats_with_asterisk():
    segments = [
        "UNB+UNOC:4+SENDER+RECEIVER+20240102:1230+7",
        "UNH+1+ORDERS:D:01B:UN",
        "FTX+AAI+++A*B:C",
        "UNT+3+1",
        "UNZ+1+7",
    ]
    edifile = edifact.read(edi(*segments))
    interchange = edifile.interchanges[0]
    assert interchange.delimiters.repetition == "*"
    ftx = interchange.groups[0].transactions[0].body[0]
    assert ftx.repetitions(4) == [["A"], ["B", "C"]]
    assert edifact.write(interchange) == edi(*segments)


def test_syntax_4_una_with_a_space_has_no_repetition_separator():
    segments = [
        "UNB+UNOA:4+S+R+240102:1230+7",
        "UNH+1+APERAK:D:96A:UN",
        "FTX+AAI+++A*B",
        "UNT+3+1",
        "UNZ+1+7",
    ]
    interchange = edifact.read(edi(*segments, una="UNA:+.? '")).interchanges[0]
    assert interchange.delimiters.repetition == ""
    assert interchange.groups[0].transactions[0].body[0][4] == "A*B"


def test_syntax_3_ignores_the_reserved_una_character():
    segments = [
        "UNB+UNOA:3+S+R+240102:1230+7",
        "UNH+1+INVOIC:D:96A:UN",
        "FTX+AAI+++A*B",
        "UNT+3+1",
        "UNZ+1+7",
    ]
    interchange = edifact.read(edi(*segments, una="UNA:+.?*'")).interchanges[0]
    assert interchange.delimiters.repetition == ""


def test_explicit_groups():
    segments = [
        "UNB+UNOA:3+S:14+R:14+240102:1230+7",
        "UNG+INVOIC+GS:14+GR:14+240102:1230+55+UN+D:96A:EAN008",
        "UNH+1+INVOIC:D:96A:UN:EAN008",
        "BGM+380+INV-1+9",
        "UNT+3+1",
        "UNH+2+INVOIC:D:96A:UN:EAN008",
        "BGM+380+INV-2+9",
        "UNT+3+2",
        "UNE+2+55",
        "UNZ+1+7",
    ]
    edifile = edifact.read(edi(*segments))
    assert edifile.errors == []
    (group,) = edifile.interchanges[0].groups
    assert group.implicit is False
    assert (group.functional_id, group.sender, group.receiver, group.control_number) == (
        "INVOIC",
        "GS",
        "GR",
        "55",
    )
    assert group.version == "D:96A:UN:EAN008"
    assert [t.control_number for t in group.transactions] == ["1", "2"]
    assert edifact.write(edifile.interchanges[0]) == edi(*segments)


def test_implicit_groups_follow_the_message_type():
    segments = [
        "UNB+UNOA:3+S+R+240102:1230+7",
        "UNH+1+ORDERS:D:96A:UN",
        "UNT+2+1",
        "UNH+2+ORDERS:D:96A:UN",
        "UNT+2+2",
        "UNH+3+INVOIC:D:96A:UN",
        "UNT+2+3",
        "UNZ+3+7",
    ]
    edifile = edifact.read(edi(*segments))
    assert edifile.errors == []
    groups = edifile.interchanges[0].groups
    assert [(g.functional_id, len(g.transactions), g.implicit) for g in groups] == [
        ("ORDERS", 2, True),
        ("INVOIC", 1, True),
    ]
    assert edifact.write(edifile.interchanges[0]) == edi(*segments)


# --- envelope errors ---------------------------------------------------------------


def error(edifile, code):
    found = [e for e in edifile.errors if e.code == code]
    assert found, f"no {code} in {[(e.code, e.message) for e in edifile.errors]}"
    return found[0]


def replaced(old, new):
    return edi(*[new if s == old else s for s in ORDERS])


def test_unt01_count_wrong():
    issue = error(edifact.read(replaced("UNT+7+1", "UNT+8+1")), "segment_count")
    assert (issue.position, issue.segment, issue.element, issue.set_position) == (8, "UNT", "UNT01", 7)


def test_unt02_not_unh01():
    issue = error(edifact.read(replaced("UNT+7+1", "UNT+7+2")), "control_number_mismatch")
    assert (issue.segment, issue.element) == ("UNT", "UNT02")


def test_unz01_and_unz02():
    edifile = edifact.read(replaced("UNZ+1+00042", "UNZ+2+00043"))
    assert error(edifile, "group_count").element == "UNZ01"
    assert error(edifile, "control_number_mismatch").element == "UNZ02"


def test_une01_and_une02():
    segments = [
        "UNB+UNOA:3+S+R+240102:1230+7",
        "UNG+INVOIC+GS+GR+240102:1230+55+UN+D:96A",
        "UNH+1+INVOIC:D:96A:UN",
        "UNT+2+1",
        "UNE+2+56",
        "UNZ+1+7",
    ]
    edifile = edifact.read(edi(*segments))
    assert error(edifile, "transaction_count").element == "UNE01"
    assert error(edifile, "control_number_mismatch").element == "UNE02"


def test_missing_unz_is_an_error_and_the_messages_are_kept():
    edifile = edifact.read(edi(*ORDERS[:-1]))
    issue = error(edifile, "missing_trailer")
    assert issue.severity == "error" and issue.segment == "UNB" and "UNZ" in issue.message
    assert len(edifile.interchanges[0].groups[0].transactions) == 1
    assert edifile.interchanges[0].trailer is None


def test_missing_unt():
    edifile = edifact.read(edi(*[s for s in ORDERS if not s.startswith("UNT")]))
    issue = error(edifile, "missing_trailer")
    assert issue.segment == "UNH"
    assert [s.tag for s in edifile.interchanges[0].groups[0].transactions[0].segments][-1] == "UNS"


def test_segment_outside_a_message():
    edifile = edifact.read(edi(*ORDERS[:-1], "FTX+AAI", ORDERS[-1]))
    issue = error(edifile, "outside_envelope")
    assert issue.segment == "FTX" and issue.position == 9


def test_garbled_tag():
    edifile = edifact.read(replaced("BGM+220+PO-1+9", "bgm+220+PO-1+9"))
    assert error(edifile, "bad_tag").position == 3


def test_message_without_unb():
    edifile = edifact.read(edi(*ORDERS[1:-1]))
    assert error(edifile, "missing_header").segment == "UNH"
    assert edifile.interchanges[0].groups[0].transactions[0].type == "ORDERS"


# --- tolerated and reported ----------------------------------------------------------


def test_bom_crlf_and_indentation():
    text = edi(*ORDERS, suffix="\r\n").decode("latin-1").replace("\r\nBGM", "\r\n  BGM")
    edifile = edifact.read(b"\xef\xbb\xbf" + text.encode())
    assert codes(edifile.warnings) == ["bom", "line_breaks", "indentation"]
    assert edifile.errors == []
    assert edifact.write(edifile.interchanges[0]) == edi(*ORDERS, suffix="\r\n")


def test_character_set_from_unb01():
    segments = list(ORDERS)
    segments[2] = "BGM+220+CAFÉ+9"
    data = edi(*segments)  # latin-1 bytes, as UNOC says
    edifile = edifact.read(data)
    assert edifile.warnings[0].code == "line_breaks"
    assert edifile.interchanges[0].groups[0].transactions[0].body[0][2] == "CAFÉ"
    assert edifact.write(edifile.interchanges[0]) == data


def test_unoa_with_other_characters_is_reported():
    segments = [s.replace("UNOC", "UNOA") for s in ORDERS]
    segments[2] = "BGM+220+CAFÉ+9"
    edifile = edifact.read("".join(s + "'" for s in segments).encode("utf-8"))
    assert codes(edifile.warnings) == ["charset"]
    assert edifile.interchanges[0].groups[0].transactions[0].body[0][2] == "CAFÉ"


@pytest.mark.parametrize(
    "data, words",
    [(b"", "empty"), (b"ISA*00*", "must start with UNA, UNB or UNH"), (b"UNA:+", "cut short")],
)
def test_unreadable_files_raise(data, words):
    with pytest.raises(edifact.EdifactError, match=words):
        edifact.read(data)


# --- writing ---------------------------------------------------------------------------


def outbound(delimiters=None, version="UNOC:3"):
    message = Transaction(
        "ORDERS",
        "1",
        [Segment.of("BGM", "220", "PO+1", "9"), Segment.of("QTY", ("21", "12"))],
        version="D:96A:UN:EAN008",
    )
    group = Group("ORDERS", "", "", "", "D:96A:UN", [message], implicit=True)
    return Interchange(
        "EDIFACT",
        Party("14", "5412345000013"),
        Party("14", "8712345000016"),
        "00042",
        version,
        date="240102",
        time="1230",
        delimiters=delimiters,
        groups=[group],
    )


def test_writer_builds_envelopes_counts_and_escapes():
    text = edifact.write(outbound(), suffix="\n").decode()
    assert text.splitlines() == [
        "UNB+UNOC:3+5412345000013:14+8712345000016:14+240102:1230+00042'",
        "UNH+1+ORDERS:D:96A:UN:EAN008'",
        "BGM+220+PO?+1+9'",
        "QTY+21:12'",
        "UNT+4+1'",
        "UNZ+1+00042'",
    ]
    edifile = edifact.read(text.encode())
    assert edifile.errors == []
    assert edifile.interchanges[0].groups[0].transactions[0].body[0][2] == "PO+1"


def test_writer_writes_una_when_asked_or_not_default():
    assert edifact.write(outbound(), una=True).startswith(b"UNA:+.? 'UNB+")
    d = Delimiters(element="+", component=":", segment="'", release="?", decimal=",")
    assert edifact.write(outbound(delimiters=d)).startswith(b"UNA:+,? 'UNB+")


def test_writer_counts_groups_for_unz_when_there_are_ung():
    interchange = outbound()
    group = interchange.groups[0]
    group.implicit, group.control_number, group.sender, group.receiver = False, "9", "GS", "GR"
    group.date, group.time = "240102", "1230"
    interchange.groups.append(
        Group("ORDERS", "GS", "GR", "10", "D:96A:UN", list(group.transactions), date="240102", time="1230")
    )
    text = edifact.write(interchange, suffix="\n").decode()
    assert "UNG+ORDERS+GS+GR+240102:1230+9+UN+D:96A'" in text
    assert "UNE+1+9'" in text and "UNE+1+10'" in text
    assert text.endswith("UNZ+2+00042'\n")
    assert edifact.read(text.encode()).errors == []


def test_no_release_character_refuses_delimiters_in_data():
    d = Delimiters(element="+", component=":", segment="'", release="")
    with pytest.raises(edifact.DelimiterInData) as raised:
        edifact.write(outbound(delimiters=d))
    assert (raised.value.segment, raised.value.element) == ("BGM", "BGM02")
    assert isinstance(raised.value, ValueError)


def test_repetitions_need_syntax_4():
    interchange = outbound()
    interchange.groups[0].transactions[0].segments.append(Segment("FTX", [[["A"], ["B"]]]))
    with pytest.raises(edifact.EdifactError, match="FTX01"):
        edifact.write(interchange)
    interchange.version = "UNOC:4"
    assert b"FTX+A*B'" in edifact.write(interchange)


def test_characters_outside_the_syntax_identifier_are_refused():
    interchange = outbound()
    interchange.groups[0].transactions[0].segments[0] = Segment.of("BGM", "220", "PO €")
    with pytest.raises(edifact.EdifactError, match="latin-1"):
        edifact.write(interchange)


# --- agreement with pydifact's own parser ----------------------------------------------


def pydifact_view(segment):
    """Our segment as pydifact 0.2.3 shows one: an element is a string, or a
    list when it has several components (trailing empty ones dropped)."""
    out = []
    for components in segment.elements:
        values = list(components[0])
        while len(values) > 1 and not values[-1]:
            values.pop()
        out.append(values[0] if len(values) == 1 else values)
    return segment.tag, out


def test_escapes_agree_with_pydifact():
    data = edi(*ORDERS[:2], "FTX+AAI+++A?+B?:C??D?'E", *ORDERS[2:])
    ours = [pydifact_view(s) for s in edifact.read(data).interchanges[0].groups[0].transactions[0].segments]
    theirs = [
        (s.tag, s.elements) for s in Parser().parse(data.decode("latin-1")) if s.tag not in ("UNB", "UNZ")
    ]
    assert ours == theirs


def test_trailing_empty_components_and_empty_composites_survive():
    """pydifact 0.2.3's tokenizer gives "A:B:" back as "A:B" and "::" as "":
    the reader here keeps them, so the file is written back byte for byte."""
    segments = list(ORDERS)
    segments[2] = "BGM+220:::+PO-1:+::"
    data = edi(*segments)
    interchange = edifact.read(data).interchanges[0]
    bgm = interchange.groups[0].transactions[0].body[0]
    assert bgm.elements == [[["220", "", "", ""]], [["PO-1", ""]], [["", "", ""]]]
    assert edifact.write(interchange) == data
    bgm.elements = bgm.elements + [[["9"]]]  # changed: written from the elements, still as they are
    assert b"BGM+220:::+PO-1:+::+9'" in edifact.write(interchange)


def test_escaped_release_before_a_terminator_ends_the_segment():
    segments = list(ORDERS)
    segments[2] = "BGM+220+ENDS WITH??"  # "??" is a "?", the terminator that follows is real
    segments[3] = "DTM+137?'S:20240102:102"  # an escaped terminator is data
    data = edi(*segments, suffix="\r\n")
    edifile = edifact.read(data)
    assert edifile.errors == []
    bgm, dtm = edifile.interchanges[0].groups[0].transactions[0].body[:2]
    assert bgm[2] == "ENDS WITH?" and dtm.components(1) == ["137'S", "20240102", "102"]
    assert edifact.write(edifile.interchanges[0]) == data


def test_indentation_with_escaped_terminators():
    segments = list(ORDERS)
    segments[3] = "DTM+137?'S:20240102:102"
    data = edi(*segments).replace(b"\nLIN", b"\n   LIN")
    edifile = edifact.read(data)
    assert [w.code for w in edifile.warnings] == ["line_breaks", "indentation"]
    assert edifile.warnings[1].position == 5 and edifile.warnings[1].segment == "LIN"
    assert edifact.write(edifile.interchanges[0]) == edi(*segments)


def test_two_interchanges_each_with_its_una():
    first = edi(*ORDERS, una="UNA:+.? '")
    second = edi(*[s.replace("+", "*").replace(":", "=") for s in ORDERS], una="UNA=*.? '")
    edifile = edifact.read(first + second)
    assert edifile.errors == []
    one, two = edifile.interchanges
    assert (one.delimiters.element, two.delimiters.element) == ("+", "*")
    assert two.header.position == 10 and two.sender == Party("14", "5412345000013")
    assert edifact.write(one) + edifact.write(two) == first + second


@pytest.mark.parametrize(
    "change, element",
    [
        (lambda i: setattr(i, "date", ""), "UNB04"),
        (lambda i: setattr(i, "control_number", ""), "UNB05"),
        (lambda i: setattr(i.groups[0].transactions[0], "control_number", ""), "UNH01"),
        (lambda i: setattr(i.groups[0].transactions[0], "version", ""), "UNH02"),
    ],
)
def test_empty_mandatory_envelope_values_are_refused(change, element):
    interchange = outbound()
    change(interchange)
    with pytest.raises(edifact.EdifactError) as raised:
        edifact.write(interchange)
    assert raised.value.element == element
