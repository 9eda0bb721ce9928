"""The Bank tab inside the real window, on a real company file, driven by mouse and keyboard."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal as D

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QDialog, QLabel, QMessageBox, QWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from creditdesk.domain.bank import BankStatement, BankTransaction
from creditdesk.domain.invoice import InvoiceLine
from creditdesk.services.bank.entries import list_bank_entries
from creditdesk.services.bank.statement_import import import_bank_statement
from creditdesk.services.chasing.today import TodayKind
from creditdesk.services.clients.records import ClientInput, add_client
from creditdesk.services.ledger.invoice_list import invoice_detail
from creditdesk.services.ledger.invoices import InvoiceInput, create_invoice
from creditdesk.services.ledger.payments import PaymentInput, record_payment
from creditdesk.ui.bank.assign_dialog import AssignDialog
from creditdesk.ui.bank.bank_model import AMOUNT, DONE, PAYER, REASON, BankModel
from creditdesk.ui.bank.bank_tab import BankTab
from creditdesk.ui.chasing.today_model import TodayModel
from creditdesk.ui.main_window import BANK, TODAY, MainWindow
from creditdesk.ui.workspace import Workspace
from tests.ui.conftest import TODAY as TODAY_DATE
from tests.ui.helpers import pick_client, wait_for_op
from tests.ui.helpers import when_modal as _when_modal

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")
TIMEOUT = 10000
ACCOUNT = "DE89370400440532013000"
STRANGER_IBAN = "GB33BUKB20201555555555"


def when_modal(handle: Callable[[QWidget], object]) -> None:
    """As the helper, but a failing check closes the dialog, so the test fails instead of hanging."""

    def guarded(widget: QWidget) -> None:
        try:
            handle(widget)
        except BaseException:
            if isinstance(widget, QDialog):
                widget.reject()
            raise

    _when_modal(guarded)


class Books:
    """Two clients with open invoices, and a statement holding one of every kind of credit."""

    def __init__(self, workspace: Workspace) -> None:
        db = workspace.db
        self.db = db
        self.bramble = add_client(db, ClientInput("BRAMBLE", "Bramble & Co"))
        self.quay = add_client(db, ClientInput("QUAY", "Quayside Café"))
        self.first = self.invoice(self.bramble, "A-1002", "500.00")
        self.second = self.invoice(self.bramble, "A-1003", "250.00")
        self.cafe = self.invoice(self.quay, "A-1010", "120.00")

    def invoice(self, client_id: int, number: str, amount: str) -> int:
        line = [InvoiceLine("Design", D(1), D(amount))]
        return create_invoice(self.db, InvoiceInput(client_id, date(2026, 10, 1), line, number=number))

    def owed(self, invoice_id: int) -> D:
        return invoice_detail(self.db, invoice_id, TODAY_DATE).open_amount

    def read(self, *credits: BankTransaction) -> None:
        statement = BankStatement("camt.053", ACCOUNT, "EUR", credits, statement_date=TODAY_DATE)
        import_bank_statement(self.db, statement, "november.xml")


def credit(reference: str, amount: str, text: str, name: str, iban: str = "") -> BankTransaction:
    return BankTransaction(reference, TODAY_DATE, D(amount), "EUR", name, iban, text)


EVERY_KIND = (
    credit("B1", "750.00", "INV A-1002 and a 1003", "Bramble & Co"),  # applied
    credit("B2", "120.00", "December", "Quayside Cafe"),  # suggested
    credit("B3", "33.00", "Gift", "Someone Else", STRANGER_IBAN),  # unmatched
    credit("B4", "45.00", "Refund of a deposit", "Kiosk am Hafen"),  # unmatched
)


def open_window(qtbot: QtBot, workspace: Workspace) -> MainWindow:
    window = MainWindow(workspace)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    with (
        qtbot.waitSignal(window.today_tab.loaded, timeout=TIMEOUT),
        qtbot.waitSignal(window.bank_tab.loaded, timeout=TIMEOUT),
    ):
        window.load()
    return window


def row_of(tab: BankTab, payer: str) -> int:
    return next(r for r, entry in enumerate(tab.model.rows) if entry.payer_name == payer)


def click_row(qtbot: QtBot, tab: BankTab, payer: str, modifier: Qt.KeyboardModifier | None = None) -> None:
    view = tab.table_view
    rect = view.visualRect(tab.model.index(row_of(tab, payer), PAYER))
    keys = modifier if modifier is not None else Qt.KeyboardModifier.NoModifier
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, keys, rect.center())


def column(tab: BankTab, col: int) -> list[str]:
    return [tab.model.index(r, col).data() for r in range(tab.model.rowCount())]


def enabled(tab: BankTab) -> dict[str, bool]:
    return {
        "confirm": tab.confirm_button.isEnabled(),
        "assign": tab.assign_button.isEnabled(),
        "ignore": tab.ignore_button.isEnabled(),
        "undo": tab.undo_button.isEnabled(),
    }


def act(qtbot: QtBot, tab: BankTab, button: QWidget) -> None:
    """Click an action's button and wait for the write and the list read after it."""
    with qtbot.waitSignal(tab.loaded, timeout=TIMEOUT):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        wait_for_op(qtbot, tab)


