"""Every document action on the demo company: made in the background, shown in a preview."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from creditdesk.documents.model import StatementStyle
from creditdesk.services.chasing.demand_letters import LetterKind
from creditdesk.services.clients.overview import client_rows
from creditdesk.services.reports.statements import StatementRequest
from creditdesk.ui import pdf_preview
from creditdesk.ui.clients.clients_tab import ClientsTab
from creditdesk.ui.ledger.invoices_tab import InvoicesTab
from creditdesk.ui.main_window import AGING, MainWindow
from creditdesk.ui.pdf_preview import PdfPreviewDialog
from creditdesk.ui.reports.statement_dialog import LetterDialog, StatementDialog
from creditdesk.ui.workspace import Workspace
from tests.ui.helpers import when_modal

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")
RENDER_MS = 20000  # the first document of a test run loads ReportLab and the fonts


def wait_for_preview(qtbot: QtBot, parent: QWidget) -> PdfPreviewDialog:
    qtbot.waitUntil(lambda: bool(parent.findChildren(PdfPreviewDialog)), timeout=RENDER_MS)
    (dialog,) = parent.findChildren(PdfPreviewDialog)
    return dialog


def loaded_invoices(qtbot: QtBot, workspace: Workspace) -> InvoicesTab:
    tab = InvoicesTab(workspace)
    qtbot.addWidget(tab)
    with qtbot.waitSignal(tab.loaded, timeout=10000):
        tab.reload()
    tab.table_view.selectRow(0)
    return tab


def test_an_invoice_is_previewed(qtbot: QtBot, demo_workspace: Workspace) -> None:
    tab = loaded_invoices(qtbot, demo_workspace)
    number = tab.model.index(0, 0).data()
    assert tab.preview_action.isEnabled() and tab.save_pdf_action.isEnabled()
    tab.preview_action.trigger()
    assert tab.busy.isVisibleTo(tab)  # made in the background
    dialog = wait_for_preview(qtbot, tab)
    assert dialog.windowTitle() == f"Invoice {number} — Preview"
    assert dialog.file_name == f"Invoice {number}.pdf"
    assert dialog.page_count >= 1 and dialog.page_label.text().startswith("Page 1 of ")
    assert dialog.pdf.startswith(b"%PDF")
    assert not tab.busy.isVisibleTo(tab)


def test_an_invoice_is_saved_as_pdf(
    qtbot: QtBot, demo_workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tab = loaded_invoices(qtbot, demo_workspace)
    target = tmp_path / "saved.pdf"
    monkeypatch.setattr(pdf_preview, "ask_pdf_path", lambda *_: target)
    with qtbot.waitSignal(tab.status_message, timeout=RENDER_MS) as said:
        tab.save_pdf_action.trigger()
    assert said.args == [f"Invoice {tab.model.index(0, 0).data()} saved as {target}"]
    assert len(PdfReader(target).pages) >= 1


def loaded_clients(qtbot: QtBot, workspace: Workspace) -> ClientsTab:
    tab = ClientsTab(workspace)
    qtbot.addWidget(tab)
    with qtbot.waitSignal(tab.loaded, timeout=10000):
        tab.reload()
    return tab


def test_a_statement_is_previewed(qtbot: QtBot, demo_workspace: Workspace) -> None:
    tab = loaded_clients(qtbot, demo_workspace)
    today = demo_workspace.today()
    client = next(r for r in client_rows(demo_workspace.db, today) if r.balance > Decimal(0))
    tab.select_client(client.id)
    asked: list[StatementRequest] = []

    def choose(widget: QWidget) -> None:
        assert isinstance(widget, StatementDialog)
        assert widget.windowTitle() == f"Statement — {client.name}"
        options = widget.options
        assert not options.from_edit.isEnabled() or options.request().period_start == today.replace(day=1)
        options.set_statement_style(StatementStyle.OPEN_ITEMS)
        assert not options.from_edit.isEnabled()
        asked.append(widget.request())
        widget.accept()

    when_modal(choose)
    tab.preview_document()  # Ctrl+P on the Clients tab
    dialog = wait_for_preview(qtbot, tab)
    assert asked == [StatementRequest(today, StatementStyle.OPEN_ITEMS, None)]
    assert dialog.windowTitle() == f"Statement — {client.name} — Preview"
    assert dialog.file_name == f"Statement {client.code} {today.isoformat()}.pdf"
    assert dialog.page_count >= 1


def test_a_final_demand_is_previewed(qtbot: QtBot, demo_workspace: Workspace) -> None:
    tab = loaded_clients(qtbot, demo_workspace)
    client = next(r for r in client_rows(demo_workspace.db, demo_workspace.today()) if r.overdue > 0)

    def choose(widget: QWidget) -> None:
        assert isinstance(widget, LetterDialog)
        widget.kind_buttons[LetterKind.FINAL_DEMAND].setChecked(True)
        widget.accept()

    when_modal(choose)
    tab.letter_for(client.id)
    dialog = wait_for_preview(qtbot, tab)
    assert dialog.windowTitle() == f"Final demand — {client.name} — Preview"
    assert dialog.page_count >= 1


def test_ctrl_p_on_the_aging_tab_previews_the_aged_debtors(qtbot: QtBot, demo_workspace: Workspace) -> None:
    window = MainWindow(demo_workspace)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.aging_tab.loaded, timeout=10000):
        window.tabs.setCurrentIndex(AGING)
    window.aging_tab.basis_combo.setCurrentIndex(1)  # days since invoice date
    window.print_preview_action.trigger()
    dialog = wait_for_preview(qtbot, window)
    assert dialog.windowTitle() == "Aged debtors 22 Nov 2026 — Preview"
    assert dialog.file_name == "Aged debtors 2026-11-22.pdf"
    assert dialog.page_count >= 1
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(dialog.pdf)).pages)
    assert "by invoice date" in text
