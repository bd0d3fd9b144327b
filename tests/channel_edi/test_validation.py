"""The validation engine: each check, with its 997/999 (AK3/AK4) and CONTRL code.

Transactions are built from one-segment-per-line text (``edi_split.build``),
so each test shows the segments it is about.
"""

import pytest
from edi_split import build

from odoo.addons.channel_edi.lib import validation

HEAD = """
ST*850*0001
BEG*00*SA*PO123**20240105
"""
LINE = """
PO1*1*10*EA*2.50**UP*012345678905
"""
TAIL = """
CTT*1
SE*5*0001
"""


def po(*middle, head=HEAD, tail=TAIL):
    return build(head + "\n".join(middle) + (LINE if not any("PO1" in m for m in middle) else "") + tail)


def check(transaction, version="004010", overrides=None):
    return validation.validate(transaction, "X12", version, overrides=overrides)


def only(issues, code=None):
    assert len(issues) == 1, [i.as_dict() for i in issues]
    if code:
        assert issues[0].code == code, issues[0].as_dict()
    return issues[0]


def test_a_valid_850_has_no_issues():
    assert check(po()) == []


# --- segments: AK3 codes 1..7 -------------------------------------------------------------


def test_unrecognized_segment_is_ak3_code_1():
    issue = only(check(po("ZZZ*1")), "segment_unrecognized")
    assert (issue.ack_code, issue.segment, issue.set_position) == ("1", "ZZZ", 3)
    assert issue.segment_ack_code == "1"


def test_a_segment_of_the_standard_found_where_nothing_expects_it_is_unexpected_code_2():
    # MSG belongs to the N9 loop: at the heading's level it is unexpected
    issue = only(check(po("MSG*HELLO")), "segment_unexpected")
    assert issue.ack_code == "2"
    assert "MSG" in issue.message


def test_missing_mandatory_segment_is_code_3_reported_where_it_was_due():
    transaction = build(
        """
        ST*850*0001
        PO1*1*10*EA*2.50**UP*012345678905
        SE*3*0001
        """
    )
    issue = only(check(transaction), "segment_missing")
    assert (issue.ack_code, issue.contrl_code, issue.segment) == ("3", "13", "BEG")
    assert issue.set_position == 2  # where it was due: before PO1
    assert "BEG" in issue.message and "PO1" in issue.message


def test_missing_mandatory_loop_names_its_first_segment():
    transaction = build(HEAD + TAIL)
    issue = only(check(transaction), "segment_missing")
    assert (issue.segment, issue.loop) == ("PO1", "PO1")
    assert "loop PO1" in issue.message


def test_loop_over_its_maximum_is_code_4():
    override = {"partner": "ACME", "version": 1, "loops": {"N1": {"max": 1}}}
    transaction = po("N1*ST*STORE*92*0001", "N1*BT*HQ*92*0002")
    issue = only(check(transaction, overrides=override), "loop_max")
    assert (issue.ack_code, issue.contrl_code, issue.segment, issue.set_position) == ("4", "36", "N1", 4)


def test_segment_over_its_maximum_use_is_code_5():
    issue = only(check(po("CUR*BY*USD", "CUR*SE*USD")), "segment_max_use")
    assert (issue.ack_code, issue.contrl_code, issue.set_position) == ("5", "35", 4)


def test_segment_not_in_the_set_is_code_6():
    issue = only(check(po("BIG*20240105*INV1")), "segment_not_in_set")
    assert issue.ack_code == "6"
    assert "850" in issue.message


def test_segment_out_of_sequence_is_code_7():
    issue = only(check(po("REF*DP*038", "CUR*BY*USD")), "segment_order")
    assert (issue.ack_code, issue.segment, issue.set_position) == ("7", "CUR", 4)


def test_missing_trailer_is_reported_at_the_end():
    transaction = build(HEAD + LINE)
    issue = only(check(transaction), "segment_missing")
    assert issue.segment == "SE"
    assert "end of the set" in issue.message


def test_file_position_and_set_position_are_both_kept():
    transaction = po("ZZZ*1")
    for number, segment in enumerate(transaction.segments, start=1):
        segment.position = 100 + number  # as in a file with an envelope before the set
    issue = only(check(transaction))
    assert (issue.position, issue.set_position) == (103, 3)


# --- loops ------------------------------------------------------------------------------