def test_the_today_line_opens_the_bank_tab_where_a_suggestion_is_confirmed_and_a_stranger_ignored(
    qtbot: QtBot, workspace: Workspace
) -> None:
    books = Books(workspace)
    books.read(*EVERY_KIND)
    window = open_window(qtbot, workspace)
    tab = window.bank_tab
    assert window.tabs.tabText(BANK) == "&Bank (3)"
    assert window.tabs.tabToolTip(BANK) == "3 bank payments are waiting for you (Ctrl+6)"

    window.tabs.setCurrentIndex(TODAY)
    today = window.today_tab
    [line] = [r for r, item in enumerate(today.model.rows) if item.kind is TodayKind.BANK_PAYMENTS]
    assert today.model.index(line, TodayModel.DETAILS).data() == "3 bank payments to look at"
    assert today.model.index(line, TodayModel.CLIENT).data() == ""
    links = today.table_view.indexWidget(today.model.index(line, TodayModel.ACTIONS))
    assert isinstance(links, QLabel) and "Open the Bank tab" in links.text()
    links.linkActivated.emit("open_bank")
    assert window.tabs.currentIndex() == BANK

    # Waiting (the default): the suggestion and the two strangers, newest first.
    assert tab.status_combo.currentText() == "Waiting for you"
    assert sorted(column(tab, DONE)) == ["Suggested for Quayside Café: A-1010", "Unmatched", "Unmatched"]
    assert tab.model.index(row_of(tab, "Quayside Cafe"), AMOUNT).data() == "€120.00"
    assert tab.model.index(row_of(tab, "Quayside Cafe"), REASON).data() == (
        "The payer is known and the amount is that of one open invoice."
    )
    assert tab.count_label.text() == "3 bank payments are waiting for you."
    assert enabled(tab) == {"confirm": False, "assign": False, "ignore": False, "undo": False}

    # The filter, by keyboard: Applied shows what the matcher proved.
    tab.status_combo.setFocus()
    with qtbot.waitSignal(tab.loaded, timeout=TIMEOUT):
        qtbot.keyClick(tab.status_combo, Qt.Key.Key_Down)
    assert tab.status_combo.currentText() == "Applied"
    assert column(tab, DONE) == ["Applied to A-1002, A-1003"]
    with qtbot.waitSignal(tab.loaded, timeout=TIMEOUT):
        qtbot.keyClick(tab.status_combo, Qt.Key.Key_Up)
    assert tab.model.rowCount() == 3

    click_row(qtbot, tab, "Quayside Cafe")
    assert enabled(tab) == {"confirm": True, "assign": True, "ignore": True, "undo": False}
    click_row(qtbot, tab, "Someone Else", Qt.KeyboardModifier.ControlModifier)
    assert enabled(tab) == {"confirm": False, "assign": False, "ignore": True, "undo": False}, (
        "a stranger cannot be confirmed, and one client is assigned at a time"
    )
    click_row(qtbot, tab, "Quayside Cafe")
    with qtbot.waitSignal(window.today_tab.loaded, timeout=TIMEOUT):
        act(qtbot, tab, tab.confirm_button)
    assert books.owed(books.cafe) == 0, "confirmed: the invoice is paid"
    assert not tab.message_line.isVisible()
    assert window.statusBar().currentMessage() == "The suggestion is confirmed and its payment recorded."
    assert sorted(column(tab, DONE)) == ["Unmatched", "Unmatched"]
    assert window.tabs.tabText(BANK) == "&Bank (2)"
    line_texts = [i.text for i in window.today_tab.items if i.kind is TodayKind.BANK_PAYMENTS]
    assert line_texts == ["2 bank payments to look at"]

    click_row(qtbot, tab, "Someone Else")
    act(qtbot, tab, tab.ignore_button)
    assert [e.payer_name for e in tab.model.rows] == ["Kiosk am Hafen"]
    assert window.tabs.tabText(BANK) == "&Bank (1)"
    qtbot.waitUntil(
        lambda: (
            [i.text for i in window.today_tab.items if i.kind is TodayKind.BANK_PAYMENTS]
            == ["1 bank payment to look at"]
        ),
        timeout=TIMEOUT,
    )
    with qtbot.waitSignal(tab.loaded, timeout=TIMEOUT):
        tab.status_combo.setCurrentIndex(2)  # All
    ignored = row_of(tab, "Someone Else")
    assert tab.model.index(ignored, DONE).data() == "Ignored"
    assert tab.model.index(row_of(tab, "Quayside Cafe"), DONE).data() == "Applied to A-1010"


