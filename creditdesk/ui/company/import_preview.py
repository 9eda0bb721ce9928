"""What the import wizard shows of any plan: its first records as read, and the lines that need a look.

Kept apart from the wizard's pages so the pages only lay out and react;
everything here is a pure view of a plan (``ImportPlan``, which the plans of
invoices, clients and payments each are).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QObject, Qt

from creditdesk.domain.formats import Formats
from creditdesk.services.imports.invoice_import import DateOrder
from creditdesk.services.imports.mappings import Field
from creditdesk.ui.rows_model import RowsModel
from creditdesk.ui.widgets import RIGHT, Index

PREVIEW_ROWS = 20  # enough to check the columns were read the right way round
MAX_NOTES_SHOWN = 500  # a file with thousands of bad rows: the first ones say what is wrong
TextRow = tuple[str, ...]


class FoundFormats(Protocol):
    @property
    def dates(self) -> Mapping[str, Any]: ...
    @property
    def amounts(self) -> Mapping[str, Any]: ...
    def describe(self) -> Sequence[str]: ...


class FileRead(Protocol):
    """What every reader's result tells the wizard: how the file was read and which column is which."""

    @property
    def source_label(self) -> str: ...
    @property
    def table(self) -> str: ...
    @property
    def columns(self) -> Mapping[Field, str]: ...
    @property
    def header(self) -> tuple[str, ...]: ...
    @property
    def questions(self) -> tuple[str, ...]: ...
    @property
    def formats(self) -> FoundFormats: ...


class ImportPlan(Protocol):
    """What every import's plan tells the wizard; nothing is written until it is applied."""

    @property
    def path(self) -> Path: ...
    @property
    def read(self) -> FileRead: ...
    @property
    def ready(self) -> bool: ...
    @property
    def problems(self) -> Sequence[object]: ...
    def describe(self) -> str: ...


class TextRowsModel(RowsModel[TextRow]):
    """Rows already put in words (figures in the company's format); ``right`` columns are right-aligned."""

    def __init__(
        self, formats: Formats, headers: Sequence[str], right: Iterable[int], parent: QObject | None = None
    ) -> None:
        super().__init__(formats, headers, parent)
        self.right = frozenset(right)

    def set_headers(self, headers: Sequence[str], right: Iterable[int]) -> None:
        self.beginResetModel()
        self.headers = list(headers)
        self.right = frozenset(right)
        self.rows = ()
        self.endResetModel()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in self.right:
            return RIGHT
        return None


def listed_notes(
    problems: Iterable[object],
    questions: Iterable[str],
    conflicts: Iterable[object] = (),
    left_out: Iterable[tuple[int, str]] = (),
) -> list[str]:
    """Everything the user should look at, each naming its line (problems, questions, conflicts, left out)."""
    notes = [f"Problem: {problem}" for problem in problems]
    notes += [f"Question: {question}" for question in questions]
    notes += [f"To look at: {conflict}" for conflict in conflicts]
    notes += [f"Not imported: line {line}: {why}" for line, why in left_out]
    if len(notes) > MAX_NOTES_SHOWN:
        hidden = len(notes) - MAX_NOTES_SHOWN
        notes = [*notes[:MAX_NOTES_SHOWN], f"Lines not shown here: {hidden:,}."]
    return notes


def open_date_columns(plan: ImportPlan, chosen: Sequence[str]) -> tuple[str, ...]:
    """Date columns whose order the file never settles (or the user settled): each gets a choice."""
    return tuple(
        name
        for name, column in plan.read.formats.dates.items()
        if name in chosen or column.ambiguous or (column.style.kind == "numeric" and column.votes == (0, 0))
    )


def order_of(plan: ImportPlan, name: str) -> DateOrder | None:
    column = plan.read.formats.dates.get(name)
    return None if column is None else column.order
