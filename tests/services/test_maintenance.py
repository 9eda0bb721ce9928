"""`check` passes on a sound file and names what is wrong in a damaged copy."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest

from creditdesk.domain.errors import DatabaseError
from creditdesk.domain.invoice import InvoiceLine
from creditdesk.services.clients.records import ClientInput, add_client
from creditdesk.services.company.maintenance import backup_database, check_database
from creditdesk.services.ledger.invoices import InvoiceInput, create_invoice
from creditdesk.services.ledger.payments import PaymentInput, record_payment
from creditdesk.store.database import Database


@pytest.fixture
def sound_file(db: Database, tmp_path: Path) -> Path:
    client = add_client(db, ClientInput("A", "Alpha"))
    lines = [InvoiceLine("Consulting", D("1.5"), D("99.99"), D(20))]
    for day in (1, 2, 3):
        create_invoice(db, InvoiceInput(client, date(2026, 3, day), lines))
    record_payment(db, PaymentInput(client, date(2026, 4, 1), D("250.00")))
    copy = tmp_path / "copy.sqlite"
    backup_database(db, copy)
    return copy


def test_a_sound_file_passes(sound_file: Path) -> None:
    report = check_database(sound_file)
    assert report.ok, report.problems
    assert report.counts == {"client": 1, "invoice": 3, "payment": 1, "credit_note": 0, "allocation": 2}


def tamper(path: Path, sql: str) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA foreign_keys=OFF")
        conn.execute(sql)


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        (
            "UPDATE allocation SET amount = amount + 100000 WHERE id = 1",
            "more money is allocated to invoice INV-00001",
        ),
        ("UPDATE allocation SET amount = 17999 WHERE id = 2", "payment #1 is allocated beyond its amount"),
        ("UPDATE invoice SET status = 'void' WHERE id = 1", "invoice INV-00001 is draft or void"),
        ("UPDATE allocation SET date = '2026-02-01' WHERE id = 1", "takes effect before"),
        (
            "UPDATE invoice_line SET unit_price = 1 WHERE invoice_id = 3",
            "INV-00003's totals do not match its lines",
        ),
        ("UPDATE allocation SET invoice_id = 999 WHERE id = 1", "points to a missing invoice row"),
    ],
)
def test_check_names_the_broken_rule(sound_file: Path, sql: str, expected: str) -> None:
    tamper(sound_file, sql)
    report = check_database(sound_file)
    assert not report.ok
    assert any(expected in problem for problem in report.problems), report.problems


def test_check_reports_a_damaged_file_instead_of_crashing(sound_file: Path) -> None:
    data = bytearray(sound_file.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    # Scribble over every page after the schema page: the tables' b-trees are gone.
    for offset in range(page_size * 2, len(data), page_size):
        data[offset : offset + 64] = b"\xff" * 64
    sound_file.write_bytes(bytes(data))
    report = check_database(sound_file)
    assert not report.ok
    assert any("damaged" in p or "integrity" in p or "malformed" in p for p in report.problems), (
        report.problems
    )


def test_backup_refuses_to_overwrite(db: Database, tmp_path: Path) -> None:
    target = tmp_path / "b.sqlite"
    backup_database(db, target)
    with pytest.raises(DatabaseError, match="already exists"):
        backup_database(db, target)
    shutil.copy(target, tmp_path / "c.sqlite")
    assert check_database(tmp_path / "c.sqlite").ok
