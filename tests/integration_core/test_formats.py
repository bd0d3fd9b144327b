"""Payload formats: parse, pretty view and masking (lib/formats.py).

Contract tests read public samples (``../shared/fixtures/edi``, see its
README and licences) unchanged, and assert what the standards say they hold."""

import json
from pathlib import Path

import pytest

from odoo.addons.integration_core.lib import formats
from odoo.addons.integration_core.lib.exceptions import ValidationFailed
from odoo.addons.integration_core.lib.topics import PAYLOAD_FORMATS

# the public samples live beside the repository, not in it (like Shopify's)
EDI_DIR = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "edi"


@pytest.fixture(scope="session")
def edi_dir():
    if not EDI_DIR.is_dir():
        pytest.skip(f"EDI sample fixtures not found at {EDI_DIR} (they live outside the repo)")
    return EDI_DIR


def sample(edi_dir, name):
    return (edi_dir / name).read_bytes()


def test_every_declared_format_has_its_steps():
    assert set(formats.FORMATS) == set(PAYLOAD_FORMATS)
    assert set(formats.EXTENSIONS) == set(PAYLOAD_FORMATS)


def test_unknown_format_is_refused():
    with pytest.raises(ValidationFailed, match="Unknown payload format 'yaml'"):
        formats.parse("yaml", b"a: 1")


# --- JSON --------------------------------------------------------------------------


def test_json_parse_pretty_and_mask():
    body = b'{"customer": {"id": 7, "email": "jane@example.com", "name": "Jane"}, "sku": "A"}'
    assert formats.parse("json", body)["sku"] == "A"
    shown = formats.pretty("json", body, masked=True)
    assert "Jane" not in shown and "j***@example.com" in shown and '"id": 7' in shown
    assert '"name": "Jane"' in formats.pretty("json", body)
    assert "jane@" not in formats.mask("json", body)


def test_json_error_names_the_position():
    with pytest.raises(ValidationFailed, match="line 2, column 7"):
        formats.parse("json", b'{"a": 1,\n "b": }')


# --- X12 ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "staedi/x12_simple810.edi",
        "staedi/x12_invoice810_po850_dual.edi",
        "staedi/x12_simple997.edi",
        "staedi/x12_invalid997.edi",  # a valid interchange rejecting another one
        "staedi/x12_simple999.edi",
        "staedi/x12_simple997-multiple-interchanges.edi",
    ],
)
def test_x12_samples_parse(edi_dir, name):
    interchange = formats.parse("x12", sample(edi_dir, name))
    tags = [segment.tag for segment in interchange.segments()]
    assert tags[0] == "ISA" and tags[-1] == "IEA"
    assert tags.count("ST") == tags.count("SE") >= 1
    assert interchange.problems == []


def test_x12_separators_come_from_the_isa_header(edi_dir):
    interchange = formats.parse("x12", sample(edi_dir, "staedi/x12_invalid997.edi"))
    seps = interchange.separators
    assert (seps.element, seps.component, seps.segment, seps.repetition) == ("*", ":", "~", "^")
    # version 00401 has no repetition separator: ISA11 is the standards id 'U'
    seps = formats.parse("x12", sample(edi_dir, "staedi/x12_simple810.edi")).separators
    assert (seps.element, seps.component, seps.segment, seps.repetition) == ("*", ">", "~", None)


def test_x12_two_invoices_with_their_contents(edi_dir):
    interchange = formats.parse("x12", sample(edi_dir, "staedi/x12_simple810.edi"))
    segments = list(interchange.segments())
    sets = [s for s in segments if s.tag == "ST"]
    assert [s.element(1) for s in sets] == ["810", "810"]
    n1 = next(s for s in segments if s.tag == "N1")
    assert n1.elements == ["ST", "BUYSNACKS PORT", "9", "1223334445"]
    assert n1.number == 5


def test_x12_pretty_one_segment_per_line_separators_as_they_are(edi_dir):
    body = sample(edi_dir, "staedi/x12_simple810.edi")
    shown = formats.pretty("x12", body)
    lines = shown.splitlines()
    assert lines[0] == "# X12: element separator '*', component separator '>', segment terminator '~'"
    assert lines[1].startswith("ISA*00*          *00*") and lines[1].endswith("*>~")
    assert "N1*ST*BUYSNACKS PORT*9*1223334445~" in lines
    assert len(lines) == 1 + body.count(b"~")


