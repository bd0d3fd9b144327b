"""The X12 codec: what it reads, what it tolerates and reports, the envelope
errors it finds, and what it refuses to write."""

import pytest

from odoo.addons.channel_edi.lib import x12
from odoo.addons.channel_edi.lib.readsegment import ReadSegment
from odoo.addons.channel_edi.lib.tree import Delimiters, Group, Interchange, Party, Segment, Transaction

ISA_4010 = "ISA*00*          *00*          *ZZ*SENDER         *12*5551234567     *240102*1230*U*00401*000000905*1*T*>~"
ISA_5010 = "ISA*00*          *00*          *ZZ*SENDER         *12*5551234567     *240102*1230*^*00501*000000905*0*P*:~"


def x12_file(isa=ISA_4010, body=None, tail=None, suffix="\n", version="004010"):
    """A canonical interchange: one PO group with one 850."""
    body = body or [
        "ST*850*0001",
        "BEG*00*SA*PO-1**20240102",
        "PO1*1*10*EA*2.5**UP*012345678905",
        "CTT*1",
        "SE*5*0001",
    ]
    segments = [
        isa[:-1],
        f"GS*PO*SENDERGS*RECEIVERGS*20240102*1230*000123*X*{version}",
        *body,
        "GE*1*000123",
        "IEA*1*000000905" if tail is None else tail,
    ]
    terminator = isa[-1]
    return "".join(s + terminator + suffix for s in segments).encode()


def codes(issues):
    return [issue.code for issue in issues]


# --- reading ---------------------------------------------------------------------


def test_reads_the_envelopes_into_the_tree():
    edifile = x12.read(x12_file())
    assert edifile.standard == "X12"
    assert edifile.errors == []
    (interchange,) = edifile.interchanges
    assert interchange.sender == Party("ZZ", "SENDER")
    assert interchange.receiver == Party("12", "5551234567")
    assert interchange.control_number == "000000905"
    assert (interchange.date, interchange.time, interchange.version) == ("240102", "1230", "00401")
    assert interchange.usage == "T"
    assert interchange.ack_requested is True
    assert interchange.header.tag == "ISA" and interchange.trailer.tag == "IEA"
    (group,) = interchange.groups
    assert (group.functional_id, group.sender, group.receiver) == ("PO", "SENDERGS", "RECEIVERGS")
    assert (group.control_number, group.version, group.date, group.time) == (
        "000123",
        "004010",
        "20240102",
        "1230",
    )
    assert group.header.tag == "GS" and group.trailer.get(2) == "000123"
    (transaction,) = group.transactions
    assert (transaction.type, transaction.control_number, transaction.version) == ("850", "0001", "004010")
    assert [s.tag for s in transaction.segments] == ["ST", "BEG", "PO1", "CTT", "SE"]
    assert [s.tag for s in transaction.body] == ["BEG", "PO1", "CTT"]


def test_positions_count_segments_in_the_file_and_in_the_set():
    transaction = x12.read(x12_file()).interchanges[0].groups[0].transactions[0]
    assert [s.position for s in transaction.segments] == [3, 4, 5, 6, 7]
    assert [s.set_position for s in transaction.segments] == [1, 2, 3, 4, 5]


def test_st03_gives_the_version_when_present():
    body = ["ST*850*0001*005010VICS", "BEG*00*SA*PO-1**20240102", "SE*3*0001"]
    transaction = x12.read(x12_file(body=body)).interchanges[0].groups[0].transactions[0]
    assert transaction.version == "005010VICS"


def test_elements_as_the_tree_contract_says():
    body = ["ST*850*0001", "REF*ZZ*A>B>C*", "PID*F****BLUE WIDGET", "SE*4*0001"]
    transaction = x12.read(x12_file(body=body)).interchanges[0].groups[0].transactions[0]
    ref, pid = transaction.body
    assert isinstance(ref, Segment) and isinstance(ref, ReadSegment)
    assert ref.elements == [[["ZZ"]], [["A", "B", "C"]], [[""]]]
    assert ref[1] == "ZZ" and ref.get(2, 2) == "B" and ref.components(2) == ["A", "B", "C"]
    assert ref.get(3, default=None) is None and ref.get(9) == "" and len(ref) == 3
    assert pid[5] == "BLUE WIDGET" and pid.get(2) == "" and len(pid) == 5
    assert ref.ref(2) == "REF02"


