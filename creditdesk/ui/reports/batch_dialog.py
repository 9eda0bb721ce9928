"""Month-end statements for many clients at once, with progress and cancel.

The statements are written by ``services.reports.batch_statements.write_statements``
on a worker thread (which spreads the rendering over processes). The worker
reports progress into a ``Progress`` that a timer here reads; the worker
never touches a widget or emits a signal.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    QUrl,
)
from PySide6.QtGui import QCloseEvent, QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from creditdesk.domain.formats import Formats
from creditdesk.services.reports.batch_statements import (
    BalanceChoice,
    BatchRequest,
    BatchSummary,
    clients_with_balance,
    write_statements,
)
from creditdesk.ui.errors import show_error
from creditdesk.ui.loading import BackgroundLoad
from creditdesk.ui.pdf_preview import documents_folder, remember_documents_folder
from creditdesk.ui.reports.statement_dialog import StatementOptions
from creditdesk.ui.widgets import RIGHT, Index, secondary
from creditdesk.ui.workers import Progress, run_in_background
from creditdesk.ui.workspace import Workspace

POLL_MS = 100
WORKERS = 2  # processes rendering statements; two keep a typical laptop responsive


def size_text(count: int) -> str:
    """A file size as people say it: 412 KB, 3.4 MB."""
    if count >= 1024 * 1024:
        return f"{count / 1024 / 1024:.1f} MB"
    return f"{max(1, round(count / 1024))} KB" if count else "0 KB"


def shown_path(path: Path) -> str:
    """A folder as people read it: ``~/Documents/…`` under the home folder (not on Windows)."""
    if sys.platform != "win32":
        with contextlib.suppress(ValueError):
            return str(Path("~") / path.relative_to(Path.home()))
    return str(path)


def combined_name(statement_date: date) -> str:
    return f"All statements {statement_date.isoformat()}.pdf"


class ChoicesModel(QAbstractTableModel):
    """Clients with a balance, each with a tick; every client is ticked until unticked."""

    CODE, NAME, BALANCE = range(3)
    HEADERS = ("Code", "Client", "Balance")

    def __init__(self, formats: Formats, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.formats = formats
        self.choices: list[BalanceChoice] = []
        self.unticked: set[int] = set()  # ids; kept when the list reloads for another date

    def set_choices(self, choices: list[BalanceChoice]) -> None:
        self.beginResetModel()
        self.choices = choices
        self.endResetModel()

    def chosen(self) -> list[BalanceChoice]:
        return [c for c in self.choices if c.id not in self.unticked]

    def set_ticked(self, rows: list[int], ticked: bool) -> None:
        for row in rows:
            client_id = self.choices[row].id
            if ticked:
                self.unticked.discard(client_id)
            else:
                self.unticked.add(client_id)
        if rows:
            self.dataChanged.emit(
                self.index(min(rows), 0), self.index(max(rows), 0), [Qt.ItemDataRole.CheckStateRole]
            )

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.choices)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation is Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.DisplayRole:
                return self.HEADERS[section]
            if role == Qt.ItemDataRole.TextAlignmentRole and section == self.BALANCE:
                return RIGHT
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():  # the root: nothing to select, edit or tick
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == self.CODE:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        choice = self.choices[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (choice.code, choice.name, self.formats.amount(choice.balance))[column]
        if role == Qt.ItemDataRole.CheckStateRole and column == self.CODE:
            return Qt.CheckState.Unchecked if choice.id in self.unticked else Qt.CheckState.Checked
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.BALANCE:
            return RIGHT
        return None

    def sort_key(self, row: int, column: int) -> tuple[object, ...]:
        """What a column sorts by: names in the service's order (as people sort them), amounts exactly."""
        choice = self.choices[row]
        if column == self.BALANCE:
            return (choice.balance, row)
        return (choice.code,) if column == self.CODE else (row,)

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or index.column() != self.CODE:
            return False
        ticked = Qt.CheckState(value) == Qt.CheckState.Checked if not isinstance(value, bool) else value
        self.set_ticked([index.row()], ticked)
        return True


