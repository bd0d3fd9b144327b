"""The reader of untrusted payloads: typed, bounded values, or ValidationFailed
naming the path."""

from decimal import Decimal

import pytest

from odoo.addons.integration_core.lib import reader as read
from odoo.addons.integration_core.lib.exceptions import ValidationFailed
from odoo.addons.integration_core.lib.reader import Reader


def problem(call, *args, **kwargs):
    """The one 'path: message' string of the ValidationFailed ``call`` raises."""
    with pytest.raises(ValidationFailed) as info:
        call(*args, **kwargs)
    assert info.value.category == "validation"
    assert len(info.value.errors) == 1
    assert info.value.message == f"Invalid payload: {info.value.errors[0]}"
    return info.value.errors[0]


def test_paths():
    assert read.at("", "id") == "id"
    assert read.at("line_items", 2) == "line_items[2]"
    assert read.at("line_items[2]", "quantity") == "line_items[2].quantity"
    order = Reader({"line_items": [{"tax_lines": [{"rate": "x"}]}]}, "order")
    tax = order.objects("line_items")[0].objects("tax_lines")[0]
    assert tax.path == "order.line_items[0].tax_lines[0]"
    assert tax.at("rate") == "order.line_items[0].tax_lines[0].rate"
    assert problem(read.text, 5, "") == "(root): expected a string, got int"


def test_root_must_be_an_object():
    assert Reader.root({"a": 1}).get("a") == 1
    assert problem(Reader.root, [1]) == "(root): expected a JSON object, got list"
    assert problem(Reader.root, None, "order") == "order: expected a JSON object, got null"


def test_objects_and_lists():
    node = Reader({"customer": None, "items": None, "bad": "x", "list": [{"a": 1}, "oops"]})
    assert not node.object("customer") and node.object("customer").get("a") is None
    assert not node.object("absent")
    assert node.objects("items") == [] and node.list("absent") == []
    assert problem(node.object, "bad") == "bad: expected an object, got str"
    assert problem(node.list, "bad") == "bad: expected a list, got str"
    assert problem(node.objects, "list") == "list[1]: expected a JSON object, got str"
    assert Reader({"x": {"y": 1}}).object("x")  # non-empty: truthy
    assert "x" in Reader({"x": None})


def test_strings():
    node = Reader({"a": "  hi  ", "blank": " ", "n": 5, "tags": ["x", None, "", " y "], "nul": "a\x00b"})
    assert node.text("a") == "hi" and node.string("a") == "  hi  "
    assert node.text("blank") is None and node.string("blank") == " "
    assert node.text("absent") is None
    assert node.strings("tags") == ["x", " y "]
    assert problem(node.text, "n") == "n: expected a string, got int"
    assert problem(node.text, "nul") == "nul: the text contains a NUL character"
    assert problem(read.text, "a\ud800", "x") == "x: the text contains a lone surrogate (not valid Unicode)"
    assert problem(Reader({"tags": ["a", 3]}).strings, "tags") == "tags[1]: expected a string, got int"
    odd = "Zoë 🚀 \u202e\ufeff ﷽"
    assert read.text(odd, "x") == odd.strip()


def test_idents():
    assert read.ident(450789469, "id") == "450789469"
    assert read.ident(" 45 ", "id") == "45"
    assert (
        read.ident("gid://shopify/Order/1", "id") == "gid://shopify/Order/1"
    )  # GIDs are the channel's business
    assert read.ident("", "id") is None and read.ident(None, "id") is None
    assert problem(read.ident, True, "id") == "id: expected an id (a string or an integer), got bool"
    assert problem(read.ident, 1.5, "id") == "id: expected an id (a string or an integer), got float"
    assert problem(read.ident, -1, "id") == "id: expected an id, got -1"
    assert problem(read.ident, 10**400, "id") == "id: expected an id, got a very large integer"


@pytest.mark.parametrize(
    "value,expected",
    [
        ("89.90", Decimal("89.90")),
        (89.9, Decimal("89.9")),  # via repr: no binary expansion
        (0.1, Decimal("0.1")),
        (12, Decimal(12)),
        (" 7 ", Decimal(7)),
        ("-5.5", Decimal("-5.5")),
        ("999999999999.99", Decimal("999999999999.99")),
        (None, None),
        ("", None),
    ],
)
def test_money_accepts(value, expected):
    assert read.money(value, "price") == expected


