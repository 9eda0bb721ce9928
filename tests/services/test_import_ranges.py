"""Imports refuse amounts and dates beyond CreditDesk's range, with line and column, writing nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from creditdesk.domain.errors import ImportRefused, ValidationError
from creditdesk.domain.formats import Formats
from creditdesk.domain.invoice import InvoiceLine
from creditdesk.services.company.maintenance import check_database
from creditdesk.services.imports.client_import import import_clients
from creditdesk.services.imports.common import ImportSummary
from creditdesk.services.imports.invoice_import import import_invoices
from creditdesk.services.imports.payment_import import import_payments
from creditdesk.services.ledger.invoices import InvoiceInput, LineText, create_invoice, read_invoice_form
from creditdesk.services.ledger.payments import PaymentInput, record_payment
from creditdesk.services.reports.aging import run_aging
from creditdesk.store.database import Database
from creditdesk.store.models import Base, Client, Invoice, Payment
from creditdesk.store.unit_of_work import UnitOfWork

CLIENTS = "code,name,credit_limit\nACME,Acme Ltd,5000\n"
LIMIT = "(99,999,999,999.99)"
TODAY = date(2026, 6, 30)


def csv_file(tmp_path: Path, content: str, name: str) -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


def count(db: Database, model: type[Base]) -> int:
    with UnitOfWork(db) as uow:
        return int(uow.session.scalar(select(func.count()).select_from(model)) or 0)


def refusal(action: Callable[[], ImportSummary]) -> tuple[str, ...]:
    with pytest.raises(ImportRefused) as info:
        action()
    return info.value.problems


@pytest.fixture
def acme(db: Database, tmp_path: Path) -> Database:
    import_clients(db, csv_file(tmp_path, CLIENTS, "clients.csv"), today=TODAY)
    return db


@pytest.mark.parametrize("amount", ["50000000000000000.00", "99999999999999999999.99"])
def test_an_invoice_amount_beyond_the_maximum_is_refused_with_line_and_column(
    acme: Database, tmp_path: Path, amount: str
) -> None:
    content = (
        "number,client_code,issue_date,amount\n"
        "INV-1,ACME,2026-01-10,100.00\n"
        f"INV-2,ACME,2026-01-11,{amount}\n"
    )
    problems = refusal(lambda: import_invoices(acme, csv_file(tmp_path, content, "invoices.csv")))
    assert problems == (
        f"line 3, field 'amount': amount {amount} is larger than the largest amount CreditDesk accepts "
        f"{LIMIT}",
    )
    assert count(acme, Invoice) == 0
    assert run_aging(acme, date(2026, 6, 30)).rows == ()  # the books still add up


def test_the_largest_amount_itself_is_imported(acme: Database, tmp_path: Path) -> None:
    content = "number,client_code,issue_date,amount\nINV-1,ACME,2026-01-10,99999999999.99\n"
    import_invoices(acme, csv_file(tmp_path, content, "invoices.csv"))
    report = run_aging(acme, date(2026, 6, 30))
    assert report.totals.total == D("99999999999.99")


@pytest.mark.parametrize(
    ("cells", "column", "value"),
    [
        ("9999-12-31,", "issue_date", "9999-12-31"),
        ("0001-01-01,", "issue_date", "0001-01-01"),
        ("2026-01-10,9999-12-31", "due_date", "9999-12-31"),
    ],
)
def test_an_invoice_date_outside_the_range_is_refused(
    acme: Database, tmp_path: Path, cells: str, column: str, value: str
) -> None:
    content = f"number,client_code,issue_date,due_date,amount\nINV-1,ACME,{cells},100.00\n"
    problems = refusal(lambda: import_invoices(acme, csv_file(tmp_path, content, "invoices.csv")))
    assert problems == (f"line 2, field '{column}': {value} is outside 1900-01-01 to 2199-12-31",)
    assert count(acme, Invoice) == 0


def test_a_due_date_from_terms_beyond_the_range_is_refused(acme: Database, tmp_path: Path) -> None:
    content = "number,client_code,issue_date,amount\nINV-1,ACME,2199-12-31,100.00\n"
    problems = refusal(lambda: import_invoices(acme, csv_file(tmp_path, content, "invoices.csv")))
    assert len(problems) == 1
    assert problems[0].startswith("line 2: the due date 2200-")
    assert "is outside 1900-01-01 to 2199-12-31" in problems[0]
    assert count(acme, Invoice) == 0


def test_payments_and_credit_limits_beyond_the_range_are_refused(acme: Database, tmp_path: Path) -> None:
    payments = "client_code,date,amount\nACME,2026-02-01,50000000000000000.00\nACME,9999-12-31,10.00\n"
    problems = refusal(lambda: import_payments(acme, csv_file(tmp_path, payments, "payments.csv")))
    assert problems == (
        "line 2, field 'amount': amount 50000000000000000.00 is larger than the largest amount "
        f"CreditDesk accepts {LIMIT}",
        "line 3, field 'date': 9999-12-31 is outside 1900-01-01 to 2199-12-31",
    )
    assert count(acme, Payment) == 0
    clients = "code,name,credit_limit\nBIG,Big plc,100000000000.00\n"
    problems = refusal(lambda: import_clients(acme, csv_file(tmp_path, clients, "more.csv"), today=TODAY))
    assert problems == (
        "line 2, field 'credit_limit': amount 100000000000.00 is larger than the largest amount "
        f"CreditDesk accepts {LIMIT}",
    )
    assert count(acme, Client) == 1


def test_services_refuse_what_a_form_or_caller_might_pass(acme: Database) -> None:
    with UnitOfWork(acme) as uow:
        client_id = uow.session.scalars(select(Client.id)).one()
    too_big = (InvoiceLine("Work", D(1), D("100000000000.00")),)
    with pytest.raises(ValidationError, match="larger than the largest amount"):
        create_invoice(acme, InvoiceInput(client_id, date(2026, 1, 1), too_big))
    many = (InvoiceLine("Work", D(1_000_000), D("1000000.00")),)
    with pytest.raises(ValidationError, match="line 1's amount"):
        create_invoice(acme, InvoiceInput(client_id, date(2026, 1, 1), many))
    fine = (InvoiceLine("Work", D(1), D("10.00")),)
    with pytest.raises(ValidationError, match="the issue date 1899-12-31 is outside"):
        create_invoice(acme, InvoiceInput(client_id, date(1899, 12, 31), fine))
    with pytest.raises(ValidationError, match="the payment's date 2200-01-01 is outside"):
        record_payment(acme, PaymentInput(client_id, date(2200, 1, 1), D("10.00")))
    with pytest.raises(ValidationError, match="the payment's amount"):
        record_payment(acme, PaymentInput(client_id, date(2026, 1, 1), D("1e17")))
    assert (count(acme, Invoice), count(acme, Payment)) == (0, 0)


def test_check_finds_values_written_around_the_checks(acme: Database, db_path: Path, tmp_path: Path) -> None:
    content = "number,client_code,issue_date,amount\nINV-1,ACME,2026-01-10,100.00\n"
    import_invoices(acme, csv_file(tmp_path, content, "invoices.csv"))
    payments = "client_code,date,amount\nACME,2026-02-01,40.00\n"
    import_payments(acme, csv_file(tmp_path, payments, "payments.csv"))
    assert check_database(db_path).problems == ()
    with UnitOfWork(acme, write=True) as uow:
        conn = uow.session.connection()
        conn.execute(text("UPDATE invoice SET net = 5000000000000000000, gross = 5000000000000000000"))
        conn.execute(text("UPDATE payment SET date = '9999-12-31'"))
        uow.commit()
    problems = check_database(db_path).problems
    assert "invoice INV-1 has an amount larger than CreditDesk accepts" in problems
    assert "payment #1 has a date outside 1900-01-01 to 2199-12-31" in problems


def test_the_invoice_form_explains_a_too_large_line_or_total_instead_of_failing() -> None:
    formats = Formats("EUR", "en_GB", 2)
    day = date(2026, 1, 1)
    huge = read_invoice_form(1, day, day, "", [LineText("Work", "1e30", "99,999,999,999.99")], formats)
    assert [p.field for p in huge.problems] == ["quantity"]
    assert "line 1: the line's amount" in huge.problems[0].message
    price = read_invoice_form(1, day, day, "", [LineText("Work", "1", "100,000,000,000.00")], formats)
    assert [p.field for p in price.problems] == ["unit_price"]
    assert "larger than the largest amount CreditDesk accepts" in price.problems[0].message
    lines = [LineText("Work", "1", "60,000,000,000.00")] * 2
    total = read_invoice_form(1, day, day, "", lines, formats)
    assert [p.field for p in total.problems] == ["lines"]
    assert (
        total.problems[0].message
        == "the invoice's total is larger than CreditDesk accepts (99,999,999,999.99)"
    )
