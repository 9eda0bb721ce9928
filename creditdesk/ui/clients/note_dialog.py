"""Logging a note against a client: a call, a promise, anything said or agreed."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDate, QDateTime, QTime
from PySide6.QtWidgets import (
    QDateTimeEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from creditdesk.services.clients import records as client_service
from creditdesk.ui.forms import FormDialog, Write, open_form
from creditdesk.ui.widgets import ERROR_COLOUR, HINT_COLOUR
from creditdesk.ui.workspace import Change, Workspace


class NoteDialog(FormDialog):
    changes = Change.TIMELINE

    def __init__(self, workspace: Workspace, client_id: int, parent: QWidget | None = None) -> None:
        super().__init__(workspace, parent)
        self.client_id = client_id
        self.saved = False
        name = client_service.client_form(workspace.db, client_id).name
        self.setWindowTitle(f"Log a note — {name}")

        now = datetime.now()
        today = workspace.today()
        self.when_edit = QDateTimeEdit(
            QDateTime(QDate(today.year, today.month, today.day), QTime(now.hour, now.minute))
        )
        self.when_edit.setCalendarPopup(True)
        self.when_edit.setDisplayFormat("d MMM yyyy  HH:mm")
        self.when_edit.setToolTip("When the call or conversation took place")
        self.text_edit = QPlainTextEdit()
        self.text_edit.setTabChangesFocus(True)
        self.text_edit.setPlaceholderText(
            "What was said or agreed, e.g. “Called Sarah: she promised payment of INV-00123 by Friday.”"
        )
        self.text_edit.setMinimumHeight(self.fontMetrics().lineSpacing() * 6 + 14)
        self.message_label = self.message  # a hint while the note is empty, the problem once refused
        self.message_label.show()
        self.ok_button.setText("Log note")

        form = QFormLayout()
        when_label = QLabel("&When")
        when_label.setBuddy(self.when_edit)
        note_label = QLabel("&Note")
        note_label.setBuddy(self.text_edit)
        when_row = QHBoxLayout()
        when_row.addWidget(self.when_edit)
        when_row.addStretch(1)
        form.addRow(when_label, when_row)
        form.addRow(note_label, self.text_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message_label)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)
        self.text_edit.textChanged.connect(self.validate)
        self.validate()
        self.text_edit.setFocus()

    def validate(self) -> bool:
        text = self.text_edit.toPlainText().strip()
        limit = client_service.NOTE_MAX_LENGTH
        if not text:
            self.message_label.setStyleSheet(f"color: {HINT_COLOUR};")
            self.message_label.setText("Write the note; it goes on the client's timeline.")
            ok = False
        elif len(text) > limit:
            self.message_label.setStyleSheet(f"color: {ERROR_COLOUR};")
            self.message_label.setText(f"⚠ The note is {len(text):,} characters long; the most is {limit:,}.")
            ok = False
        else:
            self.message_label.setText("")
            ok = True
        self.ok_button.setEnabled(ok)
        return ok

    def when(self) -> datetime:
        value = self.when_edit.dateTime()
        day, time = value.date(), value.time()
        return datetime(day.year(), day.month(), day.day(), time.hour(), time.minute())

    def write(self) -> Write | None:
        if not self.validate():
            return None
        db, client_id, text, when = (
            self.workspace.db,
            self.client_id,
            self.text_edit.toPlainText(),
            self.when(),
        )
        return lambda: client_service.log_note(db, client_id, text, when)


def log_note(workspace: Workspace, parent: QWidget | None, client_id: int) -> bool:
    """Ask for a note and log it; True once saved."""
    return open_form(parent, lambda: NoteDialog(workspace, client_id, parent))