def test_nested_loops_po1_with_pid_and_sch_children_and_n1_loops():
    transaction = build(
        """
        ST*850*0001
        BEG*00*SA*PO123**20240105
        N1*ST*STORE 12*92*0012
        N3*1 MAIN ST
        N4*ANYTOWN*NY*12345*US
        N1*BT*HEADQUARTERS*92*0001
        PO1*1*10*EA*2.50**UP*012345678905
        PID*F****BLUE WIDGET
        MEA*PD*WT*1.5*LB
        PID*F****LARGE
        SCH*4*EA***002*20240110
        SCH*6*EA***002*20240117
        PO1*2*1*CA*30**UP*012345678912
        N1*ST*STORE 13*92*0013
        CTT*2
        SE*16*0001
        """
    )
    assert check(transaction) == []


def test_a_child_segment_after_its_loop_closed_is_out_of_sequence():
    # N3 after PO1: the heading's N1 loop is closed by then
    transaction = build(HEAD + "N1*ST*STORE*92*0012\n" + LINE + "N3*1 MAIN ST\n" + TAIL)
    issue = only(check(transaction), "segment_unexpected")
    assert issue.segment == "N3"


# --- elements: AK4 codes ------------------------------------------------------------------


def test_mandatory_element_missing_is_ak4_code_1_under_ak3_code_8():
    issue = only(check(po(head="ST*850*0001\nBEG*00*SA***20240105\n")), "element_missing")
    assert (issue.ack_code, issue.segment_ack_code, issue.element) == ("1", "8", "BEG03")
    assert (issue.element_position, issue.data_element, issue.set_position) == (3, "324", 2)
    assert "BEG03 (Purchase Order Number)" in issue.message


def test_trailing_mandatory_elements_missing_are_reported():
    issue = only(check(po(head="ST*850*0001\nBEG*00*SA*PO1\n")), "element_missing")
    assert issue.element == "BEG05"


def test_too_many_elements_is_code_3():
    issue = only(check(po("CTP" + "*" * 12 + "EXTRA")), "element_too_many")
    assert (issue.ack_code, issue.element, issue.element_position) == ("3", "CTP12", 12)
    assert "only 11 elements" in issue.message


def test_too_short_and_too_long_are_codes_4_and_5():
    short = only(check(po("N1*ST*STORE*92*0012", "N4*A*NY")), "element_too_short")
    assert (short.ack_code, short.contrl_code, short.element, short.value) == ("4", "40", "N401", "A")
    long = only(check(po(head="ST*850*0001\nBEG*00*SA*" + "P" * 23 + "**20240105\n")), "element_too_long")
    assert (long.ack_code, long.contrl_code, long.element) == ("5", "39", "BEG03")
    assert "longer than 22" in long.message


def test_invalid_characters_are_code_6():
    numeric = only(check(po("PO1*1*TEN*EA*2.50**UP*012345678905")), "element_invalid_character")
    assert (numeric.ack_code, numeric.element) == ("6", "PO102")
    control = only(check(po("REF*DP*03\x018")), "element_invalid_character")
    assert control.element == "REF02"


def test_invalid_code_value_is_code_7_with_the_allowed_codes():
    # PID01 (349) is F, S or X in the standard
    issue = only(check(po("PID*Q****BLUE WIDGET")), "element_invalid_code")
    assert (issue.ack_code, issue.contrl_code, issue.element, issue.value) == ("7", "12", "PID01", "Q")
    assert "F, S, X" in issue.message


def test_invalid_date_is_code_8_and_leap_days_are_dates():
    issue = only(check(po("DTM*002*20230229")), "element_invalid_date")
    assert (issue.ack_code, issue.element) == ("8", "DTM02")
    assert check(po("DTM*002*20240229")) == []
    assert only(check(po("DTM*002*20241301"))).code == "element_invalid_date"


def test_invalid_time_is_code_9():
    issue = only(check(po("DTM*002*20240105*2460")), "element_invalid_time")
    assert (issue.ack_code, issue.element) == ("9", "DTM03")
    assert check(po("DTM*002*20240105*235959")) == []