def test_get_reads_the_raw_text_without_splitting_every_element():
    body = ["ST*850*0001", "PO1*1*10*EA*2.5**UP*012345678905", "SE*3*0001"]
    po1 = x12.read(x12_file(body=body)).interchanges[0].groups[0].transactions[0].body[0]
    assert po1.get(2) == "10" and po1[7] == "012345678905"
    assert not po1.materialized
    assert po1.elements[3] == [["2.5"]]
    assert po1.materialized


def test_control_numbers_are_kept_as_written():
    edifile = x12.read(x12_file())
    interchange = edifile.interchanges[0]
    assert interchange.control_number == "000000905"
    assert interchange.groups[0].control_number == "000123"
    assert interchange.groups[0].transactions[0].control_number == "0001"


def test_n0_control_numbers_compare_as_numbers():
    # GE02 "123" for GS06 "000123" is the same N0 number: no error
    edifile = x12.read(x12_file().replace(b"GE*1*000123", b"GE*1*123"))
    assert edifile.errors == []


# --- delimiters and the ISA11 rule --------------------------------------------------


def test_delimiters_come_from_the_isa():
    isa = ISA_4010.replace("*", "|").replace(">~", "}!")
    data = x12_file(isa=isa).replace(b"*", b"|").replace(b"~", b"!")
    edifile = x12.read(data)
    assert edifile.errors == []
    d = edifile.interchanges[0].delimiters
    assert (d.element, d.component, d.segment, d.repetition, d.suffix) == ("|", "}", "!", "", "\n")
    assert x12.write(edifile.interchanges[0]) == data


def test_isa11_is_the_standards_identifier_before_00402():
    body = ["ST*850*0001", "REF*ZZ*A^B", "SE*3*0001"]
    edifile = x12.read(x12_file(body=body))
    interchange = edifile.interchanges[0]
    assert interchange.delimiters.repetition == ""
    assert interchange.header.get(11) == "U"
    ref = interchange.groups[0].transactions[0].body[0]
    assert ref.repetitions(2) == [["A^B"]]


def test_isa11_is_the_repetition_separator_from_00402_on():
    body = ["ST*850*0001", "REF*ZZ*A^B>C", "SE*3*0001"]
    isa = ISA_5010.replace(":~", ">~")
    edifile = x12.read(x12_file(isa=isa, body=body, version="005010"))
    interchange = edifile.interchanges[0]
    assert interchange.delimiters.repetition == "^"
    ref = interchange.groups[0].transactions[0].body[0]
    assert ref.repetitions(2) == [["A"], ["B", "C"]]
    assert ref.get(2) == "A"
    assert x12.write(interchange) == x12_file(isa=isa, body=body, version="005010")


def test_version_00402_is_the_first_with_a_repetition_separator():
    isa = ISA_4010.replace("*U*00401*", "*!*00402*")
    interchange = x12.read(x12_file(isa=isa)).interchanges[0]
    assert interchange.delimiters.repetition == "!"
    assert interchange.version == "00402"


def test_a_line_feed_can_be_the_segment_terminator():
    data = x12_file(isa=ISA_4010.replace(">~", ">\n"), suffix="")
    edifile = x12.read(data)
    assert edifile.errors == [] and edifile.warnings == []
    d = edifile.interchanges[0].delimiters
    assert (d.segment, d.suffix) == ("\n", "")
    assert x12.write(edifile.interchanges[0]) == data


# --- tolerated and reported ---------------------------------------------------------


def test_bom_is_tolerated_and_reported():
    data = x12_file()
    edifile = x12.read(b"\xef\xbb\xbf" + data)
    assert codes(edifile.warnings) == ["bom", "line_breaks"]
    assert all(w.severity == "warning" for w in edifile.warnings)
    assert edifile.errors == []
    assert x12.write(edifile.interchanges[0]) == data  # written without the BOM


@pytest.mark.parametrize("suffix", ["\n", "\r\n", "\r"])
def test_line_breaks_after_terminators_are_kept_and_reported(suffix):
    data = x12_file(suffix=suffix)
    edifile = x12.read(data)
    assert codes(edifile.warnings) == ["line_breaks"]
    assert edifile.interchanges[0].delimiters.suffix == suffix
    assert x12.write(edifile.interchanges[0]) == data
    assert x12.write(edifile.interchanges[0], suffix="") == x12_file(suffix="")


