"""The op helper: writes announced once, errors shown, one op at a time, closed dialogs left alone."""

from __future__ import annotations

import gc
import threading
import weakref

from PySide6.QtWidgets import QDialog, QPushButton, QVBoxLayout
from pytestqt.qtbot import QtBot

from creditdesk.domain.errors import CreditDeskError
from creditdesk.ui.ops import is_busy, run_read, run_write
from creditdesk.ui.widgets import MessageLine
from creditdesk.ui.workers import wait_for_background_work
from creditdesk.ui.workspace import Change, Workspace


class Form(QDialog):
    def __init__(self) -> None:
        super().__init__()
        self.button = QPushButton("Save")
        self.message = MessageLine()
        layout = QVBoxLayout(self)
        layout.addWidget(self.button)
        layout.addWidget(self.message)


def announced(workspace: Workspace) -> list[object]:
    seen: list[object] = []
    workspace.events.changed.connect(seen.append)
    return seen


def test_a_write_is_announced_once_and_its_result_handed_back(qtbot: QtBot, workspace: Workspace) -> None:
    form = Form()
    qtbot.addWidget(form)
    seen = announced(workspace)
    results: list[int] = []
    assert run_write(form, workspace, lambda: 42, Change.LEDGER, done=results.append, busy=form.button)
    qtbot.waitUntil(lambda: results == [42])
    assert seen == [Change.LEDGER]
    assert form.button.isEnabled() and not is_busy(form)


def test_a_refused_write_shows_its_message_and_announces_nothing(qtbot: QtBot, workspace: Workspace) -> None:
    form = Form()
    qtbot.addWidget(form)
    seen = announced(workspace)
    done: list[object] = []
    failures: list[BaseException] = []

    def refuse() -> None:
        raise CreditDeskError("the amount must be more than zero")

    run_write(
        form, workspace, refuse, Change.LEDGER, done=done.append, problem=form.message, failed=failures.append
    )
    qtbot.waitUntil(lambda: bool(failures))
    assert form.message.text() == "⚠ The amount must be more than zero."
    assert seen == [] and done == []
    assert not is_busy(form)


def test_a_second_start_is_refused_while_the_first_runs(qtbot: QtBot, workspace: Workspace) -> None:
    form = Form()
    qtbot.addWidget(form)
    seen = announced(workspace)
    release = threading.Event()
    runs: list[int] = []

    def slow() -> int:
        release.wait(10)
        runs.append(1)
        return len(runs)

    assert run_write(form, workspace, slow, Change.CLIENTS, busy=form.button)
    assert not form.button.isEnabled() and is_busy(form)
    assert not run_write(form, workspace, slow, Change.CLIENTS, busy=form.button)
    release.set()
    qtbot.waitUntil(lambda: not is_busy(form))
    assert runs == [1] and seen == [Change.CLIENTS]
    assert form.button.isEnabled()


def test_a_change_worked_out_from_the_result_may_be_nothing(qtbot: QtBot, workspace: Workspace) -> None:
    form = Form()
    qtbot.addWidget(form)
    seen = announced(workspace)
    results: list[int] = []
    run_write(
        form, workspace, lambda: 0, lambda sent: Change.OUTBOX if sent else Change(0), done=results.append
    )
    qtbot.waitUntil(lambda: results == [0])
    assert seen == []


def test_a_closed_dialog_does_not_receive_the_answer(qtbot: QtBot, workspace: Workspace) -> None:
    form = Form()
    qtbot.addWidget(form)
    seen = announced(workspace)
    release = threading.Event()
    done: list[int] = []
    run_write(form, workspace, lambda: release.wait(10) and 7, Change.TIMELINE, done=done.append)
    form.reject()
    release.set()
    assert wait_for_background_work()
    qtbot.waitUntil(lambda: not is_busy(form))
    assert done == []
    assert seen == [Change.TIMELINE]  # the write went through: the views still catch up


def test_a_read_hands_its_result_back_and_announces_nothing(qtbot: QtBot, workspace: Workspace) -> None:
    form = Form()
    qtbot.addWidget(form)
    seen = announced(workspace)
    results: list[str] = []
    assert run_read(form, lambda: "rows", results.append)
    qtbot.waitUntil(lambda: results == ["rows"])
    assert seen == []


def test_refresh_asks_every_view_to_reread(workspace: Workspace) -> None:
    seen = announced(workspace)
    workspace.refresh()
    assert seen == [Change.EVERYTHING]


class Held:
    """Stands for a dialog that only a running op still refers to."""


def test_what_an_op_holds_is_let_go_on_the_gui_thread(qtbot: QtBot, workspace: Workspace) -> None:
    # A dialog freed on a worker thread is freed there C++ and all: a native crash. So the
    # last references to what the work and its answer hold must be dropped on the GUI thread.
    form = Form()
    qtbot.addWidget(form)
    by_work, by_answer = Held(), Held()
    freed_on: list[int] = []
    for held in (by_work, by_answer):
        weakref.finalize(held, lambda: freed_on.append(threading.get_ident()))
    release, results = threading.Event(), list[int]()

    def work(kept: Held = by_work) -> int:
        release.wait(10)
        return 1

    def answer(result: int, kept: Held = by_answer) -> None:
        results.append(result)

    assert run_read(form, work, answer)
    del answer
    del work, held, by_work, by_answer
    release.set()
    qtbot.waitUntil(lambda: results == [1])
    assert wait_for_background_work()
    gc.collect()
    qtbot.waitUntil(lambda: len(freed_on) == 2)
    assert freed_on == [threading.get_ident()] * 2
