"""The sandbox PayPal business account: OAuth 2.0 client credentials and the
Transaction Search API over loopback, modelled on PayPal's published
OpenAPI description and developer docs (31-day windows, 10,000 results,
three hours of lag, T-codes).

- :mod:`.store`: :class:`PayPalStore`, payments, refunds, claims and
  chargebacks, reserves, conversions and withdrawals;
- :mod:`.api`: the REST face; :mod:`.seed`: :func:`seed_month`;
- :mod:`.sandbox`: :class:`PayPalSandbox`, the peer; :mod:`.demo`, :mod:`.cli`.
"""

from .common import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    MAX_RESULTS,
    REFRESH_LAG,
    format_date,
    parse_date,
)
from .sandbox import PayPalSandbox
from .seed import seed_month
from .store import PayPalStore

__all__ = [
    "DEFAULT_CLIENT_ID",
    "DEFAULT_CLIENT_SECRET",
    "MAX_RESULTS",
    "REFRESH_LAG",
    "PayPalSandbox",
    "PayPalStore",
    "format_date",
    "parse_date",
    "seed_month",
]
