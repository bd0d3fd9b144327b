"""``scripts/bank-inspect FILE``: a bank statement file as the one JSON
document the importer reads, without a database.

::

    scripts/bank-inspect statement.xml          # camt.052/053/054
    scripts/bank-inspect - < statement.sta      # MT940/MT942 on standard input
    scripts/bank-inspect --keys statement.xml   # each entry with its duplicate key

Standard output gets exactly one JSON document, the canonical
bank_statement (amounts are decimal strings); the reader's warnings go to
standard error as ``warning: ...`` lines. When the file cannot be read
(missing, unknown format, broken XML, a bad ``:61:``...) nothing is
printed on standard output, one line says why on standard error, and the
exit status is 1.

``--keys`` adds ``_key`` (:func:`..entry_keys`) to each entry and
``_fingerprint`` (:func:`..file_fingerprint`) to the document: what the
importer's duplicate checks compare. The output is then no longer a valid
canonical document.
"""

import argparse
import json
import sys
from pathlib import Path

from . import BankFileError, entry_keys, file_fingerprint, parse_with_warnings

PROG = "bank-inspect"


def read_input(name, stdin=None):
    """The bytes of file ``name`` (``-``: standard input)."""
    if name == "-":
        return (stdin or sys.stdin.buffer).read()
    path = Path(name)
    if not path.exists():
        raise BankFileError("no such file", name)
    if not path.is_file():
        raise BankFileError("not a file", name)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise BankFileError(exc.strerror or str(exc), name) from None


def inspect(data, filename=None, keys=False):
    """``(document, warnings)``; with ``keys``, the document carries the
    duplicate keys and the file fingerprint too."""
    document, warnings = parse_with_warnings(data, filename)
    if keys:
        for statement, statement_keys in zip(document["statements"], entry_keys(document), strict=True):
            for entry, key in zip(statement["entries"], statement_keys, strict=True):
                entry["_key"] = key
        document["_fingerprint"] = file_fingerprint(data)
    return document, warnings


def main(argv=None, stdout=None, stderr=None, stdin=None):
    """The command line; returns the exit status (0 read, 1 not)."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "file", help="the bank file: camt.052/053/054 XML or MT940/MT942 ('-' for standard input)"
    )
    parser.add_argument(
        "--keys", action="store_true", help="add each entry's duplicate key and the file fingerprint"
    )
    args = parser.parse_args(argv)
    name = "<stdin>" if args.file == "-" else args.file
    try:
        data = read_input(args.file, stdin)
        document, warnings = inspect(data, filename=name, keys=args.keys)
    except BankFileError as exc:
        stderr.write(f"{PROG}: {_one_line(str(exc))}\n")
        return 1
    json.dump(document, stdout, indent=2, ensure_ascii=False)
    stdout.write("\n")
    for warning in warnings:
        stderr.write(f"warning: {_one_line(warning)}\n")
    return 0


def _one_line(text):
    return " ".join(str(text).split())