def test_x12_pretty_of_a_single_line_file_splits_segments():
    isa = "ISA*00*          *00*          *ZZ*A              *ZZ*B              *240101*1200*U*00401*000000001*0*P*>"
    body = f"{isa}~GS*IB*A*B*20240101*1200*1*X*004010~ST*846*0001~BIA*00*MB*1*20240101~SE*3*0001~GE*1*1~IEA*1*000000001~"
    lines = formats.pretty("x12", body.encode()).splitlines()
    assert lines[3] == "ST*846*0001~" and len(lines) == 8


def test_x12_masks_names_addresses_and_contacts(edi_dir):
    shown = formats.pretty("x12", sample(edi_dir, "staedi/x12_simple810.edi"), masked=True)
    for personal in ("BUYSNACKS", "SAMPLE HIGHWAY", "ATHENS", "30603", "P.O. BOX", "TEMPLE", "FOODSELLER"):
        assert personal not in shown
    # the element separator is '*': the mask is written so it cannot add elements
    assert "N1*ST*XXX*9*1223334445~" in shown
    assert "N4*XXX*GA*XXX~" in shown  # state stays
    assert "PID*F****CRUNCHY CHIPS LSS~" in shown  # products stay


def test_x12_masks_per_contacts_by_their_qualifier():
    isa = "ISA*00*          *00*          *ZZ*A              *ZZ*B              *240101*1200*U*00401*000000001*0*P*>"
    body = (
        f"{isa}~GS*PO*A*B*20240101*1200*1*X*004010~ST*850*0001~"
        "PER*BD*JANE BUYER*TE*5550142*EM*jane@example.com~N2*ACME RECEIVING~SE*4*0001~GE*1*1~IEA*1*000000001~"
    )
    shown = formats.pretty("x12", body.encode(), masked=True)
    assert "PER*BD*XXX*TE*XXX42*EM*jXXX@example.com~" in shown
    assert "N2*XXX~" in shown
    assert "JANE" not in formats.mask("x12", body.encode())


@pytest.mark.parametrize(
    "body, message",
    [
        (b"GS*IN*A*B~", "must start with an ISA segment"),
        (b"ISA*00*short~", "ISA segment is 13 characters long"),
        (
            b"ISA*00*          *00*          *ZZ*A              *ZZ*B              *240101*1200*U*00401*000000001*0*P*>~"
            b"ST*846*0001~bad segment~SE*3*0001~",
            "segment 3 at offset 118: 'bad segment' is not a segment tag",
        ),
        (
            b"ISA*00*          *00*          *ZZ*A              *ZZ*B              *240101*1200*U*00401*000000001*0*P*>~"
            b"ST*846*0001~BIA*00",
            r"segment 3 at offset 118 \('BIA\*00'\) is not terminated",
        ),
        (
            b"ISA*00*          *00*          *ZZ*A              *ZZ*B              *240101*1200*U*00401*000000001*0*P*>~"
            b"ST*846*0001~BIA*00~IEA*1*000000001~",
            "transaction set opened at segment 2 has no SE",
        ),
        (b"ISA*00*\xff", "not UTF-8 text at byte 7"),
    ],
)
def test_x12_bad_input_names_where(body, message):
    with pytest.raises(ValidationFailed, match=message):
        formats.parse("x12", body)


def test_x12_wrong_control_count_is_noted_not_fatal():
    isa = "ISA*00*          *00*          *ZZ*A              *ZZ*B              *240101*1200*U*00401*000000001*0*P*>"
    body = f"{isa}~ST*846*0001~SE*9*0002~IEA*1*000000001~".encode()
    interchange = formats.parse("x12", body)
    assert interchange.problems == [
        "segment 3 (SE of the transaction set opened at segment 2) counts '9' segments, the transaction set has 2",
        "segment 3: SE control number '0002' is not the ST's '0001'",
    ]


# --- EDIFACT -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "staedi/EDIFACT_invoic_d97b.edi",
        "staedi/EDIFACT_invoic_d97b_una.edi",
        "staedi/EDIFACT_orders-with-group.edi",
        "pydifact/invoice1.edi",
        "pydifact/order.edi",
        "pydifact/wikipedia_en.edi",
        "pydifact/messages_v4_aperak.edi",
        "pydifact/messages_v4_aperak_rejected.edi",
    ],
)
def test_edifact_samples_parse(edi_dir, name):
    interchange = formats.parse("edifact", sample(edi_dir, name))
    tags = [segment.tag for segment in interchange.segments()]
    assert "UNH" in tags and "UNT" in tags


