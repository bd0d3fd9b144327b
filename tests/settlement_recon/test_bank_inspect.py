"""scripts/bank-inspect (lib/bank/inspect.py behind it): one JSON document
on stdout and exit 0, or one line on stderr and exit 1."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from odoo.addons.integration_core.lib import canonical
from odoo.addons.settlement_recon.lib.bank import inspect as inspector

REPO_DIR = Path(__file__).resolve().parents[2]
FIXTURES_DIR = REPO_DIR.parent / "shared" / "fixtures"  # as tests/conftest.py

SCRIPT = REPO_DIR / "scripts" / "bank_inspect.py"
LAUNCHER = REPO_DIR / "scripts" / "bank-inspect"
BANK = FIXTURES_DIR / "bank"


def run(*args, stdin=b""):
    done = subprocess.run(
        [sys.executable, str(SCRIPT), *map(str, args)],
        input=stdin,
        capture_output=True,
        timeout=120,
        check=False,
    )
    return done.returncode, done.stdout.decode(), done.stderr.decode()


def inspect(*args, stdin=b""):
    stdout, stderr = io.StringIO(), io.StringIO()
    code = inspector.main(list(map(str, args)), stdout=stdout, stderr=stderr, stdin=io.BytesIO(stdin))
    return code, stdout.getvalue(), stderr.getvalue()


def shared(path):
    if not (BANK / path).exists():
        pytest.skip(f"shared bank samples not found at {BANK}")
    return BANK / path


def test_a_camt_file_prints_one_canonical_document():
    code, out, err = run(shared("camt-genkgo/camt053.v8.xml"))
    assert code == 0, err
    document = json.loads(out)
    canonical.validate("bank_statement", document)
    assert document["format"] == "camt.053.001.08"
    entry = document["statements"][0]["entries"][0]
    for key in (
        "amount",
        "booking_date",
        "value_date",
        "status",
        "end_to_end_id",
        "bank_reference",
        "remittance",
    ):
        assert key in entry
    assert entry["counterparty"]["name"] == "NAME NAME" and "iban" in entry["counterparty"]
    assert err.startswith("warning: ") and "CLBD balance is in SEK" in err  # warnings on stderr only


def test_an_mt940_file_from_standard_input():
    code, out, err = inspect("-", stdin=shared("mt940-jejik/knab.sta").read_bytes())
    assert (code, err) == (0, "")
    document = json.loads(out)
    assert document["format"] == "mt940"
    assert [s["closing_balance"] for s in document["statements"]] == ["500.00", "798.98"]


def test_keys_and_fingerprint_on_request():
    code, out, _err = inspect(shared("mt940-jejik/generic.sta"), "--keys")
    assert code == 0
    document = json.loads(out)
    assert len(document["_fingerprint"]) == 64
    assert document["statements"][0]["entries"][0]["_key"] == "v1|11111111|EUR|booked|2011-01-01|-10||1"


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "bank-inspect: {path}: no such file\n"),
        (b"", "bank-inspect: {path}: the file is empty\n"),
        (b"id;amount\n1;2\n", "bank-inspect: {path}: neither camt XML"),
        (
            b'<?xml version="1.0"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">\n'
            b"<BkToCstmrStmt>\n</Document>\n",
            "bank-inspect: {path}, line 4, column 12: XML is not well-formed: "
            "Opening and ending tag mismatch: BkToCstmrStmt line 3 and Document\n",
        ),
        (
            b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.12"/>',
            "bank-inspect: {path}, Document, line 1: camt.053.001.12 is not supported: only camt.052, camt.053 "
            "and camt.054 versions .001.02 to .001.08 are read\n",
        ),
        (
            b":20:X\n:25:123\n:60F:C140901EUR0,00\n:61:14X9010902D1,00NTRFNONREF\n:62F:D140901EUR1,00\n",
            "bank-inspect: {path}, line 4 (:61:): cannot read '14X9010902D1,00NTRFNONREF'\n",
        ),
    ],
)
def test_what_cannot_be_read_is_one_line_on_stderr_and_exit_1(tmp_path, content, message):
    path = tmp_path / "statement.dat"
    if content is not None:
        path.write_bytes(content)
    code, out, err = inspect(path)
    assert (code, out) == (1, "")
    assert err.startswith(message.format(path=path))
    assert err.count("\n") == 1


def test_the_script_exits_1_with_one_line(tmp_path):
    path = tmp_path / "missing.xml"
    assert run(path) == (1, "", f"bank-inspect: {path}: no such file\n")


def test_a_folder_is_not_a_file(tmp_path):
    assert inspect(tmp_path) == (1, "", f"bank-inspect: {tmp_path}: not a file\n")


def test_the_launcher_is_executable_and_calls_the_script():
    assert os.access(LAUNCHER, os.X_OK)
    assert "scripts/bank_inspect.py" in LAUNCHER.read_text()
