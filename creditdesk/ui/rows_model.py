"""A read-only table over a finished list of rows: the small tables of panes and dialogs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt

from creditdesk.domain.formats import Formats
from creditdesk.ui.widgets import Index

Row = TypeVar("Row")


class RowsModel(QAbstractTableModel, Generic[Row]):
    """Subclasses name their ``headers`` and say what ``data`` shows for a row."""

    def __init__(self, formats: Formats, headers: Sequence[str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.formats = formats
        self.headers = list(headers)
        self.rows: tuple[Row, ...] = ()

    def set_rows(self, rows: Sequence[Row]) -> None:
        self.beginResetModel()
        self.rows = tuple(rows)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """The ``headers`` across the top; subclasses add alignment or tips where they want them."""
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section] if 0 <= section < len(self.headers) else None
        return None
