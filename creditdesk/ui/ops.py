"""Reads and writes from the window, run off the GUI thread in one shape.

``run_write(owner, workspace, work, changes, done=...)`` runs a service call on a
worker (through ``run_in_background``), then on the GUI thread either shows what
went wrong or announces ``workspace.changed(changes)`` once and calls ``done``.
``run_read(owner, work, done)`` is the same without the announcement: it hands a
result back. Both are the window's answer to Anki's ``CollectionOp``/``QueryOp``.

While an op runs, its ``owner`` is busy: a second op on the same owner is refused
(a double click saves once), and ``busy`` (a button, an action, or the owner
itself) is disabled with a busy cursor until the answer arrives.

How to adopt it in a dialog or tab::

    def on_save_clicked(self) -> None:
        db, values = self.workspace.db, self.values()  # read the widgets here, on the GUI thread
        run_write(
            self, self.workspace, lambda: service.save(db, values), Change.CLIENTS,
            done=self._on_saved, busy=self.ok_button, problem=self.message_line,
        )

A user's mistake (``CreditDeskError``) goes to ``problem`` (a ``MessageLine``) when
one is given, else to a message box; anything else opens the crash dialog. A
dialog closed while its op ran does not get the answer (``done``/``failed``), but
a write that went through is still announced: the books did change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import shiboken6
from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QDialog, QWidget

from creditdesk.domain.errors import CreditDeskError
from creditdesk.ui.errors import show_error
from creditdesk.ui.widgets import MessageLine, sentence
from creditdesk.ui.workers import run_in_background
from creditdesk.ui.workspace import Change, Workspace

T = TypeVar("T")
BUSY_PROPERTY = "creditdeskOpRunning"  # a dynamic property: the owner has an op under way
Busy = QWidget | QAction


def is_busy(owner: QObject) -> bool:
    """Whether an op started by ``owner`` is still waiting for its answer."""
    return bool(owner.property(BUSY_PROPERTY))


def run_read(
    owner: QWidget,
    work: Callable[[], T],
    done: Callable[[T], None],
    *,
    busy: Busy | None = None,
    failed: Callable[[BaseException], None] | None = None,
) -> bool:
    """Run ``work`` (a read) in the background and hand its result to ``done``; False if refused as busy."""
    return _run(owner, None, work, None, done, busy, None, failed)


def run_write(
    owner: QWidget,
    workspace: Workspace,
    work: Callable[[], T],
    changes: Change | Callable[[T], Change],
    *,
    done: Callable[[T], None] | None = None,
    busy: Busy | None = None,
    problem: MessageLine | None = None,
    failed: Callable[[BaseException], None] | None = None,
) -> bool:
    """Run a write in the background; on success announce ``changes`` once, then call ``done``.

    ``changes`` may be worked out from the result (``Change(0)`` announces nothing),
    for a write that may turn out to have changed nothing. ``failed`` is called after
    the error has been shown, for a caller that must undo its busy look. Returns
    False, starting nothing, while an earlier op of ``owner`` is still running.
    """
    return _run(owner, workspace, work, changes, done, busy, problem, failed)


def _run(
    owner: QWidget,
    workspace: Workspace | None,
    work: Callable[[], T],
    changes: Change | Callable[[T], Change] | None,
    done: Callable[[T], None] | None,
    busy: Busy | None,
    problem: MessageLine | None,
    failed: Callable[[BaseException], None] | None,
) -> bool:
    if is_busy(owner):
        return False
    owner.setProperty(BUSY_PROPERTY, True)
    target = owner if busy is None else busy
    was_enabled = target.isEnabled()
    target.setEnabled(False)
    QGuiApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
    closed = [False]
    if isinstance(owner, QDialog):
        owner.finished.connect(lambda _: closed.__setitem__(0, True))

    def wanted() -> bool:
        """Whether the owner still wants the answer (it may have been closed or deleted)."""
        return shiboken6.isValid(owner) and not closed[0]

    def settle() -> None:
        QGuiApplication.restoreOverrideCursor()
        if shiboken6.isValid(owner):
            owner.setProperty(BUSY_PROPERTY, False)
        if shiboken6.isValid(target):
            target.setEnabled(was_enabled)

    def on_done(result: T) -> None:
        settle()
        if workspace is not None and changes is not None:
            what = changes(result) if callable(changes) else changes
            if what:
                workspace.changed(what)
        if done is not None and wanted():
            done(result)

    def on_failed(exc: BaseException) -> None:
        settle()
        if not wanted():
            show_error(None, exc)  # a closed dialog has no line to show it on; never swallowed
            return
        if problem is not None and isinstance(exc, CreditDeskError):
            problem.show_problem(sentence(exc.message))
        else:
            show_error(owner, exc)
        if failed is not None:
            failed(exc)

    # The answer's owner is the application: a dialog closed meanwhile still lets the change be announced.
    app = QGuiApplication.instance()
    assert app is not None
    run_in_background(app, work, on_done, on_failed)
    return True
