"""Guides as data: every guide loads and compiles; partner overrides load,
apply, carry their version, and are refused when they name what the guide
does not have."""

import json

import pytest
from edi_split import build

from odoo.addons.channel_edi.lib import validation
from odoo.addons.channel_edi.lib.validation import GuideError, guide_for, load_guide

GUIDE_FILES = sorted(
    path
    for path in validation.GUIDES_DIR.glob("*/*/*.json")
    if path.name not in ("segments.json", "aliases.json")
)

ORDER = """
ST*850*0001
BEG*00*SA*PO123**20240105
REF*DP*038
N1*ST*STORE 12*92*0012
PO1*1*10*EA*2.50**UP*012345678905
REF*IA*PROMO1
CTT*1
SE*8*0001
"""

ACME = {
    "partner": "ACME",
    "version": 3,
    "base": "x12/004010/850",
    "segments": {"REF": {"usage": "M"}, "PO1/REF": {"max": 1}},
    "elements": {"PO103": {"codes": ["EA", "CA"]}, "REF01": {"codes": ["DP", "IA"]}},
    "loops": {"N1": {"usage": "M", "max": 2}},
}


@pytest.mark.parametrize(
    "path", GUIDE_FILES, ids=lambda p: f"{p.parent.parent.name}/{p.parent.name}/{p.stem}"
)
def test_every_guide_loads_and_compiles(path):
    standard, version, set_id = path.parent.parent.name, path.parent.name, path.stem
    guide = load_guide(standard, version, set_id)
    compiled = guide.compiled()
    assert compiled.root.entries, guide
    assert guide.set_id == set_id


def test_the_sets_the_issue_needs_are_there():
    for version in ("004010", "005010"):
        for set_id in ("850", "855", "856", "810", "860", "997", "940", "945", "943", "944", "846", "947"):
            assert load_guide("x12", version, set_id)
    assert load_guide("x12", "005010", "999")
    for set_id in ("ORDERS", "ORDRSP", "DESADV", "INVOIC", "ORDCHG", "CONTRL"):
        assert load_guide("edifact", "D96A", set_id)


def test_versions_map_to_guide_folders():
    assert validation.guide_version("X12", "004010VICS") == "004010VICS"
    assert validation.guide_version("X12", "005010X231A1") == "005010"
    assert validation.guide_version("EDIFACT", "D:96A:UN:EAN008") == "D96A"
    # 004010VICS has no 997 of its own: 004010's
    assert guide_for("X12", "004010VICS", "997").key == "x12/004010/997"
    assert guide_for("X12", "004010VICS", "856").key == "x12/004010VICS/856"


def test_a_derived_guide_refines_its_base():
    plain, vics = load_guide("x12", "004010", "856"), load_guide("x12", "004010VICS", "856")
    assert vics.structure is plain.structure  # shared, not copied
    assert vics.hierarchy["HL"]["parents"]["O"] == ["S"]
    assert "T" in plain.hierarchy["HL"]["parents"]["P"] and "S" in plain.hierarchy["HL"]["parents"]["P"]


def test_005010_uses_its_own_dictionary():
    guide = load_guide("x12", "005010", "850")
    assert len(guide.dictionary.segments["ST"][1]) == 3  # ST03 implementation convention
    assert len(load_guide("x12", "004010", "850").dictionary.segments["ST"][1]) == 2


# --- overrides ------------------------------------------------------------------------------


def test_override_applies_and_keeps_its_version():
    base = load_guide("x12", "004010", "850")
    guide = base.with_overrides(ACME)
    assert guide.applied == (("ACME", 3),)
    assert base.applied == ()  # the base guide is untouched
    assert guide.segments["REF"] == {"usage": "M"}
    assert "ACME v3" in repr(guide)
    assert guide.validate(build(ORDER)) == []


def test_override_rules_take_effect():
    text = ORDER.replace("REF*DP*038\n", "").replace("N1*ST*STORE 12*92*0012\n", "")
    text = text.replace("REF*IA*PROMO1", "REF*PD*PROMO1\nREF*IA*X")
    issues = validation.validate(build(text), "X12", "004010", overrides=ACME)
    found = {(i.code, i.segment, i.element) for i in issues}
    assert ("segment_missing", "REF", "") in found  # heading REF made mandatory
    assert ("segment_missing", "N1", "") in found  # N1 loop made mandatory
    assert ("segment_max_use", "REF", "") in found  # PO1/REF at most once
    assert ("element_invalid_code", "REF", "REF01") in found  # PD is not in ACME's list
    # without the override the same set is valid
    assert validation.validate(build(text), "X12", "004010") == []


def test_a_newer_override_version_replaces_the_rules():
    v4 = dict(ACME, version=4, elements={"PO103": {"codes": ["CA"]}})
    issues = validation.validate(build(ORDER), "X12", "004010", overrides=v4)
    assert [(i.code, i.element) for i in issues] == [("element_invalid_code", "PO103")]
    assert guide_for("X12", "004010", "850", v4).applied == (("ACME", 4),)


