"""Adding, editing and noting a client through the dialogs: checked as you type, Cancel writes nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal as D

import pytest
from PySide6.QtCore import QDate, QDateTime, Qt, QTime
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog, QWidget
from pytestqt.qtbot import QtBot

from creditdesk.domain.terms import PaymentTerms
from creditdesk.services.clients.overview import client_detail
from creditdesk.services.clients.records import (
    ClientInput,
    add_client,
    client_form,
    count_clients,
    update_client,
)
from creditdesk.ui.clients.client_dialog import ClientDialog, edit_client, new_client
from creditdesk.ui.clients.note_dialog import NoteDialog, log_note
from creditdesk.ui.workspace import Workspace
from tests.ui.helpers import wait_for_op, when_modal

# Showing a top-level window on the offscreen platform logs this; it says nothing about our code.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def dialog(qtbot: QtBot, workspace: Workspace, client_id: int | None = None) -> ClientDialog:
    widget = ClientDialog(workspace, client_id)
    qtbot.addWidget(widget)
    return widget


def test_a_new_client_is_saved_and_announced(qtbot: QtBot, workspace: Workspace) -> None:
    d = dialog(qtbot, workspace)
    assert d.windowTitle() == "New client"
    assert not d.ok_button.isEnabled()
    assert "required" in d.message.text()  # a hint before anything is typed, not an error
    QTest.keyClicks(d.code_edit, "ACME")
    QTest.keyClicks(d.name_edit, "Acme Ltd")
    QTest.keyClicks(d.email_edit, "ap@acme.example")
    QTest.keyClicks(d.limit_edit, "2,500.00")
    d.terms_combo.setCurrentIndex(
        d.terms_combo.findData(next(c.id for c in d.choices if c.label == "Net 14"))
    )
    d.do_not_chase_box.setChecked(True)
    assert d.ok_button.isEnabled() and d.message.text() == ""
    with qtbot.waitSignal(workspace.events.changed):
        QTest.mouseClick(d.ok_button, Qt.MouseButton.LeftButton)
    assert d.result() == QDialog.DialogCode.Accepted
    assert d.saved_id is not None
    form = client_form(workspace.db, d.saved_id)
    assert (form.code, form.name, form.email) == ("ACME", "Acme Ltd", "ap@acme.example")
    assert (form.credit_limit, form.terms, form.do_not_chase) == (D("2500.00"), PaymentTerms(14), True)


def test_the_company_default_terms_are_preselected(qtbot: QtBot, workspace: Workspace) -> None:
    d = dialog(qtbot, workspace)
    assert d.terms_combo.currentText() == "Net 30 (usual)"


@pytest.mark.parametrize(
    ("field", "text", "message"),
    [
        ("name", "", "Client name is required."),
        ("code", "TAKEN", "Client code 'TAKEN' is already used by another client."),
        ("code", "A B", "Client code 'A B' may only hold letters, digits and . _ / -."),
        ("email", "not-an-address", "Billing email 'not-an-address' is not a valid email address."),
        ("limit", "-100", "Credit limit -100.00 cannot be negative."),
        ("limit", "lots", "Credit limit 'lots' is not an amount."),
    ],
)
def test_a_broken_rule_disables_saving_and_names_the_field(
    qtbot: QtBot, workspace: Workspace, field: str, text: str, message: str
) -> None:
    add_client(workspace.db, ClientInput("TAKEN", "Taken Ltd"))
    d = dialog(qtbot, workspace)
    values = {"code": "NEW", "name": "New Ltd", "email": "", "limit": ""}
    for name, value in values.items():
        QTest.keyClicks(getattr(d, f"{name}_edit"), value)
    assert d.ok_button.isEnabled()
    edit = getattr(d, f"{field}_edit")
    edit.clear()
    QTest.keyClicks(edit, text)
    if not text:  # a field emptied by the user: the clear above is not typing, so type and delete
        QTest.keyClicks(edit, "x")
        QTest.keyClick(edit, Qt.Key.Key_Backspace)
    assert not d.ok_button.isEnabled()
    assert d.message.text() == f"⚠ {message}"
    assert "#b3261e" in d.message_label.styleSheet()  # red, and the text names the field
    assert "#b3261e" in edit.styleSheet()
    d.accept()  # even forced, nothing is written
    wait_for_op(qtbot, d)
    assert d.result() != QDialog.DialogCode.Accepted
    assert count_clients(workspace.db) == 1


def test_fixing_the_field_clears_the_message(qtbot: QtBot, workspace: Workspace) -> None:
    d = dialog(qtbot, workspace)
    QTest.keyClicks(d.code_edit, "NEW")
    QTest.keyClicks(d.name_edit, "New Ltd")
    QTest.keyClicks(d.email_edit, "ann@")
    assert not d.ok_button.isEnabled() and "email" in d.message.text()
    QTest.keyClicks(d.email_edit, "new.example")
    assert d.ok_button.isEnabled() and d.message.text() == ""
    assert d.email_edit.styleSheet() == ""


def test_edit_shows_the_client_and_saves_changes(qtbot: QtBot, workspace: Workspace) -> None:
    client = add_client(
        workspace.db, ClientInput("ACME", "Acme Ltd", "ap@acme.example", credit_limit=D("1234.5"))
    )
    d = dialog(qtbot, workspace, client)
    assert d.windowTitle() == "Edit client — Acme Ltd"
    assert d.ok_button.isEnabled()  # its own code is not "taken"
    assert (d.code_edit.text(), d.limit_edit.text()) == ("ACME", "1,234.50")
    assert d.terms_combo.currentText() == "Net 30 (usual)"
    d.name_edit.selectAll()
    QTest.keyClicks(d.name_edit, "Acme Holdings")
    d.on_hold_box.setChecked(True)
    with qtbot.waitSignal(workspace.events.changed):
        QTest.mouseClick(d.ok_button, Qt.MouseButton.LeftButton)
    form = client_form(workspace.db, client)
    assert (form.name, form.on_hold, form.credit_limit) == ("Acme Holdings", True, D("1234.50"))


def test_cancel_writes_nothing(qtbot: QtBot, workspace: Workspace) -> None:
    client = add_client(workspace.db, ClientInput("ACME", "Acme Ltd"))
    before = client_form(workspace.db, client)
    d = dialog(qtbot, workspace, client)
    QTest.keyClicks(d.name_edit, " and Sons")
    d.reject()
    assert client_form(workspace.db, client) == before
    new = dialog(qtbot, workspace)
    QTest.keyClicks(new.code_edit, "NEW")
    QTest.keyClicks(new.name_edit, "New Ltd")
    new.reject()
    assert count_clients(workspace.db) == 1


def test_new_client_entry_point(qtbot: QtBot, workspace: Workspace) -> None:
    def fill(widget: QWidget) -> None:
        assert isinstance(widget, ClientDialog)
        QTest.keyClicks(widget.code_edit, "ZED")
        QTest.keyClicks(widget.name_edit, "Zed Ltd")
        widget.ok_button.click()

    when_modal(fill)
    client_id = new_client(workspace, None)
    assert client_id is not None
    assert client_form(workspace.db, client_id).name == "Zed Ltd"

    when_modal(lambda widget: widget.close())  # closing the window is cancelling
    assert new_client(workspace, None) is None
    assert count_clients(workspace.db) == 1


def test_edit_client_entry_point(qtbot: QtBot, workspace: Workspace) -> None:
    client = add_client(workspace.db, ClientInput("ACME", "Acme Ltd"))

    def rename(widget: QWidget) -> None:
        assert isinstance(widget, ClientDialog)
        widget.name_edit.selectAll()
        QTest.keyClicks(widget.name_edit, "Acme plc")
        widget.ok_button.click()

    when_modal(rename)
    assert edit_client(workspace, None, client) is True
    assert client_form(workspace.db, client).name == "Acme plc"
    when_modal(lambda widget: widget.close())
    assert edit_client(workspace, None, client) is False


def test_a_note_is_required_and_then_logged(qtbot: QtBot, workspace: Workspace) -> None:
    client = add_client(workspace.db, ClientInput("ACME", "Acme Ltd"))
    d = NoteDialog(workspace, client)
    qtbot.addWidget(d)
    assert d.windowTitle() == "Log a note — Acme Ltd"
    assert not d.ok_button.isEnabled()
    assert d.when_edit.date() == QDate(2026, 11, 22)  # the workspace's today
    d.when_edit.setDateTime(QDateTime(QDate(2026, 11, 21), QTime(16, 45)))
    QTest.keyClicks(d.text_edit, "Called Ann; pays Friday.")
    assert d.ok_button.isEnabled()
    with qtbot.waitSignal(workspace.events.changed):
        QTest.mouseClick(d.ok_button, Qt.MouseButton.LeftButton)
    detail = client_detail(workspace.db, client, workspace.today())
    (entry,) = detail.timeline
    assert (entry.text, entry.at) == ("Called Ann; pays Friday.", datetime(2026, 11, 21, 16, 45))


def test_log_note_entry_point_and_cancel(qtbot: QtBot, workspace: Workspace) -> None:
    client = add_client(workspace.db, ClientInput("ACME", "Acme Ltd"))

    def write(widget: QWidget) -> None:
        assert isinstance(widget, NoteDialog)
        QTest.keyClicks(widget.text_edit, "Sent a copy of the statement.")
        widget.ok_button.click()

    when_modal(write)
    assert log_note(workspace, None, client) is True
    when_modal(lambda widget: widget.close())
    assert log_note(workspace, None, client) is False
    timeline = client_detail(workspace.db, client, workspace.today()).timeline
    assert [e.text for e in timeline] == ["Sent a copy of the statement."]


def test_a_code_taken_meanwhile_is_refused_on_the_form(qtbot: QtBot, workspace: Workspace) -> None:
    d = dialog(qtbot, workspace)
    QTest.keyClicks(d.code_edit, "NEW")
    QTest.keyClicks(d.name_edit, "New Ltd")
    assert d.ok_button.isEnabled()
    add_client(workspace.db, ClientInput("NEW", "Someone Else Ltd"))  # another window got there first
    QTest.mouseClick(d.ok_button, Qt.MouseButton.LeftButton)
    wait_for_op(qtbot, d)
    assert d.result() != QDialog.DialogCode.Accepted and d.saved_id is None
    assert "already used by another client" in d.message.text()
    assert count_clients(workspace.db) == 1


def test_saving_over_someone_elses_newer_change_is_refused_in_the_form(
    qtbot: QtBot, workspace: Workspace
) -> None:
    client = add_client(workspace.db, ClientInput("ACME", "Acme Ltd", "ap@acme.example"))
    d = dialog(qtbot, workspace, client)
    theirs = client_form(workspace.db, client)  # another window, on another computer
    update_client(workspace.db, client, replace(theirs, phone="+44 20 7946 0000"))
    d.name_edit.selectAll()
    QTest.keyClicks(d.name_edit, "Acme Holdings")
    QTest.mouseClick(d.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "changed by someone else" in d.message.text(), timeout=5000)
    assert "open it again" in d.message.text()
    assert d.result() != QDialog.DialogCode.Accepted
    form = client_form(workspace.db, client)
    assert (form.name, form.phone) == ("Acme Ltd", "+44 20 7946 0000"), "their change kept, mine not written"
