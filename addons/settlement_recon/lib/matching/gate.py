"""Step 2 of the cascade: the payout integrity gate.

A payout may be posted only when its lines explain it to the cent: every
line's net is its amount minus its fee, and the nets add up to the payout
amount, all quantized to the currency's minor unit. Otherwise the gate
names the difference; nothing here ever invents a balancing line.
"""

from .model import GateResult, quantize


def check_payout(payout):
    """:class:`~.model.GateResult` of a :class:`~.model.Payout` with its lines."""
    currency = payout.currency
    line_errors = []
    total = quantize(0, currency)
    for line in payout.lines:
        if line.currency != currency:
            line_errors.append((line.key, f"{line.currency} line", f"in a {currency} payout"))
            continue
        expected = quantize(line.amount - line.fee, currency)
        net = quantize(line.net, currency)
        if expected != net:
            line_errors.append((line.key, expected, net))
        total += net
    difference = quantize(payout.amount, currency) - total
    problems = []
    if difference:
        problems.append(
            f"payout {payout.key} is {quantize(payout.amount, currency)} {currency} but its "
            f"{len(payout.lines)} lines net {total} {currency}: {difference} {currency} unexplained"
        )
    for key, expected, net in line_errors:
        if isinstance(expected, str):
            problems.append(f"line {key}: {expected} {net}")
        else:
            problems.append(f"line {key}: amount - fee = {expected} but net = {net}")
    return GateResult(
        payout_key=payout.key,
        ok=not problems,
        lines_total=total,
        difference=difference,
        line_errors=tuple(line_errors),
        detail="; ".join(problems),
    )
