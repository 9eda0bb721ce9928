"""Promises to pay on a real company file: open pauses the chasing, kept and broken end the pause."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from creditdesk.domain.errors import LedgerError, ValidationError
from creditdesk.domain.promises import PromiseStatus
from creditdesk.services.arrangements.promises import (
    PromiseInput,
    promise_records_in,
    promises,
    record_promise,
)
from creditdesk.services.chasing.reminders import queue
from creditdesk.services.chasing.today import TodayKind, today
from creditdesk.store.database import Database
from creditdesk.store.unit_of_work import UnitOfWork
from tests.services.workflow_ledger import client, invoice, pay, stages

DUE = date(2026, 6, 1)
MADE = date(2026, 6, 10)
PROMISED = date(2026, 6, 20)


@pytest.fixture
def acme(db: Database) -> tuple[int, int]:
    """A client whose invoice had its first reminder queued on 2 June."""
    acme = client(db, "ACME")
    inv = invoice(db, acme, DUE, "100.00")
    assert stages(db, date(2026, 6, 2), acme) == [("reminder", (inv,), D("100.00"))]
    queue(db, date(2026, 6, 2))
    return acme, inv


def promise(db: Database, acme: int, inv: int, amount: str = "100.00") -> int:
    return record_promise(db, PromiseInput(acme, [inv], D(amount), PROMISED, MADE, "will pay on the 20th"))


def test_an_open_promise_pauses_chasing_and_a_broken_one_resumes_at_the_stage_reached(
    db: Database, acme: tuple[int, int]
) -> None:
    client_id, inv = acme
    assert stages(db, date(2026, 6, 16), client_id) == [("second", (inv,), D("100.00"))]
    promise_id = promise(db, client_id, inv)
    (view,) = promises(db, date(2026, 6, 16))
    assert (view.id, view.status, view.received, view.open_amount) == (
        promise_id,
        PromiseStatus.OPEN,
        D(0),
        D("100.00"),
    )
    assert stages(db, date(2026, 6, 16), client_id) == []  # paused on the promised day's eve...
    assert stages(db, PROMISED, client_id) == []  # ...and on the promised day itself
    (broken,) = promises(db, date(2026, 6, 21))
    assert (broken.status, broken.broken_on) == (PromiseStatus.BROKEN, date(2026, 6, 21))
    # The day after the promised date chasing resumes where it was: the second stage, not the first again.
    assert stages(db, date(2026, 6, 21), client_id) == [("second", (inv,), D("100.00"))]
    kinds = {(i.kind, i.client_id) for i in today(db, date(2026, 6, 21))}
    assert (TodayKind.PROMISE_BROKEN, client_id) in kinds


def test_a_promise_kept_by_payment_is_kept_and_stays_kept(db: Database, acme: tuple[int, int]) -> None:
    client_id, inv = acme
    promise(db, client_id, inv, "60.00")
    pay(db, client_id, date(2026, 6, 18), "60.00")
    (view,) = promises(db, date(2026, 6, 30))
    assert (view.status, view.kept_on, view.received, view.open_amount) == (
        PromiseStatus.KEPT,
        date(2026, 6, 18),
        D("60.00"),
        D("40.00"),
    )
    # Kept: no longer paused, so what is left is chased again from the stage reached.
    assert stages(db, date(2026, 6, 21), client_id) == [("second", (inv,), D("40.00"))]
    with UnitOfWork(db) as uow:
        record = promise_records_in(uow.session, date(2026, 6, 30))[client_id]
    assert (record.kept, record.broken) == (1, 0)


def test_money_after_the_promised_date_does_not_mend_a_broken_promise(
    db: Database, acme: tuple[int, int]
) -> None:
    client_id, inv = acme
    promise(db, client_id, inv)
    pay(db, client_id, date(2026, 6, 22), "100.00")
    (view,) = promises(db, date(2026, 6, 30))
    assert view.status is PromiseStatus.BROKEN
    assert stages(db, date(2026, 6, 30), client_id) == []  # paid: nothing to chase


def test_a_promise_due_today_is_on_the_today_list(db: Database, acme: tuple[int, int]) -> None:
    client_id, inv = acme
    promise(db, client_id, inv)
    items = [i for i in today(db, PROMISED) if i.kind is TodayKind.PROMISE_DUE]
    assert [(i.client_id, i.due_date, i.invoice_ids) for i in items] == [(client_id, PROMISED, (inv,))]
    assert items[0].text == "Promised €100.00 today for INV-00001"


def test_bad_promises_are_refused(db: Database, acme: tuple[int, int]) -> None:
    client_id, inv = acme
    other = client(db, "OTHER")
    with pytest.raises(LedgerError, match="belongs to another client"):
        record_promise(db, PromiseInput(other, [inv], D("10.00"), PROMISED, MADE))
    with pytest.raises(ValidationError, match="before the day the promise"):
        record_promise(db, PromiseInput(client_id, [inv], D("10.00"), date(2026, 6, 9), MADE))
    with pytest.raises(ValidationError, match="at least one invoice"):
        record_promise(db, PromiseInput(client_id, [], D("10.00"), PROMISED, MADE))
    assert promises(db, PROMISED) == []
