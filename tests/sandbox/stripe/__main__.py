"""``python -m sandbox.stripe`` (from tests/), or ``python tests/sandbox/stripe``."""

import sys

if not __package__:  # run as a directory: make ``sandbox`` importable, and not this folder's modules
    from pathlib import Path

    sys.path[0] = str(Path(__file__).resolve().parents[2])
    from sandbox.stripe.cli import run
else:
    from .cli import run

sys.exit(run())
