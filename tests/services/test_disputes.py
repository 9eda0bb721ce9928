"""Disputes on a real company file: they leave the schedule, age in the list and come back resolved."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from sqlalchemy import select

from creditdesk.domain.disputes import DisputeOutcome, DisputeReason
from creditdesk.domain.errors import LedgerError, ValidationError
from creditdesk.services.arrangements.disputes import disputes, open_dispute, resolve_dispute
from creditdesk.services.chasing.reminders import queue
from creditdesk.services.chasing.today import TodayKind, today
from creditdesk.services.clients.overview import client_detail
from creditdesk.store.database import Database
from creditdesk.store.models import CreditNote, Invoice
from creditdesk.store.unit_of_work import UnitOfWork
from tests.services.workflow_ledger import client, invoice, stages

DUE = date(2026, 6, 1)
OPENED = date(2026, 6, 10)


@pytest.fixture
def disputed(db: Database) -> tuple[int, int, int]:
    acme = client(db, "ACME")
    inv = invoice(db, acme, DUE, "100.00")
    queue(db, date(2026, 6, 2))  # the first reminder went out
    dispute = open_dispute(db, inv, DisputeReason.QUALITY, "two chairs arrived broken", OPENED)
    return acme, inv, dispute


def is_disputed(db: Database, invoice_id: int) -> bool:
    with UnitOfWork(db) as uow:
        row = uow.session.get(Invoice, invoice_id)
        assert row is not None
        return row.disputed


def test_a_disputed_invoice_leaves_the_schedule_and_shows_its_age(
    db: Database, disputed: tuple[int, int, int]
) -> None:
    acme, inv, dispute = disputed
    assert is_disputed(db, inv)
    assert stages(db, date(2026, 6, 16), acme) == []
    (view,) = disputes(db, date(2026, 6, 16))
    assert (view.id, view.invoice_number, view.reason, view.age_days, view.open_amount) == (
        dispute,
        "INV-00001",
        DisputeReason.QUALITY,
        6,
        D("100.00"),
    )
    assert disputes(db, date(2026, 6, 9)) == []  # not yet opened that day
    # Planning as of a day before the dispute still reads the flag, but the row says when it opened.
    timeline = [e.text for e in client_detail(db, acme, date(2026, 6, 16)).timeline if e.kind == "dispute"]
    assert timeline == ["Invoice INV-00001 disputed (Quality): two chairs arrived broken"]


def test_resolved_in_our_favour_returns_to_the_schedule_at_the_stage_reached(
    db: Database, disputed: tuple[int, int, int]
) -> None:
    acme, inv, dispute = disputed
    assert resolve_dispute(db, dispute, DisputeOutcome.RESOLVED_IN_OUR_FAVOUR, date(2026, 6, 20)) is None
    assert not is_disputed(db, inv)
    assert stages(db, date(2026, 6, 21), acme) == [("second", (inv,), D("100.00"))]
    assert disputes(db, date(2026, 6, 21)) == []
    (closed,) = disputes(db, date(2026, 6, 21), include_resolved=True)
    assert (closed.outcome, closed.resolved_on, closed.age_days) == (
        DisputeOutcome.RESOLVED_IN_OUR_FAVOUR,
        date(2026, 6, 20),
        10,
    )


def test_a_credit_note_outcome_credits_what_is_owed(db: Database, disputed: tuple[int, int, int]) -> None:
    acme, inv, dispute = disputed
    note_id = resolve_dispute(db, dispute, DisputeOutcome.CREDIT_NOTE, date(2026, 6, 20), "agreed")
    with UnitOfWork(db) as uow:
        note = uow.session.get(CreditNote, note_id)
        assert note is not None
        assert (note.amount, note.invoice_id, note.date) == (10000, inv, date(2026, 6, 20))
    assert stages(db, date(2026, 6, 21), acme) == []  # nothing left owed


def test_a_partial_credit_leaves_the_rest_to_chase(db: Database, disputed: tuple[int, int, int]) -> None:
    acme, inv, dispute = disputed
    with pytest.raises(ValidationError, match="needs the amount"):
        resolve_dispute(db, dispute, DisputeOutcome.PARTIAL_CREDIT, date(2026, 6, 20))
    with pytest.raises(LedgerError, match="more than"):
        resolve_dispute(
            db, dispute, DisputeOutcome.PARTIAL_CREDIT, date(2026, 6, 20), credit_amount=D("100.01")
        )
    resolve_dispute(db, dispute, DisputeOutcome.PARTIAL_CREDIT, date(2026, 6, 20), credit_amount=D("30.00"))
    assert stages(db, date(2026, 6, 21), acme) == [("second", (inv,), D("70.00"))]
    with pytest.raises(LedgerError, match="already resolved"):
        resolve_dispute(db, dispute, DisputeOutcome.RESOLVED_IN_OUR_FAVOUR, date(2026, 6, 22))


def test_disputes_waiting_fourteen_days_are_on_the_today_list(
    db: Database, disputed: tuple[int, int, int]
) -> None:
    _, _, dispute = disputed

    def waiting(as_of: date) -> list[int | None]:
        return [i.source_id for i in today(db, as_of) if i.kind is TodayKind.DISPUTE_WAITING]

    assert waiting(date(2026, 6, 23)) == []  # 13 days
    assert waiting(date(2026, 6, 24)) == [dispute]  # 14 days


def test_bad_disputes_are_refused(db: Database, disputed: tuple[int, int, int]) -> None:
    acme, inv, _ = disputed
    with pytest.raises(LedgerError, match="already disputed"):
        open_dispute(db, inv, DisputeReason.PRICE, "", OPENED)
    other = invoice(db, acme, DUE, "50.00")
    with pytest.raises(ValidationError, match="needs a note"):
        open_dispute(db, other, DisputeReason.OTHER, "  ", OPENED)
    with UnitOfWork(db) as uow:
        assert uow.session.scalars(select(Invoice.id).where(Invoice.disputed.is_(True))).all() == [inv]
