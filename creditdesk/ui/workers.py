"""Running database work off the GUI thread and handing the result back.

``run_in_background(owner, work, done, failed)`` runs ``work()`` in the global
``QThreadPool``; every exception is caught in the worker and delivered to
``failed`` on the GUI thread, so nothing is swallowed and no widget is touched
from another thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

T = TypeVar("T")


class _Relay(QObject):
    """Lives in the GUI thread; signals emitted from the worker are queued to it."""

    finished = Signal(object)
    failed = Signal(object)


class _Task(QRunnable):
    def __init__(self, work: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.work = work
        self.relay = relay

    def run(self) -> None:
        try:
            result = self.work()
        except BaseException as exc:  # delivered to the GUI thread, never lost
            self.relay.failed.emit(exc)
        else:
            self.relay.finished.emit(result)


_running: set[_Relay] = set()


def run_in_background(
    owner: QObject,
    work: Callable[[], T],
    done: Callable[[T], None],
    failed: Callable[[BaseException], None],
) -> None:
    relay = _Relay(owner)
    _running.add(relay)

    def finish(result: object) -> None:
        _running.discard(relay)
        relay.deleteLater()
        done(result)  # type: ignore[arg-type]

    def fail(exc: object) -> None:
        _running.discard(relay)
        relay.deleteLater()
        failed(exc)  # type: ignore[arg-type]

    relay.finished.connect(finish)
    relay.failed.connect(fail)
    QThreadPool.globalInstance().start(_Task(work, relay))


def wait_for_background_work(timeout_ms: int = 30000) -> bool:
    """For shutdown and tests: let running workers finish."""
    return QThreadPool.globalInstance().waitForDone(timeout_ms)
