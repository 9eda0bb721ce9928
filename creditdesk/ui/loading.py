"""A view's background reload, coalesced: the one shape every tab and list dialog shares.

``BackgroundLoad(owner, start, done)`` runs a read off the GUI thread each time
``request()`` is called. ``start`` runs on the GUI thread when a load begins and
reads the widgets (filters, dates) there; it returns the work for the worker. A
request while a load runs is remembered, and however many arrive, exactly one more
load follows the running one, reading the widgets afresh. An owner that has been
deleted, or a dialog that has been closed, gets no answer; a failure is shown with
``show_error``, never swallowed.

It is built on ``run_in_background`` rather than ``ops.run_read``: an op marks its
owner busy and refuses a second one, so a reload would block (or be blocked by) a
save from the same tab, and it disables the owner while it runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

import shiboken6
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QDialog, QWidget

from creditdesk.ui.errors import show_error
from creditdesk.ui.workers import run_in_background

T = TypeVar("T")


class BackgroundLoad(Generic[T]):
    """One view's reloads: at most one runs at a time, and requests meanwhile become one more."""

    def __init__(
        self,
        owner: QWidget,
        start: Callable[[], Callable[[], T]],
        done: Callable[[T], None],
        *,
        failed: Callable[[BaseException], None] | None = None,
        busy: Callable[[bool], None] | None = None,
        delay_ms: int | None = None,
        drop_superseded: bool = False,
    ) -> None:
        """``busy(True)`` as a load starts and ``busy(False)`` as it ends, for a spinner or a
        "Loading…" line; ``failed`` just before the error is shown; ``delay_ms`` lets the window
        repaint before the worker starts; ``drop_superseded`` skips showing an answer that a
        newer request has already made stale."""
        self._owner = owner
        self._start = start
        self._done = done
        self._failed = failed
        self._busy = busy
        self._delay_ms = delay_ms
        self._drop_superseded = drop_superseded
        self._running = False
        self._pending = False
        self._closed = False
        if isinstance(owner, QDialog):
            owner.finished.connect(self._on_owner_finished)

    @property
    def running(self) -> bool:
        """Whether a load is under way (its answer has not arrived yet)."""
        return self._running

    @property
    def pending(self) -> bool:
        """Whether one more load will follow the running one."""
        return self._pending

    def request(self) -> None:
        """Load now, or once more after the running load if one is under way."""
        if self._running:
            self._pending = True
            return
        self._running = True
        if self._busy is not None:
            self._busy(True)
        work = self._start()
        if self._delay_ms is None:
            run_in_background(self._owner, work, self._on_done, self._on_failed)
        else:  # with the owner as context: an owner deleted meanwhile starts nothing
            QTimer.singleShot(
                self._delay_ms,
                self._owner,
                lambda: run_in_background(self._owner, work, self._on_done, self._on_failed),
            )

    def _wanted(self) -> bool:
        return not self._closed and shiboken6.isValid(self._owner)

    def _on_owner_finished(self, _: int) -> None:
        self._closed = True

    def _settle(self) -> bool:
        """End the running load; True when a newer request is waiting."""
        self._running = False
        if self._busy is not None:
            self._busy(False)
        again, self._pending = self._pending, False
        return again

    def _on_done(self, result: T) -> None:
        if not self._wanted():
            return
        again = self._settle()
        if not (again and self._drop_superseded):
            self._done(result)
        if again and self._wanted():
            self.request()

    def _on_failed(self, exc: BaseException) -> None:
        if not self._wanted():
            show_error(None, exc)  # nobody left to show it on, but never swallowed
            return
        again = self._settle()
        if self._failed is not None:  # before the (modal) message, so the view already says so
            self._failed(exc)
        show_error(self._owner, exc)
        if again and self._wanted():
            self.request()
