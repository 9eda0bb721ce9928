"""Import benchmarks: 200,000 invoice rows of a German Excel CSV, then 200,000 payments, against csv.

Run with ``make bench``. Prints the seconds for the plain ``csv`` module (the
floor: decode and split, nothing checked), for the table reader alone, and for
reading the whole file into checked invoice records (dates and amounts
resolved per column and parsed, clients and totals gathered), with the ratios
to the floor; then importing the invoices and, into the same books, 200,000
payments applied oldest first and another 20,000, each against the same rows
read with the csv module and inserted with executemany into a fresh file.
Asserts only that every row was read and the money adds up, never on time.
"""

from __future__ import annotations

import csv
import random
import sqlite3
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from creditdesk.imports.invoices import InvoiceRead, read_invoices
from creditdesk.imports.mapping import ColumnMapping, Field
from creditdesk.imports.tables import Row, TableFile, open_table
from creditdesk.services.company.settings import create_company
from creditdesk.services.imports.invoice_import import InvoiceImportOptions, import_invoice_file
from creditdesk.services.imports.payment_import import PaymentImportOptions, import_payment_file
from creditdesk.store.database import open_database

ROWS = 200_000
PAYMENTS, MONTH_OF_PAYMENTS = 200_000, 20_000
MAPPING = ColumnMapping(
    "Rechnungen",
    {
        Field.NUMBER: "Rechnungsnummer",
        Field.CLIENT_NAME: "Kunde",
        Field.CLIENT_CODE: "Kundennummer",
        Field.ISSUE_DATE: "Rechnungsdatum",
        Field.DUE_DATE: "Fällig am",
        Field.TOTAL: "Betrag",
        Field.AMOUNT_DUE: "Offen",
    },
)


def german_amount(cents: int) -> str:
    euros, rest = divmod(cents, 100)
    return f"{euros:,}".replace(",", ".") + f",{rest:02d}"


def write_file(path: Path) -> Decimal:
    """A German Excel export (`;`, Windows-1252, `1.234,50`, `31.12.2026`); returns the total invoiced."""
    rng = random.Random(7)
    start = date(2024, 1, 1)
    total = 0
    with path.open("w", encoding="cp1252", newline="") as stream:
        writer = csv.writer(stream, delimiter=";")
        writer.writerow(
            ["Rechnungsnummer", "Kunde", "Kundennummer", "Rechnungsdatum", "Fällig am", "Betrag", "Offen"]
        )
        for number in range(1, ROWS + 1):
            client = rng.randrange(5_000)
            issued = start + timedelta(days=rng.randrange(1_000))
            cents = rng.randrange(1_000, 5_000_000)
            owed = cents if rng.random() < 0.3 else 0
            total += cents
            writer.writerow(
                [
                    f"RE-{number:07d}",
                    f"Kunde Müller {client} GmbH",
                    f"K-{client:05d}",
                    issued.strftime("%d.%m.%Y"),
                    (issued + timedelta(days=30)).strftime("%d.%m.%Y"),
                    german_amount(cents),
                    german_amount(owed),
                ]
            )
    return Decimal(total).scaleb(-2)


def timed_floor(path: Path) -> tuple[float, int]:
    start = time.perf_counter()
    with path.open(encoding="cp1252", newline="") as stream:
        count = sum(1 for _ in csv.reader(stream, delimiter=";"))
    return time.perf_counter() - start, count


def timed_table(path: Path) -> tuple[float, int]:
    start = time.perf_counter()
    table = open_table(path)
    assert isinstance(table, TableFile)
    count = sum(1 for row in table.rows() if isinstance(row, Row))
    return time.perf_counter() - start, count


def timed_records(path: Path) -> tuple[float, InvoiceRead]:
    start = time.perf_counter()
    result = read_invoices(path, source=MAPPING)
    assert isinstance(result, InvoiceRead)
    return time.perf_counter() - start, result


def test_reading_200000_rows(tmp_path: Path) -> None:
    path = tmp_path / "rechnungen.csv"
    invoiced = write_file(path)
    size = path.stat().st_size / 2**20
    floor, floor_rows = min(timed_floor(path) for _ in range(3))
    table, table_rows = min(timed_table(path) for _ in range(3))
    records, result = timed_records(path)
    assert floor_rows == table_rows == ROWS + 1
    assert result.ready, result.problems[:5]
    assert len(result.invoices) == ROWS
    assert sum(invoice.total or 0 for invoice in result.invoices) == invoiced
    print(f"\n\nReading {ROWS:,} invoice rows ({size:.1f} MB, {result.table})")
    print(f"  csv module (floor):            {floor:6.2f} s")
    print(f"  table reader:                  {table:6.2f} s  ({table / floor:4.1f}x the floor)")
    print(f"  checked invoice records:       {records:6.2f} s  ({records / floor:4.1f}x the floor)")
    print(f"  {len(result.clients):,} clients; {'; '.join(result.formats.describe())}")