def test_edifact_una_gives_the_separators(edi_dir):
    interchange = formats.parse("edifact", sample(edi_dir, "staedi/EDIFACT_invoic_d97b_una.edi"))
    seps = interchange.separators
    assert (seps.component, seps.element, seps.decimal, seps.release, seps.segment) == (
        "=",
        "*",
        ".",
        "?",
        "~",
    )
    unb = next(interchange.segments())
    # '?' releases the '4' in '006?415160' (it is not a separator: kept as written)
    assert unb.tag == "UNB" and unb.components(3) == ["006415160", "1"]
    nad = next(s for s in interchange.segments() if s.tag == "NAD")
    assert nad.element(4) == "CUMMINS MID-RANGE ENGINE PLANT"


def test_edifact_defaults_without_una(edi_dir):
    interchange = formats.parse("edifact", sample(edi_dir, "pydifact/invoice1.edi"))
    seps = interchange.separators
    assert (seps.component, seps.element, seps.release, seps.segment) == (":", "+", "?", "'")
    nad = next(s for s in interchange.segments() if s.tag == "NAD")
    assert nad.components(2) == ["VAUXHALL MOTORS LTD", "", "91"]


def test_edifact_release_character_escapes_a_separator():
    body = b"UNA:+.? 'UNB+UNOA:3+A+B+240101:1200+1'UNH+1+ORDERS:D:96A:UN'FTX+AAI+++50?% OFF?+ MORE?'S'UNT+3+1'UNZ+1+1'"
    interchange = formats.parse("edifact", body)
    ftx = next(s for s in interchange.segments() if s.tag == "FTX")
    assert ftx.element(4) == "50% OFF+ MORE'S"
    assert interchange.problems == []  # the slow walk (release characters) counts the same
    assert "FTX+AAI+++50?% OFF?+ MORE?'S'" in formats.pretty("edifact", body)


def test_edifact_count_mismatch_is_noted(edi_dir):
    interchange = formats.parse("edifact", sample(edi_dir, "staedi/EDIFACT_orders-with-group.edi"))
    assert interchange.problems == [
        "segment 20 (UNT of the message opened at segment 3) counts '21' segments, the message has 18"
    ]


def test_edifact_pretty_one_segment_per_line(edi_dir):
    shown = formats.pretty("edifact", sample(edi_dir, "staedi/EDIFACT_invoic_d97b_una.edi"))
    lines = shown.splitlines()
    assert lines[0].startswith("# EDIFACT: element separator '*', component separator '='")
    assert lines[1] == "UNA=*.? ~"
    assert "NAD*BY*792820524==16**CUMMINS MID-RANGE ENGINE PLANT~" in lines


def test_edifact_masks_nad_cta_com(edi_dir):
    shown = formats.pretty("edifact", sample(edi_dir, "staedi/EDIFACT_invoic_d97b_una.edi"), masked=True)
    assert "CUMMINS" not in shown and "GENERAL WIDGET" not in shown
    assert "NAD*BY*792820524==16**XXX~" in shown  # party id stays, separators intact
    body = (
        b"UNB+UNOA:3+A+B+240101:1200+1'UNH+1+ORDERS:D:96A:UN'"
        b"NAD+DP+5412345000013::9++JANE DOE+1 MAIN ST+SPRINGFIELD++99999+US'"
        b"CTA+OC+:JANE DOE'COM+jane@example.com:EM'COM+0032 2 555 01 42:TE'UNT+6+1'UNZ+1+1'"
    )
    shown = formats.pretty("edifact", body, masked=True)
    for personal in ("JANE", "MAIN ST", "SPRINGFIELD", "99999", "jane@"):
        assert personal not in shown
    assert "NAD+DP+5412345000013::9++***+***+***++***+US'" in shown
    assert "COM+j***@example.com:EM'" in shown and "COM+***42:TE'" in shown
    assert "CTA+OC+:***'" in shown


@pytest.mark.parametrize(
    "body, message",
    [
        (b"XYZ+1'", "must start with UNA, UNB or UNH"),
        (b"UNA:+", "UNA service string advice is cut short"),
        (b"UNB+UNOA:3+A'UNH+1+X'bgm+1'UNT+3+1'", "segment 3 at offset 21: 'bgm' is not a segment tag"),
        (b"UNB+UNOA:3+A'UNH+1+X'BGM+1", r"segment 3 at offset 21 \('BGM\+1'\) is not terminated"),
        (b"UNB+UNOA:3+A'UNH+1+X'BGM+1'UNZ+1+1'", "message opened at segment 2 has no UNT"),
    ],
)
def test_edifact_bad_input_names_where(body, message):
    with pytest.raises(ValidationFailed, match=message):
        formats.parse("edifact", body)


