"""Interest settings save what is typed; an interest invoice is raised only after its lines are shown."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from creditdesk.domain.interest import BaseRate, InterestKind, InterestPolicy
from creditdesk.services.ledger.interest import (
    base_rates,
    client_interest,
    client_interest_policy,
    company_interest_policy,
)
from creditdesk.services.ledger.invoice_list import client_choices
from creditdesk.store.models import Invoice
from creditdesk.store.unit_of_work import UnitOfWork
from creditdesk.ui.ledger.interest_dialog import InterestDialog
from creditdesk.ui.workspace import Workspace
from tests.services.workflow_ledger import client, invoice
from tests.ui.helpers import pick_client, wait_for_op, when_modal


def open_dialog(qtbot: QtBot, workspace: Workspace) -> InterestDialog:
    dialog = InterestDialog(workspace)
    qtbot.addWidget(dialog)
    return dialog


def test_company_policy_base_rate_and_client_override_persist(qtbot: QtBot, workspace: Workspace) -> None:
    acme = client(workspace.db, "ACME")
    dialog = open_dialog(qtbot, workspace)
    editor = dialog.company_policy
    editor.kind_combo.setCurrentIndex(editor.kind_combo.findData(InterestKind.CONTRACTUAL.value))
    qtbot.keyClicks(editor.rate_edit, "10")
    dialog.save_company_button.click()
    wait_for_op(qtbot, dialog)  # each part saves off the GUI thread
    assert company_interest_policy(workspace.db) == InterestPolicy.contractual(D("10"))

    dialog.rate_date_edit.setDate(QDate(2025, 8, 7))
    qtbot.keyClicks(dialog.rate_edit, "4.0")
    dialog.add_rate_button.click()
    wait_for_op(qtbot, dialog)
    assert base_rates(workspace.db) == (BaseRate(date(2025, 8, 7), D("4.0")),)
    assert dialog.rates_model.rowCount() == 1

    pick_client(qtbot, dialog.client_picker, "Acme Ltd (ACME)")
    policy = dialog.client_policy
    policy.kind_combo.setCurrentIndex(policy.kind_combo.findData(InterestKind.STATUTORY_UK.value))
    dialog.set_client_button.click()
    wait_for_op(qtbot, dialog)
    assert client_interest_policy(workspace.db, acme) == InterestPolicy.statutory_uk()
    assert dialog.clients_model.rowCount() == 1

    # Reopened, it shows what was saved.
    again = open_dialog(qtbot, workspace)
    assert again.company_policy.policy() == InterestPolicy.contractual(D("10"))
    assert again.clients_model.rows[0].client_id == acme


def test_a_bad_rate_is_refused_and_marked(qtbot: QtBot, workspace: Workspace) -> None:
    dialog = open_dialog(qtbot, workspace)
    editor = dialog.company_policy
    editor.kind_combo.setCurrentIndex(editor.kind_combo.findData(InterestKind.CONTRACTUAL.value))
    qtbot.keyClicks(editor.rate_edit, "ten")
    dialog.save_company_button.click()
    assert company_interest_policy(workspace.db) == InterestPolicy.none()
    assert editor.rate_edit.property("invalid") is True
    assert "not a number" in dialog.message.text()


def test_raise_interest_invoice_shows_the_lines_then_creates_it(qtbot: QtBot, workspace: Workspace) -> None:
    acme = client(workspace.db, "ACME")
    invoice(workspace.db, acme, date(2026, 11, 7), "100.00")  # 15 days late on 22 Nov 2026
    dialog = open_dialog(qtbot, workspace)
    pick_client(qtbot, dialog.client_picker, "Acme Ltd (ACME)")
    policy = dialog.client_policy
    policy.kind_combo.setCurrentIndex(policy.kind_combo.findData(InterestKind.CONTRACTUAL.value))
    policy.rate_edit.setText("10")
    dialog.set_client_button.click()
    wait_for_op(qtbot, dialog)
    assert len(client_choices(workspace.db)) == 1

    shown: list[str] = []

    def cancel(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        shown.append(box.text() + "\n" + box.informativeText())
        box.button(QMessageBox.StandardButton.Cancel).click()

    when_modal(cancel)
    assert dialog.raise_interest(acme) is False
    assert "15 days late: interest €0.41" in shown[0]
    assert client_interest(workspace.db, acme, workspace.today()).uncharged == D("0.41")

    def accept(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        (raise_button,) = [b for b in box.buttons() if b.text() == "Raise invoice"]
        raise_button.click()

    when_modal(accept)
    assert dialog.raise_interest(acme) is True
    wait_for_op(qtbot, dialog)  # the invoice is raised off the GUI thread
    invoice_id = dialog.raised_id
    assert invoice_id is not None
    with UnitOfWork(workspace.db) as uow:
        raised = uow.session.get(Invoice, invoice_id)
        assert raised is not None and raised.client_id == acme
    assert client_interest(workspace.db, acme, workspace.today()).uncharged == D(0)
    assert "raised" in dialog.message.text()


def test_a_client_goes_back_to_the_company_policy_and_the_views_are_told(
    qtbot: QtBot, workspace: Workspace
) -> None:
    acme = client(workspace.db, "ACME")
    dialog = open_dialog(qtbot, workspace)
    pick_client(qtbot, dialog.client_picker, "Acme Ltd (ACME)")
    policy = dialog.client_policy
    policy.kind_combo.setCurrentIndex(policy.kind_combo.findData(InterestKind.STATUTORY_UK.value))
    dialog.set_client_button.click()
    wait_for_op(qtbot, dialog)
    assert dialog.clients_model.rowCount() == 1
    with qtbot.waitSignal(workspace.events.changed):
        dialog.clear_client_button.click()
    wait_for_op(qtbot, dialog)
    assert client_interest_policy(workspace.db, acme) == company_interest_policy(workspace.db)
    assert dialog.clients_model.rowCount() == 0
    assert dialog.message.text() == "Acme Ltd (ACME) follows the company policy again."