def floor_import(path: Path, target: Path) -> float:
    """The same rows read with the csv module and inserted with executemany into a bare table: the floor."""
    start = time.perf_counter()
    conn = sqlite3.connect(target)
    conn.execute(
        "CREATE TABLE invoice (id INTEGER PRIMARY KEY, number TEXT, client TEXT, code TEXT, issue_date TEXT,"
        " due_date TEXT, gross INTEGER, open INTEGER)"
    )
    with path.open(encoding="cp1252", newline="") as stream:
        rows = csv.reader(stream, delimiter=";")
        next(rows)
        conn.executemany("INSERT INTO invoice VALUES (NULL, ?, ?, ?, ?, ?, ?, ?)", rows)
    conn.commit()
    conn.close()
    return time.perf_counter() - start


def test_importing_200000_invoices(tmp_path: Path) -> None:
    path = tmp_path / "rechnungen.csv"
    invoiced = write_file(path)
    floor = floor_import(path, tmp_path / "floor.sqlite")
    db = open_database(tmp_path / "books.sqlite", create=True)
    create_company(db, "Müller Werkzeuge GmbH", "EUR", "de_DE")
    start = time.perf_counter()
    plan = import_invoice_file(db, path, InvoiceImportOptions(source=MAPPING), date(2026, 12, 3))
    took = time.perf_counter() - start
    assert len(plan.create) == ROWS
    assert sum(new.gross for new in plan.create) == invoiced
    again_start = time.perf_counter()
    again = import_invoice_file(db, path, InvoiceImportOptions(source=MAPPING, sync=True), date(2026, 12, 3))
    again_took = time.perf_counter() - again_start
    assert again.unchanged == ROWS
    print(
        f"\n\nImporting {ROWS:,} invoices ({len(plan.new_clients):,} new clients, the paid part as payments)"
    )
    print(f"  csv module + executemany (floor): {floor:6.2f} s")
    print(f"  CreditDesk import:                {took:6.2f} s  ({took / floor:4.1f}x the floor)")
    print(f"  the same file again, kept in step: {again_took:5.2f} s  ({again_took / floor:4.1f}x the floor)")
    start_day = date(2026, 12, 4)
    for count, seed, first_day in (
        (PAYMENTS, 11, start_day),
        (MONTH_OF_PAYMENTS, 12, start_day + timedelta(days=200)),
    ):
        payments = tmp_path / f"zahlungen-{count}.csv"
        received = write_payments(payments, count, seed, first_day)
        payment_floor = floor_payments(payments, tmp_path / f"floor-{count}.sqlite")
        start = time.perf_counter()
        payment_plan, outcome = import_payment_file(db, payments, PaymentImportOptions())
        took = time.perf_counter() - start
        assert len(payment_plan.payments) == count and payment_plan.total == received
        assert outcome.allocated + outcome.on_account == received
        print(f"\nImporting {count:,} payments into those books (applied oldest first)")
        print(f"  csv module + executemany (floor): {payment_floor:6.2f} s")
        print(f"  CreditDesk import:                {took:6.2f} s  ({took / payment_floor:4.1f}x the floor)")
        print(
            f"  {outcome.allocated:,} EUR allocated to invoices, {outcome.on_account:,} EUR left on account"
        )
    db.close()


def write_payments(path: Path, count: int, seed: int, first_day: date) -> Decimal:
    """A German Excel list of payments received (`;`, Windows-1252, `1.234,50`, `31.12.2026`); their total."""
    rng = random.Random(seed)
    total = 0
    with path.open("w", encoding="cp1252", newline="") as stream:
        writer = csv.writer(stream, delimiter=";")
        writer.writerow(["Kundennummer", "Zahlungsdatum", "Betrag", "Verwendungszweck"])
        for number in range(1, count + 1):
            cents = rng.randrange(1_000, 2_000_000)
            total += cents
            day = first_day + timedelta(days=rng.randrange(120))
            writer.writerow(
                [
                    f"K-{rng.randrange(5_000):05d}",
                    day.strftime("%d.%m.%Y"),
                    german_amount(cents),
                    f"Überweisung {number}",
                ]
            )
    return Decimal(total).scaleb(-2)


def floor_payments(path: Path, target: Path) -> float:
    """The payment rows read with the csv module and inserted with executemany into a fresh file."""
    start = time.perf_counter()
    conn = sqlite3.connect(target)
    conn.execute(
        "CREATE TABLE payment (id INTEGER PRIMARY KEY, client TEXT, date TEXT, amount TEXT, reference TEXT)"
    )
    with path.open(encoding="cp1252", newline="") as stream:
        rows = csv.reader(stream, delimiter=";")
        next(rows)
        conn.executemany("INSERT INTO payment VALUES (NULL, ?, ?, ?, ?)", rows)
    conn.commit()
    conn.close()
    return time.perf_counter() - start
