"""Step 6 of the cascade: rules learned from confirmed manual matches.

:func:`learn_rules` is a pure function: the payout/bank-line pairs a user
confirmed go in, :class:`~.model.Rule` records come out, never confirmed
(the Odoo layer stores them; a user confirms one, and from then on
:func:`~.bank.match_bank` may match automatically with it). Two kinds:

- ``counterparty``: every confirmed match from this counterparty IBAN (or
  name, when the bank gave no IBAN) was a payout of one provider; the words
  their remittances all share (no digits: those are ids) must be present;
- ``date_lag``: every confirmed match of a provider was booked the same
  number of business days after the payout's arrival date.

A rule needs ``min_support`` examples that agree and none that disagree.
Keys are built from the content, so learning again from more matches gives
the same key for the same rule (the Odoo layer keeps its confirmed flag).
"""

import re
from collections import defaultdict

from .config import MatchConfig
from .model import Rule
from .references import name_key, normalise

_WORD = re.compile(r"[A-Z]{3,}")


def remittance_words(text):
    """The words (3+ letters, no digits) of a remittance, upper case."""
    words = set()
    for token in re.split(r"[^0-9A-Z]+", (text or "").upper()):
        if _WORD.fullmatch(token):
            words.add(token)
    return words


def business_lag(config, arrival, booking):
    """Business days from ``arrival`` to ``booking`` (negative when before)."""
    if booking == arrival:
        return 0
    step = 1 if booking > arrival else -1
    lag, day = 0, arrival
    while day != booking:
        day = config.shift(day, step)
        lag += step
        if (step > 0 and day > booking) or (step < 0 and day < booking):
            break
    return lag


def learn_rules(confirmed, min_support=2, config=None):
    """Rules from ``confirmed``: an iterable of (Payout, [BankLine, ...])
    pairs a user matched by hand (or accepted). Returns a list of
    unconfirmed :class:`~.model.Rule`."""
    config = config or MatchConfig()
    by_counterparty = defaultdict(list)
    lags = defaultdict(list)
    for payout, lines in confirmed:
        for line in lines:
            iban = normalise(line.counterparty_iban)
            name = name_key(line.counterparty_name)
            if iban or name:
                by_counterparty[("iban", iban) if iban else ("name", name)].append((payout, line))
            if payout.arrival_date is not None:
                lags[payout.provider].append(business_lag(config, payout.arrival_date, line.booking_date))
    rules = []
    for (field, value), examples in sorted(by_counterparty.items()):
        providers = {payout.provider for payout, _line in examples}
        if len(providers) != 1 or len(examples) < min_support:
            continue  # the same counterparty pays for several providers: no rule from it alone
        provider = providers.pop()
        words = set.intersection(*(remittance_words(line.remittance) for _payout, line in examples))
        tokens = tuple(sorted(words))
        rules.append(
            Rule(
                key=f"counterparty:{provider}:{field}:{value}" + (f":{'+'.join(tokens)}" if tokens else ""),
                kind="counterparty",
                provider=provider,
                counterparty_iban=value if field == "iban" else None,
                counterparty_name=examples[0][1].counterparty_name if field == "name" else None,
                remittance_tokens=tokens,
                support=len(examples),
            )
        )
    for provider, values in sorted(lags.items()):
        if len(values) >= min_support and len(set(values)) == 1:
            rules.append(
                Rule(
                    key=f"date_lag:{provider}:{values[0]}",
                    kind="date_lag",
                    provider=provider,
                    lag_days=values[0],
                    support=len(values),
                )
            )
    return rules
