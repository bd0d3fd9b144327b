"""Contract tests on public samples: every X12 and EDIFACT file of the shared
fixtures (``../shared/fixtures/edi``, read-only) and of
``tests/channel_edi/fixtures`` parses through :func:`codec.read`; what the
standards say they contain is asserted; the broken ones give the errors they
should; the canonical ones are written back byte for byte.

The expectations come from reading the files against X12.5/X12.6 and
ISO 9735, not from running the code: where a sample breaks a rule (a wrong
UNT01 count, no UNZ), the error is expected here.
"""

import random
import warnings
from pathlib import Path

import pytest
from pydifact.parser import Parser

from odoo.addons.channel_edi.lib import codec, edifact, x12
from odoo.addons.channel_edi.lib.tree import Party

TESTS_DIR = Path(__file__).resolve().parents[1]
SHARED = TESTS_DIR.parent.parent / "shared" / "fixtures" / "edi"  # FIXTURES_DIR / "edi" (tests/conftest.py)
LOCAL = Path(__file__).resolve().parent / "fixtures"


def sample_files():
    files = []
    for root in (SHARED, LOCAL):
        if root.is_dir():
            files += sorted(p for p in root.rglob("*.edi"))
    return files


def sample_id(path):
    return f"{path.parent.name}/{path.name}"


SAMPLES = sample_files()

