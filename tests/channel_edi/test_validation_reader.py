"""Validation on what the codec reads: the unsplit-element fast path finds
exactly what the split path finds, and validate_file covers a whole file."""

from odoo.addons.channel_edi.lib import codec, validation

ISA = "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *240105*1200*^*00501*000000001*0*P*>~\n"
GROUP = "GS*{fid}*SENDER*RECEIVER*20240105*1200*1*X*005010~\n{sets}GE*{count}*1~\n"
ORDER = """ST*850*{number}
BEG*00*SA*PO{number}**20240105
REF*DP*038^039
REF*IA*12>34
N1*ST*STORE*92
PO1*1*TEN*EA*2.50**UP*012345678905
PID*F****BLUE\x01
PID*Q****LARGE
MEA*PD*WT*1.5*>2
TD3*TL**1234567*******TLCX
CTT*1
SE*12*{number}
"""
INVOICE = """ST*810*0003
BIG*20240105*INV1
TDS*123.45
SE*4*0003
"""


def edi_file():
    orders = "".join(ORDER.format(number=f"000{n}").replace("\n", "~\n") for n in (1, 2))
    text = (
        ISA
        + GROUP.format(fid="PO", sets=orders, count=2)
        + GROUP.format(fid="IN", sets=INVOICE.replace("\n", "~\n"), count=1)
        + "IEA*2*000000001~\n"
    )
    return codec.read(text.encode())


def summary(issues):
    return [i.as_dict() for i in issues]


def test_raw_and_split_segments_give_the_same_issues():
    edifile = edi_file()
    order = next(edifile.interchanges[0].transactions())
    assert not order.segments[2].materialized  # as read: unsplit
    raw = summary(validation.validate(order, "X12", "005010"))
    for segment in order.segments:
        segment.elements  # noqa: B018 - split them all
    split = summary(validation.validate(order, "X12", "005010"))
    assert raw == split
    assert {issue["code"] for issue in raw} == {
        "element_too_many_repetitions",  # REF02 038^039
        "element_too_many_components",  # REF03 is simple: 12>34
        "element_conditional",  # N1 P0304
        "element_invalid_character",  # PO102 TEN, PID05 control character
        "element_invalid_code",  # PID01 Q
        "element_missing",  # MEA04-01
        "element_exclusion",  # TD3 E0110
    }


def test_issue_as_dict_carries_the_acknowledgement_codes():
    order = next(edi_file().interchanges[0].transactions())
    issue = next(i for i in validation.validate(order, "X12", "005010") if i.code == "element_missing")
    out = issue.as_dict()
    assert out["segment"] == "MEA" and out["element"] == "MEA04-01"
    assert (out["ack_code"], out["contrl_code"], out["element_position"], out["component_position"]) == (
        "1",
        "13",
        4,
        1,
    )
    assert out["set_position"] == 9 and out["position"] == 11  # ISA, GS, then the set


def test_validate_file_covers_every_set_and_applies_overrides_by_set():
    edifile = edi_file()
    acme_810 = {"partner": "ACME", "version": 2, "base": "x12/005010/810", "elements": {"BIG02": {"min": 5}}}
    results = validation.validate_file(edifile, overrides=[acme_810])
    sets = list(edifile.interchanges[0].transactions())
    assert len(results) == 3
    orders, invoice = sets[:2], sets[2]
    assert summary(results[id(orders[0])])  # the orders keep their own problems
    found = [(i.code, i.element) for i in results[id(invoice)]]
    # TDS01 is N2 (digits only) and BIG02 is too short for ACME
    assert found == [("element_too_short", "BIG02"), ("element_invalid_character", "TDS01")]
