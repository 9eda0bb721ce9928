"""The formats a file's columns were found in, the user's choices over them, and reading cells by them.

The detected formats are part of every result, so the window can show them
("dates like 31/12/2026", "amounts like 1.234,50") and the caller can pass
back an override. A refusal names the line, the field and what was expected.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from creditdesk.domain.ranges import MAX_DATE, MIN_DATE
from creditdesk.imports.dates import (
    DateColumn,
    DateOrder,
    DateStyle,
    read_date,
    resolve_date_column,
    style_of,
)
from creditdesk.imports.numbers import (
    NumberColumn,
    NumberFormat,
    currency_fits,
    read_number,
    resolve_number_column,
    to_minor_unit,
    written_currency,
)
from creditdesk.imports.problems import Problem
from creditdesk.imports.tables import Cell

_UNSEEN = object()
_YEAR = re.compile(r"\b\d{4}\b")


@dataclass(frozen=True)
class FormatChoices:
    """What the caller settles: a company locale for columns the file leaves open, and per-column answers.

    Without ``locale`` an ambiguous column is reported, never guessed. The
    per-column choices are keyed by the column's name in the file.
    """

    locale: str | None = None
    date_orders: Mapping[str, DateOrder] = field(default_factory=dict)
    number_formats: Mapping[str, NumberFormat] = field(default_factory=dict)
    every_date: DateOrder | None = None  # for every date column not chosen one by one (``--date-format``)
    every_amount: NumberFormat | None = None  # likewise for amounts (``--number-format``)

    def with_locale(self, locale: str) -> FormatChoices:
        return replace(self, locale=locale)


@dataclass(frozen=True)
class DetectedFormats:
    """Each date and amount column's format as found (after the caller's choices), by column name."""

    dates: Mapping[str, DateColumn]
    amounts: Mapping[str, NumberColumn]

    @property
    def questions(self) -> tuple[str, ...]:
        """The columns whose format the caller must choose, each as a sentence for the user."""
        columns: list[tuple[str, DateColumn | NumberColumn]] = [*self.dates.items(), *self.amounts.items()]
        return tuple(
            f"Column '{name}': {column.describe()}; choose which."
            for name, column in columns
            if column.ambiguous
        )

    def describe(self) -> tuple[str, ...]:
        """One line per column for the user to check: "Due date: dates like 31.12.2026"."""
        lines = [f"{name}: {column.describe()}" for name, column in self.dates.items()]
        lines += [f"{name}: {column.describe()}" for name, column in self.amounts.items()]
        return tuple(lines)


class DateField:
    """Reads one column's cells as dates in the order resolved for the whole column."""

    def __init__(self, name: str, values: Iterable[Cell], choices: FormatChoices) -> None:
        self.name = name
        chosen = choices.date_orders.get(name) or choices.every_date
        preferred = DateOrder.for_locale(choices.locale) if choices.locale else None
        column = resolve_date_column(values, chosen or preferred)
        if chosen is not None and column.order is not chosen:  # the user's answer outvotes the file
            style = DateStyle(column.style.kind, column.style.separator, chosen)
            column = DateColumn(chosen, style, votes=column.votes)
        self.column = column
        self._seen: dict[Cell, date | object | None] = {}  # a column repeats its dates: read each once

    def read(self, cell: Cell, line: int) -> date | Problem:
        value = self._seen.get(cell, _UNSEEN)
        if value is _UNSEEN:
            value = self._seen[cell] = read_date(cell, self.column.order) if self._fits(cell) else None
        if not isinstance(value, date):
            year = _YEAR.search(cell) if isinstance(cell, str) else None
            if year is not None and not MIN_DATE.year <= int(year.group()) <= MAX_DATE.year:
                return Problem(line, f"{cell} is outside {MIN_DATE} to {MAX_DATE}", self.name)
            return Problem(line, f"expected a date like {self.column.example}, got '{cell}'", self.name)
        return value

    def _fits(self, cell: Cell) -> bool:
        """A numeric date that could be either order, in a column not written that way, is not guessed."""
        if not isinstance(cell, str) or self.column.style.kind == "numeric":
            return True
        style = style_of(cell)
        return style is None or style.kind != "numeric" or style.order is not None or style.same_either_way


class AmountField:
    """Reads one column's cells as amounts in the format resolved for it, checked against the minor unit."""

    def __init__(self, name: str, values: Iterable[Cell], choices: FormatChoices) -> None:
        self.name = name
        chosen = choices.number_formats.get(name) or choices.every_amount
        if chosen is not None:
            self.column = NumberColumn(chosen)
        else:
            preferred = NumberFormat.for_locale(choices.locale) if choices.locale else None
            texts = [value for value in values if isinstance(value, str)]
            self.column = resolve_number_column(texts, preferred)

    def read(self, cell: Cell, line: int, exponent: int, currency: str = "") -> Decimal | Problem:
        if isinstance(cell, Decimal):
            value: Decimal | None = cell
        elif isinstance(cell, str) and self.column.format is not None:
            value = read_number(cell, self.column.format)
            if value is not None and currency and not currency_fits(written_currency(cell), currency):
                return Problem(line, f"'{cell}' is not an amount in {currency}", self.name)
        else:
            value = None
        if value is None:
            example = self.column.format.example if self.column.format is not None else "1234.50"
            return Problem(line, f"expected an amount like {example}, got '{cell}'", self.name)
        money = to_minor_unit(value, exponent)
        if isinstance(money, str):
            return Problem(line, money, self.name)
        return money


class ReadyWhenSettled:
    """What every reader's result says of itself: the open questions, and whether it can be imported.

    Mixed into the readers' frozen dataclasses, which hold ``formats`` and ``problems``.
    """

    formats: DetectedFormats
    problems: tuple[Problem, ...]

    @property
    def questions(self) -> tuple[str, ...]:
        return self.formats.questions

    @property
    def ready(self) -> bool:
        """Nothing to ask and nothing wrong: the records can be imported as they are."""
        return not self.problems and not self.questions
