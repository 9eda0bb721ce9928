"""Statements of account agree with the ledger and with the Aging tab, to the cent, on any date."""

from __future__ import annotations

import io
import tempfile
from datetime import date, timedelta
from decimal import Decimal as D
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from creditdesk.documents.model import EntryKind, StatementDocument, StatementStyle
from creditdesk.domain.allocation import Allocation
from creditdesk.domain.creditor_reference import creditor_reference
from creditdesk.domain.errors import NotFoundError, ValidationError
from creditdesk.domain.invoice import InvoiceLine, InvoiceStatus
from creditdesk.domain.money import from_minor
from creditdesk.domain.terms import PaymentTerms
from creditdesk.services.clients.records import ClientInput, add_client
from creditdesk.services.company.settings import create_company
from creditdesk.services.ledger.invoices import InvoiceInput, create_invoice, void_invoice
from creditdesk.services.ledger.payments import (
    CreditNoteInput,
    PaymentInput,
    allocate_on_account,
    issue_credit_note,
    record_payment,
)
from creditdesk.services.reports.aging import run_aging
from creditdesk.services.reports.statements import (
    StatementRequest,
    client_id_for_code,
    statement_document,
    statement_file_name,
    statement_pdf,
)
from creditdesk.store.database import Database, open_database
from creditdesk.store.queries.ledger import client_exposure, open_invoices_of, unapplied_receipts_of
from creditdesk.store.unit_of_work import UnitOfWork

ZERO = D(0)
MARCH_END = date(2026, 3, 31)
ACTIVITY, OPEN_ITEMS = StatementStyle.ACTIVITY, StatementStyle.OPEN_ITEMS


