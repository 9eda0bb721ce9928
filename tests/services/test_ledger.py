"""Clients, invoices, payments and credit notes through the services, on a real file."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from sqlalchemy import func, select

from creditdesk.domain.errors import LedgerError, ValidationError
from creditdesk.domain.invoice import InvoiceLine
from creditdesk.domain.terms import PaymentTerms, TermsBasis
from creditdesk.services.clients.records import ClientInput, add_client
from creditdesk.services.ledger.invoices import InvoiceInput, create_invoice
from creditdesk.services.ledger.payments import (
    CreditNoteInput,
    PaymentInput,
    issue_credit_note,
    record_payment,
)
from creditdesk.services.reports.aging import company_figures, run_aging
from creditdesk.store.database import Database
from creditdesk.store.models import Activity, AllocationRow, Client, Invoice
from creditdesk.store.unit_of_work import UnitOfWork

AS_OF = date(2026, 6, 30)


def invoice(db: Database, client: int, issue: date, amount: str, **kw: object) -> int:
    return create_invoice(db, InvoiceInput(client, issue, [InvoiceLine("Work", D(1), D(amount))], **kw))  # type: ignore[arg-type]


def test_client_rules(db: Database) -> None:
    add_client(db, ClientInput("ACME", "Acme Ltd", "accounts@acme.example"))
    with pytest.raises(ValidationError, match="already used"):
        add_client(db, ClientInput("ACME", "Another"))
    with pytest.raises(ValidationError, match="valid email"):
        add_client(db, ClientInput("B", "Bee", "not-an-address"))
    with pytest.raises(ValidationError, match="negative"):
        add_client(db, ClientInput("C", "Cee", credit_limit=D(-1)))
    with pytest.raises(ValidationError, match="client name is required"):
        add_client(db, ClientInput("D", "  "))
    with UnitOfWork(db) as uow:
        assert uow.session.scalar(select(func.count(Client.id))) == 1


def test_invoice_due_date_comes_from_the_clients_terms(db: Database) -> None:
    eom = add_client(db, ClientInput("E", "Eom", terms=PaymentTerms(30, TermsBasis.END_OF_MONTH)))
    inv = invoice(db, eom, date(2026, 1, 10), "100.00")
    explicit = invoice(db, eom, date(2026, 1, 10), "100.00", due_date=date(2026, 1, 20))
    with UnitOfWork(db) as uow:
        assert uow.session.get(Invoice, inv).due_date == date(2026, 3, 2)  # type: ignore[union-attr]
        assert uow.session.get(Invoice, explicit).due_date == date(2026, 1, 20)  # type: ignore[union-attr]
    with pytest.raises(ValidationError, match="before the issue date"):
        invoice(db, eom, date(2026, 1, 10), "1.00", due_date=date(2026, 1, 9))


def test_invoice_numbers_follow_the_series_and_skip_taken_ones(db: Database) -> None:
    c = add_client(db, ClientInput("N", "Numbers"))
    invoice(db, c, AS_OF, "1.00", number="INV-00002")
    first, second = invoice(db, c, AS_OF, "1.00"), invoice(db, c, AS_OF, "1.00")
    with UnitOfWork(db) as uow:
        numbers = [uow.session.get(Invoice, i).number for i in (first, second)]  # type: ignore[union-attr]
    assert numbers == ["INV-00001", "INV-00003"]
    with pytest.raises(ValidationError, match="already used"):
        invoice(db, c, AS_OF, "1.00", number="INV-00001")


def test_invoice_totals_are_stored_in_minor_units(db: Database) -> None:
    c = add_client(db, ClientInput("T", "Taxed"))
    lines = [InvoiceLine("Design", D("2.5"), D("80.10"), D(20)), InvoiceLine("Travel", D(1), D("12.34"))]
    inv = create_invoice(db, InvoiceInput(c, AS_OF, lines))
    with UnitOfWork(db) as uow:
        row = uow.session.get(Invoice, inv)
        assert row is not None
        assert (row.net, row.tax, row.gross) == (21259, 4005, 25264)  # 200.25 + 12.34; tax 40.05
        assert [line.quantity for line in row.lines] == [D("2.5"), D(1)]


def test_payment_oldest_first_then_on_account(db: Database) -> None:
    c = add_client(db, ClientInput("P", "Payer", terms=PaymentTerms(30)))
    old = invoice(db, c, date(2026, 3, 1), "100.00")
    new = invoice(db, c, date(2026, 4, 1), "100.00")
    later = invoice(db, c, date(2026, 6, 1), "100.00")  # issued after the payment: not paid by it
    receipt = record_payment(db, PaymentInput(c, date(2026, 5, 1), D("250.00"), "transfer", "REF1"))
    assert [(a.invoice_id, a.amount) for a in receipt.result.allocations] == [(old, D(100)), (new, D(100))]
    assert receipt.result.on_account == D("50.00")
    row = run_aging(db, AS_OF).rows[0]
    assert row.unallocated == D("-50.00")
    assert row.total == D("50.00")  # 100 owed on `later` less 50 on account
    with UnitOfWork(db) as uow:
        assert uow.session.scalar(select(func.count()).where(AllocationRow.invoice_id == later)) == 0
        assert uow.session.scalar(select(func.count(Activity.id)).where(Activity.kind == "payment")) == 1


def test_payment_naming_an_invoice_is_not_spread(db: Database) -> None:
    c = add_client(db, ClientInput("P", "Payer"))
    a = invoice(db, c, date(2026, 3, 1), "100.00")
    b = invoice(db, c, date(2026, 4, 1), "40.00")
    receipt = record_payment(db, PaymentInput(c, date(2026, 5, 1), D("60.00"), invoice_id=b))
    assert [(x.invoice_id, x.amount) for x in receipt.result.allocations] == [(b, D(40))]
    assert receipt.result.on_account == D(20)
    assert run_aging(db, AS_OF).row_for(c).total == D(80)  # type: ignore[union-attr]
    other = add_client(db, ClientInput("O", "Other"))
    with pytest.raises(LedgerError, match="another client"):
        record_payment(db, PaymentInput(other, date(2026, 5, 1), D(1), invoice_id=a))


def test_payment_for_an_invoice_issued_later_takes_effect_on_the_invoice_date(db: Database) -> None:
    c = add_client(db, ClientInput("P", "Prepay"))
    inv = invoice(db, c, date(2026, 6, 10), "30.00")
    record_payment(db, PaymentInput(c, date(2026, 6, 1), D("30.00"), invoice_id=inv))
    with UnitOfWork(db) as uow:
        assert uow.session.scalar(select(AllocationRow.date)) == date(2026, 6, 10)
    # Before the invoice existed the money was on account.
    assert run_aging(db, date(2026, 6, 5)).row_for(c).unallocated == D(-30)  # type: ignore[union-attr]
    assert run_aging(db, date(2026, 6, 10)).row_for(c) is None


def test_credit_notes_reduce_the_invoice_they_name_or_sit_on_account(db: Database) -> None:
    c = add_client(db, ClientInput("C", "Credit"))
    inv = invoice(db, c, date(2026, 6, 1), "100.00")
    note = issue_credit_note(
        db, CreditNoteInput(c, date(2026, 6, 5), D("30.00"), invoice_id=inv, reason="damaged")
    )
    assert note.result.allocations[0].amount == D(30)
    issue_credit_note(db, CreditNoteInput(c, date(2026, 6, 6), D("5.00")))
    row = run_aging(db, AS_OF).row_for(c)
    assert row is not None
    assert sum(row.buckets, D(0)) == D(70)
    assert row.unallocated == D(-5)
    assert row.total == D(65)


def test_nothing_is_half_written_when_a_step_fails(db: Database) -> None:
    c = add_client(db, ClientInput("H", "Half"))
    with pytest.raises(ValidationError):
        create_invoice(db, InvoiceInput(c, AS_OF, []))
    with pytest.raises(ValidationError):
        record_payment(db, PaymentInput(c, AS_OF, D(0)))
    with UnitOfWork(db) as uow:
        assert uow.session.scalar(select(func.count(Invoice.id))) == 0


def test_company_figures(db: Database) -> None:
    c = add_client(db, ClientInput("F", "Figures", terms=PaymentTerms(30)))
    invoice(db, c, date(2026, 4, 15), "300.00")  # due 15 May: overdue on 30 June
    invoice(db, c, date(2026, 6, 20), "600.00")  # current
    figures = company_figures(db, AS_OF)
    assert figures.outstanding == D(900)
    assert figures.overdue == D(300)
    assert figures.dso == D("90.0")  # 900 owed / 900 sold in 90 days x 90
