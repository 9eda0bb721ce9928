"""The application around the window: first run, opening files, the lock and remembered state."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLockFile, QSettings
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from creditdesk.services.company.settings import create_company
from creditdesk.services.reports.aging import company_figures
from creditdesk.store.database import open_database
from creditdesk.ui import app as app_module
from creditdesk.ui.app import Application
from creditdesk.ui.main_window import AGING, INVOICES
from creditdesk.ui.welcome import WelcomeDialog
from tests.ui.conftest import TODAY
from tests.ui.helpers import when_modal

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture
def application(settings_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Application]:
    monkeypatch.setattr(app_module, "default_database_path", lambda: tmp_path / "data" / "company.sqlite")
    application = Application(today=lambda: TODAY)
    yield application
    if application.window is not None:
        application.window.close()
    application.close()


def company_file(path: Path, name: str = "Acme Ltd") -> Path:
    db = open_database(path, create=True)
    create_company(db, name, "EUR", "en_IE")
    db.close()
    return path


def test_first_run_welcome_creates_a_company(application: Application, tmp_path: Path, qtbot: QtBot) -> None:
    def fill(widget: QWidget) -> None:
        assert isinstance(widget, WelcomeDialog)
        widget.name_edit.setText("Zeta Café")
        widget.locale_combo.setCurrentIndex(widget.locale_combo.findData("fr_FR"))
        assert widget.currency == "EUR"  # follows the region
        widget.create_button.click()

    when_modal(fill)
    assert application.start(None)
    window = application.window
    assert window is not None
    assert window.workspace.company.name == "Zeta Café"
    assert window.workspace.company.locale == "fr_FR"
    assert (tmp_path / "data" / "company.sqlite").is_file()


def test_first_run_can_open_the_demo(
    application: Application, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qtbot: QtBot
) -> None:
    monkeypatch.setattr(app_module, "demo_database_path", lambda: tmp_path / "data" / "Demo company.sqlite")
    assert application.start(None, demo_first=True)
    window = application.window
    assert window is not None
    assert window.workspace.company.name == "Harbour & Pine Joinery Ltd"
    with qtbot.waitSignal(window.figures_shown, timeout=20000):
        pass
    assert "Outstanding" in window.outstanding_label.text()


def test_a_second_copy_on_the_same_file_is_refused(application: Application, tmp_path: Path) -> None:
    path = company_file(tmp_path / "books.sqlite")
    other = QLockFile(str(path) + ".lock")  # what a second CreditDesk would hold
    assert other.tryLock(0)
    messages: list[str] = []

    def read(widget: QWidget) -> None:
        assert isinstance(widget, QMessageBox)
        messages.append(widget.text())
        widget.accept()

    when_modal(read)
    assert not application.open_path(path)
    assert application.window is None
    assert "already open in another CreditDesk window" in messages[0]
    other.unlock()
    assert application.open_path(path)


def test_the_last_file_reopens_with_its_tab(application: Application, tmp_path: Path, qtbot: QtBot) -> None:
    first = company_file(tmp_path / "one.sqlite", "One Ltd")
    second = company_file(tmp_path / "two.sqlite", "Two Ltd")
    assert application.open_path(first)
    assert application.open_path(second)  # switching files closes the first window
    window = application.window
    assert window is not None
    window.tabs.setCurrentIndex(INVOICES)
    window.close()
    assert application.db is None  # closing the window released the file and its lock
    later = Application(today=lambda: TODAY)
    try:
        assert later.start(None)
        assert later.window is not None
        assert later.window.workspace.company.name == "Two Ltd"
        assert later.window.tabs.currentIndex() == INVOICES
        assert [Path(p).name for p in later.recent_files()] == ["two.sqlite", "one.sqlite"]
    finally:
        assert later.window is not None
        later.window.close()
        later.close()


def test_status_bar_and_aging_tab_on_the_demo(
    application: Application, tmp_path: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app_module, "demo_database_path", lambda: tmp_path / "data" / "Demo company.sqlite")
    assert application.start(None, demo_first=True)
    window = application.window
    assert window is not None
    with qtbot.waitSignal(window.figures_shown, timeout=20000):
        pass
    figures = company_figures(window.workspace.db, TODAY)
    fmt = window.workspace.formats
    assert window.outstanding_label.text() == f"Outstanding {fmt.money(figures.outstanding)}"
    assert fmt.money(figures.overdue) in window.overdue_label.text()
    assert window.dso_label.text() == f"DSO {figures.dso} days"
    with qtbot.waitSignal(window.aging_tab.loaded, timeout=20000):
        window.tabs.setCurrentIndex(AGING)
    assert window.aging_tab.model.report is not None
    assert window.aging_tab.model.report.totals.total == figures.outstanding


def test_shortcuts_and_tab_order(application: Application, tmp_path: Path) -> None:
    assert application.open_path(company_file(tmp_path / "keys.sqlite"))
    window = application.window
    assert window is not None
    shortcuts = {
        a.text(): a.shortcut().toString() for a in window.findChildren(type(window.new_invoice_action))
    }
    assert shortcuts["New &invoice…"] == "Ctrl+N"
    assert shortcuts["&Record payment…"] == "Ctrl+R"
    assert shortcuts["New c&lient…"] == "Ctrl+Shift+N"
    # Every tab has its Ctrl+number, in the order of the tabs (the Bank tab is the sixth).
    assert [a.shortcut().toString() for a in window.tab_actions] == [f"Ctrl+{n}" for n in range(1, 7)]
    window.tab_actions[2].trigger()
    assert window.tabs.currentIndex() == AGING
    assert window.workspace.today() == TODAY


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_the_log_and_the_settings_are_owner_only(
    settings_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = os.umask(0o022)
    try:
        monkeypatch.setattr(app_module, "user_log_path", lambda *_, **__: tmp_path / "logs" / "CreditDesk")
        app_module.configure_logging()
        log_file = tmp_path / "logs" / "CreditDesk" / "creditdesk.log"
        assert stat.S_IMODE(log_file.stat().st_mode) == 0o600
        assert stat.S_IMODE(log_file.parent.stat().st_mode) == 0o700
        app_module.keep_settings_private()
        settings = QSettings()
        settings.setValue("files/last", str(tmp_path / "books.sqlite"))
        settings.sync()
        written = Path(settings.fileName())
        assert written.is_relative_to(settings_dir) and written.read_text()
        assert stat.S_IMODE(written.stat().st_mode) == 0o600  # still, after Qt rewrote it
    finally:
        os.umask(old)


ADD_CLIENT = """
import sys
from creditdesk.services.clients.records import ClientInput, add_client
from creditdesk.store.database import open_database
db = open_database(sys.argv[1])
add_client(db, ClientInput(code="FAR", name="Far Away Ltd", email="ap@far.example"))
db.close()
"""


def test_a_change_made_by_another_program_shows_within_seconds(
    application: Application, tmp_path: Path, qtbot: QtBot
) -> None:
    path = company_file(tmp_path / "shared.sqlite")
    assert application.open_path(path)
    window = application.window
    assert window is not None
    model = window.clients_tab.model
    qtbot.wait(500)  # the first fill
    assert model.rowCount() == 0
    subprocess.run([sys.executable, "-c", ADD_CLIENT, str(path)], check=True, timeout=60)
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=10_000)
    assert "changed elsewhere" in window.statusBar().currentMessage()
