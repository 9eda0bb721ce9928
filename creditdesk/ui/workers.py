"""Running database work off the GUI thread and handing the result back.

``run_in_background(owner, work, done, failed)`` runs ``work()`` on a worker
thread; every exception is caught there and delivered to ``failed`` on the GUI
thread, so nothing is swallowed and no widget is touched from another thread.

Results come back through a plain thread-safe queue that a timer on the GUI
thread drains, not through signals emitted on the worker thread: PySide 6.11
crashed now and then (one run in three of the test suite) when a Python thread
emitted a queued signal while the GUI thread was busy processing events.

The worker thread never holds the last reference to anything of the window:
the callbacks (which hold dialogs and buttons) and the work itself stay with
the GUI thread, keyed by a job number, until the result is handed over; the
worker lets go of its own reference to ``work`` first. Otherwise a dialog
closed meanwhile could be freed, C++ and all, on the worker thread: a native
crash, seen once in a few thousand test runs.
"""

from __future__ import annotations

import itertools
import os
import queue
import threading
from collections.abc import Callable
from concurrent import futures
from dataclasses import dataclass
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QTimer

T = TypeVar("T")
POLL_MS = 10  # how soon a finished result reaches the window


@dataclass(frozen=True)
class _Job:
    owner: QObject
    work: Callable[[], Any]  # held here too, so that the worker's reference is never the last
    done: Callable[[Any], None]
    failed: Callable[[BaseException], None]


_pool = futures.ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2), thread_name_prefix="creditdesk")
_results: queue.SimpleQueue[tuple[int, bool, Any]] = queue.SimpleQueue()
_lock = threading.Lock()
_pending: set[futures.Future[None]] = set()
_jobs: dict[int, _Job] = {}  # touched on the GUI thread only
_numbers = itertools.count(1)


class _Dispatcher(QObject):
    """Lives on the GUI thread and hands finished results to their callbacks."""

    def __init__(self) -> None:
        super().__init__(QCoreApplication.instance())
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.drain)

    def drain(self) -> None:
        while True:
            try:
                number, ok, value = _results.get_nowait()
            except queue.Empty:
                break
            job = _jobs.pop(number)
            if not shiboken6.isValid(job.owner):  # a closed window no longer wants the answer
                continue
            if ok:
                job.done(value)
            else:
                job.failed(value)
        with _lock:
            idle = not _pending
        if idle and _results.empty():
            self.timer.stop()


_dispatcher: _Dispatcher | None = None


def run_in_background(
    owner: QObject,
    work: Callable[[], T],
    done: Callable[[T], None],
    failed: Callable[[BaseException], None],
) -> None:
    global _dispatcher
    if _dispatcher is None or not shiboken6.isValid(_dispatcher):
        _dispatcher = _Dispatcher()
    number = next(_numbers)
    _jobs[number] = _Job(owner, work, done, failed)
    held = [work]  # emptied on the worker before the result goes back; see the module's note

    def run() -> None:
        task = held.pop()
        try:
            outcome: tuple[int, bool, Any] = (number, True, task())
        except BaseException as exc:  # delivered to the GUI thread, never lost
            outcome = (number, False, exc)
        del task
        _results.put(outcome)

    with _lock:
        future = _pool.submit(run)
        _pending.add(future)
    future.add_done_callback(_forget)
    _dispatcher.timer.start()


def _forget(future: futures.Future[None]) -> None:
    with _lock:
        _pending.discard(future)


def wait_for_background_work(timeout_ms: int = 30000) -> bool:
    """For shutdown and tests: let running work finish (its results arrive with the next events)."""
    with _lock:
        running = set(_pending)
    _, not_done = futures.wait(running, timeout=timeout_ms / 1000)
    return not not_done


class Progress:
    """How far a background job has got, and whether it should stop; safe across threads.

    The worker thread calls ``report`` and ``cancelled``; the window polls
    ``snapshot`` from a timer and calls ``cancel``. Nothing here touches Qt,
    so the worker never emits a signal or reaches a widget.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._done = 0
        self._total = 0
        self._cancel = threading.Event()
        self._committing = False

    def report(self, done: int, total: int) -> None:
        with self._lock:
            self._done, self._total = done, total

    def snapshot(self) -> tuple[int, int]:
        """(done, total) as last reported."""
        with self._lock:
            return self._done, self._total

    def cancel(self) -> bool:
        """Ask the job to stop; False when it is past stopping (it is saving what it did)."""
        with self._lock:
            if self._committing:
                return False
            self._cancel.set()
            return True

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def begin_commit(self) -> bool:
        """For a job writing one transaction: False if cancelled; else no cancel is taken from now on."""
        with self._lock:
            if self._cancel.is_set():
                return False
            self._committing = True
            return True

    def committing(self) -> bool:
        """Whether the job is saving its transaction (a cancel can no longer stop it)."""
        with self._lock:
            return self._committing
