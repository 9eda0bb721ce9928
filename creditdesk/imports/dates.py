"""Dates as accounting exports and spreadsheets write them, with day-first or month-first resolved per column.

``31.12.2026``, ``31/12/2026``, ``12/31/2026``, ``2026-12-31``, ``31-Dec-2026``,
``Dec 31, 2026``, ``31 déc. 2026``, ``31. Dez. 2026``, Excel serial numbers and
real date cells. Whether ``02/11/2026`` is the 2nd of November or the 11th of
February is decided by the column: any value whose first part is above 12
says day first, any whose second part is, month first. A column that never
says is ambiguous: the caller asks, unless a preference (the company locale)
was given. Nothing is guessed silently.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from functools import cache

from babel.dates import get_date_format, get_month_names

from creditdesk.domain.ranges import date_in_range

_NUMERIC = re.compile(r"(\d{1,2})([./-])(\d{1,2})\2(\d{4})")
_ISO = re.compile(r"(\d{4})([./-])(\d{1,2})\2(\d{1,2})")
_DAY_MONTH_NAME = re.compile(r"(\d{1,2})\.?[ -]+([^\W\d_]+\.?)[ -]+(\d{4})")
_MONTH_NAME_DAY = re.compile(r"([^\W\d_]+\.?) +(\d{1,2}),? +(\d{4})")
_SERIAL_TEXT = re.compile(r"\d{5}")
_EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 is 1 January 1900, counting Excel's phantom 29 February 1900
_MONTH_LOCALES = ("en", "de", "fr", "nl", "es", "it", "pt", "sv", "da")


class DateOrder(StrEnum):
    DAY_FIRST = "day first"
    MONTH_FIRST = "month first"

    @classmethod
    def for_locale(cls, locale: str) -> DateOrder:
        """The company locale's short-date order: an explicit preference for ambiguous columns."""
        pattern = str(get_date_format("short", locale=locale).pattern)
        return cls.MONTH_FIRST if pattern.find("M") < pattern.find("d") else cls.DAY_FIRST


@dataclass(frozen=True)
class DateStyle:
    """How one value writes its date, for showing the user ("dates like 31/12/2026")."""

    kind: str  # "numeric", "iso", "day month-name", "month-name day", "serial", "cell"
    separator: str = ""
    order: DateOrder | None = None  # numeric only: None when the value alone cannot say
    same_either_way: bool = False  # numeric only: day and month are equal, so the order does not matter

    @property
    def example(self) -> str:
        if self.kind == "numeric":
            sep = self.separator
            if self.order is DateOrder.MONTH_FIRST:
                return f"12{sep}31{sep}2026"
            return f"31{sep}12{sep}2026"
        return {
            "iso": f"2026{self.separator}12{self.separator}31",
            "day month-name": f"31{self.separator}Dec{self.separator}2026",
            "month-name day": "Dec 31, 2026",
            "serial": "46387 (an Excel date number)",
        }.get(self.kind, "31/12/2026")


@dataclass(frozen=True)
class DateColumn:
    """What a column's values say: the order of numeric dates (or that it is ambiguous) and the style seen."""

    order: DateOrder | None  # None: ambiguous (or no numeric dates at all, see ``ambiguous``)
    style: DateStyle  # the commonest style, with the resolved order: what the user is shown
    ambiguous: bool = False
    votes: tuple[int, int] = (0, 0)  # values that said day first, month first

    def describe(self) -> str:
        if self.ambiguous:
            return f"dates like {self.style.example} could be day first or month first"
        return f"dates like {self.style.example}"

    @property
    def example(self) -> str:
        return self.style.example


@cache
def month_numbers() -> dict[str, int]:
    """Month names and abbreviations of the usual languages, lower case, dots dropped; clashes left out."""
    found: dict[str, set[int]] = {}
    for locale in _MONTH_LOCALES:
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for number, name in get_month_names(width, context, locale).items():
                    key = _month_key(str(name))
                    found.setdefault(key, set()).add(int(number))
                    found.setdefault(key[:3], set()).add(int(number))
    found.setdefault("sept", set()).add(9)
    return {key: next(iter(numbers)) for key, numbers in found.items() if len(numbers) == 1 and len(key) >= 3}


def _month_key(name: str) -> str:
    return name.casefold().rstrip(".")


def _valid_orders(first: int, second: int, year: int) -> tuple[DateOrder, ...]:
    """The orders in which a numeric date's parts make a real date: both, one or none."""
    orders = []
    if _made(year, second, first) is not None:
        orders.append(DateOrder.DAY_FIRST)
    if _made(year, first, second) is not None:
        orders.append(DateOrder.MONTH_FIRST)
    return tuple(orders)


def style_of(value: str | Decimal | date) -> DateStyle | None:
    """The style a value is written in (order left open for numeric ones); None if it is no date."""
    if isinstance(value, date):
        return DateStyle("cell")
    if isinstance(value, Decimal):
        return DateStyle("serial") if value == value.to_integral_value() else None
    return _text_style(value)