def test_implied_decimal_n2_takes_digits_only():
    invoice = """
    ST*810*0001
    BIG*20240105*INV1
    TDS*{}
    SE*4*0001
    """
    assert check(build(invoice.format("12345"))) == []  # 123.45
    assert check(build(invoice.format("-500"))) == []  # the sign is not a digit
    issue = only(check(build(invoice.format("123.45"))), "element_invalid_character")
    assert (issue.element, issue.ack_code) == ("TDS01", "6")
    long = only(check(build(invoice.format("-" + "9" * 16))), "element_too_long")
    assert long.element == "TDS01"


def test_decimal_r_counts_digits_without_sign_and_point():
    assert check(po("PO1*1*-10.5*EA*123456789012345.67**UP*012345678905")) == []


# --- syntax notes -------------------------------------------------------------------------


def test_paired_note_p_requires_both():
    issue = only(check(po("N1*ST*STORE*92")), "element_conditional")
    assert (issue.ack_code, issue.element) == ("2", "N104")
    assert "P0304" in issue.message


def test_required_note_r_needs_one_of_them():
    issue = only(check(po("N1*ST")), "element_conditional")
    assert issue.element == "N102"
    assert "R0203" in issue.message


def test_exclusion_note_e_allows_only_one():
    issue = only(check(po("TD3*TL**1234567" + "*" * 7 + "TLCX")), "element_exclusion")
    assert (issue.ack_code, issue.element) == ("10", "TD310")


def test_conditional_note_c_requires_the_others_when_the_first_is_there():
    issue = only(check(po("DTM*002*20240105**ES")), "element_conditional")
    assert (issue.element, issue.ack_code) == ("DTM03", "2")
    assert "C0403" in issue.message


def test_list_conditional_note_l_requires_one_of_the_others():
    issue = only(check(po("CUR*BY*USD" + "*" * 8 + "002")), "element_conditional")
    assert issue.element == "CUR11"
    assert "L101112" in issue.message


def test_composite_syntax_note():
    issue = only(check(po("REF*DP*038**BF>1>XX")), "element_conditional")
    assert (issue.element, issue.component_position, issue.element_position) == ("REF04-04", 4, 4)


# --- composites and repetitions -------------------------------------------------------------


def test_composite_components_are_checked_by_position():
    assert check(po("PID*F****BLUE", "MEA*PD*WT*1.5*LB>1")) == []
    issue = only(check(po("CTP**UCP*1.5*2*>1")), "element_missing")
    assert (issue.element, issue.element_position, issue.component_position) == ("CTP05-01", 5, 1)


def test_too_many_components_is_code_13():
    issue = only(check(po("REF*DP*038>9")), "element_too_many_components")
    assert (issue.ack_code, issue.element) == ("13", "REF02")


def test_too_many_repetitions_is_code_12():
    issue = only(check(po("REF*DP*038^039")), "element_too_many_repetitions")
    assert (issue.ack_code, issue.element) == ("12", "REF02")


# --- HL hierarchy --------------------------------------------------------------------------

ASN = """
ST*856*0001
BSN*00*SHIP1*20240105*1200*0001
{hl}
SE*9*0001
"""


def asn(*levels, version="004010VICS"):
    return validation.validate(build(ASN.format(hl="\n".join(levels))), "X12", version)


def test_hl_hierarchy_shipment_order_pack_item_is_valid():
    assert (
        asn(
            "HL*1**S*1",
            "TD1*CTN*1",
            "HL*2*1*O*1",
            "PRF*PO123",
            "HL*3*2*P*1",
            "MAN*GM*00012345678901234567",
            "HL*4*3*I*0",
            "LIN**UP*012345678905",
            "SN1**10*EA",
        )
        == []
    )


def test_hl_numbering_must_count_from_one():
    issue = only(asn("HL*1**S", "HL*3*1*O"), "hierarchy")
    assert (issue.element, issue.ack_code) == ("HL01", "7")


def test_hl_parent_must_be_an_earlier_level():
    issue = only(asn("HL*1**S", "HL*2*9*O"), "hierarchy")
    assert issue.element == "HL02"
    assert "'9'" in issue.message


def test_hl_parent_level_follows_the_guide():
    # VICS: an order sits under the shipment, not under an item
    issue = only(asn("HL*1**S", "HL*2*1*O", "HL*3*2*I", "HL*4*3*O"), "hierarchy")
    assert (issue.element, issue.set_position) == ("HL03", 6)
    assert "O cannot be under level I" in issue.message
    # the plain 004010 guide is looser about tare and pack but still wants S on top
    assert asn("HL*1**S", "HL*2*1*P", version="004010") == []
    top = only(asn("HL*1**O", version="004010"), "hierarchy")
    assert top.element == "HL02"


