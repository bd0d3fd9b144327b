"""Finding a payout's trace reference in bank lines.

Banks carry the reference the provider sent in different places: camt
``EndToEndId``, ``AcctSvcrRef`` or ``NtryRef``, MT940 ``EREF+`` or the
remittance text, often cut into 27- or 35-character pieces with spaces or
line breaks in between. So both sides are normalised (upper case, no
whitespace) and the reference is searched as a substring of the joined
fields. One compiled alternation finds every known reference in every line
in one pass.
"""

import re

_SPACES = re.compile(r"\s+")
_NON_ALNUM = re.compile(r"[^0-9A-Z]+")


def normalise(text):
    """Upper case without whitespace; None for empty."""
    if not text:
        return None
    return _SPACES.sub("", str(text)).upper() or None


def name_key(text):
    """A counterparty name as a comparison key: letters and digits only."""
    if not text:
        return None
    return _NON_ALNUM.sub("", str(text).upper()) or None


def searchable(bank_line):
    """The bank line's reference fields, normalised, joined by '|'."""
    parts = (
        bank_line.end_to_end_id,
        bank_line.bank_reference,
        bank_line.entry_reference,
        bank_line.remittance,
    )
    return "|".join(part for part in map(normalise, parts) if part)


class TraceIndex:
    """Which known trace references each bank line carries.

    ``traces`` maps a payout key to its trace reference; references shorter
    than ``min_length`` are ignored. :meth:`found_in` gives the payout keys
    whose reference occurs in a bank line."""

    def __init__(self, traces, min_length=6):
        self._payouts_of = {}
        for payout_key, trace in traces.items():
            reference = normalise(trace)
            if reference and len(reference) >= min_length:
                self._payouts_of.setdefault(reference, []).append(payout_key)
        alternatives = sorted(self._payouts_of, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, alternatives))) if alternatives else None
        self._cache = {}

    def found_in(self, bank_line):
        """frozenset of payout keys whose trace the line carries."""
        cached = self._cache.get(bank_line.key)
        if cached is not None:
            return cached
        found = set()
        text = searchable(bank_line)
        if self._pattern is not None and text:
            position = 0
            while True:  # overlapping search: one reference may end where another starts
                hit = self._pattern.search(text, position)
                if hit is None:
                    break
                found.update(self._payouts_of[hit.group(0)])
                position = hit.start() + 1
        result = frozenset(found)
        self._cache[bank_line.key] = result
        return result
