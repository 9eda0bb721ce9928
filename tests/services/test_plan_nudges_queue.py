"""The reminder queue also puts payment-plan nudges in the outbox: once each, by email or by letter."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from creditdesk.domain.payment_plans import Frequency
from creditdesk.services.arrangements.payment_plans import PlanInput, create_plan
from creditdesk.services.chasing.reminders import queue
from creditdesk.store.database import Database
from creditdesk.store.models import Reminder, ReminderInvoice
from creditdesk.store.unit_of_work import UnitOfWork
from tests.services.workflow_ledger import client, invoice

DUE = date(2026, 6, 1)
MADE = date(2026, 6, 20)
FIRST = date(2026, 7, 1)


def plan_for(db: Database, code: str, email: str) -> tuple[int, int, list[int]]:
    who = client(db, code, email=email)
    invoices = [invoice(db, who, DUE, "100.00"), invoice(db, who, DUE, "200.00")]
    plan_id = create_plan(db, PlanInput(who, invoices, FIRST, Frequency.MONTHLY, MADE, count=2))
    return who, plan_id, invoices


def nudges(db: Database, client_id: int) -> list[Reminder]:
    with UnitOfWork(db) as uow:
        rows = uow.session.scalars(
            select(Reminder)
            .where(Reminder.client_id == client_id, Reminder.dedupe_key.like("plan:%"))
            .order_by(Reminder.id)
        ).all()
        uow.session.expunge_all()
        return list(rows)


def test_coming_up_and_missed_nudges_are_queued_once(db: Database) -> None:
    acme, plan_id, invoices = plan_for(db, "ACME", "accounts@acme.example")
    queue(db, date(2026, 6, 28))
    queue(db, date(2026, 6, 29))  # the same nudge is not queued twice
    (coming,) = nudges(db, acme)
    assert coming.dedupe_key == f"plan:{plan_id}:1:coming_up"
    assert (coming.stage_key, coming.channel, coming.status) == ("plan-coming-up", "email", "draft")
    assert coming.recipient == "accounts@acme.example"
    assert "instalment 1, €150.00, is due on 1 Jul 2026" in coming.body
    assert coming.total == 15000
    with UnitOfWork(db) as uow:
        linked = uow.session.scalars(
            select(ReminderInvoice.invoice_id).where(ReminderInvoice.reminder_id == coming.id)
        ).all()
    assert sorted(linked) == sorted(invoices)

    queue(db, date(2026, 7, 2))
    missed = nudges(db, acme)[-1]
    assert missed.dedupe_key == f"plan:{plan_id}:1:missed"
    assert missed.stage_name == "Instalment missed"
    assert "We have not yet received instalment 1" in missed.body


def test_a_client_without_email_gets_a_letter(db: Database) -> None:
    beta, _, _ = plan_for(db, "BETA", "")
    queue(db, date(2026, 6, 28))
    (coming,) = nudges(db, beta)
    assert (coming.channel, coming.recipient) == ("letter", "")
