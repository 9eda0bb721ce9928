"""The invoices behind one figure of the aging table."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from creditdesk.domain.aging import AgingRow, Basis, bucket_keys
from creditdesk.domain.formats import Formats
from creditdesk.services.reports.aging import AgedInvoice, ClientAging, client_aging
from creditdesk.ui.errors import show_error
from creditdesk.ui.ledger.invoice_dialog import edit_invoice
from creditdesk.ui.rows_model import RowsModel
from creditdesk.ui.widgets import Index
from creditdesk.ui.workers import run_in_background
from creditdesk.ui.workspace import Workspace


class AgedInvoicesModel(RowsModel[AgedInvoice]):
    def __init__(self, formats: Formats, basis: Basis) -> None:
        days = "Days overdue" if basis is Basis.DUE else "Days old"
        super().__init__(formats, ("Invoice", "Issued", "Due", "Total", "Open", days))

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.TextAlignmentRole
            and section >= 3
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        inv = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            fmt = self.formats
            return (
                inv.number,
                fmt.day(inv.issue_date),
                fmt.day(inv.due_date),
                fmt.amount(inv.gross),
                fmt.amount(inv.open_amount),
                str(max(inv.days, 0)),
            )[col]
        if role == Qt.ItemDataRole.TextAlignmentRole and col >= 3:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class AgingDrillDialog(QDialog):
    """Opens at once and fills in from a background query."""

    def __init__(
        self,
        workspace: Workspace,
        row: AgingRow,
        as_of: date,
        basis: Basis,
        bucket: int | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.client_id = row.client_id
        self.bucket = bucket
        fmt = workspace.formats
        what = "all open invoices" if bucket is None else _bucket_words(bucket_keys(basis)[bucket], basis)
        self.setWindowTitle(f"{row.client_name}: {what}")
        self.heading = QLabel(
            f"<b>{_escape(row.client_name)}</b> ({_escape(row.client_code)}): {what}, as of {fmt.day(as_of)}"
        )
        self.note = QLabel("Loading…")
        self.model = AgedInvoicesModel(fmt, basis)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)  # the columns fill the dialog
        self.table.setToolTip(self.tr("Double-click an invoice to open it"))
        self.table.doubleClicked.connect(self.on_table_double_clicked)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.open_client = buttons.addButton("Open &client", QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.open_client.clicked.connect(self.on_open_client_clicked)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.note)
        layout.addWidget(buttons)
        self.resize(640, 360)
        db = workspace.db
        run_in_background(
            self, lambda: client_aging(db, row.client_id, as_of, basis), self._on_loaded, self._on_failed
        )

    def _on_loaded(self, result: ClientAging) -> None:
        fmt = self.workspace.formats
        rows = [r for r in result.invoices if self.bucket is None or r.bucket == self.bucket]
        self.model.set_rows(rows)
        total = sum((r.open_amount for r in rows), Decimal(0))
        text = f"{len(rows)} invoice{'s' if len(rows) != 1 else ''}, {fmt.money(total)} open"
        if result.on_account:
            text += f". {fmt.money(result.on_account)} is on account, not yet applied to any invoice."
        self.note.setText(text)

    def _on_failed(self, exc: BaseException) -> None:
        self.note.setText("Could not load the invoices.")
        show_error(self, exc)

    def on_table_double_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            edit_invoice(self.workspace, self, self.model.rows[index.row()].invoice_id)

    def on_open_client_clicked(self) -> None:
        self.workspace.events.show_client.emit(self.client_id)
        self.accept()


def _bucket_words(key: str, basis: Basis) -> str:
    if key == "current":
        return "not yet due"
    if key == "90+":
        return "over 90 days " + ("overdue" if basis is Basis.DUE else "old")
    return f"{key} days " + ("overdue" if basis is Basis.DUE else "old")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
