"""CSV imports on a real company file: all or nothing, every bad line named."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from creditdesk.domain.aging import AgingRow
from creditdesk.domain.errors import ImportRefused
from creditdesk.domain.invoice import InvoiceLine, InvoiceStatus
from creditdesk.services.company.settings import has_company
from creditdesk.services.imports.client_import import import_clients
from creditdesk.services.imports.common import ImportSummary
from creditdesk.services.imports.invoice_import import import_invoices
from creditdesk.services.imports.payment_import import import_payments
from creditdesk.services.ledger.invoices import InvoiceInput, create_invoice
from creditdesk.services.reports.aging import run_aging
from creditdesk.store.bulk import BulkWriter, Row
from creditdesk.store.database import Database, open_database
from creditdesk.store.models import Activity, AllocationRow, Base, Client, Invoice, InvoiceLineRow, Payment
from creditdesk.store.unit_of_work import UnitOfWork

AS_OF = date(2026, 6, 30)

CLIENTS = (
    "code,name,email,terms_days,credit_limit\nACME,Acme Ltd,ap@acme.example,14,5000\nBETA,Beta GmbH,,,\n"
)


def csv_file(tmp_path: Path, text: str, name: str = "data.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def count(db: Database, model: type[Base]) -> int:
    with UnitOfWork(db) as uow:
        return int(uow.session.scalar(select(func.count()).select_from(model)) or 0)


def refusal(action: Callable[[], ImportSummary]) -> tuple[str, ...]:
    with pytest.raises(ImportRefused) as info:
        action()
    return info.value.problems


def aging_row(db: Database, code: str, as_of: date = AS_OF) -> AgingRow:
    row = next((r for r in run_aging(db, as_of).rows if r.client_code == code), None)
    assert row is not None, f"{code} is not in the aging"
    return row


def with_clients(db: Database, tmp_path: Path) -> None:
    import_clients(db, csv_file(tmp_path, CLIENTS, "clients.csv"), today=AS_OF)


def ledger_counts(db: Database) -> dict[str, int]:
    models: list[type[Base]] = [Client, Invoice, InvoiceLineRow, Payment, AllocationRow, Activity]
    return {model.__tablename__: count(db, model) for model in models}


# --- happy paths -----------------------------------------------------------------------


def test_invoices_are_imported_as_one_line_with_due_dates_from_terms(db: Database, tmp_path: Path) -> None:
    with_clients(db, tmp_path)
    text = (
        "number,client_code,issue_date,due_date,amount,description\n"
        "A-1,ACME,2026-06-20,,100.00,Consulting\n"
        "A-2,ACME,2026-03-01,2026-04-15,250.5,\n"
        "B-1,BETA,2026-06-20,2026-06-20,99.99,Same-day terms\n"
    )
    summary = import_invoices(db, csv_file(tmp_path, text, "invoices.csv"))
    assert summary.count == 3
    assert summary.total == D("450.49")
    assert "3 invoices from invoices.csv totalling 450.49 EUR" in summary.describe()
    with UnitOfWork(db) as uow:
        invoices = {i.number: i for i in uow.session.scalars(select(Invoice))}
        lines = [(line.quantity, line.unit_price, line.tax_rate) for line in invoices["A-2"].lines]
        assert invoices["A-1"].due_date == date(2026, 7, 4)  # ACME's Net 14
        assert invoices["A-2"].due_date == date(2026, 4, 15)
        assert invoices["A-1"].lines[0].description == "Consulting"
        assert {i.status for i in invoices.values()} == {"issued"}
    assert lines == [(D(1), 25050, D(0))]
    keys = run_aging(db, AS_OF).bucket_keys
    assert aging_row(db, "ACME").buckets == (D("100.00"), D(0), D(0), D("250.50"), D(0))
    assert aging_row(db, "BETA").amount("1-30", keys) == D("99.99")


def test_payments_go_oldest_first_or_to_the_named_invoice(db: Database, tmp_path: Path) -> None:
    with_clients(db, tmp_path)
    import_invoices(
        db,
        csv_file(
            tmp_path,
            "number,client_code,issue_date,due_date,amount\n"
            "A-1,ACME,2026-01-10,,100.00\n"
            "A-2,ACME,2026-02-10,,100.00\n"
            "A-3,ACME,2026-03-10,,100.00\n"
            "B-1,BETA,2026-01-10,,80.00\n",
        ),
    )
    summary = import_payments(
        db,
        csv_file(
            tmp_path,
            "client_code,date,amount,reference,invoice_number\n"
            "ACME,2026-04-01,150.00,BACS 1,\n"  # A-1 in full, half of A-2
            "ACME,2026-04-02,100.00,BACS 2,A-3\n"  # A-3 named
            "BETA,2026-04-03,30,,\n",
            "payments.csv",
        ),
    )
    assert (summary.count, summary.total, summary.allocated, summary.on_account) == (
        3,
        D("280.00"),
        D("280.00"),
        D("0.00"),
    )
    assert aging_row(db, "ACME").total == D("50.00")
    assert aging_row(db, "BETA").total == D("50.00")
    with UnitOfWork(db) as uow:
        paid = dict(
            uow.session.execute(
                select(Invoice.number, func.sum(AllocationRow.amount))
                .join(AllocationRow, AllocationRow.invoice_id == Invoice.id)
                .group_by(Invoice.number)
            ).all()
        )
        references = sorted(uow.session.scalars(select(Payment.reference)))
    assert paid == {"A-1": 10000, "A-2": 5000, "A-3": 10000, "B-1": 3000}
    assert references == ["", "BACS 1", "BACS 2"]


def test_a_named_invoice_gets_its_open_amount_and_the_rest_stays_on_account(
    db: Database, tmp_path: Path
) -> None:
    with_clients(db, tmp_path)
    import_invoices(
        db,
        csv_file(
            tmp_path,
            "number,client_code,issue_date,amount\nA-1,ACME,2026-01-10,100.00\nA-2,ACME,2026-01-05,40.00\n",
        ),
    )
    summary = import_payments(
        db, csv_file(tmp_path, "client_code,date,amount,invoice_number\nACME,2026-02-01,150.00,A-1\n")
    )
    assert (summary.allocated, summary.on_account) == (D("100.00"), D("50.00"))
    assert "150.00 EUR" in summary.describe() and "50.00 EUR left on account" in summary.describe()
    acme = aging_row(db, "ACME")
    assert acme.unallocated == D("-50.00")
    assert acme.total == D("-10.00")  # A-2 (40.00) is not paid by money on account


def test_payments_are_applied_in_date_order(db: Database, tmp_path: Path) -> None:
    with_clients(db, tmp_path)
    invoices = (
        "number,client_code,issue_date,amount\nA-1,ACME,2026-01-01,100.00\nA-2,ACME,2026-01-10,100.00\n"
    )
    import_invoices(db, csv_file(tmp_path, invoices, "invoices.csv"))
    # In file order A-1 would take 50 (named), then 100 oldest-first: A-1 50 and A-2 50.
    # In date order the 100 of 15 January pays A-1, and the later 50 naming A-1 finds it paid.
    payments = "client_code,date,amount,invoice_number\nACME,2026-02-01,50.00,A-1\nACME,2026-01-15,100.00,\n"
    summary = import_payments(db, csv_file(tmp_path, payments, "payments.csv"))
    assert (summary.allocated, summary.on_account) == (D("100.00"), D("50.00"))
    acme = aging_row(db, "ACME")
    assert acme.unallocated == D("-50.00")
    assert sum(acme.buckets, D(0)) == D("100.00")


def test_same_day_payments_keep_the_files_order(db: Database, tmp_path: Path) -> None:
    with_clients(db, tmp_path)
    invoices = (
        "number,client_code,issue_date,amount\nA-1,ACME,2026-01-01,100.00\nA-2,ACME,2026-01-10,100.00\n"
    )
    import_invoices(db, csv_file(tmp_path, invoices, "invoices.csv"))
    # The unnamed payment comes first and pays A-1; the one naming A-1 then finds nothing open.
    payments = "client_code,date,amount,invoice_number\nACME,2026-02-01,100.00,\nACME,2026-02-01,100.00,A-1\n"
    summary = import_payments(db, csv_file(tmp_path, payments, "payments.csv"))
    assert (summary.allocated, summary.on_account) == (D("100.00"), D("100.00"))
    assert aging_row(db, "ACME").unallocated == D("-100.00")


# --- encodings and layout --------------------------------------------------------------


def test_utf8_with_a_byte_order_mark(db: Database, tmp_path: Path) -> None:
    path = csv_file(tmp_path, "code,name\nZ1,Zoë Ørsted\n", encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    import_clients(db, path, today=AS_OF)
    with UnitOfWork(db) as uow:
        assert uow.session.scalar(select(Client.name).where(Client.code == "Z1")) == "Zoë Ørsted"


def test_excel_windows_1252(db: Database, tmp_path: Path) -> None:
    path = csv_file(tmp_path, "code,name\r\nZETA,Zeta Café – “Ltd”\r\n", encoding="cp1252")
    assert b"Caf\xe9" in path.read_bytes()
    import_clients(db, path, today=AS_OF)
    with UnitOfWork(db) as uow:
        assert uow.session.scalar(select(Client.name).where(Client.code == "ZETA")) == "Zeta Café – “Ltd”"


def test_a_file_without_a_company_gets_one_in_the_same_transaction(db_path: Path, tmp_path: Path) -> None:
    db = open_database(db_path, create=True)
    try:
        path = csv_file(tmp_path, "code,name\nA1,Alpha\n", "clients.csv")
        preview = import_clients(db, path, today=AS_OF, dry_run=True)
        assert preview.company_created and "would be created" in preview.describe()
        assert not has_company(db)
        summary = import_clients(db, path, today=AS_OF)
        assert summary.company_created and "was created" in summary.describe()
        assert has_company(db)
        assert count(db, Client) == 1
    finally:
        db.close()


# --- refusals --------------------------------------------------------------------------


def test_missing_columns_are_named_on_line_one(db: Database, tmp_path: Path) -> None:
    problems = refusal(lambda: import_invoices(db, csv_file(tmp_path, "number,client_code,due_date\nX,Y,\n")))
    assert problems == (
        "line 1: the columns are those of CreditDesk (export invoices), "
        "but it lacks a column 'gross' or 'amount' and a column 'issue_date'",
    )
    problems = refusal(lambda: import_payments(db, csv_file(tmp_path, "client_code,date,Amount,amount\n")))
    assert problems == ("line 1: column 'Amount' appears more than once",)


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        (
            "I-9,ZZ9,2026-01-01,,10.00",
            "field 'client_code': 'ZZ9' is not a known client code; add the client first, "
            "or give the client's name in the file so it can be added",
        ),
        (
            "I-9,ACME,2026-13-01,,10.00",
            "field 'issue_date': expected a date like 2026-12-31, got '2026-13-01'",
        ),
        (
            "I-9,ACME,01/02/2026,,10.00",
            "field 'issue_date': expected a date like 2026-12-31, got '01/02/2026'",
        ),
        ("I-9,ACME,20260101,,10.00", "field 'issue_date': expected a date like 2026-12-31, got '20260101'"),
        (
            "I-9,ACME,2026-01-01,2026-02-30,10.00",
            "field 'due_date': expected a date like 2026-12-31, got '2026-02-30'",
        ),
        (
            "I-9,ACME,2026-01-10,2026-01-09,10.00",
            "field 'due_date': the due date 2026-01-09 is before the issue date 2026-01-10",
        ),
        ("I-9,ACME,2026-01-01,,0.00", "field 'amount': the invoice's total must be more than zero, got 0.00"),
        ("I-9,ACME,2026-01-01,,-5", "field 'amount': the invoice's total must be more than zero, got -5.00"),
        ('I-9,ACME,2026-01-01,,"12,50"', "field 'amount': expected an amount like 1,234.50, got '12,50'"),
        ("I-9,ACME,2026-01-01,,£10", "field 'amount': '£10' is not an amount in EUR"),
        ("I-9,ACME,2026-01-01,,1.005", "field 'amount': 1.005 has more than 2 decimal places"),
        (
            "I-9,ACME,2026-01-01,,",
            "field 'amount': is empty; every invoice needs its total or the amount due",
        ),
        ("I-9,ACME,,,10.00", "field 'issue_date': is empty; every invoice needs the date it was issued"),
        (",ACME,2026-01-01,,10.00", "field 'number': is empty; every invoice needs its number"),
        ("I-9,,2026-01-01,,10.00", "field 'client_code': is empty; every invoice needs its client"),
        (
            "OLD-1,ACME,2026-01-01,,10.00",
            "field 'number': invoice number OLD-1 is already used by an invoice made in CreditDesk",
        ),
        ("I-1,ACME,2026-01-01,,10.00", "field 'number': invoice I-1 is repeated (first on line 2)"),
    ],
)
def test_bad_invoice_rows(db: Database, tmp_path: Path, row: str, problem: str) -> None:
    with_clients(db, tmp_path)
    acme = client_id(db, "ACME")
    create_invoice(db, InvoiceInput(acme, date(2026, 1, 1), [InvoiceLine("x", D(1), D(1))], number="OLD-1"))
    before = ledger_counts(db)
    text = f"number,client_code,issue_date,due_date,amount\nI-1,ACME,2026-01-01,,10.00\n{row}\n"
    problems = refusal(lambda: import_invoices(db, csv_file(tmp_path, text)))
    assert problems == (f"line 3, {problem}",)
    assert ledger_counts(db) == before


def client_id(db: Database, code: str) -> int:
    with UnitOfWork(db) as uow:
        client_id = uow.session.scalar(select(Client.id).where(Client.code == code))
    assert client_id is not None
    return client_id


def test_bad_payment_rows(db: Database, tmp_path: Path) -> None:
    with_clients(db, tmp_path)
    acme, beta = client_id(db, "ACME"), client_id(db, "BETA")
    line = [InvoiceLine("x", D(1), D(100))]
    create_invoice(db, InvoiceInput(acme, date(2026, 1, 1), line, number="A-1"))
    create_invoice(db, InvoiceInput(beta, date(2026, 1, 1), line, number="B-1"))
    create_invoice(
        db, InvoiceInput(acme, date(2026, 1, 1), line, number="A-DRAFT", status=InvoiceStatus.DRAFT)
    )
    create_invoice(db, InvoiceInput(acme, date(2026, 1, 1), line, number="A-VOID", status=InvoiceStatus.VOID))
    before = ledger_counts(db)
    text = (
        "client_code,date,amount,reference,invoice_number\n"  # 1
        "ACME,2026-02-01,10.00,ok,A-1\n"  # 2 fine
        "NOPE,2026-02-01,10.00,,\n"  # 3
        "ACME,2026-02-31,10.00,,\n"  # 4
        "ACME,2026-02-01,0,,\n"  # 5
        "ACME,2026-02-01,ten,,\n"  # 6
        "ACME,2026-02-01,10.00,,A-404\n"  # 7
        "ACME,2026-02-01,10.00,,B-1\n"  # 8
        "ACME,2026-02-01,10.00,,A-VOID\n"  # 9
        "ACME,2026-02-01,10.00,,A-DRAFT\n"  # 10
        f"ACME,2026-02-01,10.00,{'r' * 101},\n"  # 11
        ",2026-02-01,10.00,,\n"  # 12
    )
    problems = refusal(lambda: import_payments(db, csv_file(tmp_path, text)))
    assert problems == (
        "line 3, field 'client_code': 'NOPE' is not a client CreditDesk keeps; "
        "add the client first, then import the payments",
        "line 4, field 'date': expected a date like 2026-12-31, got '2026-02-31'",
        "line 5, field 'amount': a payment must be more than zero, got '0'",
        "line 6, field 'amount': expected an amount like 1234.50, got 'ten'",
        "line 7, field 'invoice_number': there is no invoice A-404",
        "line 8, field 'invoice_number': invoice B-1 belongs to client 'BETA', not to 'ACME'",
        "line 9, field 'invoice_number': invoice A-VOID is void; money cannot be applied to it",
        "line 10, field 'invoice_number': invoice A-DRAFT is a draft; money cannot be applied to it",
        "line 11, field 'reference': is longer than 100 characters",
        "line 12, field 'client_code': is empty; every payment needs the client who paid",
    )
    assert ledger_counts(db) == before


def test_nothing_is_written_when_one_row_of_many_is_bad(db: Database, tmp_path: Path) -> None:
    with_clients(db, tmp_path)
    before = ledger_counts(db)
    rows = [f"I-{n},ACME,2026-01-01,,10.00" for n in range(1, 500)]
    rows[250] = "I-251,ACME,2026-01-01,,ten"
    rows[400] = "I-401,ACME,2026-01-32,,10.00"
    text = "number,client_code,issue_date,due_date,amount\n" + "\n".join(rows) + "\n"
    problems = refusal(lambda: import_invoices(db, csv_file(tmp_path, text)))
    assert problems == (
        "line 252, field 'amount': expected an amount like 1234.50, got 'ten'",
        "line 402, field 'issue_date': expected a date like 2026-12-31, got '2026-01-32'",
    )
    assert ledger_counts(db) == before


def test_a_write_that_fails_halfway_rolls_everything_back(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The payments are inserted, then the database refuses the allocations: nothing of the file stays."""
    with_clients(db, tmp_path)
    import_invoices(db, csv_file(tmp_path, "number,client_code,issue_date,amount\nA-1,ACME,2026-01-01,500\n"))
    before = ledger_counts(db)
    insert = BulkWriter.insert

    def refusing_insert(
        self: BulkWriter, entity: type[Base], columns: Sequence[str], rows: Iterable[Row]
    ) -> int:
        if entity is AllocationRow:
            raise IntegrityError("INSERT INTO allocation", None, Exception("the database refused the rows"))
        return insert(self, entity, columns, rows)

    monkeypatch.setattr(BulkWriter, "insert", refusing_insert)
    text = "client_code,date,amount,reference\nACME,2026-03-01,10.00,one\nACME,2026-02-01,10.00,two\n"
    with pytest.raises(IntegrityError):
        import_payments(db, csv_file(tmp_path, text))
    assert ledger_counts(db) == before


# --- dry runs --------------------------------------------------------------------------


def test_a_dry_run_reports_the_same_and_writes_nothing(db: Database, tmp_path: Path) -> None:
    with_clients(db, tmp_path)
    invoices = csv_file(
        tmp_path, "number,client_code,issue_date,amount\nA-1,ACME,2026-01-01,100\nB-1,BETA,2026-01-02,50\n"
    )
    payments = csv_file(tmp_path, "client_code,date,amount\nACME,2026-02-01,120\n", "payments.csv")
    before = ledger_counts(db)
    preview = import_invoices(db, invoices, dry_run=True)
    assert preview.dry_run and preview.count == 2
    assert ledger_counts(db) == before
    real = import_invoices(db, invoices)
    assert real == replace(preview, dry_run=False)
    before = ledger_counts(db)
    preview = import_payments(db, payments, dry_run=True)
    assert (preview.allocated, preview.on_account) == (D("100.00"), D("20.00"))
    assert ledger_counts(db) == before
    assert run_aging(db, AS_OF).totals.unallocated == D(0)
    real = import_payments(db, payments)
    assert (real.allocated, real.on_account) == (preview.allocated, preview.on_account)
    assert run_aging(db, AS_OF).totals.unallocated == D("-20.00")