# file -> what the standard says it holds:
# standard; per interchange (sender, receiver, control number, separators
# "element component segment repetition [release decimal]", groups as
# (functional id, control number, version, implicit, [(set type, control number, segments)]));
# error codes expected (sorted); warning codes expected
EXPECTED = {
    "staedi/x12_simple997.edi": (
        "X12",
        [
            (
                Party("ZZ", "ReceiverID"),
                Party("ZZ", "Sender"),
                "508121953",
                "* : ~ ^",
                [("FA", "000005", "005010X230", False, [("997", "0001", 8)])],
            )
        ],
        [],
    ),
    "staedi/x12_invalid997.edi": (
        # the envelopes are sound; AK1 "HC NOT IN CODESET" and AK4 "66 NON NUMERIC"
        # are invalid element values (staedi's own test expects AK402 too long and
        # not numeric, and no segment error): validation's business, not the codec's
        "X12",
        [
            (
                Party("ZZ", "ReceiverID"),
                Party("ZZ", "Sender"),
                "508121953",
                "* : ~ ^",
                [("FA", "000005", "005010X230", False, [("997", "0001", 8)])],
            )
        ],
        [],
    ),
    "staedi/x12_simple997-multiple-interchanges.edi": (
        "X12",
        [
            (
                Party("ZZ", "ReceiverID"),
                Party("ZZ", "Sender"),
                f"00000000{n}",
                "* : ~ ^",
                [("FA", "000005", "005010X230", False, [("997", "0001", 8)])],
            )
            for n in (1, 2, 3)
        ],
        [],
    ),
    "staedi/x12_simple999.edi": (
        "X12",
        [
            (
                Party("ZZ", "123456789"),
                Party("ZZ", "987654321"),
                "000000286",
                "* : ~ ^",
                [("FA", "287", "005010X231", False, [("999", "2870001", 16)])],
            )
        ],
        [],
    ),
    "staedi/x12_simple810.edi": (
        "X12",
        [
            (
                Party("ZZ", "SENDERISA"),
                Party("ZZ", "RECEIVERISA"),
                "000000020",
                "* > ~",
                [("IN", "1", "004010", False, [("810", "000000001", 32), ("810", "000000002", 22)])],
            )
        ],
        [],
    ),
    "staedi/x12_invoice810_po850_dual.edi": (
        "X12",
        [
            (
                Party("ZZ", "SENDERISA"),
                Party("ZZ", "RECEIVERISA"),
                "000000020",
                "* > ~",
                [
                    ("IN", "1", "004010", False, [("810", "000000001", 32), ("810", "000000002", 22)]),
                    ("PO", "165", "003010", False, [("850", "000191240", 17)]),
                ],
            )
        ],
        [],
    ),
    "staedi/EDIFACT_invoic_d97b.edi": (
        "EDIFACT",
        [
            (
                Party("1", "005435656"),
                Party("1", "006415160"),
                "00000000000778",
                "+ : ' _ ? .",
                [("INVOIC", "", "D:97B:UN", True, [("INVOIC", "00000000000117", 24)])],
            )
        ],
        [],
    ),
    "staedi/EDIFACT_invoic_d97b_una.edi": (
        # UNB03 is written 006?415160: a release character before a plain "4" is data "4"
        "EDIFACT",
        [
            (
                Party("1", "005435656"),
                Party("1", "006415160"),
                "00000000000778",
                "* = ~ _ ? .",
                [("INVOIC", "", "D:97B:UN", True, [("INVOIC", "00000000000117", 24)])],
            )
        ],
        [],
    ),
    "staedi/EDIFACT_orders-with-group.edi": (
        # UNT+21 but UNH..UNT are 18 segments
        "EDIFACT",
        [
            (
                Party("14", "5400110000009"),
                Party("14", "5013546107732"),
                "2722166169492",
                "+ : ' _ ? .",
                [("ORDERS", "1", "D:96A:UN:EAN008A", False, [("ORDERS", "1", 18)])],
            )
        ],
        ["segment_count"],
    ),
    "pydifact/invoice1.edi": (
        "EDIFACT",
        [
            (
                Party("", "01010000253001"),
                Party("", "O0013000093SCHA-Z59"),
                "PAYO0012101221",
                "+ : ' _ ? .",
                [("INVOIC", "", "D:97A:UN", True, [("INVOIC", "1", 24)])],
            )
        ],
        [],
    ),
    "pydifact/messages_v4_aperak.edi": (
        # UNT+8 but UNH..UNT are 7 segments
        "EDIFACT",
        [
            (
                Party("", "RECEIVERID"),
                Party("", "SENDERID"),
                "000000005",
                "+ : ' _ ? .",
                [("APERAK", "", "D:96A:UN", True, [("APERAK", "1", 7)])],
            )
        ],
        ["segment_count"],
    ),
    "pydifact/messages_v4_aperak_rejected.edi": (
        "EDIFACT",
        [
            (
                Party("", "RECEIVERID"),
                Party("", "SENDERID"),
                "000000004",
                "+ : ' _ ? .",
                [("APERAK", "", "D:96A:UN", True, [("APERAK", "1", 7)])],
            )
        ],
        ["segment_count"],
    ),
    "pydifact/order.edi": (
        # EANCOM ORDERS with a comma decimal mark and no UNZ
        "EDIFACT",
        [
            (
                Party("8", "12345678"),
                Party("ZZ", "WBDZDD"),
                "807",
                "+ : ' _ ? ,",
                [("ORDERS", "", "D:96A:UN", True, [("ORDERS", "1", 16)])],
            )
        ],
        ["missing_trailer"],
    ),
    "pydifact/wikipedia_en.edi": (
        "EDIFACT",
        [
            (
                Party("ZZ", "6XPPC"),
                Party("ZZ", "LHPPC"),
                "1",
                "+ : ' _ ? .",
                [("PAORES", "", "93:1:IA", True, [("PAORES", "1", 13)])],
            )
        ],
        [],
    ),
    "node-x12/850.edi": (
        "X12",
        [
            (
                Party("12", "4405197800"),
                Party("01", "999999999"),
                "000003438",
                "* > ~",
                [("PO", "1421", "004010VICS", False, [("850", "000000010", 33)])],
            )
        ],
        [],
    ),
    "node-x12/850_2.edi": (
        # the same 850 with a line feed as segment terminator
        "X12",
        [
            (
                Party("12", "4405197800"),
                Party("01", "999999999"),
                "000003438",
                "* > \n",
                [("PO", "1421", "004010VICS", False, [("850", "000000010", 33)])],
            )
        ],
        [],
    ),
    "node-x12/855.edi": (
        "X12",
        [
            (
                Party("ZZ", "1556150"),
                Party("ZZ", "123MILL"),
                "000000005",
                "* > ~",
                [("PR", "5", "004010", False, [("855", "0005", 26)])],
            )
        ],
        [],
    ),
    "stupidedi/004010_AR943_pass_1.edi": (
        # 943 stock transfer shipment advice (documents: warehouse)
        "X12",
        [
            (
                Party("ZZ", "SENDER"),
                Party("ZZ", "RECEIVER"),
                "000000001",
                "* > ~",
                [("AR", "1", "004010", False, [("943", "0001", 9)])],
            )
        ],
        [],
    ),
    "stupidedi/004010_RE944_pass_1.edi": (
        # 944 stock transfer receipt advice (documents: warehouse)
        "X12",
        [
            (
                Party("ZZ", "SENDER"),
                Party("ZZ", "RECEIVER"),
                "000000001",
                "* > ~",
                [("RE", "1", "004010", False, [("944", "0001", 8)])],
            )
        ],
        [],
    ),
    "node-x12/856.edi": (
        # ISA12 00406: ISA11 "-" is the repetition separator
        "X12",
        [
            (
                Party("12", "4405197800"),
                Party("01", "999999999"),
                "000000049",
                "* > ~ -",
                [("SH", "49", "004060", False, [("856", "0008", 31)])],
            )
        ],
        [],
    ),
}


