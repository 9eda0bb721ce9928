"""Importing payments: the bulk write gives exactly what recording each payment by hand gives.

Same allocations, same money on account, the same early-payment discounts;
a payment already in the books is not doubled; CreditDesk's own export comes
back as it went out; the usual Excel files of four locales import.
"""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import ROUND_HALF_UP
from decimal import Decimal as D
from pathlib import Path

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text

from creditdesk.domain.errors import ImportRefused
from creditdesk.domain.invoice import InvoiceLine
from creditdesk.domain.terms import PaymentTerms
from creditdesk.services.clients.records import ClientInput, add_client
from creditdesk.services.company.settings import create_company
from creditdesk.services.imports.exporting import export_payments
from creditdesk.services.imports.payment_import import import_payments
from creditdesk.services.ledger.invoices import InvoiceInput, create_invoice
from creditdesk.services.ledger.payments import (
    EARLY_PAYMENT_DISCOUNT_REASON,
    PaymentInput,
    record_payment,
    record_payment_in,
)
from creditdesk.services.reports.aging import run_aging
from creditdesk.store.database import Database, open_database
from creditdesk.store.models import Activity, AllocationRow, Base, CreditNote, Invoice, Payment
from creditdesk.store.unit_of_work import UnitOfWork

START = date(2026, 1, 1)
FIXTURES = Path(__file__).parents[1] / "imports" / "fixtures"
TERMS = (
    PaymentTerms(30),
    PaymentTerms(30, discount_percent=D("2"), discount_days=10),
    PaymentTerms(14, discount_percent=D("3"), discount_days=5),
)

# (client, issue day, days to pay, cents)
invoice_rows = st.tuples(st.integers(0, 2), st.integers(0, 60), st.integers(0, 45), st.integers(100, 100_000))
# An amount in cents, or a share (in %) of one of the client's invoices: 97-100 % earns a discount or nearly.
shares = st.tuples(st.just("share"), st.integers(0, 7), st.sampled_from([50, 97, 98, 98, 99, 100]))
amounts = st.one_of(st.tuples(st.just("cents"), st.integers(1, 150_000), st.just(0)), shares, shares)
# (client, day, amount, the invoice named (the client's n-th) or none, reference)
payment_rows = st.tuples(
    st.integers(0, 2),
    st.integers(0, 120),
    amounts,
    st.one_of(st.none(), st.integers(0, 7)),
    st.sampled_from(["", "BACS", "card"]),
)


class Books:
    """A company with three clients (two of them offered early-payment discounts) and their invoices."""

    def __init__(self, template: Path, path: Path, invoices: list[tuple[int, int, int, int]]) -> None:
        shutil.copy2(template, path)  # Test Co (EUR, en_GB), migrated once for the whole run
        self.db = open_database(path)
        self.clients = [
            add_client(self.db, ClientInput(f"C{n}", f"Client {n}", terms=terms))
            for n, terms in enumerate(TERMS)
        ]
        self.invoices: dict[int, list[tuple[int, str, D, date]]] = {n: [] for n in range(3)}
        for number, (who, day, terms, cents) in enumerate(invoices, start=1):
            issued = START + timedelta(days=day)
            gross = D(cents) / 100
            line = InvoiceLine("Work", D(1), gross)
            invoice_id = create_invoice(
                self.db,
                InvoiceInput(
                    self.clients[who],
                    issued,
                    [line],
                    due_date=issued + timedelta(days=terms),
                    number=f"I-{number}",
                ),
            )
            self.invoices[who].append((invoice_id, f"I-{number}", gross, issued))
        # One payment typed in by hand before the file comes.
        if invoices:
            record_payment(
                self.db, PaymentInput(self.clients[invoices[0][0]], START, D("5.00"), reference="by hand")
            )

    def payment(
        self, row: tuple[int, int, tuple[str, int, int], int | None, str]
    ) -> tuple[int, date, D, str, str]:
        """(client id, date, amount, reference, invoice number) of one generated payment."""
        who, day, (kind, value, share), named, reference = row
        own = self.invoices[who]
        paid_on = START + timedelta(days=day)
        if kind == "cents":
            amount = D(value) / 100
        elif own:  # a share of an invoice, paid within a fortnight of its issue: around a discount's deadline
            _, _, gross, issued = own[value % len(own)]
            amount = (gross * share / 100).quantize(D("0.01"), ROUND_HALF_UP)
            paid_on = issued + timedelta(days=day % 15)
        else:
            amount = D("10.00")
        if kind == "share" and named is not None and own:
            named = value  # paying a share of an invoice, the payer names that invoice
        number = own[named % len(own)][1] if named is not None and own else ""
        return self.clients[who], paid_on, amount, reference, number


