"""The money dialogs, driven like a person would: typing, Tab, clicking; checked against the file."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal as D

import pytest
from PySide6.QtCore import QDate, QModelIndex, Qt
from PySide6.QtWidgets import QDialog, QLabel, QMessageBox, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from creditdesk.domain.invoice import InvoiceLine, InvoiceStatus
from creditdesk.domain.terms import PaymentTerms
from creditdesk.services.clients.records import ClientInput, add_client
from creditdesk.services.ledger.invoice_list import invoice_detail, money_on_account, open_invoices_for
from creditdesk.services.ledger.invoices import InvoiceInput, create_invoice, save_invoice
from creditdesk.services.ledger.payments import PaymentInput, record_payment
from creditdesk.services.reports.aging import run_aging
from creditdesk.store.models import Activity, AllocationRow, CreditNote, Invoice, Payment
from creditdesk.store.unit_of_work import UnitOfWork
from creditdesk.ui.ledger.credit_note_dialog import CreditNoteDialog, new_credit_note
from creditdesk.ui.ledger.invoice_dialog import (
    DESCRIPTION,
    QUANTITY,
    TAX_RATE,
    UNIT_PRICE,
    InvoiceDialog,
    OverrideDialog,
    VoidDialog,
    issue_draft,
    new_invoice,
)
from creditdesk.ui.ledger.payment_dialog import APPLY, AllocateDialog, PaymentDialog
from creditdesk.ui.ledger.payment_dialog import record_payment as record_payment_ui
from creditdesk.ui.workspace import Workspace
from tests.ui.helpers import editor_of, pick_client, type_cell, wait_for_op, when_modal

TODAY = date(2026, 11, 22)
# What the offscreen platform cannot do (size hints, raising windows, grabbing the keyboard for popups).
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")


# --- helpers --------------------------------------------------------------------------------------


def count(
    workspace: Workspace, model: type[Invoice] | type[Payment] | type[CreditNote] | type[AllocationRow]
) -> int:
    with UnitOfWork(workspace.db) as uow:
        return int(uow.session.scalar(select(func.count()).select_from(model)) or 0)


def answer(button_text: str, seen: list[str] | None = None) -> None:
    """Click the message box button whose text (without its mnemonic) is ``button_text``."""

    def click(widget: QWidget) -> None:
        assert isinstance(widget, QMessageBox), widget
        if seen is not None:
            seen.append(widget.text())
        for button in widget.buttons():
            if button.text().replace("&", "") == button_text:
                button.click()
                return
        raise AssertionError(f"no button {button_text!r} in {[b.text() for b in widget.buttons()]}")

    when_modal(click)


def override(who: str, why: str, seen: list[str] | None = None) -> None:
    """Answer the credit warning: fill who and why and issue anyway; empty ``why`` cancels."""

    def fill(widget: QWidget) -> None:
        assert isinstance(widget, OverrideDialog), widget
        if seen is not None:
            seen.append(widget.findChildren(QLabel)[0].text())
        if not why:
            widget.reject()
            return
        widget.who_edit.setText(who)
        widget.why_edit.setText(why)
        widget.issue_button.click()

    when_modal(fill)


_open: list[QDialog] = []


@pytest.fixture(autouse=True)
def close_dialogs() -> Iterator[None]:
    """Close what a test opened without asking "Discard?" (a closing window asks a person, not a test)."""
    yield
    while _open:
        dialog = _open.pop()
        dialog.done(QDialog.DialogCode.Rejected)
        dialog.deleteLater()


def open_dialog(qtbot: QtBot, dialog: QDialog) -> QDialog:
    _open.append(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def type_line(qtbot: QtBot, dialog: InvoiceDialog, row: int, *cells: str) -> None:
    for column, text in zip((DESCRIPTION, QUANTITY, UNIT_PRICE, TAX_RATE), cells, strict=False):
        type_cell(qtbot, dialog.lines_view, row, column, text)


@pytest.fixture
def acme(workspace: Workspace) -> int:
    return add_client(workspace.db, ClientInput("ACME", "Acme Ltd", terms=PaymentTerms(14)))


def issue(workspace: Workspace, client: int, day: date, amount: str) -> int:
    return create_invoice(workspace.db, InvoiceInput(client, day, [InvoiceLine("Work", D(1), D(amount))]))


# --- the invoice dialog ---------------------------------------------------------------------------


def test_issue_an_invoice_with_two_taxed_lines(qtbot: QtBot, workspace: Workspace, acme: int) -> None:
    dialog = open_dialog(qtbot, InvoiceDialog(workspace))
    assert isinstance(dialog, InvoiceDialog)
    assert not dialog.issue_button.isEnabled()  # type: ignore[union-attr]
    pick_client(qtbot, dialog.client_picker, "Acme Ltd (ACME)")
    assert dialog.client_picker.client_id() == acme
    assert dialog.due_date == date(2026, 12, 6)  # Net 14 from the client's terms
    qtbot.keyClicks(dialog.reference_edit, "PO-1234")
    type_line(qtbot, dialog, 0, "Design", "2.5", "80.10", "20")
    # Keyboard only from here: Tab walks the cells of the new line.
    view = dialog.lines_view
    view.setCurrentIndex(dialog.lines_model.index(1, DESCRIPTION))
    view.edit(view.currentIndex())
    for text in ("Travel", "1", "12.34", "0"):
        editor = editor_of(view)
        editor.selectAll()
        qtbot.keyClicks(editor, text)
        qtbot.keyClick(editor, Qt.Key.Key_Tab)
    assert [line.description for line in dialog.lines_model.lines()] == ["Design", "Travel", ""]
    assert (dialog.net_value.text(), dialog.tax_value.text(), dialog.gross_value.text()) == (
        "€212.59",
        "€40.05",
        "€252.64",
    )
    assert dialog.lines_model.index(0, 4).data() == "200.25"  # the line's net, right-aligned
    assert dialog.lines_model.index(0, 4).data(Qt.ItemDataRole.TextAlignmentRole) == int(
        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    )
    assert not dialog.message.isVisible()
    qtbot.mouseClick(dialog.issue_button, Qt.MouseButton.LeftButton)
    wait_for_op(qtbot, dialog)  # the invoice is issued off the GUI thread
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.saved_id is not None
    detail = invoice_detail(workspace.db, dialog.saved_id, TODAY)
    assert (detail.number, detail.status, detail.reference) == ("INV-00001", InvoiceStatus.ISSUED, "PO-1234")
    assert (detail.totals.net, detail.totals.tax, detail.totals.gross) == (
        D("212.59"),
        D("40.05"),
        D("252.64"),
    )
    assert detail.lines == (
        InvoiceLine("Design", D("2.5"), D("80.10"), D(20)),
        InvoiceLine("Travel", D(1), D("12.34"), D(0)),
    )
    with UnitOfWork(workspace.db) as uow:
        stored = uow.session.get(Invoice, dialog.saved_id)
        assert stored is not None and (stored.net, stored.tax, stored.gross) == (21259, 4005, 25264)


def test_save_a_draft_then_issue_it(qtbot: QtBot, workspace: Workspace, acme: int) -> None:
    dialog = open_dialog(qtbot, InvoiceDialog(workspace, client_id=acme))
    assert isinstance(dialog, InvoiceDialog)
    type_line(qtbot, dialog, 0, "Survey", "1", "300")
    qtbot.mouseClick(dialog.draft_button, Qt.MouseButton.LeftButton)
    wait_for_op(qtbot, dialog)  # the draft is saved off the GUI thread
    draft_id = dialog.saved_id
    assert draft_id is not None
    detail = invoice_detail(workspace.db, draft_id, TODAY)
    assert detail.is_draft and not detail.number_assigned
    # Reopened, the draft shows what was saved; change it and issue it.
    again = open_dialog(qtbot, InvoiceDialog(workspace, invoice_id=draft_id))
    assert isinstance(again, InvoiceDialog)
    assert again.client_picker.client_id() == acme
    assert again.lines_model.index(0, UNIT_PRICE).data() == "300.00"
    type_cell(qtbot, again.lines_view, 0, QUANTITY, "2")
    assert again.gross_value.text() == "€600.00"
    qtbot.mouseClick(again.issue_button, Qt.MouseButton.LeftButton)
    wait_for_op(qtbot, again)
    detail = invoice_detail(workspace.db, draft_id, TODAY)
    assert (detail.number, detail.status, detail.totals.gross) == ("INV-00001", InvoiceStatus.ISSUED, D(600))
    # Issued, it opens read-only.
    shown = open_dialog(qtbot, InvoiceDialog(workspace, invoice_id=draft_id))
    assert isinstance(shown, InvoiceDialog)
    assert shown.read_only and shown.issue_button is None and not shown.client_picker.isEnabled()
    assert "Still owed: €600.00" in shown.applied_label.text()


def test_the_dialog_names_what_is_wrong_as_you_type(qtbot: QtBot, workspace: Workspace, acme: int) -> None:
    dialog = open_dialog(qtbot, InvoiceDialog(workspace))
    assert isinstance(dialog, InvoiceDialog)
    issue_button = dialog.issue_button
    assert issue_button is not None

    def shown() -> str:
        return dialog.message.text() if dialog.message.isVisible() else ""

    assert shown() == "⚠ Choose the client to invoice."
    pick_client(qtbot, dialog.client_picker, "Nobody")
    assert dialog.client_picker.property("invalid") is True
    pick_client(qtbot, dialog.client_picker, "acme ltd (acme)")  # case does not matter
    assert shown() == "⚠ Add at least one line: what is being invoiced."
    type_line(qtbot, dialog, 0, "Design", "0", "80")
    assert shown() == "⚠ Line 1: quantity 0 must be more than zero."
    assert dialog.lines_model.index(0, QUANTITY).data(Qt.ItemDataRole.BackgroundRole) is not None
    type_cell(qtbot, dialog.lines_view, 0, QUANTITY, "two")
    assert shown() == "⚠ Line 1: quantity 'two' is not a number."
    type_cell(qtbot, dialog.lines_view, 0, QUANTITY, "2")
    type_cell(qtbot, dialog.lines_view, 0, UNIT_PRICE, "80,5x")
    assert shown() == "⚠ Line 1: unit price '80,5x' is not an amount."
    assert not issue_button.isEnabled()
    type_cell(qtbot, dialog.lines_view, 0, UNIT_PRICE, "80.50")
    type_cell(qtbot, dialog.lines_view, 0, TAX_RATE, "120")
    assert shown() == "⚠ Line 1: tax rate 120 % must be between 0 and 100."
    type_cell(qtbot, dialog.lines_view, 0, TAX_RATE, "20")
    type_cell(qtbot, dialog.lines_view, 0, DESCRIPTION, "")
    assert shown() == "⚠ Line 1: describe what is being invoiced."
    type_cell(qtbot, dialog.lines_view, 0, DESCRIPTION, "Design")
    assert shown() == "" and issue_button.isEnabled()
    dialog.due_edit.setDate(QDate(2026, 11, 1))
    assert shown() == "⚠ The due date 1 Nov 2026 is before the issue date."
    assert dialog.due_edit.property("invalid") is True and not issue_button.isEnabled()
    dialog.due_edit.setDate(QDate(2026, 12, 24))
    assert shown() == "" and issue_button.isEnabled()


def test_the_due_date_follows_the_terms_until_changed_by_hand(
    qtbot: QtBot, workspace: Workspace, acme: int
) -> None:
    eom = add_client(workspace.db, ClientInput("EOM", "Eom Ltd", terms=PaymentTerms(7)))
    dialog = open_dialog(qtbot, InvoiceDialog(workspace, client_id=acme))
    assert isinstance(dialog, InvoiceDialog)
    assert dialog.due_date == date(2026, 12, 6)
    dialog.issue_edit.setDate(QDate(2026, 11, 30))
    assert dialog.due_date == date(2026, 12, 14)
    dialog.client_picker.set_client(eom)
    assert dialog.due_date == date(2026, 12, 7)
    dialog.due_edit.setDate(QDate(2027, 1, 15))  # agreed by phone
    dialog.client_picker.set_client(acme)
    assert dialog.due_date == date(2027, 1, 15)
    assert "use it" in dialog.terms_hint.text()
    dialog.on_terms_hint_link_activated("terms")
    assert dialog.due_date == date(2026, 12, 14)


def test_credit_limit_and_hold_warn_but_do_not_block(qtbot: QtBot, workspace: Workspace) -> None:
    client = add_client(
        workspace.db, ClientInput("BIG", "Big Spender", credit_limit=D("500.00"), on_hold=True)
    )
    issue(workspace, client, date(2026, 11, 1), "450.00")
    dialog = open_dialog(qtbot, InvoiceDialog(workspace, client_id=client))
    assert isinstance(dialog, InvoiceDialog)
    type_line(qtbot, dialog, 0, "More work", "1", "100")
    assert dialog.warning.isVisible()
    assert "on hold" in dialog.warning.text() and "€50.00 over their credit limit" in dialog.warning.text()
    assert dialog.issue_button is not None and dialog.issue_button.isEnabled()  # a warning, not a block
    seen: list[str] = []
    override("", "", seen)
    qtbot.mouseClick(dialog.issue_button, Qt.MouseButton.LeftButton)
    wait_for_op(qtbot, dialog)  # issuing runs off the GUI thread; the question comes back to it
    assert dialog.result() != QDialog.DialogCode.Accepted and count(workspace, Invoice) == 1
    assert "Big Spender is on hold" in seen[0]
    override("Sam Owner", "Agreed: they pay the old invoice on Friday")
    qtbot.mouseClick(dialog.issue_button, Qt.MouseButton.LeftButton)
    wait_for_op(qtbot, dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted and count(workspace, Invoice) == 2
    with UnitOfWork(workspace.db) as uow:  # who overrode it and why, on the timeline
        texts = list(uow.session.scalars(select(Activity.text).where(Activity.kind == "override")))
    assert len(texts) == 1 and "by Sam Owner: Agreed: they pay the old invoice on Friday" in texts[0]


def test_the_override_needs_who_and_why(qtbot: QtBot) -> None:
    dialog = OverrideDialog(["Limited is on hold."])
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.who_edit.setText("Sam")
    dialog.issue_button.click()
    assert dialog.isVisible() and "Why" in dialog.message.text()
    assert dialog.why_edit.property("invalid") is True


def test_cancel_writes_nothing(qtbot: QtBot, workspace: Workspace, acme: int) -> None:
    dialog = open_dialog(qtbot, InvoiceDialog(workspace, client_id=acme))
    assert isinstance(dialog, InvoiceDialog)
    type_line(qtbot, dialog, 0, "Design", "1", "80")
    answer("Cancel")  # "Discard this invoice?" -- no, keep typing
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible()
    answer("Discard")
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Rejected and not dialog.isVisible()
    payment = open_dialog(qtbot, PaymentDialog(workspace, client_id=acme))
    assert isinstance(payment, PaymentDialog)
    qtbot.keyClicks(payment.amount_edit, "10")
    answer("Discard")
    qtbot.keyClick(payment, Qt.Key.Key_Escape)
    note = open_dialog(qtbot, CreditNoteDialog(workspace, client_id=acme))
    assert isinstance(note, CreditNoteDialog)
    qtbot.keyClicks(note.amount_edit, "10")
    qtbot.keyClick(note, Qt.Key.Key_Escape)
    assert count(workspace, Invoice) == count(workspace, Payment) == count(workspace, CreditNote) == 0


def test_the_entry_point_saves_and_tells_every_view(qtbot: QtBot, workspace: Workspace, acme: int) -> None:
    def fill(widget: QWidget) -> None:
        assert isinstance(widget, InvoiceDialog)
        type_line(qtbot, widget, 0, "Design", "1", "99.99")
        assert widget.issue_button is not None
        widget.issue_button.click()

    when_modal(fill)
    with qtbot.waitSignal(workspace.events.changed, timeout=5000):
        assert new_invoice(workspace, None, acme) is True
    assert count(workspace, Invoice) == 1

    def cancel(widget: QWidget) -> None:
        assert isinstance(widget, PaymentDialog)
        widget.reject()

    when_modal(cancel)
    assert record_payment_ui(workspace, None, acme) is False
    assert count(workspace, Payment) == 0


def test_issuing_a_draft_from_the_tab_warns_first(qtbot: QtBot, workspace: Workspace) -> None:
    client = add_client(workspace.db, ClientInput("LIM", "Limited", credit_limit=D("10.00")))
    draft = save_invoice(
        workspace.db,
        InvoiceInput(client, TODAY, [InvoiceLine("Work", D(1), D(50))], status=InvoiceStatus.DRAFT),
    )
    owner = QWidget()  # the tab the draft is issued from; the issuing runs off the GUI thread
    qtbot.addWidget(owner)
    issued: list[None] = []
    override("", "")
    assert issue_draft(workspace, owner, draft, done=lambda: issued.append(None))
    wait_for_op(qtbot, owner)
    assert issued == []  # the warning was not confirmed: not issued
    override("Sam", "A trusted client")
    assert issue_draft(workspace, owner, draft, done=lambda: issued.append(None))
    wait_for_op(qtbot, owner)
    assert issued == [None]
    assert invoice_detail(workspace.db, draft, TODAY).number == "INV-00001"


# --- voiding ----------------------------------------------------------------------------------------


def test_void_an_invoice_with_a_payment_allocated(qtbot: QtBot, workspace: Workspace, acme: int) -> None:
    first = issue(workspace, acme, date(2026, 9, 1), "100.00")
    second = issue(workspace, acme, date(2026, 10, 1), "200.00")
    record_payment(workspace.db, PaymentInput(acme, date(2026, 10, 20), D("150.00")))  # 100 + 50
    dialog = open_dialog(qtbot, VoidDialog(workspace, invoice_detail(workspace.db, second, TODAY)))
    assert isinstance(dialog, VoidDialog)
    label_texts = " ".join(
        w.text() for w in dialog.findChildren(QWidget) if hasattr(w, "text") and w.isVisible()
    )
    assert "€50.00 already paid or credited against it goes back on Acme Ltd's account" in label_texts
    qtbot.keyClicks(dialog.reason_edit, "raised twice")
    qtbot.mouseClick(dialog.void_button, Qt.MouseButton.LeftButton)
    wait_for_op(qtbot, dialog)  # the invoice is voided off the GUI thread
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert invoice_detail(workspace.db, second, TODAY).status is InvoiceStatus.VOID
    assert money_on_account(workspace.db, acme, TODAY) == D(50)
    row = run_aging(workspace.db, TODAY).row_for(acme)  # the first is paid, the second gone
    assert row is not None and (sum(row.buckets, D(0)), row.unallocated, row.total) == (D(0), D(-50), D(-50))
    assert [i.id for i in open_invoices_for(workspace.db, acme)] == []
    assert invoice_detail(workspace.db, first, TODAY).open_amount == 0
    with UnitOfWork(workspace.db) as uow:
        logged = uow.session.scalar(select(Activity.text).where(Activity.kind == "void"))
    assert logged is not None and logged.endswith("Reason: raised twice")


# --- payments -----------------------------------------------------------------------------------------


@pytest.fixture
def three_open(workspace: Workspace, acme: int) -> Iterator[list[int]]:
    yield [
        issue(workspace, acme, date(2026, 8, 1), "100.00"),
        issue(workspace, acme, date(2026, 9, 1), "200.00"),
        issue(workspace, acme, date(2026, 10, 1), "300.00"),
    ]


def apply_texts(dialog: PaymentDialog | AllocateDialog) -> list[str]:
    return list(dialog.panel.model.texts)


def test_a_part_payment_is_prefilled_oldest_first_and_can_be_changed(
    qtbot: QtBot, workspace: Workspace, acme: int, three_open: list[int]
) -> None:
    dialog = open_dialog(qtbot, PaymentDialog(workspace))
    assert isinstance(dialog, PaymentDialog)
    pick_client(qtbot, dialog.client_picker, "Acme")  # the completer narrows; the full label picks
    pick_client(qtbot, dialog.client_picker, "Acme Ltd (ACME)")
    assert [i.number for i in dialog.panel.model.invoices] == ["INV-00001", "INV-00002", "INV-00003"]
    qtbot.keyClicks(dialog.amount_edit, "250")
    assert apply_texts(dialog) == ["100.00", "150.00", ""]
    assert dialog.panel.summary.text() == "Applied €250.00"
    assert dialog.panel.model.index(0, 3).data() == "99 days"  # overdue, in words and in colour
    # By hand: pay the newest in part instead, leaving some on account.
    type_cell(qtbot, dialog.panel.view, 1, APPLY, "")
    type_cell(qtbot, dialog.panel.view, 2, APPLY, "120")
    assert "€30.00 stays on account" in dialog.panel.summary.text()
    dialog.amount_edit.setText("260")  # changing the amount keeps what was chosen by hand
    assert apply_texts(dialog) == ["100.00", "", "120"]
    # Over-allocation is refused, with a message naming the invoice.
    type_cell(qtbot, dialog.panel.view, 0, APPLY, "150")
    assert dialog.message.text() == "⚠ €150.00 for INV-00001 is more than the €100.00 still owed on it."
    assert not dialog.record_button.isEnabled()
    type_cell(qtbot, dialog.panel.view, 0, APPLY, "100")
    type_cell(qtbot, dialog.panel.view, 1, APPLY, "50")
    assert dialog.message.text() == "⚠ €270.00 allocated is more than the €260.00 received."
    assert not dialog.record_button.isEnabled()
    type_cell(qtbot, dialog.panel.view, 1, APPLY, "40")
    qtbot.keyClicks(dialog.reference_edit, "BACS 991")
    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    wait_for_op(qtbot, dialog)  # the payment is recorded off the GUI thread
    assert dialog.result() == QDialog.DialogCode.Accepted
    with UnitOfWork(workspace.db) as uow:
        applied = dict(uow.session.execute(select(AllocationRow.invoice_id, AllocationRow.amount)).all())
        payment = uow.session.scalar(select(Payment))
        assert payment is not None and (payment.amount, payment.reference) == (26000, "BACS 991")
    assert applied == {three_open[0]: 10000, three_open[1]: 4000, three_open[2]: 12000}
    assert [(i.number, i.open_amount) for i in open_invoices_for(workspace.db, acme)] == [
        ("INV-00002", D(160)),
        ("INV-00003", D(180)),
    ]


def test_oldest_first_fills_again_and_bad_amounts_are_named(
    qtbot: QtBot, workspace: Workspace, acme: int, three_open: list[int]
) -> None:
    dialog = open_dialog(qtbot, PaymentDialog(workspace, client_id=acme))
    assert isinstance(dialog, PaymentDialog)
    assert dialog.message.text() == "⚠ The amount is empty."
    qtbot.keyClicks(dialog.amount_edit, "12.345")
    assert dialog.message.text() == "⚠ The amount '12.345' has more than 2 decimal places."
    assert dialog.amount_edit.property("invalid") is True
    dialog.amount_edit.setText("1,000")
    assert apply_texts(dialog) == ["100.00", "200.00", "300.00"]
    assert "€400.00 stays on account" in dialog.panel.summary.text()
    qtbot.mouseClick(dialog.panel.clear_button, Qt.MouseButton.LeftButton)
    assert apply_texts(dialog) == ["", "", ""]
    qtbot.mouseClick(dialog.panel.oldest_first_button, Qt.MouseButton.LeftButton)
    assert apply_texts(dialog) == ["100.00", "200.00", "300.00"]
    type_cell(qtbot, dialog.panel.view, 0, APPLY, "abc")
    assert dialog.message.text() == "⚠ The amount for INV-00001 'abc' is not an amount."


def test_an_invoice_paid_meanwhile_refuses_the_payment_on_the_form(
    qtbot: QtBot, workspace: Workspace, acme: int, three_open: list[int]
) -> None:
    dialog = open_dialog(qtbot, PaymentDialog(workspace, client_id=acme))
    assert isinstance(dialog, PaymentDialog)
    qtbot.keyClicks(dialog.amount_edit, "100")
    assert apply_texts(dialog) == ["100.00", "", ""] and dialog.record_button.isEnabled()
    # Another window records the same money against INV-00001 first.
    record_payment(workspace.db, PaymentInput(acme, TODAY, D("100.00"), invoice_id=three_open[0]))
    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    wait_for_op(qtbot, dialog)
    assert dialog.isVisible() and dialog.receipt is None
    assert dialog.message.text() == "⚠ Money can only be allocated to an open invoice of the same client."
    assert count(workspace, Payment) == 1


def test_money_on_account_is_allocated_later(
    qtbot: QtBot, workspace: Workspace, acme: int, three_open: list[int]
) -> None:
    record_payment(workspace.db, PaymentInput(acme, date(2026, 11, 1), D("250.00")), [])
    dialog = open_dialog(qtbot, AllocateDialog(workspace, client_id=acme))
    assert isinstance(dialog, AllocateDialog)
    assert dialog.available_label.text() == "€250.00"
    assert apply_texts(dialog) == ["100.00", "150.00", ""]
    type_cell(qtbot, dialog.panel.view, 1, APPLY, "")
    type_cell(qtbot, dialog.panel.view, 2, APPLY, "200")
    assert dialog.message.text() == "⚠ €300.00 allocated is more than the €250.00 on account."
    type_cell(qtbot, dialog.panel.view, 2, APPLY, "100")
    assert "€50.00 stays on account" in dialog.panel.summary.text()
    qtbot.mouseClick(dialog.allocate_button, Qt.MouseButton.LeftButton)
    wait_for_op(qtbot, dialog)  # the money is allocated off the GUI thread
    assert dialog.result() == QDialog.DialogCode.Accepted
    with UnitOfWork(workspace.db) as uow:
        dates = set(uow.session.scalars(select(AllocationRow.date)))
    assert dates == {TODAY}
    assert money_on_account(workspace.db, acme, TODAY) == D(50)
    nobody = add_client(workspace.db, ClientInput("NONE", "Nobody Ltd"))
    empty = open_dialog(qtbot, AllocateDialog(workspace, client_id=nobody))
    assert isinstance(empty, AllocateDialog)
    assert empty.message.text() == "⚠ Nobody Ltd has no money on account to allocate."
    assert not empty.allocate_button.isEnabled()


# --- credit notes ---------------------------------------------------------------------------------------


def test_credit_notes_against_an_invoice_and_on_account(
    qtbot: QtBot, workspace: Workspace, acme: int, three_open: list[int]
) -> None:
    dialog = open_dialog(qtbot, CreditNoteDialog(workspace, invoice_id=three_open[1]))
    assert isinstance(dialog, CreditNoteDialog)
    assert dialog.client_picker.client_id() == acme
    assert dialog.invoice() is not None and dialog.invoice().number == "INV-00002"  # type: ignore[union-attr]
    qtbot.keyClicks(dialog.amount_edit, "-5")
    assert dialog.message.text() == "⚠ The amount must be more than zero."
    dialog.amount_edit.setText("30")
    assert dialog.effect.text() == "Reduces what is owed on INV-00002 from €200.00 to €170.00."
    qtbot.keyClicks(dialog.reason_edit, "Damaged in transit")
    qtbot.mouseClick(dialog.issue_button, Qt.MouseButton.LeftButton)
    wait_for_op(qtbot, dialog)  # the credit note is issued off the GUI thread
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert [i.open_amount for i in open_invoices_for(workspace.db, acme)] == [D(100), D(170), D(300)]

    def on_account(widget: QWidget) -> None:
        assert isinstance(widget, CreditNoteDialog)
        widget.against_combo.setCurrentIndex(0)
        assert "stays on Acme Ltd's account" in widget.effect.text()
        qtbot.keyClicks(widget.amount_edit, "15")
        widget.issue_button.click()

    when_modal(on_account)
    assert new_credit_note(workspace, None, client_id=acme) is True
    assert money_on_account(workspace.db, acme, TODAY) == D(15)
    with UnitOfWork(workspace.db) as uow:
        notes = uow.session.execute(select(CreditNote.number, CreditNote.invoice_id, CreditNote.reason)).all()
    assert [tuple(n) for n in notes] == [
        ("CN-00001", three_open[1], "Damaged in transit"),
        ("CN-00002", None, ""),
    ]


def test_keyboard_tab_leaves_the_lines_table(qtbot: QtBot, workspace: Workspace, acme: int) -> None:
    dialog = open_dialog(qtbot, InvoiceDialog(workspace, client_id=acme))
    assert isinstance(dialog, InvoiceDialog)
    view = dialog.lines_view
    model = dialog.lines_model
    from PySide6.QtWidgets import QAbstractItemView as View

    view.setCurrentIndex(model.index(0, DESCRIPTION))
    assert view.moveCursor(View.CursorAction.MoveNext, Qt.KeyboardModifier.NoModifier) == QModelIndex()
    type_line(qtbot, dialog, 0, "Design", "1", "10")
    view.setCurrentIndex(model.index(0, TAX_RATE))
    assert view.moveCursor(View.CursorAction.MoveNext, Qt.KeyboardModifier.NoModifier) == model.index(1, 0)
    view.setCurrentIndex(model.index(0, DESCRIPTION))
    assert view.moveCursor(View.CursorAction.MovePrevious, Qt.KeyboardModifier.NoModifier) == QModelIndex()
