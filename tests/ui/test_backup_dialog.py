"""File → Back up now, File → Restore from backup, and the daily copy made when a file opens."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from creditdesk.services.clients.records import ClientInput, add_client
from creditdesk.services.company.backups import (
    RestoreSummary,
    automatic_backup,
    backup_now,
    backups_folder,
    list_backups,
)
from creditdesk.services.company.settings import create_company
from creditdesk.store.backup import read_only_uri
from creditdesk.store.database import open_database
from creditdesk.ui import app as app_module
from creditdesk.ui.app import Application
from creditdesk.ui.company import backup_dialog
from creditdesk.ui.company.backup_dialog import BackupDialog, RestoreDialog, SavedCopy
from creditdesk.ui.workspace import Workspace
from tests.ui.conftest import TODAY
from tests.ui.helpers import when_modal

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def clients_in(path: Path) -> int:
    with sqlite3.connect(read_only_uri(path), uri=True) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM client").fetchone()[0])


def all_files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def when_box(handle: Callable[[QMessageBox], object], tries: int = 1000) -> None:
    """Like when_modal, but waits past the dialog itself for the message box it opens."""

    def attempt(left: int) -> None:
        widget = QApplication.activeModalWidget()
        if isinstance(widget, QMessageBox):
            handle(widget)
        elif left > 0:
            QTimer.singleShot(10, lambda: attempt(left - 1))

    QTimer.singleShot(0, lambda: attempt(tries))


def answer(
    into: list[str], *, informative: bool = False, button: str | None = None
) -> Callable[[QWidget], None]:
    """For when_modal: note what the message box says, then answer it (or close it)."""

    def handle(widget: QWidget) -> None:
        assert isinstance(widget, QMessageBox)
        into.append(widget.informativeText() if informative else widget.text())
        if button is None:
            widget.close()
        else:
            press(widget, button)

    return handle


def press(box: QMessageBox, text: str) -> None:
    buttons = [b for b in box.buttons() if b.text().replace("&", "") == text]
    assert buttons, [b.text() for b in box.buttons()]
    buttons[0].click()


@pytest.fixture
def books(workspace: Workspace) -> Workspace:
    add_client(workspace.db, ClientInput("A", "Alpha Ltd"))
    add_client(workspace.db, ClientInput("B", "Beta & Sons"))
    return workspace


# --- Back up now ------------------------------------------------------------------------------------


def test_backup_now_writes_a_sound_copy_into_backups(books: Workspace, qtbot: QtBot) -> None:
    dialog = BackupDialog(books)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.finished_copy, timeout=10000) as blocker:
        dialog.start()
        assert not dialog.close_button.isEnabled()  # Esc and Close wait for the copy
    saved = blocker.args[0]
    assert isinstance(saved, SavedCopy)
    assert saved.path.parent == backups_folder(books.db.path)
    assert clients_in(saved.path) == 2
    assert "Backup saved:" in dialog.title_label.text()
    assert saved.path.name in dialog.title_label.text()
    assert dialog.open_folder_button.isEnabled() and dialog.close_button.isEnabled()
    assert [info.path for info in list_backups(books.db.path)] == [saved.path]


def test_a_copy_elsewhere_never_replaces_a_file(
    books: Workspace, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings_dir: Path
) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    target = usb / "books.sqlite"
    monkeypatch.setattr(backup_dialog, "ask_new_file", lambda *_: target)
    dialog = BackupDialog(books)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.finished_copy, timeout=10000):
        dialog.elsewhere_button.click()
    assert clients_in(target) == 2
    assert dialog.title_label.text().endswith("usb")

    before = target.read_bytes()
    messages: list[str] = []
    when_modal(answer(messages))
    with qtbot.waitSignal(dialog.finished_copy, timeout=10000):
        dialog.elsewhere_button.click()
    assert "already exists" in messages[0]
    assert target.read_bytes() == before
    assert "Backup saved:" in dialog.title_label.text()  # the copy made first still stands


# --- Restore from backup ----------------------------------------------------------------------------


def open_restore(workspace: Workspace, qtbot: QtBot) -> RestoreDialog:
    dialog = RestoreDialog(workspace)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=10000):
        dialog.load()
    return dialog


def test_the_backups_are_listed_newest_first_in_words(books: Workspace, qtbot: QtBot) -> None:
    backup_now(books.db, now=datetime(2026, 11, 20, 10, 5))
    automatic_backup(books.db, datetime(2026, 11, 21, 9, 0))
    backup_now(books.db, now=datetime(2026, 11, 22, 16, 45))
    dialog = open_restore(books, qtbot)
    model = dialog.model
    shown = [
        [model.data(model.index(row, column)) for column in range(model.columnCount())]
        for row in range(model.rowCount())
    ]
    assert [row[1] for row in shown] == ["Made by you", "Daily", "Made by you"]
    assert shown[0][0] == "22 Nov 2026  16:45"
    assert shown[1][0] == "21 Nov 2026"  # a daily copy says its day; the hour is not in its name
    assert shown[2][0] == "20 Nov 2026  10:05"
    assert all(row[2].endswith("KB") for row in shown)
    assert dialog.selected() is not None and dialog.selected() == model.rows[0]
    assert dialog.restore_button.isEnabled()


def test_restoring_into_a_new_file_shows_what_it_holds(
    books: Workspace, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    backup_now(books.db, now=datetime(2026, 11, 21, 8, 0))
    add_client(books.db, ClientInput("C", "Gamma"))  # after the backup: not in the restored file
    dialog = open_restore(books, qtbot)
    suggested = dialog.suggested_target(dialog.model.rows[0])
    assert suggested == tmp_path / "company restored 2026-11-21.sqlite"
    monkeypatch.setattr(backup_dialog, "ask_new_file", lambda _parent, _title, proposed: proposed)
    texts: list[str] = []
    when_modal(answer(texts, informative=True, button="Stay here"))
    with qtbot.waitSignal(dialog.restore_finished, timeout=15000) as blocker:
        dialog.restore_button.click()
    summary = blocker.args[0]
    assert isinstance(summary, RestoreSummary)
    assert summary.path == suggested and clients_in(suggested) == 2
    assert "Test Co: 2 clients, 0 invoices" in texts[0]
    assert "company.sqlite, is unchanged" in texts[0]
    assert not dialog.open_restored
    assert clients_in(books.db.path) == 3


@pytest.mark.parametrize("which", ["open file", "existing file"])
def test_the_open_file_or_an_existing_one_is_refused_and_nothing_written(
    which: str, books: Workspace, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    backup_now(books.db, now=datetime(2026, 11, 21, 8, 0))
    taken = tmp_path / "taken.sqlite"
    taken.write_bytes(b"someone else's file")
    target = books.db.path if which == "open file" else taken
    dialog = open_restore(books, qtbot)
    before = all_files(tmp_path)
    monkeypatch.setattr(backup_dialog, "ask_new_file", lambda *_: target)
    messages: list[str] = []
    when_modal(answer(messages))
    with qtbot.waitSignal(dialog.restore_finished, timeout=15000):
        dialog.restore_button.click()
    expected = "is the company file you have open" if which == "open file" else "already exists"
    assert expected in messages[0]
    assert all_files(tmp_path) == before
    assert dialog.restore_button.isEnabled()  # the user can pick another name


def test_a_damaged_backup_is_refused_with_its_problems(
    books: Workspace, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = backup_now(books.db, now=datetime(2026, 11, 21, 8, 0))
    damaged = tmp_path / "usb" / "damaged.sqlite"
    damaged.parent.mkdir()
    data = bytearray(good.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    for offset in range(page * 2, len(data), page):
        data[offset : offset + 64] = b"\xff" * 64
    damaged.write_bytes(bytes(data))
    dialog = open_restore(books, qtbot)
    monkeypatch.setattr(backup_dialog, "ask_backup_file", lambda *_: damaged)
    dialog.choose_button.click()
    assert dialog.model.rows[0].path == damaged and dialog.model.rows[0].kind == "Chosen by you"
    assert dialog.selected() == dialog.model.rows[0]
    target = tmp_path / "restored.sqlite"
    monkeypatch.setattr(backup_dialog, "ask_new_file", lambda *_: target)
    boxes: list[tuple[str, str, str]] = []

    def read(widget: QWidget) -> None:
        assert isinstance(widget, QMessageBox)
        boxes.append((widget.text(), widget.informativeText(), widget.detailedText()))
        widget.close()

    when_modal(read)
    with qtbot.waitSignal(dialog.restore_finished, timeout=15000):
        dialog.restore_button.click()
    text, informative, details = boxes[0]
    assert "damaged.sqlite was not restored, and nothing was written" in text
    assert "<li>" in informative
    assert details.strip()
    assert not target.exists()


# --- with the application: the daily copy, and switching to a restored file -------------------------


@pytest.fixture
def application(settings_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Application]:
    monkeypatch.setattr(app_module, "default_database_path", lambda: tmp_path / "data" / "company.sqlite")
    application = Application(today=lambda: TODAY)
    yield application
    if application.window is not None:
        application.window.close()
    application.close()


def company_file(path: Path, name: str) -> Path:
    db = open_database(path, create=True)
    create_company(db, name, "EUR", "en_IE")
    add_client(db, ClientInput("A", "Alpha Ltd"))
    db.close()
    return path


def test_one_daily_backup_after_opening_and_none_on_reopening(
    application: Application, tmp_path: Path, qtbot: QtBot
) -> None:
    assert not QApplication.windowIcon().isNull()  # every window carries the app icon
    books = company_file(tmp_path / "books.sqlite", "Books Ltd")
    other = company_file(tmp_path / "other.sqlite", "Other Ltd")
    with qtbot.waitSignal(application.daily_backup_finished, timeout=10000) as first:
        assert application.open_path(books)
    made = first.args[0]
    assert made == backups_folder(books) / f"books-daily-{TODAY.isoformat()}.sqlite"
    assert clients_in(made) == 1
    with qtbot.waitSignal(application.daily_backup_finished, timeout=10000):
        assert application.open_path(other)
    with qtbot.waitSignal(application.daily_backup_finished, timeout=10000) as again:
        assert application.open_path(books)
    assert again.args[0] is None
    assert [p.name for p in backups_folder(books).glob("books-daily-*")] == [made.name]


def test_a_failed_backup_is_shown_and_logged(
    application: Application, tmp_path: Path, qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    books = company_file(tmp_path / "books.sqlite", "Books Ltd")
    backups_folder(books).write_text("not a folder")  # the copy cannot be written there
    with qtbot.waitSignal(application.daily_backup_finished, timeout=10000) as blocker:
        assert application.open_path(books)
    assert isinstance(blocker.args[0], OSError)
    window = application.window
    assert window is not None and window.isVisible()
    assert "automatic backup was not made" in window.statusBar().currentMessage()
    assert "the daily backup of" in caplog.text and "failed" in caplog.text  # and the log says so

    # Closing a changed file tries again; failing there is said in a message the user must see.
    add_client(application.db, ClientInput("B", "Beta Ltd"))  # type: ignore[arg-type]
    said: list[str] = []

    def read_and_close(box: QMessageBox) -> None:
        said.append(box.text())
        box.accept()

    when_box(read_and_close)
    application.close()
    assert said and "Today's work in books.sqlite was not backed up" in said[0]
    assert "the backup on closing" in caplog.text
    assert clients_in(books) == 2  # the books themselves are saved


def test_closing_a_changed_file_brings_todays_backup_up_to_date(
    application: Application, tmp_path: Path, qtbot: QtBot
) -> None:
    books = company_file(tmp_path / "books.sqlite", "Books Ltd")
    with qtbot.waitSignal(application.daily_backup_finished, timeout=10000) as opened:
        assert application.open_path(books)
    daily = opened.args[0]
    assert clients_in(daily) == 1  # the books as they were when opened
    assert application.db is not None
    add_client(application.db, ClientInput("B", "Beta Ltd"))
    application.close()
    assert clients_in(daily) == 2  # the day's work is in today's copy
    assert [p.name for p in backups_folder(books).iterdir()] == [daily.name]
    taken = daily.stat().st_mtime_ns

    with qtbot.waitSignal(application.daily_backup_finished, timeout=10000):
        assert application.open_path(books)
    application.close()  # nothing changed: the copy is left as it was
    assert daily.stat().st_mtime_ns == taken


def test_open_the_restored_file_switches_to_it(
    application: Application, tmp_path: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    books = company_file(tmp_path / "books.sqlite", "Books Ltd")
    with qtbot.waitSignal(application.daily_backup_finished, timeout=10000) as blocker:
        assert application.open_path(books)
    daily = blocker.args[0]
    window = application.window
    assert window is not None
    target = tmp_path / "books restored.sqlite"
    monkeypatch.setattr(backup_dialog, "ask_new_file", lambda *_: target)

    def drive(widget: QWidget) -> None:
        assert isinstance(widget, RestoreDialog)
        when_box(lambda box: press(box, "Open the restored file"))
        widget.restore(daily, target)

    when_modal(drive)
    window.restore_action.trigger()
    switched = application.window
    assert switched is not None and switched is not window
    assert switched.workspace.db.path == target.resolve()
    assert application.db is not None and application.db.path == target.resolve()
    assert clients_in(books) == 1  # the old file is untouched and no longer locked
    assert not Path(str(books) + ".lock").exists()


def test_macos_file_open_replaces_the_welcome(application: Application, tmp_path: Path) -> None:
    books = company_file(tmp_path / "books.sqlite", "Books Ltd")
    when_modal(lambda _: application.on_file_open_requested(str(books)))
    assert not application.start(None)  # the welcome gave way ...
    assert application.window is not None  # ... to the file double-clicked in the Finder
    assert application.window.workspace.company.name == "Books Ltd"
