"""Step 1 of the cascade: settlement lines against the orders' transactions.

A line settles an order transaction when it names it
(``order_transaction_id``: Shopify sourceOrderTransactionId, Stripe ch_/re_,
PayPal transaction id) and the amounts agree in the order's currency (the
line's own or its presentment currency). A refund line settles the refund
transaction, a dispute (and its reversal) the disputed sale. Lines of the
account families (fees, reserves, adjustments...) need no order: they are
"matched" to their family's account (rule ``family``).

When a line names no transaction, its ``order_ref`` is tried: the one
transaction of that order with the same kind and amount that no other line
claimed (rule ``order_ref``; a dispute naming the sale does not count as a
claim); two such transactions give a suggestion.

Reason codes of what stays unmatched:

- ``no_order_found``: no transaction with that id (nor by order_ref);
- ``amount_differs``: the transaction exists with another amount (both named);
- ``duplicate``: several lines of the same kind claim one transaction (all
  of them stay unmatched, each naming the others);
- ``kind_differs``: a refund line names a sale, or the reverse;
- ``currency_differs``: the transaction is in a currency the line has not;
- ``unknown_type``: the line's family is unknown (the provider type is not
  mapped yet).
"""

from collections import defaultdict

from .model import ACCOUNT_FAMILIES, ORDER_FAMILIES, Match, Result, Unmatched

# the order transaction kind each family settles, and whether the amount
# must be equal (a dispute may be partial)
_KIND = {"charge": "sale", "refund": "refund", "dispute": "sale", "dispute_reversal": "sale"}
_EXACT_AMOUNT = {"charge", "refund"}
_CLAIM_GROUP = {"charge": "charge", "refund": "refund"}  # disputes may repeat on one sale


def match_lines(lines, order_txns):
    """Match settlement :class:`~.model.Line` records to
    :class:`~.model.OrderTxn` records; returns a :class:`~.model.Result`
    (matches left = line keys, right = order transaction keys)."""
    by_id = defaultdict(list)
    by_order = defaultdict(list)
    for txn in order_txns:
        by_id[(txn.provider, txn.transaction_id)].append(txn)
        if txn.order_ref:
            by_order[(txn.provider, txn.order_ref)].append(txn)
    claims = defaultdict(list)
    for line in lines:
        group = _CLAIM_GROUP.get(line.family)
        if group and line.order_transaction_id:
            claims[(line.provider, line.order_transaction_id, group)].append(line.key)

    result = Result()
    claimed = set()
    by_ref_later = []
    for line in lines:
        if line.family in ACCOUNT_FAMILIES:
            result.matches.append(
                Match("family", 1, (line.key,), (), True, f"{line.family} line, booked to its account")
            )
            continue
        if line.family not in ORDER_FAMILIES:
            result.unmatched.append(
                Unmatched(
                    line.key, "unknown_type", f"provider type {line.provider_type!r} has no known family"
                )
            )
            continue
        if not line.order_transaction_id or (line.provider, line.order_transaction_id) not in by_id:
            by_ref_later.append(line)
            continue
        outcome = _by_id(line, by_id[(line.provider, line.order_transaction_id)], claims)
        if isinstance(outcome, Match) and line.family in _CLAIM_GROUP:
            claimed.update((key, _CLAIM_GROUP[line.family]) for key in outcome.right_keys)
        (result.matches if isinstance(outcome, Match) else result.unmatched).append(outcome)
    for line in by_ref_later:
        outcome = _by_order_ref(line, by_order.get((line.provider, line.order_ref)) or (), claimed)
        if isinstance(outcome, Match) and outcome.automatic and line.family in _CLAIM_GROUP:
            claimed.update((key, _CLAIM_GROUP[line.family]) for key in outcome.right_keys)
        (result.matches if isinstance(outcome, Match) else result.unmatched).append(outcome)
    return result


def _line_amount_for(line, txn):
    """The line's amount in the transaction's currency, or None."""
    if txn.currency == line.currency:
        return abs(line.amount)
    if line.presentment_currency == txn.currency and line.presentment_amount is not None:
        return abs(line.presentment_amount)
    return None


def _amount_agrees(line, txn, amount):
    if line.family in _EXACT_AMOUNT:
        return amount == abs(txn.amount)
    return amount <= abs(txn.amount)


def _by_id(line, txns, claims):
    if len(txns) > 1:
        return Unmatched(
            line.key, "duplicate", f"{len(txns)} order transactions have id {line.order_transaction_id}"
        )
    txn = txns[0]
    group = _CLAIM_GROUP.get(line.family)
    rivals = [
        key for key in claims.get((line.provider, line.order_transaction_id, group), ()) if key != line.key
    ]
    if group and rivals:
        return Unmatched(
            line.key,
            "duplicate",
            f"transaction {txn.transaction_id} is also claimed by line(s) {', '.join(sorted(rivals))}",
        )
    if txn.kind != _KIND[line.family]:
        return Unmatched(
            line.key,
            "kind_differs",
            f"a {line.family} line names {txn.kind} transaction {txn.transaction_id}",
        )
    amount = _line_amount_for(line, txn)
    if amount is None:
        return Unmatched(
            line.key,
            "currency_differs",
            f"line in {line.currency}"
            + (f" (presented in {line.presentment_currency})" if line.presentment_currency else "")
            + f", transaction {txn.transaction_id} in {txn.currency}",
        )
    if not _amount_agrees(line, txn, amount):
        return Unmatched(
            line.key,
            "amount_differs",
            f"line {line.key} says {amount} {txn.currency}, transaction {txn.transaction_id} says "
            f"{abs(txn.amount)} {txn.currency}",
        )
    return Match("exact_id", 3, (line.key,), (txn.key,), True, f"{line.family} of {txn.transaction_id}")


def _by_order_ref(line, txns, claimed):
    named = f"transaction {line.order_transaction_id}" if line.order_transaction_id else "no transaction id"
    if not txns:
        return Unmatched(
            line.key,
            "no_order_found",
            f"{named}" + (f", no order {line.order_ref}" if line.order_ref else ""),
        )
    fitting = [
        txn
        for txn in txns
        if (txn.key, _CLAIM_GROUP.get(line.family)) not in claimed
        and txn.kind == _KIND[line.family]
        and (amount := _line_amount_for(line, txn)) is not None
        and _amount_agrees(line, txn, amount)
        and (line.family not in _EXACT_AMOUNT or amount == abs(txn.amount))
    ]
    if not fitting:
        return Unmatched(
            line.key,
            "no_order_found",
            f"{named}; order {line.order_ref} has no free {line.family} of that amount",
        )
    if len(fitting) == 1:
        return Match(
            "order_ref",
            2,
            (line.key,),
            (fitting[0].key,),
            True,
            f"by order {line.order_ref}: one fitting transaction",
        )
    return Match(
        "order_ref",
        1,
        (line.key,),
        (fitting[0].key,),
        False,
        f"order {line.order_ref} has {len(fitting)} fitting transactions",
        alternatives=tuple(((line.key,), (txn.key,)) for txn in fitting[1:]),
    )