def test_an_assigned_payer_is_remembered_and_undo_opens_the_invoices_again(
    qtbot: QtBot, workspace: Workspace
) -> None:
    books = Books(workspace)
    books.read(credit("B1", "480.00", "thanks", "J Smith", STRANGER_IBAN))
    window = open_window(qtbot, workspace)
    window.tabs.setCurrentIndex(BANK)
    tab = window.bank_tab
    click_row(qtbot, tab, "J Smith")
    seen: list[object] = []

    def fill(widget: QWidget) -> None:
        assert isinstance(widget, AssignDialog)
        seen.append(widget.remember_box.isChecked())
        seen.append(widget.remember_box.text())
        pick_client(qtbot, widget.client_picker, "Bramble & Co (BRAMBLE)")
        widget.ok_button.click()

    when_modal(fill)
    with qtbot.waitSignal(tab.loaded, timeout=TIMEOUT):
        qtbot.keyClick(tab.table_view, Qt.Key.Key_Return)  # Enter on a waiting entry: choose its client
    assert seen == [True, "Remember that payments from GB33 BUKB 2020 1555 5555 55 are from this client"]
    assert books.owed(books.first) == D("20.00"), "applied oldest first, as a payment entered by hand"
    assert tab.model.rowCount() == 0
    assert "No bank payment is waiting for you" in tab.placeholder.text()

    # The next statement from that IBAN is suggested for Bramble & Co.
    with qtbot.waitSignal(tab.loaded, timeout=TIMEOUT):
        books.read(
            BankTransaction("B2", date(2026, 11, 25), D("20.00"), "EUR", "J Smith", STRANGER_IBAN, "rest")
        )
        tab.reload()
    assert column(tab, DONE) == ["Suggested for Bramble & Co: A-1002"]

    with qtbot.waitSignal(tab.loaded, timeout=TIMEOUT):
        tab.status_combo.setCurrentIndex(1)  # Applied
    click_row(qtbot, tab, "J Smith")
    assert enabled(tab) == {"confirm": False, "assign": False, "ignore": False, "undo": True}
    asked: list[str] = []

    def answer(widget: QWidget) -> None:
        assert isinstance(widget, QMessageBox)
        asked.append(widget.informativeText())
        [undo] = [b for b in widget.buttons() if b.text() == "&Undo"]
        undo.click()

    when_modal(answer)
    act(qtbot, tab, tab.undo_button)
    assert asked and "removes the payment and its allocations" in asked[0]
    assert books.owed(books.first) == D("500.00"), "undone: the invoice is open again"
    assert tab.model.rowCount() == 0
    with qtbot.waitSignal(tab.loaded, timeout=TIMEOUT):
        tab.status_combo.setCurrentIndex(0)
    [undone] = [
        r for r, e in enumerate(tab.model.rows) if e.payer_name == "J Smith" and e.status == "unmatched"
    ]
    assert tab.model.index(undone, DONE).data() == "Unmatched"
    assert tab.model.index(undone, REASON).data() == "What was done with it was undone."


