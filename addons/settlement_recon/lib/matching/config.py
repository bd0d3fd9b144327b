"""How the bank matching is tuned: date window, tolerances, provider hints.

:class:`MatchConfig` holds every knob with a default that suits SEPA
credit transfers from the three providers; the Odoo layer builds one from
the backend's settings. Business days skip Saturdays, Sundays and the
``holidays`` given (a bank's TARGET2 or national calendar).
"""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

# Substrings of a counterparty name (normalised: upper case, no spaces) that
# say which provider sent the money. Shopify Payments payouts come from
# Shopify's own entity; Stripe's from Stripe's; PayPal's from PayPal Europe.
DEFAULT_PROVIDER_HINTS = {
    "shopify_payments": ("SHOPIFY",),
    "stripe": ("STRIPE",),
    "paypal": ("PAYPAL",),
}


@dataclass(frozen=True)
class MatchConfig:
    """Settings of :func:`~.bank.match_bank`.

    - ``days_before`` / ``days_after``: the window around a payout's arrival
      date, in business days, in which its bank line may be booked;
    - ``holidays``: dates that are not business days;
    - ``rounding_tolerance``: {currency: Decimal} the absolute difference a
      same-currency match may carry (booked as rounding); none by default;
    - ``fx_tolerance``: {bank currency: Decimal} the absolute difference a
      match across currencies may carry once converted (booked as fx);
    - ``fx_rate``: callable (from_currency, to_currency, date) -> Decimal or
      None, the reference rate (e.g. the ECB's of that day); without it no
      match across currencies is tried;
    - ``provider_hints``: {provider: substrings of the counterparty name};
    - ``max_subset_candidates`` / ``max_subset_operations``: the bounds of the
      subset sums (candidates kept, nodes visited per search);
    - ``min_reference_length``: shorter trace references are not searched
      (too likely to occur by chance);
    - ``rival_margin``: business days added to each side of the window when
      looking for a rival that makes a match without reference uncertain
      (a payout of the same amount whose line may be booked late).
    """

    days_before: int = 1
    days_after: int = 5
    holidays: frozenset = frozenset()
    rounding_tolerance: dict = field(default_factory=dict)
    fx_tolerance: dict = field(default_factory=dict)
    fx_rate: object = None
    provider_hints: dict = field(default_factory=lambda: dict(DEFAULT_PROVIDER_HINTS))
    max_subset_candidates: int = 12
    max_subset_operations: int = 200_000
    min_reference_length: int = 6
    rival_margin: int = 10

    def is_business_day(self, day):
        return day.weekday() < 5 and day not in self.holidays

    def shift(self, day, business_days):
        """``day`` moved by that many business days (negative: back).
        From a non-business day, the first step lands on a business day."""
        step = 1 if business_days >= 0 else -1
        remaining = abs(business_days)
        while remaining:
            day += timedelta(days=step)
            if self.is_business_day(day):
                remaining -= 1
        return day

    def window(self, arrival_date, margin=0):
        """(first, last) booking date allowed for a payout arriving then
        (widened by ``margin`` business days on each side)."""
        return (
            self.shift(arrival_date, -self.days_before - margin),
            self.shift(arrival_date, self.days_after + margin),
        )

    def rounding_limit(self, currency):
        return Decimal(self.rounding_tolerance.get(currency, 0))

    def fx_limit(self, currency):
        return Decimal(self.fx_tolerance.get(currency, 0))