def pdf_text(data: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def invoice(
    db: Database, client: int, issue: date, amount: str, due: date | None = None, **kw: object
) -> int:
    line = InvoiceLine("Work", D(1), D(amount))
    return create_invoice(db, InvoiceInput(client, issue, [line], due_date=due, **kw))  # type: ignore[arg-type]


def exposure(db: Database, client: int, as_of: date) -> D:
    with UnitOfWork(db) as uow:
        return from_minor(client_exposure(uow.session.connection(), client, as_of))


def aging_total(db: Database, client: int, as_of: date) -> D:
    row = run_aging(db, as_of).row_for(client)
    return ZERO if row is None else row.total


def strip(doc: StatementDocument) -> dict[str, D]:
    return {figure.label: figure.amount for figure in doc.aging}


@pytest.fixture
def ledger(db: Database) -> int:
    """One client's February and March, and a payment made after the end of March."""
    client = add_client(db, ClientInput("ACME", "Acme Ltd", contact_name="Ann Jones", terms=PaymentTerms(30)))
    first = invoice(db, client, date(2026, 2, 10), "1000.00", reference="PO-1")  # due 12 March
    record_payment(db, PaymentInput(client, date(2026, 2, 20), D("400.00"), "BACS", "ACME FEB", first))
    second = invoice(db, client, date(2026, 3, 2), "250.00")  # due 1 April
    record_payment(db, PaymentInput(client, date(2026, 3, 2), D("100.00"), "Cheque"))  # oldest first
    issue_credit_note(db, CreditNoteInput(client, date(2026, 3, 15), D("50.00"), second, "Price correction"))
    invoice(db, client, date(2026, 3, 20), "80.00")  # due 19 April
    invoice(db, client, date(2026, 3, 25), "999.00", status=InvoiceStatus.DRAFT)  # never on a statement
    voided = invoice(db, client, date(2026, 3, 26), "77.00")
    void_invoice(db, voided)
    record_payment(db, PaymentInput(client, date(2026, 4, 3), D("500.00")))  # after the statement date
    return client


def test_activity_statement_walks_from_opening_to_closing(db: Database, ledger: int) -> None:
    doc = statement_document(db, ledger, StatementRequest(MARCH_END))
    assert (doc.style, doc.statement_date, doc.period_start) == (ACTIVITY, MARCH_END, date(2026, 3, 1))
    assert doc.opening_balance == D("600.00") == exposure(db, ledger, date(2026, 2, 28))
    rows = [(line.day, line.kind, line.reference, line.details, line.debit, line.credit, line.balance)
            for line in doc.lines]  # fmt: skip
    assert rows == [
        (date(2026, 3, 2), EntryKind.INVOICE, "INV-00002", "", D("250.00"), ZERO, D("850.00")),
        (date(2026, 3, 2), EntryKind.PAYMENT, "", "Cheque", ZERO, D("100.00"), D("750.00")),
        (
            date(2026, 3, 15),
            EntryKind.CREDIT_NOTE,
            "CN-00001",
            "Price correction",
            ZERO,
            D("50.00"),
            D("700.00"),
        ),
        (date(2026, 3, 20), EntryKind.INVOICE, "INV-00003", "", D("80.00"), ZERO, D("780.00")),
    ]
    assert doc.lines[0].due_date == date(2026, 4, 1) and doc.lines[1].due_date is None
    assert (
        doc.closing_balance
        == D("780.00")
        == exposure(db, ledger, MARCH_END)
        == aging_total(db, ledger, MARCH_END)
    )
    assert (doc.payment_reference, doc.terms, doc.client.contact_name) == ("ACME", "Net 30", "Ann Jones")
    assert doc.creditor_reference == creditor_reference("ACME")  # recomputed from the code, never stored


def test_a_longer_period_starts_from_an_earlier_balance(db: Database, ledger: int) -> None:
    doc = statement_document(db, ledger, StatementRequest(MARCH_END, ACTIVITY, date(2026, 2, 1)))
    assert doc.opening_balance == ZERO
    assert doc.lines[0].details == "PO-1"
    assert (doc.lines[1].reference, doc.lines[1].details) == ("ACME FEB", "BACS")  # the payer's reference
    assert doc.closing_balance == D("780.00")
    april = statement_document(db, ledger, StatementRequest(date(2026, 4, 30)))
    assert (april.opening_balance, april.closing_balance) == (D("780.00"), D("280.00"))


def test_open_items_show_what_is_unpaid_and_how_late(db: Database, ledger: int) -> None:
    doc = statement_document(db, ledger, StatementRequest(MARCH_END, OPEN_ITEMS))
    assert (doc.period_start, doc.opening_balance) == (None, ZERO)
    rows = [(line.reference, line.debit, line.credit, line.open_amount, line.days_overdue, line.balance)
            for line in doc.lines]  # fmt: skip
    assert rows == [
        ("INV-00001", D("1000.00"), ZERO, D("500.00"), 19, D("500.00")),
        ("INV-00002", D("250.00"), ZERO, D("200.00"), 0, D("700.00")),
        ("INV-00003", D("80.00"), ZERO, D("80.00"), 0, D("780.00")),
    ]
    assert doc.closing_balance == D("780.00")
    assert strip(doc) == {
        "Current": D("280.00"),
        "1–30 days": D("500.00"),
        "31–60 days": ZERO,
        "61–90 days": ZERO,
        "Over 90 days": ZERO,
    }


def test_money_on_account_is_a_negative_open_item(db: Database, ledger: int) -> None:
    # At the end of April the 500.00 paid on 3 April cleared INV-00001 and left nothing over;
    # 400.00 more in May pays the rest and leaves 120.00 on account.
    client = ledger
    record_payment(db, PaymentInput(client, date(2026, 5, 5), D("400.00"), "BACS", "REF 9"))
    doc = statement_document(db, client, StatementRequest(date(2026, 5, 31), OPEN_ITEMS))
    (line,) = doc.lines
    assert (line.kind, line.reference, line.details, line.credit) == (
        EntryKind.PAYMENT,
        "REF 9",
        "BACS",
        D("400.00"),
    )
    assert (line.open_amount, line.days_overdue, line.balance) == (D("-120.00"), None, D("-120.00"))
    assert doc.closing_balance == D("-120.00")
    assert strip(doc)["On account"] == D("-120.00")
    assert sum(strip(doc).values()) == doc.closing_balance == aging_total(db, client, date(2026, 5, 31))
    activity = statement_document(db, client, StatementRequest(date(2026, 5, 31)))
    assert activity.closing_balance == D("-120.00")


def test_aging_strip_is_the_aging_tabs_row(db: Database, ledger: int) -> None:
    for as_of in (date(2026, 3, 11), date(2026, 3, 13), MARCH_END, date(2026, 4, 20), date(2026, 7, 1)):
        row = run_aging(db, as_of).row_for(ledger)
        assert row is not None
        for style in StatementStyle:
            doc = statement_document(db, ledger, StatementRequest(as_of, style))
            figures = [figure.amount for figure in doc.aging]
            assert tuple(figures[:5]) == row.buckets
            assert sum(figures, ZERO) == doc.closing_balance == row.total
            assert "On account" not in strip(doc)


def test_nothing_after_the_statement_date_counts(db: Database, ledger: int) -> None:
    before = statement_document(db, ledger, StatementRequest(MARCH_END, OPEN_ITEMS))
    after = statement_document(db, ledger, StatementRequest(date(2026, 4, 3), OPEN_ITEMS))
    assert before.lines[0].open_amount == D("500.00")  # the 3 April payment is not yet there
    assert [line.reference for line in after.lines] == ["INV-00002", "INV-00003"]
    assert after.closing_balance == D("280.00")


def test_requests_that_cannot_be_met_are_refused(db: Database, ledger: int) -> None:
    with pytest.raises(ValidationError, match="starts on 1 Apr 2026, after the statement date"):
        statement_document(db, ledger, StatementRequest(MARCH_END, ACTIVITY, date(2026, 4, 1)))
    with pytest.raises(NotFoundError, match="no longer exists"):
        statement_document(db, 999, StatementRequest(MARCH_END))
    assert client_id_for_code(db, "ACME") == ledger
    with pytest.raises(NotFoundError, match="no client with code 'NOPE'"):
        client_id_for_code(db, "NOPE")
    assert statement_file_name("ACME", MARCH_END) == "Statement ACME 2026-03-31.pdf"
    assert statement_file_name("A/B", MARCH_END) == "Statement A-B 2026-03-31.pdf"


def test_a_long_statement_runs_over_pages(db: Database) -> None:
    client = add_client(db, ClientInput("BIG", "Big Builders Ltd", terms=PaymentTerms(14)))
    start = date(2025, 12, 1)
    numbers = []
    for n in range(130):
        day = start + timedelta(days=n // 2)
        invoice_id = invoice(db, client, day, f"{100 + n}.{n % 100:02d}")
        numbers.append(invoice_id)
        if n % 10 == 9:
            record_payment(db, PaymentInput(client, day, D("450.00"), "BACS"))
    request = StatementRequest(date(2026, 3, 5), ACTIVITY, date(2025, 12, 6))
    doc = statement_document(db, client, request)
    invoice_lines = [line.reference for line in doc.lines if line.kind is EntryKind.INVOICE]
    assert len(invoice_lines) == 120
    assert doc.closing_balance == doc.opening_balance + sum(line.debit - line.credit for line in doc.lines)
    pages, text = pdf_text(statement_pdf(db, client, request))
    assert pages > 1
    formats = doc.formats
    assert f"Opening balance\n{formats.amount(doc.opening_balance)}" in text
    assert f"Closing balance\n{formats.amount(sum((line.debit for line in doc.lines), ZERO))}" in text
    assert formats.amount(doc.closing_balance) in text
    for number in invoice_lines:
        assert number in text, number
    # The amount due closes the aging strip and heads the remittance slip.
    due = formats.money(doc.closing_balance)
    assert text.count(due) >= 2
    assert f"Amount due\n{due}" in text[text.index("REMITTANCE ADVICE") :]


def test_the_pdf_for_open_items_names_what_is_overdue(db: Database, ledger: int) -> None:
    pages, text = pdf_text(statement_pdf(db, ledger, StatementRequest(MARCH_END, OPEN_ITEMS)))
    assert pages == 1
    for expected in ("Acme Ltd", "INV-00001", "INV-00002", "INV-00003", "€780.00", "€500.00", "ACME"):
        assert expected in text, expected
    assert "INV-00004" not in text and "DRAFT" not in text  # neither the void invoice nor the draft


# --- the invariants, on random ledgers built through the services -----------------------------------

START = date(2026, 1, 1)
amounts = st.integers(min_value=1, max_value=150_000).map(lambda c: D(c) / 100)
offsets = st.integers(min_value=0, max_value=120)
# (kind, client, day offset, amount, extra): an invoice's extra is its terms in days; for a payment
# or credit note a non-zero extra names the client's latest invoice.
Action = tuple[str, int, int, D, int]
actions = st.lists(
    st.one_of(
        st.tuples(st.just("invoice"), st.integers(0, 1), offsets, amounts, st.integers(0, 45)),
        st.tuples(
            st.sampled_from(["payment", "credit"]), st.integers(0, 1), offsets, amounts, st.integers(0, 1)
        ),
        st.tuples(
            st.sampled_from(["allocate", "void"]), st.integers(0, 1), offsets, st.just(ZERO), st.just(0)
        ),
    ),
    max_size=22,
)


def play(db: Database, steps: list[Action]) -> list[int]:
    create_company(db, "Prop Co", "EUR", "en_GB")
    clients = [add_client(db, ClientInput(f"C{i}", f"Client {i}")) for i in range(2)]
    issued: dict[int, list[int]] = {c: [] for c in clients}
    for kind, who, offset, amount, extra in steps:
        client, when = clients[who], START + timedelta(days=offset)
        if kind == "invoice":
            issued[client].append(invoice(db, client, when, str(amount), when + timedelta(days=extra)))
        elif kind in ("payment", "credit"):
            named = issued[client][-1] if extra and issued[client] else None
            if kind == "payment":
                record_payment(db, PaymentInput(client, when, amount, invoice_id=named))
            else:
                issue_credit_note(db, CreditNoteInput(client, when, amount, invoice_id=named))
        elif kind == "void" and issued[client]:
            void_invoice(db, issued[client].pop())
        elif kind == "allocate":
            allocate_some(db, client, when)
    return clients


def allocate_some(db: Database, client: int, on: date) -> None:
    """Apply money on account (received by ``on``) to the client's oldest open invoice."""
    with UnitOfWork(db) as uow:
        conn = uow.session.connection()
        available = sum(left for _, _, day, left in unapplied_receipts_of(conn, client) if day <= on)
        owed = sorted(open_invoices_of(conn, client), key=lambda row: (row[3], row[0]))
    if available and owed:
        amount = min(available, owed[0][4])
        allocate_on_account(db, client, [Allocation(owed[0][0], from_minor(amount))], on)


def kind_total(doc: StatementDocument, kind: EntryKind) -> D:
    return sum((line.debit + line.credit for line in doc.lines if line.kind is kind), ZERO)


@pytest.mark.long
@settings(max_examples=30)
@given(actions, st.lists(st.tuples(offsets, st.integers(0, 60)), min_size=1, max_size=3))
def test_every_statement_agrees_with_the_ledger_and_the_aging(
    steps: list[Action], periods: list[tuple[int, int]]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = open_database(Path(folder) / "prop.sqlite", create=True)
        try:
            clients = play(db, steps)
            for end_offset, length in periods:
                end = START + timedelta(days=end_offset)
                start = end - timedelta(days=length)
                aging = run_aging(db, end)
                for client in clients:
                    activity = statement_document(db, client, StatementRequest(end, ACTIVITY, start))
                    open_items = statement_document(db, client, StatementRequest(end, OPEN_ITEMS))
                    assert activity.closing_balance == (
                        activity.opening_balance
                        + kind_total(activity, EntryKind.INVOICE)
                        - kind_total(activity, EntryKind.PAYMENT)
                        - kind_total(activity, EntryKind.CREDIT_NOTE)
                    )
                    assert activity.opening_balance == exposure(db, client, start - timedelta(days=1))
                    assert all(start <= line.day <= end for line in activity.lines)
                    row = aging.row_for(client)
                    expected = ZERO if row is None else row.total
                    assert activity.closing_balance == open_items.closing_balance == expected
                    assert sum((f.amount for f in activity.aging), ZERO) == expected
                    assert activity.aging == open_items.aging
                    assert sum((line.open_amount or ZERO for line in open_items.lines), ZERO) == expected
                    for line in open_items.lines:
                        assert line.open_amount and (line.open_amount > 0) == (line.kind is EntryKind.INVOICE)
                        assert line.day <= end
        finally:
            db.close()
