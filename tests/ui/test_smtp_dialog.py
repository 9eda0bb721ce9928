"""Settings → Email account: field errors as you type, the password only in the keyring, a real test send."""

from __future__ import annotations

from pathlib import Path

import keyring
import pytest
import trustme
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog, QInputDialog, QWidget
from pytestqt.qtbot import QtBot

from creditdesk.mail.secrets import SERVICE
from creditdesk.mail.smtp import Security
from creditdesk.services.chasing.mail_account import smtp_form
from creditdesk.ui.chasing.mail_account_dialog import SmtpDialog
from creditdesk.ui.workspace import Workspace
from tests.mail.smtp_server import (
    FROM_ADDRESS,
    HOST,
    PASSWORD,
    USERNAME,
    client_context,
    make_ca,
    smtp_server,
)
from tests.ui.helpers import when_modal

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")


@pytest.fixture(autouse=True)
def _test_keyring(file_keyring: Path) -> Path:
    return file_keyring


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return make_ca()


def dialog(qtbot: QtBot, workspace: Workspace, ca: trustme.CA | None = None) -> SmtpDialog:
    widget = SmtpDialog(workspace, ssl_context=client_context(ca) if ca is not None else None)
    qtbot.addWidget(widget)
    return widget


def fill(d: SmtpDialog, host: str, port: int | None, security: Security = Security.STARTTLS) -> None:
    QTest.keyClicks(d.host_edit, host)
    d.security_combo.setCurrentIndex(d.security_combo.findData(security.value))
    if port is not None:
        d.port_spin.setValue(port)
    QTest.keyClicks(d.username_edit, USERNAME)
    QTest.keyClicks(d.password_edit, PASSWORD)
    d.from_name_edit.clear()
    QTest.keyClicks(d.from_name_edit, "Shop Accounts")
    QTest.keyClicks(d.from_address_edit, FROM_ADDRESS)


def file_bytes(path: Path) -> bytes:
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def test_bad_port_and_from_address_are_named_and_nothing_is_saved(qtbot: QtBot, workspace: Workspace) -> None:
    d = dialog(qtbot, workspace)
    assert d.port_spin.value() == 587 and d.message == ""
    d.security_combo.setCurrentIndex(d.security_combo.findData(Security.SSL.value))
    assert d.port_spin.value() == 465  # the usual port follows the security until one is typed
    QTest.keyClicks(d.host_edit, "smtp.example.com")
    d.port_spin.clear()
    QTest.keyClicks(d.port_spin, "70000")
    QTest.keyClicks(d.from_address_edit, "accounts at shop")
    assert d.port_spin.property("invalid") and d.from_address_edit.property("invalid")
    assert "Port 70000 is not between 1 and 65535" in d.port_spin.toolTip()
    assert "Port" in d.message and "From address" in d.message
    d.security_combo.setCurrentIndex(d.security_combo.findData(Security.STARTTLS.value))
    assert d.port_spin.value() == 70000  # a typed port is never overwritten
    QTest.mouseClick(d.save_button, Qt.MouseButton.LeftButton)
    assert d.result() != QDialog.DialogCode.Accepted
    assert smtp_form(workspace.db) is None


def test_plain_is_refused_for_a_remote_server_and_only_warned_about_locally(
    qtbot: QtBot, workspace: Workspace
) -> None:
    d = dialog(qtbot, workspace)
    fill(d, "smtp.example.com", None, Security.PLAIN)
    assert d.port_spin.value() == 25
    assert d.security_combo.property("invalid")
    assert "only to this computer" in d.message
    d.accept()
    assert smtp_form(workspace.db) is None

    d.host_edit.clear()
    QTest.keyClicks(d.host_edit, "localhost")
    assert not d.security_combo.property("invalid") and d.message == ""
    assert "Plain connections are not encrypted" in d.warning


def test_a_valid_form_is_saved_and_the_password_goes_only_to_the_keyring(
    qtbot: QtBot, workspace: Workspace, db_path: Path, file_keyring: Path
) -> None:
    d = dialog(qtbot, workspace)
    assert "will be kept in" in d.password_hint.text()
    fill(d, "smtp.example.com", None)
    d.bcc_box.setChecked(True)
    assert d.message == "" and d.warning == ""
    QTest.mouseClick(d.save_button, Qt.MouseButton.LeftButton)
    assert d.result() == QDialog.DialogCode.Accepted
    assert "Password saved in the system keyring" in d.saved_message
    form = smtp_form(workspace.db)
    assert form is not None
    assert (form.host, form.port, form.security) == ("smtp.example.com", 587, Security.STARTTLS)
    assert (form.username, form.from_address, form.bcc_me) == (USERNAME, FROM_ADDRESS, True)
    assert keyring.get_password(SERVICE, f"{USERNAME}@smtp.example.com") == PASSWORD
    assert PASSWORD.encode() not in file_bytes(db_path)
    assert b'"creditdesk/' in file_keyring.read_bytes()  # the test's own keyring file holds it

    again = dialog(qtbot, workspace)  # the stored password is kept when the box stays empty
    assert again.host_edit.text() == "smtp.example.com" and again.password_edit.text() == ""
    assert again.password_hint.text().startswith("A password is saved in")
    again.accept()
    assert keyring.get_password(SERVICE, f"{USERNAME}@smtp.example.com") == PASSWORD


def test_send_test_email_reaches_the_real_server_or_shows_its_reason(
    qtbot: QtBot, workspace: Workspace, ca: trustme.CA
) -> None:
    with smtp_server(ca) as server:
        d = dialog(qtbot, workspace, ca)
        fill(d, HOST, server.port)

        def answer(box: QWidget) -> None:
            assert isinstance(box, QInputDialog) and box.textValue() == FROM_ADDRESS
            box.setTextValue("owner@shop.test")
            box.accept()

        when_modal(answer)
        QTest.mouseClick(d.test_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: d.test_button.isEnabled() and "✓" in d.test_message, timeout=15000)
        assert "250" in d.test_message
        assert server.handler.recipients() == ["owner@shop.test"]
        assert smtp_form(workspace.db) is None  # tried, not saved

        d.password_edit.clear()
        QTest.keyClicks(d.password_edit, "wrong password")
        d.send_test("owner@shop.test")
        qtbot.waitUntil(lambda: d.test_button.isEnabled() and "⚠" in d.test_message, timeout=15000)
        assert "535" in d.test_message
        assert len(server.handler.received) == 1
        assert "refused the user name or password: 535 5.7.8" in d.test_message
