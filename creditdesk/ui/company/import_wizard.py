"""File → Import invoices… / clients… / payments…: choose a file, check what CreditDesk found and
would do, then import, with progress and a cancel that leaves the books as they were.

One wizard for every kind: what differs (the service's plan and apply
functions, the fields to map, the options, the preview) is the kind's
(``import_kinds``). Reading and comparing and writing run off the GUI thread.
Nothing is written until the user presses Import on the last page, and only a
plan with no problems and no open question can be imported. Every change of an
option reads the file again: the plan shown is always the one that would be written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtCore import QStringListModel, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from creditdesk.domain.errors import ImportRefused
from creditdesk.services.imports.common import BooksChanged
from creditdesk.services.imports.invoice_import import DateOrder, FormatChoices, file_header
from creditdesk.services.imports.mappings import ColumnMapping, Field, SavedMapping
from creditdesk.services.imports.watch import ImportCancelled
from creditdesk.ui.company.import_kinds import KINDS, Chosen, ImportKind
from creditdesk.ui.company.import_mapping import OWN_MAPPING, MappingPanel
from creditdesk.ui.company.import_preview import (
    PREVIEW_ROWS,
    ImportPlan,
    TextRowsModel,
    open_date_columns,
    order_of,
)
from creditdesk.ui.company.import_progress import WriteProgress
from creditdesk.ui.ops import run_read
from creditdesk.ui.widgets import (
    SUCCESS_COLOUR,
    MessageLine,
    date_edit,
    from_qdate,
    hint_label,
    secondary,
    sentence,
    to_qdate,
)
from creditdesk.ui.workspace import Workspace

REPLAN_DELAY_MS = 400  # typing a date: read the file again once the user pauses, not on every key


def import_file(kind: str, workspace: Workspace, parent: QWidget | None) -> str | None:
    """Open the wizard for ``kind`` ("invoices", "clients" or "payments"); what to say once imported."""
    wizard = ImportWizard(workspace, parent, kind=KINDS[kind]())
    try:
        wizard.exec()
        return wizard.kind.done if wizard.import_page.imported else None
    finally:
        wizard.deleteLater()


def import_invoices(workspace: Workspace, parent: QWidget | None) -> bool:
    """Open the invoices' wizard; True once an import was written."""
    return import_file("invoices", workspace, parent) is not None


@dataclass(frozen=True)
class Planned:
    """What one reading of the file gave: a plan, or the reason the file cannot be read at all."""

    plan: ImportPlan | None
    refusal: ImportRefused | None = None
    header: tuple[str, ...] = ()  # a refused file's columns, to map them by hand


def _plan(kind: ImportKind, workspace: Workspace, path: Path, chosen: Chosen, today: date) -> Planned:
    try:
        return Planned(kind.plan(workspace.db, path, chosen, today))
    except ImportRefused as exc:  # an unreadable or unrecognised file: said on the page, not in a box
        return Planned(None, exc, file_header(path))


class ImportWizard(QWizard):
    def __init__(
        self, workspace: Workspace, parent: QWidget | None = None, *, kind: ImportKind | None = None
    ) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.kind = kind = kind or KINDS["invoices"]()
        self.setWindowTitle(kind.title)
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.file_page = FilePage(kind)
        self.found_page = FoundPage(workspace, kind, self.file_page)
        self.import_page = ImportPage(workspace, kind, self.found_page)
        self.addPage(self.file_page)
        self.addPage(self.found_page)
        self.addPage(self.import_page)
        self.resize(1100, 720)

    def reject(self) -> None:  # Cancel, Esc: while writing, the write is cancelled first
        if self.import_page.stop_before_closing():
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.import_page.stop_before_closing():
            event.ignore()
            return
        super().closeEvent(event)


