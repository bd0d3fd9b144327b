"""Ship notices: X12 856 and EDIFACT DESADV, read and build.

Round trips (read(build(doc)) == doc) for each HL pattern, HL numbering and
parents, CTT01, SSCC checks, and the EANCOM DESADV CPS hierarchy.
"""

import copy

import pytest
from shipping_samples import x12_transactions

from odoo.addons.channel_edi.lib import documents, edifact, sscc, tree, x12
from odoo.addons.channel_edi.lib.documents import shipping
from odoo.addons.channel_edi.lib.documents.logistics_common import DocumentError
from odoo.addons.channel_edi.lib.tree import Segment, Transaction

PREFIX = "0614141"


def sscc_of(serial):
    return sscc.next_sscc(0, PREFIX, serial)


def item(hl_id, parent, line, upc, quantity, **extra):
    node = {"level": "I", "hl_id": hl_id, "parent_id": parent, "line": line}
    node.update({"product_ids": {"UP": upc, "VN": f"SKU-{line}"}, "quantity": quantity, "uom": "EA"})
    node.update(extra)
    return node


def shipment(children, pattern, structure_code):
    return {
        "purpose": "00",
        "shipment_id": "SHP-0001",
        "shipment_date": "2024-01-15T10:30",
        "structure_code": structure_code,
        "dates": {"shipped": "2024-01-15T10:00"},
        "pattern": pattern,
        "hierarchy": [
            {
                "level": "S",
                "hl_id": "1",
                "parent_id": None,
                "packaging": [
                    {
                        "packaging_code": "CTN25",
                        "lading_quantity": "3",
                        "weight_qualifier": "G",
                        "weight": "41.5",
                        "weight_uom": "LB",
                    }
                ],
                "carrier": {
                    "routing_sequence": "B",
                    "id_qualifier": "2",
                    "id": "UPSN",
                    "transport_method": "M",
                },
                "bill_of_lading": "BOL123",
                "pro_number": "PRO9",
                "ship_from": {
                    "name": "Our DC",
                    "identifiers": {"UL": "0614141000012"},
                    "address": {
                        "street": ["1 Dock St"],
                        "city": "Newark",
                        "state": "NJ",
                        "postal_code": "07101",
                    },
                },
                "ship_to": {"name": "Store 42", "identifiers": {"92": "0042"}},
                "parties": {"BY": {"name": "Retail Co", "identifiers": {"UL": "0614141000029"}}},
                "children": children,
            }
        ],
    }


def s_o_t_p_i():
    return shipment(
        [
            {
                "level": "O",
                "hl_id": "2",
                "parent_id": "1",
                "po_number": "PO-7",
                "po_date": "2024-01-10",
                "children": [
                    {
                        "level": "T",
                        "hl_id": "3",
                        "parent_id": "2",
                        "sscc": sscc_of(1),
                        "children": [
                            {
                                "level": "P",
                                "hl_id": "4",
                                "parent_id": "3",
                                "sscc": sscc_of(2),
                                "children": [
                                    item(
                                        "5",
                                        "4",
                                        "1",
                                        "036000291452",
                                        "12",
                                        lot="L1",
                                        expiry_date="2025-01-01",
                                    )
                                ],
                            },
                            {
                                "level": "P",
                                "hl_id": "6",
                                "parent_id": "3",
                                "sscc": sscc_of(3),
                                "children": [
                                    item("7", "6", "1", "036000291452", "6"),
                                    item(
                                        "8",
                                        "6",
                                        "2",
                                        "095212345432",
                                        "1.5",
                                        quantity_ordered="2",
                                        ordered_uom="EA",
                                    ),
                                ],
                            },
                        ],
                    }
                ],
            }
        ],
        "S-O-T-P-I",
        "0001",
    )


def s_o_p_i():
    return shipment(
        [
            {
                "level": "O",
                "hl_id": "2",
                "parent_id": "1",
                "po_number": "PO-7",
                "children": [
                    {
                        "level": "P",
                        "hl_id": "3",
                        "parent_id": "2",
                        "sscc": sscc_of(10),
                        "children": [item("4", "3", "1", "036000291452", "24")],
                    },
                    {
                        "level": "P",
                        "hl_id": "5",
                        "parent_id": "2",
                        "sscc": sscc_of(11),
                        "children": [item("6", "5", "2", "095212345432", "24")],
                    },
                ],
            },
            {
                "level": "O",
                "hl_id": "7",
                "parent_id": "1",
                "po_number": "PO-8",
                "children": [
                    {
                        "level": "P",
                        "hl_id": "8",
                        "parent_id": "7",
                        "sscc": sscc_of(12),
                        "children": [item("9", "8", "1", "036000291452", "3")],
                    }
                ],
            },
        ],
        "S-O-P-I",
        "0001",
    )


