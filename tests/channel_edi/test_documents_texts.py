"""common.texts(): the first elements of a segment at once, the same as
``get`` element by element whatever the segment holds (plain text,
components, repetitions, elements made or assigned); and the benchmark
script runs (scripts/bench_edi.py, on a small file)."""

import subprocess
import sys

from conftest import REPO_DIR

from odoo.addons.channel_edi.lib import x12
from odoo.addons.channel_edi.lib.documents.common import texts
from odoo.addons.channel_edi.lib.documents.x12_parts import read_product_ids
from odoo.addons.channel_edi.lib.tree import Segment

HEAD = (
    "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *240105*1200*^*00501*000000001*0*P*>~"
    "GS*PO*SENDER*RECEIVER*20240105*1200*1*X*005010~ST*850*0001~BEG*00*SA*PO1**20240105~"
)
LINES = [
    "PO1*1*10*EA*2.50**UP*012345678905*VN*AB-1",
    "PO1*2*1*EA",
    "PO1*3*5*EA*1**UP>X*0123^0456*VN",
    "PO1**",
    "PO1*4*2*EA*3.5**BP**VN*V-9*UP",
]


def segments():
    text = HEAD + "~".join(LINES) + "~CTT*5~SE*8*0001~GE*1*1~IEA*1*000000001~"
    transaction = x12.read(text.encode()).interchanges[0].groups[0].transactions[0]
    return [s for s in transaction.segments if s.tag == "PO1"]


def test_texts_is_get_element_by_element():
    for segment in segments():
        expected = [segment.tag, *(segment.get(n) for n in range(1, 26))]
        assert texts(segment, 25) == expected
        segment.elements  # noqa: B018 - made: the slow way must say the same
        assert texts(segment, 25) == expected


def test_texts_of_a_built_segment_and_product_ids():
    segment = Segment.of("PO1", "1", "2", "EA", "3", None, "UP", "0123", "VN")
    assert texts(segment, 9) == ["PO1", "1", "2", "EA", "3", "", "UP", "0123", "VN", ""]
    assert read_product_ids(segment, 6, 25) == {"UP": "0123", "VN": ""}
    assert [read_product_ids(s, 6, 25) for s in segments()] == [
        {"UP": "012345678905", "VN": "AB-1"},
        {},
        {"UP": "0123", "VN": ""},
        {},
        {"BP": "", "VN": "V-9", "UP": ""},
    ]


def test_the_benchmark_runs_on_a_small_file():
    done = subprocess.run(
        [
            sys.executable,
            str(REPO_DIR / "scripts" / "bench_edi.py"),
            "--megabytes",
            "0.05",
            "--rounds",
            "1",
            "--asns",
            "3",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    for expected in (
        "pyx12 RawX12File",
        "read ",
        "validate ",
        "typed ",
        "canonical ",
        "ratio ",
        "peak memory",
        "856",
    ):
        assert expected in done.stdout
