"""The matching cascade of settlement_recon (plain Python, no ORM).

Every match names the rule that made it and its score; an ambiguous case
is a suggestion, never an automatic match. The Odoo layer fills the plain
records of :mod:`.model` from its records (or from canonical payloads with
their ``from_canonical`` constructors), calls the steps in order and writes
the results back::

    from odoo.addons.settlement_recon.lib import matching

    lines = [matching.Line.from_canonical(line, payout["external_id"]) for line in payout["lines"]]
    result = matching.match_lines(lines, order_txns)        # 1. exact ids
    gate = matching.check_payout(matching.Payout.from_canonical(payout))  # 2. integrity gate
    if not gate.ok: ...  # an exception naming gate.difference / gate.line_errors
    result = matching.match_bank(payouts, bank_lines, rules=rules, config=matching.MatchConfig())
    for match in result.automatic: ...    # apply: match.rule, match.score, left/right keys,
                                          # match.difference + difference_kind (rounding/fx)
    for match in result.suggestions: ...  # show, with match.alternatives
    for item in result.unmatched: ...     # item.reason_code, item.detail
    rules = matching.learn_rules([(payout, [bank_line]), ...])  # from confirmed manual matches

Entry points
------------

- ``match_lines(lines, order_txns) -> Result``: settlement lines against
  order transactions (rules ``exact_id``, ``order_ref``, ``family``; reason
  codes ``no_order_found``, ``amount_differs``, ``duplicate``,
  ``kind_differs``, ``currency_differs``, ``unknown_type``), :mod:`.ids`;
- ``check_payout(payout) -> GateResult``: the integrity gate, :mod:`.gate`;
- ``match_bank(payouts, bank_lines, rules=(), config=None) -> Result``:
  payouts against bank lines (rules ``reference``, ``tolerance``,
  ``counterparty``, ``subset_n1``, ``subset_1n``, ``amount_date``,
  ``learned:<rule key>``; reason codes ``no_bank_line``, ``not_paid``,
  ``no_payout_found``), :mod:`.bank`;
- ``learn_rules(confirmed, min_support=2, config=None) -> [Rule]``,
  :mod:`.rules`;
- ``naive_match(payouts, bank_lines, config=None) -> Result``: the
  benchmark's baseline (amount and date only), :mod:`.naive`;
- ``find_subsets(target, items, quantum, ...)``: the bounded subset sum,
  :mod:`.subset`.
"""

from .bank import match_bank
from .config import MatchConfig
from .gate import check_payout
from .ids import match_lines
from .model import (
    BankLine,
    GateResult,
    Line,
    Match,
    OrderTxn,
    Payout,
    Result,
    Rule,
    Unmatched,
    quantize,
    quantum,
)
from .naive import naive_match
from .rules import learn_rules
from .subset import find_subsets

__all__ = [
    "BankLine",
    "GateResult",
    "Line",
    "Match",
    "MatchConfig",
    "OrderTxn",
    "Payout",
    "Result",
    "Rule",
    "Unmatched",
    "check_payout",
    "find_subsets",
    "learn_rules",
    "match_bank",
    "match_lines",
    "naive_match",
    "quantize",
    "quantum",
]
