"""The Outbox tab: today's reminders queued, reviewed, approved and sent from one place.

Every rule (what may be approved, cancelled, retried or marked done) is the
outbox's table of moves (``domain.outbox``), which the service enforces; the
buttons ask the same table about the selected rows, so that people are not
offered what the service would refuse. Lists are read in the background; the
actions are single short transactions.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from creditdesk.domain.chasing import Channel
from creditdesk.domain.outbox import BY_HAND, OutboxAction, moves, offered
from creditdesk.services.chasing import outbox, reminders
from creditdesk.services.chasing.outbox import OutboxFilters, OutboxRow, ReminderStatus
from creditdesk.services.chasing.outbox_letters import reminder_letter_file_name, reminder_letter_pdf
from creditdesk.services.chasing.sending import SendRunSummary, approved_email_ids, describe
from creditdesk.ui.chasing.message_dialog import open_message
from creditdesk.ui.chasing.outbox_model import SUBJECT, WIDTHS, OutboxModel
from creditdesk.ui.chasing.send_dialog import start_sending
from creditdesk.ui.errors import show_error
from creditdesk.ui.ledger.invoices_tab import SearchBox
from creditdesk.ui.loading import BackgroundLoad
from creditdesk.ui.ops import run_write
from creditdesk.ui.pdf_preview import preview_pdf
from creditdesk.ui.views import FollowsChanges
from creditdesk.ui.widgets import ERROR_COLOUR, HINT_COLOUR, list_table
from creditdesk.ui.workers import run_in_background
from creditdesk.ui.workspace import Change, Workspace

S = ReminderStatus
WAITING = frozenset({S.DRAFT, S.APPROVED, S.FAILED})  # what the tab's title counts
STATUS_CHOICES: tuple[tuple[str, frozenset[ReminderStatus], str], ...] = (
    ("All waiting", WAITING | {S.SENDING}, "Drafts, approved and failed messages: everything not done yet"),
    ("Drafts", frozenset({S.DRAFT}), "Queued and waiting for you to read and approve them"),
    ("Approved", frozenset({S.APPROVED}), "Approved: emails go with the next send"),
    ("Failed", frozenset({S.FAILED}), "The server refused them; the reason is in the Status tooltip"),
    ("Sent", frozenset({S.SENT}), "Sent, printed or called: on the client's timeline"),
    ("Cancelled", frozenset({S.CANCELLED}), "Cancelled: they will not go out"),
    ("Everything", frozenset(), "Every message ever queued"),
)
CHANNEL_CHOICES: tuple[tuple[str, Channel | None], ...] = (
    ("All channels", None),
    ("Email", Channel.EMAIL),
    ("Letter", Channel.LETTER),
    ("Phone call", Channel.PHONE),
)
SEARCH_DELAY_MS = 250
EMPTY_TEXT = "Nothing waiting. Queue today's reminders to see who is due a friendly nudge."


@dataclass(frozen=True)
class OutboxView:
    """One background read: the rows the filters show and the figures the buttons need."""

    rows: list[OutboxRow]
    counts: dict[ReminderStatus, int]
    approved_emails: int  # what "Send approved now" would send today

    @property
    def waiting(self) -> int:
        return sum(self.counts[status] for status in WAITING)


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}" + ("" if count == 1 else "s")


class OutboxTab(FollowsChanges, QWidget):
    loaded = Signal()  # emitted after every finished background load
    status_message = Signal(str)  # a short note for the window's status bar
    waiting_changed = Signal(int)  # drafts + approved + failed, for the tab's title

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.ssl_context: ssl.SSLContext | None = None  # None: the system's trusted certificates
        self.model = OutboxModel(workspace.formats, self)
        self.view: OutboxView | None = None
        self._busy = 0
        self._queueing = False
        self._sending = False
        self._select_after_load: set[int] = set()
        self._load = BackgroundLoad(self, self._start_load, self._on_loaded, busy=self._set_busy)

        self.queue_button = QPushButton("&Queue today's reminders")
        self.queue_button.setToolTip(
            "Work out who is due a reminder today and put the messages here as drafts to review"
        )
        self.queue_button.setAutoDefault(False)
        self.status_combo = QComboBox()
        for text, _, tip in STATUS_CHOICES:
            self.status_combo.addItem(text)
            self.status_combo.setItemData(self.status_combo.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
        status_label = QLabel("Sho&w")
        status_label.setBuddy(self.status_combo)
        self.channel_combo = QComboBox()
        for text, _ in CHANNEL_CHOICES:
            self.channel_combo.addItem(text)
        self.channel_combo.setToolTip("Emails, letters to print, or calls to make")
        self.search_box = SearchBox()
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setPlaceholderText("Search client or address")
        self.search_box.setToolTip("Part of a client's code or name, or of the address (Esc clears)")
        self.search_box.setMinimumWidth(self.fontMetrics().horizontalAdvance("0") * 28)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(120)
        self.busy.setTextVisible(False)
        self.busy.hide()
        self.count_label = QLabel()
        self.count_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notice_label = QLabel()
        self.notice_label.setWordWrap(True)
        self.notice_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notice_label.hide()

        self.table_view = list_table(self, self.model, dict(enumerate(WIDTHS)))
        header = self.table_view.horizontalHeader()
        header.setSectionResizeMode(SUBJECT, QHeaderView.ResizeMode.Stretch)  # the longest text gets the room
        self.placeholder = QLabel(self.table_view.viewport())
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.placeholder.setStyleSheet(f"color: {HINT_COLOUR}; padding: 24px;")
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.reload)

        self._build_actions()
        top = QHBoxLayout()
        top.addWidget(self.queue_button)
        top.addSpacing(12)
        top.addWidget(status_label)
        top.addWidget(self.status_combo)
        top.addWidget(self.channel_combo)
        top.addWidget(self.search_box, 1)
        top.addWidget(self.busy)
        top.addStretch(0)
        top.addWidget(self.count_label)
        bottom = QHBoxLayout()
        for action in (
            self.open_action,
            self.approve_action,
            self.approve_all_action,
            self.cancel_action,
            self.retry_action,
        ):
            bottom.addWidget(_button_for(action))
        bottom.addSpacing(12)
        bottom.addWidget(_button_for(self.print_letter_action))
        bottom.addWidget(_button_for(self.mark_done_action))
        bottom.addStretch(1)
        self.send_button = _button_for(self.send_action)
        bottom.addWidget(self.send_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.notice_label)
        layout.addWidget(self.table_view, 1)
        layout.addLayout(bottom)
        self.setTabOrder(self.queue_button, self.status_combo)
        self.setTabOrder(self.status_combo, self.channel_combo)
        self.setTabOrder(self.channel_combo, self.search_box)
        self.setTabOrder(self.search_box, self.table_view)

        self.queue_button.clicked.connect(self.on_queue_button_clicked)
        self.status_combo.currentIndexChanged.connect(self.reload)
        self.channel_combo.currentIndexChanged.connect(self.reload)
        self.search_box.textChanged.connect(self.on_search_box_text_changed)
        self.search_box.down_pressed.connect(self.on_search_box_down_pressed)
        self.table_view.activated.connect(self.on_table_view_activated)
        self.table_view.customContextMenuRequested.connect(self.on_table_view_context_menu_requested)
        self.table_view.selectionModel().selectionChanged.connect(self._update_actions)
        self.model.modelReset.connect(self._update_actions)
        self.follow_changes(
            workspace, Change.EVERYTHING & ~(Change.TIMELINE | Change.BANK), self.reload, even_hidden=True
        )
        self._update_actions()
        self._update_placeholder()

    # -- building ------------------------------------------------------------------------------
    def _action(
        self, text: str, tip: str, slot: Callable[[], object], shortcut: str | None = None
    ) -> QAction:
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
        self.open_action = a(
            "Pre&view/Edit…", "Read the message as it will go out, and change it", self.on_open_clicked
        )
        self.approve_action = a(
            "A&pprove", "Approve the selected drafts: emails go with the next send", self.on_approve_clicked
        )
        self.approve_all_action = a(
            "Approve all &drafts", "Approve every draft in the outbox", self.on_approve_all_clicked
        )
        self.cancel_action = a(
            "Ca&ncel…",
            "The selected messages will not go out; their stage counts as done",
            self.on_cancel_clicked,
            "Delete",
        )
        self.retry_action = a(
            "&Retry", "Put failed messages back as approved, to go with the next send", self.on_retry_clicked
        )
        self.print_letter_action = a(
            "Print &letter…",
            "See the letter on letterhead, then print or save it",
            self.on_print_letter_clicked,
        )
        self.mark_done_action = a(
            "&Mark done…",
            "The letter is posted or the call made: record it on the client's timeline",
            self.on_mark_done_clicked,
        )
        self.send_action = a(
            "&Send approved now",
            "Send every approved email through your own mail account",
            self.on_send_clicked,
        )
        self.show_client_action = a(
            "Show clien&t", "Open the client on the Clients tab", self.on_show_client_clicked
        )

    # -- loading -------------------------------------------------------------------------------
    def filters(self) -> OutboxFilters:
        statuses = STATUS_CHOICES[max(self.status_combo.currentIndex(), 0)][1]
        channel = CHANNEL_CHOICES[max(self.channel_combo.currentIndex(), 0)][1]
        return OutboxFilters(statuses=statuses, channel=channel, text=self.search_box.text())

    def reload(self) -> None:
        """Read the outbox in the background; a request while one runs is queued, not lost."""
        self._search_timer.stop()
        self._load.request()

    def _start_load(self) -> Callable[[], OutboxView]:
        db, filters, today = self.workspace.db, self.filters(), self.workspace.today()

        def work() -> OutboxView:
            return OutboxView(
                outbox.outbox_rows(db, filters),
                outbox.counts_by_status(db),
                len(approved_email_ids(db, today)),
            )

        return work

    def _on_loaded(self, view: OutboxView) -> None:
        selected = self._select_after_load or set(self.selected_ids())
        self._select_after_load = set()
        self.view = view
        self.model.set_rows(view.rows)
        self._select(selected)
        self._update_count()
        self._update_actions()
        self.waiting_changed.emit(view.waiting)
        self.loaded.emit()

    def _set_busy(self, busy: bool) -> None:
        self._busy = max(0, self._busy + (1 if busy else -1))
        self.busy.setVisible(self._busy > 0)
        if self._busy:
            self.table_view.viewport().setCursor(Qt.CursorShape.BusyCursor)
        else:
            self.table_view.viewport().unsetCursor()
        self._update_placeholder()

    # -- selection -----------------------------------------------------------------------------
    def selected_rows(self) -> list[OutboxRow]:
        picked = sorted(index.row() for index in self.table_view.selectionModel().selectedRows())
        return [self.model.rows[row] for row in picked if row < len(self.model.rows)]

    def selected_ids(self) -> list[int]:
        return [row.id for row in self.selected_rows()]

    def select_ids(self, ids: Collection[int]) -> None:
        self._select(set(ids))

    def _select(self, ids: set[int]) -> None:
        view, selection = self.table_view, self.table_view.selectionModel()
        selection.clearSelection()
        first: QModelIndex | None = None
        for reminder_id in ids:
            row = self.model.row_of(reminder_id)
            if row is None:
                continue
            index = self.model.index(row, 0)
            selection.select(
                index,
                selection.SelectionFlag.Select | selection.SelectionFlag.Rows,
            )
            if first is None or row < first.row():
                first = index
        if first is not None:
            selection.setCurrentIndex(first, selection.SelectionFlag.NoUpdate)
            view.scrollTo(first, QAbstractItemView.ScrollHint.EnsureVisible)

    def _update_actions(self) -> None:
        rows = self.selected_rows()
        statuses = {row.status for row in rows}
        channels = {row.channel for row in rows}
        one = len(rows) == 1
        self.open_action.setEnabled(one)
        self.show_client_action.setEnabled(one)
        self.approve_action.setEnabled(offered(OutboxAction.APPROVE, statuses))
        self.cancel_action.setEnabled(offered(OutboxAction.CANCEL, statuses))
        self.retry_action.setEnabled(offered(OutboxAction.RETRY, statuses))
        self.print_letter_action.setEnabled(one and channels == {Channel.LETTER})
        self.mark_done_action.setEnabled(offered(OutboxAction.MARK_DONE, statuses) and channels <= BY_HAND)
        if rows and Channel.PHONE in channels and Channel.LETTER not in channels:
            self.mark_done_action.setText("&Mark called…")
        else:
            self.mark_done_action.setText("&Mark done…")
        view = self.view
        drafts = 0 if view is None else view.counts[S.DRAFT]
        self.approve_all_action.setEnabled(drafts > 0)
        self.approve_all_action.setText(
            f"Approve all &drafts ({drafts:,})" if drafts else "Approve all &drafts"
        )
        ready = 0 if view is None else view.approved_emails
        self.send_action.setEnabled(ready > 0 and not self._sending)
        if self._sending:
            self.send_action.setText("Sending…")
        else:
            self.send_action.setText(f"&Send approved now ({ready:,})" if ready else "&Send approved now")
        self.queue_button.setEnabled(not self._queueing)

    # -- what the table says ---------------------------------------------------------------------
    def _update_count(self) -> None:
        view = self.view
        if view is None:
            self.count_label.clear()
            return
        counts = view.counts
        parts = [_plural(len(view.rows), "message") + " shown"]
        if counts[S.DRAFT]:
            parts.append(_plural(counts[S.DRAFT], "draft") + " to review")
        if counts[S.APPROVED]:
            parts.append(f"{counts[S.APPROVED]:,} approved")
        if counts[S.FAILED]:
            parts.append(f"<span style='color:{ERROR_COLOUR}'>{counts[S.FAILED]:,} failed</span>")
        self.count_label.setText(" · ".join(parts))
        self._update_placeholder()

    def _update_placeholder(self) -> None:
        view = self.view
        if view is None:
            text = "Reading the outbox…" if self._load.running else ""
        elif self.model.rowCount():
            text = ""
        else:
            filters = self.filters()
            words = filters.text.strip()
            everything_empty = sum(view.counts.values()) == 0
            if self.status_combo.currentIndex() == 0 and filters.channel is None and not words:
                text = EMPTY_TEXT
                if not everything_empty:
                    text = (
                        "Nothing waiting: every message has been sent or cancelled. Queue today's "
                        "reminders to see who is due a friendly nudge."
                    )
            else:
                what = self.status_combo.currentText().lower()
                channel = self.channel_combo.currentText().lower()
                scope = what if filters.channel is None else f"{what} ({channel})"
                text = f"No messages in “{scope}” match “{words}”." if words else f"Nothing in “{scope}”."
        self.placeholder.setText(text)
        self.placeholder.setVisible(bool(text))
        self.placeholder.resize(self.table_view.viewport().size())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.placeholder.resize(self.table_view.viewport().size())

    def show_notice(self, text: str, *, warning: bool = False) -> None:
        self.notice_label.setText(text)
        self.notice_label.setStyleSheet(f"color: {ERROR_COLOUR};" if warning else "")
        self.notice_label.setVisible(bool(text))
        if text and not self.isVisible():  # on another tab: the status bar says it instead
            self.status_message.emit(text)

    # -- slots ---------------------------------------------------------------------------------
    def on_search_box_text_changed(self, _: str) -> None:
        self._search_timer.start()

    def on_search_box_down_pressed(self) -> None:
        if self.model.rowCount():
            self.table_view.setFocus()
            if not self.selected_rows():
                self.table_view.selectRow(0)

    def on_table_view_activated(self, index: QModelIndex) -> None:
        self.on_open_clicked()

    def on_table_view_context_menu_requested(self, position: QPoint) -> None:
        menu = QMenu(self)
        for action in (self.open_action, self.approve_action, self.cancel_action, self.retry_action):
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.print_letter_action)
        menu.addAction(self.mark_done_action)
        menu.addSeparator()
        menu.addAction(self.show_client_action)
        menu.exec(self.table_view.viewport().mapToGlobal(position))
        menu.deleteLater()

    def on_queue_button_clicked(self) -> None:
        if self._queueing:
            return
        self._queueing = True
        self._update_actions()
        self._set_busy(True)
        db, today = self.workspace.db, self.workspace.today()
        run_in_background(self, lambda: reminders.queue(db, today), self._on_queued, self._on_queue_failed)

    def _on_queued(self, summary: reminders.QueueSummary) -> None:
        self._queueing = False
        self._set_busy(False)
        if summary.queued == 0 and summary.skipped_existing == 0:
            text = f"Nothing new to queue for {self.workspace.formats.day(self.workspace.today())}."
        else:
            text = summary.describe()
            if summary.approved:
                text += f"; {summary.approved:,} from automatic stages are approved, ready to send"
        self.show_notice(text)
        if summary.queued and self.status_combo.currentIndex() != 0:
            self.status_combo.setCurrentIndex(0)  # where the new drafts are; changing it reloads
        else:
            self.reload()

    def _on_queue_failed(self, exc: BaseException) -> None:
        self._queueing = False
        self._set_busy(False)
        self._update_actions()
        show_error(self, exc)

    def _act(self, work: Callable[[], object], done: str) -> bool:
        """One short outbox transaction; the list reloads whatever happened."""
        try:
            work()
        except Exception as exc:
            show_error(self, exc)
            self.reload()
            return False
        self.show_notice(done)
        self.reload()
        return True

    def on_open_clicked(self) -> None:
        rows = self.selected_rows()
        if len(rows) != 1:
            return
        if open_message(self.workspace, self, rows[0].id):
            self._select_after_load = {rows[0].id}
            self.reload()

    def on_approve_clicked(self) -> None:
        ids = self.selected_ids()
        if ids:
            db = self.workspace.db
            self._act(lambda: outbox.approve(db, ids), f"Approved {_plural(len(ids), 'message')}")

    def on_approve_all_clicked(self) -> None:
        db = self.workspace.db
        try:
            count = outbox.approve_all_drafts(db)
        except Exception as exc:
            show_error(self, exc)
            return
        self.show_notice(f"Approved {_plural(count, 'draft')}")
        self.reload()

    def on_cancel_clicked(self) -> None:
        rows = [row for row in self.selected_rows() if moves(row.status, OutboxAction.CANCEL)]
        if not rows or not self.cancel_action.isEnabled():
            return
        what = (
            f"the '{rows[0].stage_name}' message to {rows[0].client_name}"
            if len(rows) == 1
            else _plural(len(rows), "message")
        )
        answer = QMessageBox.question(
            self,
            "Cancel messages?",
            f"Cancel {what}? Cancelled messages never go out, and their stage counts as done "
            "for those invoices.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        db, ids = self.workspace.db, [row.id for row in rows]
        self._act(lambda: outbox.cancel(db, ids), f"Cancelled {_plural(len(ids), 'message')}")

    def on_retry_clicked(self) -> None:
        ids = self.selected_ids()
        if ids:
            db = self.workspace.db
            self._act(
                lambda: outbox.retry(db, ids),
                f"{_plural(len(ids), 'message')} approved again: they go with the next send",
            )

    def on_mark_done_clicked(self) -> None:
        rows = self.selected_rows()
        if not rows or not self.mark_done_action.isEnabled():
            return
        letters = sum(row.channel is Channel.LETTER for row in rows)
        calls = len(rows) - letters
        said = " and ".join(
            part
            for part in (
                _plural(letters, "letter") + (" posted" if letters else ""),
                _plural(calls, "call") + (" made" if calls else ""),
            )
            if not part.startswith("0 ")
        )
        answer = QMessageBox.question(
            self,
            "Mark done?",
            f"Record {said}? Each goes on the client's timeline and counts as their latest reminder.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        db, ids, now = self.workspace.db, [row.id for row in rows], datetime.now()
        run_write(  # everything: the clients' timelines and last contact changed too
            self,
            self.workspace,
            lambda: outbox.mark_done(db, ids, now),
            Change.EVERYTHING,
            done=lambda _: self.show_notice(f"Recorded {said}"),
            busy=self.mark_done_action,
            failed=lambda _: self.reload(),
        )

    def on_print_letter_clicked(self) -> None:
        rows = self.selected_rows()
        if len(rows) != 1 or rows[0].channel is not Channel.LETTER:
            self.status_message.emit("Select a letter to print it")
            return
        row, db = rows[0], self.workspace.db
        preview_pdf(
            self,
            lambda: reminder_letter_pdf(db, row.id),
            f"{row.stage_name} — {row.client_name}",
            reminder_letter_file_name(row.stage_name, row.client_code, row.planned_on),
            self._set_busy,
        )

    def preview_document(self) -> None:
        """Ctrl+P: the selected letter on letterhead, or the selected message as it goes out."""
        rows = self.selected_rows()
        if len(rows) == 1 and rows[0].channel is Channel.LETTER:
            self.on_print_letter_clicked()
        elif len(rows) == 1:
            self.on_open_clicked()
        else:
            self.status_message.emit("Select a message to preview it")

    def on_show_client_clicked(self) -> None:
        rows = self.selected_rows()
        if len(rows) == 1:
            self.workspace.events.show_client.emit(rows[0].client_id)

    def on_send_clicked(self) -> None:
        if self._sending:
            return
        started = start_sending(self.workspace, self, self._on_sent, ssl_context=self.ssl_context)
        if started:
            self._sending = True
            self.show_notice("Sending the approved reminders…")
            self._update_actions()

    def _on_sent(self, summary: SendRunSummary | None) -> None:
        self._sending = False
        self._update_actions()
        if summary is None:
            self.show_notice("")
            self.reload()
            return
        text = describe(summary)
        self.show_notice(text, warning=not summary.ok)
        if not summary.ok:
            box = QMessageBox(
                QMessageBox.Icon.Warning,
                "Some reminders did not go out",
                text,
                QMessageBox.StandardButton.Ok,
                self,
            )
            if summary.failures:
                box.setDetailedText("\n".join(str(failure) for failure in summary.failures))
            box.setModal(False)  # the result waits while people carry on
            box.show()
            box.finished.connect(box.deleteLater)
        if summary.sent or summary.interrupted:
            self.workspace.changed()  # sent messages are on the clients' timelines now
        else:
            self.reload()


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
