"""A company file made by the first released schema opens in this version with every figure unchanged.

The fixture (tests/store/fixtures, made by first_schema.py beside it) is a real
revision-0001 file with clients, invoices over several tax rates, a draft, a
void invoice, part payments, money on account, credit notes and allocations
made later. Its figures were recorded when it was made; here they are read
again from the 0001 file with plain SQL, then the file is opened (and so
upgraded) and every figure, and the invoice export byte for byte, must agree.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import date
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest

from creditdesk.domain.invoice import InvoiceLine
from creditdesk.services.company.maintenance import check_database
from creditdesk.services.ledger.invoices import InvoiceInput, create_invoice
from creditdesk.services.ledger.payments import PaymentInput, record_payment
from creditdesk.store.database import current_revision, head_revision, open_database
from tests.store.fixtures.first_schema import (
    AS_OF_DATES,
    EXPECTED,
    FIRST_REVISION,
    FIXTURE,
    INVOICES_CSV,
    figures,
    invoices_csv,
)

LEDGER_TABLES = ("payment_terms", "company", "client", "invoice", "invoice_line", "payment", "credit_note",
                 "allocation", "activity")  # fmt: skip


@pytest.fixture
def old_file(tmp_path: Path) -> Path:
    path = tmp_path / "books.sqlite"
    shutil.copy(FIXTURE, path)
    return path


@pytest.fixture
def expected() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(EXPECTED.read_text(encoding="utf-8"))
    return loaded


def plain_balances(path: Path, as_of: date) -> list[list[Any]]:
    """Each client's balance read from the old file with nothing of CreditDesk's but its schema."""
    with sqlite3.connect(path) as conn:
        rows = conn.execute(
            """SELECT c.code, SUM(amount) FROM (
                   SELECT client_id, gross AS amount FROM invoice WHERE status = 'issued' AND issue_date <= ?1
                   UNION ALL SELECT client_id, -amount FROM payment WHERE date <= ?1
                   UNION ALL SELECT client_id, -amount FROM credit_note WHERE date <= ?1
               ) JOIN client c ON c.id = client_id GROUP BY c.code HAVING SUM(amount) <> 0 ORDER BY c.code""",
            (as_of.isoformat(),),
        ).fetchall()
    return [[code, units] for code, units in rows]


def table_rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    with sqlite3.connect(path) as conn:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY id").fetchall() for t in LEDGER_TABLES}


def test_the_fixture_is_a_first_schema_file_with_the_recorded_figures(
    old_file: Path, expected: dict[str, Any]
) -> None:
    with sqlite3.connect(old_file) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (FIRST_REVISION,)
        tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        invoices = conn.execute(
            "SELECT number, status, issue_date, due_date, net, tax, gross FROM invoice ORDER BY number"
        ).fetchall()
        counts = {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in LEDGER_TABLES}
    assert "reminder" not in tables and "chase_schedule" not in tables
    assert [list(row) for row in invoices] == expected["invoices"]
    for as_of in AS_OF_DATES:
        assert plain_balances(old_file, as_of) == expected["balances"][str(as_of)]
    # Realistic enough to mean something: every kind of ledger row is there.
    assert counts["client"] >= 5 and counts["invoice"] >= 15
    assert counts["payment"] >= 5 and counts["credit_note"] >= 2 and counts["allocation"] >= 10


def test_opening_it_upgrades_with_a_safety_copy_and_every_figure_is_unchanged(
    old_file: Path, expected: dict[str, Any]
) -> None:
    before = table_rows(old_file)
    db = open_database(old_file)
    try:
        assert current_revision(db.engine) == head_revision() != FIRST_REVISION
        assert figures(db) == expected
        assert invoices_csv(db) == INVOICES_CSV.read_bytes()
    finally:
        db.close()
    (safety,) = (old_file.parent / "backups").glob(f"books-{FIRST_REVISION}-*.sqlite")
    with sqlite3.connect(safety) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (FIRST_REVISION,)
    assert table_rows(safety) == before
    report = check_database(old_file)
    assert report.ok, report.problems


def test_the_upgraded_file_carries_on_where_it_left_off(old_file: Path) -> None:
    db = open_database(old_file)
    try:
        with db.engine.connect() as conn:
            alder = conn.exec_driver_sql("SELECT id FROM client WHERE code = 'ALD'").scalar_one()
            last = conn.exec_driver_sql("SELECT MAX(number) FROM invoice WHERE number LIKE 'INV-%'").scalar()
        new_id = create_invoice(
            db, InvoiceInput(alder, date(2026, 10, 1), [InvoiceLine("Visit", D(1), D("80.00"), D(20))])
        )
        receipt = record_payment(db, PaymentInput(alder, date(2026, 10, 2), D("96.00")))
        with db.engine.connect() as conn:
            number = conn.exec_driver_sql("SELECT number FROM invoice WHERE id = ?", (new_id,)).scalar()
    finally:
        db.close()
    assert last == "INV-00015" and number == "INV-00016"
    assert receipt.result.allocated == D("96.00")
    assert check_database(old_file).ok
