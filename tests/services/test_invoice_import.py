"""Importing the books of other systems, and keeping in step with them, on real company files."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest
from sqlalchemy import func, select

from creditdesk.domain.errors import ImportRefused
from creditdesk.services.clients.records import ClientInput, add_client
from creditdesk.services.company.settings import create_company
from creditdesk.services.imports.common import BooksChanged
from creditdesk.services.imports.invoice_import import (
    InvoiceImportOptions,
    apply_invoice_plan,
    import_invoice_file,
    plan_invoice_import,
)
from creditdesk.services.reports.aging import run_aging
from creditdesk.store.database import Database, open_database
from creditdesk.store.models import Activity, AllocationRow, Base, Client, CreditNote, Invoice, Payment
from creditdesk.store.unit_of_work import UnitOfWork

FIXTURES = Path(__file__).parents[1] / "imports" / "fixtures"
TODAY = date(2026, 12, 3)


def company(tmp_path: Path, currency: str, locale: str) -> Database:
    db = open_database(tmp_path / f"{currency}.sqlite", create=True)
    create_company(db, "Imported Books Ltd", currency, locale)
    return db


def counts(db: Database) -> dict[str, int]:
    models: list[type[Base]] = [Client, Invoice, Payment, CreditNote, AllocationRow, Activity]
    with UnitOfWork(db) as uow:
        return {
            model.__tablename__: int(uow.session.scalar(select(func.count()).select_from(model)) or 0)
            for model in models
        }


def owed(db: Database, as_of: date) -> D:
    return run_aging(db, as_of).totals.total


@pytest.mark.parametrize(
    ("fixture", "currency", "locale", "as_of", "total"),
    [
        # The report's own "as of" date, and its stated open total.
        ("quickbooks_ar_aging_detail.csv", "USD", "en_US", date(2026, 11, 30), D("5870.49")),
        ("xero_aged_receivables_detail.csv", "GBP", "en_GB", date(2026, 11, 30), D("1707.50")),
        # Its credit note stays on account against the client, as the report nets it.
        ("sage_aged_debtors.csv", "GBP", "en_GB", date(2026, 11, 30), D("2642.00")),
        # Invoice exports state no date: the import's day; drafts and voids are not owed.
        ("quickbooks_invoice_list.csv", "USD", "en_US", TODAY, D("3290.50")),
        ("freeagent_invoices.csv", "GBP", "en_GB", TODAY, D("1500.00")),  # 1,200.00 + 300.00 still due
        ("wave_invoices.csv", "CAD", "en_CA", TODAY, D("4255.00")),  # 1,695.00 + 300.00 + 2,260.00
        ("xero_sales_invoices.csv", "GBP", "en_GB", TODAY, D("1372.00")),  # 972.00 + 400.00, by line items
        # The EUR invoice of this multi-currency export is left out of a USD company.
        ("zoho_invoices.csv", "USD", "en_US", TODAY, D("2384.56")),  # 1,150.00 + 1,234.56
    ],
)
def test_each_source_imports_and_the_aging_as_of_its_date_equals_the_file(
    tmp_path: Path, fixture: str, currency: str, locale: str, as_of: date, total: D
) -> None:
    db = company(tmp_path, currency, locale)
    plan = import_invoice_file(db, FIXTURES / fixture, InvoiceImportOptions(), TODAY)
    assert plan.as_of == as_of
    assert owed(db, as_of) == total
    assert plan.new_clients, "the file's clients were added"


def test_a_paid_part_is_a_payment_on_the_files_date_so_earlier_reports_stay(tmp_path: Path) -> None:
    db = company(tmp_path, "USD", "en_US")
    import_invoice_file(db, FIXTURES / "quickbooks_invoice_list.csv", InvoiceImportOptions(), TODAY)
    # Before the import's date every invoice issued by then is owed in full: 850 + 3,400 + 1,250 + 640.50.
    assert owed(db, date(2026, 12, 2)) == D("6140.50")
    assert owed(db, TODAY) == D("3290.50")


def write(path: Path, rows: list[str]) -> Path:
    header = "Reference,Contact,Dated On,Due On,Status,Currency,Total Value,Paid Value,Due Value"  # FreeAgent
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


NOVEMBER = [
    "2001,Lark Studio,2026-10-01,2026-10-31,Overdue,CAD,500.00,0.00,500.00",
    "2002,Lark Studio,2026-10-15,2026-11-14,Overdue,CAD,800.00,300.00,500.00",
    "2003,Fen Bakery,2026-11-02,2026-12-02,Sent,CAD,250.00,0.00,250.00",
    "2004,Fen Bakery,2026-11-10,2026-12-10,Sent,CAD,120.00,0.00,120.00",
    "2005,Heron Press,2026-11-20,2026-12-20,Sent,CAD,90.00,0.00,90.00",
]
DECEMBER = [
    "2001,Lark Studio,2026-10-01,2026-10-31,Paid,CAD,500.00,500.00,0.00",  # paid in full
    "2002,Lark Studio,2026-10-15,2026-11-14,Overdue,CAD,800.00,600.00,200.00",  # paid 300 more
    "2003,Fen Bakery,2026-11-02,2026-12-02,Sent,CAD,250.00,0.00,250.00",  # unchanged
    "2004,Fen Bakery,2026-11-10,2026-12-10,Cancelled,CAD,120.00,0.00,0.00",  # voided
    "2005,Heron Press,2026-11-20,2026-12-20,Sent,CAD,90.00,0.00,90.00",  # unchanged here (see the conflict)
    "2006,Heron Press,2026-12-15,2027-01-14,Sent,CAD,400.00,0.00,400.00",  # new
]


def test_keeping_in_step_records_what_changed_and_a_second_run_changes_nothing(tmp_path: Path) -> None:
    db = company(tmp_path, "CAD", "en_CA")
    first = write(tmp_path / "november.csv", NOVEMBER)
    november, december = date(2026, 11, 30), date(2026, 12, 31)
    import_invoice_file(db, first, InvoiceImportOptions(as_of=november), TODAY)
    assert owed(db, november) == D("1460.00")

    second = write(tmp_path / "december.csv", DECEMBER)
    options = InvoiceImportOptions(as_of=december, sync=True)
    plan = import_invoice_file(db, second, options, TODAY)
    assert (len(plan.create), plan.updated, plan.settled, plan.unchanged) == (1, 3, 0, 2)
    assert plan.conflicts == ()
    assert owed(db, december) == D("940.00")  # 200 + 250 + 90 + 400
    assert owed(db, november) == D("1460.00"), "last month's aging does not move"

    before = counts(db)
    again = import_invoice_file(db, second, options, TODAY)
    assert (len(again.create), len(again.money_in), again.unchanged) == (0, 0, 6)
    assert counts(db) == before
    with UnitOfWork(db) as uow:
        voided = uow.session.scalars(select(CreditNote.reason)).all()
    assert voided == ["Void in FreeAgent (invoices export)"]


def test_an_amount_due_that_went_up_is_a_conflict_and_nothing_else_changes(tmp_path: Path) -> None:
    db = company(tmp_path, "CAD", "en_CA")
    import_invoice_file(
        db, write(tmp_path / "a.csv", NOVEMBER), InvoiceImportOptions(as_of=date(2026, 11, 30)), TODAY
    )
    before = counts(db)
    rows = [
        row.replace("90.00,0.00,90.00", "95.00,0.00,95.00") if row.startswith("2005") else row
        for row in NOVEMBER
    ]
    plan = import_invoice_file(db, write(tmp_path / "b.csv", rows), InvoiceImportOptions(sync=True), TODAY)
    assert len(plan.conflicts) == 1 and "2005" in str(plan.conflicts[0])
    assert "95.00 CAD is due, CreditDesk 90.00 CAD" in str(plan.conflicts[0])
    assert counts(db) == before


def test_a_complete_file_settles_what_it_no_longer_lists(tmp_path: Path) -> None:
    db = company(tmp_path, "CAD", "en_CA")
    import_invoice_file(
        db, write(tmp_path / "a.csv", NOVEMBER), InvoiceImportOptions(as_of=date(2026, 11, 30)), TODAY
    )
    rest = [row for row in NOVEMBER if not row.startswith("2001")]
    options = InvoiceImportOptions(as_of=date(2026, 12, 31), sync=True, complete=True)
    plan = import_invoice_file(db, write(tmp_path / "b.csv", rest), options, TODAY)
    assert plan.settled == 1
    assert owed(db, date(2026, 12, 31)) == D("960.00")  # 1,460.00 less invoice 2001's 500.00


def test_reimporting_without_keeping_in_step_is_refused_and_says_how(tmp_path: Path) -> None:
    db = company(tmp_path, "CAD", "en_CA")
    path = write(tmp_path / "a.csv", NOVEMBER)
    import_invoice_file(db, path, InvoiceImportOptions(as_of=date(2026, 11, 30)), TODAY)
    before = counts(db)
    with pytest.raises(ImportRefused) as refused:
        import_invoice_file(db, path, InvoiceImportOptions(), TODAY)
    assert refused.value.problems[0].startswith("line 2, field 'Reference': invoice 2001 was imported")
    assert refused.value.problems[0].endswith(
        "import the file keeping in step with that import to bring it up to date"
    )
    assert counts(db) == before


def test_a_plan_writes_nothing_and_says_what_it_would_do(tmp_path: Path) -> None:
    db = company(tmp_path, "CAD", "en_CA")
    before = counts(db)
    plan = plan_invoice_import(db, FIXTURES / "wave_invoices.csv", InvoiceImportOptions(), TODAY)
    assert plan.describe() == "new invoices: 4; new clients: 3; updated: 0; settled: 0; unchanged: 0"
    assert [why for _, why in plan.left_out] == ["invoice 1018 is a draft"]
    assert counts(db) == before


def test_other_currencies_of_a_multi_currency_export_are_listed_not_imported(tmp_path: Path) -> None:
    db = company(tmp_path, "EUR", "de_DE")
    plan = plan_invoice_import(db, FIXTURES / "zoho_invoices.csv", InvoiceImportOptions(), TODAY)
    assert plan.ready
    assert any("the books are kept in EUR" in why for _, why in plan.left_out)
    assert all(new.record.currency == "EUR" for new in plan.create)


@pytest.mark.parametrize(
    ("fixture", "currency", "locale"),
    [
        ("de_excel_semicolon_cp1252.csv", "EUR", "de_DE"),  # ; Windows-1252 1.234,50 31.12.2026
        ("us_excel_comma_utf8bom.csv", "USD", "en_US"),  # , UTF-8 BOM 1,234.50 12/31/2026 (250.00)
        ("fr_unicode_text_utf16le.txt", "EUR", "fr_FR"),  # tabs UTF-16 LE 1 234,50 € 31/12/2026
        ("nl_unicode_text_utf16be.txt", "EUR", "nl_NL"),  # tabs UTF-16 BE € 1.234,50 31-12-2026
    ],
)
def test_excel_files_of_four_locales_import_with_their_credits_on_account(
    tmp_path: Path, fixture: str, currency: str, locale: str
) -> None:
    db = company(tmp_path, currency, locale)
    plan = import_invoice_file(db, FIXTURES / fixture, InvoiceImportOptions(), TODAY)
    assert plan.read.source == "spreadsheet"
    assert (len(plan.create), len(plan.credits)) == (3, 1)
    # 1,234.50 + 98.00 + 12,000.00 owed, less the 250.00 credit on account.
    assert owed(db, date(2027, 1, 31)) == D("13082.50")
    again = import_invoice_file(db, FIXTURES / fixture, InvoiceImportOptions(sync=True), TODAY)
    assert (len(again.create), len(again.credits), again.unchanged) == (0, 0, 4)


def test_a_plan_is_not_written_over_books_that_changed_after_it_was_made(tmp_path: Path) -> None:
    db = company(tmp_path, "CAD", "en_CA")
    path = FIXTURES / "wave_invoices.csv"
    late = plan_invoice_import(db, path, InvoiceImportOptions(), TODAY)
    import_invoice_file(db, path, InvoiceImportOptions(), TODAY)  # someone else imported it meanwhile
    after_first = counts(db)
    with pytest.raises(BooksChanged) as changed:
        apply_invoice_plan(db, late, TODAY)
    assert "nothing was imported" in changed.value.message
    assert counts(db) == after_first, "the invoices are not there twice"
    again = plan_invoice_import(db, path, InvoiceImportOptions(), TODAY)
    assert not again.ready, "checked again, the file is one that was imported before"


def test_a_plan_is_written_when_what_changed_meanwhile_does_not_touch_it(tmp_path: Path) -> None:
    db = company(tmp_path, "CAD", "en_CA")
    plan = plan_invoice_import(db, FIXTURES / "wave_invoices.csv", InvoiceImportOptions(), TODAY)
    add_client(db, ClientInput("WALKIN", "Walk-in client"))  # the window saves a client meanwhile
    apply_invoice_plan(db, plan, TODAY)
    assert owed(db, TODAY) == D("4255.00")
    plan = plan_invoice_import(db, FIXTURES / "quickbooks_invoice_list.csv", InvoiceImportOptions(), TODAY)
    first_new = plan.new_clients[0]
    add_client(db, ClientInput("SAMENAME", first_new.name))  # ... but this time one of the file's clients
    with pytest.raises(BooksChanged):
        apply_invoice_plan(db, plan, TODAY)