def s_o_i():
    return shipment(
        [
            {
                "level": "O",
                "hl_id": "2",
                "parent_id": "1",
                "po_number": "PO-9",
                "children": [
                    item("3", "2", "1", "036000291452", "5"),
                    item("4", "2", "2", "095212345432", "7"),
                ],
            }
        ],
        "S-O-I",
        "0004",
    )


def s_t_o_i():
    return shipment(
        [
            {
                "level": "T",
                "hl_id": "2",
                "parent_id": "1",
                "sscc": sscc_of(20),
                "children": [
                    {
                        "level": "O",
                        "hl_id": "3",
                        "parent_id": "2",
                        "po_number": "PO-1",
                        "children": [item("4", "3", "1", "036000291452", "10")],
                    },
                    {
                        "level": "O",
                        "hl_id": "5",
                        "parent_id": "2",
                        "po_number": "PO-2",
                        "children": [item("6", "5", "1", "095212345432", "20")],
                    },
                ],
            }
        ],
        "S-T-O-I",
        "0003",
    )


PATTERNS = {"S-O-T-P-I": s_o_t_p_i, "S-O-P-I": s_o_p_i, "S-O-I": s_o_i, "S-T-O-I": s_t_o_i}


def hl_segments(transaction):
    return [s for s in transaction.segments if s.tag == "HL"]


def x12_lines(transaction):
    """The segments as X12 text lines (components joined by ':')."""
    return [s.tag + "*" + "*".join(":".join(e[0]) for e in s.elements) for s in transaction.segments]


def strip_ids(node):
    node = {k: v for k, v in node.items() if k not in ("hl_id", "parent_id")}
    if "children" in node:
        node["children"] = [strip_ids(c) for c in node["children"]]
    return node


# --- 856 -----------------------------------------------------------------------------


@pytest.mark.parametrize("pattern", list(PATTERNS))
@pytest.mark.parametrize("version", ["004010", "004010VICS", "005010"])
def test_856_round_trip_each_pattern(pattern, version):
    document = PATTERNS[pattern]()
    transaction = shipping.build_856(copy.deepcopy(document), version)
    assert transaction.type == "856" and transaction.version == version
    assert shipping.read_856(transaction) == document


@pytest.mark.parametrize("pattern", list(PATTERNS))
def test_856_hl_numbers_parents_child_codes_and_ctt(pattern):
    document = PATTERNS[pattern]()
    transaction = shipping.build_856(document)
    hls = hl_segments(transaction)
    assert [h[1] for h in hls] == [str(n) for n in range(1, len(hls) + 1)]
    parents = {h[1]: h[2] for h in hls}
    levels = {h[1]: h[3] for h in hls}
    assert parents["1"] == "" and levels["1"] == "S"
    for hl in hls[1:]:
        assert int(hl[2]) < int(hl[1])  # a parent comes before its children
    for hl in hls:
        has_children = any(parent == hl[1] for parent in parents.values())
        assert hl[4] == ("1" if has_children else "0")
    ctt = [s for s in transaction.segments if s.tag == "CTT"]
    assert len(ctt) == 1 and ctt[0][1] == str(len(hls))
    assert shipping.hl_count_issues(transaction) == []
    bsn = transaction.segments[1]
    assert bsn.tag == "BSN" and bsn[5] == shipping.STRUCTURE_CODES[pattern]
    assert transaction.segments[-1].tag == "SE" and transaction.segments[-1][1] == str(
        len(transaction.segments)
    )


