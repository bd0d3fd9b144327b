"""Money without binary floats: canonical JSON read and written with
Decimals, and amounts compared with a currency's rounding."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from odoo.addons.integration_core.lib import canonical, money

# --- canonical JSON ----------------------------------------------------------------


def test_loads_reads_money_as_decimal_and_dumps_writes_it_back_digit_for_digit():
    text = '{"unit_price": 19.90, "quantity": 3, "rate": 0.06, "big": 1E+2, "list": [0.1, 0.2]}'
    data = canonical.loads(text)
    assert data == {
        "unit_price": Decimal("19.90"),
        "quantity": 3,
        "rate": Decimal("0.06"),
        "big": Decimal("1E+2"),
        "list": [Decimal("0.1"), Decimal("0.2")],
    }
    assert isinstance(data["quantity"], int)
    assert sum(data["list"]) == Decimal("0.3")  # 0.1 + 0.2 as floats is 0.30000000000000004
    again = canonical.dumps(data)
    assert canonical.loads(again) == data
    assert '"unit_price":19.90' in again


def test_dumps_is_valid_json_with_indent_and_sorted_keys():
    import json

    data = {
        "b": [Decimal("-0.00"), {"x": Decimal("12.345")}],
        "a": None,
        "c": "é\n",
        1: True,
        "d": {},
        "e": [],
    }
    text = canonical.dumps(data, indent=2, sort_keys=True)
    assert json.loads(text) == json.loads(json.dumps({str(k): v for k, v in data.items()}, default=float))
    assert text.index('"1"') < text.index('"a"') < text.index('"b"')
    assert "12.345" in text and "-0.00" in text
    assert canonical.dumps({"x": 0.1}) == '{"x":0.1}'


@pytest.mark.parametrize("bad", [Decimal("NaN"), Decimal("Infinity"), float("nan"), float("inf")])
def test_dumps_refuses_non_finite_numbers(bad):
    with pytest.raises(ValueError):
        canonical.dumps({"amount": bad})


@pytest.mark.parametrize("text", ['{"amount": NaN}', '{"amount": Infinity}', '{"amount": -Infinity}'])
def test_loads_refuses_non_json_constants(text):
    with pytest.raises(ValueError, match="not a JSON number"):
        canonical.loads(text)


def test_validation_takes_decimals_and_refuses_non_finite_ones():
    line = {"name": "Widget", "quantity": 2, "unit_price": Decimal("19.99")}
    invoice = {
        "schema_version": 1,
        "external_id": "I1",
        "number": "INV/1",
        "currency": "EUR",
        "lines": [line],
    }
    assert canonical.iter_errors("invoice", invoice) == []
    line["unit_price"] = Decimal("NaN")
    assert canonical.iter_errors("invoice", invoice) == [
        "lines[0].unit_price: Decimal('NaN') is not of type number"
    ]
    line["unit_price"] = Decimal("1E+13")
    assert canonical.iter_errors("invoice", invoice)[0].startswith(
        "lines[0].unit_price: Decimal('1E+13') is greater"
    )


# --- money -------------------------------------------------------------------------


def test_to_decimal_reads_floats_as_they_print():
    assert money.to_decimal(0.1) == Decimal("0.1")
    assert money.to_decimal("19.99") == Decimal("19.99")
    assert money.to_decimal(3) == Decimal(3)
    assert money.to_decimal(None) is None
    for bad in (True, "abc", float("nan"), "Infinity", [1]):
        with pytest.raises(ValueError):
            money.to_decimal(bad)


def test_round_amount_is_half_away_from_zero_on_the_currency_step():
    assert money.round_amount("2.675") == Decimal("2.68")  # the float 2.675 rounds to 2.67
    assert money.round_amount(2.675) == Decimal("2.68")
    assert money.round_amount("-2.675") == Decimal("-2.68")
    assert money.round_amount("19.9") == Decimal("19.90")
    assert money.round_amount("1.024", "0.05") == Decimal("1.00")
    assert money.round_amount("1.025", "0.05") == Decimal("1.05")
    assert money.round_amount("1234.5", 1) == Decimal("1235")
    with pytest.raises(ValueError):
        money.round_amount("1", 0)


def test_compare_with_the_currency_rounding():
    assert money.compare(0.1 + 0.2, "0.3") == 0
    assert money.compare("10.004", "10.00") == 0
    assert money.compare("10.005", "10.00") == 1
    assert money.compare("9.99", "10.00") == -1
    assert money.compare("100", "100.4", rounding=1) == 0
    assert money.is_zero("0.004") and not money.is_zero("0.005")


def test_differs_by_more_than_a_tolerance():
    assert not money.differs_by_more("100.00", "100.01", tolerance="0.01")
    assert money.differs_by_more("100.00", "100.02", tolerance="0.01")
    assert not money.differs_by_more("100.00", "100.004")
    assert money.differs_by_more("100.00", "100.01")
    assert not money.differs_by_more(100.00, Decimal("100.05"), tolerance=0.05)


def test_to_float_only_at_the_orm_boundary():
    assert money.to_float(Decimal("19.99")) == 19.99
    assert money.to_float(None) == 0.0


cents = st.integers(min_value=-(10**9), max_value=10**9)


@settings(max_examples=300, deadline=None, database=None)
@given(amounts=st.lists(cents, min_size=1, max_size=400))
def test_sums_of_many_line_amounts_with_cents_compare_exactly(amounts):
    """Lines of 0.01 .. 10 000 000.00 in cents: their Decimal sum, through
    canonical JSON and back, equals the total the cents make, exactly; the
    float sum of the same amounts often does not."""
    texts = [f"{'-' if c < 0 else ''}{abs(c) // 100}.{abs(c) % 100:02d}" for c in amounts]
    expected = Decimal(sum(amounts)) / 100
    payload = canonical.loads(canonical.dumps({"lines": [{"amount": Decimal(t)} for t in texts]}))
    total = money.total(line["amount"] for line in payload["lines"])
    assert total == expected
    assert money.compare(total, expected) == 0
    assert not money.differs_by_more(total, expected)
    # and the mapper's string amounts sum the same
    assert money.total(texts) == expected


def test_float_sums_are_what_this_avoids():
    amounts = ["0.10"] * 10
    assert sum(float(a) for a in amounts) != 1.0
    assert money.total(amounts) == Decimal("1.00")


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
    | st.decimals(allow_nan=False, allow_infinity=False),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=6), children, max_size=4),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None, database=None)
@given(value=json_values, indent=st.sampled_from([None, 2]), sort_keys=st.booleans())
def test_dumps_is_json_that_reads_back_the_same(value, indent, sort_keys):
    import json

    text = canonical.dumps(value, indent=indent, sort_keys=sort_keys)
    assert canonical.loads(text) == _floats_as_printed(value)  # Decimals exact; a float as it prints
    json.loads(text)  # plain JSON for any other reader too


def _floats_as_printed(value):
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, dict):
        return {key: _floats_as_printed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_floats_as_printed(item) for item in value]
    return value