class FilePage(QWizardPage):
    def __init__(self, kind: ImportKind) -> None:
        super().__init__()
        self.setTitle(self.tr("Choose the file to import"))
        self.setSubTitle(kind.file_subtitle)
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText(self.tr("The file's full name, or choose it with Browse."))
        self.browse_button = secondary(QPushButton(self.tr("&Browse…")))
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.browse_button)
        layout = QVBoxLayout(self)
        file_label = QLabel(self.tr("&File:"))
        file_label.setBuddy(self.path_edit)
        layout.addWidget(file_label)
        layout.addLayout(row)
        layout.addWidget(hint_label(kind.file_hint))
        layout.addStretch(1)
        self.path_edit.textChanged.connect(self.completeChanged)
        self.browse_button.clicked.connect(self.on_browse_button_clicked)

    def path(self) -> Path:
        return Path(self.path_edit.text().strip())

    def isComplete(self) -> bool:
        return bool(self.path_edit.text().strip()) and self.path().is_file()

    def on_browse_button_clicked(self) -> None:
        start = str(self.path().parent) if self.path_edit.text().strip() else ""
        name, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Choose the file to import"),
            start,
            self.tr("Exports and spreadsheets (*.csv *.txt *.xlsx);;All files (*)"),
        )
        if name:
            self.path_edit.setText(name)