def ledger(db: Database) -> dict[str, object]:
    """Everything a payment can change, by id: payments, credit notes, allocations, each client's position."""
    with UnitOfWork(db) as uow:
        conn = uow.session.connection()

        def rows(sql: str) -> list[tuple[object, ...]]:
            found = [tuple(row) for row in conn.execute(text(sql))]
            return sorted(
                found, key=lambda row: tuple((value is None, 0 if value is None else value) for value in row)
            )

        state: dict[str, object] = {
            "payments": rows("SELECT id, client_id, date, amount, method, reference FROM payment"),
            "credit notes": rows(
                "SELECT id, number, client_id, invoice_id, date, amount, reason FROM credit_note"
            ),
            "allocations": rows(
                "SELECT invoice_id, payment_id, credit_note_id, date, amount FROM allocation"
            ),
        }
    aging = run_aging(db, START + timedelta(days=400))
    state["aging"] = [(row.client_code, row.buckets, row.unallocated, row.total) for row in aging.rows]
    return state


def payments_file(path: Path, payments: list[tuple[int, date, D, str, str]], codes: dict[int, str]) -> Path:
    lines = ["client_code,date,amount,reference,invoice_number"]
    lines += [
        f"{codes[c]},{day.isoformat()},{amount},{ref},{number}" for c, day, amount, ref, number in payments
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


_examples = itertools.count()


@settings(max_examples=30)
@given(st.lists(invoice_rows, min_size=1, max_size=8), st.lists(payment_rows, min_size=1, max_size=10))
def test_the_bulk_import_records_exactly_what_recording_each_payment_by_hand_does(
    tmp_path: Path,
    company_template: Path,
    invoices: list[tuple[int, int, int, int]],
    rows: list[tuple[int, int, tuple[str, int, int], int | None, str]],
) -> None:
    n = next(_examples)
    by_hand = Books(company_template, tmp_path / f"hand{n}.sqlite", invoices)
    imported = Books(company_template, tmp_path / f"file{n}.sqlite", invoices)
    try:
        payments = [by_hand.payment(row) for row in rows]
        numbers = {number: invoice_id for own in by_hand.invoices.values() for invoice_id, number, *_ in own}
        # By hand, as the import applies them: in date order, same-day payments in the file's order.
        with UnitOfWork(by_hand.db, write=True) as uow:
            for client_id, day, amount, reference, number in sorted(payments, key=lambda p: p[1]):
                data = PaymentInput(
                    client_id, day, amount, reference=reference, invoice_id=numbers.get(number)
                )
                record_payment_in(uow.session, data)
            uow.commit()
        codes = {client_id: f"C{k}" for k, client_id in enumerate(imported.clients)}
        summary = import_payments(imported.db, payments_file(tmp_path / f"p{n}.csv", payments, codes))
        assert summary.count == len(payments)
        state = ledger(imported.db)
        assert state == ledger(by_hand.db)
        event(f"early-payment discounts: {min(len(state['credit notes']), 2)}")  # type: ignore[arg-type]
    finally:
        by_hand.db.close()
        imported.db.close()


@pytest.fixture
def books(tmp_path: Path, company_template: Path) -> Iterator[Books]:
    # ACME (2 % 10, net 30) owes I-1 (100.00, 1 March) and I-2 (50.00, 10 March); BETA (net 30) owes I-3.
    made = Books(
        company_template,
        tmp_path / "books.sqlite",
        [(1, 59, 30, 10_000), (1, 68, 30, 5_000), (0, 59, 30, 8_000)],
    )
    yield made
    made.db.close()


def count(db: Database, model: type[Base]) -> int:
    with UnitOfWork(db) as uow:
        return int(uow.session.scalar(select(func.count()).select_from(model)) or 0)


def test_a_payment_that_earns_the_discount_gets_the_credit_note_it_would_get_by_hand(
    books: Books, tmp_path: Path
) -> None:
    path = tmp_path / "payments.csv"
    path.write_text(
        "client_code,date,amount,reference\nC1,2026-03-11,98.00,early\nC1,2026-03-25,49.00,late\n"
    )
    summary = import_payments(books.db, path)
    assert "early-payment discounts: 1" in summary.describe()
    with UnitOfWork(books.db) as uow:
        notes = [
            (n.number, n.amount, n.date, n.invoice_id, n.reason)
            for n in uow.session.scalars(select(CreditNote))
        ]
        paid = dict(
            uow.session.execute(
                select(Invoice.number, func.sum(AllocationRow.amount))
                .join(AllocationRow, AllocationRow.invoice_id == Invoice.id)
                .group_by(Invoice.number)
            ).all()
        )
    # Paid on the tenth day after 1 March: 2 % of I-1 written off; I-2 paid on day 15 earns nothing.
    assert notes == [
        ("CN-00001", 200, date(2026, 3, 11), books.invoices[1][0][0], EARLY_PAYMENT_DISCOUNT_REASON)
    ]
    assert paid == {"I-1": 10000, "I-2": 4900}


def test_importing_the_same_file_twice_changes_nothing(books: Books, tmp_path: Path) -> None:
    path = tmp_path / "payments.csv"
    path.write_text(
        "client_code,date,amount,reference\n"
        "C1,2026-03-20,60.00,BACS 1\n"
        "C1,2026-03-20,60.00,BACS 1\n"  # the same again in one file: two payments
        "C0,2026-03-21,30.00,\n"
    )
    first = import_payments(books.db, path)
    assert (first.count, first.allocated, first.on_account) == (3, D("150.00"), D("0.00"))
    assert "already recorded: 0" in first.describe()
    before = ledger(books.db)
    activity = count(books.db, Activity)
    again = import_payments(books.db, path)
    assert (again.count, again.total, again.allocated, again.on_account) == (0, D(0), D(0), D(0))
    assert again.describe() == (
        "0 payments from payments.csv totalling 0.00 EUR (0.00 EUR allocated to invoices, "
        "0.00 EUR left on account); already recorded: 3"
    )
    assert ledger(books.db) == before
    assert count(books.db, Activity) == activity
    # A third row of the same payment is new: the books hold two.
    path.write_text(path.read_text() + "C1,2026-03-20,60.00,BACS 1\n")
    third = import_payments(books.db, path)
    assert (third.count, third.allocated, third.on_account) == (1, D("30.00"), D("30.00"))
    assert "already recorded: 3" in third.describe()


def test_a_dry_run_works_out_the_same_and_writes_nothing(books: Books, tmp_path: Path) -> None:
    path = tmp_path / "payments.csv"
    path.write_text("client_code,date,amount\nC1,2026-03-11,98.00\nC0,2026-04-01,100.00\n")
    before = ledger(books.db)
    preview = import_payments(books.db, path, dry_run=True)
    assert ledger(books.db) == before
    real = import_payments(books.db, path)
    assert (preview.count, preview.allocated, preview.on_account, preview.counts) == (
        real.count,
        real.allocated,
        real.on_account,
        real.counts,
    )
    assert (real.allocated, real.on_account) == (D("178.00"), D("20.00"))


def test_a_refused_file_writes_nothing(books: Books, tmp_path: Path) -> None:
    path = tmp_path / "payments.csv"
    path.write_text(
        "client_code,date,amount,invoice_number\nC1,2026-03-11,98.00,\nC9,2026-03-12,5.00,\nC0,2026-03-12,5.00,I-1\n"
    )
    before = ledger(books.db)
    with pytest.raises(ImportRefused) as info:
        import_payments(books.db, path)
    assert info.value.problems == (
        "line 3, field 'client_code': 'C9' is not a client CreditDesk keeps; "
        "add the client first, then import the payments",
        "line 4, field 'invoice_number': invoice I-1 belongs to client 'C1', not to 'C0'",
    )
    assert ledger(books.db) == before


def test_creditdesks_export_comes_back_as_it_went_out(
    books: Books, tmp_path: Path, company_template: Path
) -> None:
    acme, beta = books.clients[1], books.clients[0]
    record_payment(
        books.db, PaymentInput(acme, date(2026, 3, 20), D("120.00"), method="card", reference="=1+1")
    )
    record_payment(books.db, PaymentInput(beta, date(2026, 3, 21), D("100.00"), method="bank transfer"))
    exported = tmp_path / "payments.csv"
    export_payments(books.db, exported)
    # Into the books it came from: every payment is there already.
    again = import_payments(books.db, exported)
    assert (again.count, again.counts) == (0, (("already recorded", 3),))
    # Into a copy of the books without those payments: the same payments, applied the same way.
    fresh = Books(
        company_template,
        tmp_path / "fresh.sqlite",
        [(1, 59, 30, 10_000), (1, 68, 30, 5_000), (0, 59, 30, 8_000)],
    )
    try:
        summary = import_payments(fresh.db, exported)
        assert summary.count == 2  # the 5.00 typed in by hand is in both books already
        export_payments(fresh.db, tmp_path / "back.csv")
        assert (tmp_path / "back.csv").read_bytes() == exported.read_bytes()
        assert ledger(fresh.db) == ledger(books.db)
    finally:
        fresh.db.close()


@pytest.mark.parametrize(
    ("name", "currency", "locale", "clients", "invoice", "allocated", "on_account"),
    [
        ("de_payments_semicolon_cp1252.csv", "EUR", "de_DE", [("K-001", "Müller Werkzeuge GmbH", ""),
         ("K-002", "Bäckerei Schäfer KG", "")], "RE-1001", "1584.45", "0.00"),
        ("fr_payments_unicode_text_utf16le.txt", "EUR", "fr_FR", [("C-01", "Épicerie Lefèvre SARL", ""),
         ("C-02", "Café des Arts", "")], "F-2026-001", "1779.60", "0.00"),
        ("nl_payments_unicode_text_utf16be.txt", "EUR", "nl_NL", [("K100", "Bakkerij de Vries B.V.", ""),
         ("K200", "Fietsenmaker Jansen", "")], "2026-0101", "1309.50", "0.00"),
        ("us_payments_comma_utf8bom.csv", "USD", "en_US",
         [("HARBOR", "Harbor Lights Diner", "ap@harborlights.example"),
          ("GRANITE", "Granite State Supply", "billing@granite.example")], "INV-2001", "1800.00", "1734.50"),
    ],
)  # fmt: skip
def test_excel_files_of_four_locales_import_into_companies_of_those_locales(
    tmp_path: Path,
    name: str,
    currency: str,
    locale: str,
    clients: list[tuple[str, str, str]],
    invoice: str,
    allocated: str,
    on_account: str,
) -> None:
    db = open_database(tmp_path / "books.sqlite", create=True)
    try:
        create_company(db, "Local Co", currency, locale)
        ids = [add_client(db, ClientInput(code, client, email)) for code, client, email in clients]
        line = [InvoiceLine("Work", D(1), D("1500.00"))]
        create_invoice(db, InvoiceInput(ids[0], date(2026, 10, 1), line, number=invoice))
        create_invoice(db, InvoiceInput(ids[1], date(2026, 10, 1), line, number=f"{invoice}-B"))
        summary = import_payments(db, FIXTURES / name)
        assert (summary.allocated, summary.on_account) == (D(allocated), D(on_account))
        with UnitOfWork(db) as uow:
            paid = uow.session.scalars(select(Payment.client_id).order_by(Payment.date)).all()
        assert set(paid) == set(ids)
    finally:
        db.close()
