"""A bounded, exact subset sum for N:1 and 1:N bank matches.

Which of these (at most a dozen) payouts add up to this bank line, to the
cent? The search is a depth-first walk over the candidates sorted by size,
pruned by the range the remaining candidates can still reach, and bounded
twice: the caller keeps few candidates, and the walk stops after
``max_operations`` nodes. It stops as soon as it has found ``limit``
subsets (two are enough to know a match is ambiguous). Amounts are
compared as integers of the currency's minor unit, so the sum is exact.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class SubsetSearch:
    """``subsets``: tuples of keys adding up to the target (at most
    ``limit``); ``complete``: the walk ended without hitting its bound, so
    when it found one subset, that subset is the only one."""

    subsets: tuple
    complete: bool
    operations: int

    @property
    def unique(self):
        return self.complete and len(self.subsets) == 1


def find_subsets(target, items, quantum, limit=2, max_operations=200_000, min_size=2):
    """Subsets (of at least ``min_size`` items) of ``items`` — (key, Decimal)
    pairs — whose amounts add up exactly to ``target``."""
    scaled = [
        (key, int(amount / quantum)) for key, amount in items if (amount / quantum) == int(amount / quantum)
    ]
    goal = target / quantum
    if goal != int(goal):
        return SubsetSearch((), True, 0)
    goal = int(goal)
    scaled.sort(key=lambda pair: -abs(pair[1]))
    count = len(scaled)
    positive_after = [0] * (count + 1)
    negative_after = [0] * (count + 1)
    for index in range(count - 1, -1, -1):
        value = scaled[index][1]
        positive_after[index] = positive_after[index + 1] + max(value, 0)
        negative_after[index] = negative_after[index + 1] + min(value, 0)

    found = []
    operations = 0
    chosen = []

    def walk(index, total):
        nonlocal operations
        operations += 1
        if operations > max_operations:
            return False
        if index == count or not (total + negative_after[index] <= goal <= total + positive_after[index]):
            return True
        key, value = scaled[index]
        chosen.append(key)
        if total + value == goal and len(chosen) >= min_size:
            found.append(tuple(chosen))
            if len(found) >= limit:
                return False
        going_on = walk(index + 1, total + value)
        chosen.pop()
        return going_on and walk(index + 1, total)

    complete = walk(0, 0)
    return SubsetSearch(tuple(found), complete and operations <= max_operations, operations)