class FoundPage(QWizardPage):
    """How the file was read, what importing it would do, and every line that needs a look."""

    def __init__(self, workspace: Workspace, kind: ImportKind, file_page: FilePage) -> None:
        super().__init__()
        self.workspace = workspace
        self.kind = kind
        self.file_page = file_page
        self.setTitle(self.tr("Check what CreditDesk found"))
        self.setSubTitle(self.tr("Check that the columns were read the right way; nothing is written yet."))
        self.plan: ImportPlan | None = None
        self.path: Path | None = None
        self.as_of_chosen: date | None = None
        self.date_orders: dict[str, DateOrder] = {}
        self.again = False  # an option changed while the file was being read

        self.source_value = QLabel()
        self.table_value = QLabel()
        self.formats_value = QLabel()
        for label in (self.source_value, self.table_value, self.formats_value):
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.options_box = QWidget()
        self.as_of_edit = date_edit(workspace, workspace.today())
        self.sync_box = QCheckBox(kind.sync_text or "")
        self.complete_box = QCheckBox(kind.complete_text or "")
        self.complete_box.setEnabled(False)
        self.orders_form = QFormLayout()
        found = QFormLayout()
        found.addRow(self.tr("Source:"), self.source_value)
        found.addRow(self.tr("Table:"), self.table_value)
        found.addRow(self.tr("Formats:"), self.formats_value)
        if kind.has_as_of:
            found.addRow(self.tr("&As of:"), self.as_of_edit)
        if kind.sync_text is not None:
            found.addRow("", self.sync_box)
        if kind.complete_text is not None:
            found.addRow("", self.complete_box)
        self.options_box.setLayout(found)
        orders = QWidget()
        orders.setLayout(self.orders_form)
        found.addRow(orders)
        self.mapping_panel: MappingPanel[Field] = MappingPanel(
            workspace, kind.sources, kind.fields, kind.key, self.to_saved
        )
        self.mapping_panel.source_changed.connect(self.on_mapping_panel_source_changed)
        mapping_area = QScrollArea()
        mapping_area.setWidgetResizable(True)
        mapping_area.setFrameShape(QFrame.Shape.NoFrame)
        mapping_area.setWidget(self.mapping_panel)

        self.preview_model = TextRowsModel(workspace.formats, kind.preview_headers, kind.right_columns, self)
        self.preview_table = QTableView()
        self.preview_table.setModel(self.preview_model)
        self.preview_table.verticalHeader().hide()
        self.preview_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.preview_table.setWordWrap(False)
        self.preview_caption = hint_label()
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        bold = QFont(self.summary_label.font())
        bold.setBold(True)
        self.summary_label.setFont(bold)
        self.message = MessageLine()
        self.notes_caption = hint_label()
        self.notes_model = QStringListModel(self)
        self.notes_view = QListView()
        self.notes_view.setModel(self.notes_model)
        self.notes_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.notes_view.setMaximumHeight(120)

        left = QVBoxLayout()
        left.addWidget(self.options_box)
        left.addWidget(mapping_area, 1)
        left.addWidget(self.mapping_panel.footer)
        right = QVBoxLayout()
        right.addWidget(self.preview_caption)
        right.addWidget(self.preview_table, 1)
        top = QHBoxLayout()
        top.addLayout(left, 2)
        top.addLayout(right, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(top, 1)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.message)
        layout.addWidget(self.notes_caption)
        layout.addWidget(self.notes_view)

        self.replan_timer = QTimer(self)
        self.replan_timer.setSingleShot(True)
        self.replan_timer.setInterval(REPLAN_DELAY_MS)
        self.replan_timer.timeout.connect(self.replan)
        self.as_of_edit.dateChanged.connect(self.on_as_of_edit_date_changed)
        self.sync_box.toggled.connect(self.on_sync_box_toggled)
        self.complete_box.toggled.connect(self.replan)

    # -- reading the file ----------------------------------------------------------------------
    def initializePage(self) -> None:
        path = self.file_page.path()
        if path != self.path:  # another file: the answers given for the last one do not apply
            self.path = path
            self.as_of_chosen = None
            self.date_orders = {}
            self.sync_box.setChecked(False)
            self.mapping_panel.reset()
        self.mapping_panel.load_saved()
        self.replan()

    def chosen(self) -> Chosen:
        picked = self.mapping_panel.choice()
        choices = FormatChoices(date_orders=dict(self.date_orders))
        source: str | ColumnMapping
        if isinstance(picked, SavedMapping):  # a saved mapping reads with its own formats
            source, choices = picked.mapping, picked.choices(choices)
        elif isinstance(picked, dict):
            source = ColumnMapping(OWN_MAPPING, picked)
        else:
            source = picked
        sync = self.sync_box.isChecked()
        return Chosen(source, choices, sync, sync and self.complete_box.isChecked(), self.as_of_chosen)

    def replan(self) -> None:
        path = self.path
        if path is None:
            return
        kind, workspace, chosen, today = self.kind, self.workspace, self.chosen(), self.workspace.today()
        started = run_read(
            self, lambda: _plan(kind, workspace, path, chosen, today), self.on_planned, busy=self.options_box
        )
        if not started:
            self.again = True
            return
        self.plan = None
        self.summary_label.setText(self.tr("CreditDesk is reading the file."))
        self.completeChanged.emit()

    def on_planned(self, planned: Planned) -> None:
        if self.again:
            self.again = False
            self.replan()
            return
        self.plan = planned.plan
        if planned.plan is None:
            refusal = planned.refusal
            assert refusal is not None
            self._show_refusal(refusal, planned.header)
        else:
            self._show_plan(planned.plan)
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.plan is not None

    def on_mapping_panel_source_changed(self) -> None:
        self.date_orders = {}  # the columns may be others now: their answers are asked again
        self.replan()

    def to_saved(self, name: str) -> SavedMapping | None:
        """The mapping the file is read with now, under ``name``, with the formats found for its columns."""
        plan = self.plan
        if plan is None:
            return None
        read = plan.read
        source = self.chosen().source
        statuses = dict(source.statuses) if isinstance(source, ColumnMapping) else {}
        dates = {
            column: found.order for column, found in read.formats.dates.items() if found.order is not None
        }
        numbers = {
            column: found.format for column, found in read.formats.amounts.items() if found.format is not None
        }
        return SavedMapping(self.kind.key, ColumnMapping(name, dict(read.columns), statuses), dates, numbers)

    # -- showing what was found ----------------------------------------------------------------
    def _show_refusal(self, refusal: ImportRefused, header: tuple[str, ...]) -> None:
        for label in (self.table_value, self.formats_value):
            label.setText("—")
        self.source_value.setText(self.tr("None recognised: map the columns by hand"))
        # The columns mapped so far stay chosen: a mapping is refused until it names enough of them.
        self.mapping_panel.show_columns(header, self.mapping_panel.edited or {}, can_save=False)
        self.preview_model.set_rows(())
        self.preview_caption.clear()
        self.summary_label.setText(self.tr("CreditDesk cannot read this file."))
        self.message.show_problem(
            self.tr(
                "Nothing can be imported from this file as it is; choose which column holds which field on "
                "the left, go back and choose another file, or save it again from your accounting system."
            )
        )
        self.notes_caption.setText(self.tr("What is wrong with the file:"))
        self.notes_model.setStringList([sentence(problem) for problem in refusal.problems])

    def _show_plan(self, plan: ImportPlan) -> None:
        read, kind = plan.read, self.kind
        self.source_value.setText(read.source_label)
        self.mapping_panel.show_columns(read.header, read.columns, can_save=True)
        self.table_value.setText(read.table)
        self.formats_value.setText(
            "\n".join(read.formats.describe()) or self.tr("Nothing to read as dates or amounts.")
        )
        if kind.has_as_of:
            as_of: date | None = getattr(plan, "as_of", None)
            if as_of is not None:
                self.as_of_edit.blockSignals(True)
                self.as_of_edit.setDate(to_qdate(as_of))
                self.as_of_edit.blockSignals(False)
        self._show_order_choices(plan)
        self.preview_model.set_rows(kind.preview(plan, self.workspace.formats))
        self.preview_table.resizeColumnsToContents()
        self.preview_table.horizontalHeader().setSectionResizeMode(
            kind.stretch_column, QHeaderView.ResizeMode.Stretch
        )
        count = kind.records(plan)
        caption = kind.counted.format(count=f"{count:,}")
        if count > PREVIEW_ROWS:
            caption += " " + self.tr("The table shows the first {shown} of them.").format(shown=PREVIEW_ROWS)
        self.preview_caption.setText(caption)
        self.summary_label.setText(self.tr("What the import would do: {plan}.").format(plan=plan.describe()))
        warning = kind.warning(plan)
        if not plan.ready:
            self.message.show_problem(
                self.tr(
                    "The file cannot be imported as it is; fix the lines listed below in the file, "
                    "or answer the question about its dates."
                )
            )
        elif warning:
            self.message.show_warning(warning)
        else:
            self.message.show_problem(None)
        notes = kind.notes(plan)
        if plan.problems or read.questions or warning:
            caption = self.tr("Look at these lines before you import.")
        elif notes:
            caption = self.tr(
                "These lines are not imported: report headings and totals, drafts and the like."
            )
        else:
            caption = self.tr("Every line of the file was read.")
        self.notes_caption.setText(caption)
        self.notes_model.setStringList(notes)

    def _show_order_choices(self, plan: ImportPlan) -> None:
        while self.orders_form.rowCount():
            self.orders_form.removeRow(0)
        choices = (
            (self.tr("Choose how these dates are written."), None),
            (self.tr("Day first, as in 31/12/2026."), DateOrder.DAY_FIRST),
            (self.tr("Month first, as in 12/31/2026."), DateOrder.MONTH_FIRST),
        )
        for name in open_date_columns(plan, tuple(self.date_orders)):
            combo = QComboBox()
            for text, order in choices:
                combo.addItem(text, order)
            current = self.date_orders.get(name) or order_of(plan, name)
            combo.setCurrentIndex(next(i for i, (_, o) in enumerate(choices) if o is current))
            combo.setObjectName(f"order:{name}")
            combo.activated.connect(lambda index, name=name: self.on_order_chosen(name, choices[index][1]))
            label = QLabel(self.tr("Dates in column '{name}':").format(name=name))
            self.orders_form.addRow(label, combo)

    # -- the user's answers ----------------------------------------------------------------------
    def on_order_chosen(self, name: str, order: DateOrder | None) -> None:
        if order is not None and self.date_orders.get(name) is not order:
            self.date_orders[name] = order
            self.replan()

    def on_as_of_edit_date_changed(self) -> None:
        self.as_of_chosen = from_qdate(self.as_of_edit.date())
        self.plan = None  # the plan shown is for the old date: no going on until it is read again
        self.completeChanged.emit()
        self.replan_timer.start()

    def on_sync_box_toggled(self, checked: bool) -> None:
        self.complete_box.setEnabled(checked)
        if not checked:
            self.complete_box.blockSignals(True)
            self.complete_box.setChecked(False)
            self.complete_box.blockSignals(False)
        self.replan()


