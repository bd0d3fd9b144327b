"""``python -m sandbox.paypal`` (from tests/), or ``python tests/sandbox.paypal``."""

import sys

if not __package__:  # run as a directory: make ``sandbox`` importable, and not this folder's modules
    from pathlib import Path

    sys.path[0] = str(Path(__file__).resolve().parents[2])
    from sandbox.paypal.cli import run
else:
    from .cli import run

sys.exit(run())
