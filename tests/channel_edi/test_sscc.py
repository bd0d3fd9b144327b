"""GS1 check digits, SSCC-18 allocation and parsing, GS1-128 element strings.

Known-good numbers are GS1's own published examples:

- SSCC 106141411234567897 (GS1 General Specifications and GS1 Digital Link
  examples: extension 1, GS1 Company Prefix 0614141, serial 123456789);
- GTIN 09521234543213 (GS1 Digital Link examples) and 09506000134352 (GS1
  Digital Link standard);
- GTIN-13 6291041500213 (GS1 check digit calculator's worked example).
"""

import pytest

from odoo.addons.channel_edi.lib import sscc

GS1_SSCC = "106141411234567897"


@pytest.mark.parametrize(
    "body, digit",
    [
        ("10614141123456789", "7"),  # SSCC
        ("0952123454321", "3"),  # GTIN-14
        ("0950600013435", "2"),  # GTIN-14
        ("629104150021", "3"),  # GTIN-13
        ("9521234", "0"),  # GTIN-8 body: 7 digits
    ],
)
def test_check_digit_of_gs1_examples(body, digit):
    assert sscc.check_digit(body) == digit
    assert sscc.with_check_digit(body) == body + digit


def test_check_digit_weights_from_the_right():
    # same digits, one more leading zero: GTIN-12 and its GTIN-13 form agree
    assert sscc.check_digit("03600029145") == sscc.check_digit("003600029145") == "2"


@pytest.mark.parametrize(
    "code", ["09521234543213", "09506000134352", "6291041500213", "036000291452", "95212340"]
)
def test_valid_gtins(code):
    assert sscc.validate_gtin(code) == code
    assert sscc.is_valid(code)


def test_gtin14_pads():
    assert sscc.gtin14("6291041500213") == "06291041500213"


@pytest.mark.parametrize(
    "code, message",
    [
        ("09521234543214", "check digit 4 is wrong, it should be 3"),
        ("0952123454321", "check digit 1 is wrong, it should be 4"),  # a GTIN-14 cut short
        ("095212345432", "check digit 2 is wrong, it should be 8"),
        ("0952A23454321", "only digits"),
        ("", "empty"),
        ("123456789", "9 digits, expected 8 or 12 or 13 or 14"),
    ],
)
def test_invalid_gtins_say_why(code, message):
    with pytest.raises(sscc.InvalidKey) as caught:
        sscc.validate_gtin(code)
    assert message in str(caught.value)
    assert not sscc.is_valid(code, sscc.GTIN_LENGTHS)


def test_gln():
    gln = sscc.with_check_digit("061414100001")
    assert sscc.validate_gln(gln) == gln
    with pytest.raises(sscc.InvalidKey, match="GLN"):
        sscc.validate_gln(gln[:-1] + str((int(gln[-1]) + 1) % 10))


def test_validate_sscc_accepts_the_forms_partners_write():
    assert sscc.validate_sscc(GS1_SSCC) == GS1_SSCC
    assert sscc.validate_sscc("(00)" + GS1_SSCC) == GS1_SSCC
    assert sscc.validate_sscc("(00) 1 0614141 123456789 7") == GS1_SSCC
    assert sscc.validate_sscc("00" + GS1_SSCC) == GS1_SSCC  # MAN02 "SSCC-18 and Application Identifier"


@pytest.mark.parametrize(
    "code, message",
    [
        ("106141411234567898", "check digit 8 is wrong, it should be 7"),
        ("10614141123456789", "17 digits, expected 18"),
        ("1061414112345678970", "19 digits"),
        ("10614141123456789X", "only digits"),
        (None, "empty"),
    ],
)
def test_invalid_sscc_refused_with_the_reason(code, message):
    with pytest.raises(sscc.InvalidKey) as caught:
        sscc.validate_sscc(code)
    assert message in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_next_sscc_builds_gs1_example():
    assert sscc.next_sscc(1, "0614141", 123456789) == GS1_SSCC
    assert sscc.next_sscc("1", "0614141", "123456789") == GS1_SSCC