def test_hl_child_code_must_match_the_children():
    issue = only(asn("HL*1**S*0", "HL*2*1*O*0"), "hierarchy")
    assert (issue.element, issue.set_position) == ("HL04", 3)


def test_hl_level_code_list():
    issue = only(asn("HL*1**S", "HL*2*1*X"), "element_invalid_code")
    assert issue.element == "HL03"


# --- EDIFACT ------------------------------------------------------------------------------

ORDERS = """
UNH+1+ORDERS:D:96A:UN:EAN008
BGM+220+PO123+9
DTM+137:20240105:102
NAD+BY+5412345000013::9
{lines}
UNS+S
UNT+8+1
"""


def orders(lines="LIN+1++5412345678908:EN\nQTY+21:8", decimal_mark="."):
    transaction = build(ORDERS.format(lines=lines), element="+", component=":", repetition="\x00")
    return validation.validate(transaction, "EDIFACT", "D:96A:UN:EAN008", decimal_mark=decimal_mark)


def test_edifact_orders_is_valid():
    assert orders() == []


def test_edifact_an_length_is_code_39_in_contrl():
    issue = only(orders("LIN+1++" + "9" * 36 + ":EN"), "element_too_long")
    assert (issue.element, issue.contrl_code, issue.component_position) == ("LIN03-01", "39", 1)


def test_edifact_numeric_with_either_decimal_mark():
    assert orders("LIN+1++5412345678908:EN\nQTY+21:8,5") == []
    assert orders("LIN+1++5412345678908:EN\nQTY+21:8.5") == []
    issue = only(orders("LIN+1++5412345678908:EN\nQTY+21:,5"), "element_missing_digit")
    assert (issue.contrl_code, issue.element) == ("38", "QTY01-02")
    bad = only(orders("LIN+1++5412345678908:EN\nQTY+21:8X"), "element_invalid_character")
    assert bad.contrl_code == "37"
    long = only(orders("LIN+1++5412345678908:EN\nQTY+21:" + "1" * 16), "element_too_long")
    assert long.element == "QTY01-02"


def test_edifact_mandatory_component_missing_is_contrl_13():
    issue = only(orders("LIN+1++5412345678908:EN\nQTY+21"), "element_missing")
    assert (issue.element, issue.contrl_code, issue.element_position, issue.component_position) == (
        "QTY01-02",
        "13",
        1,
        2,
    )


def test_edifact_alphabetic_type_and_code_list():
    text = ORDERS.format(lines="LIN+1++5412345678908:EN").replace("UNS+S", "UNS+{}")
    for value, code, contrl in (
        ("1", "element_invalid_character", "37"),
        ("S", None, None),
        ("D", "element_invalid_code", "12"),
    ):
        transaction = build(text.format(value), element="+", component=":", repetition="\x00")
        issues = validation.validate(transaction, "EDIFACT", "D:96A:UN:EAN008")
        if code is None:
            assert issues == []
        else:
            issue = only(issues, code)
            assert (issue.element, issue.contrl_code) == ("UNS01", contrl)


def test_edifact_segment_groups_repeat_and_order():
    lines = "LIN+1++5412345678908:EN\nQTY+21:8\nPRI+AAA:1.5\nLIN+2++5412345678915:EN\nQTY+21:2"
    assert orders(lines) == []
    issue = only(orders("QTY+21:8"), "segment_unexpected")
    assert issue.segment == "QTY"


# --- overrides change the rules -------------------------------------------------------------


def test_override_makes_a_segment_mandatory_and_narrows_a_code_list():
    override = {
        "partner": "ACME",
        "version": 3,
        "base": "x12/004010/850",
        "segments": {"REF": {"usage": "M"}},
        "elements": {"PO103": {"codes": ["EA", "CA"]}},
    }
    issues = check(po(LINE.replace("EA", "BX")), overrides=override)
    assert {(i.code, i.segment, i.element) for i in issues} == {
        ("segment_missing", "REF", ""),
        ("element_invalid_code", "PO1", "PO103"),
    }
    assert check(po("REF*DP*038"), overrides=override) == []


