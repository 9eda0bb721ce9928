"""The disputes list: every open dispute with its age, oldest first, ready to resolve."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from creditdesk.services.arrangements.disputes import DisputeView, disputes
from creditdesk.ui.arrangements.dispute_dialog import ResolveDisputeDialog
from creditdesk.ui.loading import BackgroundLoad
from creditdesk.ui.rows_model import RowsModel
from creditdesk.ui.widgets import Index
from creditdesk.ui.workspace import Workspace

HEADERS = ("Client", "Invoice", "Reason", "Opened", "Age", "Still owed", "Notes")
RIGHT = {4, 5}


class DisputesModel(RowsModel[DisputeView]):
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        dispute, col = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            days = "1 day" if dispute.age_days == 1 else f"{dispute.age_days} days"
            return (
                dispute.client_name,
                dispute.invoice_number,
                dispute.reason.label,
                self.formats.day(dispute.opened_on),
                days,
                self.formats.amount(dispute.open_amount),
                " ".join(dispute.notes.split()),
            )[col]
        if role == Qt.ItemDataRole.ToolTipRole and col == 6 and dispute.notes:
            return dispute.notes
        if role == Qt.ItemDataRole.TextAlignmentRole and col in RIGHT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


def show_disputes(workspace: Workspace, parent: QWidget | None) -> None:
    dialog = DisputesDialog(workspace, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()


class DisputesDialog(QDialog):
    """Open from View → Open disputes…; the list reloads after each resolution."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.setWindowTitle("Open disputes")
        self.resize(900, 420)
        self.summary = QLabel("Loading…")
        self.model = DisputesModel(workspace.formats, HEADERS, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(self.on_resolve_clicked)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.resolve_button = buttons.addButton("&Resolve…", QDialogButtonBox.ButtonRole.ActionRole)
        self.resolve_button.clicked.connect(self.on_resolve_clicked)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self._load = BackgroundLoad(self, self._start_load, self._on_loaded)
        self.reload()

    def reload(self) -> None:
        self._load.request()

    def _start_load(self) -> Callable[[], list[DisputeView]]:
        db, as_of = self.workspace.db, self.workspace.today()
        return lambda: disputes(db, as_of)

    def _on_loaded(self, rows: list[DisputeView]) -> None:
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        count = len(rows)
        self.summary.setText(
            "No invoice is in dispute."
            if not count
            else f"{count} open dispute{'s' if count != 1 else ''}, oldest first; "
            "disputed invoices are not chased until resolved."
        )
        self.resolve_button.setEnabled(bool(count))
        if count:
            self.table.selectRow(0)

    def selected(self) -> DisputeView | None:
        index = self.table.currentIndex()
        return self.model.rows[index.row()] if index.isValid() else None

    def on_resolve_clicked(self) -> None:
        dispute = self.selected()
        if dispute is None:
            return
        dialog = ResolveDisputeDialog(self.workspace, dispute, self)
        try:
            if dialog.exec() == QDialog.DialogCode.Accepted:
                self.reload()
        finally:
            dialog.deleteLater()
