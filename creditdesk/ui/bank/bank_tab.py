"""The Bank tab: every credit read from a bank statement, what was done with it, and the one-click
actions on what waits: confirm a suggestion, assign a payer to a client, ignore, undo.

Which action applies to which entry is the bank services' rule (``services.bank.entries``); the
buttons offer only what the service would accept for the selected rows, and whatever the service
refuses anyway (another window got there first, an invoice was paid meanwhile) is said on the
tab's message line. The list is read in the background and reloads after every change to the bank
entries, the ledger or the clients' names.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, QPoint, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from creditdesk.domain.formats import Formats
from creditdesk.domain.matching import Outcome
from creditdesk.services.bank.entries import (
    IGNORED,
    IN_THE_BOOKS,
    WAITING,
    BankEntryView,
    confirm_entries,
    count_entries_to_look_at,
    ignore_entries,
    list_bank_entries,
    undo_entry,
)
from creditdesk.ui.bank.assign_dialog import ASSIGN_CHANGES, assign_to_client
from creditdesk.ui.bank.bank_model import AMOUNT, BOOKED, DONE, PAYER, REASON, TEXT, BankModel
from creditdesk.ui.loading import BackgroundLoad
from creditdesk.ui.ops import run_write
from creditdesk.ui.views import FollowsChanges
from creditdesk.ui.widgets import HINT_COLOUR, MessageLine, ask, list_table
from creditdesk.ui.workspace import Change, Workspace

# (what the filter says, the statuses it shows or None for all, its tip)
STATUS_CHOICES: tuple[tuple[str, tuple[str, ...] | None, str], ...] = (
    ("Waiting for you", WAITING, "Suggestions to confirm and payments nobody was found for"),
    ("Applied", IN_THE_BOOKS, "Recorded as payments, or linked to payments entered by hand"),
    ("All", None, "Every payment read from a bank statement, ignored ones too"),
)
UNDOABLE = (*IN_THE_BOOKS, IGNORED)
# In digits of the table's font; what was done and why share what is left, wrapped when narrow.
WIDTHS = {BOOKED: 11, AMOUNT: 13, PAYER: 22, TEXT: 26}
WRAPPED = (DONE, REASON)
MAX_LINES = 3  # a row grows to show the longest reason whole on a narrow window, and no further
LONGEST = (
    12  # the widest texts measured for wrapping; word breaks make the very widest not always the tallest
)
SHOWS = Change.BANK | Change.LEDGER | Change.CLIENTS  # entries, what they pay, clients' names


@dataclass(frozen=True)
class BankList:
    """One background read: the rows the filter shows and how many wait for the user."""

    rows: list[BankEntryView]
    waiting: int


def waiting_text(count: int, fmt: Formats) -> str:
    if count == 0:
        return "Nothing is waiting for you."
    if count == 1:
        return "1 bank payment is waiting for you."
    return f"{fmt.count(count)} bank payments are waiting for you."


def confirmed_text(count: int, fmt: Formats) -> str:
    if count == 1:
        return "The suggestion is confirmed and its payment recorded."
    return f"{fmt.count(count)} suggestions are confirmed and their payments recorded."


def ignored_text(count: int, fmt: Formats) -> str:
    if count == 1:
        return "The bank payment is ignored; it no longer waits for you."
    return f"{fmt.count(count)} bank payments are ignored; they no longer wait for you."


class BankTab(FollowsChanges, QWidget):
    loaded = Signal()  # after every finished background load
    status_message = Signal(str)  # a short note for the window's status bar
    waiting_changed = Signal(int)  # suggested + unmatched, for the tab's title
    import_requested = Signal()  # the user asked to import a bank statement (the window opens the dialog)

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.model = BankModel(workspace.formats, self)
        self.listing: BankList | None = None
        self._select_after_load: set[int] = set()
        self._longest: dict[int, list[str]] = {}  # per wrapped column, its widest texts shown
        self._load = BackgroundLoad(self, self._start_load, self._on_loaded, busy=self._set_busy)

        self.status_combo = QComboBox()
        for text, _, tip in STATUS_CHOICES:
            self.status_combo.addItem(text)
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
        self.message_line = MessageLine()

        self.table_view = list_table(self, self.model, WIDTHS)
        self.table_view.setWordWrap(True)
        self.table_view.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.table_view.horizontalHeader()
        for section in WRAPPED:
            header.setSectionResizeMode(section, QHeaderView.ResizeMode.Stretch)
        header.sectionResized.connect(self._fit_rows)
        self.placeholder = QLabel(self.table_view.viewport())
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.placeholder.setStyleSheet(f"color: {HINT_COLOUR}; padding: 24px;")

        self._build_actions()
        top = QHBoxLayout()
        top.addWidget(status_label)
        top.addWidget(self.status_combo)
        top.addWidget(self.busy)
        top.addStretch(1)
        top.addWidget(self.count_label)
        self.import_button = QPushButton(self.tr("&Import statement…"))
        self.import_button.setAutoDefault(False)
        self.import_button.setToolTip(
            self.tr("Read the bank's statement file and apply the payments it proves")
        )
        self.import_button.clicked.connect(self.import_requested)
        top.addWidget(self.import_button)
        bottom = QHBoxLayout()
        self.confirm_button = _button_for(self.confirm_action)
        self.assign_button = _button_for(self.assign_action)
        self.ignore_button = _button_for(self.ignore_action)
        self.undo_button = _button_for(self.undo_action)
        for button in (self.confirm_button, self.assign_button, self.ignore_button):
            bottom.addWidget(button)
        bottom.addSpacing(12)
        bottom.addWidget(self.undo_button)
        bottom.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.message_line)
        layout.addWidget(self.table_view, 1)
        layout.addLayout(bottom)
        self.setTabOrder(self.status_combo, self.table_view)

        self.status_combo.currentIndexChanged.connect(self.on_status_combo_current_index_changed)
        self.table_view.activated.connect(self.on_table_view_activated)
        self.table_view.customContextMenuRequested.connect(self.on_table_view_context_menu_requested)
        self.table_view.selectionModel().selectionChanged.connect(self._update_actions)
        self.model.modelReset.connect(self._update_actions)
        # Even hidden: the count of what waits is on the tab's title.
        self.follow_changes(workspace, SHOWS, self.reload, even_hidden=True)
        self._update_actions()
        self._update_placeholder()

    # -- building ------------------------------------------------------------------------------
    def _action(self, text: str, tip: str, slot: Callable[[], object]) -> QAction:
        action = QAction(text, self)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        action.triggered.connect(slot)
        return action

    def _build_actions(self) -> None:
        a = self._action
        self.confirm_action = a(
            "Confir&m",
            "Record the payment each selected suggestion proposes, for the client and invoices it names",
            self.on_confirm_clicked,
        )
        self.assign_action = a(
            "Assi&gn to client…",
            "Choose the client who paid; the payment is recorded for them and the payer remembered",
            self.on_assign_clicked,
        )
        self.ignore_action = a(
            "Ig&nore",
            "Not a customer's payment (a refund, a transfer between your accounts): stop waiting for it",
            self.on_ignore_clicked,
        )
        self.undo_action = a(
            "&Undo…",
            "Take back what was done: the payment recorded for it and its allocations are removed",
            self.on_undo_clicked,
        )

    # -- loading -------------------------------------------------------------------------------
    def statuses(self) -> tuple[str, ...] | None:
        return STATUS_CHOICES[max(self.status_combo.currentIndex(), 0)][1]

    def reload(self) -> None:
        """Read the entries in the background; a request while one runs is queued, not lost."""
        self._load.request()

    def _start_load(self) -> Callable[[], BankList]:
        db, statuses = self.workspace.db, self.statuses()
        return lambda: BankList(list_bank_entries(db, statuses), count_entries_to_look_at(db))

    def _on_loaded(self, listing: BankList) -> None:
        selected = self._select_after_load or set(self.selected_ids())
        self._select_after_load = set()
        self.listing = listing
        self.model.set_rows(listing.rows)
        self._select(selected)
        self.count_label.setText(waiting_text(listing.waiting, self.workspace.formats))
        self._find_longest()
        self._fit_rows()
        self._update_actions()
        self._update_placeholder()
        self.waiting_changed.emit(listing.waiting)
        self.loaded.emit()

    def _set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        self._update_placeholder()

    # -- selection -----------------------------------------------------------------------------
    def selected_entries(self) -> list[BankEntryView]:
        picked = sorted(index.row() for index in self.table_view.selectionModel().selectedRows())
        return [self.model.rows[row] for row in picked if row < len(self.model.rows)]

    def selected_ids(self) -> list[int]:
        return [entry.id for entry in self.selected_entries()]

    def select_ids(self, ids: Collection[int]) -> None:
        self._select(set(ids))

    def _select(self, ids: set[int]) -> None:
        selection = self.table_view.selectionModel()
        selection.clearSelection()
        first: QModelIndex | None = None
        for entry_id in ids:
            row = self.model.row_of(entry_id)
            if row is None:
                continue
            index = self.model.index(row, 0)
            selection.select(index, selection.SelectionFlag.Select | selection.SelectionFlag.Rows)
            if first is None or row < first.row():
                first = index
        if first is not None:
            selection.setCurrentIndex(first, selection.SelectionFlag.NoUpdate)
            self.table_view.scrollTo(first, QAbstractItemView.ScrollHint.EnsureVisible)

    def _update_actions(self) -> None:
        entries = self.selected_entries()
        statuses = {entry.status for entry in entries}
        one = len(entries) == 1
        self.confirm_action.setEnabled(bool(entries) and statuses == {Outcome.SUGGESTED.value})
        self.assign_action.setEnabled(one and statuses <= set(WAITING))
        self.ignore_action.setEnabled(bool(entries) and statuses <= set(WAITING))
        self.undo_action.setEnabled(one and statuses <= set(UNDOABLE))

    def _update_placeholder(self) -> None:
        listing = self.listing
        if listing is None:
            text = "Reading the bank payments…" if self._load.running else ""
        elif self.model.rowCount():
            text = ""
        elif self.statuses() == WAITING:
            text = (
                "No bank payment is waiting for you. The payments of the bank statements you import "
                "(File → Import bank statement…, or Import statement… above) are listed here, with what "
                "was done with each."
            )
        else:
            text = f"Nothing in “{self.status_combo.currentText()}”."
        self.placeholder.setText(text)
        self.placeholder.setVisible(bool(text))
        self.placeholder.resize(self.table_view.viewport().size())

    def _find_longest(self) -> None:
        """The widest texts of each wrapped column, measured once per load rather than on every
        step of dragging a column's edge."""
        metrics = self.table_view.fontMetrics()
        for column in WRAPPED:
            texts = {str(self.model.index(row, column).data()) for row in range(self.model.rowCount())}
            self._longest[column] = sorted(texts, key=metrics.horizontalAdvance, reverse=True)[:LONGEST]

    def _fit_rows(self) -> None:
        """Rows as tall as the longest "what was done" or reason needs in its column's width (up to
        ``MAX_LINES``), so a reason is read whole rather than cut; one line when the window is wide."""
        metrics = self.table_view.fontMetrics()
        lines = 1
        for column in WRAPPED:
            room = self.table_view.columnWidth(column) - 12  # the cell's margins
            for text in self._longest.get(column, ()):
                if room <= 0 or lines >= MAX_LINES:
                    break
                bounds = metrics.boundingRect(QRect(0, 0, room, 10_000), Qt.TextFlag.TextWordWrap, text)
                lines = max(lines, min(MAX_LINES, -(-bounds.height() // metrics.lineSpacing())))
        height = lines * metrics.lineSpacing() + 8
        rows = self.table_view.verticalHeader()
        if rows.defaultSectionSize() != height:
            rows.setDefaultSectionSize(height)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.placeholder.resize(self.table_view.viewport().size())
        # Stretched columns take their new widths once the layout has run: fit the rows after it.
        QTimer.singleShot(0, self, self._fit_rows)

    # -- slots ---------------------------------------------------------------------------------
    def on_status_combo_current_index_changed(self, _: int) -> None:
        self.message_line.show_problem(None)
        self.reload()

    def on_table_view_activated(self, index: QModelIndex) -> None:
        """Enter or a double click on a waiting entry: choose its client (a suggestion's may change)."""
        if self.assign_action.isEnabled():
            self.on_assign_clicked()

    def on_table_view_context_menu_requested(self, position: QPoint) -> None:
        menu = QMenu(self)
        for action in (self.confirm_action, self.assign_action, self.ignore_action):
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.undo_action)
        menu.exec(self.table_view.viewport().mapToGlobal(position))
        menu.deleteLater()

    def _write(
        self, work: Callable[[], object], changes: Change, done: str, busy: QAction, keep: Sequence[int]
    ) -> None:
        """One bank action: its refusal on the message line, and the list read again either way."""
        self.message_line.show_problem(None)
        self._select_after_load = set(keep)
        run_write(
            self,
            self.workspace,
            work,
            changes,
            done=lambda _: self.status_message.emit(done),
            busy=busy,
            problem=self.message_line,
            failed=lambda _: self.reload(),
        )

    def on_confirm_clicked(self) -> None:
        entries = [e for e in self.selected_entries() if e.status == Outcome.SUGGESTED]
        if not entries or not self.confirm_action.isEnabled():
            return
        db, ids = self.workspace.db, [e.id for e in entries]
        self._write(
            lambda: confirm_entries(db, ids),
            ASSIGN_CHANGES,
            confirmed_text(len(ids), self.workspace.formats),
            self.confirm_action,
            ids,
        )

    def on_assign_clicked(self) -> None:
        entries = self.selected_entries()
        if len(entries) != 1 or not self.assign_action.isEnabled():
            return
        self.message_line.show_problem(None)
        entry = entries[0]
        self._select_after_load = {entry.id}
        if assign_to_client(self.workspace, self, entry):
            amount = self.workspace.formats.money(entry.amount)
            self.status_message.emit(f"The bank payment of {amount} is recorded for the client.")

    def on_ignore_clicked(self) -> None:
        entries = [e for e in self.selected_entries() if e.status in WAITING]
        if not entries or not self.ignore_action.isEnabled():
            return
        db, ids = self.workspace.db, [e.id for e in entries]
        self._write(
            lambda: ignore_entries(db, ids),
            Change.BANK,
            ignored_text(len(ids), self.workspace.formats),
            self.ignore_action,
            ids,
        )

    def on_undo_clicked(self) -> None:
        entries = self.selected_entries()
        if len(entries) != 1 or not self.undo_action.isEnabled():
            return
        entry, fmt = entries[0], self.workspace.formats
        amount = fmt.money(entry.amount)
        if entry.status == Outcome.APPLIED:
            text = f"Undo the payment of {amount} recorded from this bank entry?"
            detail = (
                "It removes the payment and its allocations, so the invoices it paid are open again. "
                "The bank entry waits for you once more."
            )
            changes = ASSIGN_CHANGES
        elif entry.status == Outcome.LINKED:
            text = f"Unlink the bank entry of {amount} from the payment entered by hand?"
            detail = "The payment entered by hand stays in the books; the bank entry waits for you once more."
            changes = Change.BANK
        else:
            text = f"Stop ignoring the bank entry of {amount}?"
            detail = "The bank entry waits for you once more."
            changes = Change.BANK
        if not ask(self, "Undo what was done?", text, "&Undo", detail=detail):
            return
        db, entry_id = self.workspace.db, entry.id
        self._write(
            lambda: undo_entry(db, entry_id),
            changes,
            "What was done with the bank entry is undone; it waits for you again.",
            self.undo_action,
            [entry_id],
        )


def _button_for(action: QAction) -> QPushButton:
    """A push button that follows an action: its text, tip and whether it is enabled."""
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
