"""Public samples (../shared/fixtures/edi, read by the codec) against the
guides: the valid ones pass, the broken one fails where it is broken."""

import pytest
from conftest import FIXTURES_DIR

from odoo.addons.channel_edi.lib import codec, validation

EDI = FIXTURES_DIR / "edi"


def results(name):
    path = EDI / name
    if not path.is_file():
        pytest.skip(f"{path} not found (public samples live outside the repo)")
    edifile = codec.read(path.read_bytes())
    found = validation.validate_file(edifile)
    return [
        (transaction, found[id(transaction)])
        for interchange in edifile.interchanges
        for transaction in interchange.transactions()
    ]


def codes(issues):
    return [(i.code, i.element or i.segment) for i in issues]


@pytest.mark.parametrize(
    "name",
    [
        "staedi/x12_simple810.edi",
        "staedi/x12_simple997.edi",
        "staedi/x12_simple997-multiple-interchanges.edi",
        "staedi/x12_simple999.edi",
        "pydifact/order.edi",
    ],
)
def test_valid_samples_have_no_errors(name):
    sets = results(name)
    assert sets
    for transaction, issues in sets:
        assert issues == [], (transaction.type, [i.as_dict() for i in issues])


def test_the_810s_with_implied_decimals_are_valid():
    sets = results("staedi/x12_invoice810_po850_dual.edi")
    kinds = {t.type: issues for t, issues in sets}
    assert kinds["810"] == []
    # its 850 is version 003010, which has no guide: a warning, not an error
    assert codes(kinds["850"]) == [("no_guide", "ST")]
    assert validation.errors(kinds["850"]) == []


def test_invalid_997_has_its_known_problems():
    ((transaction, issues),) = results("staedi/x12_invalid997.edi")
    # AK1*HC NOT IN CODESET: a two-letter functional identifier made long;
    # AK4*8*66 NON NUMERIC: a data element number that is not a number
    assert codes(issues) == [("element_too_long", "AK101"), ("element_invalid_character", "AK402")]
    ak1, ak4 = issues
    assert (ak1.segment, ak1.set_position, ak1.ack_code, ak1.segment_ack_code) == ("AK1", 2, "5", "8")
    assert (ak4.segment, ak4.set_position, ak4.ack_code, ak4.value) == ("AK4", 5, "6", "66 NON NUMERIC")
    assert ak1.position == 4  # the file's fourth segment (ISA, GS, ST, AK1)


def test_edifact_samples_of_later_directories_use_the_d96a_guides_with_a_warning():
    for name in (
        "staedi/EDIFACT_invoic_d97b.edi",
        "staedi/EDIFACT_invoic_d97b_una.edi",
    ):
        ((transaction, issues),) = results(name)
        assert transaction.type == "INVOIC"
        assert codes(issues) == [("guide_alias", "UNH")], name
        assert validation.errors(issues) == []


def test_edifact_orders_with_group_has_an_overlong_association_code():
    ((transaction, issues),) = results("staedi/EDIFACT_orders-with-group.edi")
    # UNH+1+ORDERS:D:96B:UN:EAN008B: 0057 is an..6 and EAN008B has 7 characters
    assert codes(validation.errors(issues)) == [("element_too_long", "UNH02-05")]
    assert issues[-1].contrl_code == "39"


def test_messages_without_guides_are_warnings():
    for name in ("pydifact/wikipedia_en.edi", "pydifact/messages_v4_aperak.edi"):
        for _transaction, issues in results(name):
            assert [i.severity for i in issues] == ["warning"]


def test_pydifact_invoice_writes_date_times_under_a_date_format():
    ((transaction, issues),) = results("pydifact/invoice1.edi")
    # DTM+137:199910060000:102 and DTM+11:199909280000:102: twelve digits
    # where format 102 (CCYYMMDD) says eight
    errors = validation.errors(issues)
    assert codes(errors) == [("element_invalid_date", "DTM01-02")] * 2
    assert [e.value for e in errors] == ["199910060000", "199909280000"]
    assert [e.segment for e in errors] == ["DTM", "DTM"]


NODE_X12 = __import__("pathlib").Path(__file__).resolve().parent / "fixtures" / "node-x12"


def test_node_x12_vics_orders_and_acknowledgement_are_valid():
    from odoo.addons.channel_edi.lib import codec as edi_codec

    for name, kind, version in (
        ("850.edi", "850", "004010VICS"),
        ("850_2.edi", "850", "004010VICS"),
        ("855.edi", "855", "004010"),
    ):
        edifile = edi_codec.read((NODE_X12 / name).read_bytes())
        found = validation.validate_file(edifile)
        ((transaction,),) = [list(i.transactions()) for i in edifile.interchanges]
        assert (transaction.type, edifile.interchanges[0].groups[0].version) == (kind, version)
        assert found[id(transaction)] == [], [i.as_dict() for i in found[id(transaction)]]