def test_next_sscc_pads_serial_to_17_digits():
    code = sscc.next_sscc(0, "0614141", 1)
    assert code == sscc.with_check_digit("00614141000000001")
    assert len(code) == 18 and sscc.is_valid(code)


@pytest.mark.parametrize(
    "prefix, capacity", [("0614141", 10**9), ("061414199", 10**7), ("0614141999", 10**6)]
)
def test_serial_capacity(prefix, capacity):
    assert sscc.serial_capacity(prefix) == capacity
    assert sscc.is_valid(sscc.next_sscc(9, prefix, capacity - 1))
    with pytest.raises(sscc.InvalidKey, match="out of range"):
        sscc.next_sscc(9, prefix, capacity)


@pytest.mark.parametrize(
    "args, message",
    [
        ((10, "0614141", 1), "extension digit"),
        (("a", "0614141", 1), "extension digit"),
        ((1, "061", 1), "GS1 Company Prefix"),
        ((1, "0614141X", 1), "GS1 Company Prefix"),
        ((1, "0614141", -1), "out of range"),
        ((1, "0614141", "12a"), "whole number"),
    ],
)
def test_next_sscc_refuses_bad_input(args, message):
    with pytest.raises(sscc.InvalidKey, match=message):
        sscc.next_sscc(*args)


def test_parse_sscc():
    parts = sscc.parse_sscc(GS1_SSCC, prefix="0614141")
    assert (parts.extension, parts.company_prefix, parts.serial_reference, parts.check_digit) == (
        "1",
        "0614141",
        "123456789",
        "7",
    )
    assert parts.reference == "0614141123456789"
    unknown = sscc.parse_sscc("(00)" + GS1_SSCC)
    assert unknown.company_prefix is None and unknown.serial_reference is None
    assert sscc.parse_sscc(GS1_SSCC, prefix_length=9).serial_reference == "3456789"
    with pytest.raises(sscc.InvalidKey, match="not under"):
        sscc.parse_sscc(GS1_SSCC, prefix="0614142")


def test_round_trip_next_and_parse():
    for serial in (0, 1, 42, 999999999):
        code = sscc.next_sscc(3, "0614141", serial)
        parts = sscc.parse_sscc(code, prefix="0614141")
        assert int(parts.serial_reference) == serial and parts.extension == "3"


def test_element_string_of_a_carton_label():
    assert sscc.sscc_element_string(GS1_SSCC) == "(00)106141411234567897"
    fields = sscc.carton_label_fields(
        GS1_SSCC, gtin="09521234543213", count="24", po_number="PO-4711", ship_to_postal_code="10001"
    )
    assert (
        sscc.element_string(fields) == "(00)106141411234567897(02)09521234543213(37)24(400)PO-4711(420)10001"
    )
    # in the symbol, (37) and (400) are variable length and not last: each ends with GS
    assert sscc.barcode_data(fields) == (
        "00106141411234567897" "0209521234543213" "3724\x1d" "400PO-4711\x1d" "42010001"
    )


def test_element_string_checks_values():
    with pytest.raises(sscc.InvalidKey, match="check digit"):
        sscc.element_string([("00", "106141411234567898")])
    with pytest.raises(sscc.InvalidKey, match="go together"):
        sscc.element_string([("00", GS1_SSCC), ("02", "09521234543213")])
    with pytest.raises(sscc.InvalidKey, match="at most 8"):
        sscc.element_string([("00", GS1_SSCC), ("02", "09521234543213"), ("37", "123456789")])
    with pytest.raises(sscc.InvalidKey, match="character set 82"):
        sscc.element_string([("00", GS1_SSCC), ("400", "PO #1")])
    with pytest.raises(sscc.InvalidKey, match="not supported"):
        sscc.element_string([("99", "x")])