def test_overrides_stack_in_order():
    first = {"partner": "ACME", "version": 1, "elements": {"PO103": {"codes": ["EA"]}}}
    second = {"partner": "ACME-EAST", "version": 2, "elements": {"PO103": {"codes": ["CA"]}}}
    guide = load_guide("x12", "004010", "850").with_overrides(first, second)
    assert guide.applied == (("ACME", 1), ("ACME-EAST", 2))
    assert guide.elements["PO103"]["codes"] == ["CA"]


def test_override_from_a_file(tmp_path):
    path = tmp_path / "acme-850-v3.json"
    path.write_text(json.dumps(ACME))
    guide = load_guide("x12", "004010", "850").with_overrides(str(path))
    assert guide.applied == (("ACME", 3),)
    (tmp_path / "broken.json").write_text("{not json")
    with pytest.raises(GuideError, match="broken.json"):
        load_guide("x12", "004010", "850").with_overrides(tmp_path / "broken.json")


@pytest.mark.parametrize(
    "override, message",
    [
        ({"segments": {"ZZZ": {"usage": "M"}}}, "segment ZZZ is not in x12/004010/850"),
        ({"segments": {"SCH": {"usage": "M"}}}, "name the loop it is in"),
        ({"segments": {"PO1/ZZZ": {"usage": "M"}}}, "segment PO1/ZZZ"),
        ({"elements": {"BEG99": {"usage": "M"}}}, "BEG has 12 elements"),
        ({"elements": {"ZZZ01": {"usage": "M"}}}, "segment ZZZ is not in"),
        ({"elements": {"BEG": {"usage": "M"}}}, "not an element reference"),
        ({"elements": {"BEG03-01": {"usage": "M"}}}, "not a composite"),
        ({"elements": {"PO103": {"codes": "EA"}}}, "codes must be a list"),
        ({"elements": {"PO103": {"colour": "red"}}}, "unknown fields"),
        ({"loops": {"ZZ": {"max": 1}}}, "loop ZZ is not in"),
        ({"loops": {"N1": {"max": "many"}}}, "max must be a number"),
        ({"segments": {"REF": {"usage": "Q"}}}, "usage 'Q'"),
        ({"hierarchy": {"N1": {"bogus": 1}}}, "unknown fields"),
        ({"base": "x12/004010/856"}, "made for x12/004010/856"),
        ({"version": "three"}, "version must be a number"),
        ({"colour": "red"}, "unknown keys"),
    ],
)
def test_override_naming_what_the_guide_lacks_is_refused_at_load(override, message):
    override = {"partner": "ACME", "version": 1, **override}
    with pytest.raises(GuideError, match=message):
        load_guide("x12", "004010", "850").with_overrides(override)


def test_override_for_004010_fits_004010vics_and_skips_other_sets():
    assert guide_for("X12", "004010VICS", "850", ACME).applied == (("ACME", 3),)
    # validate_file applies each override only to the set its base names
    assert guide_for("X12", "004010", "810", [ACME]).applied == ()


def test_effective_guides_are_compiled_once():
    one = guide_for("X12", "004010", "850", ACME)
    assert guide_for("X12", "004010", "850", dict(ACME)) is one
    assert one.compiled() is one.compiled()


def test_bad_guide_data_is_a_clear_error(tmp_path, monkeypatch):
    from odoo.addons.channel_edi.lib.validation import guide as guide_module

    folder = tmp_path / "x12" / "004010"
    folder.mkdir(parents=True)
    (folder / "segments.json").write_text((validation.GUIDES_DIR / "x12/004010/segments.json").read_text())
    (folder / "123.json").write_text(json.dumps({"set": "123", "structure": ["ST M 1", "QQQ M 1", "SE M 1"]}))
    (folder / "124.json").write_text(json.dumps({"set": "124", "structure": ["ST M one", "SE M 1"]}))
    monkeypatch.setattr(guide_module, "GUIDES_DIR", tmp_path)
    monkeypatch.setattr(guide_module, "_DICTIONARIES", {})
    monkeypatch.setattr(guide_module, "_GUIDES", {})
    with pytest.raises(GuideError, match="segment QQQ is not in the x12 004010 dictionary"):
        guide_module.load_guide("x12", "004010", "123")
    with pytest.raises(GuideError, match="maximum 'one'"):
        guide_module.load_guide("x12", "004010", "124")
    with pytest.raises(GuideError, match="no guide for x12/004010/125"):
        guide_module.load_guide("x12", "004010", "125")


def test_hierarchy_override_changes_only_the_levels_it_names():
    # this partner packs items in packs only: I under P, never directly under O
    override = {"partner": "ACME", "version": 1, "hierarchy": {"HL": {"parents": {"I": ["P"]}}}}
    guide = load_guide("x12", "004010VICS", "856").with_overrides(override)
    parents = guide.hierarchy["HL"]["parents"]
    assert parents["I"] == ["P"] and parents["O"] == ["S"]
    text = "ST*856*0001\nBSN*00*SHIP1*20240105*1200*0001\nHL*1**S\nHL*2*1*O\nHL*3*2*I\nSE*6*0001"
    issues = guide.validate(build(text))
    assert [(i.code, i.element) for i in issues] == [("hierarchy", "HL03")]
    assert load_guide("x12", "004010VICS", "856").validate(build(text)) == []
