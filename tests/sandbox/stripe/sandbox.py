"""The Stripe peer, assembled: a :class:`~.store.StripeStore` behind Stripe's
REST face (:mod:`.api`, :mod:`.views`) and signed webhooks (:mod:`.webhooks`),
on the shared peer base.

Control API (besides the base's ``GET /_sandbox/state``, ``POST
/_sandbox/faults``, ``POST /_sandbox/reset``):

- ``POST /_sandbox/advance`` ``{"seconds": 86400}``: move the account's time
  (sweeps, arrivals, webhooks);
- ``POST /_sandbox/seed`` ``{"orders": 200, "currencies": ["usd", "eur"],
  "seed": 1, "start": 1790000000}``: :func:`~.seed.seed_month` (answers its
  result);
- ``POST /_sandbox/charges`` ``{"amount": "12.30", "currency": "usd",
  "order_id": "SO001"}``, ``POST /_sandbox/refunds`` ``{"charge": "ch_...",
  "amount": "2.00"}``, ``POST /_sandbox/disputes`` ``{"charge": "ch_..."}``,
  ``POST /_sandbox/disputes/close`` ``{"dispute": "dp_...", "won": true}``,
  ``POST /_sandbox/reserves`` ``{"currency": "usd", "amount": "50", "release":
  false}``, ``POST /_sandbox/payouts/fail`` ``{"payout": "po_..."}`` or
  ``{"currency": "usd"}`` (the next one);
- ``POST /_sandbox/payouts`` ``{"currency": "usd", "include_pending": true}``
  (an automatic payout now), ``POST /_sandbox/payouts/arrive`` ``{"payout": "po_..."}``;
- ``POST /_sandbox/webhook_endpoints`` ``{"url": ..., "enabled_events":
  ["payout.*"], "secret": "whsec_..."}``;
- ``POST /_sandbox/faults`` also takes ``{"webhooks": {"drop_next": 1}}`` and
  ``{"webhooks": {"duplicate_next": 1}}``.
"""

import time
from datetime import datetime, timezone

from ..peer import Peer, PeerHandler, delivered, fault_label
from .api import ApiMixin
from .common import DEFAULT_API_KEY, KEY_RE, RATE_LIMIT, to_major
from .seed import seed_month
from .store import StripeStore
from .webhooks import WebhooksMixin


class StripeHandler(PeerHandler):
    request_id_header = None  # the API sets Request-Id (req_...) itself


