"""The benchmark's baseline: what a spreadsheet VLOOKUP does.

For each payout in turn, the first bank line not yet taken with the same
amount, booked within the date window, is its match; no currency, no
reference, no ambiguity check. Every match is "automatic": that is the
point of comparing it with the cascade on the same data.
"""

from .config import MatchConfig
from .model import Match, Result, Unmatched


def naive_match(payouts, bank_lines, config=None):
    """:class:`~.model.Result` of amount-and-date-only matching."""
    config = config or MatchConfig()
    by_amount = {}
    for line in bank_lines:
        by_amount.setdefault(line.amount, []).append(line)
    taken = set()
    result = Result()
    for payout in payouts:
        match = None
        if payout.arrival_date is not None:
            first, last = config.window(payout.arrival_date)
            for line in by_amount.get(payout.amount, ()):
                if line.key not in taken and first <= line.booking_date <= last:
                    match = line
                    break
        if match is None:
            result.unmatched.append(
                Unmatched(payout.key, "no_bank_line", "no line of that amount in the window")
            )
            continue
        taken.add(match.key)
        result.matches.append(
            Match("naive", 2, (payout.key,), (match.key,), True, "same amount, in the window")
        )
    return result
