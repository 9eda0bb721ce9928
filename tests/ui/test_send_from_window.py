"""Sending the approved outbox from the window to a real SMTP server (aiosmtpd, STARTTLS, AUTH).

The account is saved through the service with its password in a real keyring
backend kept in this test's own folder; the window trusts the server's
throwaway CA through the Outbox tab's ``ssl_context``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
import trustme
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from creditdesk.mail.secrets import MEMORY
from creditdesk.services.chasing import outbox, reminders
from creditdesk.services.chasing.mail_account import NOT_SET_UP
from creditdesk.services.chasing.sending import OneSender
from creditdesk.services.company.settings import get_company
from creditdesk.store.database import Database
from creditdesk.ui.chasing.outbox_model import STATUS
from creditdesk.ui.chasing.outbox_tab import OutboxTab
from creditdesk.ui.main_window import OUTBOX, MainWindow
from creditdesk.ui.workers import wait_for_background_work
from creditdesk.ui.workspace import Workspace
from tests.mail.smtp_server import HOST, PASSWORD, USERNAME, Server, client_context, make_ca, smtp_server
from tests.services.test_sending import AS_OF, account, build_ledger
from tests.ui.helpers import when_modal

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")
LOAD_MS = 10000
SEND_MS = 20000


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return make_ca()


@pytest.fixture
def server(ca: trustme.CA) -> Iterator[Server]:
    with smtp_server(ca) as running:
        yield running


@pytest.fixture(autouse=True)
def _test_keyring(file_keyring: Path) -> Path:
    return file_keyring


@pytest.fixture
def workspace(db: Database) -> Iterator[Workspace]:
    """Four reminders queued and approved: three emails and a letter."""
    build_ledger(db, AS_OF)
    reminders.queue(db, AS_OF)
    outbox.approve_all_drafts(db)
    yield Workspace(db, get_company(db), today=lambda: AS_OF)
    wait_for_background_work()


@pytest.fixture
def window(qtbot: QtBot, workspace: Workspace, ca: trustme.CA) -> MainWindow:
    window = MainWindow(workspace)
    qtbot.addWidget(window)
    window.outbox_tab.ssl_context = client_context(ca)
    with qtbot.waitSignal(window.outbox_tab.loaded, timeout=LOAD_MS):
        window.load()
    window.tabs.setCurrentIndex(OUTBOX)
    return window


def statuses(tab: OutboxTab) -> dict[str, str]:
    return {row.client_name: tab.model.index(i, STATUS).data() for i, row in enumerate(tab.model.rows)}


def test_the_outbox_is_the_fourth_tab_with_its_count(window: MainWindow) -> None:
    assert window.tabs.tabText(OUTBOX) == "&Outbox (4)"
    assert window.tab_actions[OUTBOX].shortcut().toString() == "Ctrl+4"
    assert window.outbox_tab.send_action.text() == "&Send approved now (3)"  # the letter is printed


def test_approved_messages_go_out_and_show_as_sent(
    qtbot: QtBot, window: MainWindow, workspace: Workspace, server: Server
) -> None:
    account(workspace.db, server)
    tab = window.outbox_tab
    tab.send_button.click()
    assert not tab.send_action.isEnabled()  # one run at a time
    qtbot.waitUntil(lambda: tab.notice_label.text().startswith("Sent "), timeout=SEND_MS)
    assert tab.notice_label.text() == "Sent 3, failed 0, still queued 0"
    assert sorted(server.handler.recipients()) == ["ap@brick.test", "d@dune.test", "pay@acme.test"]
    qtbot.waitUntil(lambda: window.tabs.tabText(OUTBOX) == "&Outbox (1)", timeout=LOAD_MS)
    assert statuses(tab) == {"Crate plc": "Approved"}  # the letter waits to be printed
    with qtbot.waitSignal(tab.loaded, timeout=LOAD_MS):
        tab.status_combo.setCurrentText("Sent")
    assert statuses(tab) == {"Acme Ltd": "Sent", "Brick & Co": "Sent", "Dune GmbH": "Sent"}
    assert not tab.send_action.isEnabled()


def test_the_password_is_asked_for_once_when_none_is_saved(
    qtbot: QtBot, window: MainWindow, workspace: Workspace, server: Server
) -> None:
    account(workspace.db, server, password=None)
    asked: list[str] = []

    def type_password(widget: QWidget) -> None:
        assert isinstance(widget, QInputDialog)
        asked.append(widget.labelText())
        assert widget.textEchoMode() is QLineEdit.EchoMode.Password
        widget.setTextValue(PASSWORD)
        widget.accept()

    when_modal(type_password)
    tab = window.outbox_tab
    tab.send_action.trigger()
    qtbot.waitUntil(lambda: tab.notice_label.text().startswith("Sent "), timeout=SEND_MS)
    assert tab.notice_label.text() == "Sent 3, failed 0, still queued 0"
    assert asked and USERNAME in asked[0]
    assert MEMORY.get(f"{USERNAME}@{HOST}") == PASSWORD  # for the rest of this session only
    assert keyring.get_password("creditdesk", f"{USERNAME}@{HOST}") is None


def test_without_an_account_the_user_is_sent_to_the_settings(qtbot: QtBot, window: MainWindow) -> None:
    said: list[str] = []

    def read(widget: QWidget) -> None:
        assert isinstance(widget, QMessageBox)
        said.append(widget.text())
        widget.accept()

    when_modal(read)
    window.outbox_tab.send_action.trigger()
    assert said == [NOT_SET_UP]
    assert "Settings → Email" in said[0]
    assert window.outbox_tab.send_action.isEnabled()


def test_a_run_already_sending_is_explained(
    qtbot: QtBot, window: MainWindow, workspace: Workspace, server: Server
) -> None:
    account(workspace.db, server)
    said: list[str] = []

    def read(widget: QWidget) -> None:
        assert isinstance(widget, QMessageBox)
        said.append(widget.text())
        widget.accept()

    with OneSender(workspace.db):
        when_modal(read)
        window.outbox_tab.send_action.trigger()
        qtbot.waitUntil(lambda: bool(said), timeout=SEND_MS)
    assert said[0].startswith("Reminders are already being sent from these books")
    assert server.handler.received == []
    qtbot.waitUntil(window.outbox_tab.send_action.isEnabled, timeout=LOAD_MS)


def test_a_refused_password_is_reported_and_not_kept(
    qtbot: QtBot, window: MainWindow, workspace: Workspace, server: Server
) -> None:
    account(workspace.db, server, password=None)

    def type_password(widget: QWidget) -> None:
        assert isinstance(widget, QInputDialog)
        widget.setTextValue("not-the-password")
        widget.accept()

    when_modal(type_password)
    tab = window.outbox_tab
    tab.send_action.trigger()
    qtbot.waitUntil(lambda: "Stopped:" in tab.notice_label.text(), timeout=SEND_MS)
    assert tab.notice_label.text().startswith("Sent 0, failed 0, still queued 3. Stopped: ")
    (box,) = [b for b in tab.findChildren(QMessageBox) if b.isVisible()]
    assert box.windowTitle() == "Some reminders did not go out"
    assert not box.isModal()  # the window stays usable
    box.accept()
    assert MEMORY.get(f"{USERNAME}@{HOST}") is None  # asked for again next time
    assert server.handler.received == []
    qtbot.waitUntil(tab.send_action.isEnabled, timeout=LOAD_MS)
    assert statuses(tab)["Acme Ltd"] == "Approved"