def test_no_warning_for_a_file_on_one_line():
    edifile = x12.read(x12_file(suffix=""))
    assert edifile.warnings == [] and edifile.errors == []


def test_file_without_its_last_line_break_writes_back_the_same():
    data = x12_file().rstrip(b"\n")
    edifile = x12.read(data)
    assert edifile.interchanges[0].delimiters.trailing == ""
    assert x12.write(edifile.interchanges[0]) == data


def test_indentation_is_tolerated_and_reported():
    data = x12_file(suffix="\n").decode().replace("\nBEG", "\n    BEG").replace("\nPO1", "\n\tPO1")
    edifile = x12.read(("  " + data).encode())
    assert "indentation" in codes(edifile.warnings)
    assert edifile.errors == []
    transaction = edifile.interchanges[0].groups[0].transactions[0]
    assert [s.tag for s in transaction.segments] == ["ST", "BEG", "PO1", "CTT", "SE"]
    assert x12.write(edifile.interchanges[0]) == x12_file(suffix="\n")


def test_mixed_line_breaks_are_tolerated_and_reported():
    data = x12_file(suffix="\n").replace(b"~\nBEG", b"~\r\nBEG").replace(b"~\nPO1", b"~PO1")
    edifile = x12.read(data)
    assert "line_breaks_mixed" in codes(edifile.warnings)
    assert edifile.errors == []
    assert len(edifile.interchanges[0].groups[0].transactions[0].segments) == 5


def test_non_fixed_width_isa_is_read_by_scanning_and_reported():
    isa = "ISA*00**00**ZZ*SENDER*12*5551234567*240102*1230*U*00401*905*1*T*>~"
    edifile = x12.read(x12_file(isa=isa).replace(b"IEA*1*000000905", b"IEA*1*905"))
    (warning,) = [w for w in edifile.warnings if w.code == "isa_width"]
    assert "ISA02" in warning.message and "ISA06" in warning.message and "ISA13" in warning.message
    assert warning.severity == "warning" and warning.segment == "ISA"
    assert edifile.errors == []
    interchange = edifile.interchanges[0]
    assert interchange.sender == Party("ZZ", "SENDER")
    assert interchange.receiver == Party("12", "5551234567")
    assert interchange.control_number == "905"
    d = interchange.delimiters
    assert (d.element, d.component, d.segment) == ("*", ">", "~")
    # written back at the fixed width, the control number zero-padded
    assert x12.write(interchange) == x12_file()


def test_non_fixed_width_isa_with_a_padded_sender_in_the_wrong_width():
    isa = "ISA*00*          *00*          *ZZ*SENDER    *12*5551234567     *240102*1230*U*00401*000000905*1*T*>~"
    edifile = x12.read(x12_file(isa=isa))
    assert codes(edifile.warnings) == ["isa_width", "line_breaks"]
    assert edifile.interchanges[0].sender.id == "SENDER"


def test_not_utf8_is_read_as_latin1_and_reported():
    body = ["ST*850*0001", "N1*ST*CAF\xc9", "SE*3*0001"]
    data = x12_file(body=body).replace("CAFÉ".encode(), b"CAF\xc9")
    edifile = x12.read(data)
    assert codes(edifile.warnings)[0] == "encoding"
    assert edifile.interchanges[0].groups[0].transactions[0].body[0][2] == "CAFÉ"


# --- envelope errors ---------------------------------------------------------------


def error(edifile, code):
    found = [e for e in edifile.errors if e.code == code]
    assert found, f"no {code} in {[(e.code, e.message) for e in edifile.errors]}"
    assert all(e.severity == "error" for e in found)
    return found[0]


def test_se01_segment_count_wrong():
    edifile = x12.read(x12_file().replace(b"SE*5*0001", b"SE*6*0001"))
    issue = error(edifile, "segment_count")
    assert (issue.position, issue.segment, issue.element, issue.set_position) == (7, "SE", "SE01", 5)
    assert "'6'" in issue.message and "5" in issue.message
    assert len(edifile.errors) == 1


def test_se02_not_st02():
    issue = error(x12.read(x12_file().replace(b"SE*5*0001", b"SE*5*0002")), "control_number_mismatch")
    assert (issue.segment, issue.element) == ("SE", "SE02")


