"""A month of a shop's PayPal account, generated repeatably
(:func:`seed_month`): Checkout payments (``T0006``, some ``T0003``) with
the order in ``invoice_id``, some in a currency the account does not hold
(converted: ``T0200`` pairs, JPY among them), partial and full refunds
(``T1107``), buyer claims (``T1110``/``T1111``, lost ones ``T1106``), card
chargebacks (``T1201`` + ``T0106``, some reversed ``T1202``), a reserve held
and released (``T2103``/``T2104``) and withdrawals of each balance to the
bank (``T0400``) every Monday and Thursday.
"""

import calendar
import random
from datetime import datetime, timezone
from decimal import Decimal

from .common import T_PREAPPROVED, ZERO_DECIMAL

DAY = 86400
HOUR = 3600
FOREIGN = ("GBP", "JPY", "CAD")


def previous_month_start(now):
    day = datetime.fromtimestamp(now, timezone.utc)
    year, month = (day.year, day.month - 1) if day.month > 1 else (day.year - 1, 12)
    return int(datetime(year, month, 1, tzinfo=timezone.utc).timestamp())


def seed_month(
    store,
    *,
    orders=200,
    currencies=None,
    seed=1,
    start=None,
    days=None,
    order_prefix="PP",
    first_order=1,
    refund_rate=0.08,
    claim_rate=0.01,
    chargeback_rate=0.005,
    won_share=0.5,
    fx_share=0.08,
    preapproved_share=0.1,
    reserve=True,
    withdraw_weekdays=(0, 3),
    missing_order_share=0.0,
):
    """Generate ``orders`` payments over ``days`` days from ``start`` (Unix
    time or aware datetime; default: the month before now) and what follows.
    Returns ``{"start", "end", "currencies", "orders": [{"order_id",
    "transaction_id", "currency", "amount", "refunds": [ids], "dispute":
    None | {"kind", "outcome"}}], "withdrawals": [ids], "conversions": [ids],
    "reserves": [ids], "count"}`` (``count``: records made). The store's
    ``now`` jumps past ``end`` + its lag when the window is not searchable yet.
    ``missing_order_share`` of the payments carry no ``invoice_id`` nor
    ``custom_field`` (``"reference": false`` in their order)."""
    rng = random.Random(seed)
    currencies = tuple(c.upper() for c in (currencies or store.currencies))
    if start is None:
        start = previous_month_start(store.now())
    elif isinstance(start, datetime):
        start = int((start if start.tzinfo else start.replace(tzinfo=timezone.utc)).timestamp())
    start = start // DAY * DAY
    if days is None:
        first = datetime.fromtimestamp(start, timezone.utc)
        days = calendar.monthrange(first.year, first.month)[1]
    end = start + days * DAY
    store.jump_to(end + store.lag)
    before = len(store.records)
    result = {
        "start": start,
        "end": end,
        "currencies": list(currencies),
        "orders": [],
        "withdrawals": [],
        "conversions": [],
        "reserves": [],
    }
    actions = []
    for n in range(orders):
        currency = currencies[n % len(currencies)]
        if rng.random() < fx_share:
            currency = rng.choice(FOREIGN)
        at = start + rng.randrange(0, days * DAY - HOUR)
        amount = _amount(rng, currency)
        order = {
            "order_id": f"{order_prefix}{first_order + n:05d}",
            "transaction_id": None,
            "currency": currency,
            "amount": str(amount),
            "refunds": [],
            "dispute": None,
            "reference": rng.random() >= missing_order_share,
        }
        result["orders"].append(order)
        code = T_PREAPPROVED if rng.random() < preapproved_share else "T0006"
        actions.append((at, len(actions), _pay(store, order, at, code)))
        roll = rng.random()
        if roll < claim_rate + chargeback_rate:
            kind = "claim" if roll < claim_rate else "chargeback"
            opened = at + rng.randrange(2 * DAY, 8 * DAY)
            closed = opened + rng.randrange(4 * DAY, 9 * DAY)
            won = rng.random() < won_share
            if opened < end:
                actions.append((opened, len(actions), _open(store, order, kind, opened)))
                if closed < end:
                    actions.append((closed, len(actions), _close(store, order, won, closed)))
        elif roll < claim_rate + chargeback_rate + refund_rate:
            when = at + rng.randrange(HOUR, 5 * DAY)
            if when < end:
                actions.append((when, len(actions), _refund(store, order, when, rng.random() < 0.5)))
    if reserve:
        held, released = start + 2 * DAY + 9 * HOUR, start + min(18, days - 1) * DAY + 9 * HOUR
        amount = Decimal("250.00") if currencies[0] not in ZERO_DECIMAL else Decimal(30000)
        actions.append(
            (
                held,
                len(actions),
                lambda: result["reserves"].append(
                    store.hold_reserve(currencies[0], amount, created=held)["transaction_info"][
                        "transaction_id"
                    ]
                ),
            )
        )
        actions.append(
            (
                released,
                len(actions),
                lambda: result["reserves"].append(
                    store.release_reserve(currencies[0], amount, created=released)["transaction_info"][
                        "transaction_id"
                    ]
                ),
            )
        )
    for day in range(days):
        when = start + day * DAY + 6 * HOUR
        if datetime.fromtimestamp(when, timezone.utc).weekday() in withdraw_weekdays:
            for currency in currencies:
                actions.append((when, len(actions), _withdraw(store, result, currency, when)))
    for _at, _n, action in sorted(actions, key=lambda a: (a[0], a[1])):
        action()
    result["conversions"] = [
        r["transaction_info"]["transaction_id"]
        for r in store.records[before:]
        if r["transaction_info"]["transaction_event_code"] == "T0200"
    ]
    result["count"] = len(store.records) - before
    return result


def _amount(rng, currency):
    if currency in ZERO_DECIMAL:
        return Decimal(rng.randrange(800, 60000, 10))
    return Decimal(rng.randrange(500, 45000)) / 100


def _pay(store, order, at, code):
    def act():
        reference = order["order_id"] if order["reference"] else None
        record = store.create_payment(
            order["amount"],
            order["currency"],
            invoice_id=reference,
            created=at,
            code=code,
            custom_field=f"order:{reference}" if reference else None,
        )
        order["transaction_id"] = record["transaction_info"]["transaction_id"]

    return act


def _refund(store, order, when, partial):
    def act():
        if order["dispute"]:
            return
        left = Decimal(order["amount"]) - store.refunded(order["transaction_id"])
        amount = None
        if partial:
            amount = (left / 2).quantize(Decimal(1) if order["currency"] in ZERO_DECIMAL else Decimal("0.01"))
            if amount <= 0:
                return
        order["refunds"].append(
            store.create_refund(order["transaction_id"], amount, created=when)["transaction_info"][
                "transaction_id"
            ]
        )

    return act


def _open(store, order, kind, when):
    def act():
        if order["refunds"]:
            return
        if kind == "claim":
            store.open_claim(order["transaction_id"], created=when)
        else:
            store.chargeback(order["transaction_id"], created=when)
        order["dispute"] = {"kind": kind, "outcome": "open"}

    return act


def _close(store, order, won, when):
    def act():
        if not order["dispute"]:
            return
        if order["dispute"]["kind"] == "claim":
            store.resolve_claim(order["transaction_id"], won, created=when)
        elif won:
            store.reverse_chargeback(order["transaction_id"], created=when)
        order["dispute"]["outcome"] = "won" if won else "lost"

    return act


def _withdraw(store, result, currency, when):
    def act():
        record = store.withdraw(currency, created=when)
        if record:
            result["withdrawals"].append(record["transaction_info"]["transaction_id"])

    return act
