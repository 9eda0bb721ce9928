"""What the import wizard shows of a plan: the invoices as read, and the lines that need a look.

Kept apart from the wizard's pages so the pages only lay out and react;
everything here is a pure view of an ``InvoicePlan``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt

from creditdesk.services.imports.invoice_import import DateOrder, InvoicePlan
from creditdesk.ui.rows_model import RowsModel
from creditdesk.ui.widgets import RIGHT, Index

PREVIEW_ROWS = 20  # enough to check the columns were read the right way round
PREVIEW_HEADERS = ("Line", "Number", "Client", "Issued", "Due", "Total", "Due now")
RIGHT_COLUMNS = {0, 5, 6}
MAX_NOTES_SHOWN = 500  # a file with thousands of bad rows: the first ones say what is wrong


@dataclass(frozen=True)
class PreviewRow:
    line: int
    number: str
    client: str
    issued: date
    due: date | None
    total: Decimal | None  # an aging report states only what is still due
    due_now: Decimal | None


def preview_rows(plan: InvoicePlan) -> tuple[PreviewRow, ...]:
    return tuple(
        PreviewRow(
            record.line,
            record.number,
            record.client.name or record.client.code or "",
            record.issue_date,
            record.due_date,
            record.total,
            record.amount_due,
        )
        for record in plan.read.invoices[:PREVIEW_ROWS]
    )


class PreviewModel(RowsModel[PreviewRow]):
    """The first invoices of the file as CreditDesk read them, figures in the company's format."""

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, col = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            formats = self.formats
            return (
                str(row.line),
                row.number,
                row.client,
                formats.day(row.issued),
                "" if row.due is None else formats.day(row.due),
                "" if row.total is None else formats.amount(row.total),
                "" if row.due_now is None else formats.amount(row.due_now),
            )[col]
        if role == Qt.ItemDataRole.TextAlignmentRole and col in RIGHT_COLUMNS:
            return RIGHT
        return None


def notes_of(plan: InvoicePlan) -> list[str]:
    """Everything the user should look at, each naming its line (problems, questions, conflicts, left out)."""
    notes = [f"Problem: {problem}" for problem in plan.problems]
    notes += [f"Question: {question}" for question in plan.read.questions]
    notes += [f"To look at: {conflict}" for conflict in plan.conflicts]
    notes += [f"Not imported: line {line}: {why}" for line, why in plan.left_out]
    if len(notes) > MAX_NOTES_SHOWN:
        hidden = len(notes) - MAX_NOTES_SHOWN
        notes = [*notes[:MAX_NOTES_SHOWN], f"Lines not shown here: {hidden:,}."]
    return notes


def open_date_columns(plan: InvoicePlan, chosen: Sequence[str]) -> tuple[str, ...]:
    """Date columns whose order the file never settles (or the user settled): each gets a choice."""
    return tuple(
        name
        for name, column in plan.read.formats.dates.items()
        if name in chosen or column.ambiguous or (column.style.kind == "numeric" and column.votes == (0, 0))
    )


def order_of(plan: InvoicePlan, name: str) -> DateOrder | None:
    column = plan.read.formats.dates.get(name)
    return None if column is None else column.order
