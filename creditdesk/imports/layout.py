"""The report around a table: title rows, group rows, totals and footers, told apart from the data rows.

Accounting systems export reports as they print them: the company name, the
report's name and "As of 30 November 2026" above the header, a customer or an
ageing period alone on a row before its invoices, "Total for X" after them,
"TOTAL" at the end and "Accrual basis Tuesday, 1 December 2026 10:04 AM GMT"
below. Those rows are set aside, the report's own date is read from its
title, and the totals it states are kept so they can be checked against the
rows read (``check_totals``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from creditdesk.imports.dates import DateOrder, find_date
from creditdesk.imports.problems import Problem
from creditdesk.imports.tables import Cell, Row

_TOTAL = re.compile(
    r"(?i)^(?:grand\s+)?(?:total|totals|gesamt|summe|totaal)\b(\s+(?:for|für)\b)?\s*:?\s*(.*)$"
)
_AS_OF = re.compile(
    r"(?i)\b(?:as\s+of|as\s+at|as\s+on|up\s+to|stand|stichtag|per|au|jusqu'au|date)\b|^\s*(?:to|bis)\b"
)
_FOOTER = re.compile(r"(?i)^(?:accrual|cash)\s+basis\b|\b\d{1,2}:\d{2}\b|^page\s+\d+|^seite\s+\d+")
_REPORT_STARTS = frozenset("TtGgSsPp%")  # total, grand, gesamt, summe, percentage: looked at closely
_NOT_DATA = re.compile(r"(?i)^(?:percentage\s+of\s+total|% of total)\b")


class DataRow(NamedTuple):
    line: int
    cells: tuple[Cell, ...]
    group: str | None = None  # the group row above it (a customer, an ageing period), if any


@dataclass(frozen=True)
class StatedTotal:
    """A total the report states; it covers ``rows[first:last]`` of the data rows."""

    line: int
    cells: tuple[Cell, ...]
    scope: str | None  # the group named ("Total for Acme Ltd"), None for the whole report
    first: int
    last: int

    @property
    def label(self) -> str:
        return self.scope if self.scope is not None else "the whole report"


@dataclass
class Report:
    header_line: int
    header: tuple[str, ...]
    title: tuple[str, ...] = ()
    as_of: date | None = None  # the date the report states it describes
    rows: list[DataRow] = field(default_factory=list)
    totals: list[StatedTotal] = field(default_factory=list)
    set_aside: list[tuple[int, str]] = field(default_factory=list)  # (line, what it was): groups, footers
    problems: list[Problem] = field(default_factory=list)


def _texts(cells: Sequence[Cell]) -> list[str]:
    return [str(cell) for cell in cells if cell != ""]


def plain_header(cells: Sequence[Cell]) -> bool:
    """A header row: at least two names, all text, and none of them a number."""
    texts = [cell for cell in cells if cell != ""]
    return len(texts) >= 2 and all(isinstance(cell, str) and not cell[:1].isdigit() for cell in texts)


def read_report(
    rows: Iterable[Row | Problem],
    *,
    is_header: Callable[[Sequence[Cell]], bool] = plain_header,
    date_order: DateOrder | None = None,
) -> Report | Problem:
    """Find the header, set the report's own rows aside and return the data rows with their groups.

    Group rows are recognised only in a report (a title above the header, or
    a stated total): in a plain export a row with one filled cell stays a data
    row, so that it is refused rather than silently skipped.
    """
    title: list[tuple[int, str]] = []
    report: Report | None = None
    group: str | None = None
    group_start = since_total = 0
    finished = False  # after the grand total only footers follow
    groups: list[tuple[int, str, int]] = []  # (line, label, index of the next data row)
    for row in rows:
        if isinstance(row, Problem):
            if report is None:
                return row
            report.problems.append(row)
            break
        cells = row.cells
        lead = cells[0]
        if (  # the usual data row, told apart cheaply: two or more cells, not a report's own word first
            report is not None
            and not finished
            and isinstance(lead, str)
            and lead[:1] not in _REPORT_STARTS
            and len(cells) - cells.count("") >= 2
        ):
            report.rows.append(DataRow(row.line, cells, group))
            continue
        texts = _texts(cells)
        if report is None:
            if is_header(row.cells):
                header = tuple(str(cell) for cell in row.cells)
                report = Report(row.line, header, tuple(text for _, text in title))
                report.as_of = _as_of(title, date_order)
            else:
                title.append((row.line, " ".join(texts)))
            continue
        first = texts[0] if texts else ""
        if finished or (len(texts) == 1 and _FOOTER.search(first)):
            report.set_aside.append((row.line, "footer"))
            continue
        is_total, scope = _total_scope(row.cells, group)
        if is_total:
            if scope is not None and scope.casefold() == (group or "").casefold():
                start = group_start
            elif scope is None:
                start = 0
            else:
                start = since_total
            report.totals.append(StatedTotal(row.line, row.cells, scope, start, len(report.rows)))
            since_total = len(report.rows)
            if scope is None:
                finished = True
            else:
                group = None
            continue
        if _NOT_DATA.match(first):
            report.set_aside.append((row.line, "report line"))
            continue
        if len(texts) == 1 and isinstance(_first_cell(row.cells), str) and _first_index(row.cells) == 0:
            group, group_start = first, len(report.rows)
            groups.append((row.line, first, group_start))
            continue
        report.rows.append(DataRow(row.line, row.cells, group))
    if report is None:
        return Problem(0, "no header row was found; the first row of the table must name its columns")
    if not title and not report.totals and groups:
        _restore_groups(report, groups)
    else:
        report.set_aside.extend((line, f"group '{label}'") for line, label, _ in groups)
        report.set_aside.sort()
    return report


def _total_scope(cells: Sequence[Cell], group: str | None) -> tuple[bool, str | None]:
    """Whether this is a total row, and the group it totals (None for the whole report).

    "Total for X" is a total whatever X is; "Total X" only when X is the group
    above, so a customer called "Total Logistics" stays a customer.
    """
    first = _first_cell(cells)
    found = _TOTAL.match(first) if isinstance(first, str) else None
    if found is None:
        return False, None
    named = found.group(2).strip()
    if not named:
        return True, None
    if found.group(1) or (group is not None and named.casefold() == group.casefold()):
        return True, named
    return False, None


def _first_cell(cells: Sequence[Cell]) -> Cell:
    return next((cell for cell in cells if cell != ""), "")


def _first_index(cells: Sequence[Cell]) -> int:
    return next((i for i, cell in enumerate(cells) if cell != ""), -1)


def _restore_groups(report: Report, groups: list[tuple[int, str, int]]) -> None:
    """A plain export has no groups: the rows taken for them are data, in their place."""
    width = len(report.header)
    rows = [DataRow(row.line, row.cells) for row in report.rows]
    for line, label, _ in groups:
        rows.append(DataRow(line, (label, *[""] * (width - 1))))
    report.rows = sorted(rows, key=lambda row: row.line)


def _as_of(title: list[tuple[int, str]], order: DateOrder | None) -> date | None:
    for _, text in title:
        if _AS_OF.search(text) or re.fullmatch(r"[\d./ -]+", text):
            found = find_date(text, order)
            if found is not None:
                return found
    return None


def check_totals(
    report: Report,
    columns: Sequence[int],
    read: Callable[[Cell, int, int], Decimal | Problem],
) -> list[Problem]:
    """Compare each total the report states, in the given amount columns, with the sum of the rows it covers.

    ``read(cell, line, column)`` reads one amount. Rows that cannot be read are
    already refused elsewhere, so a total over them is not checked again.
    """
    problems: list[Problem] = []
    for total in report.totals:
        for column in columns:
            stated_cell = total.cells[column] if column < len(total.cells) else ""
            if stated_cell == "":
                continue
            name = report.header[column] if column < len(report.header) else f"column {column + 1}"
            stated = read(stated_cell, total.line, column)
            if isinstance(stated, Problem):
                problems.append(stated)
                continue
            added = Decimal(0)
            readable = True
            for row in report.rows[total.first : total.last]:
                cell = row.cells[column] if column < len(row.cells) else ""
                if cell == "":
                    continue
                value = read(cell, row.line, column)
                if isinstance(value, Problem):
                    readable = False
                    break
                added += value
            if readable and added != stated:
                problems.append(
                    Problem(
                        total.line,
                        f"the report states a total of {stated:f} for {total.label}, "
                        f"but the rows above it add up to {added:f}",
                        name,
                    )
                )
    return problems
