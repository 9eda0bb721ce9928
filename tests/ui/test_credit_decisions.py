"""Credit decisions in the window: the service decides what needs confirming, the dialogs ask and show."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal as D

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from creditdesk.domain.invoice import InvoiceLine, InvoiceStatus
from creditdesk.services.clients.records import ClientInput, add_client
from creditdesk.services.ledger.credit_control import credit_status, set_credit_limit
from creditdesk.services.ledger.invoices import InvoiceInput, save_invoice
from creditdesk.store.models import Activity, Invoice
from creditdesk.store.unit_of_work import UnitOfWork
from creditdesk.ui.clients.credit_dialog import CreditDialog
from creditdesk.ui.ledger.invoice_dialog import (
    DESCRIPTION,
    QUANTITY,
    UNIT_PRICE,
    InvoiceDialog,
    OverrideDialog,
    issue_draft,
)
from creditdesk.ui.workspace import Workspace
from tests.ui.helpers import type_cell, wait_for_op, when_modal

TODAY = date(2026, 11, 22)
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")


def texts(workspace: Workspace, kind: str) -> list[str]:
    with UnitOfWork(workspace.db) as uow:
        query = select(Activity.text).where(Activity.kind == kind).order_by(Activity.id)
        return list(uow.session.scalars(query))


def invoices(workspace: Workspace) -> int:
    with UnitOfWork(workspace.db) as uow:
        return int(uow.session.scalar(select(func.count()).select_from(Invoice)) or 0)


def confirm(who: str, why: str, seen: list[str]) -> None:
    """Answer the next credit warning: issue anyway with who and why, or with no ``why`` cancel."""

    def fill(widget: QWidget) -> None:
        assert isinstance(widget, OverrideDialog), widget
        seen.append(widget.findChildren(QLabel)[0].text())
        if not why:
            widget.reject()
            return
        widget.who_edit.setText(who)
        widget.why_edit.setText(why)
        widget.issue_button.click()

    when_modal(fill)


@pytest.fixture
def dialogs() -> Iterator[list[QDialog]]:
    opened: list[QDialog] = []
    yield opened
    for dialog in opened:
        dialog.done(QDialog.DialogCode.Rejected)
        dialog.deleteLater()


def test_the_invoice_dialog_asks_when_the_service_says_so(
    qtbot: QtBot, workspace: Workspace, dialogs: list[QDialog]
) -> None:
    client = add_client(workspace.db, ClientInput("ACME", "Acme Ltd"))
    dialog = InvoiceDialog(workspace, client_id=client)
    dialogs.append(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    for column, text in ((DESCRIPTION, "Design"), (QUANTITY, "1"), (UNIT_PRICE, "300")):
        type_cell(qtbot, dialog.lines_view, 0, column, text)
    assert not dialog.warning.isVisible()  # no limit when the dialog opened...
    set_credit_limit(workspace.db, client, D("100.00"))  # ...but a colleague has just set one
    assert dialog.issue_button is not None
    seen: list[str] = []
    confirm("", "", seen)
    qtbot.mouseClick(dialog.issue_button, Qt.MouseButton.LeftButton)
    wait_for_op(qtbot, dialog)  # issuing runs off the GUI thread; the question comes back to it
    assert seen == ["This invoice takes Acme Ltd to €300.00, €200.00 over their credit limit of €100.00."]
    assert dialog.result() != QDialog.DialogCode.Accepted and invoices(workspace) == 0
    confirm("Sam", "Agreed with the director", seen)
    qtbot.mouseClick(dialog.issue_button, Qt.MouseButton.LeftButton)
    wait_for_op(qtbot, dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted and invoices(workspace) == 1
    assert texts(workspace, "invoice") == ["Invoice INV-00001 issued"]
    assert texts(workspace, "override") == [
        "Credit warning overridden for INV-00001 over the credit limit by Sam: Agreed with the director"
    ]


def test_issuing_a_draft_asks_once_and_writes_invoice_and_note_together(
    qtbot: QtBot, workspace: Workspace
) -> None:
    client = add_client(workspace.db, ClientInput("HOLD", "Held Ltd", on_hold=True))
    line = [InvoiceLine("Work", D(1), D(50))]
    draft = save_invoice(workspace.db, InvoiceInput(client, TODAY, line, status=InvoiceStatus.DRAFT))
    seen: list[str] = []
    owner = QWidget()  # the tab the draft is issued from; the issuing runs off the GUI thread
    qtbot.addWidget(owner)
    issued: list[None] = []
    confirm("", "", seen)
    assert issue_draft(workspace, owner, draft, done=lambda: issued.append(None))
    wait_for_op(qtbot, owner)
    assert issued == []  # the warning was not confirmed: not issued
    assert texts(workspace, "invoice") == [] and texts(workspace, "override") == []
    confirm("Sam", "Paying the old invoice today", seen)
    assert issue_draft(workspace, owner, draft, done=lambda: issued.append(None))
    wait_for_op(qtbot, owner)
    assert issued == [None]
    assert len(seen) == 2 and seen[0].startswith("Held Ltd is on hold")
    assert texts(workspace, "override") == [
        "Credit warning overridden for INV-00001 while on hold by Sam: Paying the old invoice today"
    ]


def test_the_credit_dialog_marks_the_field_the_service_names(qtbot: QtBot, workspace: Workspace) -> None:
    client = add_client(workspace.db, ClientInput("ACME", "Acme Ltd"))
    dialog = CreditDialog(workspace, client)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.limit_edit.setText("-5")
    dialog.hold_box.setChecked(True)
    dialog.reason_edit.setText("Three months late")
    dialog.accept()
    wait_for_op(qtbot, dialog)
    assert dialog.message.text() == "⚠ The credit limit cannot be negative; leave it empty for no limit."
    assert dialog.limit_edit.property("invalid") is True and dialog.reason_edit.property("invalid") is False
    dialog.limit_edit.setText("200")
    dialog.reason_edit.setText("   ")
    dialog.accept()
    wait_for_op(qtbot, dialog)
    assert dialog.message.text() == "⚠ Say why the client goes on hold; it is written on their timeline."
    assert dialog.reason_edit.property("invalid") is True and dialog.limit_edit.property("invalid") is False
    status = credit_status(workspace.db, client, TODAY)
    assert (status.credit_limit, status.on_hold) == (None, False)  # neither half was saved
    assert texts(workspace, "credit_limit") == texts(workspace, "hold") == []
    dialog.reason_edit.setText("Three months late")
    dialog.accept()
    wait_for_op(qtbot, dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    status = credit_status(workspace.db, client, TODAY)
    assert (status.credit_limit, status.on_hold) == (D("200.00"), True)
    assert texts(workspace, "credit_limit") == ["Credit limit set to 200.00"]
    assert texts(workspace, "hold") == ["Put on hold: Three months late"]
