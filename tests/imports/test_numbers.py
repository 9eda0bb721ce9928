"""Amounts in every usual locale's writing, read to exact Decimals; the column decides the decimal mark."""

from __future__ import annotations

from decimal import Decimal

import pytest
from babel.numbers import format_currency, format_decimal
from hypothesis import given
from hypothesis import strategies as st

from creditdesk.domain.ranges import MAX_AMOUNT
from creditdesk.imports.formats import AmountField, FormatChoices
from creditdesk.imports.numbers import (
    COMMA,
    POINT,
    NumberFormat,
    check_minor_unit,
    decimal_evidence,
    read_number,
    resolve_number_column,
)
from creditdesk.imports.problems import Problem

LOCALES = ("de_DE", "fr_FR", "nl_NL", "en_US", "en_GB", "de_CH")
CURRENCIES = {"de_DE": "EUR", "fr_FR": "EUR", "nl_NL": "EUR", "en_US": "USD", "en_GB": "GBP", "de_CH": "CHF"}
GERMAN = NumberFormat(COMMA, ".")
ENGLISH = NumberFormat(POINT, ",")


@pytest.mark.parametrize(
    ("text", "number_format", "expected"),
    [
        ("1.234,50", GERMAN, "1234.50"),
        ("-1.234,50", GERMAN, "-1234.50"),
        ("1.234,50-", GERMAN, "-1234.50"),
        ("(1,234.00)", ENGLISH, "-1234.00"),
        ("1 234,50 €", GERMAN, "1234.50"),
        ("1\u202f234,50\u00a0€", GERMAN, "1234.50"),
        ("1\u00a0234,50", GERMAN, "1234.50"),
        ("€ -12.000,00", GERMAN, "-12000.00"),
        ("EUR 12,5", GERMAN, "12.5"),
        ("CHF 1'234.50", ENGLISH, "1234.50"),
        ("CHF-1’234.50", ENGLISH, "-1234.50"),
        ("$1,234,567.89", ENGLISH, "1234567.89"),
        ("-$98.00", ENGLISH, "-98.00"),
        ("1234.5 USD", ENGLISH, "1234.5"),
        ("+5", ENGLISH, "5"),
        ("0,07", GERMAN, "0.07"),
    ],
)
def test_amounts_are_read_exactly(text: str, number_format: NumberFormat, expected: str) -> None:
    value = read_number(text, number_format)
    assert value == Decimal(expected)
    assert isinstance(value, Decimal)


@pytest.mark.parametrize(
    ("text", "number_format"),
    [
        ("1.234,50", ENGLISH),
        ("1,234.50", GERMAN),
        ("12,34,567.00", ENGLISH),
        ("1.23.4", GERMAN),
        ("--5", ENGLISH),
        ("(-5)", ENGLISH),
        ("twelve", ENGLISH),
        ("12 apples", ENGLISH),
        ("", ENGLISH),
    ],
)
def test_what_is_not_an_amount_in_the_format_is_not_read(text: str, number_format: NumberFormat) -> None:
    assert read_number(text, number_format) is None


def test_a_value_shows_its_decimal_mark_or_says_it_could_be_either() -> None:
    assert decimal_evidence("1.234,50") == COMMA
    assert decimal_evidence("1,234.50") == POINT
    assert decimal_evidence("12,5") == COMMA
    assert decimal_evidence("0.500") == POINT
    assert decimal_evidence("1.234.567") == COMMA
    assert decimal_evidence("1 234,567") == COMMA
    assert decimal_evidence("1,234") is None
    assert decimal_evidence("1.234") is None
    assert decimal_evidence("1234") == ""


