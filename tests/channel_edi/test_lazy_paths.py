"""The text fast paths agree with the segment paths, exactly.

The X12 reader keeps each transaction set as the text of its segments
(``readsegment.LazyTransaction``); validation (``fastset``), the 850 reader
(``orders._read_850_text``) and the canonical order read that text while
the set's ``segments`` are not made. Here every X12 sample, generated orders
and thousands of damaged copies of them (seeded: a failure repeats) are read
twice: once left unread (the fast paths) and once with every segment made
and split (the paths as they were). Both must give the same validation
issues (codes, positions, messages), the same typed document (or the same
error), the same canonical order (or the same error), and the same file
when written back.
"""

import random
from pathlib import Path

import pytest
from conftest import FIXTURES_DIR

from odoo.addons.channel_edi.lib import documents, validation, x12
from odoo.addons.channel_edi.lib.readsegment import LazyTransaction
from odoo.addons.channel_edi.lib.validation import fastcolumns

HERE = Path(__file__).resolve().parent / "fixtures"
SAMPLES = sorted(
    [
        *(FIXTURES_DIR / "edi").rglob("x12_*.edi"),
        *HERE.rglob("*.edi"),
    ]
)
ORDER = (
    "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *240105*1200*U*00401*000000001*0*P*>~"
    "GS*PO*SENDER*RECEIVER*20240105*1200*1*X*004010~ST*850*0001~BEG*00*SA*PO1**20240105~CUR*BY*USD~"
    "REF*DP*038~PER*BD*JANE*TE*5551234~DTM*002*20240110*1200~N1*ST*STORE*92*0012~N3*1 MAIN ST~"
    "N4*ANYTOWN*NY*12345*US~PO1*1*10*EA*2.50**UP*012345678905*VN*AB-1~PID*F****BLUE~PO4*4*4*EA~"
    "SCH*4*EA***002*20240112~TD1*CTN*1****G*10*LB~CTT*1*10~SE*17*0001~GE*1*1~IEA*1*000000001~"
)
DAMAGE = [
    "",
    "A",
    "9",
    "-",
    ".",
    "1.2.3",
    ",",
    " ",
    "X" * 30,
    "0" * 9,
    "20241340",
    "20230229",
    "\x01",
    ">",
    "A>B",
    "EA",
    "-1.5",
    "é",
    "PO1",
    "UP",
    "١٢",
    "1.",
    ".5",
    "²",
]


def generated(orders=2, lines=4, terminator="~\n", seed=0):
    """Orders as the benchmark writes them (scripts/bench_edi.py), with a
    few line shapes more: no PID, two PIDs, a DTM in the loop, 1 or 3
    product id pairs, a price basis, a decimal quantity."""
    rng = random.Random(seed)
    head = (
        "ISA*00*          *00*          *ZZ*BENCHRETAIL    *ZZ*BENCHSUPPLY    *240501*1200*U*00401*000000001*0*P*>"
        + terminator
        + "GS*PO*BENCHRETAIL*BENCHSUPPLY*20240501*1200*1*X*004010"
        + terminator
    )
    sets = []
    for number in range(1, orders + 1):
        body = [
            f"ST*850*{number:04d}",
            f"BEG*00*SA*PO{number:07d}**20240501",
            "CUR*BY*USD",
            "DTM*002*20240515",
            "N1*ST*Store 42*UL*0614141000012",
            "N3*7 Market Street",
            "N4*Springfield*IL*62701*US",
        ]
        for line in range(1, lines + 1):
            shape = rng.randrange(8)
            ids = f"UP*{614141000000 + line:012d}*VN*SKU-{line:05d}"
            if shape == 1:
                ids = f"VN*SKU-{line:05d}"
            elif shape == 2:
                ids += "*BP*B-7"
            quantity = f"{line % 17 + 1}" + (".5" if shape == 3 else "")
            basis = "PE" if shape == 4 else ""
            body.append(f"PO1*{line}*{quantity}*EA*{line % 50 + 1}.25*{basis}*{ids}")
            if shape != 5:
                body.append(f"PID*F****Product number {line}")
            if shape == 6:
                body.append("PID*F****Second description")
            if shape == 7:
                body.append("DTM*002*20240516")
        body.append(f"CTT*{lines}")
        body.append(f"SE*{len(body) + 1}*{number:04d}")
        sets.append(terminator.join(body) + terminator)
    return head + "".join(sets) + f"GE*{orders}*1{terminator}IEA*1*000000001{terminator}"


