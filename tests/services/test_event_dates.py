"""Arrangements agreed on a past day sit on the client's timeline on that day, not the day typed in."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from sqlalchemy import select

from creditdesk.domain.disputes import DisputeOutcome, DisputeReason
from creditdesk.domain.payment_plans import Frequency
from creditdesk.services.arrangements.disputes import open_dispute, resolve_dispute
from creditdesk.services.arrangements.payment_plans import PlanInput, create_plan
from creditdesk.services.arrangements.promises import PromiseInput, record_promise
from creditdesk.store.database import Database
from creditdesk.store.models import Activity
from creditdesk.store.unit_of_work import UnitOfWork
from tests.services.workflow_ledger import client, invoice


def timeline_days(db: Database, kind: str) -> list[date]:
    with UnitOfWork(db) as uow:
        return [
            a.at.date()
            for a in uow.session.scalars(select(Activity).where(Activity.kind == kind).order_by(Activity.id))
        ]


def test_promises_disputes_and_plans_are_dated_when_agreed(db: Database) -> None:
    acme = client(db, "ACME")
    first = invoice(db, acme, date(2026, 9, 1), "300.00")
    second = invoice(db, acme, date(2026, 9, 15), "120.00")
    third = invoice(db, acme, date(2026, 9, 20), "90.00")

    record_promise(db, PromiseInput(acme, [first], D("300.00"), date(2026, 10, 20), date(2026, 10, 14)))
    dispute = open_dispute(db, second, DisputeReason.PRICE, "", date(2026, 10, 2))
    resolve_dispute(db, dispute, DisputeOutcome.RESOLVED_IN_OUR_FAVOUR, date(2026, 10, 9))
    create_plan(
        db, PlanInput(acme, [third], date(2026, 11, 1), Frequency.MONTHLY, date(2026, 10, 25), count=3)
    )

    assert timeline_days(db, "promise") == [date(2026, 10, 14)]
    assert timeline_days(db, "dispute") == [date(2026, 10, 2), date(2026, 10, 9)]
    assert timeline_days(db, "payment_plan") == [date(2026, 10, 25)]
