"""Watching a long import write: how far it has got, and a cancel that leaves the books untouched.

The caller (the window) hands in a ``WriteWatch``; the write reports the rows it
has sent and asks between chunks whether to stop. The whole write is one
transaction, so stopping before the commit rolls everything back. ``begin_commit``
is the point of no return: once it has said yes, a cancel is refused, and the
window can say so instead of pretending it can still stop.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from creditdesk.domain.errors import CreditDeskError
from creditdesk.store.unit_of_work import UnitOfWork


class WriteWatch(Protocol):
    def report(self, done: int, total: int) -> None: ...

    def cancelled(self) -> bool: ...

    def begin_commit(self) -> bool:
        """False when cancelled already; True and no cancel taken any more from here on."""
        ...


class ImportCancelled(CreditDeskError):
    """The user stopped an import before it was saved; the transaction was rolled back."""

    def __init__(self) -> None:
        super().__init__("The import was cancelled before it was saved, so nothing was written.")


class Steps:
    """Counts the rows a write sends, reports them, and stops the write when the user cancels."""

    def __init__(self, watch: WriteWatch | None, total: int) -> None:
        self.watch = watch
        self.total = max(total, 1)
        self.done = 0
        if watch is not None:
            watch.report(0, self.total)

    @property
    def on_sent(self) -> Callable[[int], None] | None:
        """What a ``BulkWriter`` is given: nothing when no one watches, so it keeps its large chunks."""
        return None if self.watch is None else self.sent

    def sent(self, count: int) -> None:
        """``count`` more rows went out (a chunk, or one record); raises ``ImportCancelled`` on a cancel."""
        self.done = min(self.total, self.done + count)
        if self.watch is not None:
            self.watch.report(self.done, self.total)
            if self.watch.cancelled():
                raise ImportCancelled

    def commit(self, uow: UnitOfWork) -> None:
        """Commit, unless the user cancelled before this point (then everything is rolled back)."""
        if self.watch is not None:
            if not self.watch.begin_commit():
                raise ImportCancelled
            self.watch.report(self.total, self.total)
        uow.commit()
