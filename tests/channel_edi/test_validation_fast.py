"""The fast check (fastcheck.py) never says valid where the detailed checks
find a problem: both give the same issues on every sample and on thousands of
damaged copies of them (seeded, so a failure repeats)."""

import random
from pathlib import Path

import pytest
from conftest import FIXTURES_DIR

from odoo.addons.channel_edi.lib import codec, validation

SAMPLES = [
    FIXTURES_DIR / "edi" / "staedi" / "x12_simple810.edi",
    FIXTURES_DIR / "edi" / "staedi" / "x12_invoice810_po850_dual.edi",
    FIXTURES_DIR / "edi" / "staedi" / "x12_simple997.edi",
    FIXTURES_DIR / "edi" / "staedi" / "x12_simple999.edi",
    Path(__file__).resolve().parent / "fixtures" / "node-x12" / "850.edi",
    Path(__file__).resolve().parent / "fixtures" / "node-x12" / "855.edi",
]
ORDER = (
    "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *240105*1200*U*00401*000000001*0*P*>~"
    "GS*PO*SENDER*RECEIVER*20240105*1200*1*X*004010~ST*850*0001~BEG*00*SA*PO1**20240105~CUR*BY*USD~"
    "REF*DP*038~PER*BD*JANE*TE*5551234~DTM*002*20240110*1200~N1*ST*STORE*92*0012~N3*1 MAIN ST~"
    "N4*ANYTOWN*NY*12345*US~PO1*1*10*EA*2.50**UP*012345678905*VN*AB-1~PID*F****BLUE~PO4*4*4*EA~"
    "SCH*4*EA***002*20240112~TD1*CTN*1****G*10*LB~CTT*1*10~SE*17*0001~GE*1*1~IEA*1*000000001~"
)
DAMAGE = ["", "A", "9", "-", ".", ",", " ", "X" * 30, "0" * 9, "20241340", "\x01", "*", "EA", "-1.5"]


def sets(data):
    edifile = codec.read(data)
    for interchange in edifile.interchanges:
        for group in interchange.groups:
            for transaction in group.transactions:
                yield transaction, transaction.version or group.version


def both(transaction, version):
    try:
        guide = validation.guide_for("X12", version, transaction.type)
    except validation.GuideError:
        return None, None
    compiled = guide.compiled()
    fast = [i.as_dict() for i in compiled.validate(transaction)]
    for segment in transaction.segments:  # make them split: the detailed path only
        segment.elements  # noqa: B018
    detailed = [i.as_dict() for i in compiled.validate(transaction, fast=False)]
    return fast, detailed


def sample_texts():
    texts = [ORDER]
    for path in SAMPLES:
        if path.is_file():
            texts.append(path.read_bytes().decode("latin-1"))
    return texts


def test_fast_and_detailed_agree_on_the_samples():
    for text in sample_texts():
        for transaction, version in sets(text.encode("latin-1")):
            fast, detailed = both(transaction, version)
            assert fast == detailed


@pytest.mark.parametrize("seed", range(4))
def test_fast_and_detailed_agree_on_damaged_copies(seed):
    rng = random.Random(seed)
    compared = flagged = 0
    for text in sample_texts():
        terminator = text[105] if text.startswith("ISA") else "~"
        segments = text.split(terminator)
        for _round in range(60):
            damaged = list(segments)
            index = rng.randrange(2, max(3, len(damaged) - 3))
            elements = damaged[index].split("*")
            if len(elements) < 2:
                continue
            position = rng.randrange(1, len(elements) + 1)
            value = rng.choice(DAMAGE)
            if position == len(elements):
                elements.append(value)
            else:
                elements[position] = value
            damaged[index] = "*".join(elements)
            try:
                read = list(sets(terminator.join(damaged).encode("latin-1")))
            except Exception:  # noqa: BLE001 - an envelope the codec refuses: nothing to compare
                continue
            for transaction, version in read:
                fast, detailed = both(transaction, version)
                assert fast == detailed, (damaged[index], fast, detailed)
                compared += 1
                flagged += bool(fast)
    assert compared > 100 and flagged > 30  # the damage is found, the same way by both


def test_random_segments_never_crash():
    from odoo.addons.channel_edi.lib import tree

    rng = random.Random(7)
    tags = [
        "ST",
        "BEG",
        "PO1",
        "PID",
        "SCH",
        "N1",
        "HL",
        "CTT",
        "SE",
        "ZZ",
        "",
        "po1",
        "REF",
        "MEA",
        "CTP",
        "DTM",
    ]
    values = ["", "1", "EA", "-", ".", "20240230", "X" * 90, ">", "A>B>C", "\x00", "0001", "S", "I"]
    for _round in range(300):
        segments = [
            tree.Segment(
                rng.choice(tags),
                [
                    [[rng.choice(values) for _c in range(rng.randint(1, 3))]]
                    for _e in range(rng.randint(0, 14))
                ],
            )
            for _s in range(rng.randint(0, 12))
        ]
        transaction = tree.Transaction(rng.choice(["850", "856", "810", None, "ORDERS"]), "1", segments)
        for standard, version in (("X12", "004010"), ("X12", None), ("EDIFACT", "D:96A:UN"), (None, None)):
            issues = validation.validate(transaction, standard, version)
            assert all(isinstance(i.message, str) and i.code for i in issues)
