"""The client list on its own: it owns which client is chosen and says so by signals."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMenu, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from creditdesk.domain.aging import AgingReport, Basis
from creditdesk.ui.clients.client_list import ClientList, count_line
from creditdesk.ui.clients.clients_model import BALANCE, NAME, OLDEST
from creditdesk.ui.widgets import ID_ROLE
from creditdesk.ui.workspace import Workspace
from tests.ui.helpers import click_header
from tests.ui.test_clients_tab import loaded_tab

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
TIMEOUT = 10000


@pytest.fixture
def listing(qtbot: QtBot, demo_workspace: Workspace) -> Iterator[ClientList]:
    """The list loaded in a bare window, as the tab places it."""
    host = QWidget()
    qtbot.addWidget(host)
    client_list = ClientList(demo_workspace, host)
    layout = QVBoxLayout(host)
    layout.addWidget(client_list.search_row)
    layout.addWidget(client_list.table_view)
    host.resize(1200, 600)
    host.show()
    with qtbot.waitSignal(client_list.loaded, timeout=TIMEOUT):
        client_list.reload()
    yield client_list  # the window lives as long as the test (qtbot holds it only weakly)


def row_centre(listing: ClientList, row: int) -> QPoint:
    return listing.table_view.visualRect(listing.proxy.index(row, NAME)).center()


def test_picking_a_row_chooses_its_client_once(qtbot: QtBot, listing: ClientList) -> None:
    chosen: list[int] = []
    listing.client_chosen.connect(chosen.append)
    third = listing.proxy.index(2, NAME).data(ID_ROLE)
    viewport = listing.table_view.viewport()
    QTest.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=row_centre(listing, 2))
    QTest.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=row_centre(listing, 2))  # the same again
    assert chosen == [third] and listing.client_id == third
    listing.select_client(third)  # asked for by name: said again, so the detail is shown afresh
    assert chosen == [third, third]


def test_a_reload_keeps_the_choice_without_choosing_again(qtbot: QtBot, listing: ClientList) -> None:
    first = listing.proxy.index(0, NAME).data(ID_ROLE)
    listing.select_client(first)
    chosen: list[int] = []
    listing.client_chosen.connect(chosen.append)
    listing.table_view.sortByColumn(NAME, Qt.SortOrder.DescendingOrder)
    with qtbot.waitSignal(listing.loaded, timeout=TIMEOUT):
        listing.reload()
    assert chosen == []
    assert listing.table_view.currentIndex().data(ID_ROLE) == first == listing.client_id


def test_right_click_chooses_the_client_and_asks_for_its_menu(qtbot: QtBot, listing: ClientList) -> None:
    fourth = listing.proxy.index(3, NAME).data(ID_ROLE)
    with (
        qtbot.waitSignal(listing.client_chosen, timeout=TIMEOUT) as chosen,
        qtbot.waitSignal(listing.menu_requested, timeout=TIMEOUT) as asked,
    ):
        listing.table_view.customContextMenuRequested.emit(row_centre(listing, 3))
    assert chosen.args == [fourth]
    assert asked.args is not None and asked.args[0] == fourth
    with qtbot.waitSignal(listing.client_activated, timeout=TIMEOUT) as activated:
        listing.table_view.doubleClicked.emit(listing.proxy.index(3, NAME))
    assert activated.args == [fourth]


def test_the_tab_shows_the_client_right_clicked_and_its_menu(qtbot: QtBot, demo_workspace: Workspace) -> None:
    tab = loaded_tab(qtbot, demo_workspace)
    tab.show()
    second = tab.proxy.index(1, NAME).data(ID_ROLE)
    with qtbot.waitSignal(tab.detail_loaded, timeout=TIMEOUT, check_params_cb=lambda cid: cid == second):
        tab.table_view.customContextMenuRequested.emit(row_centre(tab.client_list, 1))
    menus = [menu for menu in tab.findChildren(QMenu) if menu.isVisible()]
    assert len(menus) == 1
    assert "Record payment…" in [action.text() for action in menus[0].actions()]
    assert tab.detail_pane.name_label.text() == tab.proxy.index(1, NAME).data()
    menus[0].close()


def test_reloads_during_a_load_make_exactly_one_more(
    qtbot: QtBot, listing: ClientList, demo_workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    runs: list[date] = []
    aging = demo_workspace.aging

    def held_aging(as_of: date, basis: Basis = Basis.DUE) -> AgingReport:
        runs.append(as_of)
        assert release.wait(TIMEOUT / 1000)  # the load stays under way until the test lets it go
        return aging(as_of, basis)

    monkeypatch.setattr(demo_workspace, "aging", held_aging)
    loads: list[None] = []
    listing.loaded.connect(lambda: loads.append(None))
    listing.reload()
    qtbot.waitUntil(lambda: len(runs) == 1, timeout=TIMEOUT)
    assert listing.busy.isVisibleTo(listing.search_row)
    for _ in range(3):
        listing.reload()
        qtbot.waitUntil(lambda: not listing.reload_timer.isActive(), timeout=TIMEOUT)
    release.set()
    qtbot.waitUntil(lambda: len(loads) == 2, timeout=TIMEOUT)
    qtbot.wait(200)  # time enough for a third load to show itself, were one coming
    assert len(runs) == 2 and len(loads) == 2
    assert not listing.busy.isVisibleTo(listing.search_row)
    assert listing.count_label.text() == "30 clients"


@pytest.mark.parametrize(
    ("shown", "total", "hidden", "line"),
    [
        (0, 0, 0, "0 clients"),
        (1, 1, 0, "1 client"),
        (1234, 1234, 0, "1,234 clients"),
        (0, 1, 0, "0 of 1 client"),
        (1, 30, 0, "1 of 30 clients"),
        (1, 1, 1, "1 client (1 archived, hidden)"),
        (29, 29, 1, "29 clients (1 archived, hidden)"),
        (0, 1, 2, "0 of 1 client (2 archived, hidden)"),
        (3, 29, 1, "3 of 29 clients (1 archived, hidden)"),
    ],
)
def test_count_line_is_one_whole_string_per_case(shown: int, total: int, hidden: int, line: str) -> None:
    assert count_line(shown, total, hidden) == line


def test_money_and_days_sort_largest_first_on_the_first_click(qtbot: QtBot, listing: ClientList) -> None:
    header = listing.table_view.horizontalHeader()
    for column, value in ((BALANCE, "balance"), (OLDEST, "oldest_overdue_days")):
        click_header(qtbot, header, column)
        assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
        shown = [
            getattr(listing.model.client(listing.proxy.mapToSource(listing.proxy.index(row, 0)).row()), value)
            for row in range(listing.proxy.rowCount())
        ]
        known = [v for v in shown if v is not None]
        assert known and shown[0] == max(known)
    click_header(qtbot, header, NAME)  # names still start at A
    assert header.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder
