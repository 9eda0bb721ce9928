"""``creditdesk bank``: list what waits, confirm, assign, ignore and undo from the command line."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest

from creditdesk.cli import main
from creditdesk.domain.bank import BankStatement, BankTransaction
from creditdesk.domain.invoice import InvoiceLine
from creditdesk.services.bank.statement_import import import_bank_statement
from creditdesk.services.clients.records import ClientInput, add_client
from creditdesk.services.company.settings import create_company
from creditdesk.services.ledger.invoices import InvoiceInput, create_invoice
from creditdesk.services.reports.aging import run_aging
from creditdesk.store.database import open_database

DAY = date(2026, 12, 1)


def books(tmp_path: Path) -> str:
    path = tmp_path / "books.sqlite"
    db = open_database(path, create=True)
    create_company(db, "Harbour Design Ltd", "GBP", "en_GB")
    bramble = add_client(db, ClientInput("BRAMBLE", "Bramble & Co"))
    add_client(db, ClientInput("QUAY", "Quayside Café"))
    create_invoice(
        db,
        InvoiceInput(bramble, date(2026, 10, 1), [InvoiceLine("Design", D(1), D("500.00"))], number="INV-1"),
    )
    entries = (
        BankTransaction("B1", DAY, D("500.00"), "GBP", "BRAMBLE & CO.", "", "November"),
        BankTransaction("B2", DAY, D("75.00"), "GBP", "Q Cafe Ltd", "GB33BUKB20201555555555", "thanks"),
    )
    import_bank_statement(db, BankStatement("camt.053", "GB29NWBK60161331926819", "GBP", entries), "dec.xml")
    db.close()
    return str(path)


def test_waiting_entries_are_listed_then_confirmed_assigned_and_undone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = books(tmp_path)
    assert main(["--db", db, "bank", "list"]) == 0
    out = capsys.readouterr().out
    assert "Bank entries, amounts in GBP:" in out
    lines = [line for line in out.splitlines() if line[:4].strip().isdigit()]
    assert len(lines) == 2
    assert "suggested" in lines[0] + lines[1] and "unmatched" in lines[0] + lines[1]
    assert "The payer is known and the amount is that of one open invoice." in out

    suggested = next(line for line in lines if "suggested" in line).split()[0]
    unmatched = next(line for line in lines if "unmatched" in line).split()[0]
    assert main(["--db", db, "bank", "confirm", suggested]) == 0
    assert capsys.readouterr().out.strip() == "Confirmed 1 bank entry."
    assert main(["--db", db, "bank", "assign", unmatched, "QUAY"]) == 0
    assert "recorded as a payment from QUAY" in capsys.readouterr().out
    assert main(["--db", db, "bank", "list"]) == 0
    assert capsys.readouterr().out.strip() == "No bank entries are waiting."

    database = open_database(Path(db))
    assert run_aging(database, DAY).totals.total == D("-75.00"), "Quayside's money is on account"
    database.close()
    assert main(["--db", db, "bank", "undo", unmatched]) == 0
    database = open_database(Path(db))
    assert run_aging(database, DAY).totals.total == D("0.00")
    database.close()


def test_a_wrong_id_or_client_is_a_plain_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = books(tmp_path)
    assert main(["--db", db, "bank", "confirm", "99"]) == 1
    assert "there is no bank entry 99" in capsys.readouterr().err
    assert main(["--db", db, "bank", "assign", "1", "NOBODY"]) == 1
    assert "NOBODY" in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage:
        main(["--db", db, "bank", "list", "--status", "lost"])
    assert usage.value.code == 1, "a usage mistake is a user error, not exit 2"
    assert "invalid choice: 'lost'" in capsys.readouterr().err


def test_import_bank_says_what_it_did_and_refuses_a_bad_file_with_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fixtures = Path(__file__).parents[1] / "imports" / "fixtures" / "bank"
    db = str(tmp_path / "books.sqlite")
    assert main(["--db", db, "init", "--name", "Klein Kunden", "--currency", "EUR", "--locale", "de_DE"]) == 0
    capsys.readouterr()
    statement = str(fixtures / "camt054_001_04_sparkasse.xml")
    assert main(["--db", db, "import", "bank", statement, "--dry-run"]) == 0
    assert capsys.readouterr().out.startswith(
        "Dry run, nothing written: camt054_001_04_sparkasse.xml (camt.054)"
    )
    assert main(["--db", db, "import", "bank", statement]) == 0
    assert "unmatched: 2" in capsys.readouterr().out
    assert main(["--db", db, "import", "bank", statement]) == 0
    assert "already imported: 2" in capsys.readouterr().out
    assert main(["--db", db, "import", "bank", statement, "--format", "mt940"]) == 1
    assert "camt054_001_04_sparkasse.xml" in capsys.readouterr().err
    not_a_statement = tmp_path / "notes.txt"
    not_a_statement.write_text("Dear Sir,\nplease find enclosed\n", encoding="utf-8")
    assert main(["--db", db, "import", "bank", str(not_a_statement)]) == 1
    assert "notes.txt" in capsys.readouterr().err
