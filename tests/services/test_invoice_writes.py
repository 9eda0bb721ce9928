"""Drafts, issuing, voiding, credit checks, hand-chosen allocations and money on account."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute

from creditdesk.domain.allocation import Allocation
from creditdesk.domain.errors import LedgerError, NotFoundError, ValidationError
from creditdesk.domain.formats import Formats
from creditdesk.domain.invoice import InvoiceLine, InvoiceStatus
from creditdesk.domain.terms import PaymentTerms
from creditdesk.services.clients.records import ClientInput, add_client
from creditdesk.services.ledger.invoice_list import invoice_detail, money_on_account, open_invoices_for
from creditdesk.services.ledger.invoices import (
    InvoiceInput,
    LineText,
    create_invoice,
    credit_warnings,
    delete_draft,
    format_number,
    issue_invoice,
    parse_number,
    read_invoice_form,
    save_invoice,
    void_invoice,
)
from creditdesk.services.ledger.payments import (
    CreditNoteInput,
    PaymentInput,
    allocate_on_account,
    issue_credit_note,
    read_allocation_form,
    read_amount,
    record_payment,
    suggest_allocations,
)
from creditdesk.services.reports.aging import run_aging
from creditdesk.store.database import Database
from creditdesk.store.integrity import ledger_problems
from creditdesk.store.models import Activity, AllocationRow, Client, Invoice, Payment
from creditdesk.store.unit_of_work import UnitOfWork

AS_OF = date(2026, 6, 30)
EUR = Formats("EUR", "en_GB", 2)
LINES = [InvoiceLine("Design", D("2.5"), D("80.10"), D(20)), InvoiceLine("Travel", D(1), D("12.34"))]


def one_line(amount: str) -> list[InvoiceLine]:
    return [InvoiceLine("Work", D(1), D(amount))]


def issue(db: Database, client: int, day: date, amount: str) -> int:
    return create_invoice(db, InvoiceInput(client, day, one_line(amount)))


def count(db: Database, column: InstrumentedAttribute[int]) -> int:
    with UnitOfWork(db) as uow:
        return int(uow.session.scalar(select(func.count(column))) or 0)


def stored(db: Database, invoice_id: int) -> tuple[str, str, int, int, int, date]:
    with UnitOfWork(db) as uow:
        row = uow.session.get(Invoice, invoice_id)
        assert row is not None
        return (row.number, row.status, row.net, row.tax, row.gross, row.due_date)


def activities(db: Database, kind: str) -> list[str]:
    with UnitOfWork(db) as uow:
        return list(
            uow.session.scalars(select(Activity.text).where(Activity.kind == kind).order_by(Activity.id))
        )


def sound(db: Database) -> None:
    with UnitOfWork(db) as uow:
        assert ledger_problems(uow.session.connection()) == []


@pytest.fixture
def client(db: Database) -> int:
    return add_client(db, ClientInput("ACME", "Acme Ltd", terms=PaymentTerms(30)))


# --- drafts and issuing ---------------------------------------------------------------------------


def test_a_draft_takes_its_number_only_when_issued(db: Database, client: int) -> None:
    draft = InvoiceInput(client, AS_OF, LINES, status=InvoiceStatus.DRAFT, reference="PO-1")
    first = save_invoice(db, draft)
    second = save_invoice(db, draft)
    assert stored(db, first)[0] == f"DRAFT-{first}"
    assert activities(db, "invoice") == []
    delete_draft(db, first)
    assert issue_invoice(db, second) == "INV-00001"  # no gap left by the deleted draft
    assert stored(db, second) == (
        "INV-00001",
        "issued",
        21259,
        4005,
        25264,
        date(2026, 7, 30),
    )
    assert activities(db, "invoice") == ["Invoice INV-00001 issued"]
    assert count(db, Invoice.id) == 1
    sound(db)


def test_editing_a_draft_replaces_its_lines_and_can_issue_it_in_one_go(db: Database, client: int) -> None:
    draft_id = save_invoice(db, InvoiceInput(client, AS_OF, LINES, status=InvoiceStatus.DRAFT))
    changed = InvoiceInput(
        client,
        date(2026, 7, 1),
        one_line("99.99"),
        due_date=date(2026, 7, 10),
        reference="PO-9",
        notes="Thanks",
        status=InvoiceStatus.DRAFT,
    )
    assert save_invoice(db, changed, draft_id) == draft_id
    detail = invoice_detail(db, draft_id, AS_OF)
    assert (detail.lines, detail.reference, detail.notes, detail.due_date) == (
        tuple(one_line("99.99")),
        "PO-9",
        "Thanks",
        date(2026, 7, 10),
    )
    assert not detail.number_assigned
    save_invoice(db, InvoiceInput(client, date(2026, 7, 1), LINES, status=InvoiceStatus.ISSUED), draft_id)
    detail = invoice_detail(db, draft_id, AS_OF)
    assert (detail.number, detail.status, detail.totals.gross) == (
        "INV-00001",
        InvoiceStatus.ISSUED,
        D("252.64"),
    )
    assert count(db, Invoice.id) == 1
    with pytest.raises(LedgerError, match="already issued"):
        save_invoice(db, changed, draft_id)
    with pytest.raises(LedgerError, match="already issued"):
        issue_invoice(db, draft_id)
    with pytest.raises(LedgerError, match="already issued"):
        delete_draft(db, draft_id)
    with pytest.raises(NotFoundError):
        delete_draft(db, 999)


def test_a_draft_keeps_a_number_it_was_given(db: Database, client: int) -> None:
    draft = save_invoice(db, InvoiceInput(client, AS_OF, LINES, number="X-7", status=InvoiceStatus.DRAFT))
    assert issue_invoice(db, draft) == "X-7"


def test_archived_clients_are_not_invoiced(db: Database, client: int) -> None:
    with UnitOfWork(db, write=True) as uow:
        row = uow.session.get(Client, client)
        assert row is not None
        row.archived = True
        uow.commit()
    with pytest.raises(LedgerError, match="archived"):
        save_invoice(db, InvoiceInput(client, AS_OF, LINES))
    assert count(db, Invoice.id) == 0


# --- voiding --------------------------------------------------------------------------------------


def test_voiding_puts_the_money_back_on_account_and_leaves_the_aging(db: Database, client: int) -> None:
    old = issue(db, client, date(2026, 3, 1), "100.00")
    new = issue(db, client, date(2026, 4, 1), "100.00")
    record_payment(db, PaymentInput(client, date(2026, 5, 1), D("150.00")))  # 100 to old, 50 to new
    assert run_aging(db, AS_OF).row_for(client).total == D(50)  # type: ignore[union-attr]
    returned = void_invoice(db, new, reason="raised twice")
    assert returned == D("50.00")
    assert stored(db, new)[1] == "void"
    row = run_aging(db, AS_OF).row_for(client)
    assert row is not None
    assert (sum(row.buckets, D(0)), row.unallocated, row.total) == (D(0), D(-50), D(-50))
    assert money_on_account(db, client, AS_OF) == D(50)
    assert [i.id for i in open_invoices_for(db, client)] == []
    assert activities(db, "void") == [
        "Invoice INV-00002 for €100.00 voided; €50.00 applied to it went back on account. "
        "Reason: raised twice"
    ]
    with pytest.raises(LedgerError, match="already void"):
        void_invoice(db, new)
    draft = save_invoice(db, InvoiceInput(client, AS_OF, LINES, status=InvoiceStatus.DRAFT))
    with pytest.raises(LedgerError, match="delete it"):
        void_invoice(db, draft)
    assert void_invoice(db, old) == D("100.00")
    assert money_on_account(db, client, AS_OF) == D(150)
    sound(db)


# --- credit checks --------------------------------------------------------------------------------


def test_credit_warnings_warn_about_the_limit_and_a_hold(db: Database) -> None:
    limited = add_client(db, ClientInput("LIM", "Limited Ltd", credit_limit=D("500.00")))
    free = add_client(db, ClientInput("FREE", "Free Ltd"))
    issue(db, limited, date(2026, 6, 1), "400.00")
    issue(db, limited, date(2026, 7, 15), "1000.00")  # after AS_OF: not yet owed then
    record_payment(db, PaymentInput(limited, date(2026, 6, 10), D("50.00")))
    assert credit_warnings(db, limited, D("150.00"), AS_OF) == []  # exactly at the limit
    assert credit_warnings(db, limited, D("200.00"), AS_OF) == [
        "This invoice takes Limited Ltd to €550.00, €50.00 over their credit limit of €500.00."
    ]
    assert credit_warnings(db, free, D("1000000"), AS_OF) == []
    with UnitOfWork(db, write=True) as uow:
        row = uow.session.get(Client, limited)
        assert row is not None
        row.on_hold = True
        uow.commit()
    warnings = credit_warnings(db, limited, D(0), date(2026, 7, 31))
    assert warnings[0].startswith("Limited Ltd is on hold")
    assert warnings[1] == "Limited Ltd already owes €1,350.00, €850.00 over their credit limit of €500.00."


# --- payments allocated by hand ---------------------------------------------------------------------


def test_a_payment_allocated_by_hand(db: Database, client: int) -> None:
    old = issue(db, client, date(2026, 3, 1), "100.00")
    new = issue(db, client, date(2026, 6, 10), "80.00")
    receipt = record_payment(
        db,
        PaymentInput(client, date(2026, 6, 1), D("150.00"), "transfer", "R-1"),
        [Allocation(new, D("80.00")), Allocation(old, D("30.00"))],
    )
    assert receipt.result.on_account == D("40.00")
    with UnitOfWork(db) as uow:
        dated = dict(uow.session.execute(select(AllocationRow.invoice_id, AllocationRow.date)).all())
    assert dated == {old: date(2026, 6, 1), new: date(2026, 6, 10)}  # never before the invoice existed
    row = run_aging(db, AS_OF).row_for(client)
    assert row is not None and (sum(row.buckets, D(0)), row.unallocated) == (D(70), D(-40))
    sound(db)


def test_over_allocation_is_refused_and_nothing_is_written(db: Database, client: int) -> None:
    old = issue(db, client, date(2026, 3, 1), "100.00")
    other = add_client(db, ClientInput("OTHER", "Other"))
    theirs = issue(db, other, date(2026, 3, 1), "10.00")
    pay = PaymentInput(client, AS_OF, D("150.00"))
    with pytest.raises(
        LedgerError, match=r"€120.00 for invoice INV-00001 is more than the €100.00 still owed"
    ):
        record_payment(db, pay, [Allocation(old, D("120.00"))])
    with pytest.raises(LedgerError, match=r"€60.00 allocated is more than the €50.00 received"):
        record_payment(db, PaymentInput(client, AS_OF, D("50.00")), [Allocation(old, D("60.00"))])
    with pytest.raises(LedgerError, match="same client"):
        record_payment(db, pay, [Allocation(theirs, D("10.00"))])
    with pytest.raises(LedgerError, match="more than zero"):
        record_payment(db, pay, [Allocation(old, D("0"))])
    with pytest.raises(ValidationError, match="not both"):
        record_payment(db, PaymentInput(client, AS_OF, D(1), invoice_id=old), [])
    assert count(db, Payment.id) == 0 and count(db, AllocationRow.id) == 0
    receipt = record_payment(db, pay, [])  # nothing chosen: all of it on account
    assert receipt.result.on_account == D(150)


def test_suggested_allocations_are_oldest_first() -> None:
    from creditdesk.domain.allocation import OpenInvoice

    invoices = [
        OpenInvoice(2, "INV-2", date(2026, 4, 1), date(2026, 5, 1), D(100)),
        OpenInvoice(1, "INV-1", date(2026, 3, 1), date(2026, 4, 1), D(100)),
        OpenInvoice(3, "INV-3", date(2026, 7, 1), date(2026, 8, 1), D(100)),  # after the payment
    ]
    assert suggest_allocations(D(150), date(2026, 6, 1), invoices) == {1: D(100), 2: D(50)}
    assert suggest_allocations(D(0), date(2026, 6, 1), invoices) == {}


# --- money on account applied later -----------------------------------------------------------------


def test_money_on_account_is_applied_later_oldest_money_first(db: Database, client: int) -> None:
    first = issue(db, client, date(2026, 3, 1), "100.00")
    second = issue(db, client, date(2026, 3, 5), "60.00")
    record_payment(db, PaymentInput(client, date(2026, 2, 1), D("30.00")))  # before any invoice: on account
    issue_credit_note(db, CreditNoteInput(client, date(2026, 2, 15), D("50.00"), reason="goodwill"))
    record_payment(db, PaymentInput(client, date(2026, 7, 20), D("500.00")), [])  # all on account
    assert count(db, AllocationRow.id) == 0
    before = run_aging(db, date(2026, 6, 29))
    on = date(2026, 6, 30)
    result = allocate_on_account(
        db, client, [Allocation(first, D("40.00")), Allocation(second, D("10.00"))], on
    )
    assert (result.allocated, result.on_account) == (D(50), D(30))  # the July payment is not on account yet
    with UnitOfWork(db) as uow:
        rows = uow.session.execute(
            select(
                AllocationRow.invoice_id, AllocationRow.amount, AllocationRow.payment_id, AllocationRow.date
            ).order_by(AllocationRow.id)
        ).all()
    # The payment of 1 February first, then the credit note; dated the day of the allocation.
    assert [(i, a, p is not None, d) for i, a, p, d in rows] == [
        (first, 3000, True, on),
        (first, 1000, False, on),
        (second, 1000, False, on),
    ]
    assert run_aging(db, date(2026, 6, 29)) == before  # the past does not change
    assert activities(db, "allocation") == ["€50.00 on account applied to INV-00001, INV-00002"]
    with pytest.raises(LedgerError, match=r"€50.00 allocated is more than the €30.00 on account"):
        allocate_on_account(db, client, [Allocation(second, D("50.00"))], on)
    with pytest.raises(ValidationError, match="at least one invoice"):
        allocate_on_account(db, client, [], on)
    # In August the July payment is there too: 30 left of the credit note, then the payment.
    allocate_on_account(
        db, client, [Allocation(first, D("60.00")), Allocation(second, D("50.00"))], date(2026, 8, 1)
    )
    assert open_invoices_for(db, client) == []
    assert money_on_account(db, client, date(2026, 8, 1)) == D(420)
    nobody = add_client(db, ClientInput("NONE", "Nobody"))
    theirs = issue(db, nobody, date(2026, 3, 1), "10.00")
    with pytest.raises(LedgerError, match="Nobody has no money on account"):
        allocate_on_account(db, nobody, [Allocation(theirs, D("1.00"))], on)
    sound(db)


def test_credit_notes_against_an_invoice_and_on_account(db: Database, client: int) -> None:
    inv = issue(db, client, date(2026, 6, 1), "100.00")
    issue_credit_note(
        db, CreditNoteInput(client, date(2026, 6, 5), D("30.00"), invoice_id=inv, reason="damaged")
    )
    issue_credit_note(db, CreditNoteInput(client, date(2026, 6, 6), D("5.00")))
    assert [i.open_amount for i in open_invoices_for(db, client)] == [D(70)]
    assert money_on_account(db, client, AS_OF) == D(5)
    with pytest.raises(ValidationError, match="longer than 500"):
        issue_credit_note(db, CreditNoteInput(client, AS_OF, D(1), reason="x" * 501))


# --- reading forms as people type -------------------------------------------------------------------


def test_the_invoice_form_names_what_is_wrong() -> None:
    good = LineText("Design", "2.5", "80.10", "20")

    def problems(*lines: LineText, client: int | None = 1, due: date = AS_OF) -> list[str]:
        form = read_invoice_form(client, AS_OF, due, "", lines, EUR)
        return [p.message for p in form.problems]

    assert problems(good) == []
    assert problems(good, client=None) == ["choose the client to invoice"]
    assert problems(good, due=date(2026, 6, 29)) == ["the due date 29 Jun 2026 is before the issue date"]
    assert problems() == ["add at least one line: what is being invoiced"]
    assert problems(LineText(), good, LineText("  ")) == []  # blank lines are left out
    assert problems(LineText("x", "0", "1")) == ["line 1: quantity 0 must be more than zero"]
    assert problems(good, LineText("x", "two", "1")) == ["line 2: quantity 'two' is not a number"]
    assert problems(LineText("x", "1", "12,3x")) == ["line 1: unit price '12,3x' is not an amount"]
    assert problems(LineText("x", "1", "1.234")) == [
        "line 1: unit price '1.234' has more than 2 decimal places"
    ]
    assert problems(LineText("x", "1", "-5")) == ["line 1: unit price -5.00 cannot be negative"]
    assert problems(LineText("x", "1", "5", "120")) == ["line 1: tax rate 120 % must be between 0 and 100"]
    assert problems(LineText("", "1", "5")) == ["line 1: describe what is being invoiced"]
    fields = [p.field for p in read_invoice_form(1, AS_OF, AS_OF, "", [LineText("", "1", "5")], EUR).problems]
    assert fields == ["description"]
    form = read_invoice_form(1, AS_OF, AS_OF, "", [good, LineText("Travel", "1", "12.34", "")], EUR)
    assert form.ok and (form.totals.net, form.totals.tax, form.totals.gross) == (
        D("212.59"),
        D("40.05"),
        D("252.64"),
    )


def test_numbers_are_read_and_written_in_the_company_locale() -> None:
    german = Formats("EUR", "de_DE", 2)
    form = read_invoice_form(1, AS_OF, AS_OF, "", [LineText("Beratung", "2,5", "1.234,50", "19 %")], german)
    assert form.ok and form.lines[0] == InvoiceLine("Beratung", D("2.5"), D("1234.50"), D(19))
    assert parse_number("1,5", "de_DE", field="quantity") == D("1.5")
    assert format_number(D("2.500"), "de_DE") == "2,5"
    assert format_number(D("20"), "en_GB") == "20"
    assert format_number(D("1234.5"), "en_GB") == "1234.5"
    with pytest.raises(ValidationError, match="is empty"):
        parse_number(" ", "en_GB", field="quantity")


def test_the_allocation_form_names_what_is_wrong() -> None:
    from creditdesk.domain.allocation import OpenInvoice

    invoices = [
        OpenInvoice(1, "INV-1", AS_OF, AS_OF, D(100)),
        OpenInvoice(2, "INV-2", AS_OF, AS_OF, D(50)),
    ]
    form = read_allocation_form(D(120), invoices, ["100", ""], EUR)
    assert form.ok and (form.allocated, form.left_over) == (D(100), D(20))
    assert form.allocations == (Allocation(1, D(100)),)
    form = read_allocation_form(D(120), invoices, ["100", "50"], EUR)
    assert form.problems == ((None, "€150.00 allocated is more than the €120.00 received"),)
    form = read_allocation_form(D(500), invoices, ["abc", "60"], EUR, what="on account")
    assert form.problems == (
        (0, "the amount for INV-1 'abc' is not an amount"),
        (1, "€60.00 for INV-2 is more than the €50.00 still owed on it"),
    )
    assert read_amount("1,234.50", EUR) == D("1234.50")
    with pytest.raises(ValidationError, match="more than zero"):
        read_amount("0", EUR)