def test_every_sample_has_expectations():
    assert SAMPLES, f"no samples under {SHARED} or {LOCAL}"
    assert sorted(EXPECTED) == sorted(sample_id(p) for p in SAMPLES)


def separators(d):
    parts = [d.element, d.component, d.segment]
    if d.release or d.decimal != "." or parts[0] == "+" or d.una:
        parts += [d.repetition or "_", d.release, d.decimal]
    elif d.repetition:
        parts.append(d.repetition)
    return " ".join(parts)


def shape(edifile):
    return [
        (
            i.sender,
            i.receiver,
            i.control_number,
            separators(i.delimiters),
            [
                (
                    g.functional_id,
                    g.control_number,
                    g.version,
                    g.implicit,
                    [(t.type, t.control_number, len(t.segments)) for t in g.transactions],
                )
                for g in i.groups
            ],
        )
        for i in edifile.interchanges
    ]


@pytest.mark.parametrize("path", SAMPLES, ids=sample_id)
def test_sample_parses_to_what_the_standard_says(path):
    standard, interchanges, errors = EXPECTED[sample_id(path)]
    edifile = codec.read(path.read_bytes())
    assert edifile.standard == standard
    assert shape(edifile) == interchanges
    assert sorted(e.code for e in edifile.errors) == errors
    for issue in edifile.errors:
        assert issue.position > 0 and issue.segment and issue.message
    assert all(w.severity == "warning" for w in edifile.warnings)


@pytest.mark.parametrize("path", SAMPLES, ids=sample_id)
def test_canonical_samples_round_trip_byte_for_byte(path):
    data = path.read_bytes()
    edifile = codec.read(data)
    if edifile.errors:
        # a broken sample is written corrected: counts computed, trailers added
        written = codec.write_file(edifile)
        assert codec.read(written).errors == []
        return
    assert codec.write_file(edifile) == data