class ChoicesProxy(QSortFilterProxyModel):
    """Filters on every column's text; sorts by the model's keys, not by the text shown."""

    def lessThan(self, left: Index, right: Index) -> bool:
        model = self.sourceModel()
        assert isinstance(model, ChoicesModel)
        return model.sort_key(left.row(), left.column()) < model.sort_key(right.row(), right.column())


class BatchStatementsDialog(QDialog):
    """Choose the clients and the folder, then write a statement for each."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.workers = WORKERS
        self.progress: Progress | None = None
        self.summary: BatchSummary | None = None
        self._folder: Path | None = None  # chosen by the user; until then it follows the date
        self._close_when_done = False
        # A list for a date changed since is dropped: the next one is already on its way.
        self._load = BackgroundLoad(
            self,
            self._start_load,
            self._on_loaded,
            failed=self._on_load_failed,
            busy=self._on_loading,
            drop_superseded=True,
        )
        self.setWindowTitle("Batch statements")

        # What the statements say.
        self.options = StatementOptions(workspace)
        what = QGroupBox("Statements")
        what_layout = QVBoxLayout(what)
        what_layout.addWidget(self.options)

        # Who gets one.
        self.model = ChoicesModel(workspace.formats, self)
        self.proxy = ChoicesProxy(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.filter_edit = QLineEdit()
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setPlaceholderText("Filter by code or name")
        self.all_button = secondary(QPushButton("Select &all"))
        self.all_button.setToolTip("Tick every client shown")
        self.none_button = secondary(QPushButton("Select &none"))
        self.none_button.setToolTip("Untick every client shown")
        self.table_view = QTableView()
        self.table_view.setModel(self.proxy)
        self.table_view.setSortingEnabled(True)
        self.table_view.sortByColumn(ChoicesModel.NAME, Qt.SortOrder.AscendingOrder)
        self.table_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table_view.setAlternatingRowColors(True)
        self.table_view.setWordWrap(False)
        self.table_view.verticalHeader().hide()
        self.table_view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table_view.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(ChoicesModel.NAME, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(ChoicesModel.CODE, self.fontMetrics().horizontalAdvance("C00000") + 56)
        header.resizeSection(
            ChoicesModel.BALANCE, self.fontMetrics().horizontalAdvance("000,000,000.00") + 28
        )
        self.count_label = QLabel("Finding clients with a balance…")
        filter_row = QHBoxLayout()
        filter_row.addWidget(self.filter_edit, 1)
        filter_row.addWidget(self.all_button)
        filter_row.addWidget(self.none_button)
        who = QGroupBox("Clients with a balance")
        who_layout = QVBoxLayout(who)
        who_layout.addLayout(filter_row)
        who_layout.addWidget(self.table_view, 1)
        who_layout.addWidget(self.count_label)

        # Where they go.
        self.folder_edit = QLineEdit()
        self.folder_edit.setToolTip(
            "The statements are saved here, one PDF per client; the folder is made if needed"
        )
        self.folder_button = secondary(QPushButton("C&hoose…"))
        self.combined_box = QCheckBox("Also make one &combined PDF for printing")
        self.combined_box.setToolTip("Every statement in one file, in client-name order, to print in one go")
        self.combined_box.setChecked(True)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(self.folder_button)
        where = QGroupBox("Saving")
        where_form = QFormLayout(where)
        folder_label = QLabel("F&older")
        folder_label.setBuddy(self.folder_edit)
        where_form.addRow(folder_label, folder_row)
        where_form.addRow("", self.combined_box)

        # Running.
        self.progress_bar = QProgressBar()
        self.progress_bar.setFormat("%v of %m statements (%p %)")
        self.progress_bar.hide()
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary_label.hide()
        self.start_button = QPushButton("&Start")
        self.start_button.setDefault(True)
        self.cancel_button = secondary(QPushButton("Cancel"))
        self.cancel_button.setToolTip(
            "Stop after the statements being written now; those already written are kept"
        )
        self.cancel_button.hide()
        self.open_folder_button = secondary(QPushButton("Open &folder"))
        self.open_folder_button.hide()
        self.close_button = secondary(QPushButton("Close"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_folder_button)
        buttons.addStretch(1)
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(what)
        layout.addWidget(who, 1)
        layout.addWidget(where)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.summary_label)
        layout.addLayout(buttons)
        self.inputs: tuple[QWidget, ...] = (what, who, where)
        self.resize(620, 720)

        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self._show_progress)
        self.options.date_edit.dateChanged.connect(self.on_statement_date_changed)
        self.filter_edit.textChanged.connect(self.proxy.setFilterFixedString)
        self.filter_edit.textChanged.connect(self._update_count)
        self.model.dataChanged.connect(self._update_count)
        self.model.modelReset.connect(self._update_count)
        self.all_button.clicked.connect(lambda: self._tick_shown(True))
        self.none_button.clicked.connect(lambda: self._tick_shown(False))
        self.folder_button.clicked.connect(self.on_folder_button_clicked)
        self.folder_edit.textEdited.connect(self.on_folder_edit_text_edited)
        self.start_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.open_folder_button.clicked.connect(self.on_open_folder_clicked)
        self.close_button.clicked.connect(self.reject)
        self._follow_date()
        self.load_choices()

    # -- who ------------------------------------------------------------------------------------
    def load_choices(self) -> None:
        """The clients with a balance on the statement date, found in the background."""
        self._load.request()

    def _start_load(self) -> Callable[[], list[BalanceChoice]]:
        db, as_of = self.workspace.db, self.options.statement_date
        return lambda: clients_with_balance(db, as_of)

    def _on_loading(self, loading: bool) -> None:
        if loading:
            self.start_button.setEnabled(False)

    def _on_loaded(self, choices: list[BalanceChoice]) -> None:
        self.model.set_choices(choices)

    def _on_load_failed(self, _: BaseException) -> None:
        self.count_label.setText("The clients could not be listed.")

    def _tick_shown(self, ticked: bool) -> None:
        rows = [self.proxy.mapToSource(self.proxy.index(r, 0)).row() for r in range(self.proxy.rowCount())]
        self.model.set_ticked(rows, ticked)

    def _update_count(self) -> None:
        if self._load.running:
            return
        chosen = self.model.chosen()
        total = len(self.model.choices)
        owed = sum((c.balance for c in chosen), Decimal(0))
        noun = "client" if total == 1 else "clients"
        if not total:
            text = "Nobody has a balance on this date, so there is nothing to send."
        else:
            text = f"{len(chosen):,} of {total:,} {noun} chosen · {self.workspace.formats.money(owed)} in all"
            shown = self.proxy.rowCount()
            if shown != total:
                text += f" · {shown:,} shown"
        self.count_label.setText(text)
        self.start_button.setEnabled(bool(chosen) and self.progress is None)

    # -- where ----------------------------------------------------------------------------------
    def on_statement_date_changed(self) -> None:
        self._follow_date()
        self.load_choices()

    def _follow_date(self) -> None:
        if self._folder is None:
            folder = documents_folder() / f"Statements {self.options.statement_date.isoformat()}"
            self.folder_edit.setText(shown_path(folder))

    def on_folder_edit_text_edited(self, text: str) -> None:
        self._folder = Path(text.strip()) if text.strip() else None

    def on_folder_button_clicked(self) -> None:
        start = self.folder_edit.text().strip()
        start_dir = Path(start) if start and Path(start).is_dir() else documents_folder()
        name = QFileDialog.getExistingDirectory(self, "Save the statements in", str(start_dir))
        if name:
            self._folder = Path(name)
            self.folder_edit.setText(shown_path(Path(name)))
            remember_documents_folder(Path(name))

    def out_dir(self) -> Path:
        return Path(self.folder_edit.text().strip()).expanduser()

    # -- running --------------------------------------------------------------------------------
    def request(self) -> BatchRequest:
        statement = self.options.request()
        out_dir = self.out_dir()
        combined = (
            out_dir / combined_name(statement.statement_date) if self.combined_box.isChecked() else None
        )
        return BatchRequest(
            db_path=self.workspace.db.path,
            client_ids=tuple(c.id for c in self.model.chosen()),
            statement=statement,
            out_dir=out_dir,
            combined=combined,
            workers=self.workers,
        )

    @property
    def running(self) -> bool:
        return self.progress is not None

    def start(self) -> None:
        if self.running or not self.folder_edit.text().strip():
            return
        request = self.request()
        if not request.client_ids:
            return
        progress = self.progress = Progress()
        progress.report(0, len(request.client_ids))
        self.summary = None
        for widget in self.inputs:
            widget.setEnabled(False)
        self.start_button.hide()
        self.cancel_button.show()
        self.cancel_button.setEnabled(True)
        self.close_button.setEnabled(False)
        self.open_folder_button.hide()
        self.summary_label.hide()
        self.progress_bar.setRange(0, len(request.client_ids))
        self.progress_bar.setValue(0)
        self.progress_bar.show()
        self.timer.start()
        run_in_background(
            self,
            lambda: write_statements(request, progress.report, progress.cancelled),
            self._on_finished,
            self._on_failed,
        )

    def cancel(self) -> None:
        if self.progress is not None:
            self.progress.cancel()
            self.cancel_button.setEnabled(False)
            self.cancel_button.setText("Cancelling…")

    def _show_progress(self) -> None:
        if self.progress is None:
            return
        done, total = self.progress.snapshot()
        if total:
            self.progress_bar.setRange(0, total)
            self.progress_bar.setValue(done)

    def _end_run(self) -> None:
        self.timer.stop()
        self._show_progress()
        self.progress = None
        for widget in self.inputs:
            widget.setEnabled(True)
        self.cancel_button.hide()
        self.cancel_button.setText("Cancel")
        self.start_button.show()
        self.close_button.setEnabled(True)
        self._update_count()

    def _on_finished(self, summary: BatchSummary) -> None:
        self._end_run()
        self.summary = summary
        if not summary.cancelled:
            self.progress_bar.setValue(self.progress_bar.maximum())
        self.summary_label.setText(self.summary_text(summary))
        self.summary_label.show()
        self.open_folder_button.setVisible(summary.count > 0)
        self.close_button.setFocus()
        if self._close_when_done:
            self.reject()

    def _on_failed(self, exc: BaseException) -> None:
        self._end_run()
        self.progress_bar.hide()
        show_error(self, exc, title="Batch statements")
        if self._close_when_done:
            self.reject()

    def summary_text(self, summary: BatchSummary) -> str:
        noun = "statement" if summary.count == 1 else "statements"
        folder = shown_path(self.out_dir())
        if summary.cancelled:
            total = self.progress_bar.maximum()
            text = f"Cancelled: {summary.count:,} of {total:,} statements were made"
            if summary.count:
                text += f" ({size_text(summary.total_bytes)}), saved to {folder}"
            return text + ". No combined PDF was made." if self.combined_box.isChecked() else text + "."
        text = f"{summary.count:,} {noun}, {size_text(summary.total_bytes)}, saved to {folder}"
        if summary.combined is not None:
            text += f"; combined PDF: {summary.combined.name}"
        return text + "."

    def on_open_folder_clicked(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.out_dir())))

    def _stop_before_closing(self) -> bool:
        """Closing while statements are written stops the run first (what was written is kept)."""
        if self.running:
            self._close_when_done = True
            self.cancel()
        return self.running

    def reject(self) -> None:  # Esc
        if not self._stop_before_closing():
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._stop_before_closing():
            event.ignore()
            return
        super().closeEvent(event)


def batch_statements(workspace: Workspace, parent: QWidget | None = None) -> None:
    dialog = BatchStatementsDialog(workspace, parent)
    try:
        dialog.exec()
    finally:
        dialog.deleteLater()