def test_856_s_o_t_p_i_segments():
    transaction = shipping.build_856(s_o_t_p_i())
    lines = x12_lines(transaction)
    assert lines[:3] == ["ST*856*0001", "BSN*00*SHP-0001*20240115*1030*0001", "DTM*011*20240115*1000"]
    assert "HL*1**S*1" in lines and "HL*2*1*O*1" in lines and "HL*3*2*T*1" in lines and "HL*5*4*I*0" in lines
    assert "TD5*B*2*UPSN*M" in lines and "REF*BM*BOL123" in lines and "REF*CN*PRO9" in lines
    assert "N1*ST*Store 42*92*0042" in lines and "N3*1 Dock St" in lines
    assert "N1*BY*Retail Co*UL*0614141000029" in lines
    assert "PRF*PO-7***20240110" in lines
    assert f"MAN*GM*00{sscc_of(1)}" in lines
    assert "LIN*1*UP*036000291452*VN*SKU-1" in lines and "SN1**12*EA" in lines
    assert "REF*LT*L1" in lines and "DTM*036*20250101" in lines
    assert "SN1**1.5*EA**2*EA" in lines
    assert lines[-2:] == ["CTT*8", f"SE*{len(lines)}*0001"]
    # within the S level, the 856 HL loop order: TD1, TD5, REF, N1
    s_level = lines[lines.index("HL*1**S*1") + 1 : lines.index("HL*2*1*O*1")]
    assert [x.split("*")[0] for x in s_level] == ["TD1", "TD5", "REF", "REF", "N1", "N3", "N4", "N1", "N1"]


def test_856_builder_numbers_levels_itself():
    document = s_o_t_p_i()
    bare = dict(document, hierarchy=[strip_ids(document["hierarchy"][0])])
    assert shipping.read_856(shipping.build_856(bare)) == document


def test_856_builder_refuses_wrong_ids():
    document = s_o_i()
    document["hierarchy"][0]["children"][0]["hl_id"] = "3"
    with pytest.raises(
        DocumentError, match=r"hierarchy\[0\]\.children\[0\]\.hl_id: '3', but this is HL number 2"
    ):
        shipping.build_856(document)
    document = s_o_i()
    document["hierarchy"][0]["children"][0]["children"][1]["parent_id"] = "1"
    with pytest.raises(DocumentError, match=r"children\[1\]\.parent_id: '1', but the parent level is HL 2"):
        shipping.build_856(document)


def test_856_refuses_an_invalid_sscc_before_building():
    document = s_o_t_p_i()
    good = document["hierarchy"][0]["children"][0]["children"][0]["children"][1]["sscc"]
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    document["hierarchy"][0]["children"][0]["children"][0]["children"][1]["sscc"] = bad
    with pytest.raises(DocumentError) as caught:
        shipping.build_856(document)
    assert "hierarchy[0].children[0].children[0].children[1].sscc" in str(caught.value)
    assert "check digit" in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_every_bad_or_repeated_sscc_is_listed_before_building():
    document = s_o_t_p_i()
    tare = document["hierarchy"][0]["children"][0]["children"][0]
    tare["children"][0]["sscc"] = "106141411234567898"  # check digit
    tare["children"][1]["sscc"] = tare["sscc"]  # the pallet's SSCC again
    with pytest.raises(DocumentError) as caught:
        shipping.build_856(document)
    assert caught.value.errors == [
        "hierarchy[0].children[0].children[0].children[0].sscc: SSCC '106141411234567898': "
        "check digit 8 is wrong, it should be 7",
        f"hierarchy[0].children[0].children[0].children[1].sscc: SSCC {tare['sscc']} is already "
        "the SSCC of hierarchy[0].children[0].children[0]",
    ]
    assert str(caught.value).endswith("(and 1 more)")
    document = desadv_document()
    document["hierarchy"][0]["children"][0]["children"][1]["sscc"] = sscc_of(501)
    with pytest.raises(DocumentError, match="is already the SSCC of hierarchy"):
        shipping.build_desadv(document)


