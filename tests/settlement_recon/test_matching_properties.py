"""Property: on generated data, an automatic match is always the true one.

Hypothesis builds payouts of a few colliding amounts (so that ambiguity is
common) and books them the ways banks do: alone, late, without the
reference, collectively (N:1, with or without the references), split
(1:N), a cent off (rounding), or not at all; plus unrelated lines of the
same amounts. Assumption: every payout whose money is on the statement is
known to the matcher (a payout never fetched, booked without any reference,
is indistinguishable from a known one of the same amount). The matcher may
leave anything unmatched or suggested; what it applies must be true.
"""

from datetime import timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from matching_examples import MONDAY, bank, payout

from odoo.addons.settlement_recon.lib.matching import MatchConfig, match_bank

NAMES = {
    "stripe": "Stripe Technology Europe",
    "paypal": "PayPal Europe S.a r.l.",
    "shopify_payments": "Shopify",
}
AMOUNTS = ["10.00", "10.01", "20.00", "30.00", "50.00", "60.00", "-10.00"]
CONFIG = MatchConfig(rounding_tolerance={"EUR": Decimal("0.02"), "USD": Decimal("0.02")})


@st.composite
def scenarios(draw):
    count = draw(st.integers(1, 10))
    payouts, lines, truth = [], [], set()
    collective = {}
    crowded = draw(st.booleans())  # one provider and currency, mostly collective bookings
    for index in range(count):
        provider = "stripe" if crowded else draw(st.sampled_from(sorted(NAMES)))
        currency = "EUR" if crowded else draw(st.sampled_from(["EUR", "USD"]))
        amount = Decimal(draw(st.sampled_from(AMOUNTS)))
        arrival = MONDAY + timedelta(days=draw(st.integers(0, 9)))
        trace = draw(st.sampled_from([f"TRACE{index:03d}ZQ"] * 3 + [None]))
        record = payout(f"po_{index}", amount, arrival, trace, provider, currency)
        payouts.append(record)
        hows = ["single", "single", "no_ref", "late", "collective", "split", "cent", "missing"]
        how = draw(st.sampled_from(hows + ["collective"] * 8 if crowded else hows))
        booked = arrival + timedelta(days=draw(st.integers(-1, 3)))
        name = draw(st.sampled_from([NAMES[provider], None]))
        key = f"b_{index}"
        if how in ("single", "no_ref", "late", "cent"):
            line_amount = amount + (Decimal("0.01") if how == "cent" else 0)
            if how == "late":
                booked = arrival + timedelta(days=draw(st.integers(8, 20)))
            e2e = trace if how != "no_ref" else None
            lines.append(bank(key, line_amount, booked, currency, e2e=e2e, name=name))
            truth.add((frozenset({record.key}), frozenset({key})))
        elif how == "split":
            part = (amount / 2).quantize(Decimal("0.01"))
            carry = draw(st.booleans())
            lines.append(bank(key + "a", part, booked, currency, e2e=trace if carry else None, name=name))
            lines.append(
                bank(key + "b", amount - part, booked, currency, e2e=trace if carry else None, name=name)
            )
            truth.add((frozenset({record.key}), frozenset({key + "a", key + "b"})))
        elif how == "collective":
            # the bank collects what arrives within three days (so within every member's window)
            period = (arrival - MONDAY).days // 3
            collective.setdefault((provider, currency, amount > 0, period), []).append(record)
    for number, ((provider, currency, _sign, _period), members) in enumerate(sorted(collective.items())):
        carry = draw(st.booleans())
        remittance = " ".join(member.trace_reference or "" for member in members) if carry else "SAMMLER"
        booked = max(member.arrival_date for member in members)
        key = f"coll_{number}"
        total = sum(member.amount for member in members)
        lines.append(bank(key, total, booked, currency, remittance=remittance, name=NAMES[provider]))
        truth.add((frozenset(member.key for member in members), frozenset({key})))
    for number in range(draw(st.integers(0, 4))):
        amount = Decimal(draw(st.sampled_from(AMOUNTS)))
        booked = MONDAY + timedelta(days=draw(st.integers(0, 12)))
        e2e = draw(st.sampled_from([None, f"NOISE{number:03d}ABC"]))
        lines.append(bank(f"noise_{number}", amount, booked, "EUR", e2e=e2e, name="ACME Trading GmbH"))
    order = draw(st.permutations(range(len(lines))))
    return payouts, [lines[i] for i in order], truth


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_every_automatic_match_is_true(scenario):
    payouts, lines, truth = scenario
    result = match_bank(payouts, lines, config=CONFIG)
    for match in result.automatic:
        assert (frozenset(match.left_keys), frozenset(match.right_keys)) in truth, match
    used = [key for match in result.automatic for key in match.right_keys]
    assert len(used) == len(set(used))


@settings(max_examples=150, deadline=None)
@given(scenarios())
def test_every_item_is_matched_suggested_or_explained(scenario):
    payouts, lines, _truth = scenario
    result = match_bank(payouts, lines, config=CONFIG)
    seen = {item.key for item in result.unmatched}
    for match in result.matches:
        seen.update(match.left_keys + match.right_keys)
        for left, right in match.alternatives:
            seen.update(left + right)
    assert seen >= {p.key for p in payouts} | {line.key for line in lines}
