"""The stated limits on amounts and dates, and the helpers that enforce them."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from creditdesk.domain.errors import CreditDeskError, ValidationError
from creditdesk.domain.formats import Formats
from creditdesk.domain.money import parse_amount, to_minor
from creditdesk.domain.ranges import (
    INT64_MAX,
    MAX_AMOUNT,
    MAX_DATE,
    MIN_DATE,
    amount_in_range,
    check_amount,
    check_date,
    check_rate,
    max_minor,
)

EXPONENTS = st.sampled_from([0, 2, 3])  # JPY, EUR, KWD
# How many largest-possible amounts add up within 64-bit minor units (see the report).
SUMMABLE_AT_MAX = {0: 92_233_720, 2: 922_337, 3: 92_233}


def in_range_amounts(exponent: int) -> st.SearchStrategy[D]:
    top = max_minor(exponent)
    return st.integers(-top, top).map(lambda units: D(units).scaleb(-exponent))


def test_the_limits_are_as_stated() -> None:
    assert D("99999999999.99") == MAX_AMOUNT
    assert (date(1900, 1, 1), date(2199, 12, 31)) == (MIN_DATE, MAX_DATE)
    assert max_minor(0) == 99_999_999_999
    assert max_minor(2) == 9_999_999_999_999
    assert max_minor(3) == 99_999_999_999_990


def test_messages_name_the_field_and_the_limit() -> None:
    with pytest.raises(ValidationError) as info:
        check_amount(D("50000000000000000.00"))
    assert info.value.message == (
        "amount 50000000000000000.00 is larger than the largest amount CreditDesk accepts (99,999,999,999.99)"
    )
    with pytest.raises(ValidationError) as info:
        check_date(date(9999, 12, 31))
    assert info.value.message == "date 9999-12-31 is outside 1900-01-01 to 2199-12-31"
    with pytest.raises(ValidationError, match=r"^issue_date 0001-01-01 is outside"):
        check_date(date(1, 1, 1), field="issue_date")
    with pytest.raises(ValidationError, match="below the smallest amount"):
        check_amount(-MAX_AMOUNT - D("0.01"), field="fee")
    with pytest.raises(ValidationError, match="not a number"):
        check_amount(D("NaN"))
    assert isinstance(info.value, CreditDeskError)


def test_the_edges_are_accepted_and_one_step_beyond_is_not() -> None:
    assert check_amount(MAX_AMOUNT) == MAX_AMOUNT
    assert check_amount(-MAX_AMOUNT) == -MAX_AMOUNT
    assert check_date(MIN_DATE) == MIN_DATE and check_date(MAX_DATE) == MAX_DATE
    for day in (MIN_DATE - timedelta(days=1), MAX_DATE + timedelta(days=1)):
        with pytest.raises(ValidationError):
            check_date(day)
    with pytest.raises(ValidationError):
        check_amount(MAX_AMOUNT + D("0.01"))


@pytest.mark.parametrize("text", ["50000000000000000.00", "99999999999999999999.99", "1" + "0" * 40])
def test_parsing_refuses_amounts_beyond_the_maximum(text: str) -> None:
    with pytest.raises(ValidationError, match="larger than the largest amount"):
        parse_amount(text, 2, field="amount")
    with pytest.raises(ValidationError, match="larger than the largest amount"):
        Formats("EUR", "de_DE", 2).parse_amount(text.replace(".", ","), field="amount")


def test_rates_are_between_zero_and_a_hundred() -> None:
    assert check_rate(D("8.25")) == D("8.25")
    for rate in (D(-1), D("100.01"), D("1e30")):
        with pytest.raises(ValidationError, match="between 0 and 100"):
            check_rate(rate)


@given(st.data(), EXPONENTS)
def test_the_check_accepts_exactly_the_amounts_up_to_the_maximum(data: st.DataObject, exponent: int) -> None:
    top = max_minor(exponent)
    units = data.draw(st.integers(-10 * top, 10 * top))
    amount = D(units).scaleb(-exponent)
    inside = abs(amount) <= MAX_AMOUNT
    assert amount_in_range(amount) is inside
    if inside:
        assert check_amount(amount) == amount
        assert parse_amount(f"{amount:f}", exponent) == amount
    else:
        with pytest.raises(ValidationError):
            check_amount(amount)
        with pytest.raises(ValidationError):
            parse_amount(f"{amount:f}", exponent)


@given(st.data(), EXPONENTS)
def test_in_range_amounts_summed_stay_within_int64_minor_units(data: st.DataObject, exponent: int) -> None:
    amount = data.draw(in_range_amounts(exponent))
    assert abs(to_minor(amount, exponent)) <= max_minor(exponent)
    # Any number of invoices up to the summable count, each at most the maximum, fits a 64-bit sum.
    count = data.draw(st.integers(1, SUMMABLE_AT_MAX[exponent]))
    assert abs(to_minor(amount, exponent)) * count <= max_minor(exponent) * count <= INT64_MAX


def test_how_many_largest_amounts_fit_a_64_bit_sum() -> None:
    """The stated maximum leaves room for 922,337 invoices at the maximum in cents (not a million).

    A million invoices fit at the maximum only in a currency without decimals; a million
    invoices averaging up to 9,223,372.03 fit in any currency of up to three decimals.
    """
    assert {e: INT64_MAX // max_minor(e) for e in (0, 2, 3)} == SUMMABLE_AT_MAX
    assert max_minor(0) * 1_000_000 <= INT64_MAX
    assert max_minor(2) * 1_000_000 > INT64_MAX
    assert to_minor(D("9223372.03"), 3) * 1_000_000 <= INT64_MAX


@given(st.dates(MIN_DATE, MAX_DATE), st.integers(-3650, 3650))
def test_in_range_dates_move_by_terms_and_offsets_without_overflow(day: date, days: int) -> None:
    """Due dates (terms up to 3,650 days), stage offsets and 520 forecast weeks stay real dates."""
    moved = day + timedelta(days=days)  # an OverflowError here would fail the test
    assert abs((moved - day).days) == abs(days)
    assert (day + timedelta(weeks=520)).year <= MAX_DATE.year + 10
    assert (day - timedelta(days=1)).year >= MIN_DATE.year - 1
