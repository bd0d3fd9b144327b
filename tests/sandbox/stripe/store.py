"""The Stripe account behind the peer: charges, refunds, disputes, reserves,
balance transactions and automatic payouts, kept consistent with each other.

Every money movement is a balance transaction (``txn_...``) in the
settlement currency: ``amount`` gross, ``fee`` (positive when charged, with
``fee_details``), ``net = amount - fee``. What becomes available when:

- a charge: ``payout_delay_days`` after its day (``available_on`` midnight
  UTC), Stripe's rolling settlement;
- a refund, a dispute withdrawal or reversal, a reserve hold or release, a
  payout failure: at once (``available_on`` is their own day).

Automatic payouts run every day at ``payout_time`` (seconds after midnight
UTC): per settlement currency, every balance transaction available by then
and not paid out yet is swept into one payout whose ``amount`` is the sum of
their ``net`` (negative: Stripe debits the bank). The payout's own balance
transaction (``type=payout``, ``-amount``) is listed with them under
``GET /v1/balance_transactions?payout=po_...``, as Stripe lists it. A payout
arrives ``arrival_days`` business days later (weekends skipped): ``paid``,
``reconciliation_status=completed``, ``trace_id`` supported; or, when told to
(:meth:`StripeStore.fail_payout`), ``failed`` with a ``payout_failure``
balance transaction (reporting category ``payout_reversal``) that puts the
money back, to be swept into the next payout.

Time is Unix seconds from ``now()``; :meth:`advance_to` does what falls due
up to a time (sweeps, arrivals) in order, and every ``create_*`` first
advances to its own ``created``, so helpers called in time order give the
same account as Stripe would. Events (``evt_...``) are recorded for the
payout and dispute lifecycle and handed to :attr:`listeners` (the peer's
webhooks).

Reserves: Stripe reports risk reserves under the reporting category
``risk_reserved_funds``; the sandbox records them as ``type=reserve_transaction``
with a ``reserve_transaction`` source object (``rtx_...``, an id prefix the
sandbox chose: Stripe documents the object, not its prefix).
"""

import random
import threading
from datetime import datetime, timezone

from .common import (
    DAY,
    DEFAULT_API_VERSION,
    DEFAULT_DISPUTE_FEE,
    DEFAULT_FEE,
    DISPUTE_FEES,
    FEES,
    FX_FEE_BPS,
    ID_ALPHABET,
    REPORTING_CATEGORY,
    convert,
    midnight,
    percent_of,
    to_minor,
)

# presentment -> settlement rates the sandbox applies when a charge names none
DEFAULT_FX_RATES = {
    ("eur", "usd"): "1.0841",
    ("gbp", "usd"): "1.2652",
    ("jpy", "usd"): "0.006712",
    ("cad", "usd"): "0.7312",
    ("usd", "eur"): "0.9224",
    ("gbp", "eur"): "1.1671",
    ("jpy", "eur"): "0.006191",
    ("chf", "eur"): "1.0432",
    ("usd", "jpy"): "148.99",
    ("eur", "jpy"): "161.52",
}
PAYOUT_FAILURES = {
    "account_closed": "The bank account has been closed.",
    "no_account": "The bank account details on file are probably incorrect.",
    "insufficient_funds": "Your Stripe account has insufficient funds to cover the payout.",
}


class StripeError(Exception):
    """An API error in Stripe's shape: ``{"error": {"type", "code", "message", "param"}}``."""

    def __init__(self, status, message, *, type="invalid_request_error", code=None, param=None):  # noqa: A002
        super().__init__(message)
        self.status = status
        self.body = {"error": {"type": type, "message": message}}
        if code:
            self.body["error"]["code"] = code
            self.body["error"]["doc_url"] = f"https://stripe.com/docs/error-codes/{code.replace('_', '-')}"
        if param:
            self.body["error"]["param"] = param


def resource_missing(kind, object_id, param="id"):
    return StripeError(404, f"No such {kind}: '{object_id}'", code="resource_missing", param=param)