def test_override_marks_an_element_not_used():
    override = {"partner": "ACME", "version": 1, "elements": {"BEG04": {"usage": "N"}}}
    issue = only(
        check(po(head="ST*850*0001\nBEG*00*SA*PO1*R1*20240105\n"), overrides=override), "element_not_used"
    )
    assert issue.element == "BEG04"


def test_unknown_set_or_version_is_a_warning_not_a_crash():
    issue = only(validation.validate(build("ST*999*1\nSE*2*1"), "X12", "003010"))
    assert (issue.code, issue.severity) == ("no_guide", "warning")


def test_raise_for_blocks_with_the_core_error():
    from odoo.addons.integration_core.lib.exceptions import ValidationFailed

    issues = check(po(head="ST*850*0001\nBEG*00*SA***20240105\n"))
    with pytest.raises(ValidationFailed) as caught:
        validation.raise_for(issues)
    assert "BEG03" in str(caught.value)
    validation.raise_for([])  # nothing to block


DESADV = """
UNH+1+DESADV:D:96A:UN:EAN005
BGM+351+ASN1+9
DTM+137:20240105:102
{levels}
UNT+9+1
"""


def desadv(*levels):
    transaction = build(
        DESADV.format(levels="\n".join(levels)), element="+", component=":", repetition="\x00"
    )
    return validation.validate(transaction, "EDIFACT", "D:96A:UN:EAN005")


def test_desadv_packing_hierarchy_cps_is_checked_like_hl():
    consignment = [
        "CPS+1",
        "CPS+2+1",
        "PAC+1++201",
        "PCI+33E",
        "GIN+BJ+354123450000000014",
        "LIN+1++5412345678908:EN",
        "QTY+12:10",
    ]
    assert desadv(*consignment) == []
    issue = only(desadv("CPS+1", "CPS+2+7"), "hierarchy")
    assert (issue.element, issue.contrl_code) == ("CPS02", "12")
    assert "not an earlier CPS" in issue.message
    numbering = only(desadv("CPS+1", "CPS+3+1"), "hierarchy")
    assert numbering.element == "CPS01"


def test_a_segment_the_partner_does_not_use_is_reported_where_it_is():
    override = {"partner": "ACME", "version": 1, "segments": {"CUR": {"usage": "N"}}}
    issue = only(check(po("CUR*BY*USD"), overrides=override), "segment_not_used")
    assert (issue.ack_code, issue.segment, issue.set_position) == ("2", "CUR", 3)


def test_edifact_dates_follow_their_format_qualifier():
    def dated(dtm):
        text = ORDERS.format(lines="LIN+1++5412345678908:EN").replace("DTM+137:20240105:102", dtm)
        transaction = build(text, element="+", component=":", repetition="\x00")
        return validation.validate(transaction, "EDIFACT", "D:96A:UN:EAN008")

    for good in (
        "DTM+137:20240229:102",
        "DTM+2:202401051530:203",
        "DTM+2:202402:616",
        "DTM+2:20240101-20240131:718",
    ):
        assert dated(good) == [], good
    issue = only(dated("DTM+137:20230229:102"), "element_invalid_date")
    assert (issue.element, issue.element_position, issue.component_position, issue.contrl_code) == (
        "DTM01-02",
        1,
        2,
        "12",
    )
    assert "CCYYMMDD" in issue.message
    assert only(dated("DTM+2:202401052460:203")).code == "element_invalid_date"
    assert only(dated("DTM+2:20240105:203")).code == "element_invalid_date"  # too short for its format


def test_acknowledgement_groups_issues_per_segment_for_ak3_ak4():
    transaction = po("CUR*BY*USD", "CUR*SE*US", "ZZZ*1", head="ST*850*0001\nBEG*00*SA***2024010\n")
    ack = validation.acknowledgement(check(transaction))
    assert ack["status"] == "R" and ack["syntax_errors"] == ["5"]
    rows = [
        (s["segment"], s["set_position"], s["code"], [(e["position"], e["code"]) for e in s["elements"]])
        for s in ack["segments"]
    ]
    assert rows == [
        ("BEG", 2, "8", [(3, "1"), (5, "4")]),  # BEG03 missing, BEG05 too short
        ("CUR", 4, "5", [(2, "4")]),  # over its maximum use, and CUR02 too short
        ("ZZZ", 5, "1", []),
    ]
    assert validation.acknowledgement(check(po())) == {"status": "A", "syntax_errors": [], "segments": []}
