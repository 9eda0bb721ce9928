"""Payment plans on a real company file: instalments, allocation in order, pause, break, nudges, PDF."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal as D

import pytest
from pypdf import PdfReader

from creditdesk.domain.errors import LedgerError, ValidationError
from creditdesk.domain.payment_plans import Frequency, NudgeKind, PlanStatus
from creditdesk.services.arrangements.payment_plans import (
    PlanInput,
    create_plan,
    payment_plan_pdf,
    plan_nudges,
    plan_view,
    plans,
)
from creditdesk.services.chasing.today import TodayKind, today
from creditdesk.store.database import Database
from tests.services.workflow_ledger import client, invoice, pay, stages

DUE = date(2026, 6, 1)
MADE = date(2026, 6, 20)
FIRST = date(2026, 7, 1)


@pytest.fixture
def ledger(db: Database) -> tuple[int, int, int]:
    acme = client(db, "ACME")
    return acme, invoice(db, acme, DUE, "100.00"), invoice(db, acme, DUE, "200.00")


def monthly(db: Database, ledger: tuple[int, int, int], **extra: object) -> int:
    acme, a, b = ledger
    data = PlanInput(acme, [a, b], FIRST, Frequency.MONTHLY, MADE, **extra)  # type: ignore[arg-type]
    return create_plan(db, data)


def test_equal_instalments_cover_the_open_amount(db: Database, ledger: tuple[int, int, int]) -> None:
    pay(db, ledger[0], date(2026, 6, 5), "10.00")  # before the plan: 290.00 left to plan
    plan_id = monthly(db, ledger, count=3)
    view = plan_view(db, plan_id, MADE)
    assert view.total == D("290.00")
    assert [(i.number, i.due_date, i.amount) for i in view.instalments] == [
        (1, date(2026, 7, 1), D("96.66")),
        (2, date(2026, 8, 1), D("96.66")),
        (3, date(2026, 9, 1), D("96.68")),
    ]
    assert view.status is PlanStatus.KEPT and view.invoice_numbers == ("INV-00001", "INV-00002")


def test_custom_amounts_must_add_up(db: Database, ledger: tuple[int, int, int]) -> None:
    with pytest.raises(ValidationError, match=r"add up to 250\.00 but the plan is for 300\.00"):
        monthly(db, ledger, custom_amounts=(D("50.00"), D("200.00")))
    plan_id = monthly(db, ledger, custom_amounts=(D("50.00"), D("250.00")))
    assert [i.amount for i in plan_view(db, plan_id, MADE).instalments] == [D("50.00"), D("250.00")]
    with pytest.raises(LedgerError, match="already covers"):
        monthly(db, ledger, count=2)


def test_payments_fill_instalments_in_order(db: Database, ledger: tuple[int, int, int]) -> None:
    plan_id = monthly(db, ledger, count=3)
    pay(db, ledger[0], date(2026, 7, 1), "150.00")
    view = plan_view(db, plan_id, date(2026, 7, 2))
    assert [(i.paid, i.paid_on) for i in view.instalments] == [
        (D("100.00"), date(2026, 7, 1)),
        (D("50.00"), None),
        (D("0.00"), None),
    ]
    assert (view.paid, view.outstanding) == (D("150.00"), D("150.00"))


def test_a_kept_plan_pauses_chasing_and_a_broken_one_resumes_it(
    db: Database, ledger: tuple[int, int, int]
) -> None:
    acme, _, b = ledger
    assert stages(db, MADE, acme) != []
    plan_id = monthly(db, ledger, count=3)
    assert stages(db, MADE, acme) == []
    pay(db, acme, date(2026, 7, 1), "100.00")  # instalment 1 on time
    pay(db, acme, date(2026, 8, 3), "40.00")  # instalment 2 short
    assert stages(db, date(2026, 8, 8), acme) == []  # within the seven days' grace
    view = plan_view(db, plan_id, date(2026, 8, 9))
    assert (view.status, view.broken_on) == (PlanStatus.BROKEN, date(2026, 8, 9))
    assert stages(db, date(2026, 8, 9), acme) == [("reminder", (b,), D("160.00"))]
    missed = [i for i in today(db, date(2026, 8, 9)) if i.kind is TodayKind.INSTALMENT_MISSED]
    assert [(i.source_id, i.due_date) for i in missed] == [(plan_id, date(2026, 8, 1))]
    assert "the plan is broken" in missed[0].text
    # Money that comes later does not mend it (the record says what happened).
    pay(db, acme, date(2026, 8, 10), "60.00")
    assert plan_view(db, plan_id, date(2026, 8, 10)).status is PlanStatus.BROKEN


def test_a_plan_paid_off_is_completed(db: Database, ledger: tuple[int, int, int]) -> None:
    plan_id = monthly(db, ledger, count=2)
    pay(db, ledger[0], date(2026, 7, 1), "300.00")
    assert plan_view(db, plan_id, date(2026, 7, 1)).status is PlanStatus.COMPLETED
    assert [v.status for v in plans(db, date(2026, 9, 30))] == [PlanStatus.COMPLETED]


def test_each_instalment_gets_a_nudge_before_and_after(db: Database, ledger: tuple[int, int, int]) -> None:
    plan_id = monthly(db, ledger, count=2)
    assert plan_nudges(db, date(2026, 6, 27)) == []
    (coming,) = plan_nudges(db, date(2026, 6, 28))
    assert (coming.plan_id, coming.number, coming.kind, coming.outstanding) == (
        plan_id,
        1,
        NudgeKind.COMING_UP,
        D("150.00"),
    )
    (missed,) = plan_nudges(db, date(2026, 7, 2))
    assert (missed.kind, missed.dedupe_key) == (NudgeKind.MISSED, f"plan:{plan_id}:1:missed")


def test_the_schedule_prints_as_a_pdf(db: Database, ledger: tuple[int, int, int]) -> None:
    plan_id = monthly(db, ledger, count=3)
    data = payment_plan_pdf(db, plan_id)
    assert data.startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    for expected in ("PAYMENT PLAN", "INV-00001", "INV-00002", "1 Jul 2026", "1 Aug 2026", "300.00", "ACME"):
        assert expected in text