def test_856_refuses_a_level_out_of_the_pattern():
    document = s_o_p_i()
    document["pattern"] = "S-O-I"
    with pytest.raises(DocumentError, match="P is not a level of the pattern S-O-I"):
        shipping.build_856(document)
    document = s_t_o_i()
    document["pattern"] = "S-O-T-P-I"
    with pytest.raises(DocumentError, match="O under T does not follow the pattern S-O-T-P-I"):
        shipping.build_856(document)
    document = s_o_i()
    del document["hierarchy"][0]["children"][0]["children"]
    with pytest.raises(DocumentError, match="ends with I, this O level has no children"):
        shipping.build_856(document)


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda d: d.pop("shipment_id"), "shipment_id: missing"),
        (lambda d: d.pop("purpose"), "purpose: missing"),
        (lambda d: d.pop("hierarchy"), "hierarchy: missing"),
        (
            lambda d: d["hierarchy"][0]["children"][0].pop("po_number"),
            r"hierarchy\[0\]\.children\[0\]\.po_number: missing",
        ),
        (
            lambda d: d["hierarchy"][0]["children"][0]["children"][0].pop("quantity"),
            r"children\[0\]\.children\[0\]\.quantity: missing",
        ),
        (
            lambda d: d["hierarchy"][0]["children"][0]["children"][0].update(quantity=1.5),
            "give quantities as decimal strings, not floats",
        ),
        (
            lambda d: d["hierarchy"][0]["children"][0]["children"][0].update(quantity="12,5"),
            "'12,5' is not a decimal number",
        ),
        (
            lambda d: d["hierarchy"][0]["children"][0]["children"][0].pop("product_ids"),
            "product_ids: missing",
        ),
        (
            lambda d: d["hierarchy"][0]["ship_to"].update(identifiers={"92": "1", "UL": "2"}),
            r"ship_to\.identifiers: X12 N1",
        ),
        (lambda d: d.update(shipment_date="2024-01-15"), r"shipment_date: BSN04 \(time\) is mandatory"),
        (
            lambda d: d.update(dates={"shipped": "15/01/2024"}),
            r"dates\.shipped: '15/01/2024' is not an ISO date",
        ),
        (lambda d: d["hierarchy"].append({"level": "S"}), "one shipment"),
    ],
)
def test_856_builder_names_the_key_path(mutate, message):
    document = s_o_i()
    mutate(document)
    with pytest.raises(ValueError, match=message):
        shipping.build_856(document)


def _tree(text):
    """A transaction from X12 text (segments split on ~, elements on *)."""
    segments = []
    for number, chunk in enumerate(filter(None, (c.strip() for c in text.split("~"))), 1):
        tag, *values = chunk.split("*")
        segment = Segment(tag, [[v.split(":")] for v in values], position=number, set_position=number)
        segments.append(segment)
    return Transaction(segments[0][1], segments[0][2], segments, version="004010")


def test_856_reads_parents_by_id_and_keeps_unknown_segments():
    text = (
        "ST*856*0007~BSN*00*S1*20240101*0900*0001~HL*1**S*1~TD3*TL**861554~"
        "HL*2*1*O*1~PRF*PO1~HL*3*2*P*1~MAN*GM*" + sscc_of(5) + "~PO4*12~"
        "HL*4*3*I*0~LIN**UP*036000291452~SN1**12*EA~PO4*1~CTT*4~SE*14*0007~"
    )
    document = shipping.read_856(_tree(text))
    s = document["hierarchy"][0]
    assert s["other_segments"] == [{"tag": "TD3", "elements": ["TL", "", "861554"]}]
    pack = s["children"][0]["children"][0]
    assert pack["sscc"] == sscc_of(5) and pack["sscc_with_ai"] is False  # written without the AI
    assert pack["children"][0]["product_ids"] == {"UP": "036000291452"}
    assert document["pattern"] == "S-O-P-I"
    # building it back keeps the bare SSCC and the PO4 segments
    again = shipping.build_856(document)
    assert shipping.read_856(again) == document
    assert any(s.tag == "MAN" and s[2] == sscc_of(5) for s in again.segments)


def test_856_reader_errors_name_the_segment():
    with pytest.raises(DocumentError, match=r"segment 4 \(HL\), HL02: parent HL 9 is not an earlier HL"):
        shipping.read_856(_tree("ST*856*1~BSN*00*S1*20240101*0900~HL*1**S*1~HL*2*9*O*0~SE*5*1~"))
    with pytest.raises(DocumentError, match=r"segment 4 \(HL\), HL01: HL 1 appears twice"):
        shipping.read_856(_tree("ST*856*1~BSN*00*S1*20240101*0900~HL*1**S*1~HL*1**S*0~SE*5*1~"))
    with pytest.raises(DocumentError, match=r"segment 5 \(MAN\), MAN02: SSCC .* check digit"):
        shipping.read_856(
            _tree("ST*856*1~BSN*00*S1*20240101*0900~HL*1**S*1~HL*2*1*P*0~MAN*GM*00106141411234567898~SE*6*1~")
        )
    with pytest.raises(DocumentError, match=r"segment 5 \(SN1\), SN102: 'x' is not a number"):
        shipping.read_856(_tree("ST*856*1~BSN*00*S1*20240101*0900~HL*1**S*1~HL*2*1*I*0~SN1**x*EA~SE*6*1~"))
    with pytest.raises(DocumentError, match="no BSN"):
        shipping.read_856(_tree("ST*856*1~HL*1**S*0~SE*3*1~"))