def texts():
    found = [ORDER, generated(), generated(3, 5, "~", seed=1), generated(1, 6, "~\r\n", seed=2)]
    for path in SAMPLES:
        text = path.read_bytes().decode("latin-1")
        if text.lstrip("\ufeff \r\n\t").startswith("ISA"):
            found.append(text)
    return found


def outcome(function):
    """What ``function()`` gives, or the error it raises (type and text)."""
    try:
        return "ok", function()
    except Exception as exc:  # noqa: BLE001 - compared, not handled
        return type(exc).__name__, str(exc)


def results(edifile, make_segments):
    """Per set: (issues, typed document, canonical order), with the segments
    made and split first or left unread; and the file written back."""
    out = []
    for interchange in edifile.interchanges:
        for group in interchange.groups:
            for transaction in group.transactions:
                if make_segments:
                    for segment in transaction.segments:
                        segment.elements  # noqa: B018 - split: the detailed paths only
                else:
                    assert isinstance(transaction, LazyTransaction) and transaction.unread
                version = transaction.version or group.version
                issues = outcome(lambda t=transaction, v=version: validation.validate(t, "X12", v))
                if issues[0] == "ok":
                    issues = ("ok", [issue.as_dict() for issue in issues[1]])
                typed = outcome(lambda t=transaction: documents.read(t, "X12"))
                order = (
                    outcome(lambda d=typed[1]: documents.canonical.to_order(d, "X12", currency="USD"))
                    if typed[0] == "ok" and transaction.type == "850"
                    else None
                )
                out.append((transaction.type, transaction.control_number, issues, typed, order))
        out.append(outcome(lambda i=interchange: x12.write(i)))
    return out, [(i.as_dict(), i.severity) for i in edifile.errors + edifile.warnings]


def compare(text):
    """Both ways agree on ``text``; returns how many sets the fast ways read unread."""
    fast = outcome(lambda: x12.read(text.encode("latin-1")))
    slow = outcome(lambda: x12.read(text.encode("latin-1")))
    if fast[0] != "ok" or slow[0] != "ok":
        assert fast == slow
        return 0
    quick = results(fast[1], make_segments=False)
    assert quick == results(slow[1], make_segments=True)
    return len(quick[0])


def test_samples_and_generated_orders_agree():
    compared = sum(compare(text) for text in texts())
    assert compared > 10


def test_the_fast_paths_leave_the_segments_unmade():
    edifile = x12.read(generated(2, 10).encode())
    for transaction in edifile.interchanges[0].groups[0].transactions:
        assert validation.validate(transaction, "X12", "004010") == []
        documents.canonical.to_order(documents.read(transaction, "X12"), "X12", currency="USD")
        assert transaction.unread


def test_a_lazy_set_is_the_set_it_was_read_as():
    text = generated(1, 3)
    lazy = x12.read(text.encode()).interchanges[0].groups[0].transactions[0]
    made = x12.read(text.encode()).interchanges[0].groups[0].transactions[0]
    made.segments  # noqa: B018
    assert lazy == made and not lazy.unread
    assert [s.position for s in lazy.segments] == list(range(3, 3 + len(lazy.pieces)))
    assert [s.set_position for s in lazy.segments] == list(range(1, len(lazy.pieces) + 1))
    lazy.segments = lazy.segments[:-1]
    assert len(lazy.body) == len(made.body) - 1


