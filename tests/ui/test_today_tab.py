"""The Today tab: what needs a person today, with its one-click actions, inside the real window."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDialog, QLabel, QWidget
from pytestqt.qtbot import QtBot

from creditdesk.services.arrangements.promises import PromiseInput, record_promise
from creditdesk.services.chasing.today import TodayKind
from creditdesk.ui.chasing.today_model import TodayModel
from creditdesk.ui.chasing.today_tab import TodayTab
from creditdesk.ui.clients.conversation_dialog import ConversationDialog
from creditdesk.ui.main_window import CLIENTS, TODAY, MainWindow
from creditdesk.ui.workspace import Workspace
from tests.services.workflow_ledger import client, invoice
from tests.ui.conftest import TODAY as TODAY_DATE
from tests.ui.helpers import when_modal as _when_modal

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")
TIMEOUT = 10000


def when_modal(handle: Callable[[QWidget], object]) -> None:
    def guarded(widget: QWidget) -> None:
        try:
            handle(widget)
        except BaseException:
            if isinstance(widget, QDialog):
                widget.reject()
            raise

    _when_modal(guarded)


def actions_of(tab: TodayTab, row: int) -> QLabel:
    label = tab.table_view.indexWidget(tab.model.index(row, TodayModel.ACTIONS))
    assert isinstance(label, QLabel)
    return label


def row_of(tab: TodayTab, kind: TodayKind, client_id: int) -> int:
    return next(
        r for r, item in enumerate(tab.model.rows) if item.kind is kind and item.client_id == client_id
    )


def broken_promise(workspace: Workspace, client_id: int, invoice_id: int) -> None:
    """Promised for the 18th, not paid: broken on the 19th."""
    data = PromiseInput(client_id, [invoice_id], Decimal("80.00"), date(2026, 11, 18), date(2026, 11, 10))
    record_promise(workspace.db, data)


def open_window(qtbot: QtBot, workspace: Workspace) -> MainWindow:
    window = MainWindow(workspace)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    with qtbot.waitSignal(window.today_tab.loaded, timeout=TIMEOUT):
        window.load()
    return window


def test_a_follow_up_logged_in_the_dialog_is_on_today_and_opens_its_client(
    qtbot: QtBot, workspace: Workspace
) -> None:
    acme = client(workspace.db, "ACME")
    beta = client(workspace.db, "BETA")
    inv = invoice(workspace.db, beta, date(2026, 11, 1), "80.00")
    broken_promise(workspace, beta, inv)
    window = open_window(qtbot, workspace)
    tab = window.today_tab
    assert [i.kind for i in tab.model.rows] == [TodayKind.PROMISE_BROKEN]
    assert window.tabs.tabText(TODAY) == "Toda&y (1)"

    def fill(widget: QWidget) -> None:
        assert isinstance(widget, ConversationDialog)
        widget.outcome_edit.setText("Sarah will call back about the order")
        widget.follow_up_edit.setDate(QDate(TODAY_DATE.year, TODAY_DATE.month, TODAY_DATE.day))
        widget.save_button.click()

    when_modal(fill)
    with qtbot.waitSignal(tab.loaded, timeout=TIMEOUT):
        window.clients_tab.workflow("log_call", acme)
    row = row_of(tab, TodayKind.FOLLOW_UP, acme)
    assert tab.model.index(row, TodayModel.KIND).data() == "Follow-up"
    assert "Sarah will call back about the order" in tab.model.index(row, TodayModel.DETAILS).data()
    assert tab.model.index(row, TodayModel.CLIENT).data() == "Acme Ltd (ACME)"
    assert window.tabs.tabText(TODAY) == "Toda&y (2)"
    kinds = [tab.kind_combo.itemText(i) for i in range(tab.kind_combo.count())]
    assert kinds == ["Everything (2)", "Promise broken (1)", "Follow-up (1)"]
    links = actions_of(tab, row)
    assert "Log call…" in links.text() and "Open client" in links.text()

    window.tabs.setCurrentIndex(TODAY)
    with qtbot.waitSignal(window.clients_tab.detail_loaded, timeout=TIMEOUT):
        links.linkActivated.emit("open_client")
    assert window.tabs.currentIndex() == CLIENTS
    assert window.clients_tab.client_id == acme
    assert window.clients_tab.detail_pane.name_label.text() == "Acme Ltd"
    selected = window.clients_tab.table_view.selectionModel().selectedRows()
    assert [i.data() for i in selected] == ["ACME"]


def test_log_call_from_today_takes_the_invoices_along(qtbot: QtBot, workspace: Workspace) -> None:
    beta = client(workspace.db, "BETA")
    inv = invoice(workspace.db, beta, date(2026, 11, 1), "80.00")
    broken_promise(workspace, beta, inv)
    tab = TodayTab(workspace)
    qtbot.addWidget(tab)
    with qtbot.waitSignal(tab.loaded, timeout=TIMEOUT):
        tab.reload()
    seen: list[object] = []

    def fill(widget: QWidget) -> None:
        assert isinstance(widget, ConversationDialog)
        seen.append(widget.invoices.checked_ids())
        widget.outcome_edit.setText("")
        widget.save_button.click()  # nothing said: refused, nothing written
        seen.append(widget.message.text())
        widget.outcome_edit.setText("Promised again for Friday")
        widget.follow_up_box.setChecked(False)
        widget.save_button.click()

    when_modal(fill)
    with qtbot.waitSignal(tab.loaded, timeout=TIMEOUT):
        actions_of(tab, 0).linkActivated.emit("log_call")
    assert seen == [[inv], "⚠ Write the outcome (or a note): what was said or agreed."]
    assert tab.heading.text().startswith("Today, ")


def test_nothing_to_do_says_so(qtbot: QtBot, workspace: Workspace) -> None:
    tab = TodayTab(workspace)
    qtbot.addWidget(tab)
    with qtbot.waitSignal(tab.loaded, timeout=TIMEOUT):
        tab.reload()
    assert tab.pages.currentWidget() is tab.empty
    assert tab.empty.text().startswith("Nothing needs you today")
