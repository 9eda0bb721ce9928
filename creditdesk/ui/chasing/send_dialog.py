"""Sending the approved outbox from the window: the account, the password, progress and cancel.

``sending.send_approved`` runs on a worker thread and reports into a
``Progress`` that a timer here reads; the worker never touches a widget or
emits a signal. The progress window is not modal, so the main window stays
usable while mail goes out; the sending lock beside the company file keeps
a second run (here or from a scheduled command) from sending at the same time.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from creditdesk.domain.errors import CreditDeskError, ValidationError
from creditdesk.services.chasing.mail_account import (
    NOT_SET_UP,
    SmtpConfig,
    account_of,
    password_for,
    remember_for_session,
    smtp_config,
)
from creditdesk.services.chasing.sending import AlreadySending, SendRunSummary, send_approved
from creditdesk.ui.errors import show_error
from creditdesk.ui.widgets import secondary
from creditdesk.ui.workers import Progress, run_in_background
from creditdesk.ui.workspace import Workspace

PROGRESS_POLL_MS = 100


class SendProgressDialog(QDialog):
    """How far the run has got; Cancel asks it to stop after the message on the wire."""

    def __init__(self, progress: Progress, server: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.progress = progress
        self.setWindowTitle("Sending reminders")
        self.setModal(False)
        self.setWindowModality(Qt.WindowModality.NonModal)
        self.label = QLabel(f"Connecting to {server}…")
        self.label.setMinimumWidth(self.fontMetrics().horizontalAdvance("0") * 48)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        self.bar.setTextVisible(False)
        self.cancel_button = secondary(QPushButton("Cancel"))
        self.cancel_button.setToolTip(
            "Stop after the message being sent now; the rest stay approved for the next send"
        )
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addLayout(buttons)
        self.timer = QTimer(self)
        self.timer.setInterval(PROGRESS_POLL_MS)
        self.timer.timeout.connect(self._show_progress)
        self.cancel_button.clicked.connect(self.reject)
        self.timer.start()

    def _show_progress(self) -> None:
        done, total = self.progress.snapshot()
        if total <= 0 or self.progress.cancelled():
            return
        self.bar.setRange(0, total)
        self.bar.setValue(done)
        noun = "reminder" if total == 1 else "reminders"
        self.label.setText(f"Sent {done} of {total} {noun}…" if done else f"Sending {total} {noun}…")

    def reject(self) -> None:
        """Cancel, Esc and the close button all ask the run to stop; the window closes when it has."""
        if not self.progress.cancelled():
            self.progress.cancel()
            self.cancel_button.setEnabled(False)
            self.cancel_button.setText("Stopping…")
            self.label.setText("Stopping after the message being sent now…")

    def finish(self) -> None:
        self.timer.stop()
        self.hide()
        self.deleteLater()


def ask_password(parent: QWidget, config: SmtpConfig) -> str | None:
    """The password typed for this session, or None when the user backs out."""
    password, ok = QInputDialog.getText(
        parent,
        "Email password",
        f"The password for {config.username} on {config.host}.\n"
        "It is kept only in memory until CreditDesk closes.",
        QLineEdit.EchoMode.Password,
    )
    return password if ok and password else None


def start_sending(
    workspace: Workspace,
    parent: QWidget,
    finished: Callable[[SendRunSummary | None], None],
    *,
    ssl_context: ssl.SSLContext | None = None,
) -> bool:
    """Send every approved email now, in the background; False when it did not start.

    ``finished`` gets the run's summary, or None when it failed (the error has
    then been shown). ``ssl_context`` is for tests, whose server has its own CA.
    """
    db = workspace.db
    try:
        config = smtp_config(db)
    except ValidationError:
        QMessageBox.information(parent, "Set up your email account first", NOT_SET_UP)
        return False
    try:
        password = password_for(config)
    except CreditDeskError as exc:
        show_error(parent, exc)
        return False
    typed = False
    if config.username and not config.sign_in.oauth and password is None:
        password = ask_password(parent, config)
        if password is None:
            return False
        typed = True
    progress = Progress()
    dialog = SendProgressDialog(progress, config.host, parent.window())
    dialog.show()
    as_of = workspace.today()

    def work() -> SendRunSummary:
        return send_approved(
            db,
            as_of=as_of,
            now=lambda: datetime.now().astimezone(),
            password=password,
            ssl_context=ssl_context,
            progress=progress.report,
            cancelled=progress.cancelled,
        )

    def done(summary: SendRunSummary) -> None:
        dialog.finish()
        if typed and password and summary.stopped_reason is None:
            # Kept only once the server took it: a mistyped one is asked for again next time.
            remember_for_session(account_of(config), password)
        finished(summary)

    def failed(exc: BaseException) -> None:
        dialog.finish()
        if isinstance(exc, AlreadySending):
            QMessageBox.information(parent, "Already sending", exc.message)
        else:
            show_error(parent, exc)
        finished(None)

    run_in_background(parent, work, done, failed)
    return True
