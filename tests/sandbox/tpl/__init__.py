"""The sandbox 3PL warehouse (see README.md): a simulated warehouse behind
ShipBob's REST API (version 2026-07) and an X12 4010 file drop.

- :mod:`.warehouse`: :class:`Warehouse`, stock, orders, receipts, returns
  and their behaviours over simulated time;
- :mod:`.rest`, :mod:`.views`, :mod:`.webhooks`: ShipBob's REST face;
- :mod:`.x12face`: the X12 trading partner (940/943 in; 997, 945, 944, 846, 947 out);
- :mod:`.sandbox`: :class:`TplSandbox`, the peer; :mod:`.demo`, :mod:`.cli`.
"""

from .common import (
    API_VERSIONS,
    DEFAULT_API_VERSION,
    DEFAULT_CHANNEL_ID,
    DEFAULT_TOKEN,
    DUPLICATE_ORDER,
    RATE_LIMIT,
    WEBHOOK_TOPICS,
)
from .sandbox import TplSandbox
from .warehouse import REASONS, Warehouse, WarehouseError
from .webhooks import new_secret, sign, verify

__all__ = [
    "API_VERSIONS",
    "DEFAULT_API_VERSION",
    "DEFAULT_CHANNEL_ID",
    "DEFAULT_TOKEN",
    "DUPLICATE_ORDER",
    "RATE_LIMIT",
    "REASONS",
    "TplSandbox",
    "WEBHOOK_TOPICS",
    "Warehouse",
    "WarehouseError",
    "new_secret",
    "sign",
    "verify",
]
