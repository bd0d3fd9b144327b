"""Step 6: rules learned from confirmed manual matches."""

from datetime import date, timedelta

from matching_examples import MONDAY, bank, payout

from odoo.addons.settlement_recon.lib.matching import learn_rules, match_bank

ACME_IBAN = "DE02 1203 0000 0000 2020 51"  # a payment house the name hints do not know


def examples(count=3, lag=1):
    pairs = []
    for n in range(count):
        arrival = MONDAY + timedelta(days=7 * n)
        line = bank(
            f"b{n}",
            f"{100 + n}.00",
            booked=arrival + timedelta(days=lag),
            name="ACME PAY SERVICES",
            iban=ACME_IBAN,
            remittance=f"AUSZAHLUNG SETTLEMENT {4711 + n}",
        )
        pairs.append((payout(f"po_{n}", f"{100 + n}.00", arrival=arrival, provider="paypal"), [line]))
    return pairs


def test_a_counterparty_rule_and_a_date_lag_rule_are_learned():
    rules = {rule.kind: rule for rule in learn_rules(examples())}
    counterparty = rules["counterparty"]
    assert counterparty.provider == "paypal"
    assert counterparty.counterparty_iban == "DE02120300000000202051"
    assert counterparty.remittance_tokens == ("AUSZAHLUNG", "SETTLEMENT")
    assert counterparty.support == 3 and not counterparty.confirmed
    assert (rules["date_lag"].lag_days, rules["date_lag"].provider) == (1, "paypal")


def test_learning_is_pure_and_keys_are_stable():
    assert learn_rules(examples()) == learn_rules(examples())
    assert {rule.key for rule in learn_rules(examples(2))} == {rule.key for rule in learn_rules(examples(3))}


def test_too_few_or_disagreeing_examples_teach_nothing():
    assert learn_rules(examples(1)) == []
    mixed = examples(2)
    mixed.append((payout("po_x", "5.00", provider="stripe"), [mixed[0][1][0]]))
    assert not [rule for rule in learn_rules(mixed) if rule.kind == "counterparty"]


def test_a_learned_rule_suggests_until_confirmed_then_matches():
    rule = next(rule for rule in learn_rules(examples()) if rule.kind == "counterparty")
    new_payout = payout("po_new", "250.00", provider="paypal", arrival=date(2026, 4, 6))
    new_line = bank(
        "b_new", "250.00", booked=date(2026, 4, 7), iban=ACME_IBAN, remittance="Auszahlung settlement 9999"
    )
    assert not match_bank([new_payout], [new_line]).automatic
    suggested = match_bank([new_payout], [new_line], rules=[rule])
    assert not suggested.automatic and suggested.suggestions[0].rule == f"learned:{rule.key}"
    confirmed = match_bank(
        [new_payout], [new_line], rules=[rule.__class__(**{**rule.__dict__, "confirmed": True})]
    )
    (match,) = confirmed.automatic
    assert match.rule == f"learned:{rule.key}"


def test_a_confirmed_date_lag_breaks_a_tie():
    from dataclasses import replace

    lag = next(rule for rule in learn_rules(examples(lag=2)) if rule.kind == "date_lag")
    payouts = [
        payout("po_a", "80.00", provider="paypal", arrival=MONDAY),
        payout("po_b", "80.00", provider="paypal", arrival=MONDAY + timedelta(days=1)),
    ]
    line = bank("b1", "80.00", booked=MONDAY + timedelta(days=2), name="PayPal Europe")
    assert not match_bank(payouts, [line], rules=[lag]).automatic
    (match,) = match_bank(payouts, [line], rules=[replace(lag, confirmed=True)]).automatic
    assert match.left_keys == ("po_a",) and match.rule == f"learned:{lag.key}"