def test_ge01_count_wrong():
    issue = error(x12.read(x12_file().replace(b"GE*1*", b"GE*2*")), "transaction_count")
    assert (issue.position, issue.segment, issue.element) == (8, "GE", "GE01")


def test_ge02_not_gs06():
    issue = error(x12.read(x12_file().replace(b"GE*1*000123", b"GE*1*000124")), "control_number_mismatch")
    assert (issue.segment, issue.element) == ("GE", "GE02")


def test_iea01_count_wrong():
    issue = error(x12.read(x12_file(tail="IEA*2*000000905")), "group_count")
    assert (issue.position, issue.segment, issue.element) == (9, "IEA", "IEA01")


def test_iea02_not_isa13():
    issue = error(x12.read(x12_file(tail="IEA*1*000000906")), "control_number_mismatch")
    assert (issue.segment, issue.element) == ("IEA", "IEA02")


def test_missing_se():
    body = ["ST*850*0001", "BEG*00*SA*PO-1**20240102", "CTT*1"]
    edifile = x12.read(x12_file(body=body))
    issue = error(edifile, "missing_trailer")
    assert issue.segment == "ST" and "SE" in issue.message
    # what was read is kept
    transaction = edifile.interchanges[0].groups[0].transactions[0]
    assert [s.tag for s in transaction.segments] == ["ST", "BEG", "CTT"]


def test_missing_ge_and_iea():
    data = x12_file().replace(b"GE*1*000123~\n", b"").replace(b"IEA*1*000000905~\n", b"")
    edifile = x12.read(data)
    messages = [e.message for e in edifile.errors if e.code == "missing_trailer"]
    assert len(messages) == 2
    assert any("GE" in m for m in messages) and any("IEA" in m for m in messages)
    assert [(e.segment, e.position) for e in edifile.errors] == [("GS", 2), ("ISA", 1)]
    assert edifile.interchanges[0].trailer is None
    assert len(edifile.interchanges[0].groups[0].transactions) == 1


def test_segment_outside_a_transaction_set():
    data = x12_file().replace(b"GE*1*000123~", b"REF*ZZ*STRAY~\nGE*1*000123~")
    issue = error(x12.read(data), "outside_envelope")
    assert (issue.position, issue.segment) == (8, "REF")


def test_segments_after_the_iea():
    issue = error(x12.read(x12_file() + b"REF*ZZ*1~\nREF*ZZ*2~\n"), "outside_envelope")
    assert issue.segment == "REF" and "after the IEA" in issue.message and "the 1 after it" in issue.message


def test_st_outside_a_group():
    data = x12_file().replace(b"GS*PO*SENDERGS*RECEIVERGS*20240102*1230*000123*X*004010~\n", b"")
    edifile = x12.read(data)
    assert error(edifile, "outside_envelope").segment == "ST"


@pytest.mark.parametrize(
    "bad, shown",
    [
        (b"beg*00*SA", "beg"),  # lower case
        (b"B!G*00*SA", "B!G"),
        (b"BEGIN*00", "BEGIN"),  # too long
        (b"", "empty"),  # ~~
    ],
)
def test_garbled_segment_tags(bad, shown):
    data = x12_file().replace(b"BEG*00*SA*PO-1**20240102", bad)
    issue = error(x12.read(data), "bad_tag")
    assert issue.position == 4 and shown in issue.message


def test_unterminated_last_segment():
    data = x12_file().rstrip(b"~\n")
    issue = error(x12.read(data), "unterminated")
    assert "IEA" in issue.message


def test_several_interchanges_each_with_its_own_separators():
    first = x12_file()
    isa = ISA_5010.replace("000000905", "000000906")
    second = (
        x12_file(isa=isa, tail="IEA*1*000000906", version="005010").replace(b"*", b"|").replace(b"~", b"!")
    )
    edifile = x12.read(first + second)
    assert edifile.errors == []
    one, two = edifile.interchanges
    assert (one.control_number, two.control_number) == ("000000905", "000000906")
    assert (one.delimiters.element, two.delimiters.element) == ("*", "|")
    assert (one.delimiters.repetition, two.delimiters.repetition) == ("", "^")
    assert two.header.position == 10
    assert two.groups[0].transactions[0].segments[0].position == 12
    assert x12.write(one) + x12.write(two) == first + second