def test_the_whole_column_decides_and_an_undecided_column_is_ambiguous_unless_a_preference_is_given() -> None:
    german = resolve_number_column(["1.234", "98,00", "12.000"])
    assert german.format == NumberFormat(COMMA, ".")
    assert german.describe() == "amounts like 1.234,50"
    undecided = resolve_number_column(["1,234", "12,000", "7"])
    assert undecided.ambiguous
    assert undecided.describe() == "amounts like 1,234 could be read with either decimal mark"
    preferred = resolve_number_column(["1,234", "12,000"], NumberFormat.for_locale("en_US"))
    assert preferred.format == NumberFormat(POINT, ",")
    assert read_number("1,234", preferred.format) == Decimal(1234)
    assert resolve_number_column(["1 234,50", "12,00"]).describe() == "amounts like 1\u00a0234,50"
    assert resolve_number_column(["1'234.50"]).describe() == "amounts like 1'234.50"
    assert resolve_number_column(["12", "-7"]).format == NumberFormat(POINT)


def test_an_amount_field_refuses_with_the_field_the_example_and_the_minor_unit() -> None:
    column = AmountField("Betrag", ["1.234,50", "98,00", "12,345", "1.234,5x"], FormatChoices())
    assert column.read("1.234,50", 2, 2) == Decimal("1234.50")
    assert column.read(Decimal("12.5"), 3, 2) == Decimal("12.50")
    assert (
        str(column.read("1.234,5x", 5, 2))
        == "line 5, field 'Betrag': expected an amount like 1.234,50, got '1.234,5x'"
    )
    assert column.read("12,345", 4, 2) == Problem(4, "12.345 has more than 2 decimal places", "Betrag")
    assert column.read("12,5", 6, 0) == Problem(6, "12.5 is not whole", "Betrag")
    huge = column.read("100.000.000.000,00", 7, 2)
    assert isinstance(huge, Problem) and "larger than the largest amount" in huge.message


def test_an_ambiguous_amount_column_is_settled_by_the_locale_or_the_users_choice() -> None:
    values = ["1,234", "12,000"]
    assert AmountField("Amount", values, FormatChoices()).column.ambiguous
    assert AmountField("Amount", values, FormatChoices(locale="de_DE")).read("1,234", 2, 3) == Decimal(
        "1.234"
    )
    chosen = FormatChoices(number_formats={"Amount": NumberFormat(POINT, ",")})
    assert AmountField("Amount", values, chosen).read("1,234", 2, 2) == Decimal(1234)


def test_the_minor_unit_check_accepts_trailing_zeros() -> None:
    assert check_minor_unit(Decimal("1.500"), 2) is None
    assert check_minor_unit(Decimal("1.505"), 2) == "1.505 has more than 2 decimal places"
    assert check_minor_unit(Decimal("5"), 0) is None


amounts = st.decimals(
    min_value=-MAX_AMOUNT, max_value=MAX_AMOUNT, places=2, allow_nan=False, allow_infinity=False
)


@given(amount=amounts, locale=st.sampled_from(LOCALES))
def test_babel_formatted_amounts_read_back_to_the_same_decimal(amount: Decimal, locale: str) -> None:
    currency = CURRENCIES[locale]
    written = [
        str(format_decimal(amount, format="#,##0.00", locale=locale)),
        str(format_currency(amount, currency, locale=locale)),
        str(format_currency(amount, currency, locale=locale, format_type="accounting")),
    ]
    for text in written:
        column = resolve_number_column([text])
        assert column.format is not None, text
        assert column.format.decimal == NumberFormat.for_locale(locale).decimal, text
        assert read_number(text, column.format) == amount, text


@given(amounts=st.lists(amounts, min_size=1, max_size=20), locale=st.sampled_from(LOCALES))
def test_a_babel_formatted_column_resolves_to_the_locales_decimal_mark(
    amounts: list[Decimal], locale: str
) -> None:
    texts = [str(format_decimal(amount, format="#,##0.00", locale=locale)) for amount in amounts]
    column = resolve_number_column(texts)
    assert column.format is not None
    assert column.format.decimal == NumberFormat.for_locale(locale).decimal
    assert [read_number(text, column.format) for text in texts] == amounts
