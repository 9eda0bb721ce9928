"""The invoices table: a thin Qt adapter over the service's columnar ``InvoiceTable``.

Filtering and sorting live in ``InvoiceView`` (pure Python). A search keystroke
resets the model (the rows it shows change wholesale, and a reset is cheaper
than diffing 200,000 rows); a sort is a layout change that keeps selections.
Sorting a big table by a column for the first time runs in the background.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont

from creditdesk.domain.formats import Formats
from creditdesk.domain.invoice import InvoiceState
from creditdesk.domain.money import from_minor
from creditdesk.services.ledger.invoice_list import InvoiceTable, InvoiceView, SortKey, StatusFilter
from creditdesk.ui.errors import show_error
from creditdesk.ui.widgets import LARGEST_FIRST, OVERDUE_COLOUR, QUIET_COLOUR, RIGHT, Index
from creditdesk.ui.workers import run_in_background

DISPUTED_COLOUR = QColor("#8a5300")
# Sorting this many rows by a new column takes long enough to be worth a worker.
BACKGROUND_SORT_ROWS = 20_000
# Background work starts this long after it is asked for, so that the repaint the request
# caused is done first (see ``InvoicesModel.sort_column``).
PAINT_FIRST_MS = 25

STATE_TEXT = {
    InvoiceState.DRAFT: "Draft",
    InvoiceState.VOID: "Void",
    InvoiceState.PAID: "Paid",
    InvoiceState.DISPUTED: "Disputed",
    InvoiceState.OVERDUE: "Overdue",
    InvoiceState.OPEN: "Open",
}
STATE_TIP = {
    InvoiceState.DRAFT: "Not issued yet: not owed, not in the aging. It gets its number when issued.",
    InvoiceState.VOID: "Cancelled: nothing is owed on it; kept for the record",
    InvoiceState.PAID: "Nothing left to pay",
    InvoiceState.DISPUTED: "The client disputes it; not chased until the dispute is settled",
    InvoiceState.OVERDUE: "Past its due date with money still owed",
    InvoiceState.OPEN: "Owed, not yet due",
}


@dataclass(frozen=True)
class Column:
    title: str
    key: SortKey
    width: int  # in average character widths
    numeric: bool = False
    tip: str = ""


COLUMNS: tuple[Column, ...] = (
    Column("Number", SortKey.NUMBER, 12),
    Column("Client", SortKey.CLIENT, 28),
    Column("Issued", SortKey.ISSUED, 12),
    Column("Due", SortKey.DUE, 12),
    Column("Total", SortKey.TOTAL, 13, numeric=True, tip="The invoice's total, tax included"),
    Column("Open", SortKey.OPEN, 13, numeric=True, tip="Still owed on the day shown"),
    Column("Days overdue", SortKey.DAYS_OVERDUE, 11, numeric=True, tip="Days past the due date, unpaid"),
    Column("Status", SortKey.STATUS, 10),
    Column("Reference", SortKey.REFERENCE, 16, tip="The client's reference or purchase order"),
)
NUMBER, CLIENT, ISSUED, DUE, TOTAL, OPEN, DAYS, STATUS, REFERENCE = range(len(COLUMNS))
_ROLES = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.TextAlignmentRole,
        Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.FontRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.UserRole,
    }
)


class InvoicesModel(QAbstractTableModel):
    busy_changed = Signal(bool)  # a background sort started (True) or finished (False)
    sorted = Signal()  # the rows are in their new order

    def __init__(self, formats: Formats, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.formats = formats
        self.view = InvoiceView()
        self._wanted_sort: tuple[SortKey, bool] = (SortKey.ISSUED, True)
        self._sorting: set[tuple[InvoiceTable, SortKey]] = set()  # background sorts under way

    @property
    def table(self) -> InvoiceTable | None:
        return self.view.table

    @property
    def wanted_sort(self) -> tuple[SortKey, bool]:
        """The sort asked for last (a background sort may still be working it out)."""
        return self._wanted_sort

    # -- data in -------------------------------------------------------------------------------
    def set_table(self, table: InvoiceTable) -> None:
        """Show a fresh load with the same filters and sort.

        The load works out the sort asked for when it started; if another was asked for
        since and the table is big, the rows show in the order they were made until
        the background sort is done, rather than sorting on the GUI thread.
        """
        key, descending = self._wanted_sort
        ready = self._sort_ready(key, table)
        self.beginResetModel()
        self.view.set_table(table, (key if ready else None, descending))
        self.endResetModel()
        if not ready:
            self.sort_column(key, descending)

    def set_status(self, status: StatusFilter) -> None:
        self.beginResetModel()
        self.view.set_status(status)
        self.endResetModel()

    def set_text(self, text: str) -> None:
        self.beginResetModel()
        self.view.set_text(text)
        self.endResetModel()

    # -- rows ------------------------------------------------------------------------------------
    def table_row(self, row: int) -> int | None:
        """The table's row shown at ``row`` of the model."""
        return self.view.rows[row] if 0 <= row < len(self.view.rows) else None

    def invoice_id(self, row: int) -> int | None:
        found = self.table_row(row)
        return None if found is None or self.table is None else self.table.ids[found]

    def state(self, row: int) -> InvoiceState | None:
        found = self.table_row(row)
        return None if found is None or self.table is None else self.table.state(found)

    def client_id(self, row: int) -> int | None:
        found = self.table_row(row)
        return None if found is None or self.table is None else self.table.client_id(found)

    def row_of(self, invoice_id: int) -> int | None:
        return self.view.position_of(invoice_id)

    def open_total(self) -> Decimal:
        """What the invoices shown still owe between them."""
        table = self.table
        if table is None:
            return Decimal(0)
        return from_minor(sum(map(table.open.__getitem__, self.view.rows)), table.exponent)

    # -- sorting ---------------------------------------------------------------------------------
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if 0 <= column < len(COLUMNS):
            self.sort_column(COLUMNS[column].key, order == Qt.SortOrder.DescendingOrder)

    def sort_column(self, key: SortKey, descending: bool) -> None:
        self._wanted_sort = (key, descending)
        table = self.table
        if table is None:
            return
        if self._sort_ready(key):
            self._apply_sort(key, descending)
            return
        if (table, key) in self._sorting:
            return  # already being worked out; the wanted sort is applied when it is done
        self._sorting.add((table, key))
        self.busy_changed.emit(True)

        def finish() -> None:
            self._sorting.discard((table, key))
            self.busy_changed.emit(False)

        def done(_: object) -> None:
            finish()
            wanted, wanted_descending = self._wanted_sort
            if self.table is table and self._sort_ready(wanted):
                self._apply_sort(wanted, wanted_descending)

        def failed(exc: BaseException) -> None:
            finish()
            show_error(None, exc)

        # Start once the header and rows have repainted: painting calls into Python for every
        # cell, and a worker busy with Python would make each of those calls wait its turn.
        QTimer.singleShot(
            PAINT_FIRST_MS, self, lambda: run_in_background(self, lambda: table.order(key), done, failed)
        )

    def _sort_ready(self, key: SortKey, table: InvoiceTable | None = None) -> bool:
        table = self.table if table is None else table
        return table is None or len(table) < BACKGROUND_SORT_ROWS or key in table.sorted_keys()

    def _apply_sort(self, key: SortKey, descending: bool) -> None:
        persistent = self.persistentIndexList()
        ids = [self.invoice_id(index.row()) for index in persistent]
        self.layoutAboutToBeChanged.emit()
        self.view.set_sort(key, descending)
        moved: list[QModelIndex] = []
        for index, invoice_id in zip(persistent, ids, strict=True):
            row = None if invoice_id is None else self.row_of(invoice_id)
            moved.append(QModelIndex() if row is None else self.index(row, index.column()))
        self.changePersistentIndexList(persistent, moved)
        self.layoutChanged.emit()
        self.sorted.emit()

    # -- Qt model --------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.view.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        column = COLUMNS[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.title
        if role == Qt.ItemDataRole.TextAlignmentRole and column.numeric:
            return RIGHT
        if role == Qt.ItemDataRole.InitialSortOrderRole and column.numeric:
            return LARGEST_FIRST
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = column.tip or f"Sort by {column.title.lower()}"
            if section in (TOTAL, OPEN):
                tip += f" ({self.formats.currency})"
            if section in (OPEN, DAYS) and self.table is not None:
                tip += f", as of {self.formats.day(self.table.as_of)}"
            return tip
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        table = self.table
        if table is None or role not in _ROLES or not index.isValid():
            return None  # painting asks for roles this model never answers: say so cheaply
        row = self.table_row(index.row())
        if row is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(table, row, column)
        state = table.state(row)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if COLUMNS[column].numeric else None
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._colour(state, column)
        if role == Qt.ItemDataRole.FontRole and column in (STATUS, DAYS) and state is InvoiceState.OVERDUE:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tip(table, row, column, state)
        if role == Qt.ItemDataRole.UserRole:
            return table.ids[row]
        return None

    def _text(self, table: InvoiceTable, row: int, column: int) -> str:
        if column == NUMBER:
            return table.numbers[row]
        if column == CLIENT:
            return table.client_name(row)
        if column == ISSUED:
            return self.formats.day(table.issue_date(row))
        if column == DUE:
            return self.formats.day(table.due_date(row))
        if column == TOTAL:
            return self.formats.amount(table.gross_amount(row))
        if column == OPEN:
            return self.formats.amount(table.open_amount(row)) if table.open[row] > 0 else ""
        if column == DAYS:
            days = table.overdue_days[row]
            return f"{days:,}" if days > 0 else ""
        if column == STATUS:
            return STATE_TEXT[table.state(row)]
        return table.references[row]

    @staticmethod
    def _colour(state: InvoiceState, column: int) -> QBrush | None:
        if state in (InvoiceState.DRAFT, InvoiceState.VOID):
            return QBrush(QUIET_COLOUR)
        if state is InvoiceState.OVERDUE and column in (OPEN, DAYS, STATUS):
            return QBrush(OVERDUE_COLOUR)
        if state is InvoiceState.DISPUTED and column in (OPEN, STATUS):
            return QBrush(DISPUTED_COLOUR)
        return None

    def _tip(self, table: InvoiceTable, row: int, column: int, state: InvoiceState) -> str | None:
        if column == CLIENT:
            return f"{table.client_name(row)} ({table.client_code(row)})"
        if column == STATUS:
            return STATE_TIP[state]
        if column in (OPEN, DAYS) and table.open[row] > 0:
            owed = self.formats.money(table.open_amount(row))
            days = table.overdue_days[row]
            return f"{owed} owed, {days:,} days past due" if days > 0 else f"{owed} owed, not yet due"
        if column == NUMBER and state is InvoiceState.DRAFT:
            return STATE_TIP[state]
        return None