class StripeSandbox(ApiMixin, WebhooksMixin, Peer):
    """A local Stripe account. ``with StripeSandbox(clock=clock, wait=clock.wait, now=...) as stripe:``.

    ``api_key`` (or ``api_keys``): the accepted secret keys (``sk_test_...``);
    ``now``: the account's Unix time (or aware datetime) at the clock's first
    reading (default: the real time); ``currencies``: settlement currencies;
    ``seed``: repeatable ids; ``rate_limit``: requests per second per key;
    other options go to :class:`~.store.StripeStore` (``payout_delay_days``,
    ``arrival_days``, ``payout_time``, ``automatic_payouts``,
    ``dispute_fee_returned``, ``fx_rates``)."""

    name = "stripe-sandbox"
    server_version = "nginx"  # what api.stripe.com answers in Server
    methods = ("GET", "POST", "DELETE")
    handler_class = StripeHandler

    def __init__(
        self,
        *,
        api_key=DEFAULT_API_KEY,
        api_keys=None,
        now=None,
        currencies=("usd", "eur"),
        seed=0,
        rate_limit=RATE_LIMIT,
        host="127.0.0.1",
        port=0,
        clock=None,
        wait=None,
        **store_options,
    ):
        super().__init__(host=host, port=port, clock=clock, wait=wait)
        self.api_keys = set(api_keys or [api_key])
        bad = [k for k in self.api_keys if not KEY_RE.match(k)]
        if bad:
            raise ValueError("Stripe secret keys look like sk_test_... (test mode only in a sandbox)")
        self.rate_limit = rate_limit
        self.clock = self.faults.clock
        if isinstance(now, datetime):
            now = (now if now.tzinfo else now.replace(tzinfo=timezone.utc)).timestamp()
        self._epoch = (time.time() if now is None else float(now)) - self.clock()
        self.store = StripeStore(self.unix_time, currencies=currencies, seed=seed, **store_options)
        self.store.listeners.append(self.on_event)
        self.reset()

    def unix_time(self):
        return self._epoch + self.clock()

    def reset(self):
        """Forget calls, faults, buckets, endpoints and the account."""
        with self._lock:
            super().reset()
            self.calls = []
            self.buckets = {}
            self.reset_webhooks()
            self.store.reset()

    # -- the account, for tests and the demo -------------------------------------------------

    def seed_month(self, **options):
        """:func:`~.seed.seed_month` on this account, webhooks delivered."""
        result = seed_month(self.store, **options)
        self.flush_webhooks()
        return result

    def create_charge(self, amount, currency="usd", **options):
        return self._then_flush(self.store.create_charge(amount, currency, **options))

    def create_refund(self, charge_id, amount=None, **options):
        return self._then_flush(self.store.create_refund(charge_id, amount, **options))

    def create_dispute(self, charge_id, **options):
        return self._then_flush(self.store.create_dispute(charge_id, **options))

    def close_dispute(self, dispute_id, won, **options):
        return self._then_flush(self.store.close_dispute(dispute_id, won, **options))

    def hold_reserve(self, currency, amount, **options):
        return self._then_flush(self.store.hold_reserve(currency, amount, **options))

    def release_reserve(self, currency, amount, **options):
        return self._then_flush(self.store.release_reserve(currency, amount, **options))

    def create_payout(self, currency, **options):
        return self._then_flush(self.store.create_payout(currency, **options))

    def arrive(self, payout_id):
        """The payout arrives (time jumps to its arrival date); webhooks delivered."""
        events = self.store.arrive(payout_id)
        self.flush_webhooks()
        return events

    def create_manual_payout(self, currency, amount, **options):
        return self._then_flush(self.store.create_manual_payout(currency, amount, **options))

    def fail_payout(self, payout_id=None, **options):
        return self.store.fail_payout(payout_id, **options)

    def payouts(self):
        """The stored payouts, oldest first (as the store keeps them)."""
        return [self.store.objects[p] for p in self.store.kinds["payout"]]

    def payout_lines(self, payout_id):
        """The balance transactions ``?payout=`` answers (the payout's own last)."""
        return [self.store.objects[t] for t in self.store.payout_lines(payout_id)]

    def bank_movements(self, currency=None):
        """What the merchant's bank sees of the payouts (for a bank-file
        generator): one dict per payout that reached or left the bank,
        oldest first: ``{"payout_id", "amount" (signed decimal string, major
        units), "currency" (upper case), "date" (arrival, ISO), "status",
        "trace_id", "description"}``. A failed payout is listed with status
        ``failed`` (banks return it: the generator may book it and its return)."""
        out = []
        with self.store.lock:
            for payout in self.payouts():
                if currency and payout["currency"] != currency.lower():
                    continue
                if payout["status"] not in ("paid", "failed"):
                    continue
                out.append(
                    {
                        "payout_id": payout["id"],
                        "amount": str(to_major(payout["amount"], payout["currency"])),
                        "currency": payout["currency"].upper(),
                        "date": datetime.fromtimestamp(payout["arrival_date"], timezone.utc)
                        .date()
                        .isoformat(),
                        "status": payout["status"],
                        "trace_id": payout["trace_id"]["value"],
                        "description": payout["statement_descriptor"] or payout["description"],
                    }
                )
        return out

    def advance(self, seconds=0.0):
        """Move the account's time ``seconds`` forward (the injected clock
        when it is a :class:`ManualClock`, else an offset), do what falls due
        and deliver the webhooks; returns the events."""
        if seconds:
            if hasattr(self.clock, "advance"):
                self.clock.advance(seconds)
            else:
                self.store.jump_to(self.store.now() + seconds)
        events = self.store.process()
        self.flush_webhooks()
        return events

    def _then_flush(self, obj):
        self.flush_webhooks()
        return obj

    # -- faults and control API ----------------------------------------------------------------

    def configure_faults(self, data):
        if data.get("webhooks"):
            self.configure_webhook_faults(data["webhooks"])

    def control_routes(self):
        routes = super().control_routes()
        routes.update(
            {
                ("POST", "/_sandbox/advance"): lambda h, d: self._control(
                    h, lambda: {"events": [e["type"] for e in self.advance(float(d.get("seconds", 0)))]}
                ),
                ("POST", "/_sandbox/seed"): lambda h, d: self._control(h, lambda: self.seed_month(**d)),
                ("POST", "/_sandbox/charges"): lambda h, d: self._control(
                    h, lambda: self.create_charge(d.pop("amount"), d.pop("currency", "usd"), **d)
                ),
                ("POST", "/_sandbox/refunds"): lambda h, d: self._control(
                    h, lambda: self.create_refund(d.pop("charge"), d.pop("amount", None), **d)
                ),
                ("POST", "/_sandbox/disputes"): lambda h, d: self._control(
                    h, lambda: self.create_dispute(d.pop("charge"), **d)
                ),
                ("POST", "/_sandbox/disputes/close"): lambda h, d: self._control(
                    h, lambda: self.close_dispute(d.pop("dispute"), bool(d.pop("won")), **d)
                ),
                ("POST", "/_sandbox/reserves"): lambda h, d: self._control(
                    h,
                    lambda: (self.release_reserve if d.pop("release", False) else self.hold_reserve)(
                        d.pop("currency"), d.pop("amount"), **d
                    ),
                ),
                ("POST", "/_sandbox/payouts"): lambda h, d: self._control(
                    h, lambda: self.create_payout(d.pop("currency"), **d) or {}
                ),
                ("POST", "/_sandbox/payouts/arrive"): lambda h, d: self._control(
                    h, lambda: {"events": [e["type"] for e in self.arrive(d["payout"])]}
                ),
                ("POST", "/_sandbox/payouts/fail"): lambda h, d: self._control(
                    h, lambda: {"failing": self.fail_payout(d.pop("payout", None), **d) is not None}
                ),
                ("POST", "/_sandbox/webhook_endpoints"): lambda h, d: self._control(
                    h,
                    lambda: self.add_webhook_endpoint(
                        d["url"], d.get("enabled_events", ["*"]), d.get("secret")
                    ),
                ),
            }
        )
        return routes

    def _control(self, handler, action):
        try:
            answer = action()
        except (KeyError, TypeError, ValueError) as exc:
            return handler.reply(422, {"error": str(exc)})
        return handler.reply(200, answer)

    def state(self):
        out = super().state()
        with self._lock:
            out.update(
                {
                    "calls": len(self.calls),
                    "throttled": sum(1 for c in self.calls if c.get("throttled")),
                    "faulted": {},
                    "now": self.store.now(),
                    "account": self.store.summary(),
                    "balance": self.store.balance(),
                    "webhook_endpoints": len(self.webhook_endpoints),
                    "webhooks": {
                        "sent": sum(1 for d in self.webhook_deliveries if not d["dropped"]),
                        "dropped": sum(1 for d in self.webhook_deliveries if d["dropped"]),
                        "failed": sum(
                            1 for d in self.webhook_deliveries if not d["dropped"] and not delivered(d)
                        ),
                    },
                }
            )
            for call in self.calls:
                if call.get("fault"):
                    label = fault_label(call["fault"])
                    out["faulted"][label] = out["faulted"].get(label, 0) + 1
        return out