def damage(rng, text):
    """A copy of ``text`` with one segment or element dropped, doubled,
    swapped, cut short or changed."""
    terminator = text[105] if text.startswith("ISA") else "~"
    segments = text.split(terminator)
    index = rng.randrange(2, max(3, len(segments) - 3))
    how = rng.randrange(7)
    if how == 0:  # an element's value
        elements = segments[index].split("*")
        position = rng.randrange(1, len(elements) + 1)
        value = rng.choice(DAMAGE)
        if position < len(elements):
            elements[position] = value
        else:
            elements.append(value)
        segments[index] = "*".join(elements)
    elif how == 1:
        del segments[index]
    elif how == 2:
        segments.insert(index, segments[index])
    elif how == 3:
        segments[index], segments[index + 1] = segments[index + 1], segments[index]
    elif how == 4:
        elements = segments[index].split("*")
        segments[index] = "*".join(elements[: rng.randrange(1, len(elements) + 1)])
    elif how == 5:
        elements = segments[index].split("*")
        if len(elements) > 1:
            elements[rng.randrange(1, len(elements))] = ""
        segments[index] = "*".join(elements)
    else:  # an element added
        segments[index] += "*" + rng.choice(DAMAGE)
    return terminator.join(segments)


@pytest.mark.parametrize("seed", range(6))
def test_damaged_copies_agree(seed):
    rng = random.Random(seed)
    compared = 0
    for text in texts():
        for _round in range(40):
            damaged = text
            for _times in range(rng.randrange(1, 3)):
                damaged = damage(rng, damaged)
            compared += compare(damaged)
    assert compared > 100


@pytest.mark.parametrize("seed", range(4))
def test_columns_say_valid_only_when_the_engine_finds_nothing(seed):
    """fastcolumns.valid on orders of many lines (columns of PO1, PID),
    damaged once or twice: True only where the detailed walk is silent."""
    rng = random.Random(seed)
    valid = checked = 0
    for round_ in range(120):
        text = generated(1, rng.randrange(3, 12), seed=seed * 1000 + round_)
        for _times in range(rng.randrange(0, 3)):
            text = damage(rng, text)
        edifile = outcome(lambda t=text: x12.read(t.encode("latin-1")))
        if edifile[0] != "ok":
            continue
        for group in (g for i in edifile[1].interchanges for g in i.groups):
            for transaction in group.transactions:
                try:
                    guide = validation.guide_for(
                        "X12", transaction.version or group.version, transaction.type
                    )
                except validation.GuideError:
                    continue
                compiled = guide.compiled()
                checked += 1
                if fastcolumns.valid(compiled, transaction):
                    valid += 1
                    assert compiled.validate(transaction, fast=False) == []
    assert checked > 100 and valid > 20


class _Ids(dict):
    """Product ids to_order does not take its written-out way for (not a plain dict)."""


def _general(document):
    """``document`` with each line's product ids in an :class:`_Ids`: to_order
    then maps every line through product() and _line_amount(), as before."""
    lines = [dict(line, product_ids=_Ids(line["product_ids"])) for line in document.get("lines") or []]
    return dict(document, lines=lines)


ODD_LINES = [
    {
        "line": "1",
        "quantity": "2",
        "unit_price": "1.25",
        "description": "a",
        "product_ids": {"UP": "012345678905"},
    },
    {"line": "2", "quantity": "1.", "unit_price": ".5", "description": "b", "product_ids": {"UP": "12AB"}},
    {"quantity": "3", "unit_price": "4", "description": "c", "product_ids": {"UK": "1234567", "SK": "S1"}},
    {"line": "4", "quantity": "3", "unit_price": "4", "product_ids": {"VN": "V1", "BP": "B1"}},
    {"line": "5", "quantity": "1.2.3", "unit_price": "4", "description": "e", "product_ids": {"VN": "V"}},
    {
        "line": "6",
        "quantity": "١٢",
        "unit_price": "4",
        "description": "f",
        "product_ids": {"IN": "I", "VP": "P"},
    },
    {"line": "7", "quantity": "²", "unit_price": "4", "description": "g", "product_ids": {"EN": "1" * 13}},
    {
        "line": "8",
        "quantity": "2",
        "unit_price": "4",
        "description": "h",
        "product_ids": {"UP": "", "EN": "1" * 8},
    },
    {
        "line": "9",
        "quantity": None,
        "unit_price": "4",
        "description": "i",
        "product_ids": {"ZZ": "z", "VN": "v"},
    },
    {
        "line": "10",
        "quantity": "2",
        "unit_price": "10",
        "description": "j",
        "product_ids": {"PI": "p", "CB": "c"},
        "price_details": {"basis_quantity": "4"},
    },
    {
        "line": "11",
        "quantity": "2",
        "unit_price": "10",
        "description": "k",
        "product_ids": {},
        "allowances_charges": [{"indicator": "A", "amount": "1.50"}],
    },
    {"line": "12", "quantity": "", "unit_price": "1", "description": "l", "product_ids": {"UA": "1" * 14}},
    {"line": "13", "quantity": "2", "unit_price": "", "description": "m", "product_ids": {"UP": "1" * 12}},
]


