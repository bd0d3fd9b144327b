"""Benchmark of settlement_recon's matching cascade on a generated month.

One run, no database (see scripts/bench-settlement):

1. generate a month: 20,000 orders across Shopify Payments, Stripe and
   PayPal in EUR and USD (tests/sandbox/bank: fees, partial refunds,
   disputes, reserves, FX, rounding noise, batch and collective bank
   entries, split payouts, 2 % missing references, rent and salaries);
2. write the EUR and USD accounts' statements as bank files (camt.053
   .001.08 and MT940 by default) and parse them back with lib.bank;
3. run the cascade on the parsed lines: settlement lines against order
   transactions, the integrity gate on every payout, payouts against bank
   lines; and, on the same payouts and lines, the naive matcher (amount and
   date only, first candidate wins) as the baseline;
4. score everything against the generator's ground truth.

Printed: auto-match rate by count and by value (settlement lines whose
order transaction AND whose payout's bank line were both matched
automatically and correctly), suggestions, unmatched by reason, wrong
automatic matches (must be 0), seconds per stage, peak memory (the
process's RSS, and tracemalloc's peak over a second run of the cascade
alone: tracemalloc slows the timed run down, so it is not on then).
Targets: >= 98 % of lines auto-matched, 0 wrong, under 60 s in all.
"""

import argparse
import gc
import resource
import sys
import time
import tracemalloc
from collections import Counter
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FORMATS = ("camt.053.001.08", "camt.053.001.02", "mt940", "mt940-dutch")


def _paths():
    import odoo.addons

    if str(REPO / "addons") not in odoo.addons.__path__:
        odoo.addons.__path__.append(str(REPO / "addons"))
    if str(REPO / "tests") not in sys.path:
        sys.path.insert(0, str(REPO / "tests"))


class Clock:
    """Seconds per stage, in the order they ran."""

    def __init__(self):
        self.stages = {}

    def run(self, name, function):
        gc.collect()
        start = time.perf_counter()
        result = function()
        self.stages[name] = self.stages.get(name, 0.0) + time.perf_counter() - start
        return result


def write_files(month, fmt):
    from sandbox.bank import write_camt053, write_mt940

    files = {}
    for account, statements in month.statements.items():
        if fmt.startswith("camt"):
            files[account] = write_camt053(statements, fmt.rsplit(".", 2)[-2] + "." + fmt.rsplit(".", 1)[-1])
        else:
            files[account] = write_mt940(statements, style="dutch" if fmt.endswith("dutch") else "german")
    return files


def parse_files(files):
    """BankLine records of the booked entries, keyed by bank reference."""
    from odoo.addons.settlement_recon.lib import bank
    from odoo.addons.settlement_recon.lib.matching import BankLine

    lines = []
    for account, data in sorted(files.items()):
        document = bank.parse(data, filename=f"{account} statement")
        for s_index, statement in enumerate(document["statements"]):
            for e_index, entry in enumerate(statement["entries"]):
                if entry["status"] != "booked":
                    continue
                key = entry["bank_reference"] or f"{account}:{s_index}:{e_index}"
                lines.append(BankLine.from_canonical(entry, statement["currency"], key))
    return lines


def records(month):
    from odoo.addons.settlement_recon.lib.matching import OrderTxn, Payout

    payouts = [Payout.from_canonical(payout) for payout in month.payouts]
    lines = [line for payout in payouts for line in payout.lines]
    txns = [
        OrderTxn(
            key=txn["key"],
            provider=txn["provider"],
            transaction_id=txn["transaction_id"],
            amount=Decimal(txn["amount"]),
            currency=txn["currency"],
            kind=txn["kind"],
            order_ref=txn["order_ref"],
        )
        for txn in month.order_txns
    ]
    return payouts, lines, txns


def score_lines(result, truth):
    """{line key: True (right), False (wrong)} of automatic line matches;
    expected and found reason codes of what stayed unmatched."""
    verdict = {}
    for match in result.automatic:
        (key,) = match.left_keys
        kind, expected = truth[key]
        if match.rule == "family":
            verdict[key] = kind == "family"
        else:
            verdict[key] = kind == "txn" and match.right_keys == (expected,)
    reasons = Counter()
    reasons_right = 0
    for item in result.unmatched:
        reasons[item.reason_code] += 1
        kind, expected = truth[item.key]
        reasons_right += kind == "unmatched" and expected == item.reason_code
    return verdict, reasons, reasons_right


