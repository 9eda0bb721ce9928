"""The aged-debt table: one row per client, buckets, on account, total, and a totals row."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from creditdesk.domain.aging import AgingReport, AgingRow, Basis, sort_key
from creditdesk.domain.formats import Formats
from creditdesk.ui.widgets import LARGEST_FIRST, OVERDUE_COLOUR, Index

ZERO = Decimal(0)
CREDIT_COLOUR = QColor("#1b6e3a")
CODE, NAME = 0, 1


class AgingModel(QAbstractTableModel):
    """Reads a finished ``AgingReport``; the totals row always stays last, whatever the sort."""

    def __init__(self, formats: Formats) -> None:
        super().__init__()
        self.formats = formats
        self.report: AgingReport | None = None
        self.rows: list[AgingRow] = []

    # -- data in -------------------------------------------------------------------------------
    def set_report(self, report: AgingReport) -> None:
        self.beginResetModel()
        self.report = report
        self.rows = list(report.rows)
        self.endResetModel()

    @property
    def bucket_keys(self) -> tuple[str, ...]:
        return self.report.bucket_keys if self.report else ()

    def headers(self) -> list[str]:
        if self.report is None:
            return []
        basis = self.report.basis
        names = [_bucket_title(k, basis) for k in self.bucket_keys]
        return ["Code", "Client", *names, "On account", "Total"]

    def figures(self, row: int) -> list[Decimal]:
        """Amounts of a row (the totals row is ``len(rows)``) in column order after the name."""
        assert self.report is not None
        if row == len(self.rows):
            t = self.report.totals
            return [*t.buckets, t.unallocated, t.total]
        r = self.rows[row]
        return [*r.buckets, r.unallocated, r.total]

    def is_totals_row(self, row: int) -> bool:
        return row == len(self.rows)

    def client_at(self, row: int) -> AgingRow | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    # -- Qt model ------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() or self.report is None:
            return 0
        return len(self.rows) + 1

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers())

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.headers()[section]
        if role == Qt.ItemDataRole.TextAlignmentRole and section > NAME:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.InitialSortOrderRole and section > NAME:
            return LARGEST_FIRST
        if role == Qt.ItemDataRole.ToolTipRole and section > NAME:
            return "Double-click a figure to see the invoices behind it"
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.report is None:
            return None
        row, col = index.row(), index.column()
        totals = self.is_totals_row(row)
        if role == Qt.ItemDataRole.FontRole and totals:
            font = QFont()
            font.setBold(True)
            return font
        if col <= NAME:
            if role == Qt.ItemDataRole.DisplayRole:
                if totals:
                    return f"Total ({len(self.rows)} clients)" if col == NAME else ""
                r = self.rows[row]
                return r.client_code if col == CODE else r.client_name
            return None
        value = self.figures(row)[col - 2]
        if role == Qt.ItemDataRole.DisplayRole:
            return "" if value == ZERO and not totals else self.formats.amount(value)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and value != ZERO:
            if value < ZERO:
                return QBrush(CREDIT_COLOUR)
            if self._is_overdue_column(col):
                return QBrush(OVERDUE_COLOUR)
        if role == Qt.ItemDataRole.ToolTipRole and value != ZERO:
            return self._explain(col, value)
        if role == Qt.ItemDataRole.UserRole:  # the raw figure, for sorting and tests
            return value
        return None

    def _is_overdue_column(self, col: int) -> bool:
        """Past-due buckets on the due basis (every bucket but ``current``)."""
        assert self.report is not None
        bucket = col - 2
        return self.report.basis is Basis.DUE and 1 <= bucket < len(self.bucket_keys)

    def _explain(self, col: int, value: Decimal) -> str:
        headers = self.headers()
        if headers[col] == "On account":
            return f"{self.formats.money(-value)} received and not yet applied to invoices"
        if self._is_overdue_column(col):
            return f"{self.formats.money(value)} overdue {headers[col]}"
        return f"{self.formats.money(value)} {headers[col].lower()}"

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if self.report is None:
            return
        reverse = order == Qt.SortOrder.DescendingOrder
        self.layoutAboutToBeChanged.emit()
        before = {id(r): n for n, r in enumerate(self.rows)}
        if column == CODE:
            self.rows.sort(key=lambda r: r.client_code, reverse=reverse)
        elif column == NAME:
            self.rows.sort(key=lambda r: (sort_key(r.client_name), r.client_code), reverse=reverse)
        else:
            position = column - 2
            self.rows.sort(key=lambda r: [*r.buckets, r.unallocated, r.total][position], reverse=reverse)
        # Selections follow their rows; the totals row stays where it is.
        moved = {before[id(r)]: n for n, r in enumerate(self.rows)}
        old = self.persistentIndexList()
        new = [self.index(moved.get(i.row(), i.row()), i.column()) for i in old]
        self.changePersistentIndexList(old, new)
        self.layoutChanged.emit()


def _bucket_title(key: str, basis: Basis) -> str:
    if key == "current":
        return "Not yet due"
    if key == "90+":
        return "Over 90 days"
    return f"{key} days"
