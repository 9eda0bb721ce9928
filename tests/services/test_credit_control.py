"""Credit limits, holds and overrides: figures to the cent and every decision on the timeline."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal as D

import pytest
from sqlalchemy import func, select

from creditdesk.domain.errors import FieldError, LedgerError, ValidationError
from creditdesk.domain.invoice import InvoiceLine, InvoiceStatus
from creditdesk.services.chasing.today import TodayKind, today
from creditdesk.services.clients.overview import client_detail
from creditdesk.services.ledger.credit_control import (
    LIMIT_FIELD,
    REASON_FIELD,
    Override,
    credit_status,
    over_limit_clients,
    record_override,
    set_credit_limit,
    set_limit_and_hold,
    set_on_hold,
)
from creditdesk.services.ledger.invoice_list import invoice_detail
from creditdesk.services.ledger.invoices import InvoiceInput, OverrideRequired, issue_invoice, save_invoice
from creditdesk.store.database import Database
from creditdesk.store.models import Activity, Invoice
from creditdesk.store.unit_of_work import UnitOfWork
from tests.services.workflow_ledger import client, invoice, pay

AS_OF = date(2026, 6, 10)


def timeline(db: Database, client_id: int, kind: str) -> list[str]:
    return [e.text for e in client_detail(db, client_id, AS_OF).timeline if e.kind == kind]


def test_used_and_remaining_follow_the_ledger(db: Database) -> None:
    acme = client(db, "ACME", limit="500.00")
    invoice(db, acme, date(2026, 6, 1), "300.00")
    invoice(db, acme, date(2026, 6, 5), "250.00")
    pay(db, acme, date(2026, 6, 8), "20.00")
    status = credit_status(db, acme, AS_OF)
    assert (status.credit_limit, status.used, status.remaining, status.over_limit) == (
        D("500.00"),
        D("530.00"),
        D("-30.00"),
        True,
    )
    assert [s.client_id for s in over_limit_clients(db, AS_OF)] == [acme]
    items = [i for i in today(db, AS_OF) if i.kind is TodayKind.OVER_LIMIT]
    assert [i.text for i in items] == ["Owes €530.00, over the credit limit of €500.00 by €30.00"]


def test_limits_and_holds_are_written_on_the_timeline(db: Database) -> None:
    acme = client(db, "ACME")
    invoice(db, acme, date(2026, 6, 1), "300.00")
    at = datetime(2026, 6, 9, 10, 0)
    set_credit_limit(db, acme, D("250.00"), at=at)
    assert credit_status(db, acme, AS_OF).over_limit
    set_on_hold(db, acme, True, "two invoices unpaid", at=at)
    assert over_limit_clients(db, AS_OF) == []  # on hold already: nothing new to act on
    with pytest.raises(ValidationError, match="already on hold"):
        set_on_hold(db, acme, True)
    set_on_hold(db, acme, False, at=at)
    set_credit_limit(db, acme, None, at=at)
    assert credit_status(db, acme, AS_OF).remaining is None
    assert sorted(timeline(db, acme, "credit_limit")) == [
        "Credit limit removed",
        "Credit limit set to 250.00",
    ]
    assert sorted(timeline(db, acme, "hold")) == ["Put on hold: two invoices unpaid", "Taken off hold"]


def test_an_override_records_who_and_why(db: Database) -> None:
    acme = client(db, "ACME", limit="100.00")
    inv = invoice(db, acme, date(2026, 6, 1), "300.00")
    record_override(db, acme, "Sam", "long-standing customer, paying on Friday", invoice_id=inv)
    assert timeline(db, acme, "override") == [
        "Credit warning overridden for INV-00001 over the credit limit by Sam: "
        "long-standing customer, paying on Friday"
    ]
    with pytest.raises(ValidationError, match="why the warning was overridden"):
        record_override(db, acme, "Sam", " ")


# --- issuing over the limit: the invoice and its override note are one transaction -------------------

WORK = [InvoiceLine("Work", D(1), D("300.00"))]
SAM = Override("Sam", "long-standing customer, paying on Friday")


def invoices_in(db: Database) -> list[tuple[str, str]]:
    with UnitOfWork(db) as uow:
        return [(i.number, i.status) for i in uow.session.scalars(select(Invoice).order_by(Invoice.id))]


def logged(db: Database, kind: str) -> list[str]:
    with UnitOfWork(db) as uow:
        query = select(Activity.text).where(Activity.kind == kind).order_by(Activity.id)
        return list(uow.session.scalars(query))


def activity_count(db: Database) -> int:
    with UnitOfWork(db) as uow:
        return int(uow.session.scalar(select(func.count(Activity.id))) or 0)


def test_issuing_a_draft_over_the_limit_needs_an_override_noted_with_it(db: Database) -> None:
    acme = client(db, "ACME", limit="100.00")
    draft = save_invoice(db, InvoiceInput(acme, AS_OF, WORK, status=InvoiceStatus.DRAFT))
    before = activity_count(db)
    with pytest.raises(OverrideRequired) as refused:
        issue_invoice(db, draft, AS_OF)
    assert refused.value.warnings == (
        "This invoice takes Acme Ltd to €300.00, €200.00 over their credit limit of €100.00.",
    )
    assert "Say who decided to issue it anyway, and why." in refused.value.message
    # The note failing (no reason) leaves the invoice a draft: the old two steps issued it first.
    with pytest.raises(ValidationError, match="why the warning was overridden is required"):
        issue_invoice(db, draft, AS_OF, override=Override("Sam", " "))
    with pytest.raises(ValidationError, match="who overrode the warning is longer than 200 characters"):
        issue_invoice(db, draft, AS_OF, override=Override("S" * 201, "paying on Friday"))
    assert invoices_in(db) == [(f"DRAFT-{draft}", "draft")]
    assert activity_count(db) == before
    assert issue_invoice(db, draft, AS_OF, override=SAM) == "INV-00001"  # no number used up by refusals
    assert logged(db, "invoice") == ["Invoice INV-00001 issued"]
    assert timeline(db, acme, "override") == [
        "Credit warning overridden for INV-00001 over the credit limit by Sam: "
        "long-standing customer, paying on Friday"
    ]


def test_a_new_invoice_for_a_client_on_hold_is_refused_without_an_override(db: Database) -> None:
    acme = client(db, "ACME")
    set_on_hold(db, acme, True, "two invoices unpaid")
    data = InvoiceInput(acme, AS_OF, WORK)
    with pytest.raises(OverrideRequired, match="Acme Ltd is on hold"):
        save_invoice(db, data, as_of=AS_OF)
    with pytest.raises(ValidationError, match="who overrode the warning is required"):
        save_invoice(db, data, as_of=AS_OF, override=Override("", "agreed"))
    assert invoices_in(db) == []
    assert logged(db, "invoice") == timeline(db, acme, "override") == []
    new = save_invoice(db, data, as_of=AS_OF, override=Override(" Sam ", " agreed with the director "))
    assert invoices_in(db) == [("INV-00001", "issued")]
    assert timeline(db, acme, "override") == [
        "Credit warning overridden for INV-00001 while on hold by Sam: agreed with the director"
    ]
    with UnitOfWork(db) as uow:  # the note points at its invoice
        linked = uow.session.scalars(select(Activity.invoice_id).where(Activity.kind == "override")).all()
    assert linked == [new]


def test_an_edited_draft_is_checked_at_its_new_total(db: Database) -> None:
    acme = client(db, "ACME", limit="500.00")
    draft = save_invoice(db, InvoiceInput(acme, AS_OF, WORK, status=InvoiceStatus.DRAFT))
    bigger = InvoiceInput(acme, AS_OF, [InvoiceLine("Work", D(1), D("600.00"))])
    with pytest.raises(OverrideRequired):
        save_invoice(db, bigger, draft, as_of=AS_OF)
    assert invoice_detail(db, draft, AS_OF).totals.gross == D("300.00")  # the edit went nowhere either
    save_invoice(db, bigger, draft, as_of=AS_OF, override=SAM)
    assert invoices_in(db) == [("INV-00001", "issued")]
    assert len(timeline(db, acme, "override")) == 1


def test_within_the_limit_nothing_is_asked_and_nothing_noted(db: Database) -> None:
    acme = client(db, "ACME", limit="300.00")
    later = invoice(db, acme, date(2026, 7, 30), "500.00", issue=date(2026, 6, 20))  # after AS_OF
    draft = save_invoice(db, InvoiceInput(acme, AS_OF, WORK, status=InvoiceStatus.DRAFT))
    assert issue_invoice(db, draft, AS_OF, override=SAM) == "INV-00002"  # exactly at the limit on AS_OF
    assert timeline(db, acme, "override") == []  # there was nothing to override
    with pytest.raises(LedgerError, match="already issued"):
        issue_invoice(db, later, AS_OF, override=SAM)


def test_the_credit_position_is_taken_on_the_day_given(db: Database) -> None:
    acme = client(db, "ACME", limit="300.00")
    invoice(db, acme, date(2026, 7, 30), "100.00", issue=date(2026, 6, 20))
    data = InvoiceInput(acme, AS_OF, WORK)
    save_invoice(db, data, as_of=AS_OF)  # on AS_OF the June 20 invoice is not owed yet
    with pytest.raises(OverrideRequired, match=r"€700\.00, €400\.00 over"):
        save_invoice(db, data, as_of=date(2026, 6, 30))


# --- the credit dialog's one write: limit and hold together --------------------------------------


def test_limit_and_hold_are_saved_together(db: Database) -> None:
    acme = client(db, "ACME")
    at = datetime(2026, 6, 9, 10, 0)
    set_limit_and_hold(db, acme, D("200.00"), True, " three months late ", at=at)
    status = credit_status(db, acme, AS_OF)
    assert (status.credit_limit, status.on_hold) == (D("200.00"), True)
    assert timeline(db, acme, "credit_limit") == ["Credit limit set to 200.00"]
    assert timeline(db, acme, "hold") == ["Put on hold: three months late"]
    before = activity_count(db)
    set_limit_and_hold(db, acme, D("200.00"), True)  # unchanged: nothing written, no reason needed
    assert activity_count(db) == before
    set_limit_and_hold(db, acme, None, False, at=at)  # off hold: a reason is welcome, not required
    status = credit_status(db, acme, AS_OF)
    assert (status.credit_limit, status.on_hold) == (None, False)
    assert sorted(timeline(db, acme, "hold")) == ["Put on hold: three months late", "Taken off hold"]


def test_a_hold_without_a_reason_is_refused_by_the_service_and_nothing_is_written(db: Database) -> None:
    acme = client(db, "ACME")
    before = activity_count(db)
    with pytest.raises(FieldError) as refused:
        set_limit_and_hold(db, acme, D("200.00"), True, "  ")
    assert refused.value.field == REASON_FIELD
    assert refused.value.message == "say why the client goes on hold; it is written on their timeline"
    with pytest.raises(FieldError) as too_long:  # the hold fails after the limit was read: no limit either
        set_limit_and_hold(db, acme, D("200.00"), True, "x" * 501)
    assert too_long.value.field == REASON_FIELD
    status = credit_status(db, acme, AS_OF)
    assert (status.credit_limit, status.on_hold) == (None, False)
    assert activity_count(db) == before
    with pytest.raises(FieldError, match="say why the client goes on hold"):
        set_on_hold(db, acme, True)  # the same rule on its own


@pytest.mark.parametrize(
    ("limit", "message"),
    [
        (D("-0.01"), "the credit limit cannot be negative; leave it empty for no limit"),
        (D("100000000000"), "is larger than the largest amount CreditDesk accepts"),
        (D("NaN"), "is not a number"),
    ],
)
def test_a_limit_out_of_range_is_refused_on_the_limit_field(db: Database, limit: D, message: str) -> None:
    acme = client(db, "ACME")
    with pytest.raises(FieldError, match=message) as refused:
        set_limit_and_hold(db, acme, limit, True, "late")
    assert refused.value.field == LIMIT_FIELD
    assert credit_status(db, acme, AS_OF).on_hold is False  # the hold was not saved without its limit