@pytest.mark.parametrize(
    "path", [p for p in SAMPLES if EXPECTED[sample_id(p)][0] == "EDIFACT"], ids=sample_id
)
def test_edifact_samples_split_as_pydifact_splits_them(path):
    """pydifact (the syntax layer the issue chose) and our splitter agree on
    every segment of every EDIFACT sample."""
    text = path.read_bytes().decode("utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pydifact warns for every segment it has no schema for
        theirs = [(s.tag, s.elements) for s in Parser().parse(text) if s.tag != "UNA"]
    edifile = edifact.read(text.encode("utf-8"))
    ours = []
    for interchange in edifile.interchanges:
        ours.append(interchange.header)
        for group in interchange.groups:
            ours += [group.header] if group.header is not None else []
            for transaction in group.transactions:
                ours += transaction.segments
            ours += [group.trailer] if group.trailer is not None else []
        ours += [interchange.trailer] if interchange.trailer is not None else []
    assert [pydifact_view(s) for s in ours] == theirs


def pydifact_view(segment):
    out = []
    for components in segment.elements:
        values = list(components[0])
        while len(values) > 1 and not values[-1]:
            values.pop()
        out.append(values[0] if len(values) == 1 else values)
    return segment.tag, out


# --- what particular samples say --------------------------------------------------------


def read_sample(name):
    path = next((p for p in SAMPLES if sample_id(p) == name), None)
    if path is None:
        pytest.skip(f"sample {name} not found")
    return codec.read(path.read_bytes())


def test_invalid997_values_are_read_as_written():
    transaction = read_sample("staedi/x12_invalid997.edi").interchanges[0].groups[0].transactions[0]
    ak1, _ak2, _ak3, ak4 = transaction.body[:4]
    assert ak1[1] == "HC NOT IN CODESET" and ak4[2] == "66 NON NUMERIC"


def test_999_ctx_repetitions_and_components():
    transaction = read_sample("staedi/x12_simple999.edi").interchanges[0].groups[0].transactions[0]
    assert transaction.version == "005010X231"  # ST03
    ctx = [s for s in transaction.segments if s.tag == "CTX"][1]
    assert ctx.repetitions(1) == [
        ["SITUATIONAL TRIGGER"],
        ["SITUATIONAL TRIGGER", "2"],
        ["SITUATIONAL TRIGGER", "3"],
    ]
    assert ctx.components(5) == ["5", "3"]


def test_810_tds_keeps_implied_decimals_as_written():
    transaction = read_sample("staedi/x12_simple810.edi").interchanges[0].groups[0].transactions[0]
    tds = next(s for s in transaction.segments if s.tag == "TDS")
    assert tds[1] == "255438"
    assert transaction.segments[-1].set_position == 32


def test_x12_usage_and_ack_flags():
    interchange = read_sample("staedi/x12_simple810.edi").interchanges[0]
    assert (interchange.usage, interchange.ack_requested, interchange.version) == ("T", False, "00401")
    assert interchange.header.get(11) == "U"


def test_850_with_line_feed_terminator_reads_like_the_tilde_one():
    tilde = read_sample("node-x12/850.edi").interchanges[0].groups[0].transactions[0]
    newline = read_sample("node-x12/850_2.edi").interchanges[0].groups[0].transactions[0]
    assert [(s.tag, s.elements) for s in tilde.segments] == [(s.tag, s.elements) for s in newline.segments]


def test_856_isa11_dash_splits_repetitions():
    """00406 makes ISA11 ("-") a repetition separator, so the sample's
    N403 "31139-0020" is two repetitions per the standard."""
    transaction = read_sample("node-x12/856.edi").interchanges[0].groups[0].transactions[0]
    n4 = [s for s in transaction.segments if s.tag == "N4"][1]
    assert n4.repetitions(3) == [["31139"], ["0020"]]
    assert [s[3] for s in transaction.segments if s.tag == "HL"] == ["S", "O", "I", "I"]


def test_855_ack_line_statuses():
    transaction = read_sample("node-x12/855.edi").interchanges[0].groups[0].transactions[0]
    assert [s[1] for s in transaction.segments if s.tag == "ACK"] == ["IA", "IR", "IR", "IA"]


def test_edifact_una_sample_matches_the_default_one():
    plain = read_sample("staedi/EDIFACT_invoic_d97b.edi")
    una = read_sample("staedi/EDIFACT_invoic_d97b_una.edi")
    a = plain.interchanges[0].groups[0].transactions[0].segments
    b = una.interchanges[0].groups[0].transactions[0].segments
    differing = [
        (x.tag, x.elements, y.elements) for x, y in zip(a, b, strict=True) if x.elements != y.elements
    ]
    assert [d[0] for d in differing] == ["NAD"]  # the supplier's name differs in the two samples
    assert "charset" in [w.code for w in plain.warnings]  # "BÜTTNER" in a UNOA file


def test_order_has_comma_decimals_and_no_unz():
    edifile = read_sample("pydifact/order.edi")
    (issue,) = edifile.errors
    assert (issue.code, issue.segment, issue.position) == ("missing_trailer", "UNB", 1)
    assert edifile.interchanges[0].delimiters.decimal == ","
    assert edifile.interchanges[0].groups[0].transactions[0].version == "D:96A:UN:EAN008"


def test_orders_with_group_is_a_test_interchange():
    interchange = read_sample("staedi/EDIFACT_orders-with-group.edi").interchanges[0]
    assert interchange.usage == "T"  # UNB11 = 1
    assert interchange.groups[0].header.tag == "UNG" and interchange.groups[0].trailer.tag == "UNE"


# --- sniffing ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"   \n",
        b"hello",
        b'{"order": 1}',
        b"<?xml version='1.0'?><a/>",
        b"\xef\xbb\xbfPO,1,2",
        "ÉDI".encode(),
    ],
)
def test_not_edi_raises_a_clear_error(data):
    with pytest.raises(codec.NotEdi) as raised:
        codec.read(data)
    assert isinstance(raised.value, ValueError)
    assert "Not EDI" in str(raised.value)


