"""A month of a shop's Stripe account, generated repeatably
(:func:`seed_month`): card charges carrying their order id in metadata,
some presented in another currency (FX, JPY among them: zero-decimal),
partial and full refunds, disputes (won: reversed with the fee returned;
lost), a risk reserve held and released, daily automatic payouts, one of
them failing (its money comes back in the next payout) and one negative
(a day whose refunds outweigh what became available).

Everything goes through :class:`~.store.StripeStore`'s helpers in time order,
so the account is what Stripe would show: the nets of each payout's balance
transactions add up to the payout.
"""

import calendar
import random
from datetime import datetime, timezone
from decimal import Decimal

from .common import DAY, exponent, midnight, to_major

# presentment currencies an FX charge may come in, per settlement currency
FOREIGN = {"usd": ("eur", "gbp", "jpy", "cad"), "eur": ("usd", "gbp", "jpy", "chf"), "jpy": ("usd", "eur")}
HOUR = 3600


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
    order_prefix="SO",
    first_order=1,
    refund_rate=0.08,
    dispute_rate=0.01,
    dispute_won_share=0.5,
    fx_share=0.1,
    reserve=True,
    failed_payout=True,
    negative_payout=True,
    missing_order_share=0.0,
):
    """Generate ``orders`` paid orders over ``days`` days from ``start`` (Unix
    time or aware datetime; default: the first of the month before now, for
    that month's length) in ``currencies`` (default: the account's), and
    what follows from them. Returns a dict:

    - ``start``, ``end`` (Unix times), ``currencies``;
    - ``orders``: ``[{"order_id", "charge", "currency", "amount" (str, major
      units), "settlement_currency", "refunds": [re ids], "dispute": dp id or
      None}]``;
    - ``payouts``: the payout ids created in the window (oldest first),
      ``failed_payouts``, ``negative_payouts``, ``reserves`` (txn ids),
      ``disputes`` ({dp id: "won"|"lost"|"open"}).

    ``missing_order_share`` of the charges carry no ``metadata.order_id``
    (their ``order_id`` in the result is still the order they paid).
    The store's ``now`` jumps to ``end`` when the window ends in the future.
    """
    rng = random.Random(seed)
    currencies = tuple(c.lower() for c in (currencies or store.currencies))
    if start is None:
        start = previous_month_start(store.now())
    elif isinstance(start, datetime):
        start = int((start if start.tzinfo else start.replace(tzinfo=timezone.utc)).timestamp())
    start = midnight(start)
    if days is None:
        first = datetime.fromtimestamp(start, timezone.utc)
        days = calendar.monthrange(first.year, first.month)[1]
    end = start + days * DAY
    store.jump_to(end)

    negative_day = min(15, days - 1)  # the payout of this day comes out negative
    negative_currency = currencies[-1]
    actions = []  # (time, order, callable)

    result = {
        "start": start,
        "end": end,
        "currencies": list(currencies),
        "orders": [],
        "payouts": [],
        "failed_payouts": [],
        "negative_payouts": [],
        "reserves": [],
        "disputes": {},
    }
    plans = []
    for n in range(orders):
        currency = currencies[n % len(currencies)]
        at = start + rng.randrange(0, days * DAY - HOUR)
        if (
            negative_payout
            and currency == negative_currency
            and midnight(at) == start + (negative_day - 2) * DAY
        ):
            at += DAY  # nothing of this currency becomes available on the negative day
        presentment = currency
        if rng.random() < fx_share:
            presentment = rng.choice(FOREIGN.get(currency, ("usd",)))
        amount = _amount(rng, presentment)
        plans.append((at, n, currency, presentment, amount, rng.random() < missing_order_share))
    for at, n, currency, presentment, amount, anonymous in plans:
        order = {
            "order_id": f"{order_prefix}{first_order + n:05d}",
            "currency": presentment,
            "settlement_currency": currency,
            "amount": str(amount),
            "charge": None,
            "refunds": [],
            "dispute": None,
            "reference": not anonymous,
        }
        result["orders"].append(order)
        actions.append((at, len(actions), _charge_action(store, order, at)))
        roll = rng.random()
        if roll < dispute_rate:
            opened = at + rng.randrange(2 * DAY, 8 * DAY)
            closed = opened + rng.randrange(5 * DAY, 9 * DAY)
            won = rng.random() < dispute_won_share
            if opened < end:
                actions.append((opened, len(actions), _dispute_action(store, order, opened, result)))
                if closed < end:
                    actions.append((closed, len(actions), _close_action(store, order, closed, won, result)))
        elif roll < dispute_rate + refund_rate:
            when = at + rng.randrange(HOUR, 5 * DAY)
            partial = rng.random() < 0.5
            if when < end:
                actions.append((when, len(actions), _refund_action(store, order, when, partial)))
    if reserve:
        held = start + 3 * DAY + 10 * HOUR
        released = start + min(20, days - 1) * DAY + 10 * HOUR
        amount = Decimal(150) if exponent(currencies[0]) else Decimal(20000)
        actions.append(
            (
                held,
                len(actions),
                lambda: result["reserves"].append(
                    store.hold_reserve(currencies[0], amount, created=held)["id"]
                ),
            )
        )
        actions.append(
            (
                released,
                len(actions),
                lambda: result["reserves"].append(
                    store.release_reserve(currencies[0], amount, created=released)["id"]
                ),
            )
        )
    if failed_payout:
        arm = start + min(9, days - 2) * DAY + 12 * HOUR  # the next payout in currencies[0] fails
        actions.append((arm, len(actions), lambda: store.fail_payout(currency=currencies[0])))
    if negative_payout:
        when = start + (negative_day - 1) * DAY + 12 * HOUR
        actions.append((when, len(actions), _big_refund_action(store, result, negative_currency, when)))

    first_payout = len(store.kinds["payout"])
    for _at, _n, action in sorted(actions, key=lambda a: (a[0], a[1])):
        action()
    store.process(end - 1)  # the payouts of the window; the sweep at ``end`` is the next month's
    for payout_id in store.kinds["payout"][first_payout:]:
        payout = store.objects[payout_id]
        result["payouts"].append(payout_id)
        if payout_id in store.failing or payout["status"] == "failed":
            result["failed_payouts"].append(payout_id)
        if payout["amount"] < 0:
            result["negative_payouts"].append(payout_id)
    return result


