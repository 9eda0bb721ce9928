from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from creditdesk.domain.errors import ValidationError
from creditdesk.domain.money import (
    check_currency,
    currency_exponent,
    format_plain,
    from_minor,
    parse_amount,
    round_money,
    to_minor,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12.5", "12.50"),
        ("0.01", "0.01"),
        ("1234", "1234.00"),
        (" 7.10 ", "7.10"),
        ("-3.25", "-3.25"),
        (".5", "0.50"),
    ],
)
def test_parse_amount_accepts_plain_decimals(text: str, expected: str) -> None:
    assert parse_amount(text) == Decimal(expected)
    assert format_plain(parse_amount(text)) == expected


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "empty"),
        ("12,50", "not a plain number"),
        ("1,234.00", "not a plain number"),
        ("€12", "not a plain number"),
        ("1e3", "not a plain number"),
        ("12.345", "more than 2 decimal places"),
        ("abc", "not a plain number"),
    ],
)
def test_parse_amount_refuses_ambiguous_text(text: str, fragment: str) -> None:
    with pytest.raises(ValidationError, match=fragment):
        parse_amount(text)


def test_trailing_zeros_beyond_the_minor_unit_are_harmless() -> None:
    assert parse_amount("12.500") == Decimal("12.50")


def test_rounding_is_half_up_away_from_zero() -> None:
    assert round_money(Decimal("0.005")) == Decimal("0.01")
    assert round_money(Decimal("0.0049")) == Decimal("0.00")
    assert round_money(Decimal("-0.005")) == Decimal("-0.01")
    assert round_money(Decimal("2.5"), 0) == Decimal("3")


def test_currency_exponents_follow_iso_4217() -> None:
    assert currency_exponent("EUR") == 2
    assert currency_exponent("JPY") == 0
    assert currency_exponent("KWD") == 3
    assert to_minor(Decimal("1.234"), 3) == 1234
    assert from_minor(1500, 0) == Decimal("1500")


def test_check_currency() -> None:
    assert check_currency(" eur ") == "EUR"
    with pytest.raises(ValidationError, match="three-letter"):
        check_currency("EURO")
    with pytest.raises(ValidationError, match="not a known currency"):
        check_currency("XQZ")


@given(st.integers(min_value=-(10**12), max_value=10**12), st.sampled_from([0, 2, 3]))
def test_minor_units_round_trip(units: int, exponent: int) -> None:
    assert to_minor(from_minor(units, exponent), exponent) == units
