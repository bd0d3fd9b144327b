"""Acknowledgements (997, 999, CONTRL): reading the public samples, building
them back, and acknowledging a received file (never an acknowledgement)."""

import copy

import pytest
from docs_support import sample, transaction, values, x12_sets

from odoo.addons.channel_edi.lib import documents, tree, x12
from odoo.addons.channel_edi.lib.documents import DocumentError, acks


def test_997_public_sample():
    (ack,) = x12_sets("staedi/x12_simple997.edi")
    assert documents.read(ack, "X12") == {
        "groups": [
            {
                "functional_id": "HC",
                "control_number": "000001",
                "transactions": [
                    {
                        "set_type": "837",
                        "control_number": "0021",
                        "segments": [
                            {
                                "segment": "NM1",
                                "position": "8",
                                "code": "8",
                                "elements": [
                                    {"position": "8", "reference": "66", "code": "7", "value": "MI"}
                                ],
                            }
                        ],
                        "status": "R",
                        "codes": ["5"],
                    }
                ],
                "status": "R",
                "included": "1",
                "received": "1",
                "accepted": "0",
            }
        ]
    }


def test_invalid_997_is_read_as_written():
    """staedi's invalid 997 has text where codes belong: the document shows it
    (the validator, not the reader, reports it)."""
    (ack,) = x12_sets("staedi/x12_invalid997.edi")
    group = documents.read(ack, "X12")["groups"][0]
    assert group["functional_id"] == "HC NOT IN CODESET"
    assert group["transactions"][0]["segments"][0]["elements"][0]["reference"] == "66 NON NUMERIC"


def test_997_multiple_interchanges_sample():
    sets = x12_sets("staedi/x12_simple997-multiple-interchanges.edi")
    assert len(sets) == 3
    assert {documents.read(t, "X12")["groups"][0]["status"] for t in sets} == {"R"}


def test_999_public_sample():
    (ack,) = x12_sets("staedi/x12_simple999.edi")
    (group,) = documents.read(ack, "X12")["groups"]
    assert (group["functional_id"], group["control_number"], group["version"]) == (
        "HC",
        "17456",
        "005010X222",
    )
    assert (group["status"], group["included"], group["received"], group["accepted"]) == ("P", "3", "3", "1")
    first, second, third = group["transactions"]
    assert first == {"set_type": "837", "control_number": "0001", "status": "A"}
    assert second["status"] == "R" and second["codes"] == ["5"]
    assert second["segments"] == [
        {
            "segment": "CLM",
            "position": "22",
            "code": "8",
            "context": [{"identification": [["CLM01", "123456789"]]}],
            "elements": [{"position": "2", "reference": "782", "code": "1"}],
        }
    ]
    (ik3,) = third["segments"]
    assert (ik3["segment"], ik3["position"], ik3["code"]) == ("REF", "57", "3")
    assert ik3["context"][0] == {
        "identification": [
            ["SITUATIONAL TRIGGER"],
            ["SITUATIONAL TRIGGER", "2"],
            ["SITUATIONAL TRIGGER", "3"],
        ],
        "segment": "CLM",
        "position": "43",
        "element": ["5", "3"],
        "reference": ["1325"],
    }


@pytest.mark.parametrize(
    "name, set_type, version",
    [("staedi/x12_simple997.edi", "997", "005010"), ("staedi/x12_simple999.edi", "999", "005010X231")],
)
def test_acks_build_back_to_the_same_segments(name, set_type, version):
    (ack,) = x12_sets(name)
    built = documents.build(
        set_type, documents.read(ack, "X12"), "X12", version, control_number=ack.control_number
    )
    assert values(built) == values(ack)


def test_997_builder_checks():
    (ack,) = x12_sets("staedi/x12_simple997.edi")
    document = documents.read(ack, "X12")
    broken = copy.deepcopy(document)
    del broken["groups"][0]["transactions"][0]["status"]
    with pytest.raises(DocumentError, match=r"^groups\[0\].transactions\[0\].status: missing"):
        documents.build("997", broken, "X12", "004010")
    broken = copy.deepcopy(document)
    broken["groups"].append(broken["groups"][0])
    with pytest.raises(DocumentError, match="exactly one group"):
        documents.build("997", broken, "X12", "004010")