# --- XML ---------------------------------------------------------------------------

XML = b"""<?xml version="1.0"?>
<order id="A1"><customer><id>7</id><name>Jane Doe</name><email>jane@example.com</email>
<country_code>FR</country_code></customer><line sku="W-1" phone="+1 555 0142"><qty>2</qty></line></order>"""


def test_xml_pretty_is_indented():
    shown = formats.pretty("xml", XML)
    assert "\n  <customer>\n    <id>7</id>" in shown
    assert formats.parse("xml", XML).get("id") == "A1"


def test_xml_masks_elements_attributes_and_personal_containers():
    shown = formats.pretty("xml", XML, masked=True)
    assert "Jane" not in shown and "<email>j***@example.com</email>" in shown
    assert "<name>***</name>" in shown  # inside <customer>
    assert "<id>7</id>" in shown and "<country_code>FR</country_code>" in shown
    assert 'phone="***42"' in shown and 'sku="W-1"' in shown
    assert "jane@" not in formats.mask("xml", XML)


def test_xml_does_not_expand_entities():
    laughs = b"""<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">
    <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><lolz>&lol2;</lolz>"""
    with pytest.raises(ValidationFailed, match="declare entities are refused"):
        formats.parse("xml", laughs)
    xxe = b"""<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>"""
    with pytest.raises(ValidationFailed, match="declare entities are refused"):
        formats.pretty("xml", xxe)


def test_xml_error_names_line_and_column():
    with pytest.raises(ValidationFailed, match=r"line 2, column \d+"):
        formats.parse("xml", b"<a>\n<b></a>")


# --- CSV ---------------------------------------------------------------------------

CSV = b"sku;qty;Email;City;note\nW-1;2;jane@example.com;Paris;first\nG-2;1;;Lyon;\n"


def test_csv_parse_and_table_view():
    table = formats.parse("csv", CSV)
    assert table.delimiter == ";" and table.header[0] == "sku"
    assert table.records()[0]["qty"] == "2"
    lines = formats.pretty("csv", CSV).splitlines()
    assert lines[0] == "sku | qty | Email            | City  | note"
    assert lines[1].startswith("----+-----+")
    assert lines[2] == "W-1 | 2   | jane@example.com | Paris | first"


def test_csv_masks_columns_by_header():
    shown = formats.pretty("csv", CSV, masked=True)
    assert "jane" not in shown and "Paris" not in shown and "j***@example.com" in shown
    assert "W-1" in shown
    assert formats.mask("csv", CSV).splitlines()[1] == "W-1;2;j***@example.com;***;first"


@pytest.mark.parametrize(
    "body, message",
    [
        (b"", "the file is empty"),
        (b"a,b\n1,2\n1,2,3\n", "line 3 has 3 fields, the header has 2"),
        (b'a,b\n"1,2\n', r"line \d+"),
        (b"a,b\n\xe9,1\n", "not UTF-8 text at byte 4"),
    ],
)
def test_csv_bad_input_names_the_line(body, message):
    with pytest.raises(ValidationFailed, match=message):
        formats.parse("csv", body)


# --- bytes -------------------------------------------------------------------------


def test_bytes_are_kept_and_summarised():
    body = bytes(range(256)) * 4
    assert formats.parse("bytes", body) is body
    shown = formats.pretty("bytes", body)
    assert shown.startswith("1,024 bytes, sha256 ")
    assert "00000000  00 01 02 03" in shown and "… 512 more bytes" in shown
    masked = formats.pretty("bytes", b"jane@example.com", masked=True)
    assert "jane" not in masked and "16 bytes" in masked


def test_decode_text():
    assert formats.decode_text("é".encode()) == "é"
    assert formats.decode_text(b"\xff") is None
    assert formats.decode_text(b"a\x00b") is None


# --- long payloads -----------------------------------------------------------------


def test_pretty_view_of_a_long_payload_is_cut():
    isa = "ISA*00*          *00*          *ZZ*A              *ZZ*B              *240101*1200*U*00401*000000001*0*P*>"
    lines = "".join(f"LIN**SK*SKU{i}~QTY*33*{i}~" for i in range(5000))
    body = f"{isa}~ST*846*0001~{lines}SE*10002*0001~IEA*1*000000001~".encode()
    shown = formats.pretty("x12", body, limit=50)
    assert len(shown.splitlines()) == 51
    assert shown.splitlines()[-1] == f"… (more not shown: the payload is {len(body):,} bytes)"
    assert json.dumps(formats.parse("x12", body).problems) == "[]"
