"""The outbox's table of moves and the outbox service agree on every status and action."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from sqlalchemy import select, update

from creditdesk.domain.chasing import Channel
from creditdesk.domain.errors import ValidationError
from creditdesk.domain.outbox import (
    BY_HAND,
    MOVES,
    OutboxAction,
    ReminderStatus,
    allowed_actions,
    next_status,
    offered,
    statuses_allowing,
)
from creditdesk.services.chasing import outbox
from creditdesk.services.chasing.reminders import queue
from creditdesk.store.database import Database
from creditdesk.store.models import Reminder
from creditdesk.store.unit_of_work import UnitOfWork
from tests.services.test_reminders import AS_OF, build_ledger

DONE_AT = datetime(2026, 6, 11, 9, 30)
S, A = ReminderStatus, OutboxAction


def reminder_of(db: Database, channel: Channel) -> int:
    with UnitOfWork(db) as uow:
        found = uow.session.scalar(select(Reminder.id).where(Reminder.channel == channel.value).limit(1))
    assert found is not None
    return found


def put(db: Database, reminder_id: int, status: ReminderStatus) -> None:
    with UnitOfWork(db, write=True) as uow:
        uow.session.execute(
            update(Reminder).where(Reminder.id == reminder_id).values(status=status.value, sent_at=None)
        )
        uow.commit()


def status_of(db: Database, reminder_id: int) -> ReminderStatus:
    with UnitOfWork(db) as uow:
        reminder = uow.session.get(Reminder, reminder_id)
        assert reminder is not None
        return ReminderStatus(reminder.status)


def service_action(db: Database, action: OutboxAction, reminder_id: int) -> Callable[[], object]:
    body = "Dear Epsilon Farm,\n\nPlease pay invoice INV-00006.\n"
    return {
        A.EDIT: lambda: outbox.edit_message(db, reminder_id, "", "", body),
        A.APPROVE: lambda: outbox.approve(db, [reminder_id]),
        A.CANCEL: lambda: outbox.cancel(db, [reminder_id]),
        A.RETRY: lambda: outbox.retry(db, [reminder_id]),
        A.MARK_DONE: lambda: outbox.mark_done(db, [reminder_id], DONE_AT),
    }[action]


def test_the_table_is_the_outbox_as_it_has_always_worked() -> None:
    """What the service allowed before the table existed, spelled out: the table may not drift."""
    assert {status: dict(allowed) for status, allowed in MOVES.items()} == {
        S.DRAFT: {A.EDIT: S.DRAFT, A.APPROVE: S.APPROVED, A.CANCEL: S.CANCELLED, A.MARK_DONE: S.SENT},
        S.APPROVED: {A.EDIT: S.APPROVED, A.APPROVE: S.APPROVED, A.CANCEL: S.CANCELLED, A.MARK_DONE: S.SENT},
        S.SENDING: {},
        S.SENT: {},
        S.FAILED: {A.EDIT: S.FAILED, A.CANCEL: S.CANCELLED, A.RETRY: S.APPROVED},
        S.CANCELLED: {A.CANCEL: S.CANCELLED},
    }


def test_every_status_and_action_in_the_table_is_what_the_service_does(db: Database) -> None:
    build_ledger(db)
    queue(db, AS_OF)
    letter = reminder_of(db, Channel.LETTER)  # a letter: every action, marking done too, is possible
    assert set(MOVES) == set(ReminderStatus)
    disagree = []
    for status in ReminderStatus:
        for action in OutboxAction:
            put(db, letter, status)
            try:
                service_action(db, action, letter)()
            except ValidationError as exc:
                if action in allowed_actions(status):
                    disagree.append((status, action, f"refused: {exc.message}"))
                elif status_of(db, letter) is not status:
                    disagree.append((status, action, "refused but the status changed"))
                continue
            if action not in allowed_actions(status):
                disagree.append((status, action, "allowed by the service, not by the table"))
            elif status_of(db, letter) is not next_status(status, action):
                disagree.append((status, action, f"left {status_of(db, letter)}"))
    assert disagree == []


def test_an_email_is_never_marked_done_whatever_its_status(db: Database) -> None:
    build_ledger(db)
    queue(db, AS_OF)
    email = reminder_of(db, Channel.EMAIL)
    assert Channel.EMAIL not in BY_HAND
    for status in statuses_allowing(A.MARK_DONE):
        put(db, email, status)
        with pytest.raises(ValidationError, match="is an email; send it rather than marking it done"):
            outbox.mark_done(db, [email], DONE_AT)
        assert status_of(db, email) is status


def test_the_names_the_window_reads_come_from_the_table() -> None:
    assert frozenset({S.DRAFT, S.APPROVED, S.FAILED}) == outbox.EDITABLE
    assert frozenset({S.DRAFT, S.APPROVED, S.FAILED}) == outbox.CANCELLABLE  # not the cancelled ones
    assert outbox.ReminderStatus is ReminderStatus


@pytest.mark.parametrize(
    ("action", "statuses", "expected"),
    [
        (A.APPROVE, {S.DRAFT, S.APPROVED}, True),
        (A.APPROVE, {S.APPROVED}, False),  # allowed, but nothing would change
        (A.APPROVE, {S.DRAFT, S.FAILED}, False),  # the service refuses the whole selection
        (A.CANCEL, {S.CANCELLED, S.FAILED}, True),
        (A.CANCEL, {S.CANCELLED}, False),
        (A.CANCEL, {S.DRAFT, S.SENT}, False),
        (A.RETRY, {S.FAILED}, True),
        (A.RETRY, {S.FAILED, S.APPROVED}, False),
        (A.MARK_DONE, {S.DRAFT, S.APPROVED}, True),
        (A.MARK_DONE, {S.SENDING}, False),
        (A.APPROVE, set(), False),
    ],
)
def test_what_a_selection_is_offered(
    action: OutboxAction, statuses: set[ReminderStatus], expected: bool
) -> None:
    assert offered(action, statuses) is expected