def test_997_reader_errors():
    with pytest.raises(DocumentError, match=r"segment 2 \(AK2\): expected AK1 first"):
        documents.read(transaction("997", ("AK2", "850", "0001")), "X12")
    with pytest.raises(DocumentError, match=r"segment 3 \(AK5\): it needs an AK2 before it"):
        documents.read(transaction("997", ("AK1", "PO", "1"), ("AK5", "A")), "X12")


# --- acknowledging a received file -------------------------------------------------


def _received(name):
    return x12.read(sample(name))


def test_acknowledge_accepts_a_clean_file_one_997_per_group():
    edifile = _received("staedi/x12_invoice810_po850_dual.edi")
    out = acks.acknowledge(edifile)
    assert [(a["set_type"], a["group"].functional_id) for a in out] == [("997", "IN"), ("997", "PO")]
    invoices, orders = out
    assert invoices["document"]["groups"][0] == {
        "functional_id": "IN",
        "control_number": "1",
        "transactions": [
            {"set_type": "810", "control_number": "000000001", "status": "A"},
            {"set_type": "810", "control_number": "000000002", "status": "A"},
        ],
        "status": "A",
        "included": "2",
        "received": "2",
        "accepted": "2",
    }
    built = orders["transaction"]
    assert [(s.tag, [s.get(n) for n in range(1, len(s) + 1)]) for s in built.body] == [
        ("AK1", ["PO", "165"]),
        ("AK2", ["850", "000191240"]),
        ("AK5", ["A"]),
        ("AK9", ["A", "1", "1", "1"]),
    ]
    assert built.type == "997" and built.segments[-1].get(1) == "6"


def test_acknowledge_takes_control_numbers_from_the_caller():
    numbers = iter(["0042", "0043"])
    out = acks.acknowledge(
        _received("staedi/x12_invoice810_po850_dual.edi"), control_number=lambda: next(numbers)
    )
    assert [
        (
            a["transaction"].control_number,
            a["transaction"].segments[0].get(2),
            a["transaction"].segments[-1].get(2),
        )
        for a in out
    ] == [
        ("0042", "0042", "0042"),
        ("0043", "0043", "0043"),
    ]


def test_acknowledge_reports_validation_issues_as_ak3_ak4():
    edifile = _received("staedi/x12_invoice810_po850_dual.edi")
    po_group = edifile.interchanges[0].groups[1]
    (order,) = po_group.transactions
    po1 = order.segments[11]
    assert po1.tag == "PO1"
    issues = {
        id(order): [
            tree.Issue("too_long", "PO107 is too long", po1.position, "PO1", "PO107", po1.set_position),
            tree.Issue("invalid_code", "PO103 'EA' refused", po1.position, "PO1", "PO103", po1.set_position),
            tree.Issue("missing_segment", "CTT is missing", 0, "CTT", "", 17),
            tree.Issue(
                "style", "a warning only", po1.position, "PO1", "", po1.set_position, severity="warning"
            ),
        ]
    }
    (ack,) = [a for a in acks.acknowledge(edifile, issues) if a["group"] is po_group]
    (item,) = ack["document"]["groups"][0]["transactions"]
    assert item == {
        "set_type": "850",
        "control_number": "000191240",
        "segments": [
            {
                "segment": "PO1",
                "position": "12",
                "code": "8",
                "elements": [{"position": "7", "code": "5"}, {"position": "3", "code": "7"}],
            },
            {"segment": "CTT", "position": "17", "code": "3"},
        ],
        "status": "R",
        "codes": ["5"],
    }
    group = ack["document"]["groups"][0]
    assert (group["status"], group["accepted"]) == ("R", "0")
    body = [(s.tag, [s.get(n) for n in range(1, len(s) + 1)]) for s in ack["transaction"].body]
    assert body[2:6] == [
        ("AK3", ["PO1", "12", "", "8"]),
        ("AK4", ["7", "", "5"]),
        ("AK4", ["3", "", "7"]),
        ("AK3", ["CTT", "17", "", "3"]),
    ]
    assert body[-2:] == [("AK5", ["R", "5"]), ("AK9", ["R", "1", "1", "0"])]


