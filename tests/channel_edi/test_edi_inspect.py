"""scripts/edi-inspect (and lib/inspect.py behind it): one JSON report,
exit 0 valid, 1 errors, 2 not EDI."""

import json
import subprocess
import sys

import pytest

from odoo.addons.channel_edi.lib import inspect as inspector

from conftest import FIXTURES_DIR, REPO_DIR

SCRIPT = REPO_DIR / "scripts" / "edi_inspect.py"
ORDER = (
    b"ISA*00*          *00*          *ZZ*RETAILCO       *ZZ*OURCOMPANY     *240501*1200*U*00401*000000101*0*T*>~\n"
    b"GS*PO*RETAILCO*OURCOMPANY*20240501*1200*101*X*004010~\n"
    b"ST*850*0001~\nBEG*00*SA*PO-7788**20240501~\nN1*ST*Store 42*UL*0614141000012~\n"
    b"PO1*1*5*EA*12.50**EN*1234567890128~\nCTT*1~\nSE*6*0001~\nGE*1*101~\nIEA*1*000000101~\n"
)


def run(path, *args):
    done = subprocess.run(
        [sys.executable, str(SCRIPT), str(path), *args], capture_output=True, timeout=120, check=False
    )
    return done.returncode, json.loads(done.stdout)


def test_a_valid_850_reports_its_envelopes_and_typed_document(tmp_path):
    path = tmp_path / "po.x12"
    path.write_bytes(ORDER)
    code, report = run(path)
    assert code == 0, report
    assert report["standard"] == "X12"
    assert report["valid"] is True
    interchange = report["interchanges"][0]
    assert interchange["control_number"] == "000000101"
    assert interchange["sender"] == {"qualifier": "ZZ", "id": "RETAILCO"}
    group = interchange["groups"][0]
    assert (group["functional_id"], group["control_number"], group["version"]) == ("PO", "101", "004010")
    transaction = group["transactions"][0]
    assert (transaction["type"], transaction["control_number"], transaction["errors"]) == ("850", "0001", [])
    document = transaction["document"]
    assert document["po_number"] == "PO-7788"
    assert document["order_date"] == "2024-05-01"
    assert document["ship_to"]["identifiers"] == {"UL": "0614141000012"}
    line = document["lines"][0]
    assert (line["line"], line["quantity"], line["uom"], line["unit_price"]) == ("1", "5", "EA", "12.50")
    assert line["product_ids"] == {"EN": "1234567890128"}


def test_errors_name_the_segment_and_element_and_exit_1(tmp_path):
    path = tmp_path / "bad.x12"
    path.write_bytes(ORDER.replace(b"PO1*1*5*EA", b"PO1*1*five*EA"))
    code, report = run(path)
    assert code == 1
    errors = report["interchanges"][0]["groups"][0]["transactions"][0]["errors"]
    assert any(e["segment"] == "PO1" and e["element"] == "PO102" and e["position"] == 6 for e in errors), errors


def test_a_bom_and_crlf_are_warnings_not_errors(tmp_path):
    path = tmp_path / "bom.x12"
    path.write_bytes(b"\xef\xbb\xbf" + ORDER.replace(b"\n", b"\r\n"))
    code, report = run(path)
    assert code == 0, report
    assert {w["code"] for w in report["warnings"]} >= {"bom"}


def test_not_edi_exits_2(tmp_path):
    path = tmp_path / "hello.txt"
    path.write_text("hello, world")
    code, report = run(path)
    assert code == 2
    assert report["standard"] is None


@pytest.mark.parametrize(
    "sample", sorted(p.name for p in (FIXTURES_DIR / "edi" / "staedi").glob("*.edi") if "invalid" not in p.name)
)
def test_public_samples_read_as_edi(sample):
    report, code = inspector.inspect((FIXTURES_DIR / "edi" / "staedi" / sample).read_bytes())
    assert code in (inspector.VALID, inspector.INVALID)
    assert report["standard"] in ("X12", "EDIFACT")
    assert report["interchanges"]
