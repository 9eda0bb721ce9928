"""Dates in every usual writing, and day-first or month-first resolved from the whole column."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from creditdesk.imports.dates import DateOrder, find_date, read_date, resolve_date_column, style_of
from creditdesk.imports.formats import DateField, FormatChoices
from creditdesk.imports.problems import Problem

NEW_YEARS_EVE = date(2026, 12, 31)


@pytest.mark.parametrize(
    "text",
    [
        "31.12.2026",
        "31/12/2026",
        "12/31/2026",
        "31-12-2026",
        "2026-12-31",
        "2026/12/31",
        "31-Dec-2026",
        "Dec 31, 2026",
        "December 31, 2026",
        "31 December 2026",
        "31 déc. 2026",
        "31 décembre 2026",
        "31. Dez. 2026",
        "31. Dezember 2026",
        "31 dec. 2026",
        "46387",
    ],
)
def test_each_writing_of_a_date_is_read(text: str) -> None:
    assert read_date(text, None) == NEW_YEARS_EVE


def test_excel_serials_and_date_cells_are_read() -> None:
    assert read_date(Decimal(46387), None) == NEW_YEARS_EVE
    assert read_date(Decimal(61), None) == date(1900, 3, 1)
    assert read_date(Decimal("46387.5"), None) is None
    assert read_date(NEW_YEARS_EVE, None) == NEW_YEARS_EVE


@pytest.mark.parametrize(
    "text", ["31.13.2026", "30/02/2026", "2026-02-30", "31 Foo 2026", "yesterday", "31.12.26"]
)
def test_what_is_no_date_is_not_read(text: str) -> None:
    assert read_date(text, None) is None
    assert read_date(text, DateOrder.DAY_FIRST) is None


def test_a_numeric_date_alone_is_read_only_when_its_parts_decide() -> None:
    assert read_date("02/11/2026", None) is None
    assert read_date("02/11/2026", DateOrder.DAY_FIRST) == date(2026, 11, 2)
    assert read_date("02/11/2026", DateOrder.MONTH_FIRST) == date(2026, 2, 11)
    assert style_of("13/11/2026") is not None


def test_one_value_above_twelve_decides_the_whole_column() -> None:
    column = resolve_date_column(["02/11/2026", "03/11/2026", "15/11/2026"])
    assert column.order is DateOrder.DAY_FIRST
    assert column.describe() == "dates like 31/12/2026"
    us = resolve_date_column(["02/11/2026", "11/15/2026"])
    assert us.order is DateOrder.MONTH_FIRST
    assert us.describe() == "dates like 12/31/2026"
    german = resolve_date_column(["02.11.2026", "31.12.2026"])
    assert german.describe() == "dates like 31.12.2026"


def test_a_column_that_never_decides_is_ambiguous_unless_a_preference_is_given() -> None:
    assert not resolve_date_column(["05/05/2026", "07/07/2026"]).ambiguous
    column = resolve_date_column(["02/11/2026", "03/11/2026", "05/05/2026"])
    assert column.ambiguous and column.order is None
    assert column.describe() == "dates like 31/12/2026 could be day first or month first"
    assert resolve_date_column(["02/11/2026"], DateOrder.MONTH_FIRST).order is DateOrder.MONTH_FIRST
    assert not resolve_date_column(["2026-11-02", "Nov 3, 2026"]).ambiguous


def test_a_date_field_takes_the_locale_or_the_users_answer_and_refuses_naming_line_field_and_example() -> (
    None
):
    values = ["02/11/2026", "03/11/2026"]
    asked = DateField("Due date", values, FormatChoices())
    assert asked.column.ambiguous
    assert isinstance(asked.read("02/11/2026", 3), Problem)
    american = DateField("Due date", values, FormatChoices(locale="en_US"))
    assert american.read("02/11/2026", 3) == date(2026, 2, 11)
    answered = DateField("Due date", values, FormatChoices(date_orders={"Due date": DateOrder.DAY_FIRST}))
    assert answered.read("02/11/2026", 3) == date(2026, 11, 2)
    assert answered.column.describe() == "dates like 31/12/2026"
    overruled = DateField(
        "Due date", ["11/15/2026"], FormatChoices(date_orders={"Due date": DateOrder.DAY_FIRST})
    )
    assert overruled.read("02/11/2026", 3) == date(2026, 11, 2)
    german = DateField("Due date", ["02.11.2026", "31.12.2026", "31.13.2026"], FormatChoices())
    refused = german.read("31.13.2026", 14)
    assert str(refused) == "line 14, field 'Due date': expected a date like 31.12.2026, got '31.13.2026'"


def test_a_mixed_column_goes_with_the_majority_and_the_rest_are_refused() -> None:
    field = DateField("Date", ["13/11/2026", "14/11/2026", "11/15/2026"], FormatChoices())
    assert field.column.order is DateOrder.DAY_FIRST
    assert field.column.votes == (2, 1)
    assert field.read("14/11/2026", 2) == date(2026, 11, 14)
    assert field.read("11/15/2026", 3) == Problem(
        3, "expected a date like 31/12/2026, got '11/15/2026'", "Date"
    )


def test_a_date_in_running_text_is_found() -> None:
    assert find_date("As of November 30, 2026") == date(2026, 11, 30)
    assert find_date("As at 30 November 2026") == date(2026, 11, 30)
    assert find_date("Stand: 30.11.2026") == date(2026, 11, 30)
    assert find_date("Au 30 nov. 2026") == date(2026, 11, 30)
    assert find_date("Per 2026-11-30") == date(2026, 11, 30)
    assert find_date("All dates") is None


def test_locales_give_their_order() -> None:
    assert DateOrder.for_locale("en_US") is DateOrder.MONTH_FIRST
    for locale in ("de_DE", "fr_FR", "nl_NL", "en_GB", "de_CH"):
        assert DateOrder.for_locale(locale) is DateOrder.DAY_FIRST


def written(value: date, order: DateOrder, separator: str) -> str:
    first, second = (value.day, value.month) if order is DateOrder.DAY_FIRST else (value.month, value.day)
    return f"{first:02d}{separator}{second:02d}{separator}{value.year}"


days = st.dates(min_value=date(1990, 1, 1), max_value=date(2150, 12, 31))


@given(
    values=st.lists(days, min_size=1, max_size=30),
    order=st.sampled_from(list(DateOrder)),
    separator=st.sampled_from(["/", ".", "-"]),
)
def test_the_column_resolver_reads_back_every_date_or_says_the_column_is_ambiguous(
    values: list[date], order: DateOrder, separator: str
) -> None:
    texts = [written(value, order, separator) for value in values]
    column = resolve_date_column(texts)
    decided = any(value.day > 12 for value in values)
    either_way = all(value.day == value.month for value in values)
    assert column.ambiguous is (not decided and not either_way)
    if decided:
        assert column.order is order
        assert [read_date(text, column.order) for text in texts] == values
    else:
        assert column.order is None
        for value, text in zip(values, texts, strict=True):
            assert read_date(text, None) == (value if value.day == value.month else None)


@given(
    values=st.lists(days, min_size=1, max_size=30),
    order=st.sampled_from(list(DateOrder)),
    separator=st.sampled_from(["/", ".", "-"]),
)
def test_with_the_right_preference_every_date_reads_back(
    values: list[date], order: DateOrder, separator: str
) -> None:
    texts = [written(value, order, separator) for value in values]
    column = resolve_date_column(texts, order)
    assert not column.ambiguous and column.order is order
    assert [read_date(text, column.order) for text in texts] == values
