"""``creditdesk import payments FILE``: sources, formats, dry runs, refusals naming the line (exit 1)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest

from creditdesk.domain.invoice import InvoiceLine
from creditdesk.services.clients.records import ClientInput, add_client
from creditdesk.services.ledger.invoices import InvoiceInput, create_invoice
from creditdesk.store.database import open_database
from tests.cli.command import run_command

TODAY = date(2026, 11, 22)


@pytest.fixture
def books(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    path = tmp_path / "books.sqlite"
    assert (
        run_command(
            capsys,
            ["--db", str(path), "init", "--name", "Acme", "--currency", "EUR", "--locale", "en_GB"],
            TODAY,
        )[0]
        == 0
    )
    db = open_database(path)
    try:
        acme = add_client(db, ClientInput("ACME", "Acme Ltd"))
        line = [InvoiceLine("Work", D(1), D("100.00"))]
        create_invoice(db, InvoiceInput(acme, date(2026, 10, 1), line, number="A-1"))
    finally:
        db.close()
    return str(path)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    return run_command(capsys, argv, TODAY, usage_exits=False)


def test_a_dry_run_then_the_import_then_the_same_file_again(
    books: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "payments.csv"
    path.write_text("client_code,date,amount,reference\nACME,2026-11-02,60.00,BACS\nACME,2026-11-03,70.00,\n")
    code, out, _ = run(
        capsys, "--db", books, "import", "payments", str(path), "--dry-run", "--source", "creditdesk"
    )
    assert code == 0
    assert out == (
        "Dry run, nothing written: would import 2 payments from payments.csv totalling 130.00 EUR "
        "(100.00 EUR allocated to invoices, 30.00 EUR left on account); already recorded: 0\n"
    )
    assert run(capsys, "--db", books, "import", "payments", str(path))[1].startswith("Imported 2 payments")
    code, out, _ = run(capsys, "--db", books, "import", "payments", str(path))
    assert code == 0 and out.endswith("already recorded: 2\n")


def test_a_bad_file_names_each_line_and_exits_1(
    books: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "payments.csv"
    path.write_text("client_code,date,amount\nACME,2026-11-31,10.00\nNOPE,2026-11-02,ten\n")
    code, out, err = run(capsys, "--db", books, "import", "payments", str(path))
    assert (code, out) == (1, "")
    assert "line 2, field 'date': expected a date like 2026-12-31, got '2026-11-31'" in err
    assert "line 3, field 'amount': expected an amount like 1234.50, got 'ten'" in err
    code, _, err = run(capsys, "--db", books, "import", "payments", str(path), "--source", "xero")
    assert code == 1 and "'xero' is neither a source CreditDesk knows nor a saved payment mapping" in err


def test_a_locale_file_with_its_formats_given(
    books: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "zahlungen.csv"
    path.write_bytes(
        "Kundennummer;Datum;Betrag\r\nACME;02/11/2026;1.000,50\r\nACME;13/11/2026;2,00\r\n".encode("cp1252")
    )
    given = ("--number-format", "1.234,50", "--source", "spreadsheet")
    code, _, err = run(
        capsys, "--db", books, "import", "payments", str(path), *given, "--date-format", "MM/DD/YYYY"
    )
    assert code == 1
    assert "line 3, field 'Datum': expected a date like 12/31/2026, got '13/11/2026'" in err
    code, out, _ = run(
        capsys, "--db", books, "import", "payments", str(path), *given, "--date-format", "DD/MM/YYYY"
    )
    assert code == 0
    assert "2 payments from zahlungen.csv totalling 1002.50 EUR" in out
