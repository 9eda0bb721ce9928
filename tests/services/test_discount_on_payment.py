"""Early-payment discounts: earned by a payment inside the window that settles the discounted amount."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from sqlalchemy import select

from creditdesk.domain.terms import PaymentTerms
from creditdesk.services.ledger.payments import EARLY_PAYMENT_DISCOUNT_REASON, apply_early_payment_discount
from creditdesk.store.database import Database
from creditdesk.store.models import AllocationRow, CreditNote
from creditdesk.store.queries.ledger import invoice_applied
from creditdesk.store.unit_of_work import UnitOfWork
from tests.services.workflow_ledger import client, invoice, pay

TWO_TEN_NET_30 = PaymentTerms(30, discount_percent=D("2"), discount_days=10)
ISSUED = date(2026, 3, 1)
DEADLINE = date(2026, 3, 11)


def setup(db: Database) -> tuple[int, int]:
    acme = client(db, "ACME", terms=TWO_TEN_NET_30)
    return acme, invoice(db, acme, date(2026, 3, 31), "100.00", issue=ISSUED)


def notes(db: Database) -> list[tuple[int, date, int | None, str]]:
    with UnitOfWork(db) as uow:
        rows = uow.session.scalars(select(CreditNote).order_by(CreditNote.id))
        return [(n.amount, n.date, n.invoice_id, n.reason) for n in rows]


def applied(db: Database, invoice_id: int) -> int:
    with UnitOfWork(db) as uow:
        return invoice_applied(uow.session.connection(), invoice_id)


def test_paid_on_the_deadline_day_the_discount_is_credited(db: Database) -> None:
    acme, inv = setup(db)
    pay(db, acme, DEADLINE, "98.00")
    assert notes(db) == [(200, DEADLINE, inv, EARLY_PAYMENT_DISCOUNT_REASON)]
    assert applied(db, inv) == 10000  # settled exactly
    with UnitOfWork(db) as uow:
        sources = uow.session.execute(
            select(AllocationRow.amount, AllocationRow.credit_note_id.is_not(None)).where(
                AllocationRow.invoice_id == inv
            )
        ).all()
    assert sorted(tuple(s) for s in sources) == [(200, True), (9800, False)]


def test_paid_the_day_after_no_discount(db: Database) -> None:
    acme, inv = setup(db)
    pay(db, acme, date(2026, 3, 12), "98.00")
    assert notes(db) == []
    assert applied(db, inv) == 9800


def test_paid_in_full_early_nothing_is_credited(db: Database) -> None:
    acme, inv = setup(db)
    pay(db, acme, date(2026, 3, 5), "100.00")
    assert notes(db) == []
    assert applied(db, inv) == 10000


def test_not_enough_paid_no_discount(db: Database) -> None:
    acme, _ = setup(db)
    pay(db, acme, date(2026, 3, 5), "97.99")
    assert notes(db) == []


def test_two_payments_inside_the_window_earn_it_on_the_second(db: Database) -> None:
    acme, inv = setup(db)
    pay(db, acme, date(2026, 3, 5), "50.00")
    assert notes(db) == []
    pay(db, acme, date(2026, 3, 10), "48.00")
    assert notes(db) == [(200, date(2026, 3, 10), inv, EARLY_PAYMENT_DISCOUNT_REASON)]
    assert applied(db, inv) == 10000


def test_the_service_on_its_own_does_nothing_twice(db: Database) -> None:
    acme, inv = setup(db)
    payment = pay(db, acme, DEADLINE, "98.00")
    assert (
        apply_early_payment_discount(db, inv, payment) is None
    )  # already settled: nothing left to write off
    assert len(notes(db)) == 1
