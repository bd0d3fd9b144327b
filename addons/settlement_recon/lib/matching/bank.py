"""Steps 3 to 6 of the cascade: payouts against bank lines.

:func:`match_bank` works in this order, each step on what the earlier ones
left:

1. **1:1 by reference** (rule ``reference``, or ``tolerance`` when the
   amounts differ within a tolerance): the bank line carries the payout's
   trace reference, the amount and currency agree and the booking date is
   in the window. Automatic when that pair is the only one with a
   reference on both sides and the payout's reference occurs in no other
   line.
2. **1:1 by counterparty** (rule ``counterparty``, or ``learned:<key>``):
   no reference on the line, but the exact amount and currency in the window
   and a counterparty that names the payout's provider (a built-in name
   hint or a confirmed learned rule). Automatic only when the payout has no
   other candidate line and the line no other candidate payout, the line's
   end-to-end id (if any) does not name something else, and neither side
   could be a sum of other open items (a collective or split booking); a
   confirmed date-lag rule may break a tie.
3. **N:1** (rule ``subset_n1``): one bank line pays several payouts of one
   provider and currency. Automatic when the payouts whose references the
   line carries add up to it exactly, or when they do not and exactly one
   subset of the payouts whose reference is nowhere makes up the rest (the
   references agree: none is elsewhere or of another provider); otherwise
   a bounded subset sum whose answers are suggestions.
4. **1:N** (rule ``subset_1n``): one payout booked as several bank lines, the
   same way round.
5. **Suggestions**: every remaining pair that agrees on amount, currency and
   window (or within a tolerance), best score first, the others listed as
   alternatives. An ambiguous case is never automatic.

Tolerances: a pair whose amounts differ by at most
``config.rounding_tolerance[currency]`` (same currency) or, across
currencies, whose amount converted at the reference rate of the line's
booking day (``config.fx_rate``) differs by at most
``config.fx_tolerance[bank currency]``, carries ``difference`` (bank minus
payout) and ``difference_kind`` (``rounding`` or ``fx``); it is automatic
only with the reference.

Unmatched payouts get ``no_bank_line`` (or ``not_paid`` for failed and
cancelled ones); unmatched bank lines ``no_payout_found``. An item that is
part of a suggestion (or of its alternatives) is not listed as unmatched.
"""

import bisect
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from .config import MatchConfig
from .model import Match, Result, Unmatched, quantize, quantum
from .references import TraceIndex, name_key, normalise
from .subset import find_subsets

PAID_STATUSES = frozenset({"paid", "in_transit"})
FX_SEARCH_MARGIN = Decimal("0.03")  # how far a rate may move within the date window


@dataclass(frozen=True)
class _Pair:
    """A payout and a bank line that could be each other's, with the signals."""

    payout: object
    line: object
    difference: object
    difference_kind: str | None
    reference: bool
    hint: bool
    hint_rule: object  # the learned rule that gave the hint, if one did
    learned: object  # an unconfirmed rule that would give the hint
    date_agrees: bool
    lag_rule: object  # a date-lag rule the dates agree with

    @property
    def exact(self):
        return not self.difference and self.difference_kind is None

    @property
    def score(self):
        return (
            2  # currency (or its conversion) and date window
            + self.exact
            + 2 * self.reference
            + (self.hint or bool(self.learned))
            + self.date_agrees
        )


