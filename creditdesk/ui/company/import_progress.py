"""Progress and Cancel for a write that runs in one transaction (an import).

The write runs off the GUI thread through the op helper, handed a ``Progress``
it reports rows into and asks whether to stop; a timer here shows how far it
has got. A cancel before the commit rolls everything back. Once the write has
begun to commit, Cancel is disabled and the line says it can no longer be
stopped, rather than pretending.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from creditdesk.ui.ops import run_write
from creditdesk.ui.widgets import MessageLine, secondary
from creditdesk.ui.workers import Progress
from creditdesk.ui.workspace import Change, Workspace

T = TypeVar("T")
POLL_MS = 100


class WriteProgress(QWidget):
    """A bar, a line saying what is happening, and Cancel; hidden until a write runs."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.progress: Progress | None = None
        self.bar = QProgressBar()
        self.bar.setFormat(self.tr("%p %"))
        self.state_label = QLabel()
        self.cancel_button = secondary(QPushButton(self.tr("&Cancel import")))
        self.cancel_button.setToolTip(self.tr("Stop before anything is saved; the books stay as they were"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.bar, 1)
        layout.addWidget(self.state_label)
        layout.addWidget(self.cancel_button)
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self._show_progress)
        self.cancel_button.clicked.connect(self.cancel)
        self.hide()

    @property
    def running(self) -> bool:
        return self.progress is not None

    def run(
        self,
        owner: QWidget,
        workspace: Workspace,
        work: Callable[[Progress], T],
        changes: Change,
        *,
        done: Callable[[T], None],
        failed: Callable[[BaseException], None],
        problem: MessageLine,
        busy: QWidget,
    ) -> bool:
        """Start ``work(progress)``; ``done`` or ``failed`` hears how it ended (a cancel is a failure)."""
        progress = Progress()

        def finished(result: T) -> None:
            self._end()
            done(result)

        def stopped(exc: BaseException) -> None:
            self._end()
            failed(exc)

        started = run_write(
            owner,
            workspace,
            lambda: work(progress),
            changes,
            done=finished,
            busy=busy,
            problem=problem,
            failed=stopped,
        )
        if started:
            self.progress = progress
            self.bar.setRange(0, 0)  # until the write says how much it has to do
            self.state_label.setText(self.tr("Waiting for the company file…"))
            self.cancel_button.setEnabled(True)
            self.show()
            self.timer.start()
        return started

    def cancel(self) -> None:
        if self.progress is None:
            return
        self.cancel_button.setEnabled(False)
        if self.progress.cancel():
            self.state_label.setText(self.tr("Cancelling; nothing will be written…"))
        else:
            self._show_progress()

    def _show_progress(self) -> None:
        progress = self.progress
        if progress is None:
            return
        done, total = progress.snapshot()
        if total:
            self.bar.setRange(0, total)
            self.bar.setValue(done)
            if not progress.cancelled():
                self.state_label.setText(self.tr("Writing…"))
        if progress.committing():
            self.cancel_button.setEnabled(False)
            self.state_label.setText(self.tr("Saving to the company file; this can no longer be cancelled."))

    def _end(self) -> None:
        self.timer.stop()
        self.progress = None
        self.hide()
