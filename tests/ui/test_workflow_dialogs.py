"""Promise, dispute, payment-plan and credit dialogs end to end, and what they do to the reminder plan."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal as D

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialog, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from creditdesk.domain.disputes import DisputeReason
from creditdesk.services.arrangements.disputes import disputes
from creditdesk.services.arrangements.payment_plans import plans
from creditdesk.services.arrangements.promises import promises
from creditdesk.services.chasing.reminders import plan
from creditdesk.services.ledger.credit_control import credit_status
from creditdesk.store.models import Activity
from creditdesk.store.unit_of_work import UnitOfWork
from creditdesk.ui.arrangements.dispute_dialog import DisputeDialog, ResolveDisputeDialog
from creditdesk.ui.arrangements.plan_dialog import AMOUNT, PlanDialog
from creditdesk.ui.arrangements.promise_dialog import PromiseDialog
from creditdesk.ui.clients.clients_model import RISK
from creditdesk.ui.clients.clients_tab import ClientsTab
from creditdesk.ui.clients.credit_dialog import CreditDialog
from creditdesk.ui.ledger.invoices_tab import InvoicesTab
from creditdesk.ui.widgets import ID_ROLE
from creditdesk.ui.workspace import Workspace
from tests.services.workflow_ledger import client, invoice
from tests.ui.conftest import TODAY
from tests.ui.helpers import type_cell, wait_for_op
from tests.ui.helpers import when_modal as _when_modal

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")
TIMEOUT = 10000


@pytest.fixture
def late(workspace: Workspace) -> tuple[int, int, int]:
    """A client with one invoice three weeks overdue and one not yet due."""
    acme = client(workspace.db, "ACME")
    overdue = invoice(workspace.db, acme, date(2026, 11, 1), "300.00")
    current = invoice(workspace.db, acme, date(2026, 12, 10), "50.00")
    return acme, overdue, current


def when_modal(handle: Callable[[QWidget], object]) -> None:
    """``helpers.when_modal``, closing the dialog if the handler fails, so a failure never hangs."""

    def guarded(widget: QWidget) -> None:
        try:
            handle(widget)
        except BaseException:
            if isinstance(widget, QDialog):
                widget.reject()
            raise

    _when_modal(guarded)


def chased(workspace: Workspace) -> set[int]:
    """Every invoice the reminder plan would chase today."""
    return {i for item in plan(workspace.db, TODAY) for i in item.invoice_ids}


def loaded_clients(qtbot: QtBot, workspace: Workspace, client_id: int) -> ClientsTab:
    tab = ClientsTab(workspace)
    qtbot.addWidget(tab)
    tab.show()  # on screen: a hidden tab reloads only when it is next shown
    tab.resize(1200, 800)
    with qtbot.waitSignal(tab.loaded, timeout=TIMEOUT):
        tab.reload()
    with qtbot.waitSignal(tab.detail_loaded, timeout=TIMEOUT):
        tab.select_client(client_id)
    return tab


def test_a_promise_through_the_dialog_pauses_the_chasing(
    qtbot: QtBot, workspace: Workspace, late: tuple[int, int, int]
) -> None:
    acme, overdue, _ = late
    assert overdue in chased(workspace)
    tab = loaded_clients(qtbot, workspace, acme)
    seen: dict[str, object] = {}

    def fill(widget: QWidget) -> None:
        assert isinstance(widget, PromiseDialog)
        seen["checked"] = widget.invoices.checked_ids()
        seen["amount"] = widget.amount_edit.text()
        widget.date_edit.setDate(QDate(2026, 11, 27))
        widget.save_button.click()

    when_modal(fill)
    with qtbot.waitSignal(tab.detail_loaded, timeout=TIMEOUT):
        tab.workflow("promise", acme)
    assert seen == {"checked": [overdue], "amount": "300.00"}  # the overdue one, by default
    (promise,) = promises(workspace.db, TODAY)
    assert (promise.invoice_ids, promise.amount, promise.promised_date) == (
        (overdue,),
        D("300.00"),
        date(2026, 11, 27),
    )
    assert overdue not in chased(workspace)
    assert any(e.kind == "promise" for e in tab.detail_pane.timeline_model.entries)


def test_a_bad_promise_amount_is_shown_at_the_field_and_nothing_is_written(
    qtbot: QtBot, workspace: Workspace, late: tuple[int, int, int]
) -> None:
    acme, _, current = late
    dialog = PromiseDialog(workspace, acme)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.amount_edit.clear()
    qtbot.keyClicks(dialog.amount_edit, "12.345")
    dialog.save_button.click()
    wait_for_op(qtbot, dialog)
    assert dialog.isVisible()
    assert dialog.message.text() == "⚠ The promised amount '12.345' has more than 2 decimal places."
    assert dialog.amount_edit.property("invalid") is True
    dialog.invoices.pick_model.set_checked(late[1], False)
    dialog.amount_edit.setText("10.00")
    dialog.save_button.click()
    wait_for_op(qtbot, dialog)
    assert dialog.message.text() == "⚠ Tick at least one invoice the promise is for."
    assert promises(workspace.db, TODAY) == []
    dialog.invoices.pick_model.set_checked(current, True)
    dialog.save_button.click()  # a promise for an invoice not yet due is allowed
    wait_for_op(qtbot, dialog)
    assert not dialog.isVisible() and len(promises(workspace.db, TODAY)) == 1


def test_a_dispute_from_the_invoices_tab_stops_the_chasing_until_resolved(
    qtbot: QtBot, workspace: Workspace, late: tuple[int, int, int]
) -> None:
    _, overdue, _ = late
    tab = InvoicesTab(workspace)
    qtbot.addWidget(tab)
    tab.show()  # on screen: a hidden tab reloads only when it is next shown
    tab.resize(1200, 600)
    with qtbot.waitSignal(tab.loaded, timeout=TIMEOUT):
        tab.reload()
    assert tab.select_invoice(overdue)
    assert tab.dispute_action.isEnabled() and not tab.resolve_action.isEnabled()

    def fill(widget: QWidget) -> None:
        assert isinstance(widget, DisputeDialog)
        labels = [widget.reason_combo.itemText(i) for i in range(widget.reason_combo.count())]
        assert labels == ["Price", "Quality", "Not received", "Wrong PO", "Other"]
        widget.reason_combo.setCurrentIndex(2)
        widget.notes_edit.setPlainText("Says the delivery never came")
        widget.save_button.click()

    when_modal(fill)
    with qtbot.waitSignal(tab.loaded, timeout=TIMEOUT):
        tab.dispute_action.trigger()
    (dispute,) = disputes(workspace.db, TODAY)
    assert (dispute.invoice_id, dispute.reason, dispute.notes) == (
        overdue,
        DisputeReason.NOT_RECEIVED,
        "Says the delivery never came",
    )
    assert overdue not in chased(workspace)
    assert tab.selected_invoice_id() == overdue
    assert tab.resolve_action.isEnabled() and not tab.dispute_action.isEnabled()

    def resolve(widget: QWidget) -> None:
        assert isinstance(widget, ResolveDisputeDialog)
        widget.outcome_combo.setCurrentIndex(2)  # partial credit: the amount is asked for
        assert widget.amount_edit.isEnabled()
        widget.amount_edit.setText("lots")
        widget.save_button.click()
        assert widget.message.text() == "⚠ The credit amount 'lots' is not an amount."
        widget.amount_edit.setText("100.00")
        widget.save_button.click()

    when_modal(resolve)
    with qtbot.waitSignal(tab.loaded, timeout=TIMEOUT):
        tab.resolve_action.trigger()
    assert disputes(workspace.db, TODAY) == []
    assert overdue in chased(workspace)  # back on the schedule for the 200.00 still owed


def test_a_payment_plan_with_a_live_preview_stops_the_chasing(
    qtbot: QtBot, workspace: Workspace, late: tuple[int, int, int]
) -> None:
    acme, overdue, _ = late
    tab = loaded_clients(qtbot, workspace, acme)

    def fill(widget: QWidget) -> None:
        assert isinstance(widget, PlanDialog)
        widget.pdf_box.setChecked(False)
        widget.frequency_combo.setCurrentIndex(widget.frequency_combo.findData("fortnightly"))
        widget.first_edit.setDate(QDate(2026, 12, 1))
        assert [widget.schedule.amounts, widget.schedule.dates] == [
            ["100.00", "100.00", "100.00"],
            [date(2026, 12, 1), date(2026, 12, 15), date(2026, 12, 29)],
        ]
        widget.custom_button.setChecked(True)
        type_cell(qtbot, widget.schedule_view, 0, AMOUNT, "150.00")
        assert not widget.save_button.isEnabled()
        assert "add up to 350.00 but the plan is for 300.00" in widget.message.text()
        type_cell(qtbot, widget.schedule_view, 2, AMOUNT, "50.00")
        assert widget.save_button.isEnabled() and not widget.message.isVisible()
        widget.save_button.click()

    when_modal(fill)
    with qtbot.waitSignal(tab.detail_loaded, timeout=TIMEOUT):
        tab.workflow("plan", acme)
    (view,) = plans(workspace.db, TODAY)
    assert [(i.due_date, i.amount) for i in view.instalments] == [
        (date(2026, 12, 1), D("150.00")),
        (date(2026, 12, 15), D("100.00")),
        (date(2026, 12, 29), D("50.00")),
    ]
    assert overdue not in chased(workspace)


def test_a_plan_agreed_meanwhile_elsewhere_is_refused_on_the_form(
    qtbot: QtBot, workspace: Workspace, late: tuple[int, int, int]
) -> None:
    acme = late[0]
    dialog = PlanDialog(workspace, acme)
    qtbot.addWidget(dialog)
    assert dialog.save_button.isEnabled()
    first = dialog.write()  # the same plan, agreed first from another window
    assert first is not None
    first()
    dialog.save_button.click()
    wait_for_op(qtbot, dialog)
    assert dialog.result() != QDialog.DialogCode.Accepted and dialog.saved_id is None
    assert "already covers some of these invoices" in dialog.message.text()
    assert len(plans(workspace.db, TODAY)) == 1


def test_credit_limit_and_hold(qtbot: QtBot, workspace: Workspace, late: tuple[int, int, int]) -> None:
    acme = late[0]
    dialog = CreditDialog(workspace, acme)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.limit_edit.setText("1,000.005")
    dialog.hold_box.setChecked(True)
    dialog.accept()
    wait_for_op(qtbot, dialog)
    assert "has more than 2 decimal places" in dialog.message.text()
    dialog.limit_edit.setText("200")
    dialog.accept()
    wait_for_op(qtbot, dialog)
    assert dialog.message.text() == "⚠ Say why the client goes on hold; it is written on their timeline."
    status = credit_status(workspace.db, acme, TODAY)
    assert (status.credit_limit, status.on_hold) == (None, False)  # nothing written on error
    dialog.reason_edit.setText("Three months late")
    dialog.accept()
    wait_for_op(qtbot, dialog)
    status = credit_status(workspace.db, acme, TODAY)
    assert (status.credit_limit, status.on_hold) == (D("200.00"), True)
    with UnitOfWork(workspace.db) as uow:
        holds = list(uow.session.scalars(select(Activity.text).where(Activity.kind == "hold")))
        assert holds == ["Put on hold: Three months late"]


def test_the_risk_column_sorts_and_the_detail_lists_the_reasons(
    qtbot: QtBot, demo_workspace: Workspace
) -> None:
    tab = ClientsTab(demo_workspace)
    qtbot.addWidget(tab)
    with qtbot.waitSignal(tab.loaded, timeout=TIMEOUT):
        tab.reload()
    risks = tab.model.table.risks
    assert len(risks) == 30

    def scores() -> list[int]:
        return [risks[tab.proxy.index(r, RISK).data(ID_ROLE)].score for r in range(tab.proxy.rowCount())]

    tab.table_view.sortByColumn(RISK, Qt.SortOrder.DescendingOrder)
    assert scores() == sorted(scores(), reverse=True) and len(set(scores())) > 1
    top = tab.proxy.index(0, RISK)
    assert top.data() in ("High", "Medium", "Low")
    tab.table_view.sortByColumn(RISK, Qt.SortOrder.AscendingOrder)
    assert scores() == sorted(scores())
    client_id = top.data(ID_ROLE)
    with qtbot.waitSignal(tab.detail_loaded, timeout=TIMEOUT):
        tab.select_client(client_id)
    for reason in risks[client_id].reasons:
        assert reason.replace("'", "&#x27;") in tab.detail_pane.risk_value.text() or reason in (
            tab.detail_pane.risk_value.text()
        )