def test_856_ctt_count_issue_is_reported():
    transaction = shipping.build_856(s_o_i())
    index, ctt = next((i, s) for i, s in enumerate(transaction.segments) if s.tag == "CTT")
    ctt.elements[0] = [["9"]]
    assert shipping.hl_count_issues(transaction) == [
        f"segment {index + 1} (CTT), CTT01: '9', the set has 4 HL segments"
    ]


def test_derive_pattern_tolerates_loose_cartons():
    document = s_o_t_p_i()
    order = document["hierarchy"][0]["children"][0]
    order["children"].append(
        {"level": "P", "sscc": sscc_of(99), "children": [item(None, None, "3", "036000291452", "1")]}
    )
    for key in ("hl_id", "parent_id"):
        order["children"][-1]["children"][0].pop(key)
    assert shipping.derive_pattern(document["hierarchy"]) == "S-O-T-P-I"
    read = shipping.read_856(shipping.build_856(document))
    assert read["hierarchy"][0]["children"][0]["children"][1]["hl_id"] == "9"


# --- DESADV --------------------------------------------------------------------------


def desadv_document():
    return {
        "document_type": "351",
        "shipment_id": "DES587441",
        "purpose": "9",
        "document_date": "2024-01-15",
        "dates": {"shipped": "2024-01-15T10:00", "delivery_estimated": "2024-01-16T14:00"},
        "po_number": "ORD10231",
        "po_date": "2024-01-10",
        "ship_to": {"identifiers": {"9": "5412345678908"}},
        "parties": {
            "BY": {"identifiers": {"9": "5412345000013"}},
            "SU": {"identifiers": {"9": "4012345500004"}, "name": "Supplier GmbH"},
        },
        "carrier": {"stage": "20", "transport_mode": "30", "id": "CARRIER1"},
        "pattern": "S-T-P-I",
        "hierarchy": [
            {
                "level": "S",
                "hl_id": "1",
                "parent_id": None,
                "packages": [{"count": "1", "type": "201"}],
                "children": [
                    {
                        "level": "T",
                        "hl_id": "2",
                        "parent_id": "1",
                        "packages": [{"count": "1", "type": "201"}],
                        "sscc": sscc_of(500),
                        "children": [
                            {
                                "level": "P",
                                "hl_id": "3",
                                "parent_id": "2",
                                "packages": [{"count": "1", "type": "CT"}],
                                "sscc": sscc_of(501),
                                "children": [
                                    {
                                        "level": "I",
                                        "line": "1",
                                        "product_ids": {"EN": "5412345111115", "SA": "ABC123"},
                                        "quantity": "12",
                                        "uom": "PCE",
                                        "lot": "B42",
                                        "expiry_date": "2025-06-30",
                                    },
                                    {
                                        "level": "I",
                                        "line": "2",
                                        "product_ids": {"EN": "09521234543213"},
                                        "quantity": "2.5",
                                        "quantity_ordered": "3",
                                        "po_number": "ORD10232",
                                    },
                                ],
                            },
                            {
                                "level": "P",
                                "hl_id": "4",
                                "parent_id": "2",
                                "packages": [{"count": "1"}],
                                "sscc": sscc_of(502),
                                "children": [
                                    {
                                        "level": "I",
                                        "line": "3",
                                        "product_ids": {"EN": "5412345111115"},
                                        "quantity": "6",
                                    }
                                ],
                            },
                        ],
                    }
                ],
            }
        ],
    }


def test_desadv_round_trip():
    document = desadv_document()
    transaction = shipping.build_desadv(copy.deepcopy(document))
    assert transaction.type == "DESADV" and transaction.version == "D:96A:UN:EAN005"
    assert shipping.read_desadv(transaction) == document


