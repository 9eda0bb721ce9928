"""The Invoices tab: every invoice, filtered by status and by what you type, sortable by any column."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from creditdesk.domain.invoice import InvoiceState
from creditdesk.services.ledger.invoice_list import InvoiceTable, StatusFilter, invoice_table
from creditdesk.services.reports.invoice_print import invoice_file_name, invoice_pdf
from creditdesk.ui.arrangements import dispute_dialog
from creditdesk.ui.forms import open_form
from creditdesk.ui.ledger import credit_note_dialog, invoice_dialog, payment_dialog
from creditdesk.ui.ledger.invoices_model import COLUMNS, ISSUED, PAINT_FIRST_MS, InvoicesModel
from creditdesk.ui.loading import BackgroundLoad
from creditdesk.ui.pdf_preview import preview_pdf, save_pdf
from creditdesk.ui.views import FollowsChanges
from creditdesk.ui.widgets import list_table
from creditdesk.ui.workspace import Change, Workspace

STATUS_CHOICES: tuple[tuple[str, StatusFilter, str], ...] = (
    ("All invoices", StatusFilter.ALL, "Every invoice, drafts and void ones too"),
    ("Open (unpaid)", StatusFilter.OPEN, "Issued and not fully paid, overdue and disputed ones included"),
    ("Overdue", StatusFilter.OVERDUE, "Past the due date with money still owed (disputed ones aside)"),
    ("Paid", StatusFilter.PAID, "Nothing left to pay"),
    ("Disputed", StatusFilter.DISPUTED, "Unpaid and disputed by the client"),
    ("Draft", StatusFilter.DRAFT, "Not issued yet"),
    ("Void", StatusFilter.VOID, "Cancelled, kept for the record"),
)
ISSUED_STATES = (InvoiceState.OPEN, InvoiceState.OVERDUE, InvoiceState.DISPUTED, InvoiceState.PAID)
# Adding up what the rows shown owe takes ~13 ms for 200,000 rows: for many rows it waits
# until typing pauses, so a keystroke never pays for it.
OWED_AT_ONCE_ROWS = 20_000
OWED_DELAY_MS = 250


class SearchBox(QLineEdit):
    """Esc clears what was typed; Down moves on to the table."""

    down_pressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.text():
            self.clear()
            return
        if event.key() == Qt.Key.Key_Down:
            self.down_pressed.emit()
            return
        super().keyPressEvent(event)


class InvoicesTab(FollowsChanges, QWidget):
    loaded = Signal()  # emitted after every finished background load
    status_message = Signal(str)  # a short note for the window's status bar

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.model = InvoicesModel(workspace.formats, self)
        self._busy = 0
        self._select_after_load: int | None = None
        # The load waits PAINT_FIRST_MS so the window repaints first (a dialog that just closed
        # leaves the table to redraw): a worker busy with Python makes painting wait its turn.
        self._load = BackgroundLoad(
            self, self._start_load, self._on_loaded, busy=self._show_loading, delay_ms=PAINT_FIRST_MS
        )

        self.search_box = SearchBox()
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setPlaceholderText("Search number, client, reference or amount")
        self.search_box.setToolTip("Every word must match; case and accents do not matter (Esc clears)")
        self.search_box.setMinimumWidth(self.fontMetrics().horizontalAdvance("0") * 44)
        self.status_combo = QComboBox()
        for text, status, tip in STATUS_CHOICES:
            self.status_combo.addItem(text, status.value)
            self.status_combo.setItemData(self.status_combo.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
        status_label = QLabel("Sho&w")
        status_label.setBuddy(self.status_combo)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(120)
        self.busy.setTextVisible(False)
        self.busy.hide()
        self.count_label = QLabel()
        self.count_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.table_view = list_table(
            self,
            self.model,
            {section: column.width for section, column in enumerate(COLUMNS)},
            selection=QAbstractItemView.SelectionMode.SingleSelection,
        )
        self.table_view.setSortingEnabled(True)
        header = self.table_view.horizontalHeader()
        header.setStretchLastSection(True)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.table_view.sortByColumn(ISSUED, Qt.SortOrder.DescendingOrder)
        self.placeholder = QLabel(self.table_view.viewport())
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.placeholder.setStyleSheet("color: #6b6b6b; padding: 24px;")
        self._owed_timer = QTimer(self)
        self._owed_timer.setSingleShot(True)
        self._owed_timer.setInterval(OWED_DELAY_MS)
        self._owed_timer.timeout.connect(self._show_owed)

        self._build_actions()
        top = QHBoxLayout()
        top.addWidget(self.search_box, 2)
        top.addSpacing(12)
        top.addWidget(status_label)
        top.addWidget(self.status_combo)
        top.addWidget(self.busy)
        top.addStretch(1)
        top.addWidget(self.count_label)
        bottom = QHBoxLayout()
        for action in (
            self.new_action,
            self.open_action,
            self.issue_action,
            self.void_action,
            self.credit_note_action,
            self.record_payment_action,
            self.allocate_action,
        ):
            bottom.addWidget(_button_for(action))
        bottom.addWidget(self._pdf_button())
        bottom.addStretch(1)
        bottom.addWidget(_button_for(self.delete_action))
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table_view, 1)
        layout.addLayout(bottom)
        self.setTabOrder(self.search_box, self.status_combo)
        self.setTabOrder(self.status_combo, self.table_view)

        self.search_box.textChanged.connect(self.on_search_box_text_changed)
        self.search_box.down_pressed.connect(self.on_search_box_down_pressed)
        self.status_combo.currentIndexChanged.connect(self.on_status_combo_current_index_changed)
        self.table_view.activated.connect(self.on_table_view_activated)
        self.table_view.customContextMenuRequested.connect(self.on_table_view_context_menu_requested)
        selection = self.table_view.selectionModel()
        selection.currentRowChanged.connect(self._update_actions)
        self.model.modelReset.connect(self._update_actions)
        self.model.busy_changed.connect(self._set_busy)
        self.follow_changes(workspace, Change.LEDGER | Change.CLIENTS | Change.ARRANGEMENTS, self.reload)
        self._update_actions()
        self._update_count()

    # -- building ------------------------------------------------------------------------------
    def _action(self, text: str, tip: str, slot: object, shortcut: str | None = None) -> QAction:
        action = QAction(text, self)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(action)
        action.triggered.connect(slot)
        return action

    def _build_actions(self) -> None:
        a = self._action
        self.new_action = a("&New invoice…", "Raise an invoice", self.on_new_clicked)
        self.open_action = a(
            "&Open…", "Open the invoice: change a draft, read an issued one", self.on_open_clicked
        )
        self.issue_action = a(
            "I&ssue", "Issue the draft: it gets its number and is owed", self.on_issue_clicked
        )
        self.void_action = a(
            "Voi&d…", "Cancel an issued invoice; money paid on it goes back on account", self.on_void_clicked
        )
        self.credit_note_action = a(
            "C&redit note…", "Credit the client against this invoice", self.on_credit_note_clicked
        )
        self.record_payment_action = a(
            "Record &payment…",
            "Record money received from this invoice's client",
            self.on_record_payment_clicked,
        )
        self.allocate_action = a(
            "Allocate on acco&unt…",
            "Apply the client's money on account to their open invoices",
            self.on_allocate_clicked,
        )
        self.dispute_action = a(
            "Dispute…", "Mark the invoice disputed: it is not chased until resolved", self.on_dispute_clicked
        )
        self.resolve_action = a(
            "Resolve dispute…",
            "Record how the dispute ended; the invoice is chased again if still owed",
            self.on_resolve_clicked,
        )
        self.delete_action = a("De&lete draft", "Delete the draft", self.on_delete_clicked, "Delete")
        self.show_client_action = a(
            "Show clien&t", "Open the client on the Clients tab", self.on_show_client_clicked
        )
        # No mnemonics: every letter of these is taken by the menus, the tabs or the buttons beside.
        self.preview_action = a(
            "Preview PDF",
            "See the invoice as it prints, then print or save it (Ctrl+P)",
            self.preview_document,
        )
        self.save_pdf_action = a("Save PDF…", "Save the invoice as a PDF file", self.on_save_pdf_clicked)

    def _pdf_button(self) -> QPushButton:
        """Preview and Save as PDF behind one button: the row has no room for two more at 900 pixels."""
        button = QPushButton("PDF")
        button.setToolTip("Preview the invoice as it prints (Ctrl+P), or save it as a PDF file")
        button.setAutoDefault(False)
        menu = QMenu(button)
        menu.addAction(self.preview_action)
        menu.addAction(self.save_pdf_action)
        button.setMenu(menu)
        self.preview_action.changed.connect(lambda: button.setEnabled(self.preview_action.isEnabled()))
        button.setEnabled(self.preview_action.isEnabled())
        return button

    # -- loading -------------------------------------------------------------------------------
    def reload(self) -> None:
        """Load every invoice in the background; a request while one runs is queued, not lost."""
        self._load.request()

    def _start_load(self) -> Callable[[], InvoiceTable]:
        db, as_of = self.workspace.db, self.workspace.today()
        key = self.model.wanted_sort[0]

        def work() -> InvoiceTable:
            table = invoice_table(db, as_of)
            table.order(key)  # sorted here, not on the GUI thread
            return table

        return work

    def _show_loading(self, loading: bool) -> None:
        self._set_busy(loading)
        self._update_placeholder()

    def _on_loaded(self, table: InvoiceTable) -> None:
        selected = self._select_after_load or self.selected_invoice_id()
        self._select_after_load = None
        self.model.set_table(table)
        if selected is not None:
            self._select(selected)
        self._update_count()
        self.loaded.emit()

    def _set_busy(self, busy: bool) -> None:
        self._busy = max(0, self._busy + (1 if busy else -1))
        self.busy.setVisible(self._busy > 0)
        if self._busy:
            self.table_view.viewport().setCursor(Qt.CursorShape.BusyCursor)
        else:
            self.table_view.viewport().unsetCursor()

    # -- selection -----------------------------------------------------------------------------
    def selected_invoice_id(self) -> int | None:
        index = self.table_view.currentIndex()
        return self.model.invoice_id(index.row()) if index.isValid() else None

    def select_invoice(self, invoice_id: int) -> bool:
        """Select and show an invoice, clearing the filters if they hide it.

        While a load is running the invoice is selected when it ends (and False is returned).
        """
        if self._load.running or self.model.table is None:
            self._select_after_load = invoice_id
            return False
        table = self.model.table
        if table.row_of(invoice_id) is None:
            return False
        if self.model.row_of(invoice_id) is None:
            self.search_box.clear()
            self.status_combo.setCurrentIndex(0)
        return self._select(invoice_id)

    def _select(self, invoice_id: int) -> bool:
        row = self.model.row_of(invoice_id)
        if row is None:
            return False
        index = self.model.index(row, 0)
        self.table_view.setCurrentIndex(index)
        self.table_view.selectRow(row)
        self.table_view.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)
        return True

    def _selected(self) -> tuple[int, int, InvoiceState] | None:
        """(invoice id, client id, state) of the selected invoice."""
        index = self.table_view.currentIndex()
        if not index.isValid():
            return None
        row = index.row()
        invoice_id, client_id, state = (
            self.model.invoice_id(row),
            self.model.client_id(row),
            self.model.state(row),
        )
        if invoice_id is None or client_id is None or state is None:
            return None
        return invoice_id, client_id, state

    def _update_actions(self) -> None:
        selected = self._selected()
        state = None if selected is None else selected[2]
        self.open_action.setEnabled(selected is not None)
        self.open_action.setText("Edit &draft…" if state is InvoiceState.DRAFT else "&Open…")
        self.issue_action.setEnabled(state is InvoiceState.DRAFT)
        self.delete_action.setEnabled(state is InvoiceState.DRAFT)
        self.void_action.setEnabled(state in ISSUED_STATES)
        self.credit_note_action.setEnabled(state in ISSUED_STATES)
        self.dispute_action.setEnabled(state in (InvoiceState.OPEN, InvoiceState.OVERDUE))
        self.resolve_action.setEnabled(state is InvoiceState.DISPUTED)
        self.show_client_action.setEnabled(selected is not None)
        self.preview_action.setEnabled(selected is not None)
        self.save_pdf_action.setEnabled(selected is not None)

    # -- what the table says ---------------------------------------------------------------------
    def _status(self) -> StatusFilter:
        return StatusFilter(self.status_combo.currentData())

    def _count_text(self) -> str:
        table = self.model.table
        if table is None:
            return ""
        shown, total = self.model.rowCount(), len(table)
        noun = "invoice" if total == 1 else "invoices"
        return f"{total:,} {noun}" if shown == total else f"{shown:,} of {total:,} {noun}"

    def _update_count(self) -> None:
        """The count at once; what the rows owe at once for a few, after a pause in typing for many."""
        self._owed_timer.stop()
        if self.model.rowCount() <= OWED_AT_ONCE_ROWS:
            self._show_owed()
        else:
            self.count_label.setText(self._count_text())
            self._owed_timer.start()
        self._update_placeholder()

    def _show_owed(self) -> None:
        text = self._count_text()
        owed = self.model.open_total()
        if owed > 0:
            text += f" · {self.workspace.formats.money(owed)} owed"
        self.count_label.setText(text)

    def _update_placeholder(self) -> None:
        table = self.model.table
        if table is None:
            text = "Loading invoices…" if self._load.running else ""
        elif len(table) == 0:
            text = "No invoices yet.\nUse “New invoice…” to raise the first one."
        elif self.model.rowCount() == 0:
            words = self.search_box.text().strip()
            status = self.status_combo.currentText().lower()
            what = "invoices" if self._status() is StatusFilter.ALL else f"{status} invoices"
            text = f"No {what} match “{words}”." if words else f"No {what}."
        else:
            text = ""
        self.placeholder.setText(text)
        self.placeholder.setVisible(bool(text))
        self.placeholder.resize(self.table_view.viewport().size())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.placeholder.resize(self.table_view.viewport().size())

    def on_search_box_down_pressed(self) -> None:
        if self.model.rowCount():
            self.table_view.setFocus()
            if not self.table_view.currentIndex().isValid():
                self.table_view.selectRow(0)

    # -- slots ---------------------------------------------------------------------------------
    def on_search_box_text_changed(self, text: str) -> None:
        selected = self.selected_invoice_id()
        self.model.set_text(text)
        if selected is not None:
            self._select(selected)
        self._update_count()

    def on_status_combo_current_index_changed(self, _: int) -> None:
        selected = self.selected_invoice_id()
        self.model.set_status(self._status())
        if selected is not None:
            self._select(selected)
        self._update_count()

    def on_table_view_activated(self, index: QModelIndex) -> None:
        self.on_open_clicked()

    def on_table_view_context_menu_requested(self, position: QPoint) -> None:
        menu = QMenu(self)
        for action in (self.open_action, self.issue_action, self.void_action, self.credit_note_action):
            menu.addAction(action)
        menu.addSeparator()  # the button row has no room left at 900 pixels: disputes live here
        menu.addAction(self.dispute_action)
        menu.addAction(self.resolve_action)
        menu.addSeparator()
        menu.addAction(self.preview_action)
        menu.addAction(self.save_pdf_action)
        menu.addSeparator()
        for action in (self.record_payment_action, self.allocate_action, self.show_client_action):
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.delete_action)
        menu.exec(self.table_view.viewport().mapToGlobal(position))
        menu.deleteLater()

    def _invoice_dialog(self, invoice_id: int | None) -> None:
        made: list[invoice_dialog.InvoiceDialog] = []

        def make() -> invoice_dialog.InvoiceDialog:
            made.append(invoice_dialog.InvoiceDialog(self.workspace, self, invoice_id=invoice_id))
            return made[0]

        if open_form(self, make):  # the dialog announced what it changed
            self._select_after_load = made[0].saved_id
            self.status_message.emit("Invoice saved")

    def on_new_clicked(self) -> None:
        self._invoice_dialog(None)

    def on_open_clicked(self) -> None:
        selected = self._selected()
        if selected is not None:
            self._invoice_dialog(selected[0])

    def on_issue_clicked(self) -> None:
        selected = self._selected()
        if selected is not None:
            invoice_dialog.issue_draft(
                self.workspace,
                self,
                selected[0],
                done=lambda: self.status_message.emit("Invoice issued"),
                busy=self.issue_action,  # not the whole tab: the table keeps the focus
            )

    def on_delete_clicked(self) -> None:
        selected = self._selected()
        if selected is not None and selected[2] is InvoiceState.DRAFT:
            invoice_dialog.delete_draft_asking(self.workspace, self, selected[0], busy=self.delete_action)

    def on_void_clicked(self) -> None:
        selected = self._selected()
        if selected is not None and invoice_dialog.void_invoice_asking(self.workspace, self, selected[0]):
            self.status_message.emit("Invoice voided")

    def on_credit_note_clicked(self) -> None:
        selected = self._selected()
        if selected is not None:
            credit_note_dialog.new_credit_note(self.workspace, self, invoice_id=selected[0])

    def on_dispute_clicked(self) -> None:
        selected = self._selected()
        if selected is not None and dispute_dialog.dispute_invoice(self.workspace, self, selected[0]):
            self._select_after_load = selected[0]
            self.status_message.emit(
                "Invoice marked disputed: it is not chased until the dispute is resolved"
            )

    def on_resolve_clicked(self) -> None:
        selected = self._selected()
        if selected is not None and dispute_dialog.resolve_invoice_dispute(self.workspace, self, selected[0]):
            self._select_after_load = selected[0]
            self.status_message.emit("Dispute resolved")

    def on_record_payment_clicked(self) -> None:
        selected = self._selected()
        payment_dialog.record_payment(self.workspace, self, None if selected is None else selected[1])

    def on_allocate_clicked(self) -> None:
        selected = self._selected()
        payment_dialog.allocate_on_account(self.workspace, self, None if selected is None else selected[1])

    def on_show_client_clicked(self) -> None:
        selected = self._selected()
        if selected is not None:
            self.workspace.events.show_client.emit(selected[1])

    def _selected_number(self) -> str | None:
        index = self.table_view.currentIndex()
        row = self.model.table_row(index.row()) if index.isValid() else None
        table = self.model.table
        return None if row is None or table is None else table.numbers[row]

    def preview_document(self) -> None:
        """The selected invoice as it prints (Ctrl+P), made in the background."""
        selected, number = self._selected(), self._selected_number()
        if selected is None or number is None:
            self.status_message.emit("Select an invoice to preview it")
            return
        db, invoice_id = self.workspace.db, selected[0]
        preview_pdf(
            self,
            lambda: invoice_pdf(db, invoice_id),
            f"Invoice {number}",
            invoice_file_name(number),
            self._set_busy,
        )

    def on_save_pdf_clicked(self) -> None:
        selected, number = self._selected(), self._selected_number()
        if selected is None or number is None:
            return
        db, invoice_id = self.workspace.db, selected[0]
        save_pdf(
            self,
            lambda: invoice_pdf(db, invoice_id),
            invoice_file_name(number),
            lambda path: self.status_message.emit(f"Invoice {number} saved as {path}"),
            self._set_busy,
        )


def _button_for(action: QAction) -> QPushButton:
    """A push button that mirrors an action (its text with the mnemonic, tip and enabled state)."""
    button = QPushButton(action.text())
    button.setToolTip(action.toolTip())
    button.setAutoDefault(False)

    def follow() -> None:
        button.setText(action.text())
        button.setEnabled(action.isEnabled())

    follow()
    action.changed.connect(follow)
    button.clicked.connect(action.trigger)
    return button