def test_undo_asks_first_and_a_no_changes_nothing(qtbot: QtBot, workspace: Workspace) -> None:
    books = Books(workspace)
    books.read(EVERY_KIND[0])
    tab = BankTab(workspace)
    qtbot.addWidget(tab)
    tab.show()
    with qtbot.waitSignal(tab.loaded, timeout=TIMEOUT):
        tab.status_combo.setCurrentIndex(1)
    click_row(qtbot, tab, "Bramble & Co")
    asked: list[str] = []

    def decline(widget: QWidget) -> None:
        assert isinstance(widget, QMessageBox)
        asked.append(widget.text())
        widget.reject()  # Cancel, the default answer

    when_modal(decline)
    qtbot.mouseClick(tab.undo_button, Qt.MouseButton.LeftButton)
    assert asked == ["Undo the payment of €750.00 recorded from this bank entry?"]
    assert books.owed(books.first) == 0 and books.owed(books.second) == 0
    assert [e.status for e in list_bank_entries(books.db)] == ["applied"]


def test_a_refusal_of_the_service_is_said_on_the_message_line(qtbot: QtBot, workspace: Workspace) -> None:
    books = Books(workspace)
    books.read(EVERY_KIND[1])
    tab = BankTab(workspace)
    qtbot.addWidget(tab)
    tab.show()
    with qtbot.waitSignal(tab.loaded, timeout=TIMEOUT):
        tab.reload()
    # Meanwhile the café's invoice is paid by hand, behind the list's back.
    record_payment(books.db, PaymentInput(books.quay, TODAY_DATE, D("120.00"), invoice_id=books.cafe))
    click_row(qtbot, tab, "Quayside Cafe")
    act(qtbot, tab, tab.confirm_button)
    assert tab.message_line.isVisible()
    said = tab.message_line.text()
    assert said.startswith("⚠ The bank payment of €120.00 from Quayside Cafe on 22 Nov 2026 can no longer")
    assert "assign it to the client instead" in said
    assert [e.status for e in list_bank_entries(books.db)] == ["suggested"], "nothing was written"

    with qtbot.waitSignal(tab.loaded, timeout=TIMEOUT):
        tab.status_combo.setCurrentIndex(2)
    assert not tab.message_line.isVisible(), "a new view of the list starts without the old message"


def test_the_bank_model_passes_the_model_tester(
    qtbot: QtBot, workspace: Workspace, qtmodeltester: ModelTester
) -> None:
    books = Books(workspace)
    books.read(*EVERY_KIND)
    model = BankModel(workspace.formats)
    qtmodeltester.check(model, force_py=True)
    model.set_rows(list_bank_entries(books.db))
    assert model.rowCount() == 4 and model.columnCount() == 6
    for row in range(model.rowCount()):
        for col in range(model.columnCount()):
            for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                value = model.index(row, col).data(role)
                assert value is None or isinstance(value, str)
    stranger = next(r for r, e in enumerate(model.rows) if e.payer_name == "Someone Else")
    assert model.index(stranger, PAYER).data(Qt.ItemDataRole.ToolTipRole) == (
        "Someone Else\nGB33 BUKB 2020 1555 5555 55"
    )
    right = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    assert model.index(0, AMOUNT).data(Qt.ItemDataRole.TextAlignmentRole) == right
    assert model.headerData(AMOUNT, Qt.Orientation.Horizontal, Qt.ItemDataRole.TextAlignmentRole) == right


def test_rows_grow_to_show_reasons_whole_on_a_narrow_window_and_stay_one_line_on_a_wide_one(
    qtbot: QtBot, workspace: Workspace
) -> None:
    books = Books(workspace)
    books.read(*EVERY_KIND)
    tab = BankTab(workspace)
    qtbot.addWidget(tab)
    tab.resize(1800, 500)
    tab.show()
    with qtbot.waitSignal(tab.loaded, timeout=TIMEOUT):
        tab.status_combo.setCurrentIndex(2)
    rows = tab.table_view.verticalHeader()
    line = tab.table_view.fontMetrics().lineSpacing()
    assert rows.defaultSectionSize() == line + 8, "wide: every reason fits on one line"
    tab.resize(1000, 500)
    qtbot.waitUntil(lambda: rows.defaultSectionSize() > line + 8, timeout=TIMEOUT)
    metrics = tab.table_view.fontMetrics()
    room = tab.table_view.columnWidth(REASON) - 12
    for row in range(tab.model.rowCount()):
        reason = tab.model.index(row, REASON).data()
        needed = metrics.boundingRect(QRect(0, 0, room, 10_000), Qt.TextFlag.TextWordWrap, reason).height()
        assert needed + 8 <= rows.defaultSectionSize(), reason
