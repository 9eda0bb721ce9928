"""Ticking which of a client's open invoices an arrangement covers (promise, plan, conversation)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from creditdesk.domain.formats import Formats
from creditdesk.services.clients.overview import OpenInvoiceItem
from creditdesk.ui.clients.clients_model import open_invoice_status
from creditdesk.ui.widgets import OVERDUE_COLOUR, RIGHT, Index

NUMBER, DUE, OPEN, STATE = range(4)


class InvoicePickModel(QAbstractTableModel):
    """A client's open invoices, each with a tick box; a handful of rows, so held whole."""

    checked_changed = Signal()

    def __init__(self, formats: Formats, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.formats = formats
        self.items: tuple[OpenInvoiceItem, ...] = ()
        self.checked: set[int] = set()

    def set_items(self, items: Sequence[OpenInvoiceItem], checked: Iterable[int]) -> None:
        self.beginResetModel()
        self.items = tuple(items)
        ids = {i.id for i in self.items}
        self.checked = {i for i in checked if i in ids}
        self.endResetModel()
        self.checked_changed.emit()

    def checked_items(self) -> list[OpenInvoiceItem]:
        return [i for i in self.items if i.id in self.checked]

    def checked_total(self) -> Decimal:
        return sum((i.open for i in self.checked_items()), Decimal(0))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 4

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return ("Invoice", "Due", f"Open ({self.formats.currency})", "Status")[section]
        if role == Qt.ItemDataRole.TextAlignmentRole and section == OPEN:
            return RIGHT
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():  # the root: nothing to select, edit or tick
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return base | Qt.ItemFlag.ItemIsUserCheckable if index.column() == NUMBER else base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.items):
            return None
        item, col = self.items[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            fmt = self.formats
            return (item.number, fmt.day(item.due_date), fmt.amount(item.open), open_invoice_status(item))[
                col
            ]
        if role == Qt.ItemDataRole.CheckStateRole and col == NUMBER:
            return Qt.CheckState.Checked if item.id in self.checked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.TextAlignmentRole and col == OPEN:
            return RIGHT
        if role == Qt.ItemDataRole.ForegroundRole and col == STATE and item.days_overdue > 0:
            return QBrush(OVERDUE_COLOUR)
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or index.column() != NUMBER:
            return False
        item = self.items[index.row()]
        on = Qt.CheckState(value) == Qt.CheckState.Checked
        if on:
            self.checked.add(item.id)
        else:
            self.checked.discard(item.id)
        self.dataChanged.emit(index, index, [role])
        self.checked_changed.emit()
        return True

    def set_checked(self, invoice_id: int, on: bool) -> None:
        for row, item in enumerate(self.items):
            if item.id == invoice_id:
                state = Qt.CheckState.Checked if on else Qt.CheckState.Unchecked
                self.setData(self.index(row, NUMBER), state.value, Qt.ItemDataRole.CheckStateRole)


class InvoicePicker(QTableView):
    def __init__(self, formats: Formats, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pick_model = InvoicePickModel(formats, self)
        self.setModel(self.pick_model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.horizontalHeader()
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        width = self.fontMetrics().horizontalAdvance
        for column, sample in ((NUMBER, "INV-000000 ☐"), (DUE, "30 Sept 2026"), (OPEN, "000,000.00 (EUR)")):
            header.resizeSection(column, width(sample) + 30)
        header.setSectionResizeMode(STATE, QHeaderView.ResizeMode.Stretch)
        self.setMinimumHeight(self.fontMetrics().height() * 7)
        self.setAlternatingRowColors(True)

    def checked_ids(self) -> list[int]:
        return [i.id for i in self.pick_model.checked_items()]
