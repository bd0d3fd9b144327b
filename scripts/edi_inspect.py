"""Inspect an EDI file (X12 or EDIFACT): envelopes, warnings, validation
errors and the typed business document of each transaction set, as one
JSON document on standard output. No database.

    scripts/edi-inspect FILE [--rules PARTNER_RULES.json] [--tree] [--no-document]

Exit status: 0 the file is valid, 1 it has errors (listed in the JSON),
2 it is not EDI at all (or cannot be read).
"""

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", help="the EDI file ('-' for standard input)")
    parser.add_argument("--rules", help="the partner's guide overrides (JSON)")
    parser.add_argument("--tree", action="store_true", help="include each set's segment tree")
    parser.add_argument("--no-document", action="store_true", help="leave out the typed documents")
    args = parser.parse_args(argv)
    try:
        import odoo.addons
    except ImportError:
        sys.exit(
            "edi-inspect needs Odoo 17 importable (README.md, 'Installing Odoo 17'): its codec lives in an addon."
        )
    if str(REPO / "addons") not in odoo.addons.__path__:
        odoo.addons.__path__.append(str(REPO / "addons"))
    from odoo.addons.channel_edi.lib.inspect import NOT_EDI, inspect

    try:
        data = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
        overrides = json.loads(Path(args.rules).read_text()) if args.rules else None
    except (OSError, ValueError) as exc:
        print(json.dumps({"standard": None, "error": str(exc)}))
        return NOT_EDI
    report, code = inspect(
        data, overrides=overrides, include_tree=args.tree, include_document=not args.no_document
    )
    json.dump(report, sys.stdout, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write("\n")
    return code


if __name__ == "__main__":
    sys.exit(main())
