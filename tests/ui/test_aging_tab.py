"""The Aging tab shows exactly the service's figures, drills down, sorts and exports."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QStandardPaths, Qt
from PySide6.QtWidgets import QFileDialog, QWidget
from pytestqt.qtbot import QtBot

from creditdesk.domain.aging import Basis
from creditdesk.services.reports.aging import run_aging
from creditdesk.ui.ledger.invoice_dialog import InvoiceDialog
from creditdesk.ui.reports.aging_drill import AgingDrillDialog
from creditdesk.ui.reports.aging_tab import AgingTab
from creditdesk.ui.workspace import Workspace
from tests.ui.helpers import click_header, when_modal


def loaded_tab(qtbot: QtBot, workspace: Workspace) -> AgingTab:
    tab = AgingTab(workspace)
    qtbot.addWidget(tab)
    with qtbot.waitSignal(tab.loaded, timeout=10000):
        tab.reload()
    return tab


def test_figures_are_the_services(qtbot: QtBot, demo_workspace: Workspace, qtmodeltester: object) -> None:
    tab = loaded_tab(qtbot, demo_workspace)
    report = run_aging(demo_workspace.db, demo_workspace.today())
    model = tab.model
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    assert model.rowCount() == len(report.rows) + 1  # plus the totals row
    last = model.rowCount() - 1
    assert model.index(last, 1).data().startswith("Total")
    totals = [model.index(last, c).data(Qt.ItemDataRole.UserRole) for c in range(2, model.columnCount())]
    assert totals == [*report.totals.buckets, report.totals.unallocated, report.totals.total]
    fmt = demo_workspace.formats
    assert model.index(last, model.columnCount() - 1).data() == fmt.amount(report.totals.total)
    # Amounts are right-aligned; overdue figures are coloured and their header says "days".
    right = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    assert model.index(0, 2).data(Qt.ItemDataRole.TextAlignmentRole) == right
    assert model.headerData(3, Qt.Orientation.Horizontal) == "1-30 days"
    assert str(fmt.money(report.totals.total)) in tab.summary.text()


def test_as_of_and_basis_rerun_the_report(qtbot: QtBot, demo_workspace: Workspace) -> None:
    tab = loaded_tab(qtbot, demo_workspace)
    with qtbot.waitSignal(tab.loaded, timeout=10000):
        tab.as_of_edit.setDate(QDate(2026, 6, 30))
    with qtbot.waitSignal(tab.loaded, timeout=10000):
        tab.basis_combo.setCurrentIndex(1)
    report = run_aging(demo_workspace.db, date(2026, 6, 30), Basis.INVOICE)
    assert tab.model.report == report
    assert tab.model.headers()[2:6] == ["0-30 days", "31-60 days", "61-90 days", "Over 90 days"]


def test_sorting_keeps_the_totals_row_last(qtbot: QtBot, demo_workspace: Workspace) -> None:
    tab = loaded_tab(qtbot, demo_workspace)
    model = tab.model
    total_col = model.columnCount() - 1
    tab.table_view.sortByColumn(total_col, Qt.SortOrder.DescendingOrder)
    values = [model.index(r, total_col).data(Qt.ItemDataRole.UserRole) for r in range(model.rowCount() - 1)]
    assert values == sorted(values, reverse=True)
    assert model.index(model.rowCount() - 1, 1).data().startswith("Total")


def test_drill_down_lists_the_invoices_behind_a_figure(qtbot: QtBot, demo_workspace: Workspace) -> None:
    tab = loaded_tab(qtbot, demo_workspace)
    model = tab.model
    # The first client with money in the 1-30 bucket.
    row = next(r for r in range(model.rowCount() - 1) if model.figures(r)[1] > 0)
    client = model.client_at(row)
    assert client is not None
    dialog = AgingDrillDialog(demo_workspace, client, tab.as_of, Basis.DUE, 1, tab)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.model.rowCount() > 0, timeout=10000)
    opened = sum((r.open_amount for r in dialog.model.rows), Decimal(0))
    assert opened == model.figures(row)[1]
    assert all(1 <= r.days <= 30 for r in dialog.model.rows)
    with qtbot.waitSignal(demo_workspace.events.show_client) as signal:
        dialog.open_client.click()
    assert signal.args == [client.client_id]


def test_export_writes_the_same_figures(qtbot: QtBot, demo_workspace: Workspace, tmp_path: Path) -> None:
    tab = loaded_tab(qtbot, demo_workspace)
    target = tmp_path / "aging.csv"
    with qtbot.waitSignal(tab.status_message, timeout=10000):
        tab.export_to(target)
    with target.open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == tab.model.rowCount() - 1
    assert sum(Decimal(r["total"]) for r in rows) == tab.model.report.totals.total  # type: ignore[union-attr]


def test_a_ledger_change_reloads_the_tab(qtbot: QtBot, demo_workspace: Workspace) -> None:
    tab = loaded_tab(qtbot, demo_workspace)
    tab.show()  # on screen: a hidden tab reloads only when it is next shown
    with qtbot.waitSignal(tab.loaded, timeout=10000):
        demo_workspace.changed()


def test_figures_sort_largest_first_on_the_first_click(qtbot: QtBot, demo_workspace: Workspace) -> None:
    tab = loaded_tab(qtbot, demo_workspace)
    model, header = tab.model, tab.table_view.horizontalHeader()
    total_col = model.columnCount() - 1
    tab.show()
    click_header(qtbot, header, total_col)
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    values = [model.index(r, total_col).data(Qt.ItemDataRole.UserRole) for r in range(model.rowCount() - 1)]
    assert values == sorted(values, reverse=True)


def test_an_export_starts_in_documents_then_where_the_last_went(
    qtbot: QtBot,
    demo_workspace: Workspace,
    settings_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The save dialog itself is the system's; what CreditDesk decides is where it starts.
    tab = loaded_tab(qtbot, demo_workspace)
    suggested: list[Path] = []
    chosen = tmp_path / "exports" / "aged.csv"
    chosen.parent.mkdir()

    def save_as(parent: object, title: str, start: str, filter: str) -> tuple[str, str]:
        suggested.append(Path(start))
        return str(chosen), filter

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    for _ in range(2):
        tab.on_export_clicked()
        qtbot.waitUntil(chosen.exists, timeout=10000)
        qtbot.waitUntil(lambda: not tab.busy.isVisible(), timeout=10000)
    documents = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation))
    name = f"aged-debts-{tab.as_of.isoformat()}.csv"
    assert suggested == [documents / name, chosen.parent / name]
    assert chosen.read_text(encoding="utf-8").count("\n") > 1


def test_double_clicking_an_invoice_of_the_drill_down_opens_it(
    qtbot: QtBot, demo_workspace: Workspace
) -> None:
    tab = loaded_tab(qtbot, demo_workspace)
    client = tab.model.client_at(0)
    assert client is not None
    dialog = AgingDrillDialog(demo_workspace, client, tab.as_of, Basis.DUE, None, tab)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.model.rowCount() > 0, timeout=10000)
    header = dialog.table.horizontalHeader()
    assert header.length() == dialog.table.viewport().width()  # the columns fill the dialog
    opened: list[str] = []

    def read(window: QWidget) -> None:
        assert isinstance(window, InvoiceDialog) and window.detail is not None
        opened.append(window.detail.number)
        window.done(0)

    when_modal(read)
    cell = dialog.table.visualRect(dialog.model.index(0, 0)).center()
    qtbot.mouseClick(dialog.table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    qtbot.mouseDClick(dialog.table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    assert len(opened) == 1 and dialog.model.rows[0].number in opened[0]