def score_bank(result, groups):
    """{payout key: True/False} for payouts in automatic matches, and the
    wrong matches themselves."""
    by_payout = {}
    wrong = []
    for match in result.automatic:
        right = (frozenset(match.left_keys), frozenset(match.right_keys)) in groups
        for key in match.left_keys:
            by_payout[key] = right
        if not right:
            wrong.append(match)
    return by_payout, wrong


def config_for(month):
    from odoo.addons.settlement_recon.lib.matching import MatchConfig

    return MatchConfig(
        holidays=month.holidays,
        fx_rate=month.fx_rate,
        fx_tolerance={"EUR": Decimal("0.05")},
        rounding_tolerance={"EUR": Decimal("0.02"), "USD": Decimal("0.02")},
    )


def percent(part, whole):
    return f"{100 * part / whole:6.2f} %" if whole else "   n/a"


def cascade(payouts, lines, txns, bank_lines, config):
    from odoo.addons.settlement_recon.lib.matching import check_payout, match_bank, match_lines

    line_result = match_lines(lines, txns)
    gates = [check_payout(payout) for payout in payouts]
    bank_result = match_bank(payouts, bank_lines, config=config)
    return line_result, gates, bank_result


def report_format(fmt, month, payouts, lines, txns, clock, args):
    from odoo.addons.settlement_recon.lib.matching import check_payout, match_bank, match_lines, naive_match

    files = clock.run(f"write {fmt}", lambda: write_files(month, fmt))
    size = sum(len(data) for data in files.values())
    bank_lines = clock.run(f"parse {fmt}", lambda: parse_files(files))
    config = config_for(month)
    line_result = clock.run("match lines (ids)", lambda: match_lines(lines, txns))
    gates = clock.run("integrity gate", lambda: [check_payout(payout) for payout in payouts])
    bank_result = clock.run(f"match bank ({fmt})", lambda: match_bank(payouts, bank_lines, config=config))
    naive_result = clock.run(
        f"naive baseline ({fmt})", lambda: naive_match(payouts, bank_lines, config=config)
    )

    groups = month.truth_groups(fmt)
    line_verdict, reasons, reasons_right = score_lines(line_result, month.line_truth)
    payout_verdict, bank_wrong = score_bank(bank_result, groups)
    naive_verdict, naive_wrong = score_bank(naive_result, groups)
    gate_failures = [gate for gate in gates if not gate.ok]
    payout_of = {line.key: line.payout_id for line in lines}

    def reconciled(verdicts):
        count = value = 0
        for line in lines:
            if line_verdict.get(line.key) and verdicts.get(payout_of[line.key]):
                count += 1
                value += abs(line.amount)
        return count, value

    total_value = sum((abs(line.amount) for line in lines), Decimal(0))
    ours_count, ours_value = reconciled(payout_verdict)
    naive_count, naive_value = reconciled(naive_verdict)
    payout_value = sum((abs(payout.amount) for payout in payouts), Decimal(0))
    auto_payouts = [key for key, right in payout_verdict.items() if right]
    auto_payout_value = sum((abs(p.amount) for p in payouts if payout_verdict.get(p.key)), Decimal(0))
    naive_right = [key for key, right in naive_verdict.items() if right]
    wrong_lines = [key for key, right in line_verdict.items() if not right]
    payout_lines = {line.key for payout in payouts for line in payout.lines}
    bank_rule_counts = Counter(match.rule for match in bank_result.automatic)
    suggestion_counts = Counter(match.rule for match in bank_result.suggestions)

    print(f"\n=== {fmt}: {len(files)} files, {size / 1024:.0f} KiB, {len(bank_lines)} booked bank lines ===")
    print(
        f"settlement lines reconciled automatically (order transaction AND payout's bank line):\n"
        f"  cascade: {ours_count:6d} / {len(lines)} = {percent(ours_count, len(lines))} by count, "
        f"{percent(ours_value, total_value)} by value"
    )
    print(
        f"  naive:   {naive_count:6d} / {len(lines)} = {percent(naive_count, len(lines))} by count, "
        f"{percent(naive_value, total_value)} by value   (its lines through the same id step)"
    )
    print(
        f"step 1, lines -> order transactions: {len(line_result.automatic)} automatic "
        f"({dict(Counter(match.rule for match in line_result.automatic))}), "
        f"{len(line_result.suggestions)} suggestions, wrong {len(wrong_lines)}"
    )
    print(
        f"  unmatched by reason: {dict(sorted(reasons.items()))} "
        f"({reasons_right} of {sum(reasons.values())} with the reason the generator planted)"
    )
    print(f"step 2, integrity gate: {len(gates) - len(gate_failures)} / {len(gates)} payouts pass")
    print(
        f"step 3+, payouts -> bank lines: {len(auto_payouts)} / {len(payouts)} payouts automatic "
        f"= {percent(len(auto_payouts), len(payouts))} by count, {percent(auto_payout_value, payout_value)} by value"
    )
    print(f"  automatic by rule: {dict(sorted(bank_rule_counts.items()))}")
    print(f"  suggestions: {len(bank_result.suggestions)} {dict(sorted(suggestion_counts.items()))}")
    print(f"  unmatched by reason: {bank_result.unmatched_by_reason()}")
    print(f"  wrong automatic matches: {len(bank_wrong)}")
    for match in bank_wrong[:5]:
        print(f"    WRONG {match.rule} {match.left_keys} -> {match.right_keys}: {match.reason}")
    print(
        f"naive baseline: {len(naive_result.automatic)} payouts matched, {len(naive_right)} right, "
        f"{len(naive_wrong)} WRONG, {len(naive_result.unmatched)} unmatched"
    )
    wrong_total = len(wrong_lines) + len(bank_wrong)
    if args.verbose:
        for match in bank_result.suggestions[:10]:
            print(f"    suggestion {match.rule} {match.left_keys} -> {match.right_keys}: {match.reason}")
    assert payout_lines == set(payout_of)
    return ours_count / len(lines), wrong_total, (payouts, lines, txns, bank_lines, config)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--formats",
        default="camt.053.001.08,mt940",
        help=f"comma-separated, of {', '.join(FORMATS)} (each is written, parsed and matched)",
    )
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc pass")
    parser.add_argument("--verbose", action="store_true", help="print some suggestions")
    args = parser.parse_args(argv)
    formats = [fmt.strip() for fmt in args.formats.split(",") if fmt.strip()]
    for fmt in formats:
        if fmt not in FORMATS:
            parser.error(f"unknown format {fmt!r}")
    _paths()
    from sandbox.bank import generate_month

    started = time.perf_counter()
    clock = Clock()
    month = clock.run("generate month", lambda: generate_month(orders=args.orders, seed=args.seed))
    payouts, lines, txns = clock.run("build records", lambda: records(month))
    stats = month.stats
    print(
        f"month {month.year}-{month.month:02d}, seed {args.seed}: {args.orders} orders, {len(txns)} order transactions, "
        f"{len(payouts)} payouts, {len(lines)} settlement lines; bank: {stats['batches']} batches, "
        f"{stats['collective']} collective, {stats['split']} split, {stats['missing_references']} without "
        f"reference, {stats['fx']} converted, {stats['unrelated']} unrelated"
    )
    outcomes = []
    last = None
    for fmt in formats:
        rate, wrong, last = report_format(fmt, month, payouts, lines, txns, clock, args)
        outcomes.append((fmt, rate, wrong))
    total = time.perf_counter() - started
    print("\nseconds per stage:")
    for name, seconds in clock.stages.items():
        print(f"  {name:<32} {seconds:7.3f}")
    print(f"  {'total (scoring included)':<32} {total:7.3f}")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: RSS {rss:.0f} MiB (the whole process, Odoo's imports included)")
    if not args.no_memory and last is not None:
        payouts, lines, txns, bank_lines, config = last
        gc.collect()
        tracemalloc.start()
        cascade(payouts, lines, txns, bank_lines, config)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"  tracemalloc peak of the cascade alone ({formats[-1]}): {peak / 1024 / 1024:.1f} MiB")
    ok = all(rate >= 0.98 and wrong == 0 for _fmt, rate, wrong in outcomes) and total < 60
    for fmt, rate, wrong in outcomes:
        print(f"target {fmt}: auto {100 * rate:.2f} % (>= 98 %), wrong {wrong} (0)")
    print(f"target time: {total:.1f} s (< 60 s)  ->  {'MET' if ok else 'NOT MET'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