def test_desadv_segments():
    transaction = shipping.build_desadv(desadv_document())
    text = [
        s.tag + "+" + "+".join(":".join(rep) for e in s.elements for rep in e) for s in transaction.segments
    ]
    assert text[0] == "UNH+1+DESADV:D:96A:UN:EAN005"
    assert text[1] == "BGM+351+DES587441+9"
    assert (
        "DTM+137:20240115:102" in text
        and "DTM+11:202401151000:203" in text
        and "DTM+17:202401161400:203" in text
    )
    assert "RFF+ON:ORD10231" in text and "DTM+171:20240110:102" in text
    assert "NAD+DP+5412345678908::9" in text and "NAD+SU+4012345500004::9++Supplier GmbH" in text
    assert "TDT+20++30++CARRIER1" in text
    cps = [t for t in text if t.startswith("CPS")]
    assert cps == ["CPS+1", "CPS+2+1", "CPS+3+2", "CPS+4+2"]
    assert "PCI+33E" in text and f"GIN+BJ+{sscc_of(501)}" in text
    assert "LIN+1++5412345111115:EN" in text and "PIA+1+ABC123:SA" in text and "QTY+12:12:PCE" in text
    assert "QTY+12:2.5" in text and "QTY+21:3" in text and "RFF+ON:ORD10232" in text
    assert "PCI+10" in text and "DTM+36:20250630:102" in text and "GIN+BX+B42" in text
    assert text[-2:] == ["CNT+2:3", f"UNT+{len(text)}+1"]
    # items of CPS 3 come right after it, before CPS 4
    assert text.index("LIN+1++5412345111115:EN") < text.index("CPS+4+2")


def test_desadv_refuses_invalid_sscc_and_misplaced_items():
    document = desadv_document()
    document["hierarchy"][0]["children"][0]["sscc"] = "106141411234567898"
    with pytest.raises(DocumentError, match=r"hierarchy\[0\]\.children\[0\]\.sscc: SSCC .* check digit"):
        shipping.build_desadv(document)
    document = desadv_document()
    tare = document["hierarchy"][0]["children"][0]
    tare["children"].append({"level": "I", "product_ids": {"EN": "5412345111115"}, "quantity": "1"})
    with pytest.raises(DocumentError, match="items come before its inner packages"):
        shipping.build_desadv(document)
    document = desadv_document()
    document["hierarchy"][0]["children"][0]["level"] = "O"
    with pytest.raises(DocumentError, match="a DESADV package level is S, T or P"):
        shipping.build_desadv(document)


def _edifact(text):
    segments = []
    for number, chunk in enumerate(filter(None, (c.strip() for c in text.split("'"))), 1):
        tag, *values = chunk.split("+")
        segments.append(Segment(tag, [[v.split(":")] for v in values], position=number, set_position=number))
    return Transaction("DESADV", segments[0][1], segments, version="D:96A:UN:EAN005")


def test_desadv_reads_comma_decimals_and_reports_bad_sscc():
    text = (
        "UNH+1+DESADV:D:96A:UN:EAN005'BGM+351+D1+9'DTM+137:20240115:102'"
        "CPS+1'PAC+2++CT'PCI+33E'GIN+BJ+" + sscc_of(7) + "+" + sscc_of(8) + "'"
        "LIN+1++5412345111115:EN'QTY+12:1,5:KGM'CNT+2:1'UNT+10+1'"
    )
    document = shipping.read_desadv(_edifact(text))
    root = document["hierarchy"][0]
    assert root["sscc"] == sscc_of(7) and root["additional_ssccs"] == [sscc_of(8)]
    assert root["children"][0]["quantity"] == "1.5" and root["children"][0]["uom"] == "KGM"
    bad = text.replace(sscc_of(7), "106141411234567898")
    with pytest.raises(DocumentError, match=r"segment 7 \(GIN\), GIN02: SSCC"):
        shipping.read_desadv(_edifact(bad))
    with pytest.raises(DocumentError, match=r"segment 5 \(CPS\), CPS02: parent CPS 7"):
        shipping.read_desadv(_edifact(text.replace("CPS+1'", "CPS+1'CPS+2+7'")))


def test_registered_in_the_documents_registry():
    assert documents.READERS[("X12", "856")] is shipping.read_856
    assert documents.BUILDERS[("EDIFACT", "DESADV")] is shipping.build_desadv
    document = s_o_p_i()
    transaction = documents.build("856", document, "X12", "004010VICS", control_number="0042")
    assert transaction.control_number == "0042" and transaction.segments[-1][2] == "0042"
    assert documents.read(transaction, "X12") == document
    desadv = documents.build("DESADV", desadv_document(), "EDIFACT", "D:96A:UN:EAN005", decimal=",")
    assert "QTY+12:2,5" in [
        s.tag + "+" + "+".join(":".join(e[0]) for e in s.elements) for s in desadv.segments
    ]
    assert documents.read(desadv, "EDIFACT") == desadv_document()


