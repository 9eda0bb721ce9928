"""File → Import invoices…: choose a file, check what CreditDesk found and would do, then import.

Reading and comparing (``plan_invoice_import``) and writing (``apply_invoice_plan``)
are the service's; both run off the GUI thread. Nothing is written until the user
presses Import on the last page, and only a plan with no problems and no open
question can be imported. Every change of an option reads the file again: the
plan shown is always the one that would be written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtCore import QStringListModel, Qt, QTimer
from PySide6.QtGui import QFont
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
from creditdesk.services.imports.invoice_import import (
    DateOrder,
    FormatChoices,
    InvoiceImportOptions,
    InvoicePlan,
    apply_invoice_plan,
    file_header,
    plan_invoice_import,
)
from creditdesk.services.imports.mappings import ColumnMapping
from creditdesk.ui.company.import_mapping import MappingPanel, Source
from creditdesk.ui.company.import_preview import (
    PREVIEW_HEADERS,
    PREVIEW_ROWS,
    PreviewModel,
    notes_of,
    open_date_columns,
    order_of,
    preview_rows,
)
from creditdesk.ui.ops import run_read, run_write
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
from creditdesk.ui.workspace import Change, Workspace

FILE_FILTER = "Invoice exports (*.csv *.txt *.xlsx);;All files (*)"
REPLAN_DELAY_MS = 400  # typing a date: read the file again once the user pauses, not on every key
ORDER_CHOICES = (
    ("Choose how these dates are written.", None),
    ("Day first, as in 31/12/2026.", DateOrder.DAY_FIRST),
    ("Month first, as in 12/31/2026.", DateOrder.MONTH_FIRST),
)


def import_invoices(workspace: Workspace, parent: QWidget | None) -> bool:
    """Open the wizard; True once an import was written."""
    wizard = ImportWizard(workspace, parent)
    wizard.exec()
    return wizard.import_page.imported


@dataclass(frozen=True)
class Planned:
    """What one reading of the file gave: a plan, or the reason the file cannot be read at all."""

    options: InvoiceImportOptions
    plan: InvoicePlan | None
    refusal: ImportRefused | None = None
    header: tuple[str, ...] = ()  # a refused file's columns, to map them by hand


def _plan(workspace: Workspace, path: Path, options: InvoiceImportOptions, today: date) -> Planned:
    try:
        return Planned(options, plan_invoice_import(workspace.db, path, options, today))
    except ImportRefused as exc:  # an unreadable or unrecognised file: said on the page, not in a box
        return Planned(options, None, exc, file_header(path))


class ImportWizard(QWizard):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.setWindowTitle("Import invoices")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.file_page = FilePage()
        self.found_page = FoundPage(workspace, self.file_page)
        self.import_page = ImportPage(workspace, self.found_page)
        self.addPage(self.file_page)
        self.addPage(self.found_page)
        self.addPage(self.import_page)
        self.resize(1100, 720)


class FilePage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Choose the file to import")
        self.setSubTitle(
            "Export the open invoices from your accounting system (an aged receivables report or "
            "an invoice list) as CSV or Excel, then choose that file here."
        )
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText("The file's full name, or choose it with Browse.")
        self.browse_button = secondary(QPushButton("&Browse…"))
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.browse_button)
        layout = QVBoxLayout(self)
        file_label = QLabel("&File:")
        file_label.setBuddy(self.path_edit)
        layout.addWidget(file_label)
        layout.addLayout(row)
        layout.addWidget(
            hint_label(
                "CreditDesk recognises exports of QuickBooks, Xero, Sage, FreeAgent, Wave and Zoho "
                "and its own. Nothing is written until you press Import on the last page."
            )
        )
        layout.addStretch(1)
        self.path_edit.textChanged.connect(self.completeChanged)
        self.browse_button.clicked.connect(self.on_browse_button_clicked)

    def path(self) -> Path:
        return Path(self.path_edit.text().strip())

    def isComplete(self) -> bool:
        return bool(self.path_edit.text().strip()) and self.path().is_file()

    def on_browse_button_clicked(self) -> None:
        start = str(self.path().parent) if self.path_edit.text().strip() else ""
        name, _ = QFileDialog.getOpenFileName(self, "Choose the file to import", start, FILE_FILTER)
        if name:
            self.path_edit.setText(name)


class FoundPage(QWizardPage):
    """How the file was read, what importing it would do, and every line that needs a look."""

    def __init__(self, workspace: Workspace, file_page: FilePage) -> None:
        super().__init__()
        self.workspace = workspace
        self.file_page = file_page
        self.setTitle("Check what CreditDesk found")
        self.setSubTitle("Check that the columns were read the right way; nothing is written yet.")
        self.plan: InvoicePlan | None = None
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
        self.sync_box = QCheckBox("&Keep in step with earlier imports from this source")
        self.complete_box = QCheckBox(
            "The file lists &every open invoice (one no longer listed has been paid)"
        )
        self.complete_box.setEnabled(False)
        self.orders_form = QFormLayout()
        found = QFormLayout()
        found.addRow("Source:", self.source_value)
        found.addRow("Table:", self.table_value)
        found.addRow("Formats:", self.formats_value)
        found.addRow("&As of:", self.as_of_edit)
        found.addRow("", self.sync_box)
        found.addRow("", self.complete_box)
        self.options_box.setLayout(found)
        orders = QWidget()
        orders.setLayout(self.orders_form)
        found.addRow(orders)
        self.mapping_panel = MappingPanel(workspace)
        self.mapping_panel.source_changed.connect(self.on_mapping_panel_source_changed)
        mapping_area = QScrollArea()
        mapping_area.setWidgetResizable(True)
        mapping_area.setFrameShape(QFrame.Shape.NoFrame)
        mapping_area.setWidget(self.mapping_panel)

        self.preview_model = PreviewModel(workspace.formats, PREVIEW_HEADERS, self)
        self.preview_table = QTableView()
        self.preview_table.setModel(self.preview_model)
        self.preview_table.verticalHeader().hide()
        self.preview_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.preview_table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
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

    def options(self) -> InvoiceImportOptions:
        sync = self.sync_box.isChecked()
        chosen: Source = self.mapping_panel.source()
        choices = FormatChoices(date_orders=dict(self.date_orders))
        source: str | ColumnMapping = chosen if isinstance(chosen, str | ColumnMapping) else chosen.mapping
        if not isinstance(chosen, str | ColumnMapping):  # a saved mapping reads with its own formats
            choices = chosen.choices(choices)
        return InvoiceImportOptions(
            source=source,
            choices=choices,
            sync=sync,
            complete=sync and self.complete_box.isChecked(),
            as_of=self.as_of_chosen,
        )

    def replan(self) -> None:
        path = self.path
        if path is None:
            return
        workspace, options, today = self.workspace, self.options(), self.workspace.today()
        started = run_read(
            self, lambda: _plan(workspace, path, options, today), self.on_planned, busy=self.options_box
        )
        if not started:
            self.again = True
            return
        self.plan = None
        self.summary_label.setText("CreditDesk is reading the file.")
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

    # -- showing what was found ----------------------------------------------------------------
    def _show_refusal(self, refusal: ImportRefused, header: tuple[str, ...]) -> None:
        for label in (self.source_value, self.table_value, self.formats_value):
            label.clear()
        self.mapping_panel.show_plan(None, header)
        self.preview_model.set_rows(())
        self.preview_caption.clear()
        self.summary_label.setText("CreditDesk cannot read this file.")
        self.message.show_problem(
            "Nothing can be imported from this file as it is; choose which column holds which field on "
            "the left, go back and choose another file, or save it again from your accounting system."
        )
        self.notes_caption.setText("What is wrong with the file:")
        self.notes_model.setStringList([sentence(problem) for problem in refusal.problems])

    def _show_plan(self, plan: InvoicePlan) -> None:
        read = plan.read
        self.source_value.setText(read.source_label)
        self.mapping_panel.show_plan(plan)
        self.table_value.setText(read.table)
        self.formats_value.setText("\n".join(read.formats.describe()))
        self.as_of_edit.blockSignals(True)
        self.as_of_edit.setDate(to_qdate(plan.as_of))
        self.as_of_edit.blockSignals(False)
        self._show_order_choices(plan)
        self.preview_model.set_rows(preview_rows(plan))
        self.preview_table.resizeColumnsToContents()
        self.preview_table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        count = len(read.invoices)
        caption = f"Invoices read from the file: {count:,}."
        if count > PREVIEW_ROWS:
            caption += f" The table shows the first {PREVIEW_ROWS} of them."
        self.preview_caption.setText(caption)
        self.summary_label.setText(f"What the import would do: {plan.describe()}.")
        if not plan.ready:
            self.message.show_problem(
                "The file cannot be imported as it is; fix the lines listed below in the file, "
                "or answer the question about its dates."
            )
        elif plan.conflicts:
            self.message.show_warning(
                "Some invoices differ from CreditDesk's figures; they are listed below and left as they are."
            )
        else:
            self.message.show_problem(None)
        notes = notes_of(plan)
        if plan.problems or plan.read.questions or plan.conflicts:
            caption = "Look at these lines before you import."
        elif notes:
            caption = "These lines are not imported: report headings and totals, drafts and the like."
        else:
            caption = "Every line of the file was read."
        self.notes_caption.setText(caption)
        self.notes_model.setStringList(notes)

    def _show_order_choices(self, plan: InvoicePlan) -> None:
        while self.orders_form.rowCount():
            self.orders_form.removeRow(0)
        for name in open_date_columns(plan, tuple(self.date_orders)):
            combo = QComboBox()
            for text, _ in ORDER_CHOICES:
                combo.addItem(text)
            current = self.date_orders.get(name) or order_of(plan, name)
            combo.setCurrentIndex(next(i for i, (_, o) in enumerate(ORDER_CHOICES) if o is current))
            combo.setObjectName(f"order:{name}")
            combo.activated.connect(lambda index, name=name, combo=combo: self.on_order_chosen(name, combo))
            self.orders_form.addRow(QLabel(f"Dates in column '{name}':"), combo)

    # -- the user's answers ----------------------------------------------------------------------
    def on_order_chosen(self, name: str, combo: QComboBox) -> None:
        order = ORDER_CHOICES[combo.currentIndex()][1]  # by position: Qt hands a StrEnum back as a str
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

    def __init__(self, workspace: Workspace, found_page: FoundPage) -> None:
        super().__init__()
        self.workspace = workspace
        self.found_page = found_page
        self.imported = False
        self.setTitle("Import the invoices")
        self.setSubTitle("Press Import to write the invoices into the books in one step.")
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.import_button = QPushButton("&Import")
        self.message = MessageLine()
        self.done_label = QLabel()
        self.done_label.setWordWrap(True)
        self.done_label.setStyleSheet(f"color: {SUCCESS_COLOUR};")
        buttons = QHBoxLayout()
        buttons.addWidget(self.import_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary_label)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(self.done_label)
        layout.addStretch(1)
        self.import_button.clicked.connect(self.on_import_button_clicked)
        self.checked_again_because: str | None = None
        found_page.completeChanged.connect(self.on_checked_again)

    def initializePage(self) -> None:
        plan = self.found_page.plan
        assert plan is not None  # the page before is complete only with a plan
        self.show_plan(plan)

    def show_plan(self, plan: InvoicePlan, *, why_again: str | None = None) -> None:
        """The plan's figures; ``why_again``: the file was checked again, and this says why."""
        day = self.workspace.formats.day(plan.as_of)
        self.summary_label.setText(f"Importing {plan.path.name} as of {day} would make: {plan.describe()}.")
        self.import_button.setEnabled(plan.ready)
        self.done_label.clear()
        blocked = (
            None
            if plan.ready
            else "The file cannot be imported until every problem and question on the page before is settled."
        )
        shown = " ".join(part for part in (why_again, blocked) if part)
        self.message.show_problem(shown or None)

    def on_import_button_clicked(self) -> None:
        plan = self.found_page.plan
        if plan is None or not plan.ready or self.imported:
            return
        db, today = self.workspace.db, self.workspace.today()
        run_write(
            self,
            self.workspace,
            lambda: apply_invoice_plan(db, plan, today),
            Change.LEDGER | Change.CLIENTS,
            done=lambda _: self.on_imported(plan),
            busy=self.import_button,
            problem=self.message,
            failed=self.on_import_failed,
        )

    def on_import_failed(self, exc: BaseException) -> None:
        """Books written meanwhile: the message says so, and the file is checked again against them."""
        if isinstance(exc, BooksChanged):
            self.checked_again_because = sentence(exc.message)
            self.import_button.setEnabled(False)
            self.found_page.replan()

    def on_checked_again(self) -> None:
        plan = self.found_page.plan
        if self.checked_again_because is not None and plan is not None:
            why, self.checked_again_because = self.checked_again_because, None
            self.show_plan(plan, why_again=why)

    def on_imported(self, plan: InvoicePlan) -> None:
        self.imported = True
        self.import_button.setEnabled(False)
        day = self.workspace.formats.day(plan.as_of)
        self.done_label.setText(f"The import as of {day} is done: {plan.describe()}.")
        wizard = self.wizard()
        if wizard is not None:
            wizard.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
            wizard.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.imported
