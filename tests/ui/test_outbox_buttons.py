"""The Outbox tab's buttons follow the outbox's table of moves, for every status and mixed selections."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select, update

from creditdesk.domain.outbox import BY_HAND, OutboxAction, ReminderStatus, offered
from creditdesk.services.chasing import reminders
from creditdesk.services.company.settings import get_company
from creditdesk.store.database import Database
from creditdesk.store.models import Client, Reminder
from creditdesk.store.unit_of_work import UnitOfWork
from creditdesk.ui.chasing.outbox_tab import OutboxTab
from creditdesk.ui.workers import wait_for_background_work
from creditdesk.ui.workspace import Workspace
from tests.services.test_sending import AS_OF, build_ledger

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")
LOAD_MS = 10000
S, A = ReminderStatus, OutboxAction


@pytest.fixture
def workspace(db: Database) -> Iterator[Workspace]:
    """Four reminders queued on AS_OF: three emails and a letter (to Crate plc)."""
    build_ledger(db, AS_OF)
    reminders.queue(db, AS_OF)
    yield Workspace(db, get_company(db), today=lambda: AS_OF)
    wait_for_background_work()


def put(workspace: Workspace, statuses: dict[str, ReminderStatus]) -> None:
    """Put each named client's reminder in a status (sending and failing happen only while sending)."""
    with UnitOfWork(workspace.db, write=True) as uow:
        for name, status in statuses.items():
            of_client = select(Client.id).where(Client.name == name).scalar_subquery()
            uow.session.execute(
                update(Reminder).where(Reminder.client_id == of_client).values(status=status.value)
            )
        uow.commit()


def loaded(qtbot: QtBot, workspace: Workspace) -> OutboxTab:
    tab = OutboxTab(workspace)
    qtbot.addWidget(tab)
    tab.status_combo.setCurrentText("Everything")
    with qtbot.waitSignal(tab.loaded, timeout=LOAD_MS):
        tab.reload()
    return tab


def buttons(tab: OutboxTab, *clients: str) -> dict[OutboxAction, bool]:
    tab.select_ids([row.id for row in tab.model.rows if row.client_name in clients])
    assert {row.client_name for row in tab.selected_rows()} == set(clients)
    return {
        A.APPROVE: tab.approve_action.isEnabled(),
        A.CANCEL: tab.cancel_action.isEnabled(),
        A.RETRY: tab.retry_action.isEnabled(),
        A.MARK_DONE: tab.mark_done_action.isEnabled(),
    }


@pytest.mark.parametrize("status", list(ReminderStatus))
def test_a_letter_in_each_status_is_offered_what_the_table_allows(
    qtbot: QtBot, workspace: Workspace, status: ReminderStatus
) -> None:
    put(workspace, {"Crate plc": status})
    tab = loaded(qtbot, workspace)
    expected = {action: offered(action, {status}) for action in (A.APPROVE, A.CANCEL, A.RETRY, A.MARK_DONE)}
    assert buttons(tab, "Crate plc") == expected


def test_a_mixed_selection_is_offered_only_what_every_message_allows(
    qtbot: QtBot, workspace: Workspace
) -> None:
    put(
        workspace,
        {"Acme Ltd": S.DRAFT, "Brick & Co": S.APPROVED, "Dune GmbH": S.FAILED, "Crate plc": S.APPROVED},
    )
    tab = loaded(qtbot, workspace)
    assert buttons(tab, "Acme Ltd", "Brick & Co") == {
        A.APPROVE: True,
        A.CANCEL: True,
        A.RETRY: False,
        A.MARK_DONE: False,  # emails are sent, not marked done
    }
    assert buttons(tab, "Brick & Co", "Crate plc") == {
        A.APPROVE: False,  # both approved already: nothing to do
        A.CANCEL: True,
        A.RETRY: False,
        A.MARK_DONE: False,
    }
    assert buttons(tab, "Crate plc") == {A.APPROVE: False, A.CANCEL: True, A.RETRY: False, A.MARK_DONE: True}
    assert buttons(tab, "Dune GmbH", "Acme Ltd") == {
        A.APPROVE: False,  # the failed one would be refused: Retry is its way back
        A.CANCEL: True,
        A.RETRY: False,
        A.MARK_DONE: False,
    }
    assert {row.channel for row in tab.model.rows if row.client_name == "Crate plc"} <= BY_HAND