class ImportPage(QWizardPage):
    """The one step that writes: enabled only for a plan with nothing wrong and nothing to ask."""

    def __init__(self, workspace: Workspace, kind: ImportKind, found_page: FoundPage) -> None:
        super().__init__()
        self.workspace = workspace
        self.kind = kind
        self.found_page = found_page
        self.imported = False
        self.setTitle(kind.import_title)
        self.setSubTitle(kind.import_subtitle)
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.import_button = QPushButton(self.tr("&Import"))
        self.progress = WriteProgress()
        self.message = MessageLine()
        self.done_label = QLabel()
        self.done_label.setWordWrap(True)
        self.done_label.setStyleSheet(f"color: {SUCCESS_COLOUR};")
        buttons = QHBoxLayout()
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.progress, 1)
        buttons.addStretch(0)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary_label)
        layout.addLayout(buttons)
        layout.addWidget(
            hint_label(
                self.tr(
                    "The import is written in one step: while it runs you can cancel it, and until it is "
                    "saved the books stay exactly as they were."
                )
            )
        )
        layout.addWidget(self.message)
        layout.addWidget(self.done_label)
        layout.addStretch(1)
        self.import_button.clicked.connect(self.on_import_button_clicked)
        self.checked_again_because: str | None = None
        self.close_when_done = False
        found_page.completeChanged.connect(self.on_checked_again)

    def initializePage(self) -> None:
        plan = self.found_page.plan
        assert plan is not None  # the page before is complete only with a plan
        self.show_plan(plan)

    def _what(self, plan: ImportPlan) -> str:
        as_of: date | None = getattr(plan, "as_of", None) if self.kind.has_as_of else None
        if as_of is None:
            return self.tr("Importing {file} would make: {plan}.").format(
                file=plan.path.name, plan=plan.describe()
            )
        return self.tr("Importing {file} as of {day} would make: {plan}.").format(
            file=plan.path.name, day=self.workspace.formats.day(as_of), plan=plan.describe()
        )

    def show_plan(self, plan: ImportPlan, *, why_again: str | None = None) -> None:
        """The plan's figures; ``why_again``: the file was checked again, and this says why."""
        self.summary_label.setText(self._what(plan))
        self.import_button.setEnabled(plan.ready)
        self.done_label.clear()
        blocked = (
            None
            if plan.ready
            else self.tr(
                "The file cannot be imported until every problem and question on the page before is settled."
            )
        )
        shown = " ".join(part for part in (why_again, blocked) if part)
        self.message.show_problem(shown or None)

    def on_import_button_clicked(self) -> None:
        plan = self.found_page.plan
        if plan is None or not plan.ready or self.imported or self.progress.running:
            return
        db, today, apply = self.workspace.db, self.workspace.today(), self.kind.apply
        self.message.show_problem(None)
        started = self.progress.run(
            self,
            self.workspace,
            lambda progress: apply(db, plan, today, progress),
            self.kind.changes,
            done=lambda _: self.on_imported(plan),
            failed=self.on_import_failed,
            problem=self.message,
            busy=self.import_button,
        )
        if started:
            self._lock_wizard(True)

    def _lock_wizard(self, writing: bool) -> None:
        """While the write runs the way back is closed; Cancel stays, and cancels the write."""
        wizard = self.wizard()
        if wizard is not None:
            wizard.button(QWizard.WizardButton.BackButton).setEnabled(not writing)

    def stop_before_closing(self) -> bool:
        """Closing while the import is written cancels it first; True while it is still running."""
        if self.progress.running:
            self.close_when_done = True
            self.progress.cancel()
        return self.progress.running

    def on_import_failed(self, exc: BaseException) -> None:
        """Books written meanwhile: the message says so, and the file is checked again against them."""
        self._lock_wizard(False)
        if self._closing():
            return
        if isinstance(exc, BooksChanged):
            self.checked_again_because = sentence(exc.message)
            self.import_button.setEnabled(False)
            self.found_page.replan()
        elif isinstance(exc, ImportCancelled):
            self.import_button.setEnabled(True)

    def on_checked_again(self) -> None:
        plan = self.found_page.plan
        if self.checked_again_because is not None and plan is not None:
            why, self.checked_again_because = self.checked_again_because, None
            self.show_plan(plan, why_again=why)

    def on_imported(self, plan: ImportPlan) -> None:
        self.imported = True
        self._lock_wizard(False)
        self.import_button.setEnabled(False)
        self.done_label.setText(self.tr("The import is done: {plan}.").format(plan=plan.describe()))
        wizard = self.wizard()
        if wizard is not None:
            wizard.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
            wizard.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.completeChanged.emit()
        self._closing()

    def _closing(self) -> bool:
        """The user closed the wizard while writing: now that the write has ended, close it."""
        wizard = self.wizard()
        if self.close_when_done and wizard is not None:
            wizard.done(
                QWizard.DialogCode.Rejected.value if not self.imported else QWizard.DialogCode.Accepted.value
            )
            return True
        return False

    def isComplete(self) -> bool:
        return self.imported