def test_acknowledge_uses_the_validators_ack_codes_when_given():
    """An Issue with ack_code / element_position (validation's fields) wins
    over the code table."""
    edifile = _received("staedi/x12_invoice810_po850_dual.edi")
    (order,) = edifile.interchanges[0].groups[1].transactions
    issue = tree.Issue("anything", "bad", 12, "PO1", "PO102", 12)
    issue.ack_code = "6"
    issue.element_position = 2
    issue.data_element = "330"
    issue.value = "15O"
    (ack,) = [a for a in acks.acknowledge(edifile, {id(order): [issue]}) if a["group"].functional_id == "PO"]
    (segment,) = ack["document"]["groups"][0]["transactions"][0]["segments"]
    assert segment["elements"] == [{"position": "2", "reference": "330", "code": "6", "value": "15O"}]


def test_acknowledge_envelope_errors_partial_group():
    text = sample("staedi/x12_simple810.edi").decode().replace("SE*22*000000002", "SE*21*000000002")
    edifile = x12.read(text.encode())
    assert [e.code for e in edifile.errors] == ["segment_count"]
    (ack,) = acks.acknowledge(edifile)
    group = ack["document"]["groups"][0]
    assert [t["status"] for t in group["transactions"]] == ["A", "R"]
    assert group["transactions"][1]["codes"] == ["4"]
    assert (group["status"], group["accepted"]) == ("P", "1")


def test_acknowledge_group_count_error_rejects_the_group():
    text = sample("staedi/x12_simple810.edi").decode().replace("GE*2*1", "GE*3*1")
    (ack,) = acks.acknowledge(x12.read(text.encode()))
    group = ack["document"]["groups"][0]
    assert (group["status"], group["codes"]) == ("R", ["5"])


def test_999_for_005010_groups():
    text = sample("staedi/x12_simple810.edi").decode().replace("*X*004010~", "*X*005010~")
    (ack,) = acks.acknowledge(x12.read(text.encode()))
    assert ack["set_type"] == "999" and ack["transaction"].type == "999"
    body = ack["transaction"].body
    assert (body[0].tag, body[0].get(3)) == ("AK1", "005010")
    assert [s.tag for s in body] == ["AK1", "AK2", "IK5", "AK2", "IK5", "AK9"]
    assert ack["transaction"].segments[0].get(3) == "005010X231"
    forced = acks.acknowledge(x12.read(text.encode()), kind="997")
    assert forced[0]["set_type"] == "997"


def test_999_reports_issues_as_ik3_ik4():
    text = sample("staedi/x12_simple810.edi").decode().replace("*X*004010~", "*X*005010~")
    edifile = x12.read(text.encode())
    first = edifile.interchanges[0].groups[0].transactions[0]
    it1 = next(s for s in first.segments if s.tag == "IT1")
    issue = tree.Issue("invalid_code", "CA is not a unit", it1.position, "IT1", "IT103", it1.set_position)
    (ack,) = acks.acknowledge(edifile, {id(first): [issue]})
    body = [(s.tag, [s.get(n) for n in range(1, len(s) + 1)]) for s in ack["transaction"].body]
    assert body == [
        ("AK1", ["IN", "1", "005010"]),
        ("AK2", ["810", "000000001"]),
        ("IK3", ["IT1", str(it1.set_position), "", "8"]),
        ("IK4", ["3", "", "7"]),
        ("IK5", ["R", "5"]),
        ("AK2", ["810", "000000002"]),
        ("IK5", ["A"]),
        ("AK9", ["P", "2", "2", "1"]),
    ]
    assert documents.read(ack["transaction"], "X12") == ack["document"]


def test_never_acknowledge_an_acknowledgement():
    for name in (
        "staedi/x12_simple997.edi",
        "staedi/x12_simple999.edi",
        "staedi/x12_simple997-multiple-interchanges.edi",
    ):
        assert acks.acknowledge(_received(name)) == []
    (ack,) = x12_sets("staedi/x12_simple997.edi")
    assert acks.needs_ack(ack) is False
    assert acks.needs_ack(transaction("850", ("BEG", "00"))) is True
    assert acks.needs_ack(transaction("CONTRL", ("UCI", "1"))) is False
    assert acks.needs_ack(transaction("TA1", ("TA1", "1"))) is False
    assert acks.needs_ack(group=tree.Group("FA", "A", "B", "1", "004010")) is False


# --- CONTRL ------------------------------------------------------------------------


