"""Plain-Python tests of the suite (no database, no ORM).

They import the addons' plain packages the way Odoo does, as
``odoo.addons.<addon>.lib``, so the code under test is the code Odoo runs.
Odoo 17 must be importable (see README.md); sandbox peers live in
``tests/sandbox`` and are importable as ``sandbox``.
"""

import sys
from pathlib import Path

import pytest

TESTS_DIR = Path(__file__).resolve().parent
REPO_DIR = TESTS_DIR.parent
ADDONS_DIR = REPO_DIR / "addons"
# test-only Odoo addons (the example channel): their lib/ is tested here,
# their tests/ are Odoo tests that scripts/test runs, not pytest's
TEST_ADDONS_DIR = TESTS_DIR / "odoo_addons"
collect_ignore = ["odoo_addons"]
FIXTURES_DIR = REPO_DIR.parent / "shared" / "fixtures"

try:
    import odoo  # noqa: F401  (must come before odoo.addons)

    import odoo.addons
except ImportError as exc:  # pragma: no cover - environment problem
    raise SystemExit(
        "Odoo 17 is not importable from this Python: install it (README.md, "
        "'Installing Odoo 17') or run scripts/test, which finds it for you."
    ) from exc

for _addons in (ADDONS_DIR, TEST_ADDONS_DIR):
    if str(_addons) not in odoo.addons.__path__:
        odoo.addons.__path__.append(str(_addons))
if str(TESTS_DIR) not in sys.path:
    sys.path.insert(0, str(TESTS_DIR))


@pytest.fixture(scope="session")
def shopify_fixtures_dir():
    """Shopify's own published sample resources, kept outside the repo."""
    path = FIXTURES_DIR / "shopify"
    if not path.is_dir():
        pytest.skip(f"Shopify sample fixtures not found at {path} (they live outside the repo)")
    return path
