"""File → Back up now and File → Restore from backup.

Both dialogs only ask and show: copying, checking and restoring are
``services.company.backups``' work, run on a worker thread so a large company file
never freezes the window. A restore always goes into a new file and the
window only switches to it when the user says so; the open file is never
touched.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QSettings,
    QStandardPaths,
    Qt,
    QUrl,
    Signal,
)
from PySide6.QtGui import QCloseEvent, QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from creditdesk.domain.errors import CreditDeskError
from creditdesk.domain.formats import Formats
from creditdesk.domain.money import currency_exponent
from creditdesk.services.company.backups import (
    BackupInfo,
    BackupKind,
    BackupRefused,
    RestoreSummary,
    backup_now,
    backups_folder,
    list_backups,
    restore_backup,
)
from creditdesk.ui.errors import show_error
from creditdesk.ui.reports.batch_dialog import shown_path, size_text
from creditdesk.ui.widgets import Index, hint_label, secondary
from creditdesk.ui.workers import run_in_background
from creditdesk.ui.workspace import Workspace

FILE_FILTER = "CreditDesk company files and backups (*.sqlite);;All files (*)"
ELSEWHERE_KEY = "backups/elsewhere"  # the folder a copy was last saved to by hand (a USB stick, say)
MAX_PROBLEMS_SHOWN = 8

KIND_WORDS = {
    BackupKind.DAILY: "Daily",
    BackupKind.MONTHLY_KEPT: "Kept for the month",
    BackupKind.BEFORE_UPGRADE: "Before upgrade",
    BackupKind.MANUAL: "Made by you",
}
KIND_TIPS = {
    BackupKind.DAILY: "Made automatically the first time the file was opened that day; the last 14 are kept",
    BackupKind.MONTHLY_KEPT: "An older daily copy, kept as the last one of its month for a year",
    BackupKind.BEFORE_UPGRADE: "Made just before a new version of CreditDesk upgraded the file",
    BackupKind.MANUAL: "Made with File → Back up now",
}


def ask_new_file(parent: QWidget | None, title: str, suggested: Path) -> Path | None:
    """A file name to write to, ending in .sqlite; an existing name is refused later, never replaced.

    The dialog's own "replace it?" question is turned off: the answer could
    only be no, and the refusal that follows says why.
    """
    name, _ = QFileDialog.getSaveFileName(
        parent, title, str(suggested), FILE_FILTER, "", QFileDialog.Option.DontConfirmOverwrite
    )
    if not name:
        return None
    path = Path(name)
    return path if path.suffix.lower() == ".sqlite" else path.with_name(path.name + ".sqlite")


def ask_backup_file(parent: QWidget | None, start: Path) -> Path | None:
    name, _ = QFileDialog.getOpenFileName(parent, "Choose a backup to restore", str(start), FILE_FILTER)
    return Path(name) if name else None


def free_name(folder: Path, stem: str) -> Path:
    """``<stem>.sqlite`` in ``folder``, or ``<stem> (2).sqlite`` and so on when that is taken."""
    candidate, count = folder / f"{stem}.sqlite", 1
    while candidate.exists():
        count += 1
        candidate = folder / f"{stem} ({count}).sqlite"
    return candidate


def summary_text(summary: RestoreSummary, locale: str) -> str:
    """RestoreSummary.describe() with the money and the day as the company writes them."""
    if summary.currency is None:
        return summary.describe()
    formats = Formats(summary.currency, locale, currency_exponent(summary.currency))
    who = f"{summary.company}: " if summary.company else ""
    text = (
        f"{who}{summary.clients:,} clients, {summary.invoices:,} invoices, "
        f"{formats.money(summary.outstanding)} outstanding on {formats.day(summary.as_of)}"
    )
    if summary.upgraded_from:
        text += f"; upgraded from an older CreditDesk (schema {summary.upgraded_from})"
    return text


def taken_text(formats: Formats, taken: datetime) -> str:
    day = formats.day(taken.date())
    return day if taken.time() == datetime.min.time() else f"{day}  {taken:%H:%M}"


# --- Back up now ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SavedCopy:
    path: Path
    size: int


def _copy(workspace: Workspace, target: Path | None) -> SavedCopy:
    path = backup_now(workspace.db, target)
    return SavedCopy(path, path.stat().st_size)


class BackupDialog(QDialog):
    """Makes a copy in ``backups/`` as soon as it opens, then offers the folder or a copy elsewhere."""

    finished_copy = Signal(object)  # SavedCopy, or the exception when a copy failed

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.saved: list[SavedCopy] = []
        self.running = False
        self.setWindowTitle("Back up now")

        self.title_label = QLabel()
        self.title_label.setTextFormat(Qt.TextFormat.RichText)
        self.title_label.setWordWrap(True)
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail_label = QLabel()
        self.detail_label.setWordWrap(True)
        self.detail_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 0)  # busy: the copy is one step
        self.progress_bar.setTextVisible(False)
        self.hint_label = hint_label(
            "CreditDesk also keeps a copy of each day you open the file. To keep one safe away from "
            "this computer, save a copy on a USB stick or another disk."
        )
        self.elsewhere_button = secondary(QPushButton("&Save a copy elsewhere…"))
        self.elsewhere_button.setToolTip("Save another copy, for instance on a USB stick or a network drive")
        self.open_folder_button = secondary(QPushButton("Open &folder"))
        self.open_folder_button.setToolTip("Show the folder the copy was saved in")
        self.close_button = QPushButton("Close")
        self.close_button.setDefault(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.elsewhere_button)
        buttons.addWidget(self.open_folder_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title_label)
        layout.addWidget(self.detail_label)
        layout.addWidget(self.progress_bar)
        layout.addSpacing(6)
        layout.addWidget(self.hint_label)
        layout.addSpacing(6)
        layout.addLayout(buttons)
        layout.setSizeConstraint(QVBoxLayout.SizeConstraint.SetFixedSize)  # no gap once the bar goes
        self.hint_label.setFixedWidth(540)  # the labels wrap at this width; the dialog fits them
        self.title_label.setFixedWidth(540)
        self.detail_label.setFixedWidth(540)

        self.elsewhere_button.clicked.connect(self.on_elsewhere_button_clicked)
        self.open_folder_button.clicked.connect(self.on_open_folder_button_clicked)
        self.close_button.clicked.connect(self.accept)

    def start(self, target: Path | None = None) -> None:
        """Copy into ``target``, or into ``backups/`` beside the company file."""
        self.running = True
        where = shown_path(target.parent if target else backups_folder(self.workspace.db.path))
        self.title_label.setText(f"<b>Backing up {escape(self.workspace.company.name)}…</b>")
        self.detail_label.setText(f"Saving a copy in {where}")
        self.detail_label.show()
        self.progress_bar.show()
        for button in (self.elsewhere_button, self.open_folder_button, self.close_button):
            button.setEnabled(False)
        workspace = self.workspace
        run_in_background(self, lambda: _copy(workspace, target), self._on_copied, self._on_failed)

    def _end_run(self) -> None:
        self.running = False
        self.progress_bar.hide()
        self.elsewhere_button.setEnabled(True)
        self.close_button.setEnabled(True)
        self.open_folder_button.setEnabled(bool(self.saved))
        self.close_button.setFocus()

    def _on_copied(self, saved: SavedCopy) -> None:
        self.saved.append(saved)
        self._end_run()
        self._show_saved(saved)
        self.finished_copy.emit(saved)

    def _show_saved(self, saved: SavedCopy) -> None:
        self.title_label.setText(
            f"<b>Backup saved:</b> {escape(saved.path.name)} ({escape(size_text(saved.size))}) "
            f"in {escape(shown_path(saved.path.parent))}"
        )
        self.detail_label.hide()

    def _on_failed(self, exc: BaseException) -> None:
        self._end_run()
        if self.saved:  # a copy elsewhere failed; the one made first still stands
            self._show_saved(self.saved[-1])
        else:
            self.title_label.setText("<b>The backup was not saved</b>")
            self.detail_label.setText(exc.message if isinstance(exc, CreditDeskError) else "")
        show_error(self, exc, title="Back up now")
        self.finished_copy.emit(exc)

    def on_elsewhere_button_clicked(self) -> None:
        saved = QSettings().value(ELSEWHERE_KEY)
        folder = (
            Path(saved)
            if isinstance(saved, str) and Path(saved).is_dir()
            else Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation))
        )
        stem = f"{self.workspace.db.path.stem} backup {date.today().isoformat()}"
        target = ask_new_file(self, "Save a copy of the company file", free_name(folder, stem))
        if target is None:
            return
        QSettings().setValue(ELSEWHERE_KEY, str(target.parent))
        self.start(target)

    def on_open_folder_button_clicked(self) -> None:
        if self.saved:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.saved[-1].path.parent)))

    def reject(self) -> None:  # Esc: not while a copy is being written
        if not self.running:
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.running:
            event.ignore()
            return
        super().closeEvent(event)


def back_up_now(workspace: Workspace, parent: QWidget | None = None) -> list[SavedCopy]:
    """Run File → Back up now; returns the copies saved."""
    dialog = BackupDialog(workspace, parent)
    try:
        dialog.start()
        dialog.exec()
        return list(dialog.saved)
    finally:
        dialog.deleteLater()


# --- Restore from backup ----------------------------------------------------------------------------


@dataclass(frozen=True)
class BackupRow:
    path: Path
    kind: str
    tip: str
    taken_at: datetime
    size: int

    @classmethod
    def listed(cls, info: BackupInfo) -> BackupRow:
        return cls(info.path, KIND_WORDS[info.kind], KIND_TIPS[info.kind], info.taken_at, info.size)

    @classmethod
    def chosen(cls, path: Path) -> BackupRow:
        stat = path.stat()
        return cls(
            path, "Chosen by you", f"From {path.parent}", datetime.fromtimestamp(stat.st_mtime), stat.st_size
        )


class BackupsModel(QAbstractTableModel):
    TAKEN, KIND, SIZE = range(3)
    HEADERS = ("Taken", "Kind", "Size")

    def __init__(self, formats: Formats, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.formats = formats
        self.rows: list[BackupRow] = []

    def set_rows(self, rows: list[BackupRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def add_first(self, row: BackupRow) -> None:
        self.beginInsertRows(QModelIndex(), 0, 0)
        self.rows.insert(0, row)
        self.endInsertRows()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.TextAlignmentRole:
            right = section == self.SIZE
            return int(
                (Qt.AlignmentFlag.AlignRight if right else Qt.AlignmentFlag.AlignLeft)
                | Qt.AlignmentFlag.AlignVCenter
            )
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.TAKEN:
                return taken_text(self.formats, row.taken_at)
            if column == self.KIND:
                return row.kind
            return size_text(row.size)
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.tip if column == self.KIND else row.path.name
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.SIZE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class RestoreDialog(QDialog):
    """Pick a backup and a new file name; the backup is checked and restored into that file."""

    loaded = Signal()  # the list of backups is shown
    restore_finished = Signal(object)  # RestoreSummary, or the exception that stopped the restore

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.company_file = workspace.db.path
        self.summary: RestoreSummary | None = None
        self.open_restored = False
        self.running = False
        self.setWindowTitle("Restore from backup")

        intro = QLabel(
            f"<b>Backups of {escape(self.company_file.name)}</b>, newest first. The one you pick is "
            "checked, then restored into a <b>new</b> company file; the file you have open stays as it is."
        )
        intro.setWordWrap(True)
        self.model = BackupsModel(workspace.formats, self)
        self.table_view = QTableView()
        self.table_view.setModel(self.model)
        self.table_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table_view.setAlternatingRowColors(True)
        self.table_view.setWordWrap(False)
        self.table_view.setShowGrid(False)
        self.table_view.verticalHeader().hide()
        self.table_view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table_view.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(BackupsModel.KIND, QHeaderView.ResizeMode.Stretch)
        metrics = self.fontMetrics()
        header.resizeSection(BackupsModel.TAKEN, metrics.horizontalAdvance("00 Sept 0000  00:00") + 32)
        header.resizeSection(BackupsModel.SIZE, metrics.horizontalAdvance("000.0 MB") + 32)
        self.folder_label = hint_label(f"In {shown_path(backups_folder(self.company_file))}")
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 0)
        self.progress_bar.setTextVisible(False)
        self.progress_bar.hide()
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.status_label.hide()

        self.choose_button = secondary(QPushButton("C&hoose another file…"))
        self.choose_button.setToolTip("Restore a copy kept elsewhere, for instance on a USB stick")
        self.restore_button = QPushButton("&Restore…")
        self.restore_button.setDefault(True)
        self.restore_button.setEnabled(False)
        self.restore_button.setToolTip("Check the chosen backup and restore it into a new company file")
        self.close_button = secondary(QPushButton("Close"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.choose_button)
        buttons.addStretch(1)
        buttons.addWidget(self.restore_button)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table_view, 1)
        layout.addWidget(self.folder_label)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.status_label)
        layout.addLayout(buttons)
        self.resize(600, 500)

        self.table_view.selectionModel().selectionChanged.connect(self.on_selection_changed)
        self.table_view.doubleClicked.connect(lambda _: self.on_restore_button_clicked())
        self.choose_button.clicked.connect(self.on_choose_button_clicked)
        self.restore_button.clicked.connect(self.on_restore_button_clicked)
        self.close_button.clicked.connect(self.reject)

    def load(self) -> None:
        company_file = self.company_file
        run_in_background(
            self,
            lambda: [BackupRow.listed(info) for info in list_backups(company_file)],
            self._on_listed,
            lambda exc: show_error(self, exc, title="Restore from backup"),
        )

    def _on_listed(self, rows: list[BackupRow]) -> None:
        self.model.set_rows(rows)
        if rows:
            self.table_view.selectRow(0)
        else:
            self.folder_label.setText(
                f"There are no backups of this file yet in {shown_path(backups_folder(self.company_file))}. "
                "To restore a copy kept somewhere else, choose it with “Choose another file…”."
            )
        self.loaded.emit()

    def selected(self) -> BackupRow | None:
        rows = self.table_view.selectionModel().selectedRows()
        return self.model.rows[rows[0].row()] if rows else None

    def on_selection_changed(self) -> None:
        self.restore_button.setEnabled(self.selected() is not None and not self.running)

    def on_choose_button_clicked(self) -> None:
        path = ask_backup_file(self, backups_folder(self.company_file))
        if path is None:
            return
        try:
            row = BackupRow.chosen(path)
        except OSError as exc:
            QMessageBox.warning(self, "Restore from backup", f"{path.name} cannot be read: {exc.strerror}.")
            return
        self.model.add_first(row)
        self.table_view.selectRow(0)

    def suggested_target(self, row: BackupRow) -> Path:
        stem = f"{self.company_file.stem} restored {row.taken_at.date().isoformat()}"
        return free_name(self.company_file.parent, stem)

    def on_restore_button_clicked(self) -> None:
        row = self.selected()
        if row is None or self.running:
            return
        target = ask_new_file(self, "Restore into a new company file", self.suggested_target(row))
        if target is not None:
            self.restore(row.path, target)

    def restore(self, backup: Path, target: Path) -> None:
        """Check ``backup`` and restore it into ``target`` in the background; the result is shown."""
        self.running = True
        for widget in (self.table_view, self.choose_button, self.restore_button, self.close_button):
            widget.setEnabled(False)
        self.progress_bar.show()
        self.status_label.setText(f"Checking {backup.name} and restoring it into {target.name}…")
        self.status_label.show()
        current = self.company_file
        run_in_background(
            self,
            lambda: restore_backup(backup, target, current=current),
            self._on_restored,
            lambda exc: self._on_refused(backup, exc),
        )

    def _end_run(self) -> None:
        self.running = False
        self.progress_bar.hide()
        self.status_label.hide()
        for widget in (self.table_view, self.choose_button, self.close_button):
            widget.setEnabled(True)
        self.on_selection_changed()

    def _on_restored(self, summary: RestoreSummary) -> None:
        self._end_run()
        self.summary = summary
        self.restore_finished.emit(summary)
        box = QMessageBox(
            QMessageBox.Icon.Information, "Backup restored", "", QMessageBox.StandardButton.NoButton, self
        )
        box.setText(f"<b>Restored into {escape(summary.path.name)}</b>")
        where = shown_path(summary.path.parent)
        box.setInformativeText(
            f"{escape(summary_text(summary, self.workspace.company.locale))}.<br><br>"
            f"It is saved in {escape(where)}. "
            f"The file you have open, {escape(self.company_file.name)}, is unchanged."
        )
        open_button = box.addButton("&Open the restored file", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("&Stay here", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(open_button)
        box.exec()
        if box.clickedButton() is open_button:
            self.open_restored = True
            self.accept()

    def _on_refused(self, backup: Path, exc: BaseException) -> None:
        self._end_run()
        self.restore_finished.emit(exc)
        if not isinstance(exc, BackupRefused):
            show_error(self, exc, title="Restore from backup")  # a name already taken, the open file
            return
        problems = list(exc.problems)
        shown = "".join(f"<li>{escape(p)}</li>" for p in problems[:MAX_PROBLEMS_SHOWN])
        more = len(problems) - MAX_PROBLEMS_SHOWN
        if more > 0:
            shown += f"<li>and {more:,} more (see the details)</li>"
        box = QMessageBox(
            QMessageBox.Icon.Warning, "Backup not restored", "", QMessageBox.StandardButton.Ok, self
        )
        box.setText(f"<b>{escape(backup.name)} was not restored, and nothing was written.</b>")
        box.setInformativeText(
            f"It failed these checks:<ul>{shown}</ul>Choose another backup; this one may be damaged."
        )
        box.setDetailedText("\n".join(problems))
        box.exec()

    def reject(self) -> None:  # Esc: not while a restore is under way
        if not self.running:
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.running:
            event.ignore()
            return
        super().closeEvent(event)


def restore_from_backup(workspace: Workspace, parent: QWidget | None = None) -> Path | None:
    """Run File → Restore from backup; returns the restored file when the user wants it opened."""
    dialog = RestoreDialog(workspace, parent)
    try:
        dialog.load()
        dialog.exec()
        return dialog.summary.path if dialog.open_restored and dialog.summary else None
    finally:
        dialog.deleteLater()