class StripeStore:
    """One Stripe account. ``now``: a callable giving Unix seconds;
    ``currencies``: the settlement currencies (lowercase; the first is the
    default one charges in other currencies are converted to); ``seed``
    makes ids repeatable. Thread-safe (:attr:`lock`)."""

    def __init__(
        self,
        now,
        *,
        currencies=("usd", "eur"),
        seed=0,
        payout_delay_days=2,
        arrival_days=2,
        payout_time=0,
        automatic_payouts=True,
        dispute_fee_returned=True,
        fx_rates=None,
        api_version=DEFAULT_API_VERSION,
    ):
        self._base_now = now
        self.currencies = tuple(c.lower() for c in currencies)
        self.seed = seed
        self.payout_delay_days = payout_delay_days
        self.arrival_days = arrival_days
        self.payout_time = payout_time
        self.automatic_payouts = automatic_payouts
        self.dispute_fee_returned = dispute_fee_returned
        self.fx_rates = dict(DEFAULT_FX_RATES, **(fx_rates or {}))
        self.api_version = api_version
        self.lock = threading.RLock()
        self.listeners = []  # called with each new event (outside no lock: keep them quick)
        self.reset()

    # -- state ---------------------------------------------------------------------

    def reset(self):
        with self.lock:
            self._rng = random.Random(f"stripe-ids-{self.seed}")
            self._seq = 0
            self.offset = 0  # seconds added to now() (jump_to)
            self.objects = {}  # id -> stored object (API shape, static parts)
            self.order = {}  # id -> creation sequence (ties of ``created``)
            self.kinds = {k: [] for k in ("charge", "refund", "dispute", "payout", "txn", "event", "rtx")}
            self.txn_payout = {}  # txn id -> po id (None while unpaid)
            self.payout_txns = {}  # po id -> [txn ids] it paid (its own txn not included)
            self.unpaid = {}  # currency -> [txn ids] not paid out yet
            self.failing = {}  # po id -> failure code, applied at arrival
            self.fail_next = {}  # currency (or None: any) -> failure code for the next payout
            self.refunds_of = {}  # ch id -> [re ids]
            self.processed_until = None

    def now(self):
        return int(self._base_now()) + self.offset

    def jump_to(self, ts):
        """Make ``now()`` at least ``ts`` (seeding a window that ends in the future)."""
        with self.lock:
            if ts > self.now():
                self.offset += int(ts) - self.now()

    def new_id(self, prefix):
        return f"{prefix}_" + "".join(self._rng.choices(ID_ALPHABET, k=24))

    def _add(self, kind, obj):
        self._seq += 1
        self.objects[obj["id"]] = obj
        self.order[obj["id"]] = self._seq
        self.kinds[kind].append(obj["id"])
        return obj

    def get(self, object_id):
        return self.objects.get(object_id)

    # -- time ------------------------------------------------------------------------

    def _when(self, created):
        if created is None:
            return self.now()
        if isinstance(created, datetime):
            created = created if created.tzinfo else created.replace(tzinfo=timezone.utc)
            return int(created.timestamp())
        return int(created)

    def _begin(self, created):
        """The time of a new object: due work before it is done first; the
        account's history is written in time order."""
        created = self._when(created)
        with self.lock:
            if self.processed_until is None:
                self.processed_until = created
            elif created < self.processed_until:
                raise ValueError(
                    f"created {created} is before {self.processed_until}, already processed: "
                    "create objects in time order"
                )
        self.process(created)
        return created

    def arrival_for(self, created):
        """``arrival_days`` business days after the payout's day (weekends skipped)."""
        day = midnight(created)
        left = self.arrival_days
        while left > 0:
            day += DAY
            if datetime.fromtimestamp(day, timezone.utc).weekday() < 5:
                left -= 1
        return day

    def advance_to(self, ts=None):
        """Do what falls due up to ``ts`` (default now): payouts arriving
        (paid or failed) and the daily sweeps, in time order. Returns the
        events made."""
        ts = self.now() if ts is None else int(ts)
        made = []
        with self.lock:
            if self.processed_until is None:  # nothing happened yet
                return made
            while True:
                next_sweep = midnight(self.processed_until) + self.payout_time
                if next_sweep <= self.processed_until:
                    next_sweep += DAY
                arriving = [
                    (self.objects[p]["arrival_date"], self.order[p], p)
                    for p in self.kinds["payout"]
                    if self.objects[p]["status"] in ("pending", "in_transit")
                ]
                next_arrival = min(arriving) if arriving else None
                if next_arrival and next_arrival[0] <= ts and next_arrival[0] <= next_sweep:
                    made += self._arrive(next_arrival[2], next_arrival[0])
                    continue
                if next_sweep <= ts:
                    if self.automatic_payouts:
                        made += self._sweep(next_sweep)
                    self.processed_until = next_sweep
                    continue
                break
            self.processed_until = max(self.processed_until, ts)
        return made

    # -- balance transactions ------------------------------------------------------------

    def _txn(
        self,
        type_,
        amount,
        currency,
        created,
        *,
        fee_details=(),
        source=None,
        description=None,
        exchange_rate=None,
        available_on=None,
        category=None,
    ):
        fee = sum(f["amount"] for f in fee_details)
        txn = {
            "id": self.new_id("txn"),
            "object": "balance_transaction",
            "amount": amount,
            "available_on": available_on if available_on is not None else midnight(created),
            "balance_type": "payments",
            "created": created,
            "currency": currency,
            "description": description,
            "exchange_rate": float(exchange_rate) if exchange_rate is not None else None,
            "fee": fee,
            "fee_details": [dict(f, currency=currency, application=None) for f in fee_details],
            "net": amount - fee,
            "reporting_category": category or REPORTING_CATEGORY.get(type_, "other_adjustment"),
            "source": source,
            "status": "pending",  # views compute it from available_on
            "type": type_,
        }
        self._add("txn", txn)
        if type_ != "payout":
            self.txn_payout[txn["id"]] = None
            self.unpaid.setdefault(currency, []).append(txn["id"])
        return txn

    def settlement_currency(self, currency):
        currency = currency.lower()
        return currency if currency in self.currencies else self.currencies[0]

    def rate(self, presentment, settlement):
        try:
            return self.fx_rates[(presentment, settlement)]
        except KeyError:
            raise ValueError(f"no exchange rate {presentment}->{settlement}: pass exchange_rate") from None

    def fee_for(self, settle_amount, currency, converted):
        bps, fixed = FEES.get(currency, DEFAULT_FEE)
        if converted:
            bps += FX_FEE_BPS
        return percent_of(settle_amount, bps) + fixed

    # -- charges, refunds, disputes, reserves ------------------------------------------------

    def create_charge(
        self,
        amount,
        currency="usd",
        *,
        order_id=None,
        created=None,
        metadata=None,
        description=None,
        settlement_currency=None,
        exchange_rate=None,
        fee=None,
        customer_email=None,
    ):
        """A succeeded, captured card charge of ``amount`` (major units, in the
        buyer's ``currency``), with ``metadata.order_id``; settled in
        ``settlement_currency`` (default: the currency itself when the account
        settles it, else the account's first currency) at ``exchange_rate``
        (settlement per presentment unit). ``fee``: the Stripe fee in major
        units of the settlement currency (default: the sandbox's pricing).
        Returns the charge."""
        created = self._begin(created)
        currency = currency.lower()
        minor = to_minor(amount, currency)
        if minor <= 0:
            raise ValueError("a charge amount is positive")
        with self.lock:
            settle = (settlement_currency or self.settlement_currency(currency)).lower()
            converted = settle != currency
            rate = None
            if converted:
                rate = str(exchange_rate) if exchange_rate is not None else self.rate(currency, settle)
                settle_amount = convert(minor, currency, settle, rate)
            else:
                settle_amount = minor
            fee_minor = (
                to_minor(fee, settle) if fee is not None else self.fee_for(settle_amount, settle, converted)
            )
            charge_id = self.new_id("ch")
            meta = dict(metadata or {})
            if order_id is not None:
                meta.setdefault("order_id", str(order_id))
            txn = self._txn(
                "charge",
                settle_amount,
                settle,
                created,
                fee_details=[
                    {"amount": fee_minor, "description": "Stripe processing fees", "type": "stripe_fee"}
                ],
                source=charge_id,
                description=description,
                exchange_rate=rate,
                available_on=midnight(created) + self.payout_delay_days * DAY,
            )
            charge = {
                "id": charge_id,
                "object": "charge",
                "amount": minor,
                "amount_captured": minor,
                "amount_refunded": 0,
                "application": None,
                "application_fee": None,
                "application_fee_amount": None,
                "balance_transaction": txn["id"],
                "billing_details": {
                    "address": {
                        "city": None,
                        "country": None,
                        "line1": None,
                        "line2": None,
                        "postal_code": None,
                        "state": None,
                    },
                    "email": customer_email,
                    "name": None,
                    "phone": None,
                },
                "calculated_statement_descriptor": "SANDBOX SHOP",
                "captured": True,
                "created": created,
                "currency": currency,
                "customer": None,
                "description": description,
                "disputed": False,
                "failure_balance_transaction": None,
                "failure_code": None,
                "failure_message": None,
                "fraud_details": {},
                "livemode": False,
                "metadata": meta,
                "on_behalf_of": None,
                "outcome": {
                    "network_status": "approved_by_network",
                    "reason": None,
                    "risk_level": "normal",
                    "seller_message": "Payment complete.",
                    "type": "authorized",
                },
                "paid": True,
                "payment_intent": self.new_id("pi"),
                "payment_method": self.new_id("pm"),
                "payment_method_details": {
                    "card": {"brand": "visa", "country": "US", "last4": "4242", "funding": "credit"},
                    "type": "card",
                },
                "receipt_email": customer_email,
                "receipt_number": None,
                "refunded": False,
                "review": None,
                "shipping": None,
                "statement_descriptor": None,
                "statement_descriptor_suffix": None,
                "status": "succeeded",
                "transfer_data": None,
                "transfer_group": None,
            }
            self._add("charge", charge)
            self.refunds_of[charge_id] = []
            return charge

    def _charge(self, charge_id):
        charge = self.objects.get(charge_id)
        if not charge or charge["object"] != "charge":
            raise KeyError(f"no such charge {charge_id!r}")
        return charge

    def create_refund(
        self, charge_id, amount=None, *, created=None, reason="requested_by_customer", metadata=None
    ):
        """Refund ``amount`` (major units of the charge's currency; default:
        what is left) of a charge: a ``refund`` balance transaction of minus
        the settled share, no fee returned. Returns the refund."""
        created = self._begin(created)
        with self.lock:
            charge = self._charge(charge_id)
            left = charge["amount"] - charge["amount_refunded"]
            minor = left if amount is None else to_minor(amount, charge["currency"])
            if not 0 < minor <= left:
                raise ValueError(f"{charge_id} has {left} left to refund, not {minor}")
            charge_txn = self.objects[charge["balance_transaction"]]
            settled = charge_txn["amount"]
            refunded_settled = -sum(
                self.objects[self.objects[r]["balance_transaction"]]["amount"]
                for r in self.refunds_of[charge_id]
            )
            if minor == left:  # the last refund takes what is left of the settled amount
                settle_amount = settled - refunded_settled
            elif charge_txn["exchange_rate"] is not None:
                settle_amount = convert(
                    minor, charge["currency"], charge_txn["currency"], repr(charge_txn["exchange_rate"])
                )
            else:
                settle_amount = minor
            refund_id = self.new_id("re")
            txn = self._txn(
                "refund",
                -settle_amount,
                charge_txn["currency"],
                created,
                source=refund_id,
                description="REFUND FOR CHARGE"
                + (f" ({charge['description']})" if charge["description"] else ""),
                exchange_rate=charge_txn["exchange_rate"],
            )
            refund = {
                "id": refund_id,
                "object": "refund",
                "amount": minor,
                "balance_transaction": txn["id"],
                "charge": charge_id,
                "created": created,
                "currency": charge["currency"],
                "destination_details": {"card": {"type": "refund"}, "type": "card"},
                "metadata": dict(metadata or {}),
                "payment_intent": charge["payment_intent"],
                "reason": reason,
                "receipt_number": None,
                "source_transfer_reversal": None,
                "status": "succeeded",
                "transfer_reversal": None,
            }
            self._add("refund", refund)
            self.refunds_of[charge_id].append(refund_id)
            charge["amount_refunded"] += minor
            charge["refunded"] = charge["amount_refunded"] == charge["amount"]
            return refund

    def dispute_fee(self, currency):
        return DISPUTE_FEES.get(currency, DEFAULT_DISPUTE_FEE)

    def create_dispute(self, charge_id, *, created=None, reason="fraudulent"):
        """The cardholder disputes the whole charge: a ``dispute`` balance
        transaction withdraws the settled amount plus the dispute fee
        ("Chargeback withdrawal for ch_..."). Returns the dispute."""
        created = self._begin(created)
        with self.lock:
            charge = self._charge(charge_id)
            charge_txn = self.objects[charge["balance_transaction"]]
            currency = charge_txn["currency"]
            dispute_id = self.new_id("dp")
            txn = self._txn(
                "adjustment",
                -charge_txn["amount"],
                currency,
                created,
                fee_details=[
                    {"amount": self.dispute_fee(currency), "description": "Dispute fee", "type": "stripe_fee"}
                ],
                source=dispute_id,
                description=f"Chargeback withdrawal for {charge_id}",
                exchange_rate=charge_txn["exchange_rate"],
                category="dispute",
            )
            dispute = {
                "id": dispute_id,
                "object": "dispute",
                "amount": charge["amount"],
                "balance_transactions": [txn["id"]],  # views embed the objects
                "charge": charge_id,
                "created": created,
                "currency": charge["currency"],
                "evidence_details": {
                    "due_by": midnight(created) + 21 * DAY - 1,
                    "has_evidence": False,
                    "past_due": False,
                    "submission_count": 0,
                },
                "is_charge_refundable": False,
                "livemode": False,
                "metadata": {},
                "payment_intent": charge["payment_intent"],
                "reason": reason,
                "status": "needs_response",
            }
            self._add("dispute", dispute)
            charge["disputed"] = True
            events = [self._event("charge.dispute.created", dispute, created)]
        self._notify(events)
        return dispute

    def close_dispute(self, dispute_id, won, *, created=None):
        """Close a dispute: ``won`` reinstates the amount (and, by default,
        returns the dispute fee) with a ``dispute_reversal`` balance
        transaction ("Chargeback reversal for ch_..."); lost leaves the
        withdrawal. Returns the dispute."""
        created = self._begin(created)
        with self.lock:
            dispute = self.objects[dispute_id]
            if dispute["status"] in ("won", "lost"):
                raise ValueError(f"{dispute_id} is already {dispute['status']}")
            if won:
                withdrawal = self.objects[dispute["balance_transactions"][0]]
                fee_back = -withdrawal["fee"] if self.dispute_fee_returned else 0
                txn = self._txn(
                    "adjustment",
                    -withdrawal["amount"],
                    withdrawal["currency"],
                    created,
                    fee_details=[{"amount": fee_back, "description": "Dispute fee", "type": "stripe_fee"}]
                    if fee_back
                    else (),
                    source=dispute_id,
                    description=f"Chargeback reversal for {dispute['charge']}",
                    exchange_rate=withdrawal["exchange_rate"],
                    category="dispute_reversal",
                )
                dispute["balance_transactions"].append(txn["id"])
            dispute["status"] = "won" if won else "lost"
            events = [self._event("charge.dispute.closed", dispute, created)]
        self._notify(events)
        return dispute

    def _reserve(self, currency, minor, created, description):
        created = self._begin(created)
        with self.lock:
            currency = currency.lower()
            rtx = {
                "id": self.new_id("rtx"),
                "object": "reserve_transaction",
                "amount": minor,
                "currency": currency,
                "description": description,
            }
            self._add("rtx", rtx)
            return self._txn(
                "reserve_transaction", minor, currency, created, source=rtx["id"], description=description
            )

    def hold_reserve(self, currency, amount, *, created=None, description="Risk reserve held"):
        """Stripe withholds ``amount`` (major units) of the balance: a
        ``risk_reserved_funds`` balance transaction of minus ``amount``."""
        return self._reserve(currency, -to_minor(amount, currency), created, description)

    def release_reserve(self, currency, amount, *, created=None, description="Risk reserve released"):
        """Stripe releases ``amount`` (major units) of a reserve back to the balance."""
        return self._reserve(currency, to_minor(amount, currency), created, description)

    # -- payouts ------------------------------------------------------------------------------

    def _sweep(self, at):
        events = []
        for currency in sorted(self.unpaid):
            due = [
                t
                for t in self.unpaid[currency]
                if self.objects[t]["available_on"] <= at and self.objects[t]["created"] <= at
            ]
            events += self._sweep_lines(currency, due, at)
        return events

    def _sweep_lines(self, currency, due, at):
        """One automatic payout of the balance transactions ``due``; [] when
        there are none or their nets add up to zero."""
        total = sum(self.objects[t]["net"] for t in due)
        if not due or total == 0:
            return []
        payout = self._payout(currency, total, at, automatic=True)
        self.payout_txns[payout["id"]] = due
        for t in due:
            self.txn_payout[t] = payout["id"]
        keep = set(due)
        self.unpaid[currency] = [t for t in self.unpaid[currency] if t not in keep]
        return [self._event("payout.created", payout, at)]

    def _payout(self, currency, amount, created, *, automatic):
        payout_id = self.new_id("po")
        txn = self._txn("payout", -amount, currency, created, source=payout_id, description="STRIPE PAYOUT")
        payout = {
            "id": payout_id,
            "object": "payout",
            "amount": amount,
            "application_fee": None,
            "application_fee_amount": None,
            "arrival_date": self.arrival_for(created),
            "automatic": automatic,
            "balance_transaction": txn["id"],
            "created": created,
            "currency": currency,
            "description": "STRIPE PAYOUT",
            "destination": "ba_sandbox" + currency.upper() + "0000000000000",
            "failure_balance_transaction": None,
            "failure_code": None,
            "failure_message": None,
            "livemode": False,
            "metadata": {},
            "method": "standard",
            "original_payout": None,
            "payout_method": None,
            "reconciliation_status": "in_progress" if automatic else "not_applicable",
            "reversed_by": None,
            "source_type": "card",
            "statement_descriptor": None,
            "status": "in_transit",
            "trace_id": {"status": "pending", "value": None},
            "type": "bank_account",
        }
        self._add("payout", payout)
        code = self.fail_next.pop(currency, None) or self.fail_next.pop(None, None)
        if code:
            self.failing[payout_id] = code
        return payout

    def create_payout(self, currency, *, created=None, include_pending=False):
        """An automatic payout now (not waiting for the daily sweep) of what
        is available in ``currency`` and not paid out yet, or of everything
        with ``include_pending`` (a test's payout of the charges it just made).
        Returns the payout, or None when the lines add up to zero."""
        created = self._begin(created)
        with self.lock:
            currency = currency.lower()
            due = [
                t
                for t in self.unpaid.get(currency, [])
                if include_pending or self.objects[t]["available_on"] <= created
            ]
            events = self._sweep_lines(currency, due, created)
        self._notify(events)
        return self.objects[events[0]["data"]["object"]["id"]] if events else None

    def arrive(self, payout_id):
        """Move time to the payout's arrival date and process it (and whatever
        else falls due by then): it is paid, or failed when told to. Returns
        the events."""
        payout = self.objects[payout_id]
        self.jump_to(payout["arrival_date"])
        return self.process(max(payout["arrival_date"], self.now()))

    def create_manual_payout(self, currency, amount, *, created=None):
        """A payout the merchant asked for (``automatic`` false): Stripe cannot
        say which transactions it paid, so ``?payout=`` refuses it."""
        created = self._begin(created)
        with self.lock:
            payout = self._payout(currency.lower(), to_minor(amount, currency), created, automatic=False)
            self.payout_txns[payout["id"]] = []
            events = [self._event("payout.created", payout, created)]
        self._notify(events)
        return payout

    def fail_payout(self, payout_id=None, *, currency=None, failure_code="account_closed"):
        """Make a payout fail when it arrives: ``payout_id`` (in transit), or
        else the next payout created (in ``currency``, or any). A payout
        already paid fails now, as Stripe documents it may."""
        if failure_code not in PAYOUT_FAILURES:
            raise ValueError(f"failure_code is one of {', '.join(PAYOUT_FAILURES)}")
        with self.lock:
            if payout_id is None:
                self.fail_next[currency.lower() if currency else None] = failure_code
                return None
            payout = self.objects[payout_id]
            events = []
            if payout["status"] == "paid":
                # Stripe: "some failed payouts may initially show as paid but
                # then change to failed" (within a few business days)
                self.failing[payout_id] = failure_code
                events = self._arrive(payout_id, self.now())
            elif payout["status"] not in ("pending", "in_transit"):
                raise ValueError(f"{payout_id} is already {payout['status']}")
            else:
                self.failing[payout_id] = failure_code
        self._notify(events)
        return payout

    def _arrive(self, payout_id, at):
        payout = self.objects[payout_id]
        code = self.failing.pop(payout_id, None)
        if code:
            txn = self._txn(
                "payout_failure",
                payout["amount"],
                payout["currency"],
                at,
                source=payout_id,
                description="STRIPE PAYOUT FAILURE",
            )
            payout.update(
                status="failed",
                failure_code=code,
                failure_message=PAYOUT_FAILURES[code],
                failure_balance_transaction=txn["id"],
                trace_id={"status": "unsupported", "value": None},
            )
            return [self._event("payout.updated", payout, at), self._event("payout.failed", payout, at)]
        payout.update(status="paid", trace_id={"status": "supported", "value": self._trace(payout_id)})
        events = [self._event("payout.updated", payout, at), self._event("payout.paid", payout, at)]
        if payout["automatic"]:
            payout["reconciliation_status"] = "completed"
            events.append(self._event("payout.reconciliation_completed", payout, at))
        return events

    def _trace(self, payout_id):
        digits = "".join(str(ord(c) % 10) for c in payout_id[3:])
        return "0" + digits[:14]  # an ACH-style 15-digit trace number

    # -- events ----------------------------------------------------------------------------------

    def _event(self, type_, obj, created):
        from .views import view  # the event carries the object as the API shows it then

        event = {
            "id": self.new_id("evt"),
            "object": "event",
            "api_version": self.api_version,
            "created": created,
            "data": {"object": view(self, obj, at=created)},
            "livemode": False,
            "pending_webhooks": 0,
            "request": {"id": None, "idempotency_key": None},
            "type": type_,
        }
        self._add("event", event)
        return event

    def _notify(self, events):
        for event in events:
            for listener in list(self.listeners):
                listener(event)

    def process(self, ts=None):
        """:meth:`advance_to` and tell the listeners; returns the events."""
        events = self.advance_to(ts)
        self._notify(events)
        return events

    # -- reading -----------------------------------------------------------------------------------

    def payout_lines(self, payout_id):
        """The balance transactions ``?payout=`` lists: those paid, then the payout's own."""
        payout = self.objects[payout_id]
        return [*self.payout_txns.get(payout_id, []), payout["balance_transaction"]]

    def balance(self):
        """``{currency: {"available": n, "pending": n}}`` of what is not paid out."""
        now = self.now()
        out = {}
        with self.lock:
            for currency, txns in self.unpaid.items():
                entry = out.setdefault(currency, {"available": 0, "pending": 0})
                for t in txns:
                    txn = self.objects[t]
                    entry["available" if txn["available_on"] <= now else "pending"] += txn["net"]
        return out

    def summary(self):
        with self.lock:
            return {kind: len(ids) for kind, ids in self.kinds.items()} | {
                "processed_until": self.processed_until
            }
