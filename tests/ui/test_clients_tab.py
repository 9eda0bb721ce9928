"""The Clients tab: the aging's figures, search, sort, the detail pane and its buttons."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from creditdesk.domain.behaviour import PaymentBehaviour
from creditdesk.domain.invoice import InvoiceLine
from creditdesk.services.clients.overview import client_detail
from creditdesk.services.clients.records import ClientInput, add_client, client_form
from creditdesk.services.ledger.invoices import InvoiceInput, create_invoice
from creditdesk.services.reports.aging import run_aging
from creditdesk.ui.clients.client_dialog import ClientDialog
from creditdesk.ui.clients.clients_model import (
    BALANCE,
    CODE,
    CONTACT,
    NAME,
    OLDEST,
    OVERDUE,
    STATUS,
    VALUE_ROLE,
    TimelineModel,
)
from creditdesk.ui.clients.clients_tab import ClientsTab
from creditdesk.ui.clients.note_dialog import NoteDialog
from creditdesk.ui.widgets import ID_ROLE
from creditdesk.ui.workspace import Workspace
from tests.ui.helpers import when_modal

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
TIMEOUT = 10000


def loaded_tab(qtbot: QtBot, workspace: Workspace) -> ClientsTab:
    tab = ClientsTab(workspace)
    qtbot.addWidget(tab)
    tab.resize(1200, 800)
    with qtbot.waitSignal(tab.loaded, timeout=TIMEOUT):
        tab.reload()
    return tab


def shown(tab: ClientsTab, column: int, role: int = Qt.ItemDataRole.DisplayRole) -> list[object]:
    proxy = tab.proxy
    return [proxy.index(row, column).data(role) for row in range(proxy.rowCount())]


def select(qtbot: QtBot, tab: ClientsTab, client_id: int) -> None:
    with qtbot.waitSignal(tab.detail_loaded, timeout=TIMEOUT, check_params_cb=lambda cid: cid == client_id):
        tab.select_client(client_id)


def test_the_list_shows_the_aging_figures(
    qtbot: QtBot, demo_workspace: Workspace, qtmodeltester: object
) -> None:
    tab = loaded_tab(qtbot, demo_workspace)
    qtmodeltester.check(tab.model)  # type: ignore[attr-defined]
    qtmodeltester.check(tab.proxy)  # type: ignore[attr-defined]
    report = run_aging(demo_workspace.db, demo_workspace.today())
    assert tab.proxy.rowCount() == 30
    assert tab.count_label.text() == "30 clients"
    fmt = demo_workspace.formats
    for row in range(tab.proxy.rowCount()):
        index = tab.proxy.index(row, BALANCE)
        aging = report.row_for(index.data(ID_ROLE))
        balance, overdue = (aging.total, aging.overdue) if aging else (Decimal(0), Decimal(0))
        assert index.data(VALUE_ROLE) == balance
        assert index.data() == fmt.amount(balance)
        assert index.data(Qt.ItemDataRole.TextAlignmentRole) == RIGHT
        over = tab.proxy.index(row, OVERDUE)
        assert over.data(VALUE_ROLE) == overdue
        if overdue:  # colour and words: the amount, and the days in the next column
            assert over.data(Qt.ItemDataRole.ForegroundRole) is not None
            assert tab.proxy.index(row, OLDEST).data().endswith(("day", "days"))
        else:
            assert over.data() == "" and tab.proxy.index(row, OLDEST).data() == ""
    assert tab.model.headerData(BALANCE, Qt.Orientation.Horizontal) == "Balance (GBP)"


def test_search_filters_as_you_type(qtbot: QtBot, demo_workspace: Workspace) -> None:
    tab = loaded_tab(qtbot, demo_workspace)
    QTest.keyClicks(tab.search_box, "muller")  # accents and case do not matter
    assert shown(tab, NAME) == ["Müller & Söhne GmbH"]
    assert tab.count_label.text() == "1 of 30 clients"
    tab.search_box.clear()
    QTest.keyClicks(tab.search_box, "LTD cr")  # every word must appear
    tab.search_box.insert("ème")  # (QTest types ASCII only)
    assert shown(tab, NAME) == ["Crème de la Crème Patisserie Ltd"]
    code = shown(tab, CODE)[0]
    tab.search_box.clear()
    QTest.keyClicks(tab.search_box, str(code).lower())
    assert shown(tab, CODE) == [code]
    tab.search_box.clear()
    QTest.keyClicks(tab.search_box, "@")  # e-mail addresses are searched too
    emails = [r for r in tab.model.table.rows if r.email]
    assert tab.proxy.rowCount() == len(emails) and 0 < len(emails) < 30
    QTest.keyClicks(tab.search_box, "nobody-at-all")
    assert tab.proxy.rowCount() == 0
    assert tab.empty_label.isVisibleTo(tab) and "No client matches" in tab.empty_label.text()
    QTest.keyClick(tab.search_box, Qt.Key.Key_Escape)
    assert tab.search_box.text() == "" and tab.proxy.rowCount() == 30


def test_columns_sort_and_keep_the_selection(qtbot: QtBot, demo_workspace: Workspace) -> None:
    tab = loaded_tab(qtbot, demo_workspace)
    names = shown(tab, NAME)
    assert names.index("Björk & Åberg AB") < names.index("Cedar Ridge Homes LLC")  # by name, accents folded
    chosen = tab.proxy.index(5, NAME).data(ID_ROLE)
    select(qtbot, tab, chosen)
    tab.table_view.sortByColumn(BALANCE, Qt.SortOrder.DescendingOrder)
    balances = shown(tab, BALANCE, VALUE_ROLE)
    assert balances == sorted(balances, reverse=True)  # type: ignore[type-var]
    tab.table_view.sortByColumn(OLDEST, Qt.SortOrder.AscendingOrder)
    days = [d if d is not None else -1 for d in shown(tab, OLDEST, VALUE_ROLE)]
    assert days == sorted(days)  # type: ignore[type-var]
    assert tab.table_view.currentIndex().data(ID_ROLE) == chosen
    assert tab.client_id == chosen


def test_detail_pane_shows_figures_behaviour_open_invoices_and_timeline(
    qtbot: QtBot, demo_workspace: Workspace, qtmodeltester: object
) -> None:
    tab = loaded_tab(qtbot, demo_workspace)
    ws = demo_workspace
    report = run_aging(ws.db, ws.today())
    busiest = max(report.rows, key=lambda r: r.overdue)
    select(qtbot, tab, busiest.client_id)
    pane = tab.detail_pane
    fmt = ws.formats
    assert pane.name_label.text() == busiest.client_name
    assert pane.balance_figure.value.text() == fmt.money(busiest.total)
    assert pane.overdue_figure.value.text() == fmt.money(busiest.overdue)
    detail = client_detail(ws.db, busiest.client_id, ws.today())
    behaviour: PaymentBehaviour = detail.behaviour
    assert behaviour.average_days_to_pay is not None and behaviour.paid_on_time_share is not None
    assert pane.days_figure.value.text() == f"{behaviour.average_days_to_pay} days"
    assert pane.on_time_figure.value.text().rstrip("%").strip() == str(
        int(behaviour.paid_on_time_share * 100)
    )
    assert f"of {behaviour.invoices_considered:,} invoice" in pane.on_time_figure.note.text()
    invoices = pane.invoices_model
    assert invoices.rowCount() == len(detail.open_invoices) > 0
    opened = [invoices.index(r, invoices.OPEN).data() for r in range(invoices.rowCount())]
    assert opened == [fmt.amount(i.open) for i in detail.open_invoices]
    assert invoices.index(0, invoices.OPEN).data(Qt.ItemDataRole.TextAlignmentRole) == RIGHT
    late = next(r for r in range(invoices.rowCount()) if detail.open_invoices[r].days_overdue > 0)
    assert "overdue" in invoices.index(late, invoices.STATE).data()
    timeline: TimelineModel = pane.timeline_model
    qtmodeltester.check(invoices)  # type: ignore[attr-defined]
    qtmodeltester.check(timeline)  # type: ignore[attr-defined]
    assert timeline.rowCount() == len(detail.timeline)
    assert [timeline.entries[r].day for r in range(timeline.rowCount())] == sorted(
        (e.day for e in detail.timeline), reverse=True
    )
    assert pane.tables.tabText(0) == f"Open invoices ({len(detail.open_invoices)})"


def test_reload_keeps_search_sort_and_client(qtbot: QtBot, demo_workspace: Workspace) -> None:
    tab = loaded_tab(qtbot, demo_workspace)
    tab.show()  # on screen: a hidden tab reloads only when it is next shown
    QTest.keyClicks(tab.search_box, "ltd")
    tab.table_view.sortByColumn(BALANCE, Qt.SortOrder.DescendingOrder)
    chosen = tab.proxy.index(2, NAME).data(ID_ROLE)
    select(qtbot, tab, chosen)
    before = shown(tab, CODE)
    with qtbot.waitSignal(tab.loaded, timeout=TIMEOUT), qtbot.waitSignal(tab.detail_loaded, timeout=TIMEOUT):
        demo_workspace.changed()
    assert shown(tab, CODE) == before
    assert tab.search_box.text() == "ltd"
    assert tab.table_view.currentIndex().data(ID_ROLE) == chosen


def test_note_appears_on_the_timeline_and_as_last_contact(qtbot: QtBot, demo_workspace: Workspace) -> None:
    tab = loaded_tab(qtbot, demo_workspace)
    tab.show()  # on screen: a hidden tab reloads only when it is next shown
    chosen = tab.proxy.index(0, NAME).data(ID_ROLE)
    select(qtbot, tab, chosen)

    def write(widget: QWidget) -> None:
        assert isinstance(widget, NoteDialog)
        QTest.keyClicks(widget.text_edit, "Called Ann: remittance due Friday.")
        widget.ok_button.click()

    when_modal(write)
    with qtbot.waitSignals([tab.loaded, tab.detail_loaded], timeout=TIMEOUT):
        QTest.mouseClick(tab.detail_pane.note_button, Qt.MouseButton.LeftButton)
    top = tab.detail_pane.timeline_model
    assert top.index(0, TimelineModel.DETAILS).data() == "Called Ann: remittance due Friday."
    row = tab.table_view.currentIndex().row()
    assert tab.proxy.index(row, CONTACT).data() == demo_workspace.formats.day(demo_workspace.today())
    assert tab.detail_pane.last_contact_value.text() == demo_workspace.formats.day(demo_workspace.today())


def test_new_client_button_adds_and_selects_the_client(qtbot: QtBot, workspace: Workspace) -> None:
    tab = loaded_tab(qtbot, workspace)
    assert tab.count_label.text() == "0 clients"
    assert tab.empty_label.isVisibleTo(tab) and "No clients yet" in tab.empty_label.text()

    def fill(widget: QWidget) -> None:
        assert isinstance(widget, ClientDialog)
        QTest.keyClicks(widget.code_edit, "NEW")
        QTest.keyClicks(widget.name_edit, "Newcomer Ltd")
        widget.ok_button.click()

    when_modal(fill)
    with qtbot.waitSignal(tab.loaded, timeout=TIMEOUT):
        QTest.mouseClick(tab.new_client_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.detail_pane.detail is not None, timeout=TIMEOUT)
    assert shown(tab, NAME) == ["Newcomer Ltd"]
    assert tab.table_view.currentIndex().data() is not None
    assert tab.detail_pane.name_label.text() == "Newcomer Ltd"
    assert not tab.empty_label.isVisibleTo(tab)


def test_edit_button_saves_and_the_list_follows(qtbot: QtBot, workspace: Workspace) -> None:
    client = add_client(workspace.db, ClientInput("ACME", "Acme Ltd"))
    tab = loaded_tab(qtbot, workspace)
    tab.show()  # on screen: a hidden tab reloads only when it is next shown
    select(qtbot, tab, client)

    def rename(widget: QWidget) -> None:
        assert isinstance(widget, ClientDialog)
        widget.name_edit.selectAll()
        QTest.keyClicks(widget.name_edit, "Acme Holdings")
        widget.on_hold_box.setChecked(True)
        widget.ok_button.click()

    when_modal(rename)
    with qtbot.waitSignals([tab.loaded, tab.detail_loaded], timeout=TIMEOUT):
        QTest.mouseClick(tab.detail_pane.edit_button, Qt.MouseButton.LeftButton)
    assert shown(tab, NAME) == ["Acme Holdings"]
    assert shown(tab, STATUS) == ["On hold"]
    assert tab.detail_pane.badges["On hold"].isVisibleTo(tab)


def test_archive_and_unarchive(qtbot: QtBot, demo_workspace: Workspace) -> None:
    tab = loaded_tab(qtbot, demo_workspace)
    tab.show()  # on screen: a hidden tab reloads only when it is next shown
    settled = next(r for r in tab.model.table.rows if r.balance == 0)
    select(qtbot, tab, settled.id)
    pane = tab.detail_pane
    assert pane.archive_button.text() == "A&rchive…"
    when_modal(lambda box: box.button(QMessageBox.StandardButton.Yes).click())  # type: ignore[attr-defined]
    with qtbot.waitSignal(tab.loaded, timeout=TIMEOUT), qtbot.waitSignal(tab.detail_loaded, timeout=TIMEOUT):
        QTest.mouseClick(pane.archive_button, Qt.MouseButton.LeftButton)
    assert settled.id not in shown(tab, NAME, ID_ROLE)  # hidden from the list...
    assert tab.count_label.text() == "29 clients (1 archived, hidden)"
    assert pane.badges["Archived"].isVisibleTo(tab)  # ...but still shown, so it can be undone
    assert pane.archive_button.text() == "&Unarchive"
    assert not pane.new_invoice_button.isEnabled()
    tab.show_archived_box.setChecked(True)
    assert settled.id in shown(tab, NAME, ID_ROLE)
    archived_row = shown(tab, NAME, ID_ROLE).index(settled.id)
    assert tab.proxy.index(archived_row, STATUS).data() == "Archived"
    with qtbot.waitSignal(tab.loaded, timeout=TIMEOUT), qtbot.waitSignal(tab.detail_loaded, timeout=TIMEOUT):
        QTest.mouseClick(pane.archive_button, Qt.MouseButton.LeftButton)
    assert not pane.badges["Archived"].isVisibleTo(tab)
    assert tab.proxy.index(archived_row, STATUS).data() == ""


def test_a_client_who_owes_money_is_not_archived(qtbot: QtBot, demo_workspace: Workspace) -> None:
    tab = loaded_tab(qtbot, demo_workspace)
    owing = next(r for r in tab.model.table.rows if r.balance > 0)
    select(qtbot, tab, owing.id)
    messages: list[str] = []

    def read_and_close(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        messages.append(box.text())
        box.accept()

    when_modal(read_and_close)
    QTest.mouseClick(tab.detail_pane.archive_button, Qt.MouseButton.LeftButton)
    assert "cannot be archived" in messages[0] and "still owes" in messages[0]
    assert not client_detail(demo_workspace.db, owing.id, demo_workspace.today()).archived


def test_money_buttons_ask_for_the_dialogs(qtbot: QtBot, demo_workspace: Workspace) -> None:
    tab = loaded_tab(qtbot, demo_workspace)
    chosen = tab.proxy.index(3, NAME).data(ID_ROLE)
    select(qtbot, tab, chosen)
    with qtbot.waitSignal(tab.new_invoice_requested) as invoice:
        QTest.mouseClick(tab.detail_pane.new_invoice_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(tab.record_payment_requested) as payment:
        QTest.mouseClick(tab.detail_pane.payment_button, Qt.MouseButton.LeftButton)
    assert invoice.args == [chosen] and payment.args == [chosen]
    first_open: QModelIndex = tab.detail_pane.invoices_model.index(0, 0)
    if first_open.isValid():
        with qtbot.waitSignal(tab.open_invoice_requested) as opened:
            tab.detail_pane.invoices_view.doubleClicked.emit(first_open)
        assert opened.args == [tab.detail_pane.invoices_model.items[0].id]


def test_show_client_event_reveals_a_hidden_client(qtbot: QtBot, demo_workspace: Workspace) -> None:
    tab = loaded_tab(qtbot, demo_workspace)
    tab.search_box.insert("Müller")
    other = next(r for r in tab.model.table.rows if "Müller" not in r.name)
    with qtbot.waitSignal(tab.detail_loaded, timeout=TIMEOUT):
        demo_workspace.events.show_client.emit(other.id)
    assert tab.search_box.text() == ""
    assert tab.table_view.currentIndex().data(ID_ROLE) == other.id
    assert tab.detail_pane.name_label.text() == other.name


def test_select_before_the_first_load(qtbot: QtBot, demo_workspace: Workspace) -> None:
    client = add_client(demo_workspace.db, ClientInput("EARLY", "Early Bird Ltd"))
    tab = ClientsTab(demo_workspace)
    qtbot.addWidget(tab)
    with qtbot.waitSignal(tab.loaded, timeout=TIMEOUT):
        tab.select_client(client)
        tab.reload()
    qtbot.waitUntil(lambda: tab.detail_pane.detail is not None, timeout=TIMEOUT)
    assert tab.table_view.currentIndex().data(ID_ROLE) == client
    assert client_form(demo_workspace.db, client).name == tab.detail_pane.name_label.text()


def test_on_time_note_is_worded_for_one_invoice_and_for_more(qtbot: QtBot, workspace: Workspace) -> None:
    client = add_client(workspace.db, ClientInput("ACME", "Acme Ltd"))
    line = [InvoiceLine("Survey", Decimal(1), Decimal("120.00"))]
    create_invoice(workspace.db, InvoiceInput(client, date(2026, 10, 1), line, due_date=date(2026, 10, 31)))
    tab = loaded_tab(qtbot, workspace)
    tab.show()  # on screen: a hidden tab reloads only when it is next shown
    select(qtbot, tab, client)
    assert tab.detail_pane.on_time_figure.note.text() == "of 1 invoice due so far"
    with qtbot.waitSignal(tab.detail_loaded, timeout=TIMEOUT):
        create_invoice(
            workspace.db, InvoiceInput(client, date(2026, 10, 2), line, due_date=date(2026, 11, 1))
        )
        workspace.changed()
    assert tab.detail_pane.on_time_figure.note.text() == "of 2 invoices due so far"