def test_node_x12_856_sample():
    """node-x12's 856 (version 004060): S-O-I, HL without HL04, a CTT hash total."""
    (transaction,) = x12_transactions("node-x12/856.edi")
    document = shipping.read_856(transaction)
    assert (document["purpose"], document["shipment_id"], document["structure_code"]) == (
        "14",
        "829716",
        "0002",
    )
    assert document["pattern"] == "S-O-I" and document["hash_total"] == "30"
    s = document["hierarchy"][0]
    # ISA12 00406 makes ISA11 "-" the repetition separator: REF02 "999999-001" reads as
    # two repetitions, "999999" and "001" (a validator reports it; the document keeps the first)
    assert s["bill_of_lading"] == "999999" and s["pro_number"] == "5787970539"
    assert s["packaging"] == [
        {
            "packaging_code": "PCS",
            "lading_quantity": "2",
            "weight_qualifier": "A3",
            "weight": "60.310",
            "weight_uom": "LB",
        }
    ]
    assert s["ship_from"]["name"] == "1 EDI SOURCE" and list(s["parties"]) == ["SH", "OB"]
    assert s["dates"] == {"shipped": "2011-12-06"} and document["shipment_date"] == "2011-12-06T14:24:28"
    order = s["children"][0]
    assert (order["po_number"], order["po_date"]) == ("99999817", "2011-12-05")
    items = order["children"]
    assert [(i["hl_id"], i["parent_id"], i["product_ids"], i["quantity"], i["uom"]) for i in items] == [
        ("3", "2", {"VP": "87787D", "UP": "999999310145"}, "24", "EA"),
        ("4", "2", {"VP": "99887D", "UP": "999999311746"}, "6", "EA"),
    ]
    assert items[0]["description"] == "BLUE WIDGET"
    # built again: the same document, with HL04 child codes and CTT01 counted
    rebuilt = shipping.build_856(document, transaction.version)
    assert shipping.read_856(rebuilt) == document
    assert [s[4] for s in rebuilt.segments if s.tag == "HL"] == ["1", "1", "0", "0"]
    assert next(s for s in rebuilt.segments if s.tag == "CTT").elements == [[["4"]], [["30"]]]


def _x12_interchange(transaction, functional_id):
    group = tree.Group(
        functional_id, "SENDER", "RECEIVER", "17", "004010", [transaction], date="20240115", time="1200"
    )
    return tree.Interchange(
        "X12", tree.Party("ZZ", "SENDER"), tree.Party("ZZ", "RECEIVER"), "000000017", "00401", "240115", "1200", "T",
        groups=[group],
    )  # fmt: skip


@pytest.mark.parametrize("pattern", list(PATTERNS))
def test_856_through_the_x12_codec(pattern):
    """build -> x12.write -> x12.read -> read gives the document back."""
    document = PATTERNS[pattern]()
    data = x12.write(_x12_interchange(shipping.build_856(document), "SH"))
    edifile = x12.read(data)
    assert not edifile.errors
    (back,) = list(edifile.interchanges[0].transactions())
    assert documents.read(back, "X12") == document
    assert shipping.hl_count_issues(back) == []


@pytest.mark.parametrize("decimal", [".", ","])
def test_desadv_through_the_edifact_codec(decimal):
    """build -> edifact.write -> edifact.read -> read, with either decimal mark."""
    document = desadv_document()
    message = documents.build("DESADV", document, "EDIFACT", "D:96A:UN:EAN005", decimal=decimal)
    group = tree.Group("DESADV", "", "", "", "D:96A:UN", [message], implicit=True)
    interchange = tree.Interchange(
        "EDIFACT", tree.Party("14", "5412345000013"), tree.Party("14", "5412345678908"), "42", "UNOC:3",
        "240115", "1200", groups=[group],
    )  # fmt: skip
    data = edifact.write(interchange)
    assert (b"QTY+12:2,5'" if decimal == "," else b"QTY+12:2.5'") in data
    assert b"GIN+BJ+" + sscc_of(500).encode() + b"'" in data
    edifile = edifact.read(data)
    assert not edifile.errors
    (back,) = list(edifile.interchanges[0].transactions())
    assert documents.read(back, "EDIFACT") == document