def test_to_order_written_out_lines_are_the_general_ones():
    documents_ = []
    for text in [*texts(), generated(3, 12, seed=7)]:
        for group in (g for i in x12.read(text.encode("latin-1")).interchanges for g in i.groups):
            for transaction in group.transactions:
                typed = outcome(lambda t=transaction: documents.read(t, "X12"))
                if typed[0] == "ok" and transaction.type == "850":
                    documents_.append(typed[1])
    base = {"po_number": "P1", "currency": "USD", "lines": []}
    documents_ += [dict(base, lines=[line]) for line in ODD_LINES] + [dict(base, lines=ODD_LINES)]
    for document in documents_:
        general = _general(document)
        for partner_key in (None, "acme"):
            fast = outcome(
                lambda d=document, k=partner_key: documents.canonical.to_order(d, "X12", partner_key=k)
            )
            slow = outcome(
                lambda d=general, k=partner_key: documents.canonical.to_order(d, "X12", partner_key=k)
            )
            assert fast == slow


def _facts_by_definition(transaction):
    """LazyTransaction.text_facts() as its docstring defines it, character by character."""
    cls = transaction.segment_class
    text = "".join(transaction.pieces).replace(cls.element_separator, "")
    plain = not any(c and c in text for c in (cls.component, cls.repetition, cls.release))
    return all(" " <= c <= "~" for c in text), plain


@pytest.mark.parametrize("seed", range(3))
def test_text_facts_are_their_definition(seed):
    """text_facts() deletes the printable ASCII of the encoded text instead
    of testing each character: the same answer on every sample, damaged or
    not, with control characters, non-ASCII letters and separators in values."""
    rng = random.Random(seed)
    extra = ["\x01", "\x7f", "é", "\u00a0", ">", "^", "\t", "²"]
    checked = 0
    for text in texts():
        for _round in range(20):
            damaged = damage(rng, text)
            if rng.random() < 0.5:
                at = rng.randrange(110, max(111, len(damaged) - 30))
                damaged = damaged[:at] + rng.choice(extra) + damaged[at:]
            edifile = outcome(lambda t=damaged: x12.read(t.encode("utf-8")))
            if edifile[0] != "ok":
                continue
            for group in (g for i in edifile[1].interchanges for g in i.groups):
                for transaction in group.transactions:
                    assert transaction.text_facts() == _facts_by_definition(transaction)
                    checked += 1
    assert checked > 100


@pytest.mark.parametrize("separator", ["|", "]", "+", "!", "\\", "{"])
def test_columns_with_other_element_separators(separator):
    """fastcolumns matches a group of segments with the interchange's own
    element separator in its expression (escaped, and left out of the
    values): with separators that mean something to regular expressions,
    orders of one line shape are still found valid, and a damaged copy is
    only ever found valid when the detailed walk is silent."""
    rng = random.Random(separator)
    valid = 0
    for round_ in range(60):
        text = generated(1, rng.randrange(3, 9), seed=round_).replace("*", separator)
        if round_ % 3:
            for _times in range(rng.randrange(1, 3)):
                text = damage(rng, text.replace(separator, "*")).replace("*", separator)
        edifile = outcome(lambda t=text: x12.read(t.encode("latin-1")))
        if edifile[0] != "ok":
            continue
        quick = results(edifile[1], make_segments=False)
        assert quick == results(x12.read(text.encode("latin-1")), make_segments=True)
        fresh = x12.read(text.encode("latin-1"))  # sets nobody opened
        for group in (g for i in fresh.interchanges for g in i.groups):
            for transaction in group.transactions:
                try:
                    compiled = validation.guide_for("X12", group.version, transaction.type).compiled()
                except validation.GuideError:
                    continue
                if fastcolumns.valid(compiled, transaction):
                    valid += 1
                    assert compiled.validate(transaction, fast=False) == []
    assert valid > 5