def _amount(rng, currency):
    if exponent(currency) == 0:
        return Decimal(rng.randrange(800, 60000, 10))
    return to_major(rng.randrange(500, 45000), currency)


def _charge_action(store, order, at):
    def act():
        charge = store.create_charge(
            order["amount"],
            order["currency"],
            order_id=order["order_id"] if order["reference"] else None,
            created=at,
            settlement_currency=order["settlement_currency"],
            description=f"Order {order['order_id']}" if order["reference"] else None,
        )
        order["charge"] = charge["id"]

    return act


def _refund_action(store, order, when, partial):
    def act():
        charge = store.objects[order["charge"]]
        if charge["disputed"] or charge["refunded"]:
            return
        amount = None
        if partial:
            half = (charge["amount"] - charge["amount_refunded"]) // 2
            if half <= 0:
                return
            amount = to_major(half, charge["currency"])
        order["refunds"].append(store.create_refund(order["charge"], amount, created=when)["id"])

    return act


def _dispute_action(store, order, when, result):
    def act():
        charge = store.objects[order["charge"]]
        if charge["refunded"] or charge["amount_refunded"]:
            return
        dispute = store.create_dispute(order["charge"], created=when)
        order["dispute"] = dispute["id"]
        result["disputes"][dispute["id"]] = "open"

    return act


def _close_action(store, order, when, won, result):
    def act():
        if order["dispute"]:
            store.close_dispute(order["dispute"], won, created=when)
            result["disputes"][order["dispute"]] = "won" if won else "lost"

    return act


def _big_refund_action(store, result, currency, when):
    """Refund in full the largest untouched charge settled in ``currency``:
    the next day's payout in that currency comes out negative."""

    def act():
        best = None
        for order in result["orders"]:
            if order["settlement_currency"] != currency or not order["charge"]:
                continue
            charge = store.objects[order["charge"]]
            if charge["disputed"] or charge["amount_refunded"]:
                continue
            txn = store.objects[charge["balance_transaction"]]
            if best is None or txn["amount"] > best[0]:
                best = (txn["amount"], order)
        if best:
            order = best[1]
            order["refunds"].append(store.create_refund(order["charge"], created=when)["id"])

    return act