def _edifact_interchange(*messages, implicit=True):
    group = tree.Group(
        "ORDERS", "SENDER", "RECEIVER", "" if implicit else "7", "D:96A:UN", list(messages), implicit=implicit
    )
    position = 2
    for message in messages:
        for segment in message.segments:
            segment.position = position
            position += 1
    return tree.Interchange(
        "EDIFACT",
        tree.Party("14", "5400110000009"),
        tree.Party("14", "5013546107732"),
        "REF0042",
        "UNOC:3",
        groups=[group],
    )


def test_contrl_accepts_and_rejects_messages():
    good = transaction("ORDERS", ("BGM", "220", "P1", "9"), control_number="1")
    bad = transaction("ORDERS", ("BGM", "220", "P2", "9"), ("LIN", "1", "", ("X", "EN")), control_number="2")
    interchange = _edifact_interchange(good, bad)
    lin = bad.segments[2]
    issue = tree.Issue(
        "invalid_code", "EN item is not a GTIN", lin.position, "LIN", "LIN03", lin.set_position
    )
    issue.component_position = 1
    edifile = tree.EdiFile("EDIFACT", [interchange])
    (ack,) = acks.acknowledge(edifile, {id(bad): [issue]})
    assert ack["set_type"] == "CONTRL" and ack["group"] is None
    document = ack["document"]
    assert document["interchange"] == {
        "control_number": "REF0042",
        "sender": {"id": "5400110000009", "qualifier": "14"},
        "receiver": {"id": "5013546107732", "qualifier": "14"},
        "action": "7",
        "status": "A",
    }
    accepted, rejected = document["groups"][0]["transactions"]
    assert accepted == {
        "control_number": "1",
        "set_type": "ORDERS",
        "version": "D:96A:UN",
        "action": "7",
        "status": "A",
    }
    assert rejected["action"] == "4" and rejected["segments"] == [
        {"position": "3", "elements": [{"code": "12", "position": "3", "component": "1"}]}
    ]
    body = [(s.tag, s.elements) for s in ack["transaction"].body]
    assert body[0] == ("UCI", [[["REF0042"]], [["5400110000009", "14"]], [["5013546107732", "14"]], [["7"]]])
    assert [tag for tag, _ in body] == ["UCI", "UCM", "UCM", "UCS", "UCD"]
    assert documents.read(ack["transaction"], "EDIFACT") == document
    assert ack["transaction"].segments[0].components(2) == ["CONTRL", "D", "3", "UN"]


def test_contrl_roundtrip_with_groups():
    document = {
        "interchange": {
            "control_number": "77",
            "sender": {"id": "A"},
            "receiver": {"id": "B", "qualifier": "ZZ"},
            "action": "4",
            "status": "R",
            "code": "18",
        },
        "groups": [
            {
                "control_number": "9",
                "action": "4",
                "status": "R",
                "transactions": [
                    {
                        "control_number": "1",
                        "set_type": "INVOIC",
                        "version": "D:96A:UN:EAN008",
                        "action": "4",
                        "status": "R",
                        "code": "35",
                    },
                    {
                        "control_number": "2",
                        "set_type": "INVOIC",
                        "version": "D:96A:UN",
                        "action": "4",
                        "status": "R",
                        "segments": [{"position": "5", "code": "15"}],
                    },
                ],
            }
        ],
    }
    built = documents.build("CONTRL", document, "EDIFACT", "D:3:UN")
    assert documents.read(built, "EDIFACT") == document
    assert [s.tag for s in built.body] == ["UCI", "UCF", "UCM", "UCM", "UCS"]


def test_contrl_reports_a_wrong_segment_count_as_0085_29():
    message = transaction("ORDERS", ("BGM", "220", "P1", "9"), control_number="5")
    interchange = _edifact_interchange(message)
    unt = message.segments[-1]
    count_error = tree.Issue("segment_count", "UNT01 says 9", unt.position, "UNT", "UNT01", unt.set_position)
    (ack,) = acks.acknowledge(tree.EdiFile("EDIFACT", [interchange], errors=[count_error]))
    (item,) = ack["document"]["groups"][0]["transactions"]
    assert (item["action"], item["status"], item["code"]) == ("4", "R", "29")
    assert (
        ack["document"]["interchange"]["action"] == "7"
    )  # the error is the message's, not the interchange's