def test_second_interchange_without_iea_before_the_next_isa():
    first = x12_file().replace(b"IEA*1*000000905~\n", b"")
    edifile = x12.read(first + x12_file())
    assert len(edifile.interchanges) == 2
    assert codes(edifile.errors) == ["missing_trailer"]
    assert edifile.errors[0].segment == "ISA"


# --- unreadable files ----------------------------------------------------------------


@pytest.mark.parametrize(
    "data, words",
    [
        (b"", "empty"),
        (b"UNB+UNOA:3+X+Y+200101:1200+1'", "must start with an ISA"),
        (b"ISA*00*          *00*", "16 expected"),
        (b"ISAA00", "element separator"),
        (ISA_4010.replace(">~", "AB").encode(), "not a usable separator"),
    ],
)
def test_unreadable_isa_raises_a_clear_error(data, words):
    with pytest.raises(x12.X12Error) as raised:
        x12.read(data)
    assert words in str(raised.value)
    assert isinstance(raised.value, ValueError)


# --- writing ---------------------------------------------------------------------------


def outbound(segments, version="00401", delimiters=None):
    transaction = Transaction(
        "850", "0007", [Segment.of("ST", "850", "0007"), *segments, Segment.of("SE", "99", "x")]
    )
    group = Group("PO", "ME", "YOU", "42", "004010", [transaction], date="20240102", time="1230")
    return Interchange(
        "X12",
        Party("ZZ", "ME"),
        Party("ZZ", "YOU"),
        "17",
        version,
        date="240102",
        time="1230",
        delimiters=delimiters,
        groups=[group],
    )


def test_writer_computes_counts_and_copies_control_numbers():
    interchange = outbound([Segment.of("BEG", "00", "SA", "PO-9", None, "20240102"), Segment.of("CTT", 1)])
    text = x12.write(interchange, suffix="\n").decode()
    lines = text.splitlines()
    assert lines[0] == (
        "ISA*00*          *00*          *ZZ*ME             *ZZ*YOU            *240102*1230*U*00401*000000017*0*P*>~"
    )
    assert len(lines[0]) == 106
    assert lines[1:] == [
        "GS*PO*ME*YOU*20240102*1230*42*X*004010~",
        "ST*850*0007~",
        "BEG*00*SA*PO-9**20240102~",
        "CTT*1~",
        "SE*4*0007~",
        "GE*1*42~",
        "IEA*1*000000017~",
    ]
    edifile = x12.read(text.encode())
    assert edifile.errors == []


def test_writer_never_copies_counts_read_from_a_file():
    edifile = x12.read(x12_file().replace(b"SE*5*0001", b"SE*9*0002").replace(b"GE*1*", b"GE*3*"))
    assert len(edifile.errors) == 3
    written = x12.write(edifile.interchanges[0])
    assert written == x12_file()


def test_writer_adds_st_and_se_when_the_set_has_none():
    interchange = outbound([])
    interchange.groups[0].transactions[0].segments = [Segment.of("BEG", "00"), Segment.of("CTT", "0")]
    lines = x12.write(interchange, suffix="\n").decode().splitlines()
    assert lines[2:6] == ["ST*850*0007~", "BEG*00~", "CTT*0~", "SE*4*0007~"]


def test_writer_uses_the_repetition_separator_from_00402_on():
    interchange = outbound([Segment("REF", [[["ZZ"]], [["A"], ["B", "C"]]])], version="00501")
    text = x12.write(interchange).decode()
    assert "*^*00501*" in text and "REF*ZZ*A^B>C~" in text


def test_writer_refuses_repetitions_before_00402():
    interchange = outbound([Segment("REF", [[["ZZ"]], [["A"], ["B"]]])])
    with pytest.raises(x12.X12Error, match="REF02"):
        x12.write(interchange)


@pytest.mark.parametrize(
    "value, delimiter",
    [("A*B", "element separator"), ("A>B", "component separator"), ("A~B", "segment terminator")],
)
def test_delimiter_in_data_is_refused_naming_segment_and_element(value, delimiter):
    interchange = outbound([Segment.of("BEG", "00", "SA", value)])
    with pytest.raises(x12.DelimiterInData) as raised:
        x12.write(interchange)
    error = raised.value
    assert isinstance(error, ValueError)
    assert (error.segment, error.element, error.value, error.position) == ("BEG", "BEG03", value, 4)
    assert "BEG03" in str(error) and delimiter in str(error)


