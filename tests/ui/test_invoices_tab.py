"""The Invoices tab on a real company file: background load, filters, sorting, selection and actions."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal as D

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from creditdesk.domain.invoice import InvoiceLine, InvoiceState, InvoiceStatus
from creditdesk.services.clients.records import ClientInput, add_client
from creditdesk.services.ledger.invoice_list import StatusFilter, invoice_detail, invoice_table
from creditdesk.services.ledger.invoices import InvoiceInput, create_invoice, save_invoice
from creditdesk.ui.ledger import invoices_model
from creditdesk.ui.ledger.invoice_dialog import InvoiceDialog
from creditdesk.ui.ledger.invoices_model import CLIENT, DAYS, NUMBER, OPEN, STATUS, TOTAL, InvoicesModel
from creditdesk.ui.ledger.invoices_tab import STATUS_CHOICES, InvoicesTab
from creditdesk.ui.workspace import Workspace
from tests.ui.helpers import click_header, when_modal

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


def loaded_tab(qtbot: QtBot, workspace: Workspace) -> InvoicesTab:
    tab = InvoicesTab(workspace)
    qtbot.addWidget(tab)
    tab.resize(1200, 600)
    tab.show()
    with qtbot.waitSignal(tab.loaded, timeout=10000):
        tab.reload()
    return tab


def column(model: InvoicesModel, col: int, role: int = Qt.ItemDataRole.DisplayRole) -> list[object]:
    return [model.index(row, col).data(role) for row in range(model.rowCount())]


def states(model: InvoicesModel) -> set[InvoiceState | None]:
    return {model.state(row) for row in range(model.rowCount())}


def test_the_tab_loads_in_the_background_and_shows_the_ledger(
    qtbot: QtBot, demo_workspace: Workspace, qtmodeltester: object
) -> None:
    tab = InvoicesTab(demo_workspace)
    qtbot.addWidget(tab)
    assert tab.model.rowCount() == 0
    with qtbot.waitSignal(tab.loaded, timeout=10000):
        tab.reload()
        assert tab.busy.isVisibleTo(tab)  # the busy indicator shows while the worker runs
    assert not tab.busy.isVisibleTo(tab)
    model = tab.model
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    assert model.rowCount() == 400
    assert tab.count_label.text().startswith("400 invoices · £")
    # Newest first; amounts right-aligned and formatted in the company's locale.
    issued = [model.table.issue_days[model.table_row(r)] for r in range(400)]  # type: ignore[union-attr, index]
    assert issued == sorted(issued, reverse=True)
    assert model.index(0, TOTAL).data(Qt.ItemDataRole.TextAlignmentRole) == RIGHT
    assert model.headerData(OPEN, Qt.Orientation.Horizontal, Qt.ItemDataRole.TextAlignmentRole) == RIGHT
    row = next(r for r in range(400) if model.state(r) is InvoiceState.OVERDUE)
    table = model.table
    assert table is not None
    at = model.table_row(row)
    assert at is not None
    assert model.index(row, TOTAL).data() == demo_workspace.formats.amount(table.gross_amount(at))
    # Overdue stands out in colour and in words.
    assert model.index(row, STATUS).data() == "Overdue"
    assert model.index(row, DAYS).data() == str(table.overdue_days[at])
    assert model.index(row, OPEN).data(Qt.ItemDataRole.ForegroundRole) is not None
    assert model.index(row, STATUS).data(Qt.ItemDataRole.FontRole).bold()
    assert "days past due" in model.index(row, OPEN).data(Qt.ItemDataRole.ToolTipRole)
    draft = next(r for r in range(400) if model.state(r) is InvoiceState.DRAFT)
    assert model.index(draft, OPEN).data() == "" and model.index(draft, STATUS).data() == "Draft"


def test_status_filters(qtbot: QtBot, demo_workspace: Workspace) -> None:
    tab = loaded_tab(qtbot, demo_workspace)
    model = tab.model
    expected = {
        StatusFilter.OPEN: {InvoiceState.OPEN, InvoiceState.OVERDUE, InvoiceState.DISPUTED},
        StatusFilter.OVERDUE: {InvoiceState.OVERDUE},
        StatusFilter.PAID: {InvoiceState.PAID},
        StatusFilter.DRAFT: {InvoiceState.DRAFT},
        StatusFilter.VOID: {InvoiceState.VOID},
    }
    sizes = {}
    for index, (_, status, _) in enumerate(STATUS_CHOICES):
        tab.status_combo.setCurrentIndex(index)
        sizes[status] = model.rowCount()
        if status in expected:
            assert model.rowCount() > 0, status
            assert states(model) <= expected[status], status
    assert sizes[StatusFilter.ALL] == 400
    assert (
        sizes[StatusFilter.OPEN]
        + sizes[StatusFilter.PAID]
        + sizes[StatusFilter.DRAFT]
        + sizes[StatusFilter.VOID]
        == 400
    )
    tab.status_combo.setCurrentIndex(2)  # overdue
    assert tab.count_label.text().startswith(f"{sizes[StatusFilter.OVERDUE]} of 400 invoices")


def test_the_search_box_filters_as_you_type(qtbot: QtBot, demo_workspace: Workspace) -> None:
    tab = loaded_tab(qtbot, demo_workspace)
    model = tab.model
    table = model.table
    assert table is not None
    name = table.client_name(0)
    qtbot.keyClicks(tab.search_box, name.split()[0].upper())
    assert 0 < model.rowCount() < 400
    assert all(name.split()[0].lower() in str(n).lower() for n in column(model, CLIENT))
    tab.search_box.clear()
    qtbot.keyClicks(tab.search_box, table.numbers[41])
    assert column(model, NUMBER) == [table.numbers[41]]
    qtbot.keyClick(tab.search_box, Qt.Key.Key_Escape)
    assert tab.search_box.text() == "" and model.rowCount() == 400
    qtbot.keyClicks(tab.search_box, "no such thing")
    assert model.rowCount() == 0
    assert tab.placeholder.isVisible() and "match “no such thing”" in tab.placeholder.text()


def test_every_column_sorts(qtbot: QtBot, demo_workspace: Workspace) -> None:
    tab = loaded_tab(qtbot, demo_workspace)
    model = tab.model
    table = model.table
    assert table is not None
    view = tab.table_view
    view.sortByColumn(TOTAL, Qt.SortOrder.AscendingOrder)
    totals = [table.gross[model.table_row(r)] for r in range(model.rowCount())]  # type: ignore[index]
    assert totals == sorted(totals)
    view.sortByColumn(DAYS, Qt.SortOrder.DescendingOrder)
    days = [table.overdue_days[model.table_row(r)] for r in range(model.rowCount())]  # type: ignore[index]
    assert days == sorted(days, reverse=True) and days[0] > 0
    view.sortByColumn(NUMBER, Qt.SortOrder.AscendingOrder)
    assert column(model, NUMBER)[:3] == ["INV-00001", "INV-00002", "INV-00003"]
    view.sortByColumn(STATUS, Qt.SortOrder.AscendingOrder)
    assert model.state(0) is InvoiceState.OVERDUE
    for section in range(model.columnCount()):
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            view.sortByColumn(section, order)
            assert model.rowCount() == 400


def test_a_big_table_sorts_in_the_background(
    qtbot: QtBot, demo_workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(invoices_model, "BACKGROUND_SORT_ROWS", 10)  # 400 rows count as big here
    tab = loaded_tab(qtbot, demo_workspace)
    model = tab.model
    tab.table_view.selectRow(5)
    chosen = tab.selected_invoice_id()
    with qtbot.waitSignal(model.sorted, timeout=10000):
        tab.table_view.sortByColumn(CLIENT, Qt.SortOrder.AscendingOrder)
        assert tab.busy.isVisibleTo(tab)
    assert not tab.busy.isVisibleTo(tab)
    table = model.table
    assert table is not None
    ranks = [table.order(model.wanted_sort[0]).index(model.table_row(r)) for r in range(400)]  # type: ignore[arg-type]
    assert ranks == sorted(ranks)
    assert tab.selected_invoice_id() == chosen  # the selection follows its row


def test_a_fresh_load_is_sorted_in_the_background_too(
    qtbot: QtBot, demo_workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(invoices_model, "BACKGROUND_SORT_ROWS", 10)
    tab = loaded_tab(qtbot, demo_workspace)
    model = tab.model
    with qtbot.waitSignal(model.sorted, timeout=10000):
        tab.table_view.sortByColumn(TOTAL, Qt.SortOrder.AscendingOrder)
    fresh = invoice_table(demo_workspace.db, date(2026, 11, 22))  # nothing sorted yet
    with qtbot.waitSignal(model.sorted, timeout=10000):
        model.set_table(fresh)
        # Meanwhile the rows show in the order they were made, not sorted on the GUI thread.
        assert [model.table_row(r) for r in range(3)] == [0, 1, 2]
    totals = [fresh.gross[model.table_row(r)] for r in range(400)]  # type: ignore[index]
    assert totals == sorted(totals)


def test_a_reload_keeps_filter_sort_and_selection(qtbot: QtBot, demo_workspace: Workspace) -> None:
    tab = loaded_tab(qtbot, demo_workspace)
    model = tab.model
    tab.status_combo.setCurrentIndex(1)  # open
    tab.table_view.sortByColumn(TOTAL, Qt.SortOrder.DescendingOrder)
    tab.table_view.selectRow(3)
    chosen = tab.selected_invoice_id()
    shown = model.rowCount()
    table = model.table
    assert table is not None
    client = table.client_id(0)
    with qtbot.waitSignal(tab.loaded, timeout=10000):
        create_invoice(
            demo_workspace.db,
            InvoiceInput(client, date(2026, 11, 22), [InvoiceLine("Big job", D(1), D(99999))]),
        )
        demo_workspace.changed()
    assert model.rowCount() == shown + 1
    assert tab.status_combo.currentIndex() == 1
    assert model.index(0, TOTAL).data() == "99,999.00"  # still by total, largest first
    assert tab.selected_invoice_id() == chosen


def test_select_invoice_clears_filters_that_hide_it(qtbot: QtBot, demo_workspace: Workspace) -> None:
    tab = loaded_tab(qtbot, demo_workspace)
    model = tab.model
    tab.status_combo.setCurrentIndex(3)  # paid
    paid_id = model.invoice_id(0)
    tab.status_combo.setCurrentIndex(2)  # overdue
    assert paid_id is not None and model.row_of(paid_id) is None
    assert tab.select_invoice(paid_id)
    assert tab.selected_invoice_id() == paid_id
    assert tab.status_combo.currentIndex() == 0
    assert not tab.select_invoice(10**9)


def test_actions_follow_the_selected_invoice(qtbot: QtBot, demo_workspace: Workspace) -> None:
    tab = loaded_tab(qtbot, demo_workspace)
    model = tab.model
    assert not tab.open_action.isEnabled() and tab.new_action.isEnabled()

    def select(state: InvoiceState) -> int:
        row = next(r for r in range(model.rowCount()) if model.state(r) is state)
        tab.table_view.selectRow(row)
        return row

    select(InvoiceState.DRAFT)
    assert tab.issue_action.isEnabled() and tab.delete_action.isEnabled() and not tab.void_action.isEnabled()
    assert tab.open_action.text() == "Edit &draft…"
    select(InvoiceState.OVERDUE)
    assert not tab.issue_action.isEnabled() and tab.void_action.isEnabled()
    assert tab.credit_note_action.isEnabled() and tab.open_action.text() == "&Open…"
    select(InvoiceState.VOID)
    assert not tab.void_action.isEnabled() and not tab.credit_note_action.isEnabled()
    shown: list[int] = []
    demo_workspace.events.show_client.connect(shown.append)
    tab.show_client_action.trigger()
    assert shown == [model.client_id(tab.table_view.currentIndex().row())]


def test_double_click_opens_the_invoice(qtbot: QtBot, demo_workspace: Workspace) -> None:
    tab = loaded_tab(qtbot, demo_workspace)
    opened: list[tuple[str, bool]] = []

    def look(widget: QWidget) -> None:
        assert isinstance(widget, InvoiceDialog)
        assert widget.detail is not None
        opened.append((widget.detail.number, widget.read_only))
        widget.done(0)

    row = 2
    index = tab.model.index(row, NUMBER)
    when_modal(look)
    rect = tab.table_view.visualRect(index)
    qtbot.mouseClick(tab.table_view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(tab.table_view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened == [(tab.model.index(row, NUMBER).data(), tab.model.state(row) is not InvoiceState.DRAFT)]


def test_issue_and_delete_drafts_from_the_tab(qtbot: QtBot, workspace: Workspace) -> None:
    client = add_client(workspace.db, ClientInput("ACME", "Acme Ltd"))
    lines = [InvoiceLine("Work", D(1), D(10))]
    first = save_invoice(
        workspace.db, InvoiceInput(client, date(2026, 11, 1), lines, status=InvoiceStatus.DRAFT)
    )
    second = save_invoice(
        workspace.db, InvoiceInput(client, date(2026, 11, 2), lines, status=InvoiceStatus.DRAFT)
    )
    tab = loaded_tab(qtbot, workspace)
    assert tab.model.index(0, NUMBER).data() == f"DRAFT-{second}"
    assert tab.select_invoice(first)
    with qtbot.waitSignal(tab.loaded, timeout=10000):
        tab.issue_action.trigger()  # no credit limit, no hold: no question asked
    assert invoice_detail(workspace.db, first, date(2026, 11, 22)).number == "INV-00001"
    assert tab.selected_invoice_id() == first
    assert tab.select_invoice(second)

    def confirm(widget: QWidget) -> None:
        from PySide6.QtWidgets import QMessageBox

        assert isinstance(widget, QMessageBox)
        next(b for b in widget.buttons() if b.text() == "&Delete").click()

    when_modal(confirm)
    with qtbot.waitSignal(tab.loaded, timeout=10000):
        qtbot.keyClick(tab.table_view, Qt.Key.Key_Delete)
    assert tab.model.rowCount() == 1


def test_an_empty_company_says_so(qtbot: QtBot, workspace: Workspace) -> None:
    tab = loaded_tab(qtbot, workspace)
    assert tab.model.rowCount() == 0
    assert tab.placeholder.isVisible() and tab.placeholder.text().startswith("No invoices yet")
    assert tab.count_label.text() == "0 invoices"


@pytest.fixture
def settings(tmp_path: object) -> Iterator[QSettings]:
    store = QSettings(str(tmp_path) + "/layout.ini", QSettings.Format.IniFormat)
    yield store


def test_the_column_layout_is_restorable(
    qtbot: QtBot, demo_workspace: Workspace, settings: QSettings
) -> None:
    tab = loaded_tab(qtbot, demo_workspace)
    header = tab.table_view.horizontalHeader()
    header.resizeSection(CLIENT, 333)
    header.moveSection(STATUS, 0)
    tab.table_view.sortByColumn(TOTAL, Qt.SortOrder.AscendingOrder)
    settings.setValue("invoices/header", header.saveState())
    again = InvoicesTab(demo_workspace)
    qtbot.addWidget(again)
    again.table_view.horizontalHeader().restoreState(settings.value("invoices/header"))
    with qtbot.waitSignal(again.loaded, timeout=10000):
        again.reload()
    restored = again.table_view.horizontalHeader()
    assert restored.sectionSize(CLIENT) == 333 and restored.visualIndex(STATUS) == 0
    totals = [again.model.table.gross[again.model.table_row(r)] for r in range(400)]  # type: ignore[union-attr, index]
    assert totals == sorted(totals)


def test_money_and_days_sort_largest_first_on_the_first_click(
    qtbot: QtBot, demo_workspace: Workspace
) -> None:
    tab = loaded_tab(qtbot, demo_workspace)
    model, header = tab.model, tab.table_view.horizontalHeader()
    table = model.table
    assert table is not None
    click_header(qtbot, header, TOTAL)
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    totals = [table.gross[model.table_row(r)] for r in range(model.rowCount())]  # type: ignore[index]
    assert totals == sorted(totals, reverse=True)
    click_header(qtbot, header, NUMBER)
    assert header.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder
