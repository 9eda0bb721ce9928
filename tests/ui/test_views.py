"""Views reload after a change to what they show, and a hidden one only when it is next shown."""

from __future__ import annotations

from datetime import date

import pytest
from pytestqt.qtbot import QtBot

from creditdesk.ui.ledger.invoices_tab import InvoicesTab
from creditdesk.ui.workspace import Change, Workspace
from tests.services.workflow_ledger import client, invoice

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")
TIMEOUT = 10000


def shown_tab(qtbot: QtBot, workspace: Workspace) -> InvoicesTab:
    tab = InvoicesTab(workspace)
    qtbot.addWidget(tab)
    tab.resize(1200, 600)
    tab.show()
    with qtbot.waitSignal(tab.loaded, timeout=TIMEOUT):
        tab.reload()
    return tab


def test_a_change_the_tab_does_not_show_reloads_nothing(qtbot: QtBot, workspace: Workspace) -> None:
    tab = shown_tab(qtbot, workspace)
    loads: list[None] = []
    tab.loaded.connect(lambda: loads.append(None))
    workspace.changed(Change.TIMELINE)  # a note: the invoice table shows none
    qtbot.wait(300)
    assert loads == []
    with qtbot.waitSignal(tab.loaded, timeout=TIMEOUT):
        workspace.changed(Change.LEDGER)
    assert loads == [None]


def test_a_hidden_tab_reloads_once_when_shown(qtbot: QtBot, workspace: Workspace) -> None:
    tab = shown_tab(qtbot, workspace)
    assert tab.model.rowCount() == 0
    tab.hide()
    loads: list[None] = []
    tab.loaded.connect(lambda: loads.append(None))
    acme = client(workspace.db, "ACME")
    invoice(workspace.db, acme, date(2026, 11, 1), "80.00")
    workspace.changed(Change.LEDGER)
    workspace.changed(Change.LEDGER | Change.CLIENTS)
    qtbot.wait(300)
    assert loads == [] and tab.model.rowCount() == 0  # hidden: nothing loaded yet
    with qtbot.waitSignal(tab.loaded, timeout=TIMEOUT):
        tab.show()
    qtbot.wait(300)
    assert loads == [None]  # two changes while hidden, one load when shown
    assert tab.model.rowCount() == 1
