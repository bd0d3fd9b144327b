"""The plain libraries of ``channel_edi`` the partner uses: the X12 reader
(to read our files as any translator would) and AS2 (as the partner's own
AS2 station, with its own key and certificate).

They are loaded from ``addons/channel_edi/lib`` as a package of their own
(``sandbox_edi_channel_lib``), without importing the addon (its models, the
ORM): the partner depends on plain libraries only, never on our Odoo code.
When the addon's lib is imported already (Odoo tests, where the peer runs
inside Odoo's process), that one is used, so that objects such as
certificates are of one class on both sides.
Their own imports of ``odoo.addons.integration_core.lib`` (error classes,
the HTTP client) need ``addons/`` on ``odoo.addons``'s path, which is added
when missing (pytest's conftest has done it already).
"""

import importlib
import importlib.util
import sys
from pathlib import Path

ADDONS_DIR = Path(__file__).resolve().parents[3] / "addons"
LIB_DIR = ADDONS_DIR / "channel_edi" / "lib"
PACKAGE = "sandbox_edi_channel_lib"
ODOO_PACKAGE = "odoo.addons.channel_edi.lib"


_chosen = []  # the package the partner uses, once chosen


def _package():
    if _chosen:
        return _chosen[0]
    loaded = sys.modules.get(ODOO_PACKAGE)
    if loaded is not None:  # Odoo (or a test) has the addon's lib already: the same code, one copy
        _chosen.append(loaded)
        return loaded
    import odoo.addons

    if str(ADDONS_DIR) not in odoo.addons.__path__:
        odoo.addons.__path__.append(str(ADDONS_DIR))
    spec = importlib.util.spec_from_file_location(
        PACKAGE, LIB_DIR / "__init__.py", submodule_search_locations=[str(LIB_DIR)]
    )
    package = importlib.util.module_from_spec(spec)
    sys.modules[PACKAGE] = package
    spec.loader.exec_module(package)
    _chosen.append(package)
    return package


def _module(name):
    return importlib.import_module(f"{_package().__name__}.{name}")


def x12():
    """``channel_edi/lib/x12.py`` (read our files)."""
    return _module("x12")


def as2():
    """``channel_edi/lib/transports/as2.py``."""
    return _module("transports.as2")


def documents():
    """``channel_edi/lib/documents`` (our typed documents, to record what we sent as we mean it)."""
    return _module("documents")


def smime():
    """``channel_edi/lib/transports/smime.py``."""
    return _module("transports.smime")