class _BankMatcher:
    def __init__(self, payouts, bank_lines, rules, config):
        self.config = config
        self.result = Result()
        self.payouts = {}
        for payout in payouts:
            if payout.status not in PAID_STATUSES:
                self.result.unmatched.append(Unmatched(payout.key, "not_paid", f"payout is {payout.status}"))
            elif not payout.amount:
                self.result.unmatched.append(Unmatched(payout.key, "no_bank_line", "payout of zero"))
            else:
                self.payouts[payout.key] = payout
        self.lines = {line.key: line for line in bank_lines}
        self.open_payouts = set(self.payouts)
        self.open_lines = set(self.lines)
        self.counterparty_rules = [rule for rule in rules if rule.kind == "counterparty"]
        self.lag_rules = defaultdict(list)
        for rule in rules:
            if rule.kind == "date_lag":
                self.lag_rules[rule.provider].append(rule)
        self.traces = TraceIndex(
            {key: payout.trace_reference for key, payout in self.payouts.items()}, config.min_reference_length
        )
        self.claims = {key: self.traces.found_in(line) for key, line in self.lines.items()}
        self.lines_claiming = defaultdict(set)
        for line_key, payout_keys in self.claims.items():
            for payout_key in payout_keys:
                self.lines_claiming[payout_key].add(line_key)
        self.hints = {key: self._hints(line) for key, line in self.lines.items()}
        self.by_currency = defaultdict(list)  # currency -> sorted [(amount, key)]
        for key, line in self.lines.items():
            self.by_currency[line.currency].append((line.amount, key))
        for entries in self.by_currency.values():
            entries.sort()
        self.payouts_by_amount = defaultdict(list)
        for key, payout in self.payouts.items():
            self.payouts_by_amount[(payout.currency, payout.amount)].append(key)
        self.pairs_of_payout = defaultdict(list)
        self.pairs_of_line = defaultdict(list)
        for payout in self.payouts.values():
            for pair in self._candidates(payout):
                self.pairs_of_payout[payout.key].append(pair)
                self.pairs_of_line[pair.line.key].append(pair)

    # --- signals -----------------------------------------------------------------

    def _hints(self, line):
        """({providers named by the counterparty or a confirmed rule: rule or None},
        {provider: unconfirmed rule})."""
        name = name_key(line.counterparty_name) or ""
        confirmed, unconfirmed = {}, {}
        for provider, needles in self.config.provider_hints.items():
            if name and any(name_key(needle) in name for needle in needles):
                confirmed[provider] = None
        for rule in self.counterparty_rules:
            if _rule_applies(rule, line):
                if rule.confirmed:
                    confirmed.setdefault(rule.provider, rule)
                else:
                    unconfirmed.setdefault(rule.provider, rule)
        return confirmed, unconfirmed

    def _in_window(self, payout, line, margin=0):
        if payout.arrival_date is None:
            return False
        first, last = self.config.window(payout.arrival_date, margin)
        return any(day and first <= day <= last for day in (line.booking_date, line.value_date))

    def _lag_rule(self, payout, line):
        if payout.arrival_date is None:
            return None
        for rule in self.lag_rules.get(payout.provider, ()):
            if self.config.shift(payout.arrival_date, rule.lag_days) == line.booking_date:
                return rule
        return None

    def _range(self, currency, low, high):
        entries = self.by_currency.get(currency, ())
        start = bisect.bisect_left(entries, (low, ""))
        for index in range(start, len(entries)):
            amount, key = entries[index]
            if amount > high:
                break
            yield key

    def _candidates(self, payout):
        """Every bank line that could be this payout's alone, as _Pair."""
        seen = set()
        tolerance = self.config.rounding_limit(payout.currency)
        for key in self._range(payout.currency, payout.amount - tolerance, payout.amount + tolerance):
            seen.add(key)
            difference = self.lines[key].amount - payout.amount
            pair = self._pair(payout, self.lines[key], difference, "rounding" if difference else None)
            if pair:
                yield pair
        if self.config.fx_rate is not None and payout.arrival_date is not None:
            for currency in self.by_currency:
                if currency == payout.currency or not self.config.fx_limit(currency):
                    continue
                rate = self.config.fx_rate(payout.currency, currency, payout.arrival_date)
                if not rate:
                    continue
                # the bank converts at its booking date's rate: look wide
                # around the arrival date's conversion, then check each line
                # with the rate of the day it was booked
                around = quantize(payout.amount * rate, currency)
                wide = abs(around) * FX_SEARCH_MARGIN + self.config.fx_limit(currency)
                for key in self._range(currency, around - wide, around + wide):
                    line = self.lines[key]
                    if key in seen:
                        continue
                    booked_rate = self.config.fx_rate(payout.currency, currency, line.booking_date) or rate
                    difference = line.amount - quantize(payout.amount * booked_rate, currency)
                    if abs(difference) <= self.config.fx_limit(currency):
                        pair = self._pair(payout, line, difference, "fx")
                        if pair:
                            yield pair
        # a line carrying the reference but booked out of the window (or
        # with no arrival date) stays a candidate: the reference is stronger
        for key in self.lines_claiming.get(payout.key, ()):
            line = self.lines[key]
            if key not in seen and line.currency == payout.currency and line.amount == payout.amount:
                pair = self._pair(payout, line, 0, None, check_window=False)
                if pair:
                    yield pair

    def _pair(self, payout, line, difference, kind, check_window=True):
        claims = self.claims[line.key]
        if claims and payout.key not in claims:
            return None  # the line names another payout
        if (line.amount > 0) != (payout.amount > 0):
            return None
        reference = payout.key in claims
        if check_window and not self._in_window(payout, line):
            return None
        confirmed, unconfirmed = self.hints[line.key]
        lag_rule = self._lag_rule(payout, line)
        date_agrees = line.booking_date == payout.arrival_date or bool(lag_rule and lag_rule.confirmed)
        return _Pair(
            payout=payout,
            line=line,
            difference=difference,
            difference_kind=kind,
            reference=reference,
            hint=payout.provider in confirmed,
            hint_rule=confirmed.get(payout.provider),
            learned=None if payout.provider in confirmed else unconfirmed.get(payout.provider),
            date_agrees=date_agrees,
            lag_rule=lag_rule,
        )

    # --- bookkeeping ---------------------------------------------------------------

    def _open_pairs_of_payout(self, key):
        return [pair for pair in self.pairs_of_payout.get(key, ()) if pair.line.key in self.open_lines]

    def _open_pairs_of_line(self, key):
        return [pair for pair in self.pairs_of_line.get(key, ()) if pair.payout.key in self.open_payouts]

    def _take(self, match):
        self.result.matches.append(match)
        if match.automatic:
            self.open_payouts.difference_update(match.left_keys)
            self.open_lines.difference_update(match.right_keys)

    # --- steps ---------------------------------------------------------------------

    def by_reference(self):
        for payout_key in sorted(self.payouts):
            if payout_key not in self.open_payouts:
                continue
            pairs = [pair for pair in self._open_pairs_of_payout(payout_key) if pair.reference]
            if len(pairs) != 1:
                continue
            pair = pairs[0]
            rivals = [other for other in self._open_pairs_of_line(pair.line.key) if other.reference]
            if (
                len(rivals) != 1
                or self.lines_claiming[payout_key] != {pair.line.key}
                or self.claims[pair.line.key] != {payout_key}
            ):
                continue  # the reference is elsewhere too, or the line names others (N:1)
            rule = "reference" if pair.exact else "tolerance"
            reason = f"trace {pair.payout.trace_reference} found in the bank line"
            self._take(self._match(rule, pair, True, reason))

    def by_counterparty(self):
        for payout_key in sorted(self.payouts):
            if payout_key not in self.open_payouts or self.lines_claiming.get(payout_key):
                continue
            pairs = self._open_pairs_of_payout(payout_key)
            pairs = [pair for pair in pairs if pair.exact] if all(pair.exact for pair in pairs) else []
            pairs, lag = _narrow_by_lag(pairs)
            if len(pairs) != 1:
                continue
            pair = pairs[0]
            if self.claims[pair.line.key] or _names_another(pair):
                continue
            rivals, rival_lag = _narrow_by_lag(self._open_pairs_of_line(pair.line.key))
            if len(rivals) != 1:
                continue
            lag = lag or rival_lag
            if (
                pair.hint
                and (lag is None or lag.confirmed)
                and not self._near_rivals(pair, lag)
                and not self._other_explanation(pair)
            ):
                rule = _rule_name(pair.hint_rule or lag, "counterparty")
                reason = f"only {pair.payout.provider} line of {pair.payout.amount} {pair.payout.currency} in the window"
                self._take(self._match(rule, pair, True, reason))

    def _near_rivals(self, pair, lag=None):
        """An open payout of the same amount whose window just misses the
        line, or an open line of the same amount just outside the payout's
        window: a late booking would make either the true one, so without a
        reference the pair is not certain. "Near" is the window widened by
        ``config.rival_margin`` business days on each side. A confirmed
        date-lag rule (``lag``) rules out the rivals of its provider whose
        dates do not fit it."""
        payout, line = pair.payout, pair.line
        margin = self.config.rival_margin

        def lag_excludes(other_payout, other_line):
            return (
                lag is not None
                and lag.confirmed
                and other_payout.provider == lag.provider
                and other_payout.arrival_date is not None
                and self.config.shift(other_payout.arrival_date, lag.lag_days) != other_line.booking_date
            )

        for key in self.payouts_by_amount.get((line.currency, line.amount), ()):
            other = self.payouts[key]
            if key == payout.key or key not in self.open_payouts or self.lines_claiming.get(key):
                continue
            if lag_excludes(other, line):
                continue
            if other.arrival_date is None or self._in_window(other, line, margin):
                return True
        for key in self._range(payout.currency, payout.amount, payout.amount):
            other = self.lines[key]
            if key == line.key or key not in self.open_lines or not self.claims[key] <= {payout.key}:
                continue
            if not lag_excludes(payout, other) and self._in_window(payout, other, margin):
                return True
        return False

    def _other_explanation(self, pair):
        """Could the line be several other payouts (N:1), or the payout
        several other lines (1:N)? Without references, either makes the
        pair ambiguous. An unfinished (bounded) search counts as a yes."""
        payout, line = pair.payout, pair.line
        confirmed, unconfirmed = self.hints[line.key]
        providers = confirmed.keys() | unconfirmed.keys()
        other_payouts = [
            (key, self.payouts[key].amount)
            for key in self.open_payouts
            if key != payout.key
            and self.payouts[key].provider in providers
            and self.payouts[key].currency == line.currency
            and not self.lines_claiming.get(key)
            and self._in_window(self.payouts[key], line)
        ]
        other_lines = [
            (key, self.lines[key].amount)
            for key in self.open_lines
            if key != line.key
            and self.lines[key].currency == payout.currency
            and self.claims[key] <= {payout.key}
            and payout.provider in self.hints[key][0].keys() | self.hints[key][1].keys()
            and self._in_window(payout, self.lines[key])
        ]
        for target, items in ((line.amount, other_payouts), (payout.amount, other_lines)):
            same_sign = [(key, amount) for key, amount in items if (amount > 0) == (target > 0)]
            if len(same_sign) < 2:
                continue
            same_sign.sort(key=lambda item: item[0])
            search = find_subsets(
                target,
                same_sign[: self.config.max_subset_candidates * 2],
                quantum(line.currency),
                limit=1,
                max_operations=self.config.max_subset_operations,
            )
            if (
                search.subsets
                or not search.complete
                or len(same_sign) > self.config.max_subset_candidates * 2
            ):
                return True
        return False

    def many_to_one(self):
        """One bank line, several payouts (a collective booking)."""
        for line_key in sorted(self.open_lines):
            line = self.lines[line_key]
            claimed = [key for key in self.claims[line_key] if key in self.open_payouts]
            if len(claimed) >= 2:
                members = [self.payouts[key] for key in claimed]
                if (
                    len({(payout.provider, payout.currency) for payout in members}) == 1
                    and members[0].currency == line.currency
                    and sum(payout.amount for payout in members) == line.amount
                    and all(self.lines_claiming[key] == {line_key} for key in claimed)
                ):
                    reason = f"the line names {len(claimed)} payouts whose nets add up to it"
                    self._take(Match("subset_n1", 5, tuple(sorted(claimed)), (line_key,), True, reason))
                    continue
            confirmed, unconfirmed = self.hints[line_key]
            providers = (
                confirmed.keys() | unconfirmed.keys() | {self.payouts[key].provider for key in claimed}
            )
            if not providers:
                continue
            pool = [
                key
                for key in self.open_payouts
                if key not in claimed
                and self.payouts[key].provider in providers
                and not self.lines_claiming.get(key)
                and self.payouts[key].currency == line.currency
                and (self.payouts[key].amount > 0) == (line.amount > 0)
                and self._in_window(self.payouts[key], line)
            ]
            if claimed:
                # the payouts it names, and what else (without a reference
                # anywhere) makes up the rest
                fixed = tuple(sorted(claimed))
                if not self._named_and_rest(line, fixed, pool, confirmed):
                    self._subset_suggestion(line, pool, many_payouts=True, fixed=fixed)
            elif len(pool) >= 2:
                self._subset_suggestion(line, pool, many_payouts=True)

    def _named_and_rest(self, line, named, pool, confirmed):
        """A collective line names some of its payouts; the others lost
        their reference on the way. Automatic when the references agree
        (each named payout's reference is on this line only, all of one
        provider and currency the counterparty names) and exactly one
        subset of the payouts whose reference is nowhere makes up the rest,
        found by a complete search over an untruncated pool."""
        members = [self.payouts[key] for key in named]
        provider, currency = members[0].provider, members[0].currency
        if (
            any((payout.provider, payout.currency) != (provider, currency) for payout in members)
            or currency != line.currency
            or provider not in confirmed
            or any(self.lines_claiming[key] != {line.key} for key in named)
            or len(pool) > self.config.max_subset_candidates
        ):
            return False
        rest = line.amount - sum(payout.amount for payout in members)
        if not rest or (rest > 0) != (line.amount > 0):
            return False
        pool = [key for key in pool if self.payouts[key].provider == provider]
        search = find_subsets(
            rest,
            [(key, self.payouts[key].amount) for key in pool],
            quantum(currency),
            limit=2,
            max_operations=self.config.max_subset_operations,
            min_size=1,
        )
        if not search.unique:
            return False
        keys = tuple(sorted(named + search.subsets[0]))
        reason = (
            f"the line names {len(named)} payouts; the only subset of the {len(pool)} {provider} payouts "
            f"without a reference anywhere makes up the other {rest} {currency}"
        )
        self._take(Match("subset_n1", 4, keys, (line.key,), True, reason))
        return True

    def one_to_many(self):
        """One payout, several bank lines (a split booking)."""
        for payout_key in sorted(self.open_payouts):
            payout = self.payouts[payout_key]
            carrying = [key for key in self.lines_claiming.get(payout_key, ()) if key in self.open_lines]
            if len(carrying) >= 2 and all(self.claims[key] == {payout_key} for key in carrying):
                lines = [self.lines[key] for key in carrying]
                if (
                    all(line.currency == payout.currency for line in lines)
                    and sum(line.amount for line in lines) == payout.amount
                ):
                    reason = (
                        f"{len(carrying)} lines carry the trace {payout.trace_reference} and add up to it"
                    )
                    self._take(Match("subset_1n", 5, (payout_key,), tuple(sorted(carrying)), True, reason))
                    continue
            pool = [
                key
                for key in self.open_lines
                if self.lines[key].currency == payout.currency
                and (self.lines[key].amount > 0) == (payout.amount > 0)
                and abs(self.lines[key].amount) < abs(payout.amount)
                and (
                    payout_key in self.claims[key]
                    or (not self.claims[key] and payout.provider in self.hints[key][0])
                )
                and self._in_window(payout, self.lines[key])
            ]
            if len(pool) >= 2:
                self._subset_suggestion(payout, pool, many_payouts=False)

    def _subset_suggestion(self, anchor, pool, many_payouts, fixed=()):
        """Suggest the subset of ``pool`` that, with the ``fixed`` keys,
        adds up to ``anchor`` (a bank line for N:1, a payout for 1:N)."""
        config = self.config
        items = self.payouts if many_payouts else self.lines
        target = anchor.amount - sum((items[key].amount for key in fixed), 0 * anchor.amount)
        if fixed and not target:
            return
        pool = sorted(pool, key=lambda key: (_date_distance(anchor, items[key]), key))[
            : config.max_subset_candidates
        ]
        search = find_subsets(
            target,
            [(key, items[key].amount) for key in pool],
            quantum(anchor.currency),
            limit=3,
            max_operations=config.max_subset_operations,
            min_size=max(1, 2 - len(fixed)),
        )
        if not search.subsets:
            return
        subsets = [tuple(sorted(fixed + subset)) for subset in search.subsets]
        if many_payouts:
            groups = [(subset, (anchor.key,)) for subset in subsets]
            rule = "subset_n1"
        else:
            groups = [((anchor.key,), subset) for subset in subsets]
            rule = "subset_1n"
        if len(subsets) > 1:
            detail = "one of several"
        else:
            detail = "the only" if search.unique else "a (search bounded)"
        named = f"the {len(fixed)} named by reference and " if fixed else ""
        reason = (
            f"{named}{detail} subset of {len(pool)} candidates adding up to {anchor.amount} {anchor.currency}"
        )
        self._take(Match(rule, 2, *groups[0], False, reason, alternatives=tuple(groups[1:])))

    def suggest(self):
        suggested = {key for match in self.result.suggestions for key in match.left_keys}
        for payout_key in sorted(self.open_payouts - suggested):
            pairs = sorted(
                self._open_pairs_of_payout(payout_key),
                key=lambda pair: (-pair.score, abs(pair.difference), pair.line.key),
            )
            if not pairs:
                continue
            best = pairs[0]
            rule = _rule_name(best.learned or best.hint_rule or best.lag_rule, "amount_date")
            if best.reference:
                rule = "reference" if best.exact else "tolerance"
            reason = f"{len(pairs)} candidate line(s)" + (
                f", {len(self._open_pairs_of_line(best.line.key))} candidate payout(s) for the best"
            )
            self._take(
                self._match(
                    rule,
                    best,
                    False,
                    reason,
                    alternatives=tuple(((payout_key,), (pair.line.key,)) for pair in pairs[1:]),
                )
            )

    def leftovers(self):
        in_suggestion = set()
        for match in self.result.suggestions:
            in_suggestion.update(match.left_keys)
            in_suggestion.update(match.right_keys)
            for left, right in match.alternatives:
                in_suggestion.update(left)
                in_suggestion.update(right)
        for key in sorted(self.open_payouts - in_suggestion):
            payout = self.payouts[key]
            self.result.unmatched.append(
                Unmatched(
                    key,
                    "no_bank_line",
                    f"no bank line of {payout.amount} {payout.currency} around {payout.arrival_date}",
                )
            )
        for key in sorted(self.open_lines - in_suggestion):
            confirmed, _unconfirmed = self.hints[key]
            named = f" from {', '.join(sorted(confirmed))}" if confirmed else ""
            self.result.unmatched.append(
                Unmatched(key, "no_payout_found", f"no payout fits this line{named}")
            )

    def _match(self, rule, pair, automatic, reason, alternatives=()):
        return Match(
            rule=rule,
            score=pair.score,
            left_keys=(pair.payout.key,),
            right_keys=(pair.line.key,),
            automatic=automatic,
            reason=reason,
            difference=pair.difference if pair.difference_kind else 0 * pair.payout.amount,
            difference_kind=pair.difference_kind,
            alternatives=alternatives,
        )


