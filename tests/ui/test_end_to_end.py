"""A day's work through the main window: a client, two invoices, a part payment, every view agreeing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QDate, QSettings, Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from creditdesk.services.clients.records import count_clients
from creditdesk.services.company.settings import create_company
from creditdesk.store.database import open_database
from creditdesk.ui.app import Application
from creditdesk.ui.clients.client_dialog import ClientDialog
from creditdesk.ui.ledger.invoice_dialog import DESCRIPTION, QUANTITY, TAX_RATE, UNIT_PRICE, InvoiceDialog
from creditdesk.ui.ledger.payment_dialog import APPLY, PaymentDialog
from creditdesk.ui.main_window import AGING, INVOICES, MainWindow
from tests.ui.conftest import TODAY
from tests.ui.helpers import pick_client, type_cell, when_modal

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture
def window(tmp_path: Path, qapp: QApplication) -> Iterator[MainWindow]:
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    QCoreApplication.setOrganizationName("CreditDeskTests")
    QCoreApplication.setApplicationName("CreditDeskTests")
    path = tmp_path / "books.sqlite"
    db = open_database(path, create=True)
    create_company(db, "Harbour Joinery", "EUR", "en_IE")
    db.close()
    application = Application(today=lambda: TODAY)
    assert application.open_path(path)
    assert application.window is not None
    yield application.window
    application.window.close()
    application.close()


def add_client(qtbot: QtBot, window: MainWindow) -> None:
    def fill(widget: QWidget) -> None:
        assert isinstance(widget, ClientDialog)
        qtbot.keyClicks(widget.code_edit, "ZETA")
        qtbot.keyClicks(widget.name_edit, "Zeta Kitchens")
        qtbot.keyClicks(widget.email_edit, "accounts@zeta.example")
        widget.ok_button.click()

    when_modal(fill)
    window.new_client_action.trigger()


def raise_invoice(qtbot: QtBot, window: MainWindow, issued: date, lines: list[tuple[str, ...]]) -> None:
    def fill(widget: QWidget) -> None:
        assert isinstance(widget, InvoiceDialog)
        pick_client(qtbot, widget.client_picker, "Zeta Kitchens (ZETA)")
        widget.issue_edit.setDate(QDate(issued.year, issued.month, issued.day))
        for row, cells in enumerate(lines):
            for column, text in zip((DESCRIPTION, QUANTITY, UNIT_PRICE, TAX_RATE), cells, strict=True):
                type_cell(qtbot, widget.lines_view, row, column, text)
        assert widget.issue_button is not None and widget.issue_button.isEnabled(), widget.message.text()
        widget.issue_button.click()

    when_modal(fill)
    window.new_invoice_action.trigger()


def test_a_days_work(qtbot: QtBot, window: MainWindow) -> None:
    fmt = window.workspace.formats
    add_client(qtbot, window)
    clients = window.clients_tab.table_view.model()
    qtbot.waitUntil(lambda: clients.rowCount() == 1, timeout=10000)

    # Two taxed lines, issued in September (Net 30 by default: overdue by November)...
    raise_invoice(
        qtbot, window, date(2026, 9, 1), [("Oak table", "1", "1200.00", "23"), ("Delivery", "1", "80", "0")]
    )
    # ...and a newer one, not yet due.
    raise_invoice(qtbot, window, date(2026, 11, 10), [("Shelving", "4", "75.50", "23")])

    def pay(widget: QWidget) -> None:
        assert isinstance(widget, PaymentDialog)
        pick_client(qtbot, widget.client_picker, "Zeta Kitchens (ZETA)")
        qtbot.keyClicks(widget.amount_edit, "1000")
        # Pre-filled oldest first: all of it goes to the September invoice.
        applied = [widget.panel.model.index(r, APPLY).data() for r in range(widget.panel.model.rowCount())]
        assert applied[:2] == ["1,000.00", ""]
        widget.record_button.click()

    when_modal(pay)
    window.record_payment_action.trigger()

    # September: 1200 + 23 % = 1476.00, + 80 = 1556.00; November: 302.00 + 69.46 = 371.46.
    owed = D("1556.00") + D("371.46") - D("1000.00")
    qtbot.waitUntil(
        lambda: window.outstanding_label.text() == f"Outstanding {fmt.money(owed)}", timeout=10000
    )
    assert fmt.money(D("556.00")) in window.overdue_label.text()

    window.tabs.setCurrentIndex(INVOICES)
    qtbot.waitUntil(lambda: window.invoices_tab.table_view.model().rowCount() == 2, timeout=10000)

    with qtbot.waitSignal(window.aging_tab.loaded, timeout=10000):
        window.aging_tab.reload()
    window.tabs.setCurrentIndex(AGING)
    aging = window.aging_tab.model
    (row,) = aging.report.rows  # type: ignore[union-attr]
    assert row.client_name == "Zeta Kitchens"
    assert row.buckets == (D("371.46"), D(0), D("556.00"), D(0), D(0))  # 52 days past due on 22 Nov
    assert aging.index(aging.rowCount() - 1, aging.columnCount() - 1).data() == fmt.amount(owed)

    clients_model = window.clients_tab.table_view.model()
    balance = [clients_model.index(0, c).data() for c in range(clients_model.columnCount())]
    assert fmt.amount(owed) in balance


def test_cancel_writes_nothing_from_the_window(qtbot: QtBot, window: MainWindow) -> None:
    def cancel(widget: QWidget) -> None:
        assert isinstance(widget, ClientDialog)
        qtbot.keyClicks(widget.code_edit, "NOPE")
        qtbot.keyClicks(widget.name_edit, "Never Saved Ltd")
        qtbot.keyClick(widget, Qt.Key.Key_Escape)

    when_modal(cancel)
    window.new_client_action.trigger()
    assert count_clients(window.workspace.db) == 0
