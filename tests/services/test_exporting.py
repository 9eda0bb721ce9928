"""CSV exports read back from real files: figures, encoding, formula guard, no half files."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest

from creditdesk.domain.aging import Basis
from creditdesk.domain.errors import ValidationError
from creditdesk.domain.invoice import InvoiceLine, InvoiceStatus, invoice_state
from creditdesk.domain.terms import PaymentTerms
from creditdesk.services.clients.records import ClientInput, add_client
from creditdesk.services.company.settings import create_company
from creditdesk.services.imports.client_import import import_clients
from creditdesk.services.imports.csv_io import guard_cell
from creditdesk.services.imports.exporting import (
    CLIENT_FIELDS,
    INVOICE_FIELDS,
    PAYMENT_FIELDS,
    aging_fields,
    aging_records,
    export_aging,
    export_clients,
    export_invoices,
    export_payments,
    write_csv,
)
from creditdesk.services.ledger.invoices import InvoiceInput, create_invoice
from creditdesk.services.ledger.payments import (
    CreditNoteInput,
    PaymentInput,
    issue_credit_note,
    record_payment,
)
from creditdesk.services.reports.aging import run_aging
from creditdesk.store.database import Database, open_database
from creditdesk.store.models import Invoice
from creditdesk.store.unit_of_work import UnitOfWork

AS_OF = date(2026, 6, 30)
BOM = b"\xef\xbb\xbf"


def read_back(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    data = path.read_bytes()
    assert data.startswith(BOM)
    reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    rows = list(reader)
    return list(reader.fieldnames or []), rows


def invoice(db: Database, client: int, number: str, issue: date, amount: str, **kw: object) -> int:
    lines = [InvoiceLine("Work", D(1), D(amount))]
    return create_invoice(db, InvoiceInput(client, issue, lines, number=number, **kw))  # type: ignore[arg-type]


@pytest.fixture
def ledger(db: Database) -> Database:
    """Two clients: Acme with paid, part-paid, overdue, disputed, draft and void invoices; Beta in credit."""
    acme = add_client(
        db, ClientInput("ACME", "Acme Ltd", "ap@acme.example", terms=PaymentTerms(14), credit_limit=D("2500"))
    )
    beta = add_client(db, ClientInput("BETA", '=HYPERLINK("http://evil.example","Beta")'))
    invoice(db, acme, "A-1", date(2026, 1, 10), "100.00")  # paid in full
    invoice(db, acme, "A-2", date(2026, 3, 1), "200.00")  # part paid, overdue
    disputed = invoice(db, acme, "A-3", date(2026, 6, 1), "50.00", reference="PO-7")
    invoice(db, acme, "A-4", date(2026, 6, 25), "80.00", status=InvoiceStatus.DRAFT)
    invoice(db, acme, "A-5", date(2026, 2, 1), "70.00", status=InvoiceStatus.VOID)
    invoice(db, acme, "A-6", date(2026, 7, 15), "999.00")  # after AS_OF
    invoice(db, beta, "B-1", date(2026, 5, 1), "30.00")
    record_payment(db, PaymentInput(acme, date(2026, 3, 20), D("160.00"), "bank", "=cmd|' /C calc'!A0"))
    record_payment(db, PaymentInput(beta, date(2026, 5, 20), D("80.00"), "card", "-2+3"))
    issue_credit_note(db, CreditNoteInput(acme, date(2026, 6, 28), D("10.00"), reason="goodwill"))
    with UnitOfWork(db, write=True) as uow:
        row = uow.session.get(Invoice, disputed)
        assert row is not None
        row.disputed = True
        uow.commit()
    return db


def test_clients_export_round_trips_through_the_importer(ledger: Database, tmp_path: Path) -> None:
    target = tmp_path / "clients.csv"
    assert export_clients(ledger, target) == 2
    header, rows = read_back(target)
    assert header == list(CLIENT_FIELDS)
    acme = rows[0]
    assert (acme["code"], acme["email"], acme["terms_days"], acme["credit_limit"], acme["terms"]) == (
        "ACME",
        "ap@acme.example",
        "14",
        "2500.00",
        "Net 14",
    )
    assert acme["on_hold"] == "no"
    other = open_database(tmp_path / "other.sqlite", create=True)
    try:
        create_company(other, "Other", "EUR", "en_GB")
        assert import_clients(other, target, today=AS_OF).count == 2
        again = tmp_path / "again.csv"
        export_clients(other, again)
        _, rows_again = read_back(again)
    finally:
        other.close()
    imported = ["code", "name", "email", "terms_days", "credit_limit"]
    assert [[r[k] for k in imported] for r in rows_again] == [[r[k] for k in imported] for r in rows]
    assert rows_again[1]["name"] == '\'=HYPERLINK("http://evil.example","Beta")'  # guarded once, not twice


def test_invoices_export_shows_each_invoice_as_of_a_date(ledger: Database, tmp_path: Path) -> None:
    target = tmp_path / "invoices.csv"
    assert export_invoices(ledger, target, AS_OF) == 6  # A-6 was issued after AS_OF
    header, rows = read_back(target)
    assert header == list(INVOICE_FIELDS)
    by_number = {r["number"]: r for r in rows}
    assert [r["number"] for r in rows] == ["A-1", "A-5", "A-2", "B-1", "A-3", "A-4"]  # by issue date
    view = {n: (r["status"], r["gross"], r["open"], r["days_overdue"]) for n, r in by_number.items()}
    assert view == {
        "A-1": ("paid", "100.00", "0.00", "0"),
        "A-2": ("overdue", "200.00", "140.00", "107"),  # due 15 March
        "A-3": ("disputed", "50.00", "50.00", "15"),
        "A-4": ("draft", "80.00", "0.00", "0"),
        "A-5": ("void", "70.00", "0.00", "0"),
        "B-1": ("paid", "30.00", "0.00", "0"),
    }
    a3 = by_number["A-3"]
    assert (a3["client_code"], a3["client_name"], a3["reference"], a3["disputed"]) == (
        "ACME",
        "Acme Ltd",
        "PO-7",
        "yes",
    )
    assert (a3["issue_date"], a3["due_date"], a3["net"], a3["tax"]) == (
        "2026-06-01",
        "2026-06-15",
        "50.00",
        "0.00",
    )
    # What is open per client agrees with the aging's buckets.
    report = run_aging(ledger, AS_OF)
    for row in report.rows:
        exported = sum((D(r["open"]) for r in rows if r["client_code"] == row.client_code), D(0))
        assert exported == sum(row.buckets, D(0))


def test_invoices_export_earlier_shows_what_was_open_then(ledger: Database, tmp_path: Path) -> None:
    target = tmp_path / "invoices.csv"
    export_invoices(ledger, target, date(2026, 1, 31))
    _, rows = read_back(target)
    assert [(r["number"], r["status"], r["open"], r["days_overdue"]) for r in rows] == [
        ("A-1", "overdue", "100.00", "7"),  # due 24 January, paid 20 March
    ]


def test_payments_export_splits_allocated_and_on_account(ledger: Database, tmp_path: Path) -> None:
    target = tmp_path / "payments.csv"
    assert export_payments(ledger, target) == 2
    header, rows = read_back(target)
    assert header == list(PAYMENT_FIELDS)
    assert rows == [
        {
            "client_code": "ACME",
            "date": "2026-03-20",
            "amount": "160.00",
            "method": "bank",
            "reference": "'=cmd|' /C calc'!A0",
            "allocated": "160.00",
            "on_account": "0.00",
        },
        {
            "client_code": "BETA",
            "date": "2026-05-20",
            "amount": "80.00",
            "method": "card",
            "reference": "'-2+3",
            "allocated": "30.00",
            "on_account": "50.00",
        },
    ]


@pytest.mark.parametrize("basis", list(Basis))
@pytest.mark.parametrize("as_of", [date(2026, 3, 31), AS_OF, date(2027, 1, 1)])
def test_aging_export_has_the_services_figures(
    ledger: Database, tmp_path: Path, basis: Basis, as_of: date
) -> None:
    target = tmp_path / "aging.csv"
    report = run_aging(ledger, as_of, basis)
    assert export_aging(ledger, target, as_of, basis) == len(report.rows)
    header, rows = read_back(target)
    assert header == list(aging_fields(basis))
    assert [r["client_code"] for r in rows] == [r.client_code for r in report.rows]
    for exported, row in zip(rows, report.rows, strict=True):
        assert [D(exported[key]) for key in report.bucket_keys] == list(row.buckets)
        assert D(exported["unallocated"]) == row.unallocated
        assert D(exported["total"]) == row.total
        for key in (*report.bucket_keys, "unallocated", "total"):
            assert exported[key].count(".") == 1 and len(exported[key].split(".")[1]) == 2
            assert exported[key] != "-0.00"


def test_aging_records_are_plain_strings_for_the_cli(ledger: Database) -> None:
    report = run_aging(ledger, AS_OF)
    records = aging_records(report, 2)
    assert [list(r) for r in records] == [list(aging_fields(Basis.DUE))] * len(records)
    beta = next(r for r in records if r["client_code"] == "BETA")
    assert beta["client_name"].startswith("=HYPERLINK")  # guarding is for CSV cells only
    assert (beta["unallocated"], beta["total"]) == ("-50.00", "-50.00")
    acme = next(r for r in records if r["client_code"] == "ACME")
    assert (acme["current"], acme["1-30"], acme["90+"]) == ("0.00", "50.00", "140.00")
    assert acme["unallocated"] == "-10.00"


def test_text_that_could_be_a_formula_is_guarded_but_numbers_are_not(
    ledger: Database, tmp_path: Path
) -> None:
    target = tmp_path / "aging.csv"
    export_aging(ledger, target, AS_OF, Basis.DUE)
    _, rows = read_back(target)
    beta = next(r for r in rows if r["client_code"] == "BETA")
    assert beta["client_name"] == '\'=HYPERLINK("http://evil.example","Beta")'
    assert beta["unallocated"] == "-50.00"
    clients = tmp_path / "clients.csv"
    export_clients(ledger, clients)
    assert "'=HYPERLINK" in clients.read_text(encoding="utf-8-sig")


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+44 20 7946 0000", "'+44 20 7946 0000"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("-5.00", "-5.00"),
        ("-5", "-5"),
        ("1234.50", "1234.50"),
        ("-", "'-"),
        ("-5,00", "'-5,00"),
        ("Acme = best", "Acme = best"),
        ("", ""),
    ],
)
def test_guard_cell(cell: str, written: str) -> None:
    assert guard_cell(cell) == written


def test_write_csv_writes_a_header_and_guarded_rows() -> None:
    out = io.StringIO(newline="")
    assert write_csv([{"name": "=x", "amount": "-1.00"}, {"name": "ok", "amount": "2.00"}], out) == 2
    assert out.getvalue() == "name,amount\r\n'=x,-1.00\r\nok,2.00\r\n"
    empty = io.StringIO(newline="")
    assert write_csv([], empty, fieldnames=["a", "b"]) == 0
    assert empty.getvalue() == "a,b\r\n"


def test_a_failed_export_leaves_the_old_file_alone(
    ledger: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "invoices.csv"
    target.write_text("the previous export\n", encoding="utf-8")
    calls = 0

    def failing_state(*args: object) -> object:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise OSError(28, "No space left on device")
        return invoice_state(*args)  # type: ignore[arg-type]

    monkeypatch.setattr("creditdesk.services.imports.exporting.invoice_state", failing_state)
    with pytest.raises(ValidationError, match="could not be written"):
        export_invoices(ledger, target, AS_OF)
    assert target.read_text(encoding="utf-8") == "the previous export\n"
    assert sorted(p.name for p in tmp_path.iterdir() if "invoices" in p.name) == ["invoices.csv"]
    monkeypatch.undo()
    assert export_invoices(ledger, target, AS_OF) == 6  # an existing export is replaced
    assert read_back(target)[1][0]["number"] == "A-1"


def test_an_export_never_replaces_the_company_file_or_goes_nowhere(ledger: Database, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="company file itself"):
        export_clients(ledger, ledger.path)
    with pytest.raises(ValidationError, match="does not exist"):
        export_clients(ledger, tmp_path / "no-such-folder" / "clients.csv")
    with pytest.raises(ValidationError, match="is a folder"):
        export_clients(ledger, tmp_path)
    assert run_aging(ledger, AS_OF).rows  # the company file is untouched


def test_amounts_use_the_currencys_places(tmp_path: Path) -> None:
    db = open_database(tmp_path / "yen.sqlite", create=True)
    try:
        create_company(db, "Yen KK", "JPY", "ja_JP")
        client = add_client(db, ClientInput("K1", "Kaisha"))
        invoice(db, client, "Y-1", date(2026, 6, 1), "12500")
        target = tmp_path / "invoices.csv"
        export_invoices(db, target, AS_OF)
        row = read_back(target)[1][0]
        assert (row["gross"], row["open"]) == ("12500", "12500")
        assert aging_records(run_aging(db, AS_OF), 0)[0]["total"] == "12500"
    finally:
        db.close()