def _rule_applies(rule, line):
    if rule.counterparty_iban:
        if normalise(rule.counterparty_iban) != normalise(line.counterparty_iban):
            return False
    elif rule.counterparty_name:
        if name_key(rule.counterparty_name) != name_key(line.counterparty_name):
            return False
    else:
        return False
    text = normalise(line.remittance) or ""
    return all(token in text for token in rule.remittance_tokens)


def _names_another(pair):
    """The line has an end-to-end id, the payout a trace, and the one is not
    in the other: the line is most likely another (unknown) payout's."""
    end_to_end = normalise(pair.line.end_to_end_id)
    trace = normalise(pair.payout.trace_reference)
    return bool(end_to_end and trace and trace not in end_to_end and end_to_end != "NOTPROVIDED")


def _narrow_by_lag(pairs):
    """With more than one candidate, keep those whose dates agree with a
    date-lag rule (and say which rule did it)."""
    if len(pairs) <= 1:
        return pairs, None
    lagging = [pair for pair in pairs if pair.lag_rule is not None]
    if lagging and len(lagging) < len(pairs):
        return lagging, lagging[0].lag_rule
    return pairs, None


def _rule_name(rule, default):
    return f"learned:{rule.key}" if rule is not None else default


def _date_distance(anchor, item):
    """Business-agnostic distance in days between a payout's arrival and a line's booking."""
    payout, line = (anchor, item) if hasattr(anchor, "arrival_date") else (item, anchor)
    if payout.arrival_date is None:
        return 10**6
    return abs((line.booking_date - payout.arrival_date).days)


def match_bank(payouts, bank_lines, rules=(), config=None):
    """Match :class:`~.model.Payout` records to :class:`~.model.BankLine`
    records; returns a :class:`~.model.Result` (left = payout keys, right =
    bank line keys). ``rules`` are learned :class:`~.model.Rule` records,
    ``config`` a :class:`~.config.MatchConfig`."""
    matcher = _BankMatcher(payouts, bank_lines, tuple(rules), config or MatchConfig())
    matcher.by_reference()
    matcher.by_counterparty()
    matcher.many_to_one()
    matcher.one_to_many()
    matcher.suggest()
    matcher.leftovers()
    return matcher.result
