"""The sandbox Stripe account: Stripe's REST API (the payouts and balance
transactions a reconciliation reads) and signed webhooks over loopback,
modelled on Stripe's published OpenAPI description and API reference.

- :mod:`.store`: :class:`StripeStore`, charges, refunds, disputes, reserves,
  balance transactions and automatic payouts, consistent with each other;
- :mod:`.api`, :mod:`.views`: the REST face (auth, lists and cursors,
  filters, ``expand[]``, errors, rate limit); :mod:`.webhooks`: signed events;
- :mod:`.seed`: :func:`seed_month`, a generated month;
- :mod:`.sandbox`: :class:`StripeSandbox`, the peer; :mod:`.demo`, :mod:`.cli`.
"""

from .common import DEFAULT_API_KEY, DEFAULT_API_VERSION, RATE_LIMIT, WEBHOOK_EVENTS, to_major, to_minor
from .sandbox import StripeSandbox
from .seed import seed_month
from .store import StripeError, StripeStore
from .webhooks import new_secret, sign, verify

__all__ = [
    "DEFAULT_API_KEY",
    "DEFAULT_API_VERSION",
    "RATE_LIMIT",
    "WEBHOOK_EVENTS",
    "StripeError",
    "StripeSandbox",
    "StripeStore",
    "new_secret",
    "seed_month",
    "sign",
    "to_major",
    "to_minor",
    "verify",
]