@pytest.mark.parametrize(
    "head, standard",
    [
        (b"ISA*", "X12"),
        (b"\xef\xbb\xbf\r\n  ISA*", "X12"),
        (b"UNA:+.? '", "EDIFACT"),
        (b"\n UNB+", "EDIFACT"),
    ],
)
def test_sniffing(head, standard):
    assert codec.sniff(head) == standard


def test_codec_write_dispatches_on_the_standard():
    x12_file = read_sample("staedi/x12_simple997.edi")
    edifact_file = read_sample("pydifact/wikipedia_en.edi")
    assert codec.write(x12_file.interchanges[0]) == x12.write(x12_file.interchanges[0])
    assert codec.write(edifact_file.interchanges[0]) == edifact.write(edifact_file.interchanges[0])
    interchange = x12_file.interchanges[0]
    interchange.standard = "TRADACOMS"
    with pytest.raises(ValueError, match="TRADACOMS"):
        codec.write(interchange)


# --- damaged files: errors, never crashes ---------------------------------------------


def mutations(data, rng):
    data = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        where = rng.randrange(len(data)) if data else 0
        roll = rng.random()
        if roll < 0.3 and data:
            del data[where : where + rng.randint(1, 30)]
        elif roll < 0.6:
            data[where:where] = bytes([rng.choice(b"*~>:^+'?UNAISGTE\r\n \x00\xff\xb2")])
        elif roll < 0.8 and data:
            data[where] = rng.randrange(256)
        else:
            start = rng.randrange(len(data)) if data else 0
            data[where:where] = data[start : start + rng.randint(1, 50)]
    return bytes(data)


@pytest.mark.parametrize("path", SAMPLES, ids=sample_id)
def test_damaged_samples_give_errors_not_crashes(path):
    """Bytes cut, doubled or changed at random (seeded): the reader returns
    issues or raises one of the codec's own errors, the writer likewise."""
    rng = random.Random(sample_id(path))
    expected = (codec.NotEdi, x12.X12Error, edifact.EdifactError)
    for _ in range(150):
        data = mutations(path.read_bytes(), rng)
        try:
            edifile = codec.read(data)
        except expected as exc:
            assert str(exc)
            continue
        for issue in edifile.errors + edifile.warnings:
            assert issue.code and issue.message
        for interchange in edifile.interchanges:
            try:
                codec.write(interchange)
            except expected as exc:
                assert str(exc)
