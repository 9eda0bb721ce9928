"""BackgroundLoad: requests while a load runs become exactly one more; closed owners get nothing."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
import shiboken6
from PySide6.QtWidgets import QApplication, QDialog, QWidget
from pytestqt.qtbot import QtBot

from creditdesk.ui import loading
from creditdesk.ui.loading import BackgroundLoad
from creditdesk.ui.workers import wait_for_background_work

TIMEOUT = 10000


class Gated:
    """Work that waits for a gate, counting how many loads were started."""

    def __init__(self) -> None:
        self.started = 0
        self.gate = threading.Event()

    def start(self) -> Callable[[], int]:
        self.started += 1
        number = self.started

        def work() -> int:
            self.gate.wait(TIMEOUT / 1000)
            return number

        return work


def test_three_requests_while_one_runs_make_exactly_one_more_load(qtbot: QtBot) -> None:
    owner = QWidget()
    qtbot.addWidget(owner)
    gated, answers, busy = Gated(), list[int](), list[bool]()
    load = BackgroundLoad(owner, gated.start, answers.append, busy=busy.append)
    load.request()
    for _ in range(3):
        load.request()
    assert load.running and load.pending
    gated.gate.set()
    qtbot.waitUntil(lambda: answers == [1, 2], timeout=TIMEOUT)
    qtbot.waitUntil(lambda: not load.running, timeout=TIMEOUT)
    qtbot.wait(50)  # nothing else arrives
    assert gated.started == 2
    assert answers == [1, 2]
    assert busy == [True, False, True, False]


def test_a_superseded_answer_can_be_dropped(qtbot: QtBot) -> None:
    owner = QWidget()
    qtbot.addWidget(owner)
    gated, answers = Gated(), list[int]()
    load = BackgroundLoad(owner, gated.start, answers.append, drop_superseded=True)
    load.request()
    load.request()
    gated.gate.set()
    qtbot.waitUntil(lambda: not load.running and gated.started == 2, timeout=TIMEOUT)
    assert answers == [2]


def test_a_deleted_owner_gets_no_answer(qtbot: QtBot) -> None:
    owner = QWidget()
    gated, answers = Gated(), list[int]()
    load = BackgroundLoad(owner, gated.start, answers.append)
    load.request()
    shiboken6.delete(owner)
    gated.gate.set()
    assert wait_for_background_work(TIMEOUT)
    qtbot.wait(50)  # the dispatcher's turn to hand results back
    assert answers == []


def test_a_closed_dialog_gets_no_answer(qtbot: QtBot) -> None:
    dialog = QDialog()
    qtbot.addWidget(dialog)
    gated, answers = Gated(), list[int]()
    load = BackgroundLoad(dialog, gated.start, answers.append)
    load.request()
    load.request()
    dialog.open()
    dialog.reject()
    gated.gate.set()
    assert wait_for_background_work(TIMEOUT)
    qtbot.wait(50)
    assert answers == []
    assert gated.started == 1  # nor does it start the queued load


def test_an_error_is_shown_not_swallowed(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    owner = QWidget()
    qtbot.addWidget(owner)
    shown: list[tuple[QWidget | None, BaseException]] = []
    monkeypatch.setattr(loading, "show_error", lambda parent, exc: shown.append((parent, exc)))
    failures: list[BaseException] = []
    problem = RuntimeError("the company file is busy")

    def start() -> Callable[[], int]:
        def work() -> int:
            raise problem

        return work

    load = BackgroundLoad(owner, start, lambda _: None, failed=failures.append)
    load.request()
    qtbot.waitUntil(lambda: bool(shown), timeout=TIMEOUT)
    assert shown == [(owner, problem)]
    assert failures == [problem]
    assert not load.running
    assert QApplication.activeModalWidget() is None