@pytest.mark.parametrize(
    "value,message",
    [
        ("abc", "price: expected a number, got 'abc'"),
        ([1], "price: expected a number, got list"),
        (True, "price: expected a number, got bool"),
        (float("nan"), "price: expected a finite number, got nan"),
        ("Infinity", "price: expected a finite number, got 'Infinity'"),
        ("sNaN", "price: expected a finite number, got 'sNaN'"),
        (1e308, "price: 1e+308 is out of range (the limit is 1,000,000,000,000 in absolute value)"),
        ("-1e12", "price: '-1e12' is out of range (the limit is 1,000,000,000,000 in absolute value)"),
        pytest.param(
            10**5000,
            "price: a very large integer is out of range (the limit is 1,000,000,000,000 in absolute value)",
            id="huge-int",  # its repr would exceed Python's 4300-digit limit
        ),
        ("1e-300", "price: '1e-300' is too close to zero (below 1E-20)"),
        ("1e999999999999999999999", "price: expected a number, got '1e999999999999999999999'"),
    ],
)
def test_money_refuses(value, message):
    assert problem(read.money, value, "price") == message


def test_quantities():
    assert read.quantity(0, "q") == 0
    assert read.quantity("999999999", "q") == Decimal(999999999)
    assert problem(read.quantity, -1, "q") == "q: expected a number of at least 0, got -1"
    assert problem(read.quantity, 1e9, "q").startswith("q: 1000000000.0 is out of range")
    assert (
        problem(read.quantity, "1" * 5000, "q")
        == f"q: '{'1' * 36}... is out of range (the limit is 1,000,000,000 in absolute value)"
    )


def test_numbers_with_own_limits():
    assert read.number("0.06", "rate", limit=read.RATE_LIMIT) == Decimal("0.06")
    assert problem(read.number, 1000, "rate", limit=read.RATE_LIMIT).startswith("rate: 1000 is out of range")


def test_messages_never_dump_lists_or_objects():
    deep = []
    for _ in range(100_000):  # repr() of this would hit the recursion limit
        deep = [deep]
    assert problem(read.boolean, deep, "b") == "b: expected true or false, got list"
    assert problem(read.boolean, {"x": "y" * 10**6}, "b") == "b: expected true or false, got dict"
    assert problem(read.money, {"x": 1}, "m") == "m: expected a number, got dict"


def test_booleans():
    assert read.boolean(None, "b") is False and read.boolean(None, "b", True) is True
    assert read.boolean(False, "b", True) is False
    assert problem(read.boolean, "false", "b") == "b: expected true or false, got 'false'"
    assert problem(read.boolean, 1, "b") == "b: expected true or false, got 1"


@pytest.mark.parametrize(
    "value,expected",
    [
        ("2008-01-10T11:00:00-05:00", "2008-01-10T16:00:00Z"),
        ("2024-05-14T17:21:39Z", "2024-05-14T17:21:39Z"),
        ("2024-05-14T17:21:39.987654z", "2024-05-14T17:21:39Z"),
        ("2024-05-14T17:21:39", "2024-05-14T17:21:39Z"),  # no offset: UTC
        ("2024-05-14", "2024-05-14T00:00:00Z"),
        ("0999-01-01T00:00:00Z", "0999-01-01T00:00:00Z"),  # 4-digit year (strftime gives '999')
        (None, None),
        ("  ", None),
    ],
)
def test_timestamps(value, expected):
    assert read.timestamp(value, "updated_at") == expected


@pytest.mark.parametrize(
    "value,message",
    [
        ("yesterday", "expected an ISO 8601 date-time, got 'yesterday'"),
        ("2024-13-01T00:00:00Z", "expected an ISO 8601 date-time, got '2024-13-01T00:00:00Z'"),
        ("0001-01-01T00:00:00+01:00", "expected an ISO 8601 date-time, got '0001-01-01T00:00:00+01:00'"),
        ("9999-12-31T23:59:59-01:00", "expected an ISO 8601 date-time, got '9999-12-31T23:59:59-01:00'"),
        (1715707299, "expected a string, got int"),
    ],
)
def test_timestamps_refused(value, message):
    assert problem(read.timestamp, value, "updated_at") == f"updated_at: {message}"


def test_numbers_read_with_decimal_json_are_taken_as_they_are():
    # canonical.loads (parse_float=Decimal) gives Decimals: same rules, no float on the way
    node = Reader(
        {"price": Decimal("89.90"), "qty": Decimal("2"), "bad": Decimal("NaN"), "huge": Decimal("1e13")}
    )
    assert str(node.money("price")) == "89.90"
    assert node.quantity("qty") == 2
    with pytest.raises(ValidationFailed, match="bad: expected a finite number"):
        node.money("bad")
    with pytest.raises(ValidationFailed, match="huge: .* is out of range"):
        node.money("huge")
