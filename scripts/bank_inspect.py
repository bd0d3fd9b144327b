"""Read a bank statement file (camt.052/053/054 or MT940/MT942) and print
the canonical bank_statement as one JSON document. No database.

    scripts/bank-inspect FILE [--keys]

Exit status: 0 the file was read, 1 it could not be (one line on stderr).
The logic lives in settlement_recon's plain package (lib/bank/inspect.py).
"""

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def main(argv=None):
    try:
        import odoo.addons
    except ImportError:
        sys.stderr.write(
            "bank-inspect: needs Odoo 17 importable (README.md, 'Installing Odoo 17'): its reader lives in an addon\n"
        )
        return 1
    if str(REPO / "addons") not in odoo.addons.__path__:
        odoo.addons.__path__.append(str(REPO / "addons"))
    from odoo.addons.settlement_recon.lib.bank.inspect import main as inspect_main

    return inspect_main(argv)


if __name__ == "__main__":
    sys.exit(main())
