"""The whole-set expression (fastset.py) never says valid where the engine
finds an issue: checked on every sample, on the benchmark's orders and on
thousands of damaged copies (seeded, so a failure repeats). It must also
say valid for the plain sets it is there for, or it would be no fast path."""

import random

import pytest
from test_validation_fast import ORDER, sample_texts, sets

from odoo.addons.channel_edi.lib import codec, validation
from odoo.addons.channel_edi.lib.validation import fastset

DAMAGE = [
    "",
    "A",
    "9",
    "-",
    ".",
    ",",
    " ",
    "X" * 30,
    "0" * 9,
    "20241340",
    "20230229",
    "2500",
    "\x01",
    "EA",
    "-1.5",
    "é",
]


def check(transaction, version):
    """(fast says valid, the engine's issues)."""
    try:
        guide = validation.guide_for("X12", version, transaction.type)
    except validation.GuideError:
        return False, None
    compiled = guide.compiled()
    fast = fastset.valid(compiled, transaction)
    issues = compiled.validate(transaction, fast=False)
    return fast, issues


def orders_text(lines=3):
    """An order as the benchmark writes them (scripts/bench_edi.py)."""
    body = [
        "ST*850*0001",
        "BEG*00*SA*PO0000001**20240501",
        "CUR*BY*USD",
        "DTM*002*20240515",
        "N1*ST*Store 42*UL*0614141000012",
        "N3*7 Market Street",
        "N4*Springfield*IL*62701*US",
    ]
    for line in range(1, lines + 1):
        body.append(
            f"PO1*{line}*{line % 17 + 1}*EA*{line % 50 + 1}.25**UP*{614141000000 + line:012d}*VN*SKU-{line:05d}"
        )
        body.append(f"PID*F****Product number {line}")
    body += [f"CTT*{lines}", f"SE*{len(body) + 2}*0001"]
    head = ORDER[: ORDER.index("ST*")]
    return head + "~".join(body) + "~GE*1*1~IEA*1*000000001~"


def test_plain_sets_take_the_fast_path():
    for text in (ORDER, orders_text()):
        for transaction, version in sets(text.encode("latin-1")):
            fast, issues = check(transaction, version)
            assert issues == []
            assert fast, "a valid order should not need the walk"


def test_fast_valid_only_when_the_engine_agrees_on_the_samples():
    for text in [*sample_texts(), orders_text()]:
        for transaction, version in sets(text.encode("latin-1")):
            fast, issues = check(transaction, version)
            if fast:
                assert issues == []


def _damage(rng, segments):
    damaged = list(segments)
    index = rng.randrange(1, max(2, len(damaged) - 3))
    how = rng.randrange(6)
    if how == 0:  # an element's value
        elements = damaged[index].split("*")
        position = rng.randrange(1, len(elements) + 1)
        value = rng.choice(DAMAGE)
        if position < len(elements):
            elements[position] = value
        else:
            elements.append(value)
        damaged[index] = "*".join(elements)
    elif how == 1:  # a segment left out
        del damaged[index]
    elif how == 2:  # a segment twice
        damaged.insert(index, damaged[index])
    elif how == 3:  # two segments swapped
        damaged[index], damaged[index + 1] = damaged[index + 1], damaged[index]
    elif how == 4:  # the segment ends early
        elements = damaged[index].split("*")
        damaged[index] = "*".join(elements[: rng.randrange(1, len(elements) + 1)])
    else:  # an element emptied or a pair half-filled
        elements = damaged[index].split("*")
        if len(elements) > 1:
            elements[rng.randrange(1, len(elements))] = ""
        damaged[index] = "*".join(elements)
    return damaged


@pytest.mark.parametrize("seed", range(6))
def test_fast_valid_only_when_the_engine_agrees_on_damaged_copies(seed):
    rng = random.Random(seed)
    compared = fast_valid = caught = 0
    for text in [*sample_texts(), orders_text()]:
        terminator = text[105] if text.startswith("ISA") else "~"
        segments = text.split(terminator)
        for _round in range(80):
            damaged = _damage(rng, segments)
            try:
                found = list(sets(terminator.join(damaged).encode("latin-1")))
            except codec.NotEdi:
                continue
            for transaction, version in found:
                fast, issues = check(transaction, version)
                if issues is None:
                    continue
                compared += 1
                if fast:
                    fast_valid += 1
                    assert issues == [], (terminator.join(damaged), issues)
                elif issues:
                    caught += 1
    assert compared > 300 and fast_valid > 20 and caught > 50, (compared, fast_valid, caught)
