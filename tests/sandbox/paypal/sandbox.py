"""The PayPal peer, assembled: a :class:`~.store.PayPalStore` behind PayPal's
OAuth and Transaction Search face (:mod:`.api`), on the shared peer base.

Control API (besides the base's ``GET /_sandbox/state``, ``POST
/_sandbox/faults``, ``POST /_sandbox/reset``):

- ``POST /_sandbox/advance`` ``{"seconds": 10800}``: move the account's time;
- ``POST /_sandbox/seed`` ``{"orders": 200, "currencies": ["USD", "EUR"], "seed": 1}``;
- ``POST /_sandbox/payments`` ``{"amount": "12.30", "currency": "USD", "invoice_id": "SO001"}``,
  ``POST /_sandbox/refunds`` ``{"transaction_id": ..., "amount": "2.00"}``,
  ``POST /_sandbox/withdrawals`` ``{"currency": "USD"}``;
- ``POST /_sandbox/tokens/expire``: every issued access token expires.
"""

import time
from datetime import datetime, timezone

from ..peer import Peer, fault_label
from .api import ApiMixin
from .common import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    MAX_RESULTS,
    RATE_BURST,
    RATE_PER_SECOND,
    TOKEN_LIFETIME,
)
from .seed import seed_month
from .store import PayPalStore


class PayPalSandbox(ApiMixin, Peer):
    """A local PayPal business account. ``with PayPalSandbox(clock=clock, wait=clock.wait, now=...) as paypal:``.

    ``client_id``/``client_secret`` (or ``clients``: {id: secret}) for
    ``/v1/oauth2/token``; ``now``: the account's Unix time (or aware datetime)
    at the clock's first reading (default: the real time); ``currencies``:
    the balances held; ``lag``: seconds before a transaction is searchable
    (PayPal: up to 3 hours); ``max_results``: above it a search answers
    RESULTSET_TOO_LARGE (10,000); ``token_lifetime``: ``expires_in``."""

    name = "paypal-sandbox"
    server_version = "PayPalSandbox/1.0"
    methods = ("GET", "POST", "DELETE")

    def __init__(
        self,
        *,
        client_id=DEFAULT_CLIENT_ID,
        client_secret=DEFAULT_CLIENT_SECRET,
        clients=None,
        now=None,
        currencies=("USD", "EUR"),
        seed=0,
        max_results=MAX_RESULTS,
        token_lifetime=TOKEN_LIFETIME,
        rate_burst=RATE_BURST,
        rate_per_second=RATE_PER_SECOND,
        host="127.0.0.1",
        port=0,
        clock=None,
        wait=None,
        **store_options,
    ):
        super().__init__(host=host, port=port, clock=clock, wait=wait)
        self.clients = dict(clients or {client_id: client_secret})
        self.max_results = max_results
        self.token_lifetime = token_lifetime
        self.rate_burst = rate_burst
        self.rate_per_second = rate_per_second
        self.clock = self.faults.clock
        if isinstance(now, datetime):
            now = (now if now.tzinfo else now.replace(tzinfo=timezone.utc)).timestamp()
        self._epoch = (time.time() if now is None else float(now)) - self.clock()
        self.store = PayPalStore(self.unix_time, currencies=currencies, seed=seed, **store_options)
        self.reset()

    def unix_time(self):
        return self._epoch + self.clock()

    def reset(self):
        with self._lock:
            super().reset()
            self.calls = []
            self.buckets = {}
            self.tokens = {}
            self._balance_cache = None
            self.store.reset()

    # -- the account, for tests and the demo ------------------------------------------------------

    def seed_month(self, **options):
        return seed_month(self.store, **options)

    def create_payment(self, amount, currency="USD", **options):
        return self.store.create_payment(amount, currency, **options)

    def create_refund(self, transaction_id, amount=None, **options):
        return self.store.create_refund(transaction_id, amount, **options)

    def withdraw(self, currency, amount=None, **options):
        return self.store.withdraw(currency, amount, **options)

    def bank_movements(self, currency=None):
        """What the merchant's bank sees of the withdrawals (for a bank-file
        generator), oldest first: ``{"transaction_id", "amount" (positive
        decimal string: money in at the bank), "currency", "date" (ISO),
        "bank_reference_id"}``."""
        out = []
        with self.store.lock:
            for record in sorted(self.store.records, key=lambda r: (r["_at"], r["_seq"])):
                info = record["transaction_info"]
                if info["transaction_event_code"] != "T0400":
                    continue
                if currency and info["transaction_amount"]["currency_code"] != currency.upper():
                    continue
                out.append(
                    {
                        "transaction_id": info["transaction_id"],
                        "amount": str(-self.store.amount_of(record)),
                        "currency": info["transaction_amount"]["currency_code"],
                        "date": datetime.fromtimestamp(record["_at"], timezone.utc).date().isoformat(),
                        "bank_reference_id": info["bank_reference_id"],
                    }
                )
        return out

    def advance(self, seconds):
        """Move the account's time (the injected clock when it is a ManualClock)."""
        if hasattr(self.clock, "advance"):
            self.clock.advance(seconds)
        else:
            self.store.jump_to(self.store.now() + seconds)

    # -- control API ---------------------------------------------------------------------------------

    def control_routes(self):
        routes = super().control_routes()
        routes.update(
            {
                ("POST", "/_sandbox/advance"): lambda h, d: self._control(
                    h, lambda: self.advance(float(d.get("seconds", 0))) or {"now": self.store.now()}
                ),
                ("POST", "/_sandbox/seed"): lambda h, d: self._control(h, lambda: self.seed_month(**d)),
                ("POST", "/_sandbox/payments"): lambda h, d: self._control(
                    h, lambda: self.create_payment(d.pop("amount"), d.pop("currency", "USD"), **d)
                ),
                ("POST", "/_sandbox/refunds"): lambda h, d: self._control(
                    h, lambda: self.create_refund(d.pop("transaction_id"), d.pop("amount", None), **d)
                ),
                ("POST", "/_sandbox/withdrawals"): lambda h, d: self._control(
                    h, lambda: self.withdraw(d.pop("currency"), d.pop("amount", None), **d)
                ),
                ("POST", "/_sandbox/tokens/expire"): lambda h, d: self._control(
                    h, lambda: self.expire_tokens() or {"expired": len(self.tokens)}
                ),
            }
        )
        return routes

    def _control(self, handler, action):
        try:
            answer = action()
        except (KeyError, TypeError, ValueError) as exc:
            return handler.reply(422, {"error": str(exc)})
        return handler.reply(200, _public(answer))

    def state(self):
        out = super().state()
        with self._lock:
            out.update(
                {
                    "calls": len(self.calls),
                    "throttled": sum(1 for c in self.calls if c.get("throttled")),
                    "faulted": {},
                    "now": self.store.now(),
                    "last_refreshed": self.store.last_refreshed(),
                    "tokens": len(self.tokens),
                    "account": self.store.summary(),
                }
            )
            for call in self.calls:
                if call.get("fault"):
                    label = fault_label(call["fault"])
                    out["faulted"][label] = out["faulted"].get(label, 0) + 1
        return out


def _public(value):
    """A record without the store's private keys (``_at`` ...), for JSON answers."""
    if isinstance(value, dict):
        return {k: _public(v) for k, v in value.items() if not str(k).startswith("_")}
    if isinstance(value, list | tuple):
        return [_public(v) for v in value]
    return value
