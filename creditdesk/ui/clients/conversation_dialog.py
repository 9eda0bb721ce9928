"""Logging a call, an email received, a meeting or a note, with an optional follow-up date.

A follow-up date puts the conversation back on the Today list on that day.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QDate, QDateTime, QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from creditdesk.services.clients.conversations import ConversationInput, ConversationKind, log_conversation
from creditdesk.services.clients.overview import client_detail
from creditdesk.ui.forms import FormDialog, Write, open_form
from creditdesk.ui.ledger.invoice_picker import InvoicePicker
from creditdesk.ui.widgets import date_edit, from_qdate, mark_invalid
from creditdesk.ui.workspace import Change, Workspace

FOLLOW_UP_DAYS = 3


class ConversationDialog(FormDialog):
    changes = Change.TIMELINE | Change.ARRANGEMENTS  # a promise made on the call is an arrangement

    def __init__(
        self,
        workspace: Workspace,
        client_id: int,
        parent: QWidget | None = None,
        *,
        kind: ConversationKind = ConversationKind.CALL,
        invoice_ids: tuple[int, ...] = (),
    ) -> None:
        super().__init__(workspace, parent)
        self.client_id = client_id
        self.saved_id: int | None = None
        today = workspace.today()
        detail = client_detail(workspace.db, client_id, today)
        self.setWindowTitle(f"Log a conversation — {detail.name}")

        self.kind_combo = QComboBox()
        for k in ConversationKind:
            self.kind_combo.addItem(k.label, k.value)
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(kind.value))
        now = datetime.now()
        self.when_edit = QDateTimeEdit(
            QDateTime(QDate(today.year, today.month, today.day), QTime(now.hour, now.minute))
        )
        self.when_edit.setCalendarPopup(True)
        self.when_edit.setDisplayFormat("d MMM yyyy  HH:mm")
        self.outcome_edit = QLineEdit()
        self.outcome_edit.setPlaceholderText("The outcome in a line, e.g. “Cheque in the post on Friday”")
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setPlaceholderText("Optional: more of what was said")
        self.notes_edit.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 14)
        self.invoices = InvoicePicker(workspace.formats)
        self.invoices.pick_model.set_items(detail.open_invoices, invoice_ids)
        self.invoices.setToolTip("Optional: tick the invoices the conversation was about")
        self.follow_up_box = QCheckBox("&Follow up on")
        self.follow_up_box.setChecked(True)
        self.follow_up_edit = date_edit(workspace, today + timedelta(days=FOLLOW_UP_DAYS))
        self.follow_up_box.toggled.connect(self.follow_up_edit.setEnabled)

        self.save_button: QPushButton = self.ok_button
        self.save_button.setText("Log it")

        follow_row = QHBoxLayout()
        follow_row.addWidget(self.follow_up_box)
        follow_row.addWidget(self.follow_up_edit)
        follow_row.addStretch(1)
        top_row = QHBoxLayout()
        top_row.addWidget(self.kind_combo)
        top_row.addWidget(self.when_edit)
        top_row.addStretch(1)
        form = QFormLayout()
        for text, widget in (
            ("&What", top_row),
            ("&Outcome", self.outcome_edit),
            ("&Notes", self.notes_edit),
            ("&Invoices", self.invoices),
        ):
            label = QLabel(text)
            if isinstance(widget, QWidget):
                label.setBuddy(widget)
                form.addRow(label, widget)
            else:
                label.setBuddy(self.kind_combo)
                form.addRow(label, widget)
        form.addRow("", follow_row)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(580)
        self.outcome_edit.textEdited.connect(lambda _: self._clear_problem())
        self.outcome_edit.setFocus()

    def _clear_problem(self) -> None:
        mark_invalid(self.outcome_edit, False)
        self.message.show_problem(None)

    def when(self) -> datetime:
        value = self.when_edit.dateTime()
        day, time = value.date(), value.time()
        return datetime(day.year(), day.month(), day.day(), time.hour(), time.minute())

    def read(self) -> ConversationInput | None:
        outcome, notes = self.outcome_edit.text().strip(), self.notes_edit.toPlainText().strip()
        if not (outcome or notes):
            mark_invalid(self.outcome_edit, True)
            self.message.show_problem("Write the outcome (or a note): what was said or agreed.")
            self.outcome_edit.setFocus()
            return None
        follow_up = from_qdate(self.follow_up_edit.date()) if self.follow_up_box.isChecked() else None
        return ConversationInput(
            client_id=self.client_id,
            kind=ConversationKind(self.kind_combo.currentData()),
            at=self.when(),
            outcome=outcome,
            notes=notes,
            follow_up_on=follow_up,
            invoice_ids=tuple(self.invoices.checked_ids()),
        )

    def write(self) -> Write | None:
        data = self.read()
        if data is None:
            return None
        db = self.workspace.db
        return lambda: log_conversation(db, data)

    def saved_with(self, result: object) -> None:
        assert isinstance(result, int)
        self.saved_id = result


def log_call(
    workspace: Workspace,
    parent: QWidget | None,
    client_id: int,
    invoice_ids: tuple[int, ...] = (),
) -> bool:
    """Ask for a conversation (a call by default) and log it; True once saved."""
    return open_form(
        parent, lambda: ConversationDialog(workspace, client_id, parent, invoice_ids=invoice_ids)
    )
