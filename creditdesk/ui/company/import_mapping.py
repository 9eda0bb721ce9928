"""The import wizard's mapping step: which source to read the file as, which column holds which field,
and "Save this mapping as…" so the user's own mapping can be chosen again by its name.

The panel holds no rules: it turns the user's choices into a source for the
service (a preset's key, a saved mapping, or the mapping being edited) and
asks the wizard to read the file again; saving goes through the op helper.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QInputDialog, QPushButton, QVBoxLayout, QWidget

from creditdesk.services.imports.invoice_import import InvoicePlan
from creditdesk.services.imports.mappings import (
    ColumnMapping,
    Field,
    SavedMapping,
    save_mapping,
    saved_mappings,
)
from creditdesk.ui.ops import run_read, run_write
from creditdesk.ui.widgets import MessageLine, hint_label, secondary
from creditdesk.ui.workspace import Change, Workspace

Source = str | SavedMapping | ColumnMapping
OWN_MAPPING = "Your own mapping"
NOT_IN_FILE = "Not in the file"
# The systems the wizard offers to read a file as, in the order shown.
SOURCE_CHOICES = (
    ("Recognise the source from its columns", "auto"),
    ("QuickBooks Online", "quickbooks"),
    ("Xero", "xero"),
    ("Sage Accounting", "sage"),
    ("Zoho Books", "zoho"),
    ("FreeAgent", "freeagent"),
    ("Wave", "wave"),
    ("CreditDesk's own export", "creditdesk"),
    ("A spreadsheet with the usual column names", "spreadsheet"),
)
# The fields the user maps by hand, each with the words the form shows.
MAPPED_FIELDS = (
    (Field.NUMBER, "Invoice number:"),
    (Field.CLIENT_NAME, "Client name:"),
    (Field.CLIENT_CODE, "Client code:"),
    (Field.CLIENT_EMAIL, "Client e-mail:"),
    (Field.ISSUE_DATE, "Issue date:"),
    (Field.DUE_DATE, "Due date:"),
    (Field.TOTAL, "Total:"),
    (Field.AMOUNT_DUE, "Amount due:"),
    (Field.AMOUNT_PAID, "Amount paid:"),
    (Field.CURRENCY, "Currency:"),
    (Field.STATUS, "Status:"),
    (Field.REFERENCE, "Reference:"),
)


def saved_label(name: str) -> str:
    return f"Saved mapping: {name}"


class MappingPanel(QWidget):
    """Source and column choices; ``source_changed`` asks for the file to be read again with ``source()``."""

    source_changed = Signal()

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.saved: list[SavedMapping] = []
        self.plan: InvoicePlan | None = None
        self.edited: ColumnMapping | None = None  # the user's own changes to the columns
        self.source_combo = QComboBox()
        self.source_combo.setObjectName("source")
        self.field_combos: dict[Field, QComboBox] = {}
        form = QFormLayout()
        form.addRow("&Read as:", self.source_combo)
        for target, label in MAPPED_FIELDS:
            combo = QComboBox()
            combo.setObjectName(f"field:{target.value}")
            combo.activated.connect(self.on_field_combo_activated)
            self.field_combos[target] = combo
            form.addRow(label, combo)
        self.save_button = secondary(QPushButton("&Save this mapping as…"))
        self.save_button.setEnabled(False)
        self.message = MessageLine()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        # Shown under the (scrolled) columns by the page, so saving is always in sight.
        self.footer = QWidget()
        below = QVBoxLayout(self.footer)
        below.setContentsMargins(0, 0, 0, 0)
        below.addWidget(
            hint_label(
                "Change a column to map the file by hand; save the mapping to choose it again next time."
            )
        )
        below.addWidget(self.save_button)
        below.addWidget(self.message)
        self._fill_sources()
        self.source_combo.activated.connect(self.on_source_combo_activated)
        self.save_button.clicked.connect(self.on_save_button_clicked)

    # -- the sources ------------------------------------------------------------------------------
    def load_saved(self, then: Callable[[], None] | None = None) -> None:
        """Read the saved invoice mappings (off the GUI thread) and list them among the sources."""
        db = self.workspace.db

        def done(found: list[SavedMapping]) -> None:
            self.saved = found
            self._fill_sources()
            if then is not None:
                then()

        run_read(self, lambda: saved_mappings(db, "invoices"), done)

    def _fill_sources(self) -> None:
        current = self.source_combo.currentText()
        self.source_combo.clear()
        for label, _ in SOURCE_CHOICES:
            self.source_combo.addItem(label)
        for saved in self.saved:
            self.source_combo.addItem(saved_label(saved.name))
        if self.edited is not None:
            self.source_combo.addItem(OWN_MAPPING)
        index = self.source_combo.findText(current)
        self.source_combo.setCurrentIndex(max(index, 0))

    def reset(self) -> None:
        self.edited = None
        self._fill_sources()
        self.source_combo.setCurrentIndex(0)

    def source(self) -> Source:
        index = self.source_combo.currentIndex()
        if index < len(SOURCE_CHOICES):
            return SOURCE_CHOICES[max(index, 0)][1]
        index -= len(SOURCE_CHOICES)
        if index < len(self.saved):
            return self.saved[index]
        assert self.edited is not None
        return self.edited

    def on_source_combo_activated(self) -> None:
        self.message.show_problem(None)
        self.source_changed.emit()

    # -- the columns ------------------------------------------------------------------------------
    def show_plan(self, plan: InvoicePlan | None, header: Sequence[str] = ()) -> None:
        """The file's columns in each field's list; without a plan, the bare ``header`` to map by hand."""
        self.plan = plan
        if plan is not None:
            header = plan.read.header
        columns: Mapping[Field, str] = plan.read.columns if plan is not None else {}
        names = [name for name in header if name]
        for target, combo in self.field_combos.items():
            combo.clear()
            combo.addItem(NOT_IN_FILE)
            combo.addItems(names)
            combo.setCurrentIndex(max(combo.findText(columns.get(target, NOT_IN_FILE)), 0))
            combo.setEnabled(bool(names))
        self.save_button.setEnabled(plan is not None and bool(columns))

    def on_field_combo_activated(self) -> None:
        columns: dict[Field, str] = dict(self.plan.read.columns) if self.plan is not None else {}
        for target, combo in self.field_combos.items():
            columns.pop(target, None)
            if combo.currentIndex() > 0:
                columns[target] = combo.currentText()
        self.edited = ColumnMapping(OWN_MAPPING, columns)
        self._fill_sources()
        self.source_combo.setCurrentIndex(self.source_combo.findText(OWN_MAPPING))
        self.source_changed.emit()

    # -- saving -----------------------------------------------------------------------------------
    def ask_name(self) -> str | None:
        name, ok = QInputDialog.getText(
            self, "Save this mapping", "A name to choose this mapping by next time:"
        )
        return name.strip() if ok and name.strip() else None

    def on_save_button_clicked(self) -> None:
        plan = self.plan
        if plan is None:
            return
        name = self.ask_name()
        if name is None:
            return
        read = plan.read
        statuses = dict(self.edited.statuses) if self.edited is not None else {}
        dates = {
            column: found.order for column, found in read.formats.dates.items() if found.order is not None
        }
        numbers = {
            column: found.format for column, found in read.formats.amounts.items() if found.format is not None
        }
        saved = SavedMapping("invoices", ColumnMapping(name, dict(read.columns), statuses), dates, numbers)
        db = self.workspace.db
        run_write(
            self,
            self.workspace,
            lambda: save_mapping(db, saved),
            Change(0),
            done=lambda _: self.on_saved(name),
            busy=self.save_button,
            problem=self.message,
        )

    def on_saved(self, name: str) -> None:
        self.message.show_problem(None)

        def choose() -> None:
            self.source_combo.setCurrentIndex(self.source_combo.findText(saved_label(name)))

        self.load_saved(choose)