def _text_style(value: str) -> DateStyle | None:
    found = _NUMERIC.fullmatch(value)
    if found is not None:
        first, second = int(found.group(1)), int(found.group(3))
        orders = _valid_orders(first, second, int(found.group(4)))
        if not orders:
            return None
        if first == second:  # 05/05/2026 is the same day either way: it neither decides nor asks
            return DateStyle("numeric", found.group(2), same_either_way=True)
        return DateStyle("numeric", found.group(2), orders[0] if len(orders) == 1 else None)
    found = _ISO.fullmatch(value)
    if found is not None:
        return DateStyle("iso", found.group(2))
    found = _DAY_MONTH_NAME.fullmatch(value)
    if found is not None and _month_key(found.group(2)) in month_numbers():
        return DateStyle("day month-name", "-" if "-" in value else " ")
    found = _MONTH_NAME_DAY.fullmatch(value)
    if found is not None and _month_key(found.group(1)) in month_numbers():
        return DateStyle("month-name day", " ")
    if _SERIAL_TEXT.fullmatch(value):
        return DateStyle("serial")
    return None


def resolve_date_column(
    values: Iterable[str | Decimal | date], preferred: DateOrder | None = None
) -> DateColumn:
    """The column's order from all of its values; a mixed column goes with the majority.

    The values that disagree with the majority are refused when read, each
    with its line; a column with no value that decides is ambiguous unless
    ``preferred`` is given.
    """
    day_first = month_first = undecided = 0
    styles: dict[DateStyle, int] = {}
    distinct: dict[str | Decimal | date, int] = {}
    for value in values:  # a column repeats its dates: each distinct one is looked at once
        distinct[value] = distinct.get(value, 0) + 1
    for value, count in distinct.items():
        if value == "":
            continue
        style = style_of(value)
        if style is None:
            continue
        if style.kind == "numeric":
            if style.order is DateOrder.DAY_FIRST:
                day_first += count
            elif style.order is DateOrder.MONTH_FIRST:
                month_first += count
            elif not style.same_either_way:
                undecided += count
            style = DateStyle("numeric", style.separator)
        styles[style] = styles.get(style, 0) + count
    common = max(styles.items(), key=lambda item: item[1])[0] if styles else DateStyle("numeric", "/")
    votes = (day_first, month_first)
    if day_first or month_first:
        order: DateOrder | None = DateOrder.DAY_FIRST if day_first >= month_first else DateOrder.MONTH_FIRST
    else:
        order = preferred
    ambiguous = order is None and undecided > 0
    shown = DateStyle(common.kind, common.separator, order if common.kind == "numeric" else None)
    return DateColumn(order, shown, ambiguous, votes)


def read_date(value: str | Decimal | date, order: DateOrder | None) -> date | None:
    """The date ``value`` writes, numeric ones read in ``order``; None if it is not a date (here)."""
    if isinstance(value, date):
        return value if date_in_range(value) else None
    if isinstance(value, Decimal):
        return _serial(value)
    if len(value) == 10 and value[4] == "-":
        try:
            return _checked(date.fromisoformat(value))
        except ValueError:
            return None
    found = _NUMERIC.fullmatch(value)
    if found is not None:
        first, second, year = int(found.group(1)), int(found.group(3)), int(found.group(4))
        if order is None:
            orders = _valid_orders(first, second, year)
            if len(orders) != 1 and first != second:
                return None
            order = orders[0] if orders else DateOrder.DAY_FIRST
        day, month = (first, second) if order is DateOrder.DAY_FIRST else (second, first)
        return _made(year, month, day)
    found = _ISO.fullmatch(value)
    if found is not None:
        return _made(int(found.group(1)), int(found.group(3)), int(found.group(4)))
    found = _DAY_MONTH_NAME.fullmatch(value)
    if found is not None:
        named = month_numbers().get(_month_key(found.group(2)))
        return None if named is None else _made(int(found.group(3)), named, int(found.group(1)))
    found = _MONTH_NAME_DAY.fullmatch(value)
    if found is not None:
        named = month_numbers().get(_month_key(found.group(1)))
        return None if named is None else _made(int(found.group(3)), named, int(found.group(2)))
    if _SERIAL_TEXT.fullmatch(value):
        return _serial(Decimal(value))
    return None


def find_date(text: str, order: DateOrder | None = None) -> date | None:
    """A date written somewhere in running text ("As of November 30, 2026", "Stand: 30.11.2026")."""
    patterns = (_MONTH_NAME_DAY, _DAY_MONTH_NAME, _NUMERIC, _ISO)
    for pattern in patterns:
        for found in re.finditer(pattern.pattern, text):
            value = read_date(found.group(0), order)
            if value is not None:
                return value
    return None


def _serial(value: Decimal) -> date | None:
    if value != value.to_integral_value() or not 1 <= value <= 2958465:
        return None
    return _checked(_EXCEL_EPOCH + timedelta(days=int(value)))


def _made(year: int, month: int, day: int) -> date | None:
    try:
        return _checked(date(year, month, day))
    except ValueError:
        return None


def _checked(value: date) -> date | None:
    return value if date_in_range(value) else None