def test_repetition_separator_in_data_is_refused_from_00402_on():
    interchange = outbound([Segment.of("N1", "ST", "A^B")], version="00501")
    with pytest.raises(x12.DelimiterInData, match="N102.*repetition separator"):
        x12.write(interchange)


def test_delimiter_in_a_changed_read_segment_is_refused():
    edifile = x12.read(x12_file())
    beg = edifile.interchanges[0].groups[0].transactions[0].body[0]
    beg.elements[2][0][0] = "PO*1"
    with pytest.raises(x12.DelimiterInData, match="BEG03"):
        x12.write(edifile.interchanges[0])


def test_delimiter_in_an_isa_value_is_refused():
    interchange = outbound([])
    interchange.sender = Party("ZZ", "ME*YOU")
    with pytest.raises(x12.DelimiterInData, match="ISA06"):
        x12.write(interchange)


def test_isa_values_too_long_or_missing_are_refused():
    interchange = outbound([])
    interchange.sender = Party("ZZ", "A" * 16)
    with pytest.raises(x12.X12Error, match="ISA06"):
        x12.write(interchange)
    interchange = outbound([])
    interchange.date = ""
    with pytest.raises(x12.X12Error, match="ISA09.*mandatory"):
        x12.write(interchange)


def test_writer_with_other_delimiters_than_read():
    edifile = x12.read(x12_file())
    d = Delimiters(element="|", component="}", segment="!", suffix="\r\n")
    written = x12.write(edifile.interchanges[0], delimiters=d)
    assert written == x12_file(suffix="\r\n").replace(b"*", b"|").replace(b">~", b"}~").replace(b"~", b"!")
    with pytest.raises(x12.X12Error, match="must all differ"):
        x12.write(edifile.interchanges[0], delimiters=Delimiters(element="*", component="*", segment="~"))


def test_changed_elements_are_written():
    edifile = x12.read(x12_file())
    beg = edifile.interchanges[0].groups[0].transactions[0].body[0]
    beg.elements = [[["00"]], [["SA"]], [["PO-2"]]]
    assert b"BEG*00*SA*PO-2~" in x12.write(edifile.interchanges[0])


def test_header_fields_win_over_the_header_segment():
    edifile = x12.read(x12_file())
    interchange = edifile.interchanges[0]
    interchange.control_number = "000000906"
    interchange.groups[0].control_number = "77"
    text = x12.write(interchange).decode()
    assert "*000000906*1*T*>~" in text and text.endswith("IEA*1*000000906~\n")
    assert "GE*1*77~" in text and "*1230*77*X*004010~" in text


def test_unreadable_later_isa_is_an_error_and_the_first_interchange_is_kept():
    edifile = x12.read(x12_file() + b"ISA*00*   *00~\n")
    assert len(edifile.interchanges) == 1
    issue = error(edifile, "bad_isa")
    assert (issue.position, issue.segment) == (10, "ISA") and "16 expected" in issue.message


@pytest.mark.parametrize(
    "change, element",
    [
        (lambda i: setattr(i.groups[0], "date", ""), "GS04"),
        (lambda i: setattr(i.groups[0], "version", ""), "GS08"),
        (lambda i: setattr(i.groups[0].transactions[0], "control_number", ""), "ST02"),
    ],
)
def test_empty_mandatory_envelope_values_are_refused(change, element):
    interchange = outbound([])
    change(interchange)
    with pytest.raises(x12.X12Error, match=element + ".*mandatory") as raised:
        x12.write(interchange)
    assert raised.value.element == element


def test_reading_leaves_the_garbage_collector_as_it_was():
    import gc

    assert gc.isenabled()
    x12.read(x12_file())
    assert gc.isenabled()
    gc.disable()
    try:
        x12.read(x12_file())
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_raw_is_plain_says_when_raw_can_be_read_as_is():
    body = ["ST*850*0001", "BEG*00*SA*PO-1**20240102", "REF*ZZ*A>B", "SE*4*0001"]
    beg, ref = x12.read(x12_file(body=body)).interchanges[0].groups[0].transactions[0].body
    assert beg.raw_is_plain and beg.raw == ["BEG", "00", "SA", "PO-1", "", "20240102"]
    assert not ref.raw_is_plain
    assert beg.elements[0] == [["00"]]  # made: raw may go out of date from now on
    assert not beg.raw_is_plain
