"""One open/check/save shape for the window's dialogs.

A ``FormDialog`` builds its fields, then on Save: ``write()`` reads and checks them
on the GUI thread and returns the service call to make (or None, having said what
is wrong in ``message``); the call runs through ``run_write``, its refusal lands on
``message`` and its success announces ``changes`` and closes the dialog.
``open_form`` opens one: a dialog whose data cannot be read says why instead.

How to adopt it::

    class NoteDialog(FormDialog):
        changes = Change.TIMELINE

        def __init__(self, workspace, client_id, parent=None):
            super().__init__(workspace, parent)
            ...  # fields; lay out self.message and self.buttons

        def write(self):
            text = self.text_edit.toPlainText()
            if not text.strip():
                self.message.show_problem("Write the note; it goes on the client's timeline.")
                return None
            db, client_id = self.workspace.db, self.client_id
            return lambda: log_note(db, client_id, text)

    saved = open_form(parent, lambda: NoteDialog(workspace, client_id, parent))
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPushButton, QWidget

from creditdesk.domain.errors import CreditDeskError
from creditdesk.ui.errors import show_error
from creditdesk.ui.ops import run_write
from creditdesk.ui.widgets import MessageLine
from creditdesk.ui.workspace import Change, Workspace

Write = Callable[[], object]


class FormDialog(QDialog):
    """A dialog that saves through one service call; ``saved`` is True once it went through."""

    changes: ClassVar[Change] = Change.EVERYTHING  # what a save changes, for the views to catch up

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.saved = False
        self.message = MessageLine()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        assert save is not None
        self.ok_button: QPushButton = save
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    def write(self) -> Write | None:
        """Read and check the fields; the service call that saves them, or None (the problem shown)."""
        raise NotImplementedError

    def saved_with(self, result: object) -> None:
        """After a save, before the dialog closes: keep what the service returned (an id, say)."""

    def save_refused(self, exc: BaseException) -> None:
        """After a refused save, once the message is shown: point at the field it names, say."""

    def accept(self) -> None:
        work = self.write()
        if work is not None:
            self.run_save(work)

    def run_save(self, work: Write) -> None:
        """Run a save as Save does: for a dialog that saves once more after asking (an override, say)."""
        run_write(
            self,
            self.workspace,
            work,
            self.changes,
            done=self._on_saved,
            busy=self.ok_button,
            problem=self.message,
            failed=self.save_refused,
        )

    def _on_saved(self, result: object) -> None:
        self.saved = True
        self.saved_with(result)
        super().accept()


def open_form(parent: QWidget | None, make: Callable[[], FormDialog]) -> bool:
    """Open a form dialog until it is saved or cancelled; True once saved."""
    try:
        dialog = make()
    except CreditDeskError as exc:  # its data could not be read: say why, open nothing
        show_error(parent, exc)
        return False
    try:
        dialog.exec()
        return dialog.saved
    finally:
        dialog.deleteLater()
